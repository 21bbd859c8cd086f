/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtp-transport.c — TcRtpTransport: the callbacks, the counters and the
 * RFC 5761 demultiplexing shared by every RTP transport.
 */
#include "media/rtp-transport.h"

typedef struct {
  TcRtpTransportCallbacks callbacks;
  gpointer user_data;
  gboolean closed;
  gboolean failed;

  /* Written from streaming threads (send: atomic, pointer-sized for
   * g_atomic_pointer_add) and the main thread (receive). */
  gsize rtp_sent, rtcp_sent, send_dropped;
  guint64 rtp_received, rtcp_received;
} TcRtpTransportPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (TcRtpTransport, tc_rtp_transport, G_TYPE_OBJECT)

void
tc_rtp_transport_set_callbacks (TcRtpTransport *self, const TcRtpTransportCallbacks *callbacks, gpointer user_data)
{
  TcRtpTransportPrivate *priv = tc_rtp_transport_get_instance_private (self);

  g_return_if_fail (TC_IS_RTP_TRANSPORT (self));
  if (callbacks)
    priv->callbacks = *callbacks;
  else
    priv->callbacks = (TcRtpTransportCallbacks){ NULL, NULL };
  priv->user_data = user_data;
}

GInetSocketAddress *
tc_rtp_transport_get_local_address (TcRtpTransport *self, TcRtpComponent component)
{
  g_return_val_if_fail (TC_IS_RTP_TRANSPORT (self), NULL);
  return TC_RTP_TRANSPORT_GET_CLASS (self)->get_local_address (self, component);
}

guint
tc_rtp_transport_get_local_port (TcRtpTransport *self, TcRtpComponent component)
{
  GInetSocketAddress *address = tc_rtp_transport_get_local_address (self, component);

  return address ? g_inet_socket_address_get_port (address) : 0;
}

void
tc_rtp_transport_set_remote (TcRtpTransport *self, GInetSocketAddress *rtp, GInetSocketAddress *rtcp, gboolean rtcp_mux)
{
  TcRtpTransportPrivate *priv = tc_rtp_transport_get_instance_private (self);

  g_return_if_fail (TC_IS_RTP_TRANSPORT (self));
  if (priv->closed)
    return;
  TC_RTP_TRANSPORT_GET_CLASS (self)->set_remote (self, rtp, rtcp, rtcp_mux);
}

gboolean
tc_rtp_transport_send (TcRtpTransport *self, TcRtpComponent component, const guint8 *data, gsize size)
{
  TcRtpTransportPrivate *priv = tc_rtp_transport_get_instance_private (self);
  gboolean sent;

  /* priv->closed is only read here: close() runs after the pipeline that
   * calls send() has stopped (call-media.c), and the subclass's own send
   * refuses once it has closed its sockets. */
  sent = TC_RTP_TRANSPORT_GET_CLASS (self)->send (self, component, data, size);
  if (!sent)
    g_atomic_pointer_add (&priv->send_dropped, 1);
  else if (component == TC_RTP_COMPONENT_RTP)
    g_atomic_pointer_add (&priv->rtp_sent, 1);
  else
    g_atomic_pointer_add (&priv->rtcp_sent, 1);
  return sent;
}

void
tc_rtp_transport_close (TcRtpTransport *self)
{
  TcRtpTransportPrivate *priv = tc_rtp_transport_get_instance_private (self);

  g_return_if_fail (TC_IS_RTP_TRANSPORT (self));
  if (priv->closed)
    return;
  priv->closed = TRUE;
  TC_RTP_TRANSPORT_GET_CLASS (self)->close (self);
}

gboolean
tc_rtp_transport_is_closed (TcRtpTransport *self)
{
  TcRtpTransportPrivate *priv = tc_rtp_transport_get_instance_private (self);

  return priv->closed;
}

void
tc_rtp_transport_get_counters (TcRtpTransport *self, TcRtpTransportCounters *counters)
{
  TcRtpTransportPrivate *priv = tc_rtp_transport_get_instance_private (self);

  counters->rtp_sent = (guint64) g_atomic_pointer_get (&priv->rtp_sent);
  counters->rtcp_sent = (guint64) g_atomic_pointer_get (&priv->rtcp_sent);
  counters->send_dropped = (guint64) g_atomic_pointer_get (&priv->send_dropped);
  counters->rtp_received = priv->rtp_received;
  counters->rtcp_received = priv->rtcp_received;
}

TcRtpComponent
tc_rtp_transport_classify (const guint8 *data, gsize size)
{
  if (size >= 2 && data[1] >= 192 && data[1] <= 223)
    return TC_RTP_COMPONENT_RTCP;
  return TC_RTP_COMPONENT_RTP;
}

void
tc_rtp_transport_deliver (TcRtpTransport *self, TcRtpComponent component, gboolean muxed, const guint8 *data,
                          gsize size, gint64 received_us)
{
  TcRtpTransportPrivate *priv = tc_rtp_transport_get_instance_private (self);

  if (priv->closed)
    return;
  if (muxed)
    component = tc_rtp_transport_classify (data, size);
  if (component == TC_RTP_COMPONENT_RTP)
    priv->rtp_received++;
  else
    priv->rtcp_received++;
  if (priv->callbacks.receive)
    priv->callbacks.receive (self, component, data, size, received_us, priv->user_data);
}

void
tc_rtp_transport_emit_failed (TcRtpTransport *self, const GError *error)
{
  TcRtpTransportPrivate *priv = tc_rtp_transport_get_instance_private (self);

  if (priv->failed || priv->closed)
    return;
  priv->failed = TRUE;
  if (priv->callbacks.failed)
    priv->callbacks.failed (self, error, priv->user_data);
}

static void
tc_rtp_transport_class_init (TcRtpTransportClass *klass)
{
}

static void
tc_rtp_transport_init (TcRtpTransport *self)
{
}
