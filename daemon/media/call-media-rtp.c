/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-rtp.c — TcCallMedia's RTP side: the transport edge, rtpbin,
 * and RFC 4733 events.
 *
 * The transport edge (media-notes.md §4, the "app path"):
 *  - received packets arrive on the main context (TcRtpTransport) and are
 *    pushed into rtpbin's recv_rtp_sink_0 / recv_rtcp_sink_0 through pads
 *    of our own that belong to no element.  No appsrc, hence no appsrc
 *    thread: rtpsession's receive work is a few microseconds, and the
 *    jitter buffer decouples everything after it.  RTCP always goes to
 *    recv_rtcp_sink_0, also when muxed (media-notes.md §2: otherwise the
 *    round trip reads 0);
 *  - what rtpbin sends leaves through two appsinks (sync=false) whose
 *    callbacks call tc_rtp_transport_send() on the streaming thread.
 *
 * DTMF events are made on the main context (dtmf.c) and pushed into
 * rtpdtmfmux's priority pad, again through a pad of our own: no
 * rtpdtmfsrc thread.  Received events are read at the edge.
 */
#include "media/call-media-private.h"

#include <gst/app/gstappsink.h>
#include <gst/rtp/gstrtpbuffer.h>

#include "media/media-error.h"

/* ---- the transport edge ---------------------------------------------------------------- */

/* Pads of ours answer the latency query as a live source would: the
 * network has no latency of its own to report. */
static gboolean
on_own_pad_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY)
    {
      gst_query_set_latency (query, TRUE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    }
  return gst_pad_query_default (pad, parent, query);
}

/* A source pad that belongs to no element, linked to @sink, with the
 * sticky events a stream starts with (they reach @sink with the first
 * buffer, once the pipeline runs). */
static GstPad *
make_own_pad (TcCallMedia *self, const char *name, GstPad *sink, GstCaps *caps)
{
  GstPad *pad = gst_pad_new (name, GST_PAD_SRC);
  g_autofree char *stream_id = g_strdup_printf ("tincan-%u-%s", self->id, name);
  GstSegment segment;

  gst_object_ref_sink (pad);
  gst_pad_set_query_function (pad, on_own_pad_query);
  gst_pad_set_active (pad, TRUE);
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    g_debug ("media %u: cannot link %s", self->id, name);
  gst_pad_push_event (pad, gst_event_new_stream_start (stream_id));
  gst_pad_push_event (pad, gst_event_new_caps (caps));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (pad, gst_event_new_segment (&segment));
  gst_caps_unref (caps);
  return pad;
}

static void
drop_own_pad (GstPad **pad)
{
  if (!*pad)
    return;
  if (GST_PAD_PEER (*pad))
    {
      g_autoptr (GstPad) peer = gst_pad_get_peer (*pad);

      gst_pad_unlink (*pad, peer);
    }
  gst_pad_set_active (*pad, FALSE);
  gst_clear_object (pad);
}

static void
push_packet (TcCallMedia *self, GstPad *pad, GstBuffer *buffer)
{
  GstClockTime now = tc_call_media_running_time (self);
  GstFlowReturn flow;

  /* Arrival time as running time, as udpsrc do-timestamp would: the
   * jitter buffer's clock-skew and RFC 3550 jitter work from it. */
  GST_BUFFER_DTS (buffer) = now;
  GST_BUFFER_PTS (buffer) = now;
  flow = gst_pad_push (pad, buffer);
  if (flow != GST_FLOW_OK && flow != GST_FLOW_FLUSHING)
    g_debug ("media %u: pushing a received packet: %s", self->id, gst_flow_get_name (flow));
}

static void
receive_dtmf (TcCallMedia *self, GstBuffer *buffer)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  if (!self->dtmf_receiver || !gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return;
  tc_dtmf_receiver_push (self->dtmf_receiver, gst_rtp_buffer_get_timestamp (&rtp), gst_rtp_buffer_get_payload (&rtp),
                         gst_rtp_buffer_get_payload_len (&rtp));
  gst_rtp_buffer_unmap (&rtp);
}

