/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tests for ws-transport.h: SIP over WebSocket as a client (RFC 7118),
 * against a libsoup server in this process on 127.0.0.1.  The server
 * answers OPTIONS with 200 and can push requests, garbage or a close.  The
 * transport runs on a manual clock (idle timeouts in microseconds); the
 * network runs on the default main context, driven until a condition
 * holds, with a deadline.
 */
#include "sip/ws-transport.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sip/builder.h"
#include "sip/parser.h"

static const char *const sip_protocols[] = { "sip", NULL };
static const char *const other_protocols[] = { "foo", NULL };

typedef struct {
  /* the server */
  SoupServer *server;
  guint port;
  GPtrArray *server_conns; /* SoupWebsocketConnection */
  guint server_n_frames;
  guint server_n_requests;
  guint server_n_responses;
  gint server_last_type;
  guint server_n_closed;
  char *tmpdir; /* TLS material, or NULL */

  /* the client */
  TcSipClock *clock;
  TcSipWsTransport *transport;
  GPtrArray *messages;      /* TcSipMessage received */
  GPtrArray *message_flows; /* TcSipFlow each came from */
  guint n_bad;
  TcSipFlow *bad_flow;
  guint n_flow_closed;
  TcSipFlow *closed_flow;
  GError *closed_error;
  guint n_sent; /* send callbacks */
  TcSipFlow *sent_flow;
  GError *sent_error;
} Fixture;

/* ---- driving the main context ------------------------------------------- */

