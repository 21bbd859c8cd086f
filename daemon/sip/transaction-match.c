/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transaction-match.c — matching messages to transactions: the keys of
 * RFC 3261 §17.1.3 (responses to client transactions), §17.2.3 (requests
 * to server transactions) and §8.2.2.2 (merged requests), their hash and
 * equality functions, and the §17.2.3 fallback for RFC 2543 requests,
 * whose branch lacks the "z9hG4bK" cookie.
 *
 * Keys hold views, so a lookup builds its key on the stack.  Branches are
 * compared case-sensitively (they are opaque tokens the sender made up and
 * sends back verbatim); sent-by hosts case-insensitively.
 */
#include "sip/transaction-layer-private.h"

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static inline guint
hash_bytes (guint h, TcSipStr s)
{
  for (gsize i = 0; i < s.len; i++)
    h = (h ^ (guchar) s.str[i]) * FNV_PRIME;
  return h;
}

/* Equal views, an unset view equal only to an unset one. */
static inline gboolean
str_same (TcSipStr a, TcSipStr b)
{
  if (!a.str || !b.str)
    return a.str == b.str;
  return a.len == b.len && memcmp (a.str, b.str, a.len) == 0;
}

static inline gboolean
str_same_ci (TcSipStr a, TcSipStr b)
{
  if (!a.str || !b.str)
    return a.str == b.str;
  return a.len == b.len && tc_sip_mem_equal_ci (a.str, b.str, a.len);
}

guint
tc_sip_client_key_hash (gconstpointer key)
{
  const TcSipClientKey *k = key;

  return hash_bytes (hash_bytes (FNV_OFFSET, k->branch), k->method);
}

gboolean
tc_sip_client_key_equal (gconstpointer a, gconstpointer b)
{
  const TcSipClientKey *ka = a, *kb = b;

  return str_same (ka->branch, kb->branch) && str_same (ka->method, kb->method);
}

guint
tc_sip_server_key_hash (gconstpointer key)
{
  const TcSipServerKey *k = key;

  /* the branch is random: the host adds nothing but work */
  return hash_bytes (hash_bytes (FNV_OFFSET, k->branch), k->method) ^ k->port;
}

gboolean
tc_sip_server_key_equal (gconstpointer a, gconstpointer b)
{
  const TcSipServerKey *ka = a, *kb = b;

  return ka->port == kb->port && str_same (ka->branch, kb->branch) && str_same (ka->method, kb->method) &&
         str_same_ci (ka->host, kb->host);
}

guint
tc_sip_merge_key_hash (gconstpointer key)
{
  const TcSipMergeKey *k = key;
  guint h = hash_bytes (hash_bytes (FNV_OFFSET, k->call_id), k->from_tag);

  return hash_bytes (h, k->method) ^ k->seq;
}

gboolean
tc_sip_merge_key_equal (gconstpointer a, gconstpointer b)
{
  const TcSipMergeKey *ka = a, *kb = b;

  return ka->seq == kb->seq && str_same (ka->call_id, kb->call_id) && str_same (ka->from_tag, kb->from_tag) &&
         str_same (ka->method, kb->method);
}

guint
tc_sip_str_key_hash (gconstpointer key)
{
  return hash_bytes (FNV_OFFSET, *(const TcSipStr *) key);
}

gboolean
tc_sip_str_key_equal (gconstpointer a, gconstpointer b)
{
  return str_same (*(const TcSipStr *) a, *(const TcSipStr *) b);
}

gboolean
tc_sip_branch_is_rfc3261 (TcSipStr branch)
{
  /* RFC 3261 §8.1.1.7: the cookie, case as written */
  return branch.str && branch.len > 7 && memcmp (branch.str, "z9hG4bK", 7) == 0;
}

void
tc_sip_server_key_init (TcSipServerKey *key, const TcSipMessage *request, TcSipStr method)
{
  const TcSipVia *via = tc_sip_message_get_via (request, 0);

  key->branch = via->branch;
  key->host = via->host;
  key->port = via->port;
  key->method = method.str ? method : tc_sip_message_get_method_name (request);
}

gboolean
tc_sip_merge_key_init (TcSipMergeKey *key, const TcSipMessage *request)
{
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (request);

  key->call_id = tc_sip_message_get_call_id (request);
  key->from_tag = tc_sip_message_get_from (request)->tag;
  key->seq = cseq->seq;
  key->method = cseq->method;
  return key->from_tag.str != NULL;
}

/* ---- the RFC 2543 fallback (§17.2.3) -------------------------------------- */

