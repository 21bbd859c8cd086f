/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-uri.c — unit tests of TcSipUri: parsing sip:, sips: (RFC 3261 §19.1,
 * §25.1) and tel: (RFC 3966) URIs into decoded components, rejecting what the
 * grammar does not allow with TC_SIP_ERROR, printing with per-component
 * escaping so that parsing the printed text gives the same URI back,
 * comparing per RFC 3261 §19.1.4 (with the examples of that section) and
 * RFC 3966 §4, and building URIs with the setters.
 */
#include <string.h>

#include <glib.h>

#include "sip/sip-error.h"
#include "sip/uri.h"

static TcSipUri *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipUri) uri = NULL;

  uri = tc_sip_uri_parse (text, -1, &error);
  if (error)
    g_test_message ("parsing <%s>: %s", text, error->message);
  g_assert_no_error (error);
  g_assert_nonnull (uri);
  return g_steal_pointer (&uri);
}

/* Compares the printed form with @expected exactly, except that the hex
 * digits of a percent-escape may be of either case (RFC 3986 §2.1). */
static void
assert_uri_text (const TcSipUri *uri, const char *expected)
{
  g_autofree char *text = tc_sip_uri_to_string (uri);
  gsize i;

  g_assert_nonnull (text);
  if (strlen (text) != strlen (expected))
    g_assert_cmpstr (text, ==, expected);
  for (i = 0; expected[i]; i++)
    {
      gboolean in_escape = (i >= 1 && expected[i - 1] == '%') || (i >= 2 && expected[i - 2] == '%');

      if (in_escape ? g_ascii_tolower (text[i]) != g_ascii_tolower (expected[i]) : text[i] != expected[i])
        g_assert_cmpstr (text, ==, expected);
    }
}

/* Strict component-by-component identity (stricter than tc_sip_uri_equal(),
 * which ignores parameters present in one URI only). */
static void
assert_uri_identical (const TcSipUri *a, const TcSipUri *b)
{
  gsize alen = 0, blen = 0;
  const char *auser = tc_sip_uri_get_user (a, &alen);
  const char *buser = tc_sip_uri_get_user (b, &blen);
  guint i;

  g_assert_cmpint (tc_sip_uri_get_scheme (a), ==, tc_sip_uri_get_scheme (b));
  if (auser == NULL)
    g_assert_null (buser);
  else
    g_assert_cmpmem (auser, alen, buser, blen);
  g_assert_cmpstr (tc_sip_uri_get_password (a), ==, tc_sip_uri_get_password (b));
  g_assert_cmpstr (tc_sip_uri_get_host (a), ==, tc_sip_uri_get_host (b));
  g_assert_cmpint (tc_sip_uri_get_host_type (a), ==, tc_sip_uri_get_host_type (b));
  g_assert_cmpuint (tc_sip_uri_get_port (a), ==, tc_sip_uri_get_port (b));

  g_assert_cmpuint (tc_sip_uri_get_n_params (a), ==, tc_sip_uri_get_n_params (b));
  for (i = 0; i < tc_sip_uri_get_n_params (a); i++)
    {
      const char *an = NULL, *av = NULL, *bn = NULL, *bv = NULL;

      tc_sip_uri_get_param_nth (a, i, &an, &av);
      tc_sip_uri_get_param_nth (b, i, &bn, &bv);
      g_assert_cmpstr (an, ==, bn);
      g_assert_cmpstr (av, ==, bv);
    }

  g_assert_cmpuint (tc_sip_uri_get_n_headers (a), ==, tc_sip_uri_get_n_headers (b));
  for (i = 0; i < tc_sip_uri_get_n_headers (a); i++)
    {
      const char *an = NULL, *av = NULL, *bn = NULL, *bv = NULL;

      tc_sip_uri_get_header_nth (a, i, &an, &av);
      tc_sip_uri_get_header_nth (b, i, &bn, &bv);
      g_assert_cmpstr (an, ==, bn);
      g_assert_cmpstr (av, ==, bv);
    }

  g_assert_true (tc_sip_uri_equal (a, b));
  g_assert_true (tc_sip_uri_equal (b, a));
}

/* Valid URIs and their decoded components. */

typedef struct {
  const char *name;
  const char *text;
  TcSipUriScheme scheme;
  const char *user; /* NUL-free users only; see test_parse_nul_in_user() */
  const char *password;
  const char *host; /* compared case-insensitively */
  TcSipHostType host_type;
  guint16 port;
  guint n_params;
  guint n_headers;
} ValidUri;

