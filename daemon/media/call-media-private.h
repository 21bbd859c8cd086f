/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-private.h — TcCallMedia's state, shared by call-media.c (the
 * object, the pipeline, bus, housekeeping), call-media-rtp.c (transport
 * edge, rtpbin, DTMF), the audio branches: call-media-audio.c (shared
 * helpers, errors), -send.c (source, codec chain, playback), -receive.c
 * (receive branches, sink) and -record.c, and the light path without a
 * pipeline (call-media-light.c).
 */
#pragma once

#include <gst/gst.h>

#include "media/call-media.h"
#include "media/dtmf.h"
#include "media/media-stats.h"
#include "media/opus-fec.h"

G_BEGIN_DECLS

/**
 * SourceKind:
 * @SOURCE_CONFIGURED: the policy's audio source
 * @SOURCE_PLAYING: a file from tc_call_media_play_file()
 * @SOURCE_FALLBACK: silence, after the configured source failed
 */
typedef enum {
  SOURCE_CONFIGURED,
  SOURCE_PLAYING,
  SOURCE_FALLBACK,
} SourceKind;

/* A call on the light path (call-media-light.c). */
typedef struct _LightCall LightCall;

/* Where the light path left the RTP stream, for the pipeline that takes
 * over: the same SSRC, the next sequence number, and the timeline (the
 * timestamp at a monotonic time, in clock_rate units). */
typedef struct {
  gboolean valid;
  guint32 ssrc;
  guint16 seq;
  guint32 timestamp;
  gint64 time_us;
  guint clock_rate;
} StreamResume;

/* One receive branch: what hangs off one of rtpbin's
 * recv_rtp_src_0_<ssrc>_<pt> pads.  Made on the streaming thread that
 * adds the pad (pad-added), under recv_lock. */
typedef struct {
  GstPad *pad; /* rtpbin's (a reference) */
  guint pt;
  gboolean dtmf;       /* telephone-event: ends in a fakesink */
  guint codec;         /* TcCodec, when !dtmf */
  GPtrArray *elements; /* GstElement, in link order */
  GstPad *funnel_pad;  /* the funnel's request pad, or NULL */
} RecvBranch;

/* The receive payload types as the streaming threads see them (a copy of
 * TcMediaParams.receive under recv_lock). */
typedef struct {
  guint pt;
  guint codec; /* TcCodec */
  gboolean fec;
} RecvPayload;

/* A recording in progress (call-media-record.c). */
typedef struct _Recorder {
  char *path;
  gboolean both;
  guint rate;
  GstElement *bin;
  GstPad *recv_tee_pad; /* recv_tee's request pad */
  GstPad *send_tee_pad; /* send_tee's, when both */
} Recorder;

struct _TcCallMedia {
  GObject parent_instance;

  guint id; /* names the object in logs: "media 3" */
  GMainContext *context;
  TcMediaPolicy policy;
  TcRtpTransport *transport;
  guint rtcp_interval_ms;  /* property "rtcp-interval" */
  guint stats_interval_ms; /* property "stats-interval" */

  TcMediaParams params; /* the last applied (valid when applied) */
  gboolean applied;
  gboolean stopped;
  gboolean muted;
  guint failed_causes; /* bit per cause already reported */

  /* ---- the pipeline (call-media.c) ---- */
  GstElement *pipeline;
  GstElement *rtpbin;
  GstClock *clock;
  GstClockTime base_time;
  GstPad *rtp_in;  /* ours, parentless: the transport pushes received RTP here */
  GstPad *rtcp_in; /* … and RTCP here */
  GstPad *dtmf_in; /* ours: RFC 4733 packets into rtpdtmfmux's priority pad */
  guint dtmf_pt;   /* the pt in dtmf_in's caps */
  guint dtmf_rate; /* the clock rate in dtmf_in's caps: the send codec's */
  guint32 dtmf_timestamp_offset;
  guint32 dtmf_event_timestamp;
  guint16 dtmf_seqnum;
  GstElement *rtp_out; /* appsinks: what rtpbin sends goes to the transport */
  GstElement *rtcp_out;

  /* ---- send branch (call-media-audio.c) ---- */
  GstElement *source; /* linked to volume; NULL while being replaced */
  SourceKind source_kind;
  guint source_generation; /* stale end-of-file reports are ignored */
  char *playing;           /* the file tc_call_media_play_file() plays */
  GstElement *volume;      /* mute */
  GstElement *valve;       /* hold: dropping while not sending */
  GstElement *send_convert, *send_resample, *send_caps, *send_tee;
  GstElement *encoder, *payloader;
  GstPad *tee_pad; /* send_tee's pad that feeds the encoder */
  GstPad *mux_pad; /* rtpdtmfmux's sink pad the payloader feeds */
  GstElement *dtmfmux;
  TcDtmfSender *dtmf_sender;

