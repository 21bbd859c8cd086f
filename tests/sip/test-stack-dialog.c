/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-stack-dialog.c — the UA core (stack.h) with INVITE and dialogs, on a
 * manual clock with the fake transport (style.md B11): forking and the
 * ACK of every 2xx (§13.2.2.4), CANCEL (§9.1), the UAS 2xx retransmission
 * until the ACK (§13.3.1.4), in-dialog requests (§12.2.2), an incoming
 * CANCEL (§9.2), and tearing the stack down mid-call.
 */
#include "stack-test-util.h"

#define CONTACT_1 "Contact: <sip:bob@192.0.2.81>\r\n"
#define CONTACT_2 "Contact: <sip:bob@192.0.2.82>\r\n"

static gboolean
sent_equal (Fixture *f, guint a, guint b)
{
  return g_bytes_equal (tc_sip_fake_transport_get_sent (f->transport, a)->bytes,
                        tc_sip_fake_transport_get_sent (f->transport, b)->bytes);
}

/* ---- 8. forking --------------------------------------------------------------------- */

static void
test_forking (Fixture *f, gconstpointer data)
{
  Outcome out = { .ack_body = "v=0 (the answer)\r\n" };
  TcSipDialog *early_1, *early_2;
  TcSipMessage *invite, *ack;
  gint i_ack, i_ack_2, i_bye;
  guint before;

  send_simple (f, "INVITE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  invite = sent (f, 0);
  inject_response (f, 0, 100, NULL, NULL);
  inject_response (f, 0, 180, "t1", CONTACT_1);
  inject_response (f, 0, 180, "t2", CONTACT_2);
  inject_response (f, 0, 183, "t1", CONTACT_1);
  g_assert_cmpuint (out.n_provisional, ==, 4);
  g_assert_null (out.dialogs->pdata[0]); /* 100: no To tag */
  early_1 = out.dialogs->pdata[1];
  early_2 = out.dialogs->pdata[2];
  g_assert_true (early_1 != early_2);
  g_assert_true (out.dialogs->pdata[3] == early_1);
  g_assert_cmpstr (tc_sip_dialog_get_remote_tag (early_1), ==, "t1");
  g_assert_cmpstr (tc_sip_dialog_get_remote_tag (early_2), ==, "t2");
  g_assert_cmpint (tc_sip_dialog_get_state (early_1), ==, TC_SIP_DIALOG_STATE_EARLY);
  g_assert_cmpint (tc_sip_dialog_get_state (early_2), ==, TC_SIP_DIALOG_STATE_EARLY);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 2);
  g_assert_cmpuint (n_sent (f), ==, 1);

  /* Fork 1 answers: ACK (built once, with the TU's body) and final. */
  inject_response (f, 0, 200, "t1", CONTACT_1);
  run_main ();
  g_assert_cmpuint (out.n_build_ack, ==, 1);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 200);
  g_assert_true (out.final_dialog == early_1);
  g_assert_cmpint (tc_sip_dialog_get_state (out.final_dialog), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 1);
  i_ack = find_sent (f, TC_SIP_METHOD_ACK, 1);
  g_assert_cmpint (i_ack, ==, 1);
  g_assert_cmpuint (n_sent (f), ==, 2);
  ack = sent (f, i_ack);
  g_assert_cmpstr (ruri (f, ack), ==, "sip:bob@192.0.2.81");
  g_assert_cmpstr (dest (f, i_ack), ==, "udp:192.0.2.81:5060"); /* the remote target: no route set */
  g_assert_cmpstr (hdr (f, ack, "CSeq"), ==, "1 ACK");
  g_assert_cmpstr (branch (f, ack), !=, branch (f, invite));
  g_assert_true (g_str_has_prefix (branch (f, ack), "z9hG4bK"));
  g_assert_nonnull (strstr (hdr (f, ack, "To"), ";tag=t1"));
  g_assert_cmpstr (hdr (f, ack, "Call-ID"), ==, hdr (f, invite, "Call-ID"));
  g_assert_cmpstr (body (f, ack), ==, "v=0 (the answer)\r\n");
  g_assert_cmpstr (hdr (f, ack, "Content-Type"), ==, "application/sdp");

  /* Fork 2 answers too: ACK, then BYE to its Contact; the TU hears nothing. */
  inject_response (f, 0, 200, "t2", CONTACT_2);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 4);
  i_ack_2 = find_sent (f, TC_SIP_METHOD_ACK, 2);
  i_bye = find_sent (f, TC_SIP_METHOD_BYE, 2);
  g_assert_cmpint (i_ack_2, ==, 2);
  g_assert_cmpint (i_bye, ==, 3);
  g_assert_cmpstr (ruri (f, sent (f, i_ack_2)), ==, "sip:bob@192.0.2.82");
  g_assert_cmpstr (dest (f, i_ack_2), ==, "udp:192.0.2.82:5060");
  g_assert_cmpstr (hdr (f, sent (f, i_ack_2), "CSeq"), ==, "1 ACK");
  g_assert_nonnull (strstr (hdr (f, sent (f, i_ack_2), "To"), ";tag=t2"));
  g_assert_cmpstr (ruri (f, sent (f, i_bye)), ==, "sip:bob@192.0.2.82");
  g_assert_cmpstr (dest (f, i_bye), ==, "udp:192.0.2.82:5060");
  g_assert_nonnull (strstr (hdr (f, sent (f, i_bye), "To"), ";tag=t2"));
  g_assert_cmpstr (hdr (f, sent (f, i_bye), "CSeq"), ==, "2 BYE");
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.n_build_ack, ==, 1);
  /* Fork 2's 200 again: its ACK again, no second BYE. */
  inject_response (f, 0, 200, "t2", CONTACT_2);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 5);
  g_assert_true (sent_equal (f, i_ack_2, 4));
  /* Fork 2's dialog is forgotten once its BYE is answered. */
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 2);
  inject_response (f, i_bye, 200, NULL, NULL);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 1);

  /* Fork 1's 200 again: the same ACK, byte for byte. */
  before = n_sent (f);
  inject_response (f, 0, 200, "t1", CONTACT_1);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, before + 1);
  g_assert_true (sent_equal (f, i_ack, before));
  g_assert_cmpstr (dest (f, before), ==, "udp:192.0.2.81:5060");

  /* Timer M ends the INVITE transaction; the 200 is then a stray one. */
  tc_sip_clock_manual_advance (f->clock, 64 * T1);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (tc_sip_stack_get_transaction_layer (f->stack)),
                    ==, 0);
  before = n_sent (f);
  inject_response (f, 0, 200, "t1", CONTACT_1);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, before + 1);
  g_assert_true (sent_equal (f, i_ack, before));
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.n_build_ack, ==, 1);

  tc_sip_stack_end_dialog (f->stack, out.final_dialog);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 0);
  outcome_clear (&out);
}