static const ValidUri valid_uris[] = {
  /* RFC 3261 §19.1.3 examples. */
  { "rfc3261-plain", "sip:alice@atlanta.com", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "atlanta.com", TC_SIP_HOST_NAME, 0,
    0, 0 },
  { "rfc3261-password", "sip:alice:secretword@atlanta.com;transport=tcp", TC_SIP_URI_SCHEME_SIP, "alice", "secretword",
    "atlanta.com", TC_SIP_HOST_NAME, 0, 1, 0 },
  { "rfc3261-sips-headers", "sips:alice@atlanta.com?subject=project%20x&priority=urgent", TC_SIP_URI_SCHEME_SIPS,
    "alice", NULL, "atlanta.com", TC_SIP_HOST_NAME, 0, 0, 2 },
  { "rfc3261-telephone-user", "sip:+1-212-555-1212:1234@gateway.com;user=phone", TC_SIP_URI_SCHEME_SIP,
    "+1-212-555-1212", "1234", "gateway.com", TC_SIP_HOST_NAME, 0, 1, 0 },
  { "rfc3261-sips-numeric-user", "sips:1212@gateway.com", TC_SIP_URI_SCHEME_SIPS, "1212", NULL, "gateway.com",
    TC_SIP_HOST_NAME, 0, 0, 0 },
  { "rfc3261-ipv4", "sip:alice@192.0.2.4", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "192.0.2.4", TC_SIP_HOST_IPV4, 0, 0,
    0 },
  { "rfc3261-no-user", "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com", TC_SIP_URI_SCHEME_SIP, NULL, NULL,
    "atlanta.com", TC_SIP_HOST_NAME, 0, 1, 1 },
  { "rfc3261-semicolon-in-user", "sip:alice;day=tuesday@atlanta.com", TC_SIP_URI_SCHEME_SIP, "alice;day=tuesday", NULL,
    "atlanta.com", TC_SIP_HOST_NAME, 0, 0, 0 },
  /* Hosts and ports. */
  { "ipv6", "sip:[2001:db8::10]", TC_SIP_URI_SCHEME_SIP, NULL, NULL, "2001:db8::10", TC_SIP_HOST_IPV6, 0, 0, 0 },
  { "ipv6-port", "sip:alice@[2001:db8::10]:5070", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "2001:db8::10",
    TC_SIP_HOST_IPV6, 5070, 0, 0 },
  { "ipv6-loopback", "sips:[::1]", TC_SIP_URI_SCHEME_SIPS, NULL, NULL, "::1", TC_SIP_HOST_IPV6, 0, 0, 0 },
  { "ipv6-v4-mapped", "sip:bob@[::ffff:192.0.2.1]:5060", TC_SIP_URI_SCHEME_SIP, "bob", NULL, "::ffff:192.0.2.1",
    TC_SIP_HOST_IPV6, 5060, 0, 0 },
  { "ipv6-full", "sip:[2001:0db8:0000:0000:0000:0000:0000:0001];transport=udp", TC_SIP_URI_SCHEME_SIP, NULL, NULL,
    "2001:0db8:0000:0000:0000:0000:0000:0001", TC_SIP_HOST_IPV6, 0, 1, 0 },
  { "ipv4-port", "sips:192.0.2.1:5061", TC_SIP_URI_SCHEME_SIPS, NULL, NULL, "192.0.2.1", TC_SIP_HOST_IPV4, 5061, 0, 0 },
  { "port", "sip:bob@biloxi.com:5060", TC_SIP_URI_SCHEME_SIP, "bob", NULL, "biloxi.com", TC_SIP_HOST_NAME, 5060, 0, 0 },
  { "port-leading-zero", "sip:bob@biloxi.com:05060", TC_SIP_URI_SCHEME_SIP, "bob", NULL, "biloxi.com", TC_SIP_HOST_NAME,
    5060, 0, 0 },
  { "port-max", "sip:bob@biloxi.com:65535", TC_SIP_URI_SCHEME_SIP, "bob", NULL, "biloxi.com", TC_SIP_HOST_NAME, 65535,
    0, 0 },
  { "port-params", "sip:alice@atlanta.com:5061;transport=tls", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "atlanta.com",
    TC_SIP_HOST_NAME, 5061, 1, 0 },
  { "host-trailing-dot", "sip:alice@atlanta.com.", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "atlanta.com.",
    TC_SIP_HOST_NAME, 0, 0, 0 },
  { "host-hyphens", "sip:alice@pc-33.atlanta-example.com", TC_SIP_URI_SCHEME_SIP, "alice", NULL,
    "pc-33.atlanta-example.com", TC_SIP_HOST_NAME, 0, 0, 0 },
  { "host-single-label", "sip:localhost:5060", TC_SIP_URI_SCHEME_SIP, NULL, NULL, "localhost", TC_SIP_HOST_NAME, 5060,
    0, 0 },
  { "scheme-uppercase", "SIP:ALICE@AtLanTa.CoM;Transport=udp", TC_SIP_URI_SCHEME_SIP, "ALICE", NULL, "atlanta.com",
    TC_SIP_HOST_NAME, 0, 1, 0 },
  /* Users and passwords: every unescaped character the grammar allows. */
  { "user-mark", "sip:-_.!~*'()@host.example.com", TC_SIP_URI_SCHEME_SIP, "-_.!~*'()", NULL, "host.example.com",
    TC_SIP_HOST_NAME, 0, 0, 0 },
  { "user-unreserved", "sip:a&b=c+d$e,f;g?h/i@host.example.com", TC_SIP_URI_SCHEME_SIP, "a&b=c+d$e,f;g?h/i", NULL,
    "host.example.com", TC_SIP_HOST_NAME, 0, 0, 0 },
  { "password-extras", "sip:alice:&=+$,x@atlanta.com", TC_SIP_URI_SCHEME_SIP, "alice", "&=+$,x", "atlanta.com",
    TC_SIP_HOST_NAME, 0, 0, 0 },
  { "escaped-password-colon", "sip:alice:p%3Aw@atlanta.com", TC_SIP_URI_SCHEME_SIP, "alice", "p:w", "atlanta.com",
    TC_SIP_HOST_NAME, 0, 0, 0 },
  { "password-empty", "sip:alice:@atlanta.com", TC_SIP_URI_SCHEME_SIP, "alice", "", "atlanta.com", TC_SIP_HOST_NAME, 0,
    0, 0 },
  /* Escapes, decoded per component. */
  { "escaped-user", "sip:%61lice@atlanta.com", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "atlanta.com", TC_SIP_HOST_NAME, 0,
    0, 0 },
  { "escaped-user-space", "sip:alice%20smith@atlanta.com", TC_SIP_URI_SCHEME_SIP, "alice smith", NULL, "atlanta.com",
    TC_SIP_HOST_NAME, 0, 0, 0 },
  { "escaped-user-at-colon", "sip:a%40b%3ac@atlanta.com", TC_SIP_URI_SCHEME_SIP, "a@b:c", NULL, "atlanta.com",
    TC_SIP_HOST_NAME, 0, 0, 0 },
  { "escaped-password", "sip:alice:p%40ss%25@atlanta.com", TC_SIP_URI_SCHEME_SIP, "alice", "p@ss%", "atlanta.com",
    TC_SIP_HOST_NAME, 0, 0, 0 },
  { "escaped-param", "sip:alice@atlanta.com;foo=a%20b;%62ar=1", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "atlanta.com",
    TC_SIP_HOST_NAME, 0, 2, 0 },
  { "escaped-header", "sip:alice@atlanta.com?subject=a%26b%3dc", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "atlanta.com",
    TC_SIP_HOST_NAME, 0, 0, 1 },
  /* Parameters and headers. */
  { "all-params",
    "sip:alice@atlanta.com;transport=tcp;user=phone;method=INVITE;ttl=15;maddr=239.255.255.1;lr;foo=bar;flag",
    TC_SIP_URI_SCHEME_SIP, "alice", NULL, "atlanta.com", TC_SIP_HOST_NAME, 0, 8, 0 },
  { "param-unreserved", "sip:host.example.com;x=[a]/b:c&d+e$f", TC_SIP_URI_SCHEME_SIP, NULL, NULL, "host.example.com",
    TC_SIP_HOST_NAME, 0, 1, 0 },
  { "lr-route", "sip:proxy.example.com:5060;lr", TC_SIP_URI_SCHEME_SIP, NULL, NULL, "proxy.example.com",
    TC_SIP_HOST_NAME, 5060, 1, 0 },
  { "header-empty-value", "sip:alice@atlanta.com?subject=", TC_SIP_URI_SCHEME_SIP, "alice", NULL, "atlanta.com",
    TC_SIP_HOST_NAME, 0, 0, 1 },
  { "header-hnv-unreserved", "sip:alice@atlanta.com?x=[a]/b?c:d+e$f", TC_SIP_URI_SCHEME_SIP, "alice", NULL,
    "atlanta.com", TC_SIP_HOST_NAME, 0, 0, 1 },
  { "gruu", "sip:callee@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", TC_SIP_URI_SCHEME_SIP, "callee",
    NULL, "example.com", TC_SIP_HOST_NAME, 0, 1, 0 },
  /* tel: (RFC 3966 §6 examples). */
  { "tel-global", "tel:+1-201-555-0123", TC_SIP_URI_SCHEME_TEL, "+1-201-555-0123", NULL, NULL, TC_SIP_HOST_NONE, 0, 0,
    0 },
  { "tel-local-domain", "tel:7042;phone-context=example.com", TC_SIP_URI_SCHEME_TEL, "7042", NULL, NULL,
    TC_SIP_HOST_NONE, 0, 1, 0 },
  { "tel-local-digits", "tel:863-1234;phone-context=+1-914-555", TC_SIP_URI_SCHEME_TEL, "863-1234", NULL, NULL,
    TC_SIP_HOST_NONE, 0, 1, 0 },
  { "tel-ext", "tel:+1-201-555-0123;ext=1234", TC_SIP_URI_SCHEME_TEL, "+1-201-555-0123", NULL, NULL, TC_SIP_HOST_NONE,
    0, 1, 0 },
};

