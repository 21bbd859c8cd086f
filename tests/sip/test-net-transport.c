/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tests for net-transport.h over real sockets on 127.0.0.1 and ::1: UDP
 * and TCP round trips, flows and connection reuse, idle close, keepalives
 * (CRLF and STUN), bad input, slow-loris and connection limits.  TLS is in
 * test-net-tls.c.
 */
#include "net-test-util.h"

#include "sip/stun.h"

typedef struct {
  TcSipClock *clock;
  TcSipNetTransportConfig config;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  fixture->clock = tc_sip_clock_new_main_loop (NULL);
  tc_sip_net_transport_config_init (&fixture->config);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  tc_sip_clock_unref (fixture->clock);
}

/* ---- raw sockets playing a peer ------------------------------------------ */

static GSocket *
raw_socket (GSocketType type, const char *host)
{
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string (host, 0);
  g_autoptr (GError) error = NULL;
  GSocket *socket = g_socket_new (g_socket_address_get_family (address), type, 0, &error);

  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  return socket;
}

static GInetSocketAddress *
raw_local (GSocket *socket)
{
  g_autoptr (GError) error = NULL;
  GSocketAddress *address = g_socket_get_local_address (socket, &error);

  g_assert_no_error (error);
  return G_INET_SOCKET_ADDRESS (address);
}

static void
raw_send_to (GSocket *socket, GInetSocketAddress *to, const void *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_socket_send_to (socket, G_SOCKET_ADDRESS (to), data, len, NULL, &error), ==, len);
  g_assert_no_error (error);
}

/* Waits for and receives what @socket has; 0 for EOF. */
static gssize
raw_receive (GSocket *socket, char *buf, gsize size)
{
  g_autoptr (GError) error = NULL;
  gssize n;

  WAIT_FOR (g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0);
  n = g_socket_receive (socket, buf, size, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    return 0;
  g_assert_no_error (error);
  return n;
}

static GSocket *
raw_connect (GInetSocketAddress *to)
{
  g_autoptr (GError) error = NULL;
  GSocket *socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (to)), G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_connect (socket, G_SOCKET_ADDRESS (to), NULL, &error);
  g_assert_no_error (error);
  return socket;
}

static void
raw_write (GSocket *socket, const char *text)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_socket_send (socket, text, strlen (text), NULL, &error), ==, strlen (text));
  g_assert_no_error (error);
}

/* ---- UDP -------------------------------------------------------------------- */

static void
udp_round_trip (Fixture *fixture, const char *host)
{
  g_autoptr (Peer) a = peer_new (&fixture->config, fixture->clock);
  g_autoptr (Peer) b = peer_new (&fixture->config, fixture->clock);
  g_autoptr (GBytes) request = make_request ("udp-1");
  g_autoptr (GBytes) response = make_response ("udp-1");
  g_autoptr (GError) error = NULL;
  g_autofree char *host_out = NULL;
  GInetSocketAddress *a_addr, *b_addr, *remote;
  SendResult sent = { 0 };
  TcSipFlow *b_flow;
  guint16 port = 0;

  a_addr = peer_listen (a, TC_SIP_TRANSPORT_UDP, host);
  if (!a_addr)
    return;
  b_addr = peer_listen (b, TC_SIP_TRANSPORT_UDP, host);

  g_assert_true (tc_sip_transport_get_sent_by (TC_SIP_TRANSPORT (a->transport), TC_SIP_TRANSPORT_UDP,
                                               g_socket_address_get_family (G_SOCKET_ADDRESS (a_addr)), &host_out,
                                               &port));
  g_assert_cmpstr (host_out, ==, host);
  g_assert_cmpuint (port, ==, g_inet_socket_address_get_port (a_addr));
  /* No TCP listener: a TCP client's sent-by is the host without a port
   * (responses come back over the connection). */
  g_clear_pointer (&host_out, g_free);
  g_assert_true (tc_sip_transport_get_sent_by (TC_SIP_TRANSPORT (a->transport), TC_SIP_TRANSPORT_TCP,
                                               g_socket_address_get_family (G_SOCKET_ADDRESS (a_addr)), &host_out,
                                               &port));
  g_assert_cmpstr (host_out, ==, host);
  g_assert_cmpuint (port, ==, 0);
  g_assert_false (tc_sip_transport_get_sent_by (TC_SIP_TRANSPORT (a->transport), TC_SIP_TRANSPORT_WS,
                                                g_socket_address_get_family (G_SOCKET_ADDRESS (a_addr)), NULL, NULL));

  send_and_wait (a, TC_SIP_TRANSPORT_UDP, b_addr, NULL, request, &sent);
  g_assert_no_error (sent.error);
  g_assert_false (tc_sip_flow_is_reliable (sent.flow));
  WAIT_FOR (b->messages->len == 1);
  assert_call_id (b->messages->pdata[0], "udp-1");

  /* The request came from A's listening port (so rport works). */
  b_flow = b->flows->pdata[0];
  remote = tc_sip_flow_get_remote_address (b_flow);
  g_assert_cmpuint (g_inet_socket_address_get_port (remote), ==, g_inet_socket_address_get_port (a_addr));
  g_assert_true (tc_sip_flow_get_local_address (b_flow) == b_addr);

  /* The response goes back over the request's flow, to A's flow. */
  g_assert_true (tc_sip_flow_send (b_flow, response, &error));
  g_assert_no_error (error);
  WAIT_FOR (a->messages->len == 1);
  g_assert_cmpuint (tc_sip_message_get_status (a->messages->pdata[0]), ==, 200);
  g_assert_true (a->flows->pdata[0] == sent.flow);
  g_assert_true (tc_sip_net_transport_lookup_flow (a->transport, TC_SIP_TRANSPORT_UDP, b_addr, NULL) == sent.flow);

  /* A second request from B's side reuses the same flow object. */
  g_assert_true (tc_sip_flow_send (b_flow, request, &error));
  WAIT_FOR (a->messages->len == 2);
  g_assert_true (a->flows->pdata[1] == sent.flow);
  g_assert_cmpuint (a->bad->len + b->bad->len, ==, 0);
  send_result_clear (&sent);
}

