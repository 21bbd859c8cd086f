/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-stack.c — the UA core (stack.h) as a UAC, on a manual clock with the
 * fake transport and the fake resolver (style.md B11): what goes on the
 * wire for a MESSAGE, Timer F and failover with the blacklist, transport
 * errors and 503, RFC 3261 §18.1.1 (UDP → TCP), digest retries (and no
 * password in the logs), redirects, the outbound proxy route, and an
 * abandoned INVITE.  The INVITE, UAS and dialog behaviour is in
 * test-stack-dialog.c; both share stack-test-util.h.
 */
#include "stack-test-util.h"

/* ---- log capture: no password in any message, at any level ------------------------ */

static GString *captured_log;
/* Debug output was asked for (G_MESSAGES_DEBUG): the stack formats its
 * debug messages only when it is on (sip/debug.h), so the test turns it on
 * to see them, and passes them on only if asked. */
static gboolean show_debug;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        if (fields[i].length < 0)
          g_string_append (captured_log, fields[i].value);
        else
          g_string_append_len (captured_log, fields[i].value, fields[i].length);
        g_string_append_c (captured_log, '\n');
      }
  if ((level & G_LOG_LEVEL_DEBUG) && !show_debug)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* ---- 1. a MESSAGE ------------------------------------------------------------------ */

static void
test_message (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };
  TcSipRequestOptions options;
  TcSipMessage *m;
  const TcSipVia *via;

  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", NULL, &out);
  g_assert_cmpuint (n_sent (f), ==, 0); /* resolving happens on the main context */
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 1);
  m = sent (f, 0);
  g_assert_cmpstr (dest (f, 0), ==, "udp:192.0.2.50:5060");
  g_assert_cmpint (tc_sip_message_get_method (m), ==, TC_SIP_METHOD_MESSAGE);
  g_assert_cmpstr (ruri (f, m), ==, "sip:bob@192.0.2.50");
  g_assert_cmpstr (hdr (f, m, "CSeq"), ==, "1 MESSAGE");
  via = tc_sip_message_get_via (m, 0);
  g_assert_true (tc_sip_str_equal (via->transport, "UDP"));
  g_assert_true (tc_sip_str_equal (via->host, "192.0.2.1"));
  g_assert_cmpint (via->rport, ==, 0);
  g_assert_true (g_str_has_prefix (branch (f, m), "z9hG4bK"));
  g_assert_cmpstr (hdr (f, m, "User-Agent"), ==, "Tincan-Test/1");
  g_assert_null (hdr (f, m, "Contact"));

  inject_response (f, 0, 200, "r1", NULL);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 200);
  g_assert_no_error (out.final_error);
  g_assert_true (tc_sip_request_is_finished (out.request));
  /* A retransmitted 200 calls nothing more. */
  inject_response (f, 0, 200, "r1", NULL);
  g_assert_cmpuint (out.n_final, ==, 1);
  outcome_clear (&out);

  /* contact_user: a Contact for the transport chosen. */
  tc_sip_request_options_init (&options);
  options.contact_user = "alice";
  options.contact_params = ";+sip.instance=\"<urn:uuid:1>\"";
  send_request (f, NULL, new_request (f, "MESSAGE", "sip:bob@192.0.2.50;transport=tcp"), &options, &out);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpstr (dest (f, 1), ==, "tcp:192.0.2.50:5060");
  g_assert_cmpstr (hdr (f, sent (f, 1), "Contact"), ==,
                   "<sip:alice@192.0.2.1:5060;transport=tcp>;+sip.instance=\"<urn:uuid:1>\"");
  outcome_clear (&out);
}

/* ---- 2. Timer F, and failover on timeout ------------------------------------------- */

static void
test_timeout (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };

  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  tc_sip_clock_manual_advance (f->clock, 64 * T1 - 1);
  g_assert_cmpuint (out.n_final, ==, 0);
  tc_sip_clock_manual_advance (f->clock, 1);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 0);
  g_assert_error (out.final_error, TC_SIP_ERROR, TC_SIP_ERROR_TIMEOUT);
  /* Every send was the same request, retransmitted (Timer E). */
  for (guint i = 1; i < n_sent (f); i++)
    g_assert_cmpstr (branch (f, sent (f, i)), ==, branch (f, sent (f, 0)));
  outcome_clear (&out);
}

