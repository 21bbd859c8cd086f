/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * settings-defaults.c — what an endpoint's unset settings default to,
 * derived from its address of record (settings-private.h).
 */
#include "core/settings-private.h"

#include <string.h>

#include "sip/uri.h"

char *
tc_settings_default_registrar (const char *uri_text)
{
  g_autoptr (TcSipUri) uri = uri_text ? tc_sip_uri_parse (uri_text, -1, NULL) : NULL;
  g_autoptr (TcSipUri) registrar = NULL;

  if (uri == NULL || tc_sip_uri_get_host (uri) == NULL)
    return NULL;
  registrar = tc_sip_uri_new (tc_sip_uri_get_scheme (uri), NULL, tc_sip_uri_get_host (uri), tc_sip_uri_get_port (uri));
  return tc_sip_uri_to_string (registrar);
}

char *
tc_settings_default_auth_username (const char *uri_text)
{
  g_autoptr (TcSipUri) uri = uri_text ? tc_sip_uri_parse (uri_text, -1, NULL) : NULL;
  const char *user;
  gsize len = 0;

  if (uri == NULL || (user = tc_sip_uri_get_user (uri, &len)) == NULL || len == 0)
    return NULL;
  /* a decoded user may hold NUL or non-UTF-8 octets: no default then */
  if (memchr (user, '\0', len) != NULL || !g_utf8_validate (user, len, NULL))
    return NULL;
  return g_strndup (user, len);
}

gboolean
tc_settings_uri_is_sips (const char *uri_text)
{
  return uri_text && g_ascii_strncasecmp (uri_text, "sips:", 5) == 0;
}

const char *
tc_settings_default_transport (const char *uri_text)
{
  return tc_settings_uri_is_sips (uri_text) ? "tls" : "udp";
}
