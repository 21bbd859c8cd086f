/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-util.c — helpers shared by the TcCallMedia tests (see the
 * header).
 */
#include "call-media-util.h"

#include <string.h>

#include <glib/gstdio.h>

#include "media/media-engine.h"

static gboolean
on_run_for_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default context for @ms, sleeping while it has nothing to do
 * (the cost test measures CPU time). */
void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_run_for_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs the default context until @condition holds, or @max_ms. */
gboolean
run_until (Condition condition, gpointer data, guint max_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) max_ms * 1000;

  while (!condition (data) && g_get_monotonic_time () < deadline)
    run_for (10);
  return condition (data);
}

/* ---- WAV analysis ---------------------------------------------------------------------------- */

/* cos without libm (the test links only what the media library needs):
 * range-reduced to [-π, π], then the Taylor series. */
double
cosine (double x)
{
  double term = 1, sum = 1;

  while (x > G_PI)
    x -= 2 * G_PI;
  while (x < -G_PI)
    x += 2 * G_PI;
  for (int k = 1; k < 30; k++)
    {
      term *= -x * x / ((2 * k - 1) * (2 * k));
      sum += term;
    }
  return sum;
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* Reads a 16-bit mono PCM WAV, checking that its header sizes agree with
 * the file (the recording was finished properly). */
void
wav_read (const char *path, Wav *wav)
{
  g_autofree guint8 *data = NULL;
  gsize size, pos = 12;
  g_autoptr (GError) error = NULL;
  guint channels = 0, bits = 0;

  g_assert_true (g_file_get_contents (path, (char **) &data, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, >=, 44);
  g_assert_cmpmem (data, 4, "RIFF", 4);
  g_assert_cmpmem (data + 8, 4, "WAVE", 4);
  g_assert_cmpuint (le32 (data + 4), ==, size - 8);
  memset (wav, 0, sizeof *wav);
  while (pos + 8 <= size)
    {
      guint32 chunk = le32 (data + pos + 4);

      if (memcmp (data + pos, "fmt ", 4) == 0)
        {
          g_assert_cmpuint (data[pos + 8] | data[pos + 9] << 8, ==, 1); /* PCM */
          channels = data[pos + 10] | data[pos + 11] << 8;
          wav->rate = le32 (data + pos + 12);
          bits = data[pos + 22] | data[pos + 23] << 8;
        }
      else if (memcmp (data + pos, "data", 4) == 0)
        {
          g_assert_cmpuint (pos + 8 + chunk, ==, size);
          wav->n = chunk / 2;
          wav->samples = g_memdup2 (data + pos + 8, wav->n * 2);
          break;
        }
      pos += 8 + chunk + (chunk & 1);
    }
  g_assert_cmpuint (channels, ==, 1);
  g_assert_cmpuint (bits, ==, 16);
  g_assert_cmpuint (wav->rate, >, 0);
}

void
wav_clear (Wav *wav)
{
  g_clear_pointer (&wav->samples, g_free);
}

/* Goertzel power at @hz over samples [from, from + n), as a share of what
 * a pure tone of the block's energy would give (1.0: all energy there). */
double
tone_ratio (const Wav *wav, gsize from, gsize n, double hz)
{
  double coeff = 2 * cosine (2 * G_PI * hz / wav->rate);
  double s1 = 0, s2 = 0, energy = 0, power;

  for (gsize i = from; i < from + n && i < wav->n; i++)
    {
      double x = wav->samples[i] / 32768.0;
      double s = x + coeff * s1 - s2;

      s2 = s1;
      s1 = s;
      energy += x * x;
    }
  power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return energy > 0 ? power / (n / 2.0 * energy) : 0;
}

/* The energy-weighted ratio over 100 ms blocks from @from_ms to the end. */
double
file_tone_ratio (const Wav *wav, double hz, guint from_ms, guint to_ms)
{
  gsize block = wav->rate / 10;
  gsize end = to_ms ? MIN (wav->n, (gsize) to_ms * wav->rate / 1000) : wav->n;
  double weighted = 0, total = 0;

  for (gsize at = (gsize) from_ms * wav->rate / 1000; at + block <= end; at += block)
    {
      double energy = 0;

      for (gsize i = at; i < at + block; i++)
        energy += (wav->samples[i] / 32768.0) * (wav->samples[i] / 32768.0);
      weighted += tone_ratio (wav, at, block, hz) * energy;
      total += energy;
    }
  return total > 0 ? weighted / total : 0;
}

/* The share of 5 ms blocks below -40 dBFS between the first and the last
 * sound. */
double
silence_percent (const Wav *wav)
{
  gsize block = wav->rate / 200;
  gsize n_blocks = wav->n / block, first = G_MAXSIZE, last = 0, silent = 0;
  g_autofree gboolean *quiet = g_new0 (gboolean, n_blocks + 1);

  for (gsize b = 0; b < n_blocks; b++)
    {
      double energy = 0;

      for (gsize i = b * block; i < (b + 1) * block; i++)
        energy += (wav->samples[i] / 32768.0) * (wav->samples[i] / 32768.0);
      quiet[b] = energy / block < 0.01 * 0.01; /* RMS below -40 dBFS */
      if (!quiet[b])
        {
          first = MIN (first, b);
          last = b;
        }
    }
  if (first == G_MAXSIZE)
    return 100;
  for (gsize b = first; b <= last; b++)
    silent += quiet[b];
  return 100.0 * silent / (last - first + 1);
}

/* Asserts that @path holds mostly @hz and hardly @other_hz. */
void
assert_tone (const char *path, double hz, double other_hz)
{
  Wav wav;
  double ratio, other, silence;

  wav_read (path, &wav);
  ratio = file_tone_ratio (&wav, hz, 200, 0);
  other = file_tone_ratio (&wav, other_hz, 200, 0);
  silence = silence_percent (&wav);
  g_test_message ("%s: %u Hz, %.2f s, %.0f Hz ratio %.3f, %.0f Hz ratio %.3f, silence %.1f %%", path, wav.rate,
                  (double) wav.n / wav.rate, hz, ratio, other_hz, other, silence);
  g_assert_cmpfloat ((double) wav.n / wav.rate, >, 0.5);
  g_assert_cmpfloat (ratio, >, 0.6);
  g_assert_cmpfloat (other, <, 0.05);
  g_assert_cmpfloat (silence, <, 5);
  wav_clear (&wav);
}

static void
on_failed (TcCallMedia *media, const char *cause, const char *message, Events *events)
{
  g_ptr_array_add (events->failures, g_strdup_printf ("%s: %s", cause, message));
}

static void
on_dtmf (TcCallMedia *media, const char *digit, guint duration_ms, Events *events)
{
  g_string_append (events->digits, digit);
  g_array_append_val (events->durations, duration_ms);
}

static void
on_play_finished (TcCallMedia *media, const char *path, const char *error, Events *events)
{
  g_ptr_array_add (events->finished, error ? g_strdup_printf ("%s: %s", path, error) : g_strdup (path));
}

static void
on_stats (TcCallMedia *media, GVariant *stats, Events *events)
{
  g_assert_true (g_variant_is_of_type (stats, G_VARIANT_TYPE_VARDICT));
  events->stats_signals++;
}

void
events_init (Events *events)
{
  events->failures = g_ptr_array_new_with_free_func (g_free);
  events->digits = g_string_new (NULL);
  events->durations = g_array_new (FALSE, FALSE, sizeof (guint));
  events->finished = g_ptr_array_new_with_free_func (g_free);
  events->stats_signals = 0;
}

void
events_clear (Events *events)
{
  g_ptr_array_unref (events->failures);
  g_string_free (events->digits, TRUE);
  g_array_unref (events->durations);
  g_ptr_array_unref (events->finished);
}

TcCallMedia *
make_media (const char *source, guint rtp_timeout_s, Events *events)
{
  TcMediaPolicy policy;
  g_autoptr (GError) error = NULL;
  TcCallMedia *media;

  tc_media_policy_init (&policy);
  g_free (policy.audio_source);
  policy.audio_source = g_strdup (source);
  g_free (policy.audio_sink);
  policy.audio_sink = g_strdup ("none");
  policy.rtp_timeout_s = rtp_timeout_s;
  media = tc_call_media_new (&policy, "127.0.0.1", &error);
  tc_media_policy_clear (&policy);
  g_assert_no_error (error);
  g_assert_nonnull (media);
  /* A tone would run on the light path: the pipeline tests want their
   * tones made by a pipeline (the light path's tests turn it back on). */
  if (!g_str_equal (source, "none"))
    g_object_set (media, "light", FALSE, NULL);
  g_signal_connect (media, "failed", G_CALLBACK (on_failed), events);
  g_signal_connect (media, "dtmf-received", G_CALLBACK (on_dtmf), events);
  g_signal_connect (media, "play-finished", G_CALLBACK (on_play_finished), events);
  g_signal_connect (media, "stats-changed", G_CALLBACK (on_stats), events);
  return media;
}

GInetSocketAddress *
loopback (guint port)
{
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string ("127.0.0.1", port));
}

/* What an offer/answer between two Tincans would give @self, towards the
 * RTP and RTCP ports @rtp_port/@rtcp_port. */
void
params_init (TcMediaParams *params, guint rtp_port, guint rtcp_port, TcCodec codec, gboolean mux,
             TcMediaDirection direction)
{
  const TcCodecInfo *info = tc_codec_get_info (codec);
  TcPayload receive = { codec, info->default_pt, info->clock_rate, info->channels, NULL };

  tc_media_params_init (params);
  params->remote_rtp = loopback (rtp_port);
  params->remote_rtcp = loopback (mux ? rtp_port : rtcp_port);
  params->rtcp_mux = mux;
  params->direction = direction;
  params->remote_direction = tc_media_direction_reverse (direction);
  params->send = receive;
  params->send.fmtp = codec == TC_CODEC_OPUS ? g_strdup ("useinbandfec=1") : NULL;
  params->opus_fec = codec == TC_CODEC_OPUS;
  params->ptime = 20;
  params->send_dtmf_pt = DTMF_PT;
  params->recv_dtmf_pt = DTMF_PT;
  receive.fmtp = g_strdup (params->send.fmtp);
  g_array_append_val (params->receive, receive);
}

/* A 16-bit mono WAV of @seconds of @hz at @rate. */
void
write_tone_wav (const char *path, guint hz, guint rate, double seconds)
{
  guint n = (guint) (rate * seconds);
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  guint8 header[44];
  g_autoptr (GError) error = NULL;

  memcpy (header, "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\0\0\0\0\0\0\0\0\x02\0\x10\0data\0\0\0\0", 44);
  for (guint i = 0; i < 4; i++)
    {
      header[4 + i] = ((36 + n * 2) >> (8 * i)) & 0xff;
      header[24 + i] = (rate >> (8 * i)) & 0xff;
      header[28 + i] = ((rate * 2) >> (8 * i)) & 0xff;
      header[40 + i] = ((n * 2) >> (8 * i)) & 0xff;
    }
  g_byte_array_append (bytes, header, sizeof header);
  for (guint i = 0; i < n; i++)
    {
      gint16 v = (gint16) (12000 * cosine (2 * G_PI * hz * i / rate - G_PI / 2));
      guint8 le[2] = { v & 0xff, (v >> 8) & 0xff };

      g_byte_array_append (bytes, le, 2);
    }
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error));
  g_assert_no_error (error);
}

