/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-redirect.c — TcSipRedirect (RFC 3261 §8.1.3.4): Contacts of 3xx
 * tried highest q first (missing q = 1.0, arrival order for equal q), URIs
 * already tried or queued dropped (a 3xx back to the original is a loop),
 * the target limit, schemes kept and dropped (tel: on request only, no
 * sips: downgrade), expires=0, and 305/380 not followed, each with its
 * outcome and error.
 */
#include <string.h>

#include <glib.h>

#include "sip/parser.h"
#include "sip/redirect.h"
#include "sip/sip-error.h"

static TcSipMessage *
redirect_response (guint status, const char *contacts)
{
  g_autofree char *text = g_strdup_printf ("SIP/2.0 %u Moved\r\n"
                                           "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKr\r\n"
                                           "To: <sip:bob@example.org>;tag=r\r\n"
                                           "From: <sip:alice@example.com>;tag=a\r\n"
                                           "Call-ID: r@192.0.2.1\r\n"
                                           "CSeq: 1 INVITE\r\n"
                                           "%s"
                                           "\r\n",
                                           status, contacts);
  g_autoptr (GError) error = NULL;
  TcSipMessage *msg = tc_sip_message_parse (text, strlen (text), NULL, &error);

  g_assert_no_error (error);
  return msg;
}

static TcSipRedirect *
redirect_from (const char *original, guint max)
{
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (original, -1, NULL);

  g_assert_nonnull (uri);
  return tc_sip_redirect_new (uri, max);
}

static TcSipRedirectOutcome
add (TcSipRedirect *redirect, guint status, const char *contacts)
{
  g_autoptr (TcSipMessage) response = redirect_response (status, contacts);

  return tc_sip_redirect_add_response (redirect, response);
}

