/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * settings-private.h — the parts of TcEndpointSettings in other files.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* settings-defaults.c: the values an unset key takes, derived from the
 * endpoint's URI (@uri_text, possibly NULL or not a URI). */

/* The registrar: the host (and port) of the URI, RFC 3261 §10.2, with its
 * scheme, so that a sips: address of record registers over TLS; NULL
 * without a host. */
char *tc_settings_default_registrar (const char *uri_text);

/* The digest user name: the URI's user part; NULL without one, or when it
 * holds NUL or non-UTF-8 octets. */
char *tc_settings_default_auth_username (const char *uri_text);

gboolean tc_settings_uri_is_sips (const char *uri_text);

/* "tls" for a sips: URI (RFC 3261 §26.2.2: TLS on every hop), else "udp". */
const char *tc_settings_default_transport (const char *uri_text);

G_END_DECLS
