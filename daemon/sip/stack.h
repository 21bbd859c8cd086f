/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stack.h — TcSipStack: the user agent core (RFC 3261 §8, §12–§15) on top
 * of the transaction layer, the RFC 3263 resolver and digest auth.
 *
 * What the core (daemon/core) asks of SIP goes through here:
 *  - sending a request (TcSipRequest): the next hop (pre-loaded route set,
 *    dialog route set or Request-URI) is resolved to ordered targets; a
 *    request over UDP larger than the configured size goes over TCP
 *    (§18.1.1); a transport error, timeout or 503 fails over to the next
 *    target and blacklists the failed one (RFC 3263 §4.3); 401/407 are
 *    answered from a digest cache (auth.h) once per fresh challenge; 3xx
 *    are followed in q order (redirect.h); for INVITE, every 1xx with a
 *    To tag makes an early dialog (forking), the first 2xx confirms its
 *    dialog and is ACKed, every 2xx retransmission is ACKed again, and a
 *    2xx from another fork is ACKed and ended with BYE (§13.2.2.4);
 *  - receiving requests (TcSipIncoming): in-dialog requests are matched to
 *    their dialog (481 when none, 500 on an out-of-order CSeq, §12.2.2),
 *    target refreshes applied; responses create UAS dialogs; a 2xx to an
 *    INVITE is retransmitted until its ACK (§13.3.1.4);
 *  - CANCEL (§9): the stack answers the INVITE with 487 and tells the TU.
 */
#pragma once

#include "sip/auth.h"
#include "sip/dialog.h"
#include "sip/resolver.h"
#include "sip/route.h"
#include "sip/transaction-layer.h"

G_BEGIN_DECLS

/**
 * TcSipStackConfig:
 * @timers: T1, T2, T4
 * @max_redirects: the most 3xx targets one request tries (default 5)
 * @udp_max_size: a request larger than this goes over TCP instead of UDP
 *   when the target allows it (RFC 3261 §18.1.1: 1300)
 * @blacklist_us: how long a failed target stays at the end of the list (30 s)
 * @max_outstanding: requests in progress per destination (0: unlimited)
 * @user_agent: the User-Agent / Server header value, or NULL for none
 */
typedef struct {
  TcSipTimerValues timers;
  guint max_redirects;
  gsize udp_max_size;
  gint64 blacklist_us;
  guint max_outstanding;
  const char *user_agent;
} TcSipStackConfig;

void tc_sip_stack_config_init (TcSipStackConfig *config);

#define TC_SIP_TYPE_STACK (tc_sip_stack_get_type ())
G_DECLARE_FINAL_TYPE (TcSipStack, tc_sip_stack, TC_SIP, STACK, GObject)

typedef struct _TcSipRequest TcSipRequest;
typedef struct _TcSipIncoming TcSipIncoming;

/**
 * TcSipStackHandlers:
 * @request: a new request other than ACK and CANCEL, in a dialog
 *   (tc_sip_incoming_get_dialog() non-NULL) or not.  The TU answers it
 *   with tc_sip_incoming_respond() now or later; with no handler the stack
 *   answers 501.
 * @cancelled: a CANCEL came for @invite: the stack has answered it and the
 *   INVITE (487); the TU drops the call
 * @ack: the ACK for a 2xx the TU sent arrived (carrying the SDP answer in
 *   a late-offer call)
 * @ack_timeout: no ACK came for a 2xx within 64*T1: the stack sent BYE;
 *   the dialog is over (§13.3.1.4)
 */
typedef struct {
  void (*request) (TcSipStack *stack, TcSipIncoming *incoming, gpointer user_data);
  void (*cancelled) (TcSipStack *stack, TcSipIncoming *invite, TcSipMessage *cancel, gpointer user_data);
  void (*ack) (TcSipStack *stack, TcSipDialog *dialog, TcSipMessage *ack, gpointer user_data);
  void (*ack_timeout) (TcSipStack *stack, TcSipDialog *dialog, gpointer user_data);
} TcSipStackHandlers;

