/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-params.c — negotiated stream parameters and media policy.
 */
#include "media/media-params.h"

#include <string.h>

#include "media/media-error.h"

const char *
tc_media_direction_to_string (TcMediaDirection direction)
{
  switch (direction)
    {
    case TC_MEDIA_DIRECTION_INACTIVE:
      return "inactive";
    case TC_MEDIA_DIRECTION_SENDONLY:
      return "sendonly";
    case TC_MEDIA_DIRECTION_RECVONLY:
      return "recvonly";
    case TC_MEDIA_DIRECTION_SENDRECV:
      return "sendrecv";
    }
  return "inactive";
}

TcMediaDirection
tc_media_direction_reverse (TcMediaDirection direction)
{
  return ((direction & TC_MEDIA_DIRECTION_SENDONLY) ? TC_MEDIA_DIRECTION_RECVONLY : 0) |
         ((direction & TC_MEDIA_DIRECTION_RECVONLY) ? TC_MEDIA_DIRECTION_SENDONLY : 0);
}

void
tc_payload_clear (TcPayload *payload)
{
  g_clear_pointer (&payload->fmtp, g_free);
}

void
tc_media_params_init (TcMediaParams *params)
{
  memset (params, 0, sizeof *params);
  params->receive = g_array_new (FALSE, TRUE, sizeof (TcPayload));
  g_array_set_clear_func (params->receive, (GDestroyNotify) tc_payload_clear);
}

void
tc_media_params_clear (TcMediaParams *params)
{
  g_clear_object (&params->remote_rtp);
  g_clear_object (&params->remote_rtcp);
  tc_payload_clear (&params->send);
  g_clear_pointer (&params->receive, g_array_unref);
}

void
tc_media_params_copy (TcMediaParams *dest, const TcMediaParams *src)
{
  tc_media_params_init (dest);
  dest->remote_rtp = src->remote_rtp ? g_object_ref (src->remote_rtp) : NULL;
  dest->remote_rtcp = src->remote_rtcp ? g_object_ref (src->remote_rtcp) : NULL;
  dest->rtcp_mux = src->rtcp_mux;
  dest->direction = src->direction;
  dest->remote_direction = src->remote_direction;
  dest->send = src->send;
  dest->send.fmtp = g_strdup (src->send.fmtp);
  dest->send_dtmf_pt = src->send_dtmf_pt;
  dest->ptime = src->ptime;
  dest->opus_fec = src->opus_fec;
  for (guint i = 0; src->receive && i < src->receive->len; i++)
    {
      TcPayload payload = g_array_index (src->receive, TcPayload, i);

      payload.fmtp = g_strdup (payload.fmtp);
      g_array_append_val (dest->receive, payload);
    }
  dest->recv_dtmf_pt = src->recv_dtmf_pt;
  dest->changed = src->changed;
}

const TcPayload *
tc_media_params_find_receive (const TcMediaParams *params, guint pt)
{
  for (guint i = 0; params->receive && i < params->receive->len; i++)
    if (g_array_index (params->receive, TcPayload, i).pt == pt)
      return &g_array_index (params->receive, TcPayload, i);
  return NULL;
}

void
tc_media_policy_init (TcMediaPolicy *policy)
{
  memset (policy, 0, sizeof *policy);
  policy->codecs = tc_codec_list_default ();
  policy->ptime = 20;
  policy->telephone_event = TRUE;
  policy->rtcp_mux = TRUE;
  policy->opus_fec = TRUE;
  policy->jitter_ms = 60;
  policy->rtp_timeout_s = 30;
  policy->audio_source = g_strdup ("auto");
  policy->audio_sink = g_strdup ("auto");
}

void
tc_media_policy_clear (TcMediaPolicy *policy)
{
  g_clear_pointer (&policy->codecs, g_array_unref);
  g_clear_pointer (&policy->audio_source, g_free);
  g_clear_pointer (&policy->audio_sink, g_free);
}

void
tc_media_policy_copy (TcMediaPolicy *dest, const TcMediaPolicy *src)
{
  *dest = *src;
  dest->codecs = g_array_copy (src->codecs);
  dest->audio_source = g_strdup (src->audio_source);
  dest->audio_sink = g_strdup (src->audio_sink);
}

static gboolean
check_device (const char *kind, const char *value, const char *name, GError **error)
{
  if (*name == '\0')
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "%s \"%s\": the device name is empty", kind, value);
      return FALSE;
    }
  return TRUE;
}

gboolean
tc_media_check_audio_source (const char *value, GError **error)
{
  if (g_str_equal (value, "auto") || g_str_equal (value, "none"))
    return TRUE;
  if (g_str_has_prefix (value, "tone:"))
    {
      guint64 hz;

      if (!g_ascii_string_to_unsigned (value + 5, 10, 1, 20000, &hz, NULL))
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE,
                       "audio source \"%s\": the tone frequency must be 1..20000 Hz", value);
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_has_prefix (value, "file:"))
    {
      if (!g_path_is_absolute (value + 5))
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE,
                       "audio source \"%s\": the file path must be absolute", value);
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_has_prefix (value, "device:"))
    return check_device ("audio source", value, value + 7, error);
  g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE,
               "audio source \"%s\": expected auto, none, tone:<hz>, file:<path> or device:<name>", value);
  return FALSE;
}

gboolean
tc_media_check_audio_sink (const char *value, GError **error)
{
  if (g_str_equal (value, "auto") || g_str_equal (value, "none"))
    return TRUE;
  if (g_str_has_prefix (value, "device:"))
    return check_device ("audio sink", value, value + 7, error);
  g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE,
               "audio sink \"%s\": expected auto, none or device:<name>", value);
  return FALSE;
}