static gboolean
on_wake (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default main context until @cond holds; fails the test
 * after two seconds. */
#define WAIT_UNTIL(cond) \
  G_STMT_START \
  { \
    gint64 deadline_ = g_get_monotonic_time () + 2 * G_USEC_PER_SEC; \
    guint wake_ = g_timeout_add (10, on_wake, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > deadline_) \
          g_error ("timed out waiting for %s", #cond); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (wake_); \
  } \
  G_STMT_END

/* Lets pending I/O run for a moment (to check that nothing happens). */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint wake = g_timeout_add (5, on_wake, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

/* ---- the server --------------------------------------------------------- */

static void
on_server_message (SoupWebsocketConnection *conn, gint type, GBytes *bytes, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr (TcSipMessage) message = tc_sip_message_parse_datagram (bytes, NULL, NULL);
  g_autoptr (TcSipMessage) response = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autoptr (GError) error = NULL;

  f->server_n_frames++;
  f->server_last_type = type;
  if (!message)
    return;
  if (!tc_sip_message_is_request (message))
    {
      f->server_n_responses++;
      return;
    }
  f->server_n_requests++;
  if (tc_sip_message_get_method (message) != TC_SIP_METHOD_OPTIONS ||
      soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  response = tc_sip_message_builder_end (tc_sip_message_builder_new_response_to (message, 200, NULL, "srv"), &error);
  g_assert_no_error (error);
  wire = tc_sip_message_to_bytes (response);
  soup_websocket_connection_send_message (conn, SOUP_WEBSOCKET_DATA_TEXT, wire);
}

static void
on_server_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  Fixture *f = user_data;

  f->server_n_closed++;
}

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *conn,
              gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->server_conns, g_object_ref (conn));
  g_signal_connect (conn, "message", G_CALLBACK (on_server_message), f);
  g_signal_connect (conn, "closed", G_CALLBACK (on_server_closed), f);
}

static void
server_start (Fixture *f, GTlsCertificate *certificate)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;

  f->server = certificate ? soup_server_new ("tls-certificate", certificate, NULL) : soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (f->server, "/", NULL, (char **) sip_protocols, on_websocket, f, NULL);
  /* a server that offers no subprotocol, and one that offers another */
  soup_server_add_websocket_handler (f->server, "/nosip", NULL, NULL, on_websocket, f, NULL);
  soup_server_add_websocket_handler (f->server, "/other", NULL, (char **) other_protocols, on_websocket, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | (certificate ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

/* The server's end of the connection @i. */
static SoupWebsocketConnection *
server_conn (Fixture *f, guint i)
{
  g_assert_cmpuint (i, <, f->server_conns->len);
  return g_ptr_array_index (f->server_conns, i);
}

static void
server_send (Fixture *f, guint i, const char *text)
{
  soup_websocket_connection_send_text (server_conn (f, i), text);
}

/* ---- TLS material (openssl CLI) ----------------------------------------- */

static void
run_openssl (Fixture *f, const char *const *args)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  g_strv_builder_add (builder, "openssl");
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_spawn_sync (f->tmpdir, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("openssl %s: %s\n%s", args[0], error->message, err);
}

static char *
tmp_path (Fixture *f, const char *name)
{
  return g_build_filename (f->tmpdir, name, NULL);
}

/* A CA and a server certificate for IP 127.0.0.1 signed by it. */
static GTlsCertificate *
make_certificates (Fixture *f)
{
  static const char *const ca[] = {
    "req",  "-x509",  "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
    "-out", "ca.pem", "-days",   "2",  "-subj",    "/CN=Tincan Test CA",           NULL
  };
  static const char *const csr[] = {
    "req",    "-newkey",       "ec",         "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-keyout",       "server.key", "-out",     "server.csr",
    "-subj",  "/CN=127.0.0.1", NULL
  };
  static const char *const sign[] = { "x509",       "-req",   "-in",    "server.csr",      "-CA",
                                      "ca.pem",     "-CAkey", "ca.key", "-CAcreateserial", "-out",
                                      "server.pem", "-days",  "2",      "-extfile",        "ext.cnf",
                                      NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *ext = NULL, *cert = NULL, *key = NULL;
  GTlsCertificate *certificate;

  f->tmpdir = g_dir_make_tmp ("tincan-ws-XXXXXX", &error);
  g_assert_no_error (error);
  ext = tmp_path (f, "ext.cnf");
  g_file_set_contents (ext,
                       "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                       "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
                       -1, &error);
  g_assert_no_error (error);
  run_openssl (f, ca);
  run_openssl (f, csr);
  run_openssl (f, sign);
  cert = tmp_path (f, "server.pem");
  key = tmp_path (f, "server.key");
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  return certificate;
}

/* "AB:CD:…", upper case with colons, to exercise the normalization. */
static char *
certificate_pin (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;
  g_autofree char *hex = NULL;
  GString *out = g_string_new (NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  for (const char *p = hex; *p; p += 2)
    g_string_append_printf (out, "%s%c%c", out->len ? ":" : "", g_ascii_toupper (p[0]), g_ascii_toupper (p[1]));
  return g_string_free (out, FALSE);
}

/* ---- the client --------------------------------------------------------- */

static void
on_client_message (TcSipTransport *transport, TcSipMessage *message, TcSipFlow *flow, gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->messages, tc_sip_message_ref (message));
  g_ptr_array_add (f->message_flows, g_object_ref (flow));
}

static void
on_client_bad_message (TcSipTransport *transport, GBytes *bytes, TcSipFlow *flow, const GError *error,
                       gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_nonnull (error);
  f->n_bad++;
  g_set_object (&f->bad_flow, flow);
}

static void
on_client_flow_closed (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  Fixture *f = user_data;

  f->n_flow_closed++;
  g_set_object (&f->closed_flow, flow);
  g_clear_error (&f->closed_error);
  if (error)
    f->closed_error = g_error_copy (error);
}

static const TcSipTransportCallbacks client_callbacks = {
  .message = on_client_message,
  .bad_message = on_client_bad_message,
  .flow_closed = on_client_flow_closed,
};

static void
on_sent (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  Fixture *f = user_data;

  f->n_sent++;
  g_set_object (&f->sent_flow, flow);
  g_clear_error (&f->sent_error);
  if (error)
    f->sent_error = g_error_copy (error);
}

static void
client_start (Fixture *f, const TcSipWsTransportConfig *config)
{
  g_autoptr (GError) error = NULL;

  f->clock = tc_sip_clock_new_manual (0);
  f->transport = tc_sip_ws_transport_new (config, f->clock, &error);
  g_assert_no_error (error);
  tc_sip_transport_set_callbacks (TC_SIP_TRANSPORT (f->transport), &client_callbacks, f);
}

static GBytes *
make_options (Fixture *f, guint cseq)
{
  const char *host = tc_sip_ws_transport_get_via_host (f->transport);
  char *text = g_strdup_printf ("OPTIONS sip:server@127.0.0.1 SIP/2.0\r\n"
                                "Via: SIP/2.0/WS %s;branch=z9hG4bKws%u\r\n"
                                "Max-Forwards: 70\r\n"
                                "From: <sip:alice@example.com>;tag=a%u\r\n"
                                "To: <sip:server@127.0.0.1>\r\n"
                                "Call-ID: ws-%u@%s\r\n"
                                "CSeq: %u OPTIONS\r\n"
                                "Content-Length: 0\r\n\r\n",
                                host, cseq, cseq, cseq, host, cseq);

  return g_bytes_new_take (text, strlen (text));
}

/* A request the server pushes to the client. */
static const char message_text[] = "MESSAGE sip:alice@client.invalid;transport=ws SIP/2.0\r\n"
                                   "Via: SIP/2.0/WS proxy.example.com;branch=z9hG4bKsrv1\r\n"
                                   "Max-Forwards: 70\r\n"
                                   "From: <sip:bob@example.com>;tag=b1\r\n"
                                   "To: <sip:alice@example.com>\r\n"
                                   "Call-ID: srv-1\r\n"
                                   "CSeq: 1 MESSAGE\r\n"
                                   "Content-Type: text/plain\r\n"
                                   "\r\n"
                                   "hello";

static char *
make_url (Fixture *f, const char *scheme, const char *path)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s", scheme, f->port, path);
}

static TcSipSendResult
client_send_url (Fixture *f, const char *url, GBytes *bytes, TcSipFlow **flow_out, GError **error)
{
  TcSipTarget target;
  TcSipSendResult result;

  tc_sip_target_init (&target, g_str_has_prefix (url, "wss:") ? TC_SIP_TRANSPORT_WSS : TC_SIP_TRANSPORT_WS, NULL, NULL);
  target.ws_url = g_strdup (url);
  result = tc_sip_transport_send (TC_SIP_TRANSPORT (f->transport), bytes, &target, flow_out, on_sent, f, error);
  tc_sip_target_clear (&target);
  return result;
}

/* Sends an OPTIONS over a new connection to @path and waits for the
 * connection; returns the callback's flow (borrowed from the fixture). */
static TcSipFlow *
client_connect (Fixture *f, const char *scheme, const char *path)
{
  g_autofree char *url = make_url (f, scheme, path);
  g_autoptr (GBytes) options = make_options (f, 1);
  g_autoptr (GError) error = NULL;
  TcSipFlow *flow_out = NULL;
  guint n_sent = f->n_sent;

  g_assert_cmpint (client_send_url (f, url, options, &flow_out, &error), ==, TC_SIP_SEND_PENDING);
  g_assert_no_error (error);
  g_assert_null (flow_out);
  WAIT_UNTIL (f->n_sent == n_sent + 1);
  return f->sent_flow;
}

/* ---- fixture ------------------------------------------------------------ */

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->server_conns = g_ptr_array_new_with_free_func (g_object_unref);
  f->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
  f->message_flows = g_ptr_array_new_with_free_func (g_object_unref);
  f->server_last_type = -1;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->transport)
    g_assert_finalize_object (f->transport);
  g_clear_pointer (&f->clock, tc_sip_clock_unref);
  g_clear_object (&f->bad_flow);
  g_clear_object (&f->closed_flow);
  g_clear_object (&f->sent_flow);
  g_clear_error (&f->closed_error);
  g_clear_error (&f->sent_error);
  g_ptr_array_unref (f->messages);
  g_ptr_array_unref (f->message_flows);
  for (guint i = 0; i < f->server_conns->len; i++)
    g_signal_handlers_disconnect_by_data (server_conn (f, i), f);
  g_ptr_array_unref (f->server_conns);
  if (f->server)
    {
      soup_server_disconnect (f->server);
      g_clear_object (&f->server);
    }
  if (f->tmpdir)
    {
      g_autoptr (GDir) dir = g_dir_open (f->tmpdir, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *path = tmp_path (f, name);

          g_unlink (path);
        }
      g_rmdir (f->tmpdir);
      g_free (f->tmpdir);
    }
  /* Let libsoup finish closing what the test left. */
  spin (5);
}

/* ---- tests -------------------------------------------------------------- */

/* RFC 7118 §5.2: sent-by is a random .invalid host without a port. */
static void
test_sent_by (Fixture *f, gconstpointer data)
{
  TcSipTransport *transport;
  g_autofree char *host = NULL;
  guint16 port = 5060;
  g_autoptr (TcSipWsTransport) other = NULL;
  g_autoptr (GError) error = NULL;
  TcSipWsTransportConfig config;

  client_start (f, NULL);
  transport = TC_SIP_TRANSPORT (f->transport);
  g_assert_true (tc_sip_transport_supports (transport, TC_SIP_TRANSPORT_WS));
  g_assert_true (tc_sip_transport_supports (transport, TC_SIP_TRANSPORT_WSS));
  g_assert_false (tc_sip_transport_supports (transport, TC_SIP_TRANSPORT_TCP));
  g_assert_false (tc_sip_transport_supports (transport, TC_SIP_TRANSPORT_UDP));

  g_assert_true (tc_sip_transport_get_sent_by (transport, TC_SIP_TRANSPORT_WSS, G_SOCKET_FAMILY_IPV4, &host, &port));
  g_assert_true (g_str_has_suffix (host, ".invalid"));
  g_assert_cmpuint (strlen (host), ==, 12 + strlen (".invalid"));
  g_assert_cmpstr (host, ==, tc_sip_ws_transport_get_via_host (f->transport));
  g_assert_cmpuint (port, ==, 0);
  g_assert_false (tc_sip_transport_get_sent_by (transport, TC_SIP_TRANSPORT_UDP, G_SOCKET_FAMILY_IPV4, NULL, NULL));

  other = tc_sip_ws_transport_new (NULL, f->clock, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tc_sip_ws_transport_get_via_host (other), !=, host);

  tc_sip_ws_transport_config_init (&config);
  config.pinned_sha256 = "00:11:zz";
  g_assert_null (tc_sip_ws_transport_new (&config, f->clock, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  tc_sip_ws_transport_config_init (&config);
  config.ca_file = "/nonexistent/ca.pem";
  g_assert_null (tc_sip_ws_transport_new (&config, f->clock, &error));
  g_assert_nonnull (error);
}

static void
test_bad_targets (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) options = NULL;
  g_autoptr (GError) error = NULL;
  TcSipTarget target;

  client_start (f, NULL);
  options = make_options (f, 1);

  tc_sip_target_init (&target, TC_SIP_TRANSPORT_TCP, NULL, NULL);
  target.ws_url = g_strdup ("ws://127.0.0.1:1/");
  g_assert_cmpint (tc_sip_transport_send (TC_SIP_TRANSPORT (f->transport), options, &target, NULL, on_sent, f, &error),
                   ==, TC_SIP_SEND_FAILED);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  tc_sip_target_clear (&target);

  g_assert_cmpint (client_send_url (f, "wss://127.0.0.1:1/", options, NULL, &error), ==, TC_SIP_SEND_PENDING);
  g_assert_no_error (error);
  WAIT_UNTIL (f->n_sent == 1);
  g_assert_null (f->sent_flow);
  g_assert_nonnull (f->sent_error); /* connection refused */
  g_test_message ("%s", f->sent_error->message);

  tc_sip_target_init (&target, TC_SIP_TRANSPORT_WS, NULL, NULL);
  target.ws_url = g_strdup ("wss://127.0.0.1:1/");
  g_assert_cmpint (tc_sip_transport_send (TC_SIP_TRANSPORT (f->transport), options, &target, NULL, on_sent, f, &error),
                   ==, TC_SIP_SEND_FAILED);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  tc_sip_target_clear (&target);

  tc_sip_target_init (&target, TC_SIP_TRANSPORT_WS, NULL, NULL);
  g_assert_cmpint (tc_sip_transport_send (TC_SIP_TRANSPORT (f->transport), options, &target, NULL, on_sent, f, &error),
                   ==, TC_SIP_SEND_FAILED);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  tc_sip_target_clear (&target);
  g_assert_cmpuint (f->n_sent, ==, 1);
}

/* Connect, PENDING then the callback with the flow; the 200 comes back
 * over that flow. */
static void
test_request_response (Fixture *f, gconstpointer data)
{
  TcSipFlow *flow;
  TcSipMessage *response;

  server_start (f, NULL);
  client_start (f, NULL);
  flow = client_connect (f, "ws", "/");
  g_assert_no_error (f->sent_error);
  g_assert_nonnull (flow);
  g_assert_cmpint (tc_sip_flow_get_transport_type (flow), ==, TC_SIP_TRANSPORT_WS);
  g_assert_true (tc_sip_flow_is_reliable (flow));
  g_assert_false (tc_sip_flow_is_closed (flow));
  g_assert_nonnull (tc_sip_flow_get_remote_address (flow));
  g_assert_cmpuint (g_inet_socket_address_get_port (tc_sip_flow_get_remote_address (flow)), ==, f->port);
  g_assert_cmpuint (tc_sip_ws_transport_get_n_connections (f->transport), ==, 1);

  WAIT_UNTIL (f->messages->len == 1);
  response = g_ptr_array_index (f->messages, 0);
  g_assert_false (tc_sip_message_is_request (response));
  g_assert_cmpuint (tc_sip_message_get_status (response), ==, 200);
  g_assert_true (g_ptr_array_index (f->message_flows, 0) == flow);
  g_assert_cmpuint (f->server_n_requests, ==, 1);
  /* RFC 7118 §5.1: UTF-8 goes as a text frame */
  g_assert_cmpint (f->server_last_type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_cmpuint (f->n_bad, ==, 0);
  g_assert_cmpuint (f->n_flow_closed, ==, 0);
}

/* A second send to the same URL reuses the connection (DONE, same flow),
 * also when the target names the address instead of the URL; sends made
 * while connecting share the one connection. */
static void
test_reuse (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL;
  g_autoptr (GBytes) options2 = NULL, options3 = NULL, options4 = NULL, binary = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipFlow) flow2 = NULL;
  g_autoptr (TcSipFlow) flow3 = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = NULL;
  TcSipFlow *flow;
  TcSipTarget target;
  const char *body = "OPTIONS sip:server@127.0.0.1 SIP/2.0\r\nX: \xff\xfe\r\n\r\n";

  server_start (f, NULL);
  client_start (f, NULL);
  url = make_url (f, "ws", "/");
  options2 = make_options (f, 2);
  options3 = make_options (f, 3);
  options4 = make_options (f, 4);

  /* two sends while connecting: one connection, two callbacks */
  g_assert_cmpint (client_send_url (f, url, options2, NULL, &error), ==, TC_SIP_SEND_PENDING);
  g_assert_cmpint (client_send_url (f, url, options3, NULL, &error), ==, TC_SIP_SEND_PENDING);
  g_assert_no_error (error);
  WAIT_UNTIL (f->n_sent == 2);
  flow = f->sent_flow;
  g_assert_nonnull (flow);
  WAIT_UNTIL (f->messages->len == 2);
  g_assert_cmpuint (f->server_conns->len, ==, 1);

  g_assert_cmpint (client_send_url (f, url, options4, &flow2, &error), ==, TC_SIP_SEND_DONE);
  g_assert_no_error (error);
  g_assert_true (flow2 == flow);
  WAIT_UNTIL (f->messages->len == 3);
  g_assert_true (g_ptr_array_index (f->message_flows, 2) == flow);

  /* the same URL, made from the address */
  address = g_inet_socket_address_new (loopback, f->port);
  tc_sip_target_init (&target, TC_SIP_TRANSPORT_WS, G_INET_SOCKET_ADDRESS (address), NULL);
  g_assert_cmpint (
    tc_sip_transport_send (TC_SIP_TRANSPORT (f->transport), options4, &target, &flow3, on_sent, f, &error), ==,
    TC_SIP_SEND_DONE);
  tc_sip_target_clear (&target);
  g_assert_no_error (error);
  g_assert_true (flow3 == flow);
  WAIT_UNTIL (f->messages->len == 4);
  g_assert_cmpuint (f->server_conns->len, ==, 1);
  g_assert_cmpuint (f->n_sent, ==, 2);

  /* not UTF-8: a binary frame */
  binary = g_bytes_new_static (body, strlen (body));
  g_assert_true (tc_sip_flow_send (flow, binary, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (f->server_n_frames == 5);
  g_assert_cmpint (f->server_last_type, ==, SOUP_WEBSOCKET_DATA_BINARY);
}

/* A request the server sends reaches the client over the flow; the
 * client's response goes back over it. */
static void
test_server_request (Fixture *f, gconstpointer data)
{
  TcSipFlow *flow;
  TcSipMessage *request;
  g_autoptr (TcSipMessage) response = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autoptr (GError) error = NULL;

  server_start (f, NULL);
  client_start (f, NULL);
  flow = client_connect (f, "ws", "/");
  WAIT_UNTIL (f->messages->len == 1);

  server_send (f, 0, message_text);
  WAIT_UNTIL (f->messages->len == 2);
  request = g_ptr_array_index (f->messages, 1);
  g_assert_true (tc_sip_message_is_request (request));
  g_assert_cmpint (tc_sip_message_get_method (request), ==, TC_SIP_METHOD_MESSAGE);
  g_assert_cmpuint (tc_sip_message_get_body (request).len, ==, 5);
  g_assert_true (g_ptr_array_index (f->message_flows, 1) == flow);

  response = tc_sip_message_builder_end (tc_sip_message_builder_new_response_to (request, 200, NULL, "cli"), &error);
  g_assert_no_error (error);
  wire = tc_sip_message_to_bytes (response);
  g_assert_true (tc_sip_flow_send (flow, wire, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (f->server_n_responses == 1);
}

/* RFC 7118 §4: a server that does not accept "sip" is refused. */
static void
test_subprotocol_refused (Fixture *f, gconstpointer data)
{
  TcSipFlow *flow;

  server_start (f, NULL);
  client_start (f, NULL);

  flow = client_connect (f, "ws", "/nosip");
  g_assert_null (flow);
  g_assert_error (f->sent_error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_BAD_HANDSHAKE);
  g_test_message ("%s", f->sent_error->message);
  g_assert_nonnull (strstr (f->sent_error->message, "\"sip\""));
  g_assert_cmpuint (tc_sip_ws_transport_get_n_connections (f->transport), ==, 0);
  WAIT_UNTIL (f->server_n_closed == 1);

  /* a server offering only another subprotocol rejects the handshake */
  flow = client_connect (f, "ws", "/other");
  g_assert_null (flow);
  g_assert_nonnull (f->sent_error);
  g_test_message ("%s", f->sent_error->message);
  g_assert_cmpuint (tc_sip_ws_transport_get_n_connections (f->transport), ==, 0);
  g_assert_cmpuint (f->n_flow_closed, ==, 0);
  g_assert_cmpuint (f->messages->len, ==, 0);
}

/* An unheld, unused, silent connection closes after the idle timeout. */
static void
test_idle_close (Fixture *f, gconstpointer data)
{
  TcSipWsTransportConfig config;
  g_autoptr (TcSipFlow) flow = NULL;
  g_autoptr (TcSipMessage) response = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autoptr (GError) error = NULL;

  server_start (f, NULL);
  tc_sip_ws_transport_config_init (&config);
  g_assert_cmpuint (config.idle_timeout, ==, 60);
  client_start (f, &config);
  flow = g_object_ref (client_connect (f, "ws", "/"));
  WAIT_UNTIL (f->messages->len == 1);

  /* a request received at 40 s moves the deadline to 100 s */
  tc_sip_clock_manual_advance (f->clock, 40 * G_USEC_PER_SEC);
  server_send (f, 0, message_text);
  WAIT_UNTIL (f->messages->len == 2);
  tc_sip_clock_manual_advance (f->clock, 30 * G_USEC_PER_SEC);
  g_assert_false (tc_sip_flow_is_closed (flow));

  /* a message sent at 70 s moves it to 130 s */
  response = tc_sip_message_builder_end (
    tc_sip_message_builder_new_response_to (g_ptr_array_index (f->messages, 1), 200, NULL, "cli"), &error);
  g_assert_no_error (error);
  wire = tc_sip_message_to_bytes (response);
  g_assert_true (tc_sip_flow_send (flow, wire, &error));
  g_assert_no_error (error);
  tc_sip_clock_manual_advance (f->clock, 40 * G_USEC_PER_SEC);
  g_assert_false (tc_sip_flow_is_closed (flow));

  /* held (or in use): never idle */
  tc_sip_flow_hold (flow);
  tc_sip_flow_begin_use (flow);
  tc_sip_clock_manual_advance (f->clock, 200 * G_USEC_PER_SEC);
  g_assert_false (tc_sip_flow_is_closed (flow));
  tc_sip_flow_release (flow);
  tc_sip_clock_manual_advance (f->clock, 200 * G_USEC_PER_SEC);
  g_assert_false (tc_sip_flow_is_closed (flow));
  tc_sip_flow_end_use (flow);
  g_assert_cmpuint (f->n_flow_closed, ==, 0);

  tc_sip_clock_manual_advance (f->clock, 61 * G_USEC_PER_SEC);
  g_assert_true (tc_sip_flow_is_closed (flow));
  g_assert_cmpuint (f->n_flow_closed, ==, 1);
  g_assert_true (f->closed_flow == flow);
  g_assert_null (f->closed_error);
  g_assert_cmpuint (tc_sip_ws_transport_get_n_connections (f->transport), ==, 0);
  g_assert_false (tc_sip_flow_send (flow, wire, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);

  /* an orderly WebSocket close reaches the server */
  WAIT_UNTIL (f->server_n_closed == 1);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (server_conn (f, 0)), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  spin (20);
  g_assert_cmpuint (f->n_flow_closed, ==, 1);

  /* the next send opens a new connection */
  g_assert_true (client_connect (f, "ws", "/") != flow);
  g_assert_cmpuint (f->server_conns->len, ==, 2);
}

static void
on_flow_closed_signal (TcSipFlow *flow, GError *cause, gpointer user_data)
{
  GError **out = user_data;

  g_assert_nonnull (cause);
  g_clear_error (out);
  *out = g_error_copy (cause);
}

/* The server closing the connection closes the flow, with the cause. */
static void
test_server_close (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipFlow) flow = NULL;
  g_autoptr (GError) cause = NULL;

  server_start (f, NULL);
  client_start (f, NULL);
  flow = g_object_ref (client_connect (f, "ws", "/"));
  WAIT_UNTIL (f->messages->len == 1);
  tc_sip_flow_hold (flow);
  g_signal_connect (flow, "closed", G_CALLBACK (on_flow_closed_signal), &cause);

  soup_websocket_connection_close (server_conn (f, 0), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "maintenance");
  WAIT_UNTIL (f->n_flow_closed == 1);
  g_assert_true (f->closed_flow == flow);
  g_assert_error (f->closed_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_test_message ("%s", f->closed_error->message);
  g_assert_nonnull (strstr (f->closed_error->message, "1001"));
  g_assert_nonnull (strstr (f->closed_error->message, "maintenance"));
  g_assert_error (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_true (tc_sip_flow_is_closed (flow));
  g_assert_cmpuint (tc_sip_ws_transport_get_n_connections (f->transport), ==, 0);
  tc_sip_flow_release (flow);
  g_signal_handlers_disconnect_by_data (flow, &cause);
}

/* A frame that is not SIP goes to bad_message; the connection stays up.
 * A CRLF-only frame is a keepalive and goes nowhere. */
static void
test_bad_frame (Fixture *f, gconstpointer data)
{
  TcSipFlow *flow;
  g_autoptr (TcSipFlow) flow2 = NULL;
  g_autoptr (GBytes) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  server_start (f, NULL);
  client_start (f, NULL);
  flow = client_connect (f, "ws", "/");
  WAIT_UNTIL (f->messages->len == 1);

  server_send (f, 0, "this is not SIP\r\n\r\n");
  WAIT_UNTIL (f->n_bad == 1);
  g_assert_true (f->bad_flow == flow);
  g_assert_false (tc_sip_flow_is_closed (flow));

  server_send (f, 0, "\r\n\r\n");
  url = make_url (f, "ws", "/");
  options = make_options (f, 2);
  g_assert_cmpint (client_send_url (f, url, options, &flow2, &error), ==, TC_SIP_SEND_DONE);
  g_assert_no_error (error);
  g_assert_true (flow2 == flow);
  WAIT_UNTIL (f->messages->len == 2);
  g_assert_cmpuint (f->n_bad, ==, 1);
  g_assert_cmpuint (f->n_flow_closed, ==, 0);
}

/* A WebSocket message past max_message_size fails the connection. */
static void
test_too_large (Fixture *f, gconstpointer data)
{
  TcSipWsTransportConfig config;
  g_autofree char *big = NULL;
  TcSipFlow *flow;

  server_start (f, NULL);
  tc_sip_ws_transport_config_init (&config);
  config.max_message_size = 1000;
  client_start (f, &config);
  flow = client_connect (f, "ws", "/");
  g_assert_nonnull (flow);
  WAIT_UNTIL (f->messages->len == 1);

  big = g_strnfill (1500, 'x');
  server_send (f, 0, big);
  WAIT_UNTIL (f->n_flow_closed == 1);
  g_assert_nonnull (f->closed_error);
  g_test_message ("%s", f->closed_error->message);
  g_assert_cmpuint (f->n_bad, ==, 0);
  g_assert_true (f->closed_flow == flow);
  g_assert_cmpuint (f->messages->len, ==, 1);
}

/* A server that accepts TCP but never answers the upgrade: the connect
 * timeout (on the transport's clock) fails the send. */
static void
test_connect_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr (GBytes) options = NULL;
  TcSipWsTransportConfig config;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  f->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  tc_sip_ws_transport_config_init (&config);
  config.connect_timeout = 5;
  client_start (f, &config);

  url = make_url (f, "ws", "/");
  options = make_options (f, 1);
  g_assert_cmpint (client_send_url (f, url, options, NULL, &error), ==, TC_SIP_SEND_PENDING);
  spin (20);
  tc_sip_clock_manual_advance (f->clock, 4 * G_USEC_PER_SEC);
  spin (20);
  g_assert_cmpuint (f->n_sent, ==, 0);
  tc_sip_clock_manual_advance (f->clock, 1 * G_USEC_PER_SEC);
  WAIT_UNTIL (f->n_sent == 1);
  g_assert_null (f->sent_flow);
  g_assert_error (f->sent_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_test_message ("%s", f->sent_error->message);
  g_socket_listener_close (listener);
}

/* Dropping the transport while connecting calls the callback once. */
static void
test_dispose_while_connecting (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL;
  g_autoptr (GBytes) options = NULL;
  g_autoptr (GError) error = NULL;

  server_start (f, NULL);
  client_start (f, NULL);
  url = make_url (f, "ws", "/");
  options = make_options (f, 1);
  g_assert_cmpint (client_send_url (f, url, options, NULL, &error), ==, TC_SIP_SEND_PENDING);
  g_assert_finalize_object (g_steal_pointer (&f->transport));
  g_assert_cmpuint (f->n_sent, ==, 1);
  g_assert_error (f->sent_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  spin (50);
  g_assert_cmpuint (f->n_sent, ==, 1);
}

/* wss with the CA given as ca_file. */
static void
test_wss_trusted (Fixture *f, gconstpointer data)
{
  g_autoptr (GTlsCertificate) certificate = make_certificates (f);
  g_autofree char *ca_file = tmp_path (f, "ca.pem");
  TcSipWsTransportConfig config;
  TcSipFlow *flow;

  server_start (f, certificate);
  tc_sip_ws_transport_config_init (&config);
  config.ca_file = ca_file;
  client_start (f, &config);
  flow = client_connect (f, "wss", "/");
  g_assert_no_error (f->sent_error);
  g_assert_nonnull (flow);
  g_assert_cmpint (tc_sip_flow_get_transport_type (flow), ==, TC_SIP_TRANSPORT_WSS);
  WAIT_UNTIL (f->messages->len == 1);
  g_assert_cmpuint (tc_sip_message_get_status (g_ptr_array_index (f->messages, 0)), ==, 200);
}

/* wss with a certificate the system store does not trust: refused. */
static void
test_wss_untrusted (Fixture *f, gconstpointer data)
{
  g_autoptr (GTlsCertificate) certificate = make_certificates (f);

  server_start (f, certificate);
  client_start (f, NULL);
  g_assert_null (client_connect (f, "wss", "/"));
  g_assert_error (f->sent_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_test_message ("%s", f->sent_error->message);
  g_assert_nonnull (strstr (f->sent_error->message, "not signed by a trusted CA"));
  g_assert_cmpuint (tc_sip_ws_transport_get_n_connections (f->transport), ==, 0);
  g_assert_cmpuint (f->server_conns->len, ==, 0);
}

/* A pinned certificate is accepted without a CA; a trusted one that does
 * not match the pin is refused. */
static void
test_wss_pinned (Fixture *f, gconstpointer data)
{
  g_autoptr (GTlsCertificate) certificate = make_certificates (f);
  g_autofree char *ca_file = tmp_path (f, "ca.pem");
  g_autofree char *pin = certificate_pin (certificate);
  TcSipWsTransportConfig config;

  server_start (f, certificate);
  tc_sip_ws_transport_config_init (&config);
  config.pinned_sha256 = pin;
  client_start (f, &config);
  g_assert_nonnull (client_connect (f, "wss", "/"));
  g_assert_no_error (f->sent_error);
  WAIT_UNTIL (f->messages->len == 1);
  g_assert_finalize_object (g_steal_pointer (&f->transport));
  g_clear_pointer (&f->clock, tc_sip_clock_unref);

  config.ca_file = ca_file;
  config.pinned_sha256 = "00000000000000000000000000000000000000000000000000000000000000ff";
  client_start (f, &config);
  g_assert_null (client_connect (f, "wss", "/"));
  g_assert_error (f->sent_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_test_message ("%s", f->sent_error->message);
  g_assert_nonnull (strstr (f->sent_error->message, "pinned"));
  g_assert_cmpuint (tc_sip_ws_transport_get_n_connections (f->transport), ==, 0);
}

#define ADD_TEST(path, func) \
  g_test_add ("/sip/ws-transport/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD_TEST ("sent-by", test_sent_by);
  ADD_TEST ("bad-targets", test_bad_targets);
  ADD_TEST ("request-response", test_request_response);
  ADD_TEST ("reuse", test_reuse);
  ADD_TEST ("server-request", test_server_request);
  ADD_TEST ("subprotocol-refused", test_subprotocol_refused);
  ADD_TEST ("idle-close", test_idle_close);
  ADD_TEST ("server-close", test_server_close);
  ADD_TEST ("bad-frame", test_bad_frame);
  ADD_TEST ("too-large", test_too_large);
  ADD_TEST ("connect-timeout", test_connect_timeout);
  ADD_TEST ("dispose-while-connecting", test_dispose_while_connecting);
  ADD_TEST ("wss-trusted", test_wss_trusted);
  ADD_TEST ("wss-untrusted", test_wss_untrusted);
  ADD_TEST ("wss-pinned", test_wss_pinned);

  return g_test_run ();
}
