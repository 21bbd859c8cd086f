/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-details.c — unit tests of the event details (details.h): the
 * "sip-message" (sa(ss)ay) of a request and of a response (start line,
 * headers in order with repeated and compact headers and folded values as
 * written, body bytes), the same from raw bytes, NULL for bytes that do not
 * parse, values that are not UTF-8, and the a{sv} of tc_details_new().
 * The round trip: start line, headers and body written back to the wire
 * parse to a message equal to the original.
 */
#include <string.h>

#include <glib.h>

#include "core/details.h"
#include "sip-test-util.h"
#include "sip/parser.h"

static const char message_request[] = "MESSAGE sip:bob@biloxi.example.com SIP/2.0\n"
                                      "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776sgdkse\n"
                                      "v: SIP/2.0/UDP proxy.atlanta.example.com;branch=z9hG4bK1\n"
                                      "Max-Forwards: 70\n"
                                      "f: \"Alice \xc3\x85\" <sip:alice@atlanta.example.com>;tag=49583\n"
                                      "To: <sip:bob@biloxi.example.com>\n"
                                      "Call-ID: asd88asd77a@1.2.3.4\n"
                                      "CSeq: 1 MESSAGE\n"
                                      "X-Note: first\n"
                                      "x-note: second,\n"
                                      "  folded\n"
                                      "X-NOTE:    third   \n"
                                      "Content-Type: text/plain\n"
                                      "Content-Length: #\n"
                                      "\n"
                                      "Watson, come here.";

static const char ringing[] = "SIP/2.0 180 Ringing\n"
                              "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\n"
                              "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\n"
                              "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
                              "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\n"
                              "CSeq: 314159 INVITE\n"
                              "Contact: <sip:bob@192.0.2.4>\n"
                              "Content-Length: 0\n"
                              "\n";

