/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-dialog.c — TcSipDialog (RFC 3261 §12–§15, RFC 5057): UAC and UAS
 * dialog state and route set order, every state edge, the errors of
 * creation and confirmation, in-dialog requests checked field by field
 * (Request-URI, Route headers in order, From, To, Call-ID, CSeq,
 * Max-Forwards, no Via) with loose routing (the RFC 3261 §16.12.1.2
 * dialog) and strict routing (the §12.2.1.1 example), the next hop, target
 * refresh, remote CSeq checks, the ACK for a 2xx with the INVITE's
 * credentials, usages, matching and dialog ids, and forking.
 */
#include <string.h>

#include <glib.h>

#include "sip-test-util.h"
#include "sip/builder.h"
#include "sip/dialog.h"
#include "sip/parser.h"
#include "sip/sip-error.h"

#define CALL_ID "a84b4c76e66710@pc33.atlanta.example.com"
#define FROM_TAG "1928301774"

#define VIA "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\n"
#define TO "To: Bob <sip:bob@biloxi.example.com>"
#define FROM "From: Alice <sip:alice@atlanta.example.com>;tag=" FROM_TAG "\n"
#define CALL "Call-ID: " CALL_ID "\n"

/* The INVITE of RFC 3261 §4 (headers only). */
#define INVITE_HEAD \
  "INVITE sip:bob@biloxi.example.com SIP/2.0\n" VIA "Max-Forwards: 70\n" TO "\n" FROM CALL "CSeq: 314159 INVITE\n"

#define assert_view(v, expected) \
  G_STMT_START \
  { \
    g_autofree char *got_ = tc_sip_str_dup (v); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } \
  G_STMT_END

static TcSipMessage *
invite_with (const char *extra)
{
  g_autofree char *text = g_strconcat (INVITE_HEAD, extra, NULL);

  return tc_test_parse_lines (text);
}

/* A response to the INVITE: @to_tag NULL for none; @extra: more headers. */
static TcSipMessage *
response (guint status, const char *to_tag, const char *extra)
{
  g_autofree char *text = g_strdup_printf ("SIP/2.0 %u Whatever\n" VIA TO "%s%s\n" FROM CALL "CSeq: 314159 INVITE\n%s",
                                           status, to_tag ? ";tag=" : "", to_tag ? to_tag : "", extra);

  return tc_test_parse_lines (text);
}

/* Ends a builder from the dialog, checking it has no Via (the transaction
 * layer's), after adding one so that it parses. */
static TcSipMessage *
finish (TcSipMessageBuilder *builder)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *via = NULL;
  TcSipMessage *msg;

  g_assert_nonnull (builder);
  via = tc_sip_message_builder_get_header (builder, "Via");
  g_assert_null (via);
  tc_sip_message_builder_prepend_header (builder, "Via", "SIP/2.0/UDP test.example.com;branch=z9hG4bKtest");
  msg = tc_sip_message_builder_end (builder, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return msg;
}

/* The Route headers of @msg, one header line per route, are @expected
 * (NULL-terminated URIs), in order. */
static void
assert_routes (TcSipMessage *msg, const char *const *expected)
{
  guint n = g_strv_length ((char **) expected), i, lines = 0;
  gint h;

  g_assert_cmpuint (tc_sip_message_get_n_routes (msg), ==, n);
  for (i = 0; i < n; i++)
    assert_view (tc_sip_message_get_route (msg, i)->uri, expected[i]);
  for (h = tc_sip_message_find_header (msg, TC_SIP_HEADER_ROUTE, 0); h >= 0;
       h = tc_sip_message_find_header (msg, TC_SIP_HEADER_ROUTE, h + 1))
    lines++;
  g_assert_cmpuint (lines, ==, n);
}

static void
assert_dialog_routes (TcSipDialog *dialog, const char *const *expected)
{
  guint n = g_strv_length ((char **) expected), i;

  g_assert_cmpuint (tc_sip_dialog_get_n_routes (dialog), ==, n);
  for (i = 0; i < n; i++)
    {
      g_autofree char *text = tc_sip_uri_to_string (tc_sip_dialog_get_route (dialog, i));

      g_assert_cmpstr (text, ==, expected[i]);
    }
}

static void
assert_uri (const TcSipUri *uri, const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (uri);
  text = tc_sip_uri_to_string (uri);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_header (TcSipMessage *msg, const char *name, const char *expected)
{
  assert_view (tc_sip_message_get_header_value (msg, name), expected);
}

static void
assert_cseq (TcSipMessage *msg, guint32 seq, const char *method)
{
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (msg);

  g_assert_cmpuint (cseq->seq, ==, seq);
  assert_view (cseq->method, method);
}

static void
assert_ruri (TcSipMessage *msg, const char *expected)
{
  assert_view (tc_sip_message_get_request_uri_text (msg), expected);
}

/* A UAC dialog from the INVITE and a response to it; asserts success. */
static TcSipDialog *
uac_dialog (TcSipMessage *invite, TcSipMessage *resp)
{
  g_autoptr (GError) error = NULL;
  TcSipDialog *dialog = tc_sip_dialog_new_uac (invite, resp, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dialog);
  return dialog;
}

/* ---- state ----------------------------------------------------------------- */

static void
test_state_to_string (void)
{
  g_assert_cmpstr (tc_sip_dialog_state_to_string (TC_SIP_DIALOG_STATE_EARLY), ==, "early");
  g_assert_cmpstr (tc_sip_dialog_state_to_string (TC_SIP_DIALOG_STATE_CONFIRMED), ==, "confirmed");
  g_assert_cmpstr (tc_sip_dialog_state_to_string (TC_SIP_DIALOG_STATE_TERMINATED), ==, "terminated");
}

static void
test_state_edges (void)
{
  g_autoptr (TcSipMessage) invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) ringing = response (180, "a6c85cf", "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipMessage) ok = response (200, "a6c85cf", "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipDialog) dialog = NULL;
  g_autoptr (TcSipDialog) early = NULL;
  g_autoptr (GError) error = NULL;

  /* early -> confirmed -> terminated */
  dialog = uac_dialog (invite, ringing);
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_EARLY);
  g_assert_true (tc_sip_dialog_confirm (dialog, ok, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
  /* a retransmitted 2xx: still confirmed, no error */
  g_assert_true (tc_sip_dialog_confirm (dialog, ok, &error));
  g_assert_no_error (error);
  tc_sip_dialog_terminate (dialog);
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_TERMINATED);
  /* terminated is final: no edge back to confirmed, and terminating again does nothing */
  g_assert_false (tc_sip_dialog_confirm (dialog, ok, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_TERMINATED);
  tc_sip_dialog_terminate (dialog);
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_TERMINATED);

  /* early -> terminated (a 3xx–6xx ended it) */
  early = uac_dialog (invite, ringing);
  tc_sip_dialog_terminate (early);
  g_assert_cmpint (tc_sip_dialog_get_state (early), ==, TC_SIP_DIALOG_STATE_TERMINATED);
}

