/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-dtmf.c — RFC 4733 DTMF without GStreamer: digits and event codes,
 * the 4-byte payload, the sender's schedule (start with the marker,
 * updates every interval, three end packets, the gap before the next
 * digit, cancel), and the receiver's one report per event (retransmitted
 * end packets, a lost end followed by a new event, the timeout of an event
 * whose ends were all lost, late updates, non-DTMF events, short
 * payloads).
 */
#include <string.h>

#include <glib.h>

#include "media/dtmf.h"
#include "media/media-error.h"

static void
test_digits (void)
{
  const char *digits = "0123456789*#ABCD";
  g_autoptr (GError) error = NULL;
  guint8 event;

  for (guint8 i = 0; i < 16; i++)
    {
      g_assert_true (tc_dtmf_event_from_digit (digits[i], &event));
      g_assert_cmpuint (event, ==, i);
      g_assert_cmpint (tc_dtmf_event_to_digit (i), ==, digits[i]);
    }
  g_assert_true (tc_dtmf_event_from_digit ('c', &event));
  g_assert_cmpuint (event, ==, 14);
  g_assert_false (tc_dtmf_event_from_digit ('E', &event));
  g_assert_false (tc_dtmf_event_from_digit ('\0', &event));
  g_assert_cmpint (tc_dtmf_event_to_digit (16), ==, '\0'); /* flash */

  g_assert_true (tc_dtmf_check_digits ("123#*abcD", &error));
  g_assert_no_error (error);
  g_assert_false (tc_dtmf_check_digits ("12x", &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "'x'"));
  g_clear_error (&error);
  g_assert_false (tc_dtmf_check_digits ("", &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT);
}

static void
test_payload (void)
{
  /* RFC 4733 §2.3: event 11 (#), E set, volume 10, duration 800. */
  const guint8 expected[] = { 11, 0x8a, 0x03, 0x20 };
  TcDtmfPayload payload = { 11, TRUE, 10, 800 };
  TcDtmfPayload parsed;
  guint8 out[TC_DTMF_PAYLOAD_SIZE];

  tc_dtmf_payload_write (&payload, out);
  g_assert_cmpmem (out, sizeof out, expected, sizeof expected);
  g_assert_true (tc_dtmf_payload_parse (expected, sizeof expected, &parsed));
  g_assert_cmpuint (parsed.event, ==, 11);
  g_assert_true (parsed.end);
  g_assert_cmpuint (parsed.volume, ==, 10);
  g_assert_cmpuint (parsed.duration, ==, 800);
  /* The R bit is ignored, a short payload refused. */
  {
    const guint8 reserved[] = { 1, 0x4a, 0, 160 };

    g_assert_true (tc_dtmf_payload_parse (reserved, sizeof reserved, &parsed));
    g_assert_false (parsed.end);
    g_assert_cmpuint (parsed.volume, ==, 10);
    g_assert_false (tc_dtmf_payload_parse (reserved, 3, &parsed));
  }
}

typedef struct {
  TcDtmfPacket packet;
  gint64 time_us;
} SentPacket;

static void
on_sent (const TcDtmfPacket *packet, gpointer user_data)
{
  GArray *sent = user_data;
  SentPacket entry = { *packet, g_get_monotonic_time () };

  g_array_append_val (sent, entry);
}

static void
run_until_idle (TcDtmfSender *sender, guint max_ms)
{
  gint64 deadline = g_get_monotonic_time () + max_ms * 1000;

  while (!tc_dtmf_sender_is_idle (sender) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tc_dtmf_sender_is_idle (sender));
}

/* One digit of 100 ms at 8 kHz, one packet per 20 ms: durations 160,
 * 320, 480, 640, then 800 with E three times (RFC 4733 §2.5.1). */
static void
assert_digit (GArray *sent, guint first, guint8 event)
{
  const guint durations[] = { 160, 320, 480, 640, 800, 800, 800 };

  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    {
      const SentPacket *p = &g_array_index (sent, SentPacket, first + i);

      g_assert_cmpuint (p->packet.payload.event, ==, event);
      g_assert_cmpuint (p->packet.payload.duration, ==, durations[i]);
      g_assert_cmpuint (p->packet.payload.volume, ==, 10);
      g_assert_cmpint (p->packet.start, ==, i == 0);
      g_assert_cmpint (p->packet.payload.end, ==, i >= 4);
      if (i > 0)
        {
          gint64 spacing = p->time_us - g_array_index (sent, SentPacket, first + i - 1).time_us;

          g_assert_cmpint (spacing, >=, 19000);
          g_assert_cmpint (spacing, <, 200000);
        }
    }
}

static void
test_sender (void)
{
  g_autoptr (GArray) sent = g_array_new (FALSE, FALSE, sizeof (SentPacket));
  g_autoptr (TcDtmfSender) sender = tc_dtmf_sender_new (NULL, 8000, 20, on_sent, sent);

  g_assert_true (tc_dtmf_sender_is_idle (sender));
  tc_dtmf_sender_queue (sender, "1", 100);
  /* The first packet goes out at once. */
  g_assert_cmpuint (sent->len, ==, 1);
  tc_dtmf_sender_queue (sender, "#", 100);
  run_until_idle (sender, 2000);
  g_assert_cmpuint (sent->len, ==, 14);
  assert_digit (sent, 0, 1);
  assert_digit (sent, 7, 11);
  /* The gap between the last end packet and the next event. */
  g_assert_cmpint (g_array_index (sent, SentPacket, 7).time_us - g_array_index (sent, SentPacket, 6).time_us, >=,
                   TC_DTMF_GAP_MS * 1000);

  /* Durations are clamped; a bad digit in the string is skipped. */
  g_array_set_size (sent, 0);
  tc_dtmf_sender_queue (sender, "x5", 1);
  run_until_idle (sender, 2000);
  g_assert_cmpuint (sent->len, ==, 4); /* 40 ms: 160, then 320 with E ×3 */
  g_assert_cmpuint (g_array_index (sent, SentPacket, 0).packet.payload.event, ==, 5);
  g_assert_cmpuint (g_array_index (sent, SentPacket, 3).packet.payload.duration, ==, 320);
  g_assert_true (g_array_index (sent, SentPacket, 1).packet.payload.end);
}

static void
test_sender_cancel (void)
{
  g_autoptr (GArray) sent = g_array_new (FALSE, FALSE, sizeof (SentPacket));
  g_autoptr (TcDtmfSender) sender = tc_dtmf_sender_new (NULL, 8000, 20, on_sent, sent);

  tc_dtmf_sender_queue (sender, "123", 1000);
  tc_dtmf_sender_cancel (sender);
  g_assert_true (tc_dtmf_sender_is_idle (sender));
  /* The event in progress is ended at once: no stuck tone at the far end. */
  g_assert_cmpuint (sent->len, ==, 4);
  for (guint i = 1; i < 4; i++)
    g_assert_true (g_array_index (sent, SentPacket, i).packet.payload.end);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (sent->len, ==, 4);
}

typedef struct {
  GString *digits;
  GArray *durations;
} Reports;

static void
on_received (char digit, guint duration_ms, gpointer user_data)
{
  Reports *reports = user_data;

  g_string_append_c (reports->digits, digit);
  g_array_append_val (reports->durations, duration_ms);
}

static void
push (TcDtmfReceiver *receiver, guint32 timestamp, guint8 event, gboolean end, guint16 duration)
{
  TcDtmfPayload payload = { event, end, 10, duration };
  guint8 bytes[TC_DTMF_PAYLOAD_SIZE];

  tc_dtmf_payload_write (&payload, bytes);
  tc_dtmf_receiver_push (receiver, timestamp, bytes, sizeof bytes);
}

static void
test_receiver (void)
{
  Reports reports = { g_string_new (NULL), g_array_new (FALSE, FALSE, sizeof (guint)) };
  TcDtmfReceiver *receiver = tc_dtmf_receiver_new (NULL, 8000, on_received, &reports);

  /* A whole event: one report at the first end packet, none for the two
   * retransmissions nor for a late update. */
  push (receiver, 1000, 1, FALSE, 160);
  push (receiver, 1000, 1, FALSE, 320);
  g_assert_cmpuint (reports.digits->len, ==, 0);
  push (receiver, 1000, 1, TRUE, 800);
  push (receiver, 1000, 1, TRUE, 800);
  push (receiver, 1000, 1, TRUE, 800);
  push (receiver, 1000, 1, FALSE, 640);
  g_assert_cmpstr (reports.digits->str, ==, "1");
  g_assert_cmpuint (g_array_index (reports.durations, guint, 0), ==, 100);

  /* All end packets of "2" lost: reported when "3" begins, with the
   * duration seen so far (updates out of order do not shrink it). */
  push (receiver, 5000, 2, FALSE, 160);
  push (receiver, 5000, 2, FALSE, 480);
  push (receiver, 5000, 2, FALSE, 320);
  push (receiver, 9000, 3, FALSE, 160);
  g_assert_cmpstr (reports.digits->str, ==, "12");
  g_assert_cmpuint (g_array_index (reports.durations, guint, 1), ==, 60);
  push (receiver, 9000, 3, TRUE, 1600);
  g_assert_cmpstr (reports.digits->str, ==, "123");
  g_assert_cmpuint (g_array_index (reports.durations, guint, 2), ==, 200);

  /* Non-DTMF events (16: flash) and short payloads are not reported. */
  push (receiver, 12000, 16, TRUE, 800);
  {
    const guint8 short_payload[] = { 4, 0x8a };

    tc_dtmf_receiver_push (receiver, 13000, short_payload, sizeof short_payload);
  }
  g_assert_cmpstr (reports.digits->str, ==, "123");

  /* All end packets of "#" lost and nothing follows: the timeout ends it. */
  push (receiver, 20000, 11, FALSE, 160);
  {
    gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

    while (reports.digits->len < 4 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpstr (reports.digits->str, ==, "123#");
  g_assert_cmpuint (g_array_index (reports.durations, guint, 3), ==, 20);

  tc_dtmf_receiver_free (receiver);
  g_string_free (reports.digits, TRUE);
  g_array_unref (reports.durations);
}

/* What the sender makes, the receiver reads back. */
typedef struct {
  TcDtmfReceiver *receiver;
  guint32 timestamp;
  guint32 next_timestamp;
} Loop;

static void
on_loop_packet (const TcDtmfPacket *packet, gpointer user_data)
{
  Loop *loop = user_data;
  guint8 bytes[TC_DTMF_PAYLOAD_SIZE];

  if (packet->start)
    {
      loop->timestamp = loop->next_timestamp;
      loop->next_timestamp += 8000;
    }
  tc_dtmf_payload_write (&packet->payload, bytes);
  tc_dtmf_receiver_push (loop->receiver, loop->timestamp, bytes, sizeof bytes);
}

static void
test_round_trip (void)
{
  Reports reports = { g_string_new (NULL), g_array_new (FALSE, FALSE, sizeof (guint)) };
  Loop loop = { tc_dtmf_receiver_new (NULL, 8000, on_received, &reports), 0, 1234 };
  g_autoptr (TcDtmfSender) sender = tc_dtmf_sender_new (NULL, 8000, 50, on_loop_packet, &loop);

  tc_dtmf_sender_queue (sender, "123#", 120);
  run_until_idle (sender, 5000);
  g_assert_cmpstr (reports.digits->str, ==, "123#");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (g_array_index (reports.durations, guint, i), ==, 120);
  tc_dtmf_receiver_free (loop.receiver);
  g_string_free (reports.digits, TRUE);
  g_array_unref (reports.durations);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media/dtmf/digits", test_digits);
  g_test_add_func ("/media/dtmf/payload", test_payload);
  g_test_add_func ("/media/dtmf/sender", test_sender);
  g_test_add_func ("/media/dtmf/sender-cancel", test_sender_cancel);
  g_test_add_func ("/media/dtmf/receiver", test_receiver);
  g_test_add_func ("/media/dtmf/round-trip", test_round_trip);
  return g_test_run ();
}
