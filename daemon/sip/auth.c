/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * auth.c — SIP digest authentication, client side: parsing challenges
 * (RFC 7616 §3.3), choosing among them, computing responses (RFC 7616
 * §3.4.1, RFC 2617 §3.2.2 when there is no qop) and the per-realm cache
 * with its retry policy.  Pure: no I/O, no clock; the only outside input
 * is the random source for cnonces.
 */
#include "sip/auth.h"

#include <string.h>

#include "sip/crypto-module.h"
#include "sip/lex.h"
#include "sip/random.h"
#include "sip/sip-error.h"

#define parse_error(error, ...) tc_sip_set_error ((error), TC_SIP_ERROR_PARSE, 400, __VA_ARGS__)
/* RFC 3261 §22.1 has no better answer for a challenge we cannot meet than
 * to give up; the status is that of a UAS refusing the scheme. */
#define unsupported_error(error, ...) tc_sip_set_error ((error), TC_SIP_ERROR_AUTH_UNSUPPORTED, 401, __VA_ARGS__)
#define argument_error(error, ...) tc_sip_set_error ((error), TC_SIP_ERROR_INVALID_ARGUMENT, 500, __VA_ARGS__)

/* Longest hex digest: SHA-256 and SHA-512/256 give 32 octets. */
#define HEX_MAX 64

struct _TcSipDigestChallenge {
  gint ref_count;
  gboolean proxy;
  char *realm;
  char *nonce;
  char *opaque;
  char *domain;
  TcSipDigestAlgorithm algorithm;
  TcSipDigestQop qop_options;
  gboolean stale;
  gboolean userhash;
};

struct _TcSipDigestCredentials {
  gint ref_count;
  char *username;
  char *password;
};

G_DEFINE_BOXED_TYPE (TcSipDigestChallenge, tc_sip_digest_challenge, tc_sip_digest_challenge_ref,
                     tc_sip_digest_challenge_unref)
G_DEFINE_BOXED_TYPE (TcSipDigestCredentials, tc_sip_digest_credentials, tc_sip_digest_credentials_ref,
                     tc_sip_digest_credentials_unref)

const char *
tc_sip_digest_algorithm_to_string (TcSipDigestAlgorithm algorithm)
{
  switch (algorithm)
    {
    case TC_SIP_DIGEST_ALGORITHM_MD5:
      return "MD5";
    case TC_SIP_DIGEST_ALGORITHM_MD5_SESS:
      return "MD5-sess";
    case TC_SIP_DIGEST_ALGORITHM_SHA_256:
      return "SHA-256";
    case TC_SIP_DIGEST_ALGORITHM_SHA_256_SESS:
      return "SHA-256-sess";
    case TC_SIP_DIGEST_ALGORITHM_SHA_512_256:
      return "SHA-512-256";
    case TC_SIP_DIGEST_ALGORITHM_SHA_512_256_SESS:
      return "SHA-512-256-sess";
    }
  g_return_val_if_reached (NULL);
}

const char *
tc_sip_digest_verdict_to_string (TcSipDigestVerdict verdict)
{
  switch (verdict)
    {
    case TC_SIP_DIGEST_VERDICT_RETRY:
      return "retry";
    case TC_SIP_DIGEST_VERDICT_RETRY_STALE:
      return "retry-stale";
    case TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS:
      return "fail-wrong-credentials";
    case TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED:
      return "fail-unsupported";
    }
  g_return_val_if_reached (NULL);
}

static gboolean
algorithm_is_sess (TcSipDigestAlgorithm algorithm)
{
  return algorithm == TC_SIP_DIGEST_ALGORITHM_MD5_SESS || algorithm == TC_SIP_DIGEST_ALGORITHM_SHA_256_SESS ||
         algorithm == TC_SIP_DIGEST_ALGORITHM_SHA_512_256_SESS;
}

/* ---- hashing ---------------------------------------------------------------- */

typedef struct {
  GChecksum *checksum;    /* MD5, SHA-256 */
  TcSipSha512256 *sha512; /* SHA-512/256, from the module tincan-crypto */
} Hash;

static const TcSipCryptoModule *crypto_table;

