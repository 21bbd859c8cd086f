/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * auth-cache.c — TcSipDigestCache: per realm, the last Digest challenge and
 * the nonce count of its nonce, for pre-emptive authorization of later
 * requests (RFC 7616 §3.4.5 nonce reuse, RFC 3261 §22.3), and the retry
 * policy that turns a 401 or 407 into a TcSipDigestVerdict so that the
 * transaction user can never loop on wrong credentials or on a server that
 * keeps calling its nonces stale.
 */
#include "sip/auth.h"

#include <string.h>

#include "sip/debug.h"
#include "sip/sip-error.h"

typedef struct {
  TcSipDigestChallenge *challenge; /* its realm is the key */
  guint32 nc;                      /* last nonce count sent with its nonce */
} Entry;

struct _TcSipDigestCache {
  gint ref_count;
  TcSipDigestCredentials *credentials;
  GArray *entries; /* Entry, in order of first challenge: realms are few */
};

G_DEFINE_BOXED_TYPE (TcSipDigestCache, tc_sip_digest_cache, tc_sip_digest_cache_ref, tc_sip_digest_cache_unref)

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->challenge, tc_sip_digest_challenge_unref);
}

TcSipDigestCache *
tc_sip_digest_cache_new (TcSipDigestCredentials *credentials)
{
  TcSipDigestCache *cache;

  g_return_val_if_fail (credentials != NULL, NULL);

  cache = g_new0 (TcSipDigestCache, 1);
  cache->ref_count = 1;
  cache->credentials = tc_sip_digest_credentials_ref (credentials);
  cache->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (cache->entries, entry_clear);
  return cache;
}

TcSipDigestCache *
tc_sip_digest_cache_ref (TcSipDigestCache *cache)
{
  g_return_val_if_fail (cache != NULL, NULL);
  g_atomic_int_inc (&cache->ref_count);
  return cache;
}

void
tc_sip_digest_cache_unref (TcSipDigestCache *cache)
{
  g_return_if_fail (cache != NULL);
  if (!g_atomic_int_dec_and_test (&cache->ref_count))
    return;
  g_array_unref (cache->entries);
  tc_sip_digest_credentials_unref (cache->credentials);
  g_free (cache);
}

static gint
find_entry (const TcSipDigestCache *cache, const char *realm)
{
  guint i;

  for (i = 0; i < cache->entries->len; i++)
    {
      const Entry *entry = &g_array_index (cache->entries, Entry, i);

      if (g_str_equal (tc_sip_digest_challenge_get_realm (entry->challenge), realm))
        return i;
    }
  return -1;
}

const TcSipDigestChallenge *
tc_sip_digest_cache_lookup (const TcSipDigestCache *cache, const char *realm)
{
  gint i;

  g_return_val_if_fail (cache != NULL && realm != NULL, NULL);

  i = find_entry (cache, realm);
  return i < 0 ? NULL : g_array_index (cache->entries, Entry, i).challenge;
}

guint32
tc_sip_digest_cache_get_nc (const TcSipDigestCache *cache, const char *realm)
{
  gint i;

  g_return_val_if_fail (cache != NULL && realm != NULL, 0);

  i = find_entry (cache, realm);
  return i < 0 ? 0 : g_array_index (cache->entries, Entry, i).nc;
}

gboolean
tc_sip_digest_cache_forget (TcSipDigestCache *cache, const char *realm)
{
  gint i;

  g_return_val_if_fail (cache != NULL && realm != NULL, FALSE);

  i = find_entry (cache, realm);
  if (i < 0)
    return FALSE;
  g_array_remove_index (cache->entries, i);
  return TRUE;
}

/* A new nonce starts counting again at 1 (RFC 7616 §3.4: nc counts the
 * requests sent with one nonce). */
static void
install (TcSipDigestCache *cache, TcSipDigestChallenge *challenge)
{
  gint i = find_entry (cache, tc_sip_digest_challenge_get_realm (challenge));
  Entry entry = { tc_sip_digest_challenge_ref (challenge), 0 };

  if (i < 0)
    g_array_append_val (cache->entries, entry);
  else
    {
      Entry *old = &g_array_index (cache->entries, Entry, i);

      entry_clear (old);
      *old = entry;
    }
}

/* What the challenged request said for one realm. */
typedef struct {
  char *nonce;
  guint32 nc; /* 0 when the request had no nc (no qop) */
} Answered;

