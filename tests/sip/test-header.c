/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-header.c — unit tests of the SIP header layer (header.h): mapping
 * header names, full and compact (RFC 3261 §7.3.3), to ids; the typed value
 * parsers (Via, name-addr, Contact, CSeq, Content-Type, Digest challenges and
 * credentials with the RFC 7616 examples, Event, Subscription-State,
 * Retry-After, Session-Expires, Replaces, Date, Warning), with LWS and
 * folded lines wherever the grammar allows them and a TC_SIP_ERROR_PARSE
 * for malformed values; splitting list values around quoted strings and
 * angle brackets; generic parameters; unquoting.
 */
#include <string.h>

#include <glib.h>

#include "sip/header.h"
#include "sip/sip-error.h"

static TcSipStr
view (const char *s)
{
  return tc_sip_str (s, strlen (s));
}

/* A macro, so that a failure reports the caller's line. */
#define assert_view(v, expected) \
  G_STMT_START \
  { \
    g_autofree char *got_ = tc_sip_str_dup (v); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } \
  G_STMT_END

/* The parsers do not copy: every view lies inside the input. */
#define assert_view_inside(v, input) \
  G_STMT_START \
  { \
    g_assert_nonnull ((v).str); \
    g_assert_true ((v).str >= (input).str && (v).str + (v).len <= (input).str + (input).len); \
  } \
  G_STMT_END

/* Header names. */

typedef struct {
  const char *name;
  TcSipHeaderId id;
} HeaderName;

static const HeaderName full_names[] = {
  { "Accept", TC_SIP_HEADER_ACCEPT },
  { "Allow", TC_SIP_HEADER_ALLOW },
  { "Allow-Events", TC_SIP_HEADER_ALLOW_EVENTS },
  { "Authorization", TC_SIP_HEADER_AUTHORIZATION },
  { "Call-ID", TC_SIP_HEADER_CALL_ID },
  { "Contact", TC_SIP_HEADER_CONTACT },
  { "Content-Disposition", TC_SIP_HEADER_CONTENT_DISPOSITION },
  { "Content-Encoding", TC_SIP_HEADER_CONTENT_ENCODING },
  { "Content-Length", TC_SIP_HEADER_CONTENT_LENGTH },
  { "Content-Type", TC_SIP_HEADER_CONTENT_TYPE },
  { "CSeq", TC_SIP_HEADER_CSEQ },
  { "Date", TC_SIP_HEADER_DATE },
  { "Event", TC_SIP_HEADER_EVENT },
  { "Expires", TC_SIP_HEADER_EXPIRES },
  { "From", TC_SIP_HEADER_FROM },
  { "Max-Forwards", TC_SIP_HEADER_MAX_FORWARDS },
  { "Min-Expires", TC_SIP_HEADER_MIN_EXPIRES },
  { "Min-SE", TC_SIP_HEADER_MIN_SE },
  { "Proxy-Authenticate", TC_SIP_HEADER_PROXY_AUTHENTICATE },
  { "Proxy-Authorization", TC_SIP_HEADER_PROXY_AUTHORIZATION },
  { "Proxy-Require", TC_SIP_HEADER_PROXY_REQUIRE },
  { "Record-Route", TC_SIP_HEADER_RECORD_ROUTE },
  { "Refer-To", TC_SIP_HEADER_REFER_TO },
  { "Referred-By", TC_SIP_HEADER_REFERRED_BY },
  { "Replaces", TC_SIP_HEADER_REPLACES },
  { "Require", TC_SIP_HEADER_REQUIRE },
  { "Retry-After", TC_SIP_HEADER_RETRY_AFTER },
  { "Route", TC_SIP_HEADER_ROUTE },
  { "Session-Expires", TC_SIP_HEADER_SESSION_EXPIRES },
  { "SIP-ETag", TC_SIP_HEADER_SIP_ETAG },
  { "SIP-If-Match", TC_SIP_HEADER_SIP_IF_MATCH },
  { "Subject", TC_SIP_HEADER_SUBJECT },
  { "Subscription-State", TC_SIP_HEADER_SUBSCRIPTION_STATE },
  { "Supported", TC_SIP_HEADER_SUPPORTED },
  { "To", TC_SIP_HEADER_TO },
  { "Unsupported", TC_SIP_HEADER_UNSUPPORTED },
  { "User-Agent", TC_SIP_HEADER_USER_AGENT },
  { "Via", TC_SIP_HEADER_VIA },
  { "Warning", TC_SIP_HEADER_WARNING },
  { "WWW-Authenticate", TC_SIP_HEADER_WWW_AUTHENTICATE },
};

/* RFC 3261 §7.3.3 and the RFCs that added compact forms (3265, 3515, 3892,
 * 4028). */
static const HeaderName compact_names[] = {
  { "i", TC_SIP_HEADER_CALL_ID },
  { "m", TC_SIP_HEADER_CONTACT },
  { "e", TC_SIP_HEADER_CONTENT_ENCODING },
  { "l", TC_SIP_HEADER_CONTENT_LENGTH },
  { "f", TC_SIP_HEADER_FROM },
  { "t", TC_SIP_HEADER_TO },
  { "v", TC_SIP_HEADER_VIA },
  { "k", TC_SIP_HEADER_SUPPORTED },
  { "s", TC_SIP_HEADER_SUBJECT },
  { "c", TC_SIP_HEADER_CONTENT_TYPE },
  { "o", TC_SIP_HEADER_EVENT },
  { "u", TC_SIP_HEADER_ALLOW_EVENTS },
  { "r", TC_SIP_HEADER_REFER_TO },
  { "b", TC_SIP_HEADER_REFERRED_BY },
  { "x", TC_SIP_HEADER_SESSION_EXPIRES },
};

static void
test_names_full (void)
{
  guint i;

  g_assert_cmpuint (G_N_ELEMENTS (full_names), ==, TC_SIP_HEADER_N_IDS - 1);
  for (i = 0; i < G_N_ELEMENTS (full_names); i++)
    {
      const char *name = full_names[i].name;
      g_autofree char *upper = g_ascii_strup (name, -1);
      g_autofree char *lower = g_ascii_strdown (name, -1);

      g_test_message ("%s", name);
      g_assert_cmpint (tc_sip_header_id_from_name (name, strlen (name)), ==, full_names[i].id);
      g_assert_cmpint (tc_sip_header_id_from_name (upper, strlen (upper)), ==, full_names[i].id);
      g_assert_cmpint (tc_sip_header_id_from_name (lower, strlen (lower)), ==, full_names[i].id);
      g_assert_cmpstr (tc_sip_header_id_to_name (full_names[i].id), ==, name);
    }
  g_assert_null (tc_sip_header_id_to_name (TC_SIP_HEADER_OTHER));
}

static void
test_names_compact (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (compact_names); i++)
    {
      char upper[2] = { g_ascii_toupper (compact_names[i].name[0]), '\0' };

      g_test_message ("%s", compact_names[i].name);
      g_assert_cmpint (tc_sip_header_id_from_name (compact_names[i].name, 1), ==, compact_names[i].id);
      g_assert_cmpint (tc_sip_header_id_from_name (upper, 1), ==, compact_names[i].id);
    }
}