static void
test_udp_round_trip (Fixture *fixture, gconstpointer data)
{
  udp_round_trip (fixture, "127.0.0.1");
}

static void
test_udp_ipv6 (Fixture *fixture, gconstpointer data)
{
  udp_round_trip (fixture, "::1");
}

static void
test_udp_no_listener (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) a = peer_new (&fixture->config, fixture->clock);
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new_from_string ("127.0.0.1", 5060);
  g_autoptr (GBytes) request = make_request ("none");
  SendResult sent = { 0 };

  send_and_wait (a, TC_SIP_TRANSPORT_UDP, G_INET_SOCKET_ADDRESS (to), NULL, request, &sent);
  g_assert_error (sent.error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  send_result_clear (&sent);
}

static void
test_sent_by (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) a = peer_new (&fixture->config, fixture->clock);
  g_autoptr (Peer) b = NULL;
  g_autoptr (GInetAddress) parsed = NULL;
  g_autofree char *host = NULL;
  g_autofree char *host_b = NULL;
  GInetSocketAddress *bound;
  guint16 port = 0;

  /* a wildcard bind reports a usable address of its family, not 0.0.0.0 */
  bound = peer_listen (a, TC_SIP_TRANSPORT_TCP, "0.0.0.0");
  g_assert_true (tc_sip_transport_get_sent_by (TC_SIP_TRANSPORT (a->transport), TC_SIP_TRANSPORT_TCP,
                                               G_SOCKET_FAMILY_IPV4, &host, &port));
  parsed = g_inet_address_new_from_string (host);
  g_assert_nonnull (parsed);
  g_assert_cmpint (g_inet_address_get_family (parsed), ==, G_SOCKET_FAMILY_IPV4);
  g_assert_false (g_inet_address_get_is_any (parsed));
  g_assert_cmpuint (port, ==, g_inet_socket_address_get_port (bound));
  g_assert_false (tc_sip_transport_get_sent_by (TC_SIP_TRANSPORT (a->transport), TC_SIP_TRANSPORT_TCP,
                                                G_SOCKET_FAMILY_IPV6, NULL, NULL));

  /* the advertised host wins */
  fixture->config.advertised_host = "sip.example.com";
  b = peer_new (&fixture->config, fixture->clock);
  peer_listen (b, TC_SIP_TRANSPORT_UDP, "127.0.0.1");
  g_assert_true (tc_sip_transport_get_sent_by (TC_SIP_TRANSPORT (b->transport), TC_SIP_TRANSPORT_UDP,
                                               G_SOCKET_FAMILY_IPV4, &host_b, NULL));
  g_assert_cmpstr (host_b, ==, "sip.example.com");
  g_assert_true (tc_sip_transport_supports (TC_SIP_TRANSPORT (b->transport), TC_SIP_TRANSPORT_TLS));
  g_assert_false (tc_sip_transport_supports (TC_SIP_TRANSPORT (b->transport), TC_SIP_TRANSPORT_WS));
}

