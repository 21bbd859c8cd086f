/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * core-error.h — TC_CORE_ERROR, the only error domain the D-Bus layer maps
 * (style.md B6).  Each code has a D-Bus name org.tincan.Tincan1.Error.<Name>
 * registered by bus/errors.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TcCoreErrorCode:
 * @TC_CORE_ERROR_FAILED: an unexpected failure (Error.Failed)
 * @TC_CORE_ERROR_INVALID_ARGS: bad input from a client (Error.InvalidArgs)
 * @TC_CORE_ERROR_NOT_FOUND: no such object (Error.NotFound)
 * @TC_CORE_ERROR_BUSY: the object is busy with another operation (Error.Busy)
 * @TC_CORE_ERROR_NOT_SUPPORTED: not supported by us or by the peer (Error.NotSupported)
 * @TC_CORE_ERROR_REJECTED: the peer answered with a final error response (Error.Rejected)
 * @TC_CORE_ERROR_TIMEOUT: no answer in time (Error.Timeout)
 * @TC_CORE_ERROR_TRANSPORT: the network failed (Error.Transport)
 * @TC_CORE_ERROR_AUTH: authentication failed (Error.Auth)
 * @TC_CORE_ERROR_ABORTED: the operation was ended before completion (Error.Aborted)
 * @TC_CORE_ERROR_INVALID_STATE: not possible in the object's current state, e.g. Accept on an outgoing call (Error.InvalidState)
 */
typedef enum {
  TC_CORE_ERROR_FAILED,
  TC_CORE_ERROR_INVALID_ARGS,
  TC_CORE_ERROR_NOT_FOUND,
  TC_CORE_ERROR_BUSY,
  TC_CORE_ERROR_NOT_SUPPORTED,
  TC_CORE_ERROR_REJECTED,
  TC_CORE_ERROR_TIMEOUT,
  TC_CORE_ERROR_TRANSPORT,
  TC_CORE_ERROR_AUTH,
  TC_CORE_ERROR_ABORTED,
  TC_CORE_ERROR_INVALID_STATE,
} TcCoreErrorCode;

#define TC_CORE_N_ERRORS (TC_CORE_ERROR_INVALID_STATE + 1)

#define TC_CORE_ERROR (tc_core_error_quark ())
GQuark tc_core_error_quark (void);

G_END_DECLS