static void
test_timeout_failover (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };
  TcSipTarget first, second;
  guint n_first;

  tc_sip_fake_target_init (&first, TC_SIP_TRANSPORT_UDP, "192.0.2.11", 5060);
  tc_sip_fake_target_init (&second, TC_SIP_TRANSPORT_UDP, "192.0.2.12", 5062);
  send_simple (f, "MESSAGE", "sip:bob@example.test;transport=udp", NULL, &out);
  run_main ();
  g_assert_cmpstr (f->dns->log->str, ==, "SRV _sip._udp.example.test; A a.example.test; A b.example.test; ");
  g_assert_cmpstr (dest (f, 0), ==, "udp:192.0.2.11:5060");
  g_assert_false (tc_sip_resolver_is_blacklisted (f->resolver, &first));

  tc_sip_clock_manual_advance (f->clock, 64 * T1);
  g_assert_cmpuint (out.n_final, ==, 0);
  g_assert_true (tc_sip_resolver_is_blacklisted (f->resolver, &first));
  n_first = n_sent (f) - 1;
  g_assert_cmpstr (dest (f, n_first), ==, "udp:192.0.2.12:5062");
  g_assert_cmpstr (branch (f, sent (f, n_first)), !=, branch (f, sent (f, 0)));
  g_assert_cmpstr (hdr (f, sent (f, n_first), "CSeq"), ==, "1 MESSAGE");
  g_assert_cmpstr (hdr (f, sent (f, n_first), "Call-ID"), ==, hdr (f, sent (f, 0), "Call-ID"));
  inject_response (f, n_first, 200, "r", NULL);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 200);
  g_assert_false (tc_sip_resolver_is_blacklisted (f->resolver, &second));
  /* Nothing more went to the first target after the failover. */
  for (guint i = n_first; i < n_sent (f); i++)
    g_assert_cmpstr (dest (f, i), ==, "udp:192.0.2.12:5062");
  outcome_clear (&out);
  tc_sip_target_clear (&first);
  tc_sip_target_clear (&second);
}

/* ---- 3. transport error and 503 ---------------------------------------------------- */

static void
test_transport_error_failover (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };
  TcSipTarget first;

  tc_sip_fake_target_init (&first, TC_SIP_TRANSPORT_UDP, "192.0.2.11", 5060);
  tc_sip_fake_transport_set_mode (f->transport, &first, TC_SIP_FAKE_SEND_FAILED);
  send_simple (f, "MESSAGE", "sip:bob@example.test;transport=udp", NULL, &out);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 0);
  tc_sip_clock_manual_advance (f->clock, 0); /* the error is reported from a timer */
  g_assert_cmpuint (out.n_final, ==, 0);
  g_assert_true (tc_sip_resolver_is_blacklisted (f->resolver, &first));
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_cmpstr (dest (f, 0), ==, "udp:192.0.2.12:5062");
  inject_response (f, 0, 202, "r", NULL);
  g_assert_cmpuint (out.final_status, ==, 202);
  outcome_clear (&out);

  /* Every target refuses: the transport's error is the outcome. */
  tc_sip_fake_transport_set_mode (f->transport, NULL, TC_SIP_FAKE_SEND_FAILED);
  send_simple (f, "MESSAGE", "sip:bob@example.test;transport=udp", NULL, &out);
  run_main ();
  tc_sip_clock_manual_advance (f->clock, 0);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_error (out.final_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  outcome_clear (&out);
  tc_sip_target_clear (&first);
}

