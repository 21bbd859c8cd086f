/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-transaction-layer.c — TcSipTransactionLayer on the manual clock with
 * the fake transport: response matching (§17.1.3, CANCEL apart from its
 * INVITE), retransmissions on UDP only, Timer F, send failures reported
 * later, request matching (§17.2.3, with the RFC 2543 fallback), the
 * automatic 100, ACKs, CANCEL (§9.2), merged requests (§8.2.2.2), answers
 * to unparsable requests, §18.2.2 response routing, the per-destination
 * cap, closed flows, and the Via the layer adds.
 */
#include "fake-transport.h"

#include "sip/builder.h"
#include "sip/parser.h"
#include "sip/sip-error.h"
#include "sip/transaction-layer.h"

#define PEER_IP "198.51.100.7"

typedef struct {
  TcSipClock *clock;
  TcSipFakeTransport *transport;
  TcSipTransactionLayer *layer;
  TcSipFlow *udp; /* from the peer */
  TcSipFlow *tcp;

  /* what the TU saw */
  GString *log;
  GPtrArray *server_transactions; /* TcSipServerTransaction *, referenced */
  TcSipMessage *last_request;
  TcSipFlow *last_request_flow;
  TcSipMessage *last_cancel;
  guint respond_status; /* the TU answers new requests with it when non-zero */
  GError *failed;
  TcSipMessage *last_response;
  TcSipMessage *last_stray;
} Fixture;

static void log_event (Fixture *f, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
log_event (Fixture *f, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (f->log, format, args);
  va_end (args);
  g_string_append_c (f->log, ' ');
}

static void
set_message (TcSipMessage **slot, TcSipMessage *message)
{
  g_clear_pointer (slot, tc_sip_message_unref);
  *slot = message ? tc_sip_message_ref (message) : NULL;
}

static void
tu_respond (Fixture *f, TcSipServerTransaction *tr, guint status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) response =
    tc_sip_message_builder_end (tc_sip_message_builder_new_response_to (tc_sip_server_transaction_get_request (tr),
                                                                        status, NULL, status > 100 ? "uastag" : NULL),
                                &error);

  g_assert_no_error (error);
  g_assert_true (tc_sip_server_transaction_respond (tr, response));
}

/* ---- the TU ------------------------------------------------------------------ */

static void
on_request (TcSipTransactionLayer *layer, TcSipServerTransaction *tr, TcSipMessage *request, TcSipFlow *flow,
            gpointer user_data)
{
  Fixture *f = user_data;
  TcSipStr method = tc_sip_message_get_method_name (request);

  g_assert_true (layer == f->layer);
  log_event (f, "request %.*s%s", (int) method.len, method.str, tr ? "" : " (no transaction)");
  set_message (&f->last_request, request);
  f->last_request_flow = flow;
  if (tr)
    {
      g_ptr_array_add (f->server_transactions, tc_sip_server_transaction_ref (tr));
      if (f->respond_status)
        tu_respond (f, tr, f->respond_status);
    }
}

static void
on_cancel (TcSipTransactionLayer *layer, TcSipServerTransaction *invite, TcSipMessage *cancel, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_true (tc_sip_server_transaction_is_invite (invite));
  log_event (f, "cancel");
  set_message (&f->last_cancel, cancel);
}

static void
on_stray_response (TcSipTransactionLayer *layer, TcSipMessage *response, TcSipFlow *flow, gpointer user_data)
{
  Fixture *f = user_data;

  log_event (f, "stray %u", tc_sip_message_get_status (response));
  set_message (&f->last_stray, response);
}

static void
on_ack_for_2xx (TcSipTransactionLayer *layer, TcSipServerTransaction *tr, TcSipMessage *ack, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_true (tc_sip_server_transaction_is_invite (tr));
  log_event (f, "ack-for-2xx");
}

static const TcSipTransactionLayerCallbacks layer_callbacks = {
  .request = on_request,
  .cancel = on_cancel,
  .stray_response = on_stray_response,
  .ack_for_2xx = on_ack_for_2xx,
};

static void
on_response (TcSipClientTransaction *tr, TcSipMessage *response, gpointer user_data)
{
  Fixture *f = user_data;
  TcSipStr method = tc_sip_message_get_cseq (response)->method;

  log_event (f, "response %u %.*s", tc_sip_message_get_status (response), (int) method.len, method.str);
  set_message (&f->last_response, response);
}

static void
on_failed (TcSipClientTransaction *tr, const GError *error, gpointer user_data)
{
  Fixture *f = user_data;

  log_event (f, "failed");
  g_clear_error (&f->failed);
  f->failed = g_error_copy (error);
}

static void
on_terminated (TcSipClientTransaction *tr, gpointer user_data)
{
  Fixture *f = user_data;

  log_event (f, "terminated");
}

static const TcSipRequestCallbacks request_callbacks = {
  .response = on_response,
  .failed = on_failed,
  .terminated = on_terminated,
};

/* ---- fixture ------------------------------------------------------------------- */

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->clock = tc_sip_clock_new_manual (0);
  f->transport = tc_sip_fake_transport_new ();
  f->layer = tc_sip_transaction_layer_new (TC_SIP_TRANSPORT (f->transport), f->clock, NULL);
  tc_sip_transaction_layer_set_callbacks (f->layer, &layer_callbacks, f);
  f->udp = tc_sip_fake_transport_new_flow (f->transport, TC_SIP_TRANSPORT_UDP, PEER_IP, 5060);
  f->tcp = tc_sip_fake_transport_new_flow (f->transport, TC_SIP_TRANSPORT_TCP, PEER_IP, 40000);
  f->log = g_string_new (NULL);
  f->server_transactions = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_server_transaction_unref);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_ptr_array_unref (f->server_transactions);
  g_assert_finalize_object (f->layer);
  g_clear_pointer (&f->last_request, tc_sip_message_unref);
  g_clear_pointer (&f->last_cancel, tc_sip_message_unref);
  g_clear_pointer (&f->last_response, tc_sip_message_unref);
  g_clear_pointer (&f->last_stray, tc_sip_message_unref);
  g_clear_error (&f->failed);
  /* the transport's records hold the flows */
  g_assert_finalize_object (f->transport);
  g_assert_finalize_object (f->udp);
  g_assert_finalize_object (f->tcp);
  g_string_free (f->log, TRUE);
  tc_sip_clock_unref (f->clock);
}

