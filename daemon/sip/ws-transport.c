/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ws-transport.c — SIP over WebSocket as a client, RFC 7118
 * (ws-transport.h).
 *
 * A connection goes through three places in the transport: "connecting"
 * (keyed by URL, with the sends waiting for it), "flows" (open, keyed by
 * URL, reused by later sends) and "closing" (closed for the stack, waiting
 * for the WebSocket close handshake to end).
 */
#include "sip/ws-transport.h"

#include <string.h>

#include "sip/parser.h"
#include "sip/random.h"
#include "sip/soup-module.h"

#define VIA_TOKEN_LEN 12

/* libsoup, loaded by the first tc_sip_ws_transport_new() (soup-module.h);
 * everything else runs on a transport, so after it. */
static const TcSipSoupModule *soup;

static gboolean
soup_module_load (GError **error)
{
  const TcSipSoupModule *table;

  if (g_atomic_pointer_get (&soup))
    return TRUE;
  table = tc_loader_get (TC_SIP_SOUP_MODULE_NAME, TC_SIP_SOUP_MODULE_SYMBOL, TC_SIP_SOUP_MODULE_ABI,
                         sizeof (TcSipSoupModule), error);
  if (!table)
    {
      g_prefix_error (error, "no SIP over WebSocket: ");
      return FALSE;
    }
  g_atomic_pointer_set (&soup, table);
  return TRUE;
}

/* RFC 7118 §4: the one WebSocket subprotocol of SIP. */
static const char *const sip_protocols[] = { "sip", NULL };

/* ---- TcSipWsFlow: one WebSocket connection ------------------------------ */

#define TC_SIP_TYPE_WS_FLOW (tc_sip_ws_flow_get_type ())
G_DECLARE_FINAL_TYPE (TcSipWsFlow, tc_sip_ws_flow, TC_SIP, WS_FLOW, TcSipFlow)

struct _TcSipWsFlow {
  TcSipFlow parent_instance;

  TcSipWsTransport *transport; /* borrowed; NULL once the transport is disposed */
  TcSipClock *clock;
  SoupWebsocketConnection *conn;
  char *key; /* the URL */
  guint idle_timer;
  gint64 last_activity;
  GError *error;      /* the first failure libsoup reported */
  gboolean shut_down; /* closed for the stack ("closed" emitted) */
};

G_DEFINE_FINAL_TYPE (TcSipWsFlow, tc_sip_ws_flow, TC_SIP_TYPE_FLOW)

/* ---- the transport ------------------------------------------------------ */

struct _TcSipWsTransport {
  TcSipTransport parent_instance;

  TcSipClock *clock;
  SoupSession *session;
  char *pin; /* lower-case hex SHA-256, or NULL */
  guint idle_timeout;
  guint keepalive_interval;
  guint connect_timeout;
  TcSipParserLimits limits;
  char via_host[VIA_TOKEN_LEN + sizeof ".invalid"];

  GHashTable *connecting; /* URL → Connect (borrowed: the async operation owns it) */
  GHashTable *flows;      /* URL → TcSipWsFlow (owned), open connections */
  GHashTable *closing;    /* TcSipWsFlow (owned), waiting for the close handshake */
};

G_DEFINE_FINAL_TYPE (TcSipWsTransport, tc_sip_ws_transport, TC_SIP_TYPE_TRANSPORT)

/* A send waiting for its connection. */
typedef struct {
  GBytes *bytes;
  TcSipSendCallback callback;
  gpointer user_data;
} PendingSend;

/* A connection being opened; owned by the soup async operation. */
typedef struct {
  TcSipWsTransport *transport; /* borrowed; NULL once the transport is disposed */
  TcSipClock *clock;
  char *key;
  char *pin;
  TcSipTransportType type;
  SoupMessage *msg;
  GCancellable *cancellable;
  GQueue sends; /* PendingSend */
  guint timeout_timer;
  guint timeout_s;
  gboolean timed_out;
  GTlsCertificateFlags tls_errors; /* of a certificate that was refused */
} Connect;