static void
test_names_unknown (void)
{
  static const char *const unknown[] = { "X-Foo", "Vias", "Vi", "Via-", "Cal-ID", "a", "j", "y", "z", "Tox", "" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_test_message ("<%s>", unknown[i]);
      g_assert_cmpint (tc_sip_header_id_from_name (unknown[i], strlen (unknown[i])), ==, TC_SIP_HEADER_OTHER);
    }

  /* Only @len bytes are looked at. */
  g_assert_cmpint (tc_sip_header_id_from_name ("Via-Foo", 3), ==, TC_SIP_HEADER_VIA);
  g_assert_cmpint (tc_sip_header_id_from_name ("To: x", 2), ==, TC_SIP_HEADER_TO);
  g_assert_cmpint (tc_sip_header_id_from_name ("from", 1), ==, TC_SIP_HEADER_FROM);
}

/* RFC 3261 §7.3.1: comma-separated lists, except for the authentication
 * headers which may not be combined. */
static void
test_names_is_list (void)
{
  static const TcSipHeaderId lists[] = {
    TC_SIP_HEADER_VIA,         TC_SIP_HEADER_CONTACT,      TC_SIP_HEADER_ROUTE,     TC_SIP_HEADER_RECORD_ROUTE,
    TC_SIP_HEADER_ALLOW,       TC_SIP_HEADER_REQUIRE,      TC_SIP_HEADER_SUPPORTED, TC_SIP_HEADER_PROXY_REQUIRE,
    TC_SIP_HEADER_UNSUPPORTED, TC_SIP_HEADER_ALLOW_EVENTS, TC_SIP_HEADER_ACCEPT,    TC_SIP_HEADER_WARNING,
  };
  static const TcSipHeaderId singles[] = {
    TC_SIP_HEADER_CALL_ID,
    TC_SIP_HEADER_CSEQ,
    TC_SIP_HEADER_FROM,
    TC_SIP_HEADER_TO,
    TC_SIP_HEADER_CONTENT_LENGTH,
    TC_SIP_HEADER_CONTENT_TYPE,
    TC_SIP_HEADER_MAX_FORWARDS,
    TC_SIP_HEADER_EXPIRES,
    TC_SIP_HEADER_DATE,
    TC_SIP_HEADER_WWW_AUTHENTICATE,
    TC_SIP_HEADER_AUTHORIZATION,
    TC_SIP_HEADER_PROXY_AUTHENTICATE,
    TC_SIP_HEADER_PROXY_AUTHORIZATION,
    TC_SIP_HEADER_SUBJECT,
    TC_SIP_HEADER_EVENT,
    TC_SIP_HEADER_SUBSCRIPTION_STATE,
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_test_message ("%s", tc_sip_header_id_to_name (lists[i]));
      g_assert_true (tc_sip_header_id_is_list (lists[i]));
    }
  for (i = 0; i < G_N_ELEMENTS (singles); i++)
    {
      g_test_message ("%s", tc_sip_header_id_to_name (singles[i]));
      g_assert_false (tc_sip_header_id_is_list (singles[i]));
    }
}

/* Generic parameters. */

static void
test_params_iter (void)
{
  TcSipParams params = { view (";a=1;b;c=\"x;y\";D=Ab") };
  TcSipParamsIter iter;
  TcSipStr name, value;

  tc_sip_params_iter_init (&iter, &params);
  g_assert_true (tc_sip_params_iter_next (&iter, &name, &value));
  assert_view (name, "a");
  assert_view (value, "1");
  g_assert_true (tc_sip_params_iter_next (&iter, &name, &value));
  assert_view (name, "b");
  g_assert_false (tc_sip_str_is_set (value));
  g_assert_true (tc_sip_params_iter_next (&iter, &name, &value));
  assert_view (name, "c");
  assert_view (value, "\"x;y\"");
  g_assert_true (tc_sip_params_iter_next (&iter, &name, &value));
  assert_view (name, "D");
  assert_view (value, "Ab");
  g_assert_false (tc_sip_params_iter_next (&iter, &name, &value));

  g_assert_true (tc_sip_params_get (&params, "C", &value));
  assert_view (value, "\"x;y\"");
  g_assert_true (tc_sip_params_get (&params, "d", &value));
  assert_view (value, "Ab");
  g_assert_true (tc_sip_params_get (&params, "b", &value));
  g_assert_false (tc_sip_str_is_set (value));
  g_assert_false (tc_sip_params_get (&params, "y", &value));
  g_assert_false (tc_sip_params_get (&params, "ab", &value));
}

static void
test_params_empty (void)
{
  TcSipParams params = { TC_SIP_STR_NULL };
  TcSipParamsIter iter;
  TcSipStr name, value;

  tc_sip_params_iter_init (&iter, &params);
  g_assert_false (tc_sip_params_iter_next (&iter, &name, &value));
  g_assert_false (tc_sip_params_get (&params, "a", &value));
}

/* Via. */

static void
test_via_basic (void)
{
  TcSipStr in = view ("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds");
  g_autoptr (GError) error = NULL;
  TcSipVia via;
  TcSipStr value;

  g_assert_true (tc_sip_parse_via (in, &via, &error));
  g_assert_no_error (error);
  assert_view (via.protocol_name, "SIP");
  assert_view (via.protocol_version, "2.0");
  assert_view (via.transport, "UDP");
  assert_view (via.host, "pc33.atlanta.com");
  assert_view_inside (via.host, in);
  g_assert_cmpuint (via.port, ==, 0);
  assert_view (via.branch, "z9hG4bK776asdhds");
  assert_view_inside (via.branch, in);
  g_assert_false (tc_sip_str_is_set (via.received));
  g_assert_false (tc_sip_str_is_set (via.maddr));
  g_assert_cmpint (via.ttl, ==, -1);
  g_assert_cmpint (via.rport, ==, -1);
  g_assert_true (tc_sip_params_get (&via.params, "branch", &value));
  assert_view (value, "z9hG4bK776asdhds");
}

static void
test_via_params (void)
{
  TcSipStr in = view ("SIP/2.0/TCP 10.0.0.1:5070;rport=5061;received=192.0.2.3;maddr=224.2.0.1;ttl=16;"
                      "branch=z9hG4bKnashds8;x-ext=1");
  g_autoptr (GError) error = NULL;
  TcSipVia via;
  TcSipStr value;

  g_assert_true (tc_sip_parse_via (in, &via, &error));
  g_assert_no_error (error);
  assert_view (via.transport, "TCP");
  assert_view (via.host, "10.0.0.1");
  g_assert_cmpuint (via.port, ==, 5070);
  g_assert_cmpint (via.rport, ==, 5061);
  assert_view (via.received, "192.0.2.3");
  assert_view (via.maddr, "224.2.0.1");
  g_assert_cmpint (via.ttl, ==, 16);
  assert_view (via.branch, "z9hG4bKnashds8");
  g_assert_true (tc_sip_params_get (&via.params, "x-ext", &value));
  assert_view (value, "1");
}

