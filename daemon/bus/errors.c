/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * errors.c — registers the D-Bus names of TC_CORE_ERROR, so that a GError
 * returned through g_dbus_method_invocation_return_gerror() reaches clients
 * as org.tincan.Tincan1.Error.<Name> (xdg-desktop-portal's pattern), and
 * answers method calls with those names (tc_bus_return_gerror).
 */
#include "bus/errors.h"

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
  { TC_CORE_ERROR_INVALID_STATE, TC_BUS_ERROR_PREFIX "InvalidState" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (core_error_entries) == TC_CORE_N_ERRORS);

void
tc_bus_errors_register (void)
{
  static gsize registered = 0;

  g_dbus_error_register_error_domain ("tc-core-error-quark", &registered, core_error_entries,
                                      G_N_ELEMENTS (core_error_entries));
}

static const char *
core_error_name (int code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (core_error_entries); i++)
    {
      if (core_error_entries[i].error_code == code)
        return core_error_entries[i].dbus_error_name;
    }
  return NULL;
}

const char *
tc_bus_error_name (const GError *error)
{
  const char *name = NULL;

  g_return_val_if_fail (error != NULL, TC_BUS_ERROR_PREFIX "Failed");

  if (error->domain == TC_CORE_ERROR)
    name = core_error_name (error->code);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    name = TC_BUS_ERROR_PREFIX "Aborted";
  return name ? name : TC_BUS_ERROR_PREFIX "Failed";
}

gboolean
tc_bus_return_gerror (GDBusMethodInvocation *invocation, GError *error)
{
  g_autoptr (GError) owned = error;

  g_return_val_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation), G_DBUS_METHOD_INVOCATION_HANDLED);
  g_return_val_if_fail (error != NULL, G_DBUS_METHOD_INVOCATION_HANDLED);

  if ((error->domain != TC_CORE_ERROR || !core_error_name (error->code)) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("%s.%s: error %s:%d reached the bus unmapped (a bug in core): %s",
               g_dbus_method_invocation_get_interface_name (invocation),
               g_dbus_method_invocation_get_method_name (invocation), g_quark_to_string (error->domain), error->code,
               error->message);

  g_dbus_method_invocation_return_dbus_error (invocation, tc_bus_error_name (error), error->message);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
tc_bus_return_error (GDBusMethodInvocation *invocation, TcCoreErrorCode code, const char *format, ...)
{
  va_list args;
  GError *error;

  va_start (args, format);
  error = g_error_new_valist (TC_CORE_ERROR, code, format, args);
  va_end (args);
  return tc_bus_return_gerror (invocation, error);
}
