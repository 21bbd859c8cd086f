/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl-format.c — tincanctl's output.  A command builds a record, an
 * a{sv} whose entries keep the order they were added in, and writes it as
 * one line: a JSON object with --json, else "key=value ..." (a leading "event"
 * entry written bare).  Every line is flushed at once, so a pipe reader sees
 * each event as it happens.
 *
 * The JSON is written here (json-glib is not a dependency): strings are
 * escaped per RFC 8259 §7, numbers are written as decimal integers or
 * shortest round-trip doubles, and any GVariant maps to JSON by shape
 * (dictionaries to objects, arrays and tuples to arrays, maybe to null).
 * Two shapes are written specially: byte arrays ("ay") are a string when
 * they are valid UTF-8 without NUL, else {"base64": "..."}; and a SIP message
 * as the daemon sends it in details, (s start_line, a(ss) headers, ay body),
 * is {"start_line", "headers": [[name, value], ...], "body" or "body_base64"}.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tincanctl.h"

#define SIP_MESSAGE_TYPE ((const GVariantType *) "(sa(ss)ay)")

gboolean
tc_ctl_bytes_are_text (const guint8 *data, gsize len)
{
  /* g_utf8_validate_len() also refuses NUL bytes, which a text line cannot carry. */
  return len == 0 || g_utf8_validate_len ((const char *) data, len, NULL);
}

/* "RegistrationState" -> "registration_state", "SIPStatus" -> "sip_status". */
char *
tc_ctl_snake_case (const char *name)
{
  GString *out = g_string_new (NULL);
  gsize i;

  for (i = 0; name[i]; i++)
    {
      char c = name[i];

      if (g_ascii_isupper (c))
        {
          gboolean after_lower = i > 0 && (g_ascii_islower (name[i - 1]) || g_ascii_isdigit (name[i - 1]));
          gboolean ends_acronym = i > 0 && g_ascii_isupper (name[i - 1]) && g_ascii_islower (name[i + 1]);

          if (after_lower || ends_acronym)
            g_string_append_c (out, '_');
          g_string_append_c (out, g_ascii_tolower (c));
        }
      else
        g_string_append_c (out, c == '-' ? '_' : c);
    }
  return g_string_free (out, FALSE);
}

/* Returns a new a{sv} with the D-Bus property names of @properties (a{sv}) in snake case. */
GVariant *
tc_ctl_snake_case_keys (GVariant *properties)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, properties);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      g_autofree char *key = tc_ctl_snake_case (name);

      g_variant_builder_add (&builder, "{sv}", key, value);
    }
  return g_variant_builder_end (&builder);
}

void
tc_ctl_record_add_string (GVariantBuilder *record, const char *key, const char *value)
{
  if (value)
    g_variant_builder_add (record, "{sv}", key, g_variant_new_string (value));
  else
    g_variant_builder_add (record, "{sv}", key, g_variant_new_maybe (G_VARIANT_TYPE_STRING, NULL));
}

/* Adds "endpoint" (the id) and "path" for the endpoint at @path. */
void
tc_ctl_record_add_endpoint (GVariantBuilder *record, const char *path)
{
  tc_ctl_record_add_string (record, "endpoint", tc_ctl_endpoint_id (path));
  g_variant_builder_add (record, "{sv}", "path", g_variant_new_object_path (path));
}

/* Adds a message body (ay) as "body" when it is text, else as "body_base64". */
void
tc_ctl_record_add_body (GVariantBuilder *record, GVariant *body)
{
  gsize len = 0;
  const guint8 *data = g_variant_get_fixed_array (body, &len, 1);

  if (tc_ctl_bytes_are_text (data, len))
    {
      g_autofree char *text = g_strndup ((const char *) data, len);

      tc_ctl_record_add_string (record, "body", text);
    }
  else
    {
      g_autofree char *base64 = g_base64_encode (data, len);

      tc_ctl_record_add_string (record, "body_base64", base64);
    }
}

/* ---- JSON ---- */

