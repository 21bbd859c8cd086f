/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transport.h — the SIP stack's view of the network (RFC 3261 §18).
 *
 * The stack above this line (transactions, dialogs, the UA core) never
 * touches a socket.  It sends serialized messages to a TcSipTarget, or over
 * a TcSipFlow a message came from, through an abstract TcSipTransport, and
 * is handed every parsed message the transport receives through a typed
 * callback table (style.md B1: the hot path, no signals).
 *
 * Implementations:
 *  - TcSipNetTransport (net-transport.h): UDP, TCP and TLS on GIO sockets;
 *  - TcSipWsTransport (ws-transport.h): WebSocket ws/wss client (RFC 7118);
 *  - the fake transport of the unit tests (tests/sip/fake-transport.h).
 *
 * A TcSipFlow is one path to one peer (RFC 5626 §3.5's "flow"): a connection
 * for stream transports, a (local socket, remote address) pair for UDP.  A
 * flow is kept open while anyone holds it (a dialog, a registration); an
 * unheld connection with nothing pending closes after an idle timeout.  A
 * held flow that fails emits "closed" with the cause, so its user can react.
 */
#pragma once

#include <gio/gio.h>

#include "sip/message.h"

G_BEGIN_DECLS

/**
 * TcSipTransportType:
 * @TC_SIP_TRANSPORT_UDP: UDP (unreliable; retransmissions by the transactions)
 * @TC_SIP_TRANSPORT_TCP: TCP
 * @TC_SIP_TRANSPORT_TLS: TLS over TCP (sips:, or transport=tls)
 * @TC_SIP_TRANSPORT_WS: WebSocket (RFC 7118), client only
 * @TC_SIP_TRANSPORT_WSS: secure WebSocket (RFC 7118), client only
 *
 * The transports of the Via header's sent-protocol (RFC 3261 §20.42,
 * RFC 7118 §5).
 */
typedef enum {
  TC_SIP_TRANSPORT_UDP,
  TC_SIP_TRANSPORT_TCP,
  TC_SIP_TRANSPORT_TLS,
  TC_SIP_TRANSPORT_WS,
  TC_SIP_TRANSPORT_WSS,
} TcSipTransportType;

#define TC_SIP_N_TRANSPORTS 5

/* "UDP", "TCP", "TLS", "WS", "WSS": the Via token. */
const char *tc_sip_transport_type_to_string (TcSipTransportType type);
/* Parses a Via transport or a transport= URI parameter value,
 * case-insensitively; @len -1 for NUL-terminated.  FALSE for others (SCTP). */
gboolean tc_sip_transport_type_from_string (const char *str, gssize len, TcSipTransportType *type);
gboolean tc_sip_transport_type_is_reliable (TcSipTransportType type);
gboolean tc_sip_transport_type_is_secure (TcSipTransportType type);
/* 5060 for UDP/TCP, 5061 for TLS, 80 for WS, 443 for WSS. */
guint16 tc_sip_transport_type_get_default_port (TcSipTransportType type);

/**
 * TcSipTarget:
 * @type: the transport to use
 * @address: the address to reach (for WS/WSS: may be NULL, @ws_url is used)
 * @server_name: TLS/WSS: the name for SNI and certificate verification (the
 *   host the URI named, RFC 3263 §4 / RFC 5922); NULL verifies the IP address
 * @ws_url: WS/WSS: the WebSocket URL ("wss://proxy.example.com/sip"); NULL
 *   for the others
 *
 * Where to send: one entry of the list RFC 3263 resolution produces.  A
 * plain struct; tc_sip_target_clear() frees what it holds.
 */
typedef struct {
  TcSipTransportType type;
  GInetSocketAddress *address;
  char *server_name;
  char *ws_url;
} TcSipTarget;

/* Fills @target, taking a reference on @address and copying the strings. */
void tc_sip_target_init (TcSipTarget *target, TcSipTransportType type, GInetSocketAddress *address,
                         const char *server_name);
void tc_sip_target_copy (TcSipTarget *dest, const TcSipTarget *src);
void tc_sip_target_clear (TcSipTarget *target);
gboolean tc_sip_target_equal (const TcSipTarget *a, const TcSipTarget *b);
/* "udp:127.0.0.1:5060", "tls:[::1]:5061 (sip.example.com)", for logs. */
char *tc_sip_target_to_string (const TcSipTarget *target);

/* ---- TcSipFlow ------------------------------------------------------- */

#define TC_SIP_TYPE_FLOW (tc_sip_flow_get_type ())
G_DECLARE_DERIVABLE_TYPE (TcSipFlow, tc_sip_flow, TC_SIP, FLOW, GObject)

/**
 * TcSipFlowClass:
 * @send: send @bytes (one whole message, or a keepalive) over the flow
 *   now; FALSE with @error when the flow cannot.  Stream flows queue what
 *   the socket does not take at once.
 * @close: close the flow (idempotent); the subclass then calls
 *   tc_sip_flow_emit_closed()
 */
struct _TcSipFlowClass {
  GObjectClass parent_class;

  gboolean (*send) (TcSipFlow *flow, GBytes *bytes, GError **error);
  void (*close) (TcSipFlow *flow);

  gpointer padding[8];
};

/* A flow over @type between @local and @remote (either may be NULL for
 * WS).  Subclasses chain up through the construct properties "type",
 * "local-address" and "remote-address"; tests use it as it is (its send
 * fails with G_IO_ERROR_NOT_SUPPORTED). */
TcSipFlow *tc_sip_flow_new (TcSipTransportType type, GInetSocketAddress *local, GInetSocketAddress *remote);

TcSipTransportType tc_sip_flow_get_transport_type (TcSipFlow *flow);
gboolean tc_sip_flow_is_reliable (TcSipFlow *flow);
/* Borrowed; NULL when unknown. */
GInetSocketAddress *tc_sip_flow_get_local_address (TcSipFlow *flow);
GInetSocketAddress *tc_sip_flow_get_remote_address (TcSipFlow *flow);
gboolean tc_sip_flow_is_closed (TcSipFlow *flow);

gboolean tc_sip_flow_send (TcSipFlow *flow, GBytes *bytes, GError **error);
void tc_sip_flow_close (TcSipFlow *flow);

/* Usage counting (RFC 5626 "flow", the UCMA connection rules): a held flow
 * is not closed for idleness.  Each hold needs one release. */
void tc_sip_flow_hold (TcSipFlow *flow);
void tc_sip_flow_release (TcSipFlow *flow);
guint tc_sip_flow_get_n_holds (TcSipFlow *flow);

/* Pending transactions on the flow: counted by the transaction layer, read
 * by the transport's idle timer (a flow with pending work is not idle). */
void tc_sip_flow_begin_use (TcSipFlow *flow);
void tc_sip_flow_end_use (TcSipFlow *flow);
guint tc_sip_flow_get_n_uses (TcSipFlow *flow);

/* For subclasses: marks the flow closed and emits "closed" (GError *cause,
 * NULL for an orderly close) once. */
void tc_sip_flow_emit_closed (TcSipFlow *flow, const GError *cause);

/* ---- TcSipTransport -------------------------------------------------- */

#define TC_SIP_TYPE_TRANSPORT (tc_sip_transport_get_type ())
G_DECLARE_DERIVABLE_TYPE (TcSipTransport, tc_sip_transport, TC_SIP, TRANSPORT, GObject)

/**
 * TcSipSendResult:
 * @TC_SIP_SEND_DONE: the message went to the socket (or its queue) now;
 *   the callback is not called
 * @TC_SIP_SEND_PENDING: a connection is being set up; the callback will be
 *   called exactly once, later, from the main context
 * @TC_SIP_SEND_FAILED: nothing was sent; the error is set and the callback
 *   is not called
 */
typedef enum {
  TC_SIP_SEND_DONE,
  TC_SIP_SEND_PENDING,
  TC_SIP_SEND_FAILED,
} TcSipSendResult;

/* @flow: the flow the message went over (borrowed; NULL on error). */
typedef void (*TcSipSendCallback) (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data);

/**
 * TcSipTransportCallbacks:
 * @message: a message was received and parsed; @flow is where it came
 *   from (send responses and in-dialog requests back over it).  @message
 *   and @flow are borrowed; take references to keep them.
 * @bad_message: bytes that were not a valid SIP message (@error says why,
 *   with the status to answer in TC_SIP_ERROR's extended field when there
 *   is one); the transport has already dropped them (and, on a stream,
 *   closed the connection when it cannot find the next message).  The UA
 *   may answer a salvageable request with the status.
 * @flow_closed: a flow ended (@error NULL for an orderly close or an idle
 *   timeout).  Also emitted as the flow's "closed" signal.
 *
 * Each callback may be NULL.
 */
typedef struct {
  void (*message) (TcSipTransport *transport, TcSipMessage *message, TcSipFlow *flow, gpointer user_data);
  void (*bad_message) (TcSipTransport *transport, GBytes *bytes, TcSipFlow *flow, const GError *error,
                       gpointer user_data);
  void (*flow_closed) (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data);
} TcSipTransportCallbacks;

/**
 * TcSipTransportClass:
 * @supports: TRUE when the transport can send over @type
 * @send: sends @bytes to @target, over an existing flow to it when there
 *   is one (connection reuse, §18.1.1), opening one otherwise; see
 *   TcSipSendResult.  On TC_SIP_SEND_DONE, *@flow_out (when non-NULL) is
 *   set to a new reference on the flow used.
 * @get_sent_by: the host and port to put in Via sent-by and Contact for
 *   messages sent over @type from an address of @family (the listening
 *   address, §18.1.1); FALSE when nothing listens there
 */
struct _TcSipTransportClass {
  GObjectClass parent_class;

  gboolean (*supports) (TcSipTransport *transport, TcSipTransportType type);
  TcSipSendResult (*send) (TcSipTransport *transport, GBytes *bytes, const TcSipTarget *target, TcSipFlow **flow_out,
                           TcSipSendCallback callback, gpointer user_data, GError **error);
  gboolean (*get_sent_by) (TcSipTransport *transport, TcSipTransportType type, GSocketFamily family, char **host,
                           guint16 *port);

  gpointer padding[8];
};

void tc_sip_transport_set_callbacks (TcSipTransport *transport, const TcSipTransportCallbacks *callbacks,
                                     gpointer user_data);

gboolean tc_sip_transport_supports (TcSipTransport *transport, TcSipTransportType type);
TcSipSendResult tc_sip_transport_send (TcSipTransport *transport, GBytes *bytes, const TcSipTarget *target,
                                       TcSipFlow **flow_out, TcSipSendCallback callback, gpointer user_data,
                                       GError **error);
gboolean tc_sip_transport_get_sent_by (TcSipTransport *transport, TcSipTransportType type, GSocketFamily family,
                                       char **host, guint16 *port);

/* For implementations: deliver to the callbacks. */
void tc_sip_transport_emit_message (TcSipTransport *transport, TcSipMessage *message, TcSipFlow *flow);
void tc_sip_transport_emit_bad_message (TcSipTransport *transport, GBytes *bytes, TcSipFlow *flow, const GError *error);
void tc_sip_transport_emit_flow_closed (TcSipTransport *transport, TcSipFlow *flow, const GError *error);

G_END_DECLS
