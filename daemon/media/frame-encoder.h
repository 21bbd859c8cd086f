/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * frame-encoder.h — one frame of 16-bit mono PCM in, one RTP payload out,
 * synchronously on the calling thread: the encoder of a light call that
 * sends generated audio (call-media-light.c), and of the silence frames
 * made once per process (silence.c).
 *
 * G.711 is encoded here (g711.c).  G.722 and Opus go through the same
 * GStreamer encoders the pipeline uses (avenc_g722; opusenc set up by
 * tc_media_opus_configure(), as call-media-send.c does), driven through
 * pads of our own: no pipeline, no streaming thread, no clock.  The
 * encoder's output is queued and taken one payload per frame: an Opus
 * packet, or a frame's worth of a byte-stream codec's bytes (avenc_g722
 * codes 20 ms at a time, whatever the frame).
 */
#pragma once

#include <gst/gst.h>

#include "media/codec.h"

G_BEGIN_DECLS

typedef struct _TcFrameEncoder TcFrameEncoder;

/* An encoder of @codec (not telephone-event) for frames of @frame_ms
 * (tc_media_silence_frame_ms(): for Opus 10, 20, 40 or 60).  Opus starts
 * without in-band FEC.  NULL with TC_MEDIA_ERROR_NO_CODEC when the
 * GStreamer encoder is missing or does not start. */
TcFrameEncoder *tc_frame_encoder_new (TcCodec codec, guint frame_ms, GError **error);
void tc_frame_encoder_free (TcFrameEncoder *encoder);

TcCodec tc_frame_encoder_get_codec (TcFrameEncoder *encoder);
/* Samples per frame, at the codec's audio rate. */
gsize tc_frame_encoder_get_samples (TcFrameEncoder *encoder);
/* The longest payload tc_frame_encoder_encode() writes. */
gsize tc_frame_encoder_get_max_payload (TcFrameEncoder *encoder);

/* Encodes one frame (@pcm: get_samples() samples) and writes one payload
 * (at most get_max_payload() bytes) to @out.  Returns its size, or 0
 * when the encoder has not given a payload yet (or failed). */
gsize tc_frame_encoder_encode (TcFrameEncoder *encoder, const gint16 *pcm, guint8 *out);

/* Opus: in-band FEC on or off, sized for @loss_percent (opus-fec.h).
 * Nothing for the other codecs. */
void tc_frame_encoder_set_fec (TcFrameEncoder *encoder, gboolean fec, guint loss_percent);
/* Opus: the encoder's packet-loss-percentage as set now; -1 for the
 * other codecs. */
gint tc_frame_encoder_get_loss_percent (TcFrameEncoder *encoder);

/* opusenc as Tincan sends Opus (media-notes.md §1, §7): voice, 32 kbit/s,
 * @frame_ms frames; in-band FEC when @fec, sized for @loss_percent (0
 * without FEC). */
void tc_media_opus_configure (GstElement *opusenc, guint frame_ms, gboolean fec, guint loss_percent);

G_END_DECLS
