/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stack-request.c — TcSipRequest: one request the UA sends, across target
 * failover (RFC 3263 §4.3), digest challenges (RFC 7616 via auth.h),
 * redirects (RFC 3261 §8.1.3.4) and, for INVITE, forking (§13.2.2.4).
 *
 * Each try is a new client transaction with a new branch; the request
 * handle outlives them and reports to its TU once, at the end.
 */
#include "sip/stack-request-private.h"

#include "sip/debug.h"
#include "sip/random.h"
#include "sip/redirect.h"
#include "sip/sip-error.h"

static void request_resolve (TcSipRequest *request);

TcSipRequest *
tc_sip_request_ref (TcSipRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  g_atomic_int_inc (&request->ref_count);
  return request;
}

void
tc_sip_request_unref (TcSipRequest *request)
{
  if (!request || !g_atomic_int_dec_and_test (&request->ref_count))
    return;

  g_clear_pointer (&request->template, tc_sip_message_builder_free);
  g_free (request->method);
  g_clear_pointer (&request->dialog, tc_sip_dialog_unref);
  g_clear_pointer (&request->route_set, tc_sip_route_set_unref);
  g_clear_pointer (&request->credentials, tc_sip_digest_cache_unref);
  g_clear_object (&request->fixed_flow);
  g_free (request->contact_user);
  g_free (request->contact_params);
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->targets, g_array_unref);
  g_clear_pointer (&request->transaction, tc_sip_client_transaction_unref);
  g_clear_pointer (&request->sent, tc_sip_message_unref);
  g_clear_object (&request->flow);
  tc_sip_target_clear (&request->sent_target);
  g_clear_pointer (&request->redirect, tc_sip_redirect_free);
  g_clear_pointer (&request->next_hop, tc_sip_uri_unref);
  g_clear_error (&request->last_error);
  g_clear_pointer (&request->last_503, tc_sip_message_unref);
  g_free (request->cancel_reason);
  g_clear_pointer (&request->early, g_ptr_array_unref);
  g_clear_pointer (&request->confirmed, tc_sip_dialog_unref);
  g_free (request);
}

void
tc_sip_request_options_init (TcSipRequestOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (TcSipRequestOptions){ .follow_redirects = TRUE };
}

TcSipMessage *
tc_sip_request_get_message (TcSipRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->sent;
}

TcSipFlow *
tc_sip_request_get_flow (TcSipRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->flow;
}

gboolean
tc_sip_request_is_finished (TcSipRequest *request)
{
  g_return_val_if_fail (request != NULL, TRUE);
  return request->finished;
}

/* ---- the end ---------------------------------------------------------- */

/* Drops the stack's hold on @request once nothing of it runs any more. */
static void
request_release (TcSipRequest *request)
{
  if (!request->finished || request->transaction)
    return;
  if (request->stack)
    g_hash_table_remove (request->stack->requests, request);
}

void
tc_sip_request_clear_cancel_timer (TcSipRequest *request)
{
  if (!request->cancel_timer || !request->stack)
    return;
  tc_sip_clock_cancel (request->stack->clock, request->cancel_timer);
  request->cancel_timer = 0;
  tc_sip_request_unref (request); /* the timer's */
}

void
tc_sip_request_finish (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error)
{
  g_autoptr (TcSipRequest) hold = tc_sip_request_ref (request);

  if (request->finished)
    return;
  request->finished = TRUE;
  tc_sip_request_clear_cancel_timer (request);
  g_cancellable_cancel (request->cancellable);
  if (!request->abandoned && request->handlers.final)
    request->handlers.final (request, response, dialog, error, request->user_data);
  /* A non-INVITE transaction lingers in Completed (Timer K: 5 s over UDP)
   * only to absorb retransmitted responses, and the handle with it: what
   * built and routed the request is not needed any more.  Thousands of
   * REGISTERs at start-up held some 4 KiB each for those seconds. */
  if (!request->is_invite)
    {
      g_clear_pointer (&request->template, tc_sip_message_builder_free);
      g_clear_pointer (&request->sent, tc_sip_message_unref);
      g_clear_pointer (&request->targets, g_array_unref);
      g_clear_pointer (&request->redirect, tc_sip_redirect_free);
      g_clear_pointer (&request->last_503, tc_sip_message_unref);
    }
  request_release (request);
}

