/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-rtp-stats.c — RFC 3550 bookkeeping without GStreamer (rtp-stats.c):
 * the RTP header (CSRCs, extension, padding, malformed input), the
 * receiver's probation, loss, sequence wrap, restarts, SSRC changes and
 * jitter (A.1, A.3, A.8), and RTCP SR/RR + SDES written and read back,
 * round trip from LSR/DLSR, malformed compounds.
 */
#include <string.h>

#include <glib.h>

#include "media/rtp-stats.h"

#define CLOCK_RATE 8000
#define FRAME_UNITS 160 /* 20 ms at 8 kHz */
#define FRAME_US 20000

/* ---- header ---------------------------------------------------------------------------------- */

static void
test_header_roundtrip (void)
{
  guint8 packet[TC_RTP_HEADER_SIZE + 4] = { 0 };
  TcRtpHeader header;

  tc_rtp_header_write (packet, TRUE, 101, 65535, 0xdeadbeef, 0x01020304);
  g_assert_cmpuint (packet[0], ==, 0x80);
  g_assert_true (tc_rtp_header_parse (packet, sizeof packet, &header));
  g_assert_true (header.marker);
  g_assert_cmpuint (header.pt, ==, 101);
  g_assert_cmpuint (header.seq, ==, 65535);
  g_assert_cmpuint (header.timestamp, ==, 0xdeadbeef);
  g_assert_cmpuint (header.ssrc, ==, 0x01020304);
  g_assert_cmpuint (header.payload_offset, ==, 12);
  g_assert_cmpuint (header.payload_size, ==, 4);
}

static void
test_header_options (void)
{
  /* 2 CSRCs, a one-word extension, 3 bytes of padding: payload "ab". */
  guint8 packet[] = { 0xb2, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, /* fixed */
                      1,    1,    1, 1, 2, 2, 2, 2,             /* CSRCs */
                      0xbe, 0xde, 0, 1, 7, 7, 7, 7,             /* extension */
                      'a',  'b',  0, 0, 3 };
  TcRtpHeader header;

  g_assert_true (tc_rtp_header_parse (packet, sizeof packet, &header));
  g_assert_cmpuint (header.payload_offset, ==, 28);
  g_assert_cmpuint (header.payload_size, ==, 2);
  g_assert_cmpmem (packet + header.payload_offset, header.payload_size, "ab", 2);

  /* Malformed: each is refused, none is read past its end. */
  g_assert_false (tc_rtp_header_parse (packet, 11, &header));
  packet[0] = 0x40; /* version 1 */
  g_assert_false (tc_rtp_header_parse (packet, sizeof packet, &header));
  packet[0] = 0x8f; /* 15 CSRCs: longer than the packet */
  g_assert_false (tc_rtp_header_parse (packet, sizeof packet, &header));
  packet[0] = 0x90; /* extension claiming 1 word, cut short */
  g_assert_false (tc_rtp_header_parse (packet, 15, &header));
  packet[0] = 0xa0; /* padding 0 */
  packet[sizeof packet - 1] = 0;
  g_assert_false (tc_rtp_header_parse (packet, sizeof packet, &header));
  packet[sizeof packet - 1] = 200; /* more padding than payload */
  g_assert_false (tc_rtp_header_parse (packet, sizeof packet, &header));
}

/* ---- receiver -------------------------------------------------------------------------------- */

/* Packet @seq of a 20 ms stream arriving @delay_us late. */
static gboolean
receive (TcRtpReceiver *receiver, guint32 ssrc, guint16 seq, guint32 frame, gint64 delay_us)
{
  TcRtpHeader header = { FALSE, 0, seq, 1000 + frame * FRAME_UNITS, ssrc, 12, 160 };

  return tc_rtp_receiver_update (receiver, &header, CLOCK_RATE, 5000000 + (gint64) frame * FRAME_US + delay_us);
}