/* @transport: where messages go (a TcSipTransportMux for several kinds);
 * @resolver NULL: one on the default GResolver.  @config NULL: defaults. */
TcSipStack *tc_sip_stack_new (TcSipTransport *transport, TcSipResolver *resolver, TcSipClock *clock,
                              const TcSipStackConfig *config);

void tc_sip_stack_set_handlers (TcSipStack *stack, const TcSipStackHandlers *handlers, gpointer user_data);

TcSipTransactionLayer *tc_sip_stack_get_transaction_layer (TcSipStack *stack);
TcSipResolver *tc_sip_stack_get_resolver (TcSipStack *stack);
TcSipClock *tc_sip_stack_get_clock (TcSipStack *stack);
const TcSipStackConfig *tc_sip_stack_get_config (TcSipStack *stack);

/* A new out-of-dialog request: Request-URI @request_uri, From @from (a
 * name-addr or addr-spec; a random tag is added), To @to (no tag), a
 * random Call-ID, CSeq 1 @method, Max-Forwards 70 and User-Agent.  NULL
 * with @error when a value is not valid SIP. */
TcSipMessageBuilder *tc_sip_stack_new_request (TcSipStack *stack, const char *method, const char *request_uri,
                                               const char *from, const char *to, GError **error);

/* ---- sending requests --------------------------------------------------- */

/**
 * TcSipRequestOptions:
 * @route_set: pre-loaded routes (outbound proxy, Service-Route); NULL: none.
 *   Ignored in a dialog, which has its own route set.
 * @credentials: answers 401/407; NULL: a challenge is the final answer
 * @flow: send over this flow while it is open (RFC 5626, a registration's
 *   flow); NULL: resolve
 * @follow_redirects: try the Contacts of a 3xx (default TRUE)
 * @contact_user: when non-NULL and the request has no Contact, add
 *   "<sip:USER@sent-by;transport=…>" for the transport chosen
 * @contact_params: appended to that Contact (e.g. ";+sip.instance=…"), or NULL
 */
typedef struct {
  TcSipRouteSet *route_set;
  TcSipDigestCache *credentials;
  TcSipFlow *flow;
  gboolean follow_redirects;
  const char *contact_user;
  const char *contact_params;
} TcSipRequestOptions;

void tc_sip_request_options_init (TcSipRequestOptions *options);

/**
 * TcSipRequestHandlers:
 * @provisional: a 1xx; for INVITE, @dialog is the early dialog its To tag
 *   made (one per fork), or NULL without a tag
 * @redirected: a 3xx is being followed to @target (the core reports it)
 * @build_ack: INVITE: the ACK for the 2xx is about to go; the TU may add a
 *   body (the answer to an offer in the 2xx).  The same ACK is re-sent for
 *   every retransmission of that 2xx.
 * @final: the outcome: the final @response (for an INVITE 2xx, @dialog is
 *   the confirmed dialog; the stack keeps it until tc_sip_stack_end_dialog),
 *   or @response NULL and @error: TC_SIP_ERROR_TIMEOUT,
 *   TC_SIP_ERROR_NO_TARGET, TC_SIP_ERROR_AUTH_UNSUPPORTED,
 *   TC_SIP_ERROR_REDIRECT_LOOP, TC_SIP_ERROR_CANCELLED (cancelled before
 *   it was sent), or the transport's error.  A 401/407 that the
 *   credentials cannot answer, or a repeated one, is reported as the
 *   response itself with @error TC_SIP_ERROR_AUTH_REJECTED.
 *
 * Each may be NULL.  After @final no handler runs for this request.
 */
typedef struct {
  void (*provisional) (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, gpointer user_data);
  void (*redirected) (TcSipRequest *request, TcSipMessage *response, const TcSipUri *target, gpointer user_data);
  void (*build_ack) (TcSipRequest *request, TcSipMessage *response, TcSipMessageBuilder *ack, gpointer user_data);
  void (*final) (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error,
                 gpointer user_data);
} TcSipRequestHandlers;

