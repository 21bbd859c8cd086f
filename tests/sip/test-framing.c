/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-framing.c — unit tests of TcSipStreamParser, the framing of SIP
 * messages on a stream transport (RFC 3261 §18.3): a realistic sequence of
 * messages, with and without bodies and with CRLFCRLF keepalive pings
 * between them (RFC 5626 §4.4.1), must come out the same however the bytes
 * are cut: split at every byte boundary, fed byte by byte, in random chunks
 * or all at once.  A message without Content-Length or over the size limit
 * breaks the stream for good.
 */
#include <string.h>

#include <glib.h>

#include "sip-test-util.h"
#include "sip/parser.h"
#include "sip/sip-error.h"

#define SDP_OFFER \
  "v=0\n" \
  "o=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\n" \
  "s=-\n" \
  "c=IN IP4 192.0.2.101\n" \
  "t=0 0\n" \
  "m=audio 49172 RTP/AVP 0\n" \
  "a=rtpmap:0 PCMU/8000\n"

#define SDP_ANSWER \
  "v=0\n" \
  "o=bob 2890844527 2890844527 IN IP4 client.biloxi.example.com\n" \
  "s=-\n" \
  "c=IN IP4 192.0.2.201\n" \
  "t=0 0\n" \
  "m=audio 3456 RTP/AVP 0\n" \
  "a=rtpmap:0 PCMU/8000\n"

/* A call over TCP (RFC 3665 §3.1 style), with an instant message whose body
 * begins with CRLFs and holds text that looks like a request. */
static const char *const call_messages[] = {
  "OPTIONS sip:bob@biloxi.example.com SIP/2.0\n"
  "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b00\n"
  "Max-Forwards: 70\n"
  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
  "To: Bob <sip:bob@biloxi.example.com>\n"
  "Call-ID: opt-3848276298220188511@atlanta.example.com\n"
  "CSeq: 1 OPTIONS\n"
  "Content-Length: 0\n"
  "\n",

  "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
  "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
  "Max-Forwards: 70\n"
  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
  "To: Bob <sip:bob@biloxi.example.com>\n"
  "Call-ID: 3848276298220188511@atlanta.example.com\n"
  "CSeq: 1 INVITE\n"
  "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\n"
  "Content-Type: application/sdp\n"
  "Content-Length: #\n"
  "\n" SDP_OFFER,

  "SIP/2.0 180 Ringing\n"
  "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101\n"
  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
  "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
  "Call-ID: 3848276298220188511@atlanta.example.com\n"
  "CSeq: 1 INVITE\n"
  "Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\n"
  "l: 0\n"
  "\n",

  "SIP/2.0 200 OK\n"
  "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101\n"
  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
  "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
  "Call-ID: 3848276298220188511@atlanta.example.com\n"
  "CSeq: 1 INVITE\n"
  "Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\n"
  "Content-Type: application/sdp\n"
  "Content-Length: #\n"
  "\n" SDP_ANSWER,

  "ACK sip:bob@client.biloxi.example.com SIP/2.0\n"
  "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bd5\n"
  "Max-Forwards: 70\n"
  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
  "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
  "Call-ID: 3848276298220188511@atlanta.example.com\n"
  "CSeq: 1 ACK\n"
  "Content-Length: 0\n"
  "\n",

  "MESSAGE sip:bob@client.biloxi.example.com SIP/2.0\n"
  "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bd6\n"
  "Max-Forwards: 70\n"
  "From: Alice <sip:alice@atlanta.example.com>;tag=m1\n"
  "To: Bob <sip:bob@biloxi.example.com>\n"
  "Call-ID: msg-1@atlanta.example.com\n"
  "CSeq: 1 MESSAGE\n"
  "Content-Type: text/plain\n"
  "Content-Length: #\n"
  "\n"
  "\n"
  "\n"
  "BYE sip:bob@client.biloxi.example.com SIP/2.0\n"
  "Content-Length: 0\n"
  "\n",

  "BYE sip:bob@client.biloxi.example.com SIP/2.0\n"
  "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf4\n"
  "Max-Forwards: 70\n"
  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
  "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
  "Call-ID: 3848276298220188511@atlanta.example.com\n"
  "CSeq: 2 BYE\n"
  "Content-Length: 0\n"
  "\n",
};

