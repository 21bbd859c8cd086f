/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resolver.h — TcSipResolver: locating SIP servers (RFC 3263 §4).
 *
 * Turns a next-hop sip:/sips: URI into an ordered list of TcSipTarget
 * (transport, address, port, TLS server name) to try in turn: the URI's
 * transport/maddr/port when it gives them, otherwise DNS SRV records for
 * each transport this stack supports, then A/AAAA records.  NAPTR (§4.1's
 * first step) is not queried: GResolver has no NAPTR lookup, so the
 * transports are ordered by the stack's own preference list, as §4.1
 * allows for a client that does not use NAPTR.
 *
 * It also keeps the failover blacklist (§4.3): a target that failed is put
 * behind the others until its entry expires on the TcSipClock.
 */
#pragma once

#include <gio/gio.h>

#include "sip/clock.h"
#include "sip/transport.h"
#include "sip/uri.h"

G_BEGIN_DECLS

#define TC_SIP_TYPE_RESOLVER (tc_sip_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TcSipResolver, tc_sip_resolver, TC_SIP, RESOLVER, GObject)

/* @resolver NULL: g_resolver_get_default().  @clock: for blacklist expiry. */
TcSipResolver *tc_sip_resolver_new (GResolver *resolver, TcSipClock *clock);

/* The transports this stack can use, in preference order (default: UDP,
 * TCP, TLS).  Only UDP, TCP and TLS take part in SRV lookups. */
void tc_sip_resolver_set_transports (TcSipResolver *self, const TcSipTransportType *types, guint n_types);
/* G_SOCKET_FAMILY_INVALID (default: the system resolver's order), or IPV4
 * or IPV6 first, within each host name's addresses. */
void tc_sip_resolver_set_family_preference (TcSipResolver *self, GSocketFamily family);

/* The callback runs from the thread-default main context, never inside
 * this call.  Cancellation gives G_IO_ERROR_CANCELLED. */
void tc_sip_resolver_lookup_async (TcSipResolver *self, const TcSipUri *uri, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* Ordered targets: a GArray of TcSipTarget with tc_sip_target_clear() as
 * clear function, never empty.  Error TC_SIP_ERROR_NO_TARGET (status 503)
 * when nothing resolves, its message naming the host and each query made;
 * TC_SIP_ERROR_UNSUPPORTED_SCHEME for a tel: URI. */
GArray *tc_sip_resolver_lookup_finish (TcSipResolver *self, GAsyncResult *result, GError **error);

/* §4.3 failover: a target that failed (transport error, timeout, 503) is
 * returned after every other target until @duration_us have passed on the
 * clock.  Targets match on transport and address (WS without address: URL). */
void tc_sip_resolver_blacklist (TcSipResolver *self, const TcSipTarget *target, gint64 duration_us);
gboolean tc_sip_resolver_is_blacklisted (TcSipResolver *self, const TcSipTarget *target);

G_END_DECLS
