/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transport.c — transport types, targets, and the TcSipFlow and
 * TcSipTransport base classes (transport.h).
 */
#include "sip/transport.h"

#include "sip/trace.h"

#include <string.h>

#include "sip/str.h"

/* ---- transport types -------------------------------------------------- */

const char *
tc_sip_transport_type_to_string (TcSipTransportType type)
{
  switch (type)
    {
    case TC_SIP_TRANSPORT_UDP:
      return "UDP";
    case TC_SIP_TRANSPORT_TCP:
      return "TCP";
    case TC_SIP_TRANSPORT_TLS:
      return "TLS";
    case TC_SIP_TRANSPORT_WS:
      return "WS";
    case TC_SIP_TRANSPORT_WSS:
      return "WSS";
    }
  g_return_val_if_reached ("UNKNOWN");
}

gboolean
tc_sip_transport_type_from_string (const char *str, gssize len, TcSipTransportType *type)
{
  g_return_val_if_fail (str != NULL, FALSE);

  if (len < 0)
    len = strlen (str);
  for (guint i = 0; i < TC_SIP_N_TRANSPORTS; i++)
    {
      const char *name = tc_sip_transport_type_to_string (i);

      if (strlen (name) == (gsize) len && tc_sip_mem_equal_ci (name, str, len))
        {
          if (type)
            *type = i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
tc_sip_transport_type_is_reliable (TcSipTransportType type)
{
  return type != TC_SIP_TRANSPORT_UDP;
}

gboolean
tc_sip_transport_type_is_secure (TcSipTransportType type)
{
  return type == TC_SIP_TRANSPORT_TLS || type == TC_SIP_TRANSPORT_WSS;
}

guint16
tc_sip_transport_type_get_default_port (TcSipTransportType type)
{
  switch (type)
    {
    case TC_SIP_TRANSPORT_UDP:
    case TC_SIP_TRANSPORT_TCP:
      return 5060;
    case TC_SIP_TRANSPORT_TLS:
      return 5061;
    case TC_SIP_TRANSPORT_WS:
      return 80;
    case TC_SIP_TRANSPORT_WSS:
      return 443;
    }
  g_return_val_if_reached (5060);
}

/* ---- targets ---------------------------------------------------------- */

void
tc_sip_target_init (TcSipTarget *target, TcSipTransportType type, GInetSocketAddress *address, const char *server_name)
{
  g_return_if_fail (target != NULL);

  target->type = type;
  target->address = address ? g_object_ref (address) : NULL;
  target->server_name = g_strdup (server_name);
  target->ws_url = NULL;
}

void
tc_sip_target_copy (TcSipTarget *dest, const TcSipTarget *src)
{
  g_return_if_fail (dest != NULL && src != NULL);

  tc_sip_target_init (dest, src->type, src->address, src->server_name);
  dest->ws_url = g_strdup (src->ws_url);
}

void
tc_sip_target_clear (TcSipTarget *target)
{
  g_return_if_fail (target != NULL);

  g_clear_object (&target->address);
  g_clear_pointer (&target->server_name, g_free);
  g_clear_pointer (&target->ws_url, g_free);
}

static gboolean
address_equal (GInetSocketAddress *a, GInetSocketAddress *b)
{
  if (!a || !b)
    return a == b;
  return g_inet_socket_address_get_port (a) == g_inet_socket_address_get_port (b) &&
         g_inet_address_equal (g_inet_socket_address_get_address (a), g_inet_socket_address_get_address (b));
}

gboolean
tc_sip_target_equal (const TcSipTarget *a, const TcSipTarget *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->type == b->type && address_equal (a->address, b->address) &&
         g_strcmp0 (a->server_name, b->server_name) == 0 && g_strcmp0 (a->ws_url, b->ws_url) == 0;
}

static void
append_address (GString *out, GInetSocketAddress *address)
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);
  g_autofree char *text = g_inet_address_to_string (inet);

  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    g_string_append_printf (out, "[%s]:%u", text, g_inet_socket_address_get_port (address));
  else
    g_string_append_printf (out, "%s:%u", text, g_inet_socket_address_get_port (address));
}

char *
tc_sip_target_to_string (const TcSipTarget *target)
{
  GString *out;

  g_return_val_if_fail (target != NULL, NULL);

  out = g_string_new (NULL);
  for (const char *p = tc_sip_transport_type_to_string (target->type); *p; p++)
    g_string_append_c (out, g_ascii_tolower (*p));
  g_string_append_c (out, ':');
  if (target->address)
    append_address (out, target->address);
  if (target->ws_url)
    g_string_append_printf (out, "%s%s", target->address ? " " : "", target->ws_url);
  if (target->server_name)
    g_string_append_printf (out, " (%s)", target->server_name);
  return g_string_free (out, FALSE);
}

/* ---- TcSipFlow -------------------------------------------------------- */

typedef struct {
  TcSipTransportType type;
  GInetSocketAddress *local;
  GInetSocketAddress *remote;
  guint n_holds;
  guint n_uses;
  gboolean closed;
} TcSipFlowPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (TcSipFlow, tc_sip_flow, G_TYPE_OBJECT)

enum {
  FLOW_PROP_0,
  FLOW_PROP_TYPE,
  FLOW_PROP_LOCAL_ADDRESS,
  FLOW_PROP_REMOTE_ADDRESS,
  FLOW_N_PROPS,
};

static GParamSpec *flow_props[FLOW_N_PROPS];

enum {
  FLOW_SIGNAL_CLOSED,
  FLOW_N_SIGNALS,
};

static guint flow_signals[FLOW_N_SIGNALS];

static gboolean
tc_sip_flow_real_send (TcSipFlow *flow, GBytes *bytes, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "this flow cannot send");
  return FALSE;
}

