/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tests of TcSipNetTransport's TLS (net-transport.h) over 127.0.0.1, with
 * certificates made at start-up by the openssl command: a CA and a server
 * certificate it signed (for 127.0.0.1, ::1 and localhost), and a
 * self-signed one.  Trust through tls_ca_file, an untrusted server, a
 * pinned certificate without a CA, a wrong name.
 */
#include <glib/gstdio.h>

#include "net-test-util.h"

typedef struct {
  char *dir;
  char *ca;     /* CA certificate */
  char *server; /* server certificate signed by the CA */
  char *server_key;
  char *self; /* self-signed server certificate */
  char *self_key;
  char *self_sha256; /* its fingerprint, as openssl prints it */
} Certs;

static Certs certs;

static gboolean
run_openssl (const char *args, char **output)
{
  g_autofree char *command = g_strdup_printf ("openssl %s", args);
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (!g_spawn_command_line_sync (command, output, &err, &status, &error) || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s failed: %s%s", command, error ? error->message : "", err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_certs (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *fp = NULL;
  g_autofree char *cmd = NULL;
  const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  char *eq;

  certs.dir = g_dir_make_tmp ("tincan-tls-XXXXXX", &error);
  g_assert_no_error (error);
  certs.ca = g_build_filename (certs.dir, "ca.pem", NULL);
  ca_key = g_build_filename (certs.dir, "ca.key", NULL);
  certs.server = g_build_filename (certs.dir, "server.pem", NULL);
  certs.server_key = g_build_filename (certs.dir, "server.key", NULL);
  certs.self = g_build_filename (certs.dir, "self.pem", NULL);
  certs.self_key = g_build_filename (certs.dir, "self.key", NULL);
  csr = g_build_filename (certs.dir, "server.csr", NULL);
  ext = g_build_filename (certs.dir, "server.ext", NULL);
  g_file_set_contents (ext,
                       "basicConstraints=CA:FALSE\n"
                       "keyUsage=critical,digitalSignature\n"
                       "extendedKeyUsage=serverAuth\n"
                       "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n",
                       -1, &error);
  g_assert_no_error (error);

  cmd = g_strdup_printf ("req -x509 %s -keyout %s -out %s -days 2 -subj /CN=Tincan-Test-CA "
                         "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
                         ec, ca_key, certs.ca);
  if (!run_openssl (cmd, NULL))
    return FALSE;
  g_free (cmd);
  cmd = g_strdup_printf ("req %s -keyout %s -out %s -subj /CN=localhost", ec, certs.server_key, csr);
  if (!run_openssl (cmd, NULL))
    return FALSE;
  g_free (cmd);
  cmd = g_strdup_printf ("x509 -req -in %s -CA %s -CAkey %s -CAcreateserial -out %s -days 2 -extfile %s", csr, certs.ca,
                         ca_key, certs.server, ext);
  if (!run_openssl (cmd, NULL))
    return FALSE;
  g_free (cmd);
  cmd = g_strdup_printf ("req -x509 %s -keyout %s -out %s -days 2 -subj /CN=localhost "
                         "-addext subjectAltName=IP:127.0.0.1,DNS:localhost",
                         ec, certs.self_key, certs.self);
  if (!run_openssl (cmd, NULL))
    return FALSE;
  g_free (cmd);
  cmd = g_strdup_printf ("x509 -in %s -noout -fingerprint -sha256", certs.self);
  if (!run_openssl (cmd, &fp))
    return FALSE;
  eq = strchr (fp, '=');
  g_assert_nonnull (eq);
  certs.self_sha256 = g_strstrip (g_strdup (eq + 1));
  return TRUE;
}

static void
remove_certs (void)
{
  g_autoptr (GDir) dir = g_dir_open (certs.dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (certs.dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (certs.dir);
}

typedef struct {
  TcSipClock *clock;
  TcSipNetTransportConfig server_config;
  TcSipNetTransportConfig client_config;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  fixture->clock = tc_sip_clock_new_main_loop (NULL);
  tc_sip_net_transport_config_init (&fixture->server_config);
  fixture->server_config.tls_certificate_file = certs.server;
  fixture->server_config.tls_key_file = certs.server_key;
  tc_sip_net_transport_config_init (&fixture->client_config);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  tc_sip_clock_unref (fixture->clock);
}

/* A TLS server and a client; sends an OPTIONS to the server as
 * @server_name and returns the send's outcome. */
static void
try_send (Fixture *fixture, const char *server_name, Peer **server_out, Peer **client_out, SendResult *result)
{
  Peer *server = peer_new (&fixture->server_config, fixture->clock);
  Peer *client = peer_new (&fixture->client_config, fixture->clock);
  g_autoptr (GBytes) request = make_request ("tls-1");
  GInetSocketAddress *server_addr = peer_listen (server, TC_SIP_TRANSPORT_TLS, "127.0.0.1");

  send_and_wait (client, TC_SIP_TRANSPORT_TLS, server_addr, server_name, request, result);
  *server_out = server;
  *client_out = client;
}

static void
test_trusted_ca (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) server = NULL;
  g_autoptr (Peer) client = NULL;
  g_autoptr (GBytes) response = make_response ("tls-1");
  g_autoptr (GBytes) again = make_request ("tls-2");
  g_autoptr (GError) error = NULL;
  SendResult sent = { 0 }, by_name = { 0 };
  GInetSocketAddress *server_addr;

  fixture->client_config.tls_ca_file = certs.ca;
  try_send (fixture, NULL, &server, &client, &sent);
  g_assert_no_error (sent.error);
  g_assert_cmpint (tc_sip_flow_get_transport_type (sent.flow), ==, TC_SIP_TRANSPORT_TLS);
  WAIT_FOR (server->messages->len == 1);
  assert_call_id (server->messages->pdata[0], "tls-1");
  g_assert_cmpint (tc_sip_flow_get_transport_type (server->flows->pdata[0]), ==, TC_SIP_TRANSPORT_TLS);

  /* the response over the accepted connection */
  g_assert_true (tc_sip_flow_send (server->flows->pdata[0], response, &error));
  WAIT_FOR (client->messages->len == 1);
  g_assert_true (client->flows->pdata[0] == sent.flow);

  /* By name, the certificate's DNS name: another connection (another
   * identity verified), trusted too. */
  server_addr = tc_sip_net_transport_get_local_address (server->transport, TC_SIP_TRANSPORT_TLS, G_SOCKET_FAMILY_IPV4);
  send_and_wait (client, TC_SIP_TRANSPORT_TLS, server_addr, "localhost", again, &by_name);
  g_assert_no_error (by_name.error);
  g_assert_true (by_name.flow != sent.flow);
  WAIT_FOR (server->messages->len == 2);
  g_assert_cmpuint (tc_sip_net_transport_get_n_connections (client->transport), ==, 2);
  send_result_clear (&sent);
  send_result_clear (&by_name);
}

static void
test_untrusted (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) server = NULL;
  g_autoptr (Peer) client = NULL;
  SendResult sent = { 0 };

  /* the system trust store does not know our CA */
  try_send (fixture, NULL, &server, &client, &sent);
  g_assert_error (sent.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_test_message ("%s", sent.error->message);
  g_assert_nonnull (strstr (sent.error->message, "certificate for 127.0.0.1 is not trusted"));
  g_assert_nonnull (strstr (sent.error->message, "unknown-ca"));
  g_assert_cmpuint (server->messages->len, ==, 0);
  g_assert_cmpuint (client->closed->len, ==, 0);
  send_result_clear (&sent);
}

static void
test_self_signed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) server = NULL;
  g_autoptr (Peer) client = NULL;
  SendResult sent = { 0 };

  fixture->server_config.tls_certificate_file = certs.self;
  fixture->server_config.tls_key_file = certs.self_key;
  fixture->client_config.tls_ca_file = certs.ca;
  try_send (fixture, NULL, &server, &client, &sent);
  g_assert_error (sent.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_nonnull (strstr (sent.error->message, "unknown-ca"));
  run_for (50);
  g_assert_cmpuint (server->messages->len, ==, 0);
  g_assert_cmpuint (tc_sip_net_transport_get_n_connections (server->transport), ==, 0);
  send_result_clear (&sent);
}

static void
test_pinned (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) server = NULL;
  g_autoptr (Peer) client = NULL;
  SendResult sent = { 0 };

  /* a self-signed certificate, no CA: accepted because it is the pinned one */
  fixture->server_config.tls_certificate_file = certs.self;
  fixture->server_config.tls_key_file = certs.self_key;
  fixture->client_config.tls_pinned_sha256 = certs.self_sha256;
  try_send (fixture, NULL, &server, &client, &sent);
  g_assert_no_error (sent.error);
  WAIT_FOR (server->messages->len == 1);
  send_result_clear (&sent);
}

