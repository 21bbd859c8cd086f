/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transaction-server.c — the server side of the transaction layer: each
 * received request is matched to its server transaction (RFC 3261 §17.2.3,
 * transaction-match.c) as a retransmission or an ACK, or starts a new one
 * handed to the TU; an ACK matching nothing (the ACK for a 2xx) goes to the
 * TU alone.  CANCEL is answered here (§9.2: 200 and the TU told, or 481),
 * and so are merged requests (§8.2.2.2: 482).
 *
 * Each server transaction keeps the flow its request came over in use
 * until it ends, and sends its responses there (§18.2.2, see
 * tc_sip_layer_send_response()).
 */
#include "sip/transaction-layer-private.h"

#include "sip/builder.h"
#include "sip/debug.h"
#include "sip/random.h"

TcSipLayerServer *
tc_sip_layer_server_ref (TcSipLayerServer *entry)
{
  entry->ref_count++;
  return entry;
}

void
tc_sip_layer_server_unref (TcSipLayerServer *entry)
{
  if (--entry->ref_count > 0)
    return;
  g_assert (entry->layer == NULL);
  g_free (entry);
}

/* Removes @entry from the layer; no callback runs. */
void
tc_sip_layer_server_drop (TcSipLayerServer *entry)
{
  TcSipTransactionLayer *layer = entry->layer;

  if (!layer)
    return;
  if (entry->legacy)
    tc_sip_layer_legacy_remove (layer, entry);
  else
    g_hash_table_remove (layer->servers, &entry->key);
  if (entry->merge_indexed && g_hash_table_lookup (layer->merge, &entry->merge_key) == entry)
    g_hash_table_remove (layer->merge, &entry->merge_key);
  entry->merge_indexed = FALSE;
  tc_sip_layer_set_flow (&entry->flow, NULL);
  entry->layer = NULL;
  /* last: the table owns the transaction and the entry */
  g_hash_table_remove (layer->server_by_tr, entry->transaction);
}

/* ---- the server transaction's callbacks ------------------------------------ */

static void
on_server_send (TcSipServerTransaction *transaction, TcSipMessage *response, gpointer user_data)
{
  TcSipLayerServer *entry = user_data;
  g_autoptr (GError) error = NULL;

  if (!entry->layer)
    return;
  if (!tc_sip_layer_send_response (entry->layer, entry->flow, response, entry, &error))
    {
      tc_debug ("transaction layer: sending a %u failed: %s", tc_sip_message_get_status (response), error->message);
      tc_sip_server_transaction_transport_error (transaction, error);
    }
}

static void
on_server_request (TcSipServerTransaction *transaction, TcSipMessage *request, gpointer user_data)
{
  TcSipLayerServer *entry = user_data;
  TcSipTransactionLayer *layer = entry->layer;

  if (!layer)
    return;
  if (tc_sip_message_get_method (request) == TC_SIP_METHOD_ACK)
    {
      /* RFC 6026 §8.7: an ACK for the 2xx, in Accepted */
      if (layer->callbacks.ack_for_2xx)
        layer->callbacks.ack_for_2xx (layer, transaction, request, layer->user_data);
    }
  else if (!entry->internal && layer->callbacks.request)
    layer->callbacks.request (layer, transaction, request, entry->flow, layer->user_data);
}

static void
on_server_timeout (TcSipServerTransaction *transaction, gpointer user_data)
{
  tc_debug ("transaction layer: no ACK for the final response to an INVITE (Timer H)");
}

static void
on_server_terminated (TcSipServerTransaction *transaction, gpointer user_data)
{
  g_autoptr (TcSipLayerServer) entry = tc_sip_layer_server_ref (user_data);

  tc_sip_layer_server_drop (entry);
}

static const TcSipServerTransactionCallbacks server_callbacks = {
  .send = on_server_send,
  .request = on_server_request,
  .timeout = on_server_timeout,
  .terminated = on_server_terminated,
};

/* ---- new server transactions ------------------------------------------------ */

static gboolean
via_is_reliable (const TcSipVia *via)
{
  TcSipTransportType type;

  return tc_sip_transport_type_from_string (via->transport.str, via->transport.len, &type) &&
         tc_sip_transport_type_is_reliable (type);
}

static TcSipLayerServer *
server_new (TcSipTransactionLayer *layer, TcSipMessage *request, TcSipFlow *flow, gboolean internal)
{
  TcSipLayerServer *entry = g_new0 (TcSipLayerServer, 1);
  const TcSipVia *via = tc_sip_message_get_via (request, 0);
  gboolean reliable = flow ? tc_sip_flow_is_reliable (flow) : via_is_reliable (via);

  entry->ref_count = 1;
  entry->layer = layer;
  entry->internal = internal;
  entry->transaction =
    tc_sip_server_transaction_new (request, reliable, layer->clock, &layer->timers, &server_callbacks, entry);
  tc_sip_layer_set_flow (&entry->flow, flow);
  g_hash_table_insert (layer->server_by_tr, entry->transaction, entry);

  /* the keys are views into the request the transaction keeps */
  if (tc_sip_branch_is_rfc3261 (via->branch))
    {
      tc_sip_server_key_init (&entry->key, request, TC_SIP_STR_NULL);
      g_hash_table_insert (layer->servers, &entry->key, entry);
    }
  else
    {
      entry->legacy = TRUE;
      tc_sip_layer_legacy_insert (layer, entry);
    }
  if (!internal && !tc_sip_message_get_to (request)->tag.str && tc_sip_merge_key_init (&entry->merge_key, request) &&
      !g_hash_table_contains (layer->merge, &entry->merge_key))
    {
      g_hash_table_insert (layer->merge, &entry->merge_key, entry);
      entry->merge_indexed = TRUE;
    }
  return entry;
}