static void
test_receiver_in_order (void)
{
  TcRtpReceiver receiver = { 0 };
  TcRtcpReportBlock block;

  g_assert_false (tc_rtp_receiver_report_block (&receiver, 0, &block));
  /* RFC 3550 A.1: the first packet is on probation. */
  g_assert_false (receive (&receiver, 7, 100, 0, 0));
  for (guint i = 1; i < 100; i++)
    g_assert_true (receive (&receiver, 7, 100 + i, i, 0));
  g_assert_cmpuint (receiver.packets, ==, 99);
  g_assert_cmpuint (receiver.octets, ==, 99 * 160);
  g_assert_cmpint (tc_rtp_receiver_lost (&receiver), ==, 0);
  g_assert_cmpuint (tc_rtp_receiver_jitter (&receiver), ==, 0);
  g_assert_true (tc_rtp_receiver_report_block (&receiver, 7000000, &block));
  g_assert_cmpuint (block.ssrc, ==, 7);
  g_assert_cmpuint (block.fraction_lost, ==, 0);
  g_assert_cmpint (block.packets_lost, ==, 0);
  g_assert_cmpuint (block.highest_seq, ==, 199);
  g_assert_cmpuint (block.lsr, ==, 0);
}

static void
test_receiver_loss (void)
{
  TcRtpReceiver receiver = { 0 };
  TcRtcpReportBlock block;

  /* Sequence numbers 65500 … 65599, wrapping at 65536; 65500 is on
   * probation, 65501 the base; 5 lost: i = 50, 60, 70, 80, 90. */
  for (guint i = 0; i < 100; i++)
    if (i < 50 || i % 10 != 0)
      receive (&receiver, 7, (guint16) (65500 + i), i, 0);
  g_assert_cmpint (tc_rtp_receiver_lost (&receiver), ==, 5);
  g_assert_true (tc_rtp_receiver_report_block (&receiver, 0, &block));
  g_assert_cmpuint (block.highest_seq, ==, 65536 + 63); /* wrapped once */
  g_assert_cmpint (block.packets_lost, ==, 5);
  g_assert_cmpuint (block.fraction_lost, ==, 5 * 256 / 99);
  /* The next interval: 20 in order, nothing lost. */
  for (guint i = 100; i < 120; i++)
    receive (&receiver, 7, (guint16) (65500 + i), i, 0);
  g_assert_true (tc_rtp_receiver_report_block (&receiver, 0, &block));
  g_assert_cmpuint (block.fraction_lost, ==, 0);
  g_assert_cmpint (block.packets_lost, ==, 5);

  /* A duplicate counts as received: the loss may go negative (A.3). */
  receive (&receiver, 7, (guint16) (65500 + 119), 119, 0);
  g_assert_cmpint (tc_rtp_receiver_lost (&receiver), ==, 4);
}

static void
test_receiver_restart (void)
{
  TcRtpReceiver receiver = { 0 };

  for (guint i = 0; i < 10; i++)
    receive (&receiver, 7, 1000 + i, i, 0);
  /* A jump beyond MAX_DROPOUT is dropped once, and taken as a restart of
   * the sender's numbering the second time in a row. */
  g_assert_false (receive (&receiver, 7, 30000, 10, 0));
  g_assert_true (receive (&receiver, 7, 30001, 11, 0));
  g_assert_true (receive (&receiver, 7, 30002, 12, 0));
  g_assert_cmpint (tc_rtp_receiver_lost (&receiver), ==, 0);

  /* A new SSRC: a new source on probation; what the old one lost stays
   * counted. */
  receive (&receiver, 7, 30010, 20, 0); /* 7 lost */
  g_assert_cmpint (tc_rtp_receiver_lost (&receiver), ==, 7);
  g_assert_false (receive (&receiver, 8, 5, 21, 0));
  g_assert_true (receive (&receiver, 8, 6, 22, 0));
  g_assert_cmpuint (receiver.ssrc, ==, 8);
  g_assert_cmpint (tc_rtp_receiver_lost (&receiver), ==, 7);
}