static void
pending_send_free (PendingSend *send)
{
  g_bytes_unref (send->bytes);
  g_free (send);
}

static void
connect_free (Connect *connect)
{
  g_assert (g_queue_is_empty (&connect->sends));
  tc_sip_clock_clear_timer (connect->clock, &connect->timeout_timer);
  g_signal_handlers_disconnect_by_data (connect->msg, connect);
  g_clear_object (&connect->msg);
  g_clear_object (&connect->cancellable);
  tc_sip_clock_unref (connect->clock);
  g_free (connect->key);
  g_free (connect->pin);
  g_free (connect);
}

/* Calls back every send waiting for @connect with @error. */
static void
connect_fail_sends (Connect *connect, TcSipWsTransport *self, const GError *error)
{
  PendingSend *send;

  while ((send = g_queue_pop_head (&connect->sends)))
    {
      if (send->callback)
        send->callback (TC_SIP_TRANSPORT (self), NULL, error, send->user_data);
      pending_send_free (send);
    }
}

/* ---- flows -------------------------------------------------------------- */

/* Takes @flow out of the transport's open flows (a send then opens a new
 * connection), into "closing" while the WebSocket is not closed yet. */
static void
ws_flow_detach (TcSipWsFlow *flow)
{
  TcSipWsTransport *self = flow->transport;

  tc_sip_clock_clear_timer (flow->clock, &flow->idle_timer);
  if (!self)
    return;
  if (soup->websocket_connection_get_state (flow->conn) != SOUP_WEBSOCKET_STATE_CLOSED)
    g_hash_table_add (self->closing, g_object_ref (flow));
  if (g_hash_table_lookup (self->flows, flow->key) == flow)
    g_hash_table_remove (self->flows, flow->key);
}

