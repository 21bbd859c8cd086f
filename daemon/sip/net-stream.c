/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net-stream.c — SIP over TCP and TLS (RFC 3261 §18) for TcSipNetTransport:
 * TcSipNetStreamFlow (one connection), accepting, connecting, and the
 * connection rules: reuse (§18.1.1), idle close of unheld connections,
 * read timeouts against slow peers, RFC 5626 §4.4.1 CRLF keepalives.
 *
 * A connection becomes a flow once it is usable: outgoing ones after the
 * TCP connect (and TLS handshake), accepted TLS ones after the handshake.
 * Until then an attempt (TcSipNetConnect) queues the messages sent to its
 * target and the callbacks to call, and a TcSipNetAccept counts towards
 * max_connections.  Both belong to their pending GIO operation.
 *
 * I/O never blocks: reads run from a pollable source; writes go to an
 * output queue flushed with non-blocking writes and a pollable source
 * while the socket is full.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "sip/debug.h"
#include "sip/net-transport-private.h"

struct _TcSipNetStreamFlow {
  TcSipFlow parent_instance;

  TcSipNetTransport *transport; /* NULL once closed */
  TcSipClock *clock;
  char *desc;
  gboolean outgoing;
  TcSipNetConnKey key; /* outgoing: the reuse key */
  char *server_name;

  GIOStream *io; /* the GSocketConnection, or the GTlsConnection over it */
  GSocketConnection *tcp;
  GPollableInputStream *in;
  GPollableOutputStream *out;
  GSource *in_source;
  GSource *out_source; /* while the socket does not take the queue */
  GQueue out_queue;    /* GBytes */
  gsize out_offset;    /* into the head */
  gsize out_bytes;
  TcSipStreamParser *parser;

  gint64 last_activity; /* last SIP message either way */
  gint64 partial_since; /* when the incomplete message pending began; 0: none */
  guint idle_timer;
  guint read_timer;
  gint64 keepalive_interval;
  guint keepalive_timer;
  guint pong_timer; /* while a ping awaits its pong */
};

G_DEFINE_FINAL_TYPE (TcSipNetStreamFlow, tc_sip_net_stream_flow, TC_SIP_TYPE_FLOW)

typedef struct {
  TcSipSendCallback callback;
  gpointer user_data;
} PendingCallback;

struct _TcSipNetConnect {
  TcSipNetTransport *transport; /* NULL once given up */
  TcSipClock *clock;
  TcSipTarget target;
  TcSipNetConnKey key;
  char *desc;
  GCancellable *cancellable;
  GSocketConnection *tcp;
  GIOStream *tls;
  TcSipNetTlsCheck check;
  GPtrArray *queue;  /* GBytes to write once connected */
  GArray *callbacks; /* PendingCallback */
  guint timer;
  gboolean timed_out;
};

struct _TcSipNetAccept {
  TcSipNetTransport *transport; /* NULL once given up */
  TcSipClock *clock;
  char *desc;
  GCancellable *cancellable;
  GSocketConnection *tcp;
  GIOStream *tls;
  guint timer;
  gboolean timed_out;
};

/* ---- closing ------------------------------------------------------------- */

static void
clear_source (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
stream_flow_stop (TcSipNetStreamFlow *flow)
{
  clear_source (&flow->in_source);
  clear_source (&flow->out_source);
  tc_sip_clock_clear_timer (flow->clock, &flow->idle_timer);
  tc_sip_clock_clear_timer (flow->clock, &flow->read_timer);
  tc_sip_clock_clear_timer (flow->clock, &flow->keepalive_timer);
  tc_sip_clock_clear_timer (flow->clock, &flow->pong_timer);
}

static void
on_io_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
}

