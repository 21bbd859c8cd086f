/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-bus.h — TcEndpointBus: one TcEndpoint on the bus as
 * org.tincan.Tincan1.Endpoint at /org/tincan/Tincan1/endpoint/<id>
 * (style.md B7: the adapter holds the core object and a
 * TcDBusObjectSkeleton; it translates and does nothing else).
 *
 * TcManagerBus exports tc_endpoint_bus_get_object() through its
 * GDBusObjectManagerServer and calls tc_endpoint_bus_abort() before
 * unexporting it.
 */
#pragma once

#include "bus/caller.h"
#include "core/endpoint.h"

G_BEGIN_DECLS

#define TC_ENDPOINT_BUS_PATH_PREFIX "/org/tincan/Tincan1/endpoint/"

#define TC_TYPE_ENDPOINT_BUS (tc_endpoint_bus_get_type ())
G_DECLARE_FINAL_TYPE (TcEndpointBus, tc_endpoint_bus, TC, ENDPOINT_BUS, GObject)

/* The object path of the endpoint with @id, or NULL (logged) when @id
 * cannot be a path element. */
char *tc_endpoint_bus_path_for_id (const char *id);

/* @endpoint: a reference is taken.  @callers: tracks the senders of the
 * calls it holds.  NULL when the endpoint's id cannot be a path element. */
TcEndpointBus *tc_endpoint_bus_new (TcEndpoint *endpoint, TcBusCallers *callers);

TcEndpoint *tc_endpoint_bus_get_endpoint (TcEndpointBus *self);
const char *tc_endpoint_bus_get_path (TcEndpointBus *self);
/* (transfer none): what to export in the object manager. */
GDBusObjectSkeleton *tc_endpoint_bus_get_object (TcEndpointBus *self);

/* Adds @hook as an emission hook of TcEndpoint's @signal (hooks run in the
 * order added, before the handlers): how the bus follows a signal of every
 * endpoint without a handler on each.  tc_endpoint_bus_new() adds the
 * adapters' own first. */
gulong tc_endpoint_bus_add_hook (const char *signal, GSignalEmissionHook hook, gpointer data);
void tc_endpoint_bus_remove_hook (const char *signal, gulong hook_id);

/* Answers every call still held with Error.Aborted and the message @why,
 * cancels their work and stops following the endpoint; done before the
 * object is unexported.  Idempotent. */
void tc_endpoint_bus_abort (TcEndpointBus *self, const char *why);

G_END_DECLS
