/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * silence.h — one packet's worth of encoded silence per codec and frame
 * length, for the calls that send silence without a pipeline
 * (call-media-light.c).
 *
 * G.711 silence is a constant byte (PCMU 0xFF, PCMA 0xD5: the codes of
 * zero).  G.722 and Opus have no such constant: their frames are made
 * once per process by the same encoders the pipeline uses (avenc_g722,
 * opusenc with the pipeline's settings: 32 kbit/s, voice, no FEC), fed
 * with zeros until their output is steady, then cached.  Encoding runs
 * synchronously on the calling thread (frame-encoder.c, which a light
 * call sending a tone also uses): no pipeline and no streaming thread.
 */
#pragma once

#include <glib.h>

#include "media/codec.h"

G_BEGIN_DECLS

/* The frame length tc_media_silence_get() uses for @ptime_ms: Opus
 * frames are 10, 20, 40 or 60 ms (RFC 6716 §2.1.4; any other ptime gives
 * 20, as the pipeline's opusenc does); the other codecs take @ptime_ms. */
guint tc_media_silence_frame_ms (TcCodec codec, guint ptime_ms);

/* The payload of one RTP packet of silence of @frame_ms (from
 * tc_media_silence_frame_ms()) in @codec, owned by the cache (valid for
 * the life of the process).  NULL with TC_MEDIA_ERROR_NO_CODEC when the
 * encoder is missing or fails.  Main thread only. */
GBytes *tc_media_silence_get (TcCodec codec, guint frame_ms, GError **error);

G_END_DECLS
