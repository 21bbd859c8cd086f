/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-frame-encoder.c — what the light path encodes with: our G.711
 * encoder (g711.c) against ITU-T G.711's table values and against
 * GStreamer's own mulaw/alaw elements (independent implementations); the
 * tone generator (tone.c) against the sine it should be; the Opus in-band
 * FEC loss policy (opus-fec.c); the frame encoder (frame-encoder.c) with
 * Opus: one packet per frame, and the FEC setting reaching opusenc.
 */
#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include "media/frame-encoder.h"
#include "media/g711.h"
#include "media/media-engine.h"
#include "media/opus-fec.h"
#include "media/tone.h"

#include "call-media-util.h"

/* ---- GStreamer, synchronously ------------------------------------------------------------------- */

/* @data through "appsrc caps=@src_caps ! @chain ! appsink": everything
 * that comes out, until EOS. */
static GBytes *
run_gst (const char *src_caps, const char *chain, const void *data, gsize size)
{
  g_autofree char *description =
    g_strdup_printf ("appsrc name=in format=time caps=%s ! %s ! appsink name=out sync=false", src_caps, chain);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr (GstElement) in = NULL;
  g_autoptr (GstElement) out = NULL;
  GByteArray *bytes = g_byte_array_new ();
  GstSample *sample;

  g_assert_no_error (error);
  in = gst_bin_get_by_name (GST_BIN (pipeline), "in");
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (in), gst_buffer_new_memdup (data, size)), ==, GST_FLOW_OK);
  gst_app_src_end_of_stream (GST_APP_SRC (in));
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (out))))
    {
      GstMapInfo map;

      g_assert_true (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ));
      g_byte_array_append (bytes, map.data, map.size);
      gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return g_byte_array_free_to_bytes (bytes);
}

#define RAW_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=8000,channels=1"

/* GStreamer's decoding of each of the 256 codes of @law ("mulaw" or
 * "alaw"). */
static void
decode_all_codes (const char *law, gint16 decoded[256])
{
  g_autofree char *caps = g_strdup_printf ("audio/x-%s,rate=8000,channels=1", law);
  g_autofree char *chain = g_strdup_printf ("%sdec ! " RAW_CAPS, law);
  guint8 codes[256];
  g_autoptr (GBytes) out = NULL;

  for (guint c = 0; c < 256; c++)
    codes[c] = (guint8) c;
  out = run_gst (caps, chain, codes, sizeof codes);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 256 * sizeof (gint16));
  memcpy (decoded, g_bytes_get_data (out, NULL), 256 * sizeof (gint16));
}

/* ---- G.711 ------------------------------------------------------------------------------------------- */

/* ITU-T G.711 tables 1a/2a: the codes of zero, of the smallest
 * magnitudes and of full scale, either sign (as transmitted: μ-law all
 * bits inverted, A-law even bits inverted). */
static void
test_g711_known (void)
{
  /* μ-law: +0 0xFF, -0 0x7F, +max 0x80, -max 0x00. */
  g_assert_cmpuint (tc_g711_ulaw_encode (0), ==, 0xff);
  g_assert_cmpuint (tc_g711_ulaw_encode (-1), ==, 0x7f);
  g_assert_cmpuint (tc_g711_ulaw_encode (G_MAXINT16), ==, 0x80);
  g_assert_cmpuint (tc_g711_ulaw_encode (G_MININT16), ==, 0x00);
  /* The first decision level of μ-law is at 1 (14-bit): 4 in 16 bits. */
  g_assert_cmpuint (tc_g711_ulaw_encode (3), ==, 0xff);
  g_assert_cmpuint (tc_g711_ulaw_encode (4), ==, 0xfe);
  /* A-law: the smallest interval either side 0xD5/0x55, +max 0xAA,
   * -max 0x2A. */
  g_assert_cmpuint (tc_g711_alaw_encode (0), ==, 0xd5);
  g_assert_cmpuint (tc_g711_alaw_encode (15), ==, 0xd5);
  g_assert_cmpuint (tc_g711_alaw_encode (16), ==, 0xd4);
  g_assert_cmpuint (tc_g711_alaw_encode (-1), ==, 0x55);
  g_assert_cmpuint (tc_g711_alaw_encode (G_MAXINT16), ==, 0xaa);
  g_assert_cmpuint (tc_g711_alaw_encode (G_MININT16), ==, 0x2a);
}

