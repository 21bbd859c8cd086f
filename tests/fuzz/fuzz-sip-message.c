/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-sip-message.c — libFuzzer target for the SIP message parser
 * (parser.h, message.h), in the manner of systemd's fuzz-dns-packet.c.
 *
 * The input is parsed as a datagram.  A message that parses has every typed
 * getter read (each view checked to lie in the datagram), every header
 * re-validated, and must round-trip: tc_sip_message_to_bytes() parses again
 * into an equal message, serializes to the same bytes, and reads back the
 * same through the stream parser.  The input is also parsed under tighter
 * limits (accepting there implies accepting under the defaults) and fed to
 * the stream parser whole and cut in three chunks, which must yield the same
 * messages.  Any broken contract abort()s (see fuzz-util.h).
 */
#include "fuzz-util.h"

#include "sip/parser.h"
#include "sip/sip-error.h"

#define MAX_STREAM_MESSAGES 64

static char *
esc_bytes (const void *data, gsize len)
{
  g_autofree char *copy = g_strndup (data, len);

  return g_strescape (copy, NULL);
}

static void
exercise_token_header (const TcSipMessage *msg, const TcSipHeader *h)
{
  TcSipListIter iter;
  TcSipStr element;

  tc_sip_list_iter_init (&iter, h->value);
  while (tc_sip_list_iter_next (&iter, &element))
    {
      g_autofree char *token = NULL;

      if (element.len == 0 || memchr (element.str, '\0', element.len))
        continue;
      token = g_strndup (element.str, element.len);
      fuzz_check (tc_sip_message_has_token (msg, h->id, token),
                  "has_token (%s, \"%s\") is FALSE although the header lists it", tc_sip_header_id_to_name (h->id),
                  token);
    }
}

/* Every header: name maps to its id, the lookups find it, a known header
 * validates on its own (the message parser validated it), and the list
 * headers flatten into as many typed values as they have elements. */