/* With a route set the ACK goes where the INVITE went (the proxy). */
static void
test_ack_via_proxy (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };

  send_simple (f, "INVITE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  inject_response (f, 0, 200, "t1", "Record-Route: <sip:192.0.2.50;lr>\r\n" CONTACT_1);
  run_main ();
  g_assert_cmpuint (out.final_status, ==, 200);
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpint (tc_sip_message_get_method (sent (f, 1)), ==, TC_SIP_METHOD_ACK);
  g_assert_cmpstr (ruri (f, sent (f, 1)), ==, "sip:bob@192.0.2.81");
  g_assert_cmpstr (hdr (f, sent (f, 1), "Route"), ==, "<sip:192.0.2.50;lr>");
  g_assert_cmpstr (dest (f, 1), ==, "udp:192.0.2.50:5060");
  tc_sip_stack_end_dialog (f->stack, out.final_dialog);
  outcome_clear (&out);
}

/* Cancelled while its next hop is still being resolved: nothing goes out
 * and the request ends with TC_SIP_ERROR_CANCELLED (487). */
static void
test_cancel_before_sent (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };

  fake_resolver_add_host (f->dns, "slow.example.test", "192.0.2.60");
  f->dns->hold = TRUE;
  send_simple (f, "INVITE", "sip:bob@slow.example.test", NULL, &out);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 0);
  tc_sip_request_cancel (out.request, NULL);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_error (out.final_error, TC_SIP_ERROR, TC_SIP_ERROR_CANCELLED);
  g_assert_cmpuint (tc_sip_error_get_status (out.final_error), ==, 487);
  f->dns->hold = FALSE;
  fake_resolver_release (f->dns);
  run_main ();
  g_assert_cmpuint (n_sent (f), ==, 0);
  g_assert_cmpuint (out.n_final, ==, 1);
  outcome_clear (&out);
}