static void
test_udp_bad_input (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) b = NULL;
  g_autoptr (GSocket) raw = raw_socket (G_SOCKET_TYPE_DATAGRAM, "127.0.0.1");
  g_autoptr (GBytes) request = make_request ("good");
  g_autofree char *big = NULL;
  const char *truncated = "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-t\r\n"
                          "From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                          "Call-ID: t\r\nCSeq: 1 OPTIONS\r\nContent-Length: 100\r\n\r\nshort";
  GInetSocketAddress *b_addr;
  GString *oversized;

  fixture->config.max_message_size = 2000;
  b = peer_new (&fixture->config, fixture->clock);
  b_addr = peer_listen (b, TC_SIP_TRANSPORT_UDP, "127.0.0.1");

  /* garbage */
  raw_send_to (raw, b_addr, "\x7f\x45LF garbage\x01\x02", 15);
  WAIT_FOR (b->bad->len == 1);
  g_assert_error (ERR (b->bad, 0), TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
  /* a message shorter than its Content-Length */
  raw_send_to (raw, b_addr, truncated, strlen (truncated));
  WAIT_FOR (b->bad->len == 2);
  g_assert_true (ERR (b->bad, 1)->domain == TC_SIP_ERROR);
  g_assert_cmpuint (tc_sip_error_get_status (ERR (b->bad, 1)), ==, 400);
  /* larger than max_message_size */
  oversized = g_string_new ("OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nX-Pad: ");
  while (oversized->len < 3000)
    g_string_append_c (oversized, 'x');
  g_string_append (oversized, "\r\n\r\n");
  big = g_string_free (oversized, FALSE);
  raw_send_to (raw, b_addr, big, strlen (big));
  WAIT_FOR (b->bad->len == 3);
  g_assert_error (ERR (b->bad, 2), TC_SIP_ERROR, TC_SIP_ERROR_TOO_LARGE);
  g_assert_cmpuint (tc_sip_error_get_status (ERR (b->bad, 2)), ==, 513);
  /* keepalives and bytes that are neither SIP nor STUN are dropped */
  raw_send_to (raw, b_addr, "\r\n\r\n", 4);
  raw_send_to (raw, b_addr, "\r\n", 2);
  raw_send_to (raw, b_addr, "\x00\x01\x00\x00", 4);
  /* and a good request still gets through */
  raw_send_to (raw, b_addr, g_bytes_get_data (request, NULL), g_bytes_get_size (request));
  WAIT_FOR (b->messages->len == 1);
  assert_call_id (b->messages->pdata[0], "good");
  g_assert_cmpuint (b->bad->len, ==, 3);
}

static void
test_udp_stun_answered (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) b = peer_new (&fixture->config, fixture->clock);
  g_autoptr (GSocket) raw = raw_socket (G_SOCKET_TYPE_DATAGRAM, "127.0.0.1");
  g_autoptr (GInetSocketAddress) raw_addr = raw_local (raw);
  g_autoptr (GInetSocketAddress) mapped = NULL;
  g_autoptr (GBytes) stun_request = NULL;
  g_autoptr (GError) error = NULL;
  guint8 id[TC_SIP_STUN_TRANSACTION_ID_SIZE];
  TcSipStunMessage stun;
  GInetSocketAddress *b_addr;
  char buf[512];
  gssize n;

  b_addr = peer_listen (b, TC_SIP_TRANSPORT_UDP, "127.0.0.1");
  stun_request = tc_sip_stun_build_binding_request (id);
  raw_send_to (raw, b_addr, g_bytes_get_data (stun_request, NULL), g_bytes_get_size (stun_request));
  n = raw_receive (raw, buf, sizeof buf);
  g_assert_true (tc_sip_stun_parse (buf, n, &stun, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stun.klass, ==, TC_SIP_STUN_CLASS_SUCCESS);
  g_assert_cmpmem (stun.transaction_id, sizeof id, id, sizeof id);
  mapped = tc_sip_stun_message_get_mapped_address (&stun);
  g_assert_nonnull (mapped);
  g_assert_cmpuint (g_inet_socket_address_get_port (mapped), ==, g_inet_socket_address_get_port (raw_addr));
  g_assert_true (
    g_inet_address_equal (g_inet_socket_address_get_address (mapped), g_inet_socket_address_get_address (raw_addr)));
  /* STUN never reaches the SIP callbacks. */
  g_assert_cmpuint (b->messages->len, ==, 0);
  g_assert_cmpuint (b->bad->len, ==, 0);
}

