/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-builder.c — unit tests of TcSipMessageBuilder: requests and responses
 * built programmatically get the right Content-Length and parse back to an
 * equal message; CR or LF in a value and values that are not valid SIP are
 * refused with TC_SIP_ERROR_INVALID_ARGUMENT naming the header; headers are
 * prepended (a new topmost Via), removed and replaced; responses to a
 * request copy Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2) and add a
 * To tag; a builder started from a message copies it.
 */
#include <string.h>

#include <glib.h>

#include "sip/builder.h"
#include "sip/parser.h"
#include "sip/sip-error.h"

#define assert_view(v, expected) \
  G_STMT_START \
  { \
    g_autofree char *got_ = tc_sip_str_dup (v); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } \
  G_STMT_END

#define SDP \
  "v=0\r\n" \
  "o=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\r\n" \
  "s=-\r\n" \
  "c=IN IP4 192.0.2.101\r\n" \
  "t=0 0\r\n" \
  "m=audio 49172 RTP/AVP 0\r\n" \
  "a=rtpmap:0 PCMU/8000\r\n"

static TcSipMessage *
end_ok (TcSipMessageBuilder *builder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = tc_sip_message_builder_end (builder, &error);

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return g_steal_pointer (&msg);
}

static void
end_fails (TcSipMessageBuilder *builder, TcSipErrorCode code, const char *mention)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = tc_sip_message_builder_end (builder, &error);

  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, (gint) code);
  g_test_message ("error: %s", error->message);
  if (mention)
    g_assert_nonnull (strstr (error->message, mention));
}

/* parse (to_bytes (m)) is equal to m, and serializing is stable. */
static void
assert_reparses (const TcSipMessage *msg)
{
  g_autoptr (GBytes) bytes = tc_sip_message_to_bytes (msg);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) again = tc_sip_message_parse_datagram (bytes, NULL, &error);
  g_autoptr (GBytes) bytes2 = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_true (tc_sip_message_equal (msg, again));
  g_assert_true (tc_sip_message_equal (again, msg));
  bytes2 = tc_sip_message_to_bytes (again);
  g_assert_true (g_bytes_equal (bytes, bytes2));
}

static gchar *
bytes_to_string (GBytes *bytes)
{
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static guint
count_headers (const TcSipMessage *msg, TcSipHeaderId id)
{
  guint n = 0;
  gint i = -1;

  while ((i = tc_sip_message_find_header (msg, id, i + 1)) >= 0)
    n++;
  return n;
}

/* The headers every request and response needs (RFC 3261 §8.1.1). */
static void
add_dialog_headers (TcSipMessageBuilder *b, const char *method)
{
  tc_sip_message_builder_add_header (b, "Via", "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds");
  tc_sip_message_builder_add_header (b, "Max-Forwards", "70");
  tc_sip_message_builder_add_header (b, "To", "Bob <sip:bob@biloxi.com>");
  tc_sip_message_builder_add_header (b, "From", "Alice <sip:alice@atlanta.com>;tag=1928301774");
  tc_sip_message_builder_add_header (b, "Call-ID", "a84b4c76e66710@pc33.atlanta.com");
  tc_sip_message_builder_add_header_printf (b, "CSeq", "%u %s", 314159u, method);
}

static TcSipMessage *
build_invite (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");

  add_dialog_headers (b, "INVITE");
  tc_sip_message_builder_add_header (b, "Contact", "<sip:alice@pc33.atlanta.com>");
  tc_sip_message_builder_set_body (b, "application/sdp", SDP, strlen (SDP));
  return end_ok (g_steal_pointer (&b));
}

/* Requests. */

static void
test_request_invite (void)
{
  g_autoptr (TcSipMessage) msg = build_invite ();
  g_autoptr (GBytes) bytes = tc_sip_message_to_bytes (msg);
  g_autofree char *text = bytes_to_string (bytes);
  g_autofree char *cl_line = g_strdup_printf ("\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n", strlen (SDP));
  const TcSipContentType *ct;
  TcSipStr body;

  g_assert_true (tc_sip_message_is_request (msg));
  g_assert_cmpint (tc_sip_message_get_method (msg), ==, TC_SIP_METHOD_INVITE);
  assert_view (tc_sip_message_get_request_uri_text (msg), "sip:bob@biloxi.com");
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 1);
  assert_view (tc_sip_message_get_via (msg, 0)->branch, "z9hG4bK776asdhds");
  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 70);
  assert_view (tc_sip_message_get_from (msg)->tag, "1928301774");
  assert_view (tc_sip_message_get_to (msg)->uri, "sip:bob@biloxi.com");
  assert_view (tc_sip_message_get_call_id (msg), "a84b4c76e66710@pc33.atlanta.com");
  g_assert_cmpuint (tc_sip_message_get_cseq (msg)->seq, ==, 314159);
  assert_view (tc_sip_message_get_cseq (msg)->method, "INVITE");
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);

  ct = tc_sip_message_get_content_type (msg);
  g_assert_nonnull (ct);
  assert_view (ct->type, "application");
  assert_view (ct->subtype, "sdp");
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, strlen (SDP));
  g_assert_cmpuint (count_headers (msg, TC_SIP_HEADER_CONTENT_LENGTH), ==, 1);
  g_assert_cmpuint (count_headers (msg, TC_SIP_HEADER_CONTENT_TYPE), ==, 1);
  body = tc_sip_message_get_body (msg);
  g_assert_cmpmem (body.str, body.len, SDP, strlen (SDP));

  /* Wire form: "Name: value" lines, one blank line, the body. */
  g_assert_true (g_str_has_prefix (text, "INVITE sip:bob@biloxi.com SIP/2.0\r\n"));
  g_assert_nonnull (strstr (text, "\r\nVia: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n"));
  g_assert_nonnull (strstr (text, "\r\nCSeq: 314159 INVITE\r\n"));
  g_assert_nonnull (strstr (text, "\r\nContent-Type: application/sdp\r\n"));
  g_assert_nonnull (strstr (text, cl_line));
  g_assert_true (g_str_has_suffix (text, "\r\n\r\n" SDP));
  g_assert_true (strstr (text, "\r\n\r\n") + 4 == text + strlen (text) - strlen (SDP));

  assert_reparses (msg);
}