static void
test_pinned_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) server = NULL;
  g_autoptr (Peer) client = NULL;
  SendResult sent = { 0 };

  fixture->server_config.tls_certificate_file = certs.self;
  fixture->server_config.tls_key_file = certs.self_key;
  fixture->client_config.tls_pinned_file = certs.self;
  try_send (fixture, NULL, &server, &client, &sent);
  g_assert_no_error (sent.error);
  WAIT_FOR (server->messages->len == 1);
  send_result_clear (&sent);
}

static void
test_pinned_mismatch (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) server = NULL;
  g_autoptr (Peer) client = NULL;
  SendResult sent = { 0 };

  /* the CA-signed server is trusted, but it is not the pinned one */
  fixture->client_config.tls_ca_file = certs.ca;
  fixture->client_config.tls_pinned_sha256 = certs.self_sha256;
  try_send (fixture, NULL, &server, &client, &sent);
  g_assert_error (sent.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_nonnull (strstr (sent.error->message, "pinned"));
  run_for (50);
  g_assert_cmpuint (server->messages->len, ==, 0);
  send_result_clear (&sent);
}

static void
test_wrong_name (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) server = NULL;
  g_autoptr (Peer) client = NULL;
  SendResult sent = { 0 };

  fixture->client_config.tls_ca_file = certs.ca;
  try_send (fixture, "sip.example.com", &server, &client, &sent);
  g_assert_error (sent.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_test_message ("%s", sent.error->message);
  g_assert_nonnull (strstr (sent.error->message, "bad-identity"));
  g_assert_nonnull (strstr (sent.error->message, "sip.example.com"));
  send_result_clear (&sent);
}