static void
test_udp_keepalive (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) a = NULL;
  g_autoptr (Peer) b = NULL;
  g_autoptr (GSocket) silent = raw_socket (G_SOCKET_TYPE_DATAGRAM, "127.0.0.1");
  g_autoptr (GInetSocketAddress) silent_addr = raw_local (silent);
  g_autoptr (GBytes) request = make_request ("ka");
  g_autoptr (GError) error = NULL;
  SendResult to_b = { 0 }, to_silent = { 0 };
  TcSipStunMessage stun;
  GInetSocketAddress *b_addr;
  char buf[512];
  gssize n;

  fixture->config.keepalive_timeout_us = 150 * G_TIME_SPAN_MILLISECOND;
  a = peer_new (&fixture->config, fixture->clock);
  b = peer_new (&fixture->config, fixture->clock);
  peer_listen (a, TC_SIP_TRANSPORT_UDP, "127.0.0.1");
  b_addr = peer_listen (b, TC_SIP_TRANSPORT_UDP, "127.0.0.1");

  send_and_wait (a, TC_SIP_TRANSPORT_UDP, b_addr, NULL, request, &to_b);
  send_and_wait (a, TC_SIP_TRANSPORT_UDP, silent_addr, NULL, request, &to_silent);
  tc_sip_flow_hold (to_b.flow);
  tc_sip_flow_hold (to_silent.flow);
  tc_sip_net_transport_set_keepalive (a->transport, to_b.flow, 40 * G_TIME_SPAN_MILLISECOND);
  tc_sip_net_transport_set_keepalive (a->transport, to_silent.flow, 40 * G_TIME_SPAN_MILLISECOND);

  /* The silent peer sees our request, then a STUN Binding request... */
  n = raw_receive (silent, buf, sizeof buf);
  g_assert_cmpint (n, ==, g_bytes_get_size (request));
  n = raw_receive (silent, buf, sizeof buf);
  g_assert_true (tc_sip_stun_parse (buf, n, &stun, &error));
  g_assert_cmpint (stun.klass, ==, TC_SIP_STUN_CLASS_REQUEST);
  g_assert_cmpuint (stun.method, ==, TC_SIP_STUN_METHOD_BINDING);
  g_assert_true (stun.has_fingerprint);
  /* ...and never answers: the flow fails. */
  WAIT_FOR (tc_sip_flow_is_closed (to_silent.flow));
  g_assert_cmpuint (a->closed->len, ==, 1);
  g_assert_true (a->closed->pdata[0] == to_silent.flow);
  g_assert_error (ERR (a->causes, 0), G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  /* B answers its keepalives: the flow lives through several rounds. */
  run_for (300);
  g_assert_false (tc_sip_flow_is_closed (to_b.flow));
  g_assert_cmpuint (b->messages->len, ==, 1);
  g_assert_cmpuint (b->bad->len, ==, 0);
  g_assert_cmpuint (a->messages->len, ==, 0);

  tc_sip_flow_release (to_b.flow);
  tc_sip_flow_release (to_silent.flow);
  send_result_clear (&to_b);
  send_result_clear (&to_silent);
}

