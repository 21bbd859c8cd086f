/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session.c — TcSession: the object, its states and its API (session.h).
 * The SIP of the initial INVITE is in session-invite.c, requests inside
 * the dialog in session-dialog.c, offer/answer and media in
 * session-media.c.
 */
#include "core/session-private.h"

#include "core/core-error.h"
#include "core/details.h"
#include "media/media-error.h"

G_DEFINE_FINAL_TYPE (TcSession, tc_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_STATE,
  PROP_DIRECTION,
  PROP_REMOTE_URI,
  PROP_REMOTE_DISPLAY_NAME,
  PROP_LOCAL_URI,
  PROP_CALL_ID,
  PROP_REMOTE_HELD,
  PROP_MUTED,
  PROP_CODEC,
  PROP_MEDIA_DIRECTION,
  PROP_AUDIO_SOURCE,
  PROP_AUDIO_SINK,
  PROP_STATS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_STATE_CHANGED,
  SIGNAL_RE_INVITE_RECEIVED,
  SIGNAL_INFO_RECEIVED,
  SIGNAL_DTMF_RECEIVED,
  SIGNAL_MEDIA_FAILED,
  SIGNAL_PLAYBACK_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const state_names[] = {
  [TC_SESSION_STATE_IDLE] = "idle",           [TC_SESSION_STATE_INCOMING] = "incoming",
  [TC_SESSION_STATE_ANSWERING] = "answering", [TC_SESSION_STATE_IN_PROGRESS] = "in-progress",
  [TC_SESSION_STATE_CONNECTED] = "connected", [TC_SESSION_STATE_HOLD] = "hold",
  [TC_SESSION_STATE_REFER] = "refer",         [TC_SESSION_STATE_DISCONNECTED] = "disconnected",
};

const char *
tc_session_state_to_string (TcSessionState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), "unknown");
  return state_names[state];
}

/* ---- options ------------------------------------------------------------ */

void
tc_session_options_clear (TcSessionOptions *options)
{
  g_clear_pointer (&options->headers, g_array_unref);
  g_clear_pointer (&options->codecs, g_array_unref);
  g_clear_pointer (&options->audio_source, g_free);
  g_clear_pointer (&options->audio_sink, g_free);
  g_clear_pointer (&options->subject, g_free);
}

static gboolean
invalid_option (GError **error, const char *key, const char *message)
{
  g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "option '%s': %s", key, message);
  return FALSE;
}

static gboolean
parse_option (TcSessionOptions *options, const char *key, GVariant *value, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (g_str_equal (key, "headers"))
    {
      GVariantIter iter;
      const char *name, *text;

      if (!g_variant_is_of_type (value, G_VARIANT_TYPE ("a(ss)")))
        return invalid_option (error, key, "must be of type a(ss)");
      g_clear_pointer (&options->headers, g_array_unref);
      options->headers = tc_header_pairs_new ();
      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "(&s&s)", &name, &text))
        {
          TcHeaderPair pair = { g_strdup (name), g_strdup (text) };

          g_array_append_val (options->headers, pair);
          if (!tc_header_pair_validate (name, text, error))
            return FALSE;
        }
      return TRUE;
    }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return invalid_option (error, key, "must be of type s");
  if (g_str_equal (key, "codecs"))
    {
      g_clear_pointer (&options->codecs, g_array_unref);
      options->codecs = tc_codec_list_parse (g_variant_get_string (value, NULL), &local);
      return options->codecs ? TRUE : invalid_option (error, key, local->message);
    }
  if (g_str_equal (key, "audio-source"))
    {
      if (!tc_media_check_audio_source (g_variant_get_string (value, NULL), &local))
        return invalid_option (error, key, local->message);
      g_free (options->audio_source);
      options->audio_source = g_variant_dup_string (value, NULL);
      return TRUE;
    }
  if (g_str_equal (key, "audio-sink"))
    {
      if (!tc_media_check_audio_sink (g_variant_get_string (value, NULL), &local))
        return invalid_option (error, key, local->message);
      g_free (options->audio_sink);
      options->audio_sink = g_variant_dup_string (value, NULL);
      return TRUE;
    }
  if (g_str_equal (key, "subject"))
    {
      const char *subject = g_variant_get_string (value, NULL);
      guchar bad = tc_text_find_control (subject);

      if (bad)
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "option 'subject': contains %s",
                       tc_text_control_name (bad));
          return FALSE;
        }
      g_free (options->subject);
      options->subject = g_strdup (subject);
      return TRUE;
    }
  g_return_val_if_reached (FALSE);
}

