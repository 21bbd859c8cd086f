/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stack.c — TcSipStack: the UA core's receiving side, its dialogs, and the
 * stack object (stack.h).  Sending is in stack-request.c.
 */
#include "sip/stack-private.h"

#include "sip/builder.h"
#include "sip/debug.h"
#include "sip/random.h"
#include "sip/sip-error.h"

struct _TcSipIncoming {
  gint ref_count;
  TcSipStack *stack; /* weak: NULL (and no transaction) once the stack is disposed */
  TcSipServerTransaction *transaction;
  TcSipMessage *request;
  TcSipFlow *flow;
  TcSipDialog *dialog;
  char *local_tag;
  gboolean answered; /* a final response went out */
};

G_DEFINE_FINAL_TYPE (TcSipStack, tc_sip_stack, G_TYPE_OBJECT)

void
tc_sip_stack_config_init (TcSipStackConfig *config)
{
  g_return_if_fail (config != NULL);

  *config = (TcSipStackConfig){
    .max_redirects = 5,
    .udp_max_size = 1300,
    .blacklist_us = 30 * G_TIME_SPAN_SECOND,
    .max_outstanding = 0,
    .user_agent = NULL,
  };
  tc_sip_timer_values_init (&config->timers);
}

/* ---- dialogs ---------------------------------------------------------------- */

static void
stack_dialog_free (gpointer data)
{
  TcSipStackDialog *entry = data;

  /* Timers were cancelled by stack_dialog_stop_retransmit() before. */
  tc_sip_stack_dialog_hold_flow (entry, NULL);
  tc_sip_dialog_unref (entry->dialog);
  g_clear_pointer (&entry->ack, tc_sip_message_unref);
  tc_sip_target_clear (&entry->ack_target);
  g_clear_object (&entry->ack_flow);
  g_clear_pointer (&entry->pending_2xx_transaction, tc_sip_server_transaction_unref);
  g_clear_pointer (&entry->pending_2xx, tc_sip_message_unref);
  g_free (entry);
}

void
tc_sip_stack_dialog_hold_flow (TcSipStackDialog *entry, TcSipFlow *flow)
{
  if (flow && !tc_sip_flow_is_reliable (flow))
    flow = NULL;
  if (entry->flow == flow)
    return;
  if (entry->flow)
    {
      tc_sip_flow_release (entry->flow);
      g_clear_object (&entry->flow);
    }
  if (flow)
    {
      entry->flow = g_object_ref (flow);
      tc_sip_flow_hold (flow);
    }
}

TcSipFlow *
tc_sip_stack_get_dialog_flow (TcSipStack *stack, TcSipDialog *dialog)
{
  g_autofree char *id = NULL;
  TcSipStackDialog *entry;

  g_return_val_if_fail (TC_SIP_IS_STACK (stack), NULL);
  g_return_val_if_fail (dialog != NULL, NULL);

  id = tc_sip_dialog_get_id (dialog);
  entry = g_hash_table_lookup (stack->dialogs, id);
  return entry ? entry->flow : NULL;
}

static void
stack_dialog_stop_retransmit (TcSipStack *stack, TcSipStackDialog *entry)
{
  tc_sip_clock_clear_timer (stack->clock, &entry->retransmit_timer);
  tc_sip_clock_clear_timer (stack->clock, &entry->ack_timeout_timer);
  g_clear_pointer (&entry->pending_2xx_transaction, tc_sip_server_transaction_unref);
  g_clear_pointer (&entry->pending_2xx, tc_sip_message_unref);
}

TcSipStackDialog *
tc_sip_stack_lookup_dialog (TcSipStack *stack, const char *id)
{
  return g_hash_table_lookup (stack->dialogs, id);
}

TcSipStackDialog *
tc_sip_stack_add_dialog (TcSipStack *stack, TcSipDialog *dialog)
{
  g_autofree char *id = tc_sip_dialog_get_id (dialog);
  TcSipStackDialog *entry = g_hash_table_lookup (stack->dialogs, id);

  if (entry)
    {
      if (entry->dialog != dialog)
        {
          /* The same dialog seen again through a new object (a fork's 2xx
           * after its 1xx): keep the newest state. */
          tc_sip_dialog_unref (entry->dialog);
          entry->dialog = tc_sip_dialog_ref (dialog);
        }
      return entry;
    }
  entry = g_new0 (TcSipStackDialog, 1);
  entry->stack = stack;
  entry->dialog = tc_sip_dialog_ref (dialog);
  g_hash_table_insert (stack->dialogs, g_steal_pointer (&id), entry);
  return entry;
}

