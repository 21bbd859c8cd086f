/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transaction-layer.c — TcSipTransactionLayer (transaction-layer.h): the
 * object, the transport's callbacks (received messages dispatched to the
 * client or server side, bad requests answered, closed flows), the Via of
 * requests sent, stateless sending and the RFC 3261 §18.2.2 sending of
 * responses.  The client side is transaction-client.c, the server side
 * transaction-server.c, matching transaction-match.c.
 */
#include "sip/transaction-layer-private.h"

#include "sip/builder.h"
#include "sip/debug.h"
#include "sip/random.h"
#include "sip/salvage.h"
#include "sip/sip-error.h"

G_DEFINE_TYPE (TcSipTransactionLayer, tc_sip_transaction_layer, G_TYPE_OBJECT)

/* ---- §18.2.2: sending responses ---------------------------------------------- */

/* The target §18.2.2 names for a response whose request's connection is
 * gone (or that came without a flow): the top Via's "received" address (or
 * its sent-by host), at the "rport" port on UDP (RFC 3581 §4), else the
 * sent-by port or the transport's default.  Only IP addresses: a sent-by
 * that is a host name would need RFC 3263 §5 resolution, which this layer
 * does not do. */
static gboolean
target_from_via (const TcSipVia *via, TcSipTarget *target, GError **error)
{
  TcSipTransportType type;
  TcSipStr host = tc_sip_str_is_set (via->received) ? via->received : via->host;
  char text[64];
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  guint16 port;

  if (!tc_sip_transport_type_from_string (via->transport.str, via->transport.len, &type))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "unsupported Via transport %.*s",
                   (int) via->transport.len, via->transport.str);
      return FALSE;
    }
  /* a received address may come bracketed from a lenient peer */
  if (host.len >= 2 && host.str[0] == '[' && host.str[host.len - 1] == ']')
    host = tc_sip_str (host.str + 1, host.len - 2);
  if (host.len >= sizeof text)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Via host too long");
      return FALSE;
    }
  memcpy (text, host.str, host.len);
  text[host.len] = '\0';
  inet = g_inet_address_new_from_string (text);
  if (!inet)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "cannot reach %s: responding to a Via host name is not supported", text);
      return FALSE;
    }
  port = via->port ? via->port : tc_sip_transport_type_get_default_port (type);
  if (type == TC_SIP_TRANSPORT_UDP && via->rport > 0)
    port = via->rport;
  address = g_inet_socket_address_new (inet, port);
  tc_sip_target_init (target, type, G_INET_SOCKET_ADDRESS (address), NULL);
  return TRUE;
}

static void
on_response_sent (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  g_autoptr (TcSipLayerServer) entry = user_data;

  if (!entry->layer)
    return;
  if (error)
    tc_sip_server_transaction_transport_error (entry->transaction, error);
  else if (flow)
    tc_sip_layer_set_flow (&entry->flow, flow);
}

static void
on_stateless_sent (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  if (error)
    tc_debug ("transaction layer: stateless send failed: %s", error->message);
}

gboolean
tc_sip_layer_send_response (TcSipTransactionLayer *layer, TcSipFlow *flow, TcSipMessage *response,
                            TcSipLayerServer *entry, GError **error)
{
  g_autoptr (GBytes) bytes = tc_sip_message_to_bytes (response);
  g_autoptr (TcSipFlow) new_flow = NULL;
  TcSipTarget target;
  TcSipSendResult result;

  /* §18.2.2: over the connection (or, for UDP, to the source address and
   * port: the flow) the request came from */
  if (flow && !tc_sip_flow_is_closed (flow))
    return tc_sip_flow_send (flow, bytes, error);

  if (tc_sip_message_get_n_vias (response) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "response without Via");
      return FALSE;
    }
  /* §18.2.2: that connection is gone: open one to the Via's address */
  if (!target_from_via (tc_sip_message_get_via (response, 0), &target, error))
    return FALSE;
  result = tc_sip_transport_send (layer->transport, bytes, &target, entry ? &new_flow : NULL,
                                  entry ? on_response_sent : on_stateless_sent,
                                  entry ? tc_sip_layer_server_ref (entry) : NULL, error);
  tc_sip_target_clear (&target);
  switch (result)
    {
    case TC_SIP_SEND_DONE:
      if (entry)
        {
          if (new_flow)
            tc_sip_layer_set_flow (&entry->flow, new_flow);
          tc_sip_layer_server_unref (entry);
        }
      return TRUE;
    case TC_SIP_SEND_PENDING:
      return TRUE;
    case TC_SIP_SEND_FAILED:
      if (entry)
        tc_sip_layer_server_unref (entry);
      return FALSE;
    }
  g_return_val_if_reached (FALSE);
}

