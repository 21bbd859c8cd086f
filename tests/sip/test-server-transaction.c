/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-server-transaction.c — every edge of RFC 3261 Figures 7 (with the
 * RFC 6026 Accepted state) and 8, on the manual clock with a fake transport
 * that records what was sent and when: the 200 ms 100 (Trying), response
 * retransmission on request retransmissions, Timers G, H, I, J and L on
 * unreliable and reliable transports, ACK handling, transport errors.
 *
 * Each callback appends "event @ms " to a log, so a check is one string
 * comparison of what happened, in order, at which time.
 */
#include "sip/builder.h"
#include "sip/parser.h"
#include "sip/server-transaction.h"

#define INVITE_TEXT \
  "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" \
  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" \
  "Max-Forwards: 70\r\n" \
  "To: Bob <sip:bob@biloxi.example.com>\r\n" \
  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" \
  "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" \
  "CSeq: 314159 INVITE\r\n" \
  "Timestamp: 54.2\r\n" \
  "Contact: <sip:alice@pc33.atlanta.example.com>\r\n" \
  "Content-Length: 0\r\n" \
  "\r\n"

/* The ACK for a 3xx-6xx (§17.1.1.3): same branch, To tag of the response. */
#define ACK_TEXT \
  "ACK sip:bob@biloxi.example.com SIP/2.0\r\n" \
  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" \
  "Max-Forwards: 70\r\n" \
  "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n" \
  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" \
  "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" \
  "CSeq: 314159 ACK\r\n" \
  "Content-Length: 0\r\n" \
  "\r\n"

#define OPTIONS_TEXT \
  "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n" \
  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\r\n" \
  "Max-Forwards: 70\r\n" \
  "To: <sip:carol@chicago.example.com>\r\n" \
  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" \
  "Call-ID: a84b4c76e66710\r\n" \
  "CSeq: 63104 OPTIONS\r\n" \
  "Accept: application/sdp\r\n" \
  "Content-Length: 0\r\n" \
  "\r\n"

/* What the fake transport reports (the SIP layer links no GIO). */
#define TEST_TRANSPORT_ERROR (g_quark_from_static_string ("test-transport-error"))

typedef struct {
  TcSipClock *clock;
  TcSipServerTransaction *tr;
  TcSipMessage *request;
  TcSipMessage *last_sent;
  GString *log;
  gboolean drop_on_terminated; /* the owner drops its reference from the terminated callback */
} Fixture;

static gint64
now_ms (Fixture *f)
{
  return tc_sip_clock_now (f->clock) / 1000;
}

static void
on_send (TcSipServerTransaction *tr, TcSipMessage *response, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_true (tr == f->tr);
  g_string_append_printf (f->log, "send %u @%" G_GINT64_FORMAT " ", tc_sip_message_get_status (response), now_ms (f));
  g_clear_pointer (&f->last_sent, tc_sip_message_unref);
  f->last_sent = tc_sip_message_ref (response);
}

static void
on_request (TcSipServerTransaction *tr, TcSipMessage *request, gpointer user_data)
{
  Fixture *f = user_data;
  TcSipStr method = tc_sip_message_get_method_name (request);

  g_assert_true (tr == f->tr);
  g_string_append_printf (f->log, "request %.*s @%" G_GINT64_FORMAT " ", (int) method.len, method.str, now_ms (f));
}

static void
on_timeout (TcSipServerTransaction *tr, gpointer user_data)
{
  Fixture *f = user_data;

  g_string_append_printf (f->log, "timeout @%" G_GINT64_FORMAT " ", now_ms (f));
}

static void
on_transport_error (TcSipServerTransaction *tr, const GError *error, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_error (error, TEST_TRANSPORT_ERROR, 1);
  g_string_append_printf (f->log, "transport-error @%" G_GINT64_FORMAT " ", now_ms (f));
}