static void
test_request_no_body (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("OPTIONS", "sip:carol@chicago.com");
  g_autoptr (TcSipMessage) msg = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  add_dialog_headers (b, "OPTIONS");
  msg = end_ok (g_steal_pointer (&b));
  bytes = tc_sip_message_to_bytes (msg);
  text = bytes_to_string (bytes);

  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, 0);
  g_assert_cmpuint (tc_sip_message_get_body (msg).len, ==, 0);
  g_assert_null (tc_sip_message_get_content_type (msg));
  g_assert_nonnull (strstr (text, "\r\nContent-Length: 0\r\n"));
  g_assert_true (g_str_has_suffix (text, "\r\n\r\n"));
  assert_reparses (msg);
}

/* The length counts octets, whatever they are. */
static void
test_request_binary_body (void)
{
  static const char body_data[] = "a\0b\r\n\r\nc\xff";
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("MESSAGE", "sip:bob@biloxi.com");
  g_autoptr (TcSipMessage) msg = NULL;
  TcSipStr body;

  add_dialog_headers (b, "MESSAGE");
  tc_sip_message_builder_set_body (b, "application/octet-stream", body_data, sizeof body_data - 1);
  msg = end_ok (g_steal_pointer (&b));

  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, sizeof body_data - 1);
  body = tc_sip_message_get_body (msg);
  g_assert_cmpmem (body.str, body.len, body_data, sizeof body_data - 1);
  assert_reparses (msg);
}

/* A Content-Length given by hand is corrected to the body. */
static void
test_request_content_length_fixed (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("MESSAGE", "sip:bob@biloxi.com");
  g_autoptr (TcSipMessage) msg = NULL;

  add_dialog_headers (b, "MESSAGE");
  tc_sip_message_builder_add_header (b, "Content-Length", "999");
  tc_sip_message_builder_set_body (b, "text/plain", "ping", 4);
  msg = end_ok (g_steal_pointer (&b));

  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, 4);
  g_assert_cmpuint (count_headers (msg, TC_SIP_HEADER_CONTENT_LENGTH), ==, 1);
  assert_reparses (msg);
}

static void
test_request_set_body_twice (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("MESSAGE", "sip:bob@biloxi.com");
  g_autoptr (TcSipMessage) msg = NULL;
  TcSipStr body;

  add_dialog_headers (b, "MESSAGE");
  tc_sip_message_builder_set_body (b, "text/plain", "first body", 10);
  tc_sip_message_builder_set_body (b, "text/html", "<p>2</p>", 8);
  msg = end_ok (g_steal_pointer (&b));

  body = tc_sip_message_get_body (msg);
  g_assert_cmpmem (body.str, body.len, "<p>2</p>", 8);
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, 8);
  g_assert_cmpuint (count_headers (msg, TC_SIP_HEADER_CONTENT_TYPE), ==, 1);
  assert_view (tc_sip_message_get_content_type (msg)->subtype, "html");
}

/* Refused input. */

typedef struct {
  const char *name;
  const char *header;
  const char *value;
  const char *valid; /* a valid value of the same header, or NULL */
  TcSipErrorCode code;
  const char *mention;
} BadHeader;

static const BadHeader bad_headers[] = {
  { "crlf-injection", "Subject", "hi\r\nX-Evil: 1", "hi", TC_SIP_ERROR_INVALID_ARGUMENT, "Subject" },
  { "lf", "Subject", "hi\nthere", "hi", TC_SIP_ERROR_INVALID_ARGUMENT, "Subject" },
  { "cr", "Subject", "hi\rthere", "hi", TC_SIP_ERROR_INVALID_ARGUMENT, "Subject" },
  { "folded", "Subject", "hi\r\n there", "hi", TC_SIP_ERROR_INVALID_ARGUMENT, "Subject" },
  { "crlf-end-of-headers", "X-Custom", "a\r\n\r\nbody", "a", TC_SIP_ERROR_INVALID_ARGUMENT, "X-Custom" },
  { "bad-expires", "Expires", "soon", "60", TC_SIP_ERROR_INVALID_ARGUMENT, "Expires" },
  { "bad-contact", "Contact", "<sip:alice@pc33.atlanta.com", "<sip:alice@pc33.atlanta.com>",
    TC_SIP_ERROR_INVALID_ARGUMENT, "Contact" },
  { "bad-route", "Route", "<sip:p1.example.com;lr>, <garbage", "<sip:p1.example.com;lr>", TC_SIP_ERROR_INVALID_ARGUMENT,
    "Route" },
  { "bad-content-type", "Content-Type", "sdp", "application/sdp", TC_SIP_ERROR_INVALID_ARGUMENT, "Content-Type" },
  { "bad-name-space", "Bad Name", "x", NULL, TC_SIP_ERROR_INVALID_ARGUMENT, NULL },
  { "bad-name-colon", "Bad:Name", "x", NULL, TC_SIP_ERROR_INVALID_ARGUMENT, NULL },
  { "bad-name-empty", "", "x", NULL, TC_SIP_ERROR_INVALID_ARGUMENT, NULL },
};

