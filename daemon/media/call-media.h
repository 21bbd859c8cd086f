/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media.h — TcCallMedia: the audio of one call.  It owns the RTP
 * transport (ports for the SDP) and, once an offer/answer has completed,
 * one GStreamer pipeline with rtpbin, the negotiated codecs, RFC 4733
 * DTMF, the audio source and sink, playback of files, recording, mute and
 * RTCP statistics.  It knows nothing of SIP or D-Bus: core hands it the
 * negotiated TcMediaParams and listens to its signals.
 *
 * Threading: every function and every signal runs on the GMainContext
 * that was thread-default when the object was made.  GStreamer's
 * streaming threads reach that context only through the pipeline bus and
 * g_main_context_invoke().
 *
 * Failures do not crash and do not throw: a pipeline error, a missing or
 * failing audio device, or a peer gone silent is the "failed" signal.
 * After it the media keeps running as far as it can (a failed device is
 * replaced by silence or a discarding sink); core decides whether to hang
 * up, and calls tc_call_media_stop().
 *
 * The element graph (call-media-audio.c has the details):
 *
 *   source → volume(mute) → valve(hold) → audioconvert → audioresample
 *     → capsfilter(S16LE, mono, codec rate) → tee(recording) → ENC → PAY
 *     → rtpdtmfmux.sink_0            (DTMF: our pad → priority_sink_0)
 *     → rtpbin.send_rtp_sink_0 → send_rtp_src_0 → appsink → transport
 *                                 send_rtcp_src_0 → appsink → transport
 *   transport → our pad → rtpbin.recv_rtp_sink_0 (RTCP: → recv_rtcp_sink_0)
 *     → recv_rtp_src_0_<ssrc>_<pt> → DEPAY → DEC → audioconvert
 *     → audioresample → capsfilter → funnel → tee(recording) → sink
 *
 * A call that needs no audio processing (policy audio source and sink
 * "none", nothing played or recorded) builds no pipeline: the light path
 * (call-media-light.c) sends encoded silence, counts what arrives, sends
 * and reads RTCP, and handles DTMF, on the main context.  The first
 * tc_call_media_play_file() or tc_call_media_record() moves it onto a
 * pipeline that continues the same RTP stream.  The API and the signals
 * are the same on both paths.
 */
#pragma once

#include <glib-object.h>

#include "media/media-params.h"
#include "media/rtp-transport.h"

G_BEGIN_DECLS

#define TC_TYPE_CALL_MEDIA (tc_call_media_get_type ())
G_DECLARE_FINAL_TYPE (TcCallMedia, tc_call_media, TC, CALL_MEDIA, GObject)

/* Starts GStreamer if need be (tc_media_engine_ensure()), checks the
 * policy's audio source and sink, and binds a plain UDP transport
 * (rtp-udp.h) on @local_address, any free ports.  No pipeline is built
 * before tc_call_media_apply().  @policy is copied. */
TcCallMedia *tc_call_media_new (const TcMediaPolicy *policy, const char *local_address, GError **error);

/* The same over a transport made by the caller (a port range, ICE later).
 * Takes a reference; the media closes the transport when it stops. */
TcCallMedia *tc_call_media_new_with_transport (const TcMediaPolicy *policy, TcRtpTransport *transport, GError **error);

/* The transport (borrowed). */
TcRtpTransport *tc_call_media_get_transport (TcCallMedia *self);
/* The local ports for the SDP (m= port, a=rtcp); 0 when unknown. */
guint tc_call_media_get_rtp_port (TcCallMedia *self);
guint tc_call_media_get_rtcp_port (TcCallMedia *self);

/* Applies a completed offer/answer.  The first time builds the pipeline
 * and starts it.  Later calls change only what changed: the remote
 * address, the direction (hold: without SEND nothing is sent, without
 * RECV what arrives is dropped), the send codec (the send branch is
 * rebuilt), the receive payload types (the branches of a payload type
 * whose codec changed are rebuilt).  TC_MEDIA_ERROR_NO_CODEC when a codec
 * of @params has no elements, TC_MEDIA_ERROR_NOT_READY once stopped,
 * TC_MEDIA_ERROR_PIPELINE when GStreamer refuses to start. */
gboolean tc_call_media_apply (TcCallMedia *self, const TcMediaParams *params, GError **error);

/* Stops the pipeline (set_state NULL: no waiting for EOS), finishes a
 * recording, closes the transport.  Idempotent; no signal is emitted
 * after it. */
void tc_call_media_stop (TcCallMedia *self);

/* Sends @digits (0-9 * # A-D) as RFC 4733 events of @duration_ms each
 * (0: 100 ms; clamped to 40..5000), after any still queued, with a short
 * gap between digits.  TC_MEDIA_ERROR_NO_CODEC when no telephone-event was
 * negotiated, TC_MEDIA_ERROR_NOT_READY when not applied, stopped or not
 * sending (hold), TC_MEDIA_ERROR_INVALID_ARGUMENT for a bad digit. */
gboolean tc_call_media_send_dtmf (TcCallMedia *self, const char *digits, guint duration_ms, GError **error);

/* Plays @path (WAV or Ogg Vorbis/Opus) instead of the configured source
 * until it ends, then goes back to that source and emits "play-finished".
 * A second call replaces the file playing (its "play-finished" carries
 * "interrupted").  TC_MEDIA_ERROR_INVALID_ARGUMENT when the file cannot be
 * read, TC_MEDIA_ERROR_NOT_READY before apply, after stop. */
gboolean tc_call_media_play_file (TcCallMedia *self, const char *path, GError **error);

/* Records to the WAV file @path (16-bit mono at the receive codec's
 * rate): what is received, or with @both_directions a mix of what is
 * received and what is sent.  A recording in progress is finished first.
 * TC_MEDIA_ERROR_INVALID_ARGUMENT when the file cannot be created,
 * TC_MEDIA_ERROR_NOT_READY before apply, after stop. */
gboolean tc_call_media_record (TcCallMedia *self, const char *path, gboolean both_directions, GError **error);
/* Finishes the recording: the file is a complete WAV when this returns
 * (the header is written here, without waiting for the pipeline). */
void tc_call_media_stop_recording (TcCallMedia *self);

/* Muted: silence is sent instead of the source (RTP keeps flowing). */
void tc_call_media_set_muted (TcCallMedia *self, gboolean muted);
gboolean tc_call_media_get_muted (TcCallMedia *self);

/* Statistics as a{sv}, a floating reference:
 *   codec s, pt u                  what we send
 *   packets-sent t, octets-sent t  our RTP stream
 *   packets-received t, octets-received t, packets-lost t (clamped ≥ 0),
 *   jitter-ms d                    the stream we receive (RFC 3550 A.8)
 *   rtt-ms d, fraction-lost d (0..1), remote-packets-lost t,
 *   remote-jitter-ms d             the peer's last report on our stream
 *   bitrate-in u, bitrate-out u    bit/s since the previous reading
 *   jb-pushed t, jb-lost t, jb-late t, jb-duplicates t, jb-avg-jitter-ms d
 *                                  the jitter buffer (0 on the light path)
 * Zeros before the first apply. */
GVariant *tc_call_media_get_stats (TcCallMedia *self);

G_END_DECLS
