/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transaction-client.c — the client side of the transaction layer: starting
 * client transactions (RFC 3261 §17.1) on the transport, matching responses
 * to them (§17.1.3), reporting timeouts and transport errors to the TU
 * (§8.1.3.1, §17.1.4), and capping the transactions outstanding per
 * destination.
 *
 * The first sending of a request goes to the transport with its target;
 * the flow the transport used is then kept (held in use, so that a
 * connection is not closed for idleness under a transaction) for the
 * retransmissions, the ACK of a non-2xx, and for tc_sip_transaction_layer_
 * get_client_flow().  A send failure is always reported from a clock timer
 * (delay 0), never from inside the call that sent.
 */
#include "sip/transaction-layer-private.h"

#include "sip/debug.h"
#include "sip/sip-error.h"

static TcSipLayerClient *
client_ref (TcSipLayerClient *entry)
{
  entry->ref_count++;
  return entry;
}

void
tc_sip_layer_client_unref (TcSipLayerClient *entry)
{
  if (--entry->ref_count > 0)
    return;
  g_assert (entry->layer == NULL);
  g_clear_error (&entry->error);
  g_free (entry->key_text);
  g_free (entry);
}

void
tc_sip_layer_set_flow (TcSipFlow **slot, TcSipFlow *flow)
{
  if (*slot == flow)
    return;
  if (flow)
    {
      g_object_ref (flow);
      tc_sip_flow_begin_use (flow);
    }
  if (*slot)
    {
      tc_sip_flow_end_use (*slot);
      g_object_unref (*slot);
    }
  *slot = flow;
}

void
tc_sip_destination_free (TcSipDestination *destination)
{
  g_queue_clear (&destination->waiting);
  g_free (destination->key);
  g_free (destination);
}

/* ---- per-destination queueing ---------------------------------------------- */

static void
start_waiting (TcSipTransactionLayer *layer, TcSipDestination *destination)
{
  while (destination->waiting.length > 0 &&
         (layer->max_outstanding == 0 || destination->n_outstanding < layer->max_outstanding))
    {
      TcSipLayerClient *next = g_queue_pop_head (&destination->waiting);

      next->queued = FALSE;
      next->outstanding = TRUE;
      destination->n_outstanding++;
      tc_debug ("transaction layer: %s: starting a queued request (%u outstanding)", destination->key,
                destination->n_outstanding);
      tc_sip_client_transaction_start (next->transaction);
    }
  if (destination->n_outstanding == 0 && destination->waiting.length == 0)
    g_hash_table_remove (layer->destinations, destination->key);
}

/* The transaction completed or ended: it no longer counts. */
static void
release_outstanding (TcSipLayerClient *entry)
{
  TcSipDestination *destination = entry->destination;

  if (!destination || !entry->layer)
    return;
  if (entry->queued)
    g_queue_remove (&destination->waiting, entry);
  else if (entry->outstanding)
    destination->n_outstanding--;
  entry->queued = entry->outstanding = FALSE;
  entry->destination = NULL;
  start_waiting (entry->layer, destination);
}

void
tc_sip_layer_drain_destinations (TcSipTransactionLayer *layer)
{
  g_autoptr (GPtrArray) destinations = tc_sip_layer_table_values (layer->destinations);

  /* start_waiting() may remove the destination from the table */
  for (guint i = 0; i < destinations->len; i++)
    start_waiting (layer, g_ptr_array_index (destinations, i));
}

/* ---- lifetime -------------------------------------------------------------- */

/* Removes @entry from the layer; no callback runs. */
void
tc_sip_layer_client_drop (TcSipLayerClient *entry)
{
  TcSipTransactionLayer *layer = entry->layer;

  if (!layer)
    return;
  release_outstanding (entry);
  tc_sip_clock_clear_timer (layer->clock, &entry->error_timer);
  g_hash_table_remove (layer->clients, &entry->key);
  tc_sip_layer_set_flow (&entry->flow, NULL);
  tc_sip_target_clear (&entry->target);
  entry->layer = NULL;
  /* last: the table owns the transaction and the entry */
  g_hash_table_remove (layer->client_by_tr, entry->transaction);
}

/* ---- the client transaction's callbacks ------------------------------------ */

static void
on_error_timer (gpointer user_data)
{
  TcSipLayerClient *entry = user_data;
  g_autoptr (GError) error = g_steal_pointer (&entry->error);

  entry->error_timer = 0;
  tc_sip_client_transaction_transport_error (entry->transaction, error);
}

static void
report_later (TcSipLayerClient *entry, GError *error)
{
  if (entry->error_timer)
    {
      g_error_free (error);
      return;
    }
  entry->error = error;
  entry->error_timer = tc_sip_clock_add_timer (entry->layer->clock, 0, on_error_timer, entry);
}

static void
on_sent (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  g_autoptr (TcSipLayerClient) entry = user_data;

  entry->send_pending = FALSE;
  if (!entry->layer)
    return; /* the transaction ended while the transport was connecting */
  if (error)
    {
      tc_sip_client_transaction_transport_error (entry->transaction, error);
      return;
    }
  if (flow)
    tc_sip_layer_set_flow (&entry->flow, flow);
}