static void
tc_sip_flow_real_close (TcSipFlow *flow)
{
  tc_sip_flow_emit_closed (flow, NULL);
}

static void
tc_sip_flow_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TcSipFlowPrivate *priv = tc_sip_flow_get_instance_private (TC_SIP_FLOW (object));

  switch (prop_id)
    {
    case FLOW_PROP_TYPE:
      priv->type = g_value_get_int (value);
      break;
    case FLOW_PROP_LOCAL_ADDRESS:
      priv->local = g_value_dup_object (value);
      break;
    case FLOW_PROP_REMOTE_ADDRESS:
      priv->remote = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_sip_flow_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcSipFlowPrivate *priv = tc_sip_flow_get_instance_private (TC_SIP_FLOW (object));

  switch (prop_id)
    {
    case FLOW_PROP_TYPE:
      g_value_set_int (value, priv->type);
      break;
    case FLOW_PROP_LOCAL_ADDRESS:
      g_value_set_object (value, priv->local);
      break;
    case FLOW_PROP_REMOTE_ADDRESS:
      g_value_set_object (value, priv->remote);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_sip_flow_finalize (GObject *object)
{
  TcSipFlowPrivate *priv = tc_sip_flow_get_instance_private (TC_SIP_FLOW (object));

  g_clear_object (&priv->local);
  g_clear_object (&priv->remote);
  G_OBJECT_CLASS (tc_sip_flow_parent_class)->finalize (object);
}

static void
tc_sip_flow_class_init (TcSipFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = tc_sip_flow_set_property;
  object_class->get_property = tc_sip_flow_get_property;
  object_class->finalize = tc_sip_flow_finalize;
  klass->send = tc_sip_flow_real_send;
  klass->close = tc_sip_flow_real_close;

  flow_props[FLOW_PROP_TYPE] = g_param_spec_int ("type", NULL, NULL, 0, TC_SIP_N_TRANSPORTS - 1, 0,
                                                 G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  flow_props[FLOW_PROP_LOCAL_ADDRESS] =
    g_param_spec_object ("local-address", NULL, NULL, G_TYPE_INET_SOCKET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  flow_props[FLOW_PROP_REMOTE_ADDRESS] =
    g_param_spec_object ("remote-address", NULL, NULL, G_TYPE_INET_SOCKET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, FLOW_N_PROPS, flow_props);

  /**
   * TcSipFlow::closed:
   * @cause: (nullable): why, or NULL for an orderly close or idle timeout
   */
  flow_signals[FLOW_SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tc_sip_flow_init (TcSipFlow *flow)
{
}

TcSipFlow *
tc_sip_flow_new (TcSipTransportType type, GInetSocketAddress *local, GInetSocketAddress *remote)
{
  return g_object_new (TC_SIP_TYPE_FLOW, "type", (int) type, "local-address", local, "remote-address", remote, NULL);
}

TcSipTransportType
tc_sip_flow_get_transport_type (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_val_if_fail (TC_SIP_IS_FLOW (flow), TC_SIP_TRANSPORT_UDP);
  priv = tc_sip_flow_get_instance_private (flow);
  return priv->type;
}

gboolean
tc_sip_flow_is_reliable (TcSipFlow *flow)
{
  return tc_sip_transport_type_is_reliable (tc_sip_flow_get_transport_type (flow));
}

GInetSocketAddress *
tc_sip_flow_get_local_address (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_val_if_fail (TC_SIP_IS_FLOW (flow), NULL);
  priv = tc_sip_flow_get_instance_private (flow);
  return priv->local;
}

GInetSocketAddress *
tc_sip_flow_get_remote_address (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_val_if_fail (TC_SIP_IS_FLOW (flow), NULL);
  priv = tc_sip_flow_get_instance_private (flow);
  return priv->remote;
}

gboolean
tc_sip_flow_is_closed (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_val_if_fail (TC_SIP_IS_FLOW (flow), TRUE);
  priv = tc_sip_flow_get_instance_private (flow);
  return priv->closed;
}

gboolean
tc_sip_flow_send (TcSipFlow *flow, GBytes *bytes, GError **error)
{
  TcSipFlowPrivate *priv;

  g_return_val_if_fail (TC_SIP_IS_FLOW (flow), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  priv = tc_sip_flow_get_instance_private (flow);

  if (priv->closed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the flow is closed");
      return FALSE;
    }
  if (G_UNLIKELY (tc_sip_trace_get_enabled ()))
    tc_sip_trace_log (TRUE, priv->type, priv->remote, NULL, bytes);
  return TC_SIP_FLOW_GET_CLASS (flow)->send (flow, bytes, error);
}

void
tc_sip_flow_close (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_if_fail (TC_SIP_IS_FLOW (flow));
  priv = tc_sip_flow_get_instance_private (flow);

  if (!priv->closed)
    TC_SIP_FLOW_GET_CLASS (flow)->close (flow);
}

void
tc_sip_flow_hold (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_if_fail (TC_SIP_IS_FLOW (flow));
  priv = tc_sip_flow_get_instance_private (flow);
  priv->n_holds++;
}

void
tc_sip_flow_release (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_if_fail (TC_SIP_IS_FLOW (flow));
  priv = tc_sip_flow_get_instance_private (flow);
  g_return_if_fail (priv->n_holds > 0);
  priv->n_holds--;
}

guint
tc_sip_flow_get_n_holds (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_val_if_fail (TC_SIP_IS_FLOW (flow), 0);
  priv = tc_sip_flow_get_instance_private (flow);
  return priv->n_holds;
}

void
tc_sip_flow_begin_use (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_if_fail (TC_SIP_IS_FLOW (flow));
  priv = tc_sip_flow_get_instance_private (flow);
  priv->n_uses++;
}

void
tc_sip_flow_end_use (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_if_fail (TC_SIP_IS_FLOW (flow));
  priv = tc_sip_flow_get_instance_private (flow);
  g_return_if_fail (priv->n_uses > 0);
  priv->n_uses--;
}

guint
tc_sip_flow_get_n_uses (TcSipFlow *flow)
{
  TcSipFlowPrivate *priv;

  g_return_val_if_fail (TC_SIP_IS_FLOW (flow), 0);
  priv = tc_sip_flow_get_instance_private (flow);
  return priv->n_uses;
}

void
tc_sip_flow_emit_closed (TcSipFlow *flow, const GError *cause)
{
  TcSipFlowPrivate *priv;

  g_return_if_fail (TC_SIP_IS_FLOW (flow));
  priv = tc_sip_flow_get_instance_private (flow);

  if (priv->closed)
    return;
  priv->closed = TRUE;
  g_signal_emit (flow, flow_signals[FLOW_SIGNAL_CLOSED], 0, cause);
}

/* ---- TcSipTransport --------------------------------------------------- */

typedef struct {
  TcSipTransportCallbacks callbacks;
  gpointer user_data;
} TcSipTransportPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (TcSipTransport, tc_sip_transport, G_TYPE_OBJECT)

static void
tc_sip_transport_class_init (TcSipTransportClass *klass)
{
}

static void
tc_sip_transport_init (TcSipTransport *transport)
{
}

void
tc_sip_transport_set_callbacks (TcSipTransport *transport, const TcSipTransportCallbacks *callbacks, gpointer user_data)
{
  TcSipTransportPrivate *priv;

  g_return_if_fail (TC_SIP_IS_TRANSPORT (transport));
  priv = tc_sip_transport_get_instance_private (transport);

  if (callbacks)
    priv->callbacks = *callbacks;
  else
    memset (&priv->callbacks, 0, sizeof priv->callbacks);
  priv->user_data = user_data;
}

gboolean
tc_sip_transport_supports (TcSipTransport *transport, TcSipTransportType type)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSPORT (transport), FALSE);

  return TC_SIP_TRANSPORT_GET_CLASS (transport)->supports (transport, type);
}

TcSipSendResult
tc_sip_transport_send (TcSipTransport *transport, GBytes *bytes, const TcSipTarget *target, TcSipFlow **flow_out,
                       TcSipSendCallback callback, gpointer user_data, GError **error)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSPORT (transport), TC_SIP_SEND_FAILED);
  g_return_val_if_fail (bytes != NULL && target != NULL, TC_SIP_SEND_FAILED);

  if (flow_out)
    *flow_out = NULL;
  return TC_SIP_TRANSPORT_GET_CLASS (transport)->send (transport, bytes, target, flow_out, callback, user_data, error);
}

gboolean
tc_sip_transport_get_sent_by (TcSipTransport *transport, TcSipTransportType type, GSocketFamily family, char **host,
                              guint16 *port)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSPORT (transport), FALSE);

  return TC_SIP_TRANSPORT_GET_CLASS (transport)->get_sent_by (transport, type, family, host, port);
}

void
tc_sip_transport_emit_message (TcSipTransport *transport, TcSipMessage *message, TcSipFlow *flow)
{
  TcSipTransportPrivate *priv = tc_sip_transport_get_instance_private (transport);

  if (priv->callbacks.message)
    priv->callbacks.message (transport, message, flow, priv->user_data);
}

void
tc_sip_transport_emit_bad_message (TcSipTransport *transport, GBytes *bytes, TcSipFlow *flow, const GError *error)
{
  TcSipTransportPrivate *priv = tc_sip_transport_get_instance_private (transport);

  if (priv->callbacks.bad_message)
    priv->callbacks.bad_message (transport, bytes, flow, error, priv->user_data);
}

void
tc_sip_transport_emit_flow_closed (TcSipTransport *transport, TcSipFlow *flow, const GError *error)
{
  TcSipTransportPrivate *priv = tc_sip_transport_get_instance_private (transport);

  if (priv->callbacks.flow_closed)
    priv->callbacks.flow_closed (transport, flow, error, priv->user_data);
}
