/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-send.c — the send branch of TcCallMedia:
 *
 *   source → volume → valve → audioconvert → audioresample
 *     → capsfilter(S16LE mono @codec rate) → tee → ENC → PAY → rtpdtmfmux
 *
 * The source is replaceable while the pipeline runs (play_file, the loop
 * of a file: source, the fallback to silence when a device fails): the
 * old one is set to NULL, which stops its thread, and a new one is linked
 * to volume.  A codec change quiesces the branch the same way (no source,
 * no thread pushing) and swaps encoder and payloader.  Hold closes the
 * valve, mute is the volume's.
 *
 * Opus (media-notes.md §1, §7): opusenc frame-size = ptime, voice, 32
 * kbit/s, in-band FEC when the peer asked for it, sized for the loss the
 * peer reports on our stream (opus-fec.h: rtpbin's on-ssrc-active brings
 * each RTCP packet's report block).  G.711/G.722 payloaders pack exactly
 * ptime (min-ptime = max-ptime).
 */
#include "media/call-media-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "media/devices.h"
#include "media/frame-encoder.h"
#include "media/media-error.h"
#include "media/tone.h"

/* ---- sources ----------------------------------------------------------------------------- */

static guint
send_rate (TcCallMedia *self)
{
  return tc_codec_get_info (self->params.send.codec)->audio_rate;
}

/* A live audiotestsrc: its timestamps are running time, also when it
 * starts in a running pipeline.  wave=silence for "none". */
static GstElement *
make_test_source (TcCallMedia *self, guint hz, GError **error)
{
  GstElement *source = tc_call_media_make_element ("audiotestsrc", NULL, error);

  if (!source)
    return NULL;
  /* One buffer per packet: no re-packing in the payloader. */
  g_object_set (source, "is-live", TRUE, "samplesperbuffer", (int) (send_rate (self) * self->params.ptime / 1000),
                NULL);
  if (hz > 0)
    g_object_set (source, "freq", (double) hz, "volume", TC_TONE_VOLUME, NULL);
  else
    gst_util_set_object_arg (G_OBJECT (source), "wave", "silence");
  return source;
}

static void
on_decodebin_pad_added (GstElement *decodebin, GstPad *pad, gpointer user_data)
{
  GstElement *clocksync = user_data;
  g_autoptr (GstPad) sink = gst_element_get_static_pad (clocksync, "sink");
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *media = caps ? gst_structure_get_name (gst_caps_get_structure (caps, 0)) : "";

  if (g_str_has_prefix (media, "audio/") && !gst_pad_is_linked (sink))
    gst_pad_link (pad, sink);
}

/* filesrc → decodebin → clocksync, in a bin.  A file is not live: the
 * clocksync paces it, and the offset on its sink pad moves the file's
 * timestamps (from 0) to now, so that running time goes on where the
 * previous source left it. */
static GstElement *
make_file_source (TcCallMedia *self, const char *path, GError **error)
{
  GstElement *bin = gst_bin_new (NULL);
  GstElement *filesrc = tc_call_media_make_element ("filesrc", NULL, error);
  GstElement *decodebin = filesrc ? tc_call_media_make_element ("decodebin", NULL, error) : NULL;
  GstElement *clocksync = decodebin ? tc_call_media_make_element ("clocksync", NULL, error) : NULL;
  g_autoptr (GstPad) sync_sink = NULL, sync_src = NULL;

  if (!clocksync)
    {
      g_clear_pointer (&filesrc, gst_object_unref);
      g_clear_pointer (&decodebin, gst_object_unref);
      gst_object_unref (gst_object_ref_sink (bin));
      return NULL;
    }
  g_object_set (filesrc, "location", path, NULL);
  g_object_set (clocksync, "sync", TRUE, NULL);
  gst_bin_add_many (GST_BIN (bin), filesrc, decodebin, clocksync, NULL);
  gst_element_link (filesrc, decodebin);
  g_signal_connect_object (decodebin, "pad-added", G_CALLBACK (on_decodebin_pad_added), clocksync, 0);
  sync_sink = gst_element_get_static_pad (clocksync, "sink");
  gst_pad_set_offset (sync_sink, (gint64) tc_call_media_running_time (self));
  sync_src = gst_element_get_static_pad (clocksync, "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", sync_src));
  return bin;
}

static GstElement *
make_configured_source (TcCallMedia *self, GError **error)
{
  const char *spec = self->policy.audio_source;

  if (g_str_equal (spec, "none"))
    return make_test_source (self, 0, error);
  if (g_str_has_prefix (spec, "tone:"))
    return make_test_source (self, (guint) g_ascii_strtoull (spec + 5, NULL, 10), error);
  if (g_str_has_prefix (spec, "file:"))
    {
      if (g_access (spec + 5, R_OK) != 0)
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "audio source %s: %s", spec, g_strerror (errno));
          return NULL;
        }
      return make_file_source (self, spec + 5, error);
    }
  return tc_media_devices_make_source (spec, error);
}

