/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-rtp-udp.c — TcRtpUdp on 127.0.0.1: binding (RTCP on RTP + 1, port
 * ranges, exhausted ranges, bad addresses), sending and receiving RTP and
 * RTCP, the RFC 5761 split on a muxed flow, symmetric RTP (packets leave
 * from the port they are expected on), sends from several threads at
 * once, and close (no more packets, no fds left).
 */
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "media/media-error.h"
#include "media/rtp-udp.h"

typedef struct {
  TcRtpComponent component;
  GBytes *bytes;
} Received;

typedef struct {
  TcRtpUdp *a, *b;
  GPtrArray *received; /* Received, what b got */
} Fixture;

static void
received_free (gpointer data)
{
  Received *received = data;

  g_bytes_unref (received->bytes);
  g_free (received);
}

static void
on_receive (TcRtpTransport *transport, TcRtpComponent component, const guint8 *data, gsize size, gint64 received_us,
            gpointer user_data)
{
  GPtrArray *received = user_data;
  Received *r = g_new0 (Received, 1);

  g_assert_cmpint (received_us, >, 0);
  r->component = component;
  r->bytes = g_bytes_new (data, size);
  g_ptr_array_add (received, r);
}

static const TcRtpTransportCallbacks callbacks = { on_receive, NULL };

static TcRtpUdp *
make_udp (void)
{
  g_autoptr (GError) error = NULL;
  TcRtpUdp *udp = tc_rtp_udp_new ("127.0.0.1", 0, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (udp);
  return udp;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->a = make_udp ();
  f->b = make_udp ();
  f->received = g_ptr_array_new_with_free_func (received_free);
  tc_rtp_transport_set_callbacks (TC_RTP_TRANSPORT (f->b), &callbacks, f->received);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->a);
  g_assert_finalize_object (f->b);
  g_ptr_array_unref (f->received);
}

/* Iterates the default context until @received holds @n packets, or 2 s. */
static void
wait_for_packets (GPtrArray *received, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (received->len < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (received->len, ==, n);
}

/* Runs the default context for @ms (to see that nothing arrives). */
static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

static GInetSocketAddress *
address_of (TcRtpUdp *udp, TcRtpComponent component)
{
  return tc_rtp_transport_get_local_address (TC_RTP_TRANSPORT (udp), component);
}

static void
assert_packet (GPtrArray *received, guint index, TcRtpComponent component, const guint8 *data, gsize size)
{
  const Received *r = g_ptr_array_index (received, index);
  gsize got_size;
  const void *got = g_bytes_get_data (r->bytes, &got_size);

  g_assert_cmpint (r->component, ==, component);
  g_assert_cmpmem (got, got_size, data, size);
}

/* An RTP packet, PT 0, and an RTCP receiver report (PT 201). */
static const guint8 rtp_packet[] = { 0x80, 0x00, 0x12, 0x34, 0, 0, 0, 160, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff };
static const guint8 rtcp_packet[] = { 0x80, 201, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef };

static void
test_bind (void)
{
  g_autoptr (TcRtpUdp) udp = make_udp ();
  guint rtp = tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (udp), TC_RTP_COMPONENT_RTP);
  guint rtcp = tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (udp), TC_RTP_COMPONENT_RTCP);
  g_autofree char *host =
    g_inet_address_to_string (g_inet_socket_address_get_address (address_of (udp, TC_RTP_COMPONENT_RTP)));

  g_assert_cmpuint (rtp, >, 0);
  /* RTP + 1 is preferred; with ephemeral ports it is nearly always free. */
  g_assert_cmpuint (rtcp, ==, rtp + 1);
  g_assert_cmpstr (host, ==, "127.0.0.1");
}

/* A free even/odd pair range of @n pairs above 20000 (probed). */
static guint
free_range_start (guint n)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      guint start = 20000 + 2 * g_random_int_range (0, 10000);
      gboolean free_all = TRUE;

      for (guint p = start; p < start + 2 * n && free_all; p++)
        {
          g_autoptr (GSocket) s =
            g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
          g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
          g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (lo, p);

          free_all = g_socket_bind (s, sa, FALSE, NULL);
        }
      if (free_all)
        return start;
    }
  g_assert_not_reached ();
}