static void
test_parse_valid (gconstpointer data)
{
  const ValidUri *c = data;
  g_autoptr (TcSipUri) uri = parse_ok (c->text);
  gsize len = 0;
  const char *user = tc_sip_uri_get_user (uri, &len);

  g_assert_cmpint (tc_sip_uri_get_scheme (uri), ==, c->scheme);
  g_assert_cmpstr (user, ==, c->user);
  if (c->user)
    g_assert_cmpuint (len, ==, strlen (c->user));
  g_assert_cmpstr (tc_sip_uri_get_password (uri), ==, c->password);
  if (c->host)
    {
      g_assert_nonnull (tc_sip_uri_get_host (uri));
      g_assert_cmpint (g_ascii_strcasecmp (tc_sip_uri_get_host (uri), c->host), ==, 0);
    }
  else
    {
      g_assert_null (tc_sip_uri_get_host (uri));
    }
  g_assert_cmpint (tc_sip_uri_get_host_type (uri), ==, c->host_type);
  g_assert_cmpuint (tc_sip_uri_get_port (uri), ==, c->port);
  g_assert_cmpuint (tc_sip_uri_get_n_params (uri), ==, c->n_params);
  g_assert_cmpuint (tc_sip_uri_get_n_headers (uri), ==, c->n_headers);
}

/* parse (to_string (u)) is u, component by component, and printing is
 * stable: the second print is the first. */
static void
test_round_trip (gconstpointer data)
{
  const ValidUri *c = data;
  g_autoptr (TcSipUri) uri = parse_ok (c->text);
  g_autofree char *text = tc_sip_uri_to_string (uri);
  g_autoptr (TcSipUri) again = parse_ok (text);
  g_autofree char *text2 = tc_sip_uri_to_string (again);
  g_autoptr (GString) appended = g_string_new ("<");

  assert_uri_identical (uri, again);
  g_assert_cmpstr (text, ==, text2);

  tc_sip_uri_append_to (uri, appended);
  g_string_append_c (appended, '>');
  g_assert_cmpuint (appended->len, ==, strlen (text) + 2);
  g_assert_cmpmem (appended->str + 1, appended->len - 2, text, strlen (text));
}

/* tc_sip_uri_validate() agrees with tc_sip_uri_parse() on valid input. */
static void
test_validate_valid (gconstpointer data)
{
  const ValidUri *c = data;
  g_autoptr (GError) error = NULL;

  g_assert_true (tc_sip_uri_validate (c->text, strlen (c->text), &error));
  g_assert_no_error (error);
}