static void
on_terminated (TcSipServerTransaction *tr, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_cmpint (tc_sip_server_transaction_get_state (tr), ==, TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED);
  g_string_append_printf (f->log, "terminated @%" G_GINT64_FORMAT " ", now_ms (f));
  if (f->drop_on_terminated)
    g_clear_pointer (&f->tr, tc_sip_server_transaction_unref);
}

static const TcSipServerTransactionCallbacks callbacks = {
  .send = on_send,
  .request = on_request,
  .timeout = on_timeout,
  .transport_error = on_transport_error,
  .terminated = on_terminated,
};

static TcSipMessage *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  TcSipMessage *msg = tc_sip_message_parse (text, strlen (text), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return msg;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->clock = tc_sip_clock_new_manual (0);
  f->log = g_string_new (NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->tr, tc_sip_server_transaction_unref);
  g_clear_pointer (&f->request, tc_sip_message_unref);
  g_clear_pointer (&f->last_sent, tc_sip_message_unref);
  g_string_free (f->log, TRUE);
  g_clear_pointer (&f->clock, tc_sip_clock_unref);
}

/* Creates the transaction for @text and starts it at the current time. */
static void
start (Fixture *f, const char *text, gboolean reliable)
{
  f->request = parse (text);
  f->tr = tc_sip_server_transaction_new (f->request, reliable, f->clock, NULL, &callbacks, f);
  g_assert_nonnull (f->tr);
  tc_sip_server_transaction_start (f->tr);
}

static void
receive (Fixture *f, const char *text)
{
  g_autoptr (TcSipMessage) msg = parse (text);

  tc_sip_server_transaction_receive_request (f->tr, msg);
}

static gboolean
respond (Fixture *f, guint status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) response = NULL;

  /* RFC 3261 §8.2.6.2: a To tag on everything but 100 */
  response = tc_sip_message_builder_end (
    tc_sip_message_builder_new_response_to (f->request, status, NULL, status > 100 ? "a6c85cf" : NULL), &error);
  g_assert_no_error (error);
  return tc_sip_server_transaction_respond (f->tr, response);
}

static void
transport_error (Fixture *f)
{
  g_autoptr (GError) error = g_error_new_literal (TEST_TRANSPORT_ERROR, 1, "connection refused");

  tc_sip_server_transaction_transport_error (f->tr, error);
}

/* Moves the clock to @ms since the start. */
static void
advance_to (Fixture *f, gint64 ms)
{
  g_assert_cmpint (ms * 1000, >=, tc_sip_clock_now (f->clock));
  tc_sip_clock_manual_advance (f->clock, ms * 1000 - tc_sip_clock_now (f->clock));
}

#define assert_log(f, expected) \
  G_STMT_START \
  { \
    g_assert_cmpstr ((f)->log->str, ==, (expected)); \
    g_string_truncate ((f)->log, 0); \
  } \
  G_STMT_END