static void
test_range (void)
{
  guint start = free_range_start (3);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcRtpUdp) one = tc_rtp_udp_new ("127.0.0.1", start, start + 5, &error);
  g_autoptr (TcRtpUdp) two = NULL, three = NULL, four = NULL;
  guint rtp;

  g_assert_no_error (error);
  rtp = tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (one), TC_RTP_COMPONENT_RTP);
  g_assert_cmpuint (rtp % 2, ==, 0);
  g_assert_cmpuint (rtp, >=, start);
  g_assert_cmpuint (rtp, <=, start + 4);
  g_assert_cmpuint (tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (one), TC_RTP_COMPONENT_RTCP), ==, rtp + 1);

  two = tc_rtp_udp_new ("127.0.0.1", start, start + 5, &error);
  g_assert_no_error (error);
  three = tc_rtp_udp_new ("127.0.0.1", start, start + 5, &error);
  g_assert_no_error (error);
  /* Three pairs, all taken. */
  four = tc_rtp_udp_new ("127.0.0.1", start, start + 5, &error);
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT);
  g_assert_null (four);
  g_clear_error (&error);

  /* An odd minimum starts at the next even port; a range without a
   * whole pair is refused. */
  g_clear_object (&one);
  g_clear_object (&two);
  g_clear_object (&three);
  one = tc_rtp_udp_new ("127.0.0.1", start - 1, start + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (one), TC_RTP_COMPONENT_RTP), ==, start);
  g_assert_null (tc_rtp_udp_new ("127.0.0.1", start + 7, start + 7, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT);
}

static void
test_bad_address (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (tc_rtp_udp_new ("not-an-address", 0, 0, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT);
  g_clear_error (&error);
  /* TEST-NET-1 is not ours: bind fails. */
  g_assert_null (tc_rtp_udp_new ("192.0.2.1", 0, 0, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT);
  g_clear_error (&error);
  g_assert_null (tc_rtp_udp_new ("127.0.0.1", 5000, 4000, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT);
}

static void
test_classify (void)
{
  const struct {
    guint8 second;
    TcRtpComponent expected;
  } cases[] = {
    { 0, TC_RTP_COMPONENT_RTP },                                         /* PCMU */
    { 0x80, TC_RTP_COMPONENT_RTP },                                      /* PCMU with marker */
    { 111, TC_RTP_COMPONENT_RTP },                                       /* opus */
    { 0x80 | 111, TC_RTP_COMPONENT_RTP }, { 191, TC_RTP_COMPONENT_RTP }, /* below the RTCP range */
    { 192, TC_RTP_COMPONENT_RTCP },                                      /* FIR (RFC 2032) */
    { 200, TC_RTP_COMPONENT_RTCP },                                      /* SR */
    { 201, TC_RTP_COMPONENT_RTCP },                                      /* RR */
    { 206, TC_RTP_COMPONENT_RTCP },                                      /* PSFB */
    { 223, TC_RTP_COMPONENT_RTCP },                                      /* top of the range */
    { 224, TC_RTP_COMPONENT_RTP },
  };
  const guint8 one_byte[] = { 0x80 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint8 packet[8] = { 0x80, cases[i].second };

      g_assert_cmpint (tc_rtp_transport_classify (packet, sizeof packet), ==, cases[i].expected);
    }
  g_assert_cmpint (tc_rtp_transport_classify (one_byte, 1), ==, TC_RTP_COMPONENT_RTP);
}

static void
test_send_receive (Fixture *f, gconstpointer data)
{
  TcRtpTransportCounters counters;

  /* Without a remote nothing goes out. */
  g_assert_false (tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTP, rtp_packet, sizeof rtp_packet));
  tc_rtp_transport_set_remote (TC_RTP_TRANSPORT (f->a), address_of (f->b, TC_RTP_COMPONENT_RTP),
                               address_of (f->b, TC_RTP_COMPONENT_RTCP), FALSE);
  g_assert_true (tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTP, rtp_packet, sizeof rtp_packet));
  wait_for_packets (f->received, 1);
  assert_packet (f->received, 0, TC_RTP_COMPONENT_RTP, rtp_packet, sizeof rtp_packet);
  g_assert_true (
    tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTCP, rtcp_packet, sizeof rtcp_packet));
  wait_for_packets (f->received, 2);
  assert_packet (f->received, 1, TC_RTP_COMPONENT_RTCP, rtcp_packet, sizeof rtcp_packet);

  /* Not muxed: whatever arrives on the RTCP port is RTCP, on the RTP port
   * RTP (an RTP packet whose second byte is 200 is not split). */
  {
    const guint8 odd_rtp[] = { 0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 };

    tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTCP, rtp_packet, sizeof rtp_packet);
    wait_for_packets (f->received, 3);
    assert_packet (f->received, 2, TC_RTP_COMPONENT_RTCP, rtp_packet, sizeof rtp_packet);
    tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTP, odd_rtp, sizeof odd_rtp);
    wait_for_packets (f->received, 4);
    /* …except that the RTP port of a transport is where a muxed peer
     * sends RTCP too: the byte compare applies there. */
    assert_packet (f->received, 3, TC_RTP_COMPONENT_RTCP, odd_rtp, sizeof odd_rtp);
  }

  tc_rtp_transport_get_counters (TC_RTP_TRANSPORT (f->a), &counters);
  g_assert_cmpuint (counters.rtp_sent, ==, 2);
  g_assert_cmpuint (counters.rtcp_sent, ==, 2);
  g_assert_cmpuint (counters.send_dropped, ==, 1);
  tc_rtp_transport_get_counters (TC_RTP_TRANSPORT (f->b), &counters);
  g_assert_cmpuint (counters.rtp_received, ==, 1);
  g_assert_cmpuint (counters.rtcp_received, ==, 3);
}

