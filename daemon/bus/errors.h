/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * errors.h — TC_CORE_ERROR <-> org.tincan.Tincan1.Error.* (dbus-api.md).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TC_BUS_ERROR_PREFIX "org.tincan.Tincan1.Error."

/* Registers the D-Bus names of TC_CORE_ERROR; idempotent. */
void tc_bus_errors_register (void);

G_END_DECLS