static void
advance_ms (Fixture *f, gint64 ms)
{
  tc_sip_clock_manual_advance (f->clock, ms * 1000);
}

static guint
n_sent (Fixture *f)
{
  return tc_sip_fake_transport_get_n_sent (f->transport);
}

static TcSipMessage *
sent_message (Fixture *f, guint i)
{
  const TcSipFakeSent *sent = tc_sip_fake_transport_get_sent (f->transport, i);

  g_assert_nonnull (sent->message);
  return sent->message;
}

static TcSipMessage *
last_sent (Fixture *f)
{
  g_assert_cmpuint (n_sent (f), >, 0);
  return sent_message (f, n_sent (f) - 1);
}

/* ---- requests from the peer ------------------------------------------------------ */

/* A request from the peer; @to_tag and @branch may be NULL. */
static char *
peer_request (const char *method, const char *transport, const char *branch, const char *to_tag, guint cseq,
              const char *cseq_method)
{
  return g_strdup_printf ("%s sip:alice@192.0.2.1 SIP/2.0\r\n"
                          "Via: SIP/2.0/%s " PEER_IP ":5070%s%s\r\n"
                          "Max-Forwards: 70\r\n"
                          "To: <sip:alice@192.0.2.1>%s%s\r\n"
                          "From: Bob <sip:bob@example.net>;tag=bobtag\r\n"
                          "Call-ID: call-1@" PEER_IP "\r\n"
                          "CSeq: %u %s\r\n"
                          "Content-Length: 0\r\n\r\n",
                          method, transport, branch ? ";branch=" : "", branch ? branch : "", to_tag ? ";tag=" : "",
                          to_tag ? to_tag : "", cseq, cseq_method ? cseq_method : method);
}

static void
inject (Fixture *f, TcSipFlow *flow, char *text)
{
  tc_sip_fake_transport_inject (f->transport, flow, text);
  g_free (text);
}

static void
inject_message (Fixture *f, TcSipFlow *flow, TcSipMessage *message)
{
  g_autoptr (GBytes) bytes = tc_sip_message_to_bytes (message);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  inject (f, flow, g_strndup (data, size));
}

/* The peer answers @request with @status. */
static void
peer_respond (Fixture *f, TcSipFlow *flow, TcSipMessage *request, guint status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) response = tc_sip_message_builder_end (
    tc_sip_message_builder_new_response_to (request, status, NULL, status > 100 ? "peertag" : NULL), &error);

  g_assert_no_error (error);
  inject_message (f, flow, response);
}

/* ---- requests of ours ------------------------------------------------------------- */

static TcSipMessage *
our_request (Fixture *f, const char *method, TcSipTransportType type, char **branch_out)
{
  g_autoptr (TcSipMessageBuilder) builder = tc_sip_message_builder_new_request (method, "sip:bob@" PEER_IP);
  g_autoptr (GError) error = NULL;
  g_autofree char *branch = NULL;
  TcSipMessage *request;

  branch = tc_sip_transaction_layer_add_via (f->layer, builder, type, G_SOCKET_FAMILY_IPV4, &error);
  g_assert_no_error (error);
  tc_sip_message_builder_add_header (builder, "Max-Forwards", "70");
  tc_sip_message_builder_add_header (builder, "To", "<sip:bob@" PEER_IP ">");
  tc_sip_message_builder_add_header (builder, "From", "<sip:alice@192.0.2.1>;tag=alicetag");
  tc_sip_message_builder_add_header (builder, "Call-ID", "our-call");
  tc_sip_message_builder_add_header_printf (builder, "CSeq", "1 %s", method);
  request = tc_sip_message_builder_end (g_steal_pointer (&builder), &error);
  g_assert_no_error (error);
  if (branch_out)
    *branch_out = g_steal_pointer (&branch);
  return request;
}

/* A CANCEL for @invite (§9.1: its Request-URI, Call-ID, To, From, CSeq
 * number and top Via). */
static TcSipMessage *
cancel_for (TcSipMessage *invite)
{
  g_autoptr (GError) error = NULL;
  TcSipMessageBuilder *builder = tc_sip_message_builder_new_request ("CANCEL", "sip:bob@" PEER_IP);
  g_autofree char *via = tc_sip_str_dup (tc_sip_message_get_header_value (invite, "Via"));
  TcSipMessage *cancel;

  tc_sip_message_builder_add_header (builder, "Via", via);
  tc_sip_message_builder_add_header (builder, "Max-Forwards", "70");
  tc_sip_message_builder_add_header (builder, "To", "<sip:bob@" PEER_IP ">");
  tc_sip_message_builder_add_header (builder, "From", "<sip:alice@192.0.2.1>;tag=alicetag");
  tc_sip_message_builder_add_header (builder, "Call-ID", "our-call");
  tc_sip_message_builder_add_header (builder, "CSeq", "1 CANCEL");
  cancel = tc_sip_message_builder_end (builder, &error);
  g_assert_no_error (error);
  return cancel;
}

static void
target_udp (TcSipTarget *target)
{
  tc_sip_fake_target_init (target, TC_SIP_TRANSPORT_UDP, PEER_IP, 5060);
}

static void
target_tcp (TcSipTarget *target)
{
  tc_sip_fake_target_init (target, TC_SIP_TRANSPORT_TCP, PEER_IP, 5060);
}

static TcSipClientTransaction *
send_request (Fixture *f, TcSipMessage *request, const TcSipTarget *target)
{
  g_autoptr (GError) error = NULL;
  TcSipClientTransaction *tr =
    tc_sip_transaction_layer_send_request (f->layer, request, target, NULL, &request_callbacks, f, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tr);
  return tr;
}

/* ---- Via ---------------------------------------------------------------------------- */

static char *
via_of (Fixture *f, TcSipTransportType type, GSocketFamily family, char **branch)
{
  g_autoptr (TcSipMessageBuilder) builder = tc_sip_message_builder_new_request ("OPTIONS", "sip:x@example.com");
  g_autoptr (GError) error = NULL;

  *branch = tc_sip_transaction_layer_add_via (f->layer, builder, type, family, &error);
  g_assert_no_error (error);
  return tc_sip_message_builder_get_header (builder, "Via");
}