/* Closes @flow from our side: an orderly close (idle, or asked for). */
static void
ws_flow_shutdown (TcSipWsFlow *flow)
{
  G_GNUC_UNUSED g_autoptr (TcSipWsFlow) flow_ref = g_object_ref (flow);
  g_autoptr (TcSipWsTransport) self = flow->transport ? g_object_ref (flow->transport) : NULL;

  if (flow->shut_down)
    return;
  flow->shut_down = TRUE;
  ws_flow_detach (flow);
  if (soup->websocket_connection_get_state (flow->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup->websocket_connection_close (flow->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  tc_sip_flow_emit_closed (TC_SIP_FLOW (flow), NULL);
  if (self)
    tc_sip_transport_emit_flow_closed (TC_SIP_TRANSPORT (self), TC_SIP_FLOW (flow), NULL);
}

static void
on_idle_timer (gpointer user_data)
{
  TcSipWsFlow *flow = user_data;
  TcSipWsTransport *self = flow->transport;
  gint64 idle_us, delay;

  flow->idle_timer = 0;
  if (!self || flow->shut_down)
    return;

  idle_us = (gint64) self->idle_timeout * G_USEC_PER_SEC;
  delay = flow->last_activity + idle_us - tc_sip_clock_now (flow->clock);
  /* A held flow, or one with transactions pending, is not idle. */
  if (tc_sip_flow_get_n_holds (TC_SIP_FLOW (flow)) > 0 || tc_sip_flow_get_n_uses (TC_SIP_FLOW (flow)) > 0)
    delay = idle_us;
  if (delay > 0)
    {
      flow->idle_timer = tc_sip_clock_add_timer (flow->clock, delay, on_idle_timer, flow);
      return;
    }
  g_debug ("ws flow %s: idle for %u s, closing", flow->key, self->idle_timeout);
  ws_flow_shutdown (flow);
}

/* The cause of a close we did not ask for. */
static GError *
ws_flow_close_cause (TcSipWsFlow *flow)
{
  gushort code = soup->websocket_connection_get_close_code (flow->conn);
  const char *data = soup->websocket_connection_get_close_data (flow->conn);

  if (flow->error)
    return g_error_new (flow->error->domain, flow->error->code, "WebSocket connection to %s failed: %s", flow->key,
                        flow->error->message);
  if (code == 0)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                        "the WebSocket connection to %s was closed without a close frame", flow->key);
  return g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                      "the server closed the WebSocket connection to %s (code %u%s%s)", flow->key, code,
                      data && *data ? ": " : "", data ? data : "");
}

static gboolean
is_keepalive (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (data[i] != '\r' && data[i] != '\n')
      return FALSE;
  return TRUE;
}

static void
on_conn_message (SoupWebsocketConnection *conn, gint type, GBytes *bytes, gpointer user_data)
{
  TcSipWsFlow *flow = user_data;
  g_autoptr (TcSipWsFlow) flow_ref = NULL;
  g_autoptr (TcSipWsTransport) self = NULL;
  g_autoptr (TcSipMessage) message = NULL;
  g_autoptr (GError) error = NULL;

  if (!flow->transport || flow->shut_down)
    return;
  flow->last_activity = tc_sip_clock_now (flow->clock);
  if (is_keepalive (bytes))
    return;

  /* The callbacks may drop the last references. */
  flow_ref = g_object_ref (flow);
  self = g_object_ref (flow->transport);
  message = tc_sip_message_parse_datagram (bytes, &self->limits, &error);
  if (message)
    tc_sip_transport_emit_message (TC_SIP_TRANSPORT (self), message, TC_SIP_FLOW (flow));
  else
    {
      g_debug ("ws flow %s: bad message: %s", flow->key, error->message);
      tc_sip_transport_emit_bad_message (TC_SIP_TRANSPORT (self), bytes, TC_SIP_FLOW (flow), error);
    }
}

static void
on_conn_error (SoupWebsocketConnection *conn, GError *error, gpointer user_data)
{
  TcSipWsFlow *flow = user_data;

  g_debug ("ws flow %s: %s", flow->key, error->message);
  if (!flow->error)
    flow->error = g_error_copy (error);
}

static void
on_conn_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  TcSipWsFlow *flow = user_data;
  G_GNUC_UNUSED g_autoptr (TcSipWsFlow) flow_ref = g_object_ref (flow);

  if (!flow->shut_down)
    {
      g_autoptr (TcSipWsTransport) self = flow->transport ? g_object_ref (flow->transport) : NULL;
      g_autoptr (GError) cause = ws_flow_close_cause (flow);

      g_debug ("ws flow %s: %s", flow->key, cause->message);
      flow->shut_down = TRUE;
      ws_flow_detach (flow);
      tc_sip_flow_emit_closed (TC_SIP_FLOW (flow), cause);
      if (self)
        tc_sip_transport_emit_flow_closed (TC_SIP_TRANSPORT (self), TC_SIP_FLOW (flow), cause);
    }
  if (flow->transport)
    g_hash_table_remove (flow->transport->closing, flow);
}

static gboolean
tc_sip_ws_flow_send (TcSipFlow *flow, GBytes *bytes, GError **error)
{
  TcSipWsFlow *self = TC_SIP_WS_FLOW (flow);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  SoupWebsocketDataType type;

  if (self->shut_down || soup->websocket_connection_get_state (self->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the WebSocket connection to %s is closing", self->key);
      return FALSE;
    }
  /* RFC 7118 §5.1: text frames for UTF-8 (g_utf8_validate_len refuses
   * NUL octets, which a text frame could carry but many peers mishandle). */
  type = len == 0 || g_utf8_validate_len (data, len, NULL) ? SOUP_WEBSOCKET_DATA_TEXT : SOUP_WEBSOCKET_DATA_BINARY;
  soup->websocket_connection_send_message (self->conn, type, bytes);
  self->last_activity = tc_sip_clock_now (self->clock);
  return TRUE;
}

static void
tc_sip_ws_flow_close (TcSipFlow *flow)
{
  ws_flow_shutdown (TC_SIP_WS_FLOW (flow));
}

static void
tc_sip_ws_flow_dispose (GObject *object)
{
  TcSipWsFlow *self = TC_SIP_WS_FLOW (object);

  if (self->clock)
    tc_sip_clock_clear_timer (self->clock, &self->idle_timer);
  if (self->conn)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      g_clear_object (&self->conn);
    }
  G_OBJECT_CLASS (tc_sip_ws_flow_parent_class)->dispose (object);
}