/* RFC 3581: rport without a value is a request to fill it in. */
static void
test_via_rport_flag (void)
{
  g_autoptr (GError) error = NULL;
  TcSipVia via;

  g_assert_true (tc_sip_parse_via (view ("SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKabc"), &via, &error));
  g_assert_no_error (error);
  g_assert_cmpint (via.rport, ==, 0);
  g_assert_cmpuint (via.port, ==, 5060);
  assert_view (via.branch, "z9hG4bKabc");
}

/* RFC 5118 §4: IPv6 sent-by and received. */
static void
test_via_ipv6 (void)
{
  g_autoptr (GError) error = NULL;
  TcSipVia via;

  g_assert_true (tc_sip_parse_via (view ("SIP/2.0/UDP [2001:db8::9:1]:5070;received=2001:db8::9:255;branch=z9hG4bKas3"),
                                   &via, &error));
  g_assert_no_error (error);
  assert_view (via.host, "2001:db8::9:1");
  g_assert_cmpuint (via.port, ==, 5070);
  assert_view (via.received, "2001:db8::9:255");
  assert_view (via.branch, "z9hG4bKas3");

  /* Protocol names and transports are tokens, kept as written. */
  g_assert_true (tc_sip_parse_via (view ("sip/2.0/wss [::1];branch=z9hG4bKx"), &via, &error));
  g_assert_no_error (error);
  assert_view (via.protocol_name, "sip");
  assert_view (via.transport, "wss");

  g_assert_true (tc_sip_parse_via (view ("SIP/2.0/TLS [::1];branch=z9hG4bKx"), &via, &error));
  g_assert_no_error (error);
  assert_view (via.transport, "TLS");
  assert_view (via.host, "::1");
  g_assert_cmpuint (via.port, ==, 0);
}

/* RFC 3261 §25.1: SLASH, COLON, SEMI and EQUAL allow LWS around them, and a
 * line may be folded anywhere LWS is allowed (RFC 4475 §3.1.1.1 wsinv). */
static void
test_via_lws (void)
{
  static const char *const inputs[] = {
    "SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw",
    "SIP / 2.0 / UDP 192.0.2.2 ; branch = 390skdjuw",
    "SIP/2.0/UDP\t192.0.2.2\r\n\t;branch=390skdjuw",
    "SIP/2.0/UDP 192.0.2.2\r\n ;\r\n branch\r\n =\r\n 390skdjuw",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr (GError) error = NULL;
      TcSipVia via;

      g_test_message ("input %u", i);
      g_assert_true (tc_sip_parse_via (view (inputs[i]), &via, &error));
      g_assert_no_error (error);
      assert_view (via.protocol_name, "SIP");
      assert_view (via.protocol_version, "2.0");
      assert_view (via.transport, "UDP");
      assert_view (via.host, "192.0.2.2");
      g_assert_cmpuint (via.port, ==, 0);
      assert_view (via.branch, "390skdjuw");
    }
}

static void
test_via_lws_port (void)
{
  g_autoptr (GError) error = NULL;
  TcSipVia via;

  g_assert_true (tc_sip_parse_via (
    view ("SIP/2.0/UDP first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1"), &via, &error));
  g_assert_no_error (error);
  assert_view (via.host, "first.example.com");
  g_assert_cmpuint (via.port, ==, 4000);
  g_assert_cmpint (via.ttl, ==, 16);
  assert_view (via.maddr, "224.2.0.1");
  assert_view (via.branch, "z9hG4bKa7c6a8dlze.1");
}

/* Malformed values of one header kind, each rejected with
 * TC_SIP_ERROR_PARSE.  A macro, as the parsers differ in their out type. */
typedef struct {
  const char *name;
  const char *value;
} BadValue;

#define assert_all_rejected(bad, parse, out) \
  G_STMT_START \
  { \
    gsize i_; \
    for (i_ = 0; i_ < G_N_ELEMENTS (bad); i_++) \
      { \
        g_autoptr (GError) error_ = NULL; \
        g_test_message ("%s: <%s>", (bad)[i_].name, (bad)[i_].value); \
        g_assert_false (parse (view ((bad)[i_].value), (out), &error_)); \
        g_assert_error (error_, TC_SIP_ERROR, TC_SIP_ERROR_PARSE); \
        g_assert_cmpuint (strlen (error_->message), >, 0); \
      } \
  } \
  G_STMT_END

static void
test_via_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "no-transport", "SIP/2.0 host.example.com" },
    { "no-sent-by", "SIP/2.0/UDP" },
    { "no-lws-before-host", "SIP/2.0/UDPhost.example.com" },
    { "port-too-big", "SIP/2.0/UDP host.example.com:99999" },
    { "port-empty", "SIP/2.0/UDP host.example.com:;branch=z9hG4bK1" },
    { "branch-empty", "SIP/2.0/UDP host.example.com;branch=" },
    { "empty-param", "SIP/2.0/UDP host.example.com;;branch=z9hG4bK1" },
    { "ipv6-unbalanced", "SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1" },
    { "trailing-garbage", "SIP/2.0/UDP host.example.com extra" },
    { "two-values", "SIP/2.0/UDP a.example.com, SIP/2.0/UDP b.example.com" },
    { "host-bad-char", "SIP/2.0/UDP host@example.com" },
  };
  TcSipVia via;

  assert_all_rejected (bad, tc_sip_parse_via, &via);
}

/* name-addr. */

static void
test_name_addr_quoted (void)
{
  TcSipStr in = view ("\"Bob \\\"the builder\\\" Smith\" <sip:bob@biloxi.com>;tag=a6c85cf");
  g_autoptr (GError) error = NULL;
  g_autofree char *display = NULL;
  TcSipNameAddr addr;

  g_assert_true (tc_sip_parse_name_addr (in, &addr, &error));
  g_assert_no_error (error);
  assert_view (addr.display_name, "\"Bob \\\"the builder\\\" Smith\"");
  assert_view_inside (addr.display_name, in);
  display = tc_sip_unquote (addr.display_name);
  g_assert_cmpstr (display, ==, "Bob \"the builder\" Smith");
  assert_view (addr.uri, "sip:bob@biloxi.com");
  assert_view_inside (addr.uri, in);
  assert_view (addr.tag, "a6c85cf");
}

static void
test_name_addr_token (void)
{
  g_autoptr (GError) error = NULL;
  TcSipNameAddr addr;

  g_assert_true (tc_sip_parse_name_addr (view ("Bob Smith <sip:bob@biloxi.com>"), &addr, &error));
  g_assert_no_error (error);
  assert_view (addr.display_name, "Bob Smith");
  assert_view (addr.uri, "sip:bob@biloxi.com");
  g_assert_false (tc_sip_str_is_set (addr.tag));

  g_assert_true (tc_sip_parse_name_addr (view ("\"Alice\"<sip:alice@atlanta.com>;tag=1"), &addr, &error));
  g_assert_no_error (error);
  assert_view (addr.display_name, "\"Alice\"");
  assert_view (addr.uri, "sip:alice@atlanta.com");
  assert_view (addr.tag, "1");

  /* RFC 3261 §25.1: quoted-string allows UTF8-NONASCII. */
  g_assert_true (tc_sip_parse_name_addr (view ("\"J\xc3\xb6rg \xe6\x97\xa5\" <sip:joerg@example.com>"), &addr, &error));
  g_assert_no_error (error);
  assert_view (addr.display_name, "\"J\xc3\xb6rg \xe6\x97\xa5\"");

  g_assert_true (tc_sip_parse_name_addr (view ("\"\" <sip:anonymous@anonymous.invalid>"), &addr, &error));
  g_assert_no_error (error);
  assert_view (addr.display_name, "\"\"");
}