static void
test_bad_add_header (gconstpointer data)
{
  const BadHeader *c = data;
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");

  add_dialog_headers (b, "INVITE");
  tc_sip_message_builder_add_header (b, c->header, c->value);
  end_fails (g_steal_pointer (&b), c->code, c->mention);
}

/* Replacing a valid header by a bad value. */
static void
test_bad_set_header (gconstpointer data)
{
  const BadHeader *c = data;
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");

  add_dialog_headers (b, "INVITE");
  tc_sip_message_builder_add_header (b, c->header, c->valid);
  tc_sip_message_builder_set_header (b, c->header, c->value);
  end_fails (g_steal_pointer (&b), c->code, c->mention);
}

static void
test_bad_prepend_header (gconstpointer data)
{
  const BadHeader *c = data;
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");

  add_dialog_headers (b, "INVITE");
  if (c->valid)
    tc_sip_message_builder_add_header (b, c->header, c->valid);
  tc_sip_message_builder_prepend_header (b, c->header, c->value);
  end_fails (g_steal_pointer (&b), c->code, c->mention);
}

static void
test_bad_typed_values (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");
  g_autoptr (TcSipMessageBuilder) b2 = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");

  tc_sip_message_builder_add_header (b, "Via", "garbage");
  tc_sip_message_builder_add_header (b, "To", "<sip:bob@biloxi.com>");
  tc_sip_message_builder_add_header (b, "From", "<sip:alice@atlanta.com>;tag=1");
  tc_sip_message_builder_add_header (b, "Call-ID", "bad1");
  tc_sip_message_builder_add_header (b, "CSeq", "1 INVITE");
  end_fails (g_steal_pointer (&b), TC_SIP_ERROR_INVALID_ARGUMENT, "Via");

  tc_sip_message_builder_add_header (b2, "Via", "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKx");
  tc_sip_message_builder_add_header (b2, "To", "<sip:bob@biloxi.com>");
  tc_sip_message_builder_add_header (b2, "From", "<sip:alice@atlanta.com>;tag=1");
  tc_sip_message_builder_add_header (b2, "Call-ID", "bad1");
  tc_sip_message_builder_add_header (b2, "CSeq", "abc INVITE");
  end_fails (g_steal_pointer (&b2), TC_SIP_ERROR_INVALID_ARGUMENT, "CSeq");
}

static void
test_bad_start_line (void)
{
  g_autoptr (TcSipMessageBuilder) uri_crlf =
    tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com SIP/2.0\r\nX-Evil: 1\r\nY:");
  g_autoptr (TcSipMessageBuilder) uri_space = tc_sip_message_builder_new_request ("INVITE", "sip:bob@bi loxi.com");
  g_autoptr (TcSipMessageBuilder) method = tc_sip_message_builder_new_request ("INV ITE", "sip:bob@biloxi.com");
  g_autoptr (TcSipMessageBuilder) reason = tc_sip_message_builder_new_response (200, "OK\r\nX-Evil: 1");

  add_dialog_headers (uri_crlf, "INVITE");
  end_fails (g_steal_pointer (&uri_crlf), TC_SIP_ERROR_INVALID_ARGUMENT, NULL);
  add_dialog_headers (uri_space, "INVITE");
  end_fails (g_steal_pointer (&uri_space), TC_SIP_ERROR_INVALID_ARGUMENT, NULL);
  add_dialog_headers (method, "INVITE");
  end_fails (g_steal_pointer (&method), TC_SIP_ERROR_INVALID_ARGUMENT, NULL);
  add_dialog_headers (reason, "INVITE");
  end_fails (g_steal_pointer (&reason), TC_SIP_ERROR_INVALID_ARGUMENT, NULL);
}

/* Editing headers. */

/* RFC 3261 §16.6 step 8: a new Via goes on top of the existing ones. */
static void
test_prepend_via (void)
{
  g_autoptr (TcSipMessage) invite = build_invite ();
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_from_message (invite);
  g_autoptr (TcSipMessage) msg = NULL;
  gint first_via;

  tc_sip_message_builder_prepend_header (b, "Via", "SIP/2.0/UDP proxy.atlanta.com;branch=z9hG4bKproxy1");
  tc_sip_message_builder_prepend_header (b, "v", "SIP/2.0/TCP edge.atlanta.com;branch=z9hG4bKedge");
  msg = end_ok (g_steal_pointer (&b));

  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 3);
  assert_view (tc_sip_message_get_via (msg, 0)->branch, "z9hG4bKedge");
  assert_view (tc_sip_message_get_via (msg, 1)->branch, "z9hG4bKproxy1");
  assert_view (tc_sip_message_get_via (msg, 2)->branch, "z9hG4bK776asdhds");

  /* Inserted where the first Via was, not at the top of the message. */
  first_via = tc_sip_message_find_header (invite, TC_SIP_HEADER_VIA, 0);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_VIA, 0), ==, first_via);
  g_assert_cmpuint (tc_sip_message_get_n_headers (msg), ==, tc_sip_message_get_n_headers (invite) + 2);

  /* The original is untouched. */
  g_assert_cmpuint (tc_sip_message_get_n_vias (invite), ==, 1);
  assert_reparses (msg);
}

