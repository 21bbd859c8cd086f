/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-client-transaction.c — TcSipClientTransaction on the manual clock
 * with a fake transport: every edge of RFC 3261 Figure 5 (INVITE, with the
 * RFC 6026 "Accepted" state) and Figure 6 (non-INVITE), the exact Timer A
 * and Timer E retransmission schedules on unreliable transports (none on
 * reliable ones), Timers B, D, F, K and M, transport errors, responses of
 * another transaction, and the §17.1.1.3 ACK for a 3xx–6xx.
 *
 * Every callback appends "what@milliseconds" to a log, so each test checks
 * exactly what was sent or reported, and when.
 */
#include <string.h>

#include <glib.h>

#include "sip/builder.h"
#include "sip/client-transaction.h"
#include "sip/parser.h"
#include "sip/sip-error.h"

#define MS (G_TIME_SPAN_MILLISECOND)

/* The SIP layer has no GIO: the fake transport's errors get their own domain */
#define TEST_TRANSPORT_ERROR (g_quark_from_static_string ("test-transport-error"))

typedef struct {
  TcSipClock *clock;
  TcSipClientTransaction *ct;
  TcSipMessage *request;
  GString *log;                 /* "send:INVITE@0 response:180@200 …" */
  GPtrArray *sent;              /* TcSipMessage, every message sent */
  gboolean drop_on_terminated;  /* the owner drops its reference when terminated */
  gboolean error_on_first_send; /* the transport fails the first send */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->clock = tc_sip_clock_new_manual (0);
  f->log = g_string_new (NULL);
  f->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->ct, tc_sip_client_transaction_unref);
  g_clear_pointer (&f->request, tc_sip_message_unref);
  /* no timer outlives its transaction */
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
  g_clear_pointer (&f->clock, tc_sip_clock_unref);
  g_string_free (f->log, TRUE);
  g_ptr_array_unref (f->sent);
}

static void
log_event (Fixture *f, const char *what)
{
  g_string_append_printf (f->log, "%s%s@%" G_GINT64_FORMAT, f->log->len ? " " : "", what,
                          tc_sip_clock_now (f->clock) / MS);
}

static void
on_send (TcSipClientTransaction *ct, TcSipMessage *message, gpointer user_data)
{
  Fixture *f = user_data;
  g_autofree char *what = NULL;
  TcSipStr method = tc_sip_message_get_method_name (message);

  what = g_strdup_printf ("send:%.*s", (int) method.len, method.str);
  log_event (f, what);
  g_ptr_array_add (f->sent, tc_sip_message_ref (message));
  if (f->error_on_first_send)
    {
      g_autoptr (GError) error = g_error_new_literal (TEST_TRANSPORT_ERROR, 0, "refused");

      f->error_on_first_send = FALSE;
      tc_sip_client_transaction_transport_error (ct, error);
    }
}

static void
on_response (TcSipClientTransaction *ct, TcSipMessage *response, gpointer user_data)
{
  g_autofree char *what = g_strdup_printf ("response:%u", tc_sip_message_get_status (response));

  log_event (user_data, what);
}

static void
on_timeout (TcSipClientTransaction *ct, gpointer user_data)
{
  log_event (user_data, "timeout");
}

static void
on_transport_error (TcSipClientTransaction *ct, const GError *error, gpointer user_data)
{
  g_autofree char *what = g_strdup_printf ("transport-error:%s", error->message);

  log_event (user_data, what);
}

