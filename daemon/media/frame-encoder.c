/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * frame-encoder.c — encoding one frame at a time without a pipeline (see
 * frame-encoder.h).
 *
 * The GStreamer encoder sits between two pads of ours: a source pad that
 * pushes each frame (stream-start, caps and a segment first) and a sink
 * pad whose chain function queues what comes out.  gst_pad_push() runs
 * the encoder's chain on this thread, so its output is queued before the
 * push returns.
 */
#include "media/frame-encoder.h"

#include <string.h>

#include "media/g711.h"
#include "media/media-error.h"

#define OPUS_BITRATE 32000
/* RFC 6716 §3.4: at most 1275 bytes per 20 ms frame, plus the TOC and
 * frame-count bytes of a multi-frame packet. */
#define OPUS_MAX_FRAME_BYTES 1275
#define OPUS_MAX_PACKET_OVERHEAD 8
/* G.722: 64 kbit/s, 8 bytes per ms. */
#define G722_BYTES_PER_MS 8
/* Output queued beyond this many frames is dropped (oldest first): an
 * encoder that gives more than it is fed must not make the delay grow. */
#define MAX_QUEUED_FRAMES 4

struct _TcFrameEncoder {
  TcCodec codec;
  guint frame_ms;
  gsize samples;     /* per frame */
  gsize max_payload; /* the longest payload */
  gsize stream_size; /* byte-stream codecs: a frame's payload; 0: packets (Opus) */

  /* G.722 and Opus */
  GstElement *element;
  GstPad *src, *sink;   /* ours */
  GstPad *element_sink; /* the element's, linked to ours */
  GstPad *element_src;
  GstClockTime pts;
  GByteArray *queued; /* output not taken yet */
  GArray *sizes;      /* Opus: the sizes of the packets in queued (gsize) */
};

void
tc_media_opus_configure (GstElement *opusenc, guint frame_ms, gboolean fec, guint loss_percent)
{
  char frame_size[16];

  g_snprintf (frame_size, sizeof frame_size, "%u", frame_ms);
  gst_util_set_object_arg (G_OBJECT (opusenc), "frame-size", frame_size);
  gst_util_set_object_arg (G_OBJECT (opusenc), "audio-type", "voice");
  g_object_set (opusenc, "bitrate", OPUS_BITRATE, "inband-fec", fec, "packet-loss-percentage",
                fec ? (gint) loss_percent : 0, NULL);
}

/* Our sink pad: queues the encoder's output. */
static GstFlowReturn
on_output_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  TcFrameEncoder *encoder = gst_pad_get_element_private (pad);
  GstMapInfo map;

  if (gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      if (encoder->stream_size == 0)
        {
          if (map.size <= encoder->max_payload)
            {
              gsize size = map.size;

              g_byte_array_append (encoder->queued, map.data, map.size);
              g_array_append_val (encoder->sizes, size);
            }
        }
      else
        g_byte_array_append (encoder->queued, map.data, map.size);
      gst_buffer_unmap (buffer, &map);
    }
  gst_buffer_unref (buffer);
  return GST_FLOW_OK;
}

static gboolean
start_element (TcFrameEncoder *encoder, const TcCodecInfo *info, GError **error)
{
  g_autoptr (GstCaps) caps = NULL;
  g_autofree char *stream_id = NULL;
  GstSegment segment;

  encoder->element = gst_element_factory_make (info->encoder, NULL);
  if (!encoder->element)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "GStreamer element %s is missing", info->encoder);
      return FALSE;
    }
  gst_object_ref_sink (encoder->element);
  if (encoder->codec == TC_CODEC_OPUS)
    tc_media_opus_configure (encoder->element, encoder->frame_ms, FALSE, 0);
  encoder->src = gst_object_ref_sink (gst_pad_new ("src", GST_PAD_SRC));
  encoder->sink = gst_object_ref_sink (gst_pad_new ("sink", GST_PAD_SINK));
  gst_pad_set_chain_function (encoder->sink, on_output_chain);
  gst_pad_set_element_private (encoder->sink, encoder);
  encoder->element_sink = gst_element_get_static_pad (encoder->element, "sink");
  encoder->element_src = gst_element_get_static_pad (encoder->element, "src");
  gst_pad_set_active (encoder->src, TRUE);
  gst_pad_set_active (encoder->sink, TRUE);
  if (gst_pad_link (encoder->src, encoder->element_sink) != GST_PAD_LINK_OK ||
      gst_pad_link (encoder->element_src, encoder->sink) != GST_PAD_LINK_OK ||
      gst_element_set_state (encoder->element, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "cannot start %s", info->encoder);
      return FALSE;
    }
  stream_id = g_strdup_printf ("tincan-frames-%s-%p", info->nick, (void *) encoder);
  gst_pad_push_event (encoder->src, gst_event_new_stream_start (stream_id));
  caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE", "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, (int) info->audio_rate, "channels", G_TYPE_INT, 1, NULL);
  if (!gst_pad_push_event (encoder->src, gst_event_new_caps (caps)))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "%s refuses %u Hz mono", info->encoder,
                   info->audio_rate);
      return FALSE;
    }
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (encoder->src, gst_event_new_segment (&segment));
  return TRUE;
}