static void
test_stalled_handshake (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) server = NULL;
  g_autoptr (GSocket) raw = NULL;
  g_autoptr (GError) error = NULL;
  GInetSocketAddress *server_addr;
  char buf[64];

  fixture->server_config.read_timeout_us = 150 * G_TIME_SPAN_MILLISECOND;
  server = peer_new (&fixture->server_config, fixture->clock);
  server_addr = peer_listen (server, TC_SIP_TRANSPORT_TLS, "127.0.0.1");
  raw = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_socket_connect (raw, G_SOCKET_ADDRESS (server_addr), NULL, &error);
  g_assert_no_error (error);
  /* connected, counted, never says hello: closed after read_timeout */
  WAIT_FOR (tc_sip_net_transport_get_n_connections (server->transport) == 1);
  WAIT_FOR (g_socket_condition_check (raw, G_IO_IN | G_IO_HUP) != 0);
  g_assert_cmpint (g_socket_receive (raw, buf, sizeof buf, NULL, NULL), <=, 0);
  g_assert_cmpuint (tc_sip_net_transport_get_n_connections (server->transport), ==, 0);
}

static void
test_bad_config (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  TcSipNetTransport *transport;

  fixture->client_config.tls_pinned_sha256 = "AB:CD";
  transport = tc_sip_net_transport_new (&fixture->client_config, fixture->clock, &error);
  g_assert_null (transport);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  tc_sip_net_transport_config_init (&fixture->client_config);
  fixture->client_config.tls_ca_file = "/nonexistent/ca.pem";
  transport = tc_sip_net_transport_new (&fixture->client_config, fixture->clock, &error);
  g_assert_null (transport);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/ca.pem"));
}

static void
test_no_server_certificate (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) client = peer_new (&fixture->client_config, fixture->clock);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr (GError) error = NULL;

  g_assert_false (
    tc_sip_net_transport_listen (client->transport, TC_SIP_TRANSPORT_TLS, G_INET_SOCKET_ADDRESS (address), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  start_wakeups ();

  if (!make_certs ())
    {
      g_test_skip ("cannot make test certificates with the openssl command");
      return g_test_run ();
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip/net/tls/trusted-ca", test_trusted_ca);
  ADD ("/sip/net/tls/untrusted", test_untrusted);
  ADD ("/sip/net/tls/self-signed", test_self_signed);
  ADD ("/sip/net/tls/pinned-sha256", test_pinned);
  ADD ("/sip/net/tls/pinned-file", test_pinned_file);
  ADD ("/sip/net/tls/pinned-mismatch", test_pinned_mismatch);
  ADD ("/sip/net/tls/wrong-name", test_wrong_name);
  ADD ("/sip/net/tls/stalled-handshake", test_stalled_handshake);
  ADD ("/sip/net/tls/bad-config", test_bad_config);
  ADD ("/sip/net/tls/no-server-certificate", test_no_server_certificate);
#undef ADD

  status = g_test_run ();
  remove_certs ();
  return status;
}