static void
test_prepend_after_others (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("OPTIONS", "sip:carol@chicago.com");
  g_autoptr (TcSipMessage) msg = NULL;
  gint subject, record_route;

  tc_sip_message_builder_add_header (b, "Max-Forwards", "70");
  tc_sip_message_builder_prepend_header (b, "Via", "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1");
  tc_sip_message_builder_add_header (b, "To", "<sip:carol@chicago.com>");
  tc_sip_message_builder_add_header (b, "From", "<sip:alice@atlanta.com>;tag=1");
  tc_sip_message_builder_add_header (b, "Call-ID", "prep1");
  tc_sip_message_builder_add_header (b, "CSeq", "1 OPTIONS");
  tc_sip_message_builder_add_header (b, "Record-Route", "<sip:p2.example.com;lr>");
  /* No Subject yet: prepending appends it. */
  tc_sip_message_builder_prepend_header (b, "Subject", "hello");
  tc_sip_message_builder_prepend_header (b, "Record-Route", "<sip:p1.example.com;lr>");
  msg = end_ok (g_steal_pointer (&b));

  /* No Via yet: prepending appended it after Max-Forwards. */
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_MAX_FORWARDS, 0), ==, 0);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_VIA, 0), ==, 1);

  record_route = tc_sip_message_find_header (msg, TC_SIP_HEADER_RECORD_ROUTE, 0);
  subject = tc_sip_message_find_header (msg, TC_SIP_HEADER_SUBJECT, 0);
  g_assert_cmpint (record_route, ==, 6);
  g_assert_cmpint (subject, ==, 8);
  g_assert_cmpuint (tc_sip_message_get_n_record_routes (msg), ==, 2);
  assert_view (tc_sip_message_get_record_route (msg, 0)->uri, "sip:p1.example.com;lr");
  assert_view (tc_sip_message_get_record_route (msg, 1)->uri, "sip:p2.example.com;lr");
  assert_reparses (msg);
}

static void
test_remove_headers (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");
  g_autoptr (TcSipMessage) msg = NULL;

  add_dialog_headers (b, "INVITE");
  tc_sip_message_builder_add_header (b, "Supported", "timer");
  tc_sip_message_builder_add_header (b, "k", "replaces");
  tc_sip_message_builder_add_header (b, "SUPPORTED", "100rel");
  tc_sip_message_builder_add_header (b, "X-A", "1");
  tc_sip_message_builder_add_header (b, "x-a", "2");
  tc_sip_message_builder_add_header (b, "X-B", "3");

  g_assert_cmpuint (tc_sip_message_builder_remove_headers (b, "Supported"), ==, 3);
  g_assert_cmpuint (tc_sip_message_builder_remove_headers (b, "k"), ==, 0);
  g_assert_cmpuint (tc_sip_message_builder_remove_headers (b, "X-A"), ==, 2);
  g_assert_cmpuint (tc_sip_message_builder_remove_headers (b, "X-None"), ==, 0);
  msg = end_ok (g_steal_pointer (&b));

  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_SUPPORTED, 0), ==, -1);
  g_assert_false (tc_sip_message_has_token (msg, TC_SIP_HEADER_SUPPORTED, "timer"));
  g_assert_cmpint (tc_sip_message_find_header_by_name (msg, "X-A", 0), ==, -1);
  assert_view (tc_sip_message_get_header_value (msg, "X-B"), "3");
}

/* Removing by compact name removes the full name too. */
static void
test_remove_compact (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");
  g_autoptr (TcSipMessage) msg = NULL;

  add_dialog_headers (b, "INVITE");
  tc_sip_message_builder_add_header (b, "Supported", "timer");
  tc_sip_message_builder_add_header (b, "k", "replaces");
  g_assert_cmpuint (tc_sip_message_builder_remove_headers (b, "K"), ==, 2);
  msg = end_ok (g_steal_pointer (&b));
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_SUPPORTED, 0), ==, -1);
}

static void
test_set_header (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");
  g_autoptr (TcSipMessage) msg = NULL;
  gint max_forwards;

  add_dialog_headers (b, "INVITE");
  tc_sip_message_builder_add_header (b, "Route", "<sip:p1.example.com;lr>");
  tc_sip_message_builder_add_header (b, "Route", "<sip:p2.example.com;lr>");
  tc_sip_message_builder_set_header (b, "Max-Forwards", "69");
  tc_sip_message_builder_set_header (b, "route", "<sip:only.example.com;lr>");
  msg = end_ok (g_steal_pointer (&b));

  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 69);
  g_assert_cmpuint (count_headers (msg, TC_SIP_HEADER_MAX_FORWARDS), ==, 1);
  /* Replaced in place. */
  max_forwards = tc_sip_message_find_header (msg, TC_SIP_HEADER_MAX_FORWARDS, 0);
  g_assert_cmpint (max_forwards, ==, 1);
  g_assert_cmpuint (count_headers (msg, TC_SIP_HEADER_ROUTE), ==, 1);
  g_assert_cmpuint (tc_sip_message_get_n_routes (msg), ==, 1);
  assert_view (tc_sip_message_get_route (msg, 0)->uri, "sip:only.example.com;lr");
  assert_reparses (msg);
}