/* ---- building one try ---------------------------------------------------- */

static gboolean
add_contact (TcSipRequest *request, TcSipMessageBuilder *builder, TcSipTransportType type, GSocketFamily family,
             GError **error)
{
  g_autofree char *host = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *value = NULL;
  g_autofree char *port_text = NULL;
  guint16 port = 0;
  gboolean v6;
  const char *scheme = tc_sip_transport_type_is_secure (type) ? "sips" : "sip";
  g_autofree char *transport = g_ascii_strdown (tc_sip_transport_type_to_string (type), -1);

  if (!request->contact_user)
    return TRUE;
  existing = tc_sip_message_builder_get_header (builder, "Contact");
  if (existing)
    return TRUE;
  if (!tc_sip_transport_get_sent_by (request->stack->transport, type, family, &host, &port))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_NO_TARGET, 503, "no local address for %s",
                        tc_sip_transport_type_to_string (type));
      return FALSE;
    }
  v6 = strchr (host, ':') != NULL;
  port_text = port ? g_strdup_printf (":%u", port) : g_strdup ("");
  value = g_strdup_printf ("<%s:%s@%s%s%s%s;transport=%s>%s", scheme, request->contact_user, v6 ? "[" : "", host,
                           v6 ? "]" : "", port_text, transport, request->contact_params ? request->contact_params : "");
  tc_sip_message_builder_add_header (builder, "Contact", value);
  return TRUE;
}

GSocketFamily
tc_sip_request_target_family (const TcSipTarget *target)
{
  if (!target->address)
    return G_SOCKET_FAMILY_IPV4;
  return g_inet_address_get_family (g_inet_socket_address_get_address (target->address));
}

/* The request of this try: the template with Via, Contact and credentials. */
static gsize
message_size (TcSipMessage *message)
{
  g_autoptr (GBytes) bytes = tc_sip_message_to_bytes (message);

  return g_bytes_get_size (bytes);
}

static TcSipMessage *
request_build (TcSipRequest *request, TcSipTarget *target, GError **error)
{
  TcSipStack *stack = request->stack;
  g_autoptr (TcSipMessageBuilder) builder = tc_sip_message_builder_copy (request->template);
  g_autofree char *branch = NULL;
  g_autoptr (TcSipMessage) message = NULL;

  if (request->credentials)
    {
      g_autoptr (TcSipMessage) probe = NULL;
      TcSipStr uri;
      g_autofree char *uri_text = NULL;

      /* The Request-URI as it will be sent: read back from a build with a
       * placeholder Via, since the builder keeps it inside its start line. */
      {
        g_autoptr (TcSipMessageBuilder) copy = tc_sip_message_builder_copy (builder);

        tc_sip_message_builder_prepend_header (copy, "Via", "SIP/2.0/UDP invalid;branch=z9hG4bKx");
        probe = tc_sip_message_builder_end (g_steal_pointer (&copy), error);
        if (!probe)
          return NULL;
      }
      uri = tc_sip_message_get_request_uri_text (probe);
      uri_text = g_strndup (uri.str, uri.len);
      if (tc_sip_digest_cache_authorize (request->credentials, builder, request->method, uri_text,
                                         tc_sip_message_builder_get_body (builder), error) < 0)
        return NULL;
    }

  if (!add_contact (request, builder, target->type, tc_sip_request_target_family (target), error))
    return NULL;
  branch = tc_sip_transaction_layer_add_via (stack->layer, builder, target->type, tc_sip_request_target_family (target),
                                             error);
  if (!branch)
    return NULL;
  message = tc_sip_message_builder_end (g_steal_pointer (&builder), error);
  if (!message)
    return NULL;

  /* §18.1.1: a request within 200 bytes of the path MTU goes over a
   * congestion-controlled transport, unless UDP was asked for. */
  if (target->type == TC_SIP_TRANSPORT_UDP && !request->explicit_udp &&
      message_size (message) > stack->config.udp_max_size &&
      tc_sip_transport_supports (stack->transport, TC_SIP_TRANSPORT_TCP))
    {
      tc_debug ("request of %" G_GSIZE_FORMAT " bytes goes over TCP (RFC 3261 §18.1.1)", message_size (message));
      target->type = TC_SIP_TRANSPORT_TCP;
      g_clear_pointer (&message, tc_sip_message_unref);
      return request_build (request, target, error);
    }
  return g_steal_pointer (&message);
}