static void
test_receiver_jitter (void)
{
  TcRtpReceiver receiver = { 0 };
  TcRtpHeader dtmf = { TRUE, 101, 0, 0, 7, 12, 4 };

  /* Every other packet 10 ms late: |D| = 80 units each time; the
   * estimate converges on it (J += (|D| - J) / 16). */
  for (guint i = 0; i < 200; i++)
    receive (&receiver, 7, i, i, i % 2 ? 10000 : 0);
  g_assert_cmpuint (tc_rtp_receiver_jitter (&receiver), >=, 78);
  g_assert_cmpuint (tc_rtp_receiver_jitter (&receiver), <=, 80);

  /* Packets given no clock rate (telephone-events) leave it alone. */
  dtmf.seq = 200;
  dtmf.timestamp = 1;
  g_assert_true (tc_rtp_receiver_update (&receiver, &dtmf, 0, 99999999));
  g_assert_cmpuint (tc_rtp_receiver_jitter (&receiver), >=, 78);
  g_assert_cmpuint (tc_rtp_receiver_jitter (&receiver), <=, 80);
}

/* ---- RTCP --------------------------------------------------------------------------------------- */

static void
test_rtcp_sr_roundtrip (void)
{
  guint8 packet[TC_RTCP_REPORT_MAX];
  TcRtcpSenderInfo sender = { tc_rtcp_ntp_from_real ((gint64) 1700000000 * G_USEC_PER_SEC + 500000), 123456, 250,
                              40000 };
  TcRtcpReportBlock block = { 0xabcdef01, 12, -3, 70000, 42, 0x11112222, 65536 };
  TcRtcpInfo info;
  gsize size;

  /* 1700000000.5 s Unix = 3908988800.5 s NTP. */
  g_assert_cmpuint (sender.ntp >> 32, ==, 3908988800u);
  g_assert_cmpuint ((guint32) sender.ntp, ==, 0x80000000u);

  size = tc_rtcp_write_report (packet, 0x55667788, &sender, &block, "tincan-0123");
  g_assert_cmpuint (size % 4, ==, 0);
  /* SR: 8 + 20 + 24; SDES: 8 + 2 + 11 + 1, padded to 24. */
  g_assert_cmpuint (size, ==, 52 + 24);
  g_assert_cmpuint (packet[0], ==, 0x81);
  g_assert_cmpuint (packet[1], ==, 200);
  g_assert_cmpuint (packet[52 + 1], ==, 202);
  g_assert_cmpmem (packet + 52 + 10, 11, "tincan-0123", 11);
  g_assert_cmpuint (packet[52 + 21], ==, 0); /* the item list's end */

  g_assert_true (tc_rtcp_parse (packet, size, 0xabcdef01, &info));
  g_assert_true (info.have_sr);
  g_assert_cmpuint (info.sr_ssrc, ==, 0x55667788);
  g_assert_cmpuint (info.sr_ntp, ==, sender.ntp);
  g_assert_true (info.have_block);
  g_assert_cmpuint (info.block.fraction_lost, ==, 12);
  g_assert_cmpint (info.block.packets_lost, ==, -3);
  g_assert_cmpuint (info.block.highest_seq, ==, 70000);
  g_assert_cmpuint (info.block.jitter, ==, 42);
  g_assert_cmpuint (info.block.lsr, ==, 0x11112222);
  g_assert_cmpuint (info.block.dlsr, ==, 65536);
  g_assert_false (info.bye);

  /* A block about someone else is not ours. */
  g_assert_true (tc_rtcp_parse (packet, size, 1, &info));
  g_assert_false (info.have_block);
}