static void
test_udp_idle (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) a = NULL;
  g_autoptr (GSocket) raw1 = raw_socket (G_SOCKET_TYPE_DATAGRAM, "127.0.0.1");
  g_autoptr (GSocket) raw2 = raw_socket (G_SOCKET_TYPE_DATAGRAM, "127.0.0.1");
  g_autoptr (GInetSocketAddress) addr1 = raw_local (raw1);
  g_autoptr (GInetSocketAddress) addr2 = raw_local (raw2);
  g_autoptr (GBytes) request = make_request ("idle");
  SendResult held = { 0 }, unheld = { 0 };

  fixture->config.idle_timeout_us = 100 * G_TIME_SPAN_MILLISECOND;
  a = peer_new (&fixture->config, fixture->clock);
  peer_listen (a, TC_SIP_TRANSPORT_UDP, "127.0.0.1");
  send_and_wait (a, TC_SIP_TRANSPORT_UDP, addr1, NULL, request, &held);
  send_and_wait (a, TC_SIP_TRANSPORT_UDP, addr2, NULL, request, &unheld);
  tc_sip_flow_hold (held.flow);

  WAIT_FOR (tc_sip_flow_is_closed (unheld.flow));
  g_assert_null (a->causes->pdata[0]);
  g_assert_null (tc_sip_net_transport_lookup_flow (a->transport, TC_SIP_TRANSPORT_UDP, addr2, NULL));
  run_for (150);
  g_assert_false (tc_sip_flow_is_closed (held.flow));
  g_assert_true (tc_sip_net_transport_lookup_flow (a->transport, TC_SIP_TRANSPORT_UDP, addr1, NULL) == held.flow);
  tc_sip_flow_release (held.flow);
  send_result_clear (&held);
  send_result_clear (&unheld);
}

/* ---- TCP ---------------------------------------------------------------- */

static void
tcp_round_trip (Fixture *fixture, const char *host)
{
  g_autoptr (Peer) a = peer_new (&fixture->config, fixture->clock);
  g_autoptr (Peer) b = peer_new (&fixture->config, fixture->clock);
  g_autoptr (GBytes) request1 = make_request ("tcp-1");
  g_autoptr (GBytes) request2 = make_request ("tcp-2");
  g_autoptr (GBytes) response = make_response ("tcp-1");
  g_autoptr (GError) error = NULL;
  GInetSocketAddress *b_addr;
  SendResult first = { 0 }, second = { 0 };
  TcSipTarget target;
  TcSipSendResult status;
  TcSipFlow *flow = NULL;

  b_addr = peer_listen (b, TC_SIP_TRANSPORT_TCP, host);
  if (!b_addr)
    return;

  /* The first send connects: PENDING, then the callback, once. */
  tc_sip_target_init (&target, TC_SIP_TRANSPORT_TCP, b_addr, NULL);
  status =
    tc_sip_transport_send (TC_SIP_TRANSPORT (a->transport), request1, &target, &flow, on_send_done, &first, &error);
  g_assert_cmpint (status, ==, TC_SIP_SEND_PENDING);
  g_assert_null (flow);
  g_assert_cmpuint (first.n_calls, ==, 0);
  WAIT_FOR (first.n_calls == 1);
  g_assert_no_error (first.error);
  g_assert_true (tc_sip_flow_is_reliable (first.flow));
  g_assert_cmpint (tc_sip_flow_get_transport_type (first.flow), ==, TC_SIP_TRANSPORT_TCP);
  g_assert_nonnull (tc_sip_flow_get_local_address (first.flow));

  /* The second reuses the connection: DONE at once, the same flow. */
  status =
    tc_sip_transport_send (TC_SIP_TRANSPORT (a->transport), request2, &target, &flow, on_send_done, &second, &error);
  g_assert_cmpint (status, ==, TC_SIP_SEND_DONE);
  g_assert_true (flow == first.flow);
  g_clear_object (&flow);
  tc_sip_target_clear (&target);

  WAIT_FOR (b->messages->len == 2);
  assert_call_id (b->messages->pdata[0], "tcp-1");
  assert_call_id (b->messages->pdata[1], "tcp-2");
  g_assert_true (b->flows->pdata[0] == b->flows->pdata[1]);
  g_assert_cmpuint (tc_sip_net_transport_get_n_connections (b->transport), ==, 1);

  /* The response goes back over the accepted connection. */
  g_assert_true (tc_sip_flow_send (b->flows->pdata[0], response, &error));
  g_assert_no_error (error);
  WAIT_FOR (a->messages->len == 1);
  g_assert_cmpuint (tc_sip_message_get_status (a->messages->pdata[0]), ==, 200);
  g_assert_true (a->flows->pdata[0] == first.flow);
  g_assert_cmpuint (second.n_calls, ==, 0);
  g_assert_cmpuint (first.n_calls, ==, 1);
  send_result_clear (&first);
}

static void
test_tcp_round_trip (Fixture *fixture, gconstpointer data)
{
  tcp_round_trip (fixture, "127.0.0.1");
}

static void
test_tcp_ipv6 (Fixture *fixture, gconstpointer data)
{
  tcp_round_trip (fixture, "::1");
}

