/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * trace.c — the SIP message trace (trace.h).
 */
#include "sip/trace.h"

#include <string.h>

static gboolean trace_enabled;

void
tc_sip_trace_set_enabled (gboolean enabled)
{
  trace_enabled = enabled;
}

gboolean
tc_sip_trace_get_enabled (void)
{
  return trace_enabled;
}

static gboolean
is_credentials_header (const char *line, gsize len)
{
  static const char *const names[] = { "authorization:", "proxy-authorization:" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gsize n = strlen (names[i]);

      if (len >= n && g_ascii_strncasecmp (line, names[i], n) == 0)
        return TRUE;
    }
  return FALSE;
}

/* "Authorization: Digest username="alice", …" → "Authorization: Digest
 * username="alice", <masked>". */
static void
append_masked (GString *out, const char *line, gsize len)
{
  const char *colon = memchr (line, ':', len);
  const char *user = g_strstr_len (line, len, "username=");
  const char *end = line + len;

  g_string_append_len (out, line, colon - line + 1);
  g_string_append (out, " ");
  for (const char *p = colon + 1; p < end && (*p == ' ' || *p == '\t'); p++)
    colon = p;
  {
    const char *scheme = colon + 1;
    const char *scheme_end = scheme;

    while (scheme_end < end && *scheme_end != ' ')
      scheme_end++;
    g_string_append_len (out, scheme, scheme_end - scheme);
  }
  if (user)
    {
      const char *user_end = user + strlen ("username=");

      if (user_end < end && *user_end == '"')
        {
          user_end++;
          while (user_end < end && *user_end != '"')
            user_end++;
          if (user_end < end)
            user_end++;
        }
      else
        while (user_end < end && *user_end != ',' && *user_end != ' ')
          user_end++;
      g_string_append (out, " ");
      g_string_append_len (out, user, user_end - user);
    }
  g_string_append (out, ", <masked>");
}

char *
tc_sip_trace_mask (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  const char *end = data + size;
  const char *body = g_strstr_len (data, size, "\r\n\r\n");
  GString *out = g_string_sized_new (size + 16);
  const char *p = data;

  if (!body)
    body = end;
  while (p < body)
    {
      const char *eol = g_strstr_len (p, body - p, "\r\n");
      gsize len = (eol ? eol : body) - p;

      if (is_credentials_header (p, len))
        append_masked (out, p, len);
      else
        g_string_append_len (out, p, len);
      g_string_append (out, "\r\n");
      p += len + (eol ? 2 : 0);
    }
  if (body < end)
    {
      g_string_append (out, "\r\n");
      g_string_append_len (out, body + 4, end - body - 4);
    }
  /* Bodies may hold anything; the log gets valid UTF-8. */
  if (!g_utf8_validate (out->str, out->len, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, out->len);

      g_string_free (out, TRUE);
      return valid;
    }
  return g_string_free (out, FALSE);
}

void
tc_sip_trace_log (gboolean outgoing, TcSipTransportType type, GInetSocketAddress *remote, const char *remote_text,
                  GBytes *bytes)
{
  g_autofree char *text = NULL;
  g_autofree char *address = NULL;

  if (!trace_enabled)
    return;
  text = tc_sip_trace_mask (bytes);
  if (remote)
    {
      g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (remote));

      address = g_strdup_printf ("%s:%u", host, g_inet_socket_address_get_port (remote));
    }
  g_log_structured ("tincan-sip-trace", G_LOG_LEVEL_MESSAGE, "SIP_DIRECTION", outgoing ? "send" : "recv",
                    "SIP_TRANSPORT", tc_sip_transport_type_to_string (type), "SIP_REMOTE",
                    address ? address : (remote_text ? remote_text : "?"), "MESSAGE", "%s %s %s\n%s",
                    outgoing ? "send to" : "recv from", tc_sip_transport_type_to_string (type),
                    address ? address : (remote_text ? remote_text : "?"), text);
}