static void
test_add_header_printf (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("BYE", "sip:bob@192.0.2.4");
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_message_builder_add_header_printf (b, "Via", "SIP/2.0/%s %s:%u;branch=%s", "UDP", "192.0.2.1", 5060u,
                                            "z9hG4bKbye");
  tc_sip_message_builder_add_header_printf (b, "Max-Forwards", "%d", 70);
  tc_sip_message_builder_add_header (b, "To", "<sip:bob@biloxi.com>;tag=a6c85cf");
  tc_sip_message_builder_add_header (b, "From", "<sip:alice@atlanta.com>;tag=1928301774");
  tc_sip_message_builder_add_header (b, "Call-ID", "a84b4c76e66710");
  tc_sip_message_builder_add_header_printf (b, "CSeq", "%u BYE", 231u);
  msg = end_ok (g_steal_pointer (&b));

  assert_view (tc_sip_message_get_via (msg, 0)->host, "192.0.2.1");
  g_assert_cmpuint (tc_sip_message_get_via (msg, 0)->port, ==, 5060);
  g_assert_cmpuint (tc_sip_message_get_cseq (msg)->seq, ==, 231);
  g_assert_cmpint (tc_sip_message_get_method (msg), ==, TC_SIP_METHOD_BYE);
  assert_reparses (msg);
}

/* Responses. */

static TcSipMessage *
build_forwarded_invite (const char *to)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@192.0.2.4");

  tc_sip_message_builder_add_header (b, "Via",
                                     "SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bKnashds8;received=192.0.2.3");
  tc_sip_message_builder_add_header (b, "v", "SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1");
  tc_sip_message_builder_add_header (b, "Via",
                                     "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;received=192.0.2.1");
  tc_sip_message_builder_add_header (b, "Max-Forwards", "68");
  tc_sip_message_builder_add_header (b, "Record-Route", "<sip:server10.biloxi.com;lr>");
  tc_sip_message_builder_add_header (b, "To", to);
  tc_sip_message_builder_add_header (b, "From", "Alice <sip:alice@atlanta.com>;tag=1928301774");
  tc_sip_message_builder_add_header (b, "Call-ID", "a84b4c76e66710@pc33.atlanta.com");
  tc_sip_message_builder_add_header (b, "CSeq", "314159 INVITE");
  tc_sip_message_builder_add_header (b, "Contact", "<sip:alice@pc33.atlanta.com>");
  tc_sip_message_builder_set_body (b, "application/sdp", SDP, strlen (SDP));
  return end_ok (g_steal_pointer (&b));
}

static void
assert_same_header_values (const TcSipMessage *a, const TcSipMessage *b, TcSipHeaderId id)
{
  gint i = -1, j = -1;

  for (;;)
    {
      i = tc_sip_message_find_header (a, id, i + 1);
      j = tc_sip_message_find_header (b, id, j + 1);
      g_assert_cmpint (i < 0, ==, j < 0);
      if (i < 0)
        break;
      g_assert_cmpmem (tc_sip_message_get_header (a, i)->value.str, tc_sip_message_get_header (a, i)->value.len,
                       tc_sip_message_get_header (b, j)->value.str, tc_sip_message_get_header (b, j)->value.len);
    }
}

static void
test_response_to (void)
{
  g_autoptr (TcSipMessage) req = build_forwarded_invite ("Bob <sip:bob@biloxi.com>");
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_response_to (req, 180, NULL, "a6c85cf");
  g_autoptr (TcSipMessage) msg = NULL;
  const TcSipNameAddr *to;
  guint i;

  msg = end_ok (g_steal_pointer (&b));

  g_assert_false (tc_sip_message_is_request (msg));
  g_assert_cmpuint (tc_sip_message_get_status (msg), ==, 180);
  assert_view (tc_sip_message_get_reason (msg), "Ringing");

  /* RFC 3261 §8.2.6.2: Via values equal and in the same order. */
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 3);
  for (i = 0; i < 3; i++)
    {
      const TcSipVia *a = tc_sip_message_get_via (req, i);
      const TcSipVia *v = tc_sip_message_get_via (msg, i);

      g_assert_cmpmem (a->host.str, a->host.len, v->host.str, v->host.len);
      g_assert_cmpmem (a->branch.str, a->branch.len, v->branch.str, v->branch.len);
    }
  assert_view (tc_sip_message_get_via (msg, 0)->received, "192.0.2.3");
  assert_same_header_values (req, msg, TC_SIP_HEADER_FROM);
  assert_same_header_values (req, msg, TC_SIP_HEADER_CALL_ID);
  assert_same_header_values (req, msg, TC_SIP_HEADER_CSEQ);

  to = tc_sip_message_get_to (msg);
  assert_view (to->display_name, "Bob");
  assert_view (to->uri, "sip:bob@biloxi.com");
  assert_view (to->tag, "a6c85cf");
  assert_view (tc_sip_message_get_from (msg)->tag, "1928301774");
  assert_view (tc_sip_message_get_call_id (msg), "a84b4c76e66710@pc33.atlanta.com");
  g_assert_cmpuint (tc_sip_message_get_cseq (msg)->seq, ==, 314159);
  assert_view (tc_sip_message_get_cseq (msg)->method, "INVITE");

  /* Nothing else is copied: no Max-Forwards, Contact, Content-Type or body. */
  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, -1);
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 0);
  g_assert_null (tc_sip_message_get_content_type (msg));
  g_assert_cmpuint (tc_sip_message_get_body (msg).len, ==, 0);
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, 0);
  assert_reparses (msg);
}