void
tc_sip_stack_end_dialog (TcSipStack *stack, TcSipDialog *dialog)
{
  g_autofree char *id = NULL;
  TcSipStackDialog *entry;

  g_return_if_fail (TC_SIP_IS_STACK (stack));
  g_return_if_fail (dialog != NULL);

  id = tc_sip_dialog_get_id (dialog);
  entry = g_hash_table_lookup (stack->dialogs, id);
  if (!entry || entry->dialog != dialog)
    return;
  stack_dialog_stop_retransmit (stack, entry);
  g_hash_table_remove (stack->dialogs, id);
}

guint
tc_sip_stack_get_n_dialogs (TcSipStack *stack)
{
  g_return_val_if_fail (TC_SIP_IS_STACK (stack), 0);
  return g_hash_table_size (stack->dialogs);
}

void
tc_sip_stack_send_ack (TcSipStack *stack, TcSipStackDialog *entry, TcSipMessage *ack, const TcSipTarget *target,
                       TcSipFlow *flow)
{
  g_autoptr (GError) error = NULL;

  if (entry->ack != ack)
    {
      g_clear_pointer (&entry->ack, tc_sip_message_unref);
      entry->ack = tc_sip_message_ref (ack);
      tc_sip_target_clear (&entry->ack_target);
      tc_sip_target_copy (&entry->ack_target, target);
      g_clear_object (&entry->ack_flow);
      entry->ack_flow = flow ? g_object_ref (flow) : NULL;
    }
  if (!tc_sip_transaction_layer_send_stateless (stack->layer, ack, target, flow, &error))
    tc_debug ("sending ACK: %s", error->message);
}

gboolean
tc_sip_stack_handle_stray_2xx (TcSipStack *stack, TcSipMessage *response)
{
  g_autofree char *id = tc_sip_dialog_id_from_message (response, TRUE);
  TcSipStackDialog *entry = id ? g_hash_table_lookup (stack->dialogs, id) : NULL;
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (response);

  if (!entry || !entry->ack)
    return FALSE;
  /* Only the 2xx the stored ACK answers (same CSeq number). */
  if (tc_sip_message_get_cseq (entry->ack)->seq != cseq->seq)
    return FALSE;
  tc_sip_stack_send_ack (stack, entry, entry->ack, &entry->ack_target, entry->ack_flow);
  return TRUE;
}

/* ---- UAS: the 2xx to an INVITE until its ACK (§13.3.1.4) --------------------- */

static void
retransmit_2xx (gpointer user_data)
{
  TcSipStackDialog *entry = user_data;
  TcSipStack *stack = entry->stack;

  entry->retransmit_timer = 0;
  if (!entry->pending_2xx || !tc_sip_server_transaction_respond (entry->pending_2xx_transaction, entry->pending_2xx))
    return;
  entry->retransmit_interval = MIN (entry->retransmit_interval * 2, stack->config.timers.t2);
  entry->retransmit_timer = tc_sip_clock_add_timer (stack->clock, entry->retransmit_interval, retransmit_2xx, entry);
}

static void
ack_timed_out (gpointer user_data)
{
  TcSipStackDialog *entry = user_data;
  TcSipStack *stack = entry->stack;
  g_autoptr (TcSipDialog) dialog = NULL;
  g_autoptr (TcSipMessageBuilder) bye = NULL;

  entry->ack_timeout_timer = 0;
  dialog = tc_sip_dialog_ref (entry->dialog);
  stack_dialog_stop_retransmit (stack, entry);
  tc_debug ("no ACK for the 2xx in 64*T1: ending the dialog with BYE");
  bye = tc_sip_dialog_build_request (dialog, "BYE", NULL);
  if (bye)
    tc_sip_request_unref (tc_sip_stack_send_request (stack, dialog, g_steal_pointer (&bye), NULL, NULL, NULL, NULL));
  if (stack->handlers.ack_timeout)
    stack->handlers.ack_timeout (stack, dialog, stack->user_data);
  tc_sip_stack_end_dialog (stack, dialog);
}

