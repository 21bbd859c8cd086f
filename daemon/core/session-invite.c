/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session-invite.c — the initial INVITE of a session, both ways.
 *
 * Outgoing.  The INVITE carries our offer.  Each 1xx re-announces
 * in-progress with its status; a 1xx with SDP is an early answer, played
 * at once (early media), kept per fork (remote tag) since the 2xx of that
 * fork may come without SDP.  A 3xx is followed by the stack (a new
 * INVITE to the Contact) and reported as in-progress with the 3xx and
 * "redirected-to".  The first 2xx wins: the stack ACKs it and ends the
 * other forks (ACK + BYE for a late 2xx).  Terminate() before the final
 * response CANCELs (sent by the stack once a provisional response came);
 * a 2xx that crosses the CANCEL is ACKed and ended with BYE.
 *
 * Incoming.  The offer (if any) is answered when the session is created,
 * so that an offer we cannot accept is refused at once with 488 and a
 * Warning, before anyone is told of a call; 180 Ringing goes out and the
 * session waits in incoming.  Accept() sends the 2xx with the answer (or,
 * for an INVITE without SDP, our offer: the answer then comes in the ACK)
 * and starts the media; the ACK connects.
 */
#include "core/session-private.h"

#include "core/core-error.h"
#include "sip/sip-error.h"

#define ALLOW_IN_DIALOG "INVITE, ACK, CANCEL, BYE, INFO, UPDATE, OPTIONS, MESSAGE"

static char *
str_dup0 (TcSipStr s)
{
  return s.str ? g_strndup (s.str, s.len) : NULL;
}

static TcSession *
session_new (TcEndpoint *endpoint, guint id, gboolean outgoing)
{
  TcSession *self = g_object_new (TC_TYPE_SESSION, NULL);

  self->endpoint = endpoint;
  self->clock = tc_sip_clock_ref (tc_sip_stack_get_clock (tc_endpoint_get_stack (endpoint)));
  self->id = id;
  self->outgoing = outgoing;
  tc_media_policy_copy (&self->policy, tc_endpoint_get_media_policy (endpoint));
  return self;
}

static void
apply_options (TcSession *self, const TcSessionOptions *options)
{
  if (!options)
    return;
  if (options->codecs)
    {
      g_array_unref (self->policy.codecs);
      self->policy.codecs = g_array_copy (options->codecs);
    }
  if (options->audio_source)
    {
      g_free (self->policy.audio_source);
      self->policy.audio_source = g_strdup (options->audio_source);
    }
  if (options->audio_sink)
    {
      g_free (self->policy.audio_sink);
      self->policy.audio_sink = g_strdup (options->audio_sink);
    }
  if (options->headers)
    {
      g_clear_pointer (&self->call_headers, g_array_unref);
      self->call_headers = tc_header_pairs_copy (options->headers);
    }
  if (options->subject)
    {
      g_free (self->subject);
      self->subject = g_strdup (options->subject);
    }
}

static void
add_call_headers (TcSession *self, TcSipMessageBuilder *builder)
{
  tc_session_add_request_headers (self, builder);
  for (guint i = 0; self->call_headers && i < self->call_headers->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (self->call_headers, TcHeaderPair, i);

      tc_sip_message_builder_add_header (builder, pair->name, pair->value);
    }
}

static void
set_sdp_body (TcSipMessageBuilder *builder, const char *sdp)
{
  tc_sip_message_builder_set_body (builder, "application/sdp", sdp, strlen (sdp));
}

/* ---- outgoing ------------------------------------------------------------- */

static gboolean build_invite (TcSession *self, GError **error);

/* The answer of the fork @tag to our initial offer: each fork answers the
 * same offer, so it is armed again when another fork answered before. */
static gboolean
fork_answer (TcSession *self, const char *tag, const char *sdp, gsize len, GError **error)
{
  if (self->answered_tag && g_strcmp0 (self->answered_tag, tag) != 0)
    tc_session_media_rearm_offer (self);
  if (!tc_session_media_answer_received (self, sdp, len, error))
    return FALSE;
  g_free (self->answered_tag);
  self->answered_tag = g_strdup (tag);
  return TRUE;
}