static void
exercise_headers (const TcSipMessage *msg, FuzzBuf buf)
{
  guint n = tc_sip_message_get_n_headers (msg);
  guint n_via = 0, n_contact = 0, n_route = 0, n_rr = 0;

  for (guint i = 0; i < n; i++)
    {
      const TcSipHeader *h = tc_sip_message_get_header (msg, i);
      g_autoptr (GError) error = NULL;
      g_autofree char *name = NULL;
      gboolean ok;
      gint found;

      fuzz_check (h != NULL, "header %u of %u is NULL", i, n);
      fuzz_touch_str (h->name, buf, "header name");
      fuzz_touch_str (h->value, buf, "header value");
      fuzz_check (h->name.len > 0, "header %u has an empty name", i);
      fuzz_check (h->value.str != NULL, "header %u has no value view", i);
      fuzz_check (tc_sip_header_id_from_name (h->name.str, h->name.len) == h->id,
                  "header \"%s\" has id %d, its name maps to %d", esc_bytes (h->name.str, h->name.len), (int) h->id,
                  (int) tc_sip_header_id_from_name (h->name.str, h->name.len));

      if (h->id != TC_SIP_HEADER_OTHER)
        fuzz_check (tc_sip_message_find_header (msg, h->id, i) == (gint) i,
                    "find_header (%s, %u) does not find header %u", tc_sip_header_id_to_name (h->id), i, i);
      if (!memchr (h->name.str, '\0', h->name.len))
        {
          TcSipStr value;

          name = g_strndup (h->name.str, h->name.len);
          found = tc_sip_message_find_header_by_name (msg, name, 0);
          fuzz_check (found >= 0 && found <= (gint) i, "find_header_by_name (\"%s\") returned %d for header %u", name,
                      found, i);
          value = tc_sip_message_get_header_value (msg, name);
          fuzz_check (value.str == tc_sip_message_get_header (msg, (guint) found)->value.str,
                      "get_header_value (\"%s\") is not the first such header", name);
        }

      if (h->id == TC_SIP_HEADER_OTHER)
        continue;
      ok = tc_sip_header_validate (h->id, h->value, &error);
      fuzz_check_result (ok, error, "tc_sip_header_validate");
      fuzz_check (ok, "the message was accepted, but its %s header \"%s\" does not validate: %s",
                  tc_sip_header_id_to_name (h->id), esc_bytes (h->value.str, h->value.len), error->message);

      switch (h->id)
        {
        case TC_SIP_HEADER_VIA:
          n_via += fuzz_exercise_list (h->value);
          break;
        case TC_SIP_HEADER_CONTACT:
          n_contact += fuzz_exercise_list (h->value);
          break;
        case TC_SIP_HEADER_ROUTE:
          n_route += fuzz_exercise_list (h->value);
          break;
        case TC_SIP_HEADER_RECORD_ROUTE:
          n_rr += fuzz_exercise_list (h->value);
          break;
        case TC_SIP_HEADER_ALLOW:
        case TC_SIP_HEADER_SUPPORTED:
        case TC_SIP_HEADER_REQUIRE:
        case TC_SIP_HEADER_PROXY_REQUIRE:
        case TC_SIP_HEADER_UNSUPPORTED:
        case TC_SIP_HEADER_ALLOW_EVENTS:
          exercise_token_header (msg, h);
          break;
        case TC_SIP_HEADER_OTHER:
        case TC_SIP_HEADER_ACCEPT:
        case TC_SIP_HEADER_AUTHORIZATION:
        case TC_SIP_HEADER_CALL_ID:
        case TC_SIP_HEADER_CONTENT_DISPOSITION:
        case TC_SIP_HEADER_CONTENT_ENCODING:
        case TC_SIP_HEADER_CONTENT_LENGTH:
        case TC_SIP_HEADER_CONTENT_TYPE:
        case TC_SIP_HEADER_CSEQ:
        case TC_SIP_HEADER_DATE:
        case TC_SIP_HEADER_EVENT:
        case TC_SIP_HEADER_EXPIRES:
        case TC_SIP_HEADER_FROM:
        case TC_SIP_HEADER_MAX_FORWARDS:
        case TC_SIP_HEADER_MIN_EXPIRES:
        case TC_SIP_HEADER_MIN_SE:
        case TC_SIP_HEADER_PROXY_AUTHENTICATE:
        case TC_SIP_HEADER_PROXY_AUTHORIZATION:
        case TC_SIP_HEADER_REFER_TO:
        case TC_SIP_HEADER_REFERRED_BY:
        case TC_SIP_HEADER_REPLACES:
        case TC_SIP_HEADER_RETRY_AFTER:
        case TC_SIP_HEADER_SESSION_EXPIRES:
        case TC_SIP_HEADER_SIP_ETAG:
        case TC_SIP_HEADER_SIP_IF_MATCH:
        case TC_SIP_HEADER_SUBJECT:
        case TC_SIP_HEADER_SUBSCRIPTION_STATE:
        case TC_SIP_HEADER_TO:
        case TC_SIP_HEADER_USER_AGENT:
        case TC_SIP_HEADER_WARNING:
        case TC_SIP_HEADER_WWW_AUTHENTICATE:
        case TC_SIP_HEADER_N_IDS:
          break;
        }
    }

  /* message.h: list headers are flattened into the typed arrays. */
  fuzz_check (tc_sip_message_get_n_vias (msg) == n_via, "%u Via values but %u Via list elements",
              tc_sip_message_get_n_vias (msg), n_via);
  fuzz_check (tc_sip_message_get_n_contacts (msg) == n_contact, "%u Contact values but %u Contact list elements",
              tc_sip_message_get_n_contacts (msg), n_contact);
  fuzz_check (tc_sip_message_get_n_routes (msg) == n_route, "%u Route values but %u Route list elements",
              tc_sip_message_get_n_routes (msg), n_route);
  fuzz_check (tc_sip_message_get_n_record_routes (msg) == n_rr,
              "%u Record-Route values but %u Record-Route list elements", tc_sip_message_get_n_record_routes (msg),
              n_rr);
}

static void
exercise_start_line (TcSipMessage *msg, FuzzBuf buf)
{
  if (tc_sip_message_is_request (msg))
    {
      TcSipStr name = tc_sip_message_get_method_name (msg);
      TcSipMethod method = tc_sip_message_get_method (msg);
      const TcSipUri *uri;

      fuzz_touch_str (name, buf, "method");
      fuzz_check (name.len > 0, "request without a method name");
      fuzz_check (tc_sip_method_from_name (name.str, name.len) == method, "method %d for \"%s\"", (int) method,
                  esc_bytes (name.str, name.len));
      if (method != TC_SIP_METHOD_OTHER)
        fuzz_check (tc_sip_str_equal (name, tc_sip_method_to_name (method)), "method %s written \"%s\"",
                    tc_sip_method_to_name (method), esc_bytes (name.str, name.len));
      fuzz_touch_str (tc_sip_message_get_request_uri_text (msg), buf, "Request-URI");
      fuzz_check (tc_sip_message_get_request_uri_text (msg).len > 0, "request with an empty Request-URI");
      uri = tc_sip_message_get_request_uri (msg);
      if (uri)
        {
          fuzz_exercise_uri (uri);
          fuzz_check (tc_sip_message_get_request_uri (msg) == uri, "the Request-URI is parsed twice");
        }
    }
  else
    {
      guint status = tc_sip_message_get_status (msg);

      fuzz_check (status >= 100 && status <= 699, "status %u", status);
      fuzz_touch_str (tc_sip_message_get_reason (msg), buf, "reason phrase");
    }
}