/* §9.1: the peer answers neither the CANCEL nor the INVITE: 64*T1 after
 * the CANCEL the INVITE is over (487, TC_SIP_ERROR_CANCELLED) and its
 * transaction gone. */
static void
test_cancel_no_answer (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };

  send_simple (f, "INVITE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  inject_response (f, 0, 180, "t1", CONTACT_1);
  tc_sip_request_cancel (out.request, NULL);
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpint (tc_sip_message_get_method (sent (f, 1)), ==, TC_SIP_METHOD_CANCEL);
  tc_sip_clock_manual_advance (f->clock, 64 * T1 - 1);
  g_assert_cmpuint (out.n_final, ==, 0);
  tc_sip_clock_manual_advance (f->clock, 1);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_error (out.final_error, TC_SIP_ERROR, TC_SIP_ERROR_CANCELLED);
  g_assert_cmpuint (tc_sip_error_get_status (out.final_error), ==, 487);
  /* the INVITE transaction and the early dialog are gone */
  tc_sip_clock_manual_advance (f->clock, 64 * T1);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (tc_sip_stack_get_transaction_layer (f->stack)),
                    ==, 0);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 0);
  outcome_clear (&out);
}

/* ---- 9. CANCEL ---------------------------------------------------------------------- */

static void
test_cancel (Fixture *f, gconstpointer data)
{
  Outcome out = { 0 };
  TcSipMessage *invite, *cancel;

  send_simple (f, "INVITE", "sip:bob@192.0.2.50", NULL, &out);
  run_main ();
  invite = sent (f, 0);
  tc_sip_request_cancel (out.request, "SIP;cause=200;text=\"elsewhere\"");
  g_assert_cmpuint (n_sent (f), ==, 1); /* §9.1: not before a provisional response */
  g_assert_cmpuint (out.n_final, ==, 0);
  inject_response (f, 0, 100, NULL, NULL);
  g_assert_cmpuint (n_sent (f), ==, 2);
  cancel = sent (f, 1);
  g_assert_cmpint (tc_sip_message_get_method (cancel), ==, TC_SIP_METHOD_CANCEL);
  g_assert_cmpstr (ruri (f, cancel), ==, ruri (f, invite));
  g_assert_cmpstr (branch (f, cancel), ==, branch (f, invite));
  g_assert_cmpstr (hdr (f, cancel, "CSeq"), ==, "1 CANCEL");
  g_assert_cmpstr (hdr (f, cancel, "Call-ID"), ==, hdr (f, invite, "Call-ID"));
  g_assert_cmpstr (hdr (f, cancel, "From"), ==, hdr (f, invite, "From"));
  g_assert_cmpstr (hdr (f, cancel, "To"), ==, hdr (f, invite, "To"));
  g_assert_cmpstr (hdr (f, cancel, "Reason"), ==, "SIP;cause=200;text=\"elsewhere\"");
  g_assert_cmpstr (dest (f, 1), ==, dest (f, 0));
  /* A second cancel does nothing. */
  tc_sip_request_cancel (out.request, NULL);
  inject_response (f, 0, 180, "t1", CONTACT_1);
  g_assert_cmpuint (n_sent (f), ==, 2);

  inject_response (f, 1, 200, NULL, NULL);
  g_assert_cmpuint (out.n_final, ==, 0);
  inject_response (f, 0, 487, "t1", NULL);
  g_assert_cmpuint (out.n_final, ==, 1);
  g_assert_cmpuint (out.final_status, ==, 487);
  g_assert_null (out.final_dialog);
  /* The transaction's ACK for the 487, hop by hop (same branch). */
  g_assert_cmpuint (n_sent (f), ==, 3);
  g_assert_cmpint (tc_sip_message_get_method (sent (f, 2)), ==, TC_SIP_METHOD_ACK);
  g_assert_cmpstr (branch (f, sent (f, 2)), ==, branch (f, invite));
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 0);
  outcome_clear (&out);
}

