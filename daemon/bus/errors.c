/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * errors.c — registers the D-Bus names of TC_CORE_ERROR, so that a GError
 * returned through g_dbus_method_invocation_return_gerror() reaches clients
 * as org.tincan.Tincan1.Error.<Name> (xdg-desktop-portal's pattern).
 */
#include "bus/errors.h"

#include "core/core-error.h"

static const GDBusErrorEntry core_error_entries[] = {
  { TC_CORE_ERROR_FAILED, TC_BUS_ERROR_PREFIX "Failed" },
  { TC_CORE_ERROR_INVALID_ARGS, TC_BUS_ERROR_PREFIX "InvalidArgs" },
  { TC_CORE_ERROR_NOT_FOUND, TC_BUS_ERROR_PREFIX "NotFound" },
  { TC_CORE_ERROR_BUSY, TC_BUS_ERROR_PREFIX "Busy" },
  { TC_CORE_ERROR_NOT_SUPPORTED, TC_BUS_ERROR_PREFIX "NotSupported" },
  { TC_CORE_ERROR_REJECTED, TC_BUS_ERROR_PREFIX "Rejected" },
  { TC_CORE_ERROR_TIMEOUT, TC_BUS_ERROR_PREFIX "Timeout" },
  { TC_CORE_ERROR_TRANSPORT, TC_BUS_ERROR_PREFIX "Transport" },
  { TC_CORE_ERROR_AUTH, TC_BUS_ERROR_PREFIX "Auth" },
  { TC_CORE_ERROR_ABORTED, TC_BUS_ERROR_PREFIX "Aborted" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (core_error_entries) == TC_CORE_N_ERRORS);

void
tc_bus_errors_register (void)
{
  static gsize registered = 0;

  g_dbus_error_register_error_domain ("tc-core-error-quark", &registered, core_error_entries,
                                      G_N_ELEMENTS (core_error_entries));
}
