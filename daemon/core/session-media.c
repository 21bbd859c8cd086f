/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session-media.c — a session's offer/answer (TcSdpSession) and its media
 * (TcCallMedia): the glue between SIP bodies and daemon/media, and the
 * media's events turned into the session's.
 *
 * The RTP ports are bound when the session is created, before the first
 * SDP is written; the pipeline is built the first time a negotiated
 * result is applied (the 2xx, an early answer, or Accept()).  A hold by
 * the far end is read from its own SDP: a stream it does not want to
 * receive (sendonly, inactive, or c=0.0.0.0, RFC 3264 §8.4).
 */
#include "core/session-private.h"

#include "core/core-error.h"
#include "media/media-error.h"

gboolean
tc_session_message_has_sdp (TcSipMessage *message)
{
  const TcSipContentType *type = tc_sip_message_get_content_type (message);

  return type && tc_sip_message_get_body (message).len > 0 && tc_sip_str_equal_ci (type->type, "application") &&
         tc_sip_str_equal_ci (type->subtype, "sdp");
}

TcMediaDirection
tc_session_media_local_direction (TcSession *self)
{
  if (!self->local_hold)
    return TC_MEDIA_DIRECTION_SENDRECV;
  return self->remote_held ? TC_MEDIA_DIRECTION_INACTIVE : TC_MEDIA_DIRECTION_SENDONLY;
}

/* The address our SDP names: the host of the endpoint's Contact when it
 * is an address, else the loopback address (logged). */
static char *
media_address (TcSession *self)
{
  g_autoptr (TcSipUri) contact = tc_sip_uri_parse (tc_endpoint_get_contact (self->endpoint), -1, NULL);
  const char *host = contact ? tc_sip_uri_get_host (contact) : NULL;
  g_autoptr (GInetAddress) address = NULL;
  g_autofree char *bare = NULL;

  if (host && host[0] == '[')
    bare = g_strndup (host + 1, strlen (host) - 2);
  else
    bare = g_strdup (host);
  address = bare ? g_inet_address_new_from_string (bare) : NULL;
  if (!address || g_inet_address_get_is_any (address))
    {
      g_message ("session %u: the Contact %s names no address; media on 127.0.0.1", self->id,
                 tc_endpoint_get_contact (self->endpoint));
      return g_strdup ("127.0.0.1");
    }
  return g_steal_pointer (&bare);
}

static void
on_media_dtmf (TcCallMedia *media, const char *digit, guint duration_ms, TcSession *self)
{
  tc_session_emit_dtmf (self, digit, duration_ms);
}

static void
on_media_failed (TcCallMedia *media, const char *cause, const char *message, TcSession *self)
{
  g_message ("session %u: media failed (%s): %s", self->id, cause, message);
  tc_session_emit_media_failed (self, cause, message);
}

static void
on_media_play_finished (TcCallMedia *media, const char *path, const char *error, TcSession *self)
{
  tc_session_emit_playback_finished (self, path, error);
}

static void
on_media_stats (TcCallMedia *media, GVariant *stats, TcSession *self)
{
  tc_session_notify_media (self, TRUE);
}

gboolean
tc_session_media_prepare (TcSession *self, GError **error)
{
  g_autofree char *address = media_address (self);
  g_autoptr (GError) local = NULL;

  self->media = tc_call_media_new (&self->policy, address, &local);
  if (!self->media)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "no media for the call: %s", local->message);
      return FALSE;
    }
  if (self->muted)
    tc_call_media_set_muted (self->media, TRUE);
  g_signal_connect (self->media, "dtmf-received", G_CALLBACK (on_media_dtmf), self);
  g_signal_connect (self->media, "failed", G_CALLBACK (on_media_failed), self);
  g_signal_connect (self->media, "play-finished", G_CALLBACK (on_media_play_finished), self);
  g_signal_connect (self->media, "stats-changed", G_CALLBACK (on_media_stats), self);
  self->sdp = tc_sdp_session_new (&self->policy, address, tc_call_media_get_rtp_port (self->media),
                                  tc_call_media_get_rtcp_port (self->media));
  return TRUE;
}