#define assert_state(f, s) \
  g_assert_cmpint (tc_sip_server_transaction_get_state ((f)->tr), ==, TC_SIP_SERVER_TRANSACTION_STATE_##s)

static void
test_state_to_string (void)
{
  g_assert_cmpstr (tc_sip_server_transaction_state_to_string (TC_SIP_SERVER_TRANSACTION_STATE_TRYING), ==, "trying");
  g_assert_cmpstr (tc_sip_server_transaction_state_to_string (TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING), ==,
                   "proceeding");
  g_assert_cmpstr (tc_sip_server_transaction_state_to_string (TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED), ==,
                   "accepted");
  g_assert_cmpstr (tc_sip_server_transaction_state_to_string (TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED), ==,
                   "completed");
  g_assert_cmpstr (tc_sip_server_transaction_state_to_string (TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED), ==,
                   "confirmed");
  g_assert_cmpstr (tc_sip_server_transaction_state_to_string (TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED), ==,
                   "terminated");
}

/* §17.2.1: the INVITE goes to the TU; with no answer in 200 ms, a 100
 * (Trying) goes out, with the request's Timestamp and no To tag. */
static void
test_invite_trying_after_200ms (Fixture *f, gconstpointer data)
{
  TcSipStr timestamp;

  start (f, INVITE_TEXT, FALSE);
  g_assert_true (tc_sip_server_transaction_is_invite (f->tr));
  g_assert_false (tc_sip_server_transaction_is_reliable (f->tr));
  g_assert_true (tc_sip_server_transaction_get_request (f->tr) == f->request);
  assert_log (f, "request INVITE @0 ");
  assert_state (f, PROCEEDING);

  advance_to (f, 199);
  assert_log (f, "");
  advance_to (f, 200);
  assert_log (f, "send 100 @200 ");
  assert_state (f, PROCEEDING);
  g_assert_true (tc_sip_server_transaction_get_last_response (f->tr) == f->last_sent);
  g_assert_false (tc_sip_str_is_set (tc_sip_message_get_to (f->last_sent)->tag));
  timestamp = tc_sip_message_get_header_value (f->last_sent, "Timestamp");
  g_assert_true (tc_sip_str_equal (timestamp, "54.2"));
  g_assert_true (
    tc_sip_str_equal (tc_sip_message_get_call_id (f->last_sent), "a84b4c76e66710@pc33.atlanta.example.com"));

  /* nothing more without input */
  advance_to (f, 10000);
  assert_log (f, "");
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
}

/* §17.2.1: no 100 (Trying) when the TU responds first; a retransmission
 * before any provisional response has nothing to resend. */
static void
test_invite_no_trying_when_tu_answers (Fixture *f, gconstpointer data)
{
  start (f, INVITE_TEXT, FALSE);
  assert_log (f, "request INVITE @0 ");
  advance_to (f, 150);
  g_assert_true (respond (f, 180));
  assert_log (f, "send 180 @150 ");
  advance_to (f, 5000);
  assert_log (f, "");
  assert_state (f, PROCEEDING);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
}

/* §17.2.1: a retransmitted INVITE in Proceeding gets the most recent
 * provisional response again; before any, it is absorbed. */
static void
test_invite_proceeding_retransmission (Fixture *f, gconstpointer data)
{
  start (f, INVITE_TEXT, FALSE);
  assert_log (f, "request INVITE @0 ");
  advance_to (f, 100);
  receive (f, INVITE_TEXT);
  assert_log (f, "");
  advance_to (f, 200);
  assert_log (f, "send 100 @200 ");
  advance_to (f, 300);
  g_assert_true (respond (f, 180));
  g_assert_true (respond (f, 183));
  assert_log (f, "send 180 @300 send 183 @300 ");
  advance_to (f, 500);
  receive (f, INVITE_TEXT);
  assert_log (f, "send 183 @500 ");
  g_assert_cmpuint (tc_sip_message_get_status (f->last_sent), ==, 183);
  assert_state (f, PROCEEDING);
  /* an ACK before any final response acknowledges nothing */
  receive (f, ACK_TEXT);
  assert_log (f, "");
  assert_state (f, PROCEEDING);
}

/* RFC 6026 §8.7: 2xx → Accepted; retransmitted INVITEs absorbed, ACKs to
 * the TU, further 2xx sent, other responses refused; Timer L (64*T1)
 * terminates, on any transport. */
static void
test_invite_accepted (Fixture *f, gconstpointer data)
{
  gboolean reliable = GPOINTER_TO_INT (data);

  start (f, INVITE_TEXT, reliable);
  assert_log (f, "request INVITE @0 ");
  advance_to (f, 1000);
  assert_log (f, "send 100 @200 ");
  g_assert_true (respond (f, 200));
  assert_log (f, "send 200 @1000 ");
  assert_state (f, ACCEPTED);

  advance_to (f, 1500);
  receive (f, INVITE_TEXT);
  assert_log (f, "");
  /* the TU retransmits its 2xx (§13.3.1.4) through the transaction */
  g_assert_true (respond (f, 200));
  assert_log (f, "send 200 @1500 ");
  g_assert_false (respond (f, 180));
  g_assert_false (respond (f, 486));
  assert_log (f, "");
  receive (f, ACK_TEXT);
  assert_log (f, "request ACK @1500 ");
  receive (f, ACK_TEXT);
  assert_log (f, "request ACK @1500 ");
  assert_state (f, ACCEPTED);

  advance_to (f, 32999);
  assert_log (f, "");
  assert_state (f, ACCEPTED);
  advance_to (f, 33000);
  assert_log (f, "terminated @33000 ");
  assert_state (f, TERMINATED);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);

  /* Terminated: deaf and mute */
  g_assert_false (respond (f, 200));
  receive (f, INVITE_TEXT);
  receive (f, ACK_TEXT);
  transport_error (f);
  assert_log (f, "");
}

