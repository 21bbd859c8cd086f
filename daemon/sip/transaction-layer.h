/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transaction-layer.h — TcSipTransactionLayer: the RFC 3261 §17 transaction
 * layer between a TcSipTransport and the transaction user (TU, the UA core
 * in stack.h).
 *
 * It owns the client and server transactions (client-transaction.h,
 * server-transaction.h) and
 *  - matches responses to client transactions (§17.1.3: branch + sent-by +
 *    CSeq method) and requests to server transactions (§17.2.3: the
 *    z9hG4bK branch + sent-by + method, ACK matching the INVITE; the RFC
 *    2543 fallback on Request-URI, To tag, From tag, Call-ID, CSeq and
 *    top Via for branches without the magic cookie);
 *  - creates a server transaction for each new request but ACK and hands
 *    it to the TU; absorbs retransmissions;
 *  - matches CANCEL to the INVITE it cancels (§9.2) and answers the CANCEL
 *    itself (200, or 481 when nothing matches);
 *  - detects merged requests (§8.2.2.2) and answers 482;
 *  - answers a request that did not parse but whose Via, From, To, Call-ID
 *    and CSeq could be salvaged (salvage.h) with the parse error's status
 *    (400, 505, 513, 416…) and message as reason phrase; drops what cannot
 *    be answered, and never answers an ACK or a response;
 *  - passes responses that match no transaction (a 2xx retransmission or a
 *    forked 2xx after the INVITE transaction ended) to the TU, which ACKs
 *    them (§13.2.2.4, §17.1.1.2);
 *  - sends responses per §18.2.2: over the request's flow (for UDP, to the
 *    received/rport source); when that flow has closed, to the top Via's
 *    received (or sent-by) address, at its rport (UDP) or sent-by port,
 *    through tc_sip_transport_send() — IP addresses only: a sent-by host
 *    name is not resolved (RFC 3263 §5) and the response fails;
 *  - sends requests to a TcSipTarget or over a flow; a client transaction
 *    whose flow closes fails with the flow's error (§17.1.4); server
 *    transactions outlive their flow, as above;
 *  - caps the requests outstanding per destination (configurable, default
 *    unlimited), queueing the rest until earlier ones complete.
 *
 * It does no DNS (stack.h resolves first) and holds no dialog state.
 */
#pragma once

#include "sip/builder.h"
#include "sip/client-transaction.h"
#include "sip/server-transaction.h"
#include "sip/transport.h"

G_BEGIN_DECLS

#define TC_SIP_TYPE_TRANSACTION_LAYER (tc_sip_transaction_layer_get_type ())
G_DECLARE_FINAL_TYPE (TcSipTransactionLayer, tc_sip_transaction_layer, TC_SIP, TRANSACTION_LAYER, GObject)

/**
 * TcSipTransactionLayerCallbacks:
 * @request: a new request.  For all but ACK, @transaction is the new
 *   server transaction (borrowed; ref it to keep it) and the TU answers
 *   with tc_sip_server_transaction_respond().  For an ACK that matched no
 *   transaction (the ACK for a 2xx, §17.2.3), @transaction is NULL.
 *   @flow is where it came from.
 * @cancel: a CANCEL matched @invite, a server transaction still in
 *   Proceeding; the layer has already answered the CANCEL with 200.  The
 *   TU answers the INVITE (normally 487, §9.2).
 * @stray_response: a response that matched no client transaction.
 * @ack_for_2xx: in the RFC 6026 "Accepted" state, the INVITE server
 *   transaction passed up an ACK: @transaction is that INVITE's.
 *
 * How the layer reports to the TU.  Each callback may be NULL.
 */
typedef struct {
  void (*request) (TcSipTransactionLayer *layer, TcSipServerTransaction *transaction, TcSipMessage *request,
                   TcSipFlow *flow, gpointer user_data);
  void (*cancel) (TcSipTransactionLayer *layer, TcSipServerTransaction *invite, TcSipMessage *cancel,
                  gpointer user_data);
  void (*stray_response) (TcSipTransactionLayer *layer, TcSipMessage *response, TcSipFlow *flow, gpointer user_data);
  void (*ack_for_2xx) (TcSipTransactionLayer *layer, TcSipServerTransaction *transaction, TcSipMessage *ack,
                       gpointer user_data);
} TcSipTransactionLayerCallbacks;

/**
 * TcSipRequestCallbacks:
 * @response: every response passed up by the client transaction (1xx,
 *   the final one, and further 2xx to an INVITE in "Accepted")
 * @failed: the request got no final response: @error is TC_SIP_ERROR
 *   TC_SIP_ERROR_TIMEOUT (Timer B/F: the TU acts as on a 408, §8.1.3.1) or
 *   a G_IO_ERROR / TLS error from the transport (§8.1.3.1: as a 503)
 * @terminated: the client transaction ended; the layer drops it next
 *
 * How a client transaction reports to the TU that sent it.
 */