static void
test_503_failover (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };
  TcSipTarget first, second;

  tc_sip_fake_target_init (&first, TC_SIP_TRANSPORT_UDP, "192.0.2.11", 5060);
  tc_sip_fake_target_init (&second, TC_SIP_TRANSPORT_UDP, "192.0.2.12", 5062);
  send_simple (f, "MESSAGE", "sip:bob@example.test;transport=udp", NULL, &out);
  run_main ();
  inject_response (f, 0, 503, "r1", NULL);
  g_assert_cmpuint (out.n_final, ==, 0);
  g_assert_true (tc_sip_resolver_is_blacklisted (f->resolver, &first));
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpstr (dest (f, 1), ==, "udp:192.0.2.12:5062");
  g_assert_cmpstr (branch (f, sent (f, 1)), !=, branch (f, sent (f, 0)));
  /* 503 on the last target: that 503 is the answer. */
  inject_response (f, 1, 503, "r2", "Retry-After: 30\r\n");
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 503);
  g_assert_cmpstr (out.final_retry_after, ==, "30");
  g_assert_no_error (out.final_error);
  g_assert_true (tc_sip_resolver_is_blacklisted (f->resolver, &second));
  g_assert_cmpuint (n_sent (f), ==, 2);
  outcome_clear (&out);
  tc_sip_target_clear (&first);
  tc_sip_target_clear (&second);
}

/* ---- 4. RFC 3261 §18.1.1 ----------------------------------------------------------- */

static void
test_large_request_tcp (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };
  g_autofree char *body = g_strnfill (1400, 'x');
  TcSipMessageBuilder *builder;
  TcSipMessage *m;

  builder = new_request (f, "MESSAGE", "sip:bob@192.0.2.50");
  tc_sip_message_builder_set_body (builder, "text/plain", body, strlen (body));
  send_request (f, NULL, builder, NULL, &out);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_cmpstr (dest (f, 0), ==, "tcp:192.0.2.50:5060");
  m = sent (f, 0);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_via (m, 0)->transport, "TCP"));
  g_assert_cmpuint (tc_sip_message_get_body (m).len, ==, 1400);
  outcome_clear (&out);

  /* Small: UDP. */
  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  g_assert_cmpstr (dest (f, 1), ==, "udp:192.0.2.50:5060");
  outcome_clear (&out);

  /* transport=udp asked for: it stays UDP. */
  builder = new_request (f, "MESSAGE", "sip:bob@192.0.2.50;transport=udp");
  tc_sip_message_builder_set_body (builder, "text/plain", body, strlen (body));
  send_request (f, NULL, builder, NULL, &out);
  run_main ();
  g_assert_cmpstr (dest (f, 2), ==, "udp:192.0.2.50:5060");
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_via (sent (f, 2), 0)->transport, "UDP"));
  outcome_clear (&out);
}

/* ---- 5. digest ---------------------------------------------------------------------- */

#define PASSWORD "pw-Zq8sEcret"
#define CHALLENGE(nonce, extra) \
  "WWW-Authenticate: Digest realm=\"tincan.test\", nonce=\"" nonce "\", qop=\"auth\"" extra "\r\n"

static TcSipDigestCache *
new_cache (const char *password)
{
  g_autoptr (TcSipDigestCredentials) credentials = tc_sip_digest_credentials_new ("alice", password, NULL);

  return tc_sip_digest_cache_new (credentials);
}

static void
assert_password_nowhere (Fixture *f)
{
  g_assert_null (strstr (captured_log->str, PASSWORD));
  for (guint i = 0; i < n_sent (f); i++)
    {
      gsize len;
      const char *bytes = g_bytes_get_data (tc_sip_fake_transport_get_sent (f->transport, i)->bytes, &len);

      g_assert_null (g_strstr_len (bytes, len, PASSWORD));
    }
}

