/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * trace.h — the SIP message trace: every message sent or received through
 * a TcSipTransportMux, logged whole in the domain "tincan-sip-trace" when
 * switched on (Manager.SetTrace), with direction, transport and remote
 * address.  Authorization and Proxy-Authorization values are masked down
 * to their scheme and username.  Off by default; one process-wide switch.
 */
#pragma once

#include "sip/transport.h"

G_BEGIN_DECLS

void tc_sip_trace_set_enabled (gboolean enabled);
gboolean tc_sip_trace_get_enabled (void);

/* @outgoing: sent (to @remote) or received (from @remote). */
void tc_sip_trace_log (gboolean outgoing, TcSipTransportType type, GInetSocketAddress *remote, const char *remote_text,
                       GBytes *bytes);

/* The text of @bytes with credentials masked (for the trace and tests). */
char *tc_sip_trace_mask (GBytes *bytes);

G_END_DECLS