/* §17.2.1 on UDP: 3xx-6xx → Completed; Timer G resends at T1, 2*T1, 4*T1,
 * then every T2; Timer H at 64*T1 tells the TU and terminates. */
static void
test_invite_completed_timer_g_h (Fixture *f, gconstpointer data)
{
  start (f, INVITE_TEXT, FALSE);
  assert_log (f, "request INVITE @0 ");
  g_assert_true (respond (f, 486));
  assert_log (f, "send 486 @0 ");
  assert_state (f, COMPLETED);
  g_assert_false (respond (f, 200));
  g_assert_false (respond (f, 180));
  assert_log (f, "");

  advance_to (f, 31999);
  assert_log (f, "send 486 @500 send 486 @1500 send 486 @3500 send 486 @7500 send 486 @11500 send 486 @15500 "
                 "send 486 @19500 send 486 @23500 send 486 @27500 send 486 @31500 ");
  assert_state (f, COMPLETED);
  advance_to (f, 32000);
  assert_log (f, "timeout @32000 terminated @32000 ");
  assert_state (f, TERMINATED);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
}

/* §17.2.1 on a reliable transport: no Timer G; Timer H still runs. */
static void
test_invite_completed_reliable (Fixture *f, gconstpointer data)
{
  start (f, INVITE_TEXT, TRUE);
  assert_log (f, "request INVITE @0 ");
  advance_to (f, 200);
  assert_log (f, "send 100 @200 ");
  g_assert_true (respond (f, 603));
  assert_log (f, "send 603 @200 ");
  assert_state (f, COMPLETED);
  advance_to (f, 32199);
  assert_log (f, "");
  advance_to (f, 32200);
  assert_log (f, "timeout @32200 terminated @32200 ");
  assert_state (f, TERMINATED);
}

/* §17.2.1: a retransmitted INVITE in Completed gets the final response. */
static void
test_invite_completed_retransmission (Fixture *f, gconstpointer data)
{
  gboolean reliable = GPOINTER_TO_INT (data);

  start (f, INVITE_TEXT, reliable);
  assert_log (f, "request INVITE @0 ");
  g_assert_true (respond (f, 302));
  assert_log (f, "send 302 @0 ");
  advance_to (f, 300);
  receive (f, INVITE_TEXT);
  assert_log (f, "send 302 @300 ");
  assert_state (f, COMPLETED);
}

/* §17.2.1 on UDP: the ACK → Confirmed, which stops G and H, absorbs ACKs
 * and INVITEs, and ends with Timer I (T4). */
