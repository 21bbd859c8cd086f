/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-bus.h — TcManagerBus: the TcManager on the bus as
 * org.tincan.Tincan1.Manager at /org/tincan/Tincan1, which is also the
 * org.freedesktop.DBus.ObjectManager root of the endpoints
 * (/org/tincan/Tincan1/endpoint/<id>, TcEndpointBus).  Endpoints are
 * exported and unexported as the manager emits "endpoint-added" and
 * "endpoint-removed" (style.md B7).
 */
#pragma once

#include "core/manager.h"

G_BEGIN_DECLS

#define TC_MANAGER_BUS_PATH "/org/tincan/Tincan1"

#define TC_TYPE_MANAGER_BUS (tc_manager_bus_get_type ())
G_DECLARE_FINAL_TYPE (TcManagerBus, tc_manager_bus, TC, MANAGER_BUS, GObject)

/* References to @manager and @connection are taken; nothing is exported
 * yet. */
TcManagerBus *tc_manager_bus_new (TcManager *manager, GDBusConnection *connection);

/* Exports the manager, the object manager and the endpoints the manager
 * already has, and from then on follows it.  Done before the bus name is
 * requested, so that a client that sees the name sees the objects. */
gboolean tc_manager_bus_export (TcManagerBus *self, GError **error);

/* Answers every call still held (CreateEndpoint, SendMessage) with
 * Error.Aborted and removes every object from the bus; idempotent. */
void tc_manager_bus_unexport (TcManagerBus *self);

G_END_DECLS
