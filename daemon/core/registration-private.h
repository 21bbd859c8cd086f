/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration-private.h — the parts of TcRegistration in other files.
 */
#pragma once

#include "core/registration.h"
#include "sip/message.h"

G_BEGIN_DECLS

/* registration-util.c: what is decided without a registration's state. */

/* When to refresh a binding granted for @granted seconds: after
 * U(0.5, 0.8) of its lifetime, so that bindings made together do not
 * refresh together, and at least 5 s before it expires (for a lifetime
 * too short for both: at half of it). */
gint64 tc_registration_refresh_delay (guint granted);

/* RFC 5626 §4.5: min(@max_us, @base_us·2^n) × U(0.5, 1), n the failures
 * before this one (so the first retry comes after base/2 to base). */
gint64 tc_registration_backoff_delay (gint64 base_us, gint64 max_us, guint n_failures);

/* The RFC 3261 equivalent of a failure without a response: 408 timeout,
 * 487 cancelled, 500 invalid-request, else 503 transport-error; @reason
 * and @cause are static or @error's message (registration.h). */
guint tc_registration_local_status (const GError *error, const char **reason, const char **cause);

/* Whether a REGISTER's final @status (from a response, or
 * tc_registration_local_status()) is worth a retry later ("error") rather
 * than "rejected": 408, 480 and 5xx, and local failures other than an
 * invalid request. */
gboolean tc_registration_status_is_retryable (guint status, gboolean from_response);

/* "tcp:192.0.2.50:5060" for the log and the "connection-lost" signal;
 * @registrar when the flow has no remote address. */
char *tc_registration_describe_flow (const char *registrar, TcSipFlow *flow);

/* A flow a binding can be refreshed over: reliable and open. */
gboolean tc_registration_flow_is_usable (TcSipFlow *flow);

/* Our Contact among @response's bindings: the one with the URI of the
 * Contact @sent carried, else the one with @instance_id (nullable) as its
 * +sip.instance; NULL when the registrar did not bind us.  Borrowed from
 * @response. */
const TcSipContact *tc_registration_find_contact (const char *instance_id, TcSipMessage *sent, TcSipMessage *response);

G_END_DECLS