static void
test_add_via (Fixture *f, gconstpointer data)
{
  g_autofree char *branch = NULL, *branch2 = NULL, *branch3 = NULL;
  g_autofree char *via = via_of (f, TC_SIP_TRANSPORT_UDP, G_SOCKET_FAMILY_IPV4, &branch);
  g_autofree char *expected = g_strdup_printf ("SIP/2.0/UDP 192.0.2.1:5060;branch=%s;rport", branch);
  g_autofree char *via6 = via_of (f, TC_SIP_TRANSPORT_TLS, G_SOCKET_FAMILY_IPV6, &branch2);
  g_autofree char *expected6 = g_strdup_printf ("SIP/2.0/TLS [2001:db8::1]:5060;branch=%s;rport", branch2);
  g_autofree char *via_noport = NULL;
  g_autofree char *expected_noport = NULL;
  g_autoptr (TcSipMessageBuilder) builder = tc_sip_message_builder_new_request ("OPTIONS", "sip:x@example.com");
  g_autoptr (GError) error = NULL;

  g_assert_true (g_str_has_prefix (branch, "z9hG4bK"));
  g_assert_cmpuint (strlen (branch), ==, 29);
  g_assert_cmpstr (via, ==, expected);
  g_assert_cmpstr (via6, ==, expected6);
  g_assert_cmpstr (branch, !=, branch2);

  tc_sip_fake_transport_set_sent_by (f->transport, "ua.example.com", 0);
  via_noport = via_of (f, TC_SIP_TRANSPORT_WSS, G_SOCKET_FAMILY_IPV4, &branch3);
  expected_noport = g_strdup_printf ("SIP/2.0/WSS ua.example.com;branch=%s;rport", branch3);
  g_assert_cmpstr (via_noport, ==, expected_noport);

  tc_sip_fake_transport_set_sent_by (f->transport, NULL, 0);
  g_assert_null (
    tc_sip_transaction_layer_add_via (f->layer, builder, TC_SIP_TRANSPORT_UDP, G_SOCKET_FAMILY_IPV4, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* ---- client side ---------------------------------------------------------------------- */

static void
test_client_match (Fixture *f, gconstpointer data)
{
  g_autofree char *branch = NULL;
  g_autoptr (TcSipMessage) invite = our_request (f, "INVITE", TC_SIP_TRANSPORT_UDP, &branch);
  g_autoptr (TcSipMessage) cancel = cancel_for (invite);
  g_autoptr (TcSipMessage) other = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_UDP, NULL);
  g_autoptr (GError) error = NULL;
  TcSipClientTransaction *invite_tr, *cancel_tr;
  TcSipTarget target;
  TcSipFlow *flow;

  target_udp (&target);
  invite_tr = send_request (f, invite, &target);
  g_assert_cmpuint (n_sent (f), ==, 1);
  flow = tc_sip_transaction_layer_get_client_flow (f->layer, invite_tr);
  g_assert_nonnull (flow);
  g_assert_true (flow == tc_sip_fake_transport_get_sent (f->transport, 0)->flow);
  g_assert_cmpuint (tc_sip_flow_get_n_uses (flow), ==, 1);

  /* the same branch and method again: refused */
  g_assert_null (
    tc_sip_transaction_layer_send_request (f->layer, invite, &target, NULL, &request_callbacks, f, &error));
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_TRANSACTION_EXISTS);
  g_clear_error (&error);

  /* the CANCEL: same branch, its own transaction (§9.1, §17.1.3) */
  cancel_tr = send_request (f, cancel, &target);
  g_assert_true (cancel_tr != invite_tr);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (f->layer), ==, 2);

  peer_respond (f, flow, invite, 180);
  peer_respond (f, flow, cancel, 200);
  g_assert_cmpint (tc_sip_client_transaction_get_state (invite_tr), ==, TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING);
  g_assert_cmpint (tc_sip_client_transaction_get_state (cancel_tr), ==, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  peer_respond (f, flow, invite, 487);
  g_assert_cmpint (tc_sip_client_transaction_get_state (invite_tr), ==, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
  /* the ACK for the 487 went over the INVITE's flow */
  g_assert_cmpint (tc_sip_message_get_method (last_sent (f)), ==, TC_SIP_METHOD_ACK);
  g_assert_true (tc_sip_fake_transport_get_sent (f->transport, n_sent (f) - 1)->flow == flow);

  /* a response for no transaction of ours */
  peer_respond (f, flow, other, 200);
  g_assert_cmpstr (f->log->str, ==, "response 180 INVITE response 200 CANCEL response 487 INVITE stray 200 ");

  /* an ACK has no transaction */
  {
    g_autoptr (TcSipMessage) ack = tc_sip_message_ref (last_sent (f));

    g_assert_null (tc_sip_transaction_layer_send_request (f->layer, ack, &target, NULL, &request_callbacks, f, &error));
    g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  }

  /* Timer K (T4) ends the CANCEL's, Timer D (32 s) the INVITE's */
  advance_ms (f, 5000);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (f->layer), ==, 1);
  advance_ms (f, 32000);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (f->layer), ==, 0);
  g_assert_cmpuint (tc_sip_flow_get_n_uses (flow), ==, 0);
  tc_sip_target_clear (&target);
}

static void
test_client_retransmit_udp (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) options = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_UDP, NULL);
  g_autoptr (TcSipMessage) invite = our_request (f, "INVITE", TC_SIP_TRANSPORT_UDP, NULL);
  TcSipTarget target;
  guint n_options = 0, n_invite = 0;

  target_udp (&target);
  send_request (f, options, &target);
  send_request (f, invite, &target);
  /* Timer E: 500, 1000, 2000, 4000, 4000 ms; Timer A: 500, 1000, 2000, 4000 ms */
  advance_ms (f, 500 + 1000 + 2000 + 4000);
  for (guint i = 0; i < n_sent (f); i++)
    {
      const TcSipFakeSent *sent = tc_sip_fake_transport_get_sent (f->transport, i);

      if (tc_sip_message_get_method (sent->message) == TC_SIP_METHOD_OPTIONS)
        n_options++;
      else
        n_invite++;
      /* the first sending went to the target, the others over its flow */
      g_assert_true (sent->has_target == (i < 2));
      g_assert_true (sent->flow == tc_sip_fake_transport_get_sent (f->transport, 0)->flow);
    }
  g_assert_cmpuint (n_options, ==, 5);
  g_assert_cmpuint (n_invite, ==, 5);
  g_assert_cmpstr (f->log->str, ==, "");
  tc_sip_target_clear (&target);
}

