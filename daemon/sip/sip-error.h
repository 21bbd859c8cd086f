/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sip-error.h — TC_SIP_ERROR, the error domain of the SIP stack.
 *
 * A parse error carries, besides its code and a precise message, the SIP
 * status a UAS answers with (400, 414, 416, 505, 513…): read it with
 * tc_sip_error_get_status().  The message text is suitable as the reason
 * phrase of that response.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TcSipErrorCode:
 * @TC_SIP_ERROR_PARSE: the input is not a well-formed SIP message or URI
 * @TC_SIP_ERROR_UNSUPPORTED_VERSION: the SIP version is not 2.0 (answer 505)
 * @TC_SIP_ERROR_UNSUPPORTED_SCHEME: the URI scheme is not sip, sips or tel (answer 416)
 * @TC_SIP_ERROR_TOO_LARGE: the message exceeds the configured size limit (answer 513)
 * @TC_SIP_ERROR_LIMIT: a header count or header length limit was exceeded
 * @TC_SIP_ERROR_TRUNCATED: the message ends before its Content-Length says
 * @TC_SIP_ERROR_INVALID_ARGUMENT: a value given to a builder is not valid SIP
 * @TC_SIP_ERROR_TIMEOUT: a request got no final response in time (Timer B or F;
 *   the TU treats it as 408, RFC 3261 §8.1.3.1)
 * @TC_SIP_ERROR_AUTH_UNSUPPORTED: no challenge in a 401/407 uses a scheme,
 *   algorithm or qop this stack supports
 * @TC_SIP_ERROR_AUTH_REJECTED: the credentials were refused (a new challenge
 *   after a fresh one was answered, without stale=true)
 * @TC_SIP_ERROR_TRANSACTION_EXISTS: a transaction with this branch exists
 * @TC_SIP_ERROR_NO_TARGET: no server could be located for a URI (RFC 3263),
 *   or every target failed
 * @TC_SIP_ERROR_REDIRECT_LOOP: a redirect led back to a URI already tried,
 *   or past the redirect limit
 * @TC_SIP_ERROR_CANCELLED: the request was cancelled before it went out
 *
 * Error codes in the %TC_SIP_ERROR domain.
 */
typedef enum {
  TC_SIP_ERROR_PARSE,
  TC_SIP_ERROR_UNSUPPORTED_VERSION,
  TC_SIP_ERROR_UNSUPPORTED_SCHEME,
  TC_SIP_ERROR_TOO_LARGE,
  TC_SIP_ERROR_LIMIT,
  TC_SIP_ERROR_TRUNCATED,
  TC_SIP_ERROR_INVALID_ARGUMENT,
  TC_SIP_ERROR_TIMEOUT,
  TC_SIP_ERROR_AUTH_UNSUPPORTED,
  TC_SIP_ERROR_AUTH_REJECTED,
  TC_SIP_ERROR_TRANSACTION_EXISTS,
  TC_SIP_ERROR_NO_TARGET,
  TC_SIP_ERROR_REDIRECT_LOOP,
  TC_SIP_ERROR_CANCELLED,
} TcSipErrorCode;

#define TC_SIP_ERROR (tc_sip_error_quark ())
GQuark tc_sip_error_quark (void);

void tc_sip_set_error (GError **error, TcSipErrorCode code, guint status, const char *format, ...) G_GNUC_PRINTF (4, 5);

guint tc_sip_error_get_status (const GError *error);

G_END_DECLS