static void
on_terminated (TcSipClientTransaction *ct, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_cmpint (tc_sip_client_transaction_get_state (ct), ==, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  log_event (f, "terminated");
  if (f->drop_on_terminated)
    g_clear_pointer (&f->ct, tc_sip_client_transaction_unref);
}

static const TcSipClientTransactionCallbacks callbacks = {
  .send = on_send,
  .response = on_response,
  .timeout = on_timeout,
  .transport_error = on_transport_error,
  .terminated = on_terminated,
};

static TcSipMessage *
build_request (const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessageBuilder) b = tc_sip_message_builder_new_request (method, "sip:bob@biloxi.example.com");
  TcSipMessage *msg;

  tc_sip_message_builder_add_header (b, "Via", "SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9");
  tc_sip_message_builder_add_header (b, "Via", "SIP/2.0/UDP proxy.atlanta.example.com;branch=z9hG4bKnashds8");
  tc_sip_message_builder_add_header (b, "Route", "<sip:p1.example.com;lr>");
  tc_sip_message_builder_add_header (b, "Route", "<sip:p2.example.com;lr>");
  tc_sip_message_builder_add_header (b, "Max-Forwards", "70");
  tc_sip_message_builder_add_header (b, "From", "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
  tc_sip_message_builder_add_header (b, "To", "Bob <sip:bob@biloxi.example.com>");
  tc_sip_message_builder_add_header (b, "Call-ID", "3848276298220188511@atlanta.example.com");
  tc_sip_message_builder_add_header_printf (b, "CSeq", "314159 %s", method);
  tc_sip_message_builder_add_header (b, "Contact", "<sip:alice@client.atlanta.example.com>");
  msg = tc_sip_message_builder_end (g_steal_pointer (&b), &error);
  g_assert_no_error (error);
  return msg;
}

static TcSipMessage *
build_response (TcSipMessage *request, guint status)
{
  g_autoptr (GError) error = NULL;
  TcSipMessage *msg;

  msg = tc_sip_message_builder_end (
    tc_sip_message_builder_new_response_to (request, status, NULL, status > 100 ? "8321234356" : NULL), &error);
  g_assert_no_error (error);
  return msg;
}

/* Creates and starts a transaction for a @method request at time 0. */
static void
start (Fixture *f, const char *method, gboolean reliable)
{
  f->request = build_request (method);
  f->ct = tc_sip_client_transaction_new (f->request, reliable, f->clock, NULL, &callbacks, f);
  g_assert_nonnull (f->ct);
  g_assert_cmpint (tc_sip_client_transaction_is_invite (f->ct), ==, strcmp (method, "INVITE") == 0);
  g_assert_cmpint (tc_sip_client_transaction_is_reliable (f->ct), ==, reliable);
  g_assert_true (tc_sip_client_transaction_get_request (f->ct) == f->request);
  g_assert_null (tc_sip_client_transaction_get_last_response (f->ct));
  tc_sip_client_transaction_start (f->ct);
}

/* Advances the clock to @ms milliseconds since the start. */
static void
advance_to (Fixture *f, gint64 ms)
{
  gint64 delta = ms * MS - tc_sip_clock_now (f->clock);

  g_assert_cmpint (delta, >=, 0);
  tc_sip_clock_manual_advance (f->clock, delta);
}

/* Delivers a @status response at @ms milliseconds; asserts it was taken. */
static void
receive_at (Fixture *f, gint64 ms, guint status)
{
  g_autoptr (TcSipMessage) response = build_response (f->request, status);

  advance_to (f, ms);
  g_assert_true (tc_sip_client_transaction_receive_response (f->ct, response));
}

static void
assert_state (Fixture *f, TcSipClientTransactionState state)
{
  g_assert_nonnull (f->ct);
  g_assert_cmpstr (tc_sip_client_transaction_state_to_string (tc_sip_client_transaction_get_state (f->ct)), ==,
                   tc_sip_client_transaction_state_to_string (state));
}

static void
assert_log (Fixture *f, const char *expected)
{
  g_assert_cmpstr (f->log->str, ==, expected);
}

#define INVITE_A_SCHEDULE "send:INVITE@0 send:INVITE@500 send:INVITE@1500 send:INVITE@3500 send:INVITE@7500"

/* ---- INVITE (Figure 5, RFC 6026) ---- */

/* Timer A: T1, doubling (0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s); Timer B at
 * 64*T1: Calling -> Terminated with a timeout. */
static void
test_invite_timer_a_b (Fixture *f, gconstpointer data)
{
  start (f, "INVITE", FALSE);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_CALLING);
  advance_to (f, 31999);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_CALLING);
  assert_log (f, INVITE_A_SCHEDULE " send:INVITE@15500 send:INVITE@31500");
  advance_to (f, 32000);
  assert_log (f, INVITE_A_SCHEDULE " send:INVITE@15500 send:INVITE@31500 timeout@32000 terminated@32000");
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  /* every retransmission is the request itself */
  g_assert_cmpuint (f->sent->len, ==, 7);
  for (guint i = 0; i < f->sent->len; i++)
    g_assert_true (f->sent->pdata[i] == f->request);
  advance_to (f, 100000);
  g_assert_cmpuint (f->sent->len, ==, 7);
}