typedef guint8 (*EncodeFunc) (gint16 sample);

/* Against GStreamer's decoder of @law: every code's reconstruction value
 * encodes back to the code (μ-law's -0 to +0); every 16-bit sample
 * encodes, monotonically, to a code whose value is within half of that
 * code's interval of it (the larger gap to a neighbouring value bounds
 * it), plus what the 14- or 13-bit input drops; beyond the outermost
 * values, to the outermost codes. */
static void
check_law (const char *law, EncodeFunc encode, guint input_bits)
{
  gint16 decoded[256];
  gint below[256], above[256]; /* the neighbouring values; G_MININT/G_MAXINT: none */
  gint previous = G_MININT;
  gint truncation = 1 << (16 - input_bits);

  decode_all_codes (law, decoded);
  for (guint c = 0; c < 256; c++)
    {
      guint8 expected = g_str_equal (law, "mulaw") && c == 0x7f ? 0xff : (guint8) c;

      g_assert_cmphex (encode (decoded[c]), ==, expected);
      below[c] = G_MININT;
      above[c] = G_MAXINT;
      for (guint d = 0; d < 256; d++)
        {
          if (decoded[d] < decoded[c])
            below[c] = MAX (below[c], decoded[d]);
          if (decoded[d] > decoded[c])
            above[c] = MIN (above[c], decoded[d]);
        }
    }
  for (gint x = G_MININT16; x <= G_MAXINT16; x++)
    {
      guint8 code = encode ((gint16) x);
      gint value = decoded[code], half;

      g_assert_cmpint (value, >=, previous);
      previous = value;
      if ((x > value && above[code] == G_MAXINT) || (x < value && below[code] == G_MININT))
        continue; /* beyond the outermost value: clipped */
      half = MAX (below[code] == G_MININT ? 0 : value - below[code], above[code] == G_MAXINT ? 0 : above[code] - value);
      half /= 2;
      if (ABS (value - x) > half + truncation)
        g_test_message ("%s: %d → 0x%02x → %d (half interval %d)", law, x, code, value, half);
      g_assert_cmpint (ABS (value - x), <=, half + truncation);
    }
}

static void
test_g711_ulaw (void)
{
  check_law ("mulaw", tc_g711_ulaw_encode, 14);
}

static void
test_g711_alaw (void)
{
  check_law ("alaw", tc_g711_alaw_encode, 13);
}

/* GStreamer's encoders over all 16-bit samples: how often they agree
 * with ours.  Not everywhere: mulawenc's zero trap turns code 0 into
 * 0x02, and for a negative sample they take its negation where we (as
 * ITU-T G.191's reference does) take its ones' complement, which moves
 * the negative decision levels by one LSB: a neighbouring code there. */
static void
test_g711_against_encoders (void)
{
  g_autofree gint16 *all = g_new (gint16, 65536);
  const char *const laws[] = { "mulaw", "alaw" };

  for (gint x = G_MININT16; x <= G_MAXINT16; x++)
    all[x - G_MININT16] = (gint16) x;
  for (guint l = 0; l < G_N_ELEMENTS (laws); l++)
    {
      g_autofree char *chain = g_strdup_printf ("%senc", laws[l]);
      g_autoptr (GBytes) out = run_gst (RAW_CAPS, chain, all, 65536 * sizeof (gint16));
      const guint8 *codes = g_bytes_get_data (out, NULL);
      EncodeFunc encode = l == 0 ? tc_g711_ulaw_encode : tc_g711_alaw_encode;
      guint same = 0, near = 0;

      g_assert_cmpuint (g_bytes_get_size (out), ==, 65536);
      for (guint i = 0; i < 65536; i++)
        {
          guint8 ours = encode (all[i]);

          same += ours == codes[i];
          /* Else a neighbouring code (same sign and segment bits but one
           * step), or the zero trap. */
          near +=
            ours != codes[i] && (ABS ((gint) (ours ^ (l ? 0x55 : 0xff)) - (gint) (codes[i] ^ (l ? 0x55 : 0xff))) <= 1 ||
                                 (l == 0 && codes[i] == 0x02 && ours == 0x00));
        }
      g_test_message ("%s: %u of 65536 samples encode as %senc does, %u more to a neighbouring code", laws[l], same,
                      laws[l], near);
      g_assert_cmpuint (same + near, ==, 65536);
      g_assert_cmpuint (same, >, 65536 * 99 / 100);
    }
}