static void
start_2xx_retransmission (TcSipStack *stack, TcSipStackDialog *entry, TcSipServerTransaction *transaction,
                          TcSipMessage *response)
{
  stack_dialog_stop_retransmit (stack, entry);
  entry->pending_2xx_transaction = tc_sip_server_transaction_ref (transaction);
  entry->pending_2xx = tc_sip_message_ref (response);
  entry->retransmit_interval = stack->config.timers.t1;
  /* On a reliable transport the 2xx is not retransmitted, but the ACK is
   * still awaited (§13.3.1.4). */
  if (!tc_sip_server_transaction_is_reliable (transaction))
    entry->retransmit_timer = tc_sip_clock_add_timer (stack->clock, entry->retransmit_interval, retransmit_2xx, entry);
  entry->ack_timeout_timer = tc_sip_clock_add_timer (stack->clock, 64 * stack->config.timers.t1, ack_timed_out, entry);
}

/* ---- incoming requests ---------------------------------------------------------- */

TcSipIncoming *
tc_sip_incoming_ref (TcSipIncoming *incoming)
{
  g_return_val_if_fail (incoming != NULL, NULL);
  g_atomic_int_inc (&incoming->ref_count);
  return incoming;
}

void
tc_sip_incoming_unref (TcSipIncoming *incoming)
{
  if (!incoming || !g_atomic_int_dec_and_test (&incoming->ref_count))
    return;
  if (incoming->stack)
    g_hash_table_remove (incoming->stack->incoming_live, incoming);
  g_clear_pointer (&incoming->transaction, tc_sip_server_transaction_unref);
  g_clear_pointer (&incoming->request, tc_sip_message_unref);
  g_clear_object (&incoming->flow);
  g_clear_pointer (&incoming->dialog, tc_sip_dialog_unref);
  g_free (incoming->local_tag);
  g_free (incoming);
}

TcSipMessage *
tc_sip_incoming_get_request (TcSipIncoming *incoming)
{
  g_return_val_if_fail (incoming != NULL, NULL);
  return incoming->request;
}

TcSipFlow *
tc_sip_incoming_get_flow (TcSipIncoming *incoming)
{
  g_return_val_if_fail (incoming != NULL, NULL);
  return incoming->flow;
}

TcSipDialog *
tc_sip_incoming_get_dialog (TcSipIncoming *incoming)
{
  g_return_val_if_fail (incoming != NULL, NULL);
  return incoming->dialog;
}

gboolean
tc_sip_incoming_is_answered (TcSipIncoming *incoming)
{
  g_return_val_if_fail (incoming != NULL, TRUE);
  return incoming->answered;
}

static gboolean
creates_dialog (TcSipMethod method)
{
  return method == TC_SIP_METHOD_INVITE || method == TC_SIP_METHOD_SUBSCRIBE || method == TC_SIP_METHOD_REFER;
}

TcSipMessageBuilder *
tc_sip_incoming_new_response (TcSipIncoming *incoming, guint status, const char *reason, const char *contact_user)
{
  TcSipStack *stack;
  TcSipMessageBuilder *builder;
  const TcSipNameAddr *to;
  TcSipMethod method;

  g_return_val_if_fail (incoming != NULL, NULL);
  g_return_val_if_fail (status >= 100 && status <= 699, NULL);

  stack = incoming->stack;
  to = tc_sip_message_get_to (incoming->request);
  method = tc_sip_message_get_method (incoming->request);
  if (!incoming->local_tag && status > 100 && !tc_sip_str_is_set (to->tag))
    incoming->local_tag = tc_sip_random_tag ();
  builder = tc_sip_message_builder_new_response_to (incoming->request, status, reason,
                                                    status > 100 ? incoming->local_tag : NULL);
  if (!stack)
    return builder; /* disposed: tc_sip_incoming_respond() will refuse it */
  /* §12.1.1: a response that makes a dialog carries the request's
   * Record-Route, in order, so the caller's route set matches ours. */
  if (status > 100 && status < 300 && creates_dialog (method) && !tc_sip_str_is_set (to->tag))
    for (gint i = tc_sip_message_find_header (incoming->request, TC_SIP_HEADER_RECORD_ROUTE, 0); i >= 0;
         i = tc_sip_message_find_header (incoming->request, TC_SIP_HEADER_RECORD_ROUTE, i + 1))
      {
        const TcSipHeader *h = tc_sip_message_get_header (incoming->request, i);
        g_autofree char *value = g_strndup (h->value.str, h->value.len);

        tc_sip_message_builder_add_header (builder, "Record-Route", value);
      }
  if (stack->user_agent)
    tc_sip_message_builder_add_header (builder, "Server", stack->user_agent);
  if (contact_user && status > 100 && status < 300 && creates_dialog (method))
    {
      TcSipTransportType type = tc_sip_flow_get_transport_type (incoming->flow);
      GInetSocketAddress *local = tc_sip_flow_get_local_address (incoming->flow);
      GSocketFamily family =
        local ? g_inet_address_get_family (g_inet_socket_address_get_address (local)) : G_SOCKET_FAMILY_IPV4;
      g_autofree char *host = NULL;
      g_autofree char *transport = g_ascii_strdown (tc_sip_transport_type_to_string (type), -1);
      guint16 port = 0;

      if (tc_sip_transport_get_sent_by (stack->transport, type, family, &host, &port))
        {
          gboolean v6 = strchr (host, ':') != NULL;
          g_autofree char *port_text = port ? g_strdup_printf (":%u", port) : g_strdup ("");

          tc_sip_message_builder_add_header_printf (builder, "Contact", "<%s:%s@%s%s%s%s;transport=%s>",
                                                    tc_sip_transport_type_is_secure (type) ? "sips" : "sip",
                                                    contact_user, v6 ? "[" : "", host, v6 ? "]" : "", port_text,
                                                    transport);
        }
    }
  return builder;
}

