/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-call-media.c — two TcCallMedia in one process on 127.0.0.1 with
 * hand-made TcMediaParams (no SDP): each sends its own tone (440 Hz and
 * 1000 Hz) and records what it receives; a Goertzel check finds the other
 * side's tone in the WAV.  Per codec (PCMU, PCMA, G.722, Opus); a mix of
 * both directions; RFC 4733 DTMF both ways; hold (sendonly/recvonly) and
 * resume; a codec change mid-call; play_file (WAV, Ogg Opus) with
 * play-finished; statistics after a few RTCP intervals; "failed" for a
 * silent peer (no-rtp) and a missing device; API errors; 20
 * create/apply/stop cycles leaving no threads or fds; and the cost of 10
 * calls (threads, RSS and CPU per call, printed as TAP comments; with a
 * silent source too under -m perf).
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "media/call-media.h"
#include "media/media-engine.h"
#include "media/media-error.h"
#include "media/rtp-udp.h"

#include "call-media-util.h"

/* ---- main loop helpers ---------------------------------------------------------------- */

/* ---- calls ------------------------------------------------------------------------------------- */

typedef struct {
  TcCallMedia *media;
  Events events;
  char *recording;
} Side;

typedef struct {
  Side a, b;
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("tincan-test-media-XXXXXX", &error);
  g_assert_no_error (error);
  events_init (&f->a.events);
  events_init (&f->b.events);
  f->a.media = make_media ("tone:440", 10, &f->a.events);
  f->b.media = make_media ("tone:1000", 10, &f->b.events);
  f->a.recording = g_build_filename (f->dir, "a.wav", NULL);
  f->b.recording = g_build_filename (f->dir, "b.wav", NULL);
}

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tc_call_media_stop (f->a.media);
  tc_call_media_stop (f->b.media);
  g_assert_finalize_object (f->a.media);
  g_assert_finalize_object (f->b.media);
  events_clear (&f->a.events);
  events_clear (&f->b.events);
  g_free (f->a.recording);
  g_free (f->b.recording);
  rm_rf (f->dir);
  g_free (f->dir);
}

static void
record (Side *side, gboolean both)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tc_call_media_record (side->media, side->recording, both, &error));
  g_assert_no_error (error);
}

static void
assert_no_failure (Side *side)
{
  for (guint i = 0; i < side->events.failures->len; i++)
    g_test_message ("unexpected failure: %s", (const char *) g_ptr_array_index (side->events.failures, i));
  g_assert_cmpuint (side->events.failures->len, ==, 0);
}

/* tests/tools/tone-check.py, the end-to-end tests' checker, agrees (when
 * python3 is there). */