char *
tc_session_media_offer (TcSession *self, TcMediaDirection direction)
{
  self->sdp_stale = FALSE;
  return tc_sdp_session_create_offer (self->sdp, direction);
}

void
tc_session_media_offer_rejected (TcSession *self)
{
  if (!tc_sdp_session_has_pending_offer (self->sdp))
    return;
  tc_sdp_session_cancel_offer (self->sdp);
  self->sdp_stale = TRUE;
}

char *
tc_session_media_refresh_offer (TcSession *self)
{
  const char *last = tc_sdp_session_get_local_sdp (self->sdp);

  /* "The offer MUST indicate that it has not changed": the same o=
   * version, so the same text.  A new offer can differ from the answer
   * we gave (our whole codec list, a=rtcp-mux) and take a new version. */
  if (last && !self->sdp_stale && !tc_sdp_session_has_pending_offer (self->sdp))
    return g_strdup (last);
  return tc_session_media_offer (self, tc_session_media_local_direction (self));
}

void
tc_session_media_rearm_offer (TcSession *self)
{
  g_free (tc_sdp_session_create_offer (self->sdp, TC_MEDIA_DIRECTION_SENDRECV));
}

/* Keeps @params (taken) as the session's result. */
static void
take_params (TcSession *self, TcMediaParams *params)
{
  if (self->have_params)
    tc_media_params_clear (&self->params);
  self->params = *params;
  self->have_params = TRUE;
  memset (params, 0, sizeof *params);
}

gboolean
tc_session_media_apply (TcSession *self, GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean held;

  if (!self->have_params || !self->media)
    return TRUE;
  held = !self->params.remote_rtp || !(self->params.remote_direction & TC_MEDIA_DIRECTION_RECVONLY);
  tc_session_set_remote_held (self, held);
  if (!tc_call_media_apply (self->media, &self->params, &local))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "%s", local->message);
      tc_session_emit_media_failed (self, "pipeline-error", local->message);
      return FALSE;
    }
  self->media_started = TRUE;
  tc_session_notify_media (self, FALSE);
  return TRUE;
}

gboolean
tc_session_media_answer_received (TcSession *self, const char *sdp, gsize len, GError **error)
{
  TcMediaParams params;

  tc_media_params_init (&params);
  if (!tc_sdp_session_process_answer (self->sdp, sdp, len, &params, error))
    {
      tc_media_params_clear (&params);
      return FALSE;
    }
  take_params (self, &params);
  return tc_session_media_apply (self, error);
}

char *
tc_session_media_offer_received (TcSession *self, const char *sdp, gsize len, GError **error)
{
  TcMediaParams params;
  char *answer;

  tc_media_params_init (&params);
  answer = tc_sdp_session_create_answer (self->sdp, sdp, len, tc_session_media_local_direction (self), &params, error);
  if (!answer)
    {
      tc_media_params_clear (&params);
      return NULL;
    }
  self->sdp_stale = FALSE;
  take_params (self, &params);
  return answer;
}

void
tc_session_media_stop (TcSession *self)
{
  if (!self->media)
    return;
  g_signal_handlers_disconnect_by_data (self->media, self);
  tc_call_media_stop (self->media);
  self->media_started = FALSE;
}

char *
tc_session_media_warning (TcSession *self, const GError *error)
{
  g_autofree char *text = g_strdup (error ? error->message : "incompatible media");
  /* RFC 3261 §20.43: 302 incompatible transport, 304 media type not
   * available, 305 incompatible media format, 399 other; the SDP layer
   * knows which. */
  guint code = tc_sdp_session_get_warning_code (self->sdp);

  /* The text is a quoted-string. */
  g_strdelimit (text, "\"\\\r\n", '\'');
  return g_strdup_printf ("%u tincan \"%s\"", code ? code : error ? tc_sdp_warning_code (error) : 305, text);
}
