/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-module.h — the GStreamer half of the media layer as a loadable
 * module (loader.h): the module tincan-media-gst exports
 * tc_media_module, a table of the call-media.h, sdp.h and device-watch
 * (devices.h) functions the daemon calls.  media-loader.c gives the
 * daemon those same functions, each forwarding to the table, which is
 * loaded on the first call that creates something (tc_call_media_new(),
 * tc_sdp_session_new(), tc_media_device_watch_new()).  The parts that need
 * no GStreamer (codec.h, media-params.h, media-error.h) are linked into
 * the daemon as they are.
 *
 * Tests and fuzzers link the whole media layer (tincan_media_dep) and
 * load no module.
 */
#pragma once

#include "loader/loader.h"
#include "media/call-media.h"
#include "media/devices.h"
#include "media/sdp.h"

G_BEGIN_DECLS

#define TC_MEDIA_MODULE_NAME "tincan-media-gst"
#define TC_MEDIA_MODULE_SYMBOL "tc_media_module"
/* Bumped with any change of the table or of a signature in it. */
#define TC_MEDIA_MODULE_ABI 1

typedef struct {
  TcLoaderHeader header;

  GType (*call_media_get_type) (void);
  TcCallMedia *(*call_media_new) (const TcMediaPolicy *policy, const char *local_address, GError **error);
  guint (*call_media_get_rtp_port) (TcCallMedia *self);
  guint (*call_media_get_rtcp_port) (TcCallMedia *self);
  gboolean (*call_media_apply) (TcCallMedia *self, const TcMediaParams *params, GError **error);
  void (*call_media_stop) (TcCallMedia *self);
  gboolean (*call_media_send_dtmf) (TcCallMedia *self, const char *digits, guint duration_ms, GError **error);
  gboolean (*call_media_play_file) (TcCallMedia *self, const char *path, GError **error);
  gboolean (*call_media_record) (TcCallMedia *self, const char *path, gboolean both_directions, GError **error);
  void (*call_media_stop_recording) (TcCallMedia *self);
  void (*call_media_set_muted) (TcCallMedia *self, gboolean muted);
  gboolean (*call_media_get_muted) (TcCallMedia *self);
  GVariant *(*call_media_get_stats) (TcCallMedia *self);

  TcSdpSession *(*sdp_session_new) (const TcMediaPolicy *policy, const char *local_address, guint rtp_port,
                                    guint rtcp_port);
  void (*sdp_session_free) (TcSdpSession *session);
  void (*sdp_session_set_policy) (TcSdpSession *session, const TcMediaPolicy *policy);
  void (*sdp_session_set_local_address) (TcSdpSession *session, const char *local_address);
  void (*sdp_session_set_local_ports) (TcSdpSession *session, guint rtp_port, guint rtcp_port);
  char *(*sdp_session_create_offer) (TcSdpSession *session, TcMediaDirection direction);
  gboolean (*sdp_session_has_pending_offer) (const TcSdpSession *session);
  void (*sdp_session_cancel_offer) (TcSdpSession *session);
  gboolean (*sdp_session_process_answer) (TcSdpSession *session, const char *sdp, gsize len, TcMediaParams *params,
                                          GError **error);
  char *(*sdp_session_create_answer) (TcSdpSession *session, const char *offer, gsize len,
                                      TcMediaDirection local_direction, TcMediaParams *params, GError **error);
  const char *(*sdp_session_get_local_sdp) (const TcSdpSession *session);
  const TcMediaParams *(*sdp_session_get_params) (const TcSdpSession *session);
  guint (*sdp_session_get_warning_code) (const TcSdpSession *session);
  guint (*sdp_warning_code) (const GError *error);

  TcMediaDeviceWatch *(*device_watch_new) (TcMediaDevicesChanged changed, gpointer user_data, GError **error);
  void (*device_watch_free) (TcMediaDeviceWatch *watch);
  GVariant *(*device_watch_list) (TcMediaDeviceWatch *watch);
} TcMediaModule;

G_END_DECLS