gboolean
tc_session_options_parse (TcSessionOptions *options, GVariant *dict, const char *const *allowed, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value_out;

  memset (options, 0, sizeof *options);
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value_out))
    {
      g_autoptr (GVariant) value = value_out;

      if (!g_strv_contains (allowed, key))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) allowed);

          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "unknown option '%s' (known: %s)", key, known);
          tc_session_options_clear (options);
          return FALSE;
        }
      if (g_str_equal (key, "cookie"))
        continue; /* the bus layer's */
      if (!parse_option (options, key, value, error))
        {
          tc_session_options_clear (options);
          return FALSE;
        }
    }
  return TRUE;
}

void
tc_session_result_clear (TcSessionResult *result)
{
  g_clear_pointer (&result->reason, g_free);
  g_clear_pointer (&result->details, g_variant_unref);
  result->status = 0;
}

/* ---- state -------------------------------------------------------------- */

char *
tc_session_reason_of (TcSipMessage *message)
{
  TcSipStr reason = tc_sip_message_get_reason (message);

  return reason.str ? g_strndup (reason.str, reason.len) : g_strdup ("");
}

void
tc_session_set_state (TcSession *self, TcSessionState state, guint status, const char *reason, TcSipMessage *message,
                      const char *cause, GVariant *extra)
{
  g_autoptr (GVariant) base = g_variant_ref_sink (tc_details_new (message, cause));
  g_autoptr (GVariant) extra_owned = extra ? g_variant_ref_sink (extra) : NULL;
  g_auto (GVariantDict) dict = G_VARIANT_DICT_INIT (base);
  g_autoptr (GVariant) details = NULL;
  TcSessionState previous = self->state;

  if (previous == TC_SESSION_STATE_DISCONNECTED)
    return; /* the end is reported once */
  if (extra_owned)
    {
      GVariantIter iter;
      const char *key;
      GVariant *value;

      g_variant_iter_init (&iter, extra_owned);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          g_variant_dict_insert_value (&dict, key, value);
          g_variant_unref (value);
        }
    }
  details = g_variant_ref_sink (g_variant_dict_end (&dict));

  self->state = state;
  g_message ("session %s/%u: %s -> %s (%u %s%s%s)", tc_endpoint_get_id (self->endpoint), self->id,
             state_names[previous], state_names[state], status, reason ? reason : "", cause ? ", " : "",
             cause ? cause : "");
  if (state == TC_SESSION_STATE_DISCONNECTED)
    {
      tc_sip_clock_clear_timer (self->clock, &self->glare_timer);
      tc_session_timer_stop (self);
      tc_session_media_stop (self);
      tc_session_dialog_abort_operations (self, "the call ended");
      /* (A BYE waiting for the ACK needs the dialog until it is sent.) */
      if (self->dialog && self->endpoint && !self->bye_after_ack)
        tc_sip_stack_end_dialog (tc_endpoint_get_stack (self->endpoint), self->dialog);
    }
  if (previous != state)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, state_names[state], state_names[previous], status,
                 reason ? reason : "", details);
}

void
tc_session_set_remote_held (TcSession *self, gboolean held)
{
  if (self->remote_held == held)
    return;
  self->remote_held = held;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_HELD]);
}

void
tc_session_add_request_headers (TcSession *self, TcSipMessageBuilder *builder)
{
  const GArray *lists[] = { tc_endpoint_get_additional_headers (self->endpoint), self->additional_headers };

  for (gsize l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] && i < lists[l]->len; i++)
      {
        const TcHeaderPair *pair = &g_array_index (lists[l], TcHeaderPair, i);

        tc_sip_message_builder_add_header (builder, pair->name, pair->value);
      }
}

