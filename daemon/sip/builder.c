/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * builder.c — TcSipMessageBuilder: requests and responses built field by
 * field, serialized with the right Content-Length, then parsed back so that
 * a built message is held to the same grammar as a received one.
 */
#include "sip/builder.h"

#include "sip/lex.h"
#include "sip/message-private.h"
#include "sip/sip-error.h"

/* @len: the value's length when it holds a NUL (a quoted-pair "\\%x00"
 * copied from a request, RFC 4475 §3.1.1.3); 0: up to its NUL. */
typedef struct {
  char *name;
  char *value;
  gsize len;
} Field;

static gsize
field_len (const Field *field)
{
  return field->len ? field->len : strlen (field->value);
}

struct _TcSipMessageBuilder {
  char *start_line;
  GArray *fields; /* Field */
  GBytes *body;
};

static void
field_clear (gpointer data)
{
  Field *field = data;

  g_free (field->name);
  g_free (field->value);
}

static TcSipMessageBuilder *
builder_new (char *start_line)
{
  TcSipMessageBuilder *builder = g_new0 (TcSipMessageBuilder, 1);

  builder->start_line = start_line;
  builder->fields = g_array_new (FALSE, FALSE, sizeof (Field));
  g_array_set_clear_func (builder->fields, field_clear);
  return builder;
}

void
tc_sip_message_builder_free (TcSipMessageBuilder *builder)
{
  if (!builder)
    return;
  g_free (builder->start_line);
  g_array_unref (builder->fields);
  g_clear_pointer (&builder->body, g_bytes_unref);
  g_free (builder);
}

TcSipMessageBuilder *
tc_sip_message_builder_new_request (const char *method, const char *request_uri)
{
  g_return_val_if_fail (method != NULL && request_uri != NULL, NULL);
  return builder_new (g_strdup_printf ("%s %s SIP/2.0", method, request_uri));
}

static const char *
default_reason (guint status)
{
  /* clang-format off */
  switch (status)
    {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Notification";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 305: return "Use Proxy";
    case 380: return "Alternative Service";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 412: return "Conditional Request Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 420: return "Bad Extension";
    case 421: return "Extension Required";
    case 422: return "Session Interval Too Small";
    case 423: return "Interval Too Brief";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 484: return "Address Incomplete";
    case 485: return "Ambiguous";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 489: return "Bad Event";
    case 491: return "Request Pending";
    case 493: return "Undecipherable";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    case 604: return "Does Not Exist Anywhere";
    case 606: return "Not Acceptable";
    default: return "";
    }
  /* clang-format on */
}

TcSipMessageBuilder *
tc_sip_message_builder_new_response (guint status, const char *reason)
{
  g_return_val_if_fail (status >= 100 && status <= 699, NULL);
  return builder_new (g_strdup_printf ("SIP/2.0 %03u %s", status, reason ? reason : default_reason (status)));
}

static void
add_field (TcSipMessageBuilder *builder, const char *name, gsize name_len, const char *value, gsize value_len)
{
  Field field = { g_strndup (name, name_len), g_memdup2 (value, value_len + 1), 0 };

  field.value[value_len] = '\0';
  if (memchr (value, '\0', value_len))
    field.len = value_len;
  g_array_append_val (builder->fields, field);
}

/* Copies a header of a parsed message, unfolding it: in a parsed value a
 * CRLF only occurs as part of a fold, and the SP or HTAB after it stays. */
static void
copy_field (TcSipMessageBuilder *builder, const TcSipHeader *h)
{
  Field field = { g_strndup (h->name.str, h->name.len), g_malloc (h->value.len + 1), 0 };
  gsize i, n = 0;

  for (i = 0; i < h->value.len; i++)
    if (h->value.str[i] != '\r' && h->value.str[i] != '\n')
      field.value[n++] = h->value.str[i];
  field.value[n] = '\0';
  if (memchr (field.value, '\0', n))
    field.len = n;
  g_array_append_val (builder->fields, field);
}

