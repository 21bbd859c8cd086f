/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-module.c — the table the module tincan-media-gst exports
 * (media-module.h).  Built into the module only.
 */
#include "media/media-module.h"

#include <gmodule.h>

G_MODULE_EXPORT const TcMediaModule tc_media_module = {
  .header = { TC_MEDIA_MODULE_ABI, sizeof (TcMediaModule) },

  .call_media_get_type = tc_call_media_get_type,
  .call_media_new = tc_call_media_new,
  .call_media_get_rtp_port = tc_call_media_get_rtp_port,
  .call_media_get_rtcp_port = tc_call_media_get_rtcp_port,
  .call_media_apply = tc_call_media_apply,
  .call_media_stop = tc_call_media_stop,
  .call_media_send_dtmf = tc_call_media_send_dtmf,
  .call_media_play_file = tc_call_media_play_file,
  .call_media_record = tc_call_media_record,
  .call_media_stop_recording = tc_call_media_stop_recording,
  .call_media_set_muted = tc_call_media_set_muted,
  .call_media_get_muted = tc_call_media_get_muted,
  .call_media_get_stats = tc_call_media_get_stats,

  .sdp_session_new = tc_sdp_session_new,
  .sdp_session_free = tc_sdp_session_free,
  .sdp_session_set_policy = tc_sdp_session_set_policy,
  .sdp_session_set_local_address = tc_sdp_session_set_local_address,
  .sdp_session_set_local_ports = tc_sdp_session_set_local_ports,
  .sdp_session_create_offer = tc_sdp_session_create_offer,
  .sdp_session_has_pending_offer = tc_sdp_session_has_pending_offer,
  .sdp_session_cancel_offer = tc_sdp_session_cancel_offer,
  .sdp_session_process_answer = tc_sdp_session_process_answer,
  .sdp_session_create_answer = tc_sdp_session_create_answer,
  .sdp_session_get_local_sdp = tc_sdp_session_get_local_sdp,
  .sdp_session_get_params = tc_sdp_session_get_params,
  .sdp_session_get_warning_code = tc_sdp_session_get_warning_code,
  .sdp_warning_code = tc_sdp_warning_code,

  .device_watch_new = tc_media_device_watch_new,
  .device_watch_free = tc_media_device_watch_free,
  .device_watch_list = tc_media_device_watch_list,
};
