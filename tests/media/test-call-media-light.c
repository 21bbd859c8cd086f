/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-call-media-light.c — TcCallMedia's light path (call-media-light.c):
 * calls with audio source and sink "none" run without a pipeline.  Two
 * light calls exchange RTP and RTCP per codec (checked through Stats:
 * packets both ways, no loss, a round trip); a pipeline peer decodes the
 * light side's silence without error and measures it; RFC 4733 DTMF both
 * ways, light↔light and light↔pipeline; hold stops sending; Record moves
 * the call onto a pipeline that records the peer's tone and continues
 * the same RTP stream (SSRC, sequence numbers, timestamps, checked on the
 * wire), and PlayFile does too; 50 light calls have no threads of
 * their own; and, under -m perf, the cost of 10/50/100 calls on either
 * path (threads, RSS, CPU, setup and teardown), printed as TAP comments.
 *
 * Tones on the light path: a light A with source tone:600 towards a
 * pipeline B that records, per codec (the recording's frequency checked
 * by Goertzel); mute gives silence; the hand-over to a pipeline keeps
 * the tone going; a re-INVITE's codec change replaces the encoder.  Opus
 * in-band FEC follows the loss a raw peer reports in its RTCP, on the
 * light path and on a pipeline (white-box: the encoder's setting).
 */
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "media/call-media-private.h"
#include "media/call-media.h"
#include "media/media-engine.h"
#include "media/media-error.h"
#include "media/rtp-stats.h"
#include "media/rtp-udp.h"

#include "call-media-util.h"

typedef struct {
  TcCallMedia *media;
  Events events;
  char *recording;
} Side;

typedef struct {
  Side a, b;
  char *dir;
} Fixture;

/* A test case: A's and B's audio sources, and the codec; which side
 * must have a pipeline (else it may take the light path). */
typedef struct {
  const char *a_source, *b_source;
  TcCodec codec;
  gboolean b_pipeline, a_pipeline;
} Case;

static void
side_init (Side *side, const char *source, gboolean light, const char *dir, const char *name)
{
  events_init (&side->events);
  side->media = make_media (source, 10, &side->events);
  side->recording = g_build_filename (dir, name, NULL);
  g_object_set (side->media, "rtcp-interval", 500, "light", light, NULL);
}

static void
side_clear (Side *side)
{
  tc_call_media_stop (side->media);
  g_assert_finalize_object (side->media);
  events_clear (&side->events);
  g_unlink (side->recording);
  g_free (side->recording);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("tincan-test-light-XXXXXX", &error);
  g_assert_no_error (error);
  side_init (&f->a, c ? c->a_source : "none", !(c && c->a_pipeline), f->dir, "a.wav");
  side_init (&f->b, c ? c->b_source : "none", !(c && c->b_pipeline), f->dir, "b.wav");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  side_clear (&f->a);
  side_clear (&f->b);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static gboolean
has_pipeline (TcCallMedia *media)
{
  gboolean value = FALSE;

  g_object_get (media, "has-pipeline", &value, NULL);
  return value;
}

static void
assert_no_failure (Side *side)
{
  for (guint i = 0; i < side->events.failures->len; i++)
    g_test_message ("unexpected failure: %s", (const char *) g_ptr_array_index (side->events.failures, i));
  g_assert_cmpuint (side->events.failures->len, ==, 0);
}

static GVariant *
stats_of (Side *side, const char *name)
{
  GVariant *stats = g_variant_ref_sink (tc_call_media_get_stats (side->media));
  g_autofree char *text = g_variant_print (stats, FALSE);

  g_test_message ("%s: %s", name, text);
  return stats;
}

static gboolean
skip_without (TcCodec codec)
{
  g_autoptr (GError) error = NULL;

  if (tc_media_engine_codec_available (codec, &error))
    return FALSE;
  g_test_skip (error->message);
  return TRUE;
}

static guint64
rtp_received (Side *side)
{
  TcRtpTransportCounters counters;

  tc_rtp_transport_get_counters (tc_call_media_get_transport (side->media), &counters);
  return counters.rtp_received;
}

/* ---- light ↔ light ------------------------------------------------------------------------------ */

/* Both sides light: RTP both ways, RTCP with a round trip, no loss, and
 * packets of the codec's silence frame. */
static void
test_flow (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GVariant) a = NULL;
  g_autoptr (GVariant) b = NULL;
  guint32 bitrate_out = 0;
  guint64 packets;

  if (skip_without (c->codec))
    return;
  apply (f->a.media, f->b.media, c->codec, c->codec == TC_CODEC_OPUS, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, c->codec, c->codec == TC_CODEC_OPUS, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_false (has_pipeline (f->a.media));
  g_assert_false (has_pipeline (f->b.media));
  run_for (2500);
  a = stats_of (&f->a, "A");
  b = stats_of (&f->b, "B");
  for (guint i = 0; i < 2; i++)
    {
      GVariant *stats = i ? b : a;

      /* 2.5 s of 20 ms frames: about 125 packets each way. */
      packets = stat_u64 (stats, "packets-sent");
      g_assert_cmpuint (packets, >, 100);
      g_assert_cmpuint (packets, <, 130);
      g_assert_cmpuint (stat_u64 (stats, "packets-received"), >, 100);
      g_assert_cmpuint (stat_u64 (stats, "packets-lost"), ==, 0);
      g_assert_cmpfloat (stat_double (stats, "jitter-ms"), <, 10);
      /* RTCP both ways: the round trip of a loopback. */
      g_assert_cmpfloat (stat_double (stats, "rtt-ms"), >, 0);
      g_assert_cmpfloat (stat_double (stats, "rtt-ms"), <, 50);
      g_assert_cmpfloat (stat_double (stats, "fraction-lost"), ==, 0);
      g_assert_cmpuint (stat_u64 (stats, "jb-pushed"), ==, 0); /* no jitter buffer */
    }
  if (c->codec == TC_CODEC_PCMU || c->codec == TC_CODEC_PCMA)
    {
      g_assert_cmpuint (stat_u64 (a, "octets-sent"), ==, 160 * stat_u64 (a, "packets-sent"));
      g_assert_true (g_variant_lookup (a, "bitrate-out", "u", &bitrate_out));
      g_assert_cmpuint (bitrate_out, >, 55000);
      g_assert_cmpuint (bitrate_out, <, 75000);
    }
  if (c->codec == TC_CODEC_G722)
    g_assert_cmpuint (stat_u64 (a, "octets-sent"), ==, 160 * stat_u64 (a, "packets-sent"));
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* A stalled main loop: the pacer's late tick sends CATCH_UP_FRAMES (3)
 * frames at once and skips the older ones, counted in "frames-skipped"
 * (none while the loop keeps up). */
static void
test_frames_skipped (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GVariant) before = NULL;
  g_autoptr (GVariant) after = NULL;
  guint64 skipped;

  if (skip_without (c->codec))
    return;
  apply (f->a.media, f->b.media, c->codec, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, c->codec, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (500);
  before = stats_of (&f->a, "A");
  g_assert_cmpuint (stat_u64 (before, "frames-skipped"), ==, 0);
  g_usleep (300 * 1000); /* 15 frames of 20 ms due meanwhile */
  run_for (100);
  after = stats_of (&f->a, "A");
  skipped = stat_u64 (after, "frames-skipped");
  g_assert_cmpuint (skipped, >=, 11);
  g_assert_cmpuint (skipped, <=, 14);
  assert_no_failure (&f->a);
}

/* ---- light ↔ pipeline ---------------------------------------------------------------------------- */

/* A light A and a pipeline B (tone): B decodes A's silence frames without
 * error, records silence, and both sides' RTCP works with the other's
 * (round trips from each other's report blocks). */
static void
test_interop (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GVariant) a = NULL;
  g_autoptr (GVariant) b = NULL;
  g_autoptr (GError) error = NULL;
  Wav wav;

  if (skip_without (c->codec))
    return;
  apply (f->a.media, f->b.media, c->codec, c->codec == TC_CODEC_OPUS, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, c->codec, c->codec == TC_CODEC_OPUS, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_false (has_pipeline (f->a.media));
  g_assert_true (has_pipeline (f->b.media));
  run_for (300);
  g_assert_true (tc_call_media_record (f->b.media, f->b.recording, FALSE, &error));
  g_assert_no_error (error);
  run_for (2200);
  tc_call_media_stop_recording (f->b.media);
  a = stats_of (&f->a, "A (light)");
  b = stats_of (&f->b, "B (pipeline)");
  g_assert_cmpuint (stat_u64 (a, "packets-received"), >, 90);
  g_assert_cmpuint (stat_u64 (a, "packets-lost"), ==, 0);
  g_assert_cmpfloat (stat_double (a, "rtt-ms"), >, 0);
  g_assert_cmpfloat (stat_double (a, "rtt-ms"), <, 50);
  g_assert_cmpuint (stat_u64 (b, "packets-received"), >, 90);
  g_assert_cmpuint (stat_u64 (b, "jb-pushed"), >, 90);
  g_assert_cmpuint (stat_u64 (b, "jb-lost"), <, 3);
  /* rtpbin's round trip needs our report block's LSR/DLSR. */
  g_assert_cmpfloat (stat_double (b, "rtt-ms"), >, 0);
  g_assert_cmpfloat (stat_double (b, "rtt-ms"), <, 50);

  wav_read (f->b.recording, &wav);
  g_test_message ("B recorded %.2f s, %.0f %% silent", (double) wav.n / wav.rate, silence_percent (&wav));
  g_assert_cmpfloat ((double) wav.n / wav.rate, >, 1.5);
  g_assert_cmpfloat (silence_percent (&wav), ==, 100);
  wav_clear (&wav);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* ---- DTMF ---------------------------------------------------------------------------------------- */

static gboolean
has_digits (gpointer data)
{
  Events *events = data;

  return events->digits->len >= 4;
}

static gboolean
has_two_digits (gpointer data)
{
  Events *events = data;

  return events->digits->len >= 2;
}

static void
test_dtmf (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) before = NULL;
  g_autoptr (GVariant) after = NULL;

  g_assert_false (tc_call_media_send_dtmf (f->a.media, "1", 100, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY);
  g_clear_error (&error);
  apply (f->a.media, f->b.media, c->codec, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, c->codec, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (200);
  g_assert_true (tc_call_media_send_dtmf (f->a.media, "123#", 100, &error));
  g_assert_no_error (error);
  g_assert_true (tc_call_media_send_dtmf (f->b.media, "9*", 160, &error));
  g_assert_no_error (error);
  g_assert_true (run_until (has_digits, &f->b.events, 4000));
  g_assert_true (run_until (has_two_digits, &f->a.events, 2000));
  g_assert_cmpstr (f->b.events.digits->str, ==, "123#");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (g_array_index (f->b.events.durations, guint, i), ==, 100);
  g_assert_cmpstr (f->a.events.digits->str, ==, "9*");
  for (guint i = 0; i < 2; i++)
    g_assert_cmpuint (g_array_index (f->a.events.durations, guint, i), ==, 160);
  /* Once per event; the audio stream goes on after the events, and the
   * receiver of the events lost nothing (they share the sequence). */
  before = stats_of (&f->a, "A");
  run_for (400);
  after = stats_of (&f->a, "A");
  g_assert_cmpstr (f->b.events.digits->str, ==, "123#");
  g_assert_cmpuint (stat_u64 (after, "packets-sent") - stat_u64 (before, "packets-sent"), >, 10);
  g_assert_cmpuint (stat_u64 (after, "packets-lost"), ==, 0);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* ---- hold ---------------------------------------------------------------------------------------- */

static void
test_hold (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  TcRtpTransportCounters counters0, counters1;
  guint64 a0, a1, b0, b1;

  apply (f->a.media, f->b.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (300);
  g_assert_cmpuint (rtp_received (&f->a), >, 5);
  /* A holds B: B (recvonly) stops sending; A (sendonly) goes on. */
  apply (f->a.media, f->b.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDONLY);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_RECVONLY);
  g_assert_false (tc_call_media_send_dtmf (f->b.media, "1", 100, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY);
  run_for (100);
  a0 = rtp_received (&f->a);
  b0 = rtp_received (&f->b);
  tc_rtp_transport_get_counters (tc_call_media_get_transport (f->a.media), &counters0);
  run_for (1000);
  a1 = rtp_received (&f->a);
  b1 = rtp_received (&f->b);
  tc_rtp_transport_get_counters (tc_call_media_get_transport (f->a.media), &counters1);
  g_test_message ("on hold for 1 s: A received %" G_GUINT64_FORMAT " RTP, B %" G_GUINT64_FORMAT, a1 - a0, b1 - b0);
  g_assert_cmpuint (a1 - a0, ==, 0);
  g_assert_cmpuint (b1 - b0, >, 40);
  /* RTCP goes on during hold (B's receiver reports). */
  g_assert_cmpuint (counters1.rtcp_received, >, counters0.rtcp_received);

  apply (f->a.media, f->b.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (500);
  g_assert_cmpuint (rtp_received (&f->a) - a1, >, 15);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* ---- moving onto a pipeline ------------------------------------------------------------------------ */

static void
on_notify (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

/* Record on a light call: a pipeline takes over and records the peer's
 * tone; Stats go on counting from where the light path was. */
static void
test_upgrade_record (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) before = NULL;
  g_autoptr (GVariant) after = NULL;
  g_autoptr (GVariant) peer = NULL;
  guint notified = 0;

  g_signal_connect (f->a.media, "notify::has-pipeline", G_CALLBACK (on_notify), &notified);
  apply (f->a.media, f->b.media, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (600);
  g_assert_false (has_pipeline (f->a.media));
  before = stats_of (&f->a, "A (light)");
  g_assert_true (tc_call_media_record (f->a.media, f->a.recording, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (has_pipeline (f->a.media));
  g_assert_cmpuint (notified, ==, 1);
  run_for (1500);
  tc_call_media_stop_recording (f->a.media);
  assert_tone (f->a.recording, 1000, 440);
  after = stats_of (&f->a, "A (pipeline)");
  peer = stats_of (&f->b, "B");
  g_assert_cmpuint (stat_u64 (after, "packets-sent"), >, stat_u64 (before, "packets-sent") + 50);
  g_assert_cmpuint (stat_u64 (after, "packets-received"), >, stat_u64 (before, "packets-received") + 50);
  /* B's rtpbin saw one stream: nothing lost at the change. */
  g_assert_cmpuint (stat_u64 (peer, "packets-lost"), <=, 1);
  g_assert_cmpuint (stat_u64 (peer, "jb-lost"), <=, 1);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* What a raw peer saw of one RTP packet. */
typedef struct {
  guint32 ssrc;
  guint16 seq;
  guint32 timestamp;
  gint64 arrival_us;
} Seen;

static void
on_peer_receive (TcRtpTransport *transport, TcRtpComponent component, const guint8 *data, gsize size,
                 gint64 received_us, gpointer user_data)
{
  GArray *seen = user_data;
  Seen s;

  if (component != TC_RTP_COMPONENT_RTP || size < 12)
    return;
  s.seq = (guint16) (data[2] << 8 | data[3]);
  s.timestamp = (guint32) data[4] << 24 | (guint32) data[5] << 16 | (guint32) data[6] << 8 | data[7];
  s.ssrc = (guint32) data[8] << 24 | (guint32) data[9] << 16 | (guint32) data[10] << 8 | data[11];
  s.arrival_us = received_us;
  g_array_append_val (seen, s);
}

/* A light call towards a raw peer that notes each RTP packet; @upgrade
 * moves it onto a pipeline after 500 ms and returns the number of packets
 * seen until then. */
static guint
run_towards_raw_peer (Fixture *f, GArray *seen, gboolean (*upgrade) (Fixture *f, GError **error))
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcRtpUdp) peer = tc_rtp_udp_new ("127.0.0.1", 0, 0, &error);
  static const TcRtpTransportCallbacks callbacks = { on_peer_receive, NULL };
  TcMediaParams params;
  guint switched;

  g_assert_no_error (error);
  tc_rtp_transport_set_callbacks (TC_RTP_TRANSPORT (peer), &callbacks, seen);
  params_init (&params, tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (peer), TC_RTP_COMPONENT_RTP),
               tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (peer), TC_RTP_COMPONENT_RTCP), TC_CODEC_PCMU, FALSE,
               TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_true (tc_call_media_apply (f->a.media, &params, &error));
  g_assert_no_error (error);
  tc_media_params_clear (&params);
  run_for (500);
  switched = seen->len;
  g_assert_cmpuint (switched, >, 15);
  g_assert_false (has_pipeline (f->a.media));
  g_assert_true (upgrade (f, &error));
  g_assert_no_error (error);
  g_assert_true (has_pipeline (f->a.media));
  run_for (800);
  tc_rtp_transport_close (TC_RTP_TRANSPORT (peer));
  g_test_message ("%u packets from the light path, %u from the pipeline", switched, seen->len - switched);
  g_assert_cmpuint (seen->len - switched, >, 20);
  return switched;
}

/* Packet @i against the one before: the same SSRC, the next sequence
 * number; returns the timestamp's advance minus the arrival's, in ms
 * (8 kHz), near 0 while the timeline is continuous. */
static double
check_next (GArray *seen, guint i)
{
  const Seen *p = &g_array_index (seen, Seen, i - 1), *s = &g_array_index (seen, Seen, i);
  double skew = (gint32) (s->timestamp - p->timestamp) / 8.0 - (s->arrival_us - p->arrival_us) / 1000.0;

  if (s->seq != (guint16) (p->seq + 1) || s->ssrc != p->ssrc || skew > 30 || skew < -30)
    g_test_message ("packet %u: ssrc %08x seq %u ts %u, %+.1f ms against arrival", i, s->ssrc, s->seq, s->timestamp,
                    skew);
  g_assert_cmpuint (s->ssrc, ==, p->ssrc);
  g_assert_cmpuint (s->seq, ==, (guint16) (p->seq + 1));
  return skew;
}

static gboolean
start_recording (Fixture *f, GError **error)
{
  return tc_call_media_record (f->a.media, f->a.recording, FALSE, error);
}

/* Record on a light call: the pipeline continues the light path's RTP
 * stream, as a raw peer sees it on the wire: one SSRC, sequence numbers
 * without a gap, timestamps that follow the clock across the change. */
static void
test_upgrade_continuity (Fixture *f, gconstpointer data)
{
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (Seen));
  guint switched = run_towards_raw_peer (f, seen, start_recording);

  for (guint i = 1; i < seen->len; i++)
    {
      double skew = check_next (seen, i);

      if (i == switched)
        g_test_message ("at the change: %+.1f ms against arrival", skew);
      g_assert_cmpfloat (skew, <, 30);
      g_assert_cmpfloat (skew, >, -30);
    }
  tc_call_media_stop_recording (f->a.media);
  assert_no_failure (&f->a);
}

static gboolean
start_playing (Fixture *f, GError **error)
{
  g_autofree char *wav = g_build_filename (f->dir, "prompt.wav", NULL);
  gboolean ok;

  write_tone_wav (wav, 700, 8000, 0.3);
  ok = tc_call_media_play_file (f->a.media, wav, error);
  g_unlink (wav);
  return ok;
}

/* PlayFile on a light call: played to its end on the pipeline, in the
 * same stream (the file source's own timing is the pipeline's business:
 * only SSRC and sequence numbers are checked past the change). */
static void
test_upgrade_play (Fixture *f, gconstpointer data)
{
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (Seen));
  guint switched = run_towards_raw_peer (f, seen, start_playing);

  for (guint i = 1; i < seen->len; i++)
    {
      double skew = check_next (seen, i);

      /* Building the pipeline holds the main loop a few ms; under
       * AddressSanitizer it is ~100x slower, so timing is not checked there. */
#ifndef __SANITIZE_ADDRESS__
      if (i <= switched)
        {
          g_assert_cmpfloat (skew, <, 30);
          g_assert_cmpfloat (skew, >, -30);
        }
#else
      (void) skew;
      (void) switched;
#endif
    }
  g_assert_cmpuint (f->a.events.finished->len, ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (f->a.events.finished, 0), "prompt.wav"));
  assert_no_failure (&f->a);
}

/* ---- tones on the light path ---------------------------------------------------------------------- */

/* B records what it receives for @ms, into @path. */
static void
record_b (Fixture *f, const char *path, guint ms)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tc_call_media_record (f->b.media, path, FALSE, &error));
  g_assert_no_error (error);
  run_for (ms);
  tc_call_media_stop_recording (f->b.media);
}

static void
apply_both (Fixture *f, TcCodec codec)
{
  apply (f->a.media, f->b.media, codec, codec == TC_CODEC_OPUS, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, codec, codec == TC_CODEC_OPUS, TC_MEDIA_DIRECTION_SENDRECV);
}

/* A light A with tone:600 (generated and encoded on the pacer's tick),
 * a pipeline B that decodes and records it: B hears 600 Hz. */
static void
test_tone (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GVariant) a = NULL;
  guint64 packets;

  if (skip_without (c->codec))
    return;
  apply_both (f, c->codec);
  g_assert_false (has_pipeline (f->a.media));
  g_assert_true (has_pipeline (f->b.media));
  run_for (300);
  record_b (f, f->b.recording, 2000);
  assert_tone (f->b.recording, 600, 1000);
  a = stats_of (&f->a, "A (light, tone)");
  packets = stat_u64 (a, "packets-sent");
  g_assert_cmpuint (packets, >, 100);
  g_assert_cmpuint (packets, <, 130);
  if (c->codec != TC_CODEC_OPUS)
    g_assert_cmpuint (stat_u64 (a, "octets-sent"), ==, 160 * packets);
  g_assert_false (has_pipeline (f->a.media));
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* Mute: A goes on sending, frames of silence; unmuted, the tone again. */
static void
test_tone_mute (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  g_autofree char *unmuted = g_build_filename (f->dir, "unmuted.wav", NULL);
  g_autoptr (GVariant) before = NULL;
  g_autoptr (GVariant) after = NULL;
  Wav wav;

  if (skip_without (c->codec))
    return;
  apply_both (f, c->codec);
  run_for (300);
  tc_call_media_set_muted (f->a.media, TRUE);
  run_for (300); /* what was sent before lands */
  before = stats_of (&f->a, "A (muted)");
  record_b (f, f->b.recording, 1000);
  after = stats_of (&f->a, "A (muted)");
  g_assert_cmpuint (stat_u64 (after, "packets-sent") - stat_u64 (before, "packets-sent"), >, 40);
  wav_read (f->b.recording, &wav);
  g_test_message ("muted: B recorded %.2f s, %.0f %% silent", (double) wav.n / wav.rate, silence_percent (&wav));
  g_assert_cmpfloat ((double) wav.n / wav.rate, >, 0.7);
  g_assert_cmpfloat (silence_percent (&wav), ==, 100);
  wav_clear (&wav);

  tc_call_media_set_muted (f->a.media, FALSE);
  run_for (300);
  record_b (f, unmuted, 1500);
  assert_tone (unmuted, 600, 1000);
  g_unlink (unmuted);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* Record on a light call with a tone: the pipeline that takes over makes
 * the tone from then on; B, recording across the change, hears it
 * throughout, in one stream. */
static void
test_tone_upgrade (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) peer = NULL;

  apply_both (f, TC_CODEC_PCMU);
  run_for (300);
  g_assert_true (tc_call_media_record (f->b.media, f->b.recording, FALSE, &error));
  g_assert_no_error (error);
  run_for (700);
  g_assert_false (has_pipeline (f->a.media));
  g_assert_true (tc_call_media_record (f->a.media, f->a.recording, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (has_pipeline (f->a.media));
  run_for (1500);
  tc_call_media_stop_recording (f->a.media);
  tc_call_media_stop_recording (f->b.media);
  assert_tone (f->b.recording, 600, 1000);
  peer = stats_of (&f->b, "B");
  g_assert_cmpuint (stat_u64 (peer, "packets-lost"), <=, 1);
  g_assert_cmpuint (stat_u64 (peer, "jb-lost"), <=, 1);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* A re-INVITE from PCMU to G.722: the light call's encoder is replaced
 * (G.711 of our own → avenc_g722), and B hears the tone in the new codec.
 * (Not towards Opus: B's pipeline cannot change its send codec to another
 * RTP clock rate, rtpdtmfmux refuses the new payloader's caps.) */
static void
test_tone_codec_change (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) a = NULL;
  const char *codec = NULL;

  if (skip_without (TC_CODEC_G722))
    return;
  apply_both (f, TC_CODEC_PCMU);
  run_for (300);
  apply_both (f, TC_CODEC_G722);
  g_assert_false (has_pipeline (f->a.media));
  run_for (400);
  record_b (f, f->b.recording, 1500);
  assert_tone (f->b.recording, 600, 1000);
  a = stats_of (&f->a, "A (light, g722)");
  g_assert_true (g_variant_lookup (a, "codec", "&s", &codec));
  g_assert_cmpstr (codec, ==, "g722");
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* ---- adaptive Opus FEC ---------------------------------------------------------------------------- */

/* The packet-loss-percentage A's Opus encoder is set to now, on either
 * path (white-box). */
static gint
fec_percent (TcCallMedia *media)
{
  gint percent = -1;

  if (!has_pipeline (media))
    return tc_call_media_light_get_fec_percent (media);
  g_assert_nonnull (media->encoder);
  g_object_get (media->encoder, "packet-loss-percentage", &percent, NULL);
  return percent;
}

/* A raw peer that A sends Opus to (sendonly: nothing expected back but
 * RTCP) reports @fraction_lost on A's stream in an RR, @n times, 250 ms
 * apart; returns what A's encoder is set to then. */
static gint
report_loss (TcCallMedia *media, TcRtpTransport *peer, GArray *seen, guint fraction_lost, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      guint8 packet[TC_RTCP_REPORT_MAX];
      TcRtcpReportBlock block = { 0 };
      const Seen *last;
      gsize size;

      run_for (250);
      g_assert_cmpuint (seen->len, >, 0);
      last = &g_array_index (seen, Seen, seen->len - 1);
      block.ssrc = last->ssrc;
      block.fraction_lost = (guint8) fraction_lost;
      block.highest_seq = last->seq + (1u << 16); /* a new report every time */
      size = tc_rtcp_write_report (packet, 0x7ee12345, NULL, &block, "raw-peer");
      g_assert_true (tc_rtp_transport_send (peer, TC_RTP_COMPONENT_RTCP, packet, size));
    }
  run_for (100);
  return fec_percent (media);
}

/* In-band FEC on (the peer asked) but sized for 0 % until the peer
 * reports loss; ~10 % reported → 10 %, then clean reports → 0 again. */
static void
test_fec (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  gboolean light = !c->a_pipeline;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcRtpUdp) udp = tc_rtp_udp_new ("127.0.0.1", 0, 0, &error);
  static const TcRtpTransportCallbacks callbacks = { on_peer_receive, NULL };
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (Seen));
  g_autoptr (GInetSocketAddress) rtp = NULL;
  g_autoptr (GInetSocketAddress) rtcp = NULL;
  TcRtpTransport *peer;
  TcMediaParams params;
  gint percent;

  if (skip_without (TC_CODEC_OPUS))
    return;
  g_assert_no_error (error);
  peer = TC_RTP_TRANSPORT (udp);
  tc_rtp_transport_set_callbacks (peer, &callbacks, seen);
  rtp = loopback (tc_call_media_get_rtp_port (f->a.media));
  rtcp = loopback (tc_call_media_get_rtcp_port (f->a.media));
  tc_rtp_transport_set_remote (peer, rtp, rtcp, FALSE);
  params_init (&params, tc_rtp_transport_get_local_port (peer, TC_RTP_COMPONENT_RTP),
               tc_rtp_transport_get_local_port (peer, TC_RTP_COMPONENT_RTCP), TC_CODEC_OPUS, FALSE,
               TC_MEDIA_DIRECTION_SENDONLY);
  g_assert_true (params.opus_fec);
  g_assert_true (tc_call_media_apply (f->a.media, &params, &error));
  g_assert_no_error (error);
  tc_media_params_clear (&params);
  g_assert_cmpint (has_pipeline (f->a.media), ==, !light);
  g_assert_cmpint (fec_percent (f->a.media), ==, 0);

  percent = report_loss (f->a.media, peer, seen, 0, 2);
  g_test_message ("no loss reported: %d %%", percent);
  g_assert_cmpint (percent, ==, 0);
  percent = report_loss (f->a.media, peer, seen, 26, 5); /* 10.2 % */
  g_test_message ("10 %% loss reported 5 times: %d %%", percent);
  g_assert_cmpint (percent, ==, 10);
  percent = report_loss (f->a.media, peer, seen, 0, 2);
  g_test_message ("then no loss, twice: %d %%", percent);
  g_assert_cmpint (percent, >, 0);
  g_assert_cmpint (percent, <=, 10);
  percent = report_loss (f->a.media, peer, seen, 0, 12);
  g_test_message ("then no loss, 14 times: %d %%", percent);
  g_assert_cmpint (percent, ==, 0);
  tc_rtp_transport_close (peer);
  assert_no_failure (&f->a);
}

/* ---- many calls ----------------------------------------------------------------------------------- */

/* 50 light calls (100 media) add no thread, all exchange packets, and
 * stopping them leaves no fd. */
static void
test_many (void)
{
  TcCallMedia *medias[100];
  Events events;
  guint threads, fds;

  g_thread_pool_set_max_unused_threads (0);
  threads = settled_threads (0);
  fds = count_fds ();
  events_init (&events);
  for (guint i = 0; i < G_N_ELEMENTS (medias); i += 2)
    {
      medias[i] = make_media ("none", 10, &events);
      medias[i + 1] = make_media ("none", 10, &events);
      apply (medias[i], medias[i + 1], TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
      apply (medias[i + 1], medias[i], TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
    }
  run_for (600);
  g_test_message ("50 light calls: %u threads (%u before)", count_threads (), threads);
  g_assert_cmpuint (count_threads (), ==, threads);
  for (guint i = 0; i < G_N_ELEMENTS (medias); i++)
    {
      g_autoptr (GVariant) stats = g_variant_ref_sink (tc_call_media_get_stats (medias[i]));

      g_assert_false (has_pipeline (medias[i]));
      g_assert_cmpuint (stat_u64 (stats, "packets-received"), >, 15);
      g_assert_cmpuint (stat_u64 (stats, "packets-lost"), ==, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (medias); i++)
    {
      tc_call_media_stop (medias[i]);
      g_assert_finalize_object (medias[i]);
    }
  g_assert_cmpuint (events.failures->len, ==, 0);
  events_clear (&events);
  run_for (20);
  g_assert_cmpuint (count_fds (), ==, fds);
}

/* ---- cost (-m perf) ---------------------------------------------------------------------------------- */

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

typedef struct {
  gboolean light;
  TcCodec codec;
  guint calls;
  gboolean tone; /* on the light path: tone:440 rather than none (a pipeline always has the tone) */
} CostCase;

static const char *
cost_path (const CostCase *c)
{
  return !c->light ? "pipeline" : c->tone ? "light-tone" : "light";
}

/* @calls calls (two media each, one process): threads, RSS and CPU per
 * call while they run, and the wall and CPU time to set up (create and
 * apply both sides) and tear down (stop, finalize) one call. */
static void
test_cost (gconstpointer data)
{
  const CostCase *c = data;
  guint n = c->calls * 2;
  g_autofree TcCallMedia **medias = g_new0 (TcCallMedia *, n);
  const char *source = c->light && !c->tone ? "none" : "tone:440";
  Events events;
  guint threads0, threads1;
  guint64 rss0, rss1;
  double cpu0, cpu1, setup_cpu, teardown_cpu;
  gint64 t0, setup_us, teardown_us;

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf");
      return;
    }
  if (skip_without (c->codec))
    return;
  g_thread_pool_set_max_unused_threads (0);
  {
    /* Warm: plugins loaded, the silence frames made, the allocator's
     * arenas in use. */
    TcCallMedia *warm[2];

    events_init (&events);
    for (guint i = 0; i < 2; i++)
      {
        warm[i] = make_media (source, 10, &events);
        g_object_set (warm[i], "light", c->light, NULL);
      }
    apply (warm[0], warm[1], c->codec, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
    apply (warm[1], warm[0], c->codec, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
    run_for (200);
    for (guint i = 0; i < 2; i++)
      {
        tc_call_media_stop (warm[i]);
        g_assert_finalize_object (warm[i]);
      }
    events_clear (&events);
  }
  threads0 = settled_threads (0);
  rss0 = rss_kib ();
  events_init (&events);

  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i += 2)
    {
      medias[i] = make_media (source, 10, &events);
      medias[i + 1] = make_media (source, 10, &events);
      g_object_set (medias[i], "light", c->light, NULL);
      g_object_set (medias[i + 1], "light", c->light, NULL);
      apply (medias[i], medias[i + 1], c->codec, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
      apply (medias[i + 1], medias[i], c->codec, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
    }
  setup_us = g_get_monotonic_time () - t0;
  setup_cpu = cpu_seconds () - cpu0;

  run_for (1000);
  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  run_for (5000);
  cpu1 = cpu_seconds ();
  threads1 = count_threads ();
  rss1 = rss_kib ();
  {
    double seconds = (g_get_monotonic_time () - t0) / 1e6;
    double loss = 0;

    for (guint i = 0; i < n; i++)
      {
        g_autoptr (GVariant) stats = g_variant_ref_sink (tc_call_media_get_stats (medias[i]));

        loss += stat_u64 (stats, "packets-lost");
      }
    g_test_message ("cost, %s, %s, %u calls (%u media): %u threads (%.1f per call), %" G_GUINT64_FORMAT
                    " KiB RSS (%.0f KiB per call), CPU %.1f %% of a core (%.3f %% per call), %.0f packets lost",
                    cost_path (c), tc_codec_get_info (c->codec)->nick, c->calls, n, threads1 - threads0,
                    (threads1 - threads0) / (double) c->calls, rss1 - rss0, (double) (rss1 - rss0) / c->calls,
                    (cpu1 - cpu0) / seconds * 100, (cpu1 - cpu0) / seconds * 100 / c->calls, loss);
  }

  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      tc_call_media_stop (medias[i]);
      g_assert_finalize_object (medias[i]);
    }
  teardown_us = g_get_monotonic_time () - t0;
  teardown_cpu = cpu_seconds () - cpu0;
  g_test_message ("cost, %s, %s: per call setup %.2f ms (CPU %.2f ms), teardown %.2f ms (CPU %.2f ms)", cost_path (c),
                  tc_codec_get_info (c->codec)->nick, setup_us / 1000.0 / c->calls, setup_cpu * 1000 / c->calls,
                  teardown_us / 1000.0 / c->calls, teardown_cpu * 1000 / c->calls);
  /* A pipeline run near saturation may report "no-rtp"; the light path
   * must not. */
  g_test_message ("cost, %s: %u failures%s%s", cost_path (c), events.failures->len,
                  events.failures->len ? ", the first: " : "",
                  events.failures->len ? (const char *) g_ptr_array_index (events.failures, 0) : "");
  if (c->light)
    g_assert_cmpuint (events.failures->len, ==, 0);
  events_clear (&events);
}

int
main (int argc, char **argv)
{
  static const Case light_pcmu = { "none", "none", TC_CODEC_PCMU }, light_pcma = { "none", "none", TC_CODEC_PCMA },
                    light_g722 = { "none", "none", TC_CODEC_G722 }, light_opus = { "none", "none", TC_CODEC_OPUS },
                    mixed_pcmu = { "none", "tone:1000", TC_CODEC_PCMU, TRUE },
                    mixed_g722 = { "none", "tone:1000", TC_CODEC_G722, TRUE },
                    mixed_opus = { "none", "tone:1000", TC_CODEC_OPUS, TRUE },
                    tone_pcmu = { "tone:600", "none", TC_CODEC_PCMU, TRUE },
                    tone_pcma = { "tone:600", "none", TC_CODEC_PCMA, TRUE },
                    tone_g722 = { "tone:600", "none", TC_CODEC_G722, TRUE },
                    tone_opus = { "tone:600", "none", TC_CODEC_OPUS, TRUE },
                    tone_light_pcmu = { "tone:600", "tone:1000", TC_CODEC_PCMU, FALSE },
                    fec_light = { "tone:600", "none", TC_CODEC_OPUS, FALSE, FALSE },
                    fec_pipeline = { "tone:600", "none", TC_CODEC_OPUS, FALSE, TRUE };
  static const CostCase costs[] = {
    { TRUE, TC_CODEC_PCMU, 10 },        { TRUE, TC_CODEC_PCMU, 50 },        { TRUE, TC_CODEC_PCMU, 100 },
    { TRUE, TC_CODEC_PCMU, 250 },       { TRUE, TC_CODEC_PCMU, 500 },       { TRUE, TC_CODEC_OPUS, 100 },
    { FALSE, TC_CODEC_PCMU, 10 },       { FALSE, TC_CODEC_PCMU, 50 },       { FALSE, TC_CODEC_PCMU, 100 },
    { FALSE, TC_CODEC_OPUS, 50 },       { TRUE, TC_CODEC_PCMU, 100, TRUE }, { TRUE, TC_CODEC_OPUS, 50, TRUE },
    { TRUE, TC_CODEC_G722, 100, TRUE },
  };

  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  if (!tc_media_engine_ensure (&error))
    {
      g_test_skip_printf ("no GStreamer: %s", error->message);
      return g_test_run ();
    }

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/media/call-media-light/flow/pcmu", test_flow, &light_pcmu);
  ADD ("/media/call-media-light/flow/pcma", test_flow, &light_pcma);
  ADD ("/media/call-media-light/flow/g722", test_flow, &light_g722);
  ADD ("/media/call-media-light/flow/opus-mux", test_flow, &light_opus);
  ADD ("/media/call-media-light/interop/pcmu", test_interop, &mixed_pcmu);
  ADD ("/media/call-media-light/interop/g722", test_interop, &mixed_g722);
  ADD ("/media/call-media-light/interop/opus-mux", test_interop, &mixed_opus);
  ADD ("/media/call-media-light/dtmf/light-light", test_dtmf, &light_pcmu);
  ADD ("/media/call-media-light/dtmf/light-pipeline", test_dtmf, &mixed_pcmu);
  ADD ("/media/call-media-light/dtmf/light-pipeline-opus", test_dtmf, &mixed_opus);
  ADD ("/media/call-media-light/hold", test_hold, &light_pcmu);
  ADD ("/media/call-media-light/frames-skipped", test_frames_skipped, &tone_light_pcmu);
  ADD ("/media/call-media-light/upgrade/record", test_upgrade_record, &mixed_pcmu);
  ADD ("/media/call-media-light/upgrade/continuity", test_upgrade_continuity, &light_pcmu);
  ADD ("/media/call-media-light/upgrade/play-file", test_upgrade_play, &light_pcmu);
  ADD ("/media/call-media-light/tone/pcmu", test_tone, &tone_pcmu);
  ADD ("/media/call-media-light/tone/pcma", test_tone, &tone_pcma);
  ADD ("/media/call-media-light/tone/g722", test_tone, &tone_g722);
  ADD ("/media/call-media-light/tone/opus", test_tone, &tone_opus);
  ADD ("/media/call-media-light/tone/mute-pcmu", test_tone_mute, &tone_pcmu);
  ADD ("/media/call-media-light/tone/mute-opus", test_tone_mute, &tone_opus);
  ADD ("/media/call-media-light/tone/upgrade", test_tone_upgrade, &tone_pcmu);
  ADD ("/media/call-media-light/tone/upgrade-continuity", test_upgrade_continuity, &tone_light_pcmu);
  ADD ("/media/call-media-light/tone/codec-change", test_tone_codec_change, &tone_pcmu);
  ADD ("/media/call-media-light/fec/light", test_fec, &fec_light);
  ADD ("/media/call-media-light/fec/pipeline", test_fec, &fec_pipeline);
#undef ADD
  g_test_add_func ("/media/call-media-light/many", test_many);
  for (guint i = 0; i < G_N_ELEMENTS (costs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/media/call-media-light/cost/%s/%s/%u", cost_path (&costs[i]),
                                               tc_codec_get_info (costs[i].codec)->nick, costs[i].calls);

      g_test_add_data_func (path, &costs[i], test_cost);
    }
  return g_test_run ();
}
