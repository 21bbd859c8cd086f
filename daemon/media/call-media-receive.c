/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-receive.c — the receive branches of TcCallMedia, one per
 * rtpbin pad recv_rtp_src_0_<ssrc>_<pt>, made on the thread that adds
 * the pad (the jitter buffer's), under recv_lock:
 *
 *   DEPAY → DEC → audioconvert → audioresample → capsfilter(S16LE mono
 *     @recv rate) → funnel → tee → sink
 *
 * A telephone-event pad ends in a fakesink: the events themselves are
 * read at the transport edge (dtmf.c).  Opus: opusdec with PLC and, when
 * we offered it, FEC; mono after the decoder.  A payload type whose codec
 * changes in a re-INVITE gets its branch rebuilt when its pad is idle.
 */
#include "media/call-media-private.h"

#include <stdio.h>

#include "media/devices.h"
#include "media/media-error.h"

static gboolean
fmtp_has (const char *fmtp, const char *parameter)
{
  g_auto (GStrv) parts = NULL;

  if (!fmtp)
    return FALSE;
  parts = g_strsplit (fmtp, ";", -1);
  for (guint i = 0; parts[i]; i++)
    if (g_ascii_strcasecmp (g_strstrip (parts[i]), parameter) == 0)
      return TRUE;
  return FALSE;
}

/* ---- receive payload types ------------------------------------------------------------------ */

static gboolean
payload_fec (TcCallMedia *self, const TcPayload *payload)
{
  /* Decoding with FEC costs a frame of delay: only when we offered it
   * (our a=fmtp), or by policy when the result carries no fmtp. */
  return payload->fmtp ? fmtp_has (payload->fmtp, "useinbandfec=1") : self->policy.opus_fec;
}

/* recv_payloads from the applied params (main context, under the lock);
 * returns the payload types whose codec changed or went. */
static GArray *
update_payloads_locked (TcCallMedia *self)
{
  g_autoptr (GArray) payloads = g_array_new (FALSE, TRUE, sizeof (RecvPayload));
  GArray *changed = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; self->params.receive && i < self->params.receive->len; i++)
    {
      const TcPayload *payload = &g_array_index (self->params.receive, TcPayload, i);
      RecvPayload entry = { payload->pt, payload->codec, payload_fec (self, payload) };

      if (payload->codec < TC_N_CODECS && payload->codec != TC_CODEC_TELEPHONE_EVENT)
        g_array_append_val (payloads, entry);
    }
  for (guint i = 0; i < self->recv_payloads->len; i++)
    {
      const RecvPayload *old = &g_array_index (self->recv_payloads, RecvPayload, i);
      gboolean same = FALSE;

      for (guint j = 0; j < payloads->len; j++)
        {
          const RecvPayload *now = &g_array_index (payloads, RecvPayload, j);

          if (now->pt == old->pt)
            same = now->codec == old->codec && now->fec == old->fec;
        }
      if (!same)
        g_array_append_val (changed, old->pt);
    }
  g_array_unref (self->recv_payloads);
  self->recv_payloads = g_steal_pointer (&payloads);
  self->recv_dtmf_pt = self->params.recv_dtmf_pt;
  return changed;
}

static const RecvPayload *
find_payload_locked (TcCallMedia *self, guint pt)
{
  for (guint i = 0; i < self->recv_payloads->len; i++)
    if (g_array_index (self->recv_payloads, RecvPayload, i).pt == pt)
      return &g_array_index (self->recv_payloads, RecvPayload, i);
  return NULL;
}

GstCaps *
tc_call_media_audio_pt_caps (TcCallMedia *self, guint pt)
{
  const TcCodecInfo *info = NULL;
  guint clock_rate = 0;
  GstCaps *caps;

  g_rec_mutex_lock (&self->recv_lock);
  if (self->recv_dtmf_pt != 0 && pt == self->recv_dtmf_pt)
    {
      info = tc_codec_get_info (TC_CODEC_TELEPHONE_EVENT);
      /* Events on the audio's clock, as we send them (call-media.c): the
       * jitter buffer then keeps one clock for the SSRC instead of
       * resetting its skew at every event packet. */
      if (self->recv_payloads->len > 0)
        clock_rate = tc_codec_get_info (g_array_index (self->recv_payloads, RecvPayload, 0).codec)->clock_rate;
    }
  else
    {
      const RecvPayload *payload = find_payload_locked (self, pt);

      if (payload)
        info = tc_codec_get_info (payload->codec);
    }
  g_rec_mutex_unlock (&self->recv_lock);
  if (!info)
    return NULL;
  caps = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio", "clock-rate", G_TYPE_INT,
                              (int) (clock_rate ? clock_rate : info->clock_rate), "encoding-name", G_TYPE_STRING,
                              info->caps_name, "payload", G_TYPE_INT, (int) pt, NULL);
  if (info->channels > 0)
    {
      g_autofree char *channels = g_strdup_printf ("%u", info->channels);

      gst_caps_set_simple (caps, "encoding-params", G_TYPE_STRING, channels, NULL);
    }
  return caps;
}

