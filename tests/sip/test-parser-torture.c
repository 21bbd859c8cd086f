/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-parser-torture.c — the RFC 4475 and RFC 5118 torture messages.
 *
 * Each message of tests/data/torture/ is parsed as one UDP datagram.  For a
 * valid message the test asserts the values the RFC describes (decoded URI
 * users, tags, Via transports, q-values...), not only that it parsed; for an
 * invalid one it asserts that parsing fails in TC_SIP_ERROR with the status
 * the RFC says a UAS answers with.  The data files and what the RFC says of
 * each are listed in tests/data/torture/README.md.
 */
#include <string.h>

#include "sip/parser.h"
#include "sip/sip-error.h"

/* ---- helpers ------------------------------------------------------------- */

#define assert_view(view, expected) \
  G_STMT_START \
  { \
    g_autofree char *view_copy_ = tc_sip_str_dup (view); \
    g_assert_cmpstr (view_copy_, ==, (expected)); \
  } \
  G_STMT_END

#define assert_view_mem(view, expected, expected_len) \
  G_STMT_START \
  { \
    TcSipStr view_mem_ = (view); \
    g_assert_nonnull (view_mem_.str); \
    g_assert_cmpmem (view_mem_.str, view_mem_.len, (expected), (expected_len)); \
  } \
  G_STMT_END

/* A decoded URI user, which may hold NUL octets. */
#define assert_uri_user(uri, expected, expected_len) \
  G_STMT_START \
  { \
    gsize user_len_ = 0; \
    const char *user_ = tc_sip_uri_get_user ((uri), &user_len_); \
    g_assert_nonnull (user_); \
    g_assert_cmpmem (user_, user_len_, (expected), (expected_len)); \
  } \
  G_STMT_END

/* A URI parameter: @expected NULL for a parameter without "=value". */
#define assert_uri_param(uri, name, expected) \
  G_STMT_START \
  { \
    const char *param_value_ = NULL; \
    g_assert_true (tc_sip_uri_get_param ((uri), (name), &param_value_)); \
    g_assert_cmpstr (param_value_, ==, (expected)); \
  } \
  G_STMT_END

/* A header parameter (TcSipParams): @expected NULL for one without "=value". */
#define assert_header_param(params, name, expected) \
  G_STMT_START \
  { \
    TcSipStr param_view_ = TC_SIP_STR_NULL; \
    const char *param_expected_ = (expected); \
    g_assert_true (tc_sip_params_get ((params), (name), &param_view_)); \
    if (param_expected_) \
      assert_view (param_view_, param_expected_); \
    else \
      g_assert_false (tc_sip_str_is_set (param_view_)); \
  } \
  G_STMT_END

/* The content of a quoted-string view with quoted-pairs resolved. */
#define assert_unquoted(view, expected) \
  G_STMT_START \
  { \
    g_autofree char *unquoted_ = tc_sip_unquote (view); \
    g_assert_cmpstr (unquoted_, ==, (expected)); \
  } \
  G_STMT_END

static char *
repeat (const char *s, guint n)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (out, s);
  return g_string_free (out, FALSE);
}

static TcSipUri *
parse_uri_view (TcSipStr text)
{
  g_autoptr (GError) error = NULL;
  TcSipUri *uri;

  g_assert_true (tc_sip_str_is_set (text));
  uri = tc_sip_uri_parse (text.str, text.len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uri);
  return uri;
}

static void
check_via (const TcSipVia *via, const char *transport, const char *host, guint16 port, const char *branch)
{
  g_assert_nonnull (via);
  assert_view (via->protocol_name, "SIP");
  assert_view (via->protocol_version, "2.0");
  assert_view (via->transport, transport);
  assert_view (via->host, host);
  g_assert_cmpuint (via->port, ==, port);
  if (branch)
    assert_view (via->branch, branch);
  else
    g_assert_false (tc_sip_str_is_set (via->branch));
}

/* The first header of @id, which must be present. */
static const TcSipHeader *
find_header (const TcSipMessage *msg, TcSipHeaderId id)
{
  gint i = tc_sip_message_find_header (msg, id, 0);

  g_assert_cmpint (i, >=, 0);
  return tc_sip_message_get_header (msg, i);
}

static void
check_request (const TcSipMessage *msg, TcSipMethod method, const char *method_name)
{
  g_assert_true (tc_sip_message_is_request (msg));
  g_assert_cmpint (tc_sip_message_get_method (msg), ==, method);
  assert_view (tc_sip_message_get_method_name (msg), method_name);
}

static void
check_cseq (const TcSipMessage *msg, guint32 seq, const char *method)
{
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (msg);

  g_assert_nonnull (cseq);
  g_assert_cmpuint (cseq->seq, ==, seq);
  assert_view (cseq->method, method);
}

/* The body has the length Content-Length gives. */
static void
check_body_length (const TcSipMessage *msg, gint64 length)
{
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, length);
  g_assert_cmpuint (tc_sip_message_get_body (msg).len, ==, (gsize) length);
}

static const char sdp_150[] = "v=0\r\n"
                              "o=mhandley 29739 7272939 IN IP4 192.0.2.1\r\n"
                              "s=-\r\n"
                              "c=IN IP4 192.0.2.1\r\n"
                              "t=0 0\r\n"
                              "m=audio 49217 RTP/AVP 0 12\r\n"
                              "m=video 3227 RTP/AVP 31\r\n"
                              "a=rtpmap:31 LPC\r\n";

/* ---- RFC 4475 §3.1.1: valid messages ------------------------------------- */