/* ---- responses and failures of a try ------------------------------------- */

static void request_try (TcSipRequest *request);

/* Moves on to the next target after a failure of the current one. */
static void
request_next_target (TcSipRequest *request, const GError *error, TcSipMessage *response)
{
  TcSipStack *stack = request->stack;

  if (request->targets && request->target_index < request->targets->len)
    tc_sip_resolver_blacklist (stack->resolver, &request->sent_target, stack->config.blacklist_us);
  if (!request->fixed_flow && !request->got_provisional && request->targets &&
      request->target_index + 1 < request->targets->len)
    {
      request->target_index++;
      request_try (request);
      return;
    }
  tc_sip_request_finish (request, response, NULL, error);
}

static gboolean
request_bump_cseq (TcSipRequest *request)
{
  g_autofree char *cseq = tc_sip_message_builder_get_header (request->template, "CSeq");
  guint64 number;
  char *end;

  if (!cseq)
    return FALSE;
  number = g_ascii_strtoull (cseq, &end, 10);
  if (end == cseq || number + 1 >= G_MAXINT32)
    return FALSE;
  if (request->dialog)
    number = tc_sip_dialog_next_local_seq (request->dialog);
  else
    number++;
  g_free (cseq);
  cseq = g_strdup_printf ("%" G_GUINT64_FORMAT " %s", number, request->method);
  tc_sip_message_builder_set_header (request->template, "CSeq", cseq);
  return TRUE;
}

static void
handle_challenge (TcSipRequest *request, TcSipMessage *response)
{
  g_autoptr (GError) error = NULL;
  TcSipDigestVerdict verdict;

  if (!request->credentials)
    {
      tc_sip_set_error (&error, TC_SIP_ERROR_AUTH_REJECTED, tc_sip_message_get_status (response),
                        "authentication required and no credentials given");
      tc_sip_request_finish (request, response, NULL, error);
      return;
    }
  verdict = tc_sip_digest_cache_handle_challenge (request->credentials, request->sent, response, &error);
  if (verdict == TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS && request->n_challenges == 0)
    {
      /* Our first attempt answered a cached nonce pre-emptively; without
       * qop there is no nonce count to tell a reused nonce from a fresh
       * one, and a restarted server has forgotten its nonces.  That 401
       * is the first challenge of this request, not a refusal: forget the
       * realms it names and answer it once. */
      g_autoptr (GPtrArray) challenges = tc_sip_digest_select_challenges (response, NULL);

      for (guint i = 0; challenges && i < challenges->len; i++)
        tc_sip_digest_cache_forget (request->credentials,
                                    tc_sip_digest_challenge_get_realm (g_ptr_array_index (challenges, i)));
      g_clear_error (&error);
      verdict = tc_sip_digest_cache_handle_challenge (request->credentials, request->sent, response, &error);
      if (verdict == TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS)
        verdict = TC_SIP_DIGEST_VERDICT_RETRY;
    }
  request->n_challenges++;
  switch (verdict)
    {
    case TC_SIP_DIGEST_VERDICT_RETRY:
    case TC_SIP_DIGEST_VERDICT_RETRY_STALE:
      if (request_bump_cseq (request))
        {
          request_try (request);
          return;
        }
      tc_sip_set_error (&error, TC_SIP_ERROR_AUTH_REJECTED, 500, "CSeq cannot grow for the retry");
      break;
    case TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS:
      tc_sip_set_error (&error, TC_SIP_ERROR_AUTH_REJECTED, tc_sip_message_get_status (response),
                        "the credentials were rejected");
      break;
    case TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED:
      break;
    }
  tc_sip_request_finish (request, response, NULL, error);
}