/* Ends the connection and emits "closed" with @cause (NULL: orderly). */
static void
stream_flow_close_with (TcSipNetStreamFlow *flow, const GError *cause)
{
  TcSipNetTransport *self = flow->transport;
  G_GNUC_UNUSED g_autoptr (TcSipNetStreamFlow) ref = g_object_ref (flow);

  if (!self)
    return;
  tc_debug ("%s: closed%s%s", flow->desc, cause ? ": " : "", cause ? cause->message : "");
  stream_flow_stop (flow);
  flow->transport = NULL;
  if (flow->outgoing && g_hash_table_lookup (self->outgoing, &flow->key) == flow)
    g_hash_table_remove (self->outgoing, &flow->key);
  /* An orderly close says goodbye (TLS close_notify); a failed connection
   * is cut at once. */
  if (!cause)
    g_io_stream_close_async (flow->io, G_PRIORITY_DEFAULT, NULL, on_io_closed, NULL);
  else
    g_socket_close (g_socket_connection_get_socket (flow->tcp), NULL);
  g_hash_table_remove (self->connections, flow);
  tc_sip_net_transport_emit_closed (self, TC_SIP_FLOW (flow), cause);
}

/* ---- writing ---------------------------------------------------------------- */

static gboolean stream_flow_flush (TcSipNetStreamFlow *flow, GError **error);

static gboolean
on_output_ready (GObject *stream, gpointer user_data)
{
  TcSipNetStreamFlow *flow = user_data;
  G_GNUC_UNUSED g_autoptr (TcSipNetStreamFlow) ref = g_object_ref (flow);
  g_autoptr (GError) error = NULL;

  if (flow->transport && !stream_flow_flush (flow, &error))
    stream_flow_close_with (flow, error);
  return G_SOURCE_CONTINUE;
}

/* Writes as much of the queue as the socket takes now; watches the socket
 * for the rest. */
static gboolean
stream_flow_flush (TcSipNetStreamFlow *flow, GError **error)
{
  while (!g_queue_is_empty (&flow->out_queue))
    {
      GBytes *head = g_queue_peek_head (&flow->out_queue);
      gsize len;
      const guint8 *data = g_bytes_get_data (head, &len);
      GError *local = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (flow->out, data + flow->out_offset, len - flow->out_offset,
                                                             NULL, &local);

      if (n < 0)
        {
          if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          g_error_free (local);
          if (!flow->out_source)
            {
              flow->out_source = g_pollable_output_stream_create_source (flow->out, NULL);
              g_source_set_callback (flow->out_source, G_SOURCE_FUNC (on_output_ready), flow, NULL);
              g_source_attach (flow->out_source, flow->transport->context);
            }
          return TRUE;
        }
      flow->out_offset += n;
      if (flow->out_offset == len)
        {
          g_queue_pop_head (&flow->out_queue);
          flow->out_bytes -= len;
          flow->out_offset = 0;
          g_bytes_unref (head);
        }
    }
  clear_source (&flow->out_source);
  return TRUE;
}

/* Queues @bytes and writes what the socket takes; on failure the flow is
 * closed with the error, also returned. */
static gboolean
stream_flow_write (TcSipNetStreamFlow *flow, GBytes *bytes, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (flow->out_bytes + g_bytes_get_size (bytes) > flow->transport->max_send_queue)
    g_set_error (&local, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                 "more than %" G_GSIZE_FORMAT " bytes queued: the peer does not read", flow->transport->max_send_queue);
  else
    {
      g_queue_push_tail (&flow->out_queue, g_bytes_ref (bytes));
      flow->out_bytes += g_bytes_get_size (bytes);
      if (flow->out_source || stream_flow_flush (flow, &local))
        return TRUE;
    }
  stream_flow_close_with (flow, local);
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static gboolean
tc_sip_net_stream_flow_send (TcSipFlow *flow, GBytes *bytes, GError **error)
{
  TcSipNetStreamFlow *self = TC_SIP_NET_STREAM_FLOW (flow);

  if (!self->transport)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the flow is closed");
      return FALSE;
    }
  self->last_activity = tc_sip_clock_now (self->clock);
  return stream_flow_write (self, bytes, error);
}

static void
tc_sip_net_stream_flow_close (TcSipFlow *flow)
{
  stream_flow_close_with (TC_SIP_NET_STREAM_FLOW (flow), NULL);
}

/* ---- timers ---------------------------------------------------------------- */