/* What goes on the stream before each message (RFC 5626 §4.4.1 pings) and
 * after the last one. */
static const char *const gaps[] = {
  "\r\n\r\n", "", "\r\n\r\n", "", "\r\n\r\n\r\n\r\n", "", "", "\r\n\r\n",
};
#define N_PINGS 5

typedef struct {
  GPtrArray *wires; /* GBytes, one per message */
  GPtrArray *refs;  /* TcSipMessage, each parsed alone as a datagram */
  GByteArray *stream;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  guint i;

  G_STATIC_ASSERT (G_N_ELEMENTS (gaps) == G_N_ELEMENTS (call_messages) + 1);

  f->wires = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  f->refs = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
  f->stream = g_byte_array_new ();

  for (i = 0; i < G_N_ELEMENTS (call_messages); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = tc_test_wire (call_messages[i]);
      g_autoptr (TcSipMessage) msg = tc_sip_message_parse_datagram (bytes, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (msg);
      g_byte_array_append (f->stream, (const guint8 *) gaps[i], strlen (gaps[i]));
      g_byte_array_append (f->stream, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_ptr_array_add (f->wires, g_steal_pointer (&bytes));
      g_ptr_array_add (f->refs, g_steal_pointer (&msg));
    }
  g_byte_array_append (f->stream, (const guint8 *) gaps[i], strlen (gaps[i]));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->wires, g_ptr_array_unref);
  g_clear_pointer (&f->refs, g_ptr_array_unref);
  g_clear_pointer (&f->stream, g_byte_array_unref);
}

/* Takes every complete message out of @parser into @out, adding the pings
 * seen to @pings; the stream must not fail. */
static void
drain (TcSipStreamParser *parser, GPtrArray *out, guint *pings)
{
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TcSipMessage) msg = tc_sip_stream_parser_next (parser, &error);

      g_assert_no_error (error);
      if (!msg)
        break;
      g_ptr_array_add (out, g_steal_pointer (&msg));
    }
  *pings += tc_sip_stream_parser_take_pings (parser);
}

/* The parser needs more bytes: no message and no error. */
static void
assert_waiting (TcSipStreamParser *parser)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = tc_sip_stream_parser_next (parser, &error);

  g_assert_no_error (error);
  g_assert_null (msg);
}

/* The messages out of the stream are those parsed alone, byte for byte. */
static void
assert_messages (Fixture *f, GPtrArray *got, guint pings, TcSipStreamParser *parser)
{
  guint i;

  g_assert_cmpuint (got->len, ==, f->refs->len);
  for (i = 0; i < got->len; i++)
    {
      TcSipMessage *msg = g_ptr_array_index (got, i);
      GBytes *expected = g_ptr_array_index (f->wires, i);
      g_autoptr (GBytes) bytes = tc_sip_message_to_bytes (msg);

      g_assert_true (tc_sip_message_equal (msg, g_ptr_array_index (f->refs, i)));
      g_assert_true (g_bytes_equal (bytes, expected));
    }
  g_assert_cmpuint (pings, ==, N_PINGS);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 0);
}

static void
test_one_feed (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
  guint pings = 0;

  tc_sip_stream_parser_feed (parser, f->stream->data, f->stream->len);
  drain (parser, got, &pings);
  assert_messages (f, got, pings, parser);
}

/* For every split point: the prefix, then the suffix. */
static void
test_every_split (Fixture *f, gconstpointer data)
{
  gsize k;

  for (k = 0; k <= f->stream->len; k++)
    {
      g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
      g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
      guint pings = 0;

      tc_sip_stream_parser_feed (parser, f->stream->data, k);
      drain (parser, got, &pings);
      tc_sip_stream_parser_feed (parser, f->stream->data + k, f->stream->len - k);
      drain (parser, got, &pings);

      if (got->len != f->refs->len || pings != N_PINGS)
        g_test_message ("split at byte %" G_GSIZE_FORMAT ": %u messages, %u pings", k, got->len, pings);
      assert_messages (f, got, pings, parser);
    }
}

