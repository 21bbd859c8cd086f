/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-params.h — the contract between the SDP offer/answer (sdp.c), the
 * call's media (call-media.c) and core: what one audio stream was
 * negotiated to (TcMediaParams), and what an endpoint or a call asks for
 * (TcMediaPolicy).
 */
#pragma once

#include <gio/gio.h>

#include "media/codec.h"

G_BEGIN_DECLS

/* Direction bits as seen from our side: SEND = we send RTP. */
typedef enum {
  TC_MEDIA_DIRECTION_INACTIVE = 0,
  TC_MEDIA_DIRECTION_SENDONLY = 1 << 0,
  TC_MEDIA_DIRECTION_RECVONLY = 1 << 1,
  TC_MEDIA_DIRECTION_SENDRECV = TC_MEDIA_DIRECTION_SENDONLY | TC_MEDIA_DIRECTION_RECVONLY,
} TcMediaDirection;

/* "sendrecv", "sendonly", "recvonly", "inactive" (the SDP attribute). */
const char *tc_media_direction_to_string (TcMediaDirection direction);
/* The direction the other side writes for ours: sendonly ↔ recvonly. */
TcMediaDirection tc_media_direction_reverse (TcMediaDirection direction);

/* One payload type of a negotiated stream. */
typedef struct {
  TcCodec codec;
  guint pt;
  guint clock_rate;
  guint channels; /* a=rtpmap encoding parameters, 0 if none */
  char *fmtp;     /* the a=fmtp parameters for this pt, or NULL */
} TcPayload;

void tc_payload_clear (TcPayload *payload);

/* The result of one completed offer/answer for the audio stream. */
typedef struct {
  /* Where RTP and RTCP go (RFC 3605 a=rtcp, else port + 1; the RTP
   * address when rtcp_mux).  NULL when the stream was rejected (port 0)
   * or the remote has no address (c=0.0.0.0: RFC 3264 §8.4 old hold). */
  GInetSocketAddress *remote_rtp;
  GInetSocketAddress *remote_rtcp;
  gboolean rtcp_mux; /* both sides said a=rtcp-mux (RFC 5761) */

  /* Ours: SEND set = we may send.  remote_direction is what the remote's
   * SDP said from its side (sendonly from the remote means it holds us). */
  TcMediaDirection direction;
  TcMediaDirection remote_direction;

  /* What we send: the first codec in the answer, with the pt the remote
   * declared for it; send_dtmf_pt is the remote's telephone-event pt, 0
   * when it has none. */
  TcPayload send;
  guint send_dtmf_pt;
  guint ptime;       /* ms per packet we send (the remote's a=ptime if any, else the policy's) */
  gboolean opus_fec; /* the remote asked for Opus in-band FEC (useinbandfec=1) */

  /* What we may receive: the payload types our own SDP declared that are
   * in the result (TcPayload), and our telephone-event pt (0 if none). */
  GArray *receive;
  guint recv_dtmf_pt;

  /* The remote's o= version changed since the last offer/answer (RFC 3264
   * §8: an unchanged version is a refresh that changes nothing). */
  gboolean changed;
} TcMediaParams;

void tc_media_params_init (TcMediaParams *params);
void tc_media_params_clear (TcMediaParams *params);
void tc_media_params_copy (TcMediaParams *dest, const TcMediaParams *src);
/* The receive entry for @pt, or NULL. */
const TcPayload *tc_media_params_find_receive (const TcMediaParams *params, guint pt);

/* What an endpoint or a call asks of its media (settings keys in
 * dbus/org.tincan.Tincan1.Endpoint.xml). */
typedef struct {
  GArray *codecs;           /* TcCodec in priority order (not telephone-event) */
  guint ptime;              /* ms, 10..60; default 20 */
  gboolean telephone_event; /* offer/accept RFC 4733 (default TRUE) */
  gboolean rtcp_mux;        /* offer a=rtcp-mux (default TRUE) */
  gboolean opus_fec;        /* offer useinbandfec=1 (default TRUE) */
  guint jitter_ms;          /* jitter buffer latency, default 60 */
  guint rtp_timeout_s;      /* no RTP for this long while receiving: media failure; 0 = never (default 30) */
  char *audio_source;       /* "auto", "none" (silence), "tone:<hz>", "file:<path>", "device:<name>" */
  char *audio_sink;         /* "auto", "none" (discard), "device:<name>" */
} TcMediaPolicy;

void tc_media_policy_init (TcMediaPolicy *policy); /* the defaults above, sink/source "auto" */
void tc_media_policy_clear (TcMediaPolicy *policy);
void tc_media_policy_copy (TcMediaPolicy *dest, const TcMediaPolicy *src);
/* Checks an audio-source / audio-sink value; an error says what is wrong. */
gboolean tc_media_check_audio_source (const char *value, GError **error);
gboolean tc_media_check_audio_sink (const char *value, GError **error);

G_END_DECLS