static void
tc_sip_ws_flow_finalize (GObject *object)
{
  TcSipWsFlow *self = TC_SIP_WS_FLOW (object);

  g_clear_pointer (&self->clock, tc_sip_clock_unref);
  g_clear_error (&self->error);
  g_free (self->key);
  G_OBJECT_CLASS (tc_sip_ws_flow_parent_class)->finalize (object);
}

static void
tc_sip_ws_flow_class_init (TcSipWsFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSipFlowClass *flow_class = TC_SIP_FLOW_CLASS (klass);

  object_class->dispose = tc_sip_ws_flow_dispose;
  object_class->finalize = tc_sip_ws_flow_finalize;
  flow_class->send = tc_sip_ws_flow_send;
  flow_class->close = tc_sip_ws_flow_close;
}

static void
tc_sip_ws_flow_init (TcSipWsFlow *self)
{
}

/* A flow over @conn, just opened for @connect. */
static TcSipWsFlow *
ws_flow_new (TcSipWsTransport *transport, Connect *connect, SoupWebsocketConnection *conn)
{
  GSocketAddress *remote = soup->message_get_remote_address (connect->msg);
  TcSipWsFlow *flow;

  flow = g_object_new (TC_SIP_TYPE_WS_FLOW, "type", (int) connect->type, "remote-address",
                       G_IS_INET_SOCKET_ADDRESS (remote) ? remote : NULL, NULL);
  flow->transport = transport;
  flow->clock = tc_sip_clock_ref (transport->clock);
  flow->conn = g_object_ref (conn);
  flow->key = g_strdup (connect->key);
  flow->last_activity = tc_sip_clock_now (flow->clock);

  soup->websocket_connection_set_max_incoming_payload_size (conn, transport->limits.max_message_size);
  if (transport->keepalive_interval)
    soup->websocket_connection_set_keepalive_interval (conn, transport->keepalive_interval);
  g_signal_connect (conn, "message", G_CALLBACK (on_conn_message), flow);
  g_signal_connect (conn, "error", G_CALLBACK (on_conn_error), flow);
  g_signal_connect (conn, "closed", G_CALLBACK (on_conn_closed), flow);
  if (transport->idle_timeout)
    flow->idle_timer =
      tc_sip_clock_add_timer (flow->clock, (gint64) transport->idle_timeout * G_USEC_PER_SEC, on_idle_timer, flow);
  return flow;
}

/* ---- certificates ------------------------------------------------------- */

/* @pin: lower-case hex without colons. */
static gboolean
certificate_matches_pin (GTlsCertificate *cert, const char *pin)
{
  g_autoptr (GByteArray) der = NULL;
  g_autofree char *digest = NULL;

  if (!cert)
    return FALSE;
  g_object_get (cert, "certificate", &der, NULL);
  if (!der)
    return FALSE;
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return g_strcmp0 (digest, pin) == 0;
}

/* "AB:cd:…" → "abcd…"; NULL unless 32 bytes of hex. */
static char *
normalize_pin (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (*p == ':')
        continue;
      if (!g_ascii_isxdigit (*p))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, g_ascii_tolower (*p));
    }
  if (out->len != 2 * 32)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static char *
describe_tls_errors (GTlsCertificateFlags flags)
{
  static const struct {
    GTlsCertificateFlags flag;
    const char *text;
  } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "not signed by a trusted CA" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "issued for another host" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet" },
    { G_TLS_CERTIFICATE_EXPIRED, "expired" },
    { G_TLS_CERTIFICATE_REVOKED, "revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "using an insecure algorithm" },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, "invalid" },
  };
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (flags & reasons[i].flag)
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", reasons[i].text);
  if (!out->len)
    g_string_append (out, "invalid");
  return g_string_free (out, FALSE);
}

