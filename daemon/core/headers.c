/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * headers.c — what core writes into SIP headers itself: extra header
 * pairs (validated against the headers the stack owns) and name-addr
 * values for From and To.
 */
#include "core/headers.h"

#include <string.h>

#include "core/core-error.h"
#include "sip/header.h"

void
tc_header_pair_clear (TcHeaderPair *pair)
{
  g_clear_pointer (&pair->name, g_free);
  g_clear_pointer (&pair->value, g_free);
}

GArray *
tc_header_pairs_new (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (TcHeaderPair));

  g_array_set_clear_func (array, (GDestroyNotify) tc_header_pair_clear);
  return array;
}

GArray *
tc_header_pairs_ref_empty (void)
{
  static GArray *empty;

  /* Thousands of endpoints have no extra headers: one array for all. */
  if (g_once_init_enter (&empty))
    g_once_init_leave (&empty, tc_header_pairs_new ());
  return g_array_ref (empty);
}

GArray *
tc_header_pairs_copy (const GArray *array)
{
  GArray *copy = tc_header_pairs_new ();
  guint i;

  for (i = 0; array && i < array->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (array, TcHeaderPair, i);
      TcHeaderPair dup = { g_strdup (pair->name), g_strdup (pair->value) };

      g_array_append_val (copy, dup);
    }
  return copy;
}

/* The first control character in @s other than HTAB, or 0. */
guchar
tc_text_find_control (const char *s)
{
  for (; *s; s++)
    if (((guchar) *s < 0x20 && *s != '\t') || *s == 0x7f)
      return (guchar) *s;
  return 0;
}

const char *
tc_text_control_name (guchar c)
{
  switch (c)
    {
    case '\r':
      return "CR";
    case '\n':
      return "LF";
    default:
      return "a control character";
    }
}

/**
 * tc_header_pair_validate:
 * @name: a header name
 * @value: its value
 *
 * Returns: %TRUE when the pair may be added to a request; else
 *   %TC_CORE_ERROR_INVALID_ARGS naming the header and what is wrong
 */
gboolean
tc_header_pair_validate (const char *name, const char *value, GError **error)
{
  static const TcSipHeaderId refused[] = {
    TC_SIP_HEADER_VIA,   TC_SIP_HEADER_FROM,         TC_SIP_HEADER_TO,      TC_SIP_HEADER_CALL_ID,
    TC_SIP_HEADER_CSEQ,  TC_SIP_HEADER_MAX_FORWARDS, TC_SIP_HEADER_CONTACT, TC_SIP_HEADER_CONTENT_LENGTH,
    TC_SIP_HEADER_ROUTE, TC_SIP_HEADER_RECORD_ROUTE,
  };
  g_autoptr (GError) token_error = NULL;
  TcSipStr token;
  TcSipHeaderId id;
  guchar c;
  guint i;

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "header name is empty");
      return FALSE;
    }
  /* RFC 3261 §25.1: header-name = token */
  if (!tc_sip_parse_token (tc_sip_str (name, strlen (name)), &token, &token_error))
    {
      g_autofree char *shown = g_strescape (name, NULL);

      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "header name \"%s\" is not an RFC 3261 token",
                   shown);
      return FALSE;
    }
  /* the stack's header table knows the compact forms (v f t i l m) */
  id = tc_sip_header_id_from_name (name, strlen (name));
  for (i = 0; i < G_N_ELEMENTS (refused); i++)
    if (id == refused[i])
      {
        g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS,
                     "header %s (%s) is set by the SIP stack and cannot be added", name, tc_sip_header_id_to_name (id));
        return FALSE;
      }
  if (value == NULL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "header %s has no value", name);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "header %s: the value is not valid UTF-8", name);
      return FALSE;
    }
  /* CR and LF would end the header (injection); NUL cannot be sent */
  c = tc_text_find_control (value);
  if (c != 0)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS,
                   "header %s: the value contains %s (0x%02x); CR, LF and other control characters are not allowed",
                   name, tc_text_control_name (c), c);
      return FALSE;
    }
  return TRUE;
}

GArray *
tc_header_pairs_concat (const GArray *first, const GArray *second)
{
  GArray *all = tc_header_pairs_copy (first);

  for (guint i = 0; second && i < second->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (second, TcHeaderPair, i);
      TcHeaderPair dup = { g_strdup (pair->name), g_strdup (pair->value) };

      g_array_append_val (all, dup);
    }
  return all;
}

char *
tc_name_addr_format (const char *display_name, const char *uri)
{
  GString *out;

  if (!display_name || !*display_name)
    return g_strdup_printf ("<%s>", uri);
  /* RFC 3261 §25.1 quoted-string: backslash-escape '"' and '\'. */
  out = g_string_new ("\"");
  for (const char *p = display_name; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_printf (out, "\" <%s>", uri);
  return g_string_free (out, FALSE);
}
