/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * silence.c — encoded silence frames, made once per process and codec
 * and frame length (see silence.h for which and how).
 */
#include "media/silence.h"

#include <gst/gst.h>
#include <string.h>

#include "media/media-error.h"

/* What the pipeline's opusenc is set to (call-media-send.c). */
#define OPUS_BITRATE 32000
/* Frames fed before the output is taken: Opus's look-ahead and G.722's
 * adaptive predictor settle within a few. */
#define WARM_UP_FRAMES 10
/* G.722: 64 kbit/s, 8 bytes per ms. */
#define G722_BYTES_PER_MS 8

/* (codec << 8 | frame_ms) → GBytes */
static GHashTable *cache;

guint
tc_media_silence_frame_ms (TcCodec codec, guint ptime_ms)
{
  if (codec == TC_CODEC_OPUS)
    return ptime_ms == 10 || ptime_ms == 40 || ptime_ms == 60 ? ptime_ms : 20;
  return ptime_ms ? ptime_ms : 20;
}

/* What the encoder pushes out, gathered on our sink pad. */
typedef struct {
  GByteArray *bytes; /* everything, in order */
  GstBuffer *last;   /* the last buffer */
} Output;

static GstFlowReturn
on_output_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  Output *output = gst_pad_get_element_private (pad);
  GstMapInfo map;

  if (gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_byte_array_append (output->bytes, map.data, map.size);
      gst_buffer_unmap (buffer, &map);
    }
  gst_clear_buffer (&output->last);
  output->last = buffer;
  return GST_FLOW_OK;
}

static void
configure_encoder (GstElement *encoder, TcCodec codec, guint frame_ms)
{
  g_autofree char *frame_size = g_strdup_printf ("%u", frame_ms);

  if (codec != TC_CODEC_OPUS)
    return;
  gst_util_set_object_arg (G_OBJECT (encoder), "frame-size", frame_size);
  gst_util_set_object_arg (G_OBJECT (encoder), "audio-type", "voice");
  g_object_set (encoder, "bitrate", OPUS_BITRATE, NULL);
}

/* Feeds WARM_UP_FRAMES frames of zeros through @codec's encoder, driven
 * from this thread through pads of our own. */
static gboolean
encode_zeros (TcCodec codec, guint frame_ms, Output *output, GError **error)
{
  const TcCodecInfo *info = tc_codec_get_info (codec);
  g_autoptr (GstElement) encoder = gst_element_factory_make (info->encoder, NULL);
  g_autoptr (GstPad) src = NULL, sink = NULL, encoder_sink = NULL, encoder_src = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autofree char *stream_id = NULL;
  gsize frame_bytes = (gsize) info->audio_rate * frame_ms / 1000 * 2;
  GstFlowReturn flow = GST_FLOW_OK;
  GstSegment segment;

  if (!encoder)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "GStreamer element %s is missing", info->encoder);
      return FALSE;
    }
  gst_object_ref_sink (encoder);
  configure_encoder (encoder, codec, frame_ms);
  src = gst_object_ref_sink (gst_pad_new ("src", GST_PAD_SRC));
  sink = gst_object_ref_sink (gst_pad_new ("sink", GST_PAD_SINK));
  gst_pad_set_chain_function (sink, on_output_chain);
  gst_pad_set_element_private (sink, output);
  encoder_sink = gst_element_get_static_pad (encoder, "sink");
  encoder_src = gst_element_get_static_pad (encoder, "src");
  gst_pad_set_active (src, TRUE);
  gst_pad_set_active (sink, TRUE);
  if (gst_pad_link (src, encoder_sink) != GST_PAD_LINK_OK || gst_pad_link (encoder_src, sink) != GST_PAD_LINK_OK ||
      gst_element_set_state (encoder, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "cannot start %s", info->encoder);
      gst_element_set_state (encoder, GST_STATE_NULL);
      return FALSE;
    }
  stream_id = g_strdup_printf ("tincan-silence-%s", info->nick);
  gst_pad_push_event (src, gst_event_new_stream_start (stream_id));
  caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE", "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, (int) info->audio_rate, "channels", G_TYPE_INT, 1, NULL);
  gst_pad_push_event (src, gst_event_new_caps (caps));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (src, gst_event_new_segment (&segment));
  for (guint i = 0; i < WARM_UP_FRAMES && flow == GST_FLOW_OK; i++)
    {
      GstBuffer *buffer = gst_buffer_new_allocate (NULL, frame_bytes, NULL);

      gst_buffer_memset (buffer, 0, 0, frame_bytes);
      GST_BUFFER_PTS (buffer) = (GstClockTime) i * frame_ms * GST_MSECOND;
      GST_BUFFER_DURATION (buffer) = (GstClockTime) frame_ms * GST_MSECOND;
      flow = gst_pad_push (src, buffer);
    }
  gst_element_set_state (encoder, GST_STATE_NULL);
  gst_pad_unlink (src, encoder_sink);
  gst_pad_unlink (encoder_src, sink);
  gst_pad_set_active (src, FALSE);
  gst_pad_set_active (sink, FALSE);
  if (flow != GST_FLOW_OK || !output->last)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "%s did not encode silence (%s)", info->encoder,
                   gst_flow_get_name (flow));
      return FALSE;
    }
  return TRUE;
}

/* The steady-state frame: Opus's last packet; for G.722, a byte stream,
 * the last frame's worth of bytes. */
static GBytes *
make_frame (TcCodec codec, guint frame_ms, GError **error)
{
  Output output = { g_byte_array_new (), NULL };
  GBytes *frame = NULL;

  if (encode_zeros (codec, frame_ms, &output, error))
    {
      if (codec == TC_CODEC_G722)
        {
          gsize size = (gsize) G722_BYTES_PER_MS * frame_ms;

          if (output.bytes->len >= size)
            frame = g_bytes_new (output.bytes->data + output.bytes->len - size, size);
          else
            g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "G.722 silence: %u bytes, expected %zu",
                         output.bytes->len, size);
        }
      else
        {
          GstMapInfo map;

          gst_buffer_map (output.last, &map, GST_MAP_READ);
          frame = g_bytes_new (map.data, map.size);
          gst_buffer_unmap (output.last, &map);
        }
    }
  gst_clear_buffer (&output.last);
  g_byte_array_unref (output.bytes);
  return frame;
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