/* OpenSSL, loaded on the first SHA-512/256 challenge (crypto-module.h). */
static const TcSipCryptoModule *
crypto_module (GError **error)
{
  const TcSipCryptoModule *table = g_atomic_pointer_get (&crypto_table);
  g_autoptr (GError) local = NULL;

  if (table)
    return table;
  table = tc_loader_get (TC_SIP_CRYPTO_MODULE_NAME, TC_SIP_CRYPTO_MODULE_SYMBOL, TC_SIP_CRYPTO_MODULE_ABI,
                         sizeof (TcSipCryptoModule), &local);
  if (!table)
    {
      argument_error (error, "no SHA-512/256: %s", local->message);
      return NULL;
    }
  g_atomic_pointer_set (&crypto_table, table);
  return table;
}

static gboolean
hash_init (Hash *hash, TcSipDigestAlgorithm algorithm, GError **error)
{
  memset (hash, 0, sizeof *hash);
  switch (algorithm)
    {
    case TC_SIP_DIGEST_ALGORITHM_MD5:
    case TC_SIP_DIGEST_ALGORITHM_MD5_SESS:
      hash->checksum = g_checksum_new (G_CHECKSUM_MD5);
      return TRUE;
    case TC_SIP_DIGEST_ALGORITHM_SHA_256:
    case TC_SIP_DIGEST_ALGORITHM_SHA_256_SESS:
      hash->checksum = g_checksum_new (G_CHECKSUM_SHA256);
      return TRUE;
    case TC_SIP_DIGEST_ALGORITHM_SHA_512_256:
    case TC_SIP_DIGEST_ALGORITHM_SHA_512_256_SESS:
      /* FIPS 180-4 §5.3.6: SHA-512/256 has its own initial hash value, so
       * it is not a truncated SHA-512 and GChecksum cannot give it. */
      if (!crypto_module (error))
        return FALSE;
      hash->sha512 = crypto_table->sha512_256_new ();
      if (!hash->sha512)
        {
          argument_error (error, "OpenSSL cannot compute SHA-512/256");
          return FALSE;
        }
      return TRUE;
    }
  g_return_val_if_reached (FALSE);
}

static void
hash_update (Hash *hash, const void *data, gsize len)
{
  if (hash->checksum)
    g_checksum_update (hash->checksum, data, len);
  else
    crypto_table->sha512_256_update (hash->sha512, data, len);
}

static void
hash_update_str (Hash *hash, const char *s)
{
  hash_update (hash, s, strlen (s));
}

/* Writes the lowercase hex digest into @out and frees the context. */
static gboolean
hash_finish (Hash *hash, char out[HEX_MAX + 1], GError **error)
{
  if (hash->checksum)
    {
      g_strlcpy (out, g_checksum_get_string (hash->checksum), HEX_MAX + 1);
      /* the context saw the password for HA1: reset its state before freeing
       * (best effort: GChecksum offers no cleanse) */
      g_checksum_reset (hash->checksum);
      g_clear_pointer (&hash->checksum, g_checksum_free);
      return TRUE;
    }
  else
    {
      guint8 md[TC_SIP_SHA512_256_LEN];
      gboolean ok = crypto_table->sha512_256_finish (g_steal_pointer (&hash->sha512), md);
      gsize md_len = sizeof md, i;

      if (!ok)
        {
          argument_error (error, "OpenSSL failed to finish a SHA-512/256 digest");
          return FALSE;
        }
      for (i = 0; i < md_len; i++)
        {
          out[2 * i] = "0123456789abcdef"[md[i] >> 4];
          out[2 * i + 1] = "0123456789abcdef"[md[i] & 0xf];
        }
      out[2 * md_len] = '\0';
      explicit_bzero (md, sizeof md);
      return TRUE;
    }
}

/* H(a ":" b ":" ...) of the NULL-terminated list of strings. */
static gboolean
hash_join (TcSipDigestAlgorithm algorithm, char out[HEX_MAX + 1], GError **error, const char *first, ...)
{
  Hash hash;
  va_list args;
  const char *s;

  if (!hash_init (&hash, algorithm, error))
    return FALSE;
  va_start (args, first);
  for (s = first; s; s = va_arg (args, const char *))
    {
      if (s != first)
        hash_update (&hash, ":", 1);
      hash_update_str (&hash, s);
    }
  va_end (args);
  return hash_finish (&hash, out, error);
}

/* ---- challenges --------------------------------------------------------------- */