/* 3.1.1.1: folding, LWS everywhere, escaped quotes, empty Subject. */
static void
check_wsinv (TcSipMessage *msg)
{
  const TcSipUri *ruri;
  const TcSipNameAddr *to, *from;
  const TcSipContact *contact;
  const TcSipContentType *ct;
  const TcSipHeader *h;
  g_autoptr (TcSipUri) to_uri = NULL;
  g_autoptr (TcSipUri) from_uri = NULL;
  g_autoptr (TcSipUri) route_uri = NULL;
  g_autoptr (TcSipUri) contact_uri = NULL;
  const char *value = NULL;
  gint i;

  check_request (msg, TC_SIP_METHOD_INVITE, "INVITE");
  assert_view (tc_sip_message_get_request_uri_text (msg), "sip:vivekg@chair-dnrc.example.com;unknownparam");
  ruri = tc_sip_message_get_request_uri (msg);
  g_assert_nonnull (ruri);
  g_assert_cmpint (tc_sip_uri_get_scheme (ruri), ==, TC_SIP_URI_SCHEME_SIP);
  assert_uri_user (ruri, "vivekg", 6);
  g_assert_cmpstr (tc_sip_uri_get_host (ruri), ==, "chair-dnrc.example.com");
  g_assert_cmpint (tc_sip_uri_get_host_type (ruri), ==, TC_SIP_HOST_NAME);
  g_assert_cmpuint (tc_sip_uri_get_port (ruri), ==, 0);
  g_assert_cmpuint (tc_sip_uri_get_n_params (ruri), ==, 1);
  g_assert_true (tc_sip_uri_get_param (ruri, "unknownparam", &value));
  g_assert_null (value);

  /* 14 header fields, in order, names as written. */
  g_assert_cmpuint (tc_sip_message_get_n_headers (msg), ==, 14);
  h = tc_sip_message_get_header (msg, 0);
  g_assert_cmpint (h->id, ==, TC_SIP_HEADER_TO);
  assert_view (h->name, "TO");
  assert_view (h->value, "sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
  g_assert_cmpint (tc_sip_message_get_header (msg, 1)->id, ==, TC_SIP_HEADER_FROM);
  assert_view (tc_sip_message_get_header (msg, 1)->name, "from");
  g_assert_cmpint (tc_sip_message_get_header (msg, 2)->id, ==, TC_SIP_HEADER_MAX_FORWARDS);
  assert_view (tc_sip_message_get_header (msg, 2)->name, "MaX-fOrWaRdS");
  g_assert_cmpint (tc_sip_message_get_header (msg, 4)->id, ==, TC_SIP_HEADER_CONTENT_LENGTH);
  assert_view (tc_sip_message_get_header (msg, 4)->name, "Content-Length");
  h = tc_sip_message_get_header (msg, 5);
  g_assert_cmpint (h->id, ==, TC_SIP_HEADER_CSEQ);
  assert_view (h->name, "cseq");
  assert_view (h->value, "0009\r\n  INVITE");
  g_assert_cmpint (tc_sip_message_get_header (msg, 12)->id, ==, TC_SIP_HEADER_VIA);
  assert_view (tc_sip_message_get_header (msg, 12)->name, "v");
  g_assert_cmpint (tc_sip_message_get_header (msg, 13)->id, ==, TC_SIP_HEADER_CONTACT);
  assert_view (tc_sip_message_get_header (msg, 13)->name, "m");

  to = tc_sip_message_get_to (msg);
  g_assert_nonnull (to);
  g_assert_false (tc_sip_str_is_set (to->display_name));
  assert_view (to->uri, "sip:vivekg@chair-dnrc.example.com");
  assert_view (to->tag, "1918181833n");
  to_uri = parse_uri_view (to->uri);
  assert_uri_user (to_uri, "vivekg", 6);
  g_assert_cmpstr (tc_sip_uri_get_host (to_uri), ==, "chair-dnrc.example.com");

  from = tc_sip_message_get_from (msg);
  g_assert_nonnull (from);
  assert_view (from->display_name, "\"J Rosenberg \\\\\\\"\"");
  assert_unquoted (from->display_name, "J Rosenberg \\\"");
  assert_view (from->tag, "98asjd8");
  from_uri = parse_uri_view (from->uri);
  assert_uri_user (from_uri, "jdrosen", 7);
  g_assert_cmpstr (tc_sip_uri_get_host (from_uri), ==, "example.com");

  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 68);
  assert_view (tc_sip_message_get_call_id (msg), "wsinv.ndaksdj@192.0.2.1");
  check_cseq (msg, 9, "INVITE");

  /* Two Via header fields, the second holding two comma-separated values. */
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 3);
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "192.0.2.2", 0, "390skdjuw");
  check_via (tc_sip_message_get_via (msg, 1), "TCP", "spindle.example.com", 0, "z9hG4bK9ikj8");
  check_via (tc_sip_message_get_via (msg, 2), "UDP", "192.168.255.111", 0, "z9hG4bK30239");

  /* "s :" — Subject in compact form, present with an empty value. */
  h = find_header (msg, TC_SIP_HEADER_SUBJECT);
  assert_view (h->name, "s");
  g_assert_true (tc_sip_str_is_set (h->value));
  g_assert_cmpuint (h->value.len, ==, 0);

  h = find_header (msg, TC_SIP_HEADER_OTHER);
  assert_view (h->name, "NewFangledHeader");
  assert_view (tc_sip_message_get_header_value (msg, "NewFangledHeader"),
               "newfangled value\r\n continued newfangled value");
  assert_view (tc_sip_message_get_header_value (msg, "UnknownHeaderWithUnusualValue"), ";;,,;;,;");

  ct = tc_sip_message_get_content_type (msg);
  g_assert_nonnull (ct);
  assert_view (ct->type, "application");
  assert_view (ct->subtype, "sdp");

  g_assert_cmpuint (tc_sip_message_get_n_routes (msg), ==, 1);
  assert_view (tc_sip_message_get_route (msg, 0)->uri,
               "sip:services.example.com;lr;unknownwith=value;unknown-no-value");
  route_uri = parse_uri_view (tc_sip_message_get_route (msg, 0)->uri);
  g_assert_null (tc_sip_uri_get_user (route_uri, NULL));
  g_assert_cmpstr (tc_sip_uri_get_host (route_uri), ==, "services.example.com");
  g_assert_true (tc_sip_uri_get_lr (route_uri));
  assert_uri_param (route_uri, "unknownwith", "value");
  assert_uri_param (route_uri, "unknown-no-value", NULL);

  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);
  contact = tc_sip_message_get_contact (msg, 0);
  g_assert_false (contact->star);
  assert_view (contact->addr.display_name, "\"Quoted string \\\"\\\"\"");
  assert_unquoted (contact->addr.display_name, "Quoted string \"\"");
  assert_view (contact->addr.uri, "sip:jdrosen@example.com");
  contact_uri = parse_uri_view (contact->addr.uri);
  assert_uri_user (contact_uri, "jdrosen", 7);
  g_assert_cmpint (contact->q, ==, 330);
  g_assert_cmpint (contact->expires, ==, -1);
  assert_header_param (&contact->addr.params, "newparam", "newvalue");
  assert_header_param (&contact->addr.params, "secondparam", NULL);

  /* Both Via header fields map to the same id, whatever their spelling. */
  i = tc_sip_message_find_header (msg, TC_SIP_HEADER_VIA, 0);
  g_assert_cmpint (i, ==, 6);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_VIA, i + 1), ==, 12);
  g_assert_cmpint (tc_sip_message_find_header_by_name (msg, "Via", i + 1), ==, 12);

  check_body_length (msg, 150);
}

