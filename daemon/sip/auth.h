/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * auth.h — the client side of SIP digest authentication (RFC 3261 §22,
 * RFC 7616, RFC 8760, RFC 2617 compatibility), with no I/O.
 *
 * A 401 or 407 carries one or more challenges; tc_sip_digest_select_challenges()
 * parses them and keeps the strongest supported one per realm.  A
 * TcSipDigestCredentials (user name and password) answers a challenge with
 * tc_sip_digest_authorization_build(), which returns the value of an
 * Authorization or Proxy-Authorization header.  A TcSipDigestCache holds,
 * per realm, the last challenge and its nonce count, so that later requests
 * in the same realm are authorized pre-emptively, and decides with
 * tc_sip_digest_cache_handle_challenge() whether a new challenge is worth a
 * retry (TcSipDigestVerdict): a caller that follows the verdict never loops.
 *
 * Hashes: MD5 and SHA-256 come from GChecksum, SHA-512/256 (FIPS 180-4, its
 * own initial values: not SHA-512 cut short) from OpenSSL, whose module
 * (crypto-module.h) is loaded on the first such challenge; cnonces from
 * tc_sip_random_bytes().  Passwords, HA1 values and responses are never
 * logged, and the buffers that held them are cleansed.
 */
#pragma once

#include <glib-object.h>

#include "sip/builder.h"
#include "sip/header.h"
#include "sip/message.h"

G_BEGIN_DECLS

/**
 * TcSipDigestAlgorithm:
 * @TC_SIP_DIGEST_ALGORITHM_MD5: "MD5", also what an absent algorithm means (RFC 2617)
 * @TC_SIP_DIGEST_ALGORITHM_MD5_SESS: "MD5-sess"
 * @TC_SIP_DIGEST_ALGORITHM_SHA_256: "SHA-256" (RFC 7616, RFC 8760)
 * @TC_SIP_DIGEST_ALGORITHM_SHA_256_SESS: "SHA-256-sess"
 * @TC_SIP_DIGEST_ALGORITHM_SHA_512_256: "SHA-512-256", i.e. SHA-512/256
 * @TC_SIP_DIGEST_ALGORITHM_SHA_512_256_SESS: "SHA-512-256-sess"
 *
 * The digest algorithms the client answers.  The order is not the
 * strength order: see tc_sip_digest_challenge_compare().
 */
typedef enum {
  TC_SIP_DIGEST_ALGORITHM_MD5,
  TC_SIP_DIGEST_ALGORITHM_MD5_SESS,
  TC_SIP_DIGEST_ALGORITHM_SHA_256,
  TC_SIP_DIGEST_ALGORITHM_SHA_256_SESS,
  TC_SIP_DIGEST_ALGORITHM_SHA_512_256,
  TC_SIP_DIGEST_ALGORITHM_SHA_512_256_SESS,
} TcSipDigestAlgorithm;

/* The token as RFC 7616 §6.1 registers it ("SHA-512-256-sess"). */
const char *tc_sip_digest_algorithm_to_string (TcSipDigestAlgorithm algorithm);

/**
 * TcSipDigestQop:
 * @TC_SIP_DIGEST_QOP_NONE: no qop: RFC 2069/2617 compatibility (no nc, no cnonce)
 * @TC_SIP_DIGEST_QOP_AUTH: "auth": the response covers method and Request-URI
 * @TC_SIP_DIGEST_QOP_AUTH_INT: "auth-int": the response also covers a hash of the body
 *
 * Flags: a challenge offers a set of them, an answer uses one.
 */
typedef enum {
  TC_SIP_DIGEST_QOP_NONE = 0,
  TC_SIP_DIGEST_QOP_AUTH = 1 << 0,
  TC_SIP_DIGEST_QOP_AUTH_INT = 1 << 1,
} TcSipDigestQop;

/**
 * TcSipDigestVerdict:
 * @TC_SIP_DIGEST_VERDICT_RETRY: a new challenge: send the request again with the cache's credentials
 * @TC_SIP_DIGEST_VERDICT_RETRY_STALE: the server only found our nonce stale (stale=true): retry
 *   with the new one; this is not a failure of the credentials
 * @TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS: the server rejected the answer to its own fresh
 *   challenge: user name or password is wrong; do not retry
 * @TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED: no challenge in the response can be answered (scheme,
 *   algorithm or qop not supported, or malformed); do not retry
 *
 * What to do with a 401 or 407.  The two RETRY verdicts are given at most
 * once per fresh nonce, so a caller that stops on the FAIL verdicts never
 * loops.
 */