TcSipDigestChallenge *
tc_sip_digest_challenge_ref (TcSipDigestChallenge *challenge)
{
  g_return_val_if_fail (challenge != NULL, NULL);
  g_atomic_int_inc (&challenge->ref_count);
  return challenge;
}

void
tc_sip_digest_challenge_unref (TcSipDigestChallenge *challenge)
{
  g_return_if_fail (challenge != NULL);
  if (!g_atomic_int_dec_and_test (&challenge->ref_count))
    return;
  g_free (challenge->realm);
  g_free (challenge->nonce);
  g_free (challenge->opaque);
  g_free (challenge->domain);
  g_free (challenge);
}

static gboolean
parse_algorithm (TcSipStr value, TcSipDigestAlgorithm *out)
{
  static const struct {
    const char *name;
    TcSipDigestAlgorithm algorithm;
  } names[] = {
    { "MD5", TC_SIP_DIGEST_ALGORITHM_MD5 },
    { "MD5-sess", TC_SIP_DIGEST_ALGORITHM_MD5_SESS },
    { "SHA-256", TC_SIP_DIGEST_ALGORITHM_SHA_256 },
    { "SHA-256-sess", TC_SIP_DIGEST_ALGORITHM_SHA_256_SESS },
    { "SHA-512-256", TC_SIP_DIGEST_ALGORITHM_SHA_512_256 },
    { "SHA-512-256-sess", TC_SIP_DIGEST_ALGORITHM_SHA_512_256_SESS },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (tc_sip_str_equal_ci (value, names[i].name))
      {
        *out = names[i].algorithm;
        return TRUE;
      }
  return FALSE;
}

/* RFC 7616 §3.3: stale and userhash are "true" or "false", case-insensitive. */
static gboolean
parse_flag (TcSipStr value, const char *name, gboolean *out, GError **error)
{
  if (tc_sip_str_equal_ci (value, "true"))
    *out = TRUE;
  else if (tc_sip_str_equal_ci (value, "false"))
    *out = FALSE;
  else
    return parse_error (error, "Digest challenge: %s must be true or false, not \"%.*s\"", name,
                        (int) MIN (value.len, 40), value.str),
           FALSE;
  return TRUE;
}

/* qop-options: a quoted, comma-separated list of tokens (RFC 7616 §3.3).
 * Unknown tokens (auth-conf, extensions) are skipped; we can answer if one
 * of the two we know is there. */
static gboolean
parse_qop (TcSipStr value, TcSipDigestQop *out, GError **error)
{
  TcSipListIter iter;
  TcSipStr element;
  gboolean any = FALSE;

  *out = TC_SIP_DIGEST_QOP_NONE;
  tc_sip_list_iter_init (&iter, value);
  while (tc_sip_list_iter_next (&iter, &element))
    {
      TcSipLex lex;

      if (element.len == 0)
        continue;
      tc_lex_init (&lex, element);
      if (!tc_lex_token (&lex, NULL) || !tc_lex_eof (&lex))
        return parse_error (error, "Digest challenge: qop \"%.*s\" is not a token", (int) MIN (element.len, 40),
                            element.str),
               FALSE;
      any = TRUE;
      if (tc_sip_str_equal_ci (element, "auth"))
        *out |= TC_SIP_DIGEST_QOP_AUTH;
      else if (tc_sip_str_equal_ci (element, "auth-int"))
        *out |= TC_SIP_DIGEST_QOP_AUTH_INT;
    }
  if (!any)
    return parse_error (error, "Digest challenge: empty qop"), FALSE;
  return TRUE;
}

enum {
  SEEN_REALM = 1 << 0,
  SEEN_NONCE = 1 << 1,
  SEEN_OPAQUE = 1 << 2,
  SEEN_DOMAIN = 1 << 3,
  SEEN_ALGORITHM = 1 << 4,
  SEEN_QOP = 1 << 5,
  SEEN_STALE = 1 << 6,
  SEEN_USERHASH = 1 << 7,
  SEEN_CHARSET = 1 << 8,
};

/* One directive.  The value is its quoted-string content (still escaped)
 * or its token; either form is accepted for every directive, since servers
 * quote algorithm and stale as often as not. */
static gboolean
challenge_directive (TcSipDigestChallenge *challenge, TcSipStr name, TcSipStr value, gboolean quoted,
                     TcSipStr *algorithm, guint *seen, GError **error)
{
  static const struct {
    const char *name;
    guint bit;
  } known[] = {
    { "realm", SEEN_REALM },   { "nonce", SEEN_NONCE },         { "opaque", SEEN_OPAQUE },
    { "domain", SEEN_DOMAIN }, { "algorithm", SEEN_ALGORITHM }, { "qop", SEEN_QOP },
    { "stale", SEEN_STALE },   { "userhash", SEEN_USERHASH },   { "charset", SEEN_CHARSET },
  };
  guint bit = 0;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (known); i++)
    if (tc_sip_str_equal_ci (name, known[i].name))
      bit = known[i].bit;
  if (!bit)
    return TRUE; /* RFC 7616 §3.3: unknown directives are ignored */
  if (*seen & bit)
    return parse_error (error, "Digest challenge: %.*s given twice", (int) name.len, name.str), FALSE;
  *seen |= bit;

  switch (bit)
    {
    case SEEN_REALM:
      challenge->realm = quoted ? tc_sip_unquote (value) : tc_sip_str_dup (value);
      return TRUE;
    case SEEN_NONCE:
      challenge->nonce = quoted ? tc_sip_unquote (value) : tc_sip_str_dup (value);
      return TRUE;
    case SEEN_OPAQUE:
      challenge->opaque = quoted ? tc_sip_unquote (value) : tc_sip_str_dup (value);
      return TRUE;
    case SEEN_DOMAIN:
      challenge->domain = quoted ? tc_sip_unquote (value) : tc_sip_str_dup (value);
      return TRUE;
    case SEEN_ALGORITHM:
      *algorithm = value;
      return TRUE;
    case SEEN_QOP:
      return parse_qop (value, &challenge->qop_options, error);
    case SEEN_STALE:
      return parse_flag (value, "stale", &challenge->stale, error);
    case SEEN_USERHASH:
      return parse_flag (value, "userhash", &challenge->userhash, error);
    case SEEN_CHARSET:
      /* RFC 7616 §3.3: the only allowed value; we always hash UTF-8 */
      if (!tc_sip_str_equal_ci (value, "UTF-8"))
        return parse_error (error, "Digest challenge: charset must be UTF-8, not \"%.*s\"", (int) MIN (value.len, 40),
                            value.str),
               FALSE;
      return TRUE;
    }
  g_return_val_if_reached (FALSE);
}