static void
test_name_addr_no_display (void)
{
  g_autoptr (GError) error = NULL;
  TcSipNameAddr addr;
  TcSipStr value;

  g_assert_true (tc_sip_parse_name_addr (view ("<sip:bob@biloxi.com;transport=tcp>;tag=x;foo=bar"), &addr, &error));
  g_assert_no_error (error);
  g_assert_false (tc_sip_str_is_set (addr.display_name));
  /* Parameters inside <> are the URI's. */
  assert_view (addr.uri, "sip:bob@biloxi.com;transport=tcp");
  assert_view (addr.tag, "x");
  g_assert_true (tc_sip_params_get (&addr.params, "foo", &value));
  assert_view (value, "bar");
  g_assert_false (tc_sip_params_get (&addr.params, "transport", &value));
}

/* RFC 3261 §20.10: without angle brackets, parameters after the URI belong
 * to the header, not to the URI. */
static void
test_name_addr_addr_spec (void)
{
  g_autoptr (GError) error = NULL;
  TcSipNameAddr addr;
  TcSipStr value;

  g_assert_true (tc_sip_parse_name_addr (view ("sip:bob@biloxi.com;transport=tcp;tag=123"), &addr, &error));
  g_assert_no_error (error);
  g_assert_false (tc_sip_str_is_set (addr.display_name));
  assert_view (addr.uri, "sip:bob@biloxi.com");
  assert_view (addr.tag, "123");
  g_assert_true (tc_sip_params_get (&addr.params, "transport", &value));
  assert_view (value, "tcp");

  g_assert_true (tc_sip_parse_name_addr (view ("tel:+12015550123"), &addr, &error));
  g_assert_no_error (error);
  assert_view (addr.uri, "tel:+12015550123");
}

static void
test_name_addr_lws (void)
{
  g_autoptr (GError) error = NULL;
  TcSipNameAddr addr;

  g_assert_true (
    tc_sip_parse_name_addr (view ("\"Bob\"\r\n <sip:bob@biloxi.com>\r\n ;\r\n tag\r\n =\r\n 99"), &addr, &error));
  g_assert_no_error (error);
  assert_view (addr.display_name, "\"Bob\"");
  assert_view (addr.uri, "sip:bob@biloxi.com");
  assert_view (addr.tag, "99");
}

static void
test_name_addr_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "unterminated-angle", "<sip:bob@biloxi.com" },
    { "unterminated-quote", "\"Bob <sip:bob@biloxi.com>" },
    { "bad-uri", "Bob <sip:bob@bi loxi.com>" },
    { "empty-uri", "<>" },
    { "trailing-garbage", "<sip:bob@biloxi.com> junk" },
    { "empty-tag", "<sip:bob@biloxi.com>;tag=" },
    { "display-without-angle", "Bob sip:bob@biloxi.com" },
    { "empty-param", "<sip:bob@biloxi.com>;;tag=1" },
  };
  TcSipNameAddr addr;

  assert_all_rejected (bad, tc_sip_parse_name_addr, &addr);
}

/* Contact. */

static void
test_contact_star (void)
{
  g_autoptr (GError) error = NULL;
  TcSipContact contact;

  g_assert_true (tc_sip_parse_contact (view ("*"), &contact, &error));
  g_assert_no_error (error);
  g_assert_true (contact.star);
}

static void
test_contact_params (void)
{
  g_autoptr (GError) error = NULL;
  TcSipContact contact;

  g_assert_true (tc_sip_parse_contact (
    view ("\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7;expires=3600"), &contact, &error));
  g_assert_no_error (error);
  g_assert_false (contact.star);
  assert_view (contact.addr.display_name, "\"Mr. Watson\"");
  assert_view (contact.addr.uri, "sip:watson@worcester.bell-telephone.com");
  g_assert_cmpint (contact.q, ==, 700);
  g_assert_cmpint (contact.expires, ==, 3600);
  g_assert_cmpint (contact.reg_id, ==, -1);
  g_assert_false (tc_sip_str_is_set (contact.instance));
  g_assert_false (tc_sip_str_is_set (contact.pub_gruu));
  g_assert_false (tc_sip_str_is_set (contact.temp_gruu));

  g_assert_true (tc_sip_parse_contact (view ("<sip:bob@192.0.2.4>"), &contact, &error));
  g_assert_no_error (error);
  g_assert_cmpint (contact.q, ==, -1);
  g_assert_cmpint (contact.expires, ==, -1);

  g_assert_true (tc_sip_parse_contact (view ("sip:bob@192.0.2.4;expires=0"), &contact, &error));
  g_assert_no_error (error);
  assert_view (contact.addr.uri, "sip:bob@192.0.2.4");
  g_assert_cmpint (contact.expires, ==, 0);
}

/* RFC 3261 §20.10 qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static void
test_contact_q (void)
{
  static const struct {
    const char *q;
    gint thousandths;
  } good[] = {
    { "1", 1000 },  { "1.", 1000 },  { "1.0", 1000 }, { "1.000", 1000 }, { "0", 0 },
    { "0.5", 500 }, { "0.75", 750 }, { "0.001", 1 },  { "0.123", 123 },  { "0.000", 0 },
  };
  static const char *const bad[] = { "1.5", "2", "0.1234", "abc", "1.0001", "-0.5", ".5", "", "1.001" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *value = g_strdup_printf ("<sip:a@example.com>;q=%s", good[i].q);
      TcSipContact contact;

      g_test_message ("q=%s", good[i].q);
      g_assert_true (tc_sip_parse_contact (view (value), &contact, &error));
      g_assert_no_error (error);
      g_assert_cmpint (contact.q, ==, good[i].thousandths);
    }
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *value = g_strdup_printf ("<sip:a@example.com>;q=%s", bad[i]);
      TcSipContact contact;

      g_test_message ("q=%s", bad[i]);
      g_assert_false (tc_sip_parse_contact (view (value), &contact, &error));
      g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
    }
}

/* RFC 5626 §4.2 and RFC 5627 §5.1 examples. */
static void
test_contact_outbound_gruu (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pub = NULL;
  g_autofree char *temp = NULL;
  TcSipContact contact;

  g_assert_true (tc_sip_parse_contact (view ("<sip:line1@192.0.2.2;transport=tcp>;reg-id=1;\r\n"
                                             " +sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\""),
                                       &contact, &error));
  g_assert_no_error (error);
  g_assert_cmpint (contact.reg_id, ==, 1);
  assert_view (contact.instance, "\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"");
  assert_view (contact.addr.uri, "sip:line1@192.0.2.2;transport=tcp");

  g_assert_true (tc_sip_parse_contact (
    view ("<sip:callee@192.0.2.1>;pub-gruu=\"sip:callee@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\""
          ";temp-gruu=\"sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr\""
          ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";expires=3600"),
    &contact, &error));
  g_assert_no_error (error);
  pub = tc_sip_unquote (contact.pub_gruu);
  temp = tc_sip_unquote (contact.temp_gruu);
  g_assert_cmpstr (pub, ==, "sip:callee@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  g_assert_cmpstr (temp, ==, "sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr");
  assert_view (contact.instance, "\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"");
  g_assert_cmpint (contact.expires, ==, 3600);
  g_assert_cmpint (contact.reg_id, ==, -1);
}

static void
test_contact_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "expires-alpha", "<sip:a@example.com>;expires=abc" },
    { "expires-negative", "<sip:a@example.com>;expires=-1" },
    { "reg-id-alpha", "<sip:a@example.com>;reg-id=x" },
    { "bad-uri", "<sip:a@exa mple.com>" },
    { "unterminated", "<sip:a@example.com" },
  };
  TcSipContact contact;

  assert_all_rejected (bad, tc_sip_parse_contact, &contact);
}