gboolean
tc_sip_incoming_respond (TcSipIncoming *incoming, TcSipMessageBuilder *response, GError **error)
{
  g_autoptr (TcSipMessageBuilder) owned = response;
  g_autoptr (TcSipMessage) message = NULL;
  TcSipStack *stack;
  guint status;
  TcSipMethod method;

  g_return_val_if_fail (incoming != NULL, FALSE);
  g_return_val_if_fail (response != NULL, FALSE);

  stack = incoming->stack;
  if (!stack)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500, "the stack is gone");
      return FALSE;
    }
  message = tc_sip_message_builder_end (g_steal_pointer (&owned), error);
  if (!message)
    return FALSE;
  status = tc_sip_message_get_status (message);
  method = tc_sip_message_get_method (incoming->request);

  /* A 101–299 to a dialog-creating request out of a dialog makes one (§12.1.1). */
  if (!incoming->dialog && status > 100 && status < 300 && creates_dialog (method) && incoming->local_tag)
    {
      g_autoptr (GError) local = NULL;

      incoming->dialog = tc_sip_dialog_new_uas (incoming->request, incoming->local_tag, &local);
      if (incoming->dialog)
        {
          if (status >= 200)
            tc_sip_dialog_confirm (incoming->dialog, message, NULL);
          tc_sip_stack_dialog_hold_flow (tc_sip_stack_add_dialog (stack, incoming->dialog), incoming->flow);
        }
      else
        tc_debug ("no UAS dialog: %s", local->message);
    }
  else if (incoming->dialog && status >= 200 && status < 300 &&
           tc_sip_dialog_get_state (incoming->dialog) == TC_SIP_DIALOG_STATE_EARLY)
    tc_sip_dialog_confirm (incoming->dialog, message, NULL);

  if (!tc_sip_server_transaction_respond (incoming->transaction, message))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500, "the transaction takes no %u response now", status);
      return FALSE;
    }
  if (status >= 200)
    {
      incoming->answered = TRUE;
      g_hash_table_remove (stack->incoming, incoming->transaction);
    }
  if (status >= 200 && status < 300 && method == TC_SIP_METHOD_INVITE && incoming->dialog)
    start_2xx_retransmission (stack, tc_sip_stack_add_dialog (stack, incoming->dialog), incoming->transaction, message);
  if (status >= 300 && incoming->dialog && tc_sip_dialog_get_state (incoming->dialog) == TC_SIP_DIALOG_STATE_EARLY)
    tc_sip_stack_end_dialog (stack, incoming->dialog);
  return TRUE;
}

gboolean
tc_sip_incoming_respond_status (TcSipIncoming *incoming, guint status, const char *reason, GError **error)
{
  return tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, status, reason, NULL), error);
}