static void
test_client_no_retransmit_tcp (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) options = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_TCP, NULL);
  g_autoptr (TcSipMessage) invite = our_request (f, "INVITE", TC_SIP_TRANSPORT_TCP, NULL);
  TcSipTarget target;

  target_tcp (&target);
  g_assert_true (tc_sip_client_transaction_is_reliable (send_request (f, options, &target)));
  send_request (f, invite, &target);
  advance_ms (f, 31000);
  g_assert_cmpuint (n_sent (f), ==, 2);
  tc_sip_target_clear (&target);
}

static void
test_client_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) options = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_TCP, NULL);
  TcSipTarget target;

  target_tcp (&target);
  send_request (f, options, &target);
  advance_ms (f, 31999);
  g_assert_cmpstr (f->log->str, ==, "");
  advance_ms (f, 1);
  /* Timer F = 64*T1: failed as a 408 (§8.1.3.1), then ended */
  g_assert_cmpstr (f->log->str, ==, "failed terminated ");
  g_assert_error (f->failed, TC_SIP_ERROR, TC_SIP_ERROR_TIMEOUT);
  g_assert_cmpuint (tc_sip_error_get_status (f->failed), ==, 408);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (f->layer), ==, 0);
  tc_sip_target_clear (&target);
}

static void
test_client_pending_error (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) options = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_TCP, NULL);
  g_autoptr (GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "connect timed out");
  TcSipClientTransaction *tr;
  TcSipTarget target;

  target_tcp (&target);
  tc_sip_fake_transport_set_mode (f->transport, &target, TC_SIP_FAKE_SEND_PENDING);
  tr = send_request (f, options, &target);
  g_assert_cmpuint (n_sent (f), ==, 0);
  g_assert_cmpuint (tc_sip_fake_transport_get_n_pending (f->transport), ==, 1);
  g_assert_null (tc_sip_transaction_layer_get_client_flow (f->layer, tr));
  advance_ms (f, 1000);
  g_assert_cmpstr (f->log->str, ==, "");

  tc_sip_fake_transport_complete_pending (f->transport, refused);
  g_assert_cmpstr (f->log->str, ==, "failed terminated ");
  g_assert_error (f->failed, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (f->layer), ==, 0);
  tc_sip_target_clear (&target);
}

static void
test_client_pending_done (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) options = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_TCP, NULL);
  g_autoptr (TcSipMessage) late = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_TCP, NULL);
  TcSipClientTransaction *tr;
  TcSipFlow *flow;
  TcSipTarget target;

  target_tcp (&target);
  tc_sip_fake_transport_set_mode (f->transport, &target, TC_SIP_FAKE_SEND_PENDING);
  tr = send_request (f, options, &target);
  tc_sip_fake_transport_complete_pending (f->transport, NULL);
  g_assert_cmpuint (n_sent (f), ==, 1);
  flow = tc_sip_transaction_layer_get_client_flow (f->layer, tr);
  g_assert_nonnull (flow);
  g_assert_cmpuint (tc_sip_flow_get_n_uses (flow), ==, 1);
  peer_respond (f, flow, options, 200);
  g_assert_cmpstr (f->log->str, ==, "response 200 OPTIONS ");
  advance_ms (f, 0);
  g_assert_cmpstr (f->log->str, ==, "response 200 OPTIONS terminated ");
  g_assert_cmpuint (tc_sip_flow_get_n_uses (flow), ==, 0);

  /* the transaction ends (Timer F) while the connection is set up: the
   * late completion does nothing */
  g_string_truncate (f->log, 0);
  send_request (f, late, &target);
  advance_ms (f, 32000);
  g_assert_cmpstr (f->log->str, ==, "failed terminated ");
  tc_sip_fake_transport_complete_pending (f->transport, NULL);
  g_assert_cmpstr (f->log->str, ==, "failed terminated ");
  g_assert_cmpuint (tc_sip_flow_get_n_uses (tc_sip_fake_transport_get_flow (f->transport, &target)), ==, 0);
  tc_sip_target_clear (&target);
}

static void
test_client_failed_later (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) options = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_UDP, NULL);
  TcSipTarget target;

  target_udp (&target);
  tc_sip_fake_transport_set_mode (f->transport, NULL, TC_SIP_FAKE_SEND_FAILED);
  send_request (f, options, &target);
  /* never from inside send_request() */
  g_assert_cmpstr (f->log->str, ==, "");
  advance_ms (f, 0);
  g_assert_cmpstr (f->log->str, ==, "failed terminated ");
  g_assert_error (f->failed, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  tc_sip_target_clear (&target);
}

static void
test_client_flow_closed (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) invite = our_request (f, "INVITE", TC_SIP_TRANSPORT_TCP, NULL);
  g_autoptr (GError) reset = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "reset by peer");
  g_autoptr (TcSipFlow) flow = NULL;
  TcSipClientTransaction *tr;
  TcSipTarget target;

  target_tcp (&target);
  tr = send_request (f, invite, &target);
  flow = g_object_ref (tc_sip_transaction_layer_get_client_flow (f->layer, tr));
  tc_sip_fake_transport_close_flow (f->transport, flow, reset);
  g_assert_cmpstr (f->log->str, ==, "failed terminated ");
  g_assert_error (f->failed, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpuint (tc_sip_flow_get_n_uses (flow), ==, 0);
  tc_sip_target_clear (&target);
}

static void
test_client_over_flow (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) options = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_TCP, NULL);
  g_autoptr (GError) error = NULL;
  TcSipClientTransaction *tr;

  /* in-dialog requests over a registration's flow (RFC 5626) */
  tr = tc_sip_transaction_layer_send_request (f->layer, options, NULL, f->tcp, &request_callbacks, f, &error);
  g_assert_no_error (error);
  g_assert_true (tc_sip_client_transaction_is_reliable (tr));
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_false (tc_sip_fake_transport_get_sent (f->transport, 0)->has_target);
  g_assert_true (tc_sip_fake_transport_get_sent (f->transport, 0)->flow == f->tcp);
  g_assert_true (tc_sip_transaction_layer_get_client_flow (f->layer, tr) == f->tcp);
}