/* CSeq, integers, tokens. */

static void
test_cseq (void)
{
  g_autoptr (GError) error = NULL;
  TcSipCSeq cseq;

  g_assert_true (tc_sip_parse_cseq (view ("4711 INVITE"), &cseq, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cseq.seq, ==, 4711);
  assert_view (cseq.method, "INVITE");

  g_assert_true (tc_sip_parse_cseq (view ("0\r\n  REGISTER"), &cseq, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cseq.seq, ==, 0);
  assert_view (cseq.method, "REGISTER");

  g_assert_true (tc_sip_parse_cseq (view ("2147483647 NEWMETHOD"), &cseq, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cseq.seq, ==, 2147483647u);
  assert_view (cseq.method, "NEWMETHOD");
}

static void
test_cseq_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "no-number", "INVITE" },
    { "no-method", "1" },
    { "alpha-number", "abc INVITE" },
    { "bad-method", "1 INV@ITE" },
    { "overflow-32", "4294967296 INVITE" },
    /* RFC 4475 §3.1.2.11 scalar02. */
    { "overflow-64", "36893488147419103232 REGISTER" },
    { "negative", "-1 INVITE" },
    { "trailing", "1 INVITE extra" },
    { "no-lws", "1INVITE" },
  };
  TcSipCSeq cseq;

  assert_all_rejected (bad, tc_sip_parse_cseq, &cseq);
}