static void
test_byte_by_byte (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
  guint pings = 0;
  gsize i;

  for (i = 0; i < f->stream->len; i++)
    {
      tc_sip_stream_parser_feed (parser, f->stream->data + i, 1);
      drain (parser, got, &pings);
    }
  assert_messages (f, got, pings, parser);
}

/* Chunks of random sizes; the seed is printed by --verbose for a rerun. */
static void
test_random_chunks (Fixture *f, gconstpointer data)
{
  guint round;

  for (round = 0; round < 100; round++)
    {
      g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
      g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
      guint pings = 0;
      gsize pos = 0;

      while (pos < f->stream->len)
        {
          gsize n = g_test_rand_int_range (1, 200);

          n = MIN (n, f->stream->len - pos);

          tc_sip_stream_parser_feed (parser, f->stream->data + pos, n);
          pos += n;
          /* Sometimes let several chunks pile up before asking. */
          if (g_test_rand_bit () || pos == f->stream->len)
            drain (parser, got, &pings);
        }
      assert_messages (f, got, pings, parser);
    }
}

/* The messages come out one at a time, and get_pending() counts what has
 * not come out yet. */
static void
test_pending (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) first = NULL;
  g_autoptr (TcSipMessage) second = NULL;
  GBytes *m1 = g_ptr_array_index (f->wires, 1);
  GBytes *m2 = g_ptr_array_index (f->wires, 2);
  const guint8 *d1 = g_bytes_get_data (m1, NULL);
  const guint8 *d2 = g_bytes_get_data (m2, NULL);
  gsize n1 = g_bytes_get_size (m1);
  gsize n2 = g_bytes_get_size (m2);

  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 0);

  /* Half the headers. */
  tc_sip_stream_parser_feed (parser, d1, 40);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 40);
  assert_waiting (parser);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 40);

  /* All the headers, part of the body. */
  tc_sip_stream_parser_feed (parser, d1 + 40, n1 - 40 - 10);
  assert_waiting (parser);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, n1 - 10);

  /* The rest of the body and the start of the next message. */
  tc_sip_stream_parser_feed (parser, d1 + n1 - 10, 10);
  tc_sip_stream_parser_feed (parser, d2, 25);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, n1 + 25);
  first = tc_sip_stream_parser_next (parser, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_true (tc_sip_message_equal (first, g_ptr_array_index (f->refs, 1)));
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 25);
  assert_waiting (parser);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 25);

  tc_sip_stream_parser_feed (parser, d2 + 25, n2 - 25);
  second = tc_sip_stream_parser_next (parser, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_true (tc_sip_message_equal (second, g_ptr_array_index (f->refs, 2)));
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 0);
}