/* Sends the request in @builder (taken; built without Via) out of a
 * dialog (@dialog NULL) or in @dialog (the builder from
 * tc_sip_dialog_build_request()).  Returns a new reference on the request
 * handle, or NULL with @error when the request cannot be built; every
 * later failure goes to @final. */
TcSipRequest *tc_sip_stack_send_request (TcSipStack *stack, TcSipDialog *dialog, TcSipMessageBuilder *builder,
                                         const TcSipRequestOptions *options, const TcSipRequestHandlers *handlers,
                                         gpointer user_data, GError **error);

TcSipRequest *tc_sip_request_ref (TcSipRequest *request);
void tc_sip_request_unref (TcSipRequest *request);
/* INVITE: sends CANCEL (§9.1) now if a provisional response came, else
 * when one comes; the INVITE then ends with 487.  @reason: a Reason header
 * value (RFC 3326) or NULL.  Other methods: nothing. */
void tc_sip_request_cancel (TcSipRequest *request, const char *reason);
/* No handler runs any more for @request; the stack finishes its
 * transaction quietly (ACKing and ending a late INVITE 2xx with BYE). */
void tc_sip_request_abandon (TcSipRequest *request);
/* The request as last sent (with its Via, auth and Request-URI), or NULL
 * before it went out and, for a request other than INVITE, once its final
 * handler has returned; borrowed. */
TcSipMessage *tc_sip_request_get_message (TcSipRequest *request);
/* The flow the request last went over, or NULL; borrowed. */
TcSipFlow *tc_sip_request_get_flow (TcSipRequest *request);
gboolean tc_sip_request_is_finished (TcSipRequest *request);

/* ---- incoming requests -------------------------------------------------- */

TcSipIncoming *tc_sip_incoming_ref (TcSipIncoming *incoming);
void tc_sip_incoming_unref (TcSipIncoming *incoming);
/* Borrowed. */
TcSipMessage *tc_sip_incoming_get_request (TcSipIncoming *incoming);
TcSipFlow *tc_sip_incoming_get_flow (TcSipIncoming *incoming);
/* The dialog the request is in, or that the TU's response created; NULL otherwise. */
TcSipDialog *tc_sip_incoming_get_dialog (TcSipIncoming *incoming);
gboolean tc_sip_incoming_is_answered (TcSipIncoming *incoming);

/* A response to the request, with the dialog's To tag (a new one for a
 * dialog-creating request) and, when @contact_user is non-NULL and the
 * status is 101–299 to INVITE/SUBSCRIBE/REFER, a Contact for the flow's
 * transport.  Add headers and a body, then tc_sip_incoming_respond(). */
TcSipMessageBuilder *tc_sip_incoming_new_response (TcSipIncoming *incoming, guint status, const char *reason,
                                                   const char *contact_user);
/* Sends @response (taken).  A 101–299 response with a To tag to a dialog-
 * creating request creates the UAS dialog; a 2xx to INVITE is then
 * retransmitted until the ACK.  FALSE with @error when the transaction
 * takes no more responses or the response does not build. */
gboolean tc_sip_incoming_respond (TcSipIncoming *incoming, TcSipMessageBuilder *response, GError **error);
/* tc_sip_incoming_new_response() + tc_sip_incoming_respond(). */
gboolean tc_sip_incoming_respond_status (TcSipIncoming *incoming, guint status, const char *reason, GError **error);

/* ---- dialogs ------------------------------------------------------------ */

/* Forgets @dialog (its usages ended): in-dialog requests for it get 481. */
void tc_sip_stack_end_dialog (TcSipStack *stack, TcSipDialog *dialog);
guint tc_sip_stack_get_n_dialogs (TcSipStack *stack);
/* The connection (TCP/TLS/WS) @dialog runs over, held open by the stack
 * until the dialog ends (the idle timeout does not close it); NULL over UDP
 * or when unknown.  Its "closed" signal tells the TU the dialog lost its
 * connection.  Borrowed. */
TcSipFlow *tc_sip_stack_get_dialog_flow (TcSipStack *stack, TcSipDialog *dialog);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipRequest, tc_sip_request_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipIncoming, tc_sip_incoming_unref)

G_END_DECLS
