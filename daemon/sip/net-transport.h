/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net-transport.h — TcSipNetTransport: SIP over UDP, TCP and TLS on GIO
 * sockets (RFC 3261 §18), with RFC 5626 keepalives.
 *
 * One transport listens on any number of addresses (one per transport type
 * and address family), sends UDP datagrams from its listening socket (so a
 * peer's rport sees the listening port), reuses stream connections to the
 * same target (§18.1.1) and opens new ones asynchronously.  Every message
 * received is handed up with the TcSipFlow it came over.
 *
 * Flows: a UDP flow is (listening socket, remote address), one object per
 * remote address; a stream flow is one TCP or TLS connection, outgoing or
 * accepted.  An unheld flow with no uses is closed after
 * TcSipNetTransportConfig.idle_timeout_us without a SIP message either way;
 * a held one is kept (transport.h).  A connection whose peer stalls in the
 * middle of a message for read_timeout_us is closed (slow-loris), and
 * accepting more than max_connections closes the newcomer at once.
 *
 * Keepalives (RFC 5626 §4.4): on a stream, CRLFCRLF answered by a CRLF
 * pong (any byte from the peer counts as the pong); on UDP, a STUN Binding
 * request answered by a Binding response (stun.h).  No answer within
 * keepalive_timeout_us fails the flow.  Incoming pings and STUN Binding
 * requests are always answered, and STUN never reaches the SIP parser.
 *
 * TLS: client connections verify the server against the system trust store
 * (or TcSipNetTransportConfig.tls_ca_file), with SNI and the identity
 * TcSipTarget.server_name (or the IP address when NULL).  A pinned
 * certificate, when configured, is the only one accepted, whatever the CA.
 * Servers need tls_certificate_file (and tls_key_file).
 *
 * Timers run on the TcSipClock given at construction; sockets are watched
 * on the thread-default main context of the thread that creates the
 * transport.
 */
#pragma once

#include "sip/clock.h"
#include "sip/transport.h"

G_BEGIN_DECLS

/**
 * TcSipNetTransportConfig:
 * @advertised_host: the host for Via sent-by and Contact (a name or an
 *   address, e.g. the public address behind a static NAT); NULL: the bound
 *   address, or for a wildcard bind the first non-loopback address of the
 *   family (the loopback address when there is none)
 * @max_message_size: the largest SIP message accepted (parser limit;
 *   default 65535)
 * @max_connections: stream connections (accepted and opened) beyond which
 *   an accepted connection is closed at once; 0 for no limit (default 1024)
 * @max_send_queue: bytes queued on one stream connection beyond which the
 *   connection fails (a peer that does not read; default 4 MiB)
 * @idle_timeout_us: an unheld, unused flow without SIP traffic for this
 *   long is closed (default 60 s)
 * @read_timeout_us: a connection holding part of a message (or in its TLS
 *   handshake) for this long is closed (default 30 s)
 * @connect_timeout_us: an outgoing connection (TCP connect and TLS
 *   handshake) that takes longer fails (default 10 s)
 * @keepalive_interval_us: keepalives on the flows this transport opens
 *   (connections it connects, UDP flows it sends to first); 0 for none
 *   (default).  Sent at 80–100 % of the interval (RFC 5626 §4.4).
 * @keepalive_timeout_us: how long to wait for the pong or STUN response
 *   before the flow fails (default 10 s, RFC 5626 §4.4.1)
 * @tls_certificate_file: server: the PEM certificate (chain) to present
 * @tls_key_file: server: its PEM private key; NULL when it is in
 *   @tls_certificate_file
 * @tls_ca_file: client: a PEM file of trust anchors that replaces the
 *   system trust store; NULL for the system store
 * @tls_pinned_sha256: client: the SHA-256 fingerprint of the only server
 *   certificate accepted (of its DER encoding; 64 hex digits, colons and
 *   case ignored); NULL for none
 * @tls_pinned_file: client: the PEM certificate that is the only one
 *   accepted (instead of @tls_pinned_sha256)
 *
 * Configuration of a TcSipNetTransport.  Fill it with
 * tc_sip_net_transport_config_init(), then change what you need; the
 * strings are borrowed and copied by tc_sip_net_transport_new().
 */
typedef struct {
  const char *advertised_host;
  gsize max_message_size;
  guint max_connections;
  gsize max_send_queue;
  gint64 idle_timeout_us;
  gint64 read_timeout_us;
  gint64 connect_timeout_us;
  gint64 keepalive_interval_us;
  gint64 keepalive_timeout_us;
  const char *tls_certificate_file;
  const char *tls_key_file;
  const char *tls_ca_file;
  const char *tls_pinned_sha256;
  const char *tls_pinned_file;
} TcSipNetTransportConfig;

void tc_sip_net_transport_config_init (TcSipNetTransportConfig *config);

#define TC_SIP_TYPE_NET_TRANSPORT (tc_sip_net_transport_get_type ())
G_DECLARE_FINAL_TYPE (TcSipNetTransport, tc_sip_net_transport, TC_SIP, NET_TRANSPORT, TcSipTransport)

/* A transport with @config (NULL for the defaults) whose timers run on
 * @clock (a reference is taken).  Fails when a TLS file of @config cannot
 * be loaded or the pinned fingerprint is malformed. */
TcSipNetTransport *tc_sip_net_transport_new (const TcSipNetTransportConfig *config, TcSipClock *clock, GError **error);

/* Listens for @type (UDP, TCP or TLS) on @address (port 0: any free port).
 * One listening socket per type and address family; IPv6 sockets are
 * IPv6-only, so 0.0.0.0 and :: can both listen on one port. */
gboolean tc_sip_net_transport_listen (TcSipNetTransport *self, TcSipTransportType type, GInetSocketAddress *address,
                                      GError **error);

/* The bound address of the listening socket for @type and @family (port 0
 * resolved); NULL when none listens.  Borrowed. */
GInetSocketAddress *tc_sip_net_transport_get_local_address (TcSipNetTransport *self, TcSipTransportType type,
                                                            GSocketFamily family);

/* Keepalives on @flow (one of this transport's) every @interval_us
 * (80–100 % of it), or none when 0; replaces the configured interval. */
void tc_sip_net_transport_set_keepalive (TcSipNetTransport *self, TcSipFlow *flow, gint64 interval_us);

/* Open stream connections (accepted, opened, and accepted TLS
 * connections in their handshake); for tests and statistics. */
guint tc_sip_net_transport_get_n_connections (TcSipNetTransport *self);

/* The flow to @remote over @type if one is open (for UDP: known), else
 * NULL.  Borrowed.  For stream types only connections this transport
 * opened are found (by address and, for TLS, @server_name). */
TcSipFlow *tc_sip_net_transport_lookup_flow (TcSipNetTransport *self, TcSipTransportType type,
                                             GInetSocketAddress *remote, const char *server_name);

G_END_DECLS
