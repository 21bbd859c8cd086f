/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincan-sip-parse.c — the SIP message layer's command-line inspector.
 *
 * Reads SIP messages from files or standard input and prints them as the
 * stack parsed them: the start line, every header in order with its id and
 * raw value followed by its typed fields, the decoded Request-URI, a summary
 * of what the message getters return, and the body length.  A message the
 * stack rejects is reported as "error: <reason> (answer <status>)", the
 * reason and status a UAS would answer it with, and the exit status is 1.
 *
 * By default each input is one datagram (RFC 3261 §18.3: one message, the
 * Content-Length optional); with --stream each input is a byte stream framed
 * by Content-Length, as on TCP, and may hold several messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/header.h"
#include "sip/message.h"
#include "sip/parser.h"
#include "sip/sip-error.h"
#include "sip/uri.h"

#define INDENT "        " /* typed fields under a header line */

/* ---- printing views --------------------------------------------------------- */

/* Appends @len bytes of @s, escaping what a terminal would not show
 * faithfully: backslash, control characters and, unless the text is valid
 * UTF-8, bytes above 0x7f. */
static void
append_escaped (GString *out, const char *s, gsize len)
{
  gboolean utf8 = g_utf8_validate_len (s, len, NULL);
  gsize i;

  for (i = 0; i < len; i++)
    {
      guchar c = s[i];

      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
}

static void
append_str (GString *out, TcSipStr s)
{
  if (tc_sip_str_is_set (s))
    append_escaped (out, s.str, s.len);
  else
    g_string_append (out, "(none)");
}

/* " name=value" when @s is set, nothing otherwise. */
static void
append_field (GString *out, const char *name, TcSipStr s)
{
  if (!tc_sip_str_is_set (s))
    return;
  g_string_append_printf (out, " %s=", name);
  append_escaped (out, s.str, s.len);
}

static void
append_field_int (GString *out, const char *name, gint64 value)
{
  if (value >= 0)
    g_string_append_printf (out, " %s=%" G_GINT64_FORMAT, name, value);
}

static void
append_params (GString *out, const TcSipParams *params)
{
  if (params->raw.len > 0)
    append_field (out, "params", params->raw);
}

/* One line "<INDENT>what: error text" for a value that did not parse. */
static void
append_typed_error (GString *out, const char *what, const GError *error)
{
  g_string_append_printf (out, INDENT "%s: not parsed: %s\n", what, error->message);
}

/* ---- URIs ------------------------------------------------------------------- */

static const char *
scheme_name (TcSipUriScheme scheme)
{
  static const char *const names[] = { "sip", "sips", "tel" };

  return scheme < G_N_ELEMENTS (names) ? names[scheme] : "?";
}

static const char *
host_type_name (TcSipHostType type)
{
  static const char *const names[] = { "none", "name", "IPv4", "IPv6" };

  return type < G_N_ELEMENTS (names) ? names[type] : "?";
}

static void
append_error_answer (GString *out, const GError *error)
{
  guint status = tc_sip_error_get_status (error);

  g_string_append (out, error->message);
  if (status)
    g_string_append_printf (out, " (answer %u)", status);
}

/* The decoded components of @text, one per line, under @indent. */
static void
append_uri_details (GString *out, const char *indent, TcSipStr text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (text.str, text.len, &error);
  g_autofree char *printed = NULL;
  const char *user, *password, *value;
  gsize user_len = 0;
  guint i;

  if (!uri)
    {
      g_string_append_printf (out, "%snot decoded: ", indent);
      append_error_answer (out, error);
      g_string_append_c (out, '\n');
      return;
    }

  g_string_append_printf (out, "%sscheme: %s\n", indent, scheme_name (tc_sip_uri_get_scheme (uri)));
  user = tc_sip_uri_get_user (uri, &user_len);
  g_string_append_printf (out, "%s%s: ", indent,
                          tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_TEL ? "number" : "user");
  append_str (out, user ? tc_sip_str (user, user_len) : TC_SIP_STR_NULL);
  g_string_append_c (out, '\n');
  password = tc_sip_uri_get_password (uri);
  if (password)
    {
      g_string_append_printf (out, "%spassword: ", indent);
      append_escaped (out, password, strlen (password));
      g_string_append_c (out, '\n');
    }
  if (tc_sip_uri_get_host_type (uri) != TC_SIP_HOST_NONE)
    {
      const char *host = tc_sip_uri_get_host (uri);

      g_string_append_printf (out, "%shost: ", indent);
      append_escaped (out, host, strlen (host));
      g_string_append_printf (out, " (%s)\n", host_type_name (tc_sip_uri_get_host_type (uri)));
      if (tc_sip_uri_get_port (uri))
        g_string_append_printf (out, "%sport: %u\n", indent, tc_sip_uri_get_port (uri));
      else
        g_string_append_printf (out, "%sport: (none)\n", indent);
    }

  for (i = 0; i < tc_sip_uri_get_n_params (uri); i++)
    {
      const char *name;

      tc_sip_uri_get_param_nth (uri, i, &name, &value);
      g_string_append_printf (out, "%sparam: ", indent);
      append_escaped (out, name, strlen (name));
      if (value)
        {
          g_string_append_c (out, '=');
          append_escaped (out, value, strlen (value));
        }
      g_string_append_c (out, '\n');
    }
  if (tc_sip_uri_get_transport (uri))
    g_string_append_printf (out, "%stransport: %s\n", indent, tc_sip_uri_get_transport (uri));
  if (tc_sip_uri_get_user_param (uri))
    g_string_append_printf (out, "%suser-param: %s\n", indent, tc_sip_uri_get_user_param (uri));
  if (tc_sip_uri_get_method (uri))
    g_string_append_printf (out, "%smethod-param: %s\n", indent, tc_sip_uri_get_method (uri));
  if (tc_sip_uri_get_maddr (uri))
    g_string_append_printf (out, "%smaddr: %s\n", indent, tc_sip_uri_get_maddr (uri));
  if (tc_sip_uri_get_ttl (uri) >= 0)
    g_string_append_printf (out, "%sttl: %d\n", indent, tc_sip_uri_get_ttl (uri));
  if (tc_sip_uri_get_lr (uri))
    g_string_append_printf (out, "%slr: yes\n", indent);

  for (i = 0; i < tc_sip_uri_get_n_headers (uri); i++)
    {
      const char *name;

      tc_sip_uri_get_header_nth (uri, i, &name, &value);
      g_string_append_printf (out, "%sheader: ", indent);
      append_escaped (out, name, strlen (name));
      g_string_append_c (out, '=');
      append_escaped (out, value ? value : "", value ? strlen (value) : 0);
      g_string_append_c (out, '\n');
    }

  printed = tc_sip_uri_to_string (uri);
  g_string_append_printf (out, "%sprinted: ", indent);
  append_escaped (out, printed, strlen (printed));
  g_string_append_c (out, '\n');
}

/* ---- typed header values ---------------------------------------------------- */

typedef void (*PrintValueFunc) (GString *out, TcSipHeaderId id, TcSipStr value);

static void
print_via (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipVia via;

  if (!tc_sip_parse_via (value, &via, &error))
    {
      append_typed_error (out, "via", error);
      return;
    }
  g_string_append (out, INDENT "via:");
  append_field (out, "protocol", via.protocol_name);
  append_field (out, "version", via.protocol_version);
  append_field (out, "transport", via.transport);
  append_field (out, "host", via.host);
  if (via.port)
    g_string_append_printf (out, " port=%u", via.port);
  append_field (out, "branch", via.branch);
  append_field (out, "received", via.received);
  if (via.rport == 0)
    g_string_append (out, " rport");
  else
    append_field_int (out, "rport", via.rport);
  append_field (out, "maddr", via.maddr);
  append_field_int (out, "ttl", via.ttl);
  append_params (out, &via.params);
  g_string_append_c (out, '\n');
}

static void
append_name_addr (GString *out, const TcSipNameAddr *addr)
{
  append_field (out, "display-name", addr->display_name);
  append_field (out, "uri", addr->uri);
  append_field (out, "tag", addr->tag);
}

static void
print_name_addr (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipNameAddr addr;

  if (!tc_sip_parse_name_addr (value, &addr, &error))
    {
      append_typed_error (out, "name-addr", error);
      return;
    }
  g_string_append (out, INDENT "name-addr:");
  append_name_addr (out, &addr);
  append_params (out, &addr.params);
  g_string_append_c (out, '\n');
  append_uri_details (out, INDENT "  ", addr.uri);
}

static void
print_contact (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipContact contact;

  if (!tc_sip_parse_contact (value, &contact, &error))
    {
      append_typed_error (out, "contact", error);
      return;
    }
  if (contact.star)
    {
      g_string_append (out, INDENT "contact: * (all bindings)\n");
      return;
    }
  g_string_append (out, INDENT "contact:");
  append_name_addr (out, &contact.addr);
  if (contact.q >= 0)
    g_string_append_printf (out, " q=%d.%03d", contact.q / 1000, contact.q % 1000);
  append_field_int (out, "expires", contact.expires);
  append_field (out, "+sip.instance", contact.instance);
  append_field_int (out, "reg-id", contact.reg_id);
  append_field (out, "pub-gruu", contact.pub_gruu);
  append_field (out, "temp-gruu", contact.temp_gruu);
  append_params (out, &contact.addr.params);
  g_string_append_c (out, '\n');
  append_uri_details (out, INDENT "  ", contact.addr.uri);
}

static void
print_cseq (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipCSeq cseq;

  if (!tc_sip_parse_cseq (value, &cseq, &error))
    {
      append_typed_error (out, "cseq", error);
      return;
    }
  g_string_append_printf (out, INDENT "cseq: seq=%" G_GUINT32_FORMAT, cseq.seq);
  append_field (out, "method", cseq.method);
  g_string_append_c (out, '\n');
}

static void
print_number (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  guint32 n;

  if (!tc_sip_parse_uint32 (value, id == TC_SIP_HEADER_MAX_FORWARDS ? 255 : G_MAXUINT32, &n, &error))
    {
      append_typed_error (out, "number", error);
      return;
    }
  g_string_append_printf (out, INDENT "number: %" G_GUINT32_FORMAT "\n", n);
}

static void
print_content_type (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipContentType ct;

  if (!tc_sip_parse_content_type (value, &ct, &error))
    {
      append_typed_error (out, "media-type", error);
      return;
    }
  g_string_append (out, INDENT "media-type:");
  append_field (out, "type", ct.type);
  append_field (out, "subtype", ct.subtype);
  append_params (out, &ct.params);
  g_string_append_c (out, '\n');
}

static void
print_auth (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipListIter iter;
  TcSipStr param;
  TcSipAuth auth;

  if (!tc_sip_parse_auth (value, &auth, &error))
    {
      append_typed_error (out, "auth", error);
      return;
    }
  g_string_append (out, INDENT "auth:");
  append_field (out, "scheme", auth.scheme);
  g_string_append_c (out, '\n');
  tc_sip_list_iter_init (&iter, auth.params);
  while (tc_sip_list_iter_next (&iter, &param))
    {
      if (param.len == 0)
        continue;
      g_string_append (out, INDENT "  auth-param: ");
      append_escaped (out, param.str, param.len);
      g_string_append_c (out, '\n');
    }
}

static void
print_tokens (GString *out, TcSipHeaderId id, TcSipStr value)
{
  TcSipListIter iter;
  TcSipStr token;

  g_string_append (out, INDENT "tokens:");
  tc_sip_list_iter_init (&iter, value);
  while (tc_sip_list_iter_next (&iter, &token))
    {
      g_string_append_c (out, ' ');
      append_escaped (out, token.str, token.len);
    }
  g_string_append_c (out, '\n');
}

static void
print_event (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipEvent event;

  if (!tc_sip_parse_event (value, &event, &error))
    {
      append_typed_error (out, "event", error);
      return;
    }
  g_string_append (out, INDENT "event:");
  append_field (out, "package", event.package);
  append_field (out, "id", event.id);
  append_params (out, &event.params);
  g_string_append_c (out, '\n');
}

static void
print_subscription_state (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipSubscriptionState ss;

  if (!tc_sip_parse_subscription_state (value, &ss, &error))
    {
      append_typed_error (out, "subscription-state", error);
      return;
    }
  g_string_append (out, INDENT "subscription-state:");
  append_field (out, "state", ss.state);
  append_field (out, "reason", ss.reason);
  append_field_int (out, "expires", ss.expires);
  append_field_int (out, "retry-after", ss.retry_after);
  append_params (out, &ss.params);
  g_string_append_c (out, '\n');
}

static void
print_retry_after (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipRetryAfter ra;

  if (!tc_sip_parse_retry_after (value, &ra, &error))
    {
      append_typed_error (out, "retry-after", error);
      return;
    }
  g_string_append_printf (out, INDENT "retry-after: seconds=%" G_GUINT32_FORMAT, ra.seconds);
  append_field (out, "comment", ra.comment);
  append_field_int (out, "duration", ra.duration);
  append_params (out, &ra.params);
  g_string_append_c (out, '\n');
}

static void
print_session_expires (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipSessionExpires se;

  if (!tc_sip_parse_session_expires (value, &se, &error))
    {
      append_typed_error (out, "session-expires", error);
      return;
    }
  g_string_append_printf (out, INDENT "session-expires: delta=%" G_GUINT32_FORMAT, se.delta);
  append_field (out, "refresher", se.refresher);
  append_params (out, &se.params);
  g_string_append_c (out, '\n');
}

static void
print_replaces (GString *out, TcSipHeaderId id, TcSipStr value)
{
  g_autoptr (GError) error = NULL;
  TcSipReplaces replaces;

  if (!tc_sip_parse_replaces (value, &replaces, &error))
    {
      append_typed_error (out, "replaces", error);
      return;
    }
  g_string_append (out, INDENT "replaces:");
  append_field (out, "call-id", replaces.call_id);
  append_field (out, "to-tag", replaces.to_tag);
  append_field (out, "from-tag", replaces.from_tag);
  if (replaces.early_only)
    g_string_append (out, " early-only");
  append_params (out, &replaces.params);
  g_string_append_c (out, '\n');
}

/* How each known header is shown; @list: the value is a comma-separated
 * list and each element is shown on its own. */
static const struct {
  TcSipHeaderId id;
  gboolean list;
  PrintValueFunc print;
} value_printers[] = {
  { TC_SIP_HEADER_VIA, TRUE, print_via },
  { TC_SIP_HEADER_FROM, FALSE, print_name_addr },
  { TC_SIP_HEADER_TO, FALSE, print_name_addr },
  { TC_SIP_HEADER_ROUTE, TRUE, print_name_addr },
  { TC_SIP_HEADER_RECORD_ROUTE, TRUE, print_name_addr },
  { TC_SIP_HEADER_REFER_TO, FALSE, print_name_addr },
  { TC_SIP_HEADER_REFERRED_BY, FALSE, print_name_addr },
  { TC_SIP_HEADER_CONTACT, TRUE, print_contact },
  { TC_SIP_HEADER_CSEQ, FALSE, print_cseq },
  { TC_SIP_HEADER_MAX_FORWARDS, FALSE, print_number },
  { TC_SIP_HEADER_EXPIRES, FALSE, print_number },
  { TC_SIP_HEADER_MIN_EXPIRES, FALSE, print_number },
  { TC_SIP_HEADER_CONTENT_LENGTH, FALSE, print_number },
  { TC_SIP_HEADER_CONTENT_TYPE, FALSE, print_content_type },
  { TC_SIP_HEADER_AUTHORIZATION, FALSE, print_auth },
  { TC_SIP_HEADER_PROXY_AUTHORIZATION, FALSE, print_auth },
  { TC_SIP_HEADER_WWW_AUTHENTICATE, FALSE, print_auth },
  { TC_SIP_HEADER_PROXY_AUTHENTICATE, FALSE, print_auth },
  { TC_SIP_HEADER_ALLOW, FALSE, print_tokens },
  { TC_SIP_HEADER_SUPPORTED, FALSE, print_tokens },
  { TC_SIP_HEADER_REQUIRE, FALSE, print_tokens },
  { TC_SIP_HEADER_PROXY_REQUIRE, FALSE, print_tokens },
  { TC_SIP_HEADER_UNSUPPORTED, FALSE, print_tokens },
  { TC_SIP_HEADER_ALLOW_EVENTS, FALSE, print_tokens },
  { TC_SIP_HEADER_EVENT, FALSE, print_event },
  { TC_SIP_HEADER_SUBSCRIPTION_STATE, FALSE, print_subscription_state },
  { TC_SIP_HEADER_RETRY_AFTER, FALSE, print_retry_after },
  { TC_SIP_HEADER_SESSION_EXPIRES, FALSE, print_session_expires },
  { TC_SIP_HEADER_REPLACES, FALSE, print_replaces },
};

static void
append_header (GString *out, guint index, const TcSipHeader *header)
{
  const char *id_name = tc_sip_header_id_to_name (header->id);
  guint i;

  g_string_append_printf (out, "  [%u] ", index);
  append_escaped (out, header->name.str, header->name.len);
  g_string_append_printf (out, " (%s): ", id_name ? id_name : "other");
  append_escaped (out, header->value.str, header->value.len);
  g_string_append_c (out, '\n');

  for (i = 0; i < G_N_ELEMENTS (value_printers); i++)
    {
      TcSipListIter iter;
      TcSipStr element;

      if (value_printers[i].id != header->id)
        continue;
      if (!value_printers[i].list)
        {
          value_printers[i].print (out, header->id, header->value);
          return;
        }
      tc_sip_list_iter_init (&iter, header->value);
      while (tc_sip_list_iter_next (&iter, &element))
        value_printers[i].print (out, header->id, element);
      return;
    }
}

/* ---- whole messages --------------------------------------------------------- */

/* What the message getters return: the values the stack reads on every
 * message, parsed once with the message. */
static void
append_summary (GString *out, const TcSipMessage *msg)
{
  const TcSipNameAddr *from = tc_sip_message_get_from (msg);
  const TcSipNameAddr *to = tc_sip_message_get_to (msg);
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (msg);
  const TcSipContentType *ct = tc_sip_message_get_content_type (msg);
  guint n_vias = tc_sip_message_get_n_vias (msg);

  g_string_append (out, "summary:\n  call-id: ");
  append_str (out, tc_sip_message_get_call_id (msg));
  g_string_append_printf (out, "\n  cseq: %" G_GUINT32_FORMAT " ", cseq->seq);
  append_str (out, cseq->method);
  g_string_append (out, "\n  from-tag: ");
  append_str (out, from->tag);
  g_string_append (out, "\n  to-tag: ");
  append_str (out, to->tag);
  g_string_append_printf (out, "\n  vias: %u", n_vias);
  if (n_vias > 0)
    {
      g_string_append (out, " (top branch ");
      append_str (out, tc_sip_message_get_via (msg, 0)->branch);
      g_string_append_c (out, ')');
    }
  g_string_append_printf (out, "\n  contacts: %u\n  routes: %u\n  record-routes: %u\n",
                          tc_sip_message_get_n_contacts (msg), tc_sip_message_get_n_routes (msg),
                          tc_sip_message_get_n_record_routes (msg));
  if (tc_sip_message_get_max_forwards (msg) >= 0)
    g_string_append_printf (out, "  max-forwards: %d\n", tc_sip_message_get_max_forwards (msg));
  if (tc_sip_message_get_expires (msg) >= 0)
    g_string_append_printf (out, "  expires: %" G_GINT64_FORMAT "\n", tc_sip_message_get_expires (msg));
  if (tc_sip_message_get_min_expires (msg) >= 0)
    g_string_append_printf (out, "  min-expires: %" G_GINT64_FORMAT "\n", tc_sip_message_get_min_expires (msg));
  if (ct)
    {
      g_string_append (out, "  content-type: ");
      append_str (out, ct->type);
      g_string_append_c (out, '/');
      append_str (out, ct->subtype);
      g_string_append_c (out, '\n');
    }
  if (tc_sip_message_get_content_length (msg) >= 0)
    g_string_append_printf (out, "  content-length: %" G_GINT64_FORMAT "\n", tc_sip_message_get_content_length (msg));
  else
    g_string_append (out, "  content-length: (absent)\n");
}

static void
print_message (TcSipMessage *msg, guint number, const char *source)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GBytes) wire = tc_sip_message_to_bytes (msg);
  TcSipStr body = tc_sip_message_get_body (msg);
  guint i, n_headers = tc_sip_message_get_n_headers (msg);

  g_string_append_printf (out, "message %u (%s): %s, %" G_GSIZE_FORMAT " bytes on the wire\n", number, source,
                          tc_sip_message_is_request (msg) ? "request" : "response", g_bytes_get_size (wire));
  if (tc_sip_message_is_request (msg))
    {
      TcSipStr method = tc_sip_message_get_method_name (msg);
      TcSipStr uri = tc_sip_message_get_request_uri_text (msg);
      const char *known = tc_sip_method_to_name (tc_sip_message_get_method (msg));

      g_string_append (out, "start-line: ");
      append_str (out, method);
      g_string_append_c (out, ' ');
      append_str (out, uri);
      g_string_append (out, " SIP/2.0\n  method: ");
      append_str (out, method);
      g_string_append_printf (out, " (%s)\n  request-uri: ", known ? "known" : "extension");
      append_str (out, uri);
      g_string_append_c (out, '\n');
      append_uri_details (out, "    ", uri);
    }
  else
    {
      g_string_append_printf (out, "start-line: SIP/2.0 %03u ", tc_sip_message_get_status (msg));
      append_str (out, tc_sip_message_get_reason (msg));
      g_string_append_printf (out, "\n  status: %u\n  reason: ", tc_sip_message_get_status (msg));
      append_str (out, tc_sip_message_get_reason (msg));
      g_string_append_c (out, '\n');
    }

  g_string_append_printf (out, "headers: %u\n", n_headers);
  for (i = 0; i < n_headers; i++)
    append_header (out, i, tc_sip_message_get_header (msg, i));

  append_summary (out, msg);
  g_string_append_printf (out, "body: %" G_GSIZE_FORMAT " bytes\n\n", body.len);
  fwrite (out->str, 1, out->len, stdout);
}