/* Walks the auth-params of @auth, as header-values.c validates them, and
 * feeds each to challenge_directive(). */
static gboolean
challenge_walk (TcSipDigestChallenge *challenge, TcSipStr params, TcSipStr *algorithm, guint *seen, GError **error)
{
  TcSipLex lex;

  tc_lex_init (&lex, params);
  tc_lex_skip_ws (&lex);
  while (!tc_lex_eof (&lex))
    {
      TcSipStr name, value;
      gboolean quoted = FALSE;

      if (!tc_lex_token (&lex, &name) || !tc_lex_sep (&lex, '='))
        return parse_error (error, "Digest challenge: malformed directive"), FALSE;
      if (tc_lex_peek (&lex) == '"')
        {
          if (!tc_lex_quoted_string (&lex, &value))
            return parse_error (error, "Digest challenge: unterminated quoted %.*s", (int) name.len, name.str), FALSE;
          value = tc_sip_str (value.str + 1, value.len - 2);
          quoted = TRUE;
        }
      else if (!tc_lex_span (&lex, TC_LEX_TOKEN | TC_LEX_PARAM, &value))
        return parse_error (error, "Digest challenge: bad value of %.*s", (int) name.len, name.str), FALSE;

      if (!challenge_directive (challenge, name, value, quoted, algorithm, seen, error))
        return FALSE;

      tc_lex_skip_ws (&lex);
      if (tc_lex_eof (&lex))
        break;
      if (!tc_lex_sep (&lex, ','))
        return parse_error (error, "Digest challenge: unexpected \"%c\" after %.*s", *lex.p, (int) name.len, name.str),
               FALSE;
      /* RFC 7235 #rule: empty list elements are allowed */
      while (tc_lex_sep (&lex, ','))
        ;
    }
  return TRUE;
}

