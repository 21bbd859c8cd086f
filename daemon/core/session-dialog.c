/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session-dialog.c — requests inside a session's dialog.
 *
 * Received: BYE ends the call; a re-INVITE or UPDATE with an offer is
 * answered (488 with a Warning, the session unchanged, when we cannot
 * accept it), the media follow and a hold by the far end shows in
 * "remote-held" (RFC 3264 §8.4: its sendonly or inactive); a re-INVITE
 * without an offer gets ours in the 2xx and its answer in the ACK.  A
 * re-INVITE that crosses one of ours is 491 (RFC 3261 §14.2).  INFO (RFC
 * 6086) of any content type is "info-received"; application/dtmf-relay
 * is also read as a DTMF digit.
 *
 * Sent: Hold/Resume as a re-INVITE with our new direction; 491 is retried
 * after the §14.1 back-off (2.1–4 s when we own the Call-ID, else 0–2 s);
 * 481 or 408 to it ends the call (RFC 5057 §5.2).  INFO with any body.
 */
#include "core/session-private.h"

#include "core/core-error.h"
#include "core/details.h"
#include "sip/sip-error.h"

#define ALLOW_IN_DIALOG "INVITE, ACK, CANCEL, BYE, INFO, UPDATE, OPTIONS, MESSAGE"

/* ---- received --------------------------------------------------------------- */

static void
respond_with_sdp (TcSipIncoming *incoming, TcSession *self, const char *sdp)
{
  TcSipMessageBuilder *response =
    tc_sip_incoming_new_response (incoming, 200, NULL, tc_endpoint_get_contact_user (self->endpoint));

  tc_sip_message_builder_add_header (response, "Allow", ALLOW_IN_DIALOG);
  tc_sip_message_builder_add_header (response, "Supported", "timer");
  tc_session_timer_answer (self, tc_sip_incoming_get_request (incoming), response);
  if (sdp)
    tc_sip_message_builder_set_body (response, "application/sdp", sdp, strlen (sdp));
  tc_sip_incoming_respond (incoming, response, NULL);
}

static void
respond_488 (TcSession *self, TcSipIncoming *incoming, const GError *error)
{
  TcSipMessageBuilder *response = tc_sip_incoming_new_response (incoming, 488, "Not Acceptable Here", NULL);
  g_autofree char *warning = tc_session_media_warning (self, error);

  tc_sip_message_builder_add_header (response, "Warning", warning);
  tc_sip_incoming_respond (incoming, response, NULL);
}

/* A re-INVITE or UPDATE (@is_invite FALSE) in the dialog. */
static void
handle_offer_request (TcSession *self, TcSipIncoming *incoming, gboolean is_invite)
{
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;

  /* §14.2: an INVITE while ours is in progress; RFC 3311 §5.2: an offer
   * while one of ours waits for its answer (a re-INVITE of ours, or a
   * session refresh). */
  if ((is_invite && (self->reinvite || (self->timer_request && self->timer_request_invite))) ||
      (tc_session_message_has_sdp (request) && self->sdp && tc_sdp_session_has_pending_offer (self->sdp)))
    {
      tc_sip_incoming_respond_status (incoming, 491, "Request Pending", NULL);
      return;
    }
  if (self->state != TC_SESSION_STATE_CONNECTED && self->state != TC_SESSION_STATE_HOLD &&
      self->state != TC_SESSION_STATE_ANSWERING)
    {
      TcSipMessageBuilder *response = tc_sip_incoming_new_response (incoming, 500, "Session Not Established", NULL);

      tc_sip_message_builder_add_header (response, "Retry-After", "1");
      tc_sip_incoming_respond (incoming, response, NULL);
      return;
    }
  if (!tc_session_timer_check_request (self, incoming))
    return;
  if (tc_session_message_has_sdp (request))
    {
      TcSipStr body = tc_sip_message_get_body (request);

      answer = tc_session_media_offer_received (self, body.str, body.len, &error);
      if (!answer)
        {
          g_message ("session %u: re-offer refused: %s", self->id, error->message);
          respond_488 (self, incoming, error);
          return;
        }
      respond_with_sdp (incoming, self, answer);
      if (!tc_session_media_apply (self, &error))
        g_message ("session %u: media not updated: %s", self->id, error->message);
    }
  else if (is_invite)
    {
      /* Offerless re-INVITE: our offer now, the answer in the ACK. */
      g_autofree char *offer = tc_session_media_offer (self, tc_session_media_local_direction (self));

      self->delayed_offer = TRUE;
      respond_with_sdp (incoming, self, offer);
    }
  else
    respond_with_sdp (incoming, self, NULL); /* an UPDATE refreshing the session */
  if (is_invite)
    tc_session_emit_re_invite (self, request);
}