static void
on_transport_receive (TcRtpTransport *transport, TcRtpComponent component, const guint8 *data, gsize size,
                      gint64 received_us, gpointer user_data)
{
  TcCallMedia *self = user_data;
  GstBuffer *buffer;
  guint pt;

  if (self->stopped)
    return;
  if (self->light)
    {
      tc_call_media_light_receive (self, component, data, size, received_us);
      return;
    }
  if (!self->pipeline)
    return;
  if (component == TC_RTP_COMPONENT_RTCP)
    {
      push_packet (self, self->rtcp_in, gst_buffer_new_memdup (data, size));
      return;
    }
  /* Hold: without RECV what arrives is not played (RFC 3264 §5.1). */
  if (!(self->params.direction & TC_MEDIA_DIRECTION_RECVONLY))
    return;
  /* Network input: a valid RTP version 2 header of a payload type we
   * declared, or it goes no further (rtpbin's pt demuxer fails the stream
   * on a payload type it has no caps for). */
  if (size < 12 || (data[0] >> 6) != 2)
    return;
  pt = data[1] & 0x7f;
  buffer = gst_buffer_new_memdup (data, size);
  if (self->params.recv_dtmf_pt != 0 && pt == self->params.recv_dtmf_pt)
    receive_dtmf (self, buffer); /* reports come later, from the main loop */
  else if (!tc_media_params_find_receive (&self->params, pt))
    {
      gst_buffer_unref (buffer);
      return;
    }
  self->last_rtp_us = received_us;
  /* telephone-events go through rtpbin as well, so that sequence numbers
   * and loss statistics stay whole. */
  push_packet (self, self->rtp_in, buffer);
}

static void
on_transport_failed (TcRtpTransport *transport, const GError *error, gpointer user_data)
{
  tc_call_media_fail (TC_CALL_MEDIA (user_data), "transport-error", "%s", error->message);
}

static const TcRtpTransportCallbacks transport_callbacks = {
  on_transport_receive,
  on_transport_failed,
};

static GstFlowReturn
send_sample (GstAppSink *sink, TcCallMedia *self, TcRtpComponent component)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer;
  GstMapInfo map;

  if (!sample)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  if (buffer && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      tc_rtp_transport_send (self->transport, component, map.data, map.size);
      gst_buffer_unmap (buffer, &map);
    }
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* Streaming threads: the transport's send() is thread-safe, and the
 * transport outlives the pipeline. */
static GstFlowReturn
on_rtp_out_sample (GstAppSink *sink, gpointer user_data)
{
  return send_sample (sink, user_data, TC_RTP_COMPONENT_RTP);
}

static GstFlowReturn
on_rtcp_out_sample (GstAppSink *sink, gpointer user_data)
{
  return send_sample (sink, user_data, TC_RTP_COMPONENT_RTCP);
}

static GstElement *
make_out_sink (TcCallMedia *self, const char *name, GstFlowReturn (*func) (GstAppSink *, gpointer), GError **error)
{
  GstAppSinkCallbacks callbacks = { 0 };
  GstElement *sink = tc_call_media_make_element ("appsink", name, error);

  if (!sink)
    return NULL;
  g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, "emit-signals", FALSE, "max-buffers",
                8, "drop", TRUE, NULL);
  callbacks.new_sample = func;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  return sink;
}

/* ---- rtpbin --------------------------------------------------------------------------- */

static GstCaps *
on_rtpbin_request_pt_map (GstElement *rtpbin, guint session, guint pt, gpointer user_data)
{
  return tc_call_media_audio_pt_caps (TC_CALL_MEDIA (user_data), pt);
}

static void
on_rtpbin_pad_added (GstElement *rtpbin, GstPad *pad, gpointer user_data)
{
  if (g_str_has_prefix (GST_PAD_NAME (pad), "recv_rtp_src_"))
    tc_call_media_audio_pad_added (TC_CALL_MEDIA (user_data), pad);
}

static void
on_rtpbin_pad_removed (GstElement *rtpbin, GstPad *pad, gpointer user_data)
{
  if (g_str_has_prefix (GST_PAD_NAME (pad), "recv_rtp_src_"))
    tc_call_media_audio_pad_removed (TC_CALL_MEDIA (user_data), pad);
}