static void
exercise_on_demand_headers (const TcSipMessage *msg, FuzzBuf buf)
{
  static const TcSipHeaderId auth_ids[] = {
    TC_SIP_HEADER_AUTHORIZATION,
    TC_SIP_HEADER_PROXY_AUTHORIZATION,
    TC_SIP_HEADER_WWW_AUTHENTICATE,
    TC_SIP_HEADER_PROXY_AUTHENTICATE,
  };
  static const TcSipHeaderId token_ids[] = {
    TC_SIP_HEADER_ALLOW,         TC_SIP_HEADER_SUPPORTED,   TC_SIP_HEADER_REQUIRE,
    TC_SIP_HEADER_PROXY_REQUIRE, TC_SIP_HEADER_UNSUPPORTED, TC_SIP_HEADER_ALLOW_EVENTS,
  };
  static const char *const tokens[] = { "INVITE", "timer", "100rel", "replaces", "presence", "gruu", "" };
  /* Each value takes at least one byte of a message of at most 64 KiB. */
  const guint max_index = 65536;
  TcSipEvent event;
  TcSipSubscriptionState ss;
  TcSipRetryAfter ra;
  TcSipSessionExpires se;
  TcSipReplaces replaces;
  TcSipNameAddr addr;

  for (gsize k = 0; k < G_N_ELEMENTS (auth_ids); k++)
    for (guint index = 0;; index++)
      {
        TcSipAuth auth;

        if (!tc_sip_message_get_auth (msg, auth_ids[k], index, &auth))
          break;
        fuzz_check (index <= max_index, "get_auth (%s) does not run out of values",
                    tc_sip_header_id_to_name (auth_ids[k]));
        fuzz_exercise_auth (&auth, buf);
      }

  if (tc_sip_message_get_event (msg, &event))
    {
      fuzz_touch_str (event.package, buf, "Event package");
      fuzz_touch_str (event.id, buf, "Event id");
      fuzz_check (event.package.len > 0, "Event without a package");
      fuzz_exercise_params (&event.params, buf);
    }
  if (tc_sip_message_get_subscription_state (msg, &ss))
    {
      fuzz_touch_str (ss.state, buf, "Subscription-State");
      fuzz_touch_str (ss.reason, buf, "Subscription-State reason");
      fuzz_check (ss.state.len > 0, "Subscription-State without a state");
      fuzz_check (ss.expires >= -1 && ss.retry_after >= -1, "Subscription-State expires/retry-after < -1");
      fuzz_exercise_params (&ss.params, buf);
    }
  if (tc_sip_message_get_retry_after (msg, &ra))
    {
      fuzz_touch_str (ra.comment, buf, "Retry-After comment");
      fuzz_check (ra.duration >= -1, "Retry-After duration %" G_GINT64_FORMAT, ra.duration);
      fuzz_exercise_params (&ra.params, buf);
    }
  if (tc_sip_message_get_session_expires (msg, &se))
    {
      fuzz_touch_str (se.refresher, buf, "Session-Expires refresher");
      fuzz_exercise_params (&se.params, buf);
    }
  if (tc_sip_message_get_replaces (msg, &replaces))
    {
      fuzz_touch_str (replaces.call_id, buf, "Replaces call-id");
      fuzz_touch_str (replaces.to_tag, buf, "Replaces to-tag");
      fuzz_touch_str (replaces.from_tag, buf, "Replaces from-tag");
      fuzz_check (replaces.call_id.len > 0, "Replaces without a call-id");
      fuzz_exercise_params (&replaces.params, buf);
    }
  if (tc_sip_message_get_name_addr (msg, TC_SIP_HEADER_REFER_TO, &addr))
    fuzz_exercise_name_addr (&addr, buf);
  if (tc_sip_message_get_name_addr (msg, TC_SIP_HEADER_REFERRED_BY, &addr))
    fuzz_exercise_name_addr (&addr, buf);

  for (gsize k = 0; k < G_N_ELEMENTS (token_ids); k++)
    for (gsize t = 0; t < G_N_ELEMENTS (tokens); t++)
      (void) tc_sip_message_has_token (msg, token_ids[k], tokens[t]);
}