static void
test_client_max_outstanding (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) a = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_UDP, NULL);
  g_autoptr (TcSipMessage) b = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_UDP, NULL);
  g_autoptr (TcSipMessage) c = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_UDP, NULL);
  g_autoptr (TcSipMessage) elsewhere = our_request (f, "OPTIONS", TC_SIP_TRANSPORT_TCP, NULL);
  TcSipTarget target, other;
  TcSipFlow *flow;

  target_udp (&target);
  target_tcp (&other);
  tc_sip_transaction_layer_set_max_outstanding (f->layer, 1);
  send_request (f, a, &target);
  send_request (f, b, &target);
  send_request (f, c, &target);
  send_request (f, elsewhere, &other);
  /* one each to the two destinations; b and c wait */
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_true (tc_sip_message_equal (sent_message (f, 0), a));
  g_assert_true (tc_sip_message_equal (sent_message (f, 1), elsewhere));
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (f->layer), ==, 4);

  /* a provisional response is not the end */
  flow = tc_sip_fake_transport_get_sent (f->transport, 0)->flow;
  peer_respond (f, flow, a, 100);
  g_assert_cmpuint (n_sent (f), ==, 2);
  /* a final one lets b go, in order */
  peer_respond (f, flow, a, 200);
  g_assert_cmpuint (n_sent (f), ==, 3);
  g_assert_true (tc_sip_message_equal (sent_message (f, 2), b));
  /* b (and, at the same time, the TCP one) times out (Timer F): then c goes */
  advance_ms (f, 31999);
  for (guint i = 0; i < n_sent (f); i++)
    g_assert_false (tc_sip_message_equal (sent_message (f, i), c));
  advance_ms (f, 1);
  g_assert_cmpstr (f->log->str, ==,
                   "response 100 OPTIONS response 200 OPTIONS terminated failed terminated failed terminated ");
  g_assert_true (tc_sip_message_equal (last_sent (f), c));
  tc_sip_target_clear (&target);
  tc_sip_target_clear (&other);
}

/* ---- server side --------------------------------------------------------------------- */

static void
test_server_new_request (Fixture *f, gconstpointer data)
{
  TcSipServerTransaction *tr;

  inject (f, f->udp, peer_request ("OPTIONS", "UDP", "z9hG4bKopt1", NULL, 7, NULL));
  g_assert_cmpstr (f->log->str, ==, "request OPTIONS ");
  g_assert_cmpuint (f->server_transactions->len, ==, 1);
  tr = g_ptr_array_index (f->server_transactions, 0);
  g_assert_true (f->last_request_flow == f->udp);
  g_assert_true (tc_sip_transaction_layer_get_request_flow (f->layer, tr) == f->udp);
  g_assert_false (tc_sip_server_transaction_is_reliable (tr));
  g_assert_cmpuint (tc_sip_flow_get_n_uses (f->udp), ==, 1);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_server_transactions (f->layer), ==, 1);

  /* a retransmission before the answer is absorbed */
  inject (f, f->udp, peer_request ("OPTIONS", "UDP", "z9hG4bKopt1", NULL, 7, NULL));
  g_assert_cmpuint (n_sent (f), ==, 0);

  tu_respond (f, tr, 200);
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_true (tc_sip_fake_transport_get_sent (f->transport, 0)->flow == f->udp);
  g_assert_false (tc_sip_fake_transport_get_sent (f->transport, 0)->has_target);
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 200);

  /* after it, a retransmission gets the 200 again, and the TU hears nothing */
  inject (f, f->udp, peer_request ("OPTIONS", "UDP", "z9hG4bKopt1", NULL, 7, NULL));
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_true (tc_sip_message_equal (sent_message (f, 0), sent_message (f, 1)));
  g_assert_cmpstr (f->log->str, ==, "request OPTIONS ");

  /* the same branch from another sent-by is another transaction */
  inject (f, f->udp,
          g_strdup ("OPTIONS sip:alice@192.0.2.1 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 203.0.113.9;branch=z9hG4bKopt1\r\n"
                    "To: <sip:alice@192.0.2.1>\r\nFrom: <sip:carol@example.org>;tag=c\r\n"
                    "Call-ID: other\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
  g_assert_cmpstr (f->log->str, ==, "request OPTIONS request OPTIONS ");

  /* Timer J (64*T1 on UDP) ends the first */
  advance_ms (f, 32000);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_server_transactions (f->layer), ==, 1);
  g_assert_cmpuint (tc_sip_flow_get_n_uses (f->udp), ==, 1);
}

