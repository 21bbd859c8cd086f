/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transaction-layer-private.h — what the files of the transaction layer
 * share: the object, the per-transaction entries, the matching keys.
 *
 *  - transaction-layer.c: the object, the transport's callbacks, Via,
 *    stateless sending, §18.2.2 response sending, answering bad requests;
 *  - transaction-client.c: client transactions, per-destination queueing;
 *  - transaction-server.c: server transactions, CANCEL, merged requests;
 *  - transaction-match.c: the §17.1.3 / §17.2.3 / §8.2.2.2 keys and the
 *    RFC 2543 fallback.
 *
 * Keys are structs of TcSipStr views: an entry's key points into the
 * request its transaction holds, and a lookup builds its key on the stack
 * from the received message, so matching allocates nothing.
 */
#pragma once

#include "sip/transaction-layer.h"

G_BEGIN_DECLS

/* RFC 3261 §17.1.3: branch + CSeq method (a CANCEL has its own
 * transaction with its INVITE's branch). */
typedef struct {
  TcSipStr branch;
  TcSipStr method;
} TcSipClientKey;

/* RFC 3261 §17.2.3: branch + sent-by + method, ACK looked up as INVITE. */
typedef struct {
  TcSipStr branch;
  TcSipStr host;
  guint16 port;
  TcSipStr method;
} TcSipServerKey;

/* RFC 3261 §8.2.2.2: From tag, Call-ID and CSeq (number and method). */
typedef struct {
  TcSipStr call_id;
  TcSipStr from_tag;
  guint32 seq;
  TcSipStr method;
} TcSipMergeKey;

typedef struct _TcSipDestination TcSipDestination;

typedef struct {
  gint ref_count;
  TcSipTransactionLayer *layer; /* NULL once dropped */
  TcSipClientTransaction *transaction;
  TcSipClientKey key; /* views into key_text: a completed non-INVITE
                       * transaction lets its request go */
  char *key_text;
  TcSipTarget target;
  gboolean has_target;
  TcSipFlow *flow;       /* once sent (or given): referenced and in use */
  gboolean send_pending; /* the transport is connecting */
  guint error_timer;     /* reports a send failure outside send_request() */
  GError *error;
  TcSipRequestCallbacks callbacks;
  gpointer user_data;
  TcSipDestination *destination; /* with a max outstanding: while counted or queued */
  gboolean outstanding;
  gboolean queued;
} TcSipLayerClient;

typedef struct _TcSipLayerServer TcSipLayerServer;

struct _TcSipLayerServer {
  gint ref_count;
  TcSipTransactionLayer *layer; /* NULL once dropped */
  TcSipServerTransaction *transaction;
  TcSipFlow *flow; /* the request's; referenced and in use */
  gboolean legacy; /* RFC 2543 branch: in legacy_servers, else in servers */
  TcSipServerKey key;
  TcSipStr call_id;              /* legacy_servers key */
  TcSipLayerServer *legacy_next; /* same Call-ID */
  TcSipMergeKey merge_key;
  gboolean merge_indexed;
  gboolean internal; /* a CANCEL the layer answers itself */
};

struct _TcSipDestination {
  char *key;
  guint n_outstanding;
  GQueue waiting; /* TcSipLayerClient *, in order */
};

struct _TcSipTransactionLayer {
  GObject parent_instance;

  TcSipTransport *transport;
  TcSipClock *clock;
  TcSipTimerValues timers;
  TcSipTransactionLayerCallbacks callbacks;
  gpointer user_data;
  guint max_outstanding;

  GHashTable *client_by_tr; /* TcSipClientTransaction * -> TcSipLayerClient * (owned) */
  GHashTable *clients;      /* TcSipClientKey * -> TcSipLayerClient * */
  GHashTable *server_by_tr; /* TcSipServerTransaction * -> TcSipLayerServer * (owned) */
  GHashTable *servers;      /* TcSipServerKey * -> TcSipLayerServer * */
  GHashTable *legacy;       /* TcSipStr * (Call-ID) -> TcSipLayerServer * (chain head) */
  GHashTable *merge;        /* TcSipMergeKey * -> TcSipLayerServer * */
  GHashTable *destinations; /* char * -> TcSipDestination * (owned) */
};

