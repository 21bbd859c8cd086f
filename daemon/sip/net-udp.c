/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net-udp.c — SIP over UDP (RFC 3261 §18) for TcSipNetTransport: the
 * receive path of the listening sockets, TcSipNetUdpFlow (one per remote
 * address), and STUN on the SIP port (RFC 5626 §4.4.2 keepalives, and
 * answers to a peer's Binding requests).
 *
 * The receive path is the hot one: one GSource per socket, up to
 * TC_SIP_NET_UDP_BATCH datagrams per recvmmsg() into buffers allocated
 * once, one GBytes per datagram, and the flow found by a hash of the
 * binary address.
 */
#include <string.h>

#include "sip/debug.h"
#include "sip/net-transport-private.h"
#include "sip/stun.h"

/* RFC 5389 §7.2.1: the first retransmission after 500 ms, then doubling. */
#define STUN_RTO_US (500 * G_TIME_SPAN_MILLISECOND)

struct _TcSipNetUdpFlow {
  TcSipFlow parent_instance;

  TcSipNetTransport *transport; /* NULL once closed */
  TcSipNetListener *listener;   /* the socket we send from */
  TcSipClock *clock;
  TcSipNetAddr key;

  gint64 last_activity;
  guint idle_timer;

  /* RFC 5626 §4.4.2 keepalive */
  gint64 keepalive_interval;
  guint keepalive_timer;
  guint stun_timer; /* retransmission, while a request is outstanding */
  gint64 stun_sent; /* when the outstanding request was first sent */
  gint64 stun_rto;
  GBytes *stun_request; /* outstanding, or NULL */
  guint8 stun_id[TC_SIP_STUN_TRANSACTION_ID_SIZE];
  gboolean have_mapped;
  TcSipNetAddr mapped; /* the first XOR-MAPPED-ADDRESS seen */
};

G_DEFINE_FINAL_TYPE (TcSipNetUdpFlow, tc_sip_net_udp_flow, TC_SIP_TYPE_FLOW)

static gboolean
udp_send_to (TcSipNetListener *listener, GSocketAddress *to, GBytes *bytes, GError **error)
{
  gsize len;
  const void *data = g_bytes_get_data (bytes, &len);
  GError *local = NULL;

  if (g_socket_send_to (listener->socket, to, data, len, NULL, &local) >= 0)
    return TRUE;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      /* The socket buffer is full: as good as a datagram lost on the way;
       * the transactions retransmit (RFC 3261 §17.1.1.2). */
      tc_debug ("udp: send buffer full, datagram of %" G_GSIZE_FORMAT " bytes dropped", len);
      g_error_free (local);
      return TRUE;
    }
  g_propagate_error (error, local);
  return FALSE;
}

static void
udp_flow_stop (TcSipNetUdpFlow *flow)
{
  tc_sip_clock_clear_timer (flow->clock, &flow->idle_timer);
  tc_sip_clock_clear_timer (flow->clock, &flow->keepalive_timer);
  tc_sip_clock_clear_timer (flow->clock, &flow->stun_timer);
  g_clear_pointer (&flow->stun_request, g_bytes_unref);
}

/* Ends the flow: forgets it and emits "closed" with @cause. */
static void
udp_flow_close_with (TcSipNetUdpFlow *flow, const GError *cause)
{
  TcSipNetTransport *self = flow->transport;
  G_GNUC_UNUSED g_autoptr (TcSipNetUdpFlow) ref = g_object_ref (flow);

  if (!self)
    return;
  if (cause)
    {
      g_autofree char *desc = tc_sip_net_describe (TC_SIP_TRANSPORT_UDP, flow->listener->address,
                                                   tc_sip_flow_get_remote_address (TC_SIP_FLOW (flow)));
      tc_debug ("%s: flow failed: %s", desc, cause->message);
    }
  udp_flow_stop (flow);
  flow->transport = NULL;
  g_hash_table_remove (self->udp_flows, &flow->key);
  tc_sip_net_transport_emit_closed (self, TC_SIP_FLOW (flow), cause);
}

static gboolean
tc_sip_net_udp_flow_send (TcSipFlow *flow, GBytes *bytes, GError **error)
{
  TcSipNetUdpFlow *self = TC_SIP_NET_UDP_FLOW (flow);

  if (!self->transport)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the flow is closed");
      return FALSE;
    }
  self->last_activity = tc_sip_clock_now (self->clock);
  return udp_send_to (self->listener, G_SOCKET_ADDRESS (tc_sip_flow_get_remote_address (flow)), bytes, error);
}

static void
tc_sip_net_udp_flow_close (TcSipFlow *flow)
{
  udp_flow_close_with (TC_SIP_NET_UDP_FLOW (flow), NULL);
}