TcSipMessageBuilder *
tc_sip_message_builder_new_response_to (const TcSipMessage *request, guint status, const char *reason,
                                        const char *to_tag)
{
  TcSipMessageBuilder *builder;
  gboolean stamped_via = FALSE;
  guint i;

  g_return_val_if_fail (request != NULL && request->is_request, NULL);

  builder = tc_sip_message_builder_new_response (status, reason);
  for (i = 0; i < request->headers.len; i++)
    {
      const TcSipHeader *h = &request->headers.items[i];

      switch (h->id)
        {
        case TC_SIP_HEADER_VIA:
          if (!stamped_via)
            {
              /* the first Via field, with received/rport for its first via */
              char *stamped = tc_sip_message_stamped_top_via (request);

              stamped_via = TRUE;
              if (stamped)
                {
                  Field field = { g_strndup (h->name.str, h->name.len), stamped, 0 };
                  char *w = stamped;

                  /* unfolded, as copy_field() does (RFC 4475 wsinv) */
                  for (const char *r = stamped; *r; r++)
                    if (*r != '\r' && *r != '\n')
                      *w++ = *r;
                  *w = '\0';

                  g_array_append_val (builder->fields, field);
                  break;
                }
            }
          copy_field (builder, h);
          break;
        case TC_SIP_HEADER_FROM:
        case TC_SIP_HEADER_CALL_ID:
        case TC_SIP_HEADER_CSEQ:
          copy_field (builder, h);
          break;
        case TC_SIP_HEADER_TO:
          copy_field (builder, h);
          if (to_tag && !request->to.tag.str)
            {
              Field *to = &g_array_index (builder->fields, Field, builder->fields->len - 1);
              gsize len = field_len (to), tag_len = strlen (to_tag);
              char *tagged = g_malloc (len + 5 + tag_len + 1);

              memcpy (tagged, to->value, len);
              memcpy (tagged + len, ";tag=", 5);
              memcpy (tagged + len + 5, to_tag, tag_len + 1);
              g_free (to->value);
              to->value = tagged;
              to->len = to->len ? len + 5 + tag_len : 0;
            }
          break;
        default:
          break;
        }
    }
  return builder;
}

TcSipMessageBuilder *
tc_sip_message_builder_new_from_message (const TcSipMessage *msg)
{
  TcSipMessageBuilder *builder;
  guint i;

  g_return_val_if_fail (msg != NULL, NULL);

  if (msg->is_request)
    builder = builder_new (g_strdup_printf ("%.*s %.*s SIP/2.0", (int) msg->method_name.len, msg->method_name.str,
                                            (int) msg->request_uri.len, msg->request_uri.str));
  else
    builder = builder_new (g_strdup_printf ("SIP/2.0 %03u %.*s", msg->status, (int) msg->reason.len, msg->reason.str));

  for (i = 0; i < msg->headers.len; i++)
    {
      copy_field (builder, &msg->headers.items[i]);
    }
  if (msg->body.len > 0)
    builder->body = g_bytes_new (msg->body.str, msg->body.len);
  return builder;
}

void
tc_sip_message_builder_add_header (TcSipMessageBuilder *builder, const char *name, const char *value)
{
  g_return_if_fail (builder != NULL && name != NULL && value != NULL);
  add_field (builder, name, strlen (name), value, strlen (value));
}

void
tc_sip_message_builder_add_header_printf (TcSipMessageBuilder *builder, const char *name, const char *format, ...)
{
  g_autofree char *value = NULL;
  va_list args;

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);
  tc_sip_message_builder_add_header (builder, name, value);
}

static gboolean
same_header (const char *a, const char *b)
{
  TcSipHeaderId ia = tc_sip_header_id_from_name (a, strlen (a));
  TcSipHeaderId ib = tc_sip_header_id_from_name (b, strlen (b));

  if (ia != TC_SIP_HEADER_OTHER || ib != TC_SIP_HEADER_OTHER)
    return ia == ib;
  return g_ascii_strcasecmp (a, b) == 0;
}

void
tc_sip_message_builder_prepend_header (TcSipMessageBuilder *builder, const char *name, const char *value)
{
  Field field;
  guint i;

  g_return_if_fail (builder != NULL && name != NULL && value != NULL);

  for (i = 0; i < builder->fields->len; i++)
    if (same_header (g_array_index (builder->fields, Field, i).name, name))
      break;
  field.name = g_strdup (name);
  field.value = g_strdup (value);
  field.len = 0;
  g_array_insert_val (builder->fields, i, field);
}

guint
tc_sip_message_builder_remove_headers (TcSipMessageBuilder *builder, const char *name)
{
  guint i = 0, removed = 0;

  g_return_val_if_fail (builder != NULL && name != NULL, 0);

  while (i < builder->fields->len)
    {
      if (same_header (g_array_index (builder->fields, Field, i).name, name))
        {
          g_array_remove_index (builder->fields, i);
          removed++;
        }
      else
        i++;
    }
  return removed;
}

void
tc_sip_message_builder_set_header (TcSipMessageBuilder *builder, const char *name, const char *value)
{
  Field *field;
  guint i;

  g_return_if_fail (builder != NULL && name != NULL && value != NULL);

  for (i = 0; i < builder->fields->len; i++)
    if (same_header (g_array_index (builder->fields, Field, i).name, name))
      break;
  if (i == builder->fields->len)
    {
      tc_sip_message_builder_add_header (builder, name, value);
      return;
    }
  field = &g_array_index (builder->fields, Field, i);
  g_free (field->value);
  field->value = g_strdup (value);
  field->len = 0;
  for (i = i + 1; i < builder->fields->len;)
    {
      if (same_header (g_array_index (builder->fields, Field, i).name, name))
        g_array_remove_index (builder->fields, i);
      else
        i++;
    }
}