/* What a source's event probe knows: whose source it watches, and which
 * generation, so that a late report about a replaced source is ignored. */
typedef struct {
  TcCallMedia *self;
  guint generation;
} SourceWatch;

static void set_source (TcCallMedia *self, GstElement *source, SourceKind kind);

/* Main context: the source of generation *@data sent EOS. */
static void
on_source_end (TcCallMedia *self, gpointer data)
{
  guint generation = GPOINTER_TO_UINT (data);

  if (generation != self->source_generation)
    return; /* replaced meanwhile */
  switch (self->source_kind)
    {
    case SOURCE_PLAYING:
      {
        g_autofree char *path = g_steal_pointer (&self->playing);

        tc_call_media_audio_restore_source (self);
        tc_call_media_emit_play_finished (self, path, NULL);
      }
      break;
    case SOURCE_CONFIGURED:
      /* A file: source plays in a loop; a device that ended is dead. */
      if (g_str_has_prefix (self->policy.audio_source, "file:"))
        tc_call_media_audio_restore_source (self);
      else
        {
          set_source (self, make_test_source (self, 0, NULL), SOURCE_FALLBACK);
          tc_call_media_fail (self, "device-error", "audio source %s ended", self->policy.audio_source);
        }
      break;
    case SOURCE_FALLBACK:
      break;
    }
}

/* Streaming thread: a source's EOS must not reach the encoder (it would
 * end the send path for good); the main context decides what follows. */
static GstPadProbeReturn
on_source_event (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  SourceWatch *watch = user_data;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  tc_call_media_invoke (watch->self, on_source_end, GUINT_TO_POINTER (watch->generation), NULL);
  return GST_PAD_PROBE_DROP;
}

/* Replaces the source (main context).  @source NULL: none. */
static void
set_source (TcCallMedia *self, GstElement *source, SourceKind kind)
{
  g_autoptr (GstPad) pad = NULL;

  if (self->source)
    {
      /* NULL first: its streaming thread stops before it is unlinked. */
      tc_call_media_set_null (self->source);
      gst_element_unlink (self->source, self->volume);
      gst_bin_remove (GST_BIN (self->pipeline), self->source);
      self->source = NULL;
    }
  self->source_generation++;
  self->source_kind = kind;
  if (!source)
    return;
  gst_bin_add (GST_BIN (self->pipeline), source);
  pad = gst_element_get_static_pad (source, "src");
  {
    SourceWatch *watch = g_new0 (SourceWatch, 1);

    watch->self = self;
    watch->generation = self->source_generation;
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_source_event, watch, g_free);
  }
  if (!gst_element_link (source, self->volume))
    g_debug ("media %u: cannot link the audio source", self->id);
  self->source = source;
  gst_element_sync_state_with_parent (source);
}

/* The configured source, or silence (and "device-error") when it cannot
 * be made. */
void
tc_call_media_audio_restore_source (TcCallMedia *self)
{
  g_autoptr (GError) error = NULL;
  GstElement *source = make_configured_source (self, &error);

  if (source)
    {
      set_source (self, source, SOURCE_CONFIGURED);
      return;
    }
  set_source (self, make_test_source (self, 0, NULL), SOURCE_FALLBACK);
  tc_call_media_fail (self, "device-error", "%s", error->message);
}

void
tc_call_media_audio_fall_back_source (TcCallMedia *self)
{
  set_source (self, make_test_source (self, 0, NULL), SOURCE_FALLBACK);
}

/* The configured source, or silence and a "device-error" reported from
 * the main loop (the caller is still building the pipeline). */
void
tc_call_media_audio_start_source (TcCallMedia *self)
{
  g_autoptr (GError) error = NULL;
  GstElement *source = make_configured_source (self, &error);

  if (source)
    {
      set_source (self, source, SOURCE_CONFIGURED);
      return;
    }
  tc_call_media_audio_fall_back_source (self);
  tc_call_media_fail_later (self, "device-error", error->message);
}

/* ---- the send branch ---------------------------------------------------------------------- */

static GstElement *
make_encoder (TcCallMedia *self, const TcCodecInfo *info, GError **error)
{
  GstElement *encoder = tc_call_media_make_element (info->encoder, NULL, error);
  guint ptime = self->params.ptime;

  if (!encoder || info->id != TC_CODEC_OPUS)
    return encoder;
  /* Opus frames are 10, 20, 40 or 60 ms (RFC 6716 §2.1.4). */
  tc_media_opus_configure (encoder, ptime == 10 || ptime == 40 || ptime == 60 ? ptime : 20, self->params.opus_fec,
                           self->opus_fec.percent);
  return encoder;
}