static void
test_digest (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipDigestCache) cache = new_cache (PASSWORD);
  Outcome out = { 0 };
  TcSipRequestOptions options;
  const char *auth;

  g_string_truncate (captured_log, 0);
  tc_sip_request_options_init (&options);
  options.credentials = cache;
  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", &options, &out);
  run_main ();
  g_assert_null (hdr (f, sent (f, 0), "Authorization"));
  inject_response (f, 0, 401, "r", CHALLENGE ("n1", ""));
  g_assert_cmpuint (out.n_final, ==, 0);
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpstr (hdr (f, sent (f, 1), "CSeq"), ==, "2 MESSAGE");
  g_assert_cmpstr (branch (f, sent (f, 1)), !=, branch (f, sent (f, 0)));
  g_assert_cmpstr (hdr (f, sent (f, 1), "Call-ID"), ==, hdr (f, sent (f, 0), "Call-ID"));
  auth = hdr (f, sent (f, 1), "Authorization");
  g_assert_nonnull (auth);
  g_assert_true (g_str_has_prefix (auth, "Digest "));
  g_assert_nonnull (strstr (auth, "username=\"alice\""));
  g_assert_nonnull (strstr (auth, "nonce=\"n1\""));
  g_assert_nonnull (strstr (auth, "uri=\"sip:bob@192.0.2.50\""));
  g_assert_nonnull (strstr (auth, "nc=00000001"));
  inject_response (f, 1, 200, "r", NULL);
  g_assert_cmpuint (out.final_status, ==, 200);
  outcome_clear (&out);

  /* The next request in the realm carries Authorization at once. */
  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", &options, &out);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 3);
  auth = hdr (f, sent (f, 2), "Authorization");
  g_assert_nonnull (auth);
  g_assert_nonnull (strstr (auth, "nc=00000002"));
  g_assert_cmpstr (hdr (f, sent (f, 2), "CSeq"), ==, "1 MESSAGE");
  /* stale=true: a retry with the new nonce, not a failure. */
  inject_response (f, 2, 401, "r", CHALLENGE ("n2", ", stale=true"));
  g_assert_cmpuint (out.n_final, ==, 0);
  g_assert_cmpuint (n_sent (f), ==, 4);
  g_assert_nonnull (strstr (hdr (f, sent (f, 3), "Authorization"), "nonce=\"n2\""));
  g_assert_cmpstr (hdr (f, sent (f, 3), "CSeq"), ==, "2 MESSAGE");
  inject_response (f, 3, 200, "r", NULL);
  g_assert_cmpuint (out.final_status, ==, 200);
  outcome_clear (&out);

  /* The debug log was captured (so the check below means something). */
  g_assert_nonnull (strstr (captured_log->str, "digest realm \"tincan.test\""));
  assert_password_nowhere (f);
}

static void
test_digest_proxy (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipDigestCache) cache = new_cache (PASSWORD);
  Outcome out = { 0 };
  TcSipRequestOptions options;

  tc_sip_request_options_init (&options);
  options.credentials = cache;
  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", &options, &out);
  run_main ();
  inject_response (
    f, 0, 407, "r",
    "Proxy-Authenticate: Digest realm=\"proxy.test\", nonce=\"p1\", algorithm=SHA-256, qop=\"auth\"\r\n");
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_null (hdr (f, sent (f, 1), "Authorization"));
  g_assert_nonnull (strstr (hdr (f, sent (f, 1), "Proxy-Authorization"), "realm=\"proxy.test\""));
  g_assert_nonnull (strstr (hdr (f, sent (f, 1), "Proxy-Authorization"), "algorithm=SHA-256"));
  g_assert_cmpstr (hdr (f, sent (f, 1), "CSeq"), ==, "2 MESSAGE");
  inject_response (f, 1, 200, "r", NULL);
  g_assert_cmpuint (out.final_status, ==, 200);
  outcome_clear (&out);
}

static void
test_digest_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipDigestCache) cache = new_cache (PASSWORD);
  Outcome out = { 0 };
  TcSipRequestOptions options;

  g_string_truncate (captured_log, 0);
  tc_sip_request_options_init (&options);
  options.credentials = cache;
  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", &options, &out);
  run_main ();
  inject_response (f, 0, 401, "r", CHALLENGE ("n1", ""));
  g_assert_cmpuint (n_sent (f), ==, 2);
  /* A fresh nonce, stale=false, after our answer: wrong password. */
  inject_response (f, 1, 401, "r", CHALLENGE ("n2", ", stale=false"));
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 401);
  g_assert_error (out.final_error, TC_SIP_ERROR, TC_SIP_ERROR_AUTH_REJECTED);
  g_assert_cmpuint (n_sent (f), ==, 2); /* exactly one retry */
  tc_sip_clock_manual_advance (f->clock, 64 * T1);
  g_assert_cmpuint (n_sent (f), ==, 2);
  outcome_clear (&out);

  /* No credentials: the 401 is the answer. */
  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  inject_response (f, 2, 401, "r", CHALLENGE ("n3", ""));
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 401);
  g_assert_error (out.final_error, TC_SIP_ERROR, TC_SIP_ERROR_AUTH_REJECTED);
  g_assert_cmpuint (n_sent (f), ==, 3);
  outcome_clear (&out);
  assert_password_nowhere (f);
}