/* Only reached for a certificate that failed verification: accepted when
 * it is the pinned one, refused otherwise (the reason kept for the error). */
static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer user_data)
{
  Connect *connect = user_data;

  if (connect->pin && certificate_matches_pin (cert, connect->pin))
    return TRUE;
  connect->tls_errors = errors ? errors : G_TLS_CERTIFICATE_GENERIC_ERROR;
  return FALSE;
}

/* ---- connecting --------------------------------------------------------- */

static void
on_connect_timeout (gpointer user_data)
{
  Connect *connect = user_data;

  connect->timeout_timer = 0;
  connect->timed_out = TRUE;
  g_cancellable_cancel (connect->cancellable);
}

/* Turns the failure of @connect into the error its senders get. */
static GError *
connect_error (Connect *connect, GError *error)
{
  if (connect->timed_out)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "connecting to %s timed out after %u s", connect->key,
                        connect->timeout_s);
  if (connect->tls_errors)
    {
      g_autofree char *reasons = describe_tls_errors (connect->tls_errors);

      return g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "TLS certificate of %s refused: %s", connect->key,
                          reasons);
    }
  return g_error_new (error->domain, error->code, "WebSocket connection to %s failed: %s", connect->key,
                      error->message);
}

/* Checks what the handshake gave; FALSE with @error when it cannot be used. */
static gboolean
connect_check (Connect *connect, SoupWebsocketConnection *conn, GError **error)
{
  const char *protocol = soup->websocket_connection_get_protocol (conn);

  if (g_strcmp0 (protocol, "sip") != 0)
    {
      g_set_error (error, soup->websocket_error_quark (), SOUP_WEBSOCKET_ERROR_BAD_HANDSHAKE,
                   "WebSocket server %s did not accept the subprotocol \"sip\" (RFC 7118 section 4)%s%s%s",
                   connect->key, protocol ? ": it chose \"" : "", protocol ? protocol : "", protocol ? "\"" : "");
      return FALSE;
    }
  if (connect->pin && connect->type == TC_SIP_TRANSPORT_WSS &&
      !certificate_matches_pin (soup->message_get_tls_peer_certificate (connect->msg), connect->pin))
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   "TLS certificate of %s refused: it does not match the pinned SHA-256 fingerprint", connect->key);
      return FALSE;
    }
  return TRUE;
}

static void
on_connect_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Connect *connect = user_data;
  g_autoptr (SoupWebsocketConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipWsTransport) self = NULL;
  g_autoptr (TcSipWsFlow) flow = NULL;
  PendingSend *send;

  conn = soup->session_websocket_connect_finish ((SoupSession *) source, result, &error);
  tc_sip_clock_clear_timer (connect->clock, &connect->timeout_timer);
  if (conn && !connect_check (connect, conn, &error))
    {
      soup->websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, NULL);
      g_clear_object (&conn);
    }
  else if (!conn)
    {
      GError *wrapped = connect_error (connect, error);

      g_clear_error (&error);
      error = wrapped;
    }

  if (!connect->transport)
    {
      /* The transport was disposed; its senders were called back then. */
      if (conn)
        soup->websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      connect_free (connect);
      return;
    }

  self = g_object_ref (connect->transport);
  g_hash_table_remove (self->connecting, connect->key);
  if (!conn)
    {
      g_debug ("ws %s: %s", connect->key, error->message);
      connect_fail_sends (connect, self, error);
      connect_free (connect);
      return;
    }

  g_debug ("ws %s: connected", connect->key);
  flow = ws_flow_new (self, connect, conn);
  g_hash_table_replace (self->flows, flow->key, g_object_ref (flow));
  while ((send = g_queue_pop_head (&connect->sends)))
    {
      g_autoptr (GError) send_error = NULL;

      if (!tc_sip_flow_send (TC_SIP_FLOW (flow), send->bytes, &send_error))
        {
          if (send->callback)
            send->callback (TC_SIP_TRANSPORT (self), NULL, send_error, send->user_data);
        }
      else if (send->callback)
        send->callback (TC_SIP_TRANSPORT (self), TC_SIP_FLOW (flow), NULL, send->user_data);
      pending_send_free (send);
    }
  connect_free (connect);
}