/* ---- receive branches ------------------------------------------------------------------------- */

static void
branch_free (RecvBranch *branch)
{
  gst_clear_object (&branch->pad);
  gst_clear_object (&branch->funnel_pad);
  g_clear_pointer (&branch->elements, g_ptr_array_unref);
  g_free (branch);
}

/* Unlinks and removes the branch's elements (the pad stays). */
static void
branch_clear_elements (TcCallMedia *self, RecvBranch *branch)
{
  if (branch->elements->len > 0)
    {
      g_autoptr (GstPad) first = gst_element_get_static_pad (g_ptr_array_index (branch->elements, 0), "sink");

      if (branch->pad && first)
        gst_pad_unlink (branch->pad, first);
    }
  for (guint i = 0; i < branch->elements->len; i++)
    tc_call_media_audio_remove_element (self, g_ptr_array_index (branch->elements, i));
  g_ptr_array_set_size (branch->elements, 0);
  if (branch->funnel_pad)
    gst_element_release_request_pad (self->funnel, branch->funnel_pad);
  gst_clear_object (&branch->funnel_pad);
}

/* Fills and links the branch for its pt (under recv_lock, any thread). */
static gboolean
branch_build_locked (TcCallMedia *self, RecvBranch *branch, GError **error)
{
  const RecvPayload *payload = branch->dtmf ? NULL : find_payload_locked (self, branch->pt);
  g_autoptr (GPtrArray) made = g_ptr_array_new ();
  g_autoptr (GstPad) first_sink = NULL;

  if (!payload)
    {
      /* telephone-event (read at the transport edge), or a payload type
       * the last apply dropped: discarded. */
      GstElement *sink = tc_call_media_make_element ("fakesink", NULL, error);

      if (!sink)
        return FALSE;
      g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
      g_ptr_array_add (made, sink);
    }
  else
    {
      const TcCodecInfo *info = tc_codec_get_info (payload->codec);
      g_autoptr (GstCaps) out_caps = tc_call_media_audio_raw_caps (self->recv_rate);
      const char *factories[] = { info->depayloader, info->decoder,   "capsfilter",
                                  "audioconvert",    "audioresample", "capsfilter" };

      branch->codec = payload->codec;
      for (guint i = 0; i < G_N_ELEMENTS (factories); i++)
        {
          GstElement *element;

          if (i == 2 && payload->codec != TC_CODEC_OPUS)
            continue; /* the mono filter right after opusdec */
          element = tc_call_media_make_element (factories[i], NULL, error);
          if (!element)
            {
              g_ptr_array_foreach (made, (GFunc) (void (*) (void)) gst_object_unref, NULL);
              return FALSE;
            }
          g_ptr_array_add (made, element);
        }
      if (payload->codec == TC_CODEC_OPUS)
        {
          g_autoptr (GstCaps) mono = gst_caps_new_simple ("audio/x-raw", "channels", G_TYPE_INT, 1, NULL);

          g_object_set (g_ptr_array_index (made, 1), "plc", TRUE, "use-inband-fec", payload->fec, NULL);
          g_object_set (g_ptr_array_index (made, 2), "caps", mono, NULL);
        }
      g_object_set (g_ptr_array_index (made, made->len - 1), "caps", out_caps, NULL);
      branch->funnel_pad = gst_element_request_pad_simple (self->funnel, "sink_%u");
    }

  for (guint i = 0; i < made->len; i++)
    g_ptr_array_add (branch->elements, g_ptr_array_index (made, i));
  if (!tc_call_media_audio_add_chain (self, branch->elements))
    goto link_failed;
  if (branch->funnel_pad)
    {
      g_autoptr (GstPad) last_src = gst_element_get_static_pad (g_ptr_array_index (made, made->len - 1), "src");

      if (gst_pad_link (last_src, branch->funnel_pad) != GST_PAD_LINK_OK)
        goto link_failed;
    }
  first_sink = gst_element_get_static_pad (g_ptr_array_index (made, 0), "sink");
  if (gst_pad_link (branch->pad, first_sink) != GST_PAD_LINK_OK)
    goto link_failed;
  return TRUE;

link_failed:
  g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "cannot link the receive branch of payload type %u",
               branch->pt);
  return FALSE;
}

