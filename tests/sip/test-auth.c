/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-auth.c — unit tests of client digest authentication (auth.h): the
 * RFC 7616 §3.9 and RFC 2617 §3.5 vectors, SHA-512/256, auth-int, -sess,
 * parsing challenges (valid, malformed, unsupported, garbage), choosing the
 * strongest challenge of a real 401, and the per-realm cache: nonce counts,
 * stale nonces, wrong passwords and pre-emptive answers with a forgotten
 * nonce, each ending in a bounded number of retries.
 *
 * Expected values not printed in an RFC were computed independently in the
 * shell with OpenSSL's command line tool, e.g. for the response of a
 * qop=auth challenge:
 *
 *   h () { printf '%s' "$2" | openssl dgst -$1 -r | cut -d' ' -f1; }
 *   HA1=$(h sha512-256 "user:realm:password"); HA2=$(h sha512-256 "GET:/uri")
 *   h sha512-256 "$HA1:nonce:00000001:cnonce:auth:$HA2"
 */
#include <string.h>

#include <glib.h>

#include "sip/auth.h"
#include "sip/builder.h"
#include "sip/parser.h"
#include "sip/sip-error.h"

/* RFC 7616 §3.9.1. */
#define RFC7616_REALM "http-auth@example.org"
#define RFC7616_NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define RFC7616_OPAQUE "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
#define RFC7616_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

static TcSipDigestChallenge *
challenge_ok (TcSipHeaderId id, const char *value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipDigestChallenge) challenge = tc_sip_digest_challenge_parse_value (id, value, strlen (value), &error);

  g_assert_no_error (error);
  g_assert_nonnull (challenge);
  return g_steal_pointer (&challenge);
}

static TcSipDigestCredentials *
credentials_ok (const char *username, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipDigestCredentials) credentials = tc_sip_digest_credentials_new (username, password, &error);

  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  return g_steal_pointer (&credentials);
}