typedef enum {
  TC_SIP_DIGEST_VERDICT_RETRY,
  TC_SIP_DIGEST_VERDICT_RETRY_STALE,
  TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS,
  TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED,
} TcSipDigestVerdict;

const char *tc_sip_digest_verdict_to_string (TcSipDigestVerdict verdict);

/* ---- challenges ----------------------------------------------------------- */

/* A parsed Digest challenge: an immutable, refcounted boxed value. */
typedef struct _TcSipDigestChallenge TcSipDigestChallenge;

#define TC_SIP_TYPE_DIGEST_CHALLENGE (tc_sip_digest_challenge_get_type ())
GType tc_sip_digest_challenge_get_type (void);

/* Parses the challenge @auth of header @id (WWW-Authenticate or
 * Proxy-Authenticate).  Fails with TC_SIP_ERROR_PARSE when the Digest
 * challenge is malformed (no realm or nonce, a directive twice, a bad stale
 * or userhash value...), and with TC_SIP_ERROR_UNSUPPORTED_SCHEME when it
 * is not Digest or asks for an algorithm or qop we do not implement.
 * Unknown directives are ignored (RFC 7616 §3.3). */
TcSipDigestChallenge *tc_sip_digest_challenge_parse (TcSipHeaderId id, const TcSipAuth *auth, GError **error);
/* Same, from the raw header value. */
TcSipDigestChallenge *tc_sip_digest_challenge_parse_value (TcSipHeaderId id, const char *value, gsize len,
                                                           GError **error);

TcSipDigestChallenge *tc_sip_digest_challenge_ref (TcSipDigestChallenge *challenge);
void tc_sip_digest_challenge_unref (TcSipDigestChallenge *challenge);

/* TRUE for a Proxy-Authenticate challenge (answered in Proxy-Authorization). */
gboolean tc_sip_digest_challenge_is_proxy (const TcSipDigestChallenge *challenge);
/* Unquoted values, owned by @challenge; opaque and domain may be NULL. */
const char *tc_sip_digest_challenge_get_realm (const TcSipDigestChallenge *challenge);
const char *tc_sip_digest_challenge_get_nonce (const TcSipDigestChallenge *challenge);
const char *tc_sip_digest_challenge_get_opaque (const TcSipDigestChallenge *challenge);
/* The domain directive: a space-separated list of URIs, as sent. */
const char *tc_sip_digest_challenge_get_domain (const TcSipDigestChallenge *challenge);
TcSipDigestAlgorithm tc_sip_digest_challenge_get_algorithm (const TcSipDigestChallenge *challenge);
/* The qop options offered (NONE when the challenge has no qop directive). */
TcSipDigestQop tc_sip_digest_challenge_get_qop_options (const TcSipDigestChallenge *challenge);
/* The qop an answer uses: auth if offered, else auth-int, else none. */
TcSipDigestQop tc_sip_digest_challenge_get_qop (const TcSipDigestChallenge *challenge);
gboolean tc_sip_digest_challenge_get_stale (const TcSipDigestChallenge *challenge);
gboolean tc_sip_digest_challenge_get_userhash (const TcSipDigestChallenge *challenge);

/* Strength order: < 0 if @a is weaker than @b, 0 if as strong, > 0 if
 * stronger.  SHA-512-256 > SHA-256 > MD5 (a -sess variant counts as its
 * base algorithm), then a challenge with qop > one without. */
gint tc_sip_digest_challenge_compare (const TcSipDigestChallenge *a, const TcSipDigestChallenge *b);

/* The challenges of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate;
 * a 407 may carry challenges of several proxies): the strongest supported
 * one per realm, ties going to the first listed, realms in order of first
 * appearance.  Challenges we cannot answer are skipped; when none is left,
 * fails with the error of the first one (or TC_SIP_ERROR_PARSE when there
 * is no challenge at all).
 * Returns: (transfer full) (element-type TcSipDigestChallenge) */
GPtrArray *tc_sip_digest_select_challenges (const TcSipMessage *response, GError **error);

/* ---- credentials ---------------------------------------------------------- */

/* A user name and password: refcounted; the password is cleansed from
 * memory when the last reference goes. */
typedef struct _TcSipDigestCredentials TcSipDigestCredentials;

#define TC_SIP_TYPE_DIGEST_CREDENTIALS (tc_sip_digest_credentials_get_type ())
GType tc_sip_digest_credentials_get_type (void);

/* Fails with TC_SIP_ERROR_INVALID_ARGUMENT when @username is empty, not
 * UTF-8 or holds a control character, or @password is not UTF-8 (both go
 * into the hashes as UTF-8, RFC 7616 §4). */