static void
test_tcp_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) a = peer_new (&fixture->config, fixture->clock);
  g_autoptr (GSocket) closed = raw_socket (G_SOCKET_TYPE_STREAM, "127.0.0.1"); /* bound, not listening */
  g_autoptr (GInetSocketAddress) closed_addr = raw_local (closed);
  g_autoptr (GBytes) request = make_request ("refused");
  SendResult sent = { 0 };

  send_and_wait (a, TC_SIP_TRANSPORT_TCP, closed_addr, NULL, request, &sent);
  g_assert_error (sent.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (sent.error->message, "cannot connect to tcp:127.0.0.1:"));
  run_for (50);
  g_assert_cmpuint (sent.n_calls, ==, 1);
  g_assert_cmpuint (a->closed->len, ==, 0);
  send_result_clear (&sent);
}

static void
test_tcp_shutdown_while_connecting (Fixture *fixture, gconstpointer data)
{
  Peer *a = peer_new (&fixture->config, fixture->clock);
  g_autoptr (GSocket) mute = raw_socket (G_SOCKET_TYPE_STREAM, "127.0.0.1");
  g_autoptr (GInetSocketAddress) mute_addr = raw_local (mute);
  g_autoptr (GBytes) request = make_request ("shutdown");
  g_autoptr (GError) error = NULL;
  SendResult sent = { 0 };
  TcSipTarget target;

  tc_sip_target_init (&target, TC_SIP_TRANSPORT_TCP, mute_addr, NULL);
  g_socket_listen (mute, &error);
  g_assert_no_error (error);
  g_assert_cmpint (
    tc_sip_transport_send (TC_SIP_TRANSPORT (a->transport), request, &target, NULL, on_send_done, &sent, &error), ==,
    TC_SIP_SEND_PENDING);
  tc_sip_target_clear (&target);
  /* disposing answers the pending send, once */
  peer_free (a);
  g_assert_cmpuint (sent.n_calls, ==, 1);
  g_assert_error (sent.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  run_for (50);
  g_assert_cmpuint (sent.n_calls, ==, 1);
  send_result_clear (&sent);
}

static void
test_tcp_idle_and_peer_close (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) a = NULL;
  g_autoptr (Peer) b = NULL;
  g_autoptr (GBytes) request = make_request ("idle");
  GInetSocketAddress *b_addr;
  SendResult sent = { 0 };

  b = peer_new (&fixture->config, fixture->clock);
  fixture->config.idle_timeout_us = 100 * G_TIME_SPAN_MILLISECOND;
  a = peer_new (&fixture->config, fixture->clock);
  b_addr = peer_listen (b, TC_SIP_TRANSPORT_TCP, "127.0.0.1");

  send_and_wait (a, TC_SIP_TRANSPORT_TCP, b_addr, NULL, request, &sent);
  g_assert_no_error (sent.error);
  WAIT_FOR (b->messages->len == 1);

  /* held: kept past the idle timeout */
  tc_sip_flow_hold (sent.flow);
  run_for (250);
  g_assert_false (tc_sip_flow_is_closed (sent.flow));
  /* in use by a transaction: kept too */
  tc_sip_flow_release (sent.flow);
  tc_sip_flow_begin_use (sent.flow);
  run_for (250);
  g_assert_false (tc_sip_flow_is_closed (sent.flow));
  /* neither: closed, orderly */
  tc_sip_flow_end_use (sent.flow);
  WAIT_FOR (tc_sip_flow_is_closed (sent.flow));
  g_assert_cmpuint (a->closed->len, ==, 1);
  g_assert_null (a->causes->pdata[0]);
  g_assert_null (tc_sip_net_transport_lookup_flow (a->transport, TC_SIP_TRANSPORT_TCP, b_addr, NULL));

  /* B sees the peer close its connection. */
  WAIT_FOR (b->closed->len == 1);
  g_assert_true (b->closed->pdata[0] == b->flows->pdata[0]);
  g_assert_null (b->causes->pdata[0]);
  g_assert_cmpuint (tc_sip_net_transport_get_n_connections (b->transport), ==, 0);
  send_result_clear (&sent);
}