TcSession *
tc_session_new_outgoing (TcEndpoint *endpoint, guint id, const char *target, const TcSessionOptions *options,
                         GError **error)
{
  g_autoptr (TcSipUri) uri = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (TcSession) self = NULL;

  uri = tc_sip_uri_parse (target, -1, &local);
  if (!uri || tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_TEL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "target \"%s\" is not a sip: or sips: URI%s%s",
                   target, local ? ": " : "", local ? local->message : "");
      return NULL;
    }

  self = session_new (endpoint, id, TRUE);
  apply_options (self, options);
  self->remote_uri = g_strdup (target);
  self->local_uri = g_strdup (tc_endpoint_get_uri (endpoint));
  if (!tc_session_media_prepare (self, error) || !build_invite (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
on_invite_provisional (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, gpointer user_data)
{
  TcSession *self = user_data;
  guint status = tc_sip_message_get_status (response);
  g_autofree char *reason = tc_session_reason_of (response);
  g_auto (GVariantDict) extra = G_VARIANT_DICT_INIT (NULL);
  gboolean early_media = FALSE;

  if (status == 100)
    return;
  if (dialog && tc_session_message_has_sdp (response))
    {
      TcSipStr body = tc_sip_message_get_body (response);
      g_autoptr (GError) error = NULL;

      g_hash_table_replace (self->early_answers, g_strdup (tc_sip_dialog_get_remote_tag (dialog)),
                            g_strndup (body.str, body.len));
      early_media = fork_answer (self, tc_sip_dialog_get_remote_tag (dialog), body.str, body.len, &error);
      if (!early_media)
        g_message ("session %u: early media of the %u not played: %s", self->id, status, error->message);
    }
  g_variant_dict_insert (&extra, "early-media", "b", early_media);
  tc_session_set_state (self, TC_SESSION_STATE_IN_PROGRESS, status, reason, response, NULL,
                        g_variant_dict_end (&extra));
}

static void
on_invite_redirected (TcSipRequest *request, TcSipMessage *response, const TcSipUri *target, gpointer user_data)
{
  TcSession *self = user_data;
  g_autofree char *reason = tc_session_reason_of (response);
  g_autofree char *to = tc_sip_uri_to_string (target);
  g_auto (GVariantDict) extra = G_VARIANT_DICT_INIT (NULL);

  g_free (self->remote_uri);
  self->remote_uri = g_strdup (to);
  g_object_notify (G_OBJECT (self), "remote-uri");
  g_hash_table_remove_all (self->early_answers);
  if (self->answered_tag)
    {
      g_clear_pointer (&self->answered_tag, g_free);
      tc_session_media_rearm_offer (self); /* the new target answers our offer afresh */
    }
  g_variant_dict_insert (&extra, "redirected-to", "s", to);
  tc_session_set_state (self, TC_SESSION_STATE_IN_PROGRESS, tc_sip_message_get_status (response), reason, response,
                        "redirected", g_variant_dict_end (&extra));
}

/* The 2xx of the first fork to answer. */
static void
invite_answered (TcSession *self, TcSipMessage *response, TcSipDialog *dialog)
{
  g_autofree char *reason = tc_session_reason_of (response);
  g_autoptr (GError) error = NULL;
  const char *early = NULL;
  gboolean ok;

  g_clear_pointer (&self->dialog, tc_sip_dialog_unref);
  self->dialog = tc_sip_dialog_ref (dialog);
  if (self->cancelling)
    {
      /* Our CANCEL crossed the 2xx: the stack ACKed it; end it. */
      tc_session_send_bye (self, NULL);
      tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, tc_sip_message_get_status (response), reason, response,
                            "cancelled", NULL);
      return;
    }

  if (tc_session_message_has_sdp (response))
    {
      TcSipStr body = tc_sip_message_get_body (response);

      ok = fork_answer (self, tc_sip_dialog_get_remote_tag (dialog), body.str, body.len, &error);
    }
  else if ((early = g_hash_table_lookup (self->early_answers, tc_sip_dialog_get_remote_tag (dialog))))
    ok = fork_answer (self, tc_sip_dialog_get_remote_tag (dialog), early, strlen (early), &error);
  else
    {
      ok = FALSE;
      g_set_error_literal (&error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the 2xx has no SDP answer");
    }
  if (!ok)
    {
      g_autofree char *why = g_strdup_printf ("SIP;cause=488;text=\"%s\"", error->message);

      g_message ("session %u: answer refused, ending the call: %s", self->id, error->message);
      g_strdelimit (why + 4, "\"\\", '\'');
      tc_session_send_bye (self, why);
      tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 488, "Not Acceptable Here", response, "media", NULL);
      return;
    }
  tc_session_timer_answered (self, response);
  tc_session_set_state (self, TC_SESSION_STATE_CONNECTED, tc_sip_message_get_status (response), reason, response, NULL,
                        NULL);
}

static void
on_invite_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error,
                 gpointer user_data)
{
  TcSession *self = user_data;
  g_autoptr (TcSipRequest) invite = g_steal_pointer (&self->invite);

  if (response)
    {
      guint status = tc_sip_message_get_status (response);
      g_autofree char *reason = tc_session_reason_of (response);

      if (status >= 200 && status < 300 && dialog)
        invite_answered (self, response, dialog);
      else
        tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, status, reason, response,
                              self->cancelling && status == 487 ? "cancelled" : "rejected", NULL);
      return;
    }
  if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_TIMEOUT))
    tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 408, "Request Timeout", NULL, "timeout", NULL);
  else if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_CANCELLED))
    tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 487, "Request Terminated", NULL, "cancelled", NULL);
  else
    {
      g_message ("session %u: INVITE failed: %s", self->id, error ? error->message : "unknown failure");
      tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 503, "Service Unavailable", NULL, "transport-error",
                            NULL);
    }
}