static char *
build_ok (const TcSipDigestChallenge *challenge, const TcSipDigestCredentials *credentials, const char *method,
          const char *uri, GBytes *body, guint32 nc, const char *cnonce)
{
  g_autoptr (GError) error = NULL;
  char *value = tc_sip_digest_authorization_build (challenge, credentials, method, uri, body, nc, cnonce, &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  return value;
}

/* The unquoted value of directive @name in the credentials @value, or NULL. */
static char *
param_of (const char *value, const char *name)
{
  TcSipAuth auth;
  TcSipStr v;

  g_assert_true (tc_sip_parse_auth (tc_sip_str (value, strlen (value)), &auth, NULL));
  if (!tc_sip_auth_get_param (&auth, name, &v))
    return NULL;
  return tc_sip_unquote (v);
}

#define assert_param(value, name, expected) \
  G_STMT_START \
  { \
    g_autofree char *got_ = param_of ((value), (name)); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } \
  G_STMT_END

/* ---- vectors ------------------------------------------------------------------ */

static void
test_rfc7616_md5 (void)
{
  g_autoptr (TcSipDigestChallenge) challenge =
    challenge_ok (TC_SIP_HEADER_WWW_AUTHENTICATE,
                  "Digest\r\n realm=\"" RFC7616_REALM "\",\r\n qop=\"auth, auth-int\",\r\n"
                  " algorithm=MD5,\r\n nonce=\"" RFC7616_NONCE "\",\r\n opaque=\"" RFC7616_OPAQUE "\"");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("Mufasa", "Circle of Life");
  g_autofree char *value = build_ok (challenge, credentials, "GET", "/dir/index.html", NULL, 1, RFC7616_CNONCE);

  g_assert_cmpstr (value, ==,
                   "Digest username=\"Mufasa\", realm=\"" RFC7616_REALM "\", nonce=\"" RFC7616_NONCE "\", "
                   "uri=\"/dir/index.html\", response=\"8ca523f5e9506fed4657c9700eebdbec\", algorithm=MD5, "
                   "cnonce=\"" RFC7616_CNONCE "\", opaque=\"" RFC7616_OPAQUE "\", qop=auth, nc=00000001");
}

static void
test_rfc7616_sha256 (void)
{
  g_autoptr (TcSipDigestChallenge) challenge = challenge_ok (
    TC_SIP_HEADER_WWW_AUTHENTICATE, "Digest realm=\"" RFC7616_REALM "\", qop=\"auth, auth-int\", algorithm=SHA-256, "
                                    "nonce=\"" RFC7616_NONCE "\", opaque=\"" RFC7616_OPAQUE "\"");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("Mufasa", "Circle of Life");
  g_autofree char *value = build_ok (challenge, credentials, "GET", "/dir/index.html", NULL, 1, RFC7616_CNONCE);

  assert_param (value, "response", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  assert_param (value, "algorithm", "SHA-256");
  assert_param (value, "qop", "auth");
  assert_param (value, "nc", "00000001");
  g_assert_nonnull (strstr (value, ", algorithm=SHA-256,"));
}

/* RFC 7616 §3.9.2 (SHA-512-256, charset, userhash).  The RFC prints
 * username 488869477bf2…254ec and response ae66e67d6b42…7a79dd: those are
 * SHA-512 cut to 256 bits (erratum 4897; `openssl dgst -sha512` on the same
 * inputs, truncated, gives both), not SHA-512/256, which has its own
 * initial values.  With its inputs, `openssl dgst -sha512-256` gives the
 * values below; the test also checks we do not produce the RFC's. */
static void
test_rfc7616_userhash (void)
{
  g_autoptr (TcSipDigestChallenge) challenge =
    challenge_ok (TC_SIP_HEADER_WWW_AUTHENTICATE,
                  "Digest\r\n realm=\"api@example.org\",\r\n qop=\"auth\",\r\n algorithm=SHA-512-256,\r\n"
                  " nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\",\r\n"
                  " opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\",\r\n charset=UTF-8,\r\n"
                  " userhash=true");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("J\xc3\xa4s\xc3\xb8n Doe", "Secret, or not?");
  g_autofree char *value =
    build_ok (challenge, credentials, "GET", "/doe.json", NULL, 1, "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v");

  g_assert_true (tc_sip_digest_challenge_get_userhash (challenge));
  assert_param (value, "username", "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b");
  assert_param (value, "response", "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5");
  assert_param (value, "userhash", "true");
  assert_param (value, "algorithm", "SHA-512-256");
  g_assert_null (strstr (value, "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec"));
  g_assert_null (strstr (value, "ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd"));
}

/* The RFC 7616 §3.9.1 inputs with SHA-512-256; computed with
 * `openssl dgst -sha512-256` as in the header of this file:
 *   HA1 = fb174f5c3c7802721517cae13b98e2b8dae2e0118cb705d94ee29946319204ce
 *   HA2 = c2cc924c647b13c41e0fb8825bdaa97d0a1f2a7afb15e1e03c994229b20e1c92 */
static void
test_sha512_256 (void)
{
  g_autoptr (TcSipDigestChallenge) challenge = challenge_ok (
    TC_SIP_HEADER_WWW_AUTHENTICATE, "Digest realm=\"" RFC7616_REALM "\", qop=\"auth\", algorithm=SHA-512-256, "
                                    "nonce=\"" RFC7616_NONCE "\", opaque=\"" RFC7616_OPAQUE "\"");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("Mufasa", "Circle of Life");
  g_autofree char *value = build_ok (challenge, credentials, "GET", "/dir/index.html", NULL, 1, RFC7616_CNONCE);

  assert_param (value, "response", "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0");
}

/* RFC 2617 §3.5, with qop=auth (the RFC's own response). */
static void
test_rfc2617_qop (void)
{
  g_autoptr (TcSipDigestChallenge) challenge =
    challenge_ok (TC_SIP_HEADER_WWW_AUTHENTICATE, "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                                                  "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                                                  "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("Mufasa", "Circle Of Life");
  g_autofree char *value = build_ok (challenge, credentials, "GET", "/dir/index.html", NULL, 1, "0a4f113b");

  assert_param (value, "response", "6629fae49393a05397450978507c4ef1");
  assert_param (value, "opaque", "5ccc069c403ebaf9f0171e9517f40e41");
}

/* RFC 2617 §3.5 inputs, but a challenge without qop (RFC 2069 style):
 * response = MD5(HA1 ":" nonce ":" HA2) with
 * HA1 = 939e7578ed9e3c518a452acee763bce9, HA2 = 39aff3a2bab6126f332b942af96d3366
 * (openssl dgst -md5); no cnonce, nc or qop in the answer. */
static void
test_rfc2617_no_qop (void)
{
  g_autoptr (TcSipDigestChallenge) challenge =
    challenge_ok (TC_SIP_HEADER_WWW_AUTHENTICATE,
                  "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("Mufasa", "Circle Of Life");
  g_autofree char *value = build_ok (challenge, credentials, "GET", "/dir/index.html", NULL, 7, NULL);

  g_assert_cmpint (tc_sip_digest_challenge_get_qop (challenge), ==, TC_SIP_DIGEST_QOP_NONE);
  g_assert_cmpstr (value, ==,
                   "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                   "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
                   "response=\"670fd8c2df070c60b045671b8b24ff02\", algorithm=MD5");
}

#define SDP_BODY \
  "v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"

/* qop=auth-int hashes the body into A2 (RFC 7616 §3.4.3).  Computed with
 * H(body) = 889a1cec6312304d14ab025afc57c53d1c19bcb2a3316b97da73b30ee3b912b4
 * (openssl dgst -sha256 of SDP_BODY), then as above. */
static void
test_auth_int (void)
{
  g_autoptr (TcSipDigestChallenge) challenge =
    challenge_ok (TC_SIP_HEADER_WWW_AUTHENTICATE,
                  "Digest realm=\"example.com\", nonce=\"abc123\", qop=\"auth-int\", algorithm=SHA-256");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("alice", "secret");
  g_autoptr (GBytes) body = g_bytes_new_static (SDP_BODY, strlen (SDP_BODY));
  g_autoptr (GBytes) other = g_bytes_new_static ("v=0\r\n", 5);
  g_autofree char *value =
    build_ok (challenge, credentials, "INVITE", "sip:bob@example.com", body, 1, "0123456789abcdef");
  g_autofree char *value2 =
    build_ok (challenge, credentials, "INVITE", "sip:bob@example.com", other, 1, "0123456789abcdef");

  assert_param (value, "qop", "auth-int");
  assert_param (value, "response", "9d8643a63376627c8adb92bed2ba879d32dfbad60d57fd0683a855260e23b339");
  /* a different body gives a different response */
  g_assert_cmpstr (value, !=, value2);
}

/* When both are offered, auth is chosen (see tc_sip_digest_challenge_get_qop()):
 * the body does not change the response. */
static void
test_qop_choice (void)
{
  g_autoptr (TcSipDigestChallenge) both = challenge_ok (
    TC_SIP_HEADER_WWW_AUTHENTICATE, "Digest realm=\"r\", nonce=\"n\", qop=\"auth-int, auth, auth-conf, x-future\"");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("alice", "secret");
  g_autoptr (GBytes) body = g_bytes_new_static (SDP_BODY, strlen (SDP_BODY));
  g_autofree char *with_body = build_ok (both, credentials, "INVITE", "sip:bob@example.com", body, 1, "c");
  g_autofree char *without = build_ok (both, credentials, "INVITE", "sip:bob@example.com", NULL, 1, "c");

  g_assert_cmpint (tc_sip_digest_challenge_get_qop_options (both), ==,
                   TC_SIP_DIGEST_QOP_AUTH | TC_SIP_DIGEST_QOP_AUTH_INT);
  g_assert_cmpint (tc_sip_digest_challenge_get_qop (both), ==, TC_SIP_DIGEST_QOP_AUTH);
  g_assert_cmpstr (with_body, ==, without);
  assert_param (with_body, "qop", "auth");
}

/* MD5-sess: HA1 = MD5(MD5(user:realm:pass) ":" nonce ":" cnonce); computed
 * with openssl dgst -md5 for REGISTER sip:example.com, nc 2. */
static void
test_md5_sess (void)
{
  g_autoptr (TcSipDigestChallenge) challenge = challenge_ok (
    TC_SIP_HEADER_WWW_AUTHENTICATE, "Digest realm=\"example.com\", nonce=\"abc123\", qop=auth, algorithm=\"md5-SESS\"");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("alice", "secret");
  g_autofree char *value =
    build_ok (challenge, credentials, "REGISTER", "sip:example.com", NULL, 2, "0123456789abcdef");

  g_assert_cmpint (tc_sip_digest_challenge_get_algorithm (challenge), ==, TC_SIP_DIGEST_ALGORITHM_MD5_SESS);
  assert_param (value, "response", "a86267ea7286a17513a5c0a1fc07781c");
  assert_param (value, "algorithm", "MD5-sess");
  assert_param (value, "nc", "00000002");
}

/* Quotes and backslashes in the user name and URI become quoted-pairs, and
 * the random cnonce is 128 bits of hex, new each time. */
static void
test_build_quoting_and_cnonce (void)
{
  g_autoptr (TcSipDigestChallenge) challenge =
    challenge_ok (TC_SIP_HEADER_PROXY_AUTHENTICATE, "Digest realm=\"a \\\"b\\\"\", nonce=\"n\", qop=\"auth\"");
  g_autoptr (TcSipDigestCredentials) credentials = credentials_ok ("al\"ice\\", "pw");
  g_autofree char *one = build_ok (challenge, credentials, "MESSAGE", "sip:bob@example.com", NULL, 1, NULL);
  g_autofree char *two = build_ok (challenge, credentials, "MESSAGE", "sip:bob@example.com", NULL, 1, NULL);
  g_autofree char *cnonce1 = param_of (one, "cnonce");
  g_autofree char *cnonce2 = param_of (two, "cnonce");
  g_autoptr (GError) error = NULL;
  char *bad;
  gsize i;

  g_assert_true (tc_sip_digest_challenge_is_proxy (challenge));
  g_assert_cmpstr (tc_sip_digest_challenge_get_realm (challenge), ==, "a \"b\"");
  g_assert_nonnull (strstr (one, "username=\"al\\\"ice\\\\\", realm=\"a \\\"b\\\"\""));
  assert_param (one, "username", "al\"ice\\");
  g_assert_cmpuint (strlen (cnonce1), ==, 32);
  for (i = 0; i < 32; i++)
    g_assert_true (g_ascii_isxdigit (cnonce1[i]));
  g_assert_cmpstr (cnonce1, !=, cnonce2);

  bad = tc_sip_digest_authorization_build (challenge, credentials, "BAD METHOD", "sip:x", NULL, 1, NULL, &error);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_assert_null (bad);
  g_clear_error (&error);
  bad =
    tc_sip_digest_authorization_build (challenge, credentials, "MESSAGE", "sip:x\r\nEvil: 1", NULL, 1, NULL, &error);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_assert_null (bad);
  g_clear_error (&error);
  bad = tc_sip_digest_authorization_build (challenge, credentials, "MESSAGE", "sip:x", NULL, 0, NULL, &error);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_assert_null (bad);
}

static void
test_credentials_invalid (void)
{
  static const char *const bad_users[] = { "", "a\x01b", "a\r\nb", "\xff\xfe" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad_users); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TcSipDigestCredentials) credentials = tc_sip_digest_credentials_new (bad_users[i], "pw", &error);

      g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
      g_assert_null (credentials);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (TcSipDigestCredentials) credentials = tc_sip_digest_credentials_new ("alice", "\xc3", &error);

    g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
    g_assert_null (credentials);
  }
}

/* ---- parsing -------------------------------------------------------------------- */

static void
test_parse_valid (void)
{
  g_autoptr (TcSipDigestChallenge) full = challenge_ok (
    TC_SIP_HEADER_WWW_AUTHENTICATE,
    "digest REALM=\"biloxi.com\" ,, nonce=\"ab\\\"cd\", opaque=xyz, domain=\"sip:biloxi.com sip:ss1.biloxi.com\", "
    "algorithm=\"SHA-256\", stale=TRUE, qop=\"auth\", x-unknown=\"ignored, really\", userhash=false, charset=utf-8");
  g_autoptr (TcSipDigestChallenge) minimal =
    challenge_ok (TC_SIP_HEADER_PROXY_AUTHENTICATE, "Digest realm=\"\", nonce=n1");

  g_assert_false (tc_sip_digest_challenge_is_proxy (full));
  g_assert_cmpstr (tc_sip_digest_challenge_get_realm (full), ==, "biloxi.com");
  g_assert_cmpstr (tc_sip_digest_challenge_get_nonce (full), ==, "ab\"cd");
  g_assert_cmpstr (tc_sip_digest_challenge_get_opaque (full), ==, "xyz");
  g_assert_cmpstr (tc_sip_digest_challenge_get_domain (full), ==, "sip:biloxi.com sip:ss1.biloxi.com");
  g_assert_cmpint (tc_sip_digest_challenge_get_algorithm (full), ==, TC_SIP_DIGEST_ALGORITHM_SHA_256);
  g_assert_cmpint (tc_sip_digest_challenge_get_qop_options (full), ==, TC_SIP_DIGEST_QOP_AUTH);
  g_assert_true (tc_sip_digest_challenge_get_stale (full));
  g_assert_false (tc_sip_digest_challenge_get_userhash (full));

  g_assert_true (tc_sip_digest_challenge_is_proxy (minimal));
  g_assert_cmpstr (tc_sip_digest_challenge_get_realm (minimal), ==, "");
  g_assert_cmpstr (tc_sip_digest_challenge_get_nonce (minimal), ==, "n1");
  g_assert_null (tc_sip_digest_challenge_get_opaque (minimal));
  g_assert_null (tc_sip_digest_challenge_get_domain (minimal));
  g_assert_cmpint (tc_sip_digest_challenge_get_algorithm (minimal), ==, TC_SIP_DIGEST_ALGORITHM_MD5);
  g_assert_cmpint (tc_sip_digest_challenge_get_qop_options (minimal), ==, TC_SIP_DIGEST_QOP_NONE);
  g_assert_false (tc_sip_digest_challenge_get_stale (minimal));
}

typedef struct {
  const char *name;
  const char *value;
  TcSipErrorCode code;
  const char *message; /* a substring of the error message */
} BadChallenge;

static const BadChallenge bad_challenges[] = {
  { "no-realm", "Digest nonce=\"n\"", TC_SIP_ERROR_PARSE, "without realm" },
  { "no-nonce", "Digest realm=\"r\"", TC_SIP_ERROR_PARSE, "without nonce" },
  { "empty-nonce", "Digest realm=\"r\", nonce=\"\"", TC_SIP_ERROR_PARSE, "without nonce" },
  { "no-params", "Digest", TC_SIP_ERROR_PARSE, "without realm" },
  { "twice", "Digest realm=\"r\", nonce=\"a\", nonce=\"b\"", TC_SIP_ERROR_PARSE, "nonce given twice" },
  { "twice-case", "Digest realm=\"r\", nonce=\"a\", REALM=\"s\"", TC_SIP_ERROR_PARSE, "REALM given twice" },
  { "stale", "Digest realm=\"r\", nonce=\"a\", stale=yes", TC_SIP_ERROR_PARSE, "stale must be true or false" },
  { "userhash", "Digest realm=\"r\", nonce=\"a\", userhash=1", TC_SIP_ERROR_PARSE, "userhash must be" },
  { "charset", "Digest realm=\"r\", nonce=\"a\", charset=latin1", TC_SIP_ERROR_PARSE, "charset must be UTF-8" },
  { "qop-empty", "Digest realm=\"r\", nonce=\"a\", qop=\"\"", TC_SIP_ERROR_PARSE, "empty qop" },
  { "qop-garbage", "Digest realm=\"r\", nonce=\"a\", qop=\"auth x=y\"", TC_SIP_ERROR_PARSE, "is not a token" },
  { "unterminated", "Digest realm=\"r", TC_SIP_ERROR_PARSE, "unterminated" },
  { "missing-comma", "Digest realm=\"r\" nonce=\"a\"", TC_SIP_ERROR_PARSE, NULL },
  { "no-value", "Digest realm=", TC_SIP_ERROR_PARSE, NULL },
  { "empty", "", TC_SIP_ERROR_PARSE, "missing authentication scheme" },
  { "basic", "Basic realm=\"r\"", TC_SIP_ERROR_AUTH_UNSUPPORTED, "scheme \"Basic\" is not supported" },
  { "bearer", "Bearer realm=\"r\", scope=\"x\"", TC_SIP_ERROR_AUTH_UNSUPPORTED, "\"Bearer\"" },
  { "sha-1", "Digest realm=\"r\", nonce=\"a\", algorithm=SHA-1", TC_SIP_ERROR_AUTH_UNSUPPORTED,
    "algorithm \"SHA-1\" is not supported" },
  { "sha-512", "Digest realm=\"r\", nonce=\"a\", algorithm=SHA-512", TC_SIP_ERROR_AUTH_UNSUPPORTED, "SHA-512" },
  { "auth-conf", "Digest realm=\"r\", nonce=\"a\", qop=\"auth-conf\"", TC_SIP_ERROR_AUTH_UNSUPPORTED,
    "neither qop auth nor auth-int" },
  { "sess-no-qop", "Digest realm=\"r\", nonce=\"a\", algorithm=SHA-256-sess", TC_SIP_ERROR_AUTH_UNSUPPORTED,
    "without qop" },
};

static void
test_parse_invalid (gconstpointer data)
{
  const BadChallenge *bad = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipDigestChallenge) challenge =
    tc_sip_digest_challenge_parse_value (TC_SIP_HEADER_WWW_AUTHENTICATE, bad->value, strlen (bad->value), &error);

  g_assert_null (challenge);
  g_assert_error (error, TC_SIP_ERROR, (gint) bad->code);
  if (bad->message && !strstr (error->message, bad->message))
    g_error ("\"%s\": message \"%s\" lacks \"%s\"", bad->value, error->message, bad->message);
}

/* Whatever the input, parsing returns a challenge or an error, never both,
 * never neither, and never crashes (ASan and UBSan builds run this too). */
static void
test_parse_garbage (void)
{
  static const char *const garbage[] = {
    "Digest ,,,,",
    "Digest realm",
    "Digest realm=\"\\",
    "Digest realm=\"x\\\"",
    "Digest =\"x\"",
    "Digest realm=\"r\", nonce=\"n\", qop=\",,,\"",
    "Digest realm=\"r\", nonce=\"n\", qop=\"\\\"\"",
    "Digest realm=\"r\", nonce=\"n\", algorithm=\"\"",
    "Digest realm=\"r\", nonce=\"n\", stale=\"\"",
    "Digest\t\t",
    "\"Digest\" realm=x",
    "Digest realm=\"\xff\xfe\", nonce=\"\x80\"",
    "Digest realm=<x>, nonce=y",
    "D",
    ",",
    "\"",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (7616);
  const char alphabet[] = "Digest realm=nonce\",\\ qopauth-int\t=SHA-256-sess\"\xc3\xa4";
  gsize i;
  guint round;

  for (i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TcSipDigestChallenge) challenge =
        tc_sip_digest_challenge_parse_value (TC_SIP_HEADER_WWW_AUTHENTICATE, garbage[i], strlen (garbage[i]), &error);

      g_assert_true ((challenge == NULL) != (error == NULL));
    }
  /* the stored byte counts too: parse a view, not a C string */
  {
    static const char embedded[] = "Digest realm=\"r\0\", nonce=\"n\"";
    g_autoptr (GError) error = NULL;
    g_autoptr (TcSipDigestChallenge) challenge =
      tc_sip_digest_challenge_parse_value (TC_SIP_HEADER_WWW_AUTHENTICATE, embedded, sizeof embedded - 1, &error);

    g_assert_true ((challenge == NULL) != (error == NULL));
  }
  for (round = 0; round < 2000; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TcSipDigestChallenge) challenge = NULL;
      gsize len = g_rand_int_range (rand, 0, 64);
      g_autofree char *text = g_malloc (len + 1);

      for (i = 0; i < len; i++)
        text[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      text[len] = '\0';
      challenge = tc_sip_digest_challenge_parse_value (TC_SIP_HEADER_PROXY_AUTHENTICATE, text, len, &error);
      g_assert_true ((challenge == NULL) != (error == NULL));
    }
}

/* ---- choosing among challenges ---------------------------------------------------- */

static TcSipMessage *
parse_message (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) wire = g_string_new (NULL);
  g_autoptr (TcSipMessage) msg = NULL;
  const char *p;

  for (p = text; *p; p++)
    {
      if (*p == '\n')
        g_string_append (wire, "\r\n");
      else
        g_string_append_c (wire, *p);
    }
  msg = tc_sip_message_parse (wire->str, wire->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return g_steal_pointer (&msg);
}

/* A 401 as a registrar offering every algorithm (RFC 8760 §2.4: one
 * WWW-Authenticate per algorithm, preferred first) plus schemes and an
 * algorithm we do not know. */
#define REGISTER_401 \
  "SIP/2.0 401 Unauthorized\n" \
  "Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds7;received=192.0.2.4\n" \
  "From: <sip:alice@atlanta.example.com>;tag=a73kszlfl\n" \
  "To: <sip:alice@atlanta.example.com>;tag=1410948204\n" \
  "Call-ID: 1j9FpLxk3uxtm8tn@192.0.2.4\n" \
  "CSeq: 1 REGISTER\n" \
  "WWW-Authenticate: Basic realm=\"atlanta.example.com\"\n" \
  "WWW-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth\", algorithm=SHA-3-512,\n" \
  "  nonce=\"n-sha3\"\n" \
  "WWW-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth\", algorithm=MD5, nonce=\"n-md5\"\n" \
  "WWW-Authenticate: Digest realm=\"atlanta.example.com\", algorithm=SHA-512-256, nonce=\"n-sha512-noqop\"\n" \
  "WWW-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth\", algorithm=SHA-512-256,\n" \
  "  nonce=\"n-sha512\", opaque=\"o\"\n" \
  "WWW-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth\", algorithm=SHA-256, nonce=\"n-sha256\"\n" \
  "WWW-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth\", algorithm=SHA-512-256-sess,\n" \
  "  nonce=\"n-sha512-sess\"\n" \
  "Content-Length: 0\n" \
  "\n"

static void
test_select_strongest (void)
{
  g_autoptr (TcSipMessage) response = parse_message (REGISTER_401);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) challenges = tc_sip_digest_select_challenges (response, &error);
  TcSipDigestChallenge *best;

  g_assert_no_error (error);
  g_assert_nonnull (challenges);
  g_assert_cmpuint (challenges->len, ==, 1);
  best = g_ptr_array_index (challenges, 0);
  /* SHA-512-256 with qop beats SHA-512-256 without; the -sess variant
   * listed later is as strong, so the server's order keeps the first */
  g_assert_cmpint (tc_sip_digest_challenge_get_algorithm (best), ==, TC_SIP_DIGEST_ALGORITHM_SHA_512_256);
  g_assert_cmpstr (tc_sip_digest_challenge_get_nonce (best), ==, "n-sha512");
  g_assert_cmpstr (tc_sip_digest_challenge_get_opaque (best), ==, "o");
  g_assert_false (tc_sip_digest_challenge_is_proxy (best));
}

