/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * client-transaction.c — TcSipClientTransaction: the INVITE (RFC 3261
 * §17.1.1, Figure 5, with RFC 6026 §8.4 "Accepted") and non-INVITE
 * (§17.1.2, Figure 6) client transaction state machines, as functions from
 * inputs (start, a response, a transport error, a timer) to actions (the
 * send, response, timeout, transport_error and terminated callbacks).  Time
 * comes from a TcSipClock; nothing here touches a socket.
 */
#include "sip/client-transaction.h"

#include "sip/builder.h"
#include "sip/debug.h"

struct _TcSipClientTransaction {
  gint ref_count;
  TcSipMessage *request;
  TcSipMessage *ack; /* INVITE: the ACK for the 3xx–6xx, once built */
  TcSipMessage *last_response;
  gboolean invite;
  gboolean reliable;
  TcSipClientTransactionState state;
  TcSipClock *clock;
  TcSipTimerValues timers;
  TcSipClientTransactionCallbacks callbacks;
  gpointer user_data;

  guint retransmit_timer; /* Timer A (INVITE) or Timer E (non-INVITE) */
  gint64 retransmit_interval;
  guint timeout_timer; /* Timer B (INVITE) or Timer F (non-INVITE) */
  guint wait_timer;    /* Timer D or M (INVITE) or Timer K (non-INVITE) */
};

G_DEFINE_BOXED_TYPE (TcSipClientTransaction, tc_sip_client_transaction, tc_sip_client_transaction_ref,
                     tc_sip_client_transaction_unref)

const char *
tc_sip_client_transaction_state_to_string (TcSipClientTransactionState state)
{
  switch (state)
    {
    case TC_SIP_CLIENT_TRANSACTION_STATE_CALLING:
      return "calling";
    case TC_SIP_CLIENT_TRANSACTION_STATE_TRYING:
      return "trying";
    case TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING:
      return "proceeding";
    case TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED:
      return "accepted";
    case TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED:
      return "completed";
    case TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED:
      return "terminated";
    }
  return "invalid";
}

static void
clear_timers (TcSipClientTransaction *self)
{
  tc_sip_clock_clear_timer (self->clock, &self->retransmit_timer);
  tc_sip_clock_clear_timer (self->clock, &self->timeout_timer);
  tc_sip_clock_clear_timer (self->clock, &self->wait_timer);
}

static void on_wait_timer (gpointer user_data);

/* Arms the timer that ends the "Completed" or "Accepted" state. */
static void
arm_wait_timer (TcSipClientTransaction *self, gint64 delay_us)
{
  tc_sip_clock_clear_timer (self->clock, &self->wait_timer);
  self->wait_timer = tc_sip_clock_add_timer (self->clock, delay_us, on_wait_timer, self);
}

/* The one place the state changes (style.md B5).  The caller holds a
 * reference, since the terminated callback may drop the owner's. */