static void
on_flow_closed_signal (TcSipFlow *flow, GError *cause, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_tcp_keepalive (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) a = NULL;
  g_autoptr (Peer) b = NULL;
  g_autoptr (GSocket) raw = NULL;
  g_autoptr (GSocket) mute = raw_socket (G_SOCKET_TYPE_STREAM, "127.0.0.1");
  g_autoptr (GInetSocketAddress) mute_addr = raw_local (mute);
  g_autoptr (GBytes) request = make_request ("ka");
  g_autoptr (GError) error = NULL;
  SendResult to_b = { 0 }, to_mute = { 0 };
  GInetSocketAddress *b_addr;
  guint n_signals = 0;
  char buf[64];

  fixture->config.keepalive_timeout_us = 150 * G_TIME_SPAN_MILLISECOND;
  a = peer_new (&fixture->config, fixture->clock);
  b = peer_new (&fixture->config, fixture->clock);
  b_addr = peer_listen (b, TC_SIP_TRANSPORT_TCP, "127.0.0.1");

  /* A CRLFCRLF ping is answered by a CRLF pong. */
  raw = raw_connect (b_addr);
  raw_write (raw, "\r\n\r\n");
  g_assert_cmpint (raw_receive (raw, buf, sizeof buf), ==, 2);
  g_assert_cmpmem (buf, 2, "\r\n", 2);

  /* A pinging B: B pongs, the flow lives through several rounds. */
  send_and_wait (a, TC_SIP_TRANSPORT_TCP, b_addr, NULL, request, &to_b);
  g_assert_no_error (to_b.error);
  tc_sip_flow_hold (to_b.flow);
  tc_sip_net_transport_set_keepalive (a->transport, to_b.flow, 40 * G_TIME_SPAN_MILLISECOND);

  /* A pinging a peer that accepts (in the kernel) but never answers. */
  g_socket_listen (mute, &error);
  g_assert_no_error (error);
  send_and_wait (a, TC_SIP_TRANSPORT_TCP, mute_addr, NULL, request, &to_mute);
  g_assert_no_error (to_mute.error);
  tc_sip_flow_hold (to_mute.flow);
  g_signal_connect (to_mute.flow, "closed", G_CALLBACK (on_flow_closed_signal), &n_signals);
  tc_sip_net_transport_set_keepalive (a->transport, to_mute.flow, 40 * G_TIME_SPAN_MILLISECOND);

  WAIT_FOR (tc_sip_flow_is_closed (to_mute.flow));
  g_assert_cmpuint (n_signals, ==, 1);
  g_assert_cmpuint (a->closed->len, ==, 1);
  g_assert_error (ERR (a->causes, 0), G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (ERR (a->causes, 0)->message, "pong"));

  run_for (200);
  g_assert_false (tc_sip_flow_is_closed (to_b.flow));
  g_assert_cmpuint (b->messages->len, ==, 1);
  g_assert_cmpuint (b->bad->len, ==, 0);

  tc_sip_flow_release (to_b.flow);
  tc_sip_flow_release (to_mute.flow);
  send_result_clear (&to_b);
  send_result_clear (&to_mute);
}

static void
test_tcp_bad_input (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) b = NULL;
  g_autoptr (GSocket) raw1 = NULL;
  g_autoptr (GSocket) raw2 = NULL;
  GInetSocketAddress *b_addr;
  char buf[64];

  fixture->config.max_message_size = 2000;
  b = peer_new (&fixture->config, fixture->clock);
  b_addr = peer_listen (b, TC_SIP_TRANSPORT_TCP, "127.0.0.1");

  /* no Content-Length on a stream: framing lost, connection closed */
  raw1 = raw_connect (b_addr);
  raw_write (raw1, "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nCall-ID: x\r\n\r\n");
  WAIT_FOR (b->bad->len == 1);
  g_assert_error (ERR (b->bad, 0), TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
  g_assert_cmpint (raw_receive (raw1, buf, sizeof buf), ==, 0);
  WAIT_FOR (b->closed->len == 1);
  g_assert_error (ERR (b->causes, 0), TC_SIP_ERROR, TC_SIP_ERROR_PARSE);

  /* a Content-Length beyond max_message_size */
  raw2 = raw_connect (b_addr);
  raw_write (raw2, "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nContent-Length: 100000\r\n\r\n");
  WAIT_FOR (b->bad->len == 2);
  g_assert_error (ERR (b->bad, 1), TC_SIP_ERROR, TC_SIP_ERROR_TOO_LARGE);
  g_assert_cmpint (raw_receive (raw2, buf, sizeof buf), ==, 0);
  WAIT_FOR (b->closed->len == 2);
  g_assert_cmpuint (b->messages->len, ==, 0);
}