/* ---- UAC ------------------------------------------------------------------- */

static void
test_uac_early (void)
{
  g_autoptr (TcSipMessage) invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) ringing = response (
    180, "a6c85cf", "Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com;lr>\nContact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipDialog) dialog = uac_dialog (invite, ringing);
  const char *const routes[] = { "sip:p1.example.com;lr", "sip:p2.example.com;lr", NULL };

  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_EARLY);
  g_assert_true (tc_sip_dialog_is_uac (dialog));
  g_assert_false (tc_sip_dialog_is_secure (dialog));
  g_assert_cmpstr (tc_sip_dialog_get_call_id (dialog), ==, CALL_ID);
  g_assert_cmpstr (tc_sip_dialog_get_local_tag (dialog), ==, FROM_TAG);
  g_assert_cmpstr (tc_sip_dialog_get_remote_tag (dialog), ==, "a6c85cf");
  assert_uri (tc_sip_dialog_get_local_uri (dialog), "sip:alice@atlanta.example.com");
  assert_uri (tc_sip_dialog_get_remote_uri (dialog), "sip:bob@biloxi.example.com");
  g_assert_cmpstr (tc_sip_dialog_get_local_name_addr (dialog), ==, "Alice <sip:alice@atlanta.example.com>");
  g_assert_cmpstr (tc_sip_dialog_get_remote_name_addr (dialog), ==, "Bob <sip:bob@biloxi.example.com>");
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@192.0.2.4");
  /* §12.1.2: the Record-Route of the response, reversed */
  assert_dialog_routes (dialog, routes);
  g_assert_cmpint (tc_sip_dialog_get_local_seq (dialog), ==, 314159);
  g_assert_cmpint (tc_sip_dialog_get_remote_seq (dialog), ==, -1);
  g_assert_false (tc_sip_dialog_has_usages (dialog));
}

static void
test_uac_secure (void)
{
  g_autoptr (TcSipMessage) sips_invite =
    tc_test_parse_lines ("INVITE sips:bob@biloxi.example.com SIP/2.0\n"
                         "Via: SIP/2.0/TLS pc33.atlanta.example.com;branch=z9hG4bK776asdhds\n" TO "\n" FROM CALL
                         "CSeq: 314159 INVITE\nContact: <sips:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) sip_invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) ok = response (200, "a6c85cf", "Contact: <sips:bob@192.0.2.4>\n");
  g_autoptr (TcSipDialog) secure = NULL;
  g_autoptr (TcSipDialog) plain_transport = NULL;
  g_autoptr (TcSipDialog) plain_uri = NULL;

  secure = tc_sip_dialog_new_uac (sips_invite, ok, TRUE, NULL);
  plain_transport = tc_sip_dialog_new_uac (sips_invite, ok, FALSE, NULL);
  plain_uri = tc_sip_dialog_new_uac (sip_invite, ok, TRUE, NULL);
  g_assert_true (tc_sip_dialog_is_secure (secure));
  g_assert_false (tc_sip_dialog_is_secure (plain_transport));
  g_assert_false (tc_sip_dialog_is_secure (plain_uri));
  /* a 2xx makes a confirmed dialog at once */
  g_assert_cmpint (tc_sip_dialog_get_state (secure), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
}

static void
assert_uac_fails (TcSipMessage *request, TcSipMessage *resp, const char *mention)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipDialog) dialog = tc_sip_dialog_new_uac (request, resp, FALSE, &error);

  g_assert_null (dialog);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, mention));
}

