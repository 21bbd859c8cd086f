/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * transport-mux.c — one TcSipTransport over several (transport-mux.h).
 */
#include "sip/transport-mux.h"

#include "sip/trace.h"

struct _TcSipTransportMux {
  TcSipTransport parent_instance;

  GPtrArray *children; /* TcSipTransport, owned */
};

G_DEFINE_FINAL_TYPE (TcSipTransportMux, tc_sip_transport_mux, TC_SIP_TYPE_TRANSPORT)

static void
child_message (TcSipTransport *child, TcSipMessage *message, TcSipFlow *flow, gpointer user_data)
{
  if (G_UNLIKELY (tc_sip_trace_get_enabled ()))
    {
      g_autoptr (GBytes) bytes = tc_sip_message_to_bytes (message);

      tc_sip_trace_log (FALSE, tc_sip_flow_get_transport_type (flow), tc_sip_flow_get_remote_address (flow), NULL,
                        bytes);
    }
  tc_sip_transport_emit_message (TC_SIP_TRANSPORT (user_data), message, flow);
}

static void
child_bad_message (TcSipTransport *child, GBytes *bytes, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  tc_sip_transport_emit_bad_message (TC_SIP_TRANSPORT (user_data), bytes, flow, error);
}

static void
child_flow_closed (TcSipTransport *child, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  tc_sip_transport_emit_flow_closed (TC_SIP_TRANSPORT (user_data), flow, error);
}

static const TcSipTransportCallbacks child_callbacks = {
  .message = child_message,
  .bad_message = child_bad_message,
  .flow_closed = child_flow_closed,
};

TcSipTransport *
tc_sip_transport_mux_get_child (TcSipTransportMux *mux, TcSipTransportType type)
{
  g_return_val_if_fail (TC_SIP_IS_TRANSPORT_MUX (mux), NULL);

  for (guint i = 0; i < mux->children->len; i++)
    {
      TcSipTransport *child = g_ptr_array_index (mux->children, i);

      if (tc_sip_transport_supports (child, type))
        return child;
    }
  return NULL;
}

static gboolean
tc_sip_transport_mux_supports (TcSipTransport *transport, TcSipTransportType type)
{
  return tc_sip_transport_mux_get_child (TC_SIP_TRANSPORT_MUX (transport), type) != NULL;
}

static TcSipSendResult
tc_sip_transport_mux_send (TcSipTransport *transport, GBytes *bytes, const TcSipTarget *target, TcSipFlow **flow_out,
                           TcSipSendCallback callback, gpointer user_data, GError **error)
{
  TcSipTransport *child = tc_sip_transport_mux_get_child (TC_SIP_TRANSPORT_MUX (transport), target->type);

  if (!child)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no transport for %s",
                   tc_sip_transport_type_to_string (target->type));
      return TC_SIP_SEND_FAILED;
    }
  if (G_UNLIKELY (tc_sip_trace_get_enabled ()))
    tc_sip_trace_log (TRUE, target->type, target->address, target->server_name, bytes);
  /* The callback sees the child as its transport; callers only use the flow. */
  return tc_sip_transport_send (child, bytes, target, flow_out, callback, user_data, error);
}

static gboolean
tc_sip_transport_mux_get_sent_by (TcSipTransport *transport, TcSipTransportType type, GSocketFamily family, char **host,
                                  guint16 *port)
{
  TcSipTransport *child = tc_sip_transport_mux_get_child (TC_SIP_TRANSPORT_MUX (transport), type);

  return child && tc_sip_transport_get_sent_by (child, type, family, host, port);
}

static void
tc_sip_transport_mux_dispose (GObject *object)
{
  TcSipTransportMux *mux = TC_SIP_TRANSPORT_MUX (object);

  if (mux->children)
    for (guint i = 0; i < mux->children->len; i++)
      tc_sip_transport_set_callbacks (g_ptr_array_index (mux->children, i), NULL, NULL);
  g_clear_pointer (&mux->children, g_ptr_array_unref);
  G_OBJECT_CLASS (tc_sip_transport_mux_parent_class)->dispose (object);
}

static void
tc_sip_transport_mux_class_init (TcSipTransportMuxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSipTransportClass *transport_class = TC_SIP_TRANSPORT_CLASS (klass);

  object_class->dispose = tc_sip_transport_mux_dispose;
  transport_class->supports = tc_sip_transport_mux_supports;
  transport_class->send = tc_sip_transport_mux_send;
  transport_class->get_sent_by = tc_sip_transport_mux_get_sent_by;
}

static void
tc_sip_transport_mux_init (TcSipTransportMux *mux)
{
  mux->children = g_ptr_array_new_with_free_func (g_object_unref);
}

TcSipTransportMux *
tc_sip_transport_mux_new (void)
{
  return g_object_new (TC_SIP_TYPE_TRANSPORT_MUX, NULL);
}

void
tc_sip_transport_mux_add (TcSipTransportMux *mux, TcSipTransport *child)
{
  g_return_if_fail (TC_SIP_IS_TRANSPORT_MUX (mux));
  g_return_if_fail (TC_SIP_IS_TRANSPORT (child));
  g_return_if_fail (child != TC_SIP_TRANSPORT (mux));

  g_ptr_array_add (mux->children, g_object_ref (child));
  tc_sip_transport_set_callbacks (child, &child_callbacks, mux);
}