TcSipDigestChallenge *
tc_sip_digest_challenge_parse (TcSipHeaderId id, const TcSipAuth *auth, GError **error)
{
  g_autoptr (TcSipDigestChallenge) challenge = NULL;
  TcSipStr algorithm = TC_SIP_STR_NULL;
  guint seen = 0;

  g_return_val_if_fail (id == TC_SIP_HEADER_WWW_AUTHENTICATE || id == TC_SIP_HEADER_PROXY_AUTHENTICATE, NULL);
  g_return_val_if_fail (auth != NULL, NULL);

  if (!tc_sip_str_equal_ci (auth->scheme, "Digest"))
    return unsupported_error (error, "authentication scheme \"%.*s\" is not supported",
                              (int) MIN (auth->scheme.len, 40), auth->scheme.str ? auth->scheme.str : ""),
           NULL;

  challenge = g_new0 (TcSipDigestChallenge, 1);
  challenge->ref_count = 1;
  challenge->proxy = id == TC_SIP_HEADER_PROXY_AUTHENTICATE;
  challenge->algorithm = TC_SIP_DIGEST_ALGORITHM_MD5; /* RFC 7616 §3.3: absent means MD5 */

  if (!challenge_walk (challenge, auth->params, &algorithm, &seen, error))
    return NULL;
  if (!challenge->realm)
    return parse_error (error, "Digest challenge without realm"), NULL;
  if (!challenge->nonce || !*challenge->nonce)
    return parse_error (error, "Digest challenge without nonce"), NULL;
  if (algorithm.str && !parse_algorithm (algorithm, &challenge->algorithm))
    return unsupported_error (error, "digest algorithm \"%.*s\" is not supported", (int) MIN (algorithm.len, 40),
                              algorithm.str),
           NULL;
  if ((seen & SEEN_QOP) && challenge->qop_options == TC_SIP_DIGEST_QOP_NONE)
    return unsupported_error (error, "Digest challenge offers neither qop auth nor auth-int"), NULL;
  /* RFC 2617 §3.2.2.2: A1 of a -sess algorithm needs the cnonce, which is
   * only sent with a qop. */
  if (algorithm_is_sess (challenge->algorithm) && challenge->qop_options == TC_SIP_DIGEST_QOP_NONE)
    return unsupported_error (error, "digest algorithm %s without qop cannot be answered",
                              tc_sip_digest_algorithm_to_string (challenge->algorithm)),
           NULL;
  return g_steal_pointer (&challenge);
}

TcSipDigestChallenge *
tc_sip_digest_challenge_parse_value (TcSipHeaderId id, const char *value, gsize len, GError **error)
{
  TcSipAuth auth;

  g_return_val_if_fail (value != NULL || len == 0, NULL);

  if (!tc_sip_parse_auth (tc_sip_str (value ? value : "", len), &auth, error))
    return NULL;
  return tc_sip_digest_challenge_parse (id, &auth, error);
}

gboolean
tc_sip_digest_challenge_is_proxy (const TcSipDigestChallenge *challenge)
{
  return challenge->proxy;
}

const char *
tc_sip_digest_challenge_get_realm (const TcSipDigestChallenge *challenge)
{
  return challenge->realm;
}

const char *
tc_sip_digest_challenge_get_nonce (const TcSipDigestChallenge *challenge)
{
  return challenge->nonce;
}

const char *
tc_sip_digest_challenge_get_opaque (const TcSipDigestChallenge *challenge)
{
  return challenge->opaque;
}

const char *
tc_sip_digest_challenge_get_domain (const TcSipDigestChallenge *challenge)
{
  return challenge->domain;
}

TcSipDigestAlgorithm
tc_sip_digest_challenge_get_algorithm (const TcSipDigestChallenge *challenge)
{
  return challenge->algorithm;
}

TcSipDigestQop
tc_sip_digest_challenge_get_qop_options (const TcSipDigestChallenge *challenge)
{
  return challenge->qop_options;
}

/* Our choice when both are offered is auth: auth-int breaks whenever a
 * proxy or B2BUA rewrites the body (SDP through an ALG or media relay),
 * and many servers do not implement it.  auth-int is used only when it is
 * the only qop offered, with the body hashed (an empty one if none). */