static Connect *
connect_start (TcSipWsTransport *self, GUri *uri, const char *key, TcSipTransportType type)
{
  Connect *connect = g_new0 (Connect, 1);

  connect->transport = self;
  connect->clock = tc_sip_clock_ref (self->clock);
  connect->key = g_strdup (key);
  connect->pin = g_strdup (self->pin);
  connect->type = type;
  connect->msg = soup->message_new_from_uri ("GET", uri);
  connect->cancellable = g_cancellable_new ();
  connect->timeout_s = self->connect_timeout;
  g_queue_init (&connect->sends);
  g_signal_connect (connect->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), connect);
  if (self->connect_timeout)
    connect->timeout_timer = tc_sip_clock_add_timer (self->clock, (gint64) self->connect_timeout * G_USEC_PER_SEC,
                                                     on_connect_timeout, connect);
  g_hash_table_insert (self->connecting, connect->key, connect);

  g_debug ("ws %s: connecting", key);
  soup->session_websocket_connect_async (self->session, connect->msg, NULL, (char **) sip_protocols, G_PRIORITY_DEFAULT,
                                         connect->cancellable, on_connect_ready, connect);
  return connect;
}

/* ---- TcSipTransport vfuncs ---------------------------------------------- */

/* The URL to connect to for @target: its ws_url, or one made of its server
 * name or address, with the path "/". */
static GUri *
target_to_uri (const TcSipTarget *target, GError **error)
{
  const char *scheme = target->type == TC_SIP_TRANSPORT_WSS ? "wss" : "ws";
  g_autoptr (GUri) uri = NULL;
  g_autofree char *text = NULL;

  if (target->ws_url)
    text = g_strdup (target->ws_url);
  else if (target->server_name || target->address)
    {
      guint16 port = target->address ? g_inet_socket_address_get_port (target->address)
                                     : tc_sip_transport_type_get_default_port (target->type);
      g_autofree char *host = NULL;

      if (target->server_name)
        host = g_strdup (target->server_name);
      else
        {
          GInetAddress *inet = g_inet_socket_address_get_address (target->address);
          g_autofree char *ip = g_inet_address_to_string (inet);

          host = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ? g_strdup_printf ("[%s]", ip)
                                                                          : g_steal_pointer (&ip);
        }
      text = g_strdup_printf ("%s://%s:%u/", scheme, host, port);
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a WebSocket target needs a URL or an address");
      return NULL;
    }

  uri = g_uri_parse (text, SOUP_HTTP_URI_FLAGS, error);
  if (!uri)
    {
      g_prefix_error (error, "invalid WebSocket URL %s: ", text);
      return NULL;
    }
  if (g_strcmp0 (g_uri_get_scheme (uri), scheme) != 0 || !g_uri_get_host (uri) || !*g_uri_get_host (uri))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "WebSocket URL %s is not a %s:// URL with a host",
                   text, scheme);
      return NULL;
    }
  if (!*g_uri_get_path (uri))
    {
      GUri *with_path = soup->uri_copy (uri, SOUP_URI_PATH, "/", SOUP_URI_NONE);

      g_uri_unref (uri);
      uri = with_path;
    }
  return g_steal_pointer (&uri);
}

static gboolean
tc_sip_ws_transport_supports (TcSipTransport *transport, TcSipTransportType type)
{
  return type == TC_SIP_TRANSPORT_WS || type == TC_SIP_TRANSPORT_WSS;
}

