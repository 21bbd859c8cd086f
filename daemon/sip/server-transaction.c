/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * server-transaction.c — the RFC 3261 §17.2 server transactions, as input →
 * action machines on an injected clock (style.md B5; libre's strans.c).
 *
 * INVITE (§17.2.1, Figure 7, with RFC 6026 §7.1/§8.7): Proceeding sends a
 * 100 (Trying) when the TU has not responded within 200 ms and resends the
 * last provisional response on each retransmitted INVITE; a 2xx from the TU
 * leads to Accepted, where Timer L (64*T1) runs, retransmitted INVITEs are
 * absorbed, ACKs go to the TU and further 2xx from the TU are sent; a
 * 3xx–6xx leads to Completed, where Timer G retransmits it (unreliable
 * transports only, T1 doubling up to T2), Timer H (64*T1) gives up waiting
 * for the ACK, and the ACK leads to Confirmed, which absorbs ACKs for Timer
 * I (T4 unreliable, zero reliable).  Non-INVITE (§17.2.2, Figure 8): Trying
 * absorbs retransmissions; a 1xx leads to Proceeding, which resends the last
 * provisional on each retransmission; a final response leads to Completed,
 * which resends it on each retransmission for Timer J (64*T1 unreliable,
 * zero reliable).  A transport error (§17.2.4) is reported to the TU and
 * terminates the transaction.
 */
#include "sip/server-transaction.h"

#include <string.h>

#include "sip/builder.h"
#include "sip/debug.h"

/* RFC 3261 §17.2.1: a 100 (Trying) goes out unless the TU answers within 200 ms. */
#define TRYING_DELAY (200 * G_TIME_SPAN_MILLISECOND)

struct _TcSipServerTransaction {
  gint ref_count;
  TcSipMessage *request;
  char *id; /* "branch METHOD", for logs */
  gboolean invite;
  gboolean reliable;
  gboolean started;
  TcSipClock *clock;
  TcSipTimerValues timers;
  TcSipServerTransactionCallbacks callbacks;
  gpointer user_data;

  TcSipServerTransactionState state;
  TcSipMessage *last_response; /* resent on request retransmissions and by Timer G */
  gint64 timer_g_interval;

  guint trying_timer; /* §17.2.1 200 ms 100 (Trying) timer */
  guint timer_g;      /* INVITE response retransmit interval */
  guint timer_h;      /* wait time for ACK receipt */
  guint timer_i;      /* wait time for ACK retransmits */
  guint timer_j;      /* wait time for non-INVITE request retransmits */
  guint timer_l;      /* RFC 6026: wait time for accepted INVITE request retransmits */
};

G_DEFINE_BOXED_TYPE (TcSipServerTransaction, tc_sip_server_transaction, tc_sip_server_transaction_ref,
                     tc_sip_server_transaction_unref)

const char *
tc_sip_server_transaction_state_to_string (TcSipServerTransactionState state)
{
  switch (state)
    {
    case TC_SIP_SERVER_TRANSACTION_STATE_TRYING:
      return "trying";
    case TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING:
      return "proceeding";
    case TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED:
      return "accepted";
    case TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED:
      return "completed";
    case TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED:
      return "confirmed";
    case TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED:
      return "terminated";
    }
  g_return_val_if_reached ("invalid");
}

static void
clear_timers (TcSipServerTransaction *self)
{
  tc_sip_clock_clear_timer (self->clock, &self->trying_timer);
  tc_sip_clock_clear_timer (self->clock, &self->timer_g);
  tc_sip_clock_clear_timer (self->clock, &self->timer_h);
  tc_sip_clock_clear_timer (self->clock, &self->timer_i);
  tc_sip_clock_clear_timer (self->clock, &self->timer_j);
  tc_sip_clock_clear_timer (self->clock, &self->timer_l);
}

static void
send_last_response (TcSipServerTransaction *self)
{
  /* a callback may replace last_response (a further 2xx from the TU) */
  g_autoptr (TcSipMessage) response = tc_sip_message_ref (self->last_response);

  if (self->callbacks.send)
    self->callbacks.send (self, response, self->user_data);
}

static void
set_last_response (TcSipServerTransaction *self, TcSipMessage *response)
{
  tc_sip_message_ref (response);
  g_clear_pointer (&self->last_response, tc_sip_message_unref);
  self->last_response = response;
}

/* The timer callbacks enter states and set_state() arms them. */
static void set_state (TcSipServerTransaction *self, TcSipServerTransactionState new_state);

static void
on_timer_g (gpointer user_data)
{
  g_autoptr (TcSipServerTransaction) self = tc_sip_server_transaction_ref (user_data);

  /* RFC 3261 §17.2.1: resend, and set Timer G to MIN (2 * previous, T2) */
  self->timer_g_interval = MIN (2 * self->timer_g_interval, self->timers.t2);
  self->timer_g = tc_sip_clock_add_timer (self->clock, self->timer_g_interval, on_timer_g, self);
  tc_debug ("server transaction %s: Timer G fired, retransmitting %u", self->id,
            tc_sip_message_get_status (self->last_response));
  send_last_response (self);
}

static void
on_timer_h (gpointer user_data)
{
  g_autoptr (TcSipServerTransaction) self = tc_sip_server_transaction_ref (user_data);

  /* RFC 3261 §17.2.1: no ACK came; tell the TU, then terminate */
  self->timer_h = 0;
  tc_debug ("server transaction %s: Timer H fired, no ACK", self->id);
  if (self->callbacks.timeout)
    self->callbacks.timeout (self, self->user_data);
  set_state (self, TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED);
}

/* Timers I, J and L end their state: the transaction terminates. */
static void
on_timer_end (gpointer user_data)
{
  g_autoptr (TcSipServerTransaction) self = tc_sip_server_transaction_ref (user_data);

  self->timer_i = self->timer_j = self->timer_l = 0;
  set_state (self, TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED);
}

static void
set_state (TcSipServerTransaction *self, TcSipServerTransactionState new_state)
{
  TcSipServerTransactionState old_state = self->state;
  gint64 t1 = self->timers.t1;

  if (new_state == old_state)
    return;

  tc_debug ("server transaction %s: %s -> %s", self->id, tc_sip_server_transaction_state_to_string (old_state),
            tc_sip_server_transaction_state_to_string (new_state));
#define EDGE(a, b) \
  (old_state == TC_SIP_SERVER_TRANSACTION_STATE_##a && new_state == TC_SIP_SERVER_TRANSACTION_STATE_##b)
  g_assert (self->invite ? (EDGE (PROCEEDING, ACCEPTED)      /* 2xx from TU (RFC 6026) */
                            || EDGE (PROCEEDING, COMPLETED)  /* 300-699 from TU */
                            || EDGE (PROCEEDING, TERMINATED) /* transport error */
                            || EDGE (ACCEPTED, TERMINATED)   /* Timer L, transport error */
                            || EDGE (COMPLETED, CONFIRMED)   /* ACK */
                            || EDGE (COMPLETED, TERMINATED)  /* Timer H, transport error */
                            || EDGE (CONFIRMED, TERMINATED)) /* Timer I */
                         : (EDGE (TRYING, PROCEEDING)        /* 1xx from TU */
                            || EDGE (TRYING, COMPLETED)      /* 200-699 from TU */
                            || EDGE (PROCEEDING, COMPLETED)  /* 200-699 from TU */
                            || EDGE (PROCEEDING, TERMINATED) /* transport error */
                            || EDGE (COMPLETED, TERMINATED)  /* Timer J, transport error */
                            ));
#undef EDGE
  self->state = new_state;

  switch (new_state)
    {
    case TC_SIP_SERVER_TRANSACTION_STATE_TRYING:
    case TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING:
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED:
      /* RFC 6026 §8.7: Timer L = 64*T1; the TU retransmits the 2xx itself */
      tc_sip_clock_clear_timer (self->clock, &self->trying_timer);
      self->timer_l = tc_sip_clock_add_timer (self->clock, 64 * t1, on_timer_end, self);
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED:
      tc_sip_clock_clear_timer (self->clock, &self->trying_timer);
      if (self->invite)
        {
          /* RFC 3261 §17.2.1: Timer G = T1 on unreliable transports only;
           * Timer H = 64*T1 on all */
          if (!self->reliable)
            {
              self->timer_g_interval = t1;
              self->timer_g = tc_sip_clock_add_timer (self->clock, t1, on_timer_g, self);
            }
          self->timer_h = tc_sip_clock_add_timer (self->clock, 64 * t1, on_timer_h, self);
        }
      else
        {
          /* RFC 3261 §17.2.2: Timer J = 64*T1 unreliable, zero reliable */
          self->timer_j = tc_sip_clock_add_timer (self->clock, self->reliable ? 0 : 64 * t1, on_timer_end, self);
        }
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED:
      /* RFC 3261 §17.2.1: stop G and H; Timer I = T4 unreliable, zero reliable */
      tc_sip_clock_clear_timer (self->clock, &self->timer_g);
      tc_sip_clock_clear_timer (self->clock, &self->timer_h);
      self->timer_i = tc_sip_clock_add_timer (self->clock, self->reliable ? 0 : self->timers.t4, on_timer_end, self);
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED:
      clear_timers (self);
      break;
    }

  if (new_state == TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED && self->callbacks.terminated)
    self->callbacks.terminated (self, self->user_data);
}

static void
on_trying_timer (gpointer user_data)
{
  g_autoptr (TcSipServerTransaction) self = tc_sip_server_transaction_ref (user_data);
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  g_autoptr (TcSipMessage) trying = NULL;
  g_autoptr (GError) error = NULL;
  TcSipStr timestamp;

  self->trying_timer = 0;
  /* RFC 3261 §8.2.6.1: a 100 (Trying) copies Timestamp and adds no To tag */
  builder = tc_sip_message_builder_new_response_to (self->request, 100, NULL, NULL);
  timestamp = tc_sip_message_get_header_value (self->request, "Timestamp");
  if (tc_sip_str_is_set (timestamp))
    {
      g_autofree char *value = tc_sip_str_dup (timestamp);

      tc_sip_message_builder_add_header (builder, "Timestamp", value);
    }
  trying = tc_sip_message_builder_end (g_steal_pointer (&builder), &error);
  if (!trying)
    {
      /* the request's own headers were valid when it was parsed */
      g_warning ("server transaction %s: cannot build 100 (Trying): %s", self->id, error->message);
      return;
    }
  tc_debug ("server transaction %s: no response from the TU within 200 ms, sending 100", self->id);
  set_last_response (self, trying);
  send_last_response (self);
}

TcSipServerTransaction *
tc_sip_server_transaction_new (TcSipMessage *request, gboolean reliable, TcSipClock *clock,
                               const TcSipTimerValues *timers, const TcSipServerTransactionCallbacks *callbacks,
                               gpointer user_data)
{
  TcSipServerTransaction *self;
  TcSipMethod method;
  TcSipStr method_name;
  TcSipStr branch = TC_SIP_STR_NULL;

  g_return_val_if_fail (request != NULL && tc_sip_message_is_request (request), NULL);
  g_return_val_if_fail (clock != NULL, NULL);
  g_return_val_if_fail (callbacks != NULL, NULL);
  method = tc_sip_message_get_method (request);
  g_return_val_if_fail (method != TC_SIP_METHOD_ACK, NULL);

  self = g_new0 (TcSipServerTransaction, 1);
  self->ref_count = 1;
  self->request = tc_sip_message_ref (request);
  self->invite = method == TC_SIP_METHOD_INVITE;
  self->reliable = reliable;
  self->clock = tc_sip_clock_ref (clock);
  if (timers)
    self->timers = *timers;
  else
    tc_sip_timer_values_init (&self->timers);
  self->callbacks = *callbacks;
  self->user_data = user_data;
  /* RFC 3261 Figures 7 and 8: the initial states */
  self->state = self->invite ? TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING : TC_SIP_SERVER_TRANSACTION_STATE_TRYING;

  if (tc_sip_message_get_n_vias (request) > 0)
    branch = tc_sip_message_get_via (request, 0)->branch;
  if (!tc_sip_str_is_set (branch))
    branch = tc_sip_message_get_call_id (request);
  method_name = tc_sip_message_get_method_name (request);
  self->id = g_strdup_printf ("%.*s %.*s", (int) branch.len, branch.str ? branch.str : "", (int) method_name.len,
                              method_name.str);
  return self;
}

TcSipServerTransaction *
tc_sip_server_transaction_ref (TcSipServerTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  transaction->ref_count++;
  return transaction;
}

void
tc_sip_server_transaction_unref (TcSipServerTransaction *transaction)
{
  g_return_if_fail (transaction != NULL);
  if (--transaction->ref_count > 0)
    return;
  clear_timers (transaction);
  g_clear_pointer (&transaction->last_response, tc_sip_message_unref);
  tc_sip_message_unref (transaction->request);
  tc_sip_clock_unref (transaction->clock);
  g_free (transaction->id);
  g_free (transaction);
}

void
tc_sip_server_transaction_detach (TcSipServerTransaction *transaction)
{
  g_return_if_fail (transaction != NULL);

  clear_timers (transaction);
  memset (&transaction->callbacks, 0, sizeof transaction->callbacks);
  transaction->user_data = NULL;
}

void
tc_sip_server_transaction_start (TcSipServerTransaction *transaction)
{
  g_autoptr (TcSipServerTransaction) self = NULL;

  g_return_if_fail (transaction != NULL);
  g_return_if_fail (!transaction->started);

  self = tc_sip_server_transaction_ref (transaction);
  self->started = TRUE;
  /* arm the 100 (Trying) timer first: the TU may answer from the callback */
  if (self->invite)
    self->trying_timer = tc_sip_clock_add_timer (self->clock, TRYING_DELAY, on_trying_timer, self);
  if (self->callbacks.request)
    self->callbacks.request (self, self->request, self->user_data);
}

static void
receive_ack (TcSipServerTransaction *self, TcSipMessage *ack)
{
  switch (self->state)
    {
    case TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED:
      /* RFC 3261 §17.2.1: the ACK for the 3xx-6xx, absorbed */
      set_state (self, TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED);
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED:
      /* RFC 6026 §8.7: an ACK for the 2xx goes to the TU, not absorbed */
      if (self->callbacks.request)
        self->callbacks.request (self, ack, self->user_data);
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED:
      /* RFC 3261 §17.2.1: Confirmed exists to absorb retransmitted ACKs */
    case TC_SIP_SERVER_TRANSACTION_STATE_TRYING:
    case TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING:
      /* no final response was sent: nothing to acknowledge */
    case TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED:
      tc_debug ("server transaction %s: ACK absorbed in %s", self->id,
                tc_sip_server_transaction_state_to_string (self->state));
      break;
    }
}

void
tc_sip_server_transaction_receive_request (TcSipServerTransaction *transaction, TcSipMessage *request)
{
  g_autoptr (TcSipServerTransaction) self = NULL;
  TcSipStr method, own_method;

  g_return_if_fail (transaction != NULL);
  g_return_if_fail (request != NULL && tc_sip_message_is_request (request));

  self = tc_sip_server_transaction_ref (transaction);
  if (self->invite && tc_sip_message_get_method (request) == TC_SIP_METHOD_ACK)
    {
      receive_ack (self, request);
      return;
    }

  method = tc_sip_message_get_method_name (request);
  own_method = tc_sip_message_get_method_name (self->request);
  if (method.len != own_method.len || memcmp (method.str, own_method.str, method.len) != 0)
    {
      tc_debug ("server transaction %s: ignoring a %.*s", self->id, (int) method.len, method.str);
      return;
    }

  /* a retransmission of the request */
  switch (self->state)
    {
    case TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING:
      /* RFC 3261 §17.2.1, §17.2.2: resend the most recent provisional, if any */
    case TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED:
      /* RFC 3261 §17.2.1, §17.2.2: resend the final response */
      if (self->last_response)
        {
          tc_debug ("server transaction %s: retransmission in %s, resending %u", self->id,
                    tc_sip_server_transaction_state_to_string (self->state),
                    tc_sip_message_get_status (self->last_response));
          send_last_response (self);
        }
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_TRYING:
      /* RFC 3261 §17.2.2: discarded */
    case TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED:
      /* RFC 6026 §8.7: not passed to the TU */
    case TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED:
    case TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED:
      tc_debug ("server transaction %s: retransmission absorbed in %s", self->id,
                tc_sip_server_transaction_state_to_string (self->state));
      break;
    }
}

gboolean
tc_sip_server_transaction_respond (TcSipServerTransaction *transaction, TcSipMessage *response)
{
  g_autoptr (TcSipServerTransaction) self = NULL;
  guint status;

  g_return_val_if_fail (transaction != NULL, FALSE);
  g_return_val_if_fail (response != NULL && !tc_sip_message_is_request (response), FALSE);
  status = tc_sip_message_get_status (response);
  g_return_val_if_fail (status >= 100 && status <= 699, FALSE);

  self = tc_sip_server_transaction_ref (transaction);
  switch (self->state)
    {
    case TC_SIP_SERVER_TRANSACTION_STATE_TRYING:
    case TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING:
      /* the TU answered: no automatic 100 (Trying) any more (§17.2.1) */
      tc_sip_clock_clear_timer (self->clock, &self->trying_timer);
      set_last_response (self, response);
      /* enter the state before sending, so that a transport error
       * reported from the send callback finds it */
      if (status < 200)
        set_state (self, TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING);
      else if (self->invite && status < 300)
        set_state (self, TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED);
      else
        set_state (self, TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED);
      send_last_response (self);
      return TRUE;
    case TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED:
      /* RFC 6026 §8.7: 2xx retransmissions from the TU are sent */
      if (status >= 200 && status < 300)
        {
          set_last_response (self, response);
          send_last_response (self);
          return TRUE;
        }
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED:
    case TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED:
    case TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED:
      break;
    }
  tc_debug ("server transaction %s: %u from the TU refused in %s", self->id, status,
            tc_sip_server_transaction_state_to_string (self->state));
  return FALSE;
}

void
tc_sip_server_transaction_transport_error (TcSipServerTransaction *transaction, const GError *error)
{
  g_autoptr (TcSipServerTransaction) self = NULL;

  g_return_if_fail (transaction != NULL);
  g_return_if_fail (error != NULL);

  self = tc_sip_server_transaction_ref (transaction);
  switch (self->state)
    {
    case TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING:
    case TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED:
    case TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED:
      /* RFC 3261 §17.2.4, Figures 7 and 8: inform the TU, terminate */
      tc_debug ("server transaction %s: transport error in %s: %s", self->id,
                tc_sip_server_transaction_state_to_string (self->state), error->message);
      if (self->callbacks.transport_error)
        self->callbacks.transport_error (self, error, self->user_data);
      set_state (self, TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED);
      break;
    case TC_SIP_SERVER_TRANSACTION_STATE_TRYING:
    case TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED:
    case TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED:
      /* nothing of ours is being sent in these states */
      tc_debug ("server transaction %s: transport error ignored in %s: %s", self->id,
                tc_sip_server_transaction_state_to_string (self->state), error->message);
      break;
    }
}

TcSipServerTransactionState
tc_sip_server_transaction_get_state (const TcSipServerTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED);
  return transaction->state;
}

TcSipMessage *
tc_sip_server_transaction_get_request (const TcSipServerTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  return transaction->request;
}

gboolean
tc_sip_server_transaction_is_invite (const TcSipServerTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, FALSE);
  return transaction->invite;
}

gboolean
tc_sip_server_transaction_is_reliable (const TcSipServerTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, FALSE);
  return transaction->reliable;
}

TcSipMessage *
tc_sip_server_transaction_get_last_response (const TcSipServerTransaction *transaction)
{
  g_return_val_if_fail (transaction != NULL, NULL);
  return transaction->last_response;
}