static const TcSipRequestHandlers invite_handlers = {
  .provisional = on_invite_provisional,
  .redirected = on_invite_redirected,
  .final = on_invite_final,
};

/* The Request-URI: the endpoint's transport applies unless the target
 * names one or a route decides (as for MESSAGE). */
static char *
request_uri_for (TcSession *self, TcSipRouteSet *routes)
{
  const TcEndpointSettings *settings = tc_endpoint_get_settings (self->endpoint);
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (self->remote_uri, -1, NULL);

  if (!routes && !tc_sip_uri_get_transport (uri) && g_strcmp0 (settings->transport, "udp") != 0 &&
      !(g_strcmp0 (settings->transport, "tls") == 0 && tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_SIPS))
    tc_sip_uri_set_param (uri, "transport", settings->transport);
  return tc_sip_uri_to_string (uri);
}

static void
remember_ids (TcSession *self, TcSipMessageBuilder *builder)
{
  g_autofree char *call_id = tc_sip_message_builder_get_header (builder, "Call-ID");
  g_autofree char *from = tc_sip_message_builder_get_header (builder, "From");
  TcSipNameAddr addr;

  self->call_id = g_steal_pointer (&call_id);
  if (from && tc_sip_parse_name_addr (tc_sip_str (from, strlen (from)), &addr, NULL))
    self->local_tag = str_dup0 (addr.tag);
  g_object_notify (G_OBJECT (self), "call-id");
}

/* The INVITE with our offer, built when the session is created so that
 * its Call-ID and state are known before it is exported. */
