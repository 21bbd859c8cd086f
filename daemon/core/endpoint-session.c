/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-session.c — an endpoint's calls: Call(), incoming INVITEs and
 * the incoming call policy, requests routed to the session whose dialog
 * they are in, and the end of sessions.
 *
 * Incoming call policy ("incoming-call-policy"): ring (the default: 180,
 * then the client decides), auto-answer (after "auto-answer-delay" ms),
 * busy (486 Busy Here: do-not-disturb; no session is created) and
 * forward (302 Moved Temporarily to "forward-to").
 *
 * A disconnected session stays, read-only, for SESSION_LINGER_MS so that
 * a client can still read it, then it is dropped ("session-removed").
 */
#include "core/session-private.h"

#include "core/core-error.h"
#include "core/details.h"

#define SESSION_LINGER_MS 5000

struct _TcEndpointSessions {
  TcEndpoint *endpoint;   /* borrowed: owns us */
  GHashTable *sessions;   /* id -> TcSession */
  GHashTable *by_call_id; /* Call-ID (borrowed from the session) -> TcSession (borrowed), for routing */
  GHashTable *timers;     /* TcSession -> its linger or auto-answer TimerData (owned) */
  guint next_id;
  TcMediaPolicy policy;
  gboolean policy_ready;
};

enum {
  SIGNAL_SESSION_ADDED,
  SIGNAL_SESSION_REMOVED,
  SIGNAL_INCOMING_SESSION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
tc_endpoint_session_class_init (GObjectClass *klass)
{
  signals[SIGNAL_SESSION_ADDED] = g_signal_new ("session-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 1, TC_TYPE_SESSION);
  signals[SIGNAL_SESSION_REMOVED] = g_signal_new ("session-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                  NULL, NULL, NULL, G_TYPE_NONE, 1, TC_TYPE_SESSION);
  signals[SIGNAL_INCOMING_SESSION] = g_signal_new ("incoming-session", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                   NULL, NULL, NULL, G_TYPE_NONE, 2, TC_TYPE_SESSION, G_TYPE_VARIANT);
}

TcEndpointSessions *
tc_endpoint_sessions_new (TcEndpoint *endpoint)
{
  TcEndpointSessions *sessions = g_new0 (TcEndpointSessions, 1);

  sessions->endpoint = endpoint;
  sessions->sessions = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  sessions->by_call_id = g_hash_table_new (g_str_hash, g_str_equal);
  sessions->timers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  sessions->next_id = 1;
  return sessions;
}

/* The endpoint's sessions data, made at its first call (sessions_of), or
 * NULL before it (peek_sessions: lookups find nothing then). */
static TcEndpointSessions *
sessions_of (TcEndpoint *endpoint)
{
  return tc_endpoint_get_sessions_data (endpoint);
}

static TcEndpointSessions *
peek_sessions (TcEndpoint *endpoint)
{
  return tc_endpoint_peek_sessions_data (endpoint);
}

/* A session's linger or auto-answer timer, on the stack's clock. */
typedef struct {
  TcEndpointSessions *sessions;
  TcSession *session;
  guint id;
} TimerData;

static TcSipClock *
clock_of (TcEndpointSessions *sessions)
{
  return tc_sip_stack_get_clock (tc_endpoint_get_stack (sessions->endpoint));
}

void
tc_endpoint_sessions_free (TcEndpointSessions *sessions)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, sessions->timers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    tc_sip_clock_cancel (clock_of (sessions), ((TimerData *) value)->id);
  g_hash_table_unref (sessions->timers);
  g_hash_table_iter_init (&iter, sessions->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_signal_handlers_disconnect_by_data (value, sessions);
      tc_session_shutdown (value);
    }
  g_hash_table_unref (sessions->by_call_id);
  g_hash_table_unref (sessions->sessions);
  if (sessions->policy_ready)
    tc_media_policy_clear (&sessions->policy);
  g_free (sessions);
}

const TcMediaPolicy *
tc_endpoint_get_media_policy (TcEndpoint *self)
{
  TcEndpointSessions *sessions = sessions_of (self);
  const TcEndpointSettings *settings = tc_endpoint_get_settings (self);
  TcMediaPolicy *policy = &sessions->policy;

  if (sessions->policy_ready)
    return policy;
  tc_media_policy_init (policy);
  if (settings->codecs)
    {
      g_array_unref (policy->codecs);
      policy->codecs = tc_codec_list_parse (settings->codecs, NULL); /* checked by settings.c */
    }
  if (settings->audio_source)
    {
      g_free (policy->audio_source);
      policy->audio_source = g_strdup (settings->audio_source);
    }
  if (settings->audio_sink)
    {
      g_free (policy->audio_sink);
      policy->audio_sink = g_strdup (settings->audio_sink);
    }
  policy->ptime = settings->ptime;
  policy->rtp_timeout_s = settings->rtp_timeout;
  policy->jitter_ms = settings->jitter_buffer;
  sessions->policy_ready = TRUE;
  return policy;
}

GPtrArray *
tc_endpoint_get_sessions (TcEndpoint *self)
{
  TcEndpointSessions *sessions = peek_sessions (self);
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  if (!sessions)
    return list;
  g_hash_table_iter_init (&iter, sessions->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, g_object_ref (value));
  return list;
}

/* ---- lifetime ------------------------------------------------------------ */

static void
timer_forget (TcEndpointSessions *sessions, TcSession *session)
{
  TimerData *data = g_hash_table_lookup (sessions->timers, session);

  if (!data)
    return;
  tc_sip_clock_cancel (clock_of (sessions), data->id);
  g_hash_table_remove (sessions->timers, session);
}

/* Replaces the timer of @session with @func in @delay_ms. */
static void
timer_start (TcEndpointSessions *sessions, TcSession *session, guint delay_ms, TcSipClockFunc func)
{
  TimerData *data = g_new0 (TimerData, 1);

  timer_forget (sessions, session);
  data->sessions = sessions;
  data->session = session;
  data->id = tc_sip_clock_add_timer (clock_of (sessions), (gint64) delay_ms * 1000, func, data);
  g_hash_table_insert (sessions->timers, session, data);
}

static void
on_linger_done (gpointer user_data)
{
  TimerData *data = user_data;
  TcEndpointSessions *sessions = data->sessions;
  g_autoptr (TcSession) session = g_object_ref (data->session);

  if (session->bye_after_ack)
    {
      /* Its BYE waits for the ACK or the ACK timeout (at most 64*T1):
       * the session stays to send it. */
      timer_start (sessions, session, SESSION_LINGER_MS, on_linger_done);
      return;
    }
  g_hash_table_remove (sessions->timers, session); /* frees data */
  g_signal_handlers_disconnect_by_data (session, sessions);
  if (g_hash_table_lookup (sessions->by_call_id, tc_session_get_call_id (session)) == session)
    g_hash_table_remove (sessions->by_call_id, tc_session_get_call_id (session));
  g_hash_table_remove (sessions->sessions, GUINT_TO_POINTER (tc_session_get_id (session)));
  g_signal_emit (sessions->endpoint, signals[SIGNAL_SESSION_REMOVED], 0, session);
}

static void
on_session_state_changed (TcSession *session, const char *state, const char *previous, guint status, const char *reason,
                          GVariant *details, TcEndpointSessions *sessions)
{
  if (tc_session_get_state (session) != TC_SESSION_STATE_DISCONNECTED)
    return;
  timer_start (sessions, session, SESSION_LINGER_MS, on_linger_done);
}

static void
add_session (TcEndpointSessions *sessions, TcSession *session)
{
  g_hash_table_insert (sessions->sessions, GUINT_TO_POINTER (tc_session_get_id (session)), session);
  if (tc_session_get_call_id (session))
    g_hash_table_insert (sessions->by_call_id, (gpointer) tc_session_get_call_id (session), session);
  g_signal_connect (session, "state-changed", G_CALLBACK (on_session_state_changed), sessions);
  g_signal_emit (sessions->endpoint, signals[SIGNAL_SESSION_ADDED], 0, session);
}

/* ---- outgoing ------------------------------------------------------------ */

TcSession *
tc_endpoint_call (TcEndpoint *self, const char *target, const TcSessionOptions *options, GError **error)
{
  TcEndpointSessions *sessions;
  g_autoptr (TcSession) session = NULL;

  g_return_val_if_fail (TC_IS_ENDPOINT (self), NULL);

  if (tc_endpoint_is_shut_down (self))
    {
      g_set_error_literal (error, TC_CORE_ERROR, TC_CORE_ERROR_ABORTED, "the endpoint is going away");
      return NULL;
    }
  sessions = sessions_of (self);
  session = tc_session_new_outgoing (self, sessions->next_id, target, options, error);
  if (!session)
    return NULL;
  sessions->next_id++;
  add_session (sessions, g_object_ref (session));
  if (!tc_session_invite_start (session, error))
    {
      tc_session_set_state (session, TC_SESSION_STATE_DISCONNECTED, 0, "Not Sent", NULL, "invalid-request", NULL);
      return NULL;
    }
  return g_steal_pointer (&session);
}

/* ---- incoming ------------------------------------------------------------ */

static void
on_auto_answer (gpointer user_data)
{
  TimerData *data = user_data;
  g_autoptr (TcSession) session = g_object_ref (data->session);
  g_autoptr (GError) error = NULL;

  g_hash_table_remove (data->sessions->timers, session); /* frees data */
  if (tc_session_get_state (session) == TC_SESSION_STATE_INCOMING && !tc_session_accept (session, NULL, &error))
    g_message ("session %u: auto-answer failed: %s", tc_session_get_id (session), error->message);
}

static void
handle_invite (TcEndpoint *self, TcSipIncoming *incoming)
{
  TcEndpointSessions *sessions;
  const TcEndpointSettings *settings = tc_endpoint_get_settings (self);
  const char *policy = settings->incoming_call_policy ? settings->incoming_call_policy : "ring";
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  TcSession *session;

  if (tc_endpoint_is_shut_down (self))
    {
      tc_sip_incoming_respond_status (incoming, 480, "Temporarily Unavailable", NULL);
      return;
    }
  if (g_str_equal (policy, "busy"))
    {
      g_message ("endpoint %s: incoming call answered 486 (incoming-call-policy busy)", tc_endpoint_get_id (self));
      tc_sip_incoming_respond_status (incoming, 486, "Busy Here", NULL);
      return;
    }
  if (g_str_equal (policy, "forward"))
    {
      TcSipMessageBuilder *response = tc_sip_incoming_new_response (incoming, 302, "Moved Temporarily", NULL);

      g_message ("endpoint %s: incoming call forwarded to %s", tc_endpoint_get_id (self), settings->forward_to);
      tc_sip_message_builder_add_header_printf (response, "Contact", "<%s>", settings->forward_to);
      tc_sip_incoming_respond (incoming, response, NULL);
      return;
    }

  /* 100 now: the first call of the daemon initialises GStreamer, which
   * may hold the main loop past the transaction's own 200 ms. */
  tc_sip_incoming_respond_status (incoming, 100, "Trying", NULL);
  sessions = sessions_of (self);
  session = tc_session_new_incoming (self, sessions->next_id, incoming);
  if (!session)
    return; /* answered with the reason */
  sessions->next_id++;
  add_session (sessions, session);
  g_signal_emit (self, signals[SIGNAL_INCOMING_SESSION], 0, session, tc_details_new (request, NULL));

  if (g_str_equal (policy, "auto-answer") && tc_session_get_state (session) == TC_SESSION_STATE_INCOMING)
    timer_start (sessions, session, settings->auto_answer_delay, on_auto_answer);
}

static TcSession *
find_session (TcEndpointSessions *sessions, TcSipMessage *message, gboolean from_is_local)
{
  TcSipStr call_id = tc_sip_message_get_call_id (message);
  g_autofree char *key = NULL;
  TcSession *session;
  GHashTableIter iter;
  gpointer value;

  if (!sessions)
    return NULL; /* the endpoint never had a call */
  key = g_strndup (call_id.str, call_id.len);
  session = g_hash_table_lookup (sessions->by_call_id, key);
  if (session && tc_session_matches (session, message, from_is_local))
    return session;
  /* Another session with the same Call-ID (a call to ourselves, or one
   * that came back): look through them all. */
  g_hash_table_iter_init (&iter, sessions->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (tc_session_matches (value, message, from_is_local))
      return value;
  return NULL;
}

void
tc_endpoint_session_handle_request (TcEndpoint *self, TcSipIncoming *incoming)
{
  TcEndpointSessions *sessions = peek_sessions (self);
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  TcSession *session;

  if (!tc_sip_incoming_get_dialog (incoming))
    {
      if (tc_sip_message_get_method (request) == TC_SIP_METHOD_INVITE)
        handle_invite (self, incoming);
      else
        tc_sip_incoming_respond_status (incoming, 481, "Call/Transaction Does Not Exist", NULL);
      return;
    }
  session = find_session (sessions, request, FALSE);
  if (!session)
    {
      tc_sip_incoming_respond_status (incoming, 481, "Call/Transaction Does Not Exist", NULL);
      return;
    }
  tc_session_dialog_request (g_object_ref (session), incoming);
  g_object_unref (session);
}

gboolean
tc_endpoint_session_handle_ack (TcEndpoint *self, TcSipMessage *ack)
{
  TcSession *session = find_session (peek_sessions (self), ack, FALSE);

  if (!session)
    return FALSE;
  g_object_ref (session);
  tc_session_dialog_ack (session, ack);
  g_object_unref (session);
  return TRUE;
}

gboolean
tc_endpoint_session_handle_cancel (TcEndpoint *self, TcSipIncoming *invite, TcSipMessage *cancel)
{
  TcEndpointSessions *sessions = peek_sessions (self);
  GHashTableIter iter;
  gpointer value;

  if (!sessions)
    return FALSE;
  g_hash_table_iter_init (&iter, sessions->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (tc_session_owns_incoming (value, invite))
      {
        g_autoptr (TcSession) session = g_object_ref (value);

        timer_forget (sessions, session);
        tc_session_handle_cancel (session, cancel);
        return TRUE;
      }
  return FALSE;
}

gboolean
tc_endpoint_session_handle_ack_timeout (TcEndpoint *self, TcSipDialog *dialog)
{
  TcEndpointSessions *sessions = peek_sessions (self);
  GHashTableIter iter;
  gpointer value;

  if (!sessions)
    return FALSE;
  g_hash_table_iter_init (&iter, sessions->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TcSession *session = value;

      if (session->dialog &&
          g_strcmp0 (tc_sip_dialog_get_call_id (session->dialog), tc_sip_dialog_get_call_id (dialog)) == 0 &&
          g_strcmp0 (tc_sip_dialog_get_local_tag (session->dialog), tc_sip_dialog_get_local_tag (dialog)) == 0)
        {
          g_autoptr (TcSession) owned = g_object_ref (session);

          tc_session_handle_ack_timeout (owned);
          return TRUE;
        }
    }
  return FALSE;
}

void
tc_endpoint_sessions_shutdown (TcEndpoint *self)
{
  g_autoptr (GPtrArray) list = tc_endpoint_get_sessions (self);

  for (guint i = 0; i < list->len; i++)
    tc_session_shutdown (list->pdata[i]);
}

guint
tc_endpoint_count_sessions (TcEndpoint *self)
{
  TcEndpointSessions *sessions = peek_sessions (self);

  return sessions ? g_hash_table_size (sessions->sessions) : 0;
}