/* rtpbin's on-ssrc-active: RTCP came from @ssrc.  When it brought a new
 * report block on our stream (rtpsession keeps the last one on the
 * sender's source), the FEC policy hears its fraction lost, and opusenc
 * its new percentage (mutable while playing).  rtpsession processes RTCP
 * where it is pushed: on the main context (call-media-rtp.c). */
static void
on_ssrc_active (GstElement *rtpbin, guint session_id, guint ssrc, TcCallMedia *self)
{
  g_autoptr (GObject) session = NULL;
  g_autoptr (GObject) source = NULL;
  g_autoptr (GstStructure) stats = NULL;
  gboolean internal = TRUE, have_rb = FALSE;
  guint fraction_lost = 0, seq = 0, lsr = 0, dlsr = 0;

  g_signal_emit_by_name (rtpbin, "get-internal-session", session_id, &session);
  if (session)
    g_signal_emit_by_name (session, "get-source-by-ssrc", ssrc, &source);
  if (source)
    g_object_get (source, "stats", &stats, NULL);
  if (!stats)
    return;
  gst_structure_get (stats, "internal", G_TYPE_BOOLEAN, &internal, "have-rb", G_TYPE_BOOLEAN, &have_rb, NULL);
  if (internal || !have_rb ||
      !gst_structure_get (stats, "rb-fractionlost", G_TYPE_UINT, &fraction_lost, "rb-exthighestseq", G_TYPE_UINT, &seq,
                          "rb-lsr", G_TYPE_UINT, &lsr, "rb-dlsr", G_TYPE_UINT, &dlsr, NULL))
    return;
  if (self->fec_have_rb && seq == self->fec_rb_seq && lsr == self->fec_rb_lsr && dlsr == self->fec_rb_dlsr)
    return; /* RTCP without a new report on our stream */
  self->fec_have_rb = TRUE;
  self->fec_rb_seq = seq;
  self->fec_rb_lsr = lsr;
  self->fec_rb_dlsr = dlsr;
  if (!tc_opus_fec_report (&self->opus_fec, fraction_lost))
    return;
  g_debug ("media %u: the peer reports %u/256 lost, Opus FEC now sized for %u %%", self->id, fraction_lost,
           self->opus_fec.percent);
  if (self->encoder && self->params.send.codec == TC_CODEC_OPUS && self->params.opus_fec)
    g_object_set (self->encoder, "packet-loss-percentage", (gint) self->opus_fec.percent, NULL);
}

static GstElement *
make_payloader (TcCallMedia *self, const TcCodecInfo *info, GError **error)
{
  GstElement *payloader = tc_call_media_make_element (info->payloader, NULL, error);

  if (!payloader)
    return NULL;
  g_object_set (payloader, "pt", self->params.send.pt, NULL);
  /* rtpbaseaudiopayload would otherwise fill packets up to the MTU when
   * its input buffers are longer than ptime (media-notes.md §1). */
  if (info->id != TC_CODEC_OPUS)
    g_object_set (payloader, "min-ptime", (gint64) self->params.ptime * GST_MSECOND, "max-ptime",
                  (gint64) self->params.ptime * GST_MSECOND, NULL);
  return payloader;
}

/* send_caps' rate, then tee → encoder → payloader → rtpdtmfmux. */
static gboolean
build_codec (TcCallMedia *self, GError **error)
{
  const TcCodecInfo *info = tc_codec_get_info (self->params.send.codec);
  g_autoptr (GstCaps) caps = tc_call_media_audio_raw_caps (info->audio_rate);
  g_autoptr (GstPad) encoder_sink = NULL, payloader_src = NULL;

  g_object_set (self->send_caps, "caps", caps, NULL);
  self->encoder = make_encoder (self, info, error);
  self->payloader = self->encoder ? make_payloader (self, info, error) : NULL;
  if (!self->payloader)
    {
      g_clear_pointer (&self->encoder, gst_object_unref);
      return FALSE;
    }
  gst_bin_add_many (GST_BIN (self->pipeline), self->encoder, self->payloader, NULL);
  self->tee_pad = gst_element_request_pad_simple (self->send_tee, "src_%u");
  self->mux_pad = gst_element_request_pad_simple (self->dtmfmux, "sink_%u");
  encoder_sink = gst_element_get_static_pad (self->encoder, "sink");
  payloader_src = gst_element_get_static_pad (self->payloader, "src");
  tc_call_media_rtp_sync_dtmf_caps (self);
  if (gst_pad_link (self->tee_pad, encoder_sink) != GST_PAD_LINK_OK ||
      !gst_element_link (self->encoder, self->payloader) ||
      gst_pad_link (payloader_src, self->mux_pad) != GST_PAD_LINK_OK)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "cannot link the %s encoder", info->nick);
      return FALSE;
    }
  gst_element_sync_state_with_parent (self->payloader);
  gst_element_sync_state_with_parent (self->encoder);
  return TRUE;
}