/* A forking proxy's 407 aggregates the challenges of two proxies (RFC 3261
 * §22.3): one answer per realm, realms in order. */
static void
test_select_per_realm (void)
{
  g_autoptr (TcSipMessage) response =
    parse_message ("SIP/2.0 407 Proxy Authentication Required\n"
                   "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK776asdhds\n"
                   "From: <sip:alice@atlanta.example.com>;tag=1928301774\n"
                   "To: <sip:bob@biloxi.example.com>;tag=8321234356\n"
                   "Call-ID: a84b4c76e66710\n"
                   "CSeq: 1 INVITE\n"
                   "Proxy-Authenticate: Digest realm=\"atlanta\", nonce=\"a1\", qop=\"auth\"\n"
                   "Proxy-Authenticate: Digest realm=\"biloxi\", nonce=\"b1\", qop=\"auth\", algorithm=SHA-256\n"
                   "Proxy-Authenticate: Digest realm=\"atlanta\", nonce=\"a2\", qop=\"auth\", algorithm=SHA-256\n"
                   "WWW-Authenticate: Digest realm=\"ignored-in-407\", nonce=\"x\"\n"
                   "Content-Length: 0\n"
                   "\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) challenges = tc_sip_digest_select_challenges (response, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (challenges->len, ==, 2);
  g_assert_cmpstr (tc_sip_digest_challenge_get_realm (g_ptr_array_index (challenges, 0)), ==, "atlanta");
  g_assert_cmpstr (tc_sip_digest_challenge_get_nonce (g_ptr_array_index (challenges, 0)), ==, "a2");
  g_assert_cmpstr (tc_sip_digest_challenge_get_realm (g_ptr_array_index (challenges, 1)), ==, "biloxi");
  g_assert_true (tc_sip_digest_challenge_is_proxy (g_ptr_array_index (challenges, 1)));
}

static void
test_select_none (void)
{
  g_autoptr (TcSipMessage) only_basic = parse_message ("SIP/2.0 401 Unauthorized\n"
                                                       "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK1\n"
                                                       "From: <sip:a@example.com>;tag=1\n"
                                                       "To: <sip:a@example.com>;tag=2\n"
                                                       "Call-ID: c1\n"
                                                       "CSeq: 1 REGISTER\n"
                                                       "WWW-Authenticate: Basic realm=\"example.com\"\n"
                                                       "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n\", "
                                                       "algorithm=SHA-1\n"
                                                       "Content-Length: 0\n"
                                                       "\n");
  g_autoptr (TcSipMessage) no_header = parse_message ("SIP/2.0 401 Unauthorized\n"
                                                      "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK1\n"
                                                      "From: <sip:a@example.com>;tag=1\n"
                                                      "To: <sip:a@example.com>;tag=2\n"
                                                      "Call-ID: c1\n"
                                                      "CSeq: 1 REGISTER\n"
                                                      "Content-Length: 0\n"
                                                      "\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) challenges = tc_sip_digest_select_challenges (only_basic, &error);

  g_assert_null (challenges);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_AUTH_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "WWW-Authenticate: authentication scheme \"Basic\""));
  g_clear_error (&error);

  challenges = tc_sip_digest_select_challenges (no_header, &error);
  g_assert_null (challenges);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "401 response without WWW-Authenticate");
}