static gboolean
build_invite (TcSession *self, GError **error)
{
  TcSipStack *stack = tc_endpoint_get_stack (self->endpoint);
  g_autofree char *request_uri = request_uri_for (self, tc_endpoint_get_route_set (self->endpoint));
  g_autofree char *to = g_strdup_printf ("<%s>", self->remote_uri);
  g_autofree char *offer = NULL;
  g_autoptr (GError) local = NULL;
  TcSipMessageBuilder *builder;

  builder = tc_sip_stack_new_request (stack, "INVITE", request_uri, tc_endpoint_get_from (self->endpoint), to, &local);
  if (!builder)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "target \"%s\": %s", self->remote_uri,
                   local->message);
      return FALSE;
    }
  remember_ids (self, builder);
  tc_sip_message_builder_add_header (builder, "Allow", ALLOW_IN_DIALOG);
  tc_sip_message_builder_add_header (builder, "Supported", "timer");
  if (self->subject)
    tc_sip_message_builder_add_header (builder, "Subject", self->subject);
  add_call_headers (self, builder);
  offer = tc_session_media_offer (self, TC_MEDIA_DIRECTION_SENDRECV);
  set_sdp_body (builder, offer);
  self->invite_builder = builder;
  self->state = TC_SESSION_STATE_IN_PROGRESS;
  return TRUE;
}

gboolean
tc_session_invite_start (TcSession *self, GError **error)
{
  g_autoptr (GError) local = NULL;
  TcSipRequestOptions options;

  tc_sip_request_options_init (&options);
  options.route_set = tc_endpoint_get_route_set (self->endpoint);
  options.credentials = tc_endpoint_get_credentials (self->endpoint);
  options.follow_redirects = TRUE;
  options.contact_user = tc_endpoint_get_contact_user (self->endpoint);
  self->invite =
    tc_sip_stack_send_request (tc_endpoint_get_stack (self->endpoint), NULL, g_steal_pointer (&self->invite_builder),
                               &options, &invite_handlers, self, &local);
  if (!self->invite)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "the INVITE cannot be sent: %s", local->message);
      return FALSE;
    }
  return TRUE;
}

void
tc_session_invite_cancel (TcSession *self)
{
  if (!self->invite)
    {
      tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 487, "Request Terminated", NULL, "cancelled", NULL);
      return;
    }
  self->cancelling = TRUE;
  tc_sip_request_cancel (self->invite, NULL);
}

/* ---- incoming --------------------------------------------------------------- */

static void
respond_488 (TcSession *self, TcSipIncoming *invite, const GError *error)
{
  TcSipMessageBuilder *response = tc_sip_incoming_new_response (invite, 488, "Not Acceptable Here", NULL);
  g_autofree char *warning = tc_session_media_warning (self, error);

  tc_sip_message_builder_add_header (response, "Warning", warning);
  tc_sip_incoming_respond (invite, response, NULL);
}

TcSession *
tc_session_new_incoming (TcEndpoint *endpoint, guint id, TcSipIncoming *invite)
{
  TcSipMessage *request = tc_sip_incoming_get_request (invite);
  const TcSipNameAddr *from = tc_sip_message_get_from (request);
  const TcSipNameAddr *to = tc_sip_message_get_to (request);
  g_autoptr (TcSession) self = session_new (endpoint, id, FALSE);
  g_autoptr (GError) error = NULL;
  TcSipMessageBuilder *ringing;
  TcSipDialog *dialog;

  self->remote_uri = str_dup0 (from->uri);
  self->remote_display_name = str_dup0 (from->display_name);
  if (self->remote_display_name && self->remote_display_name[0] == '"')
    {
      gsize len = strlen (self->remote_display_name);

      memmove (self->remote_display_name, self->remote_display_name + 1, len);
      if (len >= 2 && self->remote_display_name[len - 2] == '"')
        self->remote_display_name[len - 2] = '\0';
    }
  self->local_uri = str_dup0 (to->uri);
  self->call_id = str_dup0 (tc_sip_message_get_call_id (request));

  if (!tc_session_timer_check_request (self, invite))
    return NULL;
  if (!tc_session_media_prepare (self, &error))
    {
      g_message ("endpoint %s: incoming call refused: %s", tc_endpoint_get_id (endpoint), error->message);
      tc_sip_incoming_respond_status (invite, 500, "Media Unavailable", NULL);
      return NULL;
    }
  if (tc_session_message_has_sdp (request))
    {
      TcSipStr body = tc_sip_message_get_body (request);

      self->pending_answer = tc_session_media_offer_received (self, body.str, body.len, &error);
      if (!self->pending_answer)
        {
          g_message ("endpoint %s: incoming call refused: %s", tc_endpoint_get_id (endpoint), error->message);
          respond_488 (self, invite, error);
          return NULL;
        }
    }
  else if (tc_sip_message_get_body (request).len > 0)
    {
      tc_sip_incoming_respond_status (invite, 415, "Unsupported Media Type", NULL);
      return NULL;
    }
  else
    self->delayed_offer = TRUE;

  self->incoming = tc_sip_incoming_ref (invite);
  ringing = tc_sip_incoming_new_response (invite, 180, "Ringing", tc_endpoint_get_contact_user (endpoint));
  tc_sip_message_builder_add_header (ringing, "Allow", ALLOW_IN_DIALOG);
  tc_sip_incoming_respond (invite, ringing, NULL);
  dialog = tc_sip_incoming_get_dialog (invite);
  if (dialog)
    self->local_tag = g_strdup (tc_sip_dialog_get_local_tag (dialog));
  self->state = TC_SESSION_STATE_INCOMING;
  return g_steal_pointer (&self);
}