static void
on_stream_idle_timer (gpointer user_data)
{
  TcSipNetStreamFlow *flow = user_data;
  TcSipNetTransport *self = flow->transport;
  gint64 idle;

  flow->idle_timer = 0;
  if (!self)
    return;
  idle = tc_sip_clock_now (flow->clock) - flow->last_activity;
  /* transport.h: a held flow, or one with transactions pending, stays */
  if (tc_sip_flow_get_n_holds (TC_SIP_FLOW (flow)) > 0 || tc_sip_flow_get_n_uses (TC_SIP_FLOW (flow)) > 0)
    idle = 0;
  if (idle >= self->idle_timeout_us)
    {
      tc_debug ("%s: idle for %" G_GINT64_FORMAT " ms", flow->desc, idle / 1000);
      stream_flow_close_with (flow, NULL);
      return;
    }
  flow->idle_timer = tc_sip_clock_add_timer (flow->clock, self->idle_timeout_us - idle, on_stream_idle_timer, flow);
}

/* Slow-loris guard: a message begun read_timeout_us ago and still not
 * complete closes the connection. */
static void
on_stream_read_timer (gpointer user_data)
{
  TcSipNetStreamFlow *flow = user_data;
  TcSipNetTransport *self = flow->transport;
  g_autoptr (GError) error = NULL;
  gint64 elapsed;

  flow->read_timer = 0;
  if (!self || !flow->partial_since)
    return;
  elapsed = tc_sip_clock_now (flow->clock) - flow->partial_since;
  if (elapsed < self->read_timeout_us)
    {
      flow->read_timer =
        tc_sip_clock_add_timer (flow->clock, self->read_timeout_us - elapsed, on_stream_read_timer, flow);
      return;
    }
  g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
               "no complete message within %" G_GINT64_FORMAT " ms (%" G_GSIZE_FORMAT " bytes pending)",
               self->read_timeout_us / 1000, tc_sip_stream_parser_get_pending (flow->parser));
  stream_flow_close_with (flow, error);
}

static void
on_pong_timer (gpointer user_data)
{
  TcSipNetStreamFlow *flow = user_data;
  g_autoptr (GError) error = NULL;

  flow->pong_timer = 0;
  if (!flow->transport)
    return;
  g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no pong to the CRLF keepalive within %" G_GINT64_FORMAT " ms",
               flow->transport->keepalive_timeout_us / 1000);
  stream_flow_close_with (flow, error);
}

static void
on_keepalive_timer (gpointer user_data)
{
  TcSipNetStreamFlow *flow = user_data;
  g_autoptr (GBytes) ping = g_bytes_new_static ("\r\n\r\n", 4);

  flow->keepalive_timer = 0;
  if (!flow->transport || !stream_flow_write (flow, ping, NULL))
    return;
  flow->pong_timer = tc_sip_clock_add_timer (flow->clock, flow->transport->keepalive_timeout_us, on_pong_timer, flow);
}

static void
arm_keepalive (TcSipNetStreamFlow *flow)
{
  tc_sip_clock_clear_timer (flow->clock, &flow->keepalive_timer);
  if (flow->keepalive_interval > 0 && flow->transport)
    flow->keepalive_timer = tc_sip_clock_add_timer (flow->clock, tc_sip_net_keepalive_delay (flow->keepalive_interval),
                                                    on_keepalive_timer, flow);
}

void
tc_sip_net_stream_flow_set_keepalive (TcSipNetStreamFlow *flow, gint64 interval_us)
{
  flow->keepalive_interval = interval_us;
  if (interval_us == 0)
    {
      tc_sip_clock_clear_timer (flow->clock, &flow->keepalive_timer);
      tc_sip_clock_clear_timer (flow->clock, &flow->pong_timer);
    }
  else if (!flow->pong_timer)
    arm_keepalive (flow);
}

/* ---- reading ---------------------------------------------------------------- */

