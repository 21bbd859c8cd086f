/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * errors.h — TC_CORE_ERROR <-> org.tincan.Tincan1.Error.* (dbus-api.md),
 * and the one way a bus adapter answers a method call with an error.
 */
#pragma once

#include <gio/gio.h>

#include "core/core-error.h"

G_BEGIN_DECLS

#define TC_BUS_ERROR_PREFIX "org.tincan.Tincan1.Error."

/* Registers the D-Bus names of TC_CORE_ERROR; idempotent. */
void tc_bus_errors_register (void);

/* The D-Bus error name a reply with @error carries: the registered name of
 * a TC_CORE_ERROR code, Error.Aborted for G_IO_ERROR_CANCELLED, and
 * Error.Failed for anything else. */
const char *tc_bus_error_name (const GError *error);

/**
 * tc_bus_return_gerror:
 * @invocation: (transfer full): the call to answer
 * @error: (transfer full): why it failed
 *
 * Answers @invocation with the named error of @error (tc_bus_error_name())
 * and its message.  An error of another domain than TC_CORE_ERROR reaching
 * a reply is a bug in core (style.md B6): it is logged with g_warning and
 * sent as Error.Failed, never passed through under a SIP or GLib name.
 *
 * Returns: %G_DBUS_METHOD_INVOCATION_HANDLED, for a handle-* callback.
 */
gboolean tc_bus_return_gerror (GDBusMethodInvocation *invocation, GError *error);

/* Answers @invocation with TC_CORE_ERROR @code and a formatted message.
 * Returns %G_DBUS_METHOD_INVOCATION_HANDLED. */
gboolean tc_bus_return_error (GDBusMethodInvocation *invocation, TcCoreErrorCode code, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

G_END_DECLS