/* ---- 6. redirects ------------------------------------------------------------------- */

static void
test_redirect (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };

  send_simple (f, "INVITE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  inject_response (f, 0, 302, "r", "Contact: <sip:bob@192.0.2.61>;q=0.5, <sip:bob@192.0.2.62>;q=1.0\r\n");
  g_assert_cmpuint (out.n_redirected, ==, 1);
  g_assert_cmpstr (out.redirect_target, ==, "sip:bob@192.0.2.62");
  g_assert_cmpuint (out.n_final, ==, 0);
  /* The ACK for the 302 (the transaction's), then the new INVITE. */
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpint (tc_sip_message_get_method (sent (f, 1)), ==, TC_SIP_METHOD_ACK);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 3);
  g_assert_cmpint (tc_sip_message_get_method (sent (f, 2)), ==, TC_SIP_METHOD_INVITE);
  g_assert_cmpstr (ruri (f, sent (f, 2)), ==, "sip:bob@192.0.2.62");
  g_assert_cmpstr (dest (f, 2), ==, "udp:192.0.2.62:5060");
  g_assert_cmpstr (hdr (f, sent (f, 2), "Call-ID"), ==, hdr (f, sent (f, 0), "Call-ID"));
  g_assert_cmpstr (hdr (f, sent (f, 2), "CSeq"), ==, "2 INVITE");
  g_assert_cmpstr (hdr (f, sent (f, 2), "To"), ==, "<sip:bob@example.test>");

  /* The next target redirects back to the original: a loop. */
  inject_response (f, 2, 302, "r2", "Contact: <sip:bob@192.0.2.50>\r\n");
  run_main ();
  g_assert_cmpuint (out.n_final, ==, 0);
  g_assert_cmpuint (out.n_redirected, ==, 2);
  g_assert_cmpstr (out.redirect_target, ==, "sip:bob@192.0.2.61");
  g_assert_cmpstr (ruri (f, tc_sip_fake_transport_get_last_message (f->transport)), ==, "sip:bob@192.0.2.61");
  inject_response (f, n_sent (f) - 1, 302, "r3", "Contact: <sip:bob@192.0.2.62>, <sip:bob@192.0.2.50>\r\n");
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 302);
  g_assert_error (out.final_error, TC_SIP_ERROR, TC_SIP_ERROR_REDIRECT_LOOP);
  outcome_clear (&out);
}

static void
test_redirect_not_followed (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };
  TcSipRequestOptions options;

  tc_sip_request_options_init (&options);
  options.follow_redirects = FALSE;
  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", &options, &out);
  run_main ();
  inject_response (f, 0, 302, "r", "Contact: <sip:bob@192.0.2.62>\r\n");
  run_main ();
  g_assert_cmpuint (out.n_redirected, ==, 0);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 302);
  g_assert_no_error (out.final_error);
  g_assert_cmpuint (n_sent (f), ==, 1);
  outcome_clear (&out);
}

/* ---- 7. outbound proxy --------------------------------------------------------------- */

static void
test_outbound_proxy (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipUri) proxy = tc_sip_uri_parse ("sip:192.0.2.70:5070", -1, NULL);
  g_autoptr (TcSipRouteSet) route_set = tc_sip_route_set_new (proxy);
  Outcome out = { 0 };
  TcSipRequestOptions options;

  tc_sip_request_options_init (&options);
  options.route_set = route_set;
  send_simple (f, "MESSAGE", "sip:bob@nowhere.test", &options, &out);
  run_main ();
  g_assert_cmpstr (f->dns->log->str, ==, "");
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_cmpstr (dest (f, 0), ==, "udp:192.0.2.70:5070");
  g_assert_cmpstr (ruri (f, sent (f, 0)), ==, "sip:bob@nowhere.test");
  g_assert_cmpstr (hdr (f, sent (f, 0), "Route"), ==, "<sip:192.0.2.70:5070;lr>");
  inject_response (f, 0, 200, "r", NULL);
  g_assert_cmpuint (out.final_status, ==, 200);
  outcome_clear (&out);
}