static void
stream_flow_received (TcSipNetStreamFlow *flow, const guint8 *data, gsize len)
{
  TcSipNetTransport *self = flow->transport;
  gboolean completed = FALSE;

  /* RFC 5626 §4.4.1 asks for a CRLF; any byte proves the peer alive. */
  if (flow->pong_timer)
    {
      tc_sip_clock_clear_timer (flow->clock, &flow->pong_timer);
      arm_keepalive (flow);
    }

  tc_sip_stream_parser_feed (flow->parser, data, len);
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TcSipMessage) msg = tc_sip_stream_parser_next (flow->parser, &error);

      for (guint pings = tc_sip_stream_parser_take_pings (flow->parser); pings > 0; pings--)
        {
          g_autoptr (GBytes) pong = g_bytes_new_static ("\r\n", 2);

          if (!stream_flow_write (flow, pong, NULL))
            return;
        }
      if (msg)
        {
          completed = TRUE;
          flow->last_activity = tc_sip_clock_now (flow->clock);
          tc_sip_transport_emit_message (TC_SIP_TRANSPORT (self), msg, TC_SIP_FLOW (flow));
          if (!flow->transport)
            return;
          continue;
        }
      if (error)
        {
          g_autoptr (GBytes) bytes = g_bytes_new (data, len);

          /* Framing is lost: nothing after this can be trusted. */
          tc_sip_transport_emit_bad_message (TC_SIP_TRANSPORT (self), bytes, TC_SIP_FLOW (flow), error);
          stream_flow_close_with (flow, error);
          return;
        }
      break;
    }

  if (tc_sip_stream_parser_get_pending (flow->parser) == 0)
    flow->partial_since = 0;
  else if (completed || !flow->partial_since)
    {
      flow->partial_since = tc_sip_clock_now (flow->clock);
      if (!flow->read_timer && self->read_timeout_us > 0)
        flow->read_timer = tc_sip_clock_add_timer (flow->clock, self->read_timeout_us, on_stream_read_timer, flow);
    }
}

static gboolean
on_input_ready (GObject *stream, gpointer user_data)
{
  TcSipNetStreamFlow *flow = user_data;
  G_GNUC_UNUSED g_autoptr (TcSipNetStreamFlow) ref = g_object_ref (flow);
  g_autoptr (TcSipNetTransport) self = NULL;

  if (!flow->transport)
    return G_SOURCE_REMOVE;
  self = g_object_ref (flow->transport);
  /* A few reads per wakeup, so that one busy peer cannot starve others. */
  for (guint i = 0; i < 8 && flow->transport; i++)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (flow->in, self->read_buf, self->read_buf_size, NULL, &error);

      if (n > 0)
        {
          stream_flow_received (flow, self->read_buf, n);
          continue;
        }
      if (n == 0)
        {
          if (tc_sip_stream_parser_get_pending (flow->parser) > 0)
            g_set_error (&error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                         "the peer closed the connection in the middle of a message");
          stream_flow_close_with (flow, error);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        stream_flow_close_with (flow, error);
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* ---- the flow object ---------------------------------------------------------- */

static void
tc_sip_net_stream_flow_finalize (GObject *object)
{
  TcSipNetStreamFlow *self = TC_SIP_NET_STREAM_FLOW (object);

  stream_flow_stop (self);
  g_queue_clear_full (&self->out_queue, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&self->parser, tc_sip_stream_parser_free);
  g_clear_object (&self->io);
  g_clear_object (&self->tcp);
  g_free (self->server_name);
  g_free (self->desc);
  g_clear_pointer (&self->clock, tc_sip_clock_unref);
  G_OBJECT_CLASS (tc_sip_net_stream_flow_parent_class)->finalize (object);
}

static void
tc_sip_net_stream_flow_class_init (TcSipNetStreamFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSipFlowClass *flow_class = TC_SIP_FLOW_CLASS (klass);

  object_class->finalize = tc_sip_net_stream_flow_finalize;
  flow_class->send = tc_sip_net_stream_flow_send;
  flow_class->close = tc_sip_net_stream_flow_close;
}

static void
tc_sip_net_stream_flow_init (TcSipNetStreamFlow *self)
{
  g_queue_init (&self->out_queue);
}

static GInetSocketAddress *
inet_address_or_null (GSocketAddress *address)
{
  return G_IS_INET_SOCKET_ADDRESS (address) ? G_INET_SOCKET_ADDRESS (address) : NULL;
}

/* A flow on the connection @io (over @tcp), owned by the transport's
 * connections table; @target NULL for an accepted one.  Borrowed. */
static TcSipNetStreamFlow *
stream_flow_new (TcSipNetTransport *self, TcSipTransportType type, GIOStream *io, GSocketConnection *tcp,
                 const TcSipTarget *target)
{
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (tcp, NULL);
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (tcp, NULL);
  TcSipNetStreamFlow *flow;

  flow = g_object_new (TC_SIP_TYPE_NET_STREAM_FLOW, "type", (int) type, "local-address", inet_address_or_null (local),
                       "remote-address", inet_address_or_null (remote), NULL);
  flow->transport = self;
  flow->clock = tc_sip_clock_ref (self->clock);
  flow->desc = tc_sip_net_describe (type, inet_address_or_null (local), inet_address_or_null (remote));
  flow->io = g_object_ref (io);
  flow->tcp = g_object_ref (tcp);
  flow->in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (io));
  flow->out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (io));
  flow->parser = tc_sip_stream_parser_new (&self->limits);
  flow->last_activity = tc_sip_clock_now (self->clock);

  flow->in_source = g_pollable_input_stream_create_source (flow->in, NULL);
  g_source_set_callback (flow->in_source, G_SOURCE_FUNC (on_input_ready), flow, NULL);
  g_source_attach (flow->in_source, self->context);
  if (self->idle_timeout_us > 0)
    flow->idle_timer = tc_sip_clock_add_timer (flow->clock, self->idle_timeout_us, on_stream_idle_timer, flow);

  g_hash_table_add (self->connections, flow);
  if (target)
    {
      flow->outgoing = TRUE;
      flow->server_name = g_strdup (target->server_name);
      flow->key.type = type;
      tc_sip_net_addr_init (&flow->key.addr, target->address);
      flow->key.server_name = type == TC_SIP_TRANSPORT_TLS ? flow->server_name : NULL;
      g_hash_table_replace (self->outgoing, &flow->key, flow);
    }
  tc_debug ("%s: %s", flow->desc, target ? "connected" : "accepted");
  return flow;
}