/* ---- 10. UAS: the 2xx until its ACK ------------------------------------------------- */

/* An incoming INVITE answered 180 then 200; returns the TcSipIncoming. */
static TcSipIncoming *
answer_invite (Fixture *f)
{
  TcSipIncoming *incoming;
  g_autoptr (GError) error = NULL;
  guint n_dialogs = tc_sip_stack_get_n_dialogs (f->stack);

  inject_request (f, "INVITE", "z9hG4bK-inv1", NULL, 1, "Contact: <sip:bob@192.0.2.90>\r\n");
  g_assert_cmpuint (f->incoming->len, ==, 1);
  incoming = f->incoming->pdata[0];
  g_assert_null (tc_sip_incoming_get_dialog (incoming));
  g_assert_true (
    tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, 180, NULL, "alice"), &error));
  g_assert_no_error (error);
  g_assert_nonnull (tc_sip_incoming_get_dialog (incoming));
  g_assert_cmpint (tc_sip_dialog_get_state (tc_sip_incoming_get_dialog (incoming)), ==, TC_SIP_DIALOG_STATE_EARLY);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, n_dialogs + 1);
  g_assert_true (
    tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, 200, NULL, "alice"), &error));
  g_assert_no_error (error);
  g_assert_cmpint (tc_sip_dialog_get_state (tc_sip_incoming_get_dialog (incoming)), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, n_dialogs + 1);
  g_assert_cmpuint (count_status (f, 200, 0), ==, 1);
  g_assert_cmpstr (dest (f, n_sent (f) - 1), ==, "udp:192.0.2.90:5060");
  g_assert_cmpstr (hdr (f, sent (f, n_sent (f) - 1), "Contact"), ==, "<sip:alice@192.0.2.1:5060;transport=udp>");
  return incoming;
}

static void
inject_ack (Fixture *f, TcSipIncoming *incoming, guint cseq, const char *ack_branch)
{
  inject_request (f, "ACK", ack_branch, tc_sip_dialog_get_local_tag (tc_sip_incoming_get_dialog (incoming)), cseq,
                  NULL);
}

static void
test_uas_2xx_until_ack (Fixture *f, gconstpointer data)
{
  TcSipIncoming *incoming = answer_invite (f);
  const gint64 steps[] = { T1, 2 * T1, 4 * T1, T2, T2, T2 };

  /* Retransmitted at T1, 2T1, 4T1, then every T2. */
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      tc_sip_clock_manual_advance (f->clock, steps[i] - 1);
      g_assert_cmpuint (count_status (f, 200, 0), ==, 1 + i);
      tc_sip_clock_manual_advance (f->clock, 1);
      g_assert_cmpuint (count_status (f, 200, 0), ==, 2 + i);
      g_assert_cmpstr (dest (f, n_sent (f) - 1), ==, "udp:192.0.2.90:5060");
    }
  inject_ack (f, incoming, 1, "z9hG4bK-ack1");
  g_assert_cmpuint (f->n_ack, ==, 1);
  tc_sip_clock_manual_advance (f->clock, 64 * T1);
  g_assert_cmpuint (count_status (f, 200, 0), ==, 1 + G_N_ELEMENTS (steps));
  g_assert_cmpuint (f->n_ack_timeout, ==, 0);
  g_assert_cmpint (find_sent (f, TC_SIP_METHOD_BYE, 0), ==, -1);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 1);
}

/* §12.1.1: the 180 and 200 that make the dialog copy the Record-Route of
 * the INVITE in order; the UAS dialog's route set is the same list. */