static void
test_tcp_slow_loris (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) a = NULL;
  g_autoptr (Peer) b = NULL;
  g_autoptr (GSocket) loris = NULL;
  g_autoptr (GBytes) request = make_request ("meanwhile");
  GInetSocketAddress *b_addr;
  SendResult sent = { 0 };
  gint64 start;
  char buf[64];

  fixture->config.read_timeout_us = 200 * G_TIME_SPAN_MILLISECOND;
  a = peer_new (&fixture->config, fixture->clock);
  b = peer_new (&fixture->config, fixture->clock);
  b_addr = peer_listen (b, TC_SIP_TRANSPORT_TCP, "127.0.0.1");

  loris = raw_connect (b_addr);
  start = g_get_monotonic_time ();
  raw_write (loris, "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;bra");

  /* Meanwhile another peer is served. */
  send_and_wait (a, TC_SIP_TRANSPORT_TCP, b_addr, NULL, request, &sent);
  WAIT_FOR (b->messages->len == 1);
  assert_call_id (b->messages->pdata[0], "meanwhile");
  g_assert_cmpuint (b->closed->len, ==, 0);

  /* The stalled connection is closed after read_timeout. */
  g_assert_cmpint (raw_receive (loris, buf, sizeof buf), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 190 * G_TIME_SPAN_MILLISECOND);
  WAIT_FOR (b->closed->len == 1);
  g_assert_error (ERR (b->causes, 0), G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_false (tc_sip_flow_is_closed (b->flows->pdata[0]));
  send_result_clear (&sent);
}

static void
test_tcp_max_connections (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Peer) b = NULL;
  g_autoptr (GSocket) raw1 = NULL;
  g_autoptr (GSocket) raw2 = NULL;
  g_autoptr (GSocket) raw3 = NULL;
  g_autoptr (GBytes) request = make_request ("max");
  GInetSocketAddress *b_addr;
  char buf[64];

  fixture->config.max_connections = 2;
  b = peer_new (&fixture->config, fixture->clock);
  b_addr = peer_listen (b, TC_SIP_TRANSPORT_TCP, "127.0.0.1");

  raw1 = raw_connect (b_addr);
  raw2 = raw_connect (b_addr);
  WAIT_FOR (tc_sip_net_transport_get_n_connections (b->transport) == 2);
  raw3 = raw_connect (b_addr);
  g_assert_cmpint (raw_receive (raw3, buf, sizeof buf), ==, 0);
  g_assert_cmpuint (tc_sip_net_transport_get_n_connections (b->transport), ==, 2);

  /* the admitted ones work */
  raw_write (raw2, g_bytes_get_data (request, NULL));
  WAIT_FOR (b->messages->len == 1);
  assert_call_id (b->messages->pdata[0], "max");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  start_wakeups ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip/net/sent-by", test_sent_by);
  ADD ("/sip/net/udp/round-trip", test_udp_round_trip);
  ADD ("/sip/net/udp/ipv6", test_udp_ipv6);
  ADD ("/sip/net/udp/no-listener", test_udp_no_listener);
  ADD ("/sip/net/udp/bad-input", test_udp_bad_input);
  ADD ("/sip/net/udp/stun-answered", test_udp_stun_answered);
  ADD ("/sip/net/udp/keepalive", test_udp_keepalive);
  ADD ("/sip/net/udp/idle", test_udp_idle);
  ADD ("/sip/net/tcp/round-trip", test_tcp_round_trip);
  ADD ("/sip/net/tcp/ipv6", test_tcp_ipv6);
  ADD ("/sip/net/tcp/refused", test_tcp_refused);
  ADD ("/sip/net/tcp/shutdown-while-connecting", test_tcp_shutdown_while_connecting);
  ADD ("/sip/net/tcp/idle-and-peer-close", test_tcp_idle_and_peer_close);
  ADD ("/sip/net/tcp/keepalive", test_tcp_keepalive);
  ADD ("/sip/net/tcp/bad-input", test_tcp_bad_input);
  ADD ("/sip/net/tcp/slow-loris", test_tcp_slow_loris);
  ADD ("/sip/net/tcp/max-connections", test_tcp_max_connections);
#undef ADD

  return g_test_run ();
}