/* RFC 3581 §4 / RFC 3261 §18.2.1: the response carries received and rport. */
static void
test_server_received_rport (Fixture *f, gconstpointer data)
{
  GInetSocketAddress *remote = tc_sip_flow_get_remote_address (f->udp);
  g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (remote));
  TcSipServerTransaction *tr;
  const TcSipVia *via;

  inject (f, f->udp,
          g_strdup ("OPTIONS sip:alice@192.0.2.1 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP client.example.org:5070;branch=z9hG4bKrport;rport\r\n"
                    "To: <sip:alice@192.0.2.1>\r\nFrom: <sip:carol@example.org>;tag=c\r\n"
                    "Call-ID: rport\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
  g_assert_cmpuint (f->server_transactions->len, ==, 1);
  tr = g_ptr_array_index (f->server_transactions, 0);
  tu_respond (f, tr, 200);
  via = tc_sip_message_get_via (last_sent (f), 0);
  g_assert_true (tc_sip_str_equal (via->host, "client.example.org"));
  g_assert_cmpuint (via->port, ==, 5070);
  g_assert_true (tc_sip_str_equal (via->received, ip));
  g_assert_cmpint (via->rport, ==, g_inet_socket_address_get_port (remote));
  g_assert_true (tc_sip_str_equal (via->branch, "z9hG4bKrport"));

  /* a retransmission with the same branch and sent-by still matches */
  inject (f, f->udp,
          g_strdup ("OPTIONS sip:alice@192.0.2.1 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP client.example.org:5070;branch=z9hG4bKrport;rport\r\n"
                    "To: <sip:alice@192.0.2.1>\r\nFrom: <sip:carol@example.org>;tag=c\r\n"
                    "Call-ID: rport\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
  g_assert_cmpuint (f->server_transactions->len, ==, 1);
  g_assert_cmpuint (n_sent (f), ==, 2);
}

/* A server transaction the TU still holds after the layer let it go (here:
 * the layer disposed) is inert: its 100 Trying timer and Timer H do not
 * call into the layer's freed bookkeeping. */
static void
test_server_held_after_layer (Fixture *f, gconstpointer data)
{
  guint sent;

  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKheld", NULL, 1, NULL));
  g_assert_cmpuint (f->server_transactions->len, ==, 1);
  sent = n_sent (f);
  g_object_run_dispose (G_OBJECT (f->layer));
  advance_ms (f, 64 * 500 + 1000);
  g_assert_cmpuint (n_sent (f), ==, sent);
}

static void
test_server_invite_trying (Fixture *f, gconstpointer data)
{
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKinv1", NULL, 1, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE ");
  advance_ms (f, 199);
  g_assert_cmpuint (n_sent (f), ==, 0);
  advance_ms (f, 1);
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 100);
  g_assert_null (tc_sip_message_get_to (last_sent (f))->tag.str);
  /* a retransmitted INVITE gets the 100 again */
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKinv1", NULL, 1, NULL));
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpstr (f->log->str, ==, "request INVITE ");
}

static void
test_server_ack_non_2xx (Fixture *f, gconstpointer data)
{
  TcSipServerTransaction *tr;

  f->respond_status = 486;
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKinv2", NULL, 1, NULL));
  tr = g_ptr_array_index (f->server_transactions, 0);
  g_assert_cmpint (tc_sip_server_transaction_get_state (tr), ==, TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED);
  /* §17.1.1.3: the ACK for a non-2xx has the INVITE's branch */
  inject (f, f->udp, peer_request ("ACK", "UDP", "z9hG4bKinv2", "uastag", 1, NULL));
  g_assert_cmpint (tc_sip_server_transaction_get_state (tr), ==, TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED);
  g_assert_cmpstr (f->log->str, ==, "request INVITE ");
  /* Timer G does not fire any more */
  advance_ms (f, 4000);
  g_assert_cmpuint (n_sent (f), ==, 1);
}

static void
test_server_ack_2xx (Fixture *f, gconstpointer data)
{
  TcSipServerTransaction *tr;

  f->respond_status = 200;
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKinv3", NULL, 1, NULL));
  tr = g_ptr_array_index (f->server_transactions, 0);
  g_assert_cmpint (tc_sip_server_transaction_get_state (tr), ==, TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED);
  /* §13.2.2.4: the ACK for a 2xx is a new transaction: no match, to the TU */
  inject (f, f->udp, peer_request ("ACK", "UDP", "z9hG4bKack3", "uastag", 1, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE request ACK (no transaction) ");
  g_assert_cmpint (tc_sip_message_get_method (f->last_request), ==, TC_SIP_METHOD_ACK);
  /* one that reuses the INVITE's branch reaches the transaction in
   * Accepted, which passes it up (RFC 6026 §8.7) */
  inject (f, f->udp, peer_request ("ACK", "UDP", "z9hG4bKinv3", "uastag", 1, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE request ACK (no transaction) ack-for-2xx ");
}

static void
test_server_rfc2543 (Fixture *f, gconstpointer data)
{
  TcSipServerTransaction *tr;

  /* no cookie: matched on Request-URI, tags, Call-ID, CSeq and top Via */
  inject (f, f->udp, peer_request ("INVITE", "UDP", "old1", NULL, 1, NULL));
  inject (f, f->udp, peer_request ("INVITE", "UDP", "old1", NULL, 1, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE ");
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_server_transactions (f->layer), ==, 1);
  tr = g_ptr_array_index (f->server_transactions, 0);

  /* no branch at all, another CSeq: another transaction */
  inject (f, f->udp, peer_request ("OPTIONS", "UDP", NULL, NULL, 2, NULL));
  inject (f, f->udp, peer_request ("OPTIONS", "UDP", NULL, NULL, 2, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE request OPTIONS ");
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_server_transactions (f->layer), ==, 2);

  /* the ACK for a non-2xx: To tag of the response */
  tu_respond (f, tr, 404);
  inject (f, f->udp, peer_request ("ACK", "UDP", "old1", "wrongtag", 1, NULL));
  g_assert_cmpint (tc_sip_server_transaction_get_state (tr), ==, TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED);
  g_assert_cmpstr (f->log->str, ==, "request INVITE request OPTIONS request ACK (no transaction) ");
  inject (f, f->udp, peer_request ("ACK", "UDP", "old1", "uastag", 1, NULL));
  g_assert_cmpint (tc_sip_server_transaction_get_state (tr), ==, TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED);

  /* a CANCEL of an INVITE without cookie */
  g_string_truncate (f->log, 0);
  inject (f, f->udp, peer_request ("INVITE", "UDP", NULL, NULL, 5, NULL));
  inject (f, f->udp, peer_request ("CANCEL", "UDP", NULL, NULL, 5, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE cancel ");
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 200);
}

static void
test_server_cancel (Fixture *f, gconstpointer data)
{
  TcSipServerTransaction *invite;
  TcSipMessage *ok;

  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKinv4", NULL, 1, NULL));
  invite = g_ptr_array_index (f->server_transactions, 0);
  tu_respond (f, invite, 180);
  inject (f, f->udp, peer_request ("CANCEL", "UDP", "z9hG4bKinv4", NULL, 1, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE cancel ");
  /* the 200 for the CANCEL went first, with the INVITE's To tag */
  ok = last_sent (f);
  g_assert_cmpuint (tc_sip_message_get_status (ok), ==, 200);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_cseq (ok)->method, "CANCEL"));
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_to (ok)->tag, "uastag"));
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_server_transactions (f->layer), ==, 2);

  /* the TU ends the INVITE */
  tu_respond (f, invite, 487);
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 487);
  /* a retransmitted CANCEL gets its 200 again, the TU hears nothing */
  inject (f, f->udp, peer_request ("CANCEL", "UDP", "z9hG4bKinv4", NULL, 1, NULL));
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 200);
  g_assert_cmpstr (f->log->str, ==, "request INVITE cancel ");
}

static void
test_server_cancel_final (Fixture *f, gconstpointer data)
{
  f->respond_status = 486;
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKinv5", NULL, 1, NULL));
  inject (f, f->udp, peer_request ("CANCEL", "UDP", "z9hG4bKinv5", NULL, 1, NULL));
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 200);
  g_assert_cmpstr (f->log->str, ==, "request INVITE ");
}

static void
test_server_cancel_unknown (Fixture *f, gconstpointer data)
{
  inject (f, f->udp, peer_request ("CANCEL", "UDP", "z9hG4bKnone", NULL, 1, NULL));
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 481);
  g_assert_nonnull (tc_sip_message_get_to (last_sent (f))->tag.str);
  g_assert_cmpstr (f->log->str, ==, "");
  /* a CANCEL from another sent-by does not cancel */
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKinv6", NULL, 1, NULL));
  inject (f, f->udp,
          g_strdup ("CANCEL sip:alice@192.0.2.1 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 203.0.113.9:5070;branch=z9hG4bKinv6\r\n"
                    "To: <sip:alice@192.0.2.1>\r\nFrom: Bob <sip:bob@example.net>;tag=bobtag\r\n"
                    "Call-ID: call-1@" PEER_IP "\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n"));
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 481);
  g_assert_cmpstr (f->log->str, ==, "request INVITE ");
}

