/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stack-invite.c — what only an INVITE does (RFC 3261 §13, §9): one early
 * dialog per fork, the ACK for every 2xx (stored and re-sent unchanged),
 * ACK and BYE for a losing fork, CANCEL after the first provisional
 * response and its 64*T1 limit (§9.1), and abandoning a call.
 */
#include "sip/stack-request-private.h"

#include "sip/debug.h"
#include "sip/sip-error.h"

/* ---- INVITE: dialogs of the forks ---------------------------------------- */

TcSipDialog *
tc_sip_request_early_dialog_for (TcSipRequest *request, TcSipMessage *response)
{
  const TcSipNameAddr *to = tc_sip_message_get_to (response);
  g_autoptr (GError) error = NULL;
  TcSipDialog *dialog;

  if (!to || !tc_sip_str_is_set (to->tag))
    return NULL;
  for (guint i = 0; i < request->early->len; i++)
    {
      dialog = g_ptr_array_index (request->early, i);
      if (tc_sip_str_equal (to->tag, tc_sip_dialog_get_remote_tag (dialog)))
        return dialog;
    }
  dialog = tc_sip_dialog_new_uac (request->sent, response, tc_sip_transport_type_is_secure (request->sent_target.type),
                                  &error);
  if (!dialog)
    {
      tc_debug ("no dialog from %u response: %s", tc_sip_message_get_status (response), error->message);
      return NULL;
    }
  g_ptr_array_add (request->early, dialog);
  tc_sip_stack_add_dialog (request->stack, dialog);
  return dialog;
}

/* Adds the Via for @target to the ACK in @builder and sends it; the
 * dialog's entry, when the stack still has one, keeps it for the
 * retransmissions of the 2xx. */
static void
ack_send_built (TcSipStack *stack, const char *dialog_id, TcSipMessageBuilder *builder, const TcSipTarget *target,
                TcSipFlow *flow)
{
  g_autoptr (TcSipMessageBuilder) owned = builder;
  g_autoptr (TcSipMessage) ack = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *branch = NULL;
  TcSipStackDialog *entry = tc_sip_stack_lookup_dialog (stack, dialog_id);

  if (entry)
    entry->ack_resolving = FALSE;
  branch =
    tc_sip_transaction_layer_add_via (stack->layer, owned, target->type, tc_sip_request_target_family (target), &error);
  if (branch)
    ack = tc_sip_message_builder_end (g_steal_pointer (&owned), &error);
  if (!ack)
    {
      g_warning ("cannot build the ACK for a 2xx: %s", error->message);
      return;
    }
  if (entry)
    tc_sip_stack_send_ack (stack, entry, ack, target, flow);
  else if (!tc_sip_transaction_layer_send_stateless (stack->layer, ack, target, flow, &error))
    tc_debug ("sending ACK: %s", error->message);
}

typedef struct {
  TcSipStack *stack; /* valid unless the lookup was cancelled (stack->cancellable) */
  char *dialog_id;
  TcSipMessageBuilder *builder;
} AckLookup;

static void
on_ack_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AckLookup *lookup = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) targets = tc_sip_resolver_lookup_finish (TC_SIP_RESOLVER (source), result, &error);

  if (targets)
    ack_send_built (lookup->stack, lookup->dialog_id, g_steal_pointer (&lookup->builder),
                    &g_array_index (targets, TcSipTarget, 0), NULL);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      TcSipStackDialog *entry = tc_sip_stack_lookup_dialog (lookup->stack, lookup->dialog_id);

      tc_debug ("no target for the ACK: %s", error->message);
      if (entry)
        entry->ack_resolving = FALSE;
    }
  g_clear_pointer (&lookup->builder, tc_sip_message_builder_free);
  g_free (lookup->dialog_id);
  g_free (lookup);
}

/* §13.2.2.4: the ACK for a 2xx to the INVITE, built once per INVITE and
 * dialog, and re-sent as it was for every retransmission of the 2xx.  It
 * goes to the dialog's next hop: where the INVITE went when that is the
 * same hop, else wherever the next hop resolves to. */