/* "Signal=5\r\nDuration=160" (application/dtmf-relay, as SIP phones send it). */
static void
read_dtmf_relay (TcSession *self, TcSipStr body)
{
  g_autofree char *text = g_strndup (body.str, body.len);
  g_auto (GStrv) lines = g_strsplit_set (text, "\r\n", -1);
  char digit[2] = { 0, 0 };
  guint64 duration = 250;

  for (guint i = 0; lines[i]; i++)
    {
      char *eq = strchr (lines[i], '=');

      if (!eq)
        continue;
      *eq = '\0';
      g_strstrip (lines[i]);
      g_strstrip (eq + 1);
      if (g_ascii_strcasecmp (lines[i], "Signal") == 0 && strlen (eq + 1) == 1 &&
          strchr ("0123456789*#ABCDabcd", eq[1]))
        digit[0] = g_ascii_toupper (eq[1]);
      else if (g_ascii_strcasecmp (lines[i], "Duration") == 0)
        g_ascii_string_to_unsigned (eq + 1, 10, 0, 60000, &duration, NULL);
    }
  if (digit[0])
    tc_session_emit_dtmf (self, digit, (guint) duration);
}

static void
handle_info (TcSession *self, TcSipIncoming *incoming)
{
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  TcSipStr type = tc_sip_message_get_header_value (request, "Content-Type");
  TcSipStr body = tc_sip_message_get_body (request);
  g_autofree char *type_text = type.str ? g_strndup (type.str, type.len) : g_strdup ("");
  g_autoptr (GBytes) bytes = g_bytes_new (body.str, body.len);

  if (body.len > 0 && !type.str)
    {
      tc_sip_incoming_respond_status (incoming, 400, "Body Without Content-Type", NULL);
      return;
    }
  tc_sip_incoming_respond_status (incoming, 200, NULL, NULL);
  tc_session_emit_info (self, type_text, bytes, request);
  if (g_str_has_prefix (type_text, "application/dtmf-relay"))
    read_dtmf_relay (self, body);
}

void
tc_session_dialog_request (TcSession *self, TcSipIncoming *incoming)
{
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);

  if (self->state == TC_SESSION_STATE_DISCONNECTED)
    {
      tc_sip_incoming_respond_status (incoming, 481, "Call/Transaction Does Not Exist", NULL);
      return;
    }
  switch (tc_sip_message_get_method (request))
    {
    case TC_SIP_METHOD_BYE:
      tc_sip_incoming_respond_status (incoming, 200, NULL, NULL);
      if (self->incoming && !tc_sip_incoming_is_answered (self->incoming))
        tc_sip_incoming_respond_status (self->incoming, 487, "Request Terminated", NULL);
      g_clear_pointer (&self->incoming, tc_sip_incoming_unref);
      if (self->invite)
        tc_sip_request_abandon (self->invite);
      tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 0, "BYE", request, "remote-bye", NULL);
      return;
    case TC_SIP_METHOD_INVITE:
      handle_offer_request (self, incoming, TRUE);
      return;
    case TC_SIP_METHOD_UPDATE:
      handle_offer_request (self, incoming, FALSE);
      return;
    case TC_SIP_METHOD_INFO:
      handle_info (self, incoming);
      return;
    default:
      {
        TcSipMessageBuilder *response =
          tc_sip_incoming_new_response (incoming, 405, "Method Not Allowed In This Dialog", NULL);

        tc_sip_message_builder_add_header (response, "Allow", ALLOW_IN_DIALOG);
        tc_sip_incoming_respond (incoming, response, NULL);
        return;
      }
    }
}

void
tc_session_dialog_ack (TcSession *self, TcSipMessage *ack)
{
  g_autoptr (GError) error = NULL;

  if (self->bye_after_ack)
    {
      /* Terminated while answering: the dialog is confirmed, now end it. */
      self->bye_after_ack = FALSE;
      g_clear_pointer (&self->incoming, tc_sip_incoming_unref);
      tc_session_send_bye (self, NULL);
      tc_sip_stack_end_dialog (tc_endpoint_get_stack (self->endpoint), self->dialog);
      return;
    }
  if (self->state == TC_SESSION_STATE_ANSWERING)
    {
      tc_session_invite_acked (self, ack);
      return;
    }
  if (!self->delayed_offer)
    return;
  self->delayed_offer = FALSE;
  if (tc_session_message_has_sdp (ack))
    {
      TcSipStr body = tc_sip_message_get_body (ack);

      if (tc_session_media_answer_received (self, body.str, body.len, &error))
        return;
    }
  g_message ("session %u: no usable answer in the ACK of a re-INVITE, ending the call", self->id);
  tc_session_send_bye (self, "SIP;cause=488;text=\"no usable SDP answer in the ACK\"");
  tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 488, "Not Acceptable Here", ack, "media", NULL);
}