static TcSipSendResult
tc_sip_ws_transport_send (TcSipTransport *transport, GBytes *bytes, const TcSipTarget *target, TcSipFlow **flow_out,
                          TcSipSendCallback callback, gpointer user_data, GError **error)
{
  TcSipWsTransport *self = TC_SIP_WS_TRANSPORT (transport);
  g_autoptr (GUri) uri = NULL;
  g_autofree char *key = NULL;
  TcSipWsFlow *flow;
  Connect *connect;
  PendingSend *send;

  if (!tc_sip_ws_transport_supports (transport, target->type))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "the WebSocket transport cannot send over %s",
                   tc_sip_transport_type_to_string (target->type));
      return TC_SIP_SEND_FAILED;
    }
  uri = target_to_uri (target, error);
  if (!uri)
    return TC_SIP_SEND_FAILED;
  key = g_uri_to_string (uri);

  /* RFC 3261 §18.1.1 / RFC 7118 §5: reuse the open connection. */
  flow = g_hash_table_lookup (self->flows, key);
  if (flow && !flow->shut_down && soup->websocket_connection_get_state (flow->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      if (!tc_sip_flow_send (TC_SIP_FLOW (flow), bytes, error))
        return TC_SIP_SEND_FAILED;
      if (flow_out)
        *flow_out = g_object_ref (TC_SIP_FLOW (flow));
      return TC_SIP_SEND_DONE;
    }

  connect = g_hash_table_lookup (self->connecting, key);
  if (!connect)
    connect = connect_start (self, uri, key, target->type);
  send = g_new0 (PendingSend, 1);
  send->bytes = g_bytes_ref (bytes);
  send->callback = callback;
  send->user_data = user_data;
  g_queue_push_tail (&connect->sends, send);
  return TC_SIP_SEND_PENDING;
}

/* RFC 7118 §5.2: a WebSocket client has no address others can connect to;
 * its Via sent-by is a random ".invalid" host and carries no port (0). */
static gboolean
tc_sip_ws_transport_get_sent_by (TcSipTransport *transport, TcSipTransportType type, GSocketFamily family, char **host,
                                 guint16 *port)
{
  TcSipWsTransport *self = TC_SIP_WS_TRANSPORT (transport);

  if (!tc_sip_ws_transport_supports (transport, type))
    return FALSE;
  if (host)
    *host = g_strdup (self->via_host);
  if (port)
    *port = 0;
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------ */

static void
tc_sip_ws_transport_dispose (GObject *object)
{
  TcSipWsTransport *self = TC_SIP_WS_TRANSPORT (object);

  if (self->connecting)
    {
      g_autoptr (GError) error =
        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "the WebSocket transport was disposed");
      g_autoptr (GList) connects = g_hash_table_get_values (self->connecting);

      g_hash_table_remove_all (self->connecting);
      for (GList *l = connects; l; l = l->next)
        {
          Connect *connect = l->data;

          connect->transport = NULL;
          tc_sip_clock_clear_timer (connect->clock, &connect->timeout_timer);
          g_cancellable_cancel (connect->cancellable);
          connect_fail_sends (connect, self, error);
        }
    }
  if (self->flows)
    {
      g_autoptr (GList) flows = g_hash_table_get_values (self->flows);

      for (GList *l = flows; l; l = l->next)
        {
          TcSipWsFlow *flow = g_object_ref (l->data);

          flow->transport = NULL;
          ws_flow_shutdown (flow);
          g_object_unref (flow);
        }
      g_hash_table_remove_all (self->flows);
    }
  if (self->closing)
    {
      GHashTableIter iter;
      gpointer flow;

      g_hash_table_iter_init (&iter, self->closing);
      while (g_hash_table_iter_next (&iter, &flow, NULL))
        TC_SIP_WS_FLOW (flow)->transport = NULL;
      g_hash_table_remove_all (self->closing);
    }
  g_clear_object (&self->session);
  G_OBJECT_CLASS (tc_sip_ws_transport_parent_class)->dispose (object);
}

