/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-transport.h — TcSipFakeTransport, a TcSipTransport for unit tests
 * (style.md B11: transactions on a manual clock with a fake transport).
 *
 * It supports every transport type and touches no socket.  Everything sent
 * is recorded, parsed back into a TcSipMessage, with where it went: the
 * target of a tc_sip_transport_send() and the flow it used, or the flow of
 * a tc_sip_flow_send().  Each target sends in one of three modes: DONE (the
 * default: a flow to the target is made, or reused, at once), PENDING (the
 * send waits until the test completes it, with success or an error) or
 * FAILED.  Flows made with tc_sip_fake_transport_new_flow() record their
 * sends here too; the test injects received messages from any flow and
 * closes flows with an error.
 */
#pragma once

#include "sip/transport.h"

G_BEGIN_DECLS

#define TC_SIP_TYPE_FAKE_TRANSPORT (tc_sip_fake_transport_get_type ())
G_DECLARE_FINAL_TYPE (TcSipFakeTransport, tc_sip_fake_transport, TC_SIP, FAKE_TRANSPORT, TcSipTransport)

#define TC_SIP_TYPE_FAKE_FLOW (tc_sip_fake_flow_get_type ())
G_DECLARE_FINAL_TYPE (TcSipFakeFlow, tc_sip_fake_flow, TC_SIP, FAKE_FLOW, TcSipFlow)

/**
 * TcSipFakeSendMode:
 * @TC_SIP_FAKE_SEND_DONE: sent at once (TC_SIP_SEND_DONE)
 * @TC_SIP_FAKE_SEND_PENDING: TC_SIP_SEND_PENDING until
 *   tc_sip_fake_transport_complete_pending()
 * @TC_SIP_FAKE_SEND_FAILED: TC_SIP_SEND_FAILED with G_IO_ERROR_CONNECTION_REFUSED
 */
typedef enum {
  TC_SIP_FAKE_SEND_DONE,
  TC_SIP_FAKE_SEND_PENDING,
  TC_SIP_FAKE_SEND_FAILED,
} TcSipFakeSendMode;

/**
 * TcSipFakeSent:
 * @message: the bytes sent, parsed (NULL for bytes that do not parse, such
 *   as keepalives)
 * @bytes: the bytes sent
 * @has_target: TRUE when sent with tc_sip_transport_send()
 * @target: then, where to
 * @flow: the flow it went over
 *
 * One recorded send.
 */
typedef struct {
  TcSipMessage *message;
  GBytes *bytes;
  gboolean has_target;
  TcSipTarget target;
  TcSipFlow *flow;
} TcSipFakeSent;

/* sent-by "192.0.2.1" (IPv4) and "2001:db8::1" (IPv6), port 5060. */
TcSipFakeTransport *tc_sip_fake_transport_new (void);

/* @host NULL: get_sent_by fails.  Applies to every type and family. */
void tc_sip_fake_transport_set_sent_by (TcSipFakeTransport *self, const char *host, guint16 port);
/* The mode of sends to @target (NULL: the default for all targets). */
void tc_sip_fake_transport_set_mode (TcSipFakeTransport *self, const TcSipTarget *target, TcSipFakeSendMode mode);

guint tc_sip_fake_transport_get_n_sent (TcSipFakeTransport *self);
/* Borrowed. */
const TcSipFakeSent *tc_sip_fake_transport_get_sent (TcSipFakeTransport *self, guint i);
/* The message of the last send, or NULL; borrowed. */
TcSipMessage *tc_sip_fake_transport_get_last_message (TcSipFakeTransport *self);
void tc_sip_fake_transport_clear_sent (TcSipFakeTransport *self);

guint tc_sip_fake_transport_get_n_pending (TcSipFakeTransport *self);
/* Completes the oldest pending send: with @error NULL it is sent (and
 * recorded) over a new flow to its target; else the callback gets @error. */
void tc_sip_fake_transport_complete_pending (TcSipFakeTransport *self, const GError *error);

/* A flow whose sends are recorded here (remote "@remote_ip:@port"). */
TcSipFlow *tc_sip_fake_transport_new_flow (TcSipFakeTransport *self, TcSipTransportType type, const char *remote_ip,
                                           guint16 port);
/* The flow DONE sends to @target use (made on first use); borrowed, or NULL. */
TcSipFlow *tc_sip_fake_transport_get_flow (TcSipFakeTransport *self, const TcSipTarget *target);

/* Parses @text as a datagram and delivers it as received over @flow: the
 * message callback, or bad_message with the parse error. */
void tc_sip_fake_transport_inject (TcSipFakeTransport *self, TcSipFlow *flow, const char *text);
/* Closes @flow: its "closed" signal, then the flow_closed callback. */
void tc_sip_fake_transport_close_flow (TcSipFakeTransport *self, TcSipFlow *flow, const GError *error);

/* A UDP/TCP/… target at @ip:@port, for tests; clear it with tc_sip_target_clear(). */
void tc_sip_fake_target_init (TcSipTarget *target, TcSipTransportType type, const char *ip, guint16 port);

G_END_DECLS