static void
print_error (const GError *error, guint number, const char *source)
{
  g_autoptr (GString) out = g_string_new (NULL);

  g_string_append_printf (out, "message %u (%s)\nerror: ", number, source);
  append_error_answer (out, error);
  g_string_append (out, "\n\n");
  fwrite (out->str, 1, out->len, stdout);
}

/* ---- input ------------------------------------------------------------------ */

static GBytes *
read_input (const char *path, GError **error)
{
  g_autoptr (GByteArray) data = NULL;
  char *contents;
  gsize len;

  if (g_strcmp0 (path, "-") != 0)
    {
      if (!g_file_get_contents (path, &contents, &len, error))
        return NULL;
      return g_bytes_new_take (contents, len);
    }

  data = g_byte_array_new ();
  for (;;)
    {
      guint8 buf[16384];
      size_t n = fread (buf, 1, sizeof buf, stdin);

      g_byte_array_append (data, buf, n);
      if (n < sizeof buf)
        break;
    }
  if (ferror (stdin))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read standard input");
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* Returns the number of messages that failed. */
static guint
inspect_datagram (GBytes *input, const char *source, guint *number)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = tc_sip_message_parse_datagram (input, NULL, &error);

  ++*number;
  if (!msg)
    {
      print_error (error, *number, source);
      return 1;
    }
  print_message (msg, *number, source);
  return 0;
}