/* A To tag already present (a request inside a dialog) is kept. */
static void
test_response_to_existing_tag (void)
{
  g_autoptr (TcSipMessage) req = build_forwarded_invite ("Bob <sip:bob@biloxi.com>;tag=existing");
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_response_to (req, 200, "Fine", "other");
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_message_builder_add_header (b, "Contact", "<sip:bob@192.0.2.4>");
  tc_sip_message_builder_set_body (b, "application/sdp", SDP, strlen (SDP));
  msg = end_ok (g_steal_pointer (&b));

  assert_view (tc_sip_message_get_reason (msg), "Fine");
  assert_view (tc_sip_message_get_to (msg)->tag, "existing");
  assert_same_header_values (req, msg, TC_SIP_HEADER_TO);
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, strlen (SDP));
  assert_reparses (msg);
}

static void
test_response_to_no_tag (void)
{
  g_autoptr (TcSipMessage) req = build_forwarded_invite ("<sip:bob@biloxi.com>");
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_response_to (req, 100, NULL, NULL);
  g_autoptr (TcSipMessage) msg = NULL;

  msg = end_ok (g_steal_pointer (&b));
  assert_view (tc_sip_message_get_reason (msg), "Trying");
  g_assert_false (tc_sip_str_is_set (tc_sip_message_get_to (msg)->tag));
  assert_same_header_values (req, msg, TC_SIP_HEADER_TO);
}

/* A UAS answers requests whose Via, To or CSeq are folded (RFC 4475
 * §3.1.1.1 wsinv) like any other. */
static void
test_response_to_folded_request (void)
{
  static const char text[] = "OPTIONS sip:bob@biloxi.com SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP pc33.atlanta.com\r\n ;branch=z9hG4bKfold\r\n"
                             "Max-Forwards: 70\r\n"
                             "To: Bob\r\n <sip:bob@biloxi.com>\r\n"
                             "From: <sip:alice@atlanta.com>;tag=1\r\n"
                             "Call-ID: fold1\r\n"
                             "CSeq: 8\r\n\tOPTIONS\r\n"
                             "Content-Length: 0\r\n"
                             "\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) req = tc_sip_message_parse (text, strlen (text), NULL, &error);
  g_autoptr (TcSipMessageBuilder) b = NULL;
  g_autoptr (TcSipMessage) msg = NULL;

  g_assert_no_error (error);
  b = tc_sip_message_builder_new_response_to (req, 200, NULL, "t1");
  msg = end_ok (g_steal_pointer (&b));
  assert_view (tc_sip_message_get_via (msg, 0)->branch, "z9hG4bKfold");
  assert_view (tc_sip_message_get_to (msg)->uri, "sip:bob@biloxi.com");
  assert_view (tc_sip_message_get_to (msg)->tag, "t1");
  g_assert_cmpuint (tc_sip_message_get_cseq (msg)->seq, ==, 8);
  assert_reparses (msg);
}