static void
test_parse_params (void)
{
  g_autoptr (TcSipUri) uri = parse_ok (
    "sip:alice@atlanta.com;transport=tcp;user=phone;method=INVITE;ttl=15;maddr=239.255.255.1;lr;foo=bar;flag");
  static const char *const names[] = { "transport", "user", "method", "ttl", "maddr", "lr", "foo", "flag" };
  static const char *const values[] = { "tcp", "phone", "INVITE", "15", "239.255.255.1", NULL, "bar", NULL };
  const char *value = "unset";
  guint i;

  g_assert_cmpuint (tc_sip_uri_get_n_params (uri), ==, G_N_ELEMENTS (names));
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *name = NULL;

      value = "unset";
      tc_sip_uri_get_param_nth (uri, i, &name, &value);
      g_assert_cmpstr (name, ==, names[i]);
      g_assert_cmpstr (value, ==, values[i]);
    }

  g_assert_cmpstr (tc_sip_uri_get_transport (uri), ==, "tcp");
  g_assert_cmpstr (tc_sip_uri_get_user_param (uri), ==, "phone");
  g_assert_cmpstr (tc_sip_uri_get_method (uri), ==, "INVITE");
  g_assert_cmpstr (tc_sip_uri_get_maddr (uri), ==, "239.255.255.1");
  g_assert_cmpint (tc_sip_uri_get_ttl (uri), ==, 15);
  g_assert_true (tc_sip_uri_get_lr (uri));

  /* Names are case-insensitive; a flag has a NULL value. */
  g_assert_true (tc_sip_uri_get_param (uri, "FOO", &value));
  g_assert_cmpstr (value, ==, "bar");
  value = "unset";
  g_assert_true (tc_sip_uri_get_param (uri, "flag", &value));
  g_assert_null (value);
  g_assert_true (tc_sip_uri_has_param (uri, "Transport"));
  g_assert_true (tc_sip_uri_has_param (uri, "LR"));
  g_assert_false (tc_sip_uri_has_param (uri, "fla"));
  g_assert_false (tc_sip_uri_get_param (uri, "unknown", &value));
}

static void
test_parse_params_absent (void)
{
  g_autoptr (TcSipUri) uri = parse_ok ("sip:alice@atlanta.com");

  g_assert_null (tc_sip_uri_get_transport (uri));
  g_assert_null (tc_sip_uri_get_user_param (uri));
  g_assert_null (tc_sip_uri_get_method (uri));
  g_assert_null (tc_sip_uri_get_maddr (uri));
  g_assert_cmpint (tc_sip_uri_get_ttl (uri), ==, -1);
  g_assert_false (tc_sip_uri_get_lr (uri));
  g_assert_false (tc_sip_uri_has_param (uri, "transport"));
  g_assert_cmpuint (tc_sip_uri_get_n_params (uri), ==, 0);
  g_assert_cmpuint (tc_sip_uri_get_n_headers (uri), ==, 0);
}

static void
test_parse_escapes (void)
{
  g_autoptr (TcSipUri) uri = parse_ok ("sip:alice@atlanta.com;foo=a%20b;%62ar=1?subject=a%26b%3dc");
  const char *name = NULL, *value = NULL;

  tc_sip_uri_get_param_nth (uri, 0, &name, &value);
  g_assert_cmpstr (name, ==, "foo");
  g_assert_cmpstr (value, ==, "a b");
  tc_sip_uri_get_param_nth (uri, 1, &name, &value);
  g_assert_cmpstr (name, ==, "bar");
  g_assert_cmpstr (value, ==, "1");
  g_assert_true (tc_sip_uri_has_param (uri, "bar"));

  tc_sip_uri_get_header_nth (uri, 0, &name, &value);
  g_assert_cmpstr (name, ==, "subject");
  g_assert_cmpstr (value, ==, "a&b=c");
}

static void
test_parse_headers (void)
{
  g_autoptr (TcSipUri) uri = parse_ok ("sips:alice@atlanta.com?subject=project%20x&priority=urgent");
  const char *name = NULL, *value = NULL;

  g_assert_cmpuint (tc_sip_uri_get_n_headers (uri), ==, 2);
  tc_sip_uri_get_header_nth (uri, 0, &name, &value);
  g_assert_cmpstr (name, ==, "subject");
  g_assert_cmpstr (value, ==, "project x");
  tc_sip_uri_get_header_nth (uri, 1, &name, &value);
  g_assert_cmpstr (name, ==, "priority");
  g_assert_cmpstr (value, ==, "urgent");
  g_assert_cmpuint (tc_sip_uri_get_n_params (uri), ==, 0);
}

/* RFC 4475 §3.1.1.4: an escaped NUL in the user part is legal. */
static void
test_parse_nul_in_user (void)
{
  g_autoptr (TcSipUri) uri = parse_ok ("sip:a%00b@atlanta.com");
  gsize len = 0;
  const char *user = tc_sip_uri_get_user (uri, &len);
  g_autofree char *text = NULL;
  g_autoptr (TcSipUri) again = NULL;

  g_assert_cmpmem (user, len, "a\0b", 3);
  assert_uri_text (uri, "sip:a%00b@atlanta.com");
  text = tc_sip_uri_to_string (uri);
  again = parse_ok (text);
  assert_uri_identical (uri, again);
}

/* @len bounds the input: what follows is not looked at. */
static void
test_parse_length (void)
{
  static const char text[] = "sip:alice@atlanta.com;lr>, <sip:other@example.com>";
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (text, strlen ("sip:alice@atlanta.com;lr"), &error);
  g_autoptr (TcSipUri) bad = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (uri);
  g_assert_cmpstr (tc_sip_uri_get_host (uri), ==, "atlanta.com");
  g_assert_true (tc_sip_uri_get_lr (uri));
  g_assert_cmpuint (tc_sip_uri_get_n_params (uri), ==, 1);

  /* One byte more takes in the '>', which no URI may contain. */
  bad = tc_sip_uri_parse (text, strlen ("sip:alice@atlanta.com;lr>"), &error);
  g_assert_null (bad);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
}