void
tc_sip_message_builder_set_body (TcSipMessageBuilder *builder, const char *content_type, const void *body, gsize len)
{
  g_return_if_fail (builder != NULL);
  g_return_if_fail (body != NULL || len == 0);

  g_clear_pointer (&builder->body, g_bytes_unref);
  if (len > 0)
    builder->body = g_bytes_new (body, len);
  if (content_type)
    tc_sip_message_builder_set_header (builder, "Content-Type", content_type);
  else
    tc_sip_message_builder_remove_headers (builder, "Content-Type");
}

TcSipMessageBuilder *
tc_sip_message_builder_copy (const TcSipMessageBuilder *builder)
{
  TcSipMessageBuilder *copy;

  g_return_val_if_fail (builder != NULL, NULL);

  copy = builder_new (g_strdup (builder->start_line));
  for (guint i = 0; i < builder->fields->len; i++)
    {
      const Field *field = &g_array_index (builder->fields, Field, i);

      add_field (copy, field->name, strlen (field->name), field->value, field_len (field));
    }
  if (builder->body)
    copy->body = g_bytes_ref (builder->body);
  return copy;
}

gboolean
tc_sip_message_builder_set_request_uri (TcSipMessageBuilder *builder, const char *request_uri)
{
  const char *space;

  g_return_val_if_fail (builder != NULL && request_uri != NULL, FALSE);

  space = strchr (builder->start_line, ' ');
  if (!space || g_str_has_prefix (builder->start_line, "SIP/"))
    return FALSE;
  {
    char *line =
      g_strdup_printf ("%.*s %s SIP/2.0", (int) (space - builder->start_line), builder->start_line, request_uri);

    g_free (builder->start_line);
    builder->start_line = line;
  }
  return TRUE;
}

char *
tc_sip_message_builder_get_header (const TcSipMessageBuilder *builder, const char *name)
{
  g_return_val_if_fail (builder != NULL && name != NULL, NULL);

  for (guint i = 0; i < builder->fields->len; i++)
    {
      const Field *field = &g_array_index (builder->fields, Field, i);

      if (same_header (field->name, name))
        return g_strdup (field->value);
    }
  return NULL;
}

GBytes *
tc_sip_message_builder_get_body (const TcSipMessageBuilder *builder)
{
  g_return_val_if_fail (builder != NULL, NULL);
  return builder->body;
}

static gboolean
check_field (const Field *field, GError **error)
{
  const char *p;

  if (!field->name[0])
    goto bad_name;
  for (p = field->name; *p; p++)
    if (!tc_lex_is (*p, TC_LEX_TOKEN))
      goto bad_name;
  if (memchr (field->value, '\r', field_len (field)) || memchr (field->value, '\n', field_len (field)))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500, "%s: CR or LF in header value", field->name);
      return FALSE;
    }
  return TRUE;

bad_name:
  tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500, "\"%s\" is not a valid header name", field->name);
  return FALSE;
}

static void
append_field (GString *out, const char *name, const char *value, gsize len)
{
  g_string_append (out, name);
  g_string_append_len (out, ": ", 2);
  g_string_append_len (out, value, len);
  g_string_append_len (out, "\r\n", 2);
}

TcSipMessage *
tc_sip_message_builder_end (TcSipMessageBuilder *builder, GError **error)
{
  G_GNUC_UNUSED g_autoptr (TcSipMessageBuilder) owned = builder;
  static const TcSipParserLimits unlimited = { G_MAXSIZE, G_MAXUINT, G_MAXSIZE };
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local = NULL;
  TcSipMessage *msg;
  GString *out;
  gsize body_len = builder->body ? g_bytes_get_size (builder->body) : 0;
  gboolean has_length = FALSE;
  char length_text[24];
  guint i;

  /* The hot path of every message sent: appends, no printf. */
  g_snprintf (length_text, sizeof length_text, "%" G_GSIZE_FORMAT, body_len);
  if (strpbrk (builder->start_line, "\r\n"))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500, "CR or LF in start line");
      return NULL;
    }

  out = g_string_sized_new (512 + body_len);
  g_string_append (out, builder->start_line);
  g_string_append (out, "\r\n");
  for (i = 0; i < builder->fields->len; i++)
    {
      const Field *field = &g_array_index (builder->fields, Field, i);

      if (!check_field (field, error))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      if (same_header (field->name, "Content-Length"))
        {
          /* one Content-Length, at the first place one was given */
          if (has_length)
            continue;
          has_length = TRUE;
          append_field (out, field->name, length_text, strlen (length_text));
          continue;
        }
      append_field (out, field->name, field->value, field_len (field));
    }
  if (!has_length)
    append_field (out, "Content-Length", length_text, strlen (length_text));
  g_string_append (out, "\r\n");
  if (builder->body)
    g_string_append_len (out, g_bytes_get_data (builder->body, NULL), body_len);

  bytes = g_string_free_to_bytes (out);
  msg = tc_sip_message_parse_datagram (bytes, &unlimited, &local);
  if (!msg)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 500, "built message is not valid: %s", local->message);
      return NULL;
    }
  msg->canonical = TRUE;
  return msg;
}