/* 3.1.1.2: every token character in the method, unusual URI, control
 * characters in a quoted display name, UTF-8 values. */
static void
check_intmeth (TcSipMessage *msg)
{
  static const char method[] = "!interesting-Method0123456789_*+`.%indeed'~";
  static const char user[] = "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*";
  static const char to_display[] = "\"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f\"";
  const TcSipUri *ruri;
  const TcSipNameAddr *to, *from;
  g_autoptr (TcSipUri) to_uri = NULL;
  g_autoptr (TcSipUri) from_uri = NULL;
  g_autofree char *to_unquoted = NULL;
  const TcSipHeader *h;

  check_request (msg, TC_SIP_METHOD_OTHER, method);
  g_assert_cmpint (tc_sip_method_from_name (method, strlen (method)), ==, TC_SIP_METHOD_OTHER);

  ruri = tc_sip_message_get_request_uri (msg);
  g_assert_nonnull (ruri);
  assert_uri_user (ruri, user, strlen (user));
  g_assert_cmpstr (tc_sip_uri_get_password (ruri), ==, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  g_assert_cmpstr (tc_sip_uri_get_host (ruri), ==, "example.com");
  g_assert_cmpuint (tc_sip_uri_get_n_params (ruri), ==, 0);

  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 1);
  check_via (tc_sip_message_get_via (msg, 0), "TCP", "host1.example.com", 0, "z9hG4bK-.!%66*_+`'~");

  /* The quoted-pairs \BEL \NUL \DEL: the view keeps every octet. */
  to = tc_sip_message_get_to (msg);
  assert_view_mem (to->display_name, to_display, sizeof to_display - 1);
  to_unquoted = tc_sip_unquote (to->display_name);
  g_assert_cmpstr (to_unquoted, ==, "BEL:\x07 NUL:"); /* up to the NUL octet */
  to_uri = parse_uri_view (to->uri);
  assert_uri_user (to_uri, user, strlen (user));
  g_assert_null (tc_sip_uri_get_password (to_uri));

  from = tc_sip_message_get_from (msg);
  assert_view (from->display_name, "token1~` token2'+_ token3*%!.-");
  assert_view (from->uri, "sip:mundane@example.com");
  assert_view (from->tag, "_token~1'+`*%!-.");
  assert_header_param (&from->params, "fromParam''~+*_!.-%", "\"работающий\"");
  from_uri = parse_uri_view (from->uri);
  assert_uri_user (from_uri, "mundane", 7);

  assert_view (tc_sip_message_get_call_id (msg), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  check_cseq (msg, 139122385, method);
  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 255);

  h = find_header (msg, TC_SIP_HEADER_OTHER);
  assert_view (h->name, "extensionHeader-!.%*+_`'~");
  assert_view (h->value, "\xef\xbb\xbf大停電");
  g_assert_cmpint (tc_sip_header_id_from_name (h->name.str, h->name.len), ==, TC_SIP_HEADER_OTHER);

  g_assert_cmpuint (tc_sip_message_get_n_headers (msg), ==, 8);
  check_body_length (msg, 0);
}

/* 3.1.1.3: escapes are resolved in URI users and parameters. */
static void
check_esc01 (TcSipMessage *msg)
{
  const TcSipUri *ruri;
  const TcSipContentType *ct;
  g_autoptr (TcSipUri) to_uri = NULL;
  g_autoptr (TcSipUri) plain_to_uri = NULL;
  g_autoptr (TcSipUri) from_uri = NULL;
  g_autoptr (TcSipUri) contact_uri = NULL;

  check_request (msg, TC_SIP_METHOD_INVITE, "INVITE");
  ruri = tc_sip_message_get_request_uri (msg);
  g_assert_cmpint (tc_sip_uri_get_scheme (ruri), ==, TC_SIP_URI_SCHEME_SIP);
  assert_uri_user (ruri, "sips:user@example.com", 21);
  g_assert_cmpstr (tc_sip_uri_get_host (ruri), ==, "example.net");

  /* sip:%75se%72@example.com is sip:user@example.com. */
  assert_view (tc_sip_message_get_to (msg)->uri, "sip:%75se%72@example.com");
  to_uri = parse_uri_view (tc_sip_message_get_to (msg)->uri);
  assert_uri_user (to_uri, "user", 4);
  plain_to_uri = tc_sip_uri_parse ("sip:user@example.com", -1, NULL);
  g_assert_nonnull (plain_to_uri);
  g_assert_true (tc_sip_uri_equal (to_uri, plain_to_uri));

  from_uri = parse_uri_view (tc_sip_message_get_from (msg)->uri);
  assert_uri_user (from_uri, "I have spaces", 13);
  assert_view (tc_sip_message_get_from (msg)->tag, "938");

  assert_view (tc_sip_message_get_call_id (msg), "esc01.239409asdfakjkn23onasd0-3234");
  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 87);
  check_cseq (msg, 234234, "INVITE");
  ct = tc_sip_message_get_content_type (msg);
  g_assert_nonnull (ct);
  assert_view (ct->type, "application");
  assert_view (ct->subtype, "sdp");

  /* ;%6C%72 is lr, n%61me=v%61lue%25%34%31 is name=value%41. */
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);
  contact_uri = parse_uri_view (tc_sip_message_get_contact (msg, 0)->addr.uri);
  assert_uri_user (contact_uri, "caller", 6);
  g_assert_cmpstr (tc_sip_uri_get_host (contact_uri), ==, "host5.example.net");
  g_assert_true (tc_sip_uri_get_lr (contact_uri));
  assert_uri_param (contact_uri, "lr", NULL);
  assert_uri_param (contact_uri, "name", "value%41");

  check_body_length (msg, 150);
  assert_view (tc_sip_message_get_body (msg), sdp_150);
}