  /* ---- receive branches (call-media-audio.c) ---- */
  GRecMutex recv_lock;   /* guards what the streaming threads read (recursive: a
                         * link made under it may ask for caps, which takes it): */
  gboolean recv_closed;  /* stopping: make no more branches */
  GArray *recv_payloads; /* RecvPayload */
  guint recv_dtmf_pt;
  GPtrArray *recv_branches; /* RecvBranch */
  GPtrArray *jitterbuffers; /* GstElement, from rtpbin's new-jitterbuffer */
  guint recv_rate;          /* the rate of the decoded audio, fixed at the first apply */
  GstElement *funnel, *recv_tee;
  GPtrArray *sink_elements; /* after recv_tee, in link order; the last is the sink */
  TcDtmfReceiver *dtmf_receiver;

  Recorder *recorder;

  /* ---- the light path (call-media-light.c) ---- */
  gboolean light_allowed; /* property "light" */
  LightCall *light;       /* running: no pipeline */
  StreamResume resume;    /* for the pipeline taking over, until it is built */
  gboolean have_carried;
  TcMediaStatsNumbers carried; /* the light path's counters when it ended */

  /* ---- Opus in-band FEC (opus-fec.h): the loss the encoder is told,
   * from the peer's report blocks on our stream; either path feeds it,
   * and it goes on across the hand-over to a pipeline ---- */
  TcOpusFec opus_fec;
  gboolean fec_have_rb; /* the pipeline's last report block seen (rb-exthighestseq, rb-lsr, rb-dlsr) */
  guint fec_rb_seq, fec_rb_lsr, fec_rb_dlsr;

  /* ---- housekeeping (call-media.c) ---- */
  GSource *housekeeping; /* statistics and RTP timeout */
  gint64 next_stats_us;
  TcMediaStatsSnapshot stats_previous;
  gint64 last_rtp_us;
};

/* call-media.c */
void tc_call_media_emit_play_finished (TcCallMedia *self, const char *path, const char *error);
void tc_call_media_emit_dtmf_received (TcCallMedia *self, char digit, guint duration_ms);
/* tc_call_media_fail() from the main loop, soon (from any thread, or
 * while the pipeline is being built). */
void tc_call_media_fail_later (TcCallMedia *self, const char *cause, const char *message);
void tc_call_media_fail (TcCallMedia *self, const char *cause, const char *format, ...) G_GNUC_PRINTF (3, 4);
/* gst_element_set_state (NULL) that also gets there when a child's last
 * state change failed (decodebin on a file it could not type). */
void tc_call_media_set_null (GstElement *element);
/* The pipeline's running time now (0 before it runs). */
GstClockTime tc_call_media_running_time (TcCallMedia *self);
/* A GStreamer element, or FALSE-like NULL with TC_MEDIA_ERROR_PIPELINE. */
GstElement *tc_call_media_make_element (const char *factory, const char *name, GError **error);
/* Runs @func(self) on the main context soon (from any thread), holding a
 * reference; skipped once stopped. */
void tc_call_media_invoke (TcCallMedia *self, void (*func) (TcCallMedia *self, gpointer data), gpointer data,
                           GDestroyNotify destroy);

/* call-media-light.c */
/* The policy and the moment let a call go without a pipeline: source
 * "none" or "tone:HZ", sink "none", no playback, no recording (and the
 * "light" property). */
gboolean tc_call_media_light_wanted (TcCallMedia *self);
/* Starts sending (silence or the tone), counting, reporting (continuing
 * self->resume when valid).  TC_MEDIA_ERROR_NO_CODEC when no silence
 * frame or encoder can be made for the send codec. */
gboolean tc_call_media_light_start (TcCallMedia *self, GError **error);
/* After an apply changed self->params from @old. */
gboolean tc_call_media_light_update (TcCallMedia *self, const TcMediaParams *old, GError **error);
void tc_call_media_light_set_sending (TcCallMedia *self, gboolean sending);
void tc_call_media_light_send_dtmf (TcCallMedia *self, const char *digits, guint duration_ms);
void tc_call_media_light_receive (TcCallMedia *self, TcRtpComponent component, const guint8 *data, gsize size,
                                  gint64 received_us);