static TcSipIncoming *
incoming_new (TcSipStack *stack, TcSipServerTransaction *transaction, TcSipMessage *request, TcSipFlow *flow,
              TcSipDialog *dialog)
{
  TcSipIncoming *incoming = g_new0 (TcSipIncoming, 1);

  incoming->ref_count = 1;
  incoming->stack = stack;
  incoming->transaction = tc_sip_server_transaction_ref (transaction);
  incoming->request = tc_sip_message_ref (request);
  incoming->flow = flow ? g_object_ref (flow) : NULL;
  incoming->dialog = dialog ? tc_sip_dialog_ref (dialog) : NULL;
  g_hash_table_add (stack->incoming_live, incoming);
  return incoming;
}

static void
respond_now (TcSipStack *stack, TcSipServerTransaction *transaction, TcSipMessage *request, guint status,
             const char *reason)
{
  g_autoptr (TcSipMessageBuilder) builder = tc_sip_message_builder_new_response_to (request, status, reason, NULL);
  g_autoptr (TcSipMessage) response = NULL;

  if (stack->user_agent)
    tc_sip_message_builder_add_header (builder, "Server", stack->user_agent);
  response = tc_sip_message_builder_end (g_steal_pointer (&builder), NULL);
  if (response)
    tc_sip_server_transaction_respond (transaction, response);
}

static void
handle_ack (TcSipStack *stack, TcSipMessage *ack)
{
  g_autofree char *id = tc_sip_dialog_id_from_message (ack, FALSE);
  TcSipStackDialog *entry = id ? g_hash_table_lookup (stack->dialogs, id) : NULL;
  g_autoptr (TcSipDialog) dialog = NULL;

  if (!entry)
    {
      tc_debug ("ACK for no dialog of ours: dropped");
      return;
    }
  if (entry->pending_2xx && tc_sip_message_get_cseq (entry->pending_2xx)->seq == tc_sip_message_get_cseq (ack)->seq)
    stack_dialog_stop_retransmit (stack, entry);
  dialog = tc_sip_dialog_ref (entry->dialog);
  if (stack->handlers.ack)
    stack->handlers.ack (stack, dialog, ack, stack->user_data);
}

static void
on_layer_request (TcSipTransactionLayer *layer, TcSipServerTransaction *transaction, TcSipMessage *request,
                  TcSipFlow *flow, gpointer user_data)
{
  TcSipStack *stack = user_data;
  const TcSipNameAddr *to = tc_sip_message_get_to (request);
  g_autoptr (TcSipIncoming) incoming = NULL;
  TcSipDialog *dialog = NULL;

  if (!transaction)
    {
      handle_ack (stack, request);
      return;
    }

  if (tc_sip_str_is_set (to->tag))
    {
      g_autofree char *id = tc_sip_dialog_id_from_message (request, FALSE);
      TcSipStackDialog *entry = id ? g_hash_table_lookup (stack->dialogs, id) : NULL;

      if (!entry)
        {
          /* §12.2.2: a request in a dialog we do not know. */
          respond_now (stack, transaction, request, 481, "Call/Transaction Does Not Exist");
          return;
        }
      dialog = entry->dialog;
      if (!tc_sip_dialog_receive_request (dialog, request))
        {
          respond_now (stack, transaction, request, 500, "CSeq Out of Order");
          return;
        }
      switch (tc_sip_message_get_method (request))
        {
        case TC_SIP_METHOD_INVITE:
        case TC_SIP_METHOD_UPDATE:
        case TC_SIP_METHOD_SUBSCRIBE:
        case TC_SIP_METHOD_NOTIFY:
        case TC_SIP_METHOD_REFER:
          /* Target refresh requests (§12.2.2, RFC 6665 §4, RFC 3311 §5.2). */
          tc_sip_dialog_update_remote_target (dialog, request);
          break;
        default:
          break;
        }
    }

  incoming = incoming_new (stack, transaction, request, flow, dialog);
  if (tc_sip_server_transaction_is_invite (transaction))
    g_hash_table_insert (stack->incoming, transaction, tc_sip_incoming_ref (incoming));
  if (!stack->handlers.request)
    {
      tc_sip_incoming_respond_status (incoming, 501, NULL, NULL);
      return;
    }
  stack->handlers.request (stack, incoming, stack->user_data);
}