static void
set_nodelay (GSocketConnection *tcp)
{
  /* SIP messages are small and latency matters: no Nagle. */
  g_socket_set_option (g_socket_connection_get_socket (tcp), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

/* ---- connecting ---------------------------------------------------------------- */

static void
connect_free (TcSipNetConnect *attempt)
{
  tc_sip_clock_clear_timer (attempt->clock, &attempt->timer);
  if (attempt->tls)
    g_signal_handlers_disconnect_by_data (attempt->tls, &attempt->check);
  tc_sip_net_tls_check_clear (&attempt->check);
  g_clear_object (&attempt->tls);
  g_clear_object (&attempt->tcp);
  g_clear_object (&attempt->cancellable);
  g_ptr_array_unref (attempt->queue);
  g_array_unref (attempt->callbacks);
  tc_sip_target_clear (&attempt->target);
  g_free (attempt->desc);
  tc_sip_clock_unref (attempt->clock);
  g_free (attempt);
}

/* Calls each pending callback once; the array is emptied first, so a
 * callback that sends again does not see it. */
static void
connect_call_back (TcSipNetConnect *attempt, TcSipNetTransport *self, TcSipFlow *flow, const GError *error)
{
  g_autoptr (GArray) callbacks = attempt->callbacks;
  G_GNUC_UNUSED g_autoptr (TcSipNetTransport) self_ref = g_object_ref (self);
  G_GNUC_UNUSED g_autoptr (TcSipFlow) flow_ref = flow ? g_object_ref (flow) : NULL;

  attempt->callbacks = g_array_new (FALSE, FALSE, sizeof (PendingCallback));
  for (guint i = 0; i < callbacks->len; i++)
    {
      PendingCallback *pending = &g_array_index (callbacks, PendingCallback, i);

      pending->callback (TC_SIP_TRANSPORT (self), flow, error, pending->user_data);
    }
}

/* Gives the attempt up (the transport forgets it); the pending operation
 * still owns it. */
static TcSipNetTransport *
connect_detach (TcSipNetConnect *attempt)
{
  TcSipNetTransport *self = attempt->transport;

  if (self)
    {
      g_hash_table_remove (self->connecting, &attempt->key);
      attempt->transport = NULL;
      tc_sip_clock_clear_timer (attempt->clock, &attempt->timer);
    }
  return self;
}

static void
connect_fail (TcSipNetConnect *attempt, GError *error)
{
  TcSipNetTransport *self = connect_detach (attempt);

  if (self)
    {
      if (attempt->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "connecting to %s timed out after %" G_GINT64_FORMAT " ms", attempt->desc,
                       self->connect_timeout_us / 1000);
        }
      else if (error->domain != G_TLS_ERROR)
        g_prefix_error (&error, "cannot connect to %s: ", attempt->desc);
      tc_debug ("%s", error->message);
      connect_call_back (attempt, self, NULL, error);
    }
  if (attempt->tcp)
    g_socket_close (g_socket_connection_get_socket (attempt->tcp), NULL);
  g_error_free (error);
  connect_free (attempt);
}

static void
connect_succeed (TcSipNetConnect *attempt, GIOStream *io)
{
  TcSipNetTransport *self = connect_detach (attempt);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipNetStreamFlow) flow = NULL;

  flow = g_object_ref (stream_flow_new (self, attempt->target.type, io, attempt->tcp, &attempt->target));
  if (self->keepalive_interval_us > 0)
    tc_sip_net_stream_flow_set_keepalive (flow, self->keepalive_interval_us);
  for (guint i = 0; i < attempt->queue->len && !error; i++)
    stream_flow_write (flow, attempt->queue->pdata[i], &error);
  connect_call_back (attempt, self, error ? NULL : TC_SIP_FLOW (flow), error);
  connect_free (attempt);
}