/* ---- sent: operations ------------------------------------------------------- */

typedef struct {
  TcSession *session; /* borrowed: the session ends its operations before it goes */
  TcSipRequest *request;
  TcSessionResult result;
  gboolean done;
} Operation;

static void
operation_free (Operation *op)
{
  if (op->request)
    tc_sip_request_abandon (op->request);
  g_clear_pointer (&op->request, tc_sip_request_unref);
  tc_session_result_clear (&op->result);
  g_free (op);
}

static void
operation_set_result (Operation *op, guint status, const char *reason, TcSipMessage *message, const char *cause)
{
  tc_session_result_clear (&op->result);
  op->result.status = status;
  op->result.reason = g_strdup (reason);
  op->result.details = g_variant_ref_sink (tc_details_new (message, cause));
}

/* Completes @task (removed from the session's operations). */
static void
operation_finish (GTask *task, GError *error)
{
  Operation *op = g_task_get_task_data (task);
  TcSession *self = op->session;

  g_assert (!op->done);
  op->done = TRUE;
  if (op->request)
    tc_sip_request_abandon (op->request); /* no handler may run for a finished task */
  g_clear_pointer (&op->request, tc_sip_request_unref);
  if (self->reinvite_task == task)
    {
      self->reinvite_task = NULL;
      g_clear_pointer (&self->reinvite, tc_sip_request_unref);
    }
  g_object_ref (task);
  g_ptr_array_remove (self->operations, task);
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The outcome of @response (or @error) as result and error. */
static GError *
operation_outcome (Operation *op, TcSipMessage *response, const GError *error)
{
  if (response)
    {
      guint status = tc_sip_message_get_status (response);
      g_autofree char *reason = tc_session_reason_of (response);

      operation_set_result (op, status, reason, response, NULL);
      if (status >= 200 && status < 300)
        return NULL;
      return g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_REJECTED, "%u %s", status, reason);
    }
  if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_TIMEOUT))
    {
      operation_set_result (op, 408, "Request Timeout", NULL, "timeout");
      return g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_TIMEOUT, "no final response: %s", error->message);
    }
  operation_set_result (op, 503, "Service Unavailable", NULL, "transport-error");
  return g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_TRANSPORT, "the request could not be sent: %s",
                      error ? error->message : "unknown failure");
}

void
tc_session_dialog_abort_operations (TcSession *self, const char *why)
{
  g_autoptr (GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->operations->len; i++)
    g_ptr_array_add (tasks, g_object_ref (self->operations->pdata[i]));
  tc_sip_clock_clear_timer (self->clock, &self->glare_timer);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = tasks->pdata[i];
      Operation *op = g_task_get_task_data (task);

      if (op->done)
        continue;
      if (op->request)
        operation_set_result (op, 487, "Request Terminated", NULL, "cancelled");
      operation_finish (task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_ABORTED, "aborted: %s", why));
    }
}

static GTask *
operation_new (TcSession *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
               gpointer source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Operation *op = g_new0 (Operation, 1);

  op->session = self;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);
  g_ptr_array_add (self->operations, g_object_ref (task)); /* the table's reference */
  return task;
}

static gboolean
check_dialog (TcSession *self, GError **error)
{
  if (self->dialog && (self->state == TC_SESSION_STATE_CONNECTED || self->state == TC_SESSION_STATE_HOLD))
    return TRUE;
  g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_STATE, "the session is %s, not connected",
               tc_session_state_to_string (self->state));
  return FALSE;
}

static TcSipRequest *
send_in_dialog (TcSession *self, TcSipMessageBuilder *builder, const TcSipRequestHandlers *handlers, gpointer data,
                GError **error)
{
  TcSipRequestOptions options;

  tc_session_add_request_headers (self, builder);
  tc_sip_request_options_init (&options);
  options.credentials = tc_endpoint_get_credentials (self->endpoint);
  options.contact_user = tc_endpoint_get_contact_user (self->endpoint);
  return tc_sip_stack_send_request (tc_endpoint_get_stack (self->endpoint), self->dialog, builder, &options, handlers,
                                    data, error);
}