/* 3.1.1.4: escaped NULs are octets of the user, not its end. */
static void
check_escnull (TcSipMessage *msg)
{
  g_autoptr (TcSipUri) to_uri = NULL;
  g_autoptr (TcSipUri) from_uri = NULL;
  g_autoptr (TcSipUri) contact1 = NULL;
  g_autoptr (TcSipUri) contact2 = NULL;

  check_request (msg, TC_SIP_METHOD_REGISTER, "REGISTER");
  to_uri = parse_uri_view (tc_sip_message_get_to (msg)->uri);
  assert_uri_user (to_uri, "null-\0-null", 11);
  from_uri = parse_uri_view (tc_sip_message_get_from (msg)->uri);
  assert_uri_user (from_uri, "null-\0-null", 11);
  assert_view (tc_sip_message_get_from (msg)->tag, "839923423");
  g_assert_true (tc_sip_uri_equal (to_uri, from_uri));

  /* Two distinct contacts: users of one and of two NUL octets. */
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 2);
  contact1 = parse_uri_view (tc_sip_message_get_contact (msg, 0)->addr.uri);
  contact2 = parse_uri_view (tc_sip_message_get_contact (msg, 1)->addr.uri);
  assert_uri_user (contact1, "\0", 1);
  assert_uri_user (contact2, "\0\0", 2);
  g_assert_cmpstr (tc_sip_uri_get_host (contact1), ==, "host5.example.com");
  g_assert_false (tc_sip_uri_equal (contact1, contact2));

  assert_view (tc_sip_message_get_call_id (msg), "escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd");
  check_cseq (msg, 14398234, "REGISTER");
  check_body_length (msg, 0);
}

/* 3.1.1.5: % outside URIs is an ordinary character. */
static void
check_esc02 (TcSipMessage *msg)
{
  const TcSipHeader *h;
  gint i;

  /* RE%47IST%45R is an extension method, not REGISTER. */
  check_request (msg, TC_SIP_METHOD_OTHER, "RE%47IST%45R");
  g_assert_cmpint (tc_sip_method_from_name ("RE%47IST%45R", 12), ==, TC_SIP_METHOD_OTHER);
  check_cseq (msg, 29344, "RE%47IST%45R");

  assert_view (tc_sip_message_get_to (msg)->display_name, "\"%Z%45\"");
  assert_unquoted (tc_sip_message_get_to (msg)->display_name, "%Z%45");
  assert_view (tc_sip_message_get_from (msg)->display_name, "\"%Z%45\"");
  assert_view (tc_sip_message_get_from (msg)->tag, "f232jadfj23");
  check_via (tc_sip_message_get_via (msg, 0), "TCP", "host.example.com", 0, "z9hG4bK209%fzsnel234");

  /* C%6Fntact is an unknown header, not a Contact. */
  g_assert_cmpint (tc_sip_header_id_from_name ("C%6Fntact", 9), ==, TC_SIP_HEADER_OTHER);
  i = tc_sip_message_find_header_by_name (msg, "C%6Fntact", 0);
  g_assert_cmpint (i, ==, 7);
  h = tc_sip_message_get_header (msg, i);
  g_assert_cmpint (h->id, ==, TC_SIP_HEADER_OTHER);
  assert_view (h->value, "<sip:alias2@host2.example.com>");
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 2);
  assert_view (tc_sip_message_get_contact (msg, 0)->addr.uri, "sip:alias1@host1.example.com");
  assert_view (tc_sip_message_get_contact (msg, 1)->addr.uri, "sip:alias3@host3.example.com");

  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 70);
  check_body_length (msg, 0);
}

/* 3.1.1.6: a token display name directly followed by "<". */
static void
check_lwsdisp (TcSipMessage *msg)
{
  const TcSipNameAddr *from;

  check_request (msg, TC_SIP_METHOD_OPTIONS, "OPTIONS");
  from = tc_sip_message_get_from (msg);
  assert_view (from->display_name, "caller");
  assert_view (from->uri, "sip:caller@example.com");
  assert_view (from->tag, "323");
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "funky.example.com", 0, "z9hG4bKkdjuw");
  check_cseq (msg, 60, "OPTIONS");
  check_body_length (msg, 0);
}

/* 3.1.1.7: very long values and 34 Via values. */
static void
check_longreq (TcSipMessage *msg)
{
  g_autofree char *extreme10 = repeat ("extreme", 10);
  g_autofree char *long20 = repeat ("long", 20);
  g_autofree char *long25 = repeat ("long", 25);
  g_autofree char *long50 = repeat ("long", 50);
  g_autofree char *Long20 = repeat ("Long", 20);
  g_autofree char *name20 = repeat ("name", 20);
  g_autofree char *name25 = repeat ("name", 25);
  g_autofree char *value15 = repeat ("value", 15);
  g_autofree char *paramname10 = repeat ("paramname", 10);
  g_autofree char *n982_50 = repeat ("982", 50);
  g_autofree char *really20 = repeat ("really", 20);
  g_autofree char *caller = repeat ("amazinglylongcallername", 5);
  g_autofree char *display = g_strdup_printf ("\"I have a user name of %s proportion\"", extreme10);
  g_autofree char *to_param1 = g_strdup_printf ("very%svalue", long20);
  g_autofree char *to_param2 = g_strdup_printf ("longparam%s", name25);
  g_autofree char *to_param3 = g_strdup_printf ("very%sParameterNameWithNoValue", long25);
  g_autofree char *tag = g_strdup_printf ("12%s424", n982_50);
  g_autofree char *from_param = g_strdup_printf ("unknownheaderparam%s", name20);
  g_autofree char *from_value = g_strdup_printf ("unknowheaderparam%s", value15);
  g_autofree char *from_flag = g_strdup_printf ("unknownValueless%s", paramname10);
  g_autofree char *call_id = g_strdup_printf ("longreq.one%slongcallid", really20);
  g_autofree char *unknown_name = g_strdup_printf ("Unknown-%s-Name", Long20);
  g_autofree char *unknown_value = g_strdup_printf (
    "unknown-%s-value; unknown-%s-parameter-name = unknown-%s-parameter-value", long20, long20, long20);
  g_autofree char *branch = g_strdup_printf ("very%sbranchvalue", long50);
  g_autofree char *contact_text = g_strdup_printf ("sip:%s@host5.example.net", caller);
  g_autoptr (TcSipUri) to_uri = NULL;
  g_autoptr (TcSipUri) from_uri = NULL;
  const TcSipNameAddr *from;
  const TcSipVia *via;

  check_request (msg, TC_SIP_METHOD_INVITE, "INVITE");

  assert_view (tc_sip_message_get_to (msg)->display_name, display);
  to_uri = parse_uri_view (tc_sip_message_get_to (msg)->uri);
  assert_uri_user (to_uri, "user", 4);
  g_assert_cmpstr (tc_sip_uri_get_host (to_uri), ==, "example.com");
  g_assert_cmpuint (tc_sip_uri_get_port (to_uri), ==, 6000);
  g_assert_cmpuint (tc_sip_uri_get_n_params (to_uri), ==, 3);
  assert_uri_param (to_uri, "unknownparam1", to_param1);
  assert_uri_param (to_uri, to_param2, "shortvalue");
  assert_uri_param (to_uri, to_param3, NULL);

  from = tc_sip_message_get_from (msg);
  from_uri = parse_uri_view (from->uri);
  assert_uri_user (from_uri, caller, strlen (caller));
  g_assert_cmpstr (tc_sip_uri_get_host (from_uri), ==, "example.net");
  assert_view (from->tag, tag);
  assert_header_param (&from->params, from_param, from_value);
  assert_header_param (&from->params, from_flag, NULL);

  assert_view (tc_sip_message_get_call_id (msg), call_id);
  check_cseq (msg, 3882340, "INVITE");
  assert_view (tc_sip_message_get_header_value (msg, unknown_name), unknown_value);

  /* sip33 … sip1 under every spelling of Via, then the one with a branch. */
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 34);
  for (guint i = 0; i < 33; i++)
    {
      g_autofree char *host = g_strdup_printf ("sip%u.example.com", 33 - i);

      check_via (tc_sip_message_get_via (msg, i), "TCP", host, 0, NULL);
    }
  via = tc_sip_message_get_via (msg, 33);
  check_via (via, "TCP", "host.example.com", 0, branch);
  assert_view (via->received, "192.0.2.5");

  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 70);
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);
  assert_view (tc_sip_message_get_contact (msg, 0)->addr.uri, contact_text);
  check_body_length (msg, 150);
}

