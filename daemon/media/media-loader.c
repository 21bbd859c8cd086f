/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-loader.c — the daemon's call-media.h, sdp.h and device-watch
 * functions: each forwards to the module tincan-media-gst
 * (media-module.h), loaded by the first function that creates something.
 * A module that cannot be loaded is TC_MEDIA_ERROR_PIPELINE naming it,
 * as a GStreamer that cannot start is.
 */
#include "media/media-module.h"

#include "media/media-error.h"

static const TcMediaModule *media_table;

static const TcMediaModule *
media_module (GError **error)
{
  const TcMediaModule *table = g_atomic_pointer_get (&media_table);
  g_autoptr (GError) local = NULL;

  if (table)
    return table;
  table =
    tc_loader_get (TC_MEDIA_MODULE_NAME, TC_MEDIA_MODULE_SYMBOL, TC_MEDIA_MODULE_ABI, sizeof (TcMediaModule), &local);
  if (!table)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "no media: %s", local->message);
      return NULL;
    }
  g_atomic_pointer_set (&media_table, table);
  return table;
}

/* The table, for functions on an object that only the module can have
 * made: it is loaded. */
static const TcMediaModule *
media_loaded (void)
{
  const TcMediaModule *table = g_atomic_pointer_get (&media_table);

  g_assert (table != NULL);
  return table;
}

/* Functions that have no GError: a failure to load is logged. */
static const TcMediaModule *
media_module_or_warn (void)
{
  g_autoptr (GError) error = NULL;
  const TcMediaModule *table = media_module (&error);

  if (!table)
    g_warning ("%s", error->message);
  return table;
}

GType
tc_call_media_get_type (void)
{
  const TcMediaModule *table = media_module_or_warn ();

  return table ? table->call_media_get_type () : G_TYPE_INVALID;
}

TcCallMedia *
tc_call_media_new (const TcMediaPolicy *policy, const char *local_address, GError **error)
{
  const TcMediaModule *table = media_module (error);

  return table ? table->call_media_new (policy, local_address, error) : NULL;
}

guint
tc_call_media_get_rtp_port (TcCallMedia *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return media_loaded ()->call_media_get_rtp_port (self);
}

guint
tc_call_media_get_rtcp_port (TcCallMedia *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return media_loaded ()->call_media_get_rtcp_port (self);
}

gboolean
tc_call_media_apply (TcCallMedia *self, const TcMediaParams *params, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return media_loaded ()->call_media_apply (self, params, error);
}

void
tc_call_media_stop (TcCallMedia *self)
{
  g_return_if_fail (self != NULL);
  media_loaded ()->call_media_stop (self);
}

gboolean
tc_call_media_send_dtmf (TcCallMedia *self, const char *digits, guint duration_ms, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return media_loaded ()->call_media_send_dtmf (self, digits, duration_ms, error);
}

gboolean
tc_call_media_play_file (TcCallMedia *self, const char *path, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return media_loaded ()->call_media_play_file (self, path, error);
}

gboolean
tc_call_media_record (TcCallMedia *self, const char *path, gboolean both_directions, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return media_loaded ()->call_media_record (self, path, both_directions, error);
}

void
tc_call_media_stop_recording (TcCallMedia *self)
{
  g_return_if_fail (self != NULL);
  media_loaded ()->call_media_stop_recording (self);
}

void
tc_call_media_set_muted (TcCallMedia *self, gboolean muted)
{
  g_return_if_fail (self != NULL);
  media_loaded ()->call_media_set_muted (self, muted);
}

gboolean
tc_call_media_get_muted (TcCallMedia *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return media_loaded ()->call_media_get_muted (self);
}

GVariant *
tc_call_media_get_stats (TcCallMedia *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return media_loaded ()->call_media_get_stats (self);
}

TcSdpSession *
tc_sdp_session_new (const TcMediaPolicy *policy, const char *local_address, guint rtp_port, guint rtcp_port)
{
  const TcMediaModule *table = media_module_or_warn ();

  return table ? table->sdp_session_new (policy, local_address, rtp_port, rtcp_port) : NULL;
}

void
tc_sdp_session_free (TcSdpSession *session)
{
  if (session)
    media_loaded ()->sdp_session_free (session);
}

void
tc_sdp_session_set_policy (TcSdpSession *session, const TcMediaPolicy *policy)
{
  g_return_if_fail (session != NULL);
  media_loaded ()->sdp_session_set_policy (session, policy);
}

void
tc_sdp_session_set_local_address (TcSdpSession *session, const char *local_address)
{
  g_return_if_fail (session != NULL);
  media_loaded ()->sdp_session_set_local_address (session, local_address);
}

void
tc_sdp_session_set_local_ports (TcSdpSession *session, guint rtp_port, guint rtcp_port)
{
  g_return_if_fail (session != NULL);
  media_loaded ()->sdp_session_set_local_ports (session, rtp_port, rtcp_port);
}

char *
tc_sdp_session_create_offer (TcSdpSession *session, TcMediaDirection direction)
{
  g_return_val_if_fail (session != NULL, NULL);
  return media_loaded ()->sdp_session_create_offer (session, direction);
}

gboolean
tc_sdp_session_has_pending_offer (const TcSdpSession *session)
{
  g_return_val_if_fail (session != NULL, FALSE);
  return media_loaded ()->sdp_session_has_pending_offer (session);
}

void
tc_sdp_session_cancel_offer (TcSdpSession *session)
{
  g_return_if_fail (session != NULL);
  media_loaded ()->sdp_session_cancel_offer (session);
}

gboolean
tc_sdp_session_process_answer (TcSdpSession *session, const char *sdp, gsize len, TcMediaParams *params, GError **error)
{
  g_return_val_if_fail (session != NULL, FALSE);
  return media_loaded ()->sdp_session_process_answer (session, sdp, len, params, error);
}

char *
tc_sdp_session_create_answer (TcSdpSession *session, const char *offer, gsize len, TcMediaDirection local_direction,
                              TcMediaParams *params, GError **error)
{
  g_return_val_if_fail (session != NULL, NULL);
  return media_loaded ()->sdp_session_create_answer (session, offer, len, local_direction, params, error);
}

const char *
tc_sdp_session_get_local_sdp (const TcSdpSession *session)
{
  g_return_val_if_fail (session != NULL, NULL);
  return media_loaded ()->sdp_session_get_local_sdp (session);
}

const TcMediaParams *
tc_sdp_session_get_params (const TcSdpSession *session)
{
  g_return_val_if_fail (session != NULL, NULL);
  return media_loaded ()->sdp_session_get_params (session);
}

guint
tc_sdp_session_get_warning_code (const TcSdpSession *session)
{
  g_return_val_if_fail (session != NULL, 0);
  return media_loaded ()->sdp_session_get_warning_code (session);
}

guint
tc_sdp_warning_code (const GError *error)
{
  const TcMediaModule *table = media_module_or_warn ();

  return table ? table->sdp_warning_code (error) : 399;
}

TcMediaDeviceWatch *
tc_media_device_watch_new (TcMediaDevicesChanged changed, gpointer user_data, GError **error)
{
  const TcMediaModule *table = media_module (error);

  return table ? table->device_watch_new (changed, user_data, error) : NULL;
}

void
tc_media_device_watch_free (TcMediaDeviceWatch *watch)
{
  if (watch)
    media_loaded ()->device_watch_free (watch);
}

GVariant *
tc_media_device_watch_list (TcMediaDeviceWatch *watch)
{
  g_return_val_if_fail (watch != NULL, NULL);
  return media_loaded ()->device_watch_list (watch);
}
