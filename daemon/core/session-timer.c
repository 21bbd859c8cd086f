/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session-timer.c — session timers (RFC 4028) when the peer asks for them.
 *
 * We always say Supported: timer.  An INVITE with Session-Expires gets it
 * back in our 2xx, with the refresher it named, else uac when the UAC
 * supports timers, else ourselves (§9); one below our Min-SE is 422 with
 * Min-SE (§8.1).  A 2xx to our INVITE with Session-Expires arms the timer
 * with the refresher it names (§7.2).  The refresher sends a refresh at
 * half the interval: UPDATE without a body when the peer allows UPDATE,
 * else a re-INVITE with our unchanged SDP (§7.4); the other side sends
 * BYE when no refresh came by the interval minus min(32 s, a third) (§10).
 * Any refresh received re-arms the timer and is answered with
 * Session-Expires.
 */
#include "core/session-private.h"

#include "core/core-error.h"

#define MIN_SE 90

static gboolean
has_option_tag (TcSipMessage *message, TcSipHeaderId id, const char *tag)
{
  for (gint i = tc_sip_message_find_header (message, id, 0); i >= 0;
       i = tc_sip_message_find_header (message, id, i + 1))
    {
      const TcSipHeader *header = tc_sip_message_get_header (message, i);
      g_autofree char *value = g_strndup (header->value.str, header->value.len);
      g_auto (GStrv) tags = g_strsplit (value, ",", -1);

      for (guint j = 0; tags[j]; j++)
        if (g_ascii_strcasecmp (g_strstrip (tags[j]), tag) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
allows_update (TcSipMessage *message)
{
  return message && has_option_tag (message, TC_SIP_HEADER_ALLOW, "UPDATE");
}

/* The peer's Allow, from its last request or 2xx that had one: a message
 * without Allow says nothing of what the peer supports (RFC 3261 §20.5). */
static void
remember_allow (TcSession *self, TcSipMessage *message)
{
  if (tc_sip_message_find_header (message, TC_SIP_HEADER_ALLOW, 0) < 0)
    return;
  g_clear_pointer (&self->peer_allow, tc_sip_message_unref);
  self->peer_allow = tc_sip_message_ref (message);
}

static void arm (TcSession *self);

static void
on_refresh_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error,
                  gpointer user_data)
{
  TcSession *self = user_data;
  guint status = response ? tc_sip_message_get_status (response) : 408;
  TcSipSessionExpires se;

  g_clear_pointer (&self->timer_request, tc_sip_request_unref);
  if (status >= 200 && status < 300)
    {
      if (tc_session_message_has_sdp (response))
        {
          TcSipStr body = tc_sip_message_get_body (response);
          g_autoptr (GError) media_error = NULL;

          if (!tc_session_media_answer_received (self, body.str, body.len, &media_error))
            g_message ("session %u: the refresh's answer is unusable: %s", self->id, media_error->message);
        }
      if (tc_sip_message_get_session_expires (response, &se) && se.delta >= MIN_SE)
        {
          self->timer_interval = se.delta;
          self->timer_refresher = !tc_sip_str_is_set (se.refresher) || tc_sip_str_equal_ci (se.refresher, "uac");
        }
      arm (self);
      return;
    }
  tc_session_media_offer_rejected (self);
  if (status == 481 || status == 408)
    {
      g_message ("session %u: session refresh answered %u: the dialog is gone", self->id, status);
      if (status == 408)
        tc_session_send_bye (self, NULL);
      tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, status,
                            status == 481 ? "Call/Transaction Does Not Exist" : "Request Timeout", response,
                            "session-expired", NULL);
      return;
    }
  /* Another failure (e.g. 491): try again at the next half interval. */
  arm (self);
}

static const TcSipRequestHandlers refresh_handlers = {
  .final = on_refresh_final,
};

static void
send_refresh (TcSession *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *offer = NULL;
  gboolean update = allows_update (self->peer_allow);
  TcSipMessageBuilder *builder;
  TcSipRequestOptions options;

  if (self->reinvite || self->reinvite_task || self->timer_request)
    {
      arm (self); /* a re-INVITE of ours (maybe in its 491 back-off) refreshes anyway */
      return;
    }
  builder = tc_sip_dialog_build_request (self->dialog, update ? "UPDATE" : "INVITE", &error);
  if (!builder)
    {
      g_message ("session %u: cannot build the session refresh: %s", self->id, error->message);
      return;
    }
  /* The refresher parameter names a side of this transaction, not of the
   * dialog: we send the refresh and stay the refresher (§7.4). */
  tc_sip_message_builder_add_header_printf (builder, "Session-Expires", "%u;refresher=uac", self->timer_interval);
  tc_sip_message_builder_add_header (builder, "Supported", "timer");
  if (!update)
    {
      offer = tc_session_media_refresh_offer (self);
      tc_sip_message_builder_set_body (builder, "application/sdp", offer, strlen (offer));
    }
  tc_session_add_request_headers (self, builder);
  tc_sip_request_options_init (&options);
  options.credentials = tc_endpoint_get_credentials (self->endpoint);
  options.contact_user = tc_endpoint_get_contact_user (self->endpoint);
  self->timer_request = tc_sip_stack_send_request (tc_endpoint_get_stack (self->endpoint), self->dialog, builder,
                                                   &options, &refresh_handlers, self, &error);
  self->timer_request_invite = !update;
  if (!self->timer_request)
    g_message ("session %u: session refresh not sent: %s", self->id, error->message);
}

static void
on_timer (gpointer user_data)
{
  TcSession *self = user_data;

  self->timer_source = 0;
  if (self->state == TC_SESSION_STATE_DISCONNECTED || !self->dialog)
    return;
  if (self->timer_refresher)
    {
      send_refresh (self);
      return;
    }
  g_message ("session %u: no session refresh within %u s, ending the call", self->id, self->timer_interval);
  tc_session_send_bye (self, "SIP;cause=408;text=\"session expired\"");
  tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 408, "Session Expired", NULL, "session-expired", NULL);
}