static void
drop_codec (TcCallMedia *self)
{
  if (self->payloader)
    tc_call_media_audio_remove_element (self, g_steal_pointer (&self->payloader));
  if (self->encoder)
    tc_call_media_audio_remove_element (self, g_steal_pointer (&self->encoder));
  if (self->mux_pad)
    gst_element_release_request_pad (self->dtmfmux, self->mux_pad);
  gst_clear_object (&self->mux_pad);
  if (self->tee_pad)
    gst_element_release_request_pad (self->send_tee, self->tee_pad);
  gst_clear_object (&self->tee_pad);
}

gboolean
tc_call_media_audio_build_send (TcCallMedia *self, GError **error)
{
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  const char *const factories[] = { "volume", "valve", "audioconvert", "audioresample", "capsfilter", "tee" };
  GstElement **slots[] = { &self->volume,        &self->valve,     &self->send_convert,
                           &self->send_resample, &self->send_caps, &self->send_tee };

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++)
    {
      *slots[i] = tc_call_media_make_element (factories[i], NULL, error);
      if (!*slots[i])
        {
          for (guint j = 0; j < i; j++)
            g_clear_pointer (slots[j], gst_object_unref);
          return FALSE;
        }
      g_ptr_array_add (chain, *slots[i]);
    }
  g_object_set (self->volume, "mute", self->muted, NULL);
  g_object_set (self->valve, "drop", !(self->params.direction & TC_MEDIA_DIRECTION_SENDONLY), NULL);
  g_object_set (self->send_tee, "allow-not-linked", TRUE, NULL);
  if (!tc_call_media_audio_add_chain (self, chain))
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "cannot link the send branch");
      return FALSE;
    }
  /* Disconnected with rtpbin's other handlers (destroy_pipeline). */
  self->fec_have_rb = FALSE;
  g_signal_connect (self->rtpbin, "on-ssrc-active", G_CALLBACK (on_ssrc_active), self);
  return build_codec (self, error);
}

gboolean
tc_call_media_audio_update_send (TcCallMedia *self, const TcMediaParams *old, GError **error)
{
  const TcMediaParams *params = &self->params;
  g_autofree char *interrupted = NULL;

  if (params->send.codec == old->send.codec && params->send.pt == old->send.pt && params->ptime == old->ptime &&
      params->opus_fec == old->opus_fec)
    return TRUE;
  g_debug ("media %u: send codec %s pt %u → %s pt %u", self->id, tc_codec_get_info (old->send.codec)->nick,
           old->send.pt, tc_codec_get_info (params->send.codec)->nick, params->send.pt);
  /* Without a source no thread pushes into the branch: it can be
   * rebuilt from here.  A file being played is not resumed. */
  interrupted = g_steal_pointer (&self->playing);
  set_source (self, NULL, SOURCE_CONFIGURED);
  drop_codec (self);
  if (!build_codec (self, error))
    return FALSE;
  tc_call_media_audio_restore_source (self);
  /* Last: a handler may stop the media. */
  if (interrupted)
    tc_call_media_emit_play_finished (self, interrupted, "interrupted by a codec change");
  return TRUE;
}

void
tc_call_media_audio_set_sending (TcCallMedia *self, gboolean sending)
{
  if (self->valve)
    g_object_set (self->valve, "drop", !sending, NULL);
  if (!sending && self->dtmf_sender)
    tc_dtmf_sender_cancel (self->dtmf_sender);
}

/* ---- playback ------------------------------------------------------------------------------------- */

gboolean
tc_call_media_audio_play_file (TcCallMedia *self, const char *path, GError **error)
{
  g_autofree char *previous = NULL;
  GstElement *source;

  if (g_access (path, R_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT, "cannot play %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT, "cannot play %s: a directory", path);
      return FALSE;
    }
  source = make_file_source (self, path, error);
  if (!source)
    return FALSE;
  previous = g_steal_pointer (&self->playing);
  g_debug ("media %u: playing %s", self->id, path);
  set_source (self, source, SOURCE_PLAYING);
  self->playing = g_strdup (path);
  /* Last: a handler may stop the media. */
  if (previous)
    tc_call_media_emit_play_finished (self, previous, "interrupted");
  return TRUE;
}
