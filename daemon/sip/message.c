/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * message.c — TcSipMessage: lifetime, getters, serialization and
 * comparison of a parsed message (parser.c fills it).
 */
#include "sip/message.h"

#include <stddef.h>

#include "sip/lex.h"
#include "sip/message-private.h"
#include "sip/parser.h"

G_DEFINE_BOXED_TYPE (TcSipMessage, tc_sip_message, tc_sip_message_ref, tc_sip_message_unref)

static const char *const method_names[] = {
  [TC_SIP_METHOD_OTHER] = NULL,          [TC_SIP_METHOD_ACK] = "ACK",
  [TC_SIP_METHOD_BYE] = "BYE",           [TC_SIP_METHOD_CANCEL] = "CANCEL",
  [TC_SIP_METHOD_INFO] = "INFO",         [TC_SIP_METHOD_INVITE] = "INVITE",
  [TC_SIP_METHOD_MESSAGE] = "MESSAGE",   [TC_SIP_METHOD_NOTIFY] = "NOTIFY",
  [TC_SIP_METHOD_OPTIONS] = "OPTIONS",   [TC_SIP_METHOD_PRACK] = "PRACK",
  [TC_SIP_METHOD_PUBLISH] = "PUBLISH",   [TC_SIP_METHOD_REFER] = "REFER",
  [TC_SIP_METHOD_REGISTER] = "REGISTER", [TC_SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
  [TC_SIP_METHOD_UPDATE] = "UPDATE",
};

/* Methods are case-sensitive (RFC 3261 §7.1). */
TcSipMethod
tc_sip_method_from_name (const char *name, gsize len)
{
  guint i;

  for (i = 1; i < G_N_ELEMENTS (method_names); i++)
    if (name[0] == method_names[i][0] && strlen (method_names[i]) == len && memcmp (name, method_names[i], len) == 0)
      return i;
  return TC_SIP_METHOD_OTHER;
}

const char *
tc_sip_method_to_name (TcSipMethod method)
{
  g_return_val_if_fail (method < G_N_ELEMENTS (method_names), NULL);
  return method_names[method];
}

TcSipMessage *
tc_sip_message_alloc (void)
{
  TcSipMessage *msg = g_malloc (sizeof *msg);

  /* everything before the inline arrays starts zeroed; the arrays need not */
  memset (msg, 0, offsetof (TcSipMessage, headers));
  msg->ref_count = 1;
  msg->max_forwards = -1;
  msg->expires = -1;
  msg->min_expires = -1;
  msg->content_length = -1;
  tc_msg_list_init (&msg->headers);
  tc_msg_list_init (&msg->vias);
  tc_msg_list_init (&msg->contacts);
  tc_msg_list_init (&msg->routes);
  tc_msg_list_init (&msg->record_routes);
  return msg;
}

TcSipMessage *
tc_sip_message_ref (TcSipMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);
  g_atomic_int_inc (&msg->ref_count);
  return msg;
}

void
tc_sip_message_unref (TcSipMessage *msg)
{
  g_return_if_fail (msg != NULL);
  if (!g_atomic_int_dec_and_test (&msg->ref_count))
    return;
  tc_msg_list_clear (&msg->headers);
  tc_msg_list_clear (&msg->vias);
  tc_msg_list_clear (&msg->contacts);
  tc_msg_list_clear (&msg->routes);
  tc_msg_list_clear (&msg->record_routes);
  g_clear_pointer (&msg->request_uri_parsed, tc_sip_uri_unref);
  g_clear_pointer (&msg->bytes, g_bytes_unref);
  g_clear_object (&msg->source);
  g_free (msg);
}

gboolean
tc_sip_message_is_request (const TcSipMessage *msg)
{
  return msg->is_request;
}

TcSipMethod
tc_sip_message_get_method (const TcSipMessage *msg)
{
  return msg->method;
}

TcSipStr
tc_sip_message_get_method_name (const TcSipMessage *msg)
{
  return msg->method_name;
}