static void
check_with_tool (const char *path, guint hz)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *tool = g_test_build_filename (G_TEST_DIST, "tools", "tone-check.py", NULL);
  g_autofree char *expect = g_strdup_printf ("%u", hz);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { python, tool, path, "--expect", expect, NULL };
  int status = -1;

  if (!python || !g_file_test (tool, G_FILE_TEST_EXISTS))
    {
      g_test_message ("tone-check.py not run (no python3, or no %s)", tool);
      return;
    }
  g_assert_true (
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s", g_strstrip (out));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* ---- codecs ------------------------------------------------------------------------------------ */

typedef struct {
  TcCodec codec;
  gboolean mux;
} CodecCase;

static void
test_codec (Fixture *f, gconstpointer data)
{
  const CodecCase *c = data;
  g_autoptr (GError) error = NULL;

  if (!tc_media_engine_codec_available (c->codec, &error))
    {
      g_test_skip (error->message);
      return;
    }
  apply (f->a.media, f->b.media, c->codec, c->mux, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, c->codec, c->mux, TC_MEDIA_DIRECTION_SENDRECV);
  record (&f->a, FALSE);
  /* B records both directions: its own 1000 Hz and A's 440 Hz, mixed. */
  record (&f->b, TRUE);
  run_for (1800);
  tc_call_media_stop_recording (f->a.media);
  tc_call_media_stop_recording (f->b.media);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
  assert_tone (f->a.recording, 1000, 440);
  check_with_tool (f->a.recording, 1000);
  {
    Wav wav;
    double mine, theirs;

    wav_read (f->b.recording, &wav);
    mine = file_tone_ratio (&wav, 1000, 300, 0);
    theirs = file_tone_ratio (&wav, 440, 300, 0);
    g_test_message ("%s (both directions): 1000 Hz %.3f, 440 Hz %.3f", f->b.recording, mine, theirs);
    g_assert_cmpfloat (mine, >, 0.15);
    g_assert_cmpfloat (theirs, >, 0.15);
    g_assert_cmpfloat (mine + theirs, >, 0.7);
    wav_clear (&wav);
  }
}

/* ---- DTMF ------------------------------------------------------------------------------------- */

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
  TcCodec codec = GPOINTER_TO_UINT (data);
  g_autoptr (GError) error = NULL;

  /* Before apply: not running. */
  g_assert_false (tc_call_media_send_dtmf (f->a.media, "1", 100, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY);
  g_clear_error (&error);

  apply (f->a.media, f->b.media, codec, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, codec, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (200);
  record (&f->b, FALSE);
  g_assert_true (tc_call_media_send_dtmf (f->a.media, "123#", 100, &error));
  g_assert_no_error (error);
  g_assert_true (tc_call_media_send_dtmf (f->b.media, "9*", 160, &error));
  g_assert_no_error (error);
  g_assert_false (tc_call_media_send_dtmf (f->b.media, "9x", 160, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (run_until (has_digits, &f->b.events, 4000));
  g_assert_true (run_until (has_two_digits, &f->a.events, 2000));
  g_assert_cmpstr (f->b.events.digits->str, ==, "123#");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (g_array_index (f->b.events.durations, guint, i), ==, 100);
  g_assert_cmpstr (f->a.events.digits->str, ==, "9*");
  for (guint i = 0; i < 2; i++)
    g_assert_cmpuint (g_array_index (f->a.events.durations, guint, i), ==, 160);
  /* Once per event: retransmitted end packets add nothing. */
  run_for (300);
  g_assert_cmpstr (f->b.events.digits->str, ==, "123#");
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);

  /* The audio around the events is whole: rtpdtmfmux holds A's tone back
   * while an event is sent, and the tone comes back after. */
  run_for (500);
  tc_call_media_stop_recording (f->b.media);
  {
    Wav wav;
    double ms = 0;

    wav_read (f->b.recording, &wav);
    ms = (double) wav.n * 1000 / wav.rate;
    g_test_message ("B's recording: %.0f ms, 440 Hz over the last 400 ms %.3f", ms,
                    file_tone_ratio (&wav, 440, (guint) ms - 400, 0));
    g_assert_cmpfloat (file_tone_ratio (&wav, 440, (guint) ms - 400, 0), >, 0.6);
    wav_clear (&wav);
  }

  /* No telephone-event negotiated. */
  {
    TcMediaParams params;

    params_init (&params, tc_call_media_get_rtp_port (f->b.media), tc_call_media_get_rtcp_port (f->b.media), codec,
                 FALSE, TC_MEDIA_DIRECTION_SENDRECV);
    params.send_dtmf_pt = 0;
    g_assert_true (tc_call_media_apply (f->a.media, &params, &error));
    g_assert_no_error (error);
    tc_media_params_clear (&params);
    g_assert_false (tc_call_media_send_dtmf (f->a.media, "1", 100, &error));
    g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC);
  }
}

/* ---- hold -------------------------------------------------------------------------------------- */

static guint64
rtp_received (Side *side)
{
  TcRtpTransportCounters counters;

  tc_rtp_transport_get_counters (tc_call_media_get_transport (side->media), &counters);
  return counters.rtp_received;
}

static void
test_hold (Fixture *f, gconstpointer data)
{
  guint64 a0, a1, b0, b1;
  g_autoptr (GError) error = NULL;

  apply (f->a.media, f->b.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (500);
  g_assert_cmpuint (rtp_received (&f->a), >, 10);
  g_assert_cmpuint (rtp_received (&f->b), >, 10);

  /* A holds B (RFC 3264 §8.4): A sendonly, B answers recvonly; B stops
   * sending, so A stops receiving; A's audio (music on hold) still flows. */
  apply (f->a.media, f->b.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDONLY);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_RECVONLY);
  g_assert_false (tc_call_media_send_dtmf (f->b.media, "1", 100, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY);
  run_for (200); /* packets on the way */
  a0 = rtp_received (&f->a);
  b0 = rtp_received (&f->b);
  record (&f->b, FALSE);
  run_for (800);
  a1 = rtp_received (&f->a);
  b1 = rtp_received (&f->b);
  tc_call_media_stop_recording (f->b.media);
  g_test_message ("on hold for 800 ms: A received %" G_GUINT64_FORMAT ", B %" G_GUINT64_FORMAT, a1 - a0, b1 - b0);
  g_assert_cmpuint (a1 - a0, ==, 0);
  g_assert_cmpuint (b1 - b0, >, 30);
  assert_tone (f->b.recording, 440, 1000);

  /* Resume. */
  apply (f->a.media, f->b.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  record (&f->a, FALSE);
  run_for (1000);
  tc_call_media_stop_recording (f->a.media);
  g_assert_cmpuint (rtp_received (&f->a) - a1, >, 30);
  assert_tone (f->a.recording, 1000, 440);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* A codec change mid-call rebuilds the send branch on one side and the
 * receive branch on the other; the tone goes on.  @data: the new codec
 * (from PCMU): PCMA keeps the RTP clock rate, Opus changes it (48000),
 * which the DTMF pad of rtpdtmfmux must follow. */
static void
test_codec_change (Fixture *f, gconstpointer data)
{
  TcCodec to = GPOINTER_TO_UINT (data);

  apply (f->a.media, f->b.media, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (500);
  apply (f->a.media, f->b.media, to, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, to, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (300);
  record (&f->a, FALSE);
  record (&f->b, FALSE);
  run_for (1200);
  tc_call_media_stop_recording (f->a.media);
  tc_call_media_stop_recording (f->b.media);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
  assert_tone (f->a.recording, 1000, 440);
  assert_tone (f->b.recording, 440, 1000);
  {
    g_autoptr (GVariant) stats = g_variant_ref_sink (tc_call_media_get_stats (f->a.media));
    const char *codec = NULL;

    g_assert_true (g_variant_lookup (stats, "codec", "&s", &codec));
    g_assert_cmpstr (codec, ==, tc_codec_get_info (to)->nick);
  }
}

/* ---- play_file ----------------------------------------------------------------------------------- */

/* An Ogg Opus file of @hz, made with GStreamer. */
static gboolean
write_tone_ogg (const char *path, guint hz)
{
  g_autofree char *description =
    g_strdup_printf ("audiotestsrc num-buffers=30 freq=%u ! opusenc ! oggmux ! filesink location=%s", hz, path);
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, NULL);
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;

  if (!pipeline)
    return FALSE;
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return message && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS;
}

static gboolean
has_finished_twice (gpointer data)
{
  Events *events = data;

  return events->finished->len >= 2;
}

static void
test_play_file (Fixture *f, gconstpointer data)
{
  g_autofree char *wav_path = g_build_filename (f->dir, "prompt.wav", NULL);
  g_autofree char *ogg_path = g_build_filename (f->dir, "prompt.ogg", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.wav", NULL);
  g_autoptr (GError) error = NULL;
  gint64 started;
  double elapsed;
  Wav wav;

  write_tone_wav (wav_path, 700, 16000, 0.6);
  g_assert_false (tc_call_media_play_file (f->a.media, wav_path, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY);
  g_clear_error (&error);

  apply (f->a.media, f->b.media, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_false (tc_call_media_play_file (f->a.media, missing, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  run_for (300);
  record (&f->b, FALSE);
  run_for (300);
  started = g_get_monotonic_time ();
  g_assert_true (tc_call_media_play_file (f->a.media, wav_path, &error));
  g_assert_no_error (error);
  g_assert_true (run_until (has_finished, &f->a.events, 3000));
  elapsed = (g_get_monotonic_time () - started) / 1e6;
  g_assert_cmpstr (g_ptr_array_index (f->a.events.finished, 0), ==, wav_path);
  /* Played in real time, not as fast as it decodes (the first buffers,
   * decoded while the file source starts, go out at once). */
  g_test_message ("0.6 s file played in %.2f s", elapsed);
  g_assert_cmpfloat (elapsed, >, 0.4);
  g_assert_cmpfloat (elapsed, <, 1.5);
  run_for (700);
  tc_call_media_stop_recording (f->b.media);

  /* B heard A's 440 Hz, then the file's 700 Hz, then 440 Hz again. */
  wav_read (f->b.recording, &wav);
  {
    double before = file_tone_ratio (&wav, 440, 50, 250);
    double during = file_tone_ratio (&wav, 700, 400, 800);
    double after = file_tone_ratio (&wav, 440, (guint) (wav.n * 1000 / wav.rate) - 400, 0);

    g_test_message ("440 Hz before %.3f, 700 Hz during %.3f, 440 Hz after %.3f", before, during, after);
    g_assert_cmpfloat (before, >, 0.6);
    g_assert_cmpfloat (during, >, 0.6);
    g_assert_cmpfloat (after, >, 0.6);
  }
  wav_clear (&wav);

  /* A second file replaces the first, which is reported interrupted. */
  if (write_tone_ogg (ogg_path, 600))
    {
      g_ptr_array_set_size (f->a.events.finished, 0);
      g_assert_true (tc_call_media_play_file (f->a.media, wav_path, &error));
      g_assert_true (tc_call_media_play_file (f->a.media, ogg_path, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (f->a.events.finished->len, ==, 1);
      g_assert_true (g_str_has_suffix (g_ptr_array_index (f->a.events.finished, 0), ": interrupted"));
      g_assert_true (run_until (has_finished_twice, &f->a.events, 3000));
      g_assert_cmpuint (f->a.events.finished->len, ==, 2);
      g_assert_cmpstr (g_ptr_array_index (f->a.events.finished, 1), ==, ogg_path);
    }
  else
    g_test_message ("no Ogg Opus encoder: the Ogg part is skipped");

  /* Not audio: play-finished with an error, and the tone is back. */
  {
    g_autofree char *junk = g_build_filename (f->dir, "junk.wav", NULL);

    g_assert_true (g_file_set_contents (junk, "this is not audio at all, not even close\n", -1, NULL));
    g_ptr_array_set_size (f->a.events.finished, 0);
    g_assert_true (tc_call_media_play_file (f->a.media, junk, &error));
    g_assert_true (run_until (has_finished, &f->a.events, 3000));
    g_test_message ("junk: %s", (const char *) g_ptr_array_index (f->a.events.finished, 0));
    g_assert_true (g_str_has_prefix (g_ptr_array_index (f->a.events.finished, 0), junk));
    g_assert_cmpstr (g_ptr_array_index (f->a.events.finished, 0), !=, junk);
  }
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* ---- statistics --------------------------------------------------------------------------------- */

static void
test_stats (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) stats = NULL;
  guint32 bitrate_in = 0, bitrate_out = 0, pt = 99;
  const char *codec = NULL;

  /* Zeros before the pipeline exists. */
  stats = g_variant_ref_sink (tc_call_media_get_stats (f->a.media));
  g_assert_cmpuint (stat_u64 (stats, "packets-sent"), ==, 0);
  g_clear_pointer (&stats, g_variant_unref);

  g_object_set (f->a.media, "rtcp-interval", 500, "stats-interval", 500, NULL);
  g_object_set (f->b.media, "rtcp-interval", 500, NULL);
  apply (f->a.media, f->b.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (3000);
  stats = g_variant_ref_sink (tc_call_media_get_stats (f->a.media));
  {
    g_autofree char *text = g_variant_print (stats, FALSE);

    g_test_message ("A: %s", text);
  }
  g_assert_true (g_variant_lookup (stats, "codec", "&s", &codec));
  g_assert_cmpstr (codec, ==, "pcmu");
  g_assert_true (g_variant_lookup (stats, "payload-type", "u", &pt));
  g_assert_cmpuint (pt, ==, 0);
  g_assert_cmpuint (stat_u64 (stats, "packets-sent"), >, 100);
  g_assert_cmpuint (stat_u64 (stats, "octets-sent"), >, 100 * 160);
  g_assert_cmpuint (stat_u64 (stats, "packets-received"), >, 100);
  g_assert_cmpuint (stat_u64 (stats, "packets-lost"), <, 5);
  g_assert_cmpfloat (stat_double (stats, "jitter-ms"), >=, 0);
  /* RTCP muxed on the RTP port, still an RTT (media-notes.md §2). */
  g_assert_cmpfloat (stat_double (stats, "rtt-ms"), >, 0);
  g_assert_cmpfloat (stat_double (stats, "rtt-ms"), <, 100);
  g_assert_cmpfloat (stat_double (stats, "fraction-lost"), <, 0.1);
  g_assert_true (g_variant_lookup (stats, "bitrate-in", "u", &bitrate_in));
  g_assert_true (g_variant_lookup (stats, "bitrate-out", "u", &bitrate_out));
  /* 64 kbit/s of µ-law plus 12 bytes of RTP header per 20 ms packet. */
  g_assert_cmpuint (bitrate_in, >, 50000);
  g_assert_cmpuint (bitrate_in, <, 90000);
  g_assert_cmpuint (bitrate_out, >, 50000);
  g_assert_cmpuint (stat_u64 (stats, "jb-pushed"), >, 100);
  g_assert_cmpuint (stat_u64 (stats, "jb-lost"), <, 5);
  g_assert_cmpuint (f->a.events.stats_signals, >=, 4);
  assert_no_failure (&f->a);
  assert_no_failure (&f->b);
}

/* ---- failures ---------------------------------------------------------------------------------- */

static void
test_no_rtp (void)
{
  Events events;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcRtpUdp) silent = tc_rtp_udp_new ("127.0.0.1", 0, 0, &error);
  TcCallMedia *media;
  TcMediaParams params;
  gint64 started;
  double elapsed;

  g_assert_no_error (error);
  events_init (&events);
  media = make_media ("tone:440", 2, &events);
  params_init (&params, tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (silent), TC_RTP_COMPONENT_RTP),
               tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (silent), TC_RTP_COMPONENT_RTCP), TC_CODEC_PCMU, FALSE,
               TC_MEDIA_DIRECTION_SENDRECV);
  started = g_get_monotonic_time ();
  g_assert_true (tc_call_media_apply (media, &params, &error));
  tc_media_params_clear (&params);
  g_assert_true (run_until (has_failure, &events, 4000));
  elapsed = (g_get_monotonic_time () - started) / 1e6;
  g_test_message ("%s after %.2f s", (const char *) g_ptr_array_index (events.failures, 0), elapsed);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (events.failures, 0), "no-rtp: "));
  g_assert_cmpfloat (elapsed, >=, 1.9);
  g_assert_cmpfloat (elapsed, <, 3.5);
  /* Reported once. */
  run_for (300);
  g_assert_cmpuint (events.failures->len, ==, 1);
  tc_call_media_stop (media);
  g_assert_finalize_object (media);
  events_clear (&events);
}

static void
test_device_error (void)
{
  Events events;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcRtpUdp) peer = tc_rtp_udp_new ("127.0.0.1", 0, 0, &error);
  TcCallMedia *media;
  TcMediaParams params;
  TcRtpTransportCounters counters;

  events_init (&events);
  media = make_media ("device:no such microphone", 0, &events);
  params_init (&params, tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (peer), TC_RTP_COMPONENT_RTP),
               tc_rtp_transport_get_local_port (TC_RTP_TRANSPORT (peer), TC_RTP_COMPONENT_RTCP), TC_CODEC_PCMU, FALSE,
               TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_true (tc_call_media_apply (media, &params, &error));
  g_assert_no_error (error);
  tc_media_params_clear (&params);
  g_assert_true (run_until (has_failure, &events, 3000));
  g_test_message ("%s", (const char *) g_ptr_array_index (events.failures, 0));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (events.failures, 0), "device-error: "));
  /* The call goes on, sending silence. */
  run_for (300);
  tc_rtp_transport_get_counters (tc_call_media_get_transport (media), &counters);
  g_assert_cmpuint (counters.rtp_sent, >, 5);
  g_assert_cmpuint (events.failures->len, ==, 1);
  tc_call_media_stop (media);
  g_assert_finalize_object (media);
  events_clear (&events);
}

static void
test_api_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  TcMediaParams params;
  TcMediaPolicy policy;

  /* Not started. */
  g_assert_false (tc_call_media_record (f->a.media, f->a.recording, FALSE, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY);
  g_clear_error (&error);
  g_assert_cmpuint (tc_call_media_get_rtp_port (f->a.media), >, 0);
  g_assert_cmpuint (tc_call_media_get_rtcp_port (f->a.media), >, 0);

  /* A bad policy. */
  tc_media_policy_init (&policy);
  g_free (policy.audio_source);
  policy.audio_source = g_strdup ("tone:abc");
  g_assert_null (tc_call_media_new (&policy, "127.0.0.1", &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE);
  g_clear_error (&error);
  tc_media_policy_clear (&policy);

  /* Telephone-event is not something to send audio with. */
  params_init (&params, 9, 9, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  params.send.codec = TC_CODEC_TELEPHONE_EVENT;
  g_assert_false (tc_call_media_apply (f->a.media, &params, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC);
  g_clear_error (&error);
  tc_media_params_clear (&params);

  apply (f->a.media, f->b.media, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_false (tc_call_media_record (f->a.media, "/nonexistent/dir/x.wav", FALSE, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tc_call_media_play_file (f->a.media, f->dir, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  tc_call_media_set_muted (f->a.media, TRUE);
  g_assert_true (tc_call_media_get_muted (f->a.media));

  /* Stopped: everything refuses, stop again is harmless. */
  tc_call_media_stop (f->a.media);
  tc_call_media_stop (f->a.media);
  params_init (&params, 9, 9, TC_CODEC_PCMU, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_false (tc_call_media_apply (f->a.media, &params, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY);
  g_clear_error (&error);
  tc_media_params_clear (&params);
  g_assert_false (tc_call_media_send_dtmf (f->a.media, "1", 100, &error));
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY);
  g_clear_error (&error);
  tc_call_media_stop_recording (f->a.media);
}

/* Muted: RTP keeps flowing, with silence. */
static void
test_mute (Fixture *f, gconstpointer data)
{
  Wav wav;

  apply (f->a.media, f->b.media, TC_CODEC_PCMA, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (f->b.media, f->a.media, TC_CODEC_PCMA, FALSE, TC_MEDIA_DIRECTION_SENDRECV);
  tc_call_media_set_muted (f->a.media, TRUE);
  run_for (300);
  record (&f->b, FALSE);
  run_for (600);
  tc_call_media_stop_recording (f->b.media);
  wav_read (f->b.recording, &wav);
  g_assert_cmpfloat ((double) wav.n / wav.rate, >, 0.4);
  g_assert_cmpfloat (silence_percent (&wav), ==, 100);
  wav_clear (&wav);
  tc_call_media_set_muted (f->a.media, FALSE);
  run_for (300);
  record (&f->b, FALSE);
  run_for (1000);
  tc_call_media_stop_recording (f->b.media);
  assert_tone (f->b.recording, 440, 1000);
}

/* ---- resources ---------------------------------------------------------------------------------- */

static void
one_cycle (TcCodec codec)
{
  Events events;
  TcCallMedia *a, *b;

  events_init (&events);
  a = make_media ("tone:440", 10, &events);
  b = make_media ("none", 10, &events);
  apply (a, b, codec, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  apply (b, a, codec, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
  run_for (100);
  tc_call_media_stop (a);
  tc_call_media_stop (b);
  g_assert_finalize_object (a);
  g_assert_finalize_object (b);
  run_for (5);
  events_clear (&events);
}

static void
test_cycles (void)
{
  guint threads, fds, threads_after, fds_after;

  /* Pooled idle threads would count as leaks: keep none. */
  g_thread_pool_set_max_unused_threads (0);
  one_cycle (TC_CODEC_OPUS); /* the process-wide ones: plugins, clock thread */
  threads = settled_threads (0);
  fds = count_fds ();
  for (guint i = 0; i < 20; i++)
    one_cycle (i % 2 ? TC_CODEC_PCMU : TC_CODEC_OPUS);
  threads_after = settled_threads (threads);
  fds_after = count_fds ();
  g_test_message ("after 20 cycles: threads %u → %u, fds %u → %u", threads, threads_after, fds, fds_after);
  g_assert_cmpuint (threads_after, <=, threads);
  g_assert_cmpuint (fds_after, ==, fds);
}

/* The cost of 10 calls (each a pair: 20 TcCallMedia), printed. */
static void
test_cost (gconstpointer data)
{
  const char *source = data;
  TcCallMedia *medias[20];
  Events events;
  guint threads0, threads1;
  guint64 rss0, rss1;
  struct rusage usage0, usage1;
  double cpu_s;

  if (g_str_equal (source, "none") && !g_test_perf ())
    {
      g_test_skip ("run with -m perf");
      return;
    }
  g_thread_pool_set_max_unused_threads (0);
  one_cycle (TC_CODEC_PCMU);
  threads0 = settled_threads (0);
  rss0 = rss_kib ();
  events_init (&events);
  for (guint i = 0; i < 20; i += 2)
    {
      medias[i] = make_media (source, 10, &events);
      medias[i + 1] = make_media (source, 10, &events);
      /* The pipeline's cost (test-call-media-light.c measures the light
       * path's). */
      g_object_set (medias[i], "light", FALSE, NULL);
      g_object_set (medias[i + 1], "light", FALSE, NULL);
      apply (medias[i], medias[i + 1], TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
      apply (medias[i + 1], medias[i], TC_CODEC_PCMU, TRUE, TC_MEDIA_DIRECTION_SENDRECV);
    }
  run_for (500);
  getrusage (RUSAGE_SELF, &usage0);
  run_for (2000);
  getrusage (RUSAGE_SELF, &usage1);
  cpu_s = (usage1.ru_utime.tv_sec - usage0.ru_utime.tv_sec + usage1.ru_stime.tv_sec - usage0.ru_stime.tv_sec) +
          (usage1.ru_utime.tv_usec - usage0.ru_utime.tv_usec + usage1.ru_stime.tv_usec - usage0.ru_stime.tv_usec) / 1e6;
  threads1 = count_threads ();
  if (g_test_verbose ())
    {
      g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
      const char *name;

      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/comm", name);
          g_autofree char *comm = NULL;

          g_file_get_contents (path, &comm, NULL, NULL);
          g_test_message ("thread %s: %s", name, comm ? g_strstrip (comm) : "?");
        }
    }
  rss1 = rss_kib ();
  g_test_message ("cost, PCMU, source %s: 20 media (10 calls) add %u threads (%.1f per media), %" G_GUINT64_FORMAT
                  " KiB RSS (%.0f KiB per media), CPU %.2f %% of a core per media",
                  source, threads1 - threads0, (threads1 - threads0) / 20.0, rss1 - rss0, (rss1 - rss0) / 20.0,
                  cpu_s / 2.0 * 100 / 20);
  g_assert_cmpuint (events.failures->len, ==, 0);
  for (guint i = 0; i < 20; i++)
    {
      tc_call_media_stop (medias[i]);
      g_assert_finalize_object (medias[i]);
    }
  events_clear (&events);
}

int
main (int argc, char **argv)
{
  static const CodecCase pcmu = { TC_CODEC_PCMU, FALSE }, pcma = { TC_CODEC_PCMA, TRUE },
                         g722 = { TC_CODEC_G722, FALSE }, opus = { TC_CODEC_OPUS, TRUE };
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  if (!tc_media_engine_ensure (&error))
    {
      g_test_skip_printf ("no GStreamer: %s", error->message);
      return g_test_run ();
    }

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/media/call-media/codec/pcmu", test_codec, &pcmu);
  ADD ("/media/call-media/codec/pcma-mux", test_codec, &pcma);
  ADD ("/media/call-media/codec/g722", test_codec, &g722);
  ADD ("/media/call-media/codec/opus-mux", test_codec, &opus);
  ADD ("/media/call-media/codec-change", test_codec_change, GUINT_TO_POINTER (TC_CODEC_PCMA));
  ADD ("/media/call-media/codec-change-clock-rate", test_codec_change, GUINT_TO_POINTER (TC_CODEC_OPUS));
  ADD ("/media/call-media/dtmf/pcmu", test_dtmf, GUINT_TO_POINTER (TC_CODEC_PCMU));
  ADD ("/media/call-media/dtmf/opus", test_dtmf, GUINT_TO_POINTER (TC_CODEC_OPUS));
  ADD ("/media/call-media/hold", test_hold, NULL);
  ADD ("/media/call-media/mute", test_mute, NULL);
  ADD ("/media/call-media/play-file", test_play_file, NULL);
  ADD ("/media/call-media/stats", test_stats, NULL);
  ADD ("/media/call-media/api-errors", test_api_errors, NULL);
#undef ADD
  g_test_add_func ("/media/call-media/failed/no-rtp", test_no_rtp);
  g_test_add_func ("/media/call-media/failed/device", test_device_error);
  g_test_add_func ("/media/call-media/cycles", test_cycles);
  g_test_add_data_func ("/media/call-media/cost/tone", "tone:440", test_cost);
  g_test_add_data_func ("/media/call-media/cost/none", "none", test_cost);
  return g_test_run ();
}