static void
answered_clear (Answered *answered)
{
  g_clear_pointer (&answered->nonce, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answered, answered_clear)

/* Finds the credentials @request carried for @realm in Authorization (or
 * Proxy-Authorization when @proxy). */
static gboolean
find_answer (const TcSipMessage *request, gboolean proxy, const char *realm, Answered *answered)
{
  TcSipHeaderId id = proxy ? TC_SIP_HEADER_PROXY_AUTHORIZATION : TC_SIP_HEADER_AUTHORIZATION;
  TcSipAuth auth;
  guint i;

  for (i = 0; tc_sip_message_get_auth (request, id, i, &auth); i++)
    {
      g_autofree char *their_realm = NULL;
      TcSipStr value;

      if (!tc_sip_str_equal_ci (auth.scheme, "Digest") || !tc_sip_auth_get_param (&auth, "realm", &value))
        continue;
      their_realm = tc_sip_unquote (value);
      if (!g_str_equal (their_realm, realm))
        continue;

      answered->nonce = tc_sip_auth_get_param (&auth, "nonce", &value) ? tc_sip_unquote (value) : g_strdup ("");
      answered->nc = 0;
      if (tc_sip_auth_get_param (&auth, "nc", &value))
        {
          g_autofree char *text = tc_sip_unquote (value);
          guint64 nc;

          /* 8LHEX; anything else counts as a first use */
          if (strlen (text) == 8 && g_ascii_string_to_unsigned (text, 16, 0, G_MAXUINT32, &nc, NULL))
            answered->nc = nc;
        }
      return TRUE;
    }
  return FALSE;
}

static TcSipDigestVerdict
realm_verdict (const TcSipDigestCache *cache, const TcSipMessage *request, const TcSipDigestChallenge *challenge)
{
  g_auto (Answered) answered = { NULL, 0 };
  const char *realm = tc_sip_digest_challenge_get_realm (challenge);
  gboolean first_use;

  if (!find_answer (request, tc_sip_digest_challenge_is_proxy (challenge), realm, &answered))
    return TC_SIP_DIGEST_VERDICT_RETRY;

  /* nc 00000001 (or no nc at all, without qop): the request answered a
   * nonce fresh from a challenge; a higher count reused a cached nonce. */
  first_use = answered.nc <= 1;

  if (tc_sip_digest_challenge_get_stale (challenge))
    {
      const TcSipDigestChallenge *cached = tc_sip_digest_cache_lookup (cache, realm);

      /* RFC 7616 §3.3: stale=true means the digest was right and only the
       * nonce too old.  A nonce the server just gave us with stale=true
       * being stale again at its first use means it will never accept one. */
      if (first_use && cached && tc_sip_digest_challenge_get_stale (cached) &&
          g_str_equal (tc_sip_digest_challenge_get_nonce (cached), answered.nonce))
        return TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS;
      return TC_SIP_DIGEST_VERDICT_RETRY_STALE;
    }
  /* RFC 7616 §3.3: stale=false after an answer: "the username and/or
   * password are invalid".  Only a pre-emptive answer with a reused nonce,
   * which a restarted server may have forgotten, earns one more try. */
  return first_use ? TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS : TC_SIP_DIGEST_VERDICT_RETRY;
}

/* Severity, to keep the worst verdict of several realms. */
static gint
verdict_rank (TcSipDigestVerdict verdict)
{
  switch (verdict)
    {
    case TC_SIP_DIGEST_VERDICT_RETRY_STALE:
      return 0;
    case TC_SIP_DIGEST_VERDICT_RETRY:
      return 1;
    case TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS:
      return 2;
    case TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED:
      return 3;
    }
  g_return_val_if_reached (3);
}

TcSipDigestVerdict
tc_sip_digest_cache_handle_challenge (TcSipDigestCache *cache, const TcSipMessage *request,
                                      const TcSipMessage *response, GError **error)
{
  g_autoptr (GPtrArray) challenges = NULL;
  TcSipDigestVerdict verdict = TC_SIP_DIGEST_VERDICT_RETRY_STALE;
  guint i;

  g_return_val_if_fail (cache != NULL, TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED);
  g_return_val_if_fail (request != NULL && tc_sip_message_is_request (request), TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED);

  challenges = tc_sip_digest_select_challenges (response, error);
  if (!challenges)
    {
      tc_debug ("digest: %u response: %s", tc_sip_message_get_status (response),
                tc_sip_digest_verdict_to_string (TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED));
      return TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED;
    }

  for (i = 0; i < challenges->len; i++)
    {
      const TcSipDigestChallenge *challenge = g_ptr_array_index (challenges, i);
      TcSipDigestVerdict v = realm_verdict (cache, request, challenge);

      tc_debug ("digest realm \"%s\": %s, %s%s: %s", tc_sip_digest_challenge_get_realm (challenge),
                tc_sip_digest_algorithm_to_string (tc_sip_digest_challenge_get_algorithm (challenge)),
                tc_sip_digest_challenge_get_qop_options (challenge) ? "qop" : "no qop",
                tc_sip_digest_challenge_get_stale (challenge) ? ", stale" : "", tc_sip_digest_verdict_to_string (v));
      if (verdict_rank (v) > verdict_rank (verdict))
        verdict = v;
    }

  if (verdict == TC_SIP_DIGEST_VERDICT_RETRY || verdict == TC_SIP_DIGEST_VERDICT_RETRY_STALE)
    for (i = 0; i < challenges->len; i++)
      install (cache, g_ptr_array_index (challenges, i));
  return verdict;
}

gint
tc_sip_digest_cache_authorize (TcSipDigestCache *cache, TcSipMessageBuilder *builder, const char *method,
                               const char *uri, GBytes *body, GError **error)
{
  guint i;

  g_return_val_if_fail (cache != NULL && builder != NULL, -1);
  g_return_val_if_fail (method != NULL && uri != NULL, -1);

  tc_sip_message_builder_remove_headers (builder, "Authorization");
  tc_sip_message_builder_remove_headers (builder, "Proxy-Authorization");

  for (i = 0; i < cache->entries->len; i++)
    {
      Entry *entry = &g_array_index (cache->entries, Entry, i);
      g_autofree char *value = NULL;

      if (entry->nc == G_MAXUINT32)
        {
          /* nc is 8 hex digits: this nonce is used up; the server's next
           * challenge brings a new one */
          tc_sip_set_error (error, TC_SIP_ERROR_LIMIT, 500, "digest realm \"%s\": nonce count exhausted",
                            tc_sip_digest_challenge_get_realm (entry->challenge));
          return -1;
        }
      value = tc_sip_digest_authorization_build (entry->challenge, cache->credentials, method, uri, body, entry->nc + 1,
                                                 NULL, error);
      if (!value)
        return -1;
      entry->nc++;
      tc_sip_message_builder_add_header (
        builder, tc_sip_digest_challenge_is_proxy (entry->challenge) ? "Proxy-Authorization" : "Authorization", value);
    }
  return cache->entries->len;
}
