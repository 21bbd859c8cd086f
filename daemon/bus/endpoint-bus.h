/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-bus.h — TcEndpointBus: one TcEndpoint on the bus as
 * org.tincan.Tincan1.Endpoint at /org/tincan/Tincan1/endpoint/<id>
 * (style.md B7: the adapter holds the core object; it translates and does
 * nothing else).
 *
 * An adapter has no GDBus object of its own: TcManagerBus serves every
 * endpoint through one subtree registration and hands each call to its
 * adapter (tc_endpoint_bus_method_call(), tc_endpoint_bus_get_property()).
 * The adapter emits the interface's signals and PropertiesChanged itself.
 */
#pragma once

#include "bus/caller.h"
#include "core/endpoint.h"

G_BEGIN_DECLS

/* Every endpoint is a node of this subtree (TcManagerBus). */
#define TC_ENDPOINT_BUS_SUBTREE "/org/tincan/Tincan1/endpoint"
#define TC_ENDPOINT_BUS_PATH_PREFIX TC_ENDPOINT_BUS_SUBTREE "/"
#define TC_ENDPOINT_BUS_INTERFACE "org.tincan.Tincan1.Endpoint"

#define TC_TYPE_ENDPOINT_BUS (tc_endpoint_bus_get_type ())
G_DECLARE_FINAL_TYPE (TcEndpointBus, tc_endpoint_bus, TC, ENDPOINT_BUS, GObject)

/* The object path of the endpoint with @id, or NULL (logged) when @id
 * cannot be a path element. */
char *tc_endpoint_bus_path_for_id (const char *id);

/* The generated description of the interface (gdbus-codegen). */
GDBusInterfaceInfo *tc_endpoint_bus_interface_info (void);

/* @endpoint: a reference is taken.  @connection: where its signals go.
 * @callers: tracks the senders of the calls it holds.  NULL when the
 * endpoint's id cannot be a path element. */
TcEndpointBus *tc_endpoint_bus_new (TcEndpoint *endpoint, GDBusConnection *connection, TcBusCallers *callers);

/* The adapter of @endpoint while it is on the bus (until
 * tc_endpoint_bus_abort()), or NULL. */
TcEndpointBus *tc_endpoint_bus_find (TcEndpoint *endpoint);

TcEndpoint *tc_endpoint_bus_get_endpoint (TcEndpointBus *self);
const char *tc_endpoint_bus_get_path (TcEndpointBus *self);

/* A method call of the interface, its signature already checked by the
 * connection against tc_endpoint_bus_interface_info(). */
void tc_endpoint_bus_method_call (TcEndpointBus *self, const char *method_name, GVariant *parameters,
                                  GDBusMethodInvocation *invocation);

/* The value of the property @name (Properties.Get and GetAll), or NULL
 * with @error set for a name the interface does not have. */
GVariant *tc_endpoint_bus_get_property (TcEndpointBus *self, const char *name, GError **error);

/* Every property, a{sv}: for GetManagedObjects and InterfacesAdded. */
GVariant *tc_endpoint_bus_get_properties (TcEndpointBus *self);

/* Adds @hook as an emission hook of TcEndpoint's @signal (hooks run in the
 * order added, before the handlers): how the bus follows a signal of every
 * endpoint without a handler on each.  tc_endpoint_bus_new() adds the
 * adapters' own first. */
gulong tc_endpoint_bus_add_hook (const char *signal, GSignalEmissionHook hook, gpointer data);
void tc_endpoint_bus_remove_hook (const char *signal, gulong hook_id);

/* Answers every call still held with Error.Aborted and the message @why,
 * cancels their work and stops following the endpoint: nothing is emitted
 * for it any more.  Done before it leaves the bus.  Idempotent. */
void tc_endpoint_bus_abort (TcEndpointBus *self, const char *why);

G_END_DECLS
