/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * silence.c — encoded silence frames, made once per process and codec
 * and frame length (see silence.h for which and how).
 */
#include "media/silence.h"

#include <string.h>

#include "media/frame-encoder.h"
#include "media/media-error.h"

/* Frames fed before the output is taken: Opus's look-ahead and G.722's
 * adaptive predictor settle within a few. */
#define WARM_UP_FRAMES 10

/* (codec << 8 | frame_ms) → GBytes */
static GHashTable *cache;

guint
tc_media_silence_frame_ms (TcCodec codec, guint ptime_ms)
{
  if (codec == TC_CODEC_OPUS)
    return ptime_ms == 10 || ptime_ms == 40 || ptime_ms == 60 ? ptime_ms : 20;
  return ptime_ms ? ptime_ms : 20;
}

/* The steady-state frame: the last payload after WARM_UP_FRAMES frames of
 * zeros through @codec's encoder. */
static GBytes *
make_frame (TcCodec codec, guint frame_ms, GError **error)
{
  TcFrameEncoder *encoder = tc_frame_encoder_new (codec, frame_ms, error);
  g_autofree gint16 *zeros = NULL;
  g_autofree guint8 *payload = NULL;
  gsize size = 0;

  if (!encoder)
    return NULL;
  zeros = g_new0 (gint16, tc_frame_encoder_get_samples (encoder));
  payload = g_malloc (tc_frame_encoder_get_max_payload (encoder));
  for (guint i = 0; i < WARM_UP_FRAMES; i++)
    {
      gsize out = tc_frame_encoder_encode (encoder, zeros, payload);

      size = out ? out : size;
    }
  tc_frame_encoder_free (encoder);
  if (size == 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "the %s encoder did not encode silence",
                   tc_codec_get_info (codec)->nick);
      return NULL;
    }
  return g_bytes_new (payload, size);
}

GBytes *
tc_media_silence_get (TcCodec codec, guint frame_ms, GError **error)
{
  guint key = (guint) codec << 8 | MIN (frame_ms, 0xff);
  GBytes *frame;

  g_return_val_if_fail (codec < TC_N_CODECS && codec != TC_CODEC_TELEPHONE_EVENT, NULL);
  g_return_val_if_fail (frame_ms > 0 && frame_ms <= 0xff, NULL);
  if (!cache)
    cache = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref);
  frame = g_hash_table_lookup (cache, GUINT_TO_POINTER (key));
  if (frame)
    return frame;
  switch (codec)
    {
    case TC_CODEC_PCMU:
    case TC_CODEC_PCMA:
      {
        /* ITU-T G.711: the code of a zero sample (PCMA: 0x55 after the
         * even-bit inversion, sign bit set: 0xD5). */
        gsize size = (gsize) tc_codec_get_info (codec)->clock_rate * frame_ms / 1000;
        guint8 *bytes = g_malloc (size);

        memset (bytes, codec == TC_CODEC_PCMU ? 0xff : 0xd5, size);
        frame = g_bytes_new_take (bytes, size);
      }
      break;
    case TC_CODEC_G722:
    case TC_CODEC_OPUS:
      frame = make_frame (codec, frame_ms, error);
      if (!frame)
        return NULL;
      g_debug ("media silence: %s %u ms frame of %zu bytes", tc_codec_get_info (codec)->nick, frame_ms,
               g_bytes_get_size (frame));
      break;
    case TC_CODEC_TELEPHONE_EVENT:
    case TC_N_CODECS:
      g_assert_not_reached ();
    }
  g_hash_table_insert (cache, GUINT_TO_POINTER (key), frame);
  return frame;
}
