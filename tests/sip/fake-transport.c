/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-transport.c — TcSipFakeTransport and TcSipFakeFlow (fake-transport.h):
 * a transport that records what it is asked to send.
 */
#include "fake-transport.h"

#include "sip/parser.h"

struct _TcSipFakeFlow {
  TcSipFlow parent_instance;
  TcSipFakeTransport *transport; /* weak */
};

G_DEFINE_TYPE (TcSipFakeFlow, tc_sip_fake_flow, TC_SIP_TYPE_FLOW)

typedef struct {
  GBytes *bytes;
  TcSipTarget target;
  TcSipSendCallback callback;
  gpointer user_data;
} PendingSend;

struct _TcSipFakeTransport {
  TcSipTransport parent_instance;

  char *sent_by_host;
  guint16 sent_by_port;
  TcSipFakeSendMode default_mode;
  GHashTable *modes; /* target string -> mode */
  GHashTable *flows; /* target string -> TcSipFlow (DONE sends) */
  GPtrArray *sent;   /* TcSipFakeSent * */
  GQueue pending;    /* PendingSend * */
};

G_DEFINE_TYPE (TcSipFakeTransport, tc_sip_fake_transport, TC_SIP_TYPE_TRANSPORT)

static void
sent_free (TcSipFakeSent *sent)
{
  g_clear_pointer (&sent->message, tc_sip_message_unref);
  g_bytes_unref (sent->bytes);
  if (sent->has_target)
    tc_sip_target_clear (&sent->target);
  g_clear_object (&sent->flow);
  g_free (sent);
}

static void
pending_free (PendingSend *pending)
{
  g_bytes_unref (pending->bytes);
  tc_sip_target_clear (&pending->target);
  g_free (pending);
}

static void
record (TcSipFakeTransport *self, GBytes *bytes, const TcSipTarget *target, TcSipFlow *flow)
{
  TcSipFakeSent *sent = g_new0 (TcSipFakeSent, 1);

  sent->bytes = g_bytes_ref (bytes);
  sent->message = tc_sip_message_parse_datagram (bytes, NULL, NULL);
  if (target)
    {
      sent->has_target = TRUE;
      tc_sip_target_copy (&sent->target, target);
    }
  sent->flow = flow ? g_object_ref (flow) : NULL;
  g_ptr_array_add (self->sent, sent);
}

/* ---- TcSipFakeFlow -------------------------------------------------------------- */

static gboolean
tc_sip_fake_flow_send (TcSipFlow *flow, GBytes *bytes, GError **error)
{
  TcSipFakeFlow *self = TC_SIP_FAKE_FLOW (flow);

  if (!self->transport)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the fake transport is gone");
      return FALSE;
    }
  record (self->transport, bytes, NULL, flow);
  return TRUE;
}

static void
tc_sip_fake_flow_dispose (GObject *object)
{
  TcSipFakeFlow *self = TC_SIP_FAKE_FLOW (object);

  g_clear_weak_pointer (&self->transport);
  G_OBJECT_CLASS (tc_sip_fake_flow_parent_class)->dispose (object);
}

static void
tc_sip_fake_flow_class_init (TcSipFakeFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tc_sip_fake_flow_dispose;
  TC_SIP_FLOW_CLASS (klass)->send = tc_sip_fake_flow_send;
}

static void
tc_sip_fake_flow_init (TcSipFakeFlow *self)
{
}

static TcSipFlow *
fake_flow_new (TcSipFakeTransport *transport, TcSipTransportType type, GInetSocketAddress *remote)
{
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new_from_string ("192.0.2.1", 5060);
  TcSipFakeFlow *flow =
    g_object_new (TC_SIP_TYPE_FAKE_FLOW, "type", (int) type, "local-address", local, "remote-address", remote, NULL);

  g_set_weak_pointer (&flow->transport, transport);
  return TC_SIP_FLOW (flow);
}

/* ---- TcSipFakeTransport --------------------------------------------------------- */

