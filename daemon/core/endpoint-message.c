/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-message.c — page-mode instant messages (RFC 3428) of one
 * endpoint: SendMessage as a MESSAGE client transaction, and incoming
 * MESSAGEs into the durable inbox before the 200 OK.
 *
 * Outcome of a send, for the caller and for OperationComplete: the final
 * response's status and reason, or the RFC 3261 equivalent of a local
 * failure (408 for a timeout, 503 for a transport failure, 487 when it
 * was aborted), with the cause named in the details.
 */
#include "core/core-error.h"
#include "core/details.h"
#include "core/endpoint-private.h"
#include "sip/sip-error.h"

#define DEFAULT_CONTENT_TYPE "text/plain;charset=UTF-8"

typedef struct {
  TcEndpoint *endpoint; /* borrowed: the endpoint aborts every send before it goes */
  TcSipRequest *request;
  GCancellable *cancellable;
  gulong cancelled_id;
  guint abort_idle;
  TcMessageResult result;
  gboolean sent;
  gboolean done;
} SendData;

void
tc_message_result_clear (TcMessageResult *result)
{
  g_clear_pointer (&result->reason, g_free);
  g_clear_pointer (&result->details, g_variant_unref);
  result->status = 0;
}

static void
send_data_free (SendData *data)
{
  if (data->cancelled_id)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_handle_id (&data->abort_idle, g_source_remove);
  g_clear_object (&data->cancellable);
  g_clear_pointer (&data->request, tc_sip_request_unref);
  tc_message_result_clear (&data->result);
  g_free (data);
}

static void
set_result (SendData *data, guint status, const char *reason, TcSipMessage *message, const char *cause)
{
  tc_message_result_clear (&data->result);
  data->result.status = status;
  data->result.reason = g_strdup (reason);
  data->result.details = g_variant_ref_sink (tc_details_new (message, cause));
}

/* Takes @task out of the pending table and completes it. */
static void
finish_send (GTask *task, GError *error)
{
  SendData *data = g_task_get_task_data (task);

  g_assert (!data->done);
  data->done = TRUE;
  g_hash_table_remove (tc_endpoint_get_pending_sends (data->endpoint), task);
  if (data->cancelled_id)
    {
      g_signal_handler_disconnect (data->cancellable, data->cancelled_id);
      data->cancelled_id = 0;
    }
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task); /* the pending table's reference */
}

static void
abort_send (GTask *task, const char *why)
{
  SendData *data = g_task_get_task_data (task);

  if (data->done)
    return;
  if (data->request)
    tc_sip_request_abandon (data->request);
  if (data->sent)
    set_result (data, 487, "Request Terminated", NULL, "cancelled");
  finish_send (task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_ABORTED, "the MESSAGE was aborted: %s", why));
}

static void
on_send_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error,
               gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  if (response)
    {
      guint status = tc_sip_message_get_status (response);
      TcSipStr reason = tc_sip_message_get_reason (response);
      g_autofree char *phrase = g_strndup (reason.str, reason.len);

      set_result (data, status, phrase, response, NULL);
      if (status >= 200 && status < 300)
        finish_send (task, NULL);
      else if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_AUTH_REJECTED) ||
               g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_AUTH_UNSUPPORTED) || status == 401 || status == 407)
        finish_send (task,
                     g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_AUTH, "%u %s: the credentials were refused%s", status,
                                  phrase, tc_endpoint_get_credentials (data->endpoint) ? "" : " (no password is set)"));
      else
        finish_send (task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_REJECTED, "%u %s", status, phrase));
      return;
    }

  if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_TIMEOUT))
    {
      set_result (data, 408, "Request Timeout", NULL, "timeout");
      finish_send (task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_TIMEOUT, "no final response: %s", error->message));
    }
  else if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_CANCELLED))
    {
      set_result (data, 487, "Request Terminated", NULL, "cancelled");
      finish_send (task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_ABORTED, "%s", error->message));
    }
  else
    {
      set_result (data, 503, "Service Unavailable", NULL, "transport-error");
      finish_send (task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_TRANSPORT, "the MESSAGE could not be sent: %s",
                                      error ? error->message : "unknown failure"));
    }
}

static const TcSipRequestHandlers send_handlers = {
  .final = on_send_final,
};