/* The returned message does not depend on the parser's buffer. */
static void
test_message_outlives_parser (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  g_autoptr (GBytes) bytes = NULL;
  GBytes *expected = g_ptr_array_index (f->wires, 1);

  /* The OPTIONS, dropped, then the INVITE. */
  tc_sip_stream_parser_feed (parser, f->stream->data, f->stream->len);
  msg = tc_sip_stream_parser_next (parser, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_clear_pointer (&msg, tc_sip_message_unref);
  msg = tc_sip_stream_parser_next (parser, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);

  /* More input, which may move or free the buffer, then no parser at all. */
  tc_sip_stream_parser_feed (parser, f->stream->data, f->stream->len);
  g_clear_pointer (&parser, tc_sip_stream_parser_free);

  bytes = tc_sip_message_to_bytes (msg);
  g_assert_true (g_bytes_equal (bytes, expected));
  g_assert_cmpuint (tc_sip_message_get_cseq (msg)->seq, ==, 1);
  g_assert_cmpuint (tc_sip_message_get_body (msg).len, ==, strlen (SDP_OFFER) + 7 /* CRs */);
}

/* Framing reads Content-Length in all its forms: compact, any case, LWS
 * before the colon, a folded value; a look-alike name does not count. */
static void
test_content_length_forms (void)
{
  static const char *const heads[] = {
    "l: 5\n",
    "content-LENGTH : 5\n",
    "Content-Length:\n   5\n",
    "X-Content-Length: 999\nContent-Length: 5\n",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (heads); i++)
    {
      g_autofree char *text = g_strdup_printf ("MESSAGE sip:bob@biloxi.example.com SIP/2.0\n"
                                               "Via: SIP/2.0/TCP client.atlanta.example.com;branch=z9hG4bKcl%u\n"
                                               "From: <sip:alice@atlanta.example.com>;tag=1\n"
                                               "To: <sip:bob@biloxi.example.com>\n"
                                               "Call-ID: cl%u@atlanta.example.com\n"
                                               "CSeq: 1 MESSAGE\n"
                                               "%s"
                                               "\n"
                                               "hello",
                                               i, i, heads[i]);
      g_autoptr (GBytes) bytes = tc_test_wire (text);
      g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (TcSipMessage) msg = NULL;
      g_autoptr (TcSipMessage) next = NULL;
      TcSipStr body;

      g_test_message ("%s", heads[i]);
      tc_sip_stream_parser_feed (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      tc_sip_stream_parser_feed (parser, "\r\n\r\n", 4);
      msg = tc_sip_stream_parser_next (parser, &error);
      g_assert_no_error (error);
      g_assert_nonnull (msg);
      body = tc_sip_message_get_body (msg);
      g_assert_cmpmem (body.str, body.len, "hello", 5);
      next = tc_sip_stream_parser_next (parser, &error);
      g_assert_no_error (error);
      g_assert_null (next);
      g_assert_cmpuint (tc_sip_stream_parser_take_pings (parser), ==, 1);
      g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 0);
    }
}

/* Keepalives (RFC 5626 §4.4.1; RFC 3261 §7.5). */

static void
test_ping_alone (void)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);

  tc_sip_stream_parser_feed (parser, "\r\n\r\n", 4);
  assert_waiting (parser);
  g_assert_cmpuint (tc_sip_stream_parser_take_pings (parser), ==, 1);
  g_assert_cmpuint (tc_sip_stream_parser_take_pings (parser), ==, 0);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 0);

  /* Two more, in pieces. */
  tc_sip_stream_parser_feed (parser, "\r\n\r", 3);
  assert_waiting (parser);
  tc_sip_stream_parser_feed (parser, "\n\r\n\r\n", 5);
  assert_waiting (parser);
  g_assert_cmpuint (tc_sip_stream_parser_take_pings (parser), ==, 2);
}

/* A lone CRLF (a pong) before a message is skipped and is no ping. */
static void
test_pong_before_message (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  GBytes *m0 = g_ptr_array_index (f->wires, 0);

  tc_sip_stream_parser_feed (parser, "\r\n", 2);
  tc_sip_stream_parser_feed (parser, g_bytes_get_data (m0, NULL), g_bytes_get_size (m0));
  msg = tc_sip_stream_parser_next (parser, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_true (tc_sip_message_equal (msg, g_ptr_array_index (f->refs, 0)));
  g_assert_cmpuint (tc_sip_stream_parser_take_pings (parser), ==, 0);
  g_assert_cmpuint (tc_sip_stream_parser_get_pending (parser), ==, 0);
}

/* Broken streams. */

static void
assert_failed_for_good (TcSipStreamParser *parser, TcSipErrorCode code, const char *mention, GBytes *more)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) again = NULL;
  g_autoptr (GError) after_more = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  g_autoptr (TcSipMessage) msg_again = NULL;
  g_autoptr (TcSipMessage) msg_after_more = NULL;

  msg = tc_sip_stream_parser_next (parser, &error);
  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, (gint) code);
  g_test_message ("error: %s", error->message);
  if (mention)
    g_assert_nonnull (strstr (error->message, mention));

  msg_again = tc_sip_stream_parser_next (parser, &again);
  g_assert_null (msg_again);
  g_assert_nonnull (again);
  g_assert_true (again->domain == TC_SIP_ERROR);

  /* Even a good message does not revive it. */
  tc_sip_stream_parser_feed (parser, g_bytes_get_data (more, NULL), g_bytes_get_size (more));
  msg_after_more = tc_sip_stream_parser_next (parser, &after_more);
  g_assert_null (msg_after_more);
  g_assert_nonnull (after_more);
  g_assert_true (after_more->domain == TC_SIP_ERROR);
}