static void
tc_sip_net_udp_flow_finalize (GObject *object)
{
  TcSipNetUdpFlow *self = TC_SIP_NET_UDP_FLOW (object);

  udp_flow_stop (self);
  g_clear_pointer (&self->clock, tc_sip_clock_unref);
  G_OBJECT_CLASS (tc_sip_net_udp_flow_parent_class)->finalize (object);
}

static void
tc_sip_net_udp_flow_class_init (TcSipNetUdpFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSipFlowClass *flow_class = TC_SIP_FLOW_CLASS (klass);

  object_class->finalize = tc_sip_net_udp_flow_finalize;
  flow_class->send = tc_sip_net_udp_flow_send;
  flow_class->close = tc_sip_net_udp_flow_close;
}

static void
tc_sip_net_udp_flow_init (TcSipNetUdpFlow *self)
{
}

/* ---- idleness ------------------------------------------------------------- */

static void
on_udp_idle_timer (gpointer user_data)
{
  TcSipNetUdpFlow *flow = user_data;
  TcSipNetTransport *self = flow->transport;
  gint64 idle, now;

  flow->idle_timer = 0;
  if (!self)
    return;
  now = tc_sip_clock_now (flow->clock);
  idle = now - flow->last_activity;
  if (tc_sip_flow_get_n_holds (TC_SIP_FLOW (flow)) > 0 || tc_sip_flow_get_n_uses (TC_SIP_FLOW (flow)) > 0)
    idle = 0;
  if (idle >= self->idle_timeout_us)
    {
      udp_flow_close_with (flow, NULL);
      return;
    }
  flow->idle_timer = tc_sip_clock_add_timer (flow->clock, self->idle_timeout_us - idle, on_udp_idle_timer, flow);
}

/* ---- keepalives (RFC 5626 §4.4.2) ------------------------------------------ */

static void
on_udp_stun_timer (gpointer user_data)
{
  TcSipNetUdpFlow *flow = user_data;
  TcSipNetTransport *self = flow->transport;
  g_autoptr (GError) error = NULL;
  gint64 elapsed, left;

  flow->stun_timer = 0;
  if (!self || !flow->stun_request)
    return;
  elapsed = tc_sip_clock_now (flow->clock) - flow->stun_sent;
  left = self->keepalive_timeout_us - elapsed;
  if (left <= 0)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "no answer to the STUN keepalive within %" G_GINT64_FORMAT " ms", self->keepalive_timeout_us / 1000);
      udp_flow_close_with (flow, error);
      return;
    }
  /* Retransmit, as a STUN client does (RFC 5389 §7.2.1). */
  if (!udp_send_to (flow->listener, G_SOCKET_ADDRESS (tc_sip_flow_get_remote_address (TC_SIP_FLOW (flow))),
                    flow->stun_request, &error))
    {
      udp_flow_close_with (flow, error);
      return;
    }
  flow->stun_rto *= 2;
  flow->stun_timer = tc_sip_clock_add_timer (flow->clock, MIN (flow->stun_rto, left), on_udp_stun_timer, flow);
}

static void
on_udp_keepalive_timer (gpointer user_data)
{
  TcSipNetUdpFlow *flow = user_data;
  TcSipNetTransport *self = flow->transport;
  g_autoptr (GError) error = NULL;

  flow->keepalive_timer = 0;
  if (!self || flow->stun_request)
    return;
  flow->stun_request = tc_sip_stun_build_binding_request (flow->stun_id);
  flow->stun_sent = tc_sip_clock_now (flow->clock);
  flow->stun_rto = STUN_RTO_US;
  if (!udp_send_to (flow->listener, G_SOCKET_ADDRESS (tc_sip_flow_get_remote_address (TC_SIP_FLOW (flow))),
                    flow->stun_request, &error))
    {
      udp_flow_close_with (flow, error);
      return;
    }
  flow->stun_timer =
    tc_sip_clock_add_timer (flow->clock, MIN (flow->stun_rto, self->keepalive_timeout_us), on_udp_stun_timer, flow);
}

static void
arm_keepalive (TcSipNetUdpFlow *flow)
{
  tc_sip_clock_clear_timer (flow->clock, &flow->keepalive_timer);
  if (flow->keepalive_interval > 0 && flow->transport)
    flow->keepalive_timer = tc_sip_clock_add_timer (flow->clock, tc_sip_net_keepalive_delay (flow->keepalive_interval),
                                                    on_udp_keepalive_timer, flow);
}

void
tc_sip_net_udp_flow_set_keepalive (TcSipNetUdpFlow *flow, gint64 interval_us)
{
  flow->keepalive_interval = interval_us;
  if (interval_us == 0)
    {
      tc_sip_clock_clear_timer (flow->clock, &flow->keepalive_timer);
      tc_sip_clock_clear_timer (flow->clock, &flow->stun_timer);
      g_clear_pointer (&flow->stun_request, g_bytes_unref);
    }
  else if (!flow->stun_request)
    arm_keepalive (flow);
}