TcSipStr
tc_sip_message_get_request_uri_text (const TcSipMessage *msg)
{
  return msg->request_uri;
}

/**
 * tc_sip_message_get_request_uri:
 *
 * Returns: (nullable): the Request-URI, or NULL for a response or a
 * Request-URI whose scheme is not sip, sips or tel.
 */
const TcSipUri *
tc_sip_message_get_request_uri (TcSipMessage *msg)
{
  if (!msg->is_request)
    return NULL;
  if (!msg->request_uri_parsed)
    msg->request_uri_parsed = tc_sip_uri_parse (msg->request_uri.str, msg->request_uri.len, NULL);
  return msg->request_uri_parsed;
}

guint
tc_sip_message_get_status (const TcSipMessage *msg)
{
  return msg->status;
}

TcSipStr
tc_sip_message_get_reason (const TcSipMessage *msg)
{
  return msg->reason;
}

guint
tc_sip_message_get_n_headers (const TcSipMessage *msg)
{
  return msg->headers.len;
}

const TcSipHeader *
tc_sip_message_get_header (const TcSipMessage *msg, guint i)
{
  g_return_val_if_fail (i < msg->headers.len, NULL);
  return &msg->headers.items[i];
}

gint
tc_sip_message_find_header (const TcSipMessage *msg, TcSipHeaderId id, guint from)
{
  guint i;

  for (i = from; i < msg->headers.len; i++)
    if (msg->headers.items[i].id == id)
      return i;
  return -1;
}

gint
tc_sip_message_find_header_by_name (const TcSipMessage *msg, const char *name, guint from)
{
  TcSipHeaderId id = tc_sip_header_id_from_name (name, strlen (name));
  guint i;

  if (id != TC_SIP_HEADER_OTHER)
    return tc_sip_message_find_header (msg, id, from);
  for (i = from; i < msg->headers.len; i++)
    if (msg->headers.items[i].id == TC_SIP_HEADER_OTHER && tc_sip_str_equal_ci (msg->headers.items[i].name, name))
      return i;
  return -1;
}

TcSipStr
tc_sip_message_get_header_value (const TcSipMessage *msg, const char *name)
{
  gint i = tc_sip_message_find_header_by_name (msg, name, 0);

  return i < 0 ? TC_SIP_STR_NULL : msg->headers.items[i].value;
}

guint
tc_sip_message_get_n_vias (const TcSipMessage *msg)
{
  return msg->vias.len;
}

const TcSipVia *
tc_sip_message_get_via (const TcSipMessage *msg, guint i)
{
  g_return_val_if_fail (i < msg->vias.len, NULL);
  return &msg->vias.items[i];
}

const TcSipNameAddr *
tc_sip_message_get_from (const TcSipMessage *msg)
{
  return &msg->from;
}

const TcSipNameAddr *
tc_sip_message_get_to (const TcSipMessage *msg)
{
  return &msg->to;
}

TcSipStr
tc_sip_message_get_call_id (const TcSipMessage *msg)
{
  return msg->call_id;
}

const TcSipCSeq *
tc_sip_message_get_cseq (const TcSipMessage *msg)
{
  return &msg->cseq;
}

guint
tc_sip_message_get_n_contacts (const TcSipMessage *msg)
{
  return msg->contacts.len;
}

const TcSipContact *
tc_sip_message_get_contact (const TcSipMessage *msg, guint i)
{
  g_return_val_if_fail (i < msg->contacts.len, NULL);
  return &msg->contacts.items[i];
}

guint
tc_sip_message_get_n_routes (const TcSipMessage *msg)
{
  return msg->routes.len;
}

const TcSipNameAddr *
tc_sip_message_get_route (const TcSipMessage *msg, guint i)
{
  g_return_val_if_fail (i < msg->routes.len, NULL);
  return &msg->routes.items[i];
}

guint
tc_sip_message_get_n_record_routes (const TcSipMessage *msg)
{
  return msg->record_routes.len;
}