/* ---- stateless sending ---------------------------------------------------------- */

gboolean
tc_sip_transaction_layer_send_stateless (TcSipTransactionLayer *layer, TcSipMessage *message, const TcSipTarget *target,
                                         TcSipFlow *flow, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;

  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (target != NULL || flow != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = tc_sip_message_to_bytes (message);
  if (flow && !tc_sip_flow_is_closed (flow))
    return tc_sip_flow_send (flow, bytes, error);
  if (!target)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the flow is closed");
      return FALSE;
    }
  return tc_sip_transport_send (layer->transport, bytes, target, NULL, on_stateless_sent, NULL, error) !=
         TC_SIP_SEND_FAILED;
}

gboolean
tc_sip_transaction_layer_respond_stateless (TcSipTransactionLayer *layer, TcSipMessage *request, TcSipFlow *flow,
                                            guint status, const char *reason, GError **error)
{
  g_autoptr (TcSipMessage) response = NULL;
  char tag[17];

  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), FALSE);
  g_return_val_if_fail (request != NULL && tc_sip_message_is_request (request), FALSE);
  g_return_val_if_fail (status >= 100 && status <= 699, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* §8.2.6.2: a To tag on all but a 100 (Trying) */
  tc_sip_random_token (tag, 16);
  response = tc_sip_message_builder_end (
    tc_sip_message_builder_new_response_to (request, status, reason, status > 100 ? tag : NULL), error);
  return response && tc_sip_layer_send_response (layer, flow, response, NULL, error);
}

/* ---- answering requests that did not parse (RFC 3261 §8.2, §21.4.1) ----------- */