/* ---- 12. an abandoned INVITE ------------------------------------------------------- */

static void
test_abandon (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };
  TcSipMessage *invite, *cancel, *ack, *bye;

  send_simple (f, "INVITE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  invite = sent (f, 0);
  inject_response (f, 0, 180, "t1", "Contact: <sip:bob@192.0.2.81>\r\n");
  g_assert_cmpuint (out.n_provisional, ==, 1);
  tc_sip_request_abandon (out.request);
  g_assert_cmpuint (n_sent (f), ==, 2);
  cancel = sent (f, 1);
  g_assert_cmpint (tc_sip_message_get_method (cancel), ==, TC_SIP_METHOD_CANCEL);
  g_assert_cmpstr (branch (f, cancel), ==, branch (f, invite));

  /* The 200 crossed the CANCEL: ACK and BYE, and no handler. */
  inject_response (f, 0, 200, "t1", "Contact: <sip:bob@192.0.2.81>\r\n");
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 4);
  g_assert_cmpint (find_sent (f, TC_SIP_METHOD_ACK, 0), ==, 2);
  ack = sent (f, 2);
  g_assert_cmpstr (hdr (f, ack, "CSeq"), ==, "1 ACK");
  g_assert_cmpstr (dest (f, 2), ==, "udp:192.0.2.81:5060");
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 1); /* until the BYE is over */
  g_assert_cmpint (find_sent (f, TC_SIP_METHOD_BYE, 0), ==, 3);
  bye = sent (f, 3);
  g_assert_cmpint (tc_sip_message_get_method (bye), ==, TC_SIP_METHOD_BYE);
  g_assert_cmpstr (ruri (f, bye), ==, "sip:bob@192.0.2.81");
  g_assert_cmpstr (dest (f, 3), ==, "udp:192.0.2.81:5060");
  g_assert_nonnull (strstr (hdr (f, bye, "To"), "tag=t1"));
  g_assert_cmpstr (hdr (f, bye, "CSeq"), ==, "2 BYE");
  /* The 200 again: the same ACK, no second BYE. */
  inject_response (f, 0, 200, "t1", "Contact: <sip:bob@192.0.2.81>\r\n");
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 5);
  g_assert_true (g_bytes_equal (tc_sip_fake_transport_get_sent (f->transport, 4)->bytes,
                                tc_sip_fake_transport_get_sent (f->transport, 2)->bytes));
  inject_response (f, 3, 200, NULL, NULL);
  g_assert_cmpuint (out.n_final, ==, 0);
  g_assert_cmpuint (out.n_provisional, ==, 1);
  g_assert_cmpuint (out.n_build_ack, ==, 0);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 0);
  outcome_clear (&out);
}

int
main (int argc, char **argv)
{
  captured_log = g_string_new (NULL);
  show_debug = !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, "tincan-sip");
  g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/sip/stack/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("message", test_message);
  ADD ("timer-f", test_timeout);
  ADD ("timeout-failover", test_timeout_failover);
  ADD ("transport-error-failover", test_transport_error_failover);
  ADD ("503-failover", test_503_failover);
  ADD ("large-request-over-tcp", test_large_request_tcp);
  ADD ("digest", test_digest);
  ADD ("digest-proxy", test_digest_proxy);
  ADD ("digest-rejected", test_digest_rejected);
  ADD ("redirect", test_redirect);
  ADD ("redirect-not-followed", test_redirect_not_followed);
  ADD ("outbound-proxy", test_outbound_proxy);
  ADD ("abandon", test_abandon);
#undef ADD

  return g_test_run ();
}