/* 3.1.1.8: the octets after the REGISTER (an INVITE) are discarded. */
static void
check_dblreq (TcSipMessage *msg)
{
  check_request (msg, TC_SIP_METHOD_REGISTER, "REGISTER");
  g_assert_cmpuint (tc_sip_message_get_n_headers (msg), ==, 8);
  assert_view (tc_sip_message_get_call_id (msg), "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
  check_cseq (msg, 8, "REGISTER");
  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 8);
  assert_view (tc_sip_message_get_to (msg)->uri, "sip:j.user@example.com");
  assert_view (tc_sip_message_get_from (msg)->tag, "43251j3j324");
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 1);
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "192.0.2.125", 0, "z9hG4bKkdjuw23492");
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);
  assert_view (tc_sip_message_get_contact (msg, 0)->addr.uri, "sip:j.user@host.example.com");
  g_assert_null (tc_sip_message_get_content_type (msg));
  check_body_length (msg, 0);
}

/* 3.1.1.9: ";" in the user part belongs to the user. */
static void
check_semiuri (TcSipMessage *msg)
{
  const TcSipUri *ruri;
  const TcSipHeader *h;

  check_request (msg, TC_SIP_METHOD_OPTIONS, "OPTIONS");
  ruri = tc_sip_message_get_request_uri (msg);
  assert_uri_user (ruri, "user;par=u@example.net", 22);
  g_assert_cmpstr (tc_sip_uri_get_host (ruri), ==, "example.com");
  g_assert_cmpuint (tc_sip_uri_get_n_params (ruri), ==, 0);

  h = find_header (msg, TC_SIP_HEADER_ACCEPT);
  assert_view (h->value, "application/sdp, application/pkcs7-mime,\r\n"
                         "        multipart/mixed, multipart/signed,\r\n"
                         "        message/sip, message/sipfrag");
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "192.0.2.1", 0, "z9hG4bKkdjuw");
  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 3);
  check_cseq (msg, 8, "OPTIONS");
  check_body_length (msg, 0);
}

/* 3.1.1.10: known and unknown transports in Via. */
static void
check_transports (TcSipMessage *msg)
{
  check_request (msg, TC_SIP_METHOD_OPTIONS, "OPTIONS");
  assert_view (tc_sip_message_get_call_id (msg), "transports.kijh4akdnaqjkwendsasfdj");
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 5);
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "t1.example.com", 0, "z9hG4bKkdjuw");
  check_via (tc_sip_message_get_via (msg, 1), "SCTP", "t2.example.com", 0, "z9hG4bKklasjdhf");
  check_via (tc_sip_message_get_via (msg, 2), "TLS", "t3.example.com", 0, "z9hG4bK2980unddj");
  check_via (tc_sip_message_get_via (msg, 3), "UNKNOWN", "t4.example.com", 0, "z9hG4bKasd0f3en");
  check_via (tc_sip_message_get_via (msg, 4), "TCP", "t5.example.com", 0, "z9hG4bK0a9idfnee");
  check_cseq (msg, 60, "OPTIONS");
  check_body_length (msg, 0);
}

/* 3.1.1.11: a multipart body with NUL octets, framed by Content-Length. */
static void
check_mpart01 (TcSipMessage *msg)
{
  static const char head[] = "--7a9cbec02ceef655\r\n"
                             "Content-Type: text/plain\r\n"
                             "Content-Transfer-Encoding: binary\r\n"
                             "\r\n"
                             "Hello\r\n"
                             "--7a9cbec02ceef655\r\n"
                             "Content-Type: application/octet-stream\r\n"
                             "Content-Transfer-Encoding: binary\r\n"
                             "\r\n"
                             "\x30\x82\x01\x52\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02";
  static const char tail[] = "\xd0\x05\r\n--7a9cbec02ceef655--\r\n";
  const TcSipContentType *ct;
  const TcSipVia *via;
  g_autoptr (TcSipUri) route_uri = NULL;
  TcSipStr body, boundary = TC_SIP_STR_NULL;

  check_request (msg, TC_SIP_METHOD_MESSAGE, "MESSAGE");
  check_cseq (msg, 1, "MESSAGE");

  via = tc_sip_message_get_via (msg, 0);
  check_via (via, "UDP", "127.0.0.1", 5070, "z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-");
  g_assert_cmpint (via->rport, ==, 0);

  g_assert_cmpuint (tc_sip_message_get_n_routes (msg), ==, 1);
  route_uri = parse_uri_view (tc_sip_message_get_route (msg, 0)->uri);
  g_assert_cmpstr (tc_sip_uri_get_host (route_uri), ==, "127.0.0.1");
  g_assert_cmpint (tc_sip_uri_get_host_type (route_uri), ==, TC_SIP_HOST_IPV4);
  g_assert_cmpuint (tc_sip_uri_get_port (route_uri), ==, 5080);

  assert_view (tc_sip_message_get_from (msg)->tag, "2fb0dcc9");
  assert_view (tc_sip_message_get_call_id (msg), "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..");
  g_assert_cmpint (find_header (msg, TC_SIP_HEADER_DATE)->id, ==, TC_SIP_HEADER_DATE);
  assert_view (tc_sip_message_get_header_value (msg, "User-Agent"), "SIPimp.org/0.2.5 (curses)");

  ct = tc_sip_message_get_content_type (msg);
  g_assert_nonnull (ct);
  assert_view (ct->type, "multipart");
  assert_view (ct->subtype, "mixed");
  g_assert_true (tc_sip_params_get (&ct->params, "boundary", &boundary));
  assert_view (boundary, "7a9cbec02ceef655");

  check_body_length (msg, 553);
  body = tc_sip_message_get_body (msg);
  g_assert_nonnull (memchr (body.str, '\0', body.len));
  g_assert_cmpmem (body.str, sizeof head - 1, head, sizeof head - 1);
  g_assert_cmpmem (body.str + body.len - (sizeof tail - 1), sizeof tail - 1, tail, sizeof tail - 1);
}

