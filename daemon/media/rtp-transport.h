/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtp-transport.h — TcRtpTransport: the one small interface through which
 * a call's RTP and RTCP packets enter and leave the process.  The call's
 * pipeline (call-media.c) knows only this; plain UDP (rtp-udp.c) is one
 * implementation, libnice ICE and SRTP-aware transports plug in the same
 * way (media-notes.md §4: the "app path", where the agent and its receive
 * callback live on the daemon's main context and the pipeline only sees
 * packets).
 *
 * Threading: everything runs on the GMainContext that was thread-default
 * when the transport was made, except tc_rtp_transport_send(), which the
 * pipeline calls from its streaming threads and which every implementation
 * must make thread-safe.  Received packets are delivered on the main
 * context, RTP and RTCP already told apart (RFC 5761 §4 when muxed).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TcRtpComponent:
 * @TC_RTP_COMPONENT_RTP: RTP (ICE component 1)
 * @TC_RTP_COMPONENT_RTCP: RTCP (ICE component 2, or muxed on the RTP
 *   flow, RFC 5761)
 */
typedef enum {
  TC_RTP_COMPONENT_RTP = 1,
  TC_RTP_COMPONENT_RTCP = 2,
} TcRtpComponent;

#define TC_TYPE_RTP_TRANSPORT (tc_rtp_transport_get_type ())
G_DECLARE_DERIVABLE_TYPE (TcRtpTransport, tc_rtp_transport, TC, RTP_TRANSPORT, GObject)

/**
 * TcRtpTransportClass:
 * @get_local_address: where the peer should send @component (for the SDP
 *   m= port, a=rtcp), or NULL when it has no address yet (ICE still
 *   gathering); transfer none
 * @set_remote: where to send from now on; @rtcp is ignored when
 *   @rtcp_mux.  Either may be NULL (rejected stream, c=0.0.0.0 hold):
 *   nothing of that component is sent then
 * @send: sends one packet now, or drops it (no remote yet, socket buffer
 *   full, ICE not connected); never blocks, never allocates a GError.
 *   Called from GStreamer streaming threads: must be thread-safe
 * @close: releases sockets and sources; no packet is delivered and none
 *   is sent after it (idempotent)
 */
struct _TcRtpTransportClass {
  GObjectClass parent_class;

  GInetSocketAddress *(*get_local_address) (TcRtpTransport *self, TcRtpComponent component);
  void (*set_remote) (TcRtpTransport *self, GInetSocketAddress *rtp, GInetSocketAddress *rtcp, gboolean rtcp_mux);
  gboolean (*send) (TcRtpTransport *self, TcRtpComponent component, const guint8 *data, gsize size);
  void (*close) (TcRtpTransport *self);

  gpointer padding[8];
};

/**
 * TcRtpTransportCallbacks:
 * @receive: a packet arrived (@data valid during the call only;
 *   @received_us is g_get_monotonic_time() at reception)
 * @failed: the transport can no longer carry media (ICE failed, the
 *   socket died); @error says why.  Emitted at most once.
 *
 * Both run on the transport's main context.  Either may be NULL.
 */
typedef struct {
  void (*receive) (TcRtpTransport *transport, TcRtpComponent component, const guint8 *data, gsize size,
                   gint64 received_us, gpointer user_data);
  void (*failed) (TcRtpTransport *transport, const GError *error, gpointer user_data);
} TcRtpTransportCallbacks;

/* Replaces the callbacks (NULL: none); @callbacks is copied. */
void tc_rtp_transport_set_callbacks (TcRtpTransport *self, const TcRtpTransportCallbacks *callbacks,
                                     gpointer user_data);

GInetSocketAddress *tc_rtp_transport_get_local_address (TcRtpTransport *self, TcRtpComponent component);
/* The port of tc_rtp_transport_get_local_address(), 0 when none. */
guint tc_rtp_transport_get_local_port (TcRtpTransport *self, TcRtpComponent component);
void tc_rtp_transport_set_remote (TcRtpTransport *self, GInetSocketAddress *rtp, GInetSocketAddress *rtcp,
                                  gboolean rtcp_mux);
gboolean tc_rtp_transport_send (TcRtpTransport *self, TcRtpComponent component, const guint8 *data, gsize size);
void tc_rtp_transport_close (TcRtpTransport *self);
gboolean tc_rtp_transport_is_closed (TcRtpTransport *self);

/* Counters kept by the base class (atomic: send runs on streaming
 * threads).  "dropped" counts packets send() did not hand to the network. */
typedef struct {
  guint64 rtp_sent, rtcp_sent, send_dropped;
  guint64 rtp_received, rtcp_received;
} TcRtpTransportCounters;

void tc_rtp_transport_get_counters (TcRtpTransport *self, TcRtpTransportCounters *counters);

/* RFC 5761 §4: on a muxed flow a packet whose second byte is 192..223 (an
 * RTCP packet type, SR 200 … ) is RTCP; everything else is RTP.  Packets
 * shorter than 2 bytes are RTP (and get dropped as invalid later). */
TcRtpComponent tc_rtp_transport_classify (const guint8 *data, gsize size);

/* For implementations: hand a received packet to the callbacks.
 * @component is where it arrived; when @muxed, the packet is classified
 * with tc_rtp_transport_classify() first. */
void tc_rtp_transport_deliver (TcRtpTransport *self, TcRtpComponent component, gboolean muxed, const guint8 *data,
                               gsize size, gint64 received_us);
/* For implementations: report the one failure (later ones are ignored). */
void tc_rtp_transport_emit_failed (TcRtpTransport *self, const GError *error);

G_END_DECLS