/* ---- the tone ------------------------------------------------------------------------------------------ */

/* 600 Hz at 8 kHz in 20 ms frames: each sample is the sine it should be
 * (phase continuous across frames), at TC_TONE_VOLUME. */
static void
test_tone (void)
{
  TcTone tone;
  gint16 frame[160];
  gint max = 0;

  tc_tone_init (&tone, 600, 8000, TC_TONE_VOLUME);
  for (guint f = 0; f < 500; f++)
    {
      tc_tone_fill (&tone, frame, G_N_ELEMENTS (frame));
      for (guint i = 0; i < G_N_ELEMENTS (frame); i++)
        {
          guint n = f * 160 + i;
          double expected = TC_TONE_VOLUME * G_MAXINT16 * cosine (2 * G_PI * (600.0 * n / 8000) - G_PI / 2);

          g_assert_cmpfloat (ABS (frame[i] - expected), <, 2);
          max = MAX (max, frame[i]);
        }
    }
  g_assert_cmpint (max, >=, (gint) (TC_TONE_VOLUME * G_MAXINT16) - 1);
}

/* ---- the FEC policy ------------------------------------------------------------------------------------ */

/* Starts at 0; no loss or a trace of it stays 0; a steady 10 % reaches
 * 10 within four reports and then stays without a change; clean reports
 * bring it down to 0 step by step; everything is capped. */
static void
test_fec_policy (void)
{
  TcOpusFec fec;
  guint changes = 0, previous;

  tc_opus_fec_init (&fec);
  g_assert_cmpuint (fec.percent, ==, 0);
  for (guint i = 0; i < 20; i++)
    g_assert_false (tc_opus_fec_report (&fec, i % 2)); /* 0 or 1/256 */
  g_assert_cmpuint (fec.percent, ==, 0);

  for (guint i = 0; i < 4; i++)
    changes += tc_opus_fec_report (&fec, 26); /* 10.2 % */
  g_assert_cmpuint (fec.percent, ==, 10);
  g_assert_cmpuint (changes, ==, 2); /* 0 → 5 → 10 */
  for (guint i = 0; i < 20; i++)
    g_assert_false (tc_opus_fec_report (&fec, 26));
  /* Wobbling between 7 and 11 %: no reconfiguration. */
  for (guint i = 0; i < 20; i++)
    g_assert_false (tc_opus_fec_report (&fec, i % 2 ? 18 : 28));
  g_assert_cmpuint (fec.percent, ==, 10);

  previous = fec.percent;
  for (guint i = 0; i < 30; i++)
    {
      gboolean changed = tc_opus_fec_report (&fec, 0);

      g_assert_cmpuint (changed, ==, fec.percent != previous);
      g_assert_cmpuint (fec.percent, <=, previous);
      previous = fec.percent;
    }
  g_assert_cmpuint (fec.percent, ==, 0);

  /* All lost: capped. */
  for (guint i = 0; i < 10; i++)
    tc_opus_fec_report (&fec, 255);
  g_assert_cmpuint (fec.percent, ==, TC_OPUS_FEC_MAX_PERCENT);
  g_assert_cmpfloat (fec.smoothed, <=, TC_OPUS_FEC_MAX_PERCENT);
  tc_opus_fec_report (&fec, 1000); /* out of range: as 255 */
  g_assert_cmpuint (fec.percent, ==, TC_OPUS_FEC_MAX_PERCENT);
}