static void
json_append_string_len (GString *out, const char *value, gsize len)
{
  gsize i;

  g_string_append_c (out, '"');
  for (i = 0; i < len; i++)
    {
      guchar c = (guchar) value[i];

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

void
tc_ctl_json_append_string (GString *out, const char *value)
{
  if (g_utf8_validate (value, -1, NULL))
    json_append_string_len (out, value, strlen (value));
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_append_string_len (out, valid, strlen (valid));
    }
}

static void
json_append_body (GString *out, const char *text_key, const char *base64_key, GVariant *bytes)
{
  gsize len = 0;
  const guint8 *data = g_variant_get_fixed_array (bytes, &len, 1);

  if (tc_ctl_bytes_are_text (data, len))
    {
      if (text_key)
        g_string_append_printf (out, "\"%s\":", text_key);
      json_append_string_len (out, (const char *) data, len);
    }
  else
    {
      g_autofree char *base64 = g_base64_encode (data, len);

      if (base64_key)
        g_string_append_printf (out, "\"%s\":", base64_key);
      else
        g_string_append (out, "{\"base64\":");
      tc_ctl_json_append_string (out, base64);
      if (!base64_key)
        g_string_append_c (out, '}');
    }
}

static void
json_append_sip_message (GString *out, GVariant *message)
{
  g_autoptr (GVariant) start_line = g_variant_get_child_value (message, 0);
  g_autoptr (GVariant) headers = g_variant_get_child_value (message, 1);
  g_autoptr (GVariant) body = g_variant_get_child_value (message, 2);

  g_string_append (out, "{\"start_line\":");
  tc_ctl_json_append (out, start_line);
  g_string_append (out, ",\"headers\":");
  tc_ctl_json_append (out, headers);
  g_string_append_c (out, ',');
  json_append_body (out, "body", "body_base64", body);
  g_string_append_c (out, '}');
}

static void
json_append_key (GString *out, GVariant *key)
{
  if (g_variant_is_of_type (key, G_VARIANT_TYPE_STRING) || g_variant_is_of_type (key, G_VARIANT_TYPE_OBJECT_PATH) ||
      g_variant_is_of_type (key, G_VARIANT_TYPE_SIGNATURE))
    tc_ctl_json_append_string (out, g_variant_get_string (key, NULL));
  else
    {
      /* JSON keys are strings: a number key is written as its decimal text. */
      g_autofree char *text = g_variant_print (key, FALSE);

      tc_ctl_json_append_string (out, text);
    }
}

static void
json_append_container (GString *out, GVariant *value)
{
  const GVariantType *type = g_variant_get_type (value);
  gboolean is_dict = g_variant_type_is_array (type) && g_variant_type_is_dict_entry (g_variant_type_element (type));
  gsize n = g_variant_n_children (value);
  gsize i;

  g_string_append_c (out, is_dict ? '{' : '[');
  for (i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (value, i);

      if (i > 0)
        g_string_append_c (out, ',');
      if (is_dict)
        {
          g_autoptr (GVariant) key = g_variant_get_child_value (child, 0);
          g_autoptr (GVariant) entry_value = g_variant_get_child_value (child, 1);

          json_append_key (out, key);
          g_string_append_c (out, ':');
          tc_ctl_json_append (out, entry_value);
        }
      else
        tc_ctl_json_append (out, child);
    }
  g_string_append_c (out, is_dict ? '}' : ']');
}

/* Appends @value as JSON. */
void
tc_ctl_json_append (GString *out, GVariant *value)
{
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
      break;
    case G_VARIANT_CLASS_BYTE:
      g_string_append_printf (out, "%u", g_variant_get_byte (value));
      break;
    case G_VARIANT_CLASS_INT16:
      g_string_append_printf (out, "%d", g_variant_get_int16 (value));
      break;
    case G_VARIANT_CLASS_UINT16:
      g_string_append_printf (out, "%u", g_variant_get_uint16 (value));
      break;
    case G_VARIANT_CLASS_INT32:
      g_string_append_printf (out, "%" G_GINT32_FORMAT, g_variant_get_int32 (value));
      break;
    case G_VARIANT_CLASS_UINT32:
      g_string_append_printf (out, "%" G_GUINT32_FORMAT, g_variant_get_uint32 (value));
      break;
    case G_VARIANT_CLASS_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, g_variant_get_int64 (value));
      break;
    case G_VARIANT_CLASS_UINT64:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
      break;
    case G_VARIANT_CLASS_HANDLE:
      g_string_append_printf (out, "%" G_GINT32_FORMAT, g_variant_get_handle (value));
      break;
    case G_VARIANT_CLASS_DOUBLE:
      {
        double d = g_variant_get_double (value);
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        /* JSON has no NaN or infinity. */
        g_string_append (out, isfinite (d) ? g_ascii_dtostr (buf, sizeof buf, d) : "null");
        break;
      }
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      {
        gsize len = 0;
        const char *text = g_variant_get_string (value, &len);

        json_append_string_len (out, text, len);
        break;
      }
    case G_VARIANT_CLASS_VARIANT:
      {
        g_autoptr (GVariant) inner = g_variant_get_variant (value);

        tc_ctl_json_append (out, inner);
        break;
      }
    case G_VARIANT_CLASS_MAYBE:
      {
        g_autoptr (GVariant) inner = g_variant_get_maybe (value);

        if (inner)
          tc_ctl_json_append (out, inner);
        else
          g_string_append (out, "null");
        break;
      }
    case G_VARIANT_CLASS_ARRAY:
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
        json_append_body (out, NULL, NULL, value);
      else
        json_append_container (out, value);
      break;
    case G_VARIANT_CLASS_TUPLE:
      if (g_variant_is_of_type (value, SIP_MESSAGE_TYPE))
        json_append_sip_message (out, value);
      else
        json_append_container (out, value);
      break;
    case G_VARIANT_CLASS_DICT_ENTRY:
      json_append_container (out, value);
      break;
    }
}