static void
send_ack_for (TcSipRequest *request, TcSipDialog *dialog, TcSipMessage *response, gboolean first)
{
  TcSipStack *stack = request->stack;
  g_autofree char *id = tc_sip_dialog_get_id (dialog);
  TcSipStackDialog *entry = tc_sip_stack_lookup_dialog (stack, id);
  const TcSipUri *next_hop = tc_sip_dialog_get_next_hop (dialog);
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;
  AckLookup *lookup;

  /* A dialog the TU has ended is not brought back by a late 2xx. */
  if (!entry && first)
    entry = tc_sip_stack_add_dialog (stack, dialog);
  if (entry && first && request->flow)
    tc_sip_stack_dialog_hold_flow (entry, request->flow);
  if (entry && entry->ack && tc_sip_message_get_cseq (entry->ack)->seq == tc_sip_message_get_cseq (request->sent)->seq)
    {
      tc_sip_stack_send_ack (stack, entry, entry->ack, &entry->ack_target, entry->ack_flow);
      return;
    }
  if (entry && entry->ack_resolving)
    return; /* it goes once resolved */

  builder = tc_sip_dialog_build_ack (dialog, request->sent, &error);
  if (!builder)
    {
      g_warning ("cannot build the ACK for a 2xx: %s", error->message);
      return;
    }
  if (first && !request->abandoned && request->handlers.build_ack)
    request->handlers.build_ack (request, response, builder, request->user_data);
  if (request->fixed_flow || !next_hop || !request->next_hop || tc_sip_uri_equal (next_hop, request->next_hop))
    {
      ack_send_built (stack, id, g_steal_pointer (&builder), &request->sent_target, request->flow);
      return;
    }
  if (entry)
    entry->ack_resolving = TRUE;
  lookup = g_new0 (AckLookup, 1);
  lookup->stack = stack;
  lookup->dialog_id = g_steal_pointer (&id);
  lookup->builder = g_steal_pointer (&builder);
  tc_sip_resolver_lookup_async (stack->resolver, next_hop, stack->cancellable, on_ack_resolved, lookup);
}

static void
on_bye_final (TcSipRequest *bye, TcSipMessage *response, TcSipDialog *dialog, const GError *error, gpointer user_data)
{
  tc_sip_stack_end_dialog (bye->stack, bye->dialog);
}

/* Ends @dialog, which the TU does not want, with BYE; the stack forgets it
 * when the BYE is over (until then, 2xx retransmissions are ACKed). */
static void
end_with_bye (TcSipRequest *request, TcSipDialog *dialog)
{
  static const TcSipRequestHandlers handlers = { .final = on_bye_final };
  g_autoptr (TcSipMessageBuilder) bye = NULL;
  g_autoptr (TcSipRequest) sent = NULL;
  g_autoptr (GError) error = NULL;
  TcSipRequestOptions options;

  bye = tc_sip_dialog_build_request (dialog, "BYE", &error);
  if (bye)
    {
      tc_sip_request_options_init (&options);
      options.credentials = request->credentials;
      sent =
        tc_sip_stack_send_request (request->stack, dialog, g_steal_pointer (&bye), &options, &handlers, NULL, &error);
    }
  if (!sent)
    {
      tc_debug ("cannot send BYE: %s", error->message);
      tc_sip_stack_end_dialog (request->stack, dialog);
    }
}

/* §13.2.2.4: a 2xx from a fork other than the one that won is ACKed and
 * its dialog ended with BYE, once. */
static void
extra_fork_2xx (TcSipRequest *request, TcSipMessage *response)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = tc_sip_dialog_id_from_message (response, TRUE);
  TcSipStackDialog *entry = id ? tc_sip_stack_lookup_dialog (request->stack, id) : NULL;
  g_autoptr (TcSipDialog) dialog = NULL;

  if (entry)
    {
      /* A retransmission: the same ACK again, no second BYE. */
      send_ack_for (request, entry->dialog, response, FALSE);
      return;
    }
  dialog = tc_sip_dialog_new_uac (request->sent, response, FALSE, &error);
  if (!dialog)
    return;
  tc_sip_stack_add_dialog (request->stack, dialog);
  send_ack_for (request, dialog, response, FALSE);
  end_with_bye (request, dialog);
}

/* A final non-2xx response or a failure ends the early dialogs (§12.3). */
void
tc_sip_request_end_early_dialogs (TcSipRequest *request)
{
  if (!request->early)
    return;
  for (guint i = 0; i < request->early->len; i++)
    {
      TcSipDialog *dialog = g_ptr_array_index (request->early, i);

      if (dialog != request->confirmed && request->stack)
        {
          tc_sip_dialog_terminate (dialog);
          tc_sip_stack_end_dialog (request->stack, dialog);
        }
    }
  g_ptr_array_set_size (request->early, 0);
}

void
tc_sip_request_invite_2xx (TcSipRequest *request, TcSipMessage *response)
{
  const TcSipNameAddr *to = tc_sip_message_get_to (response);
  g_autoptr (GError) error = NULL;
  TcSipDialog *dialog;

  if (request->confirmed)
    {
      if (to && tc_sip_str_equal (to->tag, tc_sip_dialog_get_remote_tag (request->confirmed)))
        send_ack_for (request, request->confirmed, response, FALSE); /* a retransmission */
      else
        extra_fork_2xx (request, response);
      return;
    }

  dialog = tc_sip_request_early_dialog_for (request, response);
  if (!dialog)
    {
      /* A 2xx without To tag or Contact cannot make a dialog (§12.1.2). */
      tc_sip_set_error (&error, TC_SIP_ERROR_PARSE, 0, "2xx to INVITE without a To tag or Contact");
      tc_sip_request_finish (request, response, NULL, error);
      return;
    }
  if (!tc_sip_dialog_confirm (dialog, response, &error))
    tc_debug ("confirming dialog: %s", error->message);
  request->confirmed = tc_sip_dialog_ref (dialog);

  /* The other early dialogs of this INVITE are over (§13.2.2.4). */
  for (guint i = 0; i < request->early->len; i++)
    {
      TcSipDialog *other = g_ptr_array_index (request->early, i);

      if (other != dialog)
        tc_sip_stack_end_dialog (request->stack, other);
    }

  send_ack_for (request, dialog, response, TRUE);
  if (request->abandoned)
    end_with_bye (request, dialog); /* nobody wants this call any more */
  tc_sip_request_finish (request, response, dialog, NULL);
}