/* ---- the cache ---------------------------------------------------------------------- */

typedef struct {
  TcSipDigestCredentials *credentials;
  TcSipDigestCache *cache;
  guint cseq;
} CacheFixture;

static void
cache_setup (CacheFixture *fixture, gconstpointer data)
{
  fixture->credentials = credentials_ok ("alice", "secret");
  fixture->cache = tc_sip_digest_cache_new (fixture->credentials);
  fixture->cseq = 0;
}

static void
cache_teardown (CacheFixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->cache, tc_sip_digest_cache_unref);
  g_clear_pointer (&fixture->credentials, tc_sip_digest_credentials_unref);
}

/* A REGISTER as the transaction user sends it: authorized from the cache
 * when @authorize. */
static TcSipMessage *
fixture_register (CacheFixture *fixture, gboolean authorize, gint expect_headers)
{
  g_autoptr (TcSipMessageBuilder) builder = tc_sip_message_builder_new_request ("REGISTER", "sip:example.com");
  g_autoptr (GError) error = NULL;
  TcSipMessage *msg;

  tc_sip_message_builder_add_header (builder, "Via", "SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKreg");
  tc_sip_message_builder_add_header (builder, "From", "<sip:alice@example.com>;tag=f1");
  tc_sip_message_builder_add_header (builder, "To", "<sip:alice@example.com>");
  tc_sip_message_builder_add_header (builder, "Call-ID", "reg-1@192.0.2.4");
  tc_sip_message_builder_add_header_printf (builder, "CSeq", "%u REGISTER", ++fixture->cseq);
  tc_sip_message_builder_add_header (builder, "Authorization", "Digest username=\"stale-header\", realm=\"x\"");
  if (authorize)
    g_assert_cmpint (
      tc_sip_digest_cache_authorize (fixture->cache, builder, "REGISTER", "sip:example.com", NULL, &error), ==,
      expect_headers);
  else
    tc_sip_message_builder_remove_headers (builder, "Authorization");
  g_assert_no_error (error);
  msg = tc_sip_message_builder_end (g_steal_pointer (&builder), &error);
  g_assert_no_error (error);
  return msg;
}