static void
test_invite_confirmed_unreliable (Fixture *f, gconstpointer data)
{
  start (f, INVITE_TEXT, FALSE);
  assert_log (f, "request INVITE @0 ");
  g_assert_true (respond (f, 486));
  advance_to (f, 1000);
  assert_log (f, "send 486 @0 send 486 @500 ");
  receive (f, ACK_TEXT);
  assert_log (f, "");
  assert_state (f, CONFIRMED);

  advance_to (f, 3000);
  receive (f, ACK_TEXT);
  receive (f, INVITE_TEXT);
  g_assert_false (respond (f, 486));
  assert_log (f, "");
  assert_state (f, CONFIRMED);
  /* a late transport error changes nothing: nothing is being sent */
  transport_error (f);
  assert_log (f, "");
  assert_state (f, CONFIRMED);

  advance_to (f, 5999);
  assert_log (f, "");
  assert_state (f, CONFIRMED);
  advance_to (f, 6000);
  assert_log (f, "terminated @6000 ");
  assert_state (f, TERMINATED);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
}

/* §17.2.1 on a reliable transport: Timer I is zero. */
static void
test_invite_confirmed_reliable (Fixture *f, gconstpointer data)
{
  start (f, INVITE_TEXT, TRUE);
  assert_log (f, "request INVITE @0 ");
  g_assert_true (respond (f, 486));
  advance_to (f, 700);
  receive (f, ACK_TEXT);
  assert_log (f, "send 486 @0 ");
  assert_state (f, CONFIRMED);
  g_assert_cmpint (tc_sip_clock_manual_get_next_delay (f->clock), ==, 0);
  tc_sip_clock_manual_advance (f->clock, 0);
  assert_log (f, "terminated @700 ");
  assert_state (f, TERMINATED);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
}

/* §17.2.4: a transport error in Proceeding, Accepted or Completed goes to
 * the TU and terminates; no timer is left behind. */
static void
test_invite_transport_error (Fixture *f, gconstpointer data)
{
  const char *state = data;

  start (f, INVITE_TEXT, FALSE);
  assert_log (f, "request INVITE @0 ");
  advance_to (f, 200);
  assert_log (f, "send 100 @200 ");
  if (g_str_equal (state, "accepted"))
    {
      g_assert_true (respond (f, 200));
      assert_log (f, "send 200 @200 ");
      assert_state (f, ACCEPTED);
    }
  else if (g_str_equal (state, "completed"))
    {
      g_assert_true (respond (f, 480));
      assert_log (f, "send 480 @200 ");
      assert_state (f, COMPLETED);
    }
  advance_to (f, 300);
  transport_error (f);
  assert_log (f, "transport-error @300 terminated @300 ");
  assert_state (f, TERMINATED);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
  advance_to (f, 60000);
  assert_log (f, "");
}

/* The owner may drop its last reference from the terminated callback, in
 * the middle of a timer or an input. */
static void
test_invite_drop_on_terminated (Fixture *f, gconstpointer data)
{
  f->drop_on_terminated = TRUE;
  start (f, INVITE_TEXT, FALSE);
  g_assert_true (respond (f, 500));
  advance_to (f, 32000);
  g_assert_null (f->tr);
  g_assert_true (g_str_has_suffix (f->log->str, "send 500 @31500 timeout @32000 terminated @32000 "));
  g_string_truncate (f->log, 0);

  g_clear_pointer (&f->request, tc_sip_message_unref);
  start (f, INVITE_TEXT, TRUE);
  g_assert_true (respond (f, 200));
  transport_error (f);
  g_assert_null (f->tr);
  assert_log (f, "request INVITE @32000 send 200 @32000 transport-error @32000 terminated @32000 ");
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
}

/* §17.2.2: Trying absorbs retransmissions and sends no 100 by itself; a 1xx
 * → Proceeding, which resends it on retransmissions; a final → Completed,
 * which resends that; Timer J (64*T1) ends it on UDP. */