static gboolean
on_abort_idle (gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  data->abort_idle = 0;
  abort_send (task, "the caller cancelled it");
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  /* Not from inside the cancellable's own emission: disconnecting there
   * would deadlock. */
  if (!data->abort_idle)
    data->abort_idle = g_idle_add (on_abort_idle, task);
}

static gboolean
validate_content_type (const char *content_type, GError **error)
{
  TcSipContentType parsed;
  g_autoptr (GError) local = NULL;

  if (strpbrk (content_type, "\r\n") ||
      !tc_sip_parse_content_type (tc_sip_str (content_type, strlen (content_type)), &parsed, &local))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "content type \"%s\" is not type/subtype%s%s",
                   content_type, local ? ": " : "", local ? local->message : "");
      return FALSE;
    }
  return TRUE;
}

static TcSipMessageBuilder *
build_message (TcEndpoint *self, const char *target, const char *content_type, GBytes *body, const GArray *headers,
               TcSipRouteSet *routes, GError **error)
{
  const TcEndpointSettings *settings = tc_endpoint_get_settings (self);
  const GArray *additional = tc_endpoint_get_additional_headers (self);
  g_autoptr (TcSipUri) uri = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *request_uri = NULL;
  g_autofree char *to = NULL;
  TcSipMessageBuilder *builder;
  gsize size = body ? g_bytes_get_size (body) : 0;

  uri = tc_sip_uri_parse (target, -1, &local);
  if (!uri || tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_TEL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "target \"%s\" is not a sip: or sips: URI%s%s",
                   target, local ? ": " : "", local ? local->message : "");
      return NULL;
    }
  if (!validate_content_type (content_type, error))
    return NULL;
  if (size > settings->max_message_size)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS,
                   "the body is %" G_GSIZE_FORMAT " bytes; this endpoint sends at most %u (max-message-size)", size,
                   settings->max_message_size);
      return NULL;
    }
  for (guint i = 0; headers && i < headers->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (headers, TcHeaderPair, i);

      if (!tc_header_pair_validate (pair->name, pair->value, error))
        return NULL;
    }

  /* Sent straight to the target: the endpoint's transport applies unless
   * the target names one. */
  if (!routes && !tc_sip_uri_get_transport (uri) && g_strcmp0 (settings->transport, "udp") != 0 &&
      !(g_strcmp0 (settings->transport, "tls") == 0 && tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_SIPS))
    tc_sip_uri_set_param (uri, "transport", settings->transport);
  request_uri = tc_sip_uri_to_string (uri);

  /* In angle brackets: a URI parameter must not read as a To parameter. */
  to = g_strdup_printf ("<%s>", target);
  builder = tc_sip_stack_new_request (tc_endpoint_get_stack (self), "MESSAGE", request_uri, tc_endpoint_get_from (self),
                                      to, &local);
  if (!builder)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "target \"%s\": %s", target, local->message);
      return NULL;
    }
  for (guint i = 0; additional && i < additional->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (additional, TcHeaderPair, i);

      tc_sip_message_builder_add_header (builder, pair->name, pair->value);
    }
  for (guint i = 0; headers && i < headers->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (headers, TcHeaderPair, i);

      tc_sip_message_builder_add_header (builder, pair->name, pair->value);
    }
  tc_sip_message_builder_set_body (builder, content_type, body ? g_bytes_get_data (body, NULL) : "", size);
  return builder;
}

void
tc_endpoint_send_message_async (TcEndpoint *self, const char *target, const char *content_type, GBytes *body,
                                const GArray *headers, GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;
  TcSipRouteSet *routes = tc_endpoint_get_route_set (self);
  TcSipMessageBuilder *builder;
  TcSipRequestOptions options;
  SendData *data;

  g_task_set_source_tag (task, tc_endpoint_send_message_async);
  if (!content_type || !*content_type)
    content_type = DEFAULT_CONTENT_TYPE;
  builder = build_message (self, target, content_type, body, headers, routes, &error);
  if (!builder)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (SendData, 1);
  data->endpoint = self;
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  g_hash_table_add (tc_endpoint_get_pending_sends (self), g_object_ref (task));

  tc_sip_request_options_init (&options);
  options.route_set = routes;
  options.credentials = tc_endpoint_get_credentials (self);
  data->request =
    tc_sip_stack_send_request (tc_endpoint_get_stack (self), NULL, builder, &options, &send_handlers, task, &error);
  if (!data->request)
    {
      finish_send (task, g_error_new (TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "the MESSAGE cannot be built: %s",
                                      error->message));
      return;
    }
  data->sent = TRUE;
  if (cancellable && !data->done)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), task, NULL);
    }
}

