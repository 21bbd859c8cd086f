/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * details.c — the a{sv} details of events (details.h): "sip-message" as
 * (sa(ss)ay) — start line, headers in order as received, body — and
 * "cause".
 *
 * The start line is written as tc_sip_message_to_bytes() writes it
 * ("MESSAGE sip:bob@biloxi.com SIP/2.0", "SIP/2.0 200 OK"), without CRLF.
 * Header names and values are the message's own text.  D-Bus strings must
 * be UTF-8 while SIP values may carry any octet the parser accepts, so a
 * value that is not valid UTF-8 has its bad sequences replaced by U+FFFD
 * (the body, an "ay", is passed as it is).  Every variant returned is
 * floating.
 */
#include "core/details.h"

#include <string.h>

#include "sip/parser.h"

/* A UTF-8 copy of @s: as it is when valid, else with U+FFFD for the bad
 * sequences (and NULs). */
static char *
utf8_dup (const char *s, gsize len)
{
  if (s == NULL)
    return g_strdup ("");
  if (g_utf8_validate_len (s, len, NULL))
    return g_strndup (s, len);
  return g_utf8_make_valid (s, (gssize) len);
}

static char *
start_line (TcSipMessage *message)
{
  g_autofree char *line = NULL;

  if (tc_sip_message_is_request (message))
    {
      TcSipStr method = tc_sip_message_get_method_name (message);
      TcSipStr uri = tc_sip_message_get_request_uri_text (message);

      line = g_strdup_printf ("%.*s %.*s SIP/2.0", (int) method.len, method.str ? method.str : "", (int) uri.len,
                              uri.str ? uri.str : "");
    }
  else
    {
      TcSipStr reason = tc_sip_message_get_reason (message);

      line = g_strdup_printf ("SIP/2.0 %03u %.*s", tc_sip_message_get_status (message), (int) reason.len,
                              reason.str ? reason.str : "");
    }
  return utf8_dup (line, strlen (line));
}

GVariant *
tc_details_sip_message (TcSipMessage *message)
{
  g_autofree char *line = NULL;
  GVariantBuilder headers;
  TcSipStr body;
  guint n, i;

  g_return_val_if_fail (message != NULL, NULL);

  line = start_line (message);
  g_variant_builder_init (&headers, G_VARIANT_TYPE ("a(ss)"));
  n = tc_sip_message_get_n_headers (message);
  for (i = 0; i < n; i++)
    {
      const TcSipHeader *header = tc_sip_message_get_header (message, i);
      g_autofree char *name = utf8_dup (header->name.str, header->name.len);
      g_autofree char *value = utf8_dup (header->value.str, header->value.len);

      g_variant_builder_add (&headers, "(ss)", name, value);
    }
  body = tc_sip_message_get_body (message);
  return g_variant_new ("(sa(ss)@ay)", line, &headers,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, body.str ? body.str : "", body.len, 1));
}

GVariant *
tc_details_sip_message_from_bytes (GBytes *raw)
{
  g_autoptr (TcSipMessage) message = NULL;
  g_autoptr (GError) error = NULL;
  TcSipParserLimits limits;

  if (raw == NULL)
    return NULL;

  /* The stack accepted it once under its own limits; only the size may
   * have been above the datagram default (a stream transport). */
  tc_sip_parser_limits_init (&limits);
  limits.max_message_size = MAX (limits.max_message_size, g_bytes_get_size (raw));
  message = tc_sip_message_parse_datagram (raw, &limits, &error);
  if (message == NULL)
    {
      g_debug ("details: stored SIP message does not parse: %s", error->message);
      return NULL;
    }
  return tc_details_sip_message (message);
}

void
tc_details_add (GVariantBuilder *builder, TcSipMessage *message, const char *cause)
{
  if (message != NULL)
    g_variant_builder_add (builder, "{sv}", "sip-message", tc_details_sip_message (message));
  if (cause != NULL)
    g_variant_builder_add (builder, "{sv}", "cause", g_variant_new_string (cause));
}

GVariant *
tc_details_new (TcSipMessage *message, const char *cause)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  tc_details_add (&builder, message, cause);
  return g_variant_builder_end (&builder);
}