gboolean
has_finished (gpointer data)
{
  Events *events = data;

  return events->finished->len > 0;
}

guint64
stat_u64 (GVariant *stats, const char *key)
{
  guint64 v = 0;

  g_assert_true (g_variant_lookup (stats, key, "t", &v));
  return v;
}

double
stat_double (GVariant *stats, const char *key)
{
  double v = -1;

  g_assert_true (g_variant_lookup (stats, key, "d", &v));
  return v;
}

gboolean
has_failure (gpointer data)
{
  Events *events = data;

  return events->failures->len > 0;
}

static guint
count_entries (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

guint
count_threads (void)
{
  return count_entries ("/proc/self/task");
}

guint
count_fds (void)
{
  return count_entries ("/proc/self/fd");
}

/* Threads end asynchronously after a pipeline stops: wait for the count
 * to come down to @expected (up to 2 s). */
guint
settled_threads (guint expected)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  guint n;

  g_thread_pool_stop_unused_threads ();
  while ((n = count_threads ()) > expected && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
      g_thread_pool_stop_unused_threads ();
    }
  return n;
}

guint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10);
}

void
apply (TcCallMedia *self, TcCallMedia *peer, TcCodec codec, gboolean mux, TcMediaDirection direction)
{
  TcMediaParams params;
  g_autoptr (GError) error = NULL;

  params_init (&params, tc_call_media_get_rtp_port (peer), tc_call_media_get_rtcp_port (peer), codec, mux, direction);
  g_assert_true (tc_call_media_apply (self, &params, &error));
  g_assert_no_error (error);
  tc_media_params_clear (&params);
}