static TcSipMessage *
parse_ok (GBytes *wire)
{
  g_autoptr (GError) error = NULL;
  TcSipMessage *message = tc_sip_message_parse_datagram (wire, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

static GVariant *
details_of (TcSipMessage *message)
{
  GVariant *details = tc_details_sip_message (message);

  g_assert_nonnull (details);
  g_assert_true (g_variant_is_floating (details));
  g_variant_ref_sink (details);
  g_assert_cmpstr (g_variant_get_type_string (details), ==, "(sa(ss)ay)");
  return details;
}

/* Start line, headers and body written back as a message. */
static GBytes *
wire_from_details (GVariant *details)
{
  g_autoptr (GString) wire = g_string_new (NULL);
  g_autoptr (GVariantIter) headers = NULL;
  g_autoptr (GVariant) body = NULL;
  const char *start, *name, *value;
  gconstpointer data;
  gsize size;

  g_variant_get (details, "(&sa(ss)@ay)", &start, &headers, &body);
  g_string_append_printf (wire, "%s\r\n", start);
  while (g_variant_iter_next (headers, "(&s&s)", &name, &value))
    g_string_append_printf (wire, "%s: %s\r\n", name, value);
  g_string_append (wire, "\r\n");
  data = g_variant_get_fixed_array (body, &size, 1);
  g_string_append_len (wire, data, (gssize) size);
  return g_string_free_to_bytes (g_steal_pointer (&wire));
}

static void
assert_header (GVariant *details, gsize i, const char *name, const char *value)
{
  g_autoptr (GVariant) headers = g_variant_get_child_value (details, 1);
  const char *got_name, *got_value;

  g_assert_cmpuint (i, <, g_variant_n_children (headers));
  g_variant_get_child (headers, i, "(&s&s)", &got_name, &got_value);
  g_assert_cmpstr (got_name, ==, name);
  g_assert_cmpstr (got_value, ==, value);
}

static void
assert_body (GVariant *details, const void *expected, gsize expected_size)
{
  g_autoptr (GVariant) body = g_variant_get_child_value (details, 2);
  gsize size;
  gconstpointer data = g_variant_get_fixed_array (body, &size, 1);

  g_assert_cmpmem (data, size, expected, expected_size);
}

static void
test_request (void)
{
  g_autoptr (GBytes) wire = tc_test_wire (message_request);
  g_autoptr (TcSipMessage) message = parse_ok (wire);
  g_autoptr (GVariant) details = details_of (message);
  g_autoptr (GVariant) headers = g_variant_get_child_value (details, 1);
  g_autoptr (GBytes) rewritten = NULL;
  g_autoptr (TcSipMessage) again = NULL;
  const char *start;

  g_variant_get_child (details, 0, "&s", &start);
  g_assert_cmpstr (start, ==, "MESSAGE sip:bob@biloxi.example.com SIP/2.0");

  /* Every header, in order, names as written, repeated ones kept apart. */
  g_assert_cmpuint (g_variant_n_children (headers), ==, tc_sip_message_get_n_headers (message));
  g_assert_cmpuint (g_variant_n_children (headers), ==, 12);
  assert_header (details, 0, "Via", "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776sgdkse");
  assert_header (details, 1, "v", "SIP/2.0/UDP proxy.atlanta.example.com;branch=z9hG4bK1");
  assert_header (details, 2, "Max-Forwards", "70");
  assert_header (details, 3, "f", "\"Alice \xc3\x85\" <sip:alice@atlanta.example.com>;tag=49583");
  assert_header (details, 4, "To", "<sip:bob@biloxi.example.com>");
  assert_header (details, 5, "Call-ID", "asd88asd77a@1.2.3.4");
  assert_header (details, 6, "CSeq", "1 MESSAGE");
  assert_header (details, 7, "X-Note", "first");
  assert_header (details, 8, "x-note", "second,\r\n  folded");
  assert_header (details, 9, "X-NOTE", "third");
  assert_header (details, 10, "Content-Type", "text/plain");
  assert_header (details, 11, "Content-Length", "18");

  assert_body (details, "Watson, come here.", 18);

  /* Round trip. */
  rewritten = wire_from_details (details);
  again = parse_ok (rewritten);
  g_assert_true (tc_sip_message_equal (message, again));
}

static void
test_response (void)
{
  g_autoptr (GBytes) wire = tc_test_wire (ringing);
  g_autoptr (TcSipMessage) message = parse_ok (wire);
  g_autoptr (GVariant) details = details_of (message);
  g_autoptr (GVariant) headers = g_variant_get_child_value (details, 1);
  g_autoptr (GBytes) rewritten = NULL;
  g_autoptr (TcSipMessage) again = NULL;
  const char *start;

  g_variant_get_child (details, 0, "&s", &start);
  g_assert_cmpstr (start, ==, "SIP/2.0 180 Ringing");
  g_assert_cmpuint (g_variant_n_children (headers), ==, 7);
  assert_header (details, 0, "Via", "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds");
  assert_header (details, 1, "To", "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf");
  assert_header (details, 5, "Contact", "<sip:bob@192.0.2.4>");
  assert_header (details, 6, "Content-Length", "0");
  assert_body (details, "", 0);

  rewritten = wire_from_details (details);
  again = parse_ok (rewritten);
  g_assert_true (tc_sip_message_equal (message, again));
}

/* A response with no reason phrase, a status code needing its leading
 * digits, and a binary body. */
static void
test_response_binary (void)
{
  static const char head[] = "SIP/2.0 200 \r\n"
                             "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                             "To: <sip:b@h>;tag=2\r\n"
                             "From: <sip:a@h>;tag=1\r\n"
                             "Call-ID: c\r\n"
                             "CSeq: 1 OPTIONS\r\n"
                             "Content-Type: application/octet-stream\r\n"
                             "Content-Length: 5\r\n"
                             "\r\n";
  static const char body[] = "\x00\xff\r\n\x01";
  g_autoptr (GByteArray) wire = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TcSipMessage) message = NULL;
  g_autoptr (GVariant) details = NULL;
  const char *start;

  g_byte_array_append (wire, (const guint8 *) head, sizeof head - 1);
  g_byte_array_append (wire, (const guint8 *) body, sizeof body - 1);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&wire));
  message = parse_ok (bytes);
  details = details_of (message);
  g_variant_get_child (details, 0, "&s", &start);
  g_assert_cmpstr (start, ==, "SIP/2.0 200 ");
  assert_body (details, body, sizeof body - 1);
}

/* SIP allows octets that are not UTF-8 where D-Bus strings do not. */
static void
test_not_utf8 (void)
{
  static const char text[] = "MESSAGE sip:bob@biloxi.example.com SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                             "From: <sip:a@h>;tag=1\r\n"
                             "To: <sip:b@h>\r\n"
                             "Call-ID: c\r\n"
                             "CSeq: 1 MESSAGE\r\n"
                             "Subject: caf\xe9 \xc3\xa9\r\n"
                             "Content-Length: 0\r\n"
                             "\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) message = tc_sip_message_parse (text, sizeof text - 1, NULL, &error);
  g_autoptr (GVariant) details = NULL;

  if (message == NULL)
    {
      g_test_skip ("the parser refuses octets that are not UTF-8");
      return;
    }
  details = details_of (message);
  assert_header (details, 5, "Subject", "caf\xef\xbf\xbd \xc3\xa9");
}

static void
test_from_bytes (void)
{
  g_autoptr (GBytes) wire = tc_test_wire (message_request);
  g_autoptr (TcSipMessage) message = parse_ok (wire);
  g_autoptr (GVariant) expected = details_of (message);
  g_autoptr (GVariant) details = tc_details_sip_message_from_bytes (wire);

  g_assert_nonnull (details);
  g_assert_true (g_variant_is_floating (details));
  g_variant_ref_sink (details);
  g_assert_true (g_variant_equal (details, expected));
}