static void
test_rtcp_rr_and_round_trip (void)
{
  guint8 packet[TC_RTCP_REPORT_MAX];
  TcRtpReceiver receiver = { 0 };
  TcRtcpReportBlock block;
  TcRtcpInfo info;
  guint64 sr_ntp = tc_rtcp_ntp_from_real ((gint64) 1700000000 * G_USEC_PER_SEC);
  gsize size;

  /* We received a stream and an SR from its source; one second after
   * the SR, our RR reports on it with LSR and DLSR. */
  for (guint i = 0; i < 10; i++)
    receive (&receiver, 9, i, i, 0);
  tc_rtp_receiver_sender_report (&receiver, 9, sr_ntp, 1000000);
  g_assert_true (tc_rtp_receiver_report_block (&receiver, 2000000, &block));
  g_assert_cmpuint (block.lsr, ==, (guint32) (sr_ntp >> 16));
  g_assert_cmpuint (block.dlsr, ==, 65536);
  size = tc_rtcp_write_report (packet, 0x42, NULL, &block, "x");
  g_assert_cmpuint (packet[1], ==, 201);
  g_assert_cmpuint (size, ==, 32 + 12);

  /* The SR's sender reads it 1.25 s after its SR: a round trip of 0.25 s. */
  g_assert_true (tc_rtcp_parse (packet, size, 9, &info));
  g_assert_false (info.have_sr);
  g_assert_true (info.have_block);
  g_assert_cmpuint (
    tc_rtcp_round_trip (&info.block, tc_rtcp_ntp_from_real ((gint64) 1700000001 * G_USEC_PER_SEC + 250000)), ==,
    65536 / 4);
  /* No LSR: no round trip. */
  info.block.lsr = 0;
  g_assert_cmpuint (tc_rtcp_round_trip (&info.block, sr_ntp), ==, 0);

  /* An SR from another SSRC than the stream's gives no LSR. */
  tc_rtp_receiver_sender_report (&receiver, 10, sr_ntp, 1000000);
  g_assert_true (tc_rtp_receiver_report_block (&receiver, 2000000, &block));
  g_assert_cmpuint (block.lsr, ==, 0);
  g_assert_cmpuint (block.dlsr, ==, 0);

  /* Without anything received: an RR without a block, and SDES. */
  size = tc_rtcp_write_report (packet, 0x42, NULL, NULL, "x");
  g_assert_cmpuint (size, ==, 8 + 12);
  g_assert_cmpuint (packet[0], ==, 0x80);
}

static void
test_rtcp_malformed (void)
{
  guint8 packet[TC_RTCP_REPORT_MAX];
  TcRtcpReportBlock block = { 5, 0, 0, 0, 0, 0, 0 };
  guint8 bye[] = { 0x81, 203, 0, 1, 0, 0, 0, 5 };
  TcRtcpInfo info;
  gsize size = tc_rtcp_write_report (packet, 1, NULL, &block, "cname");

  /* Cut inside the first packet: nothing. */
  g_assert_false (tc_rtcp_parse (packet, 20, 5, &info));
  g_assert_false (tc_rtcp_parse (packet, 3, 5, &info));
  /* Cut inside the SDES: the RR before it stands. */
  g_assert_true (tc_rtcp_parse (packet, size - 4, 5, &info));
  g_assert_true (info.have_block);
  /* Not version 2. */
  packet[0] = 0x41;
  g_assert_false (tc_rtcp_parse (packet, size, 5, &info));
  /* An RR claiming more blocks than it holds: the ones there are read. */
  packet[0] = 0x85;
  g_assert_true (tc_rtcp_parse (packet, size, 5, &info));
  g_assert_true (info.have_block);
  /* BYE. */
  g_assert_true (tc_rtcp_parse (bye, sizeof bye, 5, &info));
  g_assert_true (info.bye);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/rtp-stats/header/roundtrip", test_header_roundtrip);
  g_test_add_func ("/media/rtp-stats/header/csrc-extension-padding", test_header_options);
  g_test_add_func ("/media/rtp-stats/receiver/in-order", test_receiver_in_order);
  g_test_add_func ("/media/rtp-stats/receiver/loss-and-wrap", test_receiver_loss);
  g_test_add_func ("/media/rtp-stats/receiver/restart-and-ssrc-change", test_receiver_restart);
  g_test_add_func ("/media/rtp-stats/receiver/jitter", test_receiver_jitter);
  g_test_add_func ("/media/rtp-stats/rtcp/sr-roundtrip", test_rtcp_sr_roundtrip);
  g_test_add_func ("/media/rtp-stats/rtcp/rr-round-trip", test_rtcp_rr_and_round_trip);
  g_test_add_func ("/media/rtp-stats/rtcp/malformed", test_rtcp_malformed);
  return g_test_run ();
}