typedef struct {
  void (*response) (TcSipClientTransaction *transaction, TcSipMessage *response, gpointer user_data);
  void (*failed) (TcSipClientTransaction *transaction, const GError *error, gpointer user_data);
  void (*terminated) (TcSipClientTransaction *transaction, gpointer user_data);
} TcSipRequestCallbacks;

/* @timers NULL: the RFC 3261 defaults.  The layer installs itself as
 * @transport's callbacks. */
TcSipTransactionLayer *tc_sip_transaction_layer_new (TcSipTransport *transport, TcSipClock *clock,
                                                     const TcSipTimerValues *timers);

void tc_sip_transaction_layer_set_callbacks (TcSipTransactionLayer *layer,
                                             const TcSipTransactionLayerCallbacks *callbacks, gpointer user_data);

TcSipTransport *tc_sip_transaction_layer_get_transport (TcSipTransactionLayer *layer);
TcSipClock *tc_sip_transaction_layer_get_clock (TcSipTransactionLayer *layer);
const TcSipTimerValues *tc_sip_transaction_layer_get_timers (TcSipTransactionLayer *layer);

/* 0 (the default): unlimited.  Otherwise at most @max client transactions
 * (not yet completed) per destination (the flow a request is sent over,
 * else its target); later ones wait, in order.  Raising it starts waiting
 * ones at once. */
void tc_sip_transaction_layer_set_max_outstanding (TcSipTransactionLayer *layer, guint max);

/* Adds the topmost Via for a request sent over @type from @family:
 * "SIP/2.0/<type> <sent-by>;branch=z9hG4bK<random>;rport" (RFC 3581), the
 * sent-by from tc_sip_transport_get_sent_by() (no port when it says 0, an
 * IPv6 address bracketed).  Returns the branch (newly allocated), or NULL
 * with G_IO_ERROR_NOT_SUPPORTED when the transport has no address for
 * @type / @family. */
char *tc_sip_transaction_layer_add_via (TcSipTransactionLayer *layer, TcSipMessageBuilder *builder,
                                        TcSipTransportType type, GSocketFamily family, GError **error);

/* Starts a client transaction for @request (which carries its Via, as
 * above) sent to @target, or over @flow when it is non-NULL and open (in-
 * dialog requests on a registration's flow, RFC 5626).  @callbacks is
 * copied.  Returns the transaction (borrowed: the layer holds it until it
 * terminates; ref it to keep it longer), or NULL with @error when @request
 * is not a request, is an ACK (use tc_sip_transaction_layer_send_stateless()),
 * or has no RFC 3261 branch (TC_SIP_ERROR_INVALID_ARGUMENT), or a
 * transaction with its branch and method exists
 * (TC_SIP_ERROR_TRANSACTION_EXISTS).  A send failure is reported through
 * @failed, never synchronously.  @terminated is called for every
 * transaction returned, unless the layer is disposed first.  With a
 * maximum outstanding (set_max_outstanding()) the transaction may be
 * returned queued: it sends (and runs its timers) once its turn comes. */
TcSipClientTransaction *tc_sip_transaction_layer_send_request (TcSipTransactionLayer *layer, TcSipMessage *request,
                                                               const TcSipTarget *target, TcSipFlow *flow,
                                                               const TcSipRequestCallbacks *callbacks,
                                                               gpointer user_data, GError **error);

/* Sends a message outside any transaction: the ACK for a 2xx (§13.2.2.4),
 * or a 2xx retransmission of a UAS dialog after its transaction ended.
 * Over @flow when non-NULL and open, else to @target. */
gboolean tc_sip_transaction_layer_send_stateless (TcSipTransactionLayer *layer, TcSipMessage *message,
                                                  const TcSipTarget *target, TcSipFlow *flow, GError **error);

/* Answers @request statelessly with @status (RFC 3261 §8.2.6: To tag
 * added when absent).  For requests the TU refuses before a transaction
 * exists. */
gboolean tc_sip_transaction_layer_respond_stateless (TcSipTransactionLayer *layer, TcSipMessage *request,
                                                     TcSipFlow *flow, guint status, const char *reason, GError **error);

/* The flow a server transaction's request came over (borrowed). */
TcSipFlow *tc_sip_transaction_layer_get_request_flow (TcSipTransactionLayer *layer,
                                                      TcSipServerTransaction *transaction);
/* The flow a client transaction's request went over, once sent (borrowed; NULL before). */
TcSipFlow *tc_sip_transaction_layer_get_client_flow (TcSipTransactionLayer *layer, TcSipClientTransaction *transaction);

/* Numbers, for tests and benchmarks. */
guint tc_sip_transaction_layer_get_n_client_transactions (TcSipTransactionLayer *layer);
guint tc_sip_transaction_layer_get_n_server_transactions (TcSipTransactionLayer *layer);

G_END_DECLS