void
tc_session_send_bye (TcSession *self, const char *reason_header)
{
  TcSipStack *stack = tc_endpoint_get_stack (self->endpoint);
  g_autoptr (GError) error = NULL;
  TcSipMessageBuilder *bye;
  TcSipRequestOptions options;

  if (!self->dialog)
    return;
  bye = tc_sip_dialog_build_request (self->dialog, "BYE", &error);
  if (!bye)
    {
      g_warning ("session %u: cannot build the BYE: %s", self->id, error->message);
      return;
    }
  if (reason_header)
    tc_sip_message_builder_add_header (bye, "Reason", reason_header);
  tc_session_add_request_headers (self, bye);
  tc_sip_request_options_init (&options);
  options.credentials = tc_endpoint_get_credentials (self->endpoint);
  g_clear_pointer (&self->invite, tc_sip_request_unref);
  tc_sip_request_unref (tc_sip_stack_send_request (stack, self->dialog, bye, &options, NULL, NULL, &error));
  if (error)
    g_message ("session %u: BYE not sent: %s", self->id, error->message);
}

/* ---- matching (for the endpoint) ---------------------------------------- */

gboolean
tc_session_matches (TcSession *self, TcSipMessage *message, gboolean from_is_local)
{
  TcSipStr call_id = tc_sip_message_get_call_id (message);
  const TcSipNameAddr *ours = from_is_local ? tc_sip_message_get_from (message) : tc_sip_message_get_to (message);

  return self->call_id && self->local_tag && tc_sip_str_equal (call_id, self->call_id) && ours &&
         tc_sip_str_equal (ours->tag, self->local_tag);
}

gboolean
tc_session_owns_incoming (TcSession *self, TcSipIncoming *invite)
{
  return self->incoming == invite;
}

void
tc_session_handle_cancel (TcSession *self, TcSipMessage *cancel)
{
  /* The stack already answered the INVITE 487. */
  g_clear_pointer (&self->incoming, tc_sip_incoming_unref);
  tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 487, "Request Terminated", cancel, "cancelled", NULL);
}

void
tc_session_handle_ack_timeout (TcSession *self)
{
  /* The stack sent BYE (RFC 3261 §13.3.1.4). */
  if (self->bye_after_ack)
    {
      self->bye_after_ack = FALSE;
      tc_sip_stack_end_dialog (tc_endpoint_get_stack (self->endpoint), self->dialog);
    }
  g_clear_pointer (&self->incoming, tc_sip_incoming_unref);
  tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 408, "Request Timeout", NULL, "no-ack", NULL);
}

void
tc_session_shutdown (TcSession *self)
{
  if (self->bye_after_ack)
    {
      /* No time left to wait for the ACK. */
      self->bye_after_ack = FALSE;
      tc_session_send_bye (self, NULL);
      tc_sip_stack_end_dialog (tc_endpoint_get_stack (self->endpoint), self->dialog);
    }
  if (self->state == TC_SESSION_STATE_DISCONNECTED)
    return;
  if (self->state == TC_SESSION_STATE_INCOMING && self->incoming)
    tc_sip_incoming_respond_status (self->incoming, 480, "Temporarily Unavailable", NULL);
  else if (self->invite && !self->dialog)
    tc_sip_request_abandon (self->invite); /* the stack CANCELs, or BYEs a late 2xx */
  else
    tc_session_send_bye (self, NULL);
  g_clear_pointer (&self->incoming, tc_sip_incoming_unref);
  tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 487, "Request Terminated", NULL, "shutdown", NULL);
}

/* ---- API ------------------------------------------------------------------- */

guint
tc_session_get_id (TcSession *self)
{
  g_return_val_if_fail (TC_IS_SESSION (self), 0);
  return self->id;
}

TcSessionState
tc_session_get_state (TcSession *self)
{
  g_return_val_if_fail (TC_IS_SESSION (self), TC_SESSION_STATE_DISCONNECTED);
  return self->state;
}

gboolean
tc_session_is_outgoing (TcSession *self)
{
  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);
  return self->outgoing;
}

const char *
tc_session_get_remote_uri (TcSession *self)
{
  g_return_val_if_fail (TC_IS_SESSION (self), NULL);
  return self->remote_uri;
}

const char *
tc_session_get_call_id (TcSession *self)
{
  g_return_val_if_fail (TC_IS_SESSION (self), NULL);
  return self->call_id;
}

gboolean
tc_session_get_remote_held (TcSession *self)
{
  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);
  return self->remote_held;
}