static void
assert_next (TcSipRedirect *redirect, const char *expected)
{
  g_autoptr (GError) error = NULL;
  const TcSipUri *next = tc_sip_redirect_next (redirect, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (next);
  text = tc_sip_uri_to_string (next);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (tc_sip_redirect_get_outcome (redirect), ==, TC_SIP_REDIRECT_TARGET);
}

static void
assert_none (TcSipRedirect *redirect, TcSipRedirectOutcome outcome, TcSipErrorCode code)
{
  g_autoptr (GError) error = NULL;
  const TcSipUri *next = tc_sip_redirect_next (redirect, &error);

  g_assert_null (next);
  g_assert_error (error, TC_SIP_ERROR, (gint) code);
  g_test_message ("%s: %s", tc_sip_redirect_outcome_to_string (outcome), error->message);
  g_assert_cmpint (tc_sip_redirect_get_outcome (redirect), ==, outcome);
}

static void
test_q_order (void)
{
  g_autoptr (TcSipRedirect) redirect = redirect_from ("sip:bob@example.org", 0);

  g_assert_cmpint (add (redirect, 302,
                        "Contact: <sip:low@example.org>;q=0.1, <sip:none1@example.org>\r\n"
                        "Contact: <sip:mid@example.org>;q=0.5, <sip:full@example.org>;q=1.0\r\n"
                        "Contact: <sip:none2@example.org>, <sip:mid2@example.org>;q=0.5\r\n"),
                   ==, TC_SIP_REDIRECT_TARGET);
  g_assert_cmpuint (tc_sip_redirect_get_n_pending (redirect), ==, 6);
  /* q descending; missing q is 1.0; equal q keep their order */
  assert_next (redirect, "sip:none1@example.org");
  assert_next (redirect, "sip:full@example.org");
  assert_next (redirect, "sip:none2@example.org");
  assert_next (redirect, "sip:mid@example.org");
  assert_next (redirect, "sip:mid2@example.org");
  g_assert_cmpuint (tc_sip_redirect_get_n_tried (redirect), ==, 5);
  /* the default limit is 5 targets */
  assert_none (redirect, TC_SIP_REDIRECT_LIMIT, TC_SIP_ERROR_REDIRECT_LOOP);
  g_assert_cmpuint (tc_sip_redirect_get_n_pending (redirect), ==, 1);
}

/* A later 3xx joins the same target set, by q. */
static void
test_second_response_merges (void)
{
  g_autoptr (TcSipRedirect) redirect = redirect_from ("sip:bob@example.org", 10);

  add (redirect, 302, "Contact: <sip:a@example.org>;q=0.9, <sip:b@example.org>;q=0.3\r\n");
  assert_next (redirect, "sip:a@example.org");
  /* a's 302: c above b, and b (queued) is not added twice */
  add (redirect, 302, "Contact: <sip:c@example.org>;q=0.5, <sip:b@EXAMPLE.ORG>;q=1\r\n");
  g_assert_cmpuint (tc_sip_redirect_get_n_pending (redirect), ==, 2);
  assert_next (redirect, "sip:c@example.org");
  assert_next (redirect, "sip:b@example.org");
  assert_none (redirect, TC_SIP_REDIRECT_EXHAUSTED, TC_SIP_ERROR_NO_TARGET);
}

static void
test_loop (void)
{
  g_autoptr (TcSipRedirect) back = redirect_from ("sip:bob@example.org", 0);
  g_autoptr (TcSipRedirect) cycle = redirect_from ("sip:bob@example.org", 0);

  /* straight back to the original Request-URI (URI equivalence, §19.1.4) */
  g_assert_cmpint (add (back, 302, "Contact: <sip:bob@EXAMPLE.org>\r\n"), ==, TC_SIP_REDIRECT_LOOP);
  assert_none (back, TC_SIP_REDIRECT_LOOP, TC_SIP_ERROR_REDIRECT_LOOP);

  /* bob -> x -> bob */
  add (cycle, 301, "Contact: <sip:x@example.org>\r\n");
  assert_next (cycle, "sip:x@example.org");
  g_assert_cmpint (add (cycle, 302, "Contact: <sip:x@example.org>, <sip:bob@example.org>\r\n"), ==,
                   TC_SIP_REDIRECT_LOOP);
  assert_none (cycle, TC_SIP_REDIRECT_LOOP, TC_SIP_ERROR_REDIRECT_LOOP);
}

static void
test_limit (void)
{
  g_autoptr (TcSipRedirect) redirect = redirect_from ("sip:bob@example.org", 2);

  add (redirect, 300, "Contact: <sip:1@example.org>, <sip:2@example.org>, <sip:3@example.org>\r\n");
  assert_next (redirect, "sip:1@example.org");
  assert_next (redirect, "sip:2@example.org");
  assert_none (redirect, TC_SIP_REDIRECT_LIMIT, TC_SIP_ERROR_REDIRECT_LOOP);
  g_assert_cmpuint (tc_sip_redirect_get_n_tried (redirect), ==, 2);
}

static void
test_schemes (void)
{
  g_autoptr (TcSipRedirect) plain = redirect_from ("sip:bob@example.org", 0);
  g_autoptr (TcSipRedirect) with_tel = redirect_from ("sip:bob@example.org", 0);
  g_autoptr (TcSipRedirect) secure = redirect_from ("sips:bob@example.org", 0);
  const char *contacts = "Contact: <tel:+15551234>;q=1, <sip:s@example.org>;q=0.8, <sips:t@example.org>;q=0.6, "
                         "<sip:gone@example.org>;expires=0\r\n";

  add (plain, 302, contacts);
  assert_next (plain, "sip:s@example.org");
  assert_next (plain, "sips:t@example.org");
  assert_none (plain, TC_SIP_REDIRECT_EXHAUSTED, TC_SIP_ERROR_NO_TARGET);

  tc_sip_redirect_set_allow_tel (with_tel, TRUE);
  add (with_tel, 302, contacts);
  assert_next (with_tel, "tel:+15551234");

  /* a sips: original is not downgraded */
  add (secure, 302, contacts);
  assert_next (secure, "sips:t@example.org");
  assert_none (secure, TC_SIP_REDIRECT_EXHAUSTED, TC_SIP_ERROR_NO_TARGET);
}

static void
test_not_followed (void)
{
  g_autoptr (TcSipRedirect) use_proxy = redirect_from ("sip:bob@example.org", 0);
  g_autoptr (TcSipRedirect) alternative = redirect_from ("sip:bob@example.org", 0);
  g_autoptr (TcSipRedirect) no_contact = redirect_from ("sip:bob@example.org", 0);

  g_assert_cmpint (add (use_proxy, 305, "Contact: <sip:proxy.example.org>\r\n"), ==, TC_SIP_REDIRECT_NOT_FOLLOWED);
  assert_none (use_proxy, TC_SIP_REDIRECT_NOT_FOLLOWED, TC_SIP_ERROR_NO_TARGET);
  g_assert_cmpuint (tc_sip_redirect_get_n_pending (use_proxy), ==, 0);
  g_assert_cmpint (add (alternative, 380, "Contact: <sip:service@example.org>\r\n"), ==, TC_SIP_REDIRECT_NOT_FOLLOWED);
  assert_none (alternative, TC_SIP_REDIRECT_NOT_FOLLOWED, TC_SIP_ERROR_NO_TARGET);

  /* a 3xx without Contact leaves nothing to try */
  g_assert_cmpint (add (no_contact, 302, ""), ==, TC_SIP_REDIRECT_EXHAUSTED);
  assert_none (no_contact, TC_SIP_REDIRECT_EXHAUSTED, TC_SIP_ERROR_NO_TARGET);
}

/* Without an original URI (one that did not parse), only the targets count. */
static void
test_no_original (void)
{
  g_autoptr (TcSipRedirect) redirect = tc_sip_redirect_new (NULL, 0);

  add (redirect, 302, "Contact: <sip:a@example.org>\r\n");
  assert_next (redirect, "sip:a@example.org");
  g_assert_cmpint (add (redirect, 302, "Contact: <sip:a@example.org>\r\n"), ==, TC_SIP_REDIRECT_LOOP);
  assert_none (redirect, TC_SIP_REDIRECT_LOOP, TC_SIP_ERROR_REDIRECT_LOOP);
}

static void
test_outcome_to_string (void)
{
  g_assert_cmpstr (tc_sip_redirect_outcome_to_string (TC_SIP_REDIRECT_TARGET), ==, "target");
  g_assert_cmpstr (tc_sip_redirect_outcome_to_string (TC_SIP_REDIRECT_EXHAUSTED), ==, "exhausted");
  g_assert_cmpstr (tc_sip_redirect_outcome_to_string (TC_SIP_REDIRECT_LIMIT), ==, "limit");
  g_assert_cmpstr (tc_sip_redirect_outcome_to_string (TC_SIP_REDIRECT_LOOP), ==, "loop");
  g_assert_cmpstr (tc_sip_redirect_outcome_to_string (TC_SIP_REDIRECT_NOT_FOLLOWED), ==, "not-followed");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/redirect/q-order", test_q_order);
  g_test_add_func ("/sip/redirect/second-response-merges", test_second_response_merges);
  g_test_add_func ("/sip/redirect/loop", test_loop);
  g_test_add_func ("/sip/redirect/limit", test_limit);
  g_test_add_func ("/sip/redirect/schemes", test_schemes);
  g_test_add_func ("/sip/redirect/305-380-not-followed", test_not_followed);
  g_test_add_func ("/sip/redirect/no-original", test_no_original);
  g_test_add_func ("/sip/redirect/outcome-to-string", test_outcome_to_string);

  return g_test_run ();
}