/* The layer's own answer, within @entry's transaction. */
static void
respond (TcSipLayerServer *entry, guint status, const char *reason, const char *to_tag)
{
  TcSipMessage *request = tc_sip_server_transaction_get_request (entry->transaction);
  g_autoptr (TcSipMessage) response = NULL;
  g_autoptr (GError) error = NULL;

  response =
    tc_sip_message_builder_end (tc_sip_message_builder_new_response_to (request, status, reason, to_tag), &error);
  if (!response)
    {
      /* the request's headers were valid when it was parsed */
      g_warning ("transaction layer: cannot build a %u: %s", status, error->message);
      return;
    }
  tc_sip_server_transaction_respond (entry->transaction, response);
}

/* RFC 3261 §9.2: a CANCEL gets its own non-INVITE server transaction,
 * answered here: 200 when it matches an INVITE server transaction (with
 * the To tag of that INVITE's response, when there is one), else 481. */
static void
receive_cancel (TcSipTransactionLayer *layer, TcSipMessage *cancel, TcSipFlow *flow)
{
  TcSipLayerServer *found = tc_sip_layer_find_server (layer, cancel, TC_SIP_LEGACY_MATCH_CANCEL);
  g_autoptr (TcSipServerTransaction) invite = found ? tc_sip_server_transaction_ref (found->transaction) : NULL;
  g_autoptr (TcSipLayerServer) entry = tc_sip_layer_server_ref (server_new (layer, cancel, flow, TRUE));
  char tag[17];
  TcSipMessage *invite_response;
  TcSipStr to_tag = TC_SIP_STR_NULL;

  tc_sip_server_transaction_start (entry->transaction);
  tc_sip_random_token (tag, 16);
  if (!invite)
    {
      tc_debug ("transaction layer: CANCEL matches no transaction: 481");
      respond (entry, 481, "Call/Transaction Does Not Exist", tag);
      return;
    }

  invite_response = tc_sip_server_transaction_get_last_response (invite);
  if (invite_response)
    to_tag = tc_sip_message_get_to (invite_response)->tag;
  if (to_tag.str && to_tag.len > 0 && to_tag.len < sizeof tag)
    {
      memcpy (tag, to_tag.str, to_tag.len);
      tag[to_tag.len] = '\0';
    }
  respond (entry, 200, NULL, tag);
  /* the INVITE is the TU's to end (487), unless it is already final */
  if (tc_sip_server_transaction_get_state (invite) == TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING)
    {
      if (layer->callbacks.cancel)
        layer->callbacks.cancel (layer, invite, cancel, layer->user_data);
    }
  else
    tc_debug ("transaction layer: CANCEL of an INVITE already %s",
              tc_sip_server_transaction_state_to_string (tc_sip_server_transaction_get_state (invite)));
}

void
tc_sip_layer_receive_request (TcSipTransactionLayer *layer, TcSipMessage *request, TcSipFlow *flow)
{
  TcSipLayerServer *entry;
  TcSipMergeKey merge_key;
  TcSipMethod method = tc_sip_message_get_method (request);

  if (tc_sip_message_get_n_vias (request) == 0)
    {
      tc_debug ("transaction layer: request without Via dropped");
      return;
    }

  if (method == TC_SIP_METHOD_ACK)
    {
      /* §17.2.3: the ACK for a non-2xx matches the INVITE's transaction;
       * the ACK for a 2xx matches none (RFC 6026 §8.7 unless Accepted) */
      entry = tc_sip_layer_find_server (layer, request, TC_SIP_LEGACY_MATCH_ACK);
      if (entry)
        tc_sip_server_transaction_receive_request (entry->transaction, request);
      else if (layer->callbacks.request)
        layer->callbacks.request (layer, NULL, request, flow, layer->user_data);
      return;
    }

  entry = tc_sip_layer_find_server (layer, request, TC_SIP_LEGACY_MATCH_SAME);
  if (entry)
    {
      /* a retransmission; over a new connection if the old one died */
      if (flow && (!entry->flow || tc_sip_flow_is_closed (entry->flow)))
        tc_sip_layer_set_flow (&entry->flow, flow);
      tc_sip_server_transaction_receive_request (entry->transaction, request);
      return;
    }

  if (method == TC_SIP_METHOD_CANCEL)
    {
      receive_cancel (layer, request, flow);
      return;
    }

  /* §8.2.2.2: no To tag, and the From tag, Call-ID and CSeq of a live
   * transaction this request did not match: it came by another path */
  if (!tc_sip_message_get_to (request)->tag.str && tc_sip_merge_key_init (&merge_key, request) &&
      g_hash_table_contains (layer->merge, &merge_key))
    {
      g_autoptr (GError) error = NULL;

      tc_debug ("transaction layer: merged request: 482");
      if (!tc_sip_transaction_layer_respond_stateless (layer, request, flow, 482, "Loop Detected", &error))
        tc_debug ("transaction layer: sending the 482 failed: %s", error->message);
      return;
    }

  entry = server_new (layer, request, flow, FALSE);
  tc_sip_server_transaction_start (entry->transaction);
}

TcSipFlow *
tc_sip_transaction_layer_get_request_flow (TcSipTransactionLayer *layer, TcSipServerTransaction *transaction)
{
  TcSipLayerServer *entry;

  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), NULL);
  entry = g_hash_table_lookup (layer->server_by_tr, transaction);
  return entry ? entry->flow : NULL;
}

guint
tc_sip_transaction_layer_get_n_server_transactions (TcSipTransactionLayer *layer)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), 0);
  return g_hash_table_size (layer->server_by_tr);
}