static void
arm (TcSession *self)
{
  guint seconds;

  tc_sip_clock_clear_timer (self->clock, &self->timer_source);
  if (!self->timer_interval || self->state == TC_SESSION_STATE_DISCONNECTED)
    return;
  seconds =
    self->timer_refresher ? self->timer_interval / 2 : self->timer_interval - MIN (32, self->timer_interval / 3);
  self->timer_source = tc_sip_clock_add_timer (self->clock, (gint64) seconds * G_USEC_PER_SEC, on_timer, self);
}

void
tc_session_timer_stop (TcSession *self)
{
  if (self->clock)
    tc_sip_clock_clear_timer (self->clock, &self->timer_source);
  if (self->timer_request)
    tc_sip_request_abandon (self->timer_request);
  g_clear_pointer (&self->timer_request, tc_sip_request_unref);
  g_clear_pointer (&self->peer_allow, tc_sip_message_unref);
}

gboolean
tc_session_timer_check_request (TcSession *self, TcSipIncoming *incoming)
{
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  TcSipSessionExpires se;
  TcSipMessageBuilder *response;

  if (!tc_sip_message_get_session_expires (request, &se) || se.delta >= MIN_SE)
    return TRUE;
  response = tc_sip_incoming_new_response (incoming, 422, "Session Interval Too Small", NULL);
  tc_sip_message_builder_add_header_printf (response, "Min-SE", "%u", MIN_SE);
  tc_sip_incoming_respond (incoming, response, NULL);
  return FALSE;
}

void
tc_session_timer_answer (TcSession *self, TcSipMessage *request, TcSipMessageBuilder *response)
{
  TcSipSessionExpires se;
  gboolean uac_supports = has_option_tag (request, TC_SIP_HEADER_SUPPORTED, "timer");
  const char *refresher;

  remember_allow (self, request);
  if (!tc_sip_message_get_session_expires (request, &se))
    {
      if (!self->timer_interval)
        return;
      /* A refresh without Session-Expires (§9): keep ours, we refresh. */
      se.delta = self->timer_interval;
      se.refresher = tc_sip_str (NULL, 0);
    }
  if (tc_sip_str_is_set (se.refresher))
    refresher = tc_sip_str_equal_ci (se.refresher, "uas") ? "uas" : "uac";
  else
    refresher = uac_supports ? "uac" : "uas";
  self->timer_interval = se.delta;
  /* The request's sender is the UAC of this transaction. */
  self->timer_refresher = g_str_equal (refresher, "uas");
  tc_sip_message_builder_add_header_printf (response, "Session-Expires", "%u;refresher=%s", se.delta, refresher);
  if (uac_supports)
    tc_sip_message_builder_add_header (response, "Require", "timer");
  arm (self);
}

void
tc_session_timer_add_to_request (TcSession *self, TcSipMessageBuilder *builder)
{
  tc_sip_message_builder_add_header (builder, "Supported", "timer");
  /* §7.4: a re-INVITE of ours refreshes the session; we are its UAC. */
  if (self->timer_interval)
    tc_sip_message_builder_add_header_printf (builder, "Session-Expires", "%u;refresher=uac", self->timer_interval);
}

void
tc_session_timer_answered (TcSession *self, TcSipMessage *response)
{
  TcSipSessionExpires se;

  remember_allow (self, response);
  if (!tc_sip_message_get_session_expires (response, &se) || se.delta < MIN_SE)
    {
      /* §7.2: a 2xx without Session-Expires means no session timer. */
      self->timer_interval = 0;
      tc_sip_clock_clear_timer (self->clock, &self->timer_source);
      return;
    }
  self->timer_interval = se.delta;
  /* We sent the request: we are its UAC (§7.2). */
  self->timer_refresher = !tc_sip_str_is_set (se.refresher) || tc_sip_str_equal_ci (se.refresher, "uac");
  arm (self);
}