/* Returns @record (a{sv}) as one JSON object, without a newline. */
char *
tc_ctl_record_to_json (GVariant *record)
{
  GString *out = g_string_new (NULL);

  json_append_container (out, record);
  return g_string_free (out, FALSE);
}

/* ---- text ---- */

static gboolean
text_needs_quotes (const char *value, gsize len)
{
  gsize i;

  if (len == 0)
    return TRUE;
  for (i = 0; i < len; i++)
    {
      guchar c = (guchar) value[i];

      if (c <= ' ' || c == '"' || c == '\\' || c == 0x7f)
        return TRUE;
    }
  return FALSE;
}

/* Appends @value, in double quotes with C escapes when it is empty or has spaces, quotes,
 * backslashes or control characters, so that a line splits back into key=value words
 * (a word splits at its first '='). */
static void
text_append_string_len (GString *out, const char *value, gsize len)
{
  gsize i;

  if (!text_needs_quotes (value, len))
    {
      g_string_append_len (out, value, len);
      return;
    }
  g_string_append_c (out, '"');
  for (i = 0; i < len; i++)
    {
      guchar c = (guchar) value[i];

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
text_append_string (GString *out, const char *value)
{
  text_append_string_len (out, value, strlen (value));
}

static gboolean
is_number (GVariant *value)
{
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BYTE:
    case G_VARIANT_CLASS_INT16:
    case G_VARIANT_CLASS_UINT16:
    case G_VARIANT_CLASS_INT32:
    case G_VARIANT_CLASS_UINT32:
    case G_VARIANT_CLASS_INT64:
    case G_VARIANT_CLASS_UINT64:
    case G_VARIANT_CLASS_HANDLE:
    case G_VARIANT_CLASS_DOUBLE:
      return TRUE;
    case G_VARIANT_CLASS_BOOLEAN:
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
    case G_VARIANT_CLASS_VARIANT:
    case G_VARIANT_CLASS_MAYBE:
    case G_VARIANT_CLASS_ARRAY:
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
      return FALSE;
    }
  return FALSE;
}

/* Appends @value as one word of a text line. */
void
tc_ctl_text_append_value (GString *out, GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) || g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH) ||
      g_variant_is_of_type (value, G_VARIANT_TYPE_SIGNATURE))
    text_append_string (out, g_variant_get_string (value, NULL));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) || is_number (value))
    tc_ctl_json_append (out, value); /* true, false and decimal numbers read the same in both */
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr (GVariant) inner = g_variant_get_variant (value);

      tc_ctl_text_append_value (out, inner);
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_MAYBE))
    {
      g_autoptr (GVariant) inner = g_variant_get_maybe (value);

      if (inner)
        tc_ctl_text_append_value (out, inner);
      else
        g_string_append (out, "-");
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
    {
      gsize len = 0;
      const guint8 *data = g_variant_get_fixed_array (value, &len, 1);

      if (tc_ctl_bytes_are_text (data, len))
        text_append_string_len (out, (const char *) data, len);
      else
        {
          g_autofree char *base64 = g_base64_encode (data, len);

          g_string_append_printf (out, "base64:%s", base64);
        }
    }
  else if (g_variant_is_of_type (value, SIP_MESSAGE_TYPE))
    {
      /* A whole SIP message does not fit a line: its start line names it. */
      g_autoptr (GVariant) start_line = g_variant_get_child_value (value, 0);

      tc_ctl_text_append_value (out, start_line);
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY) ||
           g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
    {
      g_autofree const char **strv = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY)
                                       ? g_variant_get_strv (value, NULL)
                                       : g_variant_get_objv (value, NULL);
      g_autofree char *joined = g_strjoinv (",", (char **) strv);

      text_append_string (out, joined);
    }
  else
    {
      g_autofree char *text = g_variant_print (value, FALSE);

      text_append_string (out, text);
    }
}

