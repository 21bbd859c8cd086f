/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net-transport-private.h — what the parts of TcSipNetTransport share:
 * net-transport.c (the object, listening, dispatch), net-udp.c (UDP and
 * STUN), net-stream.c (TCP/TLS connections) and net-tls.c (certificates).
 */
#pragma once

#include "sip/net-transport.h"
#include "sip/parser.h"

G_BEGIN_DECLS

/* An IP address and port as a flat, hashable key (no allocation). */
typedef struct {
  guint16 family; /* GSocketFamily */
  guint16 port;
  guint8 addr[16];
} TcSipNetAddr;

void tc_sip_net_addr_init (TcSipNetAddr *key, GInetSocketAddress *address);
guint tc_sip_net_addr_hash (gconstpointer key);
gboolean tc_sip_net_addr_equal (gconstpointer a, gconstpointer b);

/* The key of an outgoing connection (§18.1.1 reuse): transport, address
 * and, for TLS, the name verified (@server_name borrowed from its owner). */
typedef struct {
  TcSipTransportType type;
  TcSipNetAddr addr;
  const char *server_name;
} TcSipNetConnKey;

guint tc_sip_net_conn_key_hash (gconstpointer key);
gboolean tc_sip_net_conn_key_equal (gconstpointer a, gconstpointer b);

/* One listening socket. */
typedef struct {
  TcSipNetTransport *transport;
  TcSipTransportType type;
  GSocketFamily family;
  GSocket *socket;
  GInetSocketAddress *address; /* bound */
  char *sent_by_host;
  GSource *source;
} TcSipNetListener;

/* What a TLS client handshake learnt about the peer's certificate. */
typedef struct {
  GTlsCertificateFlags errors; /* as the verification found them */
  char *identity;              /* the name verified (server_name or the IP) */
  gboolean has_pin;
  gboolean pin_matched;
  guint8 pin[32];
} TcSipNetTlsCheck;

#define TC_SIP_NET_N_TYPES 3 /* UDP, TCP, TLS */
#define TC_SIP_NET_UDP_BATCH 8

struct _TcSipNetTransport {
  TcSipTransport parent_instance;

  char *advertised_host;
  TcSipParserLimits limits;
  guint max_connections;
  gsize max_send_queue;
  gint64 idle_timeout_us;
  gint64 read_timeout_us;
  gint64 connect_timeout_us;
  gint64 keepalive_interval_us;
  gint64 keepalive_timeout_us;

  TcSipClock *clock;
  GMainContext *context;

  TcSipNetListener *listeners[TC_SIP_NET_N_TYPES][2]; /* [type][IPv4, IPv6] */

  GHashTable *udp_flows;   /* TcSipNetAddr * (the flow's) -> TcSipNetUdpFlow * (owned) */
  GHashTable *connections; /* TcSipNetStreamFlow * (owned), every open connection */
  GHashTable *outgoing;    /* TcSipNetConnKey * (the flow's) -> TcSipNetStreamFlow * (borrowed) */
  GHashTable *connecting;  /* TcSipNetConnKey * (the attempt's) -> TcSipNetConnect * */
  GHashTable *handshakes;  /* TcSipNetAccept *: accepted TLS connections in their handshake */

  /* UDP receive buffers, reused for every datagram */
  guint8 *recv_bufs[TC_SIP_NET_UDP_BATCH];
  gsize recv_buf_size;
  /* stream read buffer */
  guint8 *read_buf;
  gsize read_buf_size;

  GSocketClient *client;
  GTlsCertificate *server_certificate;
  GTlsDatabase *ca_database;
  gboolean has_pin;
  guint8 pin[32];
};

/* net-transport.c */
int tc_sip_net_family_index (GSocketFamily family);
/* "udp 127.0.0.1:5060 -> 127.0.0.1:40000", for logs. */
char *tc_sip_net_describe (TcSipTransportType type, GInetSocketAddress *local, GInetSocketAddress *remote);
/* 80–100 % of @interval_us (RFC 5626 §4.4.1). */
gint64 tc_sip_net_keepalive_delay (gint64 interval_us);
/* Emits the flow's "closed" and the transport's flow_closed, holding
 * references across both. */
void tc_sip_net_transport_emit_closed (TcSipNetTransport *self, TcSipFlow *flow, const GError *cause);

/* net-udp.c */
#define TC_SIP_TYPE_NET_UDP_FLOW (tc_sip_net_udp_flow_get_type ())
G_DECLARE_FINAL_TYPE (TcSipNetUdpFlow, tc_sip_net_udp_flow, TC_SIP, NET_UDP_FLOW, TcSipFlow)

void tc_sip_net_udp_listener_start (TcSipNetListener *listener);
TcSipSendResult tc_sip_net_udp_send (TcSipNetTransport *self, GBytes *bytes, const TcSipTarget *target,
                                     TcSipFlow **flow_out, GError **error);
void tc_sip_net_udp_flow_set_keepalive (TcSipNetUdpFlow *flow, gint64 interval_us);
/* Closes every UDP flow (transport shutdown). */
void tc_sip_net_udp_shutdown (TcSipNetTransport *self);

/* net-stream.c */
#define TC_SIP_TYPE_NET_STREAM_FLOW (tc_sip_net_stream_flow_get_type ())
G_DECLARE_FINAL_TYPE (TcSipNetStreamFlow, tc_sip_net_stream_flow, TC_SIP, NET_STREAM_FLOW, TcSipFlow)

typedef struct _TcSipNetConnect TcSipNetConnect;
typedef struct _TcSipNetAccept TcSipNetAccept;

void tc_sip_net_stream_listener_start (TcSipNetListener *listener);
TcSipSendResult tc_sip_net_stream_send (TcSipNetTransport *self, GBytes *bytes, const TcSipTarget *target,
                                        TcSipFlow **flow_out, TcSipSendCallback callback, gpointer user_data,
                                        GError **error);
void tc_sip_net_stream_flow_set_keepalive (TcSipNetStreamFlow *flow, gint64 interval_us);
/* Fails pending connection attempts and closes every connection. */
void tc_sip_net_stream_shutdown (TcSipNetTransport *self);

/* net-tls.c */
gboolean tc_sip_net_tls_init (TcSipNetTransport *self, const TcSipNetTransportConfig *config, GError **error);
/* A client connection over @base to @target, watching the certificate
 * into @check (which must outlive the handshake; clear it with
 * tc_sip_net_tls_check_clear()). */
GIOStream *tc_sip_net_tls_client_new (TcSipNetTransport *self, GIOStream *base, const TcSipTarget *target,
                                      TcSipNetTlsCheck *check, GError **error);
void tc_sip_net_tls_check_clear (TcSipNetTlsCheck *check);
GIOStream *tc_sip_net_tls_server_new (TcSipNetTransport *self, GIOStream *base, GError **error);
/* After a successful handshake: the pinned certificate, when one is
 * configured, must be the peer's. */
gboolean tc_sip_net_tls_check_pin (const TcSipNetTlsCheck *check, GTlsConnection *tls, GError **error);
/* A failed handshake's error, told in terms of @check: takes @error. */
GError *tc_sip_net_tls_explain (const TcSipNetTlsCheck *check, GError *error);

G_END_DECLS