static void
test_mux (Fixture *f, gconstpointer data)
{
  /* RFC 5761: with rtcp-mux, RTCP goes to the peer's RTP port and is told
   * apart there by its packet type. */
  tc_rtp_transport_set_remote (TC_RTP_TRANSPORT (f->a), address_of (f->b, TC_RTP_COMPONENT_RTP), NULL, TRUE);
  tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTCP, rtcp_packet, sizeof rtcp_packet);
  wait_for_packets (f->received, 1);
  assert_packet (f->received, 0, TC_RTP_COMPONENT_RTCP, rtcp_packet, sizeof rtcp_packet);
  tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTP, rtp_packet, sizeof rtp_packet);
  wait_for_packets (f->received, 2);
  assert_packet (f->received, 1, TC_RTP_COMPONENT_RTP, rtp_packet, sizeof rtp_packet);

  /* A remote cleared (c=0.0.0.0 hold, rejected stream): nothing is sent. */
  tc_rtp_transport_set_remote (TC_RTP_TRANSPORT (f->a), NULL, NULL, TRUE);
  g_assert_false (tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTP, rtp_packet, sizeof rtp_packet));
  spin (50);
  g_assert_cmpuint (f->received->len, ==, 2);
}

/* Symmetric RTP: RTP leaves from our RTP port, RTCP from our RTCP port, or
 * from the RTP port once muxed. */
static void
test_symmetric (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocket) peer = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) peer_address = NULL;
  guint a_rtp = tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTP);
  guint a_rtcp = tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTCP);
  const struct {
    TcRtpComponent component;
    gboolean mux;
    guint from;
  } cases[] = {
    { TC_RTP_COMPONENT_RTP, FALSE, a_rtp },
    { TC_RTP_COMPONENT_RTCP, FALSE, a_rtcp },
    { TC_RTP_COMPONENT_RTCP, TRUE, a_rtp },
  };

  g_assert_true (g_socket_bind (peer, any, FALSE, NULL));
  g_socket_set_timeout (peer, 2);
  peer_address = g_socket_get_local_address (peer, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GSocketAddress) from = NULL;
      guint8 buffer[64];

      tc_rtp_transport_set_remote (TC_RTP_TRANSPORT (f->a), G_INET_SOCKET_ADDRESS (peer_address),
                                   G_INET_SOCKET_ADDRESS (peer_address), cases[i].mux);
      g_assert_true (
        tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), cases[i].component, rtp_packet, sizeof rtp_packet));
      g_assert_cmpint (g_socket_receive_from (peer, &from, (char *) buffer, sizeof buffer, NULL, NULL), ==,
                       sizeof rtp_packet);
      g_assert_cmpuint (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from)), ==, cases[i].from);
    }
}

typedef struct {
  TcRtpTransport *transport;
  guint n;
} SenderJob;

