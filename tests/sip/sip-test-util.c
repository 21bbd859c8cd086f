/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sip-test-util.c — message-writing helpers of the SIP tests.
 */
#include "sip-test-util.h"

#include <string.h>

#include "sip/parser.h"

static GString *
lf_to_crlf (const char *text)
{
  GString *s = g_string_sized_new (strlen (text) + 64);

  for (const char *p = text; *p; p++)
    {
      if (*p == '\n')
        g_string_append (s, "\r\n");
      else
        g_string_append_c (s, *p);
    }
  return s;
}

GBytes *
tc_test_wire (const char *text)
{
  g_autoptr (GString) s = lf_to_crlf (text);
  const char *head_end = strstr (s->str, "\r\n\r\n");
  const char *hash;

  g_assert_nonnull (head_end);
  hash = strstr (s->str, "Content-Length: #\r\n");
  if (hash && hash < head_end)
    {
      gsize body_len = s->len - (head_end - s->str + 4);
      gsize pos = hash - s->str + strlen ("Content-Length: ");
      g_autofree char *len_text = g_strdup_printf ("%" G_GSIZE_FORMAT, body_len);

      g_string_erase (s, pos, 1);
      g_string_insert (s, pos, len_text);
    }
  return g_string_free_to_bytes (g_steal_pointer (&s));
}

TcSipMessage *
tc_test_parse_lines (const char *text)
{
  g_autoptr (GString) wire = lf_to_crlf (text);
  g_autoptr (GError) error = NULL;
  TcSipMessage *msg;

  g_string_append (wire, "\r\n");
  msg = tc_sip_message_parse (wire->str, wire->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return msg;
}