/* ---- CANCEL (§9.1) -------------------------------------------------------- */

/* §9.1: no final response 64*T1 after the CANCEL: the INVITE is taken as
 * cancelled and its transaction ended, so a peer that never answers does
 * not keep the call (an INVITE in Proceeding has no timer of its own). */
static void
on_cancel_timeout (gpointer user_data)
{
  TcSipRequest *request = user_data; /* the timer's reference */
  g_autoptr (GError) error = NULL;

  request->cancel_timer = 0;
  if (!request->finished && request->stack)
    {
      TcSipClientTransaction *transaction =
        request->transaction ? tc_sip_client_transaction_ref (request->transaction) : NULL;

      tc_sip_set_error (&error, TC_SIP_ERROR_CANCELLED, 487,
                        "no final response within 64*T1 of the CANCEL (RFC 3261 9.1)");
      tc_sip_request_end_early_dialogs (request);
      tc_sip_request_finish (request, NULL, NULL, error);
      if (transaction)
        {
          tc_sip_client_transaction_transport_error (transaction, error);
          tc_sip_client_transaction_unref (transaction);
        }
    }
  tc_sip_request_unref (request);
}

void
tc_sip_request_send_cancel (TcSipRequest *request)
{
  TcSipMessage *invite = request->sent;
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  g_autoptr (TcSipMessage) cancel = NULL;
  g_autoptr (GError) error = NULL;
  TcSipStr ruri = tc_sip_message_get_request_uri_text (invite);
  g_autofree char *ruri_text = g_strndup (ruri.str, ruri.len);
  static const char *const copied[] = { "Via", "From", "To", "Call-ID", "Route", "Max-Forwards" };
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (invite);
  TcSipRequestCallbacks callbacks = { 0 };

  request->cancel_sent = TRUE;
  builder = tc_sip_message_builder_new_request ("CANCEL", ruri_text);
  for (guint c = 0; c < G_N_ELEMENTS (copied); c++)
    for (gint i = tc_sip_message_find_header_by_name (invite, copied[c], 0); i >= 0;
         i = tc_sip_message_find_header_by_name (invite, copied[c], i + 1))
      {
        const TcSipHeader *h = tc_sip_message_get_header (invite, i);
        g_autofree char *value = g_strndup (h->value.str, h->value.len);

        tc_sip_message_builder_add_header (builder, copied[c], value);
        if (c == 0)
          break; /* the top Via only */
      }
  tc_sip_message_builder_add_header_printf (builder, "CSeq", "%u CANCEL", cseq->seq);
  if (request->cancel_reason)
    tc_sip_message_builder_add_header (builder, "Reason", request->cancel_reason);
  cancel = tc_sip_message_builder_end (g_steal_pointer (&builder), &error);
  if (!cancel || !tc_sip_transaction_layer_send_request (request->stack->layer, cancel, &request->sent_target,
                                                         request->flow, &callbacks, NULL, &error))
    g_warning ("cannot send CANCEL: %s", error->message);
  if (!request->cancel_timer)
    request->cancel_timer = tc_sip_clock_add_timer (request->stack->clock, 64 * request->stack->config.timers.t1,
                                                    on_cancel_timeout, tc_sip_request_ref (request));
}

void
tc_sip_request_cancel (TcSipRequest *request, const char *reason)
{
  g_return_if_fail (request != NULL);

  if (!request->is_invite || request->finished || request->cancel_requested)
    return;
  request->cancel_requested = TRUE;
  request->cancel_reason = g_strdup (reason);
  if (request->got_provisional && request->sent)
    tc_sip_request_send_cancel (request);
  else if (!request->sent)
    {
      /* Not sent yet (still resolving): nothing to cancel on the wire. */
      g_autoptr (GError) error = NULL;

      tc_sip_set_error (&error, TC_SIP_ERROR_CANCELLED, 487, "request cancelled before it was sent");
      tc_sip_request_finish (request, NULL, NULL, error);
    }
}

void
tc_sip_request_abandon (TcSipRequest *request)
{
  g_return_if_fail (request != NULL);

  request->abandoned = TRUE;
  if (request->is_invite && !request->finished)
    tc_sip_request_cancel (request, NULL);
}