static gpointer
sender_thread (gpointer data)
{
  SenderJob *job = data;

  for (guint i = 0; i < job->n; i++)
    tc_rtp_transport_send (job->transport, i % 2 ? TC_RTP_COMPONENT_RTCP : TC_RTP_COMPONENT_RTP, rtp_packet,
                           sizeof rtp_packet);
  return NULL;
}

/* send() is called from streaming threads: several at once, while the
 * main thread changes the remote, must be safe and lose nothing on
 * loopback beyond what the socket buffer drops. */
static void
test_threads (Fixture *f, gconstpointer data)
{
  SenderJob job = { TC_RTP_TRANSPORT (f->a), 200 };
  GThread *threads[4];
  TcRtpTransportCounters counters;

  tc_rtp_transport_set_remote (TC_RTP_TRANSPORT (f->a), address_of (f->b, TC_RTP_COMPONENT_RTP),
                               address_of (f->b, TC_RTP_COMPONENT_RTCP), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("sender", sender_thread, &job);
  for (guint i = 0; i < 100; i++)
    tc_rtp_transport_set_remote (TC_RTP_TRANSPORT (f->a), address_of (f->b, TC_RTP_COMPONENT_RTP),
                                 address_of (f->b, TC_RTP_COMPONENT_RTCP), i % 2);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  tc_rtp_transport_get_counters (TC_RTP_TRANSPORT (f->a), &counters);
  g_assert_cmpuint (counters.rtp_sent + counters.rtcp_sent + counters.send_dropped, ==, 4 * 200);
  spin (100);
  g_assert_cmpuint (f->received->len, >, 0);
  g_assert_cmpuint (f->received->len, <=, counters.rtp_sent + counters.rtcp_sent);
}

static guint
count_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

static void
test_close (Fixture *f, gconstpointer data)
{
  guint fds = count_fds ();
  g_autoptr (TcRtpUdp) extra = make_udp ();

  g_assert_cmpuint (count_fds (), ==, fds + 2);
  g_clear_object (&extra);
  g_assert_cmpuint (count_fds (), ==, fds);

  tc_rtp_transport_set_remote (TC_RTP_TRANSPORT (f->a), address_of (f->b, TC_RTP_COMPONENT_RTP),
                               address_of (f->b, TC_RTP_COMPONENT_RTCP), FALSE);
  tc_rtp_transport_close (TC_RTP_TRANSPORT (f->b));
  g_assert_true (tc_rtp_transport_is_closed (TC_RTP_TRANSPORT (f->b)));
  g_assert_cmpuint (count_fds (), ==, fds - 2);
  tc_rtp_transport_send (TC_RTP_TRANSPORT (f->a), TC_RTP_COMPONENT_RTP, rtp_packet, sizeof rtp_packet);
  spin (50);
  g_assert_cmpuint (f->received->len, ==, 0);
  /* Closed: nothing leaves, a second close is harmless. */
  tc_rtp_transport_set_remote (TC_RTP_TRANSPORT (f->b), address_of (f->a, TC_RTP_COMPONENT_RTP), NULL, TRUE);
  g_assert_false (tc_rtp_transport_send (TC_RTP_TRANSPORT (f->b), TC_RTP_COMPONENT_RTP, rtp_packet, sizeof rtp_packet));
  tc_rtp_transport_close (TC_RTP_TRANSPORT (f->b));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media/rtp-udp/bind", test_bind);
  g_test_add_func ("/media/rtp-udp/range", test_range);
  g_test_add_func ("/media/rtp-udp/bad-address", test_bad_address);
  g_test_add_func ("/media/rtp-udp/classify", test_classify);
  g_test_add ("/media/rtp-udp/send-receive", Fixture, NULL, fixture_set_up, test_send_receive, fixture_tear_down);
  g_test_add ("/media/rtp-udp/mux", Fixture, NULL, fixture_set_up, test_mux, fixture_tear_down);
  g_test_add ("/media/rtp-udp/symmetric", Fixture, NULL, fixture_set_up, test_symmetric, fixture_tear_down);
  g_test_add ("/media/rtp-udp/threads", Fixture, NULL, fixture_set_up, test_threads, fixture_tear_down);
  g_test_add ("/media/rtp-udp/close", Fixture, NULL, fixture_set_up, test_close, fixture_tear_down);
  return g_test_run ();
}