/* ---- the frame encoder ---------------------------------------------------------------------------------- */

/* Opus: one packet per 20 ms frame from the first on; set_fec reaches
 * opusenc; other codecs have no such setting. */
static void
test_frame_encoder_opus (void)
{
  g_autoptr (GError) error = NULL;
  TcFrameEncoder *encoder;
  g_autofree gint16 *pcm = NULL;
  g_autofree guint8 *out = NULL;
  TcTone tone;

  if (!tc_media_engine_codec_available (TC_CODEC_OPUS, &error))
    {
      g_test_skip (error->message);
      return;
    }
  encoder = tc_frame_encoder_new (TC_CODEC_OPUS, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tc_frame_encoder_get_samples (encoder), ==, 960);
  g_assert_cmpint (tc_frame_encoder_get_loss_percent (encoder), ==, 0);
  tc_frame_encoder_set_fec (encoder, TRUE, 10);
  g_assert_cmpint (tc_frame_encoder_get_loss_percent (encoder), ==, 10);
  tc_frame_encoder_set_fec (encoder, FALSE, 10);
  g_assert_cmpint (tc_frame_encoder_get_loss_percent (encoder), ==, 0);
  pcm = g_new (gint16, 960);
  out = g_malloc (tc_frame_encoder_get_max_payload (encoder));
  tc_tone_init (&tone, 440, 48000, TC_TONE_VOLUME);
  for (guint i = 0; i < 50; i++)
    {
      gsize size;

      tc_tone_fill (&tone, pcm, 960);
      size = tc_frame_encoder_encode (encoder, pcm, out);
      g_assert_cmpuint (size, >, 10);
      g_assert_cmpuint (size, <=, tc_frame_encoder_get_max_payload (encoder));
    }
  tc_frame_encoder_free (encoder);

  encoder = tc_frame_encoder_new (TC_CODEC_PCMU, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tc_frame_encoder_get_samples (encoder), ==, 240);
  g_assert_cmpint (tc_frame_encoder_get_loss_percent (encoder), ==, -1);
  tc_frame_encoder_free (encoder);
}

/* G.722 at 30 ms: avenc_g722 codes 20 ms at a time, the payloads are
 * still 240 bytes each, one per frame once the first 20 ms are out. */
static void
test_frame_encoder_g722 (void)
{
  g_autoptr (GError) error = NULL;
  TcFrameEncoder *encoder;
  gint16 pcm[480] = { 0 };
  guint8 out[240];
  guint got = 0;

  if (!tc_media_engine_codec_available (TC_CODEC_G722, &error))
    {
      g_test_skip (error->message);
      return;
    }
  encoder = tc_frame_encoder_new (TC_CODEC_G722, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tc_frame_encoder_get_max_payload (encoder), ==, sizeof out);
  for (guint i = 0; i < 20; i++)
    {
      gsize size = tc_frame_encoder_encode (encoder, pcm, out);

      g_assert_true (size == 0 || size == sizeof out);
      got += size > 0;
    }
  g_assert_cmpuint (got, >=, 19);
  tc_frame_encoder_free (encoder);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/g711/known-values", test_g711_known);
  g_test_add_func ("/media/tone/sine", test_tone);
  g_test_add_func ("/media/opus-fec/policy", test_fec_policy);
  if (!tc_media_engine_ensure (&error))
    {
      g_test_message ("no GStreamer: %s", error->message);
      return g_test_run ();
    }
  g_test_add_func ("/media/g711/ulaw-vs-mulawdec", test_g711_ulaw);
  g_test_add_func ("/media/g711/alaw-vs-alawdec", test_g711_alaw);
  g_test_add_func ("/media/g711/vs-gstreamer-encoders", test_g711_against_encoders);
  g_test_add_func ("/media/frame-encoder/opus", test_frame_encoder_opus);
  g_test_add_func ("/media/frame-encoder/g722", test_frame_encoder_g722);
  return g_test_run ();
}