const TcSipNameAddr *
tc_sip_message_get_record_route (const TcSipMessage *msg, guint i)
{
  g_return_val_if_fail (i < msg->record_routes.len, NULL);
  return &msg->record_routes.items[i];
}

gint
tc_sip_message_get_max_forwards (const TcSipMessage *msg)
{
  return msg->max_forwards;
}

gint64
tc_sip_message_get_expires (const TcSipMessage *msg)
{
  return msg->expires;
}

gint64
tc_sip_message_get_min_expires (const TcSipMessage *msg)
{
  return msg->min_expires;
}

const TcSipContentType *
tc_sip_message_get_content_type (const TcSipMessage *msg)
{
  return msg->has_content_type ? &msg->content_type : NULL;
}

gint64
tc_sip_message_get_content_length (const TcSipMessage *msg)
{
  return msg->content_length;
}

TcSipStr
tc_sip_message_get_body (const TcSipMessage *msg)
{
  return msg->body;
}

/* ---- headers parsed on request ------------------------------------------- */

/* The @index-th list element (or the whole value) of the first header @id.
 * The parser validated every known header, so re-parsing cannot fail. */
static gboolean
find_value (const TcSipMessage *msg, TcSipHeaderId id, guint index, TcSipStr *value)
{
  guint i;

  for (i = 0; i < msg->headers.len; i++)
    {
      const TcSipHeader *h = &msg->headers.items[i];

      if (h->id != id)
        continue;
      if (!tc_sip_header_id_is_list (id))
        {
          if (index-- == 0)
            {
              *value = h->value;
              return TRUE;
            }
          continue;
        }
      {
        TcSipListIter iter;
        TcSipStr element;

        tc_sip_list_iter_init (&iter, h->value);
        while (tc_sip_list_iter_next (&iter, &element))
          if (element.len > 0 && index-- == 0)
            {
              *value = element;
              return TRUE;
            }
      }
    }
  return FALSE;
}

gboolean
tc_sip_message_get_auth (const TcSipMessage *msg, TcSipHeaderId id, guint index, TcSipAuth *out)
{
  TcSipStr value;

  g_return_val_if_fail (id == TC_SIP_HEADER_AUTHORIZATION || id == TC_SIP_HEADER_PROXY_AUTHORIZATION ||
                          id == TC_SIP_HEADER_WWW_AUTHENTICATE || id == TC_SIP_HEADER_PROXY_AUTHENTICATE,
                        FALSE);
  return find_value (msg, id, index, &value) && tc_sip_parse_auth (value, out, NULL);
}

gboolean
tc_sip_message_get_event (const TcSipMessage *msg, TcSipEvent *out)
{
  TcSipStr value;

  return find_value (msg, TC_SIP_HEADER_EVENT, 0, &value) && tc_sip_parse_event (value, out, NULL);
}

gboolean
tc_sip_message_get_subscription_state (const TcSipMessage *msg, TcSipSubscriptionState *out)
{
  TcSipStr value;

  return find_value (msg, TC_SIP_HEADER_SUBSCRIPTION_STATE, 0, &value) &&
         tc_sip_parse_subscription_state (value, out, NULL);
}

gboolean
tc_sip_message_get_retry_after (const TcSipMessage *msg, TcSipRetryAfter *out)
{
  TcSipStr value;

  return find_value (msg, TC_SIP_HEADER_RETRY_AFTER, 0, &value) && tc_sip_parse_retry_after (value, out, NULL);
}

gboolean
tc_sip_message_get_session_expires (const TcSipMessage *msg, TcSipSessionExpires *out)
{
  TcSipStr value;

  return find_value (msg, TC_SIP_HEADER_SESSION_EXPIRES, 0, &value) && tc_sip_parse_session_expires (value, out, NULL);
}