TcSipDigestQop
tc_sip_digest_challenge_get_qop (const TcSipDigestChallenge *challenge)
{
  if (challenge->qop_options & TC_SIP_DIGEST_QOP_AUTH)
    return TC_SIP_DIGEST_QOP_AUTH;
  if (challenge->qop_options & TC_SIP_DIGEST_QOP_AUTH_INT)
    return TC_SIP_DIGEST_QOP_AUTH_INT;
  return TC_SIP_DIGEST_QOP_NONE;
}

gboolean
tc_sip_digest_challenge_get_stale (const TcSipDigestChallenge *challenge)
{
  return challenge->stale;
}

gboolean
tc_sip_digest_challenge_get_userhash (const TcSipDigestChallenge *challenge)
{
  return challenge->userhash;
}

static gint
algorithm_strength (TcSipDigestAlgorithm algorithm)
{
  switch (algorithm)
    {
    case TC_SIP_DIGEST_ALGORITHM_MD5:
    case TC_SIP_DIGEST_ALGORITHM_MD5_SESS:
      return 0;
    case TC_SIP_DIGEST_ALGORITHM_SHA_256:
    case TC_SIP_DIGEST_ALGORITHM_SHA_256_SESS:
      return 1;
    case TC_SIP_DIGEST_ALGORITHM_SHA_512_256:
    case TC_SIP_DIGEST_ALGORITHM_SHA_512_256_SESS:
      return 2;
    }
  g_return_val_if_reached (0);
}

gint
tc_sip_digest_challenge_compare (const TcSipDigestChallenge *a, const TcSipDigestChallenge *b)
{
  gint d = algorithm_strength (a->algorithm) - algorithm_strength (b->algorithm);

  if (d != 0)
    return d;
  /* with a qop the cnonce protects against chosen-plaintext attacks and
   * nc against replays (RFC 7616 §5.9) */
  return (a->qop_options != TC_SIP_DIGEST_QOP_NONE) - (b->qop_options != TC_SIP_DIGEST_QOP_NONE);
}

/* RFC 7235 §2.1 and RFC 2617 §4.6: a user agent "MUST choose to use the
 * strongest auth-scheme it understands"; among equals we keep the server's
 * order of preference (RFC 7616 §3.7). */
GPtrArray *
tc_sip_digest_select_challenges (const TcSipMessage *response, GError **error)
{
  g_autoptr (GPtrArray) best = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_digest_challenge_unref);
  g_autoptr (GError) first_error = NULL;
  TcSipHeaderId id;
  guint status;
  guint i, n = 0;

  g_return_val_if_fail (response != NULL && !tc_sip_message_is_request (response), NULL);

  status = tc_sip_message_get_status (response);
  g_return_val_if_fail (status == 401 || status == 407, NULL);
  id = status == 407 ? TC_SIP_HEADER_PROXY_AUTHENTICATE : TC_SIP_HEADER_WWW_AUTHENTICATE;

  for (i = 0;; i++)
    {
      g_autoptr (TcSipDigestChallenge) challenge = NULL;
      g_autoptr (GError) local = NULL;
      TcSipAuth auth;
      guint j;

      if (!tc_sip_message_get_auth (response, id, i, &auth))
        break;
      n++;
      challenge = tc_sip_digest_challenge_parse (id, &auth, &local);
      if (!challenge)
        {
          g_debug ("%u response: skipping challenge %u: %s", status, i, local->message);
          if (!first_error)
            first_error = g_steal_pointer (&local);
          continue;
        }
      for (j = 0; j < best->len; j++)
        {
          TcSipDigestChallenge *other = g_ptr_array_index (best, j);

          if (g_str_equal (other->realm, challenge->realm))
            break;
        }
      if (j == best->len)
        g_ptr_array_add (best, g_steal_pointer (&challenge));
      else if (tc_sip_digest_challenge_compare (challenge, g_ptr_array_index (best, j)) > 0)
        {
          tc_sip_digest_challenge_unref (g_ptr_array_index (best, j));
          g_ptr_array_index (best, j) = g_steal_pointer (&challenge);
        }
    }

  if (best->len > 0)
    return g_steal_pointer (&best);
  if (first_error)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&first_error), "%s: ", tc_sip_header_id_to_name (id));
      return NULL;
    }
  parse_error (error, "%u response without %s", status, tc_sip_header_id_to_name (id));
  g_assert (n == 0);
  return NULL;
}

