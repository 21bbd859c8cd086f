/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * caller.h — method calls held while core works on them, bound to the
 * client that made them (style.md B7).
 *
 * A TcBusCall holds one GDBusMethodInvocation and the GCancellable of the
 * work it started.  When the caller's unique name leaves the bus the work
 * is cancelled (power-profiles-daemon's holder_disappeared, resolved's
 * sd_bus_track); core then finishes it with TC_CORE_ERROR_ABORTED.  The
 * invocation is answered exactly once: whoever answers takes it with
 * tc_bus_call_steal_invocation() (resolved's dns_query_steal_request), and
 * tc_bus_call_abort() answers Error.Aborted when an adapter goes away
 * first (iwd's network_unregister).
 *
 * TcBusCallers watches each unique name once (g_bus_watch_name_on_connection,
 * i.e. NameOwnerChanged), however many calls it has in flight, and stops
 * watching when the last of them is freed.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TC_BUS_TYPE_CALLERS (tc_bus_callers_get_type ())
G_DECLARE_FINAL_TYPE (TcBusCallers, tc_bus_callers, TC_BUS, CALLERS, GObject)

/* @connection: where the calls arrive (a reference is taken). */
TcBusCallers *tc_bus_callers_new (GDBusConnection *connection);

typedef struct _TcBusCall TcBusCall;

/* Holds @invocation (transfer full) and watches its sender. */
TcBusCall *tc_bus_call_new (TcBusCallers *callers, GDBusMethodInvocation *invocation);
TcBusCall *tc_bus_call_ref (TcBusCall *call);
/* Freeing a call whose invocation is still held is a bug: it is answered
 * Error.Aborted and logged. */
void tc_bus_call_unref (TcBusCall *call);

/* Cancelled when the caller leaves the bus or the call is aborted.
 * (transfer none) */
GCancellable *tc_bus_call_get_cancellable (TcBusCall *call);

/* The held invocation, (transfer full), once; NULL when it was already
 * taken (answered, or aborted). */
GDBusMethodInvocation *tc_bus_call_steal_invocation (TcBusCall *call);

/* Answers the invocation, if still held, with Error.Aborted and @why, and
 * cancels the work.  The work's own completion then finds nothing to
 * answer. */
void tc_bus_call_abort (TcBusCall *call, const char *why);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcBusCall, tc_bus_call_unref)

G_END_DECLS