/* Timer A only on unreliable transports; Timer B still runs. */
static void
test_invite_reliable_timer_b (Fixture *f, gconstpointer data)
{
  start (f, "INVITE", TRUE);
  advance_to (f, 31999);
  assert_log (f, "send:INVITE@0");
  advance_to (f, 32000);
  assert_log (f, "send:INVITE@0 timeout@32000 terminated@32000");
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
}

/* Calling -> Proceeding on a 1xx: passed up, no more retransmissions, no
 * Timer B; Proceeding -> Proceeding on further 1xx. */
static void
test_invite_calling_proceeding (Fixture *f, gconstpointer data)
{
  start (f, "INVITE", FALSE);
  receive_at (f, 1000, 100);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING);
  g_assert_cmpuint (tc_sip_message_get_status (tc_sip_client_transaction_get_last_response (f->ct)), ==, 100);
  receive_at (f, 2000, 180);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING);
  receive_at (f, 3000, 183);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
  advance_to (f, 120000);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING);
  assert_log (f, "send:INVITE@0 send:INVITE@500 response:100@1000 response:180@2000 response:183@3000");
}

/* Calling -> Completed on a 3xx–6xx: passed up, ACK sent; a
 * retransmission of it is ACKed again and absorbed; Timer D (32 s) ->
 * Terminated. */
static void
test_invite_calling_completed (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) provisional = NULL;

  start (f, "INVITE", FALSE);
  receive_at (f, 200, 486);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  assert_log (f, "send:INVITE@0 response:486@200 send:ACK@200");
  receive_at (f, 1000, 486);
  receive_at (f, 3000, 486);
  /* a late 1xx or 2xx is not the TU's business any more */
  receive_at (f, 3100, 180);
  receive_at (f, 3200, 200);
  assert_log (f, "send:INVITE@0 response:486@200 send:ACK@200 send:ACK@1000 send:ACK@3000");
  g_assert_true (f->sent->pdata[1] == f->sent->pdata[2]);
  advance_to (f, 32199);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  advance_to (f, 32200);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  assert_log (f, "send:INVITE@0 response:486@200 send:ACK@200 send:ACK@1000 send:ACK@3000 terminated@32200");
  /* terminated: nothing is taken any more */
  provisional = build_response (f->request, 486);
  g_assert_false (tc_sip_client_transaction_receive_response (f->ct, provisional));
  g_assert_cmpuint (f->sent->len, ==, 4);
}

/* Timer D is 0 on reliable transports. */
static void
test_invite_completed_reliable (Fixture *f, gconstpointer data)
{
  start (f, "INVITE", TRUE);
  receive_at (f, 700, 603);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  advance_to (f, 700);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  assert_log (f, "send:INVITE@0 response:603@700 send:ACK@700 terminated@700");
}

/* Proceeding -> Completed on a 3xx–6xx. */
static void
test_invite_proceeding_completed (Fixture *f, gconstpointer data)
{
  start (f, "INVITE", FALSE);
  receive_at (f, 100, 180);
  receive_at (f, 5000, 302);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  advance_to (f, 37000);
  assert_log (f, "send:INVITE@0 response:180@100 response:302@5000 send:ACK@5000 terminated@37000");
}

/* Calling -> Accepted on a 2xx (RFC 6026): passed up, no ACK from the
 * transaction; 2xx retransmissions passed up, other responses absorbed;
 * Timer M (64*T1) -> Terminated. */
static void
test_invite_calling_accepted (Fixture *f, gconstpointer data)
{
  start (f, "INVITE", FALSE);
  receive_at (f, 600, 200);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED);
  receive_at (f, 1100, 200);
  receive_at (f, 1200, 180);
  receive_at (f, 1300, 486);
  receive_at (f, 2100, 200);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED);
  g_assert_cmpuint (tc_sip_message_get_status (tc_sip_client_transaction_get_last_response (f->ct)), ==, 200);
  advance_to (f, 32599);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED);
  advance_to (f, 32600);
  assert_log (f, "send:INVITE@0 send:INVITE@500 response:200@600 response:200@1100 response:200@2100 "
                 "terminated@32600");
}