static void
exercise_message (TcSipMessage *msg, FuzzBuf buf)
{
  const TcSipContentType *ct;
  const TcSipCSeq *cseq;
  TcSipStr body;
  gint64 content_length;
  guint n;

  exercise_start_line (msg, buf);
  exercise_headers (msg, buf);

  n = tc_sip_message_get_n_vias (msg);
  for (guint i = 0; i < n; i++)
    {
      const TcSipVia *via = tc_sip_message_get_via (msg, i);

      fuzz_check (via != NULL, "Via %u of %u is NULL", i, n);
      fuzz_exercise_via (via, buf);
    }
  if (tc_sip_message_get_from (msg))
    fuzz_exercise_name_addr (tc_sip_message_get_from (msg), buf);
  if (tc_sip_message_get_to (msg))
    fuzz_exercise_name_addr (tc_sip_message_get_to (msg), buf);
  fuzz_touch_str (tc_sip_message_get_call_id (msg), buf, "Call-ID");
  cseq = tc_sip_message_get_cseq (msg);
  if (cseq)
    {
      fuzz_touch_str (cseq->method, buf, "CSeq method");
      fuzz_check (cseq->method.len > 0, "CSeq without a method");
    }
  n = tc_sip_message_get_n_contacts (msg);
  for (guint i = 0; i < n; i++)
    {
      const TcSipContact *contact = tc_sip_message_get_contact (msg, i);

      fuzz_check (contact != NULL, "Contact %u of %u is NULL", i, n);
      fuzz_exercise_contact (contact, buf);
    }
  n = tc_sip_message_get_n_routes (msg);
  for (guint i = 0; i < n; i++)
    {
      const TcSipNameAddr *route = tc_sip_message_get_route (msg, i);

      fuzz_check (route != NULL, "Route %u of %u is NULL", i, n);
      fuzz_exercise_name_addr (route, buf);
    }
  n = tc_sip_message_get_n_record_routes (msg);
  for (guint i = 0; i < n; i++)
    {
      const TcSipNameAddr *rr = tc_sip_message_get_record_route (msg, i);

      fuzz_check (rr != NULL, "Record-Route %u of %u is NULL", i, n);
      fuzz_exercise_name_addr (rr, buf);
    }
  fuzz_check (tc_sip_message_get_max_forwards (msg) >= -1 && tc_sip_message_get_max_forwards (msg) <= 255,
              "Max-Forwards %d", tc_sip_message_get_max_forwards (msg));
  fuzz_check (tc_sip_message_get_expires (msg) >= -1, "Expires < -1");
  fuzz_check (tc_sip_message_get_min_expires (msg) >= -1, "Min-Expires < -1");
  ct = tc_sip_message_get_content_type (msg);
  if (ct)
    {
      fuzz_touch_str (ct->type, buf, "Content-Type type");
      fuzz_touch_str (ct->subtype, buf, "Content-Type subtype");
      fuzz_check (ct->type.len > 0 && ct->subtype.len > 0, "Content-Type without type or subtype");
      fuzz_exercise_params (&ct->params, buf);
    }

  exercise_on_demand_headers (msg, buf);

  body = tc_sip_message_get_body (msg);
  fuzz_touch_str (body, buf, "body");
  /* parser.h: octets past Content-Length are discarded, a shorter body is
   * an error; so the body is exactly Content-Length long. */
  content_length = tc_sip_message_get_content_length (msg);
  fuzz_check (content_length == -1 || (guint64) content_length == body.len,
              "Content-Length %" G_GINT64_FORMAT " but a body of %" G_GSIZE_FORMAT " bytes", content_length, body.len);
}

/* Limits roomy enough that serializing (which may add a Content-Length
 * header) cannot push a message over them. */
static void
roomy_limits (TcSipParserLimits *limits)
{
  tc_sip_parser_limits_init (limits);
  limits->max_message_size = 1 << 20;
  limits->max_headers = 4096;
  limits->max_header_size = 1 << 20;
}