static void
on_layer_cancel (TcSipTransactionLayer *layer, TcSipServerTransaction *invite, TcSipMessage *cancel, gpointer user_data)
{
  TcSipStack *stack = user_data;
  TcSipIncoming *found = g_hash_table_lookup (stack->incoming, invite);
  g_autoptr (TcSipIncoming) incoming = found ? tc_sip_incoming_ref (found) : NULL;

  if (!incoming)
    {
      respond_now (stack, invite, tc_sip_server_transaction_get_request (invite), 487, "Request Terminated");
      return;
    }
  /* §9.2: the INVITE ends with 487; then the TU hears of it. */
  tc_sip_incoming_respond_status (incoming, 487, "Request Terminated", NULL);
  if (stack->handlers.cancelled)
    stack->handlers.cancelled (stack, incoming, cancel, stack->user_data);
}

static void
on_layer_stray_response (TcSipTransactionLayer *layer, TcSipMessage *response, TcSipFlow *flow, gpointer user_data)
{
  TcSipStack *stack = user_data;
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (response);
  guint status = tc_sip_message_get_status (response);

  if (status >= 200 && status < 300 && tc_sip_str_equal (cseq->method, "INVITE"))
    {
      if (!tc_sip_stack_handle_stray_2xx (stack, response))
        tc_debug ("2xx to an INVITE of no dialog of ours: dropped");
      return;
    }
  tc_debug ("stray %u response dropped", status);
}

static void
on_layer_ack_for_2xx (TcSipTransactionLayer *layer, TcSipServerTransaction *transaction, TcSipMessage *ack,
                      gpointer user_data)
{
  handle_ack (user_data, ack);
}

static const TcSipTransactionLayerCallbacks layer_callbacks = {
  .request = on_layer_request,
  .cancel = on_layer_cancel,
  .stray_response = on_layer_stray_response,
  .ack_for_2xx = on_layer_ack_for_2xx,
};

/* ---- the stack object ----------------------------------------------------------- */

static void
tc_sip_stack_dispose (GObject *object)
{
  TcSipStack *stack = TC_SIP_STACK (object);

  /* No handler runs from here on. */
  g_cancellable_cancel (stack->cancellable);
  if (stack->requests)
    tc_sip_request_finalize_all (stack);
  if (stack->incoming_live)
    {
      GHashTableIter iter;
      gpointer key;

      /* The TU may keep its TcSipIncoming: it answers nothing any more and
       * no longer holds a server transaction of the layer. */
      g_hash_table_iter_init (&iter, stack->incoming_live);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          TcSipIncoming *incoming = key;

          incoming->stack = NULL;
          incoming->answered = TRUE;
          g_clear_pointer (&incoming->transaction, tc_sip_server_transaction_unref);
        }
      g_hash_table_remove_all (stack->incoming_live);
    }
  if (stack->dialogs)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, stack->dialogs);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        stack_dialog_stop_retransmit (stack, value);
    }
  /* The layer goes first, even if someone else holds it: its transactions
   * point at our requests and incoming requests. */
  if (stack->layer)
    {
      tc_sip_transaction_layer_set_callbacks (stack->layer, NULL, NULL);
      g_object_run_dispose (G_OBJECT (stack->layer));
    }
  if (stack->requests)
    tc_sip_request_drop_transactions (stack);
  g_clear_pointer (&stack->requests, g_hash_table_unref);
  g_clear_pointer (&stack->incoming, g_hash_table_unref);
  g_clear_pointer (&stack->dialogs, g_hash_table_unref);
  g_clear_pointer (&stack->incoming_live, g_hash_table_unref);
  g_clear_object (&stack->layer);
  g_clear_object (&stack->resolver);
  g_clear_object (&stack->transport);
  G_OBJECT_CLASS (tc_sip_stack_parent_class)->dispose (object);
}

static void
tc_sip_stack_finalize (GObject *object)
{
  TcSipStack *stack = TC_SIP_STACK (object);

  g_clear_pointer (&stack->clock, tc_sip_clock_unref);
  g_clear_object (&stack->cancellable);
  g_free (stack->user_agent);
  G_OBJECT_CLASS (tc_sip_stack_parent_class)->finalize (object);
}

static void
tc_sip_stack_class_init (TcSipStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_sip_stack_dispose;
  object_class->finalize = tc_sip_stack_finalize;
}