/* A Binding success response to our keepalive: the flow is alive.  A
 * changed mapped address means the NAT binding was lost (RFC 5626
 * §4.4.2): the flow has failed and the registration must be refreshed. */
static void
udp_flow_keepalive_answered (TcSipNetUdpFlow *flow, const TcSipStunMessage *stun)
{
  TcSipNetAddr mapped;
  g_autoptr (GInetSocketAddress) address = tc_sip_stun_message_get_mapped_address (stun);

  tc_sip_clock_clear_timer (flow->clock, &flow->stun_timer);
  g_clear_pointer (&flow->stun_request, g_bytes_unref);
  if (address)
    {
      tc_sip_net_addr_init (&mapped, address);
      if (flow->have_mapped && !tc_sip_net_addr_equal (&mapped, &flow->mapped))
        {
          g_autoptr (GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                  "the NAT mapping of the flow changed (STUN keepalive)");
          udp_flow_close_with (flow, error);
          return;
        }
      flow->mapped = mapped;
      flow->have_mapped = TRUE;
    }
  arm_keepalive (flow);
}

/* ---- flows ------------------------------------------------------------------ */

static TcSipNetUdpFlow *
udp_flow_new (TcSipNetListener *listener, const TcSipNetAddr *key, GInetSocketAddress *remote)
{
  TcSipNetTransport *self = listener->transport;
  TcSipNetUdpFlow *flow;

  flow = g_object_new (TC_SIP_TYPE_NET_UDP_FLOW, "type", (int) TC_SIP_TRANSPORT_UDP, "local-address", listener->address,
                       "remote-address", remote, NULL);
  flow->transport = self;
  flow->listener = listener;
  flow->clock = tc_sip_clock_ref (self->clock);
  flow->key = *key;
  flow->last_activity = tc_sip_clock_now (self->clock);
  if (self->idle_timeout_us > 0)
    flow->idle_timer = tc_sip_clock_add_timer (flow->clock, self->idle_timeout_us, on_udp_idle_timer, flow);
  g_hash_table_insert (self->udp_flows, &flow->key, flow);
  return flow;
}

TcSipSendResult
tc_sip_net_udp_send (TcSipNetTransport *self, GBytes *bytes, const TcSipTarget *target, TcSipFlow **flow_out,
                     GError **error)
{
  GSocketFamily family = g_socket_address_get_family (G_SOCKET_ADDRESS (target->address));
  TcSipNetListener *listener = self->listeners[TC_SIP_TRANSPORT_UDP][tc_sip_net_family_index (family)];
  TcSipNetUdpFlow *flow;
  TcSipNetAddr key;

  if (!listener)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "no UDP socket listens for %s",
                   family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4");
      return TC_SIP_SEND_FAILED;
    }
  tc_sip_net_addr_init (&key, target->address);
  flow = g_hash_table_lookup (self->udp_flows, &key);
  if (!flow)
    {
      flow = udp_flow_new (listener, &key, target->address);
      if (self->keepalive_interval_us > 0)
        tc_sip_net_udp_flow_set_keepalive (flow, self->keepalive_interval_us);
    }
  flow->last_activity = tc_sip_clock_now (self->clock);
  if (!udp_send_to (listener, G_SOCKET_ADDRESS (target->address), bytes, error))
    {
      g_autofree char *where = tc_sip_target_to_string (target);

      g_prefix_error (error, "cannot send to %s: ", where);
      return TC_SIP_SEND_FAILED;
    }
  if (flow_out)
    *flow_out = g_object_ref (TC_SIP_FLOW (flow));
  return TC_SIP_SEND_DONE;
}

void
tc_sip_net_udp_shutdown (TcSipNetTransport *self)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr (GPtrArray) flows = g_ptr_array_new_with_free_func (g_object_unref);

  g_hash_table_iter_init (&iter, self->udp_flows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (flows, g_object_ref (value));
  for (guint i = 0; i < flows->len; i++)
    udp_flow_close_with (flows->pdata[i], NULL);
}

/* ---- receiving ---------------------------------------------------------------- */