/* RFC 3261 §21 reason phrases. */
static void
test_response_default_reasons (void)
{
  static const struct {
    guint status;
    const char *reason;
  } reasons[] = {
    { 100, "Trying" },
    { 180, "Ringing" },
    { 181, "Call Is Being Forwarded" },
    { 182, "Queued" },
    { 183, "Session Progress" },
    { 200, "OK" },
    { 300, "Multiple Choices" },
    { 301, "Moved Permanently" },
    { 302, "Moved Temporarily" },
    { 305, "Use Proxy" },
    { 380, "Alternative Service" },
    { 400, "Bad Request" },
    { 401, "Unauthorized" },
    { 402, "Payment Required" },
    { 403, "Forbidden" },
    { 404, "Not Found" },
    { 405, "Method Not Allowed" },
    { 406, "Not Acceptable" },
    { 407, "Proxy Authentication Required" },
    { 408, "Request Timeout" },
    { 410, "Gone" },
    { 413, "Request Entity Too Large" },
    { 414, "Request-URI Too Long" },
    { 415, "Unsupported Media Type" },
    { 416, "Unsupported URI Scheme" },
    { 420, "Bad Extension" },
    { 421, "Extension Required" },
    { 423, "Interval Too Brief" },
    { 480, "Temporarily Unavailable" },
    { 481, "Call/Transaction Does Not Exist" },
    { 482, "Loop Detected" },
    { 483, "Too Many Hops" },
    { 484, "Address Incomplete" },
    { 485, "Ambiguous" },
    { 486, "Busy Here" },
    { 487, "Request Terminated" },
    { 488, "Not Acceptable Here" },
    { 491, "Request Pending" },
    { 493, "Undecipherable" },
    { 500, "Server Internal Error" },
    { 501, "Not Implemented" },
    { 502, "Bad Gateway" },
    { 503, "Service Unavailable" },
    { 504, "Server Time-out" },
    { 505, "Version Not Supported" },
    { 513, "Message Too Large" },
    { 600, "Busy Everywhere" },
    { 603, "Decline" },
    { 604, "Does Not Exist Anywhere" },
    { 606, "Not Acceptable" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_response (reasons[i].status, NULL);
      g_autoptr (TcSipMessage) msg = NULL;

      g_test_message ("%u", reasons[i].status);
      add_dialog_headers (b, "INVITE");
      tc_sip_message_builder_remove_headers (b, "Max-Forwards");
      msg = end_ok (g_steal_pointer (&b));
      g_assert_cmpuint (tc_sip_message_get_status (msg), ==, reasons[i].status);
      assert_view (tc_sip_message_get_reason (msg), reasons[i].reason);
    }
}

static void
test_response_wire (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_response (486, "Busy Here");
  g_autoptr (TcSipMessage) msg = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  add_dialog_headers (b, "INVITE");
  tc_sip_message_builder_add_header (b, "Retry-After", "60 (in a call)");
  msg = end_ok (g_steal_pointer (&b));
  bytes = tc_sip_message_to_bytes (msg);
  text = bytes_to_string (bytes);

  g_assert_true (g_str_has_prefix (text, "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP pc33.atlanta.com;"));
  g_assert_nonnull (strstr (text, "\r\nRetry-After: 60 (in a call)\r\n"));
  assert_reparses (msg);
}

/* Copies. */

static void
test_from_message (void)
{
  g_autoptr (TcSipMessage) invite = build_invite ();
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_from_message (invite);
  g_autoptr (TcSipMessage) copy = end_ok (g_steal_pointer (&b));
  g_autoptr (GBytes) a = tc_sip_message_to_bytes (invite);
  g_autoptr (GBytes) c = tc_sip_message_to_bytes (copy);

  g_assert_true (copy != invite);
  g_assert_true (tc_sip_message_equal (copy, invite));
  g_assert_true (g_bytes_equal (a, c));
}

/* A copy of a received message, with its names as written and compact
 * forms. */
static void
test_from_parsed_message (void)
{
  static const char text[] = "SIP/2.0 200 OK\r\n"
                             "v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;received=192.0.2.1\r\n"
                             "To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
                             "f: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
                             "i: a84b4c76e66710\r\n"
                             "CSeq: 314159 INVITE\r\n"
                             "Content-Type: text/plain\r\n"
                             "l: 5\r\n"
                             "\r\n"
                             "hello";
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = tc_sip_message_parse (text, strlen (text), NULL, &error);
  g_autoptr (TcSipMessageBuilder) b = NULL;
  g_autoptr (TcSipMessage) copy = NULL;
  g_autoptr (TcSipMessageBuilder) b2 = NULL;
  g_autoptr (TcSipMessage) changed = NULL;

  g_assert_no_error (error);
  b = tc_sip_message_builder_new_from_message (msg);
  copy = end_ok (g_steal_pointer (&b));
  g_assert_true (tc_sip_message_equal (copy, msg));
  assert_view (tc_sip_message_get_body (copy), "hello");
  assert_reparses (copy);

  b2 = tc_sip_message_builder_new_from_message (msg);
  tc_sip_message_builder_add_header (b2, "Server", "tincan");
  changed = end_ok (g_steal_pointer (&b2));
  g_assert_false (tc_sip_message_equal (changed, msg));
  assert_view (tc_sip_message_get_header_value (changed, "Server"), "tincan");
  g_assert_cmpuint (tc_sip_message_get_n_headers (changed), ==, tc_sip_message_get_n_headers (msg) + 1);
}

/* A received header may be folded (RFC 3261 §7.3.1): copying the message
 * must not fail on it.  The copy keeps the fold or unfolds it to one SP. */
static void
test_from_parsed_folded (void)
{
  static const char text[] = "SIP/2.0 200 OK\r\n"
                             "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n"
                             "To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
                             "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
                             "Call-ID: a84b4c76e66710\r\n"
                             "CSeq: 314159\r\n INVITE\r\n"
                             "X-Folded: one\r\n two\r\n"
                             "Content-Length: 0\r\n"
                             "\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = tc_sip_message_parse (text, strlen (text), NULL, &error);
  g_autoptr (TcSipMessageBuilder) b = NULL;
  g_autoptr (TcSipMessage) copy = NULL;
  g_autofree char *folded = NULL;

  g_assert_no_error (error);
  b = tc_sip_message_builder_new_from_message (msg);
  copy = end_ok (g_steal_pointer (&b));
  g_assert_cmpuint (tc_sip_message_get_cseq (copy)->seq, ==, 314159);
  assert_view (tc_sip_message_get_cseq (copy)->method, "INVITE");
  folded = tc_sip_str_dup (tc_sip_message_get_header_value (copy, "X-Folded"));
  if (g_strcmp0 (folded, "one\r\n two") != 0)
    g_assert_cmpstr (folded, ==, "one two");
  assert_reparses (copy);
}

/* Dropping the body also drops its Content-Type. */
static void
test_from_message_strip_body (void)
{
  g_autoptr (TcSipMessage) invite = build_invite ();
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_from_message (invite);
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_message_builder_set_body (b, NULL, NULL, 0);
  msg = end_ok (g_steal_pointer (&b));
  g_assert_null (tc_sip_message_get_content_type (msg));
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, 0);
  g_assert_cmpuint (tc_sip_message_get_body (msg).len, ==, 0);
  g_assert_false (tc_sip_message_equal (msg, invite));
  assert_reparses (msg);
}