static void
test_uas_record_route (Fixture *f, gconstpointer data)
{
  TcSipIncoming *incoming;
  TcSipMessage *response;
  gint i;

  inject_request (f, "INVITE", "z9hG4bK-rr", NULL, 1,
                  "Record-Route: <sip:p2.example.test;lr>\r\n"
                  "Record-Route: <sip:p1.example.test;lr>, <sip:p0.example.test;lr>\r\n"
                  "Contact: <sip:bob@192.0.2.90>\r\n");
  g_assert_cmpuint (f->incoming->len, ==, 1);
  incoming = g_ptr_array_index (f->incoming, 0);
  g_assert_true (tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, 180, NULL, "alice"), NULL));
  g_assert_true (tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, 200, NULL, "alice"), NULL));
  for (guint status = 180; status <= 200; status += 20)
    {
      response = NULL;
      for (guint k = 0; k < n_sent (f); k++)
        if (tc_sip_message_get_status (sent (f, k)) == status)
          response = sent (f, k);
      g_assert_nonnull (response);
      i = tc_sip_message_find_header (response, TC_SIP_HEADER_RECORD_ROUTE, 0);
      g_assert_cmpint (i, >=, 0);
      g_assert_cmpuint (tc_sip_message_get_n_record_routes (response), ==, 3);
      g_assert_true (tc_sip_str_equal (tc_sip_message_get_record_route (response, 0)->uri, "sip:p2.example.test;lr"));
      g_assert_true (tc_sip_str_equal (tc_sip_message_get_record_route (response, 2)->uri, "sip:p0.example.test;lr"));
    }
  g_assert_cmpuint (tc_sip_dialog_get_n_routes (tc_sip_incoming_get_dialog (incoming)), ==, 3);

  /* a request in the dialog does not copy them again */
  inject_request (f, "INFO", "z9hG4bK-rr2", tc_sip_dialog_get_local_tag (tc_sip_incoming_get_dialog (incoming)), 2,
                  "Record-Route: <sip:p9.example.test;lr>\r\n");
  g_assert_cmpuint (f->incoming->len, ==, 2);
  incoming = g_ptr_array_index (f->incoming, 1);
  g_assert_true (tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, 200, NULL, NULL), NULL));
  response = sent (f, n_sent (f) - 1);
  g_assert_cmpint (tc_sip_message_find_header (response, TC_SIP_HEADER_RECORD_ROUTE, 0), ==, -1);
}

static void
test_uas_ack_timeout (Fixture *f, gconstpointer data)
{
  gint i_bye;

  answer_invite (f);
  tc_sip_clock_manual_advance (f->clock, 64 * T1 - 1);
  g_assert_cmpuint (f->n_ack_timeout, ==, 0);
  /* 0.5, 1.5, 3.5, 7.5, then every 4 s up to 31.5 s. */
  g_assert_cmpuint (count_status (f, 200, 0), ==, 1 + 10);
  tc_sip_clock_manual_advance (f->clock, 1);
  g_assert_cmpuint (f->n_ack_timeout, ==, 1);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 0);
  run_main ();
  i_bye = find_sent (f, TC_SIP_METHOD_BYE, 0);
  g_assert_cmpint (i_bye, >=, 0);
  g_assert_cmpstr (ruri (f, sent (f, i_bye)), ==, "sip:bob@192.0.2.90");
  g_assert_cmpstr (dest (f, i_bye), ==, "udp:192.0.2.90:5060");
  g_assert_cmpstr (hdr (f, sent (f, i_bye), "Call-ID"), ==, "uas-1");
  g_assert_cmpstr (hdr (f, sent (f, i_bye), "To"), ==, "<sip:bob@example.test>;tag=bt");
  tc_sip_clock_manual_advance (f->clock, 10 * T2);
  g_assert_cmpuint (count_status (f, 200, 0), ==, 1 + 10);
  /* A late ACK finds no dialog. */
  g_assert_cmpuint (f->n_ack, ==, 0);
}