static void
handle_stun (TcSipNetListener *listener, GInetSocketAddress *from, const guint8 *data, gsize len)
{
  TcSipNetTransport *self = listener->transport;
  g_autoptr (GError) error = NULL;
  TcSipStunMessage stun;
  TcSipNetUdpFlow *flow;
  TcSipNetAddr key;

  if (!tc_sip_stun_parse (data, len, &stun, &error))
    {
      tc_debug ("udp: dropping a datagram: %s", error->message);
      return;
    }
  if (stun.method != TC_SIP_STUN_METHOD_BINDING)
    return;
  switch (stun.klass)
    {
    case TC_SIP_STUN_CLASS_REQUEST:
      if (stun.n_unknown_required == 0)
        {
          g_autoptr (GBytes) response = tc_sip_stun_build_binding_success (stun.transaction_id, from);

          /* RFC 5626 §8: answer on the SIP port; the peer learns its mapping */
          if (!udp_send_to (listener, G_SOCKET_ADDRESS (from), response, &error))
            tc_debug ("udp: cannot answer a STUN Binding request: %s", error->message);
        }
      break;
    case TC_SIP_STUN_CLASS_SUCCESS:
      tc_sip_net_addr_init (&key, from);
      flow = g_hash_table_lookup (self->udp_flows, &key);
      if (flow && flow->stun_request &&
          memcmp (flow->stun_id, stun.transaction_id, TC_SIP_STUN_TRANSACTION_ID_SIZE) == 0)
        udp_flow_keepalive_answered (flow, &stun);
      break;
    case TC_SIP_STUN_CLASS_INDICATION:
    case TC_SIP_STUN_CLASS_ERROR:
      break;
    }
}

static gboolean
is_whitespace (const guint8 *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] != '\r' && data[i] != '\n' && data[i] != ' ' && data[i] != '\t')
      return FALSE;
  return TRUE;
}

static void
handle_datagram (TcSipNetListener *listener, GInetSocketAddress *from, const guint8 *data, gsize len)
{
  TcSipNetTransport *self = listener->transport;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  TcSipNetUdpFlow *flow;
  TcSipNetAddr key;

  /* RFC 5626 §4.4.2 / RFC 5389 §6: STUN starts with two zero bits, SIP with
   * a letter; a datagram of CRLFs is a keepalive of the RFC 3261 kind. */
  if (len == 0 || (data[0] & 0xc0) == 0)
    {
      if (tc_sip_stun_looks_like (data, len))
        handle_stun (listener, from, data, len);
      else if (!is_whitespace (data, len))
        tc_debug ("udp: dropping a datagram of %" G_GSIZE_FORMAT " bytes that is neither SIP nor STUN", len);
      return;
    }
  if (data[0] == ' ' && is_whitespace (data, len))
    return;

  tc_sip_net_addr_init (&key, from);
  flow = g_hash_table_lookup (self->udp_flows, &key);
  if (!flow)
    flow = udp_flow_new (listener, &key, from);

  bytes = g_bytes_new (data, len);
  msg = tc_sip_message_parse_datagram (bytes, &self->limits, &error);
  if (msg)
    {
      flow->last_activity = tc_sip_clock_now (self->clock);
      tc_sip_transport_emit_message (TC_SIP_TRANSPORT (self), msg, TC_SIP_FLOW (flow));
    }
  else
    {
      tc_debug ("udp: bad message of %" G_GSIZE_FORMAT " bytes: %s", len, error->message);
      tc_sip_transport_emit_bad_message (TC_SIP_TRANSPORT (self), bytes, TC_SIP_FLOW (flow), error);
    }
}

static gboolean
on_udp_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  TcSipNetListener *listener = user_data;
  g_autoptr (TcSipNetTransport) self = g_object_ref (listener->transport);
  GInputVector vectors[TC_SIP_NET_UDP_BATCH];
  GInputMessage messages[TC_SIP_NET_UDP_BATCH];
  GSocketAddress *addresses[TC_SIP_NET_UDP_BATCH] = { NULL };
  g_autoptr (GError) error = NULL;
  gint n;

  for (guint i = 0; i < TC_SIP_NET_UDP_BATCH; i++)
    {
      vectors[i].buffer = self->recv_bufs[i];
      vectors[i].size = self->recv_buf_size;
      messages[i] = (GInputMessage){ &addresses[i], &vectors[i], 1, 0, 0, NULL, NULL };
    }
  n = g_socket_receive_messages (socket, messages, TC_SIP_NET_UDP_BATCH, 0, NULL, &error);
  if (n < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        tc_debug ("udp: receive error: %s", error->message);
      return G_SOURCE_CONTINUE;
    }
  for (gint i = 0; i < n; i++)
    {
      /* A callback may have shut the transport down. */
      if (listener->source && !g_source_is_destroyed (listener->source) && G_IS_INET_SOCKET_ADDRESS (addresses[i]))
        handle_datagram (listener, G_INET_SOCKET_ADDRESS (addresses[i]), self->recv_bufs[i],
                         messages[i].bytes_received);
      g_clear_object (&addresses[i]);
    }
  return G_SOURCE_CONTINUE;
}

void
tc_sip_net_udp_listener_start (TcSipNetListener *listener)
{
  listener->source = g_socket_create_source (listener->socket, G_IO_IN, NULL);
  g_source_set_callback (listener->source, G_SOURCE_FUNC (on_udp_readable), listener, NULL);
  g_source_attach (listener->source, listener->transport->context);
}