gboolean
tc_sip_message_get_replaces (const TcSipMessage *msg, TcSipReplaces *out)
{
  TcSipStr value;

  return find_value (msg, TC_SIP_HEADER_REPLACES, 0, &value) && tc_sip_parse_replaces (value, out, NULL);
}

gboolean
tc_sip_message_get_name_addr (const TcSipMessage *msg, TcSipHeaderId id, TcSipNameAddr *out)
{
  TcSipStr value;

  g_return_val_if_fail (id == TC_SIP_HEADER_REFER_TO || id == TC_SIP_HEADER_REFERRED_BY || id == TC_SIP_HEADER_FROM ||
                          id == TC_SIP_HEADER_TO,
                        FALSE);
  return find_value (msg, id, 0, &value) && tc_sip_parse_name_addr (value, out, NULL);
}

gboolean
tc_sip_message_has_token (const TcSipMessage *msg, TcSipHeaderId id, const char *token)
{
  TcSipStr value;
  guint i;

  for (i = 0; find_value (msg, id, i, &value); i++)
    if (tc_sip_str_equal_ci (value, token))
      return TRUE;
  return FALSE;
}

/* ---- serialization and comparison ------------------------------------------ */

GBytes *
tc_sip_message_to_bytes (const TcSipMessage *msg)
{
  GString *out;
  gboolean has_length = FALSE;
  guint i;

  if (msg->canonical)
    return g_bytes_new_from_bytes (msg->bytes, msg->base - (const char *) g_bytes_get_data (msg->bytes, NULL),
                                   msg->size);

  out = g_string_sized_new (msg->size + 32);
  if (msg->is_request)
    g_string_append_printf (out, "%.*s %.*s SIP/2.0\r\n", (int) msg->method_name.len, msg->method_name.str,
                            (int) msg->request_uri.len, msg->request_uri.str);
  else
    g_string_append_printf (out, "SIP/2.0 %03u %.*s\r\n", msg->status, (int) msg->reason.len, msg->reason.str);

  for (i = 0; i < msg->headers.len; i++)
    {
      const TcSipHeader *h = &msg->headers.items[i];

      g_string_append_len (out, h->name.str, h->name.len);
      g_string_append (out, ": ");
      if (h->id == TC_SIP_HEADER_CONTENT_LENGTH)
        {
          g_string_append_printf (out, "%" G_GSIZE_FORMAT, msg->body.len);
          has_length = TRUE;
        }
      else
        g_string_append_len (out, h->value.str, h->value.len);
      g_string_append (out, "\r\n");
    }
  if (!has_length)
    g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n", msg->body.len);
  g_string_append (out, "\r\n");
  g_string_append_len (out, msg->body.str, msg->body.len);
  return g_string_free_to_bytes (out);
}

static gboolean
str_same (TcSipStr a, TcSipStr b)
{
  return a.len == b.len && (a.len == 0 || memcmp (a.str, b.str, a.len) == 0);
}

gboolean
tc_sip_message_equal (const TcSipMessage *a, const TcSipMessage *b)
{
  guint i = 0, j = 0;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->is_request != b->is_request)
    return FALSE;
  if (a->is_request ? !str_same (a->method_name, b->method_name) || !str_same (a->request_uri, b->request_uri)
                    : a->status != b->status || !str_same (a->reason, b->reason))
    return FALSE;
  if (!str_same (a->body, b->body))
    return FALSE;

  for (;;)
    {
      const TcSipHeader *ha, *hb;

      while (i < a->headers.len && a->headers.items[i].id == TC_SIP_HEADER_CONTENT_LENGTH)
        i++;
      while (j < b->headers.len && b->headers.items[j].id == TC_SIP_HEADER_CONTENT_LENGTH)
        j++;
      if (i == a->headers.len || j == b->headers.len)
        return i == a->headers.len && j == b->headers.len;

      ha = &a->headers.items[i++];
      hb = &b->headers.items[j++];
      if (ha->id != hb->id || !str_same (ha->value, hb->value))
        return FALSE;
      if (ha->id == TC_SIP_HEADER_OTHER &&
          (ha->name.len != hb->name.len || g_ascii_strncasecmp (ha->name.str, hb->name.str, ha->name.len) != 0))
        return FALSE;
    }
}