/* ---- 11. UAS: in-dialog requests, CANCEL, no handler --------------------------------- */

static void
test_uas_in_dialog (Fixture *f, gconstpointer data)
{
  TcSipIncoming *incoming = answer_invite (f);
  const char *tag = tc_sip_dialog_get_local_tag (tc_sip_incoming_get_dialog (incoming));
  TcSipDialog *dialog = tc_sip_incoming_get_dialog (incoming);
  g_autofree char *target = NULL;
  TcSipIncoming *reinvite;

  inject_ack (f, incoming, 1, "z9hG4bK-ack1");
  g_assert_cmpuint (f->n_ack, ==, 1);

  inject_request (f, "INFO", "z9hG4bK-x1", "not-ours", 2, NULL);
  g_assert_cmpuint (count_status (f, 481, 0), ==, 1);
  g_assert_cmpuint (f->incoming->len, ==, 1);

  /* A re-INVITE with a new Contact: a target refresh. */
  inject_request (f, "INVITE", "z9hG4bK-reinv", tag, 3, "Contact: <sip:bob@192.0.2.91:5080>\r\n");
  g_assert_cmpuint (f->incoming->len, ==, 2);
  reinvite = f->incoming->pdata[1];
  g_assert_true (tc_sip_incoming_get_dialog (reinvite) == dialog);
  target = tc_sip_uri_to_string (tc_sip_dialog_get_remote_target (dialog));
  g_assert_cmpstr (target, ==, "sip:bob@192.0.2.91:5080");
  g_assert_cmpint (tc_sip_dialog_get_remote_seq (dialog), ==, 3);
  g_assert_true (tc_sip_incoming_respond_status (reinvite, 200, NULL, NULL));
  inject_ack (f, reinvite, 3, "z9hG4bK-ack3");
  g_assert_cmpuint (f->n_ack, ==, 2);

  /* A lower CSeq: 500, and the TU does not see it. */
  inject_request (f, "INFO", "z9hG4bK-x2", tag, 2, NULL);
  g_assert_cmpuint (count_status (f, 500, 0), ==, 1);
  g_assert_cmpuint (f->incoming->len, ==, 2);

  /* In order: the TU gets it in the dialog. */
  inject_request (f, "INFO", "z9hG4bK-x3", tag, 4, NULL);
  g_assert_cmpuint (f->incoming->len, ==, 3);
  g_assert_true (tc_sip_incoming_get_dialog (f->incoming->pdata[2]) == dialog);

  /* After the dialog ends: 481. */
  tc_sip_stack_end_dialog (f->stack, dialog);
  inject_request (f, "BYE", "z9hG4bK-x4", tag, 5, NULL);
  g_assert_cmpuint (count_status (f, 481, 0), ==, 2);
  g_assert_cmpuint (f->incoming->len, ==, 3);
}

static void
test_uas_cancel (Fixture *f, gconstpointer data)
{
  TcSipIncoming *incoming;
  guint before;

  inject_request (f, "INVITE", "z9hG4bK-inv1", NULL, 1, "Contact: <sip:bob@192.0.2.90>\r\n");
  incoming = f->incoming->pdata[0];
  g_assert_true (tc_sip_incoming_respond_status (incoming, 180, NULL, NULL));
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 1);
  before = n_sent (f);
  inject_request (f, "CANCEL", "z9hG4bK-inv1", NULL, 1, NULL);
  g_assert_cmpuint (f->n_cancelled, ==, 1);
  g_assert_true (tc_sip_incoming_is_answered (incoming));
  g_assert_cmpuint (n_sent (f), ==, before + 2);
  g_assert_cmpuint (tc_sip_message_get_status (sent (f, before)), ==, 200);
  g_assert_cmpstr (hdr (f, sent (f, before), "CSeq"), ==, "1 CANCEL");
  g_assert_cmpuint (tc_sip_message_get_status (sent (f, before + 1)), ==, 487);
  g_assert_cmpstr (hdr (f, sent (f, before + 1), "CSeq"), ==, "1 INVITE");
  /* The early dialog ended with the 487. */
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 0);
  g_assert_false (tc_sip_incoming_respond_status (incoming, 200, NULL, NULL));
}