/* A builder dropped without end() frees what it holds. */
static void
test_free_unused (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("INVITE", "sip:bob@biloxi.com");

  add_dialog_headers (b, "INVITE");
  tc_sip_message_builder_set_body (b, "application/sdp", SDP, strlen (SDP));
}

static void
test_builder_copy_and_request_uri (void)
{
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request ("MESSAGE", "sip:bob@example.com");
  g_autoptr (TcSipMessageBuilder) copy = NULL;
  g_autoptr (TcSipMessage) a = NULL, c = NULL;
  g_autofree char *call_id = NULL;
  g_autoptr (GError) error = NULL;

  tc_sip_message_builder_add_header (b, "Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa");
  tc_sip_message_builder_add_header (b, "From", "<sip:alice@example.com>;tag=1");
  tc_sip_message_builder_add_header (b, "To", "<sip:bob@example.com>");
  tc_sip_message_builder_add_header (b, "Call-ID", "c1");
  tc_sip_message_builder_add_header (b, "CSeq", "1 MESSAGE");
  tc_sip_message_builder_set_body (b, "text/plain", "hi", 2);
  copy = tc_sip_message_builder_copy (b);
  g_assert_true (tc_sip_message_builder_set_request_uri (copy, "sip:bob@192.0.2.9:5070"));
  tc_sip_message_builder_set_header (copy, "CSeq", "2 MESSAGE");
  call_id = tc_sip_message_builder_get_header (copy, "call-id");
  g_assert_cmpstr (call_id, ==, "c1");
  g_assert_null (tc_sip_message_builder_get_header (copy, "Route"));
  g_assert_cmpuint (g_bytes_get_size (tc_sip_message_builder_get_body (copy)), ==, 2);

  a = tc_sip_message_builder_end (g_steal_pointer (&b), &error);
  g_assert_no_error (error);
  c = tc_sip_message_builder_end (g_steal_pointer (&copy), &error);
  g_assert_no_error (error);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_request_uri_text (a), "sip:bob@example.com"));
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_request_uri_text (c), "sip:bob@192.0.2.9:5070"));
  g_assert_cmpuint (tc_sip_message_get_cseq (a)->seq, ==, 1);
  g_assert_cmpuint (tc_sip_message_get_cseq (c)->seq, ==, 2);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_body (c), "hi"));

  b = tc_sip_message_builder_new_response (200, NULL);
  g_assert_false (tc_sip_message_builder_set_request_uri (b, "sip:x@example.com"));
}

int
main (int argc, char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/builder/request/invite", test_request_invite);
  g_test_add_func ("/sip/builder/request/no-body", test_request_no_body);
  g_test_add_func ("/sip/builder/request/binary-body", test_request_binary_body);
  g_test_add_func ("/sip/builder/request/content-length-fixed", test_request_content_length_fixed);
  g_test_add_func ("/sip/builder/request/set-body-twice", test_request_set_body_twice);
  g_test_add_func ("/sip/builder/refused/typed-values", test_bad_typed_values);
  g_test_add_func ("/sip/builder/refused/start-line", test_bad_start_line);
  for (i = 0; i < G_N_ELEMENTS (bad_headers); i++)
    {
      g_autofree char *add = g_strdup_printf ("/sip/builder/refused/add/%s", bad_headers[i].name);
      g_autofree char *set = g_strdup_printf ("/sip/builder/refused/set/%s", bad_headers[i].name);
      g_autofree char *prepend = g_strdup_printf ("/sip/builder/refused/prepend/%s", bad_headers[i].name);

      g_test_add_data_func (add, &bad_headers[i], test_bad_add_header);
      if (bad_headers[i].valid)
        g_test_add_data_func (set, &bad_headers[i], test_bad_set_header);
      g_test_add_data_func (prepend, &bad_headers[i], test_bad_prepend_header);
    }
  g_test_add_func ("/sip/builder/headers/prepend-via", test_prepend_via);
  g_test_add_func ("/sip/builder/headers/prepend-after-others", test_prepend_after_others);
  g_test_add_func ("/sip/builder/headers/remove", test_remove_headers);
  g_test_add_func ("/sip/builder/headers/remove-compact", test_remove_compact);
  g_test_add_func ("/sip/builder/headers/set", test_set_header);
  g_test_add_func ("/sip/builder/headers/printf", test_add_header_printf);
  g_test_add_func ("/sip/builder/response/to-request", test_response_to);
  g_test_add_func ("/sip/builder/response/to-request-existing-tag", test_response_to_existing_tag);
  g_test_add_func ("/sip/builder/response/to-request-no-tag", test_response_to_no_tag);
  g_test_add_func ("/sip/builder/response/to-folded-request", test_response_to_folded_request);
  g_test_add_func ("/sip/builder/response/default-reasons", test_response_default_reasons);
  g_test_add_func ("/sip/builder/response/wire", test_response_wire);
  g_test_add_func ("/sip/builder/copy/from-message", test_from_message);
  g_test_add_func ("/sip/builder/copy/from-parsed-message", test_from_parsed_message);
  g_test_add_func ("/sip/builder/copy/from-parsed-folded", test_from_parsed_folded);
  g_test_add_func ("/sip/builder/copy/strip-body", test_from_message_strip_body);
  g_test_add_func ("/sip/builder/free-unused", test_free_unused);
  g_test_add_func ("/sip/builder/copy/builder-and-request-uri", test_builder_copy_and_request_uri);

  return g_test_run ();
}