/* 3.1.1.12: a UTF-8 reason phrase. */
static void
check_unreason (TcSipMessage *msg)
{
  g_assert_false (tc_sip_message_is_request (msg));
  g_assert_cmpuint (tc_sip_message_get_status (msg), ==, 200);
  assert_view (tc_sip_message_get_reason (msg), "= 2**3 * 5**2 но сто девяносто девять - простое");
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "192.0.2.198", 0, "z9hG4bK1324923");
  assert_view (tc_sip_message_get_call_id (msg), "unreason.1234ksdfak3j2erwedfsASdf");
  check_cseq (msg, 35, "INVITE");
  assert_view (tc_sip_message_get_from (msg)->tag, "11141343");
  assert_view (tc_sip_message_get_to (msg)->tag, "2229");
  assert_view (tc_sip_message_get_contact (msg, 0)->addr.uri, "sip:user@host198.example.com");
  check_body_length (msg, 154);
}

/* 3.1.1.13: "SIP/2.0 100 " — an empty reason phrase. */
static void
check_noreason (TcSipMessage *msg)
{
  g_assert_false (tc_sip_message_is_request (msg));
  g_assert_cmpuint (tc_sip_message_get_status (msg), ==, 100);
  g_assert_cmpuint (tc_sip_message_get_reason (msg).len, ==, 0);
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "192.0.2.105", 0, "z9hG4bK2398ndaoe");
  check_cseq (msg, 35, "INVITE");
  assert_view (tc_sip_message_get_from (msg)->tag, "39ansfi3");
  assert_view (tc_sip_message_get_to (msg)->tag, "902jndnke3");
  assert_view (tc_sip_message_get_contact (msg, 0)->addr.uri, "sip:user@host105.example.com");
  check_body_length (msg, 0);
}

/* ---- RFC 5118 §4: IPv6 --------------------------------------------------- */

static void
check_uri_host (const TcSipUri *uri, const char *host, TcSipHostType type, guint16 port)
{
  g_assert_nonnull (uri);
  g_assert_cmpstr (tc_sip_uri_get_host (uri), ==, host);
  g_assert_cmpint (tc_sip_uri_get_host_type (uri), ==, type);
  g_assert_cmpuint (tc_sip_uri_get_port (uri), ==, port);
}

/* The one Contact: a name-addr whose URI is "sip:<user>@[<host>]". */
static void
check_ipv6_contact (TcSipMessage *msg, const char *display_name, const char *user, const char *host)
{
  const TcSipContact *contact;
  g_autoptr (TcSipUri) uri = NULL;

  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);
  contact = tc_sip_message_get_contact (msg, 0);
  assert_view (contact->addr.display_name, display_name);
  uri = parse_uri_view (contact->addr.uri);
  assert_uri_user (uri, user, strlen (user));
  check_uri_host (uri, host, TC_SIP_HOST_IPV6, 0);
}

/* 4.5: "received" with or without brackets names the same address. */
static void
check_received_ipv6 (const TcSipVia *via, const char *address)
{
  TcSipStr r = via->received;

  g_assert_true (tc_sip_str_is_set (r));
  if (r.len >= 2 && r.str[0] == '[' && r.str[r.len - 1] == ']')
    r = tc_sip_str (r.str + 1, r.len - 2);
  assert_view (r, address);
}

/* 4.1 */
static void
check_ipv6_good (TcSipMessage *msg)
{
  const TcSipUri *ruri;

  check_request (msg, TC_SIP_METHOD_REGISTER, "REGISTER");
  assert_view (tc_sip_message_get_request_uri_text (msg), "sip:[2001:db8::10]");
  ruri = tc_sip_message_get_request_uri (msg);
  g_assert_null (tc_sip_uri_get_user (ruri, NULL));
  check_uri_host (ruri, "2001:db8::10", TC_SIP_HOST_IPV6, 0);
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "2001:db8::9:1", 0, "z9hG4bKas3-111");
  check_ipv6_contact (msg, "\"Caller\"", "caller", "2001:db8::1");
  check_cseq (msg, 98176, "REGISTER");
  check_body_length (msg, 0);
}

/* 4.3: the port inside the brackets is part of the address. */
static void
check_port_ambiguous (TcSipMessage *msg)
{
  check_request (msg, TC_SIP_METHOD_REGISTER, "REGISTER");
  check_uri_host (tc_sip_message_get_request_uri (msg), "2001:db8::10:5070", TC_SIP_HOST_IPV6, 0);
  check_ipv6_contact (msg, "\"Caller\"", "caller", "2001:db8::1");
}

/* 4.4 */
static void
check_port_unambiguous (TcSipMessage *msg)
{
  check_request (msg, TC_SIP_METHOD_REGISTER, "REGISTER");
  check_uri_host (tc_sip_message_get_request_uri (msg), "2001:db8::10", TC_SIP_HOST_IPV6, 5070);
  check_ipv6_contact (msg, "\"Caller\"", "caller", "2001:db8::1");
}

/* 4.5, received=[2001:db8::9:255] */
static void
check_via_received_with_delim (TcSipMessage *msg)
{
  const TcSipVia *via;

  check_request (msg, TC_SIP_METHOD_BYE, "BYE");
  check_uri_host (tc_sip_message_get_request_uri (msg), "2001:db8::10", TC_SIP_HOST_IPV6, 0);
  assert_view (tc_sip_message_get_to (msg)->tag, "bd76ya");
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 1);
  via = tc_sip_message_get_via (msg, 0);
  check_via (via, "UDP", "2001:db8::9:1", 0, "z9hG4bKas3-111");
  check_received_ipv6 (via, "2001:db8::9:255");
  check_cseq (msg, 321, "BYE");
}