/* Larger than a datagram may be: the stack took it over a stream. */
static void
test_from_bytes_large (void)
{
  g_autofree char *big = g_strnfill (100 * 1000, 'x');
  g_autofree char *text = g_strdup_printf ("MESSAGE sip:bob@h SIP/2.0\n"
                                           "Via: SIP/2.0/TCP h;branch=z9hG4bK1\n"
                                           "From: <sip:a@h>;tag=1\n"
                                           "To: <sip:b@h>\n"
                                           "Call-ID: c\n"
                                           "CSeq: 1 MESSAGE\n"
                                           "Content-Type: text/plain\n"
                                           "Content-Length: #\n"
                                           "\n%s",
                                           big);
  g_autoptr (GBytes) wire = tc_test_wire (text);
  g_autoptr (GVariant) details = tc_details_sip_message_from_bytes (wire);

  g_assert_nonnull (details);
  g_variant_ref_sink (details);
  assert_body (details, big, strlen (big));
}

static void
test_from_bytes_garbage (void)
{
  static const char *const garbage[] = {
    "",
    "hello",
    "\r\n\r\n",
    "MESSAGE sip:bob@h SIP/2.0\r\n", /* no end of headers */
    "NOT A START LINE\r\nVia: x\r\n\r\n",
    "SIP/2.0 abc OK\r\n\r\n",
    "MESSAGE sip:bob@h SIP/2.0\r\nContent-Length: 99\r\n\r\nshort",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (garbage[i], strlen (garbage[i]));

      g_test_message ("garbage %u", i);
      g_assert_null (tc_details_sip_message_from_bytes (bytes));
    }
  {
    static const guint8 binary[] = { 0x00, 0xff, 0x80, 0x0d, 0x0a, 0x0d, 0x0a };
    g_autoptr (GBytes) bytes = g_bytes_new (binary, sizeof binary);

    g_assert_null (tc_details_sip_message_from_bytes (bytes));
  }
  g_assert_null (tc_details_sip_message_from_bytes (NULL));
}

static void
test_new (void)
{
  g_autoptr (GBytes) wire = tc_test_wire (ringing);
  g_autoptr (TcSipMessage) message = parse_ok (wire);
  g_autoptr (GVariant) expected = details_of (message);
  g_autoptr (GVariant) both = tc_details_new (message, "timeout");
  g_autoptr (GVariant) only_message = NULL;
  g_autoptr (GVariant) only_cause = NULL;
  g_autoptr (GVariant) none = NULL;
  g_autoptr (GVariant) got = NULL;
  g_autoptr (GVariantDict) dict = NULL;
  const char *cause;

  g_assert_true (g_variant_is_floating (both));
  g_variant_ref_sink (both);
  g_assert_cmpstr (g_variant_get_type_string (both), ==, "a{sv}");
  g_assert_cmpuint (g_variant_n_children (both), ==, 2);
  dict = g_variant_dict_new (both);
  got = g_variant_dict_lookup_value (dict, "sip-message", G_VARIANT_TYPE ("(sa(ss)ay)"));
  g_assert_nonnull (got);
  g_assert_true (g_variant_equal (got, expected));
  g_assert_true (g_variant_dict_lookup (dict, "cause", "&s", &cause));
  g_assert_cmpstr (cause, ==, "timeout");

  only_message = g_variant_ref_sink (tc_details_new (message, NULL));
  g_assert_cmpuint (g_variant_n_children (only_message), ==, 1);
  g_clear_pointer (&got, g_variant_unref);
  got = g_variant_lookup_value (only_message, "sip-message", G_VARIANT_TYPE ("(sa(ss)ay)"));
  g_assert_true (g_variant_equal (got, expected));

  only_cause = g_variant_ref_sink (tc_details_new (NULL, "transport-error"));
  g_assert_cmpuint (g_variant_n_children (only_cause), ==, 1);
  g_assert_true (g_variant_lookup (only_cause, "cause", "&s", &cause));
  g_assert_cmpstr (cause, ==, "transport-error");

  none = g_variant_ref_sink (tc_details_new (NULL, NULL));
  g_assert_cmpstr (g_variant_get_type_string (none), ==, "a{sv}");
  g_assert_cmpuint (g_variant_n_children (none), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/details/request", test_request);
  g_test_add_func ("/details/response", test_response);
  g_test_add_func ("/details/response-binary", test_response_binary);
  g_test_add_func ("/details/not-utf8", test_not_utf8);
  g_test_add_func ("/details/from-bytes", test_from_bytes);
  g_test_add_func ("/details/from-bytes-large", test_from_bytes_large);
  g_test_add_func ("/details/from-bytes-garbage", test_from_bytes_garbage);
  g_test_add_func ("/details/new", test_new);

  return g_test_run ();
}