static void
test_non_invite_trying_proceeding_completed (Fixture *f, gconstpointer data)
{
  start (f, OPTIONS_TEXT, FALSE);
  g_assert_false (tc_sip_server_transaction_is_invite (f->tr));
  assert_log (f, "request OPTIONS @0 ");
  assert_state (f, TRYING);
  advance_to (f, 500);
  receive (f, OPTIONS_TEXT);
  assert_log (f, "");
  assert_state (f, TRYING);
  /* an ACK is nothing to a non-INVITE transaction */
  receive (f, ACK_TEXT);
  assert_log (f, "");

  advance_to (f, 1000);
  g_assert_true (respond (f, 100));
  assert_log (f, "send 100 @1000 ");
  assert_state (f, PROCEEDING);
  advance_to (f, 1500);
  receive (f, OPTIONS_TEXT);
  assert_log (f, "send 100 @1500 ");
  g_assert_true (respond (f, 183));
  assert_log (f, "send 183 @1500 ");
  assert_state (f, PROCEEDING);
  advance_to (f, 2500);
  receive (f, OPTIONS_TEXT);
  assert_log (f, "send 183 @2500 ");

  advance_to (f, 3000);
  g_assert_true (respond (f, 200));
  assert_log (f, "send 200 @3000 ");
  assert_state (f, COMPLETED);
  g_assert_false (respond (f, 200));
  g_assert_false (respond (f, 180));
  assert_log (f, "");
  advance_to (f, 7000);
  receive (f, OPTIONS_TEXT);
  assert_log (f, "send 200 @7000 ");

  advance_to (f, 34999);
  assert_log (f, "");
  assert_state (f, COMPLETED);
  advance_to (f, 35000);
  assert_log (f, "terminated @35000 ");
  assert_state (f, TERMINATED);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
  receive (f, OPTIONS_TEXT);
  assert_log (f, "");
}

/* §17.2.2: a final response straight from Trying → Completed, which
 * resends it on retransmissions; Timer J 64*T1 unreliable, 0 reliable. */
static void
test_non_invite_trying_completed (Fixture *f, gconstpointer data)
{
  gboolean reliable = GPOINTER_TO_INT (data);

  start (f, OPTIONS_TEXT, reliable);
  assert_log (f, "request OPTIONS @0 ");
  advance_to (f, 100);
  g_assert_true (respond (f, 404));
  assert_log (f, "send 404 @100 ");
  assert_state (f, COMPLETED);
  receive (f, OPTIONS_TEXT);
  assert_log (f, "send 404 @100 ");

  if (reliable)
    {
      g_assert_cmpint (tc_sip_clock_manual_get_next_delay (f->clock), ==, 0);
      tc_sip_clock_manual_advance (f->clock, 0);
      assert_log (f, "terminated @100 ");
    }
  else
    {
      advance_to (f, 32099);
      assert_log (f, "");
      advance_to (f, 32100);
      assert_log (f, "terminated @32100 ");
    }
  assert_state (f, TERMINATED);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
}

/* §17.2.4 / Figure 8: a transport error in Proceeding or Completed goes to
 * the TU and terminates; in Trying nothing was sent, so it is ignored. */
static void
test_non_invite_transport_error (Fixture *f, gconstpointer data)
{
  const char *state = data;

  start (f, OPTIONS_TEXT, FALSE);
  assert_log (f, "request OPTIONS @0 ");
  advance_to (f, 100);
  transport_error (f);
  assert_log (f, "");
  assert_state (f, TRYING);
  if (g_str_equal (state, "proceeding"))
    {
      g_assert_true (respond (f, 180));
      assert_log (f, "send 180 @100 ");
      assert_state (f, PROCEEDING);
    }
  else
    {
      g_assert_true (respond (f, 200));
      assert_log (f, "send 200 @100 ");
      assert_state (f, COMPLETED);
    }
  advance_to (f, 400);
  transport_error (f);
  assert_log (f, "transport-error @400 terminated @400 ");
  assert_state (f, TERMINATED);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
}