static void
on_rtpbin_new_jitterbuffer (GstElement *rtpbin, GstElement *jitterbuffer, guint session, guint ssrc, gpointer user_data)
{
  TcCallMedia *self = user_data;

  g_rec_mutex_lock (&self->recv_lock);
  /* The newest few: an SSRC change adds one, its predecessor times out. */
  if (self->jitterbuffers->len >= 4)
    g_ptr_array_remove_index (self->jitterbuffers, 0);
  g_ptr_array_add (self->jitterbuffers, gst_object_ref (jitterbuffer));
  g_rec_mutex_unlock (&self->recv_lock);
}

/* After the light path: the same SSRC, the next sequence number, and
 * timestamps on the same timeline, so that the peer sees one stream.
 * rtpdtmfmux writes all three: out = in - (the payloader's offset) +
 * timestamp-offset, with "in" = payloader's offset + running time, so its
 * timestamp-offset is the light timeline's value at the pipeline's base
 * time.  That property is a gint: a value past 2^31 (a light call of many
 * hours, see call-media-light.c) cannot be continued, and the pipeline
 * starts a new SSRC instead, as RFC 3550 §8 allows. */
static void
continue_stream (TcCallMedia *self)
{
  gint64 base_us = (gint64) (self->base_time / GST_USECOND);
  gint64 timestamp;

  if (!self->resume.valid)
    return;
  self->resume.valid = FALSE;
  timestamp =
    self->resume.timestamp + (base_us - self->resume.time_us) * (gint64) self->resume.clock_rate / G_USEC_PER_SEC;
  timestamp &= G_MAXUINT32;
  if (timestamp > G_MAXINT32)
    {
      g_debug ("media %u: timestamp %" G_GINT64_FORMAT " cannot be continued: a new SSRC", self->id, timestamp);
      return;
    }
  /* rtpdtmfmux numbers its first packet seqnum-offset + 1. */
  g_object_set (self->dtmfmux, "ssrc", self->resume.ssrc, "seqnum-offset", (int) (guint16) (self->resume.seq - 1),
                "timestamp-offset", (int) timestamp, NULL);
}