static void
test_server_merged (Fixture *f, gconstpointer data)
{
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKpath1", NULL, 1, NULL));
  /* the same request forked back to us by another path (§8.2.2.2) */
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKpath2", NULL, 1, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE ");
  g_assert_cmpuint (n_sent (f), ==, 1);
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 482);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_via (last_sent (f), 0)->branch, "z9hG4bKpath2"));
  g_assert_nonnull (tc_sip_message_get_to (last_sent (f))->tag.str);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_server_transactions (f->layer), ==, 1);
  /* with a To tag it is an in-dialog request: not a merge */
  inject (f, f->udp, peer_request ("INVITE", "UDP", "z9hG4bKpath3", "uastag", 1, NULL));
  g_assert_cmpstr (f->log->str, ==, "request INVITE request INVITE ");
}

static void
test_server_response_flow (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) reset = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "reset");
  TcSipServerTransaction *tr;
  const TcSipFakeSent *sent;
  g_autofree char *target = NULL;

  inject (f, f->tcp, peer_request ("INVITE", "TCP", "z9hG4bKtcp1", NULL, 1, NULL));
  tr = g_ptr_array_index (f->server_transactions, 0);
  g_assert_true (tc_sip_server_transaction_is_reliable (tr));
  tu_respond (f, tr, 180);
  /* §18.2.2: over the connection the request came on */
  sent = tc_sip_fake_transport_get_sent (f->transport, 0);
  g_assert_true (sent->flow == f->tcp);
  g_assert_false (sent->has_target);

  /* the connection dies (a server transaction stays), the next response
   * opens one to the Via's sent-by */
  tc_sip_fake_transport_close_flow (f->transport, f->tcp, reset);
  g_assert_cmpint (tc_sip_server_transaction_get_state (tr), ==, TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING);
  tu_respond (f, tr, 200);
  g_assert_cmpuint (n_sent (f), ==, 2);
  sent = tc_sip_fake_transport_get_sent (f->transport, 1);
  g_assert_true (sent->has_target);
  target = tc_sip_target_to_string (&sent->target);
  g_assert_cmpstr (target, ==, "tcp:" PEER_IP ":5070");
  g_assert_true (tc_sip_transaction_layer_get_request_flow (f->layer, tr) == sent->flow);

  /* UDP with received and rport (RFC 3581): there, without a flow */
  {
    static const char text[] = "OPTIONS sip:alice@192.0.2.1 SIP/2.0\r\n"
                               "Via: SIP/2.0/UDP 10.0.0.2:5060;rport=4444;received=" PEER_IP ";branch=z9hG4bKsl\r\n"
                               "To: <sip:alice@192.0.2.1>\r\nFrom: <sip:c@x>;tag=c\r\n"
                               "Call-ID: sl\r\nCSeq: 1 OPTIONS\r\n\r\n";
    g_autoptr (TcSipMessage) request = tc_sip_message_parse (text, strlen (text), NULL, NULL);
    g_autoptr (GError) error = NULL;
    g_autofree char *udp_target = NULL;

    g_assert_nonnull (request);
    g_assert_true (tc_sip_transaction_layer_respond_stateless (f->layer, request, NULL, 403, NULL, &error));
    g_assert_no_error (error);
    sent = tc_sip_fake_transport_get_sent (f->transport, 2);
    udp_target = tc_sip_target_to_string (&sent->target);
    g_assert_cmpstr (udp_target, ==, "udp:" PEER_IP ":4444");
    g_assert_nonnull (tc_sip_message_get_to (sent->message)->tag.str);
  }
}