static void
on_client_send (TcSipClientTransaction *transaction, TcSipMessage *message, gpointer user_data)
{
  TcSipLayerClient *entry = user_data;
  TcSipTransactionLayer *layer = entry->layer;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TcSipFlow) flow = NULL;
  GError *error = NULL;

  if (!layer)
    return;
  bytes = tc_sip_message_to_bytes (message);
  if (entry->flow)
    {
      /* retransmissions and the ACK go where the request went (§17.1.1.3) */
      if (!tc_sip_flow_send (entry->flow, bytes, &error))
        report_later (entry, error);
      return;
    }
  if (entry->send_pending)
    {
      tc_debug ("transaction layer: connection pending, retransmission not sent");
      return;
    }
  if (!entry->has_target)
    {
      report_later (entry, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED, "the request's flow is closed"));
      return;
    }

  switch (tc_sip_transport_send (layer->transport, bytes, &entry->target, &flow, on_sent, client_ref (entry), &error))
    {
    case TC_SIP_SEND_DONE:
      tc_sip_layer_client_unref (entry);
      if (flow)
        tc_sip_layer_set_flow (&entry->flow, flow);
      break;
    case TC_SIP_SEND_PENDING:
      entry->send_pending = TRUE;
      break;
    case TC_SIP_SEND_FAILED:
      tc_sip_layer_client_unref (entry);
      report_later (entry, error);
      break;
    }
}

static gboolean
is_pending_state (TcSipClientTransaction *transaction)
{
  switch (tc_sip_client_transaction_get_state (transaction))
    {
    case TC_SIP_CLIENT_TRANSACTION_STATE_CALLING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_TRYING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING:
      return TRUE;
    case TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED:
    case TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED:
    case TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED:
      break;
    }
  return FALSE;
}

static void
on_client_response (TcSipClientTransaction *transaction, TcSipMessage *response, gpointer user_data)
{
  g_autoptr (TcSipLayerClient) entry = client_ref (user_data);

  if (entry->callbacks.response)
    entry->callbacks.response (transaction, response, entry->user_data);
  /* a final response: the destination may take the next request */
  if (!is_pending_state (transaction))
    release_outstanding (entry);
}

static void
on_client_timeout (TcSipClientTransaction *transaction, gpointer user_data)
{
  TcSipLayerClient *entry = user_data;
  g_autoptr (GError) error = NULL;

  /* RFC 3261 §8.1.3.1: the TU treats Timer B/F as a 408 */
  tc_sip_set_error (&error, TC_SIP_ERROR_TIMEOUT, 408, "no response to the %s (Timer %s)",
                    tc_sip_client_transaction_is_invite (transaction) ? "INVITE" : "request",
                    tc_sip_client_transaction_is_invite (transaction) ? "B" : "F");
  if (entry->callbacks.failed)
    entry->callbacks.failed (transaction, error, entry->user_data);
}

static void
on_client_transport_error (TcSipClientTransaction *transaction, const GError *error, gpointer user_data)
{
  TcSipLayerClient *entry = user_data;

  if (entry->callbacks.failed)
    entry->callbacks.failed (transaction, error, entry->user_data);
}

static void
on_client_terminated (TcSipClientTransaction *transaction, gpointer user_data)
{
  g_autoptr (TcSipLayerClient) entry = client_ref (user_data);

  if (entry->callbacks.terminated)
    entry->callbacks.terminated (transaction, entry->user_data);
  tc_sip_layer_client_drop (entry);
}

static const TcSipClientTransactionCallbacks client_callbacks = {
  .send = on_client_send,
  .response = on_client_response,
  .timeout = on_client_timeout,
  .transport_error = on_client_transport_error,
  .terminated = on_client_terminated,
};

/* ---- sending a request ------------------------------------------------------ */

static TcSipDestination *
get_destination (TcSipTransactionLayer *layer, const TcSipTarget *target, TcSipFlow *flow)
{
  g_autofree char *key = flow ? g_strdup_printf ("flow:%p", (void *) flow) : tc_sip_target_to_string (target);
  TcSipDestination *destination = g_hash_table_lookup (layer->destinations, key);

  if (!destination)
    {
      destination = g_new0 (TcSipDestination, 1);
      destination->key = g_steal_pointer (&key);
      g_queue_init (&destination->waiting);
      g_hash_table_insert (layer->destinations, destination->key, destination);
    }
  return destination;
}