gboolean
tc_endpoint_send_message_finish (TcEndpoint *self, GAsyncResult *result, TcMessageResult *out_result, GError **error)
{
  GTask *task = G_TASK (result);
  SendData *data = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (out_result)
    {
      memset (out_result, 0, sizeof *out_result);
      if (data && data->result.status)
        {
          out_result->status = data->result.status;
          out_result->reason = g_strdup (data->result.reason);
          out_result->details = data->result.details ? g_variant_ref (data->result.details) : NULL;
        }
    }
  return g_task_propagate_boolean (task, error);
}

void
tc_endpoint_message_abort_all (TcEndpoint *self)
{
  GHashTable *pending = tc_endpoint_peek_pending_sends (self);
  g_autoptr (GPtrArray) tasks = NULL;
  GHashTableIter iter;
  gpointer key;

  if (!pending)
    return;
  tasks = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (tasks, key);
  for (guint i = 0; i < tasks->len; i++)
    abort_send (tasks->pdata[i], "the endpoint was removed or the daemon is stopping");
}

/* ---- incoming ----------------------------------------------------------- */

static char *
str_dup0 (TcSipStr s)
{
  return s.str ? g_strndup (s.str, s.len) : g_strdup ("");
}

/* The name-addr of From or To without its parameters (the tag):
 * "Display" <uri>, or the URI alone. */
static char *
name_addr_text (const TcSipNameAddr *addr)
{
  if (!addr->display_name.str || !addr->display_name.len)
    return str_dup0 (addr->uri);
  return g_strdup_printf ("%.*s <%.*s>", (int) addr->display_name.len, addr->display_name.str, (int) addr->uri.len,
                          addr->uri.str);
}

void
tc_endpoint_message_handle (TcEndpoint *self, TcSipIncoming *incoming)
{
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  const TcEndpointSettings *settings = tc_endpoint_get_settings (self);
  const TcSipNameAddr *from = tc_sip_message_get_from (request);
  const TcSipNameAddr *to = tc_sip_message_get_to (request);
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (request);
  TcSipStr body = tc_sip_message_get_body (request);
  TcSipStr call_id = tc_sip_message_get_call_id (request);
  TcSipStr type = tc_sip_message_get_header_value (request, "Content-Type");
  g_autoptr (TcInboxMessage) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body_bytes = NULL;
  g_autoptr (GBytes) raw = NULL;
  g_autofree char *key = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *type_text = NULL;
  TcInboxResult result;

  if (body.len > settings->max_message_size)
    {
      tc_sip_incoming_respond_status (incoming, 413, "Message Body Larger Than max-message-size", NULL);
      return;
    }
  if (body.len > 0 && !type.str)
    {
      /* RFC 3261 §7.4.1: a body needs a Content-Type. */
      tc_sip_incoming_respond_status (incoming, 400, "Body Without Content-Type", NULL);
      return;
    }

  key = g_strdup_printf ("%.*s\n%u\n%.*s", (int) call_id.len, call_id.str, cseq->seq, (int) from->tag.len,
                         from->tag.str ? from->tag.str : "");
  from_text = name_addr_text (from);
  to_text = name_addr_text (to);
  type_text = type.str ? str_dup0 (type) : g_strdup ("text/plain");
  body_bytes = g_bytes_new (body.str, body.len);
  raw = tc_sip_message_to_bytes (request);

  result =
    tc_inbox_store (tc_endpoint_get_inbox (self), key, from_text, to_text, type_text, body_bytes, raw, &stored, &error);
  switch (result)
    {
    case TC_INBOX_STORED:
      tc_sip_incoming_respond_status (incoming, 200, NULL, NULL);
      tc_endpoint_emit_message_received (self, stored);
      break;
    case TC_INBOX_DUPLICATE:
      tc_sip_incoming_respond_status (incoming, 200, NULL, NULL);
      break;
    case TC_INBOX_FULL:
      if (error)
        {
          g_message ("endpoint %s: a MESSAGE could not be stored, answering 480: %s", tc_endpoint_get_id (self),
                     error->message);
          tc_sip_incoming_respond_status (incoming, 480, "Inbox Unavailable", NULL);
        }
      else
        tc_sip_incoming_respond_status (incoming, 486, "Inbox Full", NULL);
      break;
    }
}