static guint
inspect_stream (GBytes *input, const char *source, guint *number)
{
  g_autoptr (TcSipStreamParser) parser = tc_sip_stream_parser_new (NULL);
  gsize len, pending;
  const void *data = g_bytes_get_data (input, &len);
  guint pings;

  tc_sip_stream_parser_feed (parser, data, len);
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TcSipMessage) msg = tc_sip_stream_parser_next (parser, &error);

      if (!msg && !error)
        break;
      ++*number;
      if (!msg)
        {
          print_error (error, *number, source);
          return 1;
        }
      print_message (msg, *number, source);
    }

  pings = tc_sip_stream_parser_take_pings (parser);
  if (pings)
    printf ("%s: %u CRLFCRLF keepalive ping(s)\n", source, pings);
  pending = tc_sip_stream_parser_get_pending (parser);
  if (pending)
    {
      printf ("error: %s ends inside a message (%" G_GSIZE_FORMAT " bytes waiting for more)\n\n", source, pending);
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  gboolean stream = FALSE;
  g_auto (GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "stream", 's', 0, G_OPTION_ARG_NONE, &stream,
      "Treat each input as a byte stream framed by Content-Length (as on TCP), which may hold several messages", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("[FILE…] — print SIP messages as Tincan parses them");
  g_autoptr (GError) error = NULL;
  const char *const stdin_only[] = { "-", NULL };
  const char *const *inputs;
  guint failed = 0, number = 0, i;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "Reads each FILE (\"-\" or none: standard input) as one SIP message, as received\n"
                                    "in a UDP datagram, or with --stream as a TCP byte stream.  Prints the start\n"
                                    "line, each header with its typed fields, the decoded Request-URI and the body\n"
                                    "length; or \"error: <reason> (answer <status>)\" for a message the stack\n"
                                    "rejects.  Exit status: 0 when every message parsed, 1 otherwise, 2 on a\n"
                                    "usage or input error.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "tincan-sip-parse: %s\n", error->message);
      return 2;
    }

  inputs = files && files[0] ? (const char *const *) files : stdin_only;
  for (i = 0; inputs[i]; i++)
    {
      g_autoptr (GBytes) input = NULL;
      const char *source = g_strcmp0 (inputs[i], "-") == 0 ? "stdin" : inputs[i];

      input = read_input (inputs[i], &error);
      if (!input)
        {
          fprintf (stderr, "tincan-sip-parse: %s\n", error->message);
          return 2;
        }
      failed += stream ? inspect_stream (input, source, &number) : inspect_datagram (input, source, &number);
    }
  fflush (stdout);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