void
tc_sip_layer_legacy_insert (TcSipTransactionLayer *layer, TcSipLayerServer *entry)
{
  TcSipLayerServer *head;

  entry->call_id = tc_sip_message_get_call_id (tc_sip_server_transaction_get_request (entry->transaction));
  head = g_hash_table_lookup (layer->legacy, &entry->call_id);
  entry->legacy_next = head;
  /* the key pointer is the head's own: replace both */
  if (head)
    g_hash_table_steal (layer->legacy, &head->call_id);
  g_hash_table_insert (layer->legacy, &entry->call_id, entry);
}

void
tc_sip_layer_legacy_remove (TcSipTransactionLayer *layer, TcSipLayerServer *entry)
{
  TcSipLayerServer *head = g_hash_table_lookup (layer->legacy, &entry->call_id);
  TcSipLayerServer **link;

  if (head == entry)
    {
      g_hash_table_steal (layer->legacy, &entry->call_id);
      if (entry->legacy_next)
        g_hash_table_insert (layer->legacy, &entry->legacy_next->call_id, entry->legacy_next);
      entry->legacy_next = NULL;
      return;
    }
  for (link = head ? &head->legacy_next : NULL; link && *link; link = &(*link)->legacy_next)
    if (*link == entry)
      {
        *link = entry->legacy_next;
        entry->legacy_next = NULL;
        return;
      }
}

/* RFC 3261 §20.42: the same sent-protocol and sent-by, and the same
 * branch (or none); the other parameters are the sender's own too. */
static gboolean
via_same (const TcSipVia *a, const TcSipVia *b)
{
  return str_same_ci (a->transport, b->transport) && str_same_ci (a->host, b->host) && a->port == b->port &&
         str_same (a->branch, b->branch);
}

static gboolean
request_uri_same (TcSipMessage *a, TcSipMessage *b)
{
  const TcSipUri *ua, *ub;

  if (str_same (tc_sip_message_get_request_uri_text (a), tc_sip_message_get_request_uri_text (b)))
    return TRUE;
  /* §17.2.3 "matches": URI equality (§19.1.4), for the odd sender that
   * writes the CANCEL's Request-URI differently */
  ua = tc_sip_message_get_request_uri (a);
  ub = tc_sip_message_get_request_uri (b);
  return ua && ub && tc_sip_uri_equal (ua, ub);
}

static gboolean
legacy_matches (TcSipLayerServer *entry, TcSipMessage *request, TcSipLegacyMatch mode)
{
  TcSipMessage *original = tc_sip_server_transaction_get_request (entry->transaction);
  TcSipStr to_tag = tc_sip_message_get_to (original)->tag;

  switch (mode)
    {
    case TC_SIP_LEGACY_MATCH_SAME:
      if (!str_same (tc_sip_message_get_method_name (original), tc_sip_message_get_method_name (request)))
        return FALSE;
      break;
    case TC_SIP_LEGACY_MATCH_ACK:
      {
        TcSipMessage *response = tc_sip_server_transaction_get_last_response (entry->transaction);

        if (!tc_sip_server_transaction_is_invite (entry->transaction))
          return FALSE;
        /* the ACK carries the To tag of the response it acknowledges */
        if (response)
          to_tag = tc_sip_message_get_to (response)->tag;
      }
      break;
    case TC_SIP_LEGACY_MATCH_CANCEL:
      if (!tc_sip_server_transaction_is_invite (entry->transaction))
        return FALSE;
      break;
    }
  return tc_sip_message_get_cseq (original)->seq == tc_sip_message_get_cseq (request)->seq &&
         str_same (to_tag, tc_sip_message_get_to (request)->tag) &&
         str_same (tc_sip_message_get_from (original)->tag, tc_sip_message_get_from (request)->tag) &&
         via_same (tc_sip_message_get_via (original, 0), tc_sip_message_get_via (request, 0)) &&
         request_uri_same (original, request);
}

TcSipLayerServer *
tc_sip_layer_legacy_find (TcSipTransactionLayer *layer, TcSipMessage *request, TcSipLegacyMatch mode)
{
  TcSipStr call_id = tc_sip_message_get_call_id (request);

  for (TcSipLayerServer *entry = g_hash_table_lookup (layer->legacy, &call_id); entry; entry = entry->legacy_next)
    if (legacy_matches (entry, request, mode))
      return entry;
  return NULL;
}

TcSipLayerServer *
tc_sip_layer_find_server (TcSipTransactionLayer *layer, TcSipMessage *request, TcSipLegacyMatch mode)
{
  TcSipServerKey key;

  if (!tc_sip_branch_is_rfc3261 (tc_sip_message_get_via (request, 0)->branch))
    return tc_sip_layer_legacy_find (layer, request, mode);
  /* §17.2.3: an ACK (for a non-2xx) and a CANCEL carry their INVITE's branch */
  tc_sip_server_key_init (&key, request, mode == TC_SIP_LEGACY_MATCH_SAME ? TC_SIP_STR_NULL : tc_sip_str ("INVITE", 6));
  return g_hash_table_lookup (layer->servers, &key);
}
