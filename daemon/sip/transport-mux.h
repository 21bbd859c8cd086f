/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transport-mux.h — TcSipTransportMux: one TcSipTransport over several.
 *
 * The transaction layer talks to a single transport; a UA needs UDP, TCP
 * and TLS (TcSipNetTransport) and WebSocket (TcSipWsTransport).  The mux
 * sends each message through the first child that supports the target's
 * transport and forwards every child's received messages, bad messages and
 * closed flows to its own callbacks.
 */
#pragma once

#include "sip/transport.h"

G_BEGIN_DECLS

#define TC_SIP_TYPE_TRANSPORT_MUX (tc_sip_transport_mux_get_type ())
G_DECLARE_FINAL_TYPE (TcSipTransportMux, tc_sip_transport_mux, TC_SIP, TRANSPORT_MUX, TcSipTransport)

TcSipTransportMux *tc_sip_transport_mux_new (void);

/* Adds @child (a reference is taken) after the others; the mux installs
 * itself as @child's callbacks. */
void tc_sip_transport_mux_add (TcSipTransportMux *mux, TcSipTransport *child);

/* The child that sends over @type, or NULL; borrowed. */
TcSipTransport *tc_sip_transport_mux_get_child (TcSipTransportMux *mux, TcSipTransportType type);

G_END_DECLS