static TcSipMessage *
challenge_response (const TcSipMessage *request, guint status, const char *challenge)
{
  g_autoptr (TcSipMessageBuilder) builder = tc_sip_message_builder_new_response_to (request, status, NULL, "t1");
  g_autoptr (GError) error = NULL;
  TcSipMessage *msg;

  tc_sip_message_builder_add_header (builder, status == 407 ? "Proxy-Authenticate" : "WWW-Authenticate", challenge);
  msg = tc_sip_message_builder_end (g_steal_pointer (&builder), &error);
  g_assert_no_error (error);
  return msg;
}

static char *
request_param (const TcSipMessage *request, TcSipHeaderId id, const char *name)
{
  TcSipAuth auth;
  TcSipStr v;

  g_assert_true (tc_sip_message_get_auth (request, id, 0, &auth));
  if (!tc_sip_auth_get_param (&auth, name, &v))
    return NULL;
  return tc_sip_unquote (v);
}

static TcSipDigestVerdict
handle (CacheFixture *fixture, const TcSipMessage *request, const TcSipMessage *response)
{
  g_autoptr (GError) error = NULL;
  TcSipDigestVerdict verdict = tc_sip_digest_cache_handle_challenge (fixture->cache, request, response, &error);

  if (verdict == TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED)
    g_assert_nonnull (error);
  else
    g_assert_no_error (error);
  return verdict;
}