/* message.h: parse (to_bytes (m)) equals m, and serializing is stable. */
static void
check_round_trip (const TcSipMessage *msg)
{
  g_autoptr (GBytes) bytes = tc_sip_message_to_bytes (msg);
  g_autoptr (GBytes) bytes_again = NULL;
  g_autoptr (TcSipMessage) again = NULL;
  g_autoptr (TcSipMessage) streamed = NULL;
  g_autoptr (TcSipMessage) none = NULL;
  g_autoptr (TcSipStreamParser) stream = NULL;
  g_autoptr (GError) error = NULL;
  TcSipParserLimits limits;
  gconstpointer data;
  gsize len;

  fuzz_check (bytes != NULL, "tc_sip_message_to_bytes() returned NULL");
  data = g_bytes_get_data (bytes, &len);
  roomy_limits (&limits);

  again = tc_sip_message_parse (data, len, &limits, &error);
  fuzz_check_result (again != NULL, error, "parse (to_bytes (msg))");
  fuzz_check (again != NULL, "the serialized message does not parse again: %s\n--- serialized:\n%s", error->message,
              esc_bytes (data, len));
  fuzz_check (tc_sip_message_equal (msg, again),
              "the serialized message parses into a different message\n--- serialized:\n%s", esc_bytes (data, len));
  fuzz_check (tc_sip_message_equal (again, msg), "tc_sip_message_equal() is not symmetric");
  fuzz_check (tc_sip_message_equal (msg, msg), "a message is not equal to itself");
  bytes_again = tc_sip_message_to_bytes (again);
  fuzz_check (g_bytes_equal (bytes, bytes_again), "serializing is not stable\n--- first:\n%s\n--- second:\n%s",
              esc_bytes (data, len), esc_bytes (g_bytes_get_data (bytes_again, NULL), g_bytes_get_size (bytes_again)));

  /* The serialized form carries a correct Content-Length, so it also frames
   * on a stream, after a CRLFCRLF keepalive. */
  stream = tc_sip_stream_parser_new (&limits);
  tc_sip_stream_parser_feed (stream, "\r\n\r\n", 4);
  tc_sip_stream_parser_feed (stream, data, len);
  streamed = tc_sip_stream_parser_next (stream, &error);
  fuzz_check_result (streamed != NULL, error, "stream parse (to_bytes (msg))");
  fuzz_check (streamed != NULL, "the serialized message does not parse on a stream: %s\n--- serialized:\n%s",
              error->message, esc_bytes (data, len));
  fuzz_check (tc_sip_message_equal (msg, streamed),
              "the serialized message reads back differently from a stream\n--- serialized:\n%s",
              esc_bytes (data, len));
  none = tc_sip_stream_parser_next (stream, &error);
  fuzz_check (none == NULL && error == NULL, "the stream yields more after one serialized message: %s",
              error ? error->message : "a message");
  fuzz_check (tc_sip_stream_parser_get_pending (stream) == 0, "%" G_GSIZE_FORMAT " bytes left on the stream",
              tc_sip_stream_parser_get_pending (stream));
}

typedef struct {
  GPtrArray *messages; /* TcSipMessage */
  gboolean failed;
  guint pings;
  gsize pending;
} StreamRun;

static void
stream_run_clear (StreamRun *run)
{
  g_clear_pointer (&run->messages, g_ptr_array_unref);
}

static void
stream_pull (TcSipStreamParser *stream, StreamRun *run)
{
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      TcSipMessage *msg;

      msg = tc_sip_stream_parser_next (stream, &error);
      if (!msg)
        {
          if (error)
            {
              g_autoptr (GError) again_error = NULL;
              g_autoptr (TcSipMessage) again = NULL;

              fuzz_check_result (FALSE, error, "tc_sip_stream_parser_next");
              run->failed = TRUE;
              /* parser.h: the parser then stays failed. */
              again = tc_sip_stream_parser_next (stream, &again_error);
              fuzz_check (again == NULL && again_error != NULL, "a failed stream parser recovered");
            }
          break;
        }
      fuzz_check (error == NULL, "tc_sip_stream_parser_next() returned a message and an error");
      g_ptr_array_add (run->messages, msg);
      fuzz_check (run->messages->len <= MAX_STREAM_MESSAGES * 64, "the stream parser does not stop");
    }
  run->pings += tc_sip_stream_parser_take_pings (stream);
}