/* ---- credentials ---------------------------------------------------------------- */

TcSipDigestCredentials *
tc_sip_digest_credentials_new (const char *username, const char *password, GError **error)
{
  TcSipDigestCredentials *credentials;
  const char *p;

  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  if (!*username)
    return argument_error (error, "empty digest user name"), NULL;
  if (!g_utf8_validate (username, -1, NULL))
    return argument_error (error, "digest user name is not UTF-8"), NULL;
  for (p = username; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return argument_error (error, "control character in digest user name"), NULL;
  if (!g_utf8_validate (password, -1, NULL))
    return argument_error (error, "digest password is not UTF-8"), NULL;

  credentials = g_new0 (TcSipDigestCredentials, 1);
  credentials->ref_count = 1;
  credentials->username = g_strdup (username);
  credentials->password = g_strdup (password);
  return credentials;
}

TcSipDigestCredentials *
tc_sip_digest_credentials_ref (TcSipDigestCredentials *credentials)
{
  g_return_val_if_fail (credentials != NULL, NULL);
  g_atomic_int_inc (&credentials->ref_count);
  return credentials;
}

void
tc_sip_digest_credentials_unref (TcSipDigestCredentials *credentials)
{
  g_return_if_fail (credentials != NULL);
  if (!g_atomic_int_dec_and_test (&credentials->ref_count))
    return;
  explicit_bzero (credentials->password, strlen (credentials->password));
  g_free (credentials->password);
  g_free (credentials->username);
  g_free (credentials);
}

const char *
tc_sip_digest_credentials_get_username (const TcSipDigestCredentials *credentials)
{
  return credentials->username;
}

/* ---- answering ---------------------------------------------------------------------- */

/* A quoted-string (RFC 3261 §25.1): '"' and '\' become quoted-pairs.  The
 * caller checked there is no CR, LF or other control character. */
static void
append_quoted (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}

static gboolean
has_ctl (const char *s)
{
  for (; *s; s++)
    if (((guchar) *s < 0x20 && *s != '\t') || *s == 0x7f)
      return TRUE;
  return FALSE;
}

static void
random_cnonce (char out[33])
{
  guchar bytes[16];
  gsize i;

  tc_sip_random_bytes (bytes, sizeof bytes);
  for (i = 0; i < sizeof bytes; i++)
    {
      out[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
      out[2 * i + 1] = "0123456789abcdef"[bytes[i] & 0xf];
    }
  out[32] = '\0';
}

/* RFC 7616 §3.4.2: HA1 = H(A1), where A1 = username ":" realm ":" passwd,
 * and for a -sess algorithm H(A1) ":" nonce ":" cnonce. */
static gboolean
compute_ha1 (const TcSipDigestChallenge *challenge, const TcSipDigestCredentials *credentials, const char *cnonce,
             char ha1[HEX_MAX + 1], GError **error)
{
  char inner[HEX_MAX + 1];
  gboolean ok;

  if (!hash_join (challenge->algorithm, ha1, error, credentials->username, challenge->realm, credentials->password,
                  NULL))
    return FALSE;
  if (!algorithm_is_sess (challenge->algorithm))
    return TRUE;
  memcpy (inner, ha1, sizeof inner);
  ok = hash_join (challenge->algorithm, ha1, error, inner, challenge->nonce, cnonce, NULL);
  explicit_bzero (inner, sizeof inner);
  return ok;
}

/* RFC 7616 §3.4.3: A2 = Method ":" request-uri, with ":" H(entity-body)
 * appended for auth-int. */
static gboolean
compute_ha2 (TcSipDigestAlgorithm algorithm, TcSipDigestQop qop, const char *method, const char *uri, GBytes *body,
             char ha2[HEX_MAX + 1], GError **error)
{
  char body_hash[HEX_MAX + 1];
  Hash hash;

  if (qop != TC_SIP_DIGEST_QOP_AUTH_INT)
    return hash_join (algorithm, ha2, error, method, uri, NULL);

  if (!hash_init (&hash, algorithm, error))
    return FALSE;
  if (body)
    {
      gsize len;
      const void *data = g_bytes_get_data (body, &len);

      hash_update (&hash, data, len);
    }
  if (!hash_finish (&hash, body_hash, error))
    return FALSE;
  return hash_join (algorithm, ha2, error, method, uri, body_hash, NULL);
}

char *
tc_sip_digest_authorization_build (const TcSipDigestChallenge *challenge, const TcSipDigestCredentials *credentials,
                                   const char *method, const char *uri, GBytes *body, guint32 nc, const char *cnonce,
                                   GError **error)
{
  g_autoptr (GString) out = NULL;
  TcSipDigestQop qop;
  char ha1[HEX_MAX + 1], ha2[HEX_MAX + 1], response[HEX_MAX + 1];
  char nc_text[9];
  char random[33];
  gboolean ok;

  g_return_val_if_fail (challenge != NULL, NULL);
  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (method != NULL && uri != NULL, NULL);

  {
    TcSipLex lex;

    tc_lex_init (&lex, tc_sip_str (method, strlen (method)));
    if (!tc_lex_token (&lex, NULL) || !tc_lex_eof (&lex))
      return argument_error (error, "\"%s\" is not a SIP method", method), NULL;
  }
  if (!*uri || has_ctl (uri))
    return argument_error (error, "digest uri is empty or has a control character"), NULL;

  qop = tc_sip_digest_challenge_get_qop (challenge);
  if (qop != TC_SIP_DIGEST_QOP_NONE)
    {
      if (!cnonce)
        {
          random_cnonce (random);
          cnonce = random;
        }
      else if (!*cnonce || has_ctl (cnonce))
        return argument_error (error, "digest cnonce is empty or has a control character"), NULL;
      if (nc == 0)
        return argument_error (error, "digest nonce count starts at 1"), NULL;
      g_snprintf (nc_text, sizeof nc_text, "%08x", nc);
    }

  if (!compute_ha1 (challenge, credentials, cnonce, ha1, error))
    return NULL;
  ok = compute_ha2 (challenge->algorithm, qop, method, uri, body, ha2, error);
  /* RFC 7616 §3.4.1: response = KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2);
   * RFC 2617 §3.2.2.1 without qop: KD(HA1, nonce ":" HA2). */
  if (ok && qop != TC_SIP_DIGEST_QOP_NONE)
    ok = hash_join (challenge->algorithm, response, error, ha1, challenge->nonce, nc_text, cnonce,
                    qop == TC_SIP_DIGEST_QOP_AUTH ? "auth" : "auth-int", ha2, NULL);
  else if (ok)
    ok = hash_join (challenge->algorithm, response, error, ha1, challenge->nonce, ha2, NULL);
  explicit_bzero (ha1, sizeof ha1);
  if (!ok)
    return NULL;

  /* RFC 7616 §3.4: quoted username, realm, nonce, uri, response, cnonce,
   * opaque; unquoted algorithm, qop, nc, userhash. */
  out = g_string_sized_new (256);
  g_string_append (out, "Digest username=");
  if (challenge->userhash)
    {
      /* RFC 7616 §3.4.4: username = H(unq(username) ":" unq(realm)) */
      char hashed[HEX_MAX + 1];

      if (!hash_join (challenge->algorithm, hashed, error, credentials->username, challenge->realm, NULL))
        return NULL;
      append_quoted (out, hashed);
    }
  else
    append_quoted (out, credentials->username);
  g_string_append (out, ", realm=");
  append_quoted (out, challenge->realm);
  g_string_append (out, ", nonce=");
  append_quoted (out, challenge->nonce);
  g_string_append (out, ", uri=");
  append_quoted (out, uri);
  g_string_append (out, ", response=");
  append_quoted (out, response);
  explicit_bzero (response, sizeof response);
  g_string_append_printf (out, ", algorithm=%s", tc_sip_digest_algorithm_to_string (challenge->algorithm));
  if (qop != TC_SIP_DIGEST_QOP_NONE)
    {
      g_string_append (out, ", cnonce=");
      append_quoted (out, cnonce);
    }
  if (challenge->opaque)
    {
      g_string_append (out, ", opaque=");
      append_quoted (out, challenge->opaque);
    }
  if (qop != TC_SIP_DIGEST_QOP_NONE)
    g_string_append_printf (out, ", qop=%s, nc=%s", qop == TC_SIP_DIGEST_QOP_AUTH ? "auth" : "auth-int", nc_text);
  if (challenge->userhash)
    g_string_append (out, ", userhash=true");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
