/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * server-transaction.h — TcSipServerTransaction: the RFC 3261 §17.2 server
 * transaction state machines, INVITE (Figure 7, with the RFC 6026 "Accepted"
 * state) and non-INVITE (Figure 8), doing no I/O.
 *
 * A transaction is created with the request that started it and told, as
 * inputs, of retransmissions of that request (and, for INVITE, of ACKs),
 * of the responses its transaction user (TU) sends and of transport errors.
 * It sends through a typed callback table (style.md B1, GStreamer's
 * RTPSessionCallbacks) and runs Timers G, H, I, J and L, and the 200 ms
 * 100 (Trying) timer of §17.2.1, on an injected TcSipClock.  Matching a
 * received message to its transaction (§17.2.3) is the transaction layer's
 * business, and so is CANCEL (§9.2).
 */
#pragma once

#include <glib-object.h>

#include "sip/clock.h"
#include "sip/message.h"
#include "sip/timers.h"

G_BEGIN_DECLS

/**
 * TcSipServerTransactionState:
 * @TC_SIP_SERVER_TRANSACTION_STATE_TRYING: non-INVITE only: the request was received and the TU has not responded
 * @TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING: INVITE: from the start until a final response; non-INVITE: a 1xx was
 *   sent
 * @TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED: INVITE only: a 2xx was sent (RFC 6026 §8.7); Timer L runs
 * @TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED: a final response was sent (INVITE: 3xx–6xx, Timers G and H;
 *   non-INVITE: any final, Timer J)
 * @TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED: INVITE only: the ACK for a 3xx–6xx arrived; Timer I runs
 * @TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED: done; the transaction sends and reports nothing more
 *
 * The states of Figures 7 and 8 of RFC 3261 (and Figure 7 as RFC 6026
 * redraws it).
 */
typedef enum {
  TC_SIP_SERVER_TRANSACTION_STATE_TRYING,
  TC_SIP_SERVER_TRANSACTION_STATE_PROCEEDING,
  TC_SIP_SERVER_TRANSACTION_STATE_ACCEPTED,
  TC_SIP_SERVER_TRANSACTION_STATE_COMPLETED,
  TC_SIP_SERVER_TRANSACTION_STATE_CONFIRMED,
  TC_SIP_SERVER_TRANSACTION_STATE_TERMINATED,
} TcSipServerTransactionState;

const char *tc_sip_server_transaction_state_to_string (TcSipServerTransactionState state);

typedef struct _TcSipServerTransaction TcSipServerTransaction;

/**
 * TcSipServerTransactionCallbacks:
 * @send: pass @response to the transport layer (first sending or retransmission)
 * @request: pass @request to the TU: the request that started the transaction
 *   (from tc_sip_server_transaction_start()) and, in the INVITE "Accepted"
 *   state, each ACK for the 2xx (RFC 6026 §8.7).  Retransmissions of the
 *   request and the ACK for a 3xx–6xx are absorbed and never passed up.
 * @timeout: INVITE only: Timer H fired, no ACK came for the 3xx–6xx (§17.2.1);
 *   the transaction then terminates
 * @transport_error: sending failed (§17.2.4); the transaction then terminates
 * @terminated: the transaction entered the Terminated state; the owner drops it
 *
 * How a transaction reports to its owner.  Each callback may be NULL.
 * The transaction holds a reference on itself across every callback, so a
 * callback may drop the owner's reference.
 */
typedef struct {
  void (*send) (TcSipServerTransaction *transaction, TcSipMessage *response, gpointer user_data);
  void (*request) (TcSipServerTransaction *transaction, TcSipMessage *request, gpointer user_data);
  void (*timeout) (TcSipServerTransaction *transaction, gpointer user_data);
  void (*transport_error) (TcSipServerTransaction *transaction, const GError *error, gpointer user_data);
  void (*terminated) (TcSipServerTransaction *transaction, gpointer user_data);
} TcSipServerTransactionCallbacks;

#define TC_SIP_TYPE_SERVER_TRANSACTION (tc_sip_server_transaction_get_type ())
GType tc_sip_server_transaction_get_type (void);

/* A server transaction for @request (INVITE: an INVITE server transaction;
 * any other method but ACK: a non-INVITE one), received over a reliable
 * transport or not.  @timers NULL: the RFC 3261 defaults.  @callbacks is
 * copied.  It starts in Proceeding (INVITE) or Trying (others) and does
 * nothing until tc_sip_server_transaction_start(). */
TcSipServerTransaction *tc_sip_server_transaction_new (TcSipMessage *request, gboolean reliable, TcSipClock *clock,
                                                       const TcSipTimerValues *timers,
                                                       const TcSipServerTransactionCallbacks *callbacks,
                                                       gpointer user_data);

TcSipServerTransaction *tc_sip_server_transaction_ref (TcSipServerTransaction *transaction);
/* Dropping the last reference cancels the timers; no callback runs. */
void tc_sip_server_transaction_unref (TcSipServerTransaction *transaction);

/* Passes the request to the TU (the @request callback) and, for INVITE,
 * arms the 200 ms timer after which a 100 (Trying) is sent unless the TU
 * has responded (§17.2.1).  Call once, after storing the transaction where
 * the callbacks can find it. */
void tc_sip_server_transaction_start (TcSipServerTransaction *transaction);

/* A request the transaction layer matched to this transaction (§17.2.3): a
 * retransmission of the request or, for INVITE, an ACK. */
void tc_sip_server_transaction_receive_request (TcSipServerTransaction *transaction, TcSipMessage *request);

/* A response from the TU to send (tc_sip_message_builder_new_response_to()).
 * Returns FALSE, sending nothing, when the state does not take it: after a
 * final response (but for further 2xx to an INVITE, sent in Accepted), or
 * once terminated. */
gboolean tc_sip_server_transaction_respond (TcSipServerTransaction *transaction, TcSipMessage *response);

/* Its owner is done with it: the timers stop and no callback runs any more,
 * while others may still hold references (a TU keeping the request). */
void tc_sip_server_transaction_detach (TcSipServerTransaction *transaction);

/* The transport layer failed to send a response of this transaction. */
void tc_sip_server_transaction_transport_error (TcSipServerTransaction *transaction, const GError *error);

TcSipServerTransactionState tc_sip_server_transaction_get_state (const TcSipServerTransaction *transaction);
/* The request that created the transaction; borrowed. */
TcSipMessage *tc_sip_server_transaction_get_request (const TcSipServerTransaction *transaction);
gboolean tc_sip_server_transaction_is_invite (const TcSipServerTransaction *transaction);
gboolean tc_sip_server_transaction_is_reliable (const TcSipServerTransaction *transaction);
/* The last response sent, or NULL; borrowed. */
TcSipMessage *tc_sip_server_transaction_get_last_response (const TcSipServerTransaction *transaction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipServerTransaction, tc_sip_server_transaction_unref)

G_END_DECLS
