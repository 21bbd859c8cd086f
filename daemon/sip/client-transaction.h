/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * client-transaction.h — TcSipClientTransaction: the RFC 3261 §17.1 client
 * transaction state machines, INVITE (Figure 5, with the RFC 6026
 * "Accepted" state) and non-INVITE (Figure 6), doing no I/O.
 *
 * A transaction is created with the request it sends (already carrying its
 * topmost Via and branch) and told, as inputs, of the responses the
 * transaction layer matched to it (§17.1.3) and of transport errors.  It
 * sends through a typed callback table (style.md B1, GStreamer's
 * RTPSessionCallbacks), reports responses, timeouts and its end to its
 * transaction user (TU), and runs Timers A, B, D, M (INVITE) and E, F, K
 * (non-INVITE) on an injected TcSipClock.  For a 3xx–6xx final response to
 * an INVITE it builds and sends the ACK itself (§17.1.1.3); the ACK for a
 * 2xx is the TU's (§13.2.2.4).
 */
#pragma once

#include <glib-object.h>

#include "sip/clock.h"
#include "sip/message.h"
#include "sip/timers.h"

G_BEGIN_DECLS

/**
 * TcSipClientTransactionState:
 * @TC_SIP_CLIENT_TRANSACTION_STATE_CALLING: INVITE only: the request is sent (Timer A retransmits it on
 *   unreliable transports) and no response has come; Timer B runs
 * @TC_SIP_CLIENT_TRANSACTION_STATE_TRYING: non-INVITE only: the request is sent (Timer E retransmits it on
 *   unreliable transports) and no response has come; Timer F runs
 * @TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING: a 1xx came; INVITE: no more retransmissions and no timeout;
 *   non-INVITE: Timer E retransmits every T2, Timer F still runs
 * @TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED: INVITE only: a 2xx came (RFC 6026 §8.4); further 2xx are
 *   passed to the TU until Timer M fires
 * @TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED: a final response came (INVITE: 3xx–6xx, acknowledged; Timer
 *   D absorbs retransmissions of it; non-INVITE: any final, Timer K)
 * @TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED: done; the transaction sends and reports nothing more
 *
 * The states of Figures 5 and 6 of RFC 3261 (and Figure 5 as RFC 6026
 * redraws it).
 */
typedef enum {
  TC_SIP_CLIENT_TRANSACTION_STATE_CALLING,
  TC_SIP_CLIENT_TRANSACTION_STATE_TRYING,
  TC_SIP_CLIENT_TRANSACTION_STATE_PROCEEDING,
  TC_SIP_CLIENT_TRANSACTION_STATE_ACCEPTED,
  TC_SIP_CLIENT_TRANSACTION_STATE_COMPLETED,
  TC_SIP_CLIENT_TRANSACTION_STATE_TERMINATED,
} TcSipClientTransactionState;

const char *tc_sip_client_transaction_state_to_string (TcSipClientTransactionState state);

typedef struct _TcSipClientTransaction TcSipClientTransaction;

/**
 * TcSipClientTransactionCallbacks:
 * @send: pass @message to the transport layer: the request (first sending
 *   or retransmission) or, for INVITE, the ACK for a 3xx–6xx (first sending
 *   or re-sending on a retransmitted final response)
 * @response: pass @response to the TU: every 1xx, the final response, and
 *   in the INVITE "Accepted" state every further 2xx (RFC 6026 §8.4).
 *   Retransmitted final responses in "Completed" are absorbed.
 * @timeout: Timer B (INVITE) or Timer F (non-INVITE) fired before a final
 *   response (§17.1.1.2, §17.1.2.2); the TU treats it as a 408.  The
 *   transaction then terminates.
 * @transport_error: the transport layer could not send (§17.1.4); the
 *   transaction then terminates
 * @terminated: the transaction entered the Terminated state; the owner drops it
 *
 * How a transaction reports to its owner.  Each callback may be NULL.
 * The transaction holds a reference on itself across every callback, so a
 * callback may drop the owner's reference.
 */