/* @value with folds and any other control characters made spaces. */
static char *
unfold (TcSipStr value)
{
  char *text = g_strndup (value.str, value.len);

  for (char *p = text; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return text;
}

/* Whether a raw To value has a tag parameter, after its URI. */
static gboolean
raw_has_tag (TcSipStr to)
{
  const char *p = to.str, *end = to.str + to.len;
  const char *gt = NULL;

  for (const char *q = p; q < end; q++)
    if (*q == '>')
      gt = q;
  if (gt)
    p = gt;
  for (; p + 5 <= end; p++)
    if (*p == ';' && tc_sip_mem_equal_ci (p + 1, "tag=", 4))
      return TRUE;
  return FALSE;
}

static TcSipMessage *
build_salvaged_response (const TcSipSalvage *salvage, guint status, const char *reason, GError **error)
{
  TcSipMessageBuilder *builder = tc_sip_message_builder_new_response (status, reason);
  g_autofree char *from = unfold (salvage->from);
  g_autofree char *to = unfold (salvage->to);
  g_autofree char *call_id = unfold (salvage->call_id);
  g_autofree char *cseq = unfold (salvage->cseq);

  for (guint i = 0; i < salvage->n_vias; i++)
    {
      g_autofree char *via = unfold (salvage->vias[i]);

      tc_sip_message_builder_add_header (builder, "Via", via);
    }
  tc_sip_message_builder_add_header (builder, "From", from);
  if (raw_has_tag (salvage->to))
    tc_sip_message_builder_add_header (builder, "To", to);
  else
    {
      char tag[17];

      tc_sip_random_token (tag, 16);
      tc_sip_message_builder_add_header_printf (builder, "To", "%s;tag=%s", to, tag);
    }
  tc_sip_message_builder_add_header (builder, "Call-ID", call_id);
  tc_sip_message_builder_add_header (builder, "CSeq", cseq);
  return tc_sip_message_builder_end (builder, error);
}

static void
on_transport_bad_message (TcSipTransport *transport, GBytes *bytes, TcSipFlow *flow, const GError *error,
                          gpointer user_data)
{
  TcSipTransactionLayer *layer = user_data;
  TcSipSalvage salvage;
  g_autoptr (TcSipMessage) response = NULL;
  g_autoptr (GError) build_error = NULL;
  g_autofree char *reason = NULL;
  guint status = error ? tc_sip_error_get_status (error) : 0;

  /* only a request with what a response needs; never an ACK (§17.1.1.3:
   * ACKs are not answered) and never a response */
  if (!tc_sip_salvage_request (bytes, &salvage) || tc_sip_str_equal (salvage.method, "ACK"))
    {
      tc_debug ("transaction layer: unparsable message dropped: %s", error ? error->message : "no reason");
      return;
    }
  if (status < 400 || status > 699)
    status = 400;
  /* the parser's message is printable ASCII: a reason phrase (§25.1),
   * kept short */
  if (error && error->message[0])
    reason = g_strndup (error->message, 200);
  response = build_salvaged_response (&salvage, status, reason, &build_error);
  if (!response && reason)
    {
      g_clear_error (&build_error);
      response = build_salvaged_response (&salvage, status, NULL, &build_error);
    }
  if (!response)
    {
      tc_debug ("transaction layer: cannot answer an unparsable request: %s", build_error->message);
      return;
    }
  tc_debug ("transaction layer: answering an unparsable %.*s with %u", (int) salvage.method.len, salvage.method.str,
            status);
  if (!tc_sip_layer_send_response (layer, flow, response, NULL, &build_error))
    tc_debug ("transaction layer: sending the %u failed: %s", status, build_error->message);
}

/* ---- the transport's callbacks ------------------------------------------------- */

static void
on_transport_message (TcSipTransport *transport, TcSipMessage *message, TcSipFlow *flow, gpointer user_data)
{
  TcSipTransactionLayer *layer = user_data;
  G_GNUC_UNUSED g_autoptr (TcSipTransactionLayer) hold = g_object_ref (layer);

  if (tc_sip_message_is_request (message))
    {
      GInetSocketAddress *source = flow ? tc_sip_flow_get_remote_address (flow) : NULL;

      /* Responses built from it carry received/rport (RFC 3581). */
      if (source && !tc_sip_message_get_source (message))
        tc_sip_message_set_source (message, source);
      tc_sip_layer_receive_request (layer, message, flow);
    }
  else
    tc_sip_layer_receive_response (layer, message, flow);
}

static void
on_transport_flow_closed (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  TcSipTransactionLayer *layer = user_data;
  G_GNUC_UNUSED g_autoptr (TcSipTransactionLayer) hold = g_object_ref (layer);

  /* §17.1.4: client transactions on the flow fail.  Server transactions
   * stay: their responses open a new connection (§18.2.2), and fail then
   * if they must. */
  tc_sip_layer_clients_flow_closed (layer, flow, error);
}

static const TcSipTransportCallbacks transport_callbacks = {
  .message = on_transport_message,
  .bad_message = on_transport_bad_message,
  .flow_closed = on_transport_flow_closed,
};

/* ---- the object ----------------------------------------------------------------- */

GPtrArray *
tc_sip_layer_table_values (GHashTable *table)
{
  GPtrArray *values = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (values, value);
  return values;
}

static void
client_table_free (gpointer data)
{
  TcSipLayerClient *entry = data;

  g_clear_pointer (&entry->transaction, tc_sip_client_transaction_unref);
  tc_sip_layer_client_unref (entry);
}

static void
server_table_free (gpointer data)
{
  TcSipLayerServer *entry = data;

  /* The entry goes now; a transaction someone else still holds must not
   * call back into it. */
  if (entry->transaction)
    tc_sip_server_transaction_detach (entry->transaction);
  g_clear_pointer (&entry->transaction, tc_sip_server_transaction_unref);
  tc_sip_layer_server_unref (entry);
}

static void
tc_sip_transaction_layer_dispose (GObject *object)
{
  TcSipTransactionLayer *layer = TC_SIP_TRANSACTION_LAYER (object);

  if (layer->transport)
    tc_sip_transport_set_callbacks (layer->transport, NULL, NULL);
  if (layer->client_by_tr)
    {
      g_autoptr (GPtrArray) clients = tc_sip_layer_table_values (layer->client_by_tr);
      g_autoptr (GPtrArray) servers = tc_sip_layer_table_values (layer->server_by_tr);

      /* no queued request starts while everything goes */
      for (guint i = 0; i < clients->len; i++)
        {
          TcSipLayerClient *entry = g_ptr_array_index (clients, i);

          entry->destination = NULL;
          entry->queued = entry->outstanding = FALSE;
        }
      g_hash_table_remove_all (layer->destinations);
      for (guint i = 0; i < clients->len; i++)
        tc_sip_layer_client_drop (g_ptr_array_index (clients, i));
      for (guint i = 0; i < servers->len; i++)
        tc_sip_layer_server_drop (g_ptr_array_index (servers, i));
    }
  g_clear_pointer (&layer->clients, g_hash_table_unref);
  g_clear_pointer (&layer->client_by_tr, g_hash_table_unref);
  g_clear_pointer (&layer->servers, g_hash_table_unref);
  g_clear_pointer (&layer->legacy, g_hash_table_unref);
  g_clear_pointer (&layer->merge, g_hash_table_unref);
  g_clear_pointer (&layer->server_by_tr, g_hash_table_unref);
  g_clear_pointer (&layer->destinations, g_hash_table_unref);
  g_clear_object (&layer->transport);
  G_OBJECT_CLASS (tc_sip_transaction_layer_parent_class)->dispose (object);
}

static void
tc_sip_transaction_layer_finalize (GObject *object)
{
  TcSipTransactionLayer *layer = TC_SIP_TRANSACTION_LAYER (object);

  g_clear_pointer (&layer->clock, tc_sip_clock_unref);
  G_OBJECT_CLASS (tc_sip_transaction_layer_parent_class)->finalize (object);
}

static void
tc_sip_transaction_layer_class_init (TcSipTransactionLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_sip_transaction_layer_dispose;
  object_class->finalize = tc_sip_transaction_layer_finalize;
}

static void
tc_sip_transaction_layer_init (TcSipTransactionLayer *layer)
{
  layer->client_by_tr = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, client_table_free);
  layer->clients = g_hash_table_new (tc_sip_client_key_hash, tc_sip_client_key_equal);
  layer->server_by_tr = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, server_table_free);
  layer->servers = g_hash_table_new (tc_sip_server_key_hash, tc_sip_server_key_equal);
  layer->legacy = g_hash_table_new (tc_sip_str_key_hash, tc_sip_str_key_equal);
  layer->merge = g_hash_table_new (tc_sip_merge_key_hash, tc_sip_merge_key_equal);
  layer->destinations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) tc_sip_destination_free);
}