/* A microsecond Unix time (details "received-at") as local ISO 8601. */
static gboolean
text_append_time (GString *out, const char *key, GVariant *value)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *text = NULL;

  if (!g_str_has_suffix (key, "-at") || !g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return FALSE;
  utc = g_date_time_new_from_unix_utc (g_variant_get_int64 (value) / G_USEC_PER_SEC);
  if (!utc)
    return FALSE;
  local = g_date_time_to_local (utc);
  text = g_date_time_format_iso8601 (local);
  g_string_append (out, text);
  return TRUE;
}

static void
text_append_entries (GString *out, GVariant *dict)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT))
        {
          /* Nested dictionaries (details, changed properties) are written inline. */
          text_append_entries (out, value);
          continue;
        }
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_MAYBE) && g_variant_n_children (value) == 0)
        continue;
      if (out->len == 0 && strcmp (key, "event") == 0)
        {
          tc_ctl_text_append_value (out, value);
          continue;
        }
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s=", key);
      if (!text_append_time (out, key, value))
        tc_ctl_text_append_value (out, value);
    }
}

/* Returns @record (a{sv}) as one "key=value ..." line, without a newline. */
char *
tc_ctl_record_to_text (GVariant *record)
{
  GString *out = g_string_new (NULL);

  text_append_entries (out, record);
  return g_string_free (out, FALSE);
}

/* ---- output ---- */

/* Writes @line and a newline to standard output, flushed.  fwrite, not g_print():
 * the output is UTF-8 whatever the locale says. */
void
tc_ctl_write_line (const char *line)
{
  fwrite (line, 1, strlen (line), stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

/* Writes @rows (each an array of @n_columns strings, the first row the headings) as a
 * table: columns separated by two spaces, each as wide as its widest cell. */
void
tc_ctl_write_table (GPtrArray *rows, guint n_columns)
{
  g_autofree glong *widths = g_new0 (glong, n_columns);
  guint i, c;

  for (i = 0; i < rows->len; i++)
    {
      const char *const *row = g_ptr_array_index (rows, i);

      for (c = 0; c < n_columns; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
    }
  for (i = 0; i < rows->len; i++)
    {
      const char *const *row = g_ptr_array_index (rows, i);
      g_autoptr (GString) line = g_string_new (NULL);

      for (c = 0; c < n_columns; c++)
        {
          g_string_append (line, row[c]);
          if (c + 1 < n_columns)
            {
              glong pad = widths[c] - g_utf8_strlen (row[c], -1) + 2;

              while (pad-- > 0)
                g_string_append_c (line, ' ');
            }
        }
      tc_ctl_write_line (line->str);
    }
}

/* Ends @record and writes it as JSON (--json) or as a text line. */
void
tc_ctl_emit_record (TcCtl *ctl, GVariantBuilder *record)
{
  g_autoptr (GVariant) value = g_variant_ref_sink (g_variant_builder_end (record));
  g_autofree char *line = ctl->json ? tc_ctl_record_to_json (value) : tc_ctl_record_to_text (value);

  tc_ctl_write_line (line);
}