static gboolean
wrong_state (TcSession *self, const char *what, GError **error)
{
  g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_STATE, "cannot %s: the session is %s", what,
               state_names[self->state]);
  return FALSE;
}

gboolean
tc_session_accept (TcSession *self, const TcSessionOptions *options, GError **error)
{
  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  if (self->state != TC_SESSION_STATE_INCOMING)
    return wrong_state (self, "accept", error);
  return tc_session_invite_accept (self, options, error);
}

gboolean
tc_session_reject (TcSession *self, guint status, const char *reason, GError **error)
{
  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  if (status < 300 || status > 699)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "status %u is not a final error status (300..699)",
                   status);
      return FALSE;
    }
  if (reason && tc_text_find_control (reason))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "the reason phrase contains %s",
                   tc_text_control_name (tc_text_find_control (reason)));
      return FALSE;
    }
  if (self->state != TC_SESSION_STATE_INCOMING)
    return wrong_state (self, "reject", error);
  return tc_session_invite_reject (self, status, reason, error);
}

gboolean
tc_session_terminate (TcSession *self, GError **error)
{
  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  switch (self->state)
    {
    case TC_SESSION_STATE_DISCONNECTED:
      return TRUE;
    case TC_SESSION_STATE_INCOMING:
      return tc_session_invite_reject (self, 480, "Temporarily Unavailable", error);
    case TC_SESSION_STATE_ANSWERING:
      /* Our 2xx is not ACKed yet: the callee must not send BYE before the
       * ACK (or the 2xx's retransmissions giving up: the stack then sends
       * it).  The call ends for the client now. */
      self->bye_after_ack = TRUE;
      tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 0, "Terminated", NULL, "local-bye", NULL);
      return TRUE;
    case TC_SESSION_STATE_IDLE:
    case TC_SESSION_STATE_IN_PROGRESS:
      if (!self->dialog)
        {
          tc_session_invite_cancel (self);
          return TRUE;
        }
      break;
    default:
      break;
    }
  tc_session_send_bye (self, NULL);
  tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 0, "Terminated", NULL, "local-bye", NULL);
  return TRUE;
}

gboolean
tc_session_set_additional_headers (TcSession *self, const GArray *headers, GError **error)
{
  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  for (guint i = 0; headers && i < headers->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (headers, TcHeaderPair, i);

      if (!tc_header_pair_validate (pair->name, pair->value, error))
        return FALSE;
    }
  g_clear_pointer (&self->additional_headers, g_array_unref);
  self->additional_headers = tc_header_pairs_copy (headers);
  return TRUE;
}

static gboolean
check_media (TcSession *self, GError **error)
{
  if (self->state == TC_SESSION_STATE_DISCONNECTED || !self->media || !self->media_started)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_STATE, "the session has no media %s",
                   self->state == TC_SESSION_STATE_DISCONNECTED ? "any more" : "yet");
      return FALSE;
    }
  return TRUE;
}

/* Media errors on client input are InvalidArgs; the rest Failed. */
static gboolean
media_result (gboolean ok, GError *media_error, GError **error)
{
  if (ok)
    return TRUE;
  g_set_error_literal (
    error, TC_CORE_ERROR,
    g_error_matches (media_error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT) ? TC_CORE_ERROR_INVALID_ARGS
    : g_error_matches (media_error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY)      ? TC_CORE_ERROR_INVALID_STATE
                                                                                   : TC_CORE_ERROR_FAILED,
    media_error ? media_error->message : "media failure");
  g_clear_error (&media_error);
  return FALSE;
}

gboolean
tc_session_send_dtmf (TcSession *self, const char *digits, guint duration_ms, GError **error)
{
  GError *local = NULL;

  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  if (!*digits || strspn (digits, "0123456789*#ABCDabcd") != strlen (digits))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "\"%s\" is not a DTMF digit string (0-9 * # A-D)",
                   digits);
      return FALSE;
    }
  if (duration_ms < 40 || duration_ms > 5000)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "duration %u ms is outside 40..5000", duration_ms);
      return FALSE;
    }
  if (!check_media (self, error))
    return FALSE;
  if (!tc_call_media_send_dtmf (self->media, digits, duration_ms, &local))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_SUPPORTED, "%s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