/* The timers follow the configured T1, T2 and T4 (§17.1.1.1). */
static void
test_custom_timer_values (Fixture *f, gconstpointer data)
{
  TcSipTimerValues timers = { .t1 = 100 * 1000, .t2 = 300 * 1000, .t4 = 1000 * 1000 };

  f->request = parse (INVITE_TEXT);
  f->tr = tc_sip_server_transaction_new (f->request, FALSE, f->clock, &timers, &callbacks, f);
  tc_sip_server_transaction_start (f->tr);
  g_assert_true (respond (f, 486));
  advance_to (f, 1000);
  /* G: 100, 200, 300 (T2), 300 ...; a 100 (Trying) was never due */
  assert_log (f, "request INVITE @0 send 486 @0 send 486 @100 send 486 @300 send 486 @600 send 486 @900 ");
  receive (f, ACK_TEXT);
  advance_to (f, 1999);
  assert_log (f, "");
  advance_to (f, 2000);
  assert_log (f, "terminated @2000 ");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  g_test_add_func ("/sip/server-transaction/state-to-string", test_state_to_string);
  ADD ("/sip/server-transaction/invite/trying-after-200ms", test_invite_trying_after_200ms, NULL);
  ADD ("/sip/server-transaction/invite/no-trying-when-tu-answers", test_invite_no_trying_when_tu_answers, NULL);
  ADD ("/sip/server-transaction/invite/proceeding-retransmission", test_invite_proceeding_retransmission, NULL);
  ADD ("/sip/server-transaction/invite/accepted/unreliable", test_invite_accepted, GINT_TO_POINTER (FALSE));
  ADD ("/sip/server-transaction/invite/accepted/reliable", test_invite_accepted, GINT_TO_POINTER (TRUE));
  ADD ("/sip/server-transaction/invite/completed/timer-g-h-unreliable", test_invite_completed_timer_g_h, NULL);
  ADD ("/sip/server-transaction/invite/completed/reliable-no-timer-g", test_invite_completed_reliable, NULL);
  ADD ("/sip/server-transaction/invite/completed/retransmission-unreliable", test_invite_completed_retransmission,
       GINT_TO_POINTER (FALSE));
  ADD ("/sip/server-transaction/invite/completed/retransmission-reliable", test_invite_completed_retransmission,
       GINT_TO_POINTER (TRUE));
  ADD ("/sip/server-transaction/invite/confirmed/timer-i-unreliable", test_invite_confirmed_unreliable, NULL);
  ADD ("/sip/server-transaction/invite/confirmed/timer-i-reliable", test_invite_confirmed_reliable, NULL);
  ADD ("/sip/server-transaction/invite/transport-error/proceeding", test_invite_transport_error, "proceeding");
  ADD ("/sip/server-transaction/invite/transport-error/accepted", test_invite_transport_error, "accepted");
  ADD ("/sip/server-transaction/invite/transport-error/completed", test_invite_transport_error, "completed");
  ADD ("/sip/server-transaction/invite/drop-on-terminated", test_invite_drop_on_terminated, NULL);
  ADD ("/sip/server-transaction/invite/custom-timer-values", test_custom_timer_values, NULL);
  ADD ("/sip/server-transaction/non-invite/trying-proceeding-completed", test_non_invite_trying_proceeding_completed,
       NULL);
  ADD ("/sip/server-transaction/non-invite/trying-completed/timer-j-unreliable", test_non_invite_trying_completed,
       GINT_TO_POINTER (FALSE));
  ADD ("/sip/server-transaction/non-invite/trying-completed/timer-j-reliable", test_non_invite_trying_completed,
       GINT_TO_POINTER (TRUE));
  ADD ("/sip/server-transaction/non-invite/transport-error/proceeding", test_non_invite_transport_error, "proceeding");
  ADD ("/sip/server-transaction/non-invite/transport-error/completed", test_non_invite_transport_error, "completed");
#undef ADD

  return g_test_run ();
}