/* rtpbin with its send and receive pads linked to the transport edge. */
static gboolean
build_rtpbin (TcCallMedia *self, GError **error)
{
  g_autoptr (GstPad) rtp_sink = NULL, rtcp_sink = NULL, send_rtp_sink = NULL, rtcp_src = NULL;
  g_autoptr (GstPad) mux_src = NULL;
  g_autoptr (GstElement) session = NULL;
  GstElement *rtpbin;

  rtpbin = tc_call_media_make_element ("rtpbin", "rtpbin", error);
  if (!rtpbin)
    return FALSE;
  self->rtpbin = rtpbin;
  gst_bin_add (GST_BIN (self->pipeline), rtpbin);
  /* do-lost: a lost packet becomes a gap event (silence, or Opus PLC);
   * autoremove: a remote SSRC that timed out goes with its branch. */
  g_object_set (rtpbin, "latency", self->policy.jitter_ms, "do-lost", TRUE, "autoremove", TRUE, NULL);
  g_signal_connect (rtpbin, "request-pt-map", G_CALLBACK (on_rtpbin_request_pt_map), self);
  g_signal_connect (rtpbin, "pad-added", G_CALLBACK (on_rtpbin_pad_added), self);
  g_signal_connect (rtpbin, "pad-removed", G_CALLBACK (on_rtpbin_pad_removed), self);
  g_signal_connect (rtpbin, "new-jitterbuffer", G_CALLBACK (on_rtpbin_new_jitterbuffer), self);

  /* Send: rtpdtmfmux → send_rtp_sink_0; send_rtp_src_0 and
   * send_rtcp_src_0 → appsinks. */
  self->dtmfmux = tc_call_media_make_element ("rtpdtmfmux", "dtmfmux", error);
  self->rtp_out = make_out_sink (self, "rtp-out", on_rtp_out_sample, error);
  self->rtcp_out = self->rtp_out ? make_out_sink (self, "rtcp-out", on_rtcp_out_sample, error) : NULL;
  if (!self->dtmfmux || !self->rtp_out || !self->rtcp_out)
    return FALSE;
  continue_stream (self);
  gst_bin_add_many (GST_BIN (self->pipeline), self->dtmfmux, self->rtp_out, self->rtcp_out, NULL);
  send_rtp_sink = gst_element_request_pad_simple (rtpbin, "send_rtp_sink_0");
  mux_src = gst_element_get_static_pad (self->dtmfmux, "src");
  rtcp_src = gst_element_request_pad_simple (rtpbin, "send_rtcp_src_0");
  if (!send_rtp_sink || !rtcp_src || gst_pad_link (mux_src, send_rtp_sink) != GST_PAD_LINK_OK ||
      !gst_element_link_pads (rtpbin, "send_rtp_src_0", self->rtp_out, "sink") ||
      !gst_element_link_pads (rtpbin, "send_rtcp_src_0", self->rtcp_out, "sink"))
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "cannot link rtpbin's send pads");
      return FALSE;
    }

  /* Receive: our pads → recv_rtp_sink_0, recv_rtcp_sink_0 (always: RTT
   * under rtcp-mux, and SRTP's srtpdec needs it, media-notes.md §3.1). */
  rtp_sink = gst_element_request_pad_simple (rtpbin, "recv_rtp_sink_0");
  rtcp_sink = gst_element_request_pad_simple (rtpbin, "recv_rtcp_sink_0");
  if (!rtp_sink || !rtcp_sink)
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "cannot get rtpbin's receive pads");
      return FALSE;
    }
  self->rtp_in = make_own_pad (self, "rtp-in", rtp_sink, gst_caps_new_empty_simple ("application/x-rtp"));
  self->rtcp_in = make_own_pad (self, "rtcp-in", rtcp_sink, gst_caps_new_empty_simple ("application/x-rtcp"));

  g_signal_emit_by_name (rtpbin, "get-session", 0, &session);
  if (session)
    g_object_set (session, "rtcp-min-interval", (guint64) self->rtcp_interval_ms * GST_MSECOND, NULL);
  return TRUE;
}

/* ---- DTMF ----------------------------------------------------------------------------------- */

/* The clock of our event timestamps: the audio's.  rtpdtmfmux accepts
 * only the clock rate of the stream it joins, and rebases our timestamps
 * (by timestamp-offset) onto the audio's timeline, which is what the far
 * end's jitter buffer wants.  The duration field stays in units of the
 * negotiated telephone-event clock (8000, RFC 4733 §2.5.1.3), which is what
 * receivers read it in.  Opus calls: see RFC 7160 on mixed clock rates. */
static guint
dtmf_timestamp_rate (TcCallMedia *self)
{
  return tc_codec_get_info (self->params.send.codec)->clock_rate;
}

static GstCaps *
dtmf_caps (TcCallMedia *self)
{
  const TcCodecInfo *info = tc_codec_get_info (TC_CODEC_TELEPHONE_EVENT);

  return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio", "clock-rate", G_TYPE_INT,
                              (int) self->dtmf_rate, "encoding-name", G_TYPE_STRING, info->caps_name, "payload",
                              G_TYPE_INT, (int) self->dtmf_pt, "timestamp-offset", G_TYPE_UINT,
                              self->dtmf_timestamp_offset, NULL);
}

void
tc_call_media_rtp_sync_dtmf_caps (TcCallMedia *self)
{
  if (!self->dtmf_in || (self->dtmf_pt == self->params.send_dtmf_pt && self->dtmf_rate == dtmf_timestamp_rate (self)))
    return;
  self->dtmf_pt = self->params.send_dtmf_pt;
  self->dtmf_rate = dtmf_timestamp_rate (self);
  gst_pad_push_event (self->dtmf_in, gst_event_new_caps (dtmf_caps (self)));
}

/* Main context: one RFC 4733 packet from the sender into rtpdtmfmux's
 * priority pad (audio is held back while an event is sent). */