void tc_call_media_light_read_numbers (TcCallMedia *self, TcMediaStatsNumbers *numbers);
/* The packet-loss-percentage the light path's Opus encoder is set to
 * now; -1 without one (no tone, another codec).  For tests. */
gint tc_call_media_light_get_fec_percent (TcCallMedia *self);
/* Ends the light path (a digit being sent is ended); @handing_over: sets
 * self->resume and self->carried for the pipeline that follows. */
void tc_call_media_light_leave (TcCallMedia *self, gboolean handing_over);

/* call-media-rtp.c */
/* rtpbin, its links to the transport edge, and the DTMF pad. */
gboolean tc_call_media_rtp_build (TcCallMedia *self, GError **error);
/* After the pipeline went to NULL: our pads and the DTMF machines go. */
void tc_call_media_rtp_clear (TcCallMedia *self);
/* Receives the transport's packets from now on (and makes the DTMF
 * receiver, which both paths share). */
void tc_call_media_rtp_attach (TcCallMedia *self);
/* No more packets; the DTMF receiver goes. */
void tc_call_media_rtp_detach (TcCallMedia *self);
/* The DTMF pad's caps follow the send codec's clock rate and the
 * telephone-event payload type (before a payloader of another clock rate
 * is linked to rtpdtmfmux, which takes only one). */
void tc_call_media_rtp_sync_dtmf_caps (TcCallMedia *self);

/* call-media-audio.c */
gboolean tc_call_media_audio_build (TcCallMedia *self, GError **error);
GstCaps *tc_call_media_audio_raw_caps (guint rate); /* S16LE mono @rate */
/* Sets @element to NULL and takes it out of the pipeline. */
void tc_call_media_audio_remove_element (TcCallMedia *self, GstElement *element);
/* Adds @elements (GstElement) to the pipeline, links them in order and
 * brings them to its state, the last first. */
gboolean tc_call_media_audio_add_chain (TcCallMedia *self, GPtrArray *elements);

/* call-media-send.c */
gboolean tc_call_media_audio_build_send (TcCallMedia *self, GError **error);
gboolean tc_call_media_audio_update_send (TcCallMedia *self, const TcMediaParams *old_params, GError **error);
void tc_call_media_audio_set_sending (TcCallMedia *self, gboolean sending);
/* The configured source, or silence ("device-error" reported later). */
void tc_call_media_audio_start_source (TcCallMedia *self);
/* The configured source again (after a file), or silence. */
void tc_call_media_audio_restore_source (TcCallMedia *self);
/* Silence instead of a source that failed. */
void tc_call_media_audio_fall_back_source (TcCallMedia *self);

/* call-media-receive.c */
gboolean tc_call_media_audio_build_receive (TcCallMedia *self, GError **error);
void tc_call_media_audio_update_receive (TcCallMedia *self);
/* The rtpbin caps of receive payload type @pt (NULL: unknown); any thread. */
GstCaps *tc_call_media_audio_pt_caps (TcCallMedia *self, guint pt);
void tc_call_media_audio_pad_added (TcCallMedia *self, GstPad *pad);
void tc_call_media_audio_pad_removed (TcCallMedia *self, GstPad *pad);
/* After the pipeline went to NULL: the branches are forgotten. */
void tc_call_media_audio_clear_receive (TcCallMedia *self);
/* Which part of the graph a bus error came from. */
typedef enum {
  ORIGIN_OTHER,
  ORIGIN_SOURCE,   /* the configured source (a device, a file: source) */
  ORIGIN_PLAYING,  /* the file being played */
  ORIGIN_SINK,     /* the audio sink */
  ORIGIN_RECORDER, /* the recording */
  ORIGIN_STALE,    /* an element no longer in the pipeline (replaced) */
} ErrorOrigin;
ErrorOrigin tc_call_media_audio_error_origin (TcCallMedia *self, GstObject *src);
/* Handles an error of @origin (not ORIGIN_OTHER): falls back, finishes
 * playback or recording, reports "device-error". */
void tc_call_media_audio_handle_error (TcCallMedia *self, ErrorOrigin origin, const GError *error);
void tc_call_media_audio_stop (TcCallMedia *self);
/* call-media-send.c */
gboolean tc_call_media_audio_play_file (TcCallMedia *self, const char *path, GError **error);
/* call-media-record.c */
gboolean tc_call_media_audio_record (TcCallMedia *self, const char *path, gboolean both_directions, GError **error);
void tc_call_media_audio_stop_recording (TcCallMedia *self);

G_END_DECLS
