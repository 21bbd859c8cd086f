/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * codec.h — the audio codecs Tincan speaks, and how each maps to SDP
 * (RFC 3551, RFC 7587, RFC 4733) and to GStreamer elements and caps
 * (media-notes.md §1).  One table, shared by the SDP offer/answer and the
 * pipeline builder.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TC_CODEC_OPUS,
  TC_CODEC_G722,
  TC_CODEC_PCMU,
  TC_CODEC_PCMA,
  TC_CODEC_TELEPHONE_EVENT,
  TC_N_CODECS,
} TcCodec;

#define TC_PT_DYNAMIC 0xff

typedef struct {
  TcCodec id;
  const char *nick;      /* settings and D-Bus spelling: "opus", "g722", "pcmu", "pcma", "telephone-event" */
  const char *sdp_name;  /* a=rtpmap encoding name as written: "opus", "G722", "PCMU" … */
  const char *caps_name; /* encoding-name in application/x-rtp caps: "OPUS", "G722" … */
  guint static_pt;       /* RFC 3551 static payload type, or TC_PT_DYNAMIC */
  guint default_pt;      /* what an offer of ours uses: 0, 8, 9, 111, 101 */
  guint clock_rate;      /* RTP clock rate (G.722: 8000 although its audio is 16 kHz) */
  guint channels;        /* a=rtpmap encoding parameters (opus: 2), 0 for none */
  guint audio_rate;      /* raw audio rate into the encoder / out of the decoder; 0: not audio */
  const char *encoder;   /* GStreamer element factories; NULL for telephone-event */
  const char *payloader;
  const char *depayloader;
  const char *decoder;
} TcCodecInfo;

const TcCodecInfo *tc_codec_get_info (TcCodec codec);

/* The codec of an a=rtpmap encoding name (case-insensitive) at
 * @clock_rate, or NULL. */
const TcCodecInfo *tc_codec_lookup (const char *encoding_name, guint clock_rate);

/* The codec of a static payload type without an a=rtpmap (0, 8, 9), or
 * NULL. */
const TcCodecInfo *tc_codec_lookup_static (guint pt);

/* "opus" → TC_CODEC_OPUS (case-insensitive); FALSE for an unknown nick. */
gboolean tc_codec_from_nick (const char *nick, TcCodec *codec);

/* A priority list "opus, g722,pcmu" → a GArray of TcCodec, in order,
 * without duplicates and without telephone-event (which is a separate
 * switch).  An unknown or repeated name, or an empty list, is an error
 * naming it (TC_MEDIA_ERROR_NO_CODEC). */
GArray *tc_codec_list_parse (const char *text, GError **error);

/* The default priority: opus, g722, pcmu, pcma. */
GArray *tc_codec_list_default (void);

G_END_DECLS