static void
test_missing_content_length (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GBytes) no_length = tc_test_wire ("OPTIONS sip:bob@biloxi.example.com SIP/2.0\n"
                                               "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b01\n"
                                               "Max-Forwards: 70\n"
                                               "From: <sip:alice@atlanta.example.com>;tag=1\n"
                                               "To: <sip:bob@biloxi.example.com>\n"
                                               "Call-ID: nolen@atlanta.example.com\n"
                                               "CSeq: 1 OPTIONS\n"
                                               "\n");
  GBytes *good = g_ptr_array_index (f->wires, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) first = NULL;

  /* A good message first: it comes out, then the stream breaks. */
  tc_sip_stream_parser_feed (parser, g_bytes_get_data (good, NULL), g_bytes_get_size (good));
  tc_sip_stream_parser_feed (parser, g_bytes_get_data (no_length, NULL), g_bytes_get_size (no_length));
  first = tc_sip_stream_parser_next (parser, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  assert_failed_for_good (parser, TC_SIP_ERROR_PARSE, "Content-Length", good);
}

static void
test_garbage (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  static const char garbage[] = "HELLO WORLD\r\nthis is not SIP\r\n\r\n";

  tc_sip_stream_parser_feed (parser, garbage, strlen (garbage));
  assert_failed_for_good (parser, TC_SIP_ERROR_PARSE, NULL, g_ptr_array_index (f->wires, 0));
}

/* A Content-Length shorter than the body leaves octets that are not a
 * message: the stream breaks there. */
