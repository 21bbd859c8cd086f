/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration-util.c — what TcRegistration decides without its state:
 * the state names, when to refresh and to retry, what a failure without
 * a response counts as, which outcomes are worth a retry, and which of a
 * 2xx's Contacts is our binding (registration-private.h).
 */
#include "core/registration-private.h"

#include <string.h>

#include "sip/sip-error.h"
#include "sip/transport.h"

/* A refresh goes out at least this long before the binding expires. */
#define REFRESH_MARGIN_US (5 * G_TIME_SPAN_SECOND)

const char *
tc_registration_state_to_string (TcRegistrationState state)
{
  switch (state)
    {
    case TC_REGISTRATION_STATE_UNREGISTERED:
      return "unregistered";
    case TC_REGISTRATION_STATE_REGISTERING:
      return "registering";
    case TC_REGISTRATION_STATE_REGISTERED:
      return "registered";
    case TC_REGISTRATION_STATE_UNREGISTERING:
      return "unregistering";
    case TC_REGISTRATION_STATE_REJECTED:
      return "rejected";
    case TC_REGISTRATION_STATE_ERROR:
      return "error";
    }
  return "unknown";
}

void
tc_registration_config_init (TcRegistrationConfig *config)
{
  g_return_if_fail (config != NULL);

  *config = (TcRegistrationConfig){
    .expires = 3600,
    .retry_base_us = 30 * G_TIME_SPAN_SECOND,
    .retry_max_us = 1800 * G_TIME_SPAN_SECOND,
  };
}

/* ---- timing --------------------------------------------------------------- */

gint64
tc_registration_refresh_delay (guint granted)
{
  gint64 lifetime_us = (gint64) granted * G_TIME_SPAN_SECOND;
  gint64 delay_us = (gint64) (lifetime_us * g_random_double_range (0.5, 0.8));

  if (delay_us > lifetime_us - REFRESH_MARGIN_US)
    delay_us = MAX (lifetime_us - REFRESH_MARGIN_US, lifetime_us / 2);
  return delay_us;
}

gint64
tc_registration_backoff_delay (gint64 base_us, gint64 max_us, guint n_failures)
{
  gint64 wait_us = base_us;

  for (guint i = 0; i < n_failures && wait_us < max_us; i++)
    wait_us *= 2;
  wait_us = MIN (wait_us, max_us);
  return (gint64) (wait_us * g_random_double_range (0.5, 1.0));
}

/* ---- outcomes ------------------------------------------------------------- */

guint
tc_registration_local_status (const GError *error, const char **reason, const char **cause)
{
  if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_TIMEOUT))
    {
      *reason = "Request Timeout";
      *cause = "timeout";
      return 408;
    }
  if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_CANCELLED))
    {
      *reason = "Request Terminated";
      *cause = "cancelled";
      return 487;
    }
  *reason = error ? error->message : "Service Unavailable";
  if (g_error_matches (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT))
    {
      *cause = "invalid-request"; /* retrying cannot fix it */
      return 500;
    }
  *cause = "transport-error"; /* a refused connection, no target, a closed flow */
  return 503;
}

gboolean
tc_registration_status_is_retryable (guint status, gboolean from_response)
{
  if (!from_response)
    return status != 500; /* tc_registration_local_status()'s invalid request */
  return status == 408 || status == 480 || (status >= 500 && status < 600);
}

/* ---- flows ------------------------------------------------------------------ */

char *
tc_registration_describe_flow (const char *registrar, TcSipFlow *flow)
{
  GInetSocketAddress *remote = tc_sip_flow_get_remote_address (flow);
  TcSipTarget target;
  char *text;

  if (!remote)
    return g_strdup (registrar);
  tc_sip_target_init (&target, tc_sip_flow_get_transport_type (flow), remote, NULL);
  text = tc_sip_target_to_string (&target);
  tc_sip_target_clear (&target);
  return text;
}

gboolean
tc_registration_flow_is_usable (TcSipFlow *flow)
{
  return flow && tc_sip_flow_is_reliable (flow) && !tc_sip_flow_is_closed (flow);
}

/* ---- our binding ---------------------------------------------------------- */

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