/* 4.5, received=2001:db8::9:255 */
static void
check_via_received_no_delim (TcSipMessage *msg)
{
  const TcSipVia *via;

  check_request (msg, TC_SIP_METHOD_OPTIONS, "OPTIONS");
  via = tc_sip_message_get_via (msg, 0);
  check_via (via, "UDP", "2001:db8::9:1", 0, "z9hG4bKas3");
  assert_view (via->received, "2001:db8::9:255");
  check_ipv6_contact (msg, "\"Caller\"", "caller", "2001:db8::9:1");
  assert_view (tc_sip_message_get_call_id (msg), "SSG95523997077@hlau_4100");
  check_cseq (msg, 921, "OPTIONS");
}

/* 4.6: IPv6 in the URIs and, unbracketed, in the SDP body. */
static void
check_ipv6_in_sdp (TcSipMessage *msg)
{
  g_autoptr (TcSipUri) to_uri = NULL;
  g_autofree char *body = NULL;

  check_request (msg, TC_SIP_METHOD_INVITE, "INVITE");
  check_uri_host (tc_sip_message_get_request_uri (msg), "2001:db8::10", TC_SIP_HOST_IPV6, 0);
  to_uri = parse_uri_view (tc_sip_message_get_to (msg)->uri);
  assert_uri_user (to_uri, "user", 4);
  check_uri_host (to_uri, "2001:db8::10", TC_SIP_HOST_IPV6, 0);
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "2001:db8::20", 0, "z9hG4bKas3-111");
  check_ipv6_contact (msg, "\"Caller\"", "caller", "2001:db8::20");
  check_cseq (msg, 8612, "INVITE");
  check_body_length (msg, 251);
  body = tc_sip_str_dup (tc_sip_message_get_body (msg));
  g_assert_nonnull (strstr (body, "\r\nc=IN IP6 2001:db8::20\r\n"));
}

/* 4.7: IPv6 and IPv4 Via values, one IPv6 with a port. */
static void
check_mult_ip_in_header (TcSipMessage *msg)
{
  const TcSipVia *via;

  check_request (msg, TC_SIP_METHOD_BYE, "BYE");
  check_uri_host (tc_sip_message_get_request_uri (msg), "host.example.net", TC_SIP_HOST_NAME, 0);
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 3);
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "2001:db8::9:1", 6050, "z9hG4bKas3-111");
  check_via (tc_sip_message_get_via (msg, 1), "UDP", "192.0.2.1", 0, "z9hG4bKjhja8781hjuaij65144");
  via = tc_sip_message_get_via (msg, 2);
  check_via (via, "TCP", "2001:db8::9:255", 0, "z9hG4bK451jj");
  assert_view (via->received, "192.0.2.200");
  assert_view (tc_sip_message_get_to (msg)->tag, "9817--94");
  check_cseq (msg, 89187, "BYE");
}

/* 4.8: one stream on IPv4, one on IPv6. */
static void
check_mult_ip_in_sdp (TcSipMessage *msg)
{
  g_autofree char *body = NULL;

  check_request (msg, TC_SIP_METHOD_INVITE, "INVITE");
  check_uri_host (tc_sip_message_get_request_uri (msg), "2001:db8::10", TC_SIP_HOST_IPV6, 0);
  check_ipv6_contact (msg, "\"Caller\"", "caller", "2001:db8::9:1");
  check_cseq (msg, 8912, "INVITE");
  check_body_length (msg, 189);
  body = tc_sip_str_dup (tc_sip_message_get_body (msg));
  g_assert_nonnull (strstr (body, "\r\nc=IN IP4 192.0.2.1\r\n"));
  g_assert_nonnull (strstr (body, "\r\nc=IN IP6 2001:db8::1\r\n"));
}

/* 4.9: IPv4-mapped IPv6 addresses. */
static void
check_ipv4_mapped_ipv6 (TcSipMessage *msg)
{
  check_request (msg, TC_SIP_METHOD_INVITE, "INVITE");
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 2);
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "::ffff:192.0.2.10", 19823, "z9hG4bKbh19");
  check_via (tc_sip_message_get_via (msg, 1), "UDP", "::ffff:192.0.2.2", 0, "z9hG4bKas3-111");
  check_ipv6_contact (msg, "\"T. desk phone\"", "ted", "::ffff:192.0.2.2");
  check_cseq (msg, 612, "INVITE");
  check_body_length (msg, 245);
}

/* 4.10: RFC 3261's ABNF admits three colons; tolerate it. */
static void
check_ipv6_bug_abnf_3_colons (TcSipMessage *msg)
{
  const TcSipUri *ruri;
  const char *host;

  check_request (msg, TC_SIP_METHOD_OPTIONS, "OPTIONS");
  ruri = tc_sip_message_get_request_uri (msg);
  g_assert_nonnull (ruri);
  g_assert_cmpint (tc_sip_uri_get_host_type (ruri), ==, TC_SIP_HOST_IPV6);
  /* Kept as written, or normalised to two colons (RFC 5118 allows both). */
  host = tc_sip_uri_get_host (ruri);
  if (g_strcmp0 (host, "2001:db8::192.0.2.1") != 0)
    g_assert_cmpstr (host, ==, "2001:db8:::192.0.2.1");
  assert_view (tc_sip_message_get_to (msg)->uri, "sip:user@[2001:db8:::192.0.2.1]");
  check_via (tc_sip_message_get_via (msg, 0), "UDP", "lab1.east.example.com", 0, "z9hG4bKas3-111");
  check_cseq (msg, 689, "OPTIONS");
}

/* 4.10, the correct form. */
static void
check_ipv6_correct_abnf_2_colons (TcSipMessage *msg)
{
  g_autoptr (TcSipUri) to_uri = NULL;

  check_request (msg, TC_SIP_METHOD_OPTIONS, "OPTIONS");
  check_uri_host (tc_sip_message_get_request_uri (msg), "2001:db8::192.0.2.1", TC_SIP_HOST_IPV6, 0);
  to_uri = parse_uri_view (tc_sip_message_get_to (msg)->uri);
  check_uri_host (to_uri, "2001:db8::192.0.2.1", TC_SIP_HOST_IPV6, 0);
  check_cseq (msg, 689, "OPTIONS");
}

/* ---- the cases ----------------------------------------------------------- */

typedef void (*CheckFunc) (TcSipMessage *msg);

typedef struct {
  const char *rfc;
  const char *name;
  CheckFunc check;
} ValidCase;

typedef struct {
  const char *rfc;
  const char *name;
  guint status; /* what a UAS answers; 0 for responses, which are dropped */
  gint code;    /* the TcSipErrorCode, or -1 when any code will do */
} InvalidCase;