TcSipTransactionLayer *
tc_sip_transaction_layer_new (TcSipTransport *transport, TcSipClock *clock, const TcSipTimerValues *timers)
{
  TcSipTransactionLayer *layer;

  g_return_val_if_fail (TC_SIP_IS_TRANSPORT (transport), NULL);
  g_return_val_if_fail (clock != NULL, NULL);

  layer = g_object_new (TC_SIP_TYPE_TRANSACTION_LAYER, NULL);
  layer->transport = g_object_ref (transport);
  layer->clock = tc_sip_clock_ref (clock);
  if (timers)
    layer->timers = *timers;
  else
    tc_sip_timer_values_init (&layer->timers);
  tc_sip_transport_set_callbacks (transport, &transport_callbacks, layer);
  return layer;
}

void
tc_sip_transaction_layer_set_callbacks (TcSipTransactionLayer *layer, const TcSipTransactionLayerCallbacks *callbacks,
                                        gpointer user_data)
{
  g_return_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer));

  if (callbacks)
    layer->callbacks = *callbacks;
  else
    memset (&layer->callbacks, 0, sizeof layer->callbacks);
  layer->user_data = user_data;
}

TcSipTransport *
tc_sip_transaction_layer_get_transport (TcSipTransactionLayer *layer)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), NULL);
  return layer->transport;
}

TcSipClock *
tc_sip_transaction_layer_get_clock (TcSipTransactionLayer *layer)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), NULL);
  return layer->clock;
}

const TcSipTimerValues *
tc_sip_transaction_layer_get_timers (TcSipTransactionLayer *layer)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), NULL);
  return &layer->timers;
}

void
tc_sip_transaction_layer_set_max_outstanding (TcSipTransactionLayer *layer, guint max)
{
  g_return_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer));

  layer->max_outstanding = max;
  /* a higher cap (or none) lets waiting requests go now */
  tc_sip_layer_drain_destinations (layer);
}

char *
tc_sip_transaction_layer_add_via (TcSipTransactionLayer *layer, TcSipMessageBuilder *builder, TcSipTransportType type,
                                  GSocketFamily family, GError **error)
{
  g_autofree char *host = NULL;
  g_autofree char *value = NULL;
  guint16 port = 0;
  char branch[TC_SIP_BRANCH_LEN + 1];
  char port_text[8] = "";
  gboolean bracket;

  g_return_val_if_fail (TC_SIP_IS_TRANSACTION_LAYER (layer), NULL);
  g_return_val_if_fail (builder != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tc_sip_transport_get_sent_by (layer->transport, type, family, &host, &port) || !host)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no %s address to send from over %s",
                   family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4", tc_sip_transport_type_to_string (type));
      return NULL;
    }
  tc_sip_random_branch_to (branch);
  if (port)
    g_snprintf (port_text, sizeof port_text, ":%u", port);
  /* RFC 3261 §25.1: an IPv6 reference is bracketed */
  bracket = strchr (host, ':') && host[0] != '[';
  /* RFC 3581: rport asks for the response at the source port */
  value = g_strdup_printf ("SIP/2.0/%s %s%s%s%s;branch=%s;rport", tc_sip_transport_type_to_string (type),
                           bracket ? "[" : "", host, bracket ? "]" : "", port_text, branch);
  tc_sip_message_builder_prepend_header (builder, "Via", value);
  return g_strdup (branch);
}