static void
test_server_salvage (Fixture *f, gconstpointer data)
{
  TcSipMessage *response;

  /* a Max-Forwards that is not a number: 400 with the parser's reason */
  inject (f, f->udp,
          g_strdup ("INVITE sip:alice@192.0.2.1 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP " PEER_IP ":5070;branch=z9hG4bKbad1\r\n"
                    "v: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKprx\r\n"
                    "Max-Forwards: seventy\r\n"
                    "t: <sip:alice@192.0.2.1>\r\n"
                    "f: Bob <sip:bob@example.net>;tag=bobtag\r\n"
                    "i: bad-call\r\n"
                    "CSeq: 9 INVITE\r\n"
                    "Content-Length: 0\r\n\r\n"));
  g_assert_cmpstr (f->log->str, ==, "");
  g_assert_cmpuint (n_sent (f), ==, 1);
  response = last_sent (f);
  g_assert_true (tc_sip_fake_transport_get_sent (f->transport, 0)->flow == f->udp);
  g_assert_cmpuint (tc_sip_message_get_status (response), ==, 400);
  g_assert_cmpuint (tc_sip_message_get_reason (response).len, >, 0);
  g_assert_false (tc_sip_str_equal (tc_sip_message_get_reason (response), "Bad Request"));
  g_assert_cmpuint (tc_sip_message_get_n_vias (response), ==, 2);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_via (response, 0)->branch, "z9hG4bKbad1"));
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_via (response, 1)->branch, "z9hG4bKprx"));
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_from (response)->tag, "bobtag"));
  g_assert_nonnull (tc_sip_message_get_to (response)->tag.str);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_to (response)->uri, "sip:alice@192.0.2.1"));
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_call_id (response), "bad-call"));
  g_assert_cmpuint (tc_sip_message_get_cseq (response)->seq, ==, 9);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_cseq (response)->method, "INVITE"));

  /* another version: 505 */
  inject (f, f->udp,
          g_strdup ("OPTIONS sip:alice@192.0.2.1 SIP/3.0\r\n"
                    "Via: SIP/3.0/UDP " PEER_IP ";branch=z9hG4bKv3\r\n"
                    "To: <sip:alice@192.0.2.1>;tag=existing\r\nFrom: <sip:b@x>;tag=b\r\n"
                    "Call-ID: v3\r\nCSeq: 1 OPTIONS\r\n\r\n"));
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpuint (tc_sip_message_get_status (last_sent (f)), ==, 505);
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_to (last_sent (f))->tag, "existing"));

  /* no Call-ID: nothing to answer with */
  inject (f, f->udp,
          g_strdup ("OPTIONS sip:alice@192.0.2.1 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP " PEER_IP ";branch=z9hG4bKnocid\r\n"
                    "Max-Forwards: x\r\nTo: <sip:alice@192.0.2.1>\r\nFrom: <sip:b@x>;tag=b\r\n"
                    "CSeq: 1 OPTIONS\r\n\r\n"));
  /* a bad ACK and a bad response are never answered */
  inject (f, f->udp,
          g_strdup ("ACK sip:alice@192.0.2.1 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP " PEER_IP ";branch=z9hG4bKack\r\n"
                    "Max-Forwards: x\r\nTo: <sip:alice@192.0.2.1>;tag=t\r\nFrom: <sip:b@x>;tag=b\r\n"
                    "Call-ID: ack\r\nCSeq: 1 ACK\r\n\r\n"));
  inject (f, f->udp,
          g_strdup ("SIP/2.0 200 OK\r\n"
                    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKresp\r\n"
                    "Max-Forwards: x\r\nTo: <sip:alice@192.0.2.1>;tag=t\r\nFrom: <sip:b@x>;tag=b\r\n"
                    "Call-ID: resp\r\nCSeq: 1 OPTIONS\r\n\r\n"));
  g_assert_cmpuint (n_sent (f), ==, 2);
  g_assert_cmpstr (f->log->str, ==, "");
}

static void
test_stateless (Fixture *f, gconstpointer data)
{
  g_autoptr (TcSipMessage) request = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) ack = our_request (f, "BYE", TC_SIP_TRANSPORT_UDP, NULL);
  TcSipTarget target;

  inject (f, f->udp, peer_request ("MESSAGE", "UDP", "z9hG4bKmsg", NULL, 1, NULL));
  request = tc_sip_message_ref (f->last_request);
  g_assert_true (tc_sip_transaction_layer_respond_stateless (f->layer, request, f->udp, 100, NULL, &error));
  g_assert_null (tc_sip_message_get_to (last_sent (f))->tag.str);
  g_assert_true (tc_sip_transaction_layer_respond_stateless (f->layer, request, f->udp, 415, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (tc_sip_message_get_to (last_sent (f))->tag.str);
  g_assert_true (tc_sip_fake_transport_get_sent (f->transport, 1)->flow == f->udp);

  target_udp (&target);
  g_assert_true (tc_sip_transaction_layer_send_stateless (f->layer, ack, &target, NULL, &error));
  g_assert_true (tc_sip_fake_transport_get_sent (f->transport, 2)->has_target);
  g_assert_true (tc_sip_transaction_layer_send_stateless (f->layer, ack, &target, f->tcp, &error));
  g_assert_true (tc_sip_fake_transport_get_sent (f->transport, 3)->flow == f->tcp);
  tc_sip_fake_transport_set_mode (f->transport, NULL, TC_SIP_FAKE_SEND_FAILED);
  g_assert_false (tc_sip_transaction_layer_send_stateless (f->layer, ack, &target, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpuint (tc_sip_transaction_layer_get_n_client_transactions (f->layer), ==, 0);
  tc_sip_target_clear (&target);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sip/transaction-layer/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("add-via", test_add_via);
  ADD ("client/match", test_client_match);
  ADD ("client/retransmit-udp", test_client_retransmit_udp);
  ADD ("client/no-retransmit-tcp", test_client_no_retransmit_tcp);
  ADD ("client/timeout", test_client_timeout);
  ADD ("client/pending-error", test_client_pending_error);
  ADD ("client/pending-done", test_client_pending_done);
  ADD ("client/failed-later", test_client_failed_later);
  ADD ("client/flow-closed", test_client_flow_closed);
  ADD ("client/over-flow", test_client_over_flow);
  ADD ("client/max-outstanding", test_client_max_outstanding);
  ADD ("server/new-request", test_server_new_request);
  ADD ("server/received-rport", test_server_received_rport);
  ADD ("server/held-after-layer", test_server_held_after_layer);
  ADD ("server/invite-trying", test_server_invite_trying);
  ADD ("server/ack-non-2xx", test_server_ack_non_2xx);
  ADD ("server/ack-2xx", test_server_ack_2xx);
  ADD ("server/rfc2543", test_server_rfc2543);
  ADD ("server/cancel", test_server_cancel);
  ADD ("server/cancel-final", test_server_cancel_final);
  ADD ("server/cancel-unknown", test_server_cancel_unknown);
  ADD ("server/merged", test_server_merged);
  ADD ("server/response-flow", test_server_response_flow);
  ADD ("server/salvage", test_server_salvage);
  ADD ("stateless", test_stateless);
#undef ADD
  return g_test_run ();
}