gboolean
tc_session_play_file (TcSession *self, const char *path, GError **error)
{
  GError *local = NULL;

  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  if (!g_path_is_absolute (path))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "\"%s\" is not an absolute path", path);
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_FOUND, "no file \"%s\"", path);
      return FALSE;
    }
  if (!check_media (self, error))
    return FALSE;
  return media_result (tc_call_media_play_file (self->media, path, &local), local, error);
}

gboolean
tc_session_record (TcSession *self, const char *path, gboolean both_directions, GError **error)
{
  GError *local = NULL;

  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  if (!g_path_is_absolute (path))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "\"%s\" is not an absolute path", path);
      return FALSE;
    }
  if (!check_media (self, error))
    return FALSE;
  return media_result (tc_call_media_record (self->media, path, both_directions, &local), local, error);
}

gboolean
tc_session_stop_recording (TcSession *self, GError **error)
{
  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  if (!check_media (self, error))
    return FALSE;
  tc_call_media_stop_recording (self->media);
  return TRUE;
}

gboolean
tc_session_set_muted (TcSession *self, gboolean muted, GError **error)
{
  g_return_val_if_fail (TC_IS_SESSION (self), FALSE);

  if (self->state == TC_SESSION_STATE_DISCONNECTED)
    return wrong_state (self, "mute", error);
  if (self->muted == muted)
    return TRUE;
  self->muted = muted;
  if (self->media)
    tc_call_media_set_muted (self->media, muted);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
  return TRUE;
}

/* ---- media events --------------------------------------------------------- */

void
tc_session_emit_dtmf (TcSession *self, const char *digit, guint duration_ms)
{
  g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, digit, duration_ms);
}

void
tc_session_emit_media_failed (TcSession *self, const char *cause, const char *message)
{
  g_signal_emit (self, signals[SIGNAL_MEDIA_FAILED], 0, cause, message);
}

void
tc_session_emit_playback_finished (TcSession *self, const char *path, const char *error)
{
  g_signal_emit (self, signals[SIGNAL_PLAYBACK_FINISHED], 0, path, error);
}

void
tc_session_notify_media (TcSession *self, gboolean stats_only)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS]);
  if (stats_only)
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODEC]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEDIA_DIRECTION]);
}

void
tc_session_emit_re_invite (TcSession *self, TcSipMessage *request)
{
  g_signal_emit (self, signals[SIGNAL_RE_INVITE_RECEIVED], 0, tc_details_new (request, NULL));
}

void
tc_session_emit_info (TcSession *self, const char *content_type, GBytes *body, TcSipMessage *request)
{
  g_signal_emit (self, signals[SIGNAL_INFO_RECEIVED], 0, content_type, body, tc_details_new (request, NULL));
}

/* ---- GObject ------------------------------------------------------------- */