static void
handle_redirect (TcSipRequest *request, TcSipMessage *response)
{
  g_autoptr (GError) error = NULL;
  const TcSipUri *next;
  g_autofree char *text = NULL;

  if (!request->follow_redirects || request->dialog)
    {
      tc_sip_request_finish (request, response, NULL, NULL);
      return;
    }
  if (!request->redirect)
    {
      TcSipStr ruri = tc_sip_message_get_request_uri_text (request->sent);
      g_autoptr (TcSipUri) original = tc_sip_uri_parse (ruri.str, ruri.len, NULL);

      request->redirect = tc_sip_redirect_new (original, request->stack->config.max_redirects);
    }
  tc_sip_redirect_add_response (request->redirect, response);
  next = tc_sip_redirect_next (request->redirect, &error);
  if (!next)
    {
      /* No target left: the 3xx is the answer, with why it was not followed. */
      tc_sip_request_finish (request, response, NULL, error);
      return;
    }
  if (!request->abandoned && request->handlers.redirected)
    request->handlers.redirected (request, response, next, request->user_data);
  if (request->finished)
    return;
  text = tc_sip_uri_to_string (next);
  tc_sip_message_builder_set_request_uri (request->template, text);
  /* RFC 3261 §8.1.3.4: a new request to the new target, in the same
   * Call-ID with a higher CSeq.  The pre-loaded route set still applies. */
  request_bump_cseq (request);
  g_clear_pointer (&request->targets, g_array_unref);
  request->target_index = 0;
  request->got_provisional = FALSE;
  request_resolve (request);
}

static void
on_response (TcSipClientTransaction *transaction, TcSipMessage *response, gpointer user_data)
{
  TcSipRequest *request = user_data;
  guint status = tc_sip_message_get_status (response);

  if (transaction != request->transaction)
    return;
  if (!request->flow && request->stack)
    {
      /* A connection still being set up when the request went out. */
      TcSipFlow *flow = tc_sip_transaction_layer_get_client_flow (request->stack->layer, transaction);

      request->flow = flow ? g_object_ref (flow) : NULL;
    }
  if (status < 200)
    {
      TcSipDialog *dialog = NULL;

      request->got_provisional = TRUE;
      if (request->finished)
        return;
      if (request->is_invite && status > 100)
        dialog = tc_sip_request_early_dialog_for (request, response);
      if (request->cancel_requested && !request->cancel_sent)
        tc_sip_request_send_cancel (request);
      if (!request->abandoned && request->handlers.provisional)
        request->handlers.provisional (request, response, dialog, request->user_data);
      return;
    }
  if (request->is_invite && status < 300)
    {
      tc_sip_request_invite_2xx (request, response);
      return;
    }
  if (request->is_invite)
    tc_sip_request_end_early_dialogs (request);
  if (request->finished)
    return;
  if (status == 401 || status == 407)
    handle_challenge (request, response);
  else if (status >= 300 && status < 400)
    handle_redirect (request, response);
  else if (status == 503 && !request->got_provisional)
    {
      /* RFC 3263 §4.3: a 503 makes the next target worth a try. */
      g_clear_pointer (&request->last_503, tc_sip_message_unref);
      request->last_503 = tc_sip_message_ref (response);
      request_next_target (request, NULL, response);
    }
  else
    tc_sip_request_finish (request, response, NULL, NULL);
}

static void
on_failed (TcSipClientTransaction *transaction, const GError *error, gpointer user_data)
{
  TcSipRequest *request = user_data;

  if (transaction != request->transaction || request->finished)
    return;
  if (request->is_invite)
    tc_sip_request_end_early_dialogs (request);
  {
    g_autofree char *target = tc_sip_target_to_string (&request->sent_target);

    tc_debug ("%s to %s failed: %s", request->method, target, error->message);
  }
  request_next_target (request, error, NULL);
}

static void
on_terminated (TcSipClientTransaction *transaction, gpointer user_data)
{
  TcSipRequest *request = user_data;

  if (transaction != request->transaction)
    return;
  g_clear_pointer (&request->transaction, tc_sip_client_transaction_unref);
  request_release (request);
  tc_sip_request_unref (request); /* the transaction's hold */
}

static const TcSipRequestCallbacks request_callbacks = {
  .response = on_response,
  .failed = on_failed,
  .terminated = on_terminated,
};