/* ---- Hold / Resume ------------------------------------------------------------ */

static gboolean send_reinvite (GTask *task, GError **error);

static void
on_glare_timer (gpointer user_data)
{
  GTask *task = user_data;
  Operation *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->session->glare_timer = 0;
  if (!send_reinvite (task, &error))
    operation_finish (task, error);
}

static void
on_reinvite_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *sip_error,
                   gpointer user_data)
{
  GTask *task = user_data;
  Operation *op = g_task_get_task_data (task);
  TcSession *self = op->session;
  guint status = response ? tc_sip_message_get_status (response) : 0;
  g_autoptr (GError) media_error = NULL;
  GError *error;

  g_clear_pointer (&op->request, tc_sip_request_unref);
  g_clear_pointer (&self->reinvite, tc_sip_request_unref);
  if (status == 491)
    {
      /* §14.1: glare; try again after a random time. */
      guint ms = self->outgoing ? g_random_int_range (2100, 4001) : g_random_int_range (0, 2001);

      g_debug ("session %u: 491 to our re-INVITE, again in %u ms", self->id, ms);
      /* The offer is refused: none of ours waits during the back-off, so
       * the peer's re-INVITE is answered meanwhile. */
      tc_session_media_offer_rejected (self);
      self->glare_timer = tc_sip_clock_add_timer (self->clock, (gint64) ms * 1000, on_glare_timer, task);
      return;
    }
  error = operation_outcome (op, response, sip_error);
  if (error)
    tc_session_media_offer_rejected (self);
  if (!error)
    {
      TcSipStr body = tc_sip_message_get_body (response);

      if (!tc_session_message_has_sdp (response) ||
          !tc_session_media_answer_received (self, body.str, body.len, &media_error))
        {
          g_message ("session %u: the re-INVITE's answer is unusable, ending the call", self->id);
          tc_session_send_bye (self, "SIP;cause=488;text=\"unusable SDP answer\"");
          operation_finish (task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "unusable answer: %s",
                                               media_error ? media_error->message : "no SDP in the 2xx"));
          tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, 488, "Not Acceptable Here", response, "media",
                                NULL);
          return;
        }
      self->local_hold = self->reinvite_hold;
      tc_session_timer_answered (self, response);
      tc_session_set_state (self, self->local_hold ? TC_SESSION_STATE_HOLD : TC_SESSION_STATE_CONNECTED, status,
                            op->result.reason, response, NULL, NULL);
      operation_finish (task, NULL);
      return;
    }
  operation_finish (task, error);
  if (status == 481 || status == 408 || (!response && g_error_matches (sip_error, TC_SIP_ERROR, TC_SIP_ERROR_TIMEOUT)))
    {
      /* RFC 5057 §5.2: the dialog is gone. */
      if (status != 481)
        tc_session_send_bye (self, NULL);
      tc_session_set_state (self, TC_SESSION_STATE_DISCONNECTED, status ? status : 408,
                            status == 481 ? "Call/Transaction Does Not Exist" : "Request Timeout", response,
                            status == 481 ? "dialog-gone" : "timeout", NULL);
    }
}

static const TcSipRequestHandlers reinvite_handlers = {
  .final = on_reinvite_final,
};

static gboolean
send_reinvite (GTask *task, GError **error)
{
  Operation *op = g_task_get_task_data (task);
  TcSession *self = op->session;
  g_autoptr (GError) local = NULL;
  g_autofree char *offer = NULL;
  TcSipMessageBuilder *builder;
  TcMediaDirection direction;

  if (!check_dialog (self, error))
    return FALSE;
  builder = tc_sip_dialog_build_request (self->dialog, "INVITE", &local);
  if (!builder)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "cannot build the re-INVITE: %s", local->message);
      return FALSE;
    }
  /* RFC 3264 §8.4: hold is sendonly, or inactive when we only received. */
  direction = self->reinvite_hold ? (self->remote_held ? TC_MEDIA_DIRECTION_INACTIVE : TC_MEDIA_DIRECTION_SENDONLY)
                                  : TC_MEDIA_DIRECTION_SENDRECV;
  offer = tc_session_media_offer (self, direction);
  tc_sip_message_builder_add_header (builder, "Allow", ALLOW_IN_DIALOG);
  tc_session_timer_add_to_request (self, builder);
  tc_sip_message_builder_set_body (builder, "application/sdp", offer, strlen (offer));
  op->request = send_in_dialog (self, builder, &reinvite_handlers, task, &local);
  if (!op->request)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_TRANSPORT, "the re-INVITE cannot be sent: %s", local->message);
      return FALSE;
    }
  self->reinvite = tc_sip_request_ref (op->request);
  return TRUE;
}

