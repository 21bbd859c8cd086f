/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-engine.h — GStreamer for the media layer, started lazily: the idle
 * daemon never pays for gst_init (plugin registry, threads), only the
 * first call does.  Also the one place that knows which Debian package
 * holds which element, so a missing plugin becomes an error a user can act
 * on ("install gstreamer1.0-libav") instead of a pipeline that fails to
 * link.
 *
 * All functions may be called from the main thread only.
 */
#pragma once

#include <glib.h>

#include "media/codec.h"

G_BEGIN_DECLS

/* Initialises GStreamer on the first call (later calls return at once)
 * and checks that every element a call needs, whatever its codec, exists
 * (rtpbin, appsink, the audio converters, rtpdtmfmux, wavenc …).  FALSE
 * with TC_MEDIA_ERROR_PIPELINE naming the missing elements and their
 * packages. */
gboolean tc_media_engine_ensure (GError **error);

/* TRUE when the elements of @codec exist (encoder, payloader, depayloader,
 * decoder); telephone-event needs none.  Otherwise FALSE with
 * TC_MEDIA_ERROR_NO_CODEC naming the missing element and its package
 * (G.722: gstreamer1.0-libav).  Calls tc_media_engine_ensure() first. */
gboolean tc_media_engine_codec_available (TcCodec codec, GError **error);

/* @codecs (TcCodec) without the ones tc_media_engine_codec_available()
 * refuses, in the same order (a new array; each one left out is
 * logged at debug level).  NULL with @error when GStreamer itself cannot start. */
GArray *tc_media_engine_filter_codecs (const GArray *codecs, GError **error);

G_END_DECLS