/* ---- one try -------------------------------------------------------------- */

static void
request_try (TcSipRequest *request)
{
  TcSipStack *stack = request->stack;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) message = NULL;
  TcSipTarget target;
  TcSipFlow *flow = NULL;
  TcSipClientTransaction *transaction;

  if (request->fixed_flow && !tc_sip_flow_is_closed (request->fixed_flow))
    {
      flow = request->fixed_flow;
      tc_sip_target_init (&target, tc_sip_flow_get_transport_type (flow), tc_sip_flow_get_remote_address (flow), NULL);
    }
  else
    tc_sip_target_copy (&target, &g_array_index (request->targets, TcSipTarget, request->target_index));

  message = request_build (request, &target, &error);
  if (!message)
    {
      tc_sip_target_clear (&target);
      tc_sip_request_finish (request, NULL, NULL, error);
      return;
    }
  tc_sip_target_clear (&request->sent_target);
  request->sent_target = target;
  g_clear_pointer (&request->sent, tc_sip_message_unref);
  request->sent = tc_sip_message_ref (message);

  /* A later try replaces the earlier transaction; it ends on its own. */
  if (request->transaction)
    {
      g_clear_pointer (&request->transaction, tc_sip_client_transaction_unref);
      tc_sip_request_unref (request);
    }
  transaction = tc_sip_transaction_layer_send_request (stack->layer, message, &request->sent_target, flow,
                                                       &request_callbacks, request, &error);
  if (!transaction)
    {
      tc_sip_request_finish (request, NULL, NULL, error);
      return;
    }
  request->transaction = tc_sip_client_transaction_ref (transaction);
  tc_sip_request_ref (request); /* dropped when the transaction terminates */
  g_clear_object (&request->flow);
  if (tc_sip_transaction_layer_get_client_flow (stack->layer, transaction))
    request->flow = g_object_ref (tc_sip_transaction_layer_get_client_flow (stack->layer, transaction));
}

/* ---- resolving the next hop ------------------------------------------------ */

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TcSipRequest) request = user_data;
  g_autoptr (GError) error = NULL;
  GArray *targets = tc_sip_resolver_lookup_finish (TC_SIP_RESOLVER (source), result, &error);

  if (request->finished)
    {
      g_clear_pointer (&targets, g_array_unref);
      return;
    }
  if (!targets || targets->len == 0)
    {
      if (!error)
        tc_sip_set_error (&error, TC_SIP_ERROR_NO_TARGET, 503, "no target for the request");
      g_clear_pointer (&targets, g_array_unref);
      tc_sip_request_finish (request, NULL, NULL, error);
      return;
    }
  request->targets = targets;
  request->target_index = 0;
  request_try (request);
}

static void
request_resolve (TcSipRequest *request)
{
  g_autoptr (TcSipUri) next_hop = NULL;
  g_autoptr (GError) error = NULL;
  const char *transport;

  if (request->fixed_flow && !tc_sip_flow_is_closed (request->fixed_flow))
    {
      request_try (request);
      return;
    }

  if (request->dialog)
    next_hop = tc_sip_uri_copy (tc_sip_dialog_get_next_hop (request->dialog));
  else
    {
      g_autoptr (TcSipMessageBuilder) copy = tc_sip_message_builder_copy (request->template);
      g_autoptr (TcSipMessage) probe = NULL;

      tc_sip_message_builder_prepend_header (copy, "Via", "SIP/2.0/UDP invalid;branch=z9hG4bKx");
      probe = tc_sip_message_builder_end (g_steal_pointer (&copy), &error);
      if (probe && request->route_set)
        next_hop =
          tc_sip_uri_copy (tc_sip_route_set_get_next_hop (request->route_set, tc_sip_message_get_request_uri (probe)));
      else if (probe)
        next_hop = tc_sip_uri_copy (tc_sip_message_get_request_uri (probe));
    }
  if (!next_hop)
    {
      if (!error)
        tc_sip_set_error (&error, TC_SIP_ERROR_NO_TARGET, 416, "the next hop is not a SIP URI");
      tc_sip_request_finish (request, NULL, NULL, error);
      return;
    }
  g_clear_pointer (&request->next_hop, tc_sip_uri_unref);
  request->next_hop = tc_sip_uri_copy (next_hop);
  transport = tc_sip_uri_get_transport (next_hop);
  request->explicit_udp = transport && g_ascii_strcasecmp (transport, "udp") == 0;
  g_clear_object (&request->cancellable);
  request->cancellable = g_cancellable_new ();
  tc_sip_resolver_lookup_async (request->stack->resolver, next_hop, request->cancellable, on_resolved,
                                tc_sip_request_ref (request));
}