static void
test_parse_tel (void)
{
  g_autoptr (TcSipUri) uri = parse_ok ("tel:+1-201-555-0123;ext=1234;isub=5");
  const char *value = NULL;

  g_assert_cmpint (tc_sip_uri_get_scheme (uri), ==, TC_SIP_URI_SCHEME_TEL);
  g_assert_null (tc_sip_uri_get_host (uri));
  g_assert_null (tc_sip_uri_get_password (uri));
  g_assert_cmpint (tc_sip_uri_get_host_type (uri), ==, TC_SIP_HOST_NONE);
  g_assert_cmpuint (tc_sip_uri_get_port (uri), ==, 0);
  g_assert_true (tc_sip_uri_get_param (uri, "ext", &value));
  g_assert_cmpstr (value, ==, "1234");
  g_assert_true (tc_sip_uri_get_param (uri, "ISUB", &value));
  g_assert_cmpstr (value, ==, "5");
}

/* Invalid URIs. */

typedef struct {
  const char *name;
  const char *text;
  gsize len; /* 0: strlen (text) */
  TcSipErrorCode code;
  guint status;
} InvalidUri;

static const InvalidUri invalid_uris[] = {
  { "scheme-http", "http://www.example.com/", 0, TC_SIP_ERROR_UNSUPPORTED_SCHEME, 416 },
  { "scheme-mailto", "mailto:alice@atlanta.com", 0, TC_SIP_ERROR_UNSUPPORTED_SCHEME, 416 },
  { "scheme-im", "im:alice@atlanta.com", 0, TC_SIP_ERROR_UNSUPPORTED_SCHEME, 416 },
  { "empty", "", 0, TC_SIP_ERROR_PARSE, 400 },
  { "no-scheme", "alice@atlanta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "angle-brackets", "<sip:alice@atlanta.com>", 0, TC_SIP_ERROR_PARSE, 400 },
  { "leading-space", " sip:alice@atlanta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "trailing-space", "sip:alice@atlanta.com ", 0, TC_SIP_ERROR_PARSE, 400 },
  { "space-after-colon", "sip: alice@atlanta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "space-in-user", "sip:al ice@atlanta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "space-in-host", "sip:alice@atlanta .com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "space-in-param", "sip:alice@atlanta.com;transport= tcp", 0, TC_SIP_ERROR_PARSE, 400 },
  { "control-char", "sip:al\001ice@atlanta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "nul-octet", "sip:al\0ice@atlanta.com", sizeof ("sip:al\0ice@atlanta.com") - 1, TC_SIP_ERROR_PARSE, 400 },
  { "empty-hostport", "sip:", 0, TC_SIP_ERROR_PARSE, 400 },
  { "empty-host", "sip:alice@", 0, TC_SIP_ERROR_PARSE, 400 },
  { "empty-host-port", "sip:alice@:5060", 0, TC_SIP_ERROR_PARSE, 400 },
  { "empty-user", "sip:@atlanta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "port-70000", "sip:alice@atlanta.com:70000", 0, TC_SIP_ERROR_PARSE, 400 },
  { "port-65536", "sip:alice@atlanta.com:65536", 0, TC_SIP_ERROR_PARSE, 400 },
  { "port-empty", "sip:alice@atlanta.com:", 0, TC_SIP_ERROR_PARSE, 400 },
  { "port-alpha", "sip:alice@atlanta.com:50a0", 0, TC_SIP_ERROR_PARSE, 400 },
  { "port-twice", "sip:alice@atlanta.com:5060:5061", 0, TC_SIP_ERROR_PARSE, 400 },
  { "ipv6-unbalanced-open", "sip:alice@[2001:db8::1", 0, TC_SIP_ERROR_PARSE, 400 },
  { "ipv6-unbalanced-close", "sip:alice@2001:db8::1]", 0, TC_SIP_ERROR_PARSE, 400 },
  { "ipv6-unbracketed", "sip:alice@2001:db8::1", 0, TC_SIP_ERROR_PARSE, 400 },
  { "ipv6-bad-digit", "sip:[2001:db8::g]", 0, TC_SIP_ERROR_PARSE, 400 },
  { "ipv6-two-double-colons", "sip:[2001::db8::1]", 0, TC_SIP_ERROR_PARSE, 400 },
  { "ipv6-empty", "sip:[]", 0, TC_SIP_ERROR_PARSE, 400 },
  { "escape-short", "sip:%4@atlanta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "escape-at-end", "sip:alice@atlanta.com;foo=%4", 0, TC_SIP_ERROR_PARSE, 400 },
  { "escape-not-hex", "sip:%4g@atlanta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "escape-in-header", "sip:alice@atlanta.com?subject=%zz", 0, TC_SIP_ERROR_PARSE, 400 },
  { "param-empty", "sip:alice@atlanta.com;", 0, TC_SIP_ERROR_PARSE, 400 },
  { "param-empty-name", "sip:alice@atlanta.com;=tcp", 0, TC_SIP_ERROR_PARSE, 400 },
  { "headers-empty", "sip:alice@atlanta.com?", 0, TC_SIP_ERROR_PARSE, 400 },
  { "header-without-equal", "sip:alice@atlanta.com?subject", 0, TC_SIP_ERROR_PARSE, 400 },
  { "header-empty-name", "sip:alice@atlanta.com?=x", 0, TC_SIP_ERROR_PARSE, 400 },
  { "escape-in-host", "sip:alice@atl%61nta.com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "host-bad-char", "sip:alice@atlanta!com", 0, TC_SIP_ERROR_PARSE, 400 },
  { "greater-than", "sip:alice@atlanta.com>", 0, TC_SIP_ERROR_PARSE, 400 },
  { "tel-empty", "tel:", 0, TC_SIP_ERROR_PARSE, 400 },
  { "tel-plus-only", "tel:+", 0, TC_SIP_ERROR_PARSE, 400 },
  { "tel-letters", "tel:alice", 0, TC_SIP_ERROR_PARSE, 400 },
  { "tel-local-without-context", "tel:7042", 0, TC_SIP_ERROR_PARSE, 400 },
  { "tel-space", "tel:+1 201 555 0123", 0, TC_SIP_ERROR_PARSE, 400 },
};

static void
test_parse_invalid (gconstpointer data)
{
  const InvalidUri *c = data;
  gsize len = c->len ? c->len : strlen (c->text);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (c->text, len, &error);

  g_assert_null (uri);
  g_assert_error (error, TC_SIP_ERROR, (gint) c->code);
  g_assert_cmpuint (tc_sip_error_get_status (error), ==, c->status);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);
}

/* The non-allocating validator rejects the same syntax errors. */
static void
test_validate_invalid (gconstpointer data)
{
  const InvalidUri *c = data;
  gsize len = c->len ? c->len : strlen (c->text);
  g_autoptr (GError) error = NULL;

  g_assert_false (tc_sip_uri_validate (c->text, len, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
}

/* Comparison. */

typedef struct {
  const char *name;
  const char *a;
  const char *b;
  gboolean equal;
} ComparePair;

static const ComparePair compare_pairs[] = {
  /* RFC 3261 §19.1.4, the URIs listed as equivalent. */
  { "rfc3261-equivalent/escaped-user-and-case", "sip:%61lice@atlanta.com;transport=TCP",
    "sip:alice@AtLanTa.CoM;Transport=tcp", TRUE },
  { "rfc3261-equivalent/newparam", "sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", TRUE },
  { "rfc3261-equivalent/security-on", "sip:carol@chicago.com", "sip:carol@chicago.com;security=on", TRUE },
  { "rfc3261-equivalent/newparam-security", "sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on",
    TRUE },
  { "rfc3261-equivalent/param-order", "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
    "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com", TRUE },
  { "rfc3261-equivalent/header-order", "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
    "sip:alice@atlanta.com?priority=urgent&subject=project%20x", TRUE },
  /* RFC 3261 §19.1.4, the URIs listed as not equivalent. */
  { "rfc3261-not-equivalent/user-case", "SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP",
    FALSE },
  { "rfc3261-not-equivalent/port", "sip:bob@biloxi.com", "sip:bob@biloxi.com:5060", FALSE },
  { "rfc3261-not-equivalent/transport", "sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp", FALSE },
  { "rfc3261-not-equivalent/port-and-transport", "sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp", FALSE },
  { "rfc3261-not-equivalent/header", "sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting", FALSE },
  { "rfc3261-not-equivalent/resolved-address", "sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4", FALSE },
  /* RFC 3261 §19.1.4: equality is not transitive. */
  { "rfc3261-not-transitive/on-absent", "sip:carol@chicago.com", "sip:carol@chicago.com;security=on", TRUE },
  { "rfc3261-not-transitive/off-absent", "sip:carol@chicago.com", "sip:carol@chicago.com;security=off", TRUE },
  { "rfc3261-not-transitive/on-off", "sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off", FALSE },
  /* The other rules of RFC 3261 §19.1.4. */
  { "rules/scheme", "sip:alice@atlanta.com", "sips:alice@atlanta.com", FALSE },
  { "rules/escaped-equals-unescaped", "sip:%61lice@atlanta.com", "sip:alice@atlanta.com", TRUE },
  { "rules/password-case", "sip:alice:secret@atlanta.com", "sip:alice:SECRET@atlanta.com", FALSE },
  { "rules/password-absent", "sip:alice:secret@atlanta.com", "sip:alice@atlanta.com", FALSE },
  { "rules/user-absent", "sip:alice@atlanta.com", "sip:atlanta.com", FALSE },
  { "rules/host-case", "sip:alice@ATLANTA.com", "sip:alice@atlanta.COM", TRUE },
  { "rules/ipv6-case", "sip:alice@[2001:DB8::1]", "sip:alice@[2001:db8::1]", TRUE },
  { "rules/user-param-one-side", "sip:alice@atlanta.com", "sip:alice@atlanta.com;user=phone", FALSE },
  { "rules/ttl-param-one-side", "sip:alice@atlanta.com;ttl=15", "sip:alice@atlanta.com", FALSE },
  { "rules/method-param-one-side", "sip:alice@atlanta.com;method=INVITE", "sip:alice@atlanta.com", FALSE },
  { "rules/maddr-param-one-side", "sip:alice@atlanta.com", "sip:alice@atlanta.com;maddr=239.255.255.1", FALSE },
  { "rules/lr-one-side", "sip:proxy.example.com;lr", "sip:proxy.example.com", TRUE },
  { "rules/transport-differs", "sip:alice@atlanta.com;transport=tcp", "sip:alice@atlanta.com;transport=udp", FALSE },
  { "rules/other-param-differs", "sip:alice@atlanta.com;foo=1", "sip:alice@atlanta.com;foo=2", FALSE },
  { "rules/other-param-case", "sip:alice@atlanta.com;FOO=abc", "sip:alice@atlanta.com;foo=ABC", TRUE },
  { "rules/header-both", "sip:carol@chicago.com?Subject=next%20meeting", "sip:carol@chicago.com?subject=next%20meeting",
    TRUE },
  { "rules/header-differs", "sip:carol@chicago.com?subject=a", "sip:carol@chicago.com?subject=b", FALSE },
  { "rules/explicit-ports", "sip:bob@biloxi.com:5060", "sip:bob@biloxi.com:5070", FALSE },
  /* RFC 3966 §4: tel: comparison. */
  { "tel/visual-separators", "tel:+1-201-555-0123", "tel:+12015550123", TRUE },
  { "tel/brackets-dots", "tel:+1(201)555.0123", "tel:+12015550123", TRUE },
  { "tel/different-number", "tel:+12015550123", "tel:+12015550124", FALSE },
  { "tel/context-case", "tel:7042;phone-context=example.com", "tel:7042;PHONE-CONTEXT=EXAMPLE.COM", TRUE },
  { "tel/context-digits", "tel:863-1234;phone-context=+1-914-555", "tel:8631234;phone-context=+1914555", TRUE },
  { "tel/context-differs", "tel:7042;phone-context=example.com", "tel:7042;phone-context=example.net", FALSE },
  { "tel/local-vs-global", "tel:7042;phone-context=example.com", "tel:+7042", FALSE },
  { "tel/param-one-side", "tel:+12015550123;ext=1234", "tel:+12015550123", FALSE },
  { "tel/param-order", "tel:+12015550123;ext=1234;isub=5", "tel:+12015550123;isub=5;ext=1234", TRUE },
  { "tel/param-value", "tel:+12015550123;ext=1234", "tel:+12015550123;ext=1235", FALSE },
  { "tel/vs-sip", "tel:+12015550123", "sip:+12015550123@example.com;user=phone", FALSE },
};

static void
test_compare (gconstpointer data)
{
  const ComparePair *c = data;
  g_autoptr (TcSipUri) a = parse_ok (c->a);
  g_autoptr (TcSipUri) b = parse_ok (c->b);

  g_test_message ("<%s> vs <%s>, expected %s", c->a, c->b, c->equal ? "equal" : "not equal");
  g_assert_cmpint (tc_sip_uri_equal (a, b), ==, c->equal);
  g_assert_cmpint (tc_sip_uri_equal (b, a), ==, c->equal);
  g_assert_true (tc_sip_uri_equal (a, a));
  g_assert_true (tc_sip_uri_equal (b, b));
}

/* Building and printing. */

static void
test_build_sip (void)
{
  g_autoptr (TcSipUri) uri = tc_sip_uri_new (TC_SIP_URI_SCHEME_SIP, "alice", "atlanta.com", 0);

  g_assert_cmpint (tc_sip_uri_get_host_type (uri), ==, TC_SIP_HOST_NAME);
  assert_uri_text (uri, "sip:alice@atlanta.com");

  tc_sip_uri_set_port (uri, 5060);
  assert_uri_text (uri, "sip:alice@atlanta.com:5060");
  tc_sip_uri_set_param (uri, "transport", "tcp");
  tc_sip_uri_set_param (uri, "lr", NULL);
  assert_uri_text (uri, "sip:alice@atlanta.com:5060;transport=tcp;lr");
  g_assert_cmpstr (tc_sip_uri_get_transport (uri), ==, "tcp");
  g_assert_true (tc_sip_uri_get_lr (uri));

  /* Setting an existing parameter replaces it, whatever the case. */
  tc_sip_uri_set_param (uri, "Transport", "udp");
  g_assert_cmpuint (tc_sip_uri_get_n_params (uri), ==, 2);
  g_assert_cmpstr (tc_sip_uri_get_transport (uri), ==, "udp");

  g_assert_true (tc_sip_uri_remove_param (uri, "lr"));
  g_assert_false (tc_sip_uri_remove_param (uri, "lr"));
  g_assert_false (tc_sip_uri_get_lr (uri));
  tc_sip_uri_set_port (uri, 0);
  g_assert_cmpuint (tc_sip_uri_get_port (uri), ==, 0);
  g_assert_true (tc_sip_uri_remove_param (uri, "TRANSPORT"));
  assert_uri_text (uri, "sip:alice@atlanta.com");

  tc_sip_uri_add_header (uri, "subject", "project x");
  tc_sip_uri_add_header (uri, "priority", "urgent");
  assert_uri_text (uri, "sip:alice@atlanta.com?subject=project%20x&priority=urgent");

  tc_sip_uri_set_user (uri, NULL);
  assert_uri_text (uri, "sip:atlanta.com?subject=project%20x&priority=urgent");
}

static void
test_build_hosts (void)
{
  g_autoptr (TcSipUri) v6 = tc_sip_uri_new (TC_SIP_URI_SCHEME_SIPS, "bob", "2001:db8::1", 5061);
  g_autoptr (TcSipUri) v4 = tc_sip_uri_new (TC_SIP_URI_SCHEME_SIP, NULL, "192.0.2.1", 0);
  g_autoptr (TcSipUri) parsed = parse_ok ("sips:bob@[2001:db8::1]:5061");

  g_assert_cmpint (tc_sip_uri_get_host_type (v6), ==, TC_SIP_HOST_IPV6);
  g_assert_cmpstr (tc_sip_uri_get_host (v6), ==, "2001:db8::1");
  assert_uri_text (v6, "sips:bob@[2001:db8::1]:5061");
  assert_uri_identical (v6, parsed);

  g_assert_cmpint (tc_sip_uri_get_host_type (v4), ==, TC_SIP_HOST_IPV4);
  assert_uri_text (v4, "sip:192.0.2.1");
}

/* Each component is escaped as its own grammar requires: ':' and '@' in a
 * user, '&' and '=' in a header value, ';' and ' ' in a parameter value. */
static void
test_build_escaping (void)
{
  g_autoptr (TcSipUri) uri = tc_sip_uri_new (TC_SIP_URI_SCHEME_SIP, "alice smith", "atlanta.com", 0);
  g_autofree char *text = NULL;
  g_autoptr (TcSipUri) again = NULL;
  gsize len = 0;

  assert_uri_text (uri, "sip:alice%20smith@atlanta.com");

  tc_sip_uri_set_user (uri, "a@b:c");
  g_assert_cmpstr (tc_sip_uri_get_user (uri, &len), ==, "a@b:c");
  g_assert_cmpuint (len, ==, 5);
  assert_uri_text (uri, "sip:a%40b%3Ac@atlanta.com");

  tc_sip_uri_set_param (uri, "foo", "a b");
  assert_uri_text (uri, "sip:a%40b%3Ac@atlanta.com;foo=a%20b");
  tc_sip_uri_set_param (uri, "foo", "x;y");
  assert_uri_text (uri, "sip:a%40b%3Ac@atlanta.com;foo=x%3By");

  tc_sip_uri_add_header (uri, "subject", "a&b=c");
  assert_uri_text (uri, "sip:a%40b%3Ac@atlanta.com;foo=x%3By?subject=a%26b%3Dc");

  text = tc_sip_uri_to_string (uri);
  again = parse_ok (text);
  assert_uri_identical (uri, again);
}

/* Unescaped characters that are legal in a component stay unescaped. */
static void
test_build_no_needless_escaping (void)
{
  g_autoptr (TcSipUri) uri = parse_ok ("sip:%61lice@atlanta.com;%74ransport=tcp");

  assert_uri_text (uri, "sip:alice@atlanta.com;transport=tcp");
  g_assert_cmpstr (tc_sip_uri_get_transport (uri), ==, "tcp");
}

static void
test_build_tel (void)
{
  g_autoptr (TcSipUri) uri = tc_sip_uri_new_tel ("+12015550123");
  g_autoptr (TcSipUri) parsed = parse_ok ("tel:+12015550123");

  g_assert_cmpint (tc_sip_uri_get_scheme (uri), ==, TC_SIP_URI_SCHEME_TEL);
  g_assert_cmpstr (tc_sip_uri_get_user (uri, NULL), ==, "+12015550123");
  g_assert_null (tc_sip_uri_get_host (uri));
  g_assert_cmpint (tc_sip_uri_get_host_type (uri), ==, TC_SIP_HOST_NONE);
  assert_uri_text (uri, "tel:+12015550123");
  assert_uri_identical (uri, parsed);
}

static void
test_ref_copy (void)
{
  g_autoptr (TcSipUri) uri = parse_ok ("sip:alice@atlanta.com;transport=tcp?subject=x");
  g_autoptr (TcSipUri) ref = tc_sip_uri_ref (uri);
  g_autoptr (TcSipUri) copy = tc_sip_uri_copy (uri);

  g_assert_true (ref == uri);
  g_assert_true (copy != uri);
  assert_uri_identical (uri, copy);

  /* The copy is independent of the original. */
  tc_sip_uri_set_param (copy, "transport", "udp");
  tc_sip_uri_set_user (copy, "bob");
  g_assert_cmpstr (tc_sip_uri_get_transport (uri), ==, "tcp");
  g_assert_cmpstr (tc_sip_uri_get_user (uri, NULL), ==, "alice");
  g_assert_false (tc_sip_uri_equal (uri, copy));
}

static void
test_boxed_type (void)
{
  g_autoptr (TcSipUri) uri = parse_ok ("sip:alice@atlanta.com");
  g_autoptr (TcSipUri) copy = NULL;

  g_assert_true (G_TYPE_IS_BOXED (TC_SIP_TYPE_URI));
  copy = g_boxed_copy (TC_SIP_TYPE_URI, uri);
  g_assert_true (tc_sip_uri_equal (uri, copy));
}

int
main (int argc, char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  for (i = 0; i < G_N_ELEMENTS (valid_uris); i++)
    {
      g_autofree char *parse_path = g_strdup_printf ("/sip/uri/parse/valid/%s", valid_uris[i].name);
      g_autofree char *trip_path = g_strdup_printf ("/sip/uri/round-trip/%s", valid_uris[i].name);
      g_autofree char *validate_path = g_strdup_printf ("/sip/uri/validate/valid/%s", valid_uris[i].name);

      g_test_add_data_func (parse_path, &valid_uris[i], test_parse_valid);
      g_test_add_data_func (trip_path, &valid_uris[i], test_round_trip);
      g_test_add_data_func (validate_path, &valid_uris[i], test_validate_valid);
    }
  for (i = 0; i < G_N_ELEMENTS (invalid_uris); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sip/uri/parse/invalid/%s", invalid_uris[i].name);

      g_test_add_data_func (path, &invalid_uris[i], test_parse_invalid);
      if (invalid_uris[i].code == TC_SIP_ERROR_PARSE)
        {
          g_autofree char *validate_path = g_strdup_printf ("/sip/uri/validate/invalid/%s", invalid_uris[i].name);

          g_test_add_data_func (validate_path, &invalid_uris[i], test_validate_invalid);
        }
    }
  for (i = 0; i < G_N_ELEMENTS (compare_pairs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sip/uri/compare/%s", compare_pairs[i].name);

      g_test_add_data_func (path, &compare_pairs[i], test_compare);
    }

  g_test_add_func ("/sip/uri/parse/params", test_parse_params);
  g_test_add_func ("/sip/uri/parse/params-absent", test_parse_params_absent);
  g_test_add_func ("/sip/uri/parse/escapes", test_parse_escapes);
  g_test_add_func ("/sip/uri/parse/headers", test_parse_headers);
  g_test_add_func ("/sip/uri/parse/nul-in-user", test_parse_nul_in_user);
  g_test_add_func ("/sip/uri/parse/length", test_parse_length);
  g_test_add_func ("/sip/uri/parse/tel", test_parse_tel);
  g_test_add_func ("/sip/uri/build/sip", test_build_sip);
  g_test_add_func ("/sip/uri/build/hosts", test_build_hosts);
  g_test_add_func ("/sip/uri/build/escaping", test_build_escaping);
  g_test_add_func ("/sip/uri/build/no-needless-escaping", test_build_no_needless_escaping);
  g_test_add_func ("/sip/uri/build/tel", test_build_tel);
  g_test_add_func ("/sip/uri/ref-copy", test_ref_copy);
  g_test_add_func ("/sip/uri/boxed-type", test_boxed_type);

  return g_test_run ();
}