static void
test_uac_errors (void)
{
  g_autoptr (TcSipMessage) invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) no_tag = response (180, NULL, "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipMessage) no_contact = response (200, "a6c85cf", "");
  g_autoptr (TcSipMessage) trying = response (100, "a6c85cf", "");
  g_autoptr (TcSipMessage) busy = response (486, "a6c85cf", "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipMessage) options =
    tc_test_parse_lines ("OPTIONS sip:bob@biloxi.example.com SIP/2.0\n" VIA TO "\n" FROM CALL "CSeq: 314159 OPTIONS\n");
  g_autoptr (TcSipMessage) other_call =
    tc_test_parse_lines ("SIP/2.0 200 OK\n" VIA TO ";tag=x\n" FROM "Call-ID: other@host\nCSeq: 314159 INVITE\n"
                         "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipMessage) ok = response (200, "a6c85cf", "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipMessage) tel_contact = response (200, "a6c85cf", "Contact: <tel:+15551234>\n");

  assert_uac_fails (invite, no_tag, "To tag");
  assert_uac_fails (invite, no_contact, "Contact");
  assert_uac_fails (invite, trying, "100");
  assert_uac_fails (invite, busy, "486");
  assert_uac_fails (options, ok, "OPTIONS");
  assert_uac_fails (invite, other_call, "does not answer");
  assert_uac_fails (invite, tel_contact, "not a SIP");
}

/* A 1xx without Contact: the Request-URI is the target until the 2xx. */
static void
test_uac_1xx_without_contact (void)
{
  g_autoptr (TcSipMessage) invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) ringing = response (180, "a6c85cf", "");
  g_autoptr (TcSipMessage) ok = response (200, "a6c85cf", "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipDialog) dialog = uac_dialog (invite, ringing);
  g_autoptr (GError) error = NULL;

  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@biloxi.example.com");
  g_assert_true (tc_sip_dialog_confirm (dialog, ok, &error));
  g_assert_no_error (error);
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@192.0.2.4");
}

/* §13.2.2.4: the 2xx's route set and Contact replace the early dialog's. */
static void
test_uac_confirm_recomputes (void)
{
  g_autoptr (TcSipMessage) invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) ringing =
    response (180, "a6c85cf", "Record-Route: <sip:early.example.com;lr>\nContact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipMessage) ok = response (200, "a6c85cf",
                                          "Record-Route: <sip:p2.example.com;lr>\n"
                                          "Record-Route: <sip:p1.example.com;lr>\n"
                                          "Contact: <sip:bob@192.0.2.99:5070>\n");
  g_autoptr (TcSipMessage) ok_rr_changed =
    response (200, "a6c85cf", "Record-Route: <sip:other.example.com;lr>\nContact: <sip:bob@192.0.2.5>\n");
  g_autoptr (TcSipMessage) other_fork = response (200, "ffff", "Contact: <sip:carol@192.0.2.7>\n");
  g_autoptr (TcSipMessage) ringing_again = response (183, "a6c85cf", "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipDialog) dialog = uac_dialog (invite, ringing);
  g_autoptr (GError) error = NULL;
  const char *const early_routes[] = { "sip:early.example.com;lr", NULL };
  const char *const routes[] = { "sip:p1.example.com;lr", "sip:p2.example.com;lr", NULL };

  assert_dialog_routes (dialog, early_routes);
  /* not a 2xx, not this dialog's: refused, nothing changes */
  g_assert_false (tc_sip_dialog_confirm (dialog, ringing_again, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tc_sip_dialog_confirm (dialog, other_fork, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_EARLY);
  assert_dialog_routes (dialog, early_routes);

  g_assert_true (tc_sip_dialog_confirm (dialog, ok, &error));
  g_assert_no_error (error);
  assert_dialog_routes (dialog, routes);
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@192.0.2.99:5070");

  /* once confirmed, a later 2xx does not recompute (§13.2.2.4: once) */
  g_assert_true (tc_sip_dialog_confirm (dialog, ok_rr_changed, &error));
  assert_dialog_routes (dialog, routes);
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@192.0.2.99:5070");
}

/* ---- UAS ------------------------------------------------------------------- */

/* The INVITE arriving at U2 in RFC 3261 §16.12.1.2. */
#define U2_INVITE \
  "INVITE sip:callee@u2.domain.com SIP/2.0\n" \
  "Via: SIP/2.0/UDP p4.domain.com;branch=z9hG4bKp4\n" \
  "Via: SIP/2.0/UDP u1.example.com;branch=z9hG4bKu1\n" \
  "To: <sip:callee@u2.domain.com>\n" \
  "From: \"Caller\" <sip:caller@u1.example.com>;tag=u1tag\n" \
  "Call-ID: strict@u1.example.com\n" \
  "CSeq: 10 INVITE\n" \
  "Contact: sip:caller@u1.example.com\n" \
  "Record-Route: <sip:p4.domain.com;lr>\n" \
  "Record-Route: <sip:p3.middle.com>\n" \
  "Record-Route: <sip:p2.example.com;lr>\n" \
  "Record-Route: <sip:p1.example.com;lr>\n"

static TcSipDialog *
u2_dialog (void)
{
  g_autoptr (TcSipMessage) invite = tc_test_parse_lines (U2_INVITE);
  g_autoptr (GError) error = NULL;
  TcSipDialog *dialog = tc_sip_dialog_new_uas (invite, "u2tag", &error);

  g_assert_no_error (error);
  g_assert_nonnull (dialog);
  return dialog;
}

static void
test_uas_create (void)
{
  g_autoptr (TcSipDialog) dialog = u2_dialog ();
  const char *const routes[] = { "sip:p4.domain.com;lr", "sip:p3.middle.com", "sip:p2.example.com;lr",
                                 "sip:p1.example.com;lr", NULL };

  g_assert_false (tc_sip_dialog_is_uac (dialog));
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_EARLY);
  g_assert_cmpstr (tc_sip_dialog_get_call_id (dialog), ==, "strict@u1.example.com");
  g_assert_cmpstr (tc_sip_dialog_get_local_tag (dialog), ==, "u2tag");
  g_assert_cmpstr (tc_sip_dialog_get_remote_tag (dialog), ==, "u1tag");
  assert_uri (tc_sip_dialog_get_local_uri (dialog), "sip:callee@u2.domain.com");
  assert_uri (tc_sip_dialog_get_remote_uri (dialog), "sip:caller@u1.example.com");
  g_assert_cmpstr (tc_sip_dialog_get_remote_name_addr (dialog), ==, "\"Caller\" <sip:caller@u1.example.com>");
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:caller@u1.example.com");
  /* §12.1.1: the Record-Route of the request, in order */
  assert_dialog_routes (dialog, routes);
  g_assert_cmpint (tc_sip_dialog_get_remote_seq (dialog), ==, 10);
  g_assert_cmpint (tc_sip_dialog_get_local_seq (dialog), ==, -1);
  g_assert_false (tc_sip_dialog_is_secure (dialog));
}

/* §16.12.1.2: U2's BYE goes to P4 with the Record-Route as Route. */
static void
test_uas_bye_loose (void)
{
  g_autoptr (TcSipDialog) dialog = u2_dialog ();
  g_autoptr (TcSipMessage) ok = tc_test_parse_lines ("SIP/2.0 200 OK\n"
                                                     "Via: SIP/2.0/UDP p4.domain.com;branch=z9hG4bKp4\n"
                                                     "To: <sip:callee@u2.domain.com>;tag=u2tag\n"
                                                     "From: \"Caller\" <sip:caller@u1.example.com>;tag=u1tag\n"
                                                     "Call-ID: strict@u1.example.com\n"
                                                     "CSeq: 10 INVITE\n"
                                                     "Contact: <sip:callee@192.0.2.2>\n");
  g_autoptr (TcSipMessage) bye = NULL;
  g_autoptr (TcSipMessage) bye2 = NULL;
  g_autoptr (GError) error = NULL;
  const char *const routes[] = { "sip:p4.domain.com;lr", "sip:p3.middle.com", "sip:p2.example.com;lr",
                                 "sip:p1.example.com;lr", NULL };
  guint32 first;

  /* the UAS confirms with the 2xx it sends; its state is all that changes */
  g_assert_true (tc_sip_dialog_confirm (dialog, ok, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:caller@u1.example.com");

  bye = finish (tc_sip_dialog_build_request (dialog, "BYE", &error));
  g_assert_no_error (error);
  assert_ruri (bye, "sip:caller@u1.example.com");
  assert_routes (bye, routes);
  assert_header (bye, "From", "<sip:callee@u2.domain.com>;tag=u2tag");
  assert_header (bye, "To", "\"Caller\" <sip:caller@u1.example.com>;tag=u1tag");
  assert_header (bye, "Call-ID", "strict@u1.example.com");
  g_assert_cmpint (tc_sip_message_get_max_forwards (bye), ==, 70);
  /* §12.2.1.1: the empty local sequence number gets an initial value below 2**31 */
  first = tc_sip_message_get_cseq (bye)->seq;
  g_assert_cmpuint (first, >=, 1);
  g_assert_cmpuint (first, <=, (1u << 30));
  assert_view (tc_sip_message_get_cseq (bye)->method, "BYE");
  g_assert_cmpint (tc_sip_dialog_get_local_seq (dialog), ==, first);
  assert_uri (tc_sip_dialog_get_next_hop (dialog), "sip:p4.domain.com;lr");

  /* then one more per request */
  bye2 = finish (tc_sip_dialog_build_request (dialog, "INFO", &error));
  assert_cseq (bye2, first + 1, "INFO");
}

static void
test_uas_errors (void)
{
  g_autoptr (TcSipMessage) in_dialog =
    tc_test_parse_lines ("INVITE sip:bob@192.0.2.4 SIP/2.0\n" VIA TO ";tag=abc\n" FROM CALL
                         "CSeq: 2 INVITE\nContact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) no_contact = invite_with ("");
  g_autoptr (TcSipMessage) message =
    tc_test_parse_lines ("MESSAGE sip:bob@biloxi.example.com SIP/2.0\n" VIA TO "\n" FROM CALL "CSeq: 1 MESSAGE\n");
  g_autoptr (TcSipMessage) subscribe =
    tc_test_parse_lines ("SUBSCRIBE sip:bob@biloxi.example.com SIP/2.0\n" VIA TO "\n" FROM CALL
                         "CSeq: 1 SUBSCRIBE\nEvent: presence\nContact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipDialog) dialog = NULL;
  g_autoptr (GError) error = NULL;

  dialog = tc_sip_dialog_new_uas (in_dialog, "x", &error);
  g_assert_null (dialog);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  dialog = tc_sip_dialog_new_uas (no_contact, "x", &error);
  g_assert_null (dialog);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  dialog = tc_sip_dialog_new_uas (message, "x", &error);
  g_assert_null (dialog);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  dialog = tc_sip_dialog_new_uas (subscribe, "x", &error);
  g_assert_no_error (error);
  g_assert_nonnull (dialog);
}

/* §12.1.1: an RFC 2543 peer without From tag: the remote tag is empty. */
static void
test_uas_no_from_tag (void)
{
  g_autoptr (TcSipMessage) invite =
    tc_test_parse_lines ("INVITE sip:bob@biloxi.example.com SIP/2.0\n" VIA TO "\n"
                         "From: <sip:old@example.com>\n" CALL "CSeq: 1 INVITE\nContact: <sip:old@192.0.2.9>\n");
  g_autoptr (TcSipMessage) bye_in = tc_test_parse_lines (
    "BYE sip:bob@192.0.2.4 SIP/2.0\n" VIA TO ";tag=local\nFrom: <sip:old@example.com>\n" CALL "CSeq: 2 BYE\n");
  g_autoptr (TcSipDialog) dialog = tc_sip_dialog_new_uas (invite, "local", NULL);
  g_autoptr (TcSipMessage) bye = NULL;
  g_autofree char *id = NULL;
  g_autofree char *msg_id = NULL;

  g_assert_nonnull (dialog);
  g_assert_cmpstr (tc_sip_dialog_get_remote_tag (dialog), ==, "");
  g_assert_true (tc_sip_dialog_matches_request (dialog, bye_in));
  id = tc_sip_dialog_get_id (dialog);
  msg_id = tc_sip_dialog_id_from_message (bye_in, FALSE);
  g_assert_cmpstr (id, ==, msg_id);
  bye = finish (tc_sip_dialog_build_request (dialog, "BYE", NULL));
  assert_header (bye, "To", "<sip:old@example.com>");
}

static void
test_uas_secure (void)
{
  g_autoptr (TcSipMessage) tls =
    tc_test_parse_lines ("INVITE sips:bob@biloxi.example.com SIP/2.0\n"
                         "Via: SIP/2.0/TLS pc33.atlanta.example.com;branch=z9hG4bK1\n" TO "\n" FROM CALL
                         "CSeq: 1 INVITE\nContact: <sips:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) tcp =
    tc_test_parse_lines ("INVITE sips:bob@biloxi.example.com SIP/2.0\n"
                         "Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK1\n" TO "\n" FROM CALL
                         "CSeq: 1 INVITE\nContact: <sips:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipDialog) secure = tc_sip_dialog_new_uas (tls, "t", NULL);
  g_autoptr (TcSipDialog) insecure = tc_sip_dialog_new_uas (tcp, "t", NULL);

  g_assert_true (tc_sip_dialog_is_secure (secure));
  g_assert_false (tc_sip_dialog_is_secure (insecure));
}

/* ---- building requests ----------------------------------------------------- */

/* A confirmed UAC dialog with the route set of @record_route (as the 2xx
 * carries it) and remote target sip:user@remoteua. */
static TcSipDialog *
uac_with_routes (const char *record_route)
{
  g_autoptr (TcSipMessage) invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autofree char *extra = g_strdup_printf ("%sContact: <sip:user@remoteua>\n", record_route);
  g_autoptr (TcSipMessage) ok = response (200, "a6c85cf", extra);

  return uac_dialog (invite, ok);
}

static void
test_request_loose (void)
{
  g_autoptr (TcSipDialog) dialog =
    uac_with_routes ("Record-Route: <sip:p2.example.com;lr>\nRecord-Route: <sip:p1.example.com;lr;ftag=x>\n");
  g_autoptr (TcSipMessage) reinvite = NULL;
  g_autoptr (GError) error = NULL;
  const char *const routes[] = { "sip:p1.example.com;lr;ftag=x", "sip:p2.example.com;lr", NULL };

  reinvite = finish (tc_sip_dialog_build_request (dialog, "INVITE", &error));
  g_assert_no_error (error);
  assert_view (tc_sip_message_get_method_name (reinvite), "INVITE");
  assert_ruri (reinvite, "sip:user@remoteua");
  assert_routes (reinvite, routes);
  assert_header (reinvite, "From", "Alice <sip:alice@atlanta.example.com>;tag=" FROM_TAG);
  assert_header (reinvite, "To", "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf");
  assert_header (reinvite, "Call-ID", CALL_ID);
  assert_cseq (reinvite, 314160, "INVITE");
  g_assert_cmpint (tc_sip_message_get_max_forwards (reinvite), ==, 70);
  g_assert_cmpint (tc_sip_dialog_get_local_seq (dialog), ==, 314160);
  assert_uri (tc_sip_dialog_get_next_hop (dialog), "sip:p1.example.com;lr;ftag=x");
}

/* RFC 3261 §12.2.1.1: remote target sip:user@remoteua, route set
 * <sip:proxy1>,<sip:proxy2>,<sip:proxy3;lr>,<sip:proxy4> gives
 * "METHOD sip:proxy1" with Route <sip:proxy2>,<sip:proxy3;lr>,<sip:proxy4>,
 * <sip:user@remoteua>. */
static void
test_request_strict (void)
{
  g_autoptr (TcSipDialog) dialog = uac_with_routes ("Record-Route: <sip:proxy4>, <sip:proxy3;lr>\n"
                                                    "Record-Route: <sip:proxy2>, <sip:proxy1>\n");
  g_autoptr (TcSipMessage) bye = NULL;
  g_autoptr (GError) error = NULL;
  const char *const set[] = { "sip:proxy1", "sip:proxy2", "sip:proxy3;lr", "sip:proxy4", NULL };
  const char *const routes[] = { "sip:proxy2", "sip:proxy3;lr", "sip:proxy4", "sip:user@remoteua", NULL };

  assert_dialog_routes (dialog, set);
  bye = finish (tc_sip_dialog_build_request (dialog, "BYE", &error));
  g_assert_no_error (error);
  assert_ruri (bye, "sip:proxy1");
  assert_routes (bye, routes);
  assert_cseq (bye, 314160, "BYE");
  /* §8.1.2: with a strict router first, the Request-URI is resolved */
  assert_uri (tc_sip_dialog_get_next_hop (dialog), "sip:proxy1");
}

/* §12.2.1.1: parameters a Request-URI may not carry are stripped from the
 * strict router's URI; the others stay. */
static void
test_request_strict_strips (void)
{
  g_autoptr (TcSipDialog) dialog =
    uac_with_routes ("Record-Route: <sip:proxy2;lr>\nRecord-Route: <sip:proxy1;transport=tcp;method=INVITE>\n");
  g_autoptr (TcSipMessage) bye = finish (tc_sip_dialog_build_request (dialog, "BYE", NULL));
  const char *const routes[] = { "sip:proxy2;lr", "sip:user@remoteua", NULL };

  assert_ruri (bye, "sip:proxy1;transport=tcp");
  assert_routes (bye, routes);
}

static void
test_request_no_routes (void)
{
  g_autoptr (TcSipDialog) dialog = uac_with_routes ("");
  g_autoptr (TcSipMessage) bye = finish (tc_sip_dialog_build_request (dialog, "BYE", NULL));
  const char *const none[] = { NULL };

  assert_ruri (bye, "sip:user@remoteua");
  assert_routes (bye, none);
  assert_uri (tc_sip_dialog_get_next_hop (dialog), "sip:user@remoteua");
}

static void
test_request_refused (void)
{
  g_autoptr (TcSipDialog) dialog = uac_with_routes ("");
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;

  builder = tc_sip_dialog_build_request (dialog, "ACK", &error);
  g_assert_null (builder);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  builder = tc_sip_dialog_build_request (dialog, "CANCEL", &error);
  g_assert_null (builder);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  /* neither took a CSeq number */
  g_assert_cmpint (tc_sip_dialog_get_local_seq (dialog), ==, 314159);

  tc_sip_dialog_terminate (dialog);
  builder = tc_sip_dialog_build_request (dialog, "BYE", &error);
  g_assert_null (builder);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
}

/* §8.1.1.5: no CSeq number of 2**31 or more. */
static void
test_request_cseq_limit (void)
{
  g_autoptr (TcSipMessage) invite =
    tc_test_parse_lines ("INVITE sip:bob@biloxi.example.com SIP/2.0\n" VIA TO "\n" FROM CALL
                         "CSeq: 2147483646 INVITE\nContact: <sip:a@h>\n");
  g_autoptr (TcSipMessage) ok = tc_test_parse_lines ("SIP/2.0 200 OK\n" VIA TO ";tag=t\n" FROM CALL
                                                     "CSeq: 2147483646 INVITE\nContact: <sip:b@h>\n");
  g_autoptr (TcSipDialog) dialog = uac_dialog (invite, ok);
  g_autoptr (TcSipMessage) last = NULL;
  g_autoptr (TcSipMessageBuilder) none = NULL;
  g_autoptr (GError) error = NULL;

  last = finish (tc_sip_dialog_build_request (dialog, "BYE", &error));
  assert_cseq (last, 2147483647u, "BYE");
  none = tc_sip_dialog_build_request (dialog, "BYE", &error);
  g_assert_null (none);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_LIMIT);
  g_assert_cmpuint (tc_sip_dialog_next_local_seq (dialog), ==, 0);
}

/* ---- ACK for a 2xx --------------------------------------------------------- */

static void
test_ack (void)
{
  g_autoptr (TcSipMessage) invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n"
                                                 "Proxy-Authorization: Digest username=\"alice\", realm=\"a\", "
                                                 "nonce=\"n\", uri=\"sip:bob@biloxi.example.com\", response=\"r1\"\n"
                                                 "Authorization: Digest username=\"alice\", realm=\"b\", "
                                                 "nonce=\"m\", uri=\"sip:bob@biloxi.example.com\", response=\"r2\"\n"
                                                 "Route: <sip:preloaded.example.com;lr>\n");
  g_autoptr (TcSipMessage) ok =
    response (200, "a6c85cf", "Record-Route: <sip:p1.example.com;lr>\nContact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipMessage) other_call =
    tc_test_parse_lines ("INVITE sip:bob@biloxi.example.com SIP/2.0\n" VIA TO "\n" FROM
                         "Call-ID: other@host\nCSeq: 314159 INVITE\nContact: <sip:a@h>\n");
  g_autoptr (TcSipDialog) dialog = uac_dialog (invite, ok);
  g_autoptr (TcSipMessage) ack = NULL;
  g_autoptr (TcSipMessage) reinvite = NULL;
  g_autoptr (TcSipMessage) reack = NULL;
  g_autoptr (TcSipMessageBuilder) refused = NULL;
  g_autoptr (GError) error = NULL;
  const char *const routes[] = { "sip:p1.example.com;lr", NULL };
  gint first, second;

  ack = finish (tc_sip_dialog_build_ack (dialog, invite, &error));
  g_assert_no_error (error);
  assert_view (tc_sip_message_get_method_name (ack), "ACK");
  /* built as any in-dialog request: the dialog's route set, not the INVITE's Route */
  assert_ruri (ack, "sip:bob@192.0.2.4");
  assert_routes (ack, routes);
  assert_header (ack, "To", "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf");
  assert_header (ack, "From", "Alice <sip:alice@atlanta.example.com>;tag=" FROM_TAG);
  /* §13.2.2.4: the INVITE's CSeq number, method ACK; the local number does not move */
  assert_cseq (ack, 314159, "ACK");
  g_assert_cmpint (tc_sip_dialog_get_local_seq (dialog), ==, 314159);
  /* the INVITE's credentials, in order */
  first = tc_sip_message_find_header (ack, TC_SIP_HEADER_PROXY_AUTHORIZATION, 0);
  second = tc_sip_message_find_header (ack, TC_SIP_HEADER_AUTHORIZATION, 0);
  g_assert_cmpint (first, >=, 0);
  g_assert_cmpint (second, >, first);
  g_assert_nonnull (strstr (tc_sip_message_get_header (ack, first)->value.str, "response=\"r1\""));
  g_assert_nonnull (strstr (tc_sip_message_get_header (ack, second)->value.str, "response=\"r2\""));
  g_assert_cmpint (tc_sip_message_find_header (ack, TC_SIP_HEADER_CONTACT, 0), <, 0);

  /* a re-INVITE takes the next number, and its ACK carries it */
  reinvite = finish (tc_sip_dialog_build_request (dialog, "INVITE", NULL));
  assert_cseq (reinvite, 314160, "INVITE");
  reack = finish (tc_sip_dialog_build_ack_for_seq (dialog, 314160, &error));
  g_assert_no_error (error);
  assert_cseq (reack, 314160, "ACK");
  g_assert_cmpint (tc_sip_message_find_header (reack, TC_SIP_HEADER_AUTHORIZATION, 0), <, 0);
  g_assert_cmpint (tc_sip_dialog_get_local_seq (dialog), ==, 314160);

  /* only an INVITE is acknowledged */
  refused = tc_sip_dialog_build_ack (dialog, ok, &error);
  g_assert_null (refused);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  /* of this dialog */
  refused = tc_sip_dialog_build_ack (dialog, other_call, &error);
  g_assert_null (refused);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
}

/* ---- remote CSeq and target refresh ----------------------------------------- */

/* A request from Bob in the dialog of uac_dialog(). */
static TcSipMessage *
from_bob (const char *method, guint32 seq, const char *extra)
{
  g_autofree char *text =
    g_strdup_printf ("%s sip:alice@pc33.atlanta.example.com SIP/2.0\n"
                     "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKbob%u\n"
                     "To: Alice <sip:alice@atlanta.example.com>;tag=" FROM_TAG "\n"
                     "From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\n" CALL "CSeq: %u %s\n%s",
                     method, seq, seq, method, extra);

  return tc_test_parse_lines (text);
}

static void
test_remote_cseq (void)
{
  g_autoptr (TcSipDialog) uac = uac_with_routes ("");
  g_autoptr (TcSipDialog) uas = u2_dialog ();
  g_autoptr (TcSipMessage) r5 = from_bob ("INFO", 5, "");
  g_autoptr (TcSipMessage) r3 = from_bob ("INFO", 3, "");
  g_autoptr (TcSipMessage) r6 = from_bob ("INFO", 6, "");
  g_autoptr (TcSipMessage) ack5 = from_bob ("ACK", 5, "");
  g_autoptr (TcSipMessage) cancel5 = from_bob ("CANCEL", 5, "");
  g_autoptr (TcSipMessage) u10 =
    tc_test_parse_lines ("INFO sip:callee@192.0.2.2 SIP/2.0\n" VIA "To: <sip:callee@u2.domain.com>;tag=u2tag\n"
                         "From: <sip:caller@u1.example.com>;tag=u1tag\n"
                         "Call-ID: strict@u1.example.com\nCSeq: 10 INFO\n");
  g_autoptr (TcSipMessage) u11 =
    tc_test_parse_lines ("BYE sip:callee@192.0.2.2 SIP/2.0\n" VIA "To: <sip:callee@u2.domain.com>;tag=u2tag\n"
                         "From: <sip:caller@u1.example.com>;tag=u1tag\n"
                         "Call-ID: strict@u1.example.com\nCSeq: 11 BYE\n");

  /* UAC: the remote number is empty and accepts anything */
  g_assert_cmpint (tc_sip_dialog_get_remote_seq (uac), ==, -1);
  g_assert_true (tc_sip_dialog_receive_request (uac, r5));
  g_assert_cmpint (tc_sip_dialog_get_remote_seq (uac), ==, 5);
  /* lower or equal: out of order (the stack answers 500) */
  g_assert_false (tc_sip_dialog_receive_request (uac, r3));
  g_assert_false (tc_sip_dialog_receive_request (uac, r5));
  g_assert_cmpint (tc_sip_dialog_get_remote_seq (uac), ==, 5);
  /* ACK and CANCEL carry an earlier number: accepted, not recorded */
  g_assert_true (tc_sip_dialog_receive_request (uac, ack5));
  g_assert_true (tc_sip_dialog_receive_request (uac, cancel5));
  g_assert_true (tc_sip_dialog_receive_request (uac, r6));
  g_assert_cmpint (tc_sip_dialog_get_remote_seq (uac), ==, 6);

  /* UAS: the INVITE's number is the remote number */
  g_assert_false (tc_sip_dialog_receive_request (uas, u10));
  g_assert_true (tc_sip_dialog_receive_request (uas, u11));
  g_assert_cmpint (tc_sip_dialog_get_remote_seq (uas), ==, 11);
}

static void
test_target_refresh (void)
{
  g_autoptr (TcSipDialog) dialog = uac_with_routes ("");
  g_autoptr (TcSipMessage) reinvite = from_bob ("INVITE", 7, "Contact: <sip:bob@192.0.2.50:5062>\n");
  g_autoptr (TcSipMessage) info = from_bob ("INFO", 8, "");
  g_autoptr (TcSipMessage) update_ok = tc_test_parse_lines ("SIP/2.0 200 OK\n" VIA TO ";tag=a6c85cf\n" FROM CALL
                                                            "CSeq: 314160 UPDATE\nContact: <sip:bob@192.0.2.60>\n");
  g_autoptr (TcSipMessage) update_ringing = tc_test_parse_lines (
    "SIP/2.0 183 Progress\n" VIA TO ";tag=a6c85cf\n" FROM CALL "CSeq: 314160 UPDATE\nContact: <sip:bob@192.0.2.70>\n");
  g_autoptr (TcSipMessage) bye = NULL;

  g_assert_true (tc_sip_dialog_update_remote_target (dialog, reinvite));
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@192.0.2.50:5062");
  bye = finish (tc_sip_dialog_build_request (dialog, "BYE", NULL));
  assert_ruri (bye, "sip:bob@192.0.2.50:5062");
  /* no Contact: unchanged */
  g_assert_false (tc_sip_dialog_update_remote_target (dialog, info));
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@192.0.2.50:5062");
  /* a 2xx to a refresh sent in the dialog refreshes; a 1xx does not */
  g_assert_false (tc_sip_dialog_update_remote_target (dialog, update_ringing));
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@192.0.2.50:5062");
  g_assert_true (tc_sip_dialog_update_remote_target (dialog, update_ok));
  assert_uri (tc_sip_dialog_get_remote_target (dialog), "sip:bob@192.0.2.60");

  g_assert_true (tc_sip_method_is_target_refresh (TC_SIP_METHOD_INVITE));
  g_assert_true (tc_sip_method_is_target_refresh (TC_SIP_METHOD_UPDATE));
  g_assert_true (tc_sip_method_is_target_refresh (TC_SIP_METHOD_SUBSCRIBE));
  g_assert_true (tc_sip_method_is_target_refresh (TC_SIP_METHOD_NOTIFY));
  g_assert_false (tc_sip_method_is_target_refresh (TC_SIP_METHOD_INFO));
  g_assert_false (tc_sip_method_is_target_refresh (TC_SIP_METHOD_BYE));
}

/* ---- matching, ids, forking -------------------------------------------------- */

static void
test_matching (void)
{
  g_autoptr (TcSipDialog) dialog = uac_with_routes ("");
  g_autoptr (TcSipMessage) in = from_bob ("BYE", 1, "");
  g_autoptr (TcSipMessage) wrong_call =
    tc_test_parse_lines ("BYE sip:alice@h SIP/2.0\n" VIA "To: <sip:alice@atlanta.example.com>;tag=" FROM_TAG "\n"
                         "From: <sip:bob@biloxi.example.com>;tag=a6c85cf\nCall-ID: other\nCSeq: 1 BYE\n");
  g_autoptr (TcSipMessage) swapped = tc_test_parse_lines (
    "BYE sip:alice@h SIP/2.0\n" VIA "To: <sip:bob@biloxi.example.com>;tag=a6c85cf\n" FROM CALL "CSeq: 1 BYE\n");
  g_autoptr (TcSipMessage) ok_to_our_bye =
    tc_test_parse_lines ("SIP/2.0 200 OK\n" VIA TO ";tag=a6c85cf\n" FROM CALL "CSeq: 314160 BYE\n");
  g_autoptr (TcSipMessage) other_fork =
    tc_test_parse_lines ("SIP/2.0 200 OK\n" VIA TO ";tag=zzz\n" FROM CALL "CSeq: 314160 BYE\n");
  g_autoptr (TcSipMessage) out_of_dialog = invite_with ("Contact: <sip:a@h>\n");
  g_autoptr (TcSipMessage) no_from_tag =
    tc_test_parse_lines ("BYE sip:alice@h SIP/2.0\n" VIA "To: <sip:alice@atlanta.example.com>;tag=" FROM_TAG "\n"
                         "From: <sip:bob@biloxi.example.com>\n" CALL "CSeq: 1 BYE\n");
  g_autofree char *id = tc_sip_dialog_get_id (dialog);
  g_autofree char *request_id = tc_sip_dialog_id_from_message (in, FALSE);
  g_autofree char *response_id = tc_sip_dialog_id_from_message (ok_to_our_bye, TRUE);
  g_autofree char *no_id = tc_sip_dialog_id_from_message (out_of_dialog, FALSE);
  g_autofree char *key = tc_sip_dialog_id_key (CALL_ID, FROM_TAG, "a6c85cf");

  g_assert_true (tc_sip_dialog_matches_request (dialog, in));
  g_assert_false (tc_sip_dialog_matches_request (dialog, wrong_call));
  g_assert_false (tc_sip_dialog_matches_request (dialog, swapped));
  /* a missing From tag only matches a dialog without remote tag */
  g_assert_false (tc_sip_dialog_matches_request (dialog, no_from_tag));
  g_assert_false (tc_sip_dialog_matches_request (dialog, ok_to_our_bye));
  g_assert_true (tc_sip_dialog_matches_response (dialog, ok_to_our_bye));
  g_assert_false (tc_sip_dialog_matches_response (dialog, other_fork));
  g_assert_false (tc_sip_dialog_matches_response (dialog, in));

  g_assert_cmpstr (id, ==, key);
  g_assert_cmpstr (request_id, ==, id);
  g_assert_cmpstr (response_id, ==, id);
  /* a request without To tag is in no dialog */
  g_assert_null (no_id);
}

/* Two 180s with different tags make two early dialogs; a 2xx confirms one. */
static void
test_forking (void)
{
  g_autoptr (TcSipMessage) invite = invite_with ("Contact: <sip:alice@pc33.atlanta.example.com>\n");
  g_autoptr (TcSipMessage) ringing_b = response (180, "bob1", "Contact: <sip:bob@192.0.2.4>\n");
  g_autoptr (TcSipMessage) ringing_c = response (180, "carol1", "Contact: <sip:carol@192.0.2.5>\n");
  g_autoptr (TcSipMessage) ok_c = response (200, "carol1", "Contact: <sip:carol@192.0.2.5>\n");
  g_autoptr (TcSipMessage) later =
    tc_test_parse_lines ("SIP/2.0 200 OK\n" VIA TO ";tag=dave\n" FROM CALL "CSeq: 314160 INVITE\n");
  g_autoptr (TcSipDialog) b = uac_dialog (invite, ringing_b);
  g_autoptr (TcSipDialog) c = uac_dialog (invite, ringing_c);
  g_autofree char *id_b = tc_sip_dialog_get_id (b);
  g_autofree char *id_c = tc_sip_dialog_get_id (c);
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (tc_sip_dialog_get_call_id (b), ==, tc_sip_dialog_get_call_id (c));
  g_assert_cmpstr (tc_sip_dialog_get_local_tag (b), ==, tc_sip_dialog_get_local_tag (c));
  g_assert_cmpstr (tc_sip_dialog_get_remote_tag (b), ==, "bob1");
  g_assert_cmpstr (tc_sip_dialog_get_remote_tag (c), ==, "carol1");
  g_assert_cmpstr (id_b, !=, id_c);
  g_assert_cmpint (tc_sip_dialog_get_state (b), ==, TC_SIP_DIALOG_STATE_EARLY);
  g_assert_cmpint (tc_sip_dialog_get_state (c), ==, TC_SIP_DIALOG_STATE_EARLY);

  g_assert_true (tc_sip_dialog_is_other_fork (b, ringing_c));
  g_assert_true (tc_sip_dialog_is_other_fork (b, ok_c));
  g_assert_false (tc_sip_dialog_is_other_fork (b, ringing_b));
  g_assert_false (tc_sip_dialog_is_other_fork (c, ok_c));
  /* another request (another CSeq) is not a fork of this INVITE */
  g_assert_false (tc_sip_dialog_is_other_fork (b, later));

  /* the 2xx confirms its own dialog only */
  g_assert_false (tc_sip_dialog_confirm (b, ok_c, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (tc_sip_dialog_confirm (c, ok_c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tc_sip_dialog_get_state (c), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
  g_assert_cmpint (tc_sip_dialog_get_state (b), ==, TC_SIP_DIALOG_STATE_EARLY);
}

/* ---- usages (RFC 5057) ------------------------------------------------------- */

static void
test_usages (void)
{
  g_autoptr (TcSipDialog) dialog = uac_with_routes ("");

  g_assert_false (tc_sip_dialog_has_usages (dialog));
  g_assert_true (tc_sip_dialog_add_usage (dialog, TC_SIP_DIALOG_USAGE_INVITE, NULL, NULL));
  /* one invite usage at most */
  g_assert_false (tc_sip_dialog_add_usage (dialog, TC_SIP_DIALOG_USAGE_INVITE, NULL, NULL));
  g_assert_true (tc_sip_dialog_add_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "refer", "93809824"));
  g_assert_true (tc_sip_dialog_add_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "refer", "93809825"));
  g_assert_true (tc_sip_dialog_add_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "presence", NULL));
  g_assert_false (tc_sip_dialog_add_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "Presence", NULL));
  g_assert_cmpuint (tc_sip_dialog_get_n_usages (dialog), ==, 4);
  g_assert_true (tc_sip_dialog_has_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "REFER", "93809824"));
  g_assert_false (tc_sip_dialog_has_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "refer", NULL));
  g_assert_false (tc_sip_dialog_has_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "presence", "1"));

  /* BYE ends the invite usage; the subscriptions keep the dialog (§5) */
  g_assert_true (tc_sip_dialog_remove_usage (dialog, TC_SIP_DIALOG_USAGE_INVITE, NULL, NULL));
  g_assert_false (tc_sip_dialog_remove_usage (dialog, TC_SIP_DIALOG_USAGE_INVITE, NULL, NULL));
  g_assert_true (tc_sip_dialog_has_usages (dialog));
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
  g_assert_true (tc_sip_dialog_remove_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "refer", "93809824"));
  g_assert_false (tc_sip_dialog_has_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "refer", "93809824"));
  g_assert_true (tc_sip_dialog_has_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "refer", "93809825"));
  g_assert_true (tc_sip_dialog_remove_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "refer", "93809825"));
  g_assert_true (tc_sip_dialog_remove_usage (dialog, TC_SIP_DIALOG_USAGE_SUBSCRIBE, "presence", NULL));
  g_assert_false (tc_sip_dialog_has_usages (dialog));
  /* the last usage gone, the state is still the stack's to change */
  g_assert_cmpint (tc_sip_dialog_get_state (dialog), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
}

static void
test_boxed_type (void)
{
  g_autoptr (TcSipDialog) dialog = uac_with_routes ("");
  TcSipDialog *copy = g_boxed_copy (TC_SIP_TYPE_DIALOG, dialog);

  g_assert_true (copy == dialog);
  g_boxed_free (TC_SIP_TYPE_DIALOG, copy);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/dialog/state/to-string", test_state_to_string);
  g_test_add_func ("/sip/dialog/state/edges", test_state_edges);
  g_test_add_func ("/sip/dialog/uac/early-from-180", test_uac_early);
  g_test_add_func ("/sip/dialog/uac/secure-needs-sips-and-tls", test_uac_secure);
  g_test_add_func ("/sip/dialog/uac/errors", test_uac_errors);
  g_test_add_func ("/sip/dialog/uac/1xx-without-contact", test_uac_1xx_without_contact);
  g_test_add_func ("/sip/dialog/uac/confirm-recomputes-route-set", test_uac_confirm_recomputes);
  g_test_add_func ("/sip/dialog/uas/create", test_uas_create);
  g_test_add_func ("/sip/dialog/uas/bye-loose-rfc3261-16.12.1.2", test_uas_bye_loose);
  g_test_add_func ("/sip/dialog/uas/errors", test_uas_errors);
  g_test_add_func ("/sip/dialog/uas/no-from-tag", test_uas_no_from_tag);
  g_test_add_func ("/sip/dialog/uas/secure-over-tls", test_uas_secure);
  g_test_add_func ("/sip/dialog/request/loose", test_request_loose);
  g_test_add_func ("/sip/dialog/request/strict-rfc3261-12.2.1.1", test_request_strict);
  g_test_add_func ("/sip/dialog/request/strict-strips-params", test_request_strict_strips);
  g_test_add_func ("/sip/dialog/request/no-routes", test_request_no_routes);
  g_test_add_func ("/sip/dialog/request/refused", test_request_refused);
  g_test_add_func ("/sip/dialog/request/cseq-limit", test_request_cseq_limit);
  g_test_add_func ("/sip/dialog/ack/for-2xx", test_ack);
  g_test_add_func ("/sip/dialog/remote-cseq", test_remote_cseq);
  g_test_add_func ("/sip/dialog/target-refresh", test_target_refresh);
  g_test_add_func ("/sip/dialog/matching-and-ids", test_matching);
  g_test_add_func ("/sip/dialog/forking", test_forking);
  g_test_add_func ("/sip/dialog/usages", test_usages);
  g_test_add_func ("/sip/dialog/boxed-type", test_boxed_type);

  return g_test_run ();
}