static void
tc_sip_stack_init (TcSipStack *stack)
{
  stack->dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stack_dialog_free);
  stack->incoming = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) tc_sip_incoming_unref);
  stack->requests = g_hash_table_new_full (g_direct_hash, g_direct_equal, (GDestroyNotify) tc_sip_request_unref, NULL);
  stack->incoming_live = g_hash_table_new (g_direct_hash, g_direct_equal);
  stack->cancellable = g_cancellable_new ();
}

TcSipStack *
tc_sip_stack_new (TcSipTransport *transport, TcSipResolver *resolver, TcSipClock *clock, const TcSipStackConfig *config)
{
  TcSipStack *stack;

  g_return_val_if_fail (TC_SIP_IS_TRANSPORT (transport), NULL);
  g_return_val_if_fail (clock != NULL, NULL);

  stack = g_object_new (TC_SIP_TYPE_STACK, NULL);
  if (config)
    stack->config = *config;
  else
    tc_sip_stack_config_init (&stack->config);
  stack->user_agent = g_strdup (stack->config.user_agent);
  stack->config.user_agent = stack->user_agent;
  stack->transport = g_object_ref (transport);
  stack->clock = tc_sip_clock_ref (clock);
  stack->resolver = resolver ? g_object_ref (resolver) : tc_sip_resolver_new (NULL, clock);
  stack->layer = tc_sip_transaction_layer_new (transport, clock, &stack->config.timers);
  tc_sip_transaction_layer_set_max_outstanding (stack->layer, stack->config.max_outstanding);
  tc_sip_transaction_layer_set_callbacks (stack->layer, &layer_callbacks, stack);
  return stack;
}

void
tc_sip_stack_set_handlers (TcSipStack *stack, const TcSipStackHandlers *handlers, gpointer user_data)
{
  g_return_if_fail (TC_SIP_IS_STACK (stack));

  if (handlers)
    stack->handlers = *handlers;
  else
    stack->handlers = (TcSipStackHandlers){ 0 };
  stack->user_data = user_data;
}

TcSipTransactionLayer *
tc_sip_stack_get_transaction_layer (TcSipStack *stack)
{
  g_return_val_if_fail (TC_SIP_IS_STACK (stack), NULL);
  return stack->layer;
}

TcSipResolver *
tc_sip_stack_get_resolver (TcSipStack *stack)
{
  g_return_val_if_fail (TC_SIP_IS_STACK (stack), NULL);
  return stack->resolver;
}

TcSipClock *
tc_sip_stack_get_clock (TcSipStack *stack)
{
  g_return_val_if_fail (TC_SIP_IS_STACK (stack), NULL);
  return stack->clock;
}

const TcSipStackConfig *
tc_sip_stack_get_config (TcSipStack *stack)
{
  g_return_val_if_fail (TC_SIP_IS_STACK (stack), NULL);
  return &stack->config;
}

TcSipMessageBuilder *
tc_sip_stack_new_request (TcSipStack *stack, const char *method, const char *request_uri, const char *from,
                          const char *to, GError **error)
{
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  g_autoptr (TcSipMessageBuilder) probe = NULL;
  g_autoptr (TcSipMessage) check = NULL;
  g_autofree char *tag = tc_sip_random_tag ();
  g_autofree char *call_id = tc_sip_random_call_id ();

  g_return_val_if_fail (TC_SIP_IS_STACK (stack), NULL);
  g_return_val_if_fail (method && request_uri && from && to, NULL);

  builder = tc_sip_message_builder_new_request (method, request_uri);
  tc_sip_message_builder_add_header (builder, "Max-Forwards", "70");
  tc_sip_message_builder_add_header_printf (builder, "From", "%s;tag=%s", from, tag);
  tc_sip_message_builder_add_header (builder, "To", to);
  tc_sip_message_builder_add_header (builder, "Call-ID", call_id);
  tc_sip_message_builder_add_header_printf (builder, "CSeq", "1 %s", method);
  if (stack->user_agent)
    tc_sip_message_builder_add_header (builder, "User-Agent", stack->user_agent);

  /* Fail now on values that are not SIP. */
  probe = tc_sip_message_builder_copy (builder);
  tc_sip_message_builder_prepend_header (probe, "Via", "SIP/2.0/UDP invalid;branch=z9hG4bKx");
  check = tc_sip_message_builder_end (g_steal_pointer (&probe), error);
  if (!check)
    return NULL;
  return g_steal_pointer (&builder);
}