static void
on_dtmf_packet (const TcDtmfPacket *packet, gpointer user_data)
{
  TcCallMedia *self = user_data;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  GstClockTime now = tc_call_media_running_time (self);
  GstBuffer *buffer;
  GstFlowReturn flow;

  if (!self->dtmf_in || self->stopped)
    return;
  tc_call_media_rtp_sync_dtmf_caps (self);
  if (packet->start)
    self->dtmf_event_timestamp =
      self->dtmf_timestamp_offset + (guint32) gst_util_uint64_scale (now, self->dtmf_rate, GST_SECOND);

  buffer = gst_rtp_buffer_new_allocate (TC_DTMF_PAYLOAD_SIZE, 0, 0);
  gst_rtp_buffer_map (buffer, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_payload_type (&rtp, self->dtmf_pt);
  gst_rtp_buffer_set_marker (&rtp, packet->start);
  gst_rtp_buffer_set_timestamp (&rtp, self->dtmf_event_timestamp);
  gst_rtp_buffer_set_seq (&rtp, self->dtmf_seqnum++);
  tc_dtmf_payload_write (&packet->payload, gst_rtp_buffer_get_payload (&rtp));
  gst_rtp_buffer_unmap (&rtp);
  GST_BUFFER_PTS (buffer) = now;
  GST_BUFFER_DURATION (buffer) = (GstClockTime) self->params.ptime * GST_MSECOND;
  flow = gst_pad_push (self->dtmf_in, buffer);
  if (flow != GST_FLOW_OK)
    g_debug ("media %u: DTMF packet: %s", self->id, gst_flow_get_name (flow));
}

static void
emit_dtmf_received (TcCallMedia *self, gpointer data)
{
  guint packed = GPOINTER_TO_UINT (data);

  tc_call_media_emit_dtmf_received (self, (char) (packed & 0xff), packed >> 8);
}

/* Called from inside the receiver (a packet, or its timer): the signal is
 * emitted from the main loop, so that a handler may stop the media (and
 * free the receiver) without pulling it from under its caller. */
static void
on_dtmf_received (char digit, guint duration_ms, gpointer user_data)
{
  guint packed = (guint) (guchar) digit | MIN (duration_ms, 0xffffff) << 8;

  tc_call_media_invoke (user_data, emit_dtmf_received, GUINT_TO_POINTER (packed), NULL);
}

static void
build_dtmf (TcCallMedia *self)
{
  const TcCodecInfo *info = tc_codec_get_info (TC_CODEC_TELEPHONE_EVENT);
  g_autoptr (GstPad) priority = gst_element_request_pad_simple (self->dtmfmux, "priority_sink_%u");

  self->dtmf_timestamp_offset = g_random_int ();
  self->dtmf_seqnum = (guint16) g_random_int ();
  self->dtmf_pt = self->params.send_dtmf_pt;
  self->dtmf_rate = dtmf_timestamp_rate (self);
  self->dtmf_in = make_own_pad (self, "dtmf-in", priority, dtmf_caps (self));
  self->dtmf_sender =
    tc_dtmf_sender_new (self->context, info->clock_rate, MAX (self->params.ptime, 20), on_dtmf_packet, self);
}

gboolean
tc_call_media_rtp_build (TcCallMedia *self, GError **error)
{
  if (!build_rtpbin (self, error))
    return FALSE;
  build_dtmf (self);
  return TRUE;
}

/* After the pipeline went to NULL. */
void
tc_call_media_rtp_clear (TcCallMedia *self)
{
  drop_own_pad (&self->rtp_in);
  drop_own_pad (&self->rtcp_in);
  drop_own_pad (&self->dtmf_in);
  g_clear_pointer (&self->dtmf_sender, tc_dtmf_sender_free);
}

void
tc_call_media_rtp_attach (TcCallMedia *self)
{
  self->dtmf_receiver = tc_dtmf_receiver_new (self->context, tc_codec_get_info (TC_CODEC_TELEPHONE_EVENT)->clock_rate,
                                              on_dtmf_received, self);
  tc_rtp_transport_set_callbacks (self->transport, &transport_callbacks, self);
}

void
tc_call_media_rtp_detach (TcCallMedia *self)
{
  tc_rtp_transport_set_callbacks (self->transport, NULL, NULL);
  g_clear_pointer (&self->dtmf_receiver, tc_dtmf_receiver_free);
}