/* Called on the thread that adds the pad (the jitter buffer's). */
void
tc_call_media_audio_pad_added (TcCallMedia *self, GstPad *pad)
{
  g_autoptr (GError) error = NULL;
  guint ssrc, pt;

  if (sscanf (GST_PAD_NAME (pad), "recv_rtp_src_0_%u_%u", &ssrc, &pt) != 2)
    return;
  g_rec_mutex_lock (&self->recv_lock);
  if (!self->recv_closed)
    {
      RecvBranch *branch = g_new0 (RecvBranch, 1);

      branch->pad = gst_object_ref (pad);
      branch->pt = pt;
      branch->dtmf = self->recv_dtmf_pt != 0 && pt == self->recv_dtmf_pt;
      branch->elements = g_ptr_array_new ();
      g_ptr_array_add (self->recv_branches, branch);
      if (!branch_build_locked (self, branch, &error))
        branch_clear_elements (self, branch);
    }
  g_rec_mutex_unlock (&self->recv_lock);
  g_debug ("media %u: receiving ssrc %08x pt %u%s%s", self->id, ssrc, pt, error ? ": " : "",
           error ? error->message : "");
  if (error)
    tc_call_media_fail_later (self, "pipeline-error", error->message);
}

static RecvBranch *
steal_branch_locked (TcCallMedia *self, GstPad *pad)
{
  for (guint i = 0; i < self->recv_branches->len; i++)
    {
      RecvBranch *branch = g_ptr_array_index (self->recv_branches, i);

      if (branch->pad == pad)
        {
          g_ptr_array_remove_index (self->recv_branches, i);
          return branch;
        }
    }
  return NULL;
}

static void
remove_branch (TcCallMedia *self, gpointer data)
{
  RecvBranch *branch = data;

  branch_clear_elements (self, branch);
}

/* rtpbin removed a pad (its SSRC timed out or said BYE): the branch goes,
 * on the main context (no data reaches it any more). */
void
tc_call_media_audio_pad_removed (TcCallMedia *self, GstPad *pad)
{
  RecvBranch *branch;

  g_rec_mutex_lock (&self->recv_lock);
  branch = steal_branch_locked (self, pad);
  g_rec_mutex_unlock (&self->recv_lock);
  if (branch)
    tc_call_media_invoke (self, remove_branch, branch, (GDestroyNotify) branch_free);
}

/* The pad is idle (no buffer in the branch): rebuild it for the pt's
 * current codec.  Runs on the streaming thread or the caller's. */
static GstPadProbeReturn
on_branch_idle (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  TcCallMedia *self = user_data;
  g_autoptr (GError) error = NULL;

  g_rec_mutex_lock (&self->recv_lock);
  for (guint i = 0; i < self->recv_branches->len && !self->recv_closed; i++)
    {
      RecvBranch *branch = g_ptr_array_index (self->recv_branches, i);

      if (branch->pad != pad)
        continue;
      branch_clear_elements (self, branch);
      branch->dtmf = self->recv_dtmf_pt != 0 && branch->pt == self->recv_dtmf_pt;
      if (!branch_build_locked (self, branch, &error))
        branch_clear_elements (self, branch);
      break;
    }
  g_rec_mutex_unlock (&self->recv_lock);
  if (error)
    tc_call_media_fail_later (self, "pipeline-error", error->message);
  return GST_PAD_PROBE_REMOVE;
}