/* Feeds @data cut at @cuts (ascending offsets) and pulls after each chunk. */
static void
stream_run (const guint8 *data, gsize size, const gsize *cuts, guint n_cuts, StreamRun *run)
{
  g_autoptr (TcSipStreamParser) stream = tc_sip_stream_parser_new (NULL);
  gsize pos = 0;

  run->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
  run->failed = FALSE;
  run->pings = 0;
  for (guint i = 0; i <= n_cuts && !run->failed; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : size;

      tc_sip_stream_parser_feed (stream, data + pos, end - pos);
      pos = end;
      stream_pull (stream, run);
    }
  run->pending = run->failed ? 0 : tc_sip_stream_parser_get_pending (stream);
}

static guint32
fnv1a (const guint8 *data, gsize size)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < size; i++)
    h = (h ^ data[i]) * 16777619u;
  return h;
}

/* parser.h: a partial message waits for more bytes, so how the stream is
 * cut must not change what it yields. */
static void
check_stream (const guint8 *data, gsize size)
{
  StreamRun whole = { 0 }, chunked = { 0 };
  guint32 h = fnv1a (data, size);
  gsize cuts[2];

  cuts[0] = size ? h % (size + 1) : 0;
  cuts[1] = cuts[0] + (size - cuts[0] ? (h >> 16) % (size - cuts[0] + 1) : 0);

  stream_run (data, size, NULL, 0, &whole);
  stream_run (data, size, cuts, 2, &chunked);

  for (guint i = 0; i < whole.messages->len && i < MAX_STREAM_MESSAGES; i++)
    {
      TcSipMessage *msg = whole.messages->pdata[i];

      exercise_message (msg, FUZZ_BUF_UNKNOWN);
      check_round_trip (msg);
    }

  fuzz_check (whole.messages->len == chunked.messages->len && whole.failed == chunked.failed,
              "cut at %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT ", the stream yields %u messages%s; whole, %u%s",
              cuts[0], cuts[1], chunked.messages->len, chunked.failed ? " then fails" : "", whole.messages->len,
              whole.failed ? " then fails" : "");
  for (guint i = 0; i < whole.messages->len; i++)
    fuzz_check (tc_sip_message_equal (whole.messages->pdata[i], chunked.messages->pdata[i]),
                "cut at %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT ", stream message %u differs", cuts[0], cuts[1], i);
  if (!whole.failed)
    {
      fuzz_check (whole.pending == chunked.pending,
                  "cut at %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT
                  " bytes pending; whole, %" G_GSIZE_FORMAT,
                  cuts[0], cuts[1], chunked.pending, whole.pending);
      fuzz_check (whole.pings == chunked.pings,
                  "cut at %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT ", %u keepalive pings; whole, %u", cuts[0], cuts[1],
                  chunked.pings, whole.pings);
    }

  stream_run_clear (&whole);
  stream_run_clear (&chunked);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  g_autoptr (TcSipMessage) small_msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) small_error = NULL;
  TcSipParserLimits small;

  if (!data)
    data = (const uint8_t *) "";

  /* The datagram is parsed in place, so every view must point into it. */
  bytes = g_bytes_new_static (data, size);
  msg = tc_sip_message_parse_datagram (bytes, NULL, &error);
  fuzz_check_result (msg != NULL, error, "tc_sip_message_parse_datagram");

  /* Limits only ever take away: what parses under small limits parses, the
   * same, under the defaults; what the defaults accept and the small limits
   * refuse is refused for a limit. */
  tc_sip_parser_limits_init (&small);
  small.max_message_size = 1024;
  small.max_headers = 16;
  small.max_header_size = 256;
  small_msg = tc_sip_message_parse (data, size, &small, &small_error);
  fuzz_check_result (small_msg != NULL, small_error, "tc_sip_message_parse (small limits)");
  if (small_msg)
    {
      fuzz_check (msg != NULL, "accepted under small limits, refused under the defaults: %s", error->message);
      fuzz_check (tc_sip_message_equal (msg, small_msg), "parsed differently under small limits");
    }
  else if (msg)
    fuzz_check (g_error_matches (small_error, TC_SIP_ERROR, TC_SIP_ERROR_TOO_LARGE) ||
                  g_error_matches (small_error, TC_SIP_ERROR, TC_SIP_ERROR_LIMIT),
                "accepted under the defaults, refused under small limits for another reason: %s", small_error->message);

  if (msg)
    {
      exercise_message (msg, (FuzzBuf){ (const char *) data, size });
      check_round_trip (msg);
    }

  check_stream (data, size);
  return 0;
}