static gboolean
tc_sip_fake_transport_supports (TcSipTransport *transport, TcSipTransportType type)
{
  return TRUE;
}

/* The flow to @target, made when there is none (or it closed). */
static TcSipFlow *
flow_for (TcSipFakeTransport *self, const TcSipTarget *target)
{
  g_autofree char *key = tc_sip_target_to_string (target);
  TcSipFlow *flow = g_hash_table_lookup (self->flows, key);

  if (!flow || tc_sip_flow_is_closed (flow))
    {
      flow = fake_flow_new (self, target->type, target->address);
      g_hash_table_insert (self->flows, g_steal_pointer (&key), flow);
    }
  return flow;
}

static TcSipSendResult
tc_sip_fake_transport_send (TcSipTransport *transport, GBytes *bytes, const TcSipTarget *target, TcSipFlow **flow_out,
                            TcSipSendCallback callback, gpointer user_data, GError **error)
{
  TcSipFakeTransport *self = TC_SIP_FAKE_TRANSPORT (transport);
  g_autofree char *key = tc_sip_target_to_string (target);
  gpointer mode_value;
  TcSipFakeSendMode mode = self->default_mode;
  TcSipFlow *flow;
  PendingSend *pending;

  if (g_hash_table_lookup_extended (self->modes, key, NULL, &mode_value))
    mode = GPOINTER_TO_INT (mode_value);
  switch (mode)
    {
    case TC_SIP_FAKE_SEND_DONE:
      flow = flow_for (self, target);
      record (self, bytes, target, flow);
      if (flow_out)
        *flow_out = g_object_ref (flow);
      return TC_SIP_SEND_DONE;
    case TC_SIP_FAKE_SEND_PENDING:
      pending = g_new0 (PendingSend, 1);
      pending->bytes = g_bytes_ref (bytes);
      tc_sip_target_copy (&pending->target, target);
      pending->callback = callback;
      pending->user_data = user_data;
      g_queue_push_tail (&self->pending, pending);
      return TC_SIP_SEND_PENDING;
    case TC_SIP_FAKE_SEND_FAILED:
      break;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "fake: %s refused the connection", key);
  return TC_SIP_SEND_FAILED;
}

static gboolean
tc_sip_fake_transport_get_sent_by (TcSipTransport *transport, TcSipTransportType type, GSocketFamily family,
                                   char **host, guint16 *port)
{
  TcSipFakeTransport *self = TC_SIP_FAKE_TRANSPORT (transport);

  if (!self->sent_by_host)
    return FALSE;
  if (host)
    *host =
      g_strdup (family == G_SOCKET_FAMILY_IPV6 && strcmp (self->sent_by_host, "192.0.2.1") == 0 ? "2001:db8::1"
                                                                                                : self->sent_by_host);
  if (port)
    *port = self->sent_by_port;
  return TRUE;
}

static void
tc_sip_fake_transport_finalize (GObject *object)
{
  TcSipFakeTransport *self = TC_SIP_FAKE_TRANSPORT (object);

  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  g_ptr_array_unref (self->sent);
  g_hash_table_unref (self->flows);
  g_hash_table_unref (self->modes);
  g_free (self->sent_by_host);
  G_OBJECT_CLASS (tc_sip_fake_transport_parent_class)->finalize (object);
}

static void
tc_sip_fake_transport_class_init (TcSipFakeTransportClass *klass)
{
  TcSipTransportClass *transport_class = TC_SIP_TRANSPORT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tc_sip_fake_transport_finalize;
  transport_class->supports = tc_sip_fake_transport_supports;
  transport_class->send = tc_sip_fake_transport_send;
  transport_class->get_sent_by = tc_sip_fake_transport_get_sent_by;
}

static void
tc_sip_fake_transport_init (TcSipFakeTransport *self)
{
  self->sent_by_host = g_strdup ("192.0.2.1");
  self->sent_by_port = 5060;
  self->modes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->flows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) sent_free);
  g_queue_init (&self->pending);
}

