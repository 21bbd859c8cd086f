/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-error.h — TC_MEDIA_ERROR, the error domain of the media layer.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TcMediaErrorCode:
 * @TC_MEDIA_ERROR_SDP: an SDP offer or answer could not be parsed or negotiated
 * @TC_MEDIA_ERROR_NO_CODEC: no codec in common with the peer
 * @TC_MEDIA_ERROR_PIPELINE: the GStreamer pipeline failed
 * @TC_MEDIA_ERROR_ICE: ICE connectivity checks failed
 * @TC_MEDIA_ERROR_SRTP: SRTP keying failed or was refused
 * @TC_MEDIA_ERROR_TRANSPORT: no RTP/RTCP port could be bound, or the
 *   address is not usable
 * @TC_MEDIA_ERROR_INVALID_ARGUMENT: a bad argument (DTMF digits, a file
 *   that cannot be read or written)
 * @TC_MEDIA_ERROR_NOT_READY: the media cannot do that now (not started
 *   yet, stopped, or not sending: on hold)
 */
typedef enum {
  TC_MEDIA_ERROR_SDP,
  TC_MEDIA_ERROR_NO_CODEC,
  TC_MEDIA_ERROR_PIPELINE,
  TC_MEDIA_ERROR_ICE,
  TC_MEDIA_ERROR_SRTP,
  TC_MEDIA_ERROR_TRANSPORT,
  TC_MEDIA_ERROR_INVALID_ARGUMENT,
  TC_MEDIA_ERROR_NOT_READY,
} TcMediaErrorCode;

#define TC_MEDIA_ERROR (tc_media_error_quark ())
GQuark tc_media_error_quark (void);

G_END_DECLS