TcSipClientTransaction *
tc_sip_transaction_layer_send_request (TcSipTransactionLayer *layer, TcSipMessage *request, const TcSipTarget *target,
                                       TcSipFlow *flow, const TcSipRequestCallbacks *callbacks, gpointer user_data,
                                       GError **error)
{
  TcSipLayerClient *entry;
  TcSipClientKey key;
  gboolean reliable;

  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (target != NULL || flow != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tc_sip_message_is_request (request) || tc_sip_message_get_method (request) == TC_SIP_METHOD_ACK)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500, "%s",
                        tc_sip_message_is_request (request) ? "an ACK has no client transaction" : "not a request");
      return NULL;
    }
  key.branch = tc_sip_message_get_n_vias (request) > 0 ? tc_sip_message_get_via (request, 0)->branch : TC_SIP_STR_NULL;
  key.method = tc_sip_message_get_method_name (request);
  if (!tc_sip_branch_is_rfc3261 (key.branch))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500, "the top Via has no RFC 3261 branch");
      return NULL;
    }
  if (g_hash_table_contains (layer->clients, &key))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_TRANSACTION_EXISTS, 500, "a %.*s transaction with branch %.*s exists",
                        (int) key.method.len, key.method.str, (int) key.branch.len, key.branch.str);
      return NULL;
    }

  if (flow && tc_sip_flow_is_closed (flow))
    flow = NULL;
  entry = g_new0 (TcSipLayerClient, 1);
  entry->ref_count = 1;
  entry->layer = layer;
  /* The key's own copy: "<branch><method>" */
  entry->key_text = g_malloc (key.branch.len + key.method.len + 1);
  memcpy (entry->key_text, key.branch.str, key.branch.len);
  memcpy (entry->key_text + key.branch.len, key.method.str, key.method.len);
  entry->key_text[key.branch.len + key.method.len] = '\0';
  entry->key.branch = (TcSipStr){ entry->key_text, key.branch.len };
  entry->key.method = (TcSipStr){ entry->key_text + key.branch.len, key.method.len };
  if (target)
    {
      tc_sip_target_copy (&entry->target, target);
      entry->has_target = TRUE;
    }
  if (flow)
    tc_sip_layer_set_flow (&entry->flow, flow);
  if (callbacks)
    entry->callbacks = *callbacks;
  entry->user_data = user_data;
  reliable = flow ? tc_sip_flow_is_reliable (flow) : tc_sip_transport_type_is_reliable (target->type);
  entry->transaction =
    tc_sip_client_transaction_new (request, reliable, layer->clock, &layer->timers, &client_callbacks, entry);
  g_hash_table_insert (layer->client_by_tr, entry->transaction, entry);
  g_hash_table_insert (layer->clients, &entry->key, entry);

  if (!flow && !target)
    {
      /* the given flow closed and there is nowhere else to send */
      report_later (entry, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED, "the flow is closed"));
      return entry->transaction;
    }
  if (layer->max_outstanding > 0)
    {
      entry->destination = get_destination (layer, target, flow);
      if (entry->destination->n_outstanding >= layer->max_outstanding)
        {
          tc_debug ("transaction layer: %s: %u outstanding, request queued", entry->destination->key,
                    entry->destination->n_outstanding);
          entry->queued = TRUE;
          g_queue_push_tail (&entry->destination->waiting, entry);
          return entry->transaction;
        }
      entry->outstanding = TRUE;
      entry->destination->n_outstanding++;
    }
  tc_sip_client_transaction_start (entry->transaction);
  return entry->transaction;
}

/* ---- responses and closed flows --------------------------------------------- */

void
tc_sip_layer_receive_response (TcSipTransactionLayer *layer, TcSipMessage *response, TcSipFlow *flow)
{
  TcSipLayerClient *entry = NULL;
  TcSipClientKey key;

  if (tc_sip_message_get_n_vias (response) > 0)
    {
      /* RFC 3261 §17.1.3: the top Via's branch and the CSeq method */
      key.branch = tc_sip_message_get_via (response, 0)->branch;
      key.method = tc_sip_message_get_cseq (response)->method;
      if (key.branch.str)
        entry = g_hash_table_lookup (layer->clients, &key);
    }
  if (entry && !entry->queued && tc_sip_client_transaction_receive_response (entry->transaction, response))
    return;

  tc_debug ("transaction layer: %u response matches no client transaction", tc_sip_message_get_status (response));
  if (layer->callbacks.stray_response)
    layer->callbacks.stray_response (layer, response, flow, layer->user_data);
}

void
tc_sip_layer_clients_flow_closed (TcSipTransactionLayer *layer, TcSipFlow *flow, const GError *error)
{
  g_autoptr (GPtrArray) hit = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_layer_client_unref);
  g_autoptr (GError) closed = NULL;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, layer->client_by_tr);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((TcSipLayerClient *) value)->flow == flow)
      g_ptr_array_add (hit, client_ref (value));
  if (hit->len == 0)
    return;
  if (!error)
    error = closed = g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED, "the connection closed");
  /* §17.1.4: each is told; a callback may end others, so check again */
  for (guint i = 0; i < hit->len; i++)
    {
      TcSipLayerClient *entry = g_ptr_array_index (hit, i);

      if (entry->layer)
        tc_sip_client_transaction_transport_error (entry->transaction, error);
    }
}

TcSipFlow *
tc_sip_transaction_layer_get_client_flow (TcSipTransactionLayer *layer, TcSipClientTransaction *transaction)
{
  TcSipLayerClient *entry;

  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), NULL);
  entry = g_hash_table_lookup (layer->client_by_tr, transaction);
  return entry ? entry->flow : NULL;
}

guint
tc_sip_transaction_layer_get_n_client_transactions (TcSipTransactionLayer *layer)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), 0);
  return g_hash_table_size (layer->client_by_tr);
}