static void
tc_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcSession *self = TC_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint (value, self->id);
      break;
    case PROP_STATE:
      g_value_set_string (value, state_names[self->state]);
      break;
    case PROP_DIRECTION:
      g_value_set_string (value, self->outgoing ? "outgoing" : "incoming");
      break;
    case PROP_REMOTE_URI:
      g_value_set_string (value, self->remote_uri ? self->remote_uri : "");
      break;
    case PROP_REMOTE_DISPLAY_NAME:
      g_value_set_string (value, self->remote_display_name ? self->remote_display_name : "");
      break;
    case PROP_LOCAL_URI:
      g_value_set_string (value, self->local_uri ? self->local_uri : "");
      break;
    case PROP_CALL_ID:
      g_value_set_string (value, self->call_id ? self->call_id : "");
      break;
    case PROP_REMOTE_HELD:
      g_value_set_boolean (value, self->remote_held);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_CODEC:
      g_value_set_string (value, self->have_params ? tc_codec_get_info (self->params.send.codec)->nick : "");
      break;
    case PROP_MEDIA_DIRECTION:
      g_value_set_string (
        value, tc_media_direction_to_string (self->have_params ? self->params.direction : TC_MEDIA_DIRECTION_INACTIVE));
      break;
    case PROP_AUDIO_SOURCE:
      g_value_set_string (value, self->policy.audio_source);
      break;
    case PROP_AUDIO_SINK:
      g_value_set_string (value, self->policy.audio_sink);
      break;
    case PROP_STATS:
      g_value_take_variant (value, self->media ? tc_call_media_get_stats (self->media)
                                               : g_variant_ref_sink (g_variant_new ("a{sv}", NULL)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_session_dispose (GObject *object)
{
  TcSession *self = TC_SESSION (object);

  if (self->clock)
    tc_sip_clock_clear_timer (self->clock, &self->glare_timer);
  tc_session_timer_stop (self);
  tc_session_media_stop (self);
  if (self->invite)
    tc_sip_request_abandon (self->invite);
  g_clear_pointer (&self->invite, tc_sip_request_unref);
  if (self->reinvite)
    tc_sip_request_abandon (self->reinvite);
  g_clear_pointer (&self->reinvite, tc_sip_request_unref);
  g_clear_pointer (&self->incoming, tc_sip_incoming_unref);
  g_clear_object (&self->media);

  G_OBJECT_CLASS (tc_session_parent_class)->dispose (object);
}

static void
tc_session_finalize (GObject *object)
{
  TcSession *self = TC_SESSION (object);

  g_clear_pointer (&self->invite_builder, tc_sip_message_builder_free);
  g_clear_pointer (&self->sdp, tc_sdp_session_free);
  g_clear_pointer (&self->clock, tc_sip_clock_unref);
  if (self->have_params)
    tc_media_params_clear (&self->params);
  g_clear_pointer (&self->dialog, tc_sip_dialog_unref);
  g_clear_pointer (&self->early_answers, g_hash_table_unref);
  g_clear_pointer (&self->operations, g_ptr_array_unref);
  g_clear_pointer (&self->call_headers, g_array_unref);
  g_clear_pointer (&self->additional_headers, g_array_unref);
  tc_media_policy_clear (&self->policy);
  g_free (self->subject);
  g_free (self->pending_answer);
  g_free (self->answered_tag);
  g_free (self->remote_uri);
  g_free (self->remote_display_name);
  g_free (self->local_uri);
  g_free (self->call_id);
  g_free (self->local_tag);

  G_OBJECT_CLASS (tc_session_parent_class)->finalize (object);
}

static void
tc_session_class_init (TcSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tc_session_get_property;
  object_class->dispose = tc_session_dispose;
  object_class->finalize = tc_session_finalize;

  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, "idle", flags);
  properties[PROP_DIRECTION] = g_param_spec_string ("direction", NULL, NULL, "outgoing", flags);
  properties[PROP_REMOTE_URI] = g_param_spec_string ("remote-uri", NULL, NULL, "", flags);
  properties[PROP_REMOTE_DISPLAY_NAME] = g_param_spec_string ("remote-display-name", NULL, NULL, "", flags);
  properties[PROP_LOCAL_URI] = g_param_spec_string ("local-uri", NULL, NULL, "", flags);
  properties[PROP_CALL_ID] = g_param_spec_string ("call-id", NULL, NULL, "", flags);
  properties[PROP_REMOTE_HELD] = g_param_spec_boolean ("remote-held", NULL, NULL, FALSE, flags);
  properties[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE, flags);
  properties[PROP_CODEC] = g_param_spec_string ("codec", NULL, NULL, "", flags);
  properties[PROP_MEDIA_DIRECTION] = g_param_spec_string ("media-direction", NULL, NULL, "inactive", flags);
  properties[PROP_AUDIO_SOURCE] = g_param_spec_string ("audio-source", NULL, NULL, "auto", flags);
  properties[PROP_AUDIO_SINK] = g_param_spec_string ("audio-sink", NULL, NULL, "auto", flags);
  properties[PROP_STATS] = g_param_spec_variant ("stats", NULL, NULL, G_VARIANT_TYPE_VARDICT, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[SIGNAL_RE_INVITE_RECEIVED] = g_signal_new ("re-invite-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);
  signals[SIGNAL_INFO_RECEIVED] =
    g_signal_new ("info-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_BYTES, G_TYPE_VARIANT);
  signals[SIGNAL_DTMF_RECEIVED] = g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
  signals[SIGNAL_MEDIA_FAILED] = g_signal_new ("media-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                               NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_PLAYBACK_FINISHED] = g_signal_new ("playback-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
tc_session_init (TcSession *self)
{
  self->state = TC_SESSION_STATE_IDLE;
  self->operations = g_ptr_array_new_with_free_func (g_object_unref);
  self->early_answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