/* Pre-emptive authorization: once challenged, every later request in the
 * realm carries credentials, with nc counting up and a fresh cnonce. */
static void
test_cache_nc (CacheFixture *fixture, gconstpointer data)
{
  g_autoptr (TcSipMessage) first = fixture_register (fixture, TRUE, 0);
  g_autoptr (TcSipMessage) challenge =
    challenge_response (first, 401, "Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\", algorithm=SHA-256");
  g_autoptr (TcSipMessage) second = NULL;
  g_autoptr (TcSipMessage) third = NULL;
  g_autofree char *nc2 = NULL, *nc3 = NULL, *cnonce2 = NULL, *cnonce3 = NULL, *user = NULL;

  g_assert_cmpint (tc_sip_message_find_header (first, TC_SIP_HEADER_AUTHORIZATION, 0), ==, -1);
  g_assert_null (tc_sip_digest_cache_lookup (fixture->cache, "example.com"));
  g_assert_cmpint (handle (fixture, first, challenge), ==, TC_SIP_DIGEST_VERDICT_RETRY);
  g_assert_nonnull (tc_sip_digest_cache_lookup (fixture->cache, "example.com"));
  g_assert_cmpuint (tc_sip_digest_cache_get_nc (fixture->cache, "example.com"), ==, 0);

  second = fixture_register (fixture, TRUE, 1);
  third = fixture_register (fixture, TRUE, 1);
  /* one Authorization each: the builder's stale one was replaced */
  g_assert_cmpint (tc_sip_message_find_header (second, TC_SIP_HEADER_AUTHORIZATION, 0), >=, 0);
  g_assert_cmpint (tc_sip_message_find_header (second, TC_SIP_HEADER_AUTHORIZATION,
                                               tc_sip_message_find_header (second, TC_SIP_HEADER_AUTHORIZATION, 0) + 1),
                   ==, -1);
  nc2 = request_param (second, TC_SIP_HEADER_AUTHORIZATION, "nc");
  nc3 = request_param (third, TC_SIP_HEADER_AUTHORIZATION, "nc");
  cnonce2 = request_param (second, TC_SIP_HEADER_AUTHORIZATION, "cnonce");
  cnonce3 = request_param (third, TC_SIP_HEADER_AUTHORIZATION, "cnonce");
  user = request_param (second, TC_SIP_HEADER_AUTHORIZATION, "username");
  g_assert_cmpstr (nc2, ==, "00000001");
  g_assert_cmpstr (nc3, ==, "00000002");
  g_assert_cmpstr (cnonce2, !=, cnonce3);
  g_assert_cmpstr (user, ==, "alice");
  g_assert_cmpuint (tc_sip_digest_cache_get_nc (fixture->cache, "example.com"), ==, 2);

  g_assert_true (tc_sip_digest_cache_forget (fixture->cache, "example.com"));
  g_assert_false (tc_sip_digest_cache_forget (fixture->cache, "example.com"));
  g_assert_null (tc_sip_digest_cache_lookup (fixture->cache, "example.com"));
}