static void
test_uas_no_handler (Fixture *f, gconstpointer data)
{
  set_stack_handlers (f, FALSE);
  inject_request (f, "MESSAGE", "z9hG4bK-m1", NULL, 1, NULL);
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_cmpuint (tc_sip_message_get_status (sent (f, 0)), ==, 501);
  g_assert_cmpstr (hdr (f, sent (f, 0), "Server"), ==, "Tincan-Test/1");
  inject_request (f, "INVITE", "z9hG4bK-i1", NULL, 2, "Contact: <sip:bob@192.0.2.90>\r\n");
  g_assert_cmpuint (count_status (f, 501, 0), ==, 2);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 0);
}

/* ---- 13. teardown mid-call ------------------------------------------------------------ */

static void
test_teardown (Fixture *f, gconstpointer data)
{
  Outcome message = { 0 }, invite = { 0 }, resolving = { 0 }, confirmed = { 0 };
  g_autoptr (TcSipRequest) kept = NULL;

  send_simple (f, "MESSAGE", "sip:bob@192.0.2.50", NULL, &message);
  send_simple (f, "INVITE", "sip:bob@192.0.2.51", NULL, &invite);
  send_simple (f, "INVITE", "sip:bob@192.0.2.52", NULL, &confirmed);
  run_main ();
  inject_response (f, 1, 180, "t1", CONTACT_1);
  inject_response (f, 2, 200, "t2", CONTACT_2); /* its ACK waits for the Contact to resolve */
  g_assert_cmpuint (confirmed.n_final, ==, 1);
  g_assert_cmpint (find_sent (f, TC_SIP_METHOD_ACK, 0), ==, -1);
  send_simple (f, "OPTIONS", "sip:bob@example.test", NULL, &resolving);                         /* still resolving */
  answer_invite (f);                                                                            /* 2xx retransmitted */
  inject_request (f, "INVITE", "z9hG4bK-inv2", NULL, 7, "Contact: <sip:carol@192.0.2.90>\r\n"); /* unanswered */
  g_assert_cmpuint (f->incoming->len, ==, 2);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->stack), ==, 3);

  kept = tc_sip_request_ref (invite.request);
  outcome_clear (&message);
  outcome_clear (&resolving);
  f->stack_gone = TRUE;
  g_assert_finalize_object (f->stack);
  f->stack = NULL;
  run_main ();
  tc_sip_clock_manual_advance (f->clock, 100 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
  g_assert_cmpint (find_sent (f, TC_SIP_METHOD_ACK, 0), ==, -1);
  /* The TU's handles outlive the stack harmlessly. */
  g_assert_false (tc_sip_incoming_respond_status (f->incoming->pdata[1], 486, NULL, NULL));
  tc_sip_request_cancel (kept, NULL);
  tc_sip_request_abandon (kept);
  g_assert_true (tc_sip_request_is_finished (kept));
  g_assert_cmpuint (invite.n_final, ==, 0);
  g_assert_cmpuint (confirmed.n_final, ==, 1);
  g_assert_cmpuint (f->n_ack_timeout, ==, 0);
  outcome_clear (&invite);
  outcome_clear (&confirmed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/sip/stack/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("invite-forking", test_forking);
  ADD ("ack-via-proxy", test_ack_via_proxy);
  ADD ("cancel", test_cancel);
  ADD ("cancel-before-sent", test_cancel_before_sent);
  ADD ("cancel-no-answer", test_cancel_no_answer);
  ADD ("uas-record-route", test_uas_record_route);
  ADD ("uas-2xx-until-ack", test_uas_2xx_until_ack);
  ADD ("uas-ack-timeout", test_uas_ack_timeout);
  ADD ("uas-in-dialog", test_uas_in_dialog);
  ADD ("uas-cancel", test_uas_cancel);
  ADD ("uas-no-handler", test_uas_no_handler);
  ADD ("teardown-mid-call", test_teardown);
#undef ADD

  return g_test_run ();
}