TcFrameEncoder *
tc_frame_encoder_new (TcCodec codec, guint frame_ms, GError **error)
{
  const TcCodecInfo *info;
  TcFrameEncoder *encoder;

  g_return_val_if_fail (codec < TC_N_CODECS && codec != TC_CODEC_TELEPHONE_EVENT, NULL);
  g_return_val_if_fail (frame_ms > 0, NULL);
  info = tc_codec_get_info (codec);
  encoder = g_new0 (TcFrameEncoder, 1);
  encoder->codec = codec;
  encoder->frame_ms = frame_ms;
  encoder->samples = (gsize) info->audio_rate * frame_ms / 1000;
  switch (codec)
    {
    case TC_CODEC_PCMU:
    case TC_CODEC_PCMA:
      encoder->stream_size = encoder->max_payload = encoder->samples;
      return encoder;
    case TC_CODEC_G722:
      encoder->stream_size = encoder->max_payload = (gsize) G722_BYTES_PER_MS * frame_ms;
      break;
    case TC_CODEC_OPUS:
      encoder->max_payload = (gsize) (frame_ms + 19) / 20 * OPUS_MAX_FRAME_BYTES + OPUS_MAX_PACKET_OVERHEAD;
      encoder->sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
      break;
    case TC_CODEC_TELEPHONE_EVENT:
    case TC_N_CODECS:
      g_assert_not_reached ();
    }
  encoder->queued = g_byte_array_new ();
  if (!start_element (encoder, info, error))
    {
      tc_frame_encoder_free (encoder);
      return NULL;
    }
  return encoder;
}

void
tc_frame_encoder_free (TcFrameEncoder *encoder)
{
  if (!encoder)
    return;
  if (encoder->element)
    gst_element_set_state (encoder->element, GST_STATE_NULL);
  if (encoder->src && encoder->element_sink)
    gst_pad_unlink (encoder->src, encoder->element_sink);
  if (encoder->element_src && encoder->sink)
    gst_pad_unlink (encoder->element_src, encoder->sink);
  if (encoder->src)
    gst_pad_set_active (encoder->src, FALSE);
  if (encoder->sink)
    gst_pad_set_active (encoder->sink, FALSE);
  gst_clear_object (&encoder->element_sink);
  gst_clear_object (&encoder->element_src);
  gst_clear_object (&encoder->src);
  gst_clear_object (&encoder->sink);
  gst_clear_object (&encoder->element);
  if (encoder->queued)
    g_byte_array_unref (encoder->queued);
  if (encoder->sizes)
    g_array_unref (encoder->sizes);
  g_free (encoder);
}

TcCodec
tc_frame_encoder_get_codec (TcFrameEncoder *encoder)
{
  return encoder->codec;
}

gsize
tc_frame_encoder_get_samples (TcFrameEncoder *encoder)
{
  return encoder->samples;
}

gsize
tc_frame_encoder_get_max_payload (TcFrameEncoder *encoder)
{
  return encoder->max_payload;
}

/* The oldest queued payload into @out. */
static gsize
take (TcFrameEncoder *encoder, guint8 *out)
{
  gsize size;

  if (encoder->stream_size > 0)
    {
      /* Whole frames only; beyond MAX_QUEUED_FRAMES the oldest go. */
      gsize frames = encoder->queued->len / encoder->stream_size;

      if (frames > MAX_QUEUED_FRAMES)
        g_byte_array_remove_range (encoder->queued, 0, (guint) ((frames - MAX_QUEUED_FRAMES) * encoder->stream_size));
      if (encoder->queued->len < encoder->stream_size)
        return 0;
      size = encoder->stream_size;
    }
  else
    {
      while (encoder->sizes->len > MAX_QUEUED_FRAMES)
        {
          g_byte_array_remove_range (encoder->queued, 0, (guint) g_array_index (encoder->sizes, gsize, 0));
          g_array_remove_index (encoder->sizes, 0);
        }
      if (encoder->sizes->len == 0)
        return 0;
      size = g_array_index (encoder->sizes, gsize, 0);
      g_array_remove_index (encoder->sizes, 0);
    }
  memcpy (out, encoder->queued->data, size);
  g_byte_array_remove_range (encoder->queued, 0, (guint) size);
  return size;
}

gsize
tc_frame_encoder_encode (TcFrameEncoder *encoder, const gint16 *pcm, guint8 *out)
{
  GstBuffer *buffer;
  GstClockTime duration = (GstClockTime) encoder->frame_ms * GST_MSECOND;
  GstFlowReturn flow;

  switch (encoder->codec)
    {
    case TC_CODEC_PCMU:
      tc_g711_ulaw_encode_frame (pcm, out, encoder->samples);
      return encoder->samples;
    case TC_CODEC_PCMA:
      tc_g711_alaw_encode_frame (pcm, out, encoder->samples);
      return encoder->samples;
    case TC_CODEC_G722:
    case TC_CODEC_OPUS:
      break;
    case TC_CODEC_TELEPHONE_EVENT:
    case TC_N_CODECS:
      g_assert_not_reached ();
    }
  buffer = gst_buffer_new_memdup (pcm, encoder->samples * sizeof (gint16));
  GST_BUFFER_PTS (buffer) = encoder->pts;
  GST_BUFFER_DURATION (buffer) = duration;
  encoder->pts += duration;
  flow = gst_pad_push (encoder->src, buffer);
  if (flow != GST_FLOW_OK)
    {
      g_debug ("frame encoder %s: %s", tc_codec_get_info (encoder->codec)->nick, gst_flow_get_name (flow));
      return 0;
    }
  return take (encoder, out);
}

void
tc_frame_encoder_set_fec (TcFrameEncoder *encoder, gboolean fec, guint loss_percent)
{
  if (encoder->codec != TC_CODEC_OPUS)
    return;
  g_object_set (encoder->element, "inband-fec", fec, "packet-loss-percentage", fec ? (gint) loss_percent : 0, NULL);
}

gint
tc_frame_encoder_get_loss_percent (TcFrameEncoder *encoder)
{
  gint percent = -1;

  if (encoder->codec == TC_CODEC_OPUS)
    g_object_get (encoder->element, "packet-loss-percentage", &percent, NULL);
  return percent;
}