/* A wrong password fails after exactly one retry. */
static void
test_cache_wrong_password (CacheFixture *fixture, gconstpointer data)
{
  g_autoptr (TcSipMessage) first = fixture_register (fixture, TRUE, 0);
  g_autoptr (TcSipMessage) challenge1 =
    challenge_response (first, 401, "Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"");
  g_autoptr (TcSipMessage) retry = NULL;
  g_autoptr (TcSipMessage) challenge2 = NULL;

  g_assert_cmpint (handle (fixture, first, challenge1), ==, TC_SIP_DIGEST_VERDICT_RETRY);
  retry = fixture_register (fixture, TRUE, 1);
  challenge2 = challenge_response (retry, 401, "Digest realm=\"example.com\", nonce=\"n2\", qop=\"auth\"");
  g_assert_cmpint (handle (fixture, retry, challenge2), ==, TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS);
  /* a failure does not replace the cached challenge */
  g_assert_cmpstr (tc_sip_digest_challenge_get_nonce (tc_sip_digest_cache_lookup (fixture->cache, "example.com")), ==,
                   "n1");
}

/* Without qop there is no nc to tell a fresh answer from a reused one: a
 * challenge after any answer fails. */
static void
test_cache_wrong_password_no_qop (CacheFixture *fixture, gconstpointer data)
{
  g_autoptr (TcSipMessage) first = fixture_register (fixture, TRUE, 0);
  g_autoptr (TcSipMessage) challenge1 = challenge_response (first, 401, "Digest realm=\"example.com\", nonce=\"n1\"");
  g_autoptr (TcSipMessage) retry = NULL;
  g_autoptr (TcSipMessage) challenge2 = NULL;

  g_assert_cmpint (handle (fixture, first, challenge1), ==, TC_SIP_DIGEST_VERDICT_RETRY);
  retry = fixture_register (fixture, TRUE, 1);
  challenge2 = challenge_response (retry, 401, "Digest realm=\"example.com\", nonce=\"n2\"");
  g_assert_cmpint (handle (fixture, retry, challenge2), ==, TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS);
}

/* stale=true: retry with the new nonce, nc back to 1, not a failure; but a
 * server that calls the nonce it just gave with stale=true stale again at
 * its first use is stopped. */
static void
test_cache_stale (CacheFixture *fixture, gconstpointer data)
{
  g_autoptr (TcSipMessage) first = fixture_register (fixture, TRUE, 0);
  g_autoptr (TcSipMessage) c1 =
    challenge_response (first, 401, "Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"");
  g_autoptr (TcSipMessage) ok1 = NULL, ok2 = NULL, stale_req = NULL, again = NULL;
  g_autoptr (TcSipMessage) c2 = NULL, c3 = NULL;
  g_autofree char *nonce = NULL, *nc = NULL;

  g_assert_cmpint (handle (fixture, first, c1), ==, TC_SIP_DIGEST_VERDICT_RETRY);
  ok1 = fixture_register (fixture, TRUE, 1);
  ok2 = fixture_register (fixture, TRUE, 1);
  /* later, the server finds n1 too old (nc 2: a reused nonce) */
  stale_req = fixture_register (fixture, TRUE, 1);
  c2 = challenge_response (stale_req, 401, "Digest realm=\"example.com\", nonce=\"n2\", qop=\"auth\", stale=true");
  g_assert_cmpint (handle (fixture, stale_req, c2), ==, TC_SIP_DIGEST_VERDICT_RETRY_STALE);
  g_assert_cmpuint (tc_sip_digest_cache_get_nc (fixture->cache, "example.com"), ==, 0);

  again = fixture_register (fixture, TRUE, 1);
  nonce = request_param (again, TC_SIP_HEADER_AUTHORIZATION, "nonce");
  nc = request_param (again, TC_SIP_HEADER_AUTHORIZATION, "nc");
  g_assert_cmpstr (nonce, ==, "n2");
  g_assert_cmpstr (nc, ==, "00000001");

  c3 = challenge_response (again, 401, "Digest realm=\"example.com\", nonce=\"n3\", qop=\"auth\", stale=true");
  g_assert_cmpint (handle (fixture, again, c3), ==, TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS);
}

/* A pre-emptive answer with a reused nonce may meet a server that forgot
 * it (restart) and says stale=false: one retry, then the usual rule. */
static void
test_cache_preemptive_forgotten_nonce (CacheFixture *fixture, gconstpointer data)
{
  g_autoptr (TcSipMessage) first = fixture_register (fixture, TRUE, 0);
  g_autoptr (TcSipMessage) c1 =
    challenge_response (first, 401, "Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"");
  g_autoptr (TcSipMessage) retry = NULL, later = NULL, retry2 = NULL;
  g_autoptr (TcSipMessage) c2 = NULL, c3 = NULL;

  g_assert_cmpint (handle (fixture, first, c1), ==, TC_SIP_DIGEST_VERDICT_RETRY);
  retry = fixture_register (fixture, TRUE, 1); /* accepted: nc 1 */
  later = fixture_register (fixture, TRUE, 1); /* pre-emptive: nc 2 */
  c2 = challenge_response (later, 401, "Digest realm=\"example.com\", nonce=\"r1\", qop=\"auth\"");
  g_assert_cmpint (handle (fixture, later, c2), ==, TC_SIP_DIGEST_VERDICT_RETRY);
  retry2 = fixture_register (fixture, TRUE, 1);
  c3 = challenge_response (retry2, 401, "Digest realm=\"example.com\", nonce=\"r2\", qop=\"auth\"");
  g_assert_cmpint (handle (fixture, retry2, c3), ==, TC_SIP_DIGEST_VERDICT_FAIL_WRONG_CREDENTIALS);
}

/* 407: Proxy-Authorization; two realms at once; the registrar's realm
 * challenged later is added beside the proxy's. */
static void
test_cache_proxy_and_realms (CacheFixture *fixture, gconstpointer data)
{
  g_autoptr (TcSipMessage) first = fixture_register (fixture, TRUE, 0);
  g_autoptr (TcSipMessage) c1 =
    challenge_response (first, 407, "Digest realm=\"proxy.example.com\", nonce=\"p1\", qop=\"auth\"");
  g_autoptr (TcSipMessage) second = NULL, third = NULL, c2 = NULL;
  g_autofree char *realm = NULL, *www_realm = NULL;

  g_assert_cmpint (handle (fixture, first, c1), ==, TC_SIP_DIGEST_VERDICT_RETRY);
  second = fixture_register (fixture, TRUE, 1);
  g_assert_cmpint (tc_sip_message_find_header (second, TC_SIP_HEADER_AUTHORIZATION, 0), ==, -1);
  realm = request_param (second, TC_SIP_HEADER_PROXY_AUTHORIZATION, "realm");
  g_assert_cmpstr (realm, ==, "proxy.example.com");

  /* the proxy let it through; the registrar challenges in its own realm */
  c2 = challenge_response (second, 401, "Digest realm=\"example.com\", nonce=\"w1\", qop=\"auth\"");
  g_assert_cmpint (handle (fixture, second, c2), ==, TC_SIP_DIGEST_VERDICT_RETRY);
  third = fixture_register (fixture, TRUE, 2);
  www_realm = request_param (third, TC_SIP_HEADER_AUTHORIZATION, "realm");
  g_assert_cmpstr (www_realm, ==, "example.com");
  g_assert_cmpuint (tc_sip_digest_cache_get_nc (fixture->cache, "proxy.example.com"), ==, 2);
  g_assert_cmpuint (tc_sip_digest_cache_get_nc (fixture->cache, "example.com"), ==, 1);
}

static void
test_cache_unsupported (CacheFixture *fixture, gconstpointer data)
{
  g_autoptr (TcSipMessage) first = fixture_register (fixture, TRUE, 0);
  g_autoptr (TcSipMessage) c1 = challenge_response (first, 401,
                                                    "Digest realm=\"example.com\", nonce=\"n\", "
                                                    "algorithm=SHA-1");
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (tc_sip_digest_cache_handle_challenge (fixture->cache, first, c1, &error), ==,
                   TC_SIP_DIGEST_VERDICT_FAIL_UNSUPPORTED);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_AUTH_UNSUPPORTED);
  g_assert_null (tc_sip_digest_cache_lookup (fixture->cache, "example.com"));
}

int
main (int argc, char **argv)
{
  gsize i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/auth/vector/rfc7616-md5", test_rfc7616_md5);
  g_test_add_func ("/sip/auth/vector/rfc7616-sha-256", test_rfc7616_sha256);
  g_test_add_func ("/sip/auth/vector/rfc7616-userhash-sha-512-256", test_rfc7616_userhash);
  g_test_add_func ("/sip/auth/vector/sha-512-256", test_sha512_256);
  g_test_add_func ("/sip/auth/vector/rfc2617-qop", test_rfc2617_qop);
  g_test_add_func ("/sip/auth/vector/rfc2617-no-qop", test_rfc2617_no_qop);
  g_test_add_func ("/sip/auth/vector/auth-int-hashes-body", test_auth_int);
  g_test_add_func ("/sip/auth/vector/md5-sess", test_md5_sess);
  g_test_add_func ("/sip/auth/build/prefers-auth-over-auth-int", test_qop_choice);
  g_test_add_func ("/sip/auth/build/quoting-and-random-cnonce", test_build_quoting_and_cnonce);
  g_test_add_func ("/sip/auth/credentials/invalid", test_credentials_invalid);
  g_test_add_func ("/sip/auth/parse/valid", test_parse_valid);
  for (i = 0; i < G_N_ELEMENTS (bad_challenges); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sip/auth/parse/invalid/%s", bad_challenges[i].name);

      g_test_add_data_func (path, &bad_challenges[i], test_parse_invalid);
    }
  g_test_add_func ("/sip/auth/parse/garbage-never-crashes", test_parse_garbage);
  g_test_add_func ("/sip/auth/select/strongest-of-401", test_select_strongest);
  g_test_add_func ("/sip/auth/select/one-per-realm-in-407", test_select_per_realm);
  g_test_add_func ("/sip/auth/select/none-usable", test_select_none);
  g_test_add ("/sip/auth/cache/nc-counts-per-use", CacheFixture, NULL, cache_setup, test_cache_nc, cache_teardown);
  g_test_add ("/sip/auth/cache/wrong-password-after-one-retry", CacheFixture, NULL, cache_setup,
              test_cache_wrong_password, cache_teardown);
  g_test_add ("/sip/auth/cache/wrong-password-without-qop", CacheFixture, NULL, cache_setup,
              test_cache_wrong_password_no_qop, cache_teardown);
  g_test_add ("/sip/auth/cache/stale-retries-without-failing", CacheFixture, NULL, cache_setup, test_cache_stale,
              cache_teardown);
  g_test_add ("/sip/auth/cache/preemptive-forgotten-nonce", CacheFixture, NULL, cache_setup,
              test_cache_preemptive_forgotten_nonce, cache_teardown);
  g_test_add ("/sip/auth/cache/proxy-and-several-realms", CacheFixture, NULL, cache_setup, test_cache_proxy_and_realms,
              cache_teardown);
  g_test_add ("/sip/auth/cache/unsupported", CacheFixture, NULL, cache_setup, test_cache_unsupported, cache_teardown);

  return g_test_run ();
}
