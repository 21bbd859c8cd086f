/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdp-private.h — shared by the files of the SDP offer/answer: sdp.c (the
 * session and the negotiation), sdp-parse.c (a remote session description
 * checked and read into plain structs, so that the negotiation never
 * touches raw text) and sdp-write.c (our SDP, on GstSDPMessage).
 */
#pragma once

#include <gio/gio.h>
#include <gst/sdp/sdp.h>

#include "media/codec.h"
#include "media/media-params.h"
#include "media/sdp.h"

G_BEGIN_DECLS

/* Limits on remote input: a SIP body is at most a few kilobytes; these
 * bound the work an attacker can ask for. */
#define TC_SDP_MAX_SIZE (64 * 1024)
#define TC_SDP_MAX_MEDIA 32

/* One payload type of a remote m= line. */
typedef struct {
  guint pt;
  const TcCodecInfo *codec; /* NULL: not a codec of ours */
  char *name;               /* for messages: "PCMA", "G729", "pt 96" (printable ASCII) */
  gboolean has_rtpmap;
  guint clock_rate; /* 0 when unknown */
  guint channels;   /* a=rtpmap encoding parameters, 0 if none */
  char *fmtp;       /* a=fmtp parameters, or NULL */
} TcSdpFormat;

/* One remote m= line.  The fields after @rtp_avp are read only for an
 * audio line that has a port and a profile we speak: the only lines the
 * negotiation can use.  When such a line is invalid (no c=, a name for
 * an address, a bad a=rtcp), @defect says how, and the negotiation fails
 * only if it comes to use that line. */
typedef struct {
  char *media;      /* "audio", "video" … */
  guint port;       /* 0: rejected or disabled */
  char *proto;      /* "RTP/AVP" … */
  char *formats;    /* the format list as written, one space apart */
  gboolean rtp_avp; /* RTP/AVP or RTP/AVPF (RFC 3551, RFC 4585) */

  GError *defect; /* TC_MEDIA_ERROR_SDP, or NULL */

  GArray *rtp_formats;        /* TcSdpFormat in m= order */
  GInetAddress *address;      /* c= (media level, else session level); NULL for 0.0.0.0 or :: */
  TcMediaDirection direction; /* declared, from the remote's side (media level wins) */
  guint rtcp_port;            /* a=rtcp (RFC 3605), 0 when absent */
  GInetAddress *rtcp_address; /* a=rtcp's address, NULL when absent */
  gboolean rtcp_mux;          /* a=rtcp-mux (RFC 5761) */
  guint ptime;                /* a=ptime in ms, 0 when absent or out of 10..120 */
  guint maxptime;             /* a=maxptime in ms, 0 when absent or out of 10..120 */
} TcSdpStream;

typedef struct {
  char *origin;    /* o= without the version: "<user> <sess-id> <nettype> <addrtype> <address>" */
  char *version;   /* o= <sess-version>, digits */
  GArray *streams; /* TcSdpStream, in m= order */
} TcSdpRemote;

/* Checks and reads @text (@len bytes, NUL bytes refused).  Errors are
 * TC_MEDIA_ERROR_SDP with a message that names the defect and the line;
 * it is printable ASCII, fit for a SIP Warning header. */
TcSdpRemote *tc_sdp_remote_parse (const char *text, gsize len, GError **error);
void tc_sdp_remote_free (TcSdpRemote *remote);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSdpRemote, tc_sdp_remote_free)

/* @s (at most @max bytes of it) with anything but printable ASCII, '"'
 * and '\' replaced by '?', and "..." when cut: remote text made safe for
 * an error message and a Warning header. */
char *tc_sdp_printable (const char *s, gsize max);

/* Whether the a=fmtp parameter list @fmtp ("a=1;b=2") has @key
 * (case-insensitive) with the value @value. */
gboolean tc_sdp_fmtp_has (const char *fmtp, const char *key, const char *value);

/* One m= line of the session, kept so that our later offers repeat the
 * lines in place (RFC 3264 §8): ours is the audio one, the others go out
 * as they came, with port 0. */
typedef struct {
  char *media;
  char *proto;
  char *formats;
} TcSdpSlot;

struct _TcSdpSession {
  TcMediaPolicy policy;
  char *address;        /* c= */
  char *origin_address; /* o=: stays the first address (RFC 3264 §8) */
  guint rtp_port;
  guint rtcp_port;
  guint64 id;
  guint64 version;
  char *last_sent; /* the last SDP we produced */

  GArray *slots; /* TcSdpSlot: the m= lines of the session, in order */
  guint audio_slot;
  guint pts[TC_N_CODECS];       /* each codec's payload type in this session */
  gboolean agreed[TC_N_CODECS]; /* pts[] came from an exchange: it must not change (§8.3.2) */

  gboolean offer_pending;
  TcMediaDirection offer_direction;
  GArray *offered; /* TcPayload: what the waiting offer declared */

  char *remote_origin; /* the remote's o= line without the version */
  char *remote_version;
  TcMediaParams params; /* the last result */
  gboolean have_params;
  guint warning;
};

/* sdp-write.c */

/* An array of TcPayload that clears its elements. */
GArray *tc_sdp_payloads_new (void);
/* @codec at @pt as we declare it: rtpmap values and our a=fmtp. */
TcPayload tc_sdp_our_payload (const TcSdpSession *s, TcCodec codec, guint pt);
/* What an offer of ours lists, with the numbers of the session
 * (assigning free ones where needed, RFC 3264 §8.3.2). */
GArray *tc_sdp_offer_payloads (TcSdpSession *s);
/* Our SDP: v=, s=, c=, t= (o= comes with tc_sdp_message_finish()). */
GstSDPMessage *tc_sdp_message_new (const TcSdpSession *s);
/* Our audio line: @payloads, a=ptime, a=rtcp when @write_rtcp, a=rtcp-mux
 * when @rtcp_mux, @direction. */
void tc_sdp_message_add_audio (const TcSdpSession *s, GstSDPMessage *msg, const char *proto, const GArray *payloads,
                               TcMediaDirection direction, gboolean rtcp_mux, gboolean write_rtcp);
/* A line we do not take, with port 0 (RFC 3264 §6, §8.2). */
void tc_sdp_message_add_rejected (GstSDPMessage *msg, const char *media_type, const char *proto, const char *formats);
/* The text, with the o= version of RFC 3264 §8; it becomes the last SDP
 * we sent. */
char *tc_sdp_message_finish (TcSdpSession *s, GstSDPMessage *msg);

G_END_DECLS