/* Proceeding -> Accepted on a 2xx. */
static void
test_invite_proceeding_accepted (Fixture *f, gconstpointer data)
{
  start (f, "INVITE", TRUE);
  receive_at (f, 100, 180);
  receive_at (f, 9000, 200);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED);
  advance_to (f, 41000);
  assert_log (f, "send:INVITE@0 response:180@100 response:200@9000 terminated@41000");
}

/* Calling -> Terminated on a transport error; a second error, or one in
 * Accepted, is ignored. */
static void
test_invite_transport_error (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = g_error_new_literal (TEST_TRANSPORT_ERROR, 0, "unreachable");

  start (f, "INVITE", FALSE);
  advance_to (f, 600);
  tc_sip_client_transaction_transport_error (f->ct, error);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  tc_sip_client_transaction_transport_error (f->ct, error);
  advance_to (f, 64000);
  assert_log (f, "send:INVITE@0 send:INVITE@500 transport-error:unreachable@600 terminated@600");
}

/* A transport error while the request is being sent (reported from inside
 * the send callback) ends the transaction at once. */
static void
test_invite_transport_error_in_send (Fixture *f, gconstpointer data)
{
  f->error_on_first_send = TRUE;
  start (f, "INVITE", FALSE);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  advance_to (f, 64000);
  assert_log (f, "send:INVITE@0 transport-error:refused@0 terminated@0");
}

/* Completed -> Terminated on a transport error sending the ACK; in Accepted
 * a transport error is not the transaction's. */
static void
test_invite_transport_error_completed_accepted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = g_error_new_literal (TEST_TRANSPORT_ERROR, 0, "broken");

  start (f, "INVITE", FALSE);
  receive_at (f, 100, 500);
  advance_to (f, 150);
  tc_sip_client_transaction_transport_error (f->ct, error);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  assert_log (f, "send:INVITE@0 response:500@100 send:ACK@100 transport-error:broken@150 terminated@150");

  g_clear_pointer (&f->ct, tc_sip_client_transaction_unref);
  g_clear_pointer (&f->request, tc_sip_message_unref);
  g_string_truncate (f->log, 0);
  start (f, "INVITE", FALSE); /* at 150 ms */
  receive_at (f, 200, 200);
  tc_sip_client_transaction_transport_error (f->ct, error);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED);
  advance_to (f, 32200);
  assert_log (f, "send:INVITE@150 response:200@200 terminated@32200");
}

/* A response whose CSeq is not the request's (a CANCEL's, another CSeq
 * number) is not for this transaction. */
static void
test_invite_other_cseq (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) cancel = build_request ("CANCEL");
  g_autoptr (TcSipMessage) cancel_ok = build_response (cancel, 200);
  g_autoptr (TcSipMessageBuilder) b = NULL;
  g_autoptr (TcSipMessage) other = NULL;
  g_autoptr (GError) error = NULL;

  start (f, "INVITE", FALSE);
  g_assert_false (tc_sip_client_transaction_receive_response (f->ct, cancel_ok));
  b = tc_sip_message_builder_new_from_message (cancel_ok);
  tc_sip_message_builder_set_header (b, "CSeq", "314160 INVITE");
  other = tc_sip_message_builder_end (g_steal_pointer (&b), &error);
  g_assert_no_error (error);
  g_assert_false (tc_sip_client_transaction_receive_response (f->ct, other));
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_CALLING);
  assert_log (f, "send:INVITE@0");
  advance_to (f, 32000);
}