static void
test_short_content_length (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GBytes) bad = tc_test_wire ("MESSAGE sip:bob@biloxi.example.com SIP/2.0\n"
                                         "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b02\n"
                                         "From: <sip:alice@atlanta.example.com>;tag=1\n"
                                         "To: <sip:bob@biloxi.example.com>\n"
                                         "Call-ID: short@atlanta.example.com\n"
                                         "CSeq: 1 MESSAGE\n"
                                         "Content-Type: text/plain\n"
                                         "Content-Length: 2\n"
                                         "\n"
                                         "Hello there, Bob\n"
                                         "\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_stream_parser_feed (parser, g_bytes_get_data (bad, NULL), g_bytes_get_size (bad));
  msg = tc_sip_stream_parser_next (parser, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_cmpuint (tc_sip_message_get_body (msg).len, ==, 2);
  assert_failed_for_good (parser, TC_SIP_ERROR_PARSE, NULL, g_ptr_array_index (f->wires, 0));
}

static void
test_too_large (Fixture *f, gconstpointer data)
{
  GBytes *invite = g_ptr_array_index (f->wires, 1);
  gsize size = g_bytes_get_size (invite);
  TcSipParserLimits limits;
  g_autoptr (TcSipStreamParser) at_limit = NULL;
  g_autoptr (TcSipStreamParser) parser = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_parser_limits_init (&limits);
  limits.max_message_size = size;
  at_limit = tc_sip_stream_parser_new (&limits);
  tc_sip_stream_parser_feed (at_limit, g_bytes_get_data (invite, NULL), size);
  msg = tc_sip_stream_parser_next (at_limit, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);

  limits.max_message_size = size - 1;
  parser = tc_sip_stream_parser_new (&limits);
  tc_sip_stream_parser_feed (parser, g_bytes_get_data (invite, NULL), size);
  assert_failed_for_good (parser, TC_SIP_ERROR_TOO_LARGE, NULL, g_ptr_array_index (f->wires, 0));
}

/* The parser does not wait for the end of a header section that is already
 * over the limit: a peer cannot make it buffer without bound. */
static void
test_too_large_unterminated (Fixture *f, gconstpointer data)
{
  TcSipParserLimits limits;
  g_autoptr (TcSipStreamParser) parser = NULL;
  g_autoptr (GString) head = g_string_new ("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  guint i;

  tc_sip_parser_limits_init (&limits);
  limits.max_message_size = 1000;
  parser = tc_sip_stream_parser_new (&limits);
  for (i = 0; head->len <= 2000; i++)
    g_string_append_printf (head, "X-Filler-%u: %s\r\n", i, "abcdefghijklmnopqrstuvwxyz");
  tc_sip_stream_parser_feed (parser, head->str, head->len);

  msg = tc_sip_stream_parser_next (parser, &error);
  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_TOO_LARGE);
  g_assert_cmpuint (tc_sip_error_get_status (error), ==, 513);
}

/* Nor for a body its Content-Length already puts over the limit. */
static void
test_too_large_content_length (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  g_autoptr (GBytes) head = tc_test_wire ("MESSAGE sip:bob@biloxi.example.com SIP/2.0\n"
                                          "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b03\n"
                                          "From: <sip:alice@atlanta.example.com>;tag=1\n"
                                          "To: <sip:bob@biloxi.example.com>\n"
                                          "Call-ID: huge@atlanta.example.com\n"
                                          "CSeq: 1 MESSAGE\n"
                                          "Content-Type: text/plain\n"
                                          "Content-Length: 1000000\n"
                                          "\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_stream_parser_feed (parser, g_bytes_get_data (head, NULL), g_bytes_get_size (head));
  tc_sip_stream_parser_feed (parser, "some of the body", 16);
  msg = tc_sip_stream_parser_next (parser, &error);
  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_TOO_LARGE);
  g_assert_cmpuint (tc_sip_error_get_status (error), ==, 513);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/framing/one-feed", Fixture, NULL, fixture_set_up, test_one_feed, fixture_tear_down);
  g_test_add ("/sip/framing/every-split", Fixture, NULL, fixture_set_up, test_every_split, fixture_tear_down);
  g_test_add ("/sip/framing/byte-by-byte", Fixture, NULL, fixture_set_up, test_byte_by_byte, fixture_tear_down);
  g_test_add ("/sip/framing/random-chunks", Fixture, NULL, fixture_set_up, test_random_chunks, fixture_tear_down);
  g_test_add ("/sip/framing/pending", Fixture, NULL, fixture_set_up, test_pending, fixture_tear_down);
  g_test_add ("/sip/framing/message-outlives-parser", Fixture, NULL, fixture_set_up, test_message_outlives_parser,
              fixture_tear_down);
  g_test_add_func ("/sip/framing/content-length-forms", test_content_length_forms);
  g_test_add_func ("/sip/framing/keepalive/ping-alone", test_ping_alone);
  g_test_add ("/sip/framing/keepalive/pong-before-message", Fixture, NULL, fixture_set_up, test_pong_before_message,
              fixture_tear_down);
  g_test_add ("/sip/framing/broken/missing-content-length", Fixture, NULL, fixture_set_up, test_missing_content_length,
              fixture_tear_down);
  g_test_add ("/sip/framing/broken/garbage", Fixture, NULL, fixture_set_up, test_garbage, fixture_tear_down);
  g_test_add ("/sip/framing/broken/short-content-length", Fixture, NULL, fixture_set_up, test_short_content_length,
              fixture_tear_down);
  g_test_add ("/sip/framing/limits/too-large", Fixture, NULL, fixture_set_up, test_too_large, fixture_tear_down);
  g_test_add ("/sip/framing/limits/too-large-unterminated", Fixture, NULL, fixture_set_up, test_too_large_unterminated,
              fixture_tear_down);
  g_test_add ("/sip/framing/limits/too-large-content-length", Fixture, NULL, fixture_set_up,
              test_too_large_content_length, fixture_tear_down);

  return g_test_run ();
}