static void
on_tls_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TcSipNetConnect *attempt = user_data;
  GError *error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      error = tc_sip_net_tls_explain (&attempt->check, error);
      connect_fail (attempt, error);
      return;
    }
  if (!attempt->transport)
    {
      connect_free (attempt);
      return;
    }
  if (!tc_sip_net_tls_check_pin (&attempt->check, G_TLS_CONNECTION (source), &error))
    {
      connect_fail (attempt, error);
      return;
    }
  connect_succeed (attempt, attempt->tls);
}

static void
on_tcp_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TcSipNetConnect *attempt = user_data;
  GError *error = NULL;

  attempt->tcp = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (!attempt->tcp)
    {
      connect_fail (attempt, error);
      return;
    }
  if (!attempt->transport)
    {
      g_socket_close (g_socket_connection_get_socket (attempt->tcp), NULL);
      connect_free (attempt);
      return;
    }
  set_nodelay (attempt->tcp);
  if (attempt->target.type != TC_SIP_TRANSPORT_TLS)
    {
      connect_succeed (attempt, G_IO_STREAM (attempt->tcp));
      return;
    }
  attempt->tls = tc_sip_net_tls_client_new (attempt->transport, G_IO_STREAM (attempt->tcp), &attempt->target,
                                            &attempt->check, &error);
  if (!attempt->tls)
    {
      connect_fail (attempt, error);
      return;
    }
  g_tls_connection_handshake_async (G_TLS_CONNECTION (attempt->tls), G_PRIORITY_DEFAULT, attempt->cancellable,
                                    on_tls_handshake, attempt);
}

static void
on_connect_timer (gpointer user_data)
{
  TcSipNetConnect *attempt = user_data;

  attempt->timer = 0;
  attempt->timed_out = TRUE;
  g_cancellable_cancel (attempt->cancellable);
}