TcSipDigestCredentials *tc_sip_digest_credentials_new (const char *username, const char *password, GError **error);
TcSipDigestCredentials *tc_sip_digest_credentials_ref (TcSipDigestCredentials *credentials);
void tc_sip_digest_credentials_unref (TcSipDigestCredentials *credentials);
const char *tc_sip_digest_credentials_get_username (const TcSipDigestCredentials *credentials);

/* ---- answering -------------------------------------------------------------- */

/* The value of the Authorization (or, for a proxy challenge,
 * Proxy-Authorization) header answering @challenge for a request with
 * @method, @uri (the Request-URI as sent) and @body (the message body;
 * only hashed for qop=auth-int; NULL is an empty body), with nonce count
 * @nc (from 1; ignored without qop) and client nonce @cnonce (NULL: 128
 * random bits from tc_sip_random_bytes(), in hex).  Fails with
 * TC_SIP_ERROR_INVALID_ARGUMENT when @method or @uri cannot go into the
 * header, or when a hash fails (SHA-512/256: OpenSSL's module cannot be
 * loaded). */
char *tc_sip_digest_authorization_build (const TcSipDigestChallenge *challenge,
                                         const TcSipDigestCredentials *credentials, const char *method, const char *uri,
                                         GBytes *body, guint32 nc, const char *cnonce, GError **error);

/* ---- the per-realm cache ---------------------------------------------------- */

typedef struct _TcSipDigestCache TcSipDigestCache;

#define TC_SIP_TYPE_DIGEST_CACHE (tc_sip_digest_cache_get_type ())
GType tc_sip_digest_cache_get_type (void);

/* An empty cache answering every realm with @credentials (one account). */
TcSipDigestCache *tc_sip_digest_cache_new (TcSipDigestCredentials *credentials);
TcSipDigestCache *tc_sip_digest_cache_ref (TcSipDigestCache *cache);
void tc_sip_digest_cache_unref (TcSipDigestCache *cache);

/* Decides what to do with @response, a 401 or 407 to @request (the
 * request as it was sent, with whatever authorization it carried), and on
 * a RETRY verdict stores the new challenges.  Per realm challenged:
 *  - the request carried no credentials for it: RETRY;
 *  - stale=true: RETRY_STALE, unless the request answered a nonce that came
 *    with stale=true itself and was used for the first time then (a server
 *    calling its own fresh nonce stale would loop us): WRONG_CREDENTIALS;
 *  - stale=false after the request answered a fresh nonce (nc 00000001, or
 *    no qop, where nothing tells a fresh nonce from a reused one):
 *    WRONG_CREDENTIALS (RFC 7616 §3.3: "the username and/or password are
 *    invalid");
 *  - stale=false after a pre-emptive answer with a reused nonce (nc > 1),
 *    which a restarted server may have forgotten without saying it is
 *    stale: RETRY, once, since the retry answers a fresh nonce.
 * The verdict of the response is the worst one of its realms.  @error is
 * set for FAIL_UNSUPPORTED (why no challenge could be used); it is not set
 * for FAIL_WRONG_CREDENTIALS, which the verdict reports on its own. */
TcSipDigestVerdict tc_sip_digest_cache_handle_challenge (TcSipDigestCache *cache, const TcSipMessage *request,
                                                         const TcSipMessage *response, GError **error);

/* Puts into @builder one Authorization or Proxy-Authorization header per
 * realm in the cache (after removing any such headers it held), each with
 * the next nonce count of its realm.  @method, @uri and @body as for
 * tc_sip_digest_authorization_build().  Returns the number of headers
 * added, or -1 with @error set. */
gint tc_sip_digest_cache_authorize (TcSipDigestCache *cache, TcSipMessageBuilder *builder, const char *method,
                                    const char *uri, GBytes *body, GError **error);

/* The challenge stored for @realm, or NULL.  Borrowed. */
const TcSipDigestChallenge *tc_sip_digest_cache_lookup (const TcSipDigestCache *cache, const char *realm);
/* The last nonce count used for @realm (0: its nonce has not been used). */
guint32 tc_sip_digest_cache_get_nc (const TcSipDigestCache *cache, const char *realm);
/* Drops @realm (e.g. when an account's registrar changes); TRUE if it was there. */
gboolean tc_sip_digest_cache_forget (TcSipDigestCache *cache, const char *realm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipDigestChallenge, tc_sip_digest_challenge_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipDigestCredentials, tc_sip_digest_credentials_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipDigestCache, tc_sip_digest_cache_unref)

G_END_DECLS