static void
tc_sip_client_transaction_set_state (TcSipClientTransaction *self, TcSipClientTransactionState new_state)
{
  TcSipClientTransactionState old_state = self->state;

  if (new_state == old_state)
    return;

  tc_debug ("client transaction %p (%s): %s -> %s", (void *) self, self->invite ? "INVITE" : "non-INVITE",
            tc_sip_client_transaction_state_to_string (old_state),
            tc_sip_client_transaction_state_to_string (new_state));
#define EDGE(a, b) \
  (old_state == TC_SIP_CLIENT_TRANSACTION_STATE_##a && new_state == TC_SIP_CLIENT_TRANSACTION_STATE_##b)
  g_assert (/* Figure 5: 1xx */
            EDGE (CALLING, PROCEEDING) ||
            /* RFC 6026 Figure 5: 2xx */
            EDGE (CALLING, ACCEPTED) || EDGE (PROCEEDING, ACCEPTED) ||
            /* Figure 5: 3xx–6xx, ACK sent */
            EDGE (CALLING, COMPLETED) ||
            /* Figure 5: Timer B or a transport error */
            EDGE (CALLING, TERMINATED) ||
            /* Figure 6: 1xx */
            EDGE (TRYING, PROCEEDING) ||
            /* Figure 6: 200–699 */
            EDGE (TRYING, COMPLETED) ||
            /* Figure 6: Timer F or a transport error */
            EDGE (TRYING, TERMINATED) ||
            /* Figures 5 and 6: final response */
            EDGE (PROCEEDING, COMPLETED) ||
            /* Figure 6: Timer F; either: a transport error */
            EDGE (PROCEEDING, TERMINATED) ||
            /* RFC 6026: Timer M */
            EDGE (ACCEPTED, TERMINATED) ||
            /* Timer D, Timer K or a transport error sending the ACK */
            EDGE (COMPLETED, TERMINATED));
#undef EDGE
  self->state = new_state;

  switch (new_state)
    {
    case TC_SIP_CLIENT_TRANSACTION_STATE_CALLING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_TRYING:
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING:
      /* RFC 3261 §17.1.1.2: no INVITE retransmission in Proceeding, and
       * Timer B only runs in Calling (Figure 5); the TU ends a call that
       * rings forever (§13.3.1.1 Expires, CANCEL).  Non-INVITE keeps Timers
       * E and F (§17.1.2.2). */
      if (self->invite)
        {
          tc_sip_clock_clear_timer (self->clock, &self->retransmit_timer);
          tc_sip_clock_clear_timer (self->clock, &self->timeout_timer);
        }
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED:
      /* RFC 6026 §8.4: Timer M = 64*T1 absorbs 2xx retransmissions */
      clear_timers (self);
      arm_wait_timer (self, 64 * self->timers.t1);
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED:
      clear_timers (self);
      if (self->invite)
        /* RFC 3261 §17.1.1.2: Timer D, at least 32 s (and no less than the
         * server's Timer H, 64*T1) on unreliable transports, 0 on reliable */
        arm_wait_timer (self, self->reliable ? 0 : MAX (32 * G_TIME_SPAN_SECOND, 64 * self->timers.t1));
      else
        /* RFC 3261 §17.1.2.2: Timer K, T4 on unreliable transports, 0 on reliable */
        arm_wait_timer (self, self->reliable ? 0 : self->timers.t4);
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED:
      clear_timers (self);
      if (self->callbacks.terminated)
        self->callbacks.terminated (self, self->user_data);
      break;
    }
}

static void
send_message (TcSipClientTransaction *self, TcSipMessage *message)
{
  if (self->callbacks.send)
    self->callbacks.send (self, message, self->user_data);
}

static void
pass_response (TcSipClientTransaction *self, TcSipMessage *response)
{
  g_clear_pointer (&self->last_response, tc_sip_message_unref);
  self->last_response = tc_sip_message_ref (response);
  if (self->callbacks.response)
    self->callbacks.response (self, response, self->user_data);
  /* A non-INVITE transaction only absorbs retransmissions once Completed
   * (Timer K): it lets its messages go then, so that thousands of them (a
   * burst of REGISTERs) do not hold them for 5 s. */
  if (!self->invite && self->state == TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED)
    {
      g_clear_pointer (&self->last_response, tc_sip_message_unref);
      g_clear_pointer (&self->request, tc_sip_message_unref);
    }
}

static void
on_retransmit_timer (gpointer user_data)
{
  g_autoptr (TcSipClientTransaction) self = tc_sip_client_transaction_ref (user_data);

  self->retransmit_timer = 0;
  switch (self->state)
    {
    case TC_SIP_CLIENT_TRANSACTION_STATE_CALLING:
      /* RFC 3261 §17.1.1.2: Timer A doubles at each retransmission */
      self->retransmit_interval *= 2;
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_TRYING:
      /* RFC 3261 §17.1.2.2: Timer E doubles up to T2 */
      self->retransmit_interval = MIN (2 * self->retransmit_interval, self->timers.t2);
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING:
      /* RFC 3261 §17.1.2.2: in Proceeding, Timer E is reset to T2 (an
       * INVITE transaction cancelled its Timer A on entering Proceeding) */
      g_assert (!self->invite);
      self->retransmit_interval = self->timers.t2;
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED:
    case TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED:
    case TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED:
      g_assert_not_reached ();
    }
  self->retransmit_timer = tc_sip_clock_add_timer (self->clock, self->retransmit_interval, on_retransmit_timer, self);
  send_message (self, self->request);
}

static void
on_timeout_timer (gpointer user_data)
{
  g_autoptr (TcSipClientTransaction) self = tc_sip_client_transaction_ref (user_data);

  /* RFC 3261 §17.1.1.2 Timer B, §17.1.2.2 Timer F: tell the TU (408) */
  self->timeout_timer = 0;
  tc_debug ("client transaction %p: Timer %s fired", (void *) self, self->invite ? "B" : "F");
  if (self->callbacks.timeout)
    self->callbacks.timeout (self, self->user_data);
  tc_sip_client_transaction_set_state (self, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
}

static void
on_wait_timer (gpointer user_data)
{
  g_autoptr (TcSipClientTransaction) self = tc_sip_client_transaction_ref (user_data);

  /* Timer D or K (Completed), Timer M (Accepted) */
  self->wait_timer = 0;
  tc_sip_client_transaction_set_state (self, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
}

TcSipClientTransaction *
tc_sip_client_transaction_new (TcSipMessage *request, gboolean reliable, TcSipClock *clock,
                               const TcSipTimerValues *timers, const TcSipClientTransactionCallbacks *callbacks,
                               gpointer user_data)
{
  TcSipClientTransaction *self;
  TcSipMethod method;

  g_return_val_if_fail (request != NULL && tc_sip_message_is_request (request), NULL);
  g_return_val_if_fail (clock != NULL, NULL);
  method = tc_sip_message_get_method (request);
  /* RFC 3261 §17.1: an ACK has no client transaction */
  g_return_val_if_fail (method != TC_SIP_METHOD_ACK, NULL);

  self = g_new0 (TcSipClientTransaction, 1);
  self->ref_count = 1;
  self->request = tc_sip_message_ref (request);
  self->invite = method == TC_SIP_METHOD_INVITE;
  self->reliable = reliable;
  self->state = self->invite ? TC_SIP_CLIENT_TRANSACTION_STATE_CALLING : TC_SIP_CLIENT_TRANSACTION_STATE_TRYING;
  self->clock = tc_sip_clock_ref (clock);
  if (timers)
    self->timers = *timers;
  else
    tc_sip_timer_values_init (&self->timers);
  if (callbacks)
    self->callbacks = *callbacks;
  self->user_data = user_data;
  return self;
}

TcSipClientTransaction *
tc_sip_client_transaction_ref (TcSipClientTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  transaction->ref_count++;
  return transaction;
}

void
tc_sip_client_transaction_unref (TcSipClientTransaction *transaction)
{
  g_return_if_fail (transaction != NULL);
  if (--transaction->ref_count > 0)
    return;
  clear_timers (transaction);
  tc_sip_clock_unref (transaction->clock);
  g_clear_pointer (&transaction->request, tc_sip_message_unref);
  g_clear_pointer (&transaction->ack, tc_sip_message_unref);
  g_clear_pointer (&transaction->last_response, tc_sip_message_unref);
  g_free (transaction);
}

void
tc_sip_client_transaction_start (TcSipClientTransaction *transaction)
{
  g_autoptr (TcSipClientTransaction) self = tc_sip_client_transaction_ref (transaction);

  g_return_if_fail (self->state == TC_SIP_CLIENT_TRANSACTION_STATE_CALLING ||
                    self->state == TC_SIP_CLIENT_TRANSACTION_STATE_TRYING);
  g_return_if_fail (self->timeout_timer == 0);

  /* RFC 3261 §17.1.1.2 (Timers A, B), §17.1.2.2 (Timers E, F): the
   * retransmission timer starts at T1 and runs on unreliable transports
   * only; the timeout is 64*T1 on any transport */
  if (!self->reliable)
    {
      self->retransmit_interval = self->timers.t1;
      self->retransmit_timer =
        tc_sip_clock_add_timer (self->clock, self->retransmit_interval, on_retransmit_timer, self);
    }
  self->timeout_timer = tc_sip_clock_add_timer (self->clock, 64 * self->timers.t1, on_timeout_timer, self);
  send_message (self, self->request);
}

/* RFC 3261 §17.1.1.3: send the ACK for a 3xx–6xx, built once. */
static void
send_ack (TcSipClientTransaction *self, TcSipMessage *response)
{
  g_autoptr (GError) error = NULL;

  if (!self->ack)
    self->ack = tc_sip_client_transaction_build_ack (self->request, response, &error);
  if (!self->ack)
    {
      /* Both messages were parsed, so this does not happen; should it, the
       * server's Timer H ends its side (§17.2.1) */
      tc_debug ("client transaction %p: cannot build the ACK: %s", (void *) self, error->message);
      return;
    }
  send_message (self, self->ack);
}

static void
receive_invite_response (TcSipClientTransaction *self, TcSipMessage *response, guint status)
{
  switch (self->state)
    {
    case TC_SIP_CLIENT_TRANSACTION_STATE_CALLING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING:
      if (status < 200)
        tc_sip_client_transaction_set_state (self, TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING);
      else if (status < 300)
        /* RFC 6026 §8.4: a 2xx moves to Accepted; the TU sends its ACK */
        tc_sip_client_transaction_set_state (self, TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED);
      else
        {
          /* RFC 3261 §17.1.1.2: 300–699: response to the TU, ACK (unless
           * the TU ended the transaction in the meantime) */
          tc_sip_client_transaction_set_state (self, TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
          pass_response (self, response);
          if (self->state == TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED)
            send_ack (self, response);
          break;
        }
      pass_response (self, response);
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED:
      /* RFC 6026 §8.4: each 2xx (a retransmission, or another fork's) goes
       * to the TU; anything else is absorbed */
      if (status >= 200 && status < 300)
        pass_response (self, response);
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED:
      /* RFC 3261 §17.1.1.2: a retransmitted final response is ACKed again
       * and not passed up */
      if (status >= 300)
        send_ack (self, response);
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_TRYING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED:
      g_assert_not_reached ();
    }
}

static void
receive_non_invite_response (TcSipClientTransaction *self, TcSipMessage *response, guint status)
{
  switch (self->state)
    {
    case TC_SIP_CLIENT_TRANSACTION_STATE_TRYING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING:
      /* RFC 3261 §17.1.2.2: 1xx to Proceeding, 200–699 to Completed; all
       * passed up */
      tc_sip_client_transaction_set_state (self, status < 200 ? TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING
                                                              : TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED);
      pass_response (self, response);
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED:
      /* RFC 3261 §17.1.2.2: Completed buffers response retransmissions */
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_CALLING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED:
    case TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED:
      g_assert_not_reached ();
    }
}

gboolean
tc_sip_client_transaction_receive_response (TcSipClientTransaction *transaction, TcSipMessage *response)
{
  g_autoptr (TcSipClientTransaction) self = NULL;
  const TcSipCSeq *request_cseq, *cseq;
  TcSipStr method;
  guint status;

  g_return_val_if_fail (transaction != NULL, FALSE);
  g_return_val_if_fail (response != NULL && !tc_sip_message_is_request (response), FALSE);

  if (transaction->state == TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED)
    return FALSE;

  /* Completed non-INVITE, its request let go: whatever matched the
   * branch is a retransmission to absorb (RFC 3261 §17.1.2.2) */
  if (!transaction->request)
    return TRUE;
  /* RFC 3261 §17.1.3: the CSeq method must be the request's (a CANCEL's
   * response is not the INVITE's); the branch is the layer's to check */
  request_cseq = tc_sip_message_get_cseq (transaction->request);
  cseq = tc_sip_message_get_cseq (response);
  method = request_cseq->method;
  if (cseq->seq != request_cseq->seq || cseq->method.len != method.len ||
      memcmp (cseq->method.str, method.str, method.len) != 0)
    {
      tc_debug ("client transaction %p: ignoring a response with CSeq %u %.*s", (void *) transaction, cseq->seq,
                (int) cseq->method.len, cseq->method.str);
      return FALSE;
    }

  self = tc_sip_client_transaction_ref (transaction);
  status = tc_sip_message_get_status (response);
  if (self->invite)
    receive_invite_response (self, response, status);
  else
    receive_non_invite_response (self, response, status);
  return TRUE;
}

void
tc_sip_client_transaction_transport_error (TcSipClientTransaction *transaction, const GError *error)
{
  g_autoptr (TcSipClientTransaction) self = NULL;

  g_return_if_fail (transaction != NULL);
  g_return_if_fail (error != NULL);

  switch (transaction->state)
    {
    case TC_SIP_CLIENT_TRANSACTION_STATE_CALLING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_TRYING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING:
    case TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED:
      /* RFC 3261 §17.1.4: inform the TU, then Terminated (Figures 5, 6) */
      self = tc_sip_client_transaction_ref (transaction);
      tc_debug ("client transaction %p: transport error: %s", (void *) self, error->message);
      if (self->callbacks.transport_error)
        self->callbacks.transport_error (self, error, self->user_data);
      tc_sip_client_transaction_set_state (self, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
      break;
    case TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED:
      /* RFC 6026 §8.4: nothing is sent in Accepted (the 2xx ACK is the TU's) */
    case TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED:
      break;
    }
}

TcSipClientTransactionState
tc_sip_client_transaction_get_state (const TcSipClientTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED);
  return transaction->state;
}

TcSipMessage *
tc_sip_client_transaction_get_request (const TcSipClientTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  return transaction->request;
}

gboolean
tc_sip_client_transaction_is_invite (const TcSipClientTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, FALSE);
  return transaction->invite;
}

gboolean
tc_sip_client_transaction_is_reliable (const TcSipClientTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, FALSE);
  return transaction->reliable;
}

TcSipMessage *
tc_sip_client_transaction_get_last_response (const TcSipClientTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  return transaction->last_response;
}

/* A header value as a C string for the builder: folded line breaks
 * (RFC 3261 §7.3.1) become spaces, which is the LWS they stand for. */
static char *
unfold (TcSipStr value)
{
  char *s = value.str ? tc_sip_str_dup (value) : g_strdup ("");
  char *p;

  for (p = s; *p; p++)
    if (*p == '\r' || *p == '\n')
      *p = ' ';
  return s;
}

static void
copy_header (TcSipMessageBuilder *builder, const char *name, TcSipStr value)
{
  g_autofree char *text = unfold (value);

  tc_sip_message_builder_add_header (builder, name, text);
}

/* The raw value of the first header of @id (the parser made sure From and
 * To are there: RFC 3261 §8.1.1). */
static TcSipStr
first_header_value (TcSipMessage *msg, TcSipHeaderId id)
{
  gint i = tc_sip_message_find_header (msg, id, 0);

  return i >= 0 ? tc_sip_message_get_header (msg, i)->value : TC_SIP_STR_NULL;
}

TcSipMessage *
tc_sip_client_transaction_build_ack (TcSipMessage *invite, TcSipMessage *response, GError **error)
{
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  g_autofree char *request_uri = NULL;
  const TcSipHeader *header;
  TcSipListIter iter;
  TcSipStr top_via;
  gint i;

  g_return_val_if_fail (invite != NULL && tc_sip_message_get_method (invite) == TC_SIP_METHOD_INVITE, NULL);
  g_return_val_if_fail (response != NULL && tc_sip_message_get_status (response) >= 300, NULL);

  request_uri = tc_sip_str_dup (tc_sip_message_get_request_uri_text (invite));
  builder = tc_sip_message_builder_new_request ("ACK", request_uri);

  /* RFC 3261 §17.1.1.3: only the topmost Via of the request: the first
   * element of the first Via header */
  i = tc_sip_message_find_header (invite, TC_SIP_HEADER_VIA, 0);
  g_return_val_if_fail (i >= 0, NULL);
  header = tc_sip_message_get_header (invite, i);
  tc_sip_list_iter_init (&iter, header->value);
  if (!tc_sip_list_iter_next (&iter, &top_via))
    top_via = header->value;
  copy_header (builder, "Via", top_via);

  /* RFC 3261 §17.1.1.3: the Route header fields of the request, in order */
  for (i = tc_sip_message_find_header (invite, TC_SIP_HEADER_ROUTE, 0); i >= 0;
       i = tc_sip_message_find_header (invite, TC_SIP_HEADER_ROUTE, i + 1))
    copy_header (builder, "Route", tc_sip_message_get_header (invite, i)->value);

  /* RFC 3261 §8.1.1.6 */
  tc_sip_message_builder_add_header (builder, "Max-Forwards", "70");
  copy_header (builder, "From", first_header_value (invite, TC_SIP_HEADER_FROM));
  /* RFC 3261 §17.1.1.3: To from the response, with the tag it added */
  copy_header (builder, "To", first_header_value (response, TC_SIP_HEADER_TO));
  copy_header (builder, "Call-ID", tc_sip_message_get_call_id (invite));
  /* RFC 3261 §17.1.1.3: the CSeq number of the request, method ACK */
  tc_sip_message_builder_add_header_printf (builder, "CSeq", "%u ACK", tc_sip_message_get_cseq (invite)->seq);

  return tc_sip_message_builder_end (g_steal_pointer (&builder), error);
}