TcSipFakeTransport *
tc_sip_fake_transport_new (void)
{
  return g_object_new (TC_SIP_TYPE_FAKE_TRANSPORT, NULL);
}

void
tc_sip_fake_transport_set_sent_by (TcSipFakeTransport *self, const char *host, guint16 port)
{
  g_free (self->sent_by_host);
  self->sent_by_host = g_strdup (host);
  self->sent_by_port = port;
}

void
tc_sip_fake_transport_set_mode (TcSipFakeTransport *self, const TcSipTarget *target, TcSipFakeSendMode mode)
{
  if (!target)
    self->default_mode = mode;
  else
    g_hash_table_insert (self->modes, tc_sip_target_to_string (target), GINT_TO_POINTER (mode));
}

guint
tc_sip_fake_transport_get_n_sent (TcSipFakeTransport *self)
{
  return self->sent->len;
}

const TcSipFakeSent *
tc_sip_fake_transport_get_sent (TcSipFakeTransport *self, guint i)
{
  g_return_val_if_fail (i < self->sent->len, NULL);
  return g_ptr_array_index (self->sent, i);
}

TcSipMessage *
tc_sip_fake_transport_get_last_message (TcSipFakeTransport *self)
{
  if (self->sent->len == 0)
    return NULL;
  return ((TcSipFakeSent *) g_ptr_array_index (self->sent, self->sent->len - 1))->message;
}

void
tc_sip_fake_transport_clear_sent (TcSipFakeTransport *self)
{
  g_ptr_array_set_size (self->sent, 0);
}

guint
tc_sip_fake_transport_get_n_pending (TcSipFakeTransport *self)
{
  return self->pending.length;
}

void
tc_sip_fake_transport_complete_pending (TcSipFakeTransport *self, const GError *error)
{
  PendingSend *pending = g_queue_pop_head (&self->pending);
  TcSipFlow *flow;

  g_return_if_fail (pending != NULL);
  if (error)
    {
      if (pending->callback)
        pending->callback (TC_SIP_TRANSPORT (self), NULL, error, pending->user_data);
    }
  else
    {
      flow = flow_for (self, &pending->target);
      record (self, pending->bytes, &pending->target, flow);
      if (pending->callback)
        pending->callback (TC_SIP_TRANSPORT (self), flow, NULL, pending->user_data);
    }
  pending_free (pending);
}

TcSipFlow *
tc_sip_fake_transport_new_flow (TcSipFakeTransport *self, TcSipTransportType type, const char *remote_ip, guint16 port)
{
  g_autoptr (GSocketAddress) remote = g_inet_socket_address_new_from_string (remote_ip, port);

  g_return_val_if_fail (remote != NULL, NULL);
  return fake_flow_new (self, type, G_INET_SOCKET_ADDRESS (remote));
}

TcSipFlow *
tc_sip_fake_transport_get_flow (TcSipFakeTransport *self, const TcSipTarget *target)
{
  g_autofree char *key = tc_sip_target_to_string (target);

  return g_hash_table_lookup (self->flows, key);
}

void
tc_sip_fake_transport_inject (TcSipFakeTransport *self, TcSipFlow *flow, const char *text)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) message = tc_sip_message_parse_datagram (bytes, NULL, &error);

  if (message)
    tc_sip_transport_emit_message (TC_SIP_TRANSPORT (self), message, flow);
  else
    tc_sip_transport_emit_bad_message (TC_SIP_TRANSPORT (self), bytes, flow, error);
}

void
tc_sip_fake_transport_close_flow (TcSipFakeTransport *self, TcSipFlow *flow, const GError *error)
{
  g_object_ref (flow);
  tc_sip_flow_emit_closed (flow, error);
  tc_sip_transport_emit_flow_closed (TC_SIP_TRANSPORT (self), flow, error);
  g_object_unref (flow);
}

void
tc_sip_fake_target_init (TcSipTarget *target, TcSipTransportType type, const char *ip, guint16 port)
{
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string (ip, port);

  tc_sip_target_init (target, type, G_INET_SOCKET_ADDRESS (address), NULL);
}