/* RFC 3261 §17.1.1.3: the ACK for a 3xx–6xx. */
static void
test_invite_ack (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) bytes = NULL;
  TcSipMessage *ack;

  start (f, "INVITE", TRUE);
  receive_at (f, 10, 404);
  g_assert_cmpuint (f->sent->len, ==, 2);
  ack = f->sent->pdata[1];
  bytes = tc_sip_message_to_bytes (ack);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "ACK sip:bob@biloxi.example.com SIP/2.0\r\n"
                   "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"
                   "Route: <sip:p1.example.com;lr>\r\n"
                   "Route: <sip:p2.example.com;lr>\r\n"
                   "Max-Forwards: 70\r\n"
                   "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
                   "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n"
                   "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
                   "CSeq: 314159 ACK\r\n"
                   "Content-Length: 0\r\n"
                   "\r\n",
                   strlen ("ACK sip:bob@biloxi.example.com SIP/2.0\r\n"
                           "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"
                           "Route: <sip:p1.example.com;lr>\r\n"
                           "Route: <sip:p2.example.com;lr>\r\n"
                           "Max-Forwards: 70\r\n"
                           "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
                           "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n"
                           "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
                           "CSeq: 314159 ACK\r\n"
                           "Content-Length: 0\r\n"
                           "\r\n"));
  advance_to (f, 10);
}

/* The ACK takes the topmost Via out of a comma-separated Via header, and a
 * folded To of the response is unfolded. */
static void
test_build_ack_folded (Fixture *f, gconstpointer data)
{
  static const char invite_text[] = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
                                    "v: SIP/2.0/TCP client.example.com;branch=z9hG4bKa, SIP/2.0/UDP p.example.com\r\n"
                                    "f: <sip:alice@atlanta.example.com>;tag=1\r\n"
                                    "t: <sip:bob@biloxi.example.com>\r\n"
                                    "i: abc\r\n"
                                    "CSeq: 7 INVITE\r\n"
                                    "l: 0\r\n"
                                    "\r\n";
  static const char response_text[] = "SIP/2.0 480 Temporarily Unavailable\r\n"
                                      "Via: SIP/2.0/TCP client.example.com;branch=z9hG4bKa\r\n"
                                      "From: <sip:alice@atlanta.example.com>;tag=1\r\n"
                                      "To: <sip:bob@biloxi.example.com>\r\n"
                                      " ;tag=xyz\r\n"
                                      "Call-ID: abc\r\n"
                                      "CSeq: 7 INVITE\r\n"
                                      "Content-Length: 0\r\n"
                                      "\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) invite = tc_sip_message_parse (invite_text, strlen (invite_text), NULL, &error);
  g_autoptr (TcSipMessage) response = NULL;
  g_autoptr (TcSipMessage) ack = NULL;
  const TcSipVia *via;
  TcSipStr tag;

  g_assert_no_error (error);
  response = tc_sip_message_parse (response_text, strlen (response_text), NULL, &error);
  g_assert_no_error (error);
  ack = tc_sip_client_transaction_build_ack (invite, response, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tc_sip_message_get_method (ack), ==, TC_SIP_METHOD_ACK);
  g_assert_cmpuint (tc_sip_message_get_n_vias (ack), ==, 1);
  via = tc_sip_message_get_via (ack, 0);
  g_assert_true (tc_sip_str_equal (via->branch, "z9hG4bKa"));
  g_assert_true (tc_sip_str_equal (via->transport, "TCP"));
  tag = tc_sip_message_get_to (ack)->tag;
  g_assert_true (tc_sip_str_equal (tag, "xyz"));
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_from (ack)->tag, "1"));
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_call_id (ack), "abc"));
  g_assert_cmpuint (tc_sip_message_get_cseq (ack)->seq, ==, 7);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_cseq (ack)->method, "ACK"));
  g_assert_cmpuint (tc_sip_message_get_n_routes (ack), ==, 0);
  g_assert_cmpint (tc_sip_message_get_max_forwards (ack), ==, 70);
}

/* The owner may drop its reference from the terminated callback. */
static void
test_drop_on_terminated (Fixture *f, gconstpointer data)
{
  f->drop_on_terminated = TRUE;
  start (f, "INVITE", FALSE);
  advance_to (f, 32000);
  g_assert_null (f->ct);
  assert_log (f, INVITE_A_SCHEDULE " send:INVITE@15500 send:INVITE@31500 timeout@32000 terminated@32000");
}

/* ---- non-INVITE (Figure 6) ---- */

#define E_SCHEDULE \
  "send:OPTIONS@0 send:OPTIONS@500 send:OPTIONS@1500 send:OPTIONS@3500 send:OPTIONS@7500 send:OPTIONS@11500 " \
  "send:OPTIONS@15500 send:OPTIONS@19500 send:OPTIONS@23500 send:OPTIONS@27500 send:OPTIONS@31500"