static TcSipNetConnect *
connect_start (TcSipNetTransport *self, const TcSipTarget *target)
{
  TcSipNetConnect *attempt = g_new0 (TcSipNetConnect, 1);

  attempt->transport = self;
  attempt->clock = tc_sip_clock_ref (self->clock);
  tc_sip_target_copy (&attempt->target, target);
  attempt->key.type = target->type;
  tc_sip_net_addr_init (&attempt->key.addr, target->address);
  attempt->key.server_name = target->type == TC_SIP_TRANSPORT_TLS ? attempt->target.server_name : NULL;
  attempt->desc = tc_sip_target_to_string (target);
  attempt->cancellable = g_cancellable_new ();
  attempt->queue = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  attempt->callbacks = g_array_new (FALSE, FALSE, sizeof (PendingCallback));
  if (self->connect_timeout_us > 0)
    attempt->timer = tc_sip_clock_add_timer (attempt->clock, self->connect_timeout_us, on_connect_timer, attempt);
  g_hash_table_insert (self->connecting, &attempt->key, attempt);
  tc_debug ("%s: connecting", attempt->desc);
  g_socket_client_connect_async (self->client, G_SOCKET_CONNECTABLE (attempt->target.address), attempt->cancellable,
                                 on_tcp_connected, attempt);
  return attempt;
}

TcSipSendResult
tc_sip_net_stream_send (TcSipNetTransport *self, GBytes *bytes, const TcSipTarget *target, TcSipFlow **flow_out,
                        TcSipSendCallback callback, gpointer user_data, GError **error)
{
  TcSipNetStreamFlow *flow;
  TcSipNetConnect *attempt;
  TcSipNetConnKey key;

  key.type = target->type;
  tc_sip_net_addr_init (&key.addr, target->address);
  key.server_name = target->type == TC_SIP_TRANSPORT_TLS ? target->server_name : NULL;

  /* §18.1.1: reuse the connection open to this target */
  flow = g_hash_table_lookup (self->outgoing, &key);
  if (flow)
    {
      if (!tc_sip_net_stream_flow_send (TC_SIP_FLOW (flow), bytes, error))
        return TC_SIP_SEND_FAILED;
      if (flow_out)
        *flow_out = g_object_ref (TC_SIP_FLOW (flow));
      return TC_SIP_SEND_DONE;
    }

  attempt = g_hash_table_lookup (self->connecting, &key);
  if (!attempt)
    attempt = connect_start (self, target);
  g_ptr_array_add (attempt->queue, g_bytes_ref (bytes));
  if (callback)
    {
      PendingCallback pending = { callback, user_data };

      g_array_append_val (attempt->callbacks, pending);
    }
  return TC_SIP_SEND_PENDING;
}

/* ---- accepting ---------------------------------------------------------------- */

static void
accept_free (TcSipNetAccept *accept, gboolean close_socket)
{
  tc_sip_clock_clear_timer (accept->clock, &accept->timer);
  if (close_socket)
    g_socket_close (g_socket_connection_get_socket (accept->tcp), NULL);
  g_clear_object (&accept->tls);
  g_clear_object (&accept->tcp);
  g_clear_object (&accept->cancellable);
  g_free (accept->desc);
  tc_sip_clock_unref (accept->clock);
  g_free (accept);
}

static void
on_accept_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TcSipNetAccept *accept = user_data;
  TcSipNetTransport *self = accept->transport;
  g_autoptr (GError) error = NULL;

  if (self)
    g_hash_table_remove (self->handshakes, accept);
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      tc_debug ("%s: TLS handshake failed: %s", accept->desc,
                accept->timed_out ? "no handshake within read_timeout" : error->message);
      accept_free (accept, TRUE);
      return;
    }
  if (!self)
    {
      accept_free (accept, TRUE);
      return;
    }
  stream_flow_new (self, TC_SIP_TRANSPORT_TLS, accept->tls, accept->tcp, NULL);
  accept_free (accept, FALSE);
}

static void
on_accept_timer (gpointer user_data)
{
  TcSipNetAccept *accept = user_data;

  accept->timer = 0;
  accept->timed_out = TRUE;
  g_cancellable_cancel (accept->cancellable);
}

