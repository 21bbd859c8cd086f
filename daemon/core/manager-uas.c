/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-uas.c — the UAS rules of RFC 3261 §8.2, applied once per stack
 * before a request reaches an endpoint: a method we do not implement is
 * 405 (known) or 501 (unknown) with Allow, an option tag in Require other
 * than "timer" is 420 with Unsupported, Max-Forwards 0 is 483 (OPTIONS
 * excepted, §11), OPTIONS is answered 200 with Allow, Accept and
 * Supported, a MESSAGE in a dialog is 405, and a Request-URI user nobody
 * owns on a shared stack is 404.  The rest goes to the endpoint.
 */
#include "core/manager-private.h"
#include "sip/debug.h"

#define ALLOW "INVITE, ACK, CANCEL, BYE, INFO, UPDATE, MESSAGE, OPTIONS"
#define ACCEPT "*/*"
#define SUPPORTED "path, gruu, timer"

static void
respond_with_allow (TcSipIncoming *incoming, guint status, const char *reason)
{
  TcSipMessageBuilder *response = tc_sip_incoming_new_response (incoming, status, reason, NULL);

  tc_sip_message_builder_add_header (response, "Allow", ALLOW);
  if (status == 200)
    {
      tc_sip_message_builder_add_header (response, "Accept", ACCEPT);
      tc_sip_message_builder_add_header (response, "Supported", SUPPORTED);
    }
  tc_sip_incoming_respond (incoming, response, NULL);
}

/* Every option tag of every Require header that we do not support (we
 * support only "timer", RFC 4028). */
static gboolean
check_require (TcSipIncoming *incoming)
{
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  g_autoptr (GString) unsupported = g_string_new (NULL);
  TcSipMessageBuilder *response;

  for (gint i = tc_sip_message_find_header (request, TC_SIP_HEADER_REQUIRE, 0); i >= 0;
       i = tc_sip_message_find_header (request, TC_SIP_HEADER_REQUIRE, i + 1))
    {
      const TcSipHeader *header = tc_sip_message_get_header (request, i);
      g_autofree char *value = g_strndup (header->value.str, header->value.len);
      g_auto (GStrv) tags = g_strsplit (value, ",", -1);

      for (guint j = 0; tags[j]; j++)
        {
          g_strstrip (tags[j]);
          if (!*tags[j] || g_ascii_strcasecmp (tags[j], "timer") == 0)
            continue;
          if (unsupported->len)
            g_string_append (unsupported, ", ");
          g_string_append (unsupported, tags[j]);
        }
    }
  if (!unsupported->len)
    return TRUE;
  response = tc_sip_incoming_new_response (incoming, 420, "Bad Extension", NULL);
  tc_sip_message_builder_add_header (response, "Unsupported", unsupported->str);
  tc_sip_incoming_respond (incoming, response, NULL);
  return FALSE;
}

static TcEndpoint *
route_request (StackEntry *entry, TcSipMessage *request)
{
  const TcSipUri *uri;
  const char *user;
  gsize len = 0;
  g_autofree char *key = NULL;

  if (entry->single)
    return entry->single;
  uri = tc_sip_message_get_request_uri (request);
  user = uri ? tc_sip_uri_get_user (uri, &len) : NULL;
  if (!user)
    return NULL;
  key = g_strndup (user, len);
  return g_hash_table_lookup (entry->by_user, key);
}

static void
on_stack_request (TcSipStack *stack, TcSipIncoming *incoming, gpointer user_data)
{
  StackEntry *entry = user_data;
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  TcSipMethod method = tc_sip_message_get_method (request);
  TcEndpoint *endpoint;

  switch (method)
    {
    case TC_SIP_METHOD_MESSAGE:
    case TC_SIP_METHOD_OPTIONS:
    case TC_SIP_METHOD_INVITE:
    case TC_SIP_METHOD_BYE:
    case TC_SIP_METHOD_INFO:
    case TC_SIP_METHOD_UPDATE:
      break;
    case TC_SIP_METHOD_OTHER:
      respond_with_allow (incoming, 501, "Not Implemented");
      return;
    default:
      respond_with_allow (incoming, 405, "Method Not Allowed");
      return;
    }
  if (!check_require (incoming))
    return;
  if (method == TC_SIP_METHOD_OPTIONS)
    {
      respond_with_allow (incoming, 200, NULL);
      return;
    }
  if (tc_sip_message_get_max_forwards (request) == 0)
    {
      tc_sip_incoming_respond_status (incoming, 483, NULL, NULL);
      return;
    }
  if (method == TC_SIP_METHOD_MESSAGE && tc_sip_incoming_get_dialog (incoming))
    {
      /* A MESSAGE in a dialog: no dialog of ours takes one yet. */
      respond_with_allow (incoming, 405, "Method Not Allowed In This Dialog");
      return;
    }
  endpoint = route_request (entry, request);
  if (!endpoint)
    {
      tc_sip_incoming_respond_status (incoming, 404, "No Such Endpoint Here", NULL);
      return;
    }
  tc_endpoint_handle_request (endpoint, incoming);
}

static void
on_stack_ack (TcSipStack *stack, TcSipDialog *dialog, TcSipMessage *ack, gpointer user_data)
{
  TcEndpoint *endpoint = route_request (user_data, ack);

  if (!endpoint || !tc_endpoint_session_handle_ack (endpoint, ack))
    tc_debug ("ACK for no session of ours");
}

static void
on_stack_cancelled (TcSipStack *stack, TcSipIncoming *invite, TcSipMessage *cancel, gpointer user_data)
{
  TcEndpoint *endpoint = route_request (user_data, tc_sip_incoming_get_request (invite));

  if (!endpoint || !tc_endpoint_session_handle_cancel (endpoint, invite, cancel))
    tc_debug ("CANCEL of an INVITE no session has");
}

static void
on_stack_ack_timeout (TcSipStack *stack, TcSipDialog *dialog, gpointer user_data)
{
  StackEntry *entry = user_data;
  GHashTableIter iter;
  gpointer value;

  if (entry->single)
    {
      tc_endpoint_session_handle_ack_timeout (entry->single, dialog);
      return;
    }
  g_hash_table_iter_init (&iter, entry->by_user);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (tc_endpoint_session_handle_ack_timeout (value, dialog))
      return;
}

static const TcSipStackHandlers stack_handlers = {
  .request = on_stack_request,
  .cancelled = on_stack_cancelled,
  .ack = on_stack_ack,
  .ack_timeout = on_stack_ack_timeout,
};

void
tc_manager_uas_attach (StackEntry *entry)
{
  tc_sip_stack_set_handlers (entry->stack, &stack_handlers, entry);
}
