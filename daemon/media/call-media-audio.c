/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-audio.c — TcCallMedia's audio branches: what they share, how
 * they are built, and where a pipeline error comes from.
 *
 *   send (call-media-send.c):     source → volume → valve → convert → resample
 *                                   → caps → tee → ENC → PAY → rtpdtmfmux
 *   receive (call-media-receive.c): per rtpbin pad: DEPAY → DEC → convert
 *                                   → resample → caps → funnel → tee → sink
 *   recording (call-media-record.c): off the two tees
 *
 * Everything here runs on the main context, except the helpers that the
 * receive branches also use on the jitter buffer's thread.
 */
#include "media/call-media-private.h"

/* ---- helpers --------------------------------------------------------------------------- */

static gboolean
is_in (GstObject *object, GstElement *element)
{
  return element && (object == GST_OBJECT (element) || gst_object_has_as_ancestor (object, GST_OBJECT (element)));
}

GstCaps *
tc_call_media_audio_raw_caps (guint rate)
{
  return gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE", "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, (int) rate, "channels", G_TYPE_INT, 1, NULL);
}

void
tc_call_media_audio_remove_element (TcCallMedia *self, GstElement *element)
{
  tc_call_media_set_null (element);
  gst_bin_remove (GST_BIN (self->pipeline), element);
}

/* Adds @elements to the pipeline, links them in order, and brings them
 * to the pipeline's state from the last to the first, so that each is
 * ready before data can reach it. */
gboolean
tc_call_media_audio_add_chain (TcCallMedia *self, GPtrArray *elements)
{
  for (guint i = 0; i < elements->len; i++)
    gst_bin_add (GST_BIN (self->pipeline), g_ptr_array_index (elements, i));
  for (guint i = 0; i + 1 < elements->len; i++)
    if (!gst_element_link (g_ptr_array_index (elements, i), g_ptr_array_index (elements, i + 1)))
      return FALSE;
  for (guint i = elements->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (elements, i - 1));
  return TRUE;
}

gboolean
tc_call_media_audio_build (TcCallMedia *self, GError **error)
{
  if (!tc_call_media_audio_build_receive (self, error) || !tc_call_media_audio_build_send (self, error))
    return FALSE;
  tc_call_media_audio_start_source (self);
  return TRUE;
}

/* ---- errors --------------------------------------------------------------------------------------- */

ErrorOrigin
tc_call_media_audio_error_origin (TcCallMedia *self, GstObject *src)
{
  if (!self->pipeline || !gst_object_has_as_ancestor (src, GST_OBJECT (self->pipeline)))
    return ORIGIN_STALE;
  if (is_in (src, self->source))
    return self->source_kind == SOURCE_PLAYING ? ORIGIN_PLAYING : ORIGIN_SOURCE;
  for (guint i = 0; i < self->sink_elements->len; i++)
    if (is_in (src, g_ptr_array_index (self->sink_elements, i)))
      return ORIGIN_SINK;
  if (self->recorder && is_in (src, self->recorder->bin))
    return ORIGIN_RECORDER;
  return ORIGIN_OTHER;
}

void
tc_call_media_audio_handle_error (TcCallMedia *self, ErrorOrigin origin, const GError *error)
{
  switch (origin)
    {
    case ORIGIN_PLAYING:
      {
        g_autofree char *path = g_steal_pointer (&self->playing);

        tc_call_media_audio_restore_source (self);
        tc_call_media_emit_play_finished (self, path, error->message);
      }
      break;
    case ORIGIN_SOURCE:
      /* The call goes on with silence. */
      tc_call_media_audio_fall_back_source (self);
      tc_call_media_fail (self, "device-error", "audio source %s: %s", self->policy.audio_source, error->message);
      break;
    case ORIGIN_SINK:
      tc_call_media_fail (self, "device-error", "audio sink %s: %s", self->policy.audio_sink, error->message);
      break;
    case ORIGIN_RECORDER:
      g_debug ("media %u: recording %s failed: %s", self->id, self->recorder->path, error->message);
      tc_call_media_audio_stop_recording (self);
      break;
    case ORIGIN_STALE:
    case ORIGIN_OTHER:
      break;
    }
}

/* ---- teardown ------------------------------------------------------------------------------------- */

/* After the pipeline went to NULL: forget what pointed into it. */
void
tc_call_media_audio_stop (TcCallMedia *self)
{
  tc_call_media_audio_clear_receive (self);
  gst_clear_object (&self->tee_pad);
  gst_clear_object (&self->mux_pad);
  self->source = NULL;
  self->volume = self->valve = self->send_convert = self->send_resample = self->send_caps = self->send_tee = NULL;
  self->encoder = self->payloader = self->dtmfmux = NULL;
  self->funnel = self->recv_tee = NULL;
  self->rtpbin = NULL;
  self->rtp_out = self->rtcp_out = NULL;
  g_clear_pointer (&self->playing, g_free);
}