static void
accept_tls (TcSipNetTransport *self, GSocketConnection *tcp)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (tcp, NULL);
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (tcp, NULL);
  TcSipNetAccept *accept = g_new0 (TcSipNetAccept, 1);

  accept->clock = tc_sip_clock_ref (self->clock);
  accept->tcp = g_object_ref (tcp);
  accept->desc =
    tc_sip_net_describe (TC_SIP_TRANSPORT_TLS, inet_address_or_null (local), inet_address_or_null (remote));
  accept->tls = tc_sip_net_tls_server_new (self, G_IO_STREAM (tcp), &error);
  if (!accept->tls)
    {
      tc_debug ("%s: %s", accept->desc, error->message);
      accept_free (accept, TRUE);
      return;
    }
  accept->transport = self;
  accept->cancellable = g_cancellable_new ();
  /* The handshake is bounded like a message: a peer that stalls in it is
   * a slow-loris too. */
  if (self->read_timeout_us > 0)
    accept->timer = tc_sip_clock_add_timer (accept->clock, self->read_timeout_us, on_accept_timer, accept);
  g_hash_table_add (self->handshakes, accept);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (accept->tls), G_PRIORITY_DEFAULT, accept->cancellable,
                                    on_accept_handshake, accept);
}

static gboolean
on_listener_ready (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  TcSipNetListener *listener = user_data;
  TcSipNetTransport *self = listener->transport;

  for (guint i = 0; i < 16; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSocket) client = g_socket_accept (socket, NULL, &error);
      g_autoptr (GSocketConnection) tcp = NULL;

      if (!client)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            tc_debug ("%s: accept failed: %s", tc_sip_transport_type_to_string (listener->type), error->message);
          break;
        }
      if (self->max_connections && tc_sip_net_transport_get_n_connections (self) >= self->max_connections)
        {
          tc_debug ("%s: refusing a connection: %u connections open (max_connections)",
                    tc_sip_transport_type_to_string (listener->type), self->max_connections);
          g_socket_close (client, NULL);
          continue;
        }
      tcp = g_socket_connection_factory_create_connection (client);
      set_nodelay (tcp);
      if (listener->type == TC_SIP_TRANSPORT_TLS)
        accept_tls (self, tcp);
      else
        stream_flow_new (self, TC_SIP_TRANSPORT_TCP, G_IO_STREAM (tcp), tcp, NULL);
    }
  return G_SOURCE_CONTINUE;
}

void
tc_sip_net_stream_listener_start (TcSipNetListener *listener)
{
  listener->source = g_socket_create_source (listener->socket, G_IO_IN, NULL);
  g_source_set_callback (listener->source, G_SOURCE_FUNC (on_listener_ready), listener, NULL);
  g_source_attach (listener->source, listener->transport->context);
}

/* ---- shutdown ------------------------------------------------------------------ */

void
tc_sip_net_stream_shutdown (TcSipNetTransport *self)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autoptr (GError) error =
    g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "the transport was shut down before connecting");
  GHashTableIter iter;
  gpointer key, value;

  /* Pending connections: their callbacks are answered now; the pending
   * GIO operations, cancelled, free them. */
  g_hash_table_iter_init (&iter, self->connecting);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (items, value);
  for (guint i = 0; i < items->len; i++)
    {
      TcSipNetConnect *attempt = items->pdata[i];

      connect_detach (attempt);
      g_cancellable_cancel (attempt->cancellable);
      connect_call_back (attempt, self, NULL, error);
    }
  g_ptr_array_set_size (items, 0);

  g_hash_table_iter_init (&iter, self->handshakes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (items, key);
  g_hash_table_remove_all (self->handshakes);
  for (guint i = 0; i < items->len; i++)
    {
      TcSipNetAccept *accept = items->pdata[i];

      accept->transport = NULL;
      tc_sip_clock_clear_timer (accept->clock, &accept->timer);
      g_cancellable_cancel (accept->cancellable);
    }
  g_ptr_array_set_size (items, 0);

  g_ptr_array_set_free_func (items, g_object_unref);
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (items, g_object_ref (key));
  for (guint i = 0; i < items->len; i++)
    stream_flow_close_with (items->pdata[i], NULL);
}