void
tc_call_media_audio_update_receive (TcCallMedia *self)
{
  g_autoptr (GArray) changed = NULL;
  g_autoptr (GPtrArray) pads = g_ptr_array_new_with_free_func (gst_object_unref);
  gboolean dtmf_changed;

  g_rec_mutex_lock (&self->recv_lock);
  dtmf_changed = self->recv_dtmf_pt != self->params.recv_dtmf_pt;
  changed = update_payloads_locked (self);
  for (guint i = 0; i < self->recv_branches->len; i++)
    {
      RecvBranch *branch = g_ptr_array_index (self->recv_branches, i);
      gboolean rebuild = dtmf_changed;

      for (guint j = 0; j < changed->len; j++)
        rebuild |= g_array_index (changed, guint, j) == branch->pt;
      if (rebuild)
        g_ptr_array_add (pads, gst_object_ref (branch->pad));
    }
  g_rec_mutex_unlock (&self->recv_lock);
  if (changed->len == 0 && !dtmf_changed)
    return;
  g_debug ("media %u: receive payload types changed, %u branch(es) rebuilt", self->id, pads->len);
  /* Probes outside the lock: an idle pad runs the callback right here. */
  for (guint i = 0; i < pads->len; i++)
    gst_pad_add_probe (g_ptr_array_index (pads, i), GST_PAD_PROBE_TYPE_IDLE, on_branch_idle, self, NULL);
  g_signal_emit_by_name (self->rtpbin, "clear-pt-map");
}

/* ---- the sink ------------------------------------------------------------------------------------ */

gboolean
tc_call_media_audio_build_receive (TcCallMedia *self, GError **error)
{
  g_autoptr (GError) device_error = NULL;
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  GstElement *sink;

  /* The decoded audio's rate is fixed for the call (the funnel wants one
   * format): the first receive codec's, resampled to if it changes. */
  self->recv_rate = 0;
  for (guint i = 0; self->params.receive && i < self->params.receive->len && !self->recv_rate; i++)
    {
      TcCodec codec = g_array_index (self->params.receive, TcPayload, i).codec;

      if (codec < TC_N_CODECS && codec != TC_CODEC_TELEPHONE_EVENT)
        self->recv_rate = tc_codec_get_info (codec)->audio_rate;
    }
  if (!self->recv_rate)
    self->recv_rate = tc_codec_get_info (self->params.send.codec)->audio_rate;
  g_rec_mutex_lock (&self->recv_lock);
  g_array_unref (update_payloads_locked (self));
  g_rec_mutex_unlock (&self->recv_lock);

  self->funnel = tc_call_media_make_element ("funnel", NULL, error);
  self->recv_tee = self->funnel ? tc_call_media_make_element ("tee", NULL, error) : NULL;
  if (!self->recv_tee)
    {
      g_clear_pointer (&self->funnel, gst_object_unref);
      return FALSE;
    }
  g_object_set (self->recv_tee, "allow-not-linked", TRUE, NULL);
  g_ptr_array_add (chain, self->funnel);
  g_ptr_array_add (chain, self->recv_tee);

  sink = tc_media_devices_make_sink (self->policy.audio_sink, &device_error);
  if (!sink)
    {
      /* Not fatal: the call goes on without playback. */
      sink = tc_media_devices_make_sink ("none", error);
      if (!sink)
        return FALSE;
      tc_call_media_fail_later (self, "device-error", device_error->message);
    }
  else if (!g_str_equal (self->policy.audio_sink, "none"))
    {
      GstElement *convert = tc_call_media_make_element ("audioconvert", NULL, error);
      GstElement *resample = convert ? tc_call_media_make_element ("audioresample", NULL, error) : NULL;

      if (!resample)
        {
          g_clear_pointer (&convert, gst_object_unref);
          gst_object_unref (gst_object_ref_sink (sink));
          return FALSE;
        }
      g_ptr_array_add (self->sink_elements, convert);
      g_ptr_array_add (self->sink_elements, resample);
    }
  g_ptr_array_add (self->sink_elements, sink);
  g_ptr_array_extend (chain, self->sink_elements, NULL, NULL);
  if (!tc_call_media_audio_add_chain (self, chain))
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "cannot link the audio sink");
      return FALSE;
    }
  return TRUE;
}

/* After the pipeline went to NULL. */
void
tc_call_media_audio_clear_receive (TcCallMedia *self)
{
  g_rec_mutex_lock (&self->recv_lock);
  self->recv_closed = TRUE;
  g_ptr_array_foreach (self->recv_branches, (GFunc) (void (*) (void)) branch_free, NULL);
  g_ptr_array_set_size (self->recv_branches, 0);
  g_ptr_array_set_size (self->jitterbuffers, 0);
  g_rec_mutex_unlock (&self->recv_lock);
  g_ptr_array_set_size (self->sink_elements, 0);
}