/* ---- RFC 3261 §18.2.1 / RFC 3581: received and rport ---------------------- */

/* @ip: @source as text.  Textual equality settles IPv4 (and a domain name,
 * which never equals an address); IPv6 has several spellings: compare the
 * parsed addresses. */
static gboolean
sent_by_is_source (const TcSipVia *via, GInetAddress *source, const char *ip)
{
  g_autofree char *host = NULL;
  g_autoptr (GInetAddress) sent_by = NULL;

  if (tc_sip_str_equal_ci (via->host, ip))
    return TRUE;
  if (!memchr (via->host.str, ':', via->host.len))
    return FALSE;
  host = g_strndup (via->host.str, via->host.len);
  sent_by = g_inet_address_new_from_string (host);
  return sent_by && g_inet_address_equal (sent_by, source);
}

void
tc_sip_message_set_source (TcSipMessage *msg, GInetSocketAddress *source)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (source == NULL || G_IS_INET_SOCKET_ADDRESS (source));

  g_set_object (&msg->source, source);
}

GInetSocketAddress *
tc_sip_message_get_source (const TcSipMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);
  return msg->source;
}

char *
tc_sip_message_stamped_top_via (const TcSipMessage *request)
{
  const TcSipVia *via;
  const TcSipHeader *field = NULL;
  GInetAddress *inet;
  gboolean add_received, fill_rport;
  const char *sent_by_end, *via_end, *field_end;
  TcSipParamsIter iter;
  TcSipStr name, value;
  g_autofree char *ip = NULL;
  GString *out;

  if (!request->is_request || !request->source || request->vias.len == 0)
    return NULL;
  via = &request->vias.items[0];
  inet = g_inet_socket_address_get_address (request->source);
  ip = g_inet_address_to_string (inet);
  add_received = !sent_by_is_source (via, inet, ip);
  fill_rport = via->rport == 0;
  if (!add_received && !fill_rport)
    return NULL;
  for (guint i = 0; i < request->headers.len && !field; i++)
    if (request->headers.items[i].id == TC_SIP_HEADER_VIA)
      field = &request->headers.items[i];
  field_end = field->value.str + field->value.len;

  /* The top via runs from its protocol name to the end of its parameters
   * (or of its sent-by when it has none). */
  sent_by_end = via->host.str + via->host.len;
  if (sent_by_end < field_end && *sent_by_end == ']')
    sent_by_end++;
  if (via->port && sent_by_end < field_end && *sent_by_end == ':')
    for (sent_by_end++; sent_by_end < field_end && g_ascii_isdigit (*sent_by_end); sent_by_end++)
      ;
  via_end = via->params.raw.str ? via->params.raw.str + via->params.raw.len : sent_by_end;

  out = g_string_sized_new (field->value.len + 48);
  g_string_append_len (out, field->value.str, sent_by_end - field->value.str);
  tc_sip_params_iter_init (&iter, &via->params);
  while (tc_sip_params_iter_next (&iter, &name, &value))
    {
      if (tc_sip_str_equal_ci (name, "received") || tc_sip_str_equal_ci (name, "rport"))
        continue;
      g_string_append_c (out, ';');
      g_string_append_len (out, name.str, name.len);
      if (tc_sip_str_is_set (value))
        {
          g_string_append_c (out, '=');
          g_string_append_len (out, value.str, value.len);
        }
    }
  /* RFC 3581 §4: received is added whenever rport is asked for. */
  g_string_append_printf (out, ";received=%s", ip);
  if (via->rport >= 0)
    g_string_append_printf (out, ";rport=%u", g_inet_socket_address_get_port (request->source));
  g_string_append_len (out, via_end, field_end - via_end);
  return g_string_free (out, FALSE);
}