gboolean
tc_session_invite_accept (TcSession *self, const TcSessionOptions *options, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *offer = NULL;
  TcSipMessageBuilder *response;
  TcSipDialog *dialog;

  apply_options (self, options);
  response = tc_sip_incoming_new_response (self->incoming, 200, NULL, tc_endpoint_get_contact_user (self->endpoint));
  tc_sip_message_builder_add_header (response, "Allow", ALLOW_IN_DIALOG);
  tc_sip_message_builder_add_header (response, "Supported", "timer");
  add_call_headers (self, response);
  tc_session_timer_answer (self, tc_sip_incoming_get_request (self->incoming), response);
  if (self->delayed_offer)
    {
      offer = tc_session_media_offer (self, TC_MEDIA_DIRECTION_SENDRECV);
      set_sdp_body (response, offer);
    }
  else
    set_sdp_body (response, self->pending_answer);
  if (!tc_sip_incoming_respond (self->incoming, response, &local))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the 200 OK cannot be sent: %s", local->message);
      return FALSE;
    }
  dialog = tc_sip_incoming_get_dialog (self->incoming);
  if (dialog)
    {
      self->dialog = tc_sip_dialog_ref (dialog);
      g_free (self->local_tag);
      self->local_tag = g_strdup (tc_sip_dialog_get_local_tag (dialog));
    }
  if (!self->delayed_offer && !tc_session_media_apply (self, &local))
    g_message ("session %u: media not started: %s", self->id, local->message);
  tc_session_set_state (self, TC_SESSION_STATE_ANSWERING, 200, "OK", NULL, NULL, NULL);
  return TRUE;
}

gboolean
tc_session_invite_reject (TcSession *self, guint status, const char *reason, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!tc_sip_incoming_respond_status (self->incoming, status, reason, &local))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the %u cannot be sent: %s", status, local->message);
      return FALSE;
    }
  g_clear_pointer (&self->incoming, tc_sip_incoming_unref);
  tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, status, reason ? reason : "", NULL, "rejected", NULL);
  return TRUE;
}

/* The ACK of our 2xx to the initial INVITE. */
void
tc_session_invite_acked (TcSession *self, TcSipMessage *ack)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->incoming, tc_sip_incoming_unref);
  if (self->delayed_offer)
    {
      TcSipStr body = tc_sip_message_get_body (ack);

      self->delayed_offer = FALSE;
      if (!tc_session_message_has_sdp (ack) || !tc_session_media_answer_received (self, body.str, body.len, &error))
        {
          g_message ("session %u: no usable answer in the ACK: %s", self->id,
                     error ? error->message : "the ACK has no SDP");
          tc_session_send_bye (self, "SIP;cause=488;text=\"no usable SDP answer in the ACK\"");
          tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 488, "Not Acceptable Here", ack, "media", NULL);
          return;
        }
    }
  tc_session_set_state (self, TC_SESSION_STATE_CONNECTED, 0, "ACK", ack, NULL, NULL);
}