TcSipRequest *
tc_sip_stack_send_request (TcSipStack *stack, TcSipDialog *dialog, TcSipMessageBuilder *builder,
                           const TcSipRequestOptions *options, const TcSipRequestHandlers *handlers, gpointer user_data,
                           GError **error)
{
  g_autoptr (TcSipMessageBuilder) owned = builder;
  g_autoptr (TcSipMessageBuilder) probe_builder = NULL;
  g_autoptr (TcSipMessage) probe = NULL;
  TcSipRequestOptions defaults;
  TcSipRequest *request;
  TcSipStr method;

  g_return_val_if_fail (TC_SIP_IS_STACK (stack), NULL);
  g_return_val_if_fail (builder != NULL, NULL);

  if (!options)
    {
      tc_sip_request_options_init (&defaults);
      options = &defaults;
    }

  /* Check now that the request builds, so a bad one fails synchronously. */
  probe_builder = tc_sip_message_builder_copy (builder);
  tc_sip_message_builder_prepend_header (probe_builder, "Via", "SIP/2.0/UDP invalid;branch=z9hG4bKx");
  probe = tc_sip_message_builder_end (g_steal_pointer (&probe_builder), error);
  if (!probe)
    return NULL;
  if (!tc_sip_message_is_request (probe) || tc_sip_message_get_method (probe) == TC_SIP_METHOD_ACK ||
      tc_sip_message_get_method (probe) == TC_SIP_METHOD_CANCEL)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500,
                        "only requests other than ACK and CANCEL are sent this way");
      return NULL;
    }

  request = g_new0 (TcSipRequest, 1);
  request->ref_count = 1;
  request->stack = stack;
  method = tc_sip_message_get_method_name (probe);
  request->method = g_strndup (method.str, method.len);
  request->is_invite = tc_sip_message_get_method (probe) == TC_SIP_METHOD_INVITE;
  request->dialog = dialog ? tc_sip_dialog_ref (dialog) : NULL;
  if (!dialog && options->route_set)
    {
      request->route_set = tc_sip_route_set_ref (options->route_set);
      tc_sip_route_set_apply (options->route_set, owned);
    }
  request->credentials = options->credentials ? tc_sip_digest_cache_ref (options->credentials) : NULL;
  request->fixed_flow = options->flow ? g_object_ref (options->flow) : NULL;
  request->follow_redirects = options->follow_redirects;
  request->contact_user = g_strdup (options->contact_user);
  request->contact_params = g_strdup (options->contact_params);
  if (stack->user_agent && tc_sip_message_find_header_by_name (probe, "User-Agent", 0) < 0)
    tc_sip_message_builder_add_header (owned, "User-Agent", stack->user_agent);
  if (handlers)
    request->handlers = *handlers;
  request->user_data = user_data;
  request->template = g_steal_pointer (&owned);
  request->early = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_dialog_unref);

  g_hash_table_add (stack->requests, tc_sip_request_ref (request));
  request_resolve (request);
  return request;
}

void
tc_sip_request_finalize_all (TcSipStack *stack)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, stack->requests);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      TcSipRequest *request = key;

      request->abandoned = TRUE;
      request->finished = TRUE;
      tc_sip_request_clear_cancel_timer (request);
      request->stack = NULL;
      g_cancellable_cancel (request->cancellable);
    }
}

void
tc_sip_request_drop_transactions (TcSipStack *stack)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, stack->requests);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      TcSipRequest *request = key;

      if (request->transaction)
        {
          g_clear_pointer (&request->transaction, tc_sip_client_transaction_unref);
          tc_sip_request_unref (request); /* the transaction's hold: it will not terminate now */
        }
    }
}
