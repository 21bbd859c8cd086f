/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration-contact.c — finding our binding among the Contacts of a
 * registrar's 2xx (RFC 3261 §10.2.4): registrars rewrite parameters, so a
 * binding is ours when it has our user@host:port, else our +sip.instance
 * (RFC 5626).
 */
#include "core/registration-private.h"

#include <string.h>

static gboolean
instance_matches (const char *instance_id, TcSipStr instance)
{
  g_autofree char *text = NULL;
  gsize len;

  if (!instance_id || !tc_sip_str_is_set (instance))
    return FALSE;
  text = tc_sip_unquote (instance);
  len = strlen (text);
  if (len >= 2 && text[0] == '<' && text[len - 1] == '>')
    return strlen (instance_id) == len - 2 && g_ascii_strncasecmp (text + 1, instance_id, len - 2) == 0;
  return g_ascii_strcasecmp (text, instance_id) == 0;
}

static guint16
effective_port (const TcSipUri *uri)
{
  const char *transport = tc_sip_uri_get_transport (uri);

  if (tc_sip_uri_get_port (uri))
    return tc_sip_uri_get_port (uri);
  if (tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_SIPS ||
      (transport && g_ascii_strcasecmp (transport, "tls") == 0))
    return 5061;
  return 5060;
}

/* The same binding: user@host:port (registrars rewrite parameters). */
static gboolean
same_contact (const TcSipUri *a, const TcSipUri *b)
{
  gsize a_len = 0, b_len = 0;
  const char *a_user = tc_sip_uri_get_user (a, &a_len);
  const char *b_user = tc_sip_uri_get_user (b, &b_len);
  const char *a_host = tc_sip_uri_get_host (a);
  const char *b_host = tc_sip_uri_get_host (b);

  if (!a_host || !b_host || g_ascii_strcasecmp (a_host, b_host) != 0)
    return FALSE;
  if (!a_user != !b_user || a_len != b_len || (a_user && memcmp (a_user, b_user, a_len) != 0))
    return FALSE;
  return effective_port (a) == effective_port (b);
}

const TcSipContact *
tc_registration_find_contact (const char *instance_id, TcSipMessage *sent, TcSipMessage *response)
{
  g_autoptr (TcSipUri) ours = NULL;
  const TcSipContact *by_instance = NULL;

  if (sent && tc_sip_message_get_n_contacts (sent) > 0)
    {
      const TcSipContact *contact = tc_sip_message_get_contact (sent, 0);

      if (!contact->star)
        ours = tc_sip_uri_parse (contact->addr.uri.str, contact->addr.uri.len, NULL);
    }
  for (guint i = 0; i < tc_sip_message_get_n_contacts (response); i++)
    {
      const TcSipContact *contact = tc_sip_message_get_contact (response, i);
      g_autoptr (TcSipUri) uri = NULL;

      if (contact->star)
        continue;
      uri = tc_sip_uri_parse (contact->addr.uri.str, contact->addr.uri.len, NULL);
      if (ours && uri && same_contact (ours, uri))
        return contact;
      if (!by_instance && instance_matches (instance_id, contact->instance))
        by_instance = contact;
    }
  return by_instance;
}