/* Timer E: T1 doubling up to T2 (0.5, 1.5, 3.5, 7.5, then every 4 s);
 * Timer F at 64*T1: Trying -> Terminated with a timeout. */
static void
test_non_invite_timer_e_f (Fixture *f, gconstpointer data)
{
  start (f, "OPTIONS", FALSE);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TRYING);
  advance_to (f, 31999);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TRYING);
  assert_log (f, E_SCHEDULE);
  advance_to (f, 32000);
  assert_log (f, E_SCHEDULE " timeout@32000 terminated@32000");
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
}

/* No Timer E on reliable transports; Timer F still runs. */
static void
test_non_invite_reliable_timer_f (Fixture *f, gconstpointer data)
{
  start (f, "REGISTER", TRUE);
  advance_to (f, 31999);
  assert_log (f, "send:REGISTER@0");
  advance_to (f, 32000);
  assert_log (f, "send:REGISTER@0 timeout@32000 terminated@32000");
}

/* Trying -> Proceeding on a 1xx; Proceeding -> Proceeding on more; the
 * pending Timer E fires as set, then every T2; Timer F: Proceeding ->
 * Terminated. */
static void
test_non_invite_proceeding (Fixture *f, gconstpointer data)
{
  start (f, "OPTIONS", FALSE);
  receive_at (f, 600, 100);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING);
  receive_at (f, 2000, 180);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING);
  advance_to (f, 32000);
  assert_log (f, "send:OPTIONS@0 send:OPTIONS@500 response:100@600 send:OPTIONS@1500 response:180@2000 "
                 "send:OPTIONS@5500 send:OPTIONS@9500 send:OPTIONS@13500 send:OPTIONS@17500 send:OPTIONS@21500 "
                 "send:OPTIONS@25500 send:OPTIONS@29500 timeout@32000 terminated@32000");
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
}

/* Trying -> Completed on a final response: passed up, retransmissions
 * stop, further responses absorbed; Timer K (T4 = 5 s) -> Terminated. */
static void
test_non_invite_trying_completed (Fixture *f, gconstpointer data)
{
  start (f, "OPTIONS", FALSE);
  receive_at (f, 1000, 200);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  /* passed up (the log), not kept while Timer K runs */
  g_assert_null (tc_sip_client_transaction_get_last_response (f->ct));
  receive_at (f, 2000, 200);
  receive_at (f, 3000, 100);
  advance_to (f, 5999);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  advance_to (f, 6000);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  assert_log (f, "send:OPTIONS@0 send:OPTIONS@500 response:200@1000 terminated@6000");
}

/* Proceeding -> Completed on a final response (an error one here). */
static void
test_non_invite_proceeding_completed (Fixture *f, gconstpointer data)
{
  start (f, "OPTIONS", FALSE);
  receive_at (f, 100, 100);
  receive_at (f, 6000, 404);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  receive_at (f, 7000, 404);
  advance_to (f, 11000);
  /* Timer E first fires in Proceeding at 0.5 s: from then on, every T2 */
  assert_log (f, "send:OPTIONS@0 response:100@100 send:OPTIONS@500 send:OPTIONS@4500 response:404@6000 "
                 "terminated@11000");
}

/* Timer K is 0 on reliable transports. */
static void
test_non_invite_completed_reliable (Fixture *f, gconstpointer data)
{
  start (f, "OPTIONS", TRUE);
  receive_at (f, 300, 200);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  advance_to (f, 300);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  assert_log (f, "send:OPTIONS@0 response:200@300 terminated@300");
}

/* Trying -> Terminated and Proceeding -> Terminated on a transport error. */
static void
test_non_invite_transport_error (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = g_error_new_literal (TEST_TRANSPORT_ERROR, 0, "closed");

  start (f, "OPTIONS", FALSE);
  advance_to (f, 700);
  tc_sip_client_transaction_transport_error (f->ct, error);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  advance_to (f, 40000);
  assert_log (f, "send:OPTIONS@0 send:OPTIONS@500 transport-error:closed@700 terminated@700");

  g_clear_pointer (&f->ct, tc_sip_client_transaction_unref);
  g_clear_pointer (&f->request, tc_sip_message_unref);
  g_string_truncate (f->log, 0);
  start (f, "OPTIONS", TRUE); /* at 40 s */
  receive_at (f, 40100, 100);
  advance_to (f, 40200);
  tc_sip_client_transaction_transport_error (f->ct, error);
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  assert_log (f, "send:OPTIONS@40000 response:100@40100 transport-error:closed@40200 terminated@40200");
}