typedef struct {
  void (*send) (TcSipClientTransaction *transaction, TcSipMessage *message, gpointer user_data);
  void (*response) (TcSipClientTransaction *transaction, TcSipMessage *response, gpointer user_data);
  void (*timeout) (TcSipClientTransaction *transaction, gpointer user_data);
  void (*transport_error) (TcSipClientTransaction *transaction, const GError *error, gpointer user_data);
  void (*terminated) (TcSipClientTransaction *transaction, gpointer user_data);
} TcSipClientTransactionCallbacks;

#define TC_SIP_TYPE_CLIENT_TRANSACTION (tc_sip_client_transaction_get_type ())
GType tc_sip_client_transaction_get_type (void);

/* A client transaction for @request (INVITE: an INVITE client transaction;
 * any other method but ACK: a non-INVITE one), sent over a reliable
 * transport or not.  @timers NULL: the RFC 3261 defaults.  @callbacks is
 * copied.  It starts in Calling (INVITE) or Trying (others) and sends
 * nothing until tc_sip_client_transaction_start(). */
TcSipClientTransaction *tc_sip_client_transaction_new (TcSipMessage *request, gboolean reliable, TcSipClock *clock,
                                                       const TcSipTimerValues *timers,
                                                       const TcSipClientTransactionCallbacks *callbacks,
                                                       gpointer user_data);

TcSipClientTransaction *tc_sip_client_transaction_ref (TcSipClientTransaction *transaction);
/* Dropping the last reference cancels the timers; no callback runs. */
void tc_sip_client_transaction_unref (TcSipClientTransaction *transaction);

/* Sends the request and arms Timers A and B (INVITE) or E and F
 * (non-INVITE); A and E only on unreliable transports (§17.1.1.2,
 * §17.1.2.2).  Call once, after storing the transaction where the
 * callbacks can find it. */
void tc_sip_client_transaction_start (TcSipClientTransaction *transaction);

/* A response the transaction layer matched to this transaction (§17.1.3).
 * Returns FALSE, doing nothing, when its CSeq (number and method) is not
 * the request's, or once terminated; TRUE when the transaction took it,
 * whether it passed it up or absorbed it. */
gboolean tc_sip_client_transaction_receive_response (TcSipClientTransaction *transaction, TcSipMessage *response);

/* The transport layer failed to send a message of this transaction
 * (§17.1.4): the TU is told and the transaction terminates.  Ignored in
 * "Accepted" (the transaction sends nothing there) and once terminated. */
void tc_sip_client_transaction_transport_error (TcSipClientTransaction *transaction, const GError *error);

TcSipClientTransactionState tc_sip_client_transaction_get_state (const TcSipClientTransaction *transaction);
/* The request the transaction sends; borrowed.  NULL once a non-INVITE
 * transaction is Completed (it sends nothing more). */
TcSipMessage *tc_sip_client_transaction_get_request (const TcSipClientTransaction *transaction);
gboolean tc_sip_client_transaction_is_invite (const TcSipClientTransaction *transaction);
gboolean tc_sip_client_transaction_is_reliable (const TcSipClientTransaction *transaction);
/* The last response passed to the TU, or NULL; borrowed.  A non-INVITE
 * transaction keeps its final response only while passing it up: NULL
 * once Completed. */
TcSipMessage *tc_sip_client_transaction_get_last_response (const TcSipClientTransaction *transaction);

/* RFC 3261 §17.1.1.3: the ACK for a 3xx–6xx @response to @invite: the
 * INVITE's Request-URI, topmost Via, Route headers, From, Call-ID and CSeq
 * number (method ACK), the response's To (with its tag), Max-Forwards 70
 * and no body.  Fails with TC_SIP_ERROR_INVALID_ARGUMENT when the two do
 * not make a valid request. */
TcSipMessage *tc_sip_client_transaction_build_ack (TcSipMessage *invite, TcSipMessage *response, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipClientTransaction, tc_sip_client_transaction_unref)

G_END_DECLS