void
tc_session_hold_async (TcSession *self, gboolean hold, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (TC_IS_SESSION (self));

  /* §14.1: no INVITE of ours while another is in progress (a session
   * refresh included). */
  if (self->reinvite_task || (self->timer_request && self->timer_request_invite))
    {
      g_task_report_new_error (self, callback, user_data, tc_session_hold_async, TC_CORE_ERROR, TC_CORE_ERROR_BUSY,
                               "a re-INVITE of this session is in progress");
      return;
    }
  if (!check_dialog (self, &error))
    {
      g_task_report_error (self, callback, user_data, tc_session_hold_async, error);
      return;
    }
  task = operation_new (self, cancellable, callback, user_data, tc_session_hold_async);
  self->reinvite_task = task;
  self->reinvite_hold = hold;
  if (!send_reinvite (task, &error))
    operation_finish (task, error);
}

static gboolean
finish_operation (TcSession *self, GAsyncResult *result, TcSessionResult *out_result, GError **error)
{
  GTask *task = G_TASK (result);
  Operation *op = g_task_get_task_data (task);

  if (out_result)
    {
      memset (out_result, 0, sizeof *out_result);
      if (op && op->result.status)
        {
          out_result->status = op->result.status;
          out_result->reason = g_strdup (op->result.reason);
          out_result->details = op->result.details ? g_variant_ref (op->result.details) : NULL;
        }
    }
  return g_task_propagate_boolean (task, error);
}

gboolean
tc_session_hold_finish (TcSession *self, GAsyncResult *result, TcSessionResult *out_result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_operation (self, result, out_result, error);
}

/* ---- INFO ------------------------------------------------------------------------ */

static void
on_info_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *sip_error,
               gpointer user_data)
{
  GTask *task = user_data;
  Operation *op = g_task_get_task_data (task);

  g_clear_pointer (&op->request, tc_sip_request_unref);
  operation_finish (task, operation_outcome (op, response, sip_error));
}

static const TcSipRequestHandlers info_handlers = {
  .final = on_info_final,
};

void
tc_session_send_info_async (TcSession *self, const char *content_type, GBytes *body, const GArray *headers,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GTask) task = NULL;
  TcSipMessageBuilder *builder;
  TcSipContentType parsed;
  GError *error = NULL;
  Operation *op;

  g_return_if_fail (TC_IS_SESSION (self));

  if (strpbrk (content_type, "\r\n") ||
      !tc_sip_parse_content_type (tc_sip_str (content_type, strlen (content_type)), &parsed, NULL))
    {
      g_task_report_new_error (self, callback, user_data, tc_session_send_info_async, TC_CORE_ERROR,
                               TC_CORE_ERROR_INVALID_ARGS, "content type \"%s\" is not type/subtype", content_type);
      return;
    }
  for (guint i = 0; headers && i < headers->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (headers, TcHeaderPair, i);

      if (!tc_header_pair_validate (pair->name, pair->value, &error))
        {
          g_task_report_error (self, callback, user_data, tc_session_send_info_async, error);
          return;
        }
    }
  if (!check_dialog (self, &error))
    {
      g_task_report_error (self, callback, user_data, tc_session_send_info_async, error);
      return;
    }
  builder = tc_sip_dialog_build_request (self->dialog, "INFO", &local);
  if (!builder)
    {
      g_task_report_new_error (self, callback, user_data, tc_session_send_info_async, TC_CORE_ERROR,
                               TC_CORE_ERROR_FAILED, "cannot build the INFO: %s", local->message);
      return;
    }
  for (guint i = 0; headers && i < headers->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (headers, TcHeaderPair, i);

      tc_sip_message_builder_add_header (builder, pair->name, pair->value);
    }
  tc_sip_message_builder_set_body (builder, content_type, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  task = operation_new (self, cancellable, callback, user_data, tc_session_send_info_async);
  op = g_task_get_task_data (task);
  op->request = send_in_dialog (self, builder, &info_handlers, task, &local);
  if (!op->request)
    operation_finish (
      task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_TRANSPORT, "the INFO cannot be sent: %s", local->message));
}

gboolean
tc_session_send_info_finish (TcSession *self, GAsyncResult *result, TcSessionResult *out_result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_operation (self, result, out_result, error);
}