/* A response to another method is not for this transaction. */
static void
test_non_invite_other_cseq (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) invite = build_request ("INVITE");
  g_autoptr (TcSipMessage) invite_ok = build_response (invite, 200);

  start (f, "BYE", TRUE);
  g_assert_false (tc_sip_client_transaction_receive_response (f->ct, invite_ok));
  assert_state (f, TC_SIP_CLIENT_TRANSACTION_STATE_TRYING);
  receive_at (f, 50, 200);
  advance_to (f, 50);
  assert_log (f, "send:BYE@0 response:200@50 terminated@50");
}

/* Dropping the last reference before the end cancels the timers. */
static void
test_unref_cancels_timers (Fixture *f, gconstpointer data)
{
  start (f, "OPTIONS", FALSE);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 2);
  g_clear_pointer (&f->ct, tc_sip_client_transaction_unref);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
  advance_to (f, 40000);
  assert_log (f, "send:OPTIONS@0");
}

static void
test_state_to_string (void)
{
  g_assert_cmpstr (tc_sip_client_transaction_state_to_string (TC_SIP_CLIENT_TRANSACTION_STATE_CALLING), ==, "calling");
  g_assert_cmpstr (tc_sip_client_transaction_state_to_string (TC_SIP_CLIENT_TRANSACTION_STATE_TRYING), ==, "trying");
  g_assert_cmpstr (tc_sip_client_transaction_state_to_string (TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING), ==,
                   "proceeding");
  g_assert_cmpstr (tc_sip_client_transaction_state_to_string (TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED), ==,
                   "accepted");
  g_assert_cmpstr (tc_sip_client_transaction_state_to_string (TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED), ==,
                   "completed");
  g_assert_cmpstr (tc_sip_client_transaction_state_to_string (TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED), ==,
                   "terminated");
}

#define ADD(path, func) \
  g_test_add ("/sip/client-transaction/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("invite/timer-a-and-b", test_invite_timer_a_b);
  ADD ("invite/reliable-no-timer-a", test_invite_reliable_timer_b);
  ADD ("invite/calling-proceeding", test_invite_calling_proceeding);
  ADD ("invite/calling-completed", test_invite_calling_completed);
  ADD ("invite/completed-reliable-timer-d", test_invite_completed_reliable);
  ADD ("invite/proceeding-completed", test_invite_proceeding_completed);
  ADD ("invite/calling-accepted", test_invite_calling_accepted);
  ADD ("invite/proceeding-accepted", test_invite_proceeding_accepted);
  ADD ("invite/transport-error", test_invite_transport_error);
  ADD ("invite/transport-error-in-send", test_invite_transport_error_in_send);
  ADD ("invite/transport-error-completed-accepted", test_invite_transport_error_completed_accepted);
  ADD ("invite/other-cseq", test_invite_other_cseq);
  ADD ("invite/ack", test_invite_ack);
  ADD ("invite/ack-folded", test_build_ack_folded);
  ADD ("invite/drop-on-terminated", test_drop_on_terminated);
  ADD ("non-invite/timer-e-and-f", test_non_invite_timer_e_f);
  ADD ("non-invite/reliable-no-timer-e", test_non_invite_reliable_timer_f);
  ADD ("non-invite/proceeding", test_non_invite_proceeding);
  ADD ("non-invite/trying-completed", test_non_invite_trying_completed);
  ADD ("non-invite/proceeding-completed", test_non_invite_proceeding_completed);
  ADD ("non-invite/completed-reliable-timer-k", test_non_invite_completed_reliable);
  ADD ("non-invite/transport-error", test_non_invite_transport_error);
  ADD ("non-invite/other-cseq", test_non_invite_other_cseq);
  ADD ("unref-cancels-timers", test_unref_cancels_timers);
  g_test_add_func ("/sip/client-transaction/state-to-string", test_state_to_string);

  return g_test_run ();
}