/* transaction-match.c */
guint tc_sip_client_key_hash (gconstpointer key);
gboolean tc_sip_client_key_equal (gconstpointer a, gconstpointer b);
guint tc_sip_server_key_hash (gconstpointer key);
gboolean tc_sip_server_key_equal (gconstpointer a, gconstpointer b);
guint tc_sip_merge_key_hash (gconstpointer key);
gboolean tc_sip_merge_key_equal (gconstpointer a, gconstpointer b);
guint tc_sip_str_key_hash (gconstpointer key);
gboolean tc_sip_str_key_equal (gconstpointer a, gconstpointer b);

/* TRUE when the branch has the RFC 3261 magic cookie (§8.1.1.7). */
gboolean tc_sip_branch_is_rfc3261 (TcSipStr branch);
/* The key of a request (views into it); @method overrides its method
 * (ACK and CANCEL look up their INVITE) when set. */
void tc_sip_server_key_init (TcSipServerKey *key, const TcSipMessage *request, TcSipStr method);
/* FALSE when the request has no From tag (nothing to merge on). */
gboolean tc_sip_merge_key_init (TcSipMergeKey *key, const TcSipMessage *request);

typedef enum {
  TC_SIP_LEGACY_MATCH_SAME,   /* a retransmission of the same request */
  TC_SIP_LEGACY_MATCH_ACK,    /* an ACK for the INVITE's non-2xx (or 2xx) */
  TC_SIP_LEGACY_MATCH_CANCEL, /* the INVITE a CANCEL cancels */
} TcSipLegacyMatch;

void tc_sip_layer_legacy_insert (TcSipTransactionLayer *layer, TcSipLayerServer *entry);
void tc_sip_layer_legacy_remove (TcSipTransactionLayer *layer, TcSipLayerServer *entry);
/* RFC 3261 §17.2.3 (and §9.2 for CANCEL) for requests without the cookie. */
TcSipLayerServer *tc_sip_layer_legacy_find (TcSipTransactionLayer *layer, TcSipMessage *request, TcSipLegacyMatch mode);
/* The INVITE (or same-method) server entry @request matches, either rule. */
TcSipLayerServer *tc_sip_layer_find_server (TcSipTransactionLayer *layer, TcSipMessage *request, TcSipLegacyMatch mode);

/* transaction-client.c */
void tc_sip_layer_receive_response (TcSipTransactionLayer *layer, TcSipMessage *response, TcSipFlow *flow);
void tc_sip_layer_client_drop (TcSipLayerClient *entry);
void tc_sip_layer_client_unref (TcSipLayerClient *entry);
void tc_sip_layer_clients_flow_closed (TcSipTransactionLayer *layer, TcSipFlow *flow, const GError *error);
void tc_sip_layer_drain_destinations (TcSipTransactionLayer *layer);
void tc_sip_destination_free (TcSipDestination *destination);

/* transaction-server.c */
void tc_sip_layer_receive_request (TcSipTransactionLayer *layer, TcSipMessage *request, TcSipFlow *flow);
void tc_sip_layer_server_drop (TcSipLayerServer *entry);
void tc_sip_layer_server_unref (TcSipLayerServer *entry);
TcSipLayerServer *tc_sip_layer_server_ref (TcSipLayerServer *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipLayerClient, tc_sip_layer_client_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipLayerServer, tc_sip_layer_server_unref)

/* transaction-layer.c */
/* The values of @table, in a new array (g_hash_table_get_values_as_ptr_array()
 * needs GLib 2.76). */
GPtrArray *tc_sip_layer_table_values (GHashTable *table);
/* RFC 3261 §18.2.2: over @flow when open, else to the top Via's
 * received/rport or sent-by.  With @entry, a later failure reaches its
 * transaction and the flow a new connection uses becomes the entry's.
 * FALSE with @error when nothing could be sent. */
gboolean tc_sip_layer_send_response (TcSipTransactionLayer *layer, TcSipFlow *flow, TcSipMessage *response,
                                     TcSipLayerServer *entry, GError **error);
/* Replaces @*slot (a flow in use by a transaction) with @flow. */
void tc_sip_layer_set_flow (TcSipFlow **slot, TcSipFlow *flow);

G_END_DECLS
