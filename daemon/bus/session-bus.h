/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session-bus.h — TcSessionBus: org.tincan.Tincan1.Session and .Media for
 * one TcSession, at <endpoint path>/session/<id>.
 */
#pragma once

#include "bus/caller.h"
#include "core/session.h"

G_BEGIN_DECLS

#define TC_TYPE_SESSION_BUS (tc_session_bus_get_type ())
G_DECLARE_FINAL_TYPE (TcSessionBus, tc_session_bus, TC, SESSION_BUS, GObject)

/* The object path of session @id of the endpoint at @endpoint_path. */
char *tc_session_bus_path (const char *endpoint_path, guint id);

/* @session: a reference is taken.  @callers: tracks the senders of the
 * calls held until a SIP transaction completes (Hold, Resume, SendInfo). */
TcSessionBus *tc_session_bus_new (TcSession *session, const char *endpoint_path, TcBusCallers *callers);

TcSession *tc_session_bus_get_session (TcSessionBus *self);
const char *tc_session_bus_get_path (TcSessionBus *self);
/* Session and Media at tc_session_bus_get_path() on @connection; the
 * object manager's InterfacesAdded is the caller's to emit. */
gboolean tc_session_bus_export (TcSessionBus *self, GDBusConnection *connection, GError **error);
/* Idempotent. */
void tc_session_bus_unexport (TcSessionBus *self);

/* a{sa{sv}}: each interface and its properties (GetManagedObjects,
 * InterfacesAdded). */
GVariant *tc_session_bus_get_interfaces (TcSessionBus *self);

/* The names of those interfaces, NULL-terminated (InterfacesRemoved). */
extern const char *const tc_session_bus_interfaces[];

/* Answers every call still held with Error.Aborted and @why, and stops
 * forwarding the session's signals. */
void tc_session_bus_abort (TcSessionBus *self, const char *why);

G_END_DECLS