static void
tc_sip_ws_transport_finalize (GObject *object)
{
  TcSipWsTransport *self = TC_SIP_WS_TRANSPORT (object);

  g_clear_pointer (&self->connecting, g_hash_table_unref);
  g_clear_pointer (&self->flows, g_hash_table_unref);
  g_clear_pointer (&self->closing, g_hash_table_unref);
  g_clear_pointer (&self->clock, tc_sip_clock_unref);
  g_free (self->pin);
  G_OBJECT_CLASS (tc_sip_ws_transport_parent_class)->finalize (object);
}

static void
tc_sip_ws_transport_class_init (TcSipWsTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSipTransportClass *transport_class = TC_SIP_TRANSPORT_CLASS (klass);

  object_class->dispose = tc_sip_ws_transport_dispose;
  object_class->finalize = tc_sip_ws_transport_finalize;
  transport_class->supports = tc_sip_ws_transport_supports;
  transport_class->send = tc_sip_ws_transport_send;
  transport_class->get_sent_by = tc_sip_ws_transport_get_sent_by;
}

static void
tc_sip_ws_transport_init (TcSipWsTransport *self)
{
  self->connecting = g_hash_table_new (g_str_hash, g_str_equal);
  self->flows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->closing = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
}

void
tc_sip_ws_transport_config_init (TcSipWsTransportConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->idle_timeout = TC_SIP_WS_DEFAULT_IDLE_TIMEOUT;
  config->connect_timeout = TC_SIP_WS_DEFAULT_CONNECT_TIMEOUT;
  config->max_message_size = TC_SIP_PARSER_DEFAULT_MAX_MESSAGE_SIZE;
  config->user_agent = "Tincan";
}

TcSipWsTransport *
tc_sip_ws_transport_new (const TcSipWsTransportConfig *config, TcSipClock *clock, GError **error)
{
  TcSipWsTransportConfig defaults;
  g_autoptr (TcSipWsTransport) self = NULL;
  char token[VIA_TOKEN_LEN + 1];

  g_return_val_if_fail (clock != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!config)
    {
      tc_sip_ws_transport_config_init (&defaults);
      config = &defaults;
    }
  if (!soup_module_load (error))
    return NULL;

  self = g_object_new (TC_SIP_TYPE_WS_TRANSPORT, NULL);
  self->clock = tc_sip_clock_ref (clock);
  self->idle_timeout = config->idle_timeout;
  self->keepalive_interval = config->keepalive_interval;
  self->connect_timeout = config->connect_timeout;
  tc_sip_parser_limits_init (&self->limits);
  if (config->max_message_size)
    self->limits.max_message_size = config->max_message_size;

  if (config->pinned_sha256)
    {
      self->pin = normalize_pin (config->pinned_sha256);
      if (!self->pin)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "\"%s\" is not a SHA-256 fingerprint (64 hex digits, colons allowed)", config->pinned_sha256);
          return NULL;
        }
    }

  self->session =
    soup->session_new_with_options ("user-agent", config->user_agent ? config->user_agent : "Tincan", NULL);
  if (config->ca_file)
    {
      g_autoptr (GTlsDatabase) database = g_tls_file_database_new (config->ca_file, error);

      if (!database)
        {
          g_prefix_error (error, "cannot load the WebSocket CA file %s: ", config->ca_file);
          return NULL;
        }
      soup->session_set_tls_database (self->session, database);
    }

  /* RFC 7118 §5.2 */
  tc_sip_random_token (token, VIA_TOKEN_LEN);
  for (char *p = token; *p; p++)
    *p = g_ascii_tolower (*p);
  g_snprintf (self->via_host, sizeof self->via_host, "%s.invalid", token);

  return g_steal_pointer (&self);
}

const char *
tc_sip_ws_transport_get_via_host (TcSipWsTransport *self)
{
  g_return_val_if_fail (TC_SIP_IS_WS_TRANSPORT (self), NULL);

  return self->via_host;
}

guint
tc_sip_ws_transport_get_n_connections (TcSipWsTransport *self)
{
  g_return_val_if_fail (TC_SIP_IS_WS_TRANSPORT (self), 0);

  return g_hash_table_size (self->flows);
}