static const ValidCase valid_cases[] = {
  { "rfc4475", "wsinv", check_wsinv },
  { "rfc4475", "intmeth", check_intmeth },
  { "rfc4475", "esc01", check_esc01 },
  { "rfc4475", "escnull", check_escnull },
  { "rfc4475", "esc02", check_esc02 },
  { "rfc4475", "lwsdisp", check_lwsdisp },
  { "rfc4475", "longreq", check_longreq },
  { "rfc4475", "dblreq", check_dblreq },
  { "rfc4475", "semiuri", check_semiuri },
  { "rfc4475", "transports", check_transports },
  { "rfc4475", "mpart01", check_mpart01 },
  { "rfc4475", "unreason", check_unreason },
  { "rfc4475", "noreason", check_noreason },
  { "rfc5118", "ipv6-good", check_ipv6_good },
  { "rfc5118", "port-ambiguous", check_port_ambiguous },
  { "rfc5118", "port-unambiguous", check_port_unambiguous },
  { "rfc5118", "via-received-param-with-delim", check_via_received_with_delim },
  { "rfc5118", "via-received-param-no-delim", check_via_received_no_delim },
  { "rfc5118", "ipv6-in-sdp", check_ipv6_in_sdp },
  { "rfc5118", "mult-ip-in-header", check_mult_ip_in_header },
  { "rfc5118", "mult-ip-in-sdp", check_mult_ip_in_sdp },
  { "rfc5118", "ipv4-mapped-ipv6", check_ipv4_mapped_ipv6 },
  { "rfc5118", "ipv6-bug-abnf-3-colons", check_ipv6_bug_abnf_3_colons },
  { "rfc5118", "ipv6-correct-abnf-2-colons", check_ipv6_correct_abnf_2_colons },
};

/* RFC 4475 §3.1.2 and RFC 5118 §4.2, with the answer the RFC gives. */
static const InvalidCase invalid_cases[] = {
  { "rfc4475", "badinv01", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "clerr", 400, TC_SIP_ERROR_TRUNCATED },
  { "rfc4475", "ncl", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "scalar02", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "scalarlg", 0, TC_SIP_ERROR_PARSE },
  { "rfc4475", "quotbal", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "ltgtruri", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "lwsruri", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "lwsstart", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "trws", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "escruri", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "baddate", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "regbadct", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "badaspec", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "baddn", 400, -1 },
  { "rfc4475", "badvers", 505, TC_SIP_ERROR_UNSUPPORTED_VERSION },
  { "rfc4475", "mismatch01", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "mismatch02", 400, TC_SIP_ERROR_PARSE },
  { "rfc4475", "bigcode", 0, TC_SIP_ERROR_PARSE },
  { "rfc5118", "ipv6-bad", 400, TC_SIP_ERROR_PARSE },
};

/* tests/data/torture/<rfc>/<valid|invalid>/<name>.sip; G_TEST_SRCDIR is
 * tests/ under meson, tests/sip/ when run by hand from the source tree. */
static GBytes *
load_message (const char *rfc, const char *validity, const char *name)
{
  g_autofree char *file = g_strconcat (name, ".sip", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "torture", rfc, validity, file, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_free (path);
      path = g_test_build_filename (G_TEST_DIST, "..", "data", "torture", rfc, validity, file, NULL);
    }
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static TcSipMessage *
parse_bytes (GBytes *bytes, GError **error)
{
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);

  return tc_sip_message_parse (data, len, NULL, error);
}

static void
test_valid (gconstpointer user_data)
{
  const ValidCase *c = user_data;
  g_autoptr (GBytes) bytes = load_message (c->rfc, "valid", c->name);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autoptr (TcSipMessage) again = NULL;

  msg = parse_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  c->check (msg);

  /* What the message serialises to parses back to the same message. */
  wire = tc_sip_message_to_bytes (msg);
  again = parse_bytes (wire, &error);
  g_assert_no_error (error);
  g_assert_true (tc_sip_message_equal (msg, again));
}

static void
assert_rejected (GBytes *bytes, const char *name, guint status, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;

  msg = parse_bytes (bytes, &error);
  g_assert_null (msg);
  g_assert_nonnull (error);
  g_test_message ("%s: rejected with %s (code %d, status %u)", name, error->message, error->code,
                  tc_sip_error_get_status (error));
  g_assert_true (error->domain == TC_SIP_ERROR);
  if (code >= 0)
    g_assert_error (error, TC_SIP_ERROR, code);
  if (status != 0)
    g_assert_cmpuint (tc_sip_error_get_status (error), ==, status);
}

static void
test_invalid (gconstpointer user_data)
{
  const InvalidCase *c = user_data;
  g_autoptr (GBytes) bytes = load_message (c->rfc, "invalid", c->name);

  assert_rejected (bytes, c->name, c->status, c->code);
}

/* 3.1.2.15: the archived baddn ends without the empty line that closes the
 * header section; with it, the display names alone must still reject it. */
static void
test_baddn_terminated (void)
{
  g_autoptr (GBytes) bytes = load_message ("rfc4475", "invalid", "baddn");
  g_autoptr (GByteArray) terminated = g_byte_array_new ();
  g_autoptr (GBytes) complete = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_byte_array_append (terminated, data, len);
  g_byte_array_append (terminated, (const guint8 *) "\r\n", 2);
  complete = g_byte_array_free_to_bytes (g_steal_pointer (&terminated));
  assert_rejected (complete, "baddn with its empty line", 400, TC_SIP_ERROR_PARSE);
}

/* 3.1.2.2: on a stream, a Content-Length past the data means "wait". */
static void
test_clerr_stream (void)
{
  g_autoptr (GBytes) bytes = load_message ("rfc4475", "invalid", "clerr");
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);

  tc_sip_stream_parser_feed (parser, data, len);
  msg = tc_sip_stream_parser_next (parser, &error);
  g_assert_no_error (error);
  g_assert_null (msg);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, len);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      g_autofree char *path =
        g_strdup_printf ("/sip/parser/torture/%s/valid/%s", valid_cases[i].rfc, valid_cases[i].name);

      g_test_add_data_func (path, &valid_cases[i], test_valid);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path =
        g_strdup_printf ("/sip/parser/torture/%s/invalid/%s", invalid_cases[i].rfc, invalid_cases[i].name);

      g_test_add_data_func (path, &invalid_cases[i], test_invalid);
    }
  g_test_add_func ("/sip/parser/torture/rfc4475/invalid/baddn-terminated", test_baddn_terminated);
  g_test_add_func ("/sip/parser/torture/rfc4475/invalid/clerr-stream-waits", test_clerr_stream);

  return g_test_run ();
}