static void
test_uint32 (void)
{
  static const struct {
    const char *text;
    guint32 max;
    gboolean ok;
    guint32 value;
  } cases[] = {
    { "70", 255, TRUE, 70 },
    { "0", 255, TRUE, 0 },
    { "255", 255, TRUE, 255 },
    { "256", 255, FALSE, 0 },
    { "4294967295", G_MAXUINT32, TRUE, G_MAXUINT32 },
    { "4294967296", G_MAXUINT32, FALSE, 0 },
    { "99999999999999999999", G_MAXUINT32, FALSE, 0 },
    { "", G_MAXUINT32, FALSE, 0 },
    { "-1", G_MAXUINT32, FALSE, 0 },
    { "12a", G_MAXUINT32, FALSE, 0 },
    { "0x10", G_MAXUINT32, FALSE, 0 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      guint32 out = 12345;

      g_test_message ("<%s> max %u", cases[i].text, cases[i].max);
      if (cases[i].ok)
        {
          g_assert_true (tc_sip_parse_uint32 (view (cases[i].text), cases[i].max, &out, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (out, ==, cases[i].value);
        }
      else
        {
          g_assert_false (tc_sip_parse_uint32 (view (cases[i].text), cases[i].max, &out, &error));
          g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
        }
    }
}

static void
test_token (void)
{
  g_autoptr (GError) error = NULL;
  TcSipStr token;

  g_assert_true (tc_sip_parse_token (view ("presence.winfo"), &token, &error));
  g_assert_no_error (error);
  assert_view (token, "presence.winfo");

  g_assert_false (tc_sip_parse_token (view ("a b"), &token, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (tc_sip_parse_token (view (""), &token, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (tc_sip_parse_token (view ("a@b"), &token, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
}

/* Content-Type. */

static void
test_content_type (void)
{
  g_autoptr (GError) error = NULL;
  TcSipContentType ct;
  TcSipStr value;

  g_assert_true (tc_sip_parse_content_type (view ("application/sdp"), &ct, &error));
  g_assert_no_error (error);
  assert_view (ct.type, "application");
  assert_view (ct.subtype, "sdp");
  g_assert_false (tc_sip_params_get (&ct.params, "charset", &value));

  g_assert_true (tc_sip_parse_content_type (view ("text/html ; charset=ISO-8859-4"), &ct, &error));
  g_assert_no_error (error);
  assert_view (ct.type, "text");
  assert_view (ct.subtype, "html");
  g_assert_true (tc_sip_params_get (&ct.params, "charset", &value));
  assert_view (value, "ISO-8859-4");

  g_assert_true (tc_sip_parse_content_type (view ("multipart/mixed;boundary=\"unique boundary 1\""), &ct, &error));
  g_assert_no_error (error);
  assert_view (ct.subtype, "mixed");
  g_assert_true (tc_sip_params_get (&ct.params, "BOUNDARY", &value));
  assert_view (value, "\"unique boundary 1\"");

  g_assert_true (tc_sip_parse_content_type (view ("application / pidf+xml"), &ct, &error));
  g_assert_no_error (error);
  assert_view (ct.type, "application");
  assert_view (ct.subtype, "pidf+xml");
}

static void
test_content_type_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "no-slash", "application" },
    { "no-subtype", "application/" },
    { "no-type", "/sdp" },
    { "empty-param", "text/html;" },
    { "bad-char", "text/ht@ml" },
    { "two-slashes", "text/html/x" },
  };
  TcSipContentType ct;

  assert_all_rejected (bad, tc_sip_parse_content_type, &ct);
}

/* Authentication: the examples of RFC 7616 §3.9.1, with their folding. */

static void
test_auth_challenge_rfc7616 (void)
{
  TcSipStr in = view ("Digest\r\n"
                      "    realm=\"http-auth@example.org\",\r\n"
                      "    qop=\"auth, auth-int\",\r\n"
                      "    algorithm=SHA-256,\r\n"
                      "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
                      "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  g_autoptr (GError) error = NULL;
  TcSipAuth auth;
  TcSipStr value;

  g_assert_true (tc_sip_parse_auth (in, &auth, &error));
  g_assert_no_error (error);
  assert_view (auth.scheme, "Digest");
  g_assert_true (tc_sip_auth_get_param (&auth, "realm", &value));
  assert_view (value, "http-auth@example.org");
  assert_view_inside (value, in);
  g_assert_true (tc_sip_auth_get_param (&auth, "qop", &value));
  assert_view (value, "auth, auth-int");
  g_assert_true (tc_sip_auth_get_param (&auth, "algorithm", &value));
  assert_view (value, "SHA-256");
  g_assert_true (tc_sip_auth_get_param (&auth, "nonce", &value));
  assert_view (value, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  g_assert_true (tc_sip_auth_get_param (&auth, "OPAQUE", &value));
  assert_view (value, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  g_assert_false (tc_sip_auth_get_param (&auth, "stale", &value));
  g_assert_false (tc_sip_auth_get_param (&auth, "auth-int", &value));
}

static void
test_auth_credentials_rfc7616 (void)
{
  TcSipStr in = view ("Digest username=\"Mufasa\",\r\n"
                      "    realm=\"http-auth@example.org\",\r\n"
                      "    uri=\"/dir/index.html\",\r\n"
                      "    algorithm=SHA-256,\r\n"
                      "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
                      "    nc=00000001,\r\n"
                      "    cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n"
                      "    qop=auth,\r\n"
                      "    response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\r\n"
                      "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  g_autoptr (GError) error = NULL;
  TcSipAuth auth;
  TcSipStr value;

  g_assert_true (tc_sip_parse_auth (in, &auth, &error));
  g_assert_no_error (error);
  assert_view (auth.scheme, "Digest");
  g_assert_true (tc_sip_auth_get_param (&auth, "username", &value));
  assert_view (value, "Mufasa");
  g_assert_true (tc_sip_auth_get_param (&auth, "uri", &value));
  assert_view (value, "/dir/index.html");
  g_assert_true (tc_sip_auth_get_param (&auth, "nc", &value));
  assert_view (value, "00000001");
  g_assert_true (tc_sip_auth_get_param (&auth, "cnonce", &value));
  assert_view (value, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
  g_assert_true (tc_sip_auth_get_param (&auth, "nonce", &value));
  assert_view (value, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  g_assert_true (tc_sip_auth_get_param (&auth, "qop", &value));
  assert_view (value, "auth");
  g_assert_true (tc_sip_auth_get_param (&auth, "response", &value));
  assert_view (value, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

/* A lookup matches whole names only, and ignores text inside quoted
 * strings. */
static void
test_auth_lookup_exact (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *realm = NULL;
  TcSipAuth auth;
  TcSipStr value;

  g_assert_true (
    tc_sip_parse_auth (view ("Digest cnonce=\"c1\", realm=\"a, nonce=\\\"evil\\\"\",nonce=\"good\""), &auth, &error));
  g_assert_no_error (error);
  g_assert_true (tc_sip_auth_get_param (&auth, "nonce", &value));
  assert_view (value, "good");
  g_assert_true (tc_sip_auth_get_param (&auth, "cnonce", &value));
  assert_view (value, "c1");
  g_assert_true (tc_sip_auth_get_param (&auth, "realm", &value));
  assert_view (value, "a, nonce=\\\"evil\\\"");
  realm = tc_sip_unquote (value);
  g_assert_cmpstr (realm, ==, "a, nonce=\"evil\"");
  g_assert_false (tc_sip_auth_get_param (&auth, "once", &value));
}

static void
test_auth_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "unterminated-quote", "Digest realm=\"abc" },
    { "missing-comma", "Digest realm=\"x\" nonce=\"y\"" },
    { "missing-value", "Digest realm=" },
    { "missing-name", "Digest =x" },
    { "trailing-comma-garbage", "Digest realm=\"x\", @" },
  };
  TcSipAuth auth;

  assert_all_rejected (bad, tc_sip_parse_auth, &auth);
}

/* Event, Subscription-State (RFC 6665). */

static void
test_event (void)
{
  g_autoptr (GError) error = NULL;
  TcSipEvent event;
  TcSipStr value;

  g_assert_true (tc_sip_parse_event (view ("presence"), &event, &error));
  g_assert_no_error (error);
  assert_view (event.package, "presence");
  g_assert_false (tc_sip_str_is_set (event.id));

  g_assert_true (tc_sip_parse_event (view ("dialog ; id=abc123;call-id=x"), &event, &error));
  g_assert_no_error (error);
  assert_view (event.package, "dialog");
  assert_view (event.id, "abc123");
  g_assert_true (tc_sip_params_get (&event.params, "call-id", &value));
  assert_view (value, "x");

  g_assert_true (tc_sip_parse_event (view ("refer;id=93809824"), &event, &error));
  g_assert_no_error (error);
  assert_view (event.package, "refer");
  assert_view (event.id, "93809824");
}

static void
test_event_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "space", "pres ence" },
    { "no-package", ";id=1" },
    { "empty-id", "dialog;id=" },
    { "bad-char", "pres@nce" },
  };
  TcSipEvent event;

  assert_all_rejected (bad, tc_sip_parse_event, &event);
}

static void
test_subscription_state (void)
{
  g_autoptr (GError) error = NULL;
  TcSipSubscriptionState ss;

  g_assert_true (tc_sip_parse_subscription_state (view ("active;expires=3600"), &ss, &error));
  g_assert_no_error (error);
  assert_view (ss.state, "active");
  g_assert_cmpint (ss.expires, ==, 3600);
  g_assert_cmpint (ss.retry_after, ==, -1);
  g_assert_false (tc_sip_str_is_set (ss.reason));

  g_assert_true (tc_sip_parse_subscription_state (view ("terminated;reason=timeout;retry-after=30"), &ss, &error));
  g_assert_no_error (error);
  assert_view (ss.state, "terminated");
  assert_view (ss.reason, "timeout");
  g_assert_cmpint (ss.retry_after, ==, 30);
  g_assert_cmpint (ss.expires, ==, -1);

  g_assert_true (tc_sip_parse_subscription_state (view ("pending"), &ss, &error));
  g_assert_no_error (error);
  assert_view (ss.state, "pending");
  g_assert_cmpint (ss.expires, ==, -1);
  g_assert_cmpint (ss.retry_after, ==, -1);
}

static void
test_subscription_state_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "expires-alpha", "active;expires=abc" },
    { "retry-after-alpha", "terminated;retry-after=soon" },
    { "no-state", ";expires=10" },
    { "bad-char", "act ive" },
  };
  TcSipSubscriptionState ss;

  assert_all_rejected (bad, tc_sip_parse_subscription_state, &ss);
}

/* Retry-After (RFC 3261 §20.33), Session-Expires (RFC 4028). */

static void
assert_comment (TcSipStr comment, const char *text)
{
  g_autofree char *got = tc_sip_str_dup (comment);
  g_autofree char *parenthesized = g_strdup_printf ("(%s)", text);

  /* The view may or may not include the parentheses. */
  g_assert_nonnull (got);
  if (g_strcmp0 (got, text) != 0)
    g_assert_cmpstr (got, ==, parenthesized);
}

static void
test_retry_after (void)
{
  g_autoptr (GError) error = NULL;
  TcSipRetryAfter ra;

  g_assert_true (tc_sip_parse_retry_after (view ("18000;duration=3600"), &ra, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ra.seconds, ==, 18000);
  g_assert_cmpint (ra.duration, ==, 3600);
  g_assert_false (tc_sip_str_is_set (ra.comment));

  g_assert_true (tc_sip_parse_retry_after (view ("120 (I'm in a meeting)"), &ra, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ra.seconds, ==, 120);
  g_assert_cmpint (ra.duration, ==, -1);
  assert_comment (ra.comment, "I'm in a meeting");

  g_assert_true (tc_sip_parse_retry_after (view ("300 (back (really) soon) ;duration=60"), &ra, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ra.seconds, ==, 300);
  g_assert_cmpint (ra.duration, ==, 60);
  assert_comment (ra.comment, "back (really) soon");
}

static void
test_retry_after_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "alpha", "abc" },
    { "unterminated-comment", "120 (I'm in a meeting" },
    { "duration-alpha", "120;duration=x" },
    { "negative", "-5" },
  };
  TcSipRetryAfter ra;

  assert_all_rejected (bad, tc_sip_parse_retry_after, &ra);
}

static void
test_session_expires (void)
{
  g_autoptr (GError) error = NULL;
  TcSipSessionExpires se;

  g_assert_true (tc_sip_parse_session_expires (view ("4000;refresher=uac"), &se, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (se.delta, ==, 4000);
  assert_view (se.refresher, "uac");

  g_assert_true (tc_sip_parse_session_expires (view ("1800"), &se, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (se.delta, ==, 1800);
  g_assert_false (tc_sip_str_is_set (se.refresher));

  g_assert_true (tc_sip_parse_session_expires (view ("90 ; refresher = uas ; x=y"), &se, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (se.delta, ==, 90);
  assert_view (se.refresher, "uas");
}

static void
test_session_expires_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "alpha", "abc" },
    { "negative", "-1" },
    { "refresher-empty", "1800;refresher=" },
  };
  TcSipSessionExpires se;

  assert_all_rejected (bad, tc_sip_parse_session_expires, &se);
}

/* Replaces: RFC 3891 §6.1 examples. */

static void
test_replaces (void)
{
  g_autoptr (GError) error = NULL;
  TcSipReplaces r;

  g_assert_true (tc_sip_parse_replaces (view ("425928@bobster.example.org;to-tag=7743;from-tag=6472"), &r, &error));
  g_assert_no_error (error);
  assert_view (r.call_id, "425928@bobster.example.org");
  assert_view (r.to_tag, "7743");
  assert_view (r.from_tag, "6472");
  g_assert_false (r.early_only);

  g_assert_true (tc_sip_parse_replaces (
    view ("12345600@atlanta.example.com;\r\n from-tag=1234567;to-tag=12345;early-only"), &r, &error));
  g_assert_no_error (error);
  assert_view (r.call_id, "12345600@atlanta.example.com");
  assert_view (r.to_tag, "12345");
  assert_view (r.from_tag, "1234567");
  g_assert_true (r.early_only);
}

static void
test_replaces_invalid (void)
{
  static const BadValue bad[] = {
    { "empty", "" },
    { "no-call-id", ";to-tag=1;from-tag=2" },
    /* RFC 3891 §6.1: exactly one to-tag and one from-tag. */
    { "no-from-tag", "abc@example.com;to-tag=1" },
    { "no-to-tag", "abc@example.com;from-tag=2" },
    { "empty-to-tag", "abc@example.com;to-tag=;from-tag=2" },
  };
  TcSipReplaces r;

  assert_all_rejected (bad, tc_sip_parse_replaces, &r);
}

/* Date: RFC 3261 §20.17 allows rfc1123-date with "GMT" only. */

static void
test_date (void)
{
  static const char *const good[] = {
    "Sat, 13 Nov 2010 23:29:00 GMT",
    "Thu, 21 Feb 2002 13:02:03 GMT",
    "Mon, 01 Jan 2024 00:00:00 GMT",
  };
  static const BadValue bad[] = {
    { "utc", "Sat, 13 Nov 2010 23:29:00 UTC" },
    { "offset", "Sat, 13 Nov 2010 23:29:00 +0000" },
    { "zone-with-digit", "Sat, 13 Nov 2010 23:29:00 G5T" },
    { "no-zone", "Sat, 13 Nov 2010 23:29:00" },
    { "no-time", "Sat, 13 Nov 2010" },
    { "bad-month", "Sat, 13 Foo 2010 23:29:00 GMT" },
    { "bad-weekday", "Xyz, 13 Nov 2010 23:29:00 GMT" },
    { "one-digit-day", "Sat, 3 Nov 2010 23:29:00 GMT" },
    { "two-digit-year", "Sat, 13 Nov 10 23:29:00 GMT" },
    { "no-comma", "Sat 13 Nov 2010 23:29:00 GMT" },
    { "rfc850", "Saturday, 13-Nov-10 23:29:00 GMT" },
    { "empty", "" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("<%s>", good[i]);
      g_assert_true (tc_sip_parse_date (view (good[i]), &error));
      g_assert_no_error (error);
    }
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("%s: <%s>", bad[i].name, bad[i].value);
      g_assert_false (tc_sip_parse_date (view (bad[i].value), &error));
      g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
    }
}

/* Warning: RFC 3261 §20.43. */

static void
test_warning (void)
{
  static const char *const good[] = {
    "307 isi.edu \"Session parameter 'foo' not understood\"",
    "301 isi.edu \"Incompatible network address type 'E.164'\"",
    "399 192.0.2.1:5060 \"Miscellaneous \\\"quoted\\\" warning\"",
    "370 - \"Insufficient bandwidth\"",
  };
  static const BadValue bad[] = {
    { "two-digit-code", "30 isi.edu \"x\"" },      { "four-digit-code", "3070 isi.edu \"x\"" },
    { "unquoted-text", "307 isi.edu not-quoted" }, { "no-agent", "307 \"x\"" },
    { "unterminated", "307 isi.edu \"x" },         { "empty", "" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("<%s>", good[i]);
      g_assert_true (tc_sip_parse_warning (view (good[i]), &error));
      g_assert_no_error (error);
    }
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("%s: <%s>", bad[i].name, bad[i].value);
      g_assert_false (tc_sip_parse_warning (view (bad[i].value), &error));
      g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
    }
}

/* List splitting. */

static void
assert_list (const char *value, const char *const *expected, guint n_expected)
{
  TcSipListIter iter;
  TcSipStr element;
  guint n = 0;

  g_test_message ("list <%s>", value);
  tc_sip_list_iter_init (&iter, view (value));
  while (tc_sip_list_iter_next (&iter, &element))
    {
      g_assert_cmpuint (n, <, n_expected);
      assert_view (element, expected[n]);
      n++;
    }
  g_assert_cmpuint (n, ==, n_expected);
}

static void
test_list_iter (void)
{
  static const char *const quoted[] = { "\"Smith, John\" <sip:john@example.com>", "<sip:c@example.com;x=1,2>",
                                        "sip:e@example.com" };
  static const char *const escaped[] = { "\"quoted \\\" , comma\" <sip:x@example.com>", "<sip:z@example.com>" };
  static const char *const tokens[] = { "INVITE", "ACK", "BYE" };
  static const char *const folded[] = { "a", "b", "c" };
  static const char *const empty[] = { "a", "", "b" };
  static const char *const vias[] = { "SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
                                      "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK2" };
  static const char *const auth_like[] = { "Digest realm=\"a,b\"", "nonce=\"c\"" };

  assert_list ("\"Smith, John\" <sip:john@example.com>, <sip:c@example.com;x=1,2>,sip:e@example.com", quoted,
               G_N_ELEMENTS (quoted));
  assert_list ("\"quoted \\\" , comma\" <sip:x@example.com> ,  <sip:z@example.com>", escaped, G_N_ELEMENTS (escaped));
  assert_list ("INVITE,ACK ,  BYE", tokens, G_N_ELEMENTS (tokens));
  assert_list ("a,\r\n b\r\n\t,c", folded, G_N_ELEMENTS (folded));
  assert_list ("a,,b", empty, G_N_ELEMENTS (empty));
  assert_list ("SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK2", vias,
               G_N_ELEMENTS (vias));
  assert_list ("Digest realm=\"a,b\", nonce=\"c\"", auth_like, G_N_ELEMENTS (auth_like));
}

/* Whole header values, all elements. */

static void
test_validate (void)
{
  static const struct {
    TcSipHeaderId id;
    const char *value;
    gboolean ok;
  } cases[] = {
    { TC_SIP_HEADER_VIA, "SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2", TRUE },
    { TC_SIP_HEADER_VIA, "SIP/2.0/UDP a.example.com;branch=z9hG4bK1, garbage", FALSE },
    { TC_SIP_HEADER_CONTACT, "*", TRUE },
    { TC_SIP_HEADER_CONTACT, "<sip:a@example.com>;q=0.5, \"B, b\" <sip:b@example.com>;q=1", TRUE },
    { TC_SIP_HEADER_CONTACT, "<sip:a@example.com>;q=5", FALSE },
    { TC_SIP_HEADER_ROUTE, "<sip:p1.example.com;lr>,<sip:p2.example.com;lr>", TRUE },
    { TC_SIP_HEADER_ROUTE, "<sip:p1.example.com;lr>,<sip:p2.example.com;lr", FALSE },
    { TC_SIP_HEADER_CSEQ, "1 INVITE", TRUE },
    { TC_SIP_HEADER_CSEQ, "INVITE 1", FALSE },
    { TC_SIP_HEADER_MAX_FORWARDS, "70", TRUE },
    { TC_SIP_HEADER_MAX_FORWARDS, "seventy", FALSE },
    { TC_SIP_HEADER_CONTENT_LENGTH, "0", TRUE },
    { TC_SIP_HEADER_CONTENT_LENGTH, "-1", FALSE },
    { TC_SIP_HEADER_FROM, "Alice <sip:alice@atlanta.com>;tag=1928301774", TRUE },
    { TC_SIP_HEADER_FROM, "Alice <sip:alice@atlanta.com", FALSE },
    { TC_SIP_HEADER_ALLOW, "INVITE, ACK, BYE", TRUE },
    { TC_SIP_HEADER_ALLOW, "INVITE, A CK", FALSE },
    { TC_SIP_HEADER_DATE, "Sat, 13 Nov 2010 23:29:00 GMT", TRUE },
    { TC_SIP_HEADER_DATE, "yesterday", FALSE },
    { TC_SIP_HEADER_OTHER, "anything at all, \"even\" <this", TRUE },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = tc_sip_header_validate (cases[i].id, view (cases[i].value), &error);

      g_test_message ("%s: <%s>", tc_sip_header_id_to_name (cases[i].id), cases[i].value);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_PARSE);
    }
}

static void
test_unquote (void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "\"a\\\"b\"", "a\"b" }, { "\"\"", "" },
    { "\"plain\"", "plain" }, { "\"back\\\\slash\"", "back\\slash" },
    { "a\\\"b", "a\"b" },     { "no quotes", "no quotes" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = tc_sip_unquote (view (cases[i].in));

      g_test_message ("<%s>", cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/header/names/full", test_names_full);
  g_test_add_func ("/sip/header/names/compact", test_names_compact);
  g_test_add_func ("/sip/header/names/unknown", test_names_unknown);
  g_test_add_func ("/sip/header/names/is-list", test_names_is_list);
  g_test_add_func ("/sip/header/params/iter", test_params_iter);
  g_test_add_func ("/sip/header/params/empty", test_params_empty);
  g_test_add_func ("/sip/header/via/basic", test_via_basic);
  g_test_add_func ("/sip/header/via/params", test_via_params);
  g_test_add_func ("/sip/header/via/rport-flag", test_via_rport_flag);
  g_test_add_func ("/sip/header/via/ipv6", test_via_ipv6);
  g_test_add_func ("/sip/header/via/lws", test_via_lws);
  g_test_add_func ("/sip/header/via/lws-port", test_via_lws_port);
  g_test_add_func ("/sip/header/via/invalid", test_via_invalid);
  g_test_add_func ("/sip/header/name-addr/quoted", test_name_addr_quoted);
  g_test_add_func ("/sip/header/name-addr/token", test_name_addr_token);
  g_test_add_func ("/sip/header/name-addr/no-display", test_name_addr_no_display);
  g_test_add_func ("/sip/header/name-addr/addr-spec", test_name_addr_addr_spec);
  g_test_add_func ("/sip/header/name-addr/lws", test_name_addr_lws);
  g_test_add_func ("/sip/header/name-addr/invalid", test_name_addr_invalid);
  g_test_add_func ("/sip/header/contact/star", test_contact_star);
  g_test_add_func ("/sip/header/contact/params", test_contact_params);
  g_test_add_func ("/sip/header/contact/q", test_contact_q);
  g_test_add_func ("/sip/header/contact/outbound-gruu", test_contact_outbound_gruu);
  g_test_add_func ("/sip/header/contact/invalid", test_contact_invalid);
  g_test_add_func ("/sip/header/cseq/valid", test_cseq);
  g_test_add_func ("/sip/header/cseq/invalid", test_cseq_invalid);
  g_test_add_func ("/sip/header/uint32", test_uint32);
  g_test_add_func ("/sip/header/token", test_token);
  g_test_add_func ("/sip/header/content-type/valid", test_content_type);
  g_test_add_func ("/sip/header/content-type/invalid", test_content_type_invalid);
  g_test_add_func ("/sip/header/auth/rfc7616-challenge", test_auth_challenge_rfc7616);
  g_test_add_func ("/sip/header/auth/rfc7616-credentials", test_auth_credentials_rfc7616);
  g_test_add_func ("/sip/header/auth/lookup-exact", test_auth_lookup_exact);
  g_test_add_func ("/sip/header/auth/invalid", test_auth_invalid);
  g_test_add_func ("/sip/header/event/valid", test_event);
  g_test_add_func ("/sip/header/event/invalid", test_event_invalid);
  g_test_add_func ("/sip/header/subscription-state/valid", test_subscription_state);
  g_test_add_func ("/sip/header/subscription-state/invalid", test_subscription_state_invalid);
  g_test_add_func ("/sip/header/retry-after/valid", test_retry_after);
  g_test_add_func ("/sip/header/retry-after/invalid", test_retry_after_invalid);
  g_test_add_func ("/sip/header/session-expires/valid", test_session_expires);
  g_test_add_func ("/sip/header/session-expires/invalid", test_session_expires_invalid);
  g_test_add_func ("/sip/header/replaces/valid", test_replaces);
  g_test_add_func ("/sip/header/replaces/invalid", test_replaces_invalid);
  g_test_add_func ("/sip/header/date", test_date);
  g_test_add_func ("/sip/header/warning", test_warning);
  g_test_add_func ("/sip/header/list-iter", test_list_iter);
  g_test_add_func ("/sip/header/validate", test_validate);
  g_test_add_func ("/sip/header/unquote", test_unquote);

  return g_test_run ();
}
