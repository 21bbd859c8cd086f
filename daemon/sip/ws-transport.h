/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ws-transport.h — TcSipWsTransport: SIP over WebSocket, as a client
 * (RFC 7118), on libsoup 3.
 *
 * Each TcSipFlow of this transport is one WebSocket connection to one URL
 * ("ws://…" or "wss://…"), opened with the "sip" subprotocol, which the
 * server must accept (RFC 7118 §4).  Every SIP message is one WebSocket
 * message, a text frame when it is valid UTF-8 and a binary frame
 * otherwise (§5.1); every received WebSocket message is parsed as one SIP
 * message with the datagram parser (no stream framing, Content-Length
 * optional).  A frame holding only CR/LF octets is taken as a keepalive
 * and dropped.
 *
 * A WebSocket client cannot receive connections, so the transport has no
 * listening address: Via sent-by (and the Contact host) is a random host
 * name in the ".invalid" domain, drawn once per transport, with no port
 * (§5.2).  Responses and requests for the client come back over the
 * connection they belong to.
 *
 * wss: the server certificate is verified against the system trust store,
 * or against the CAs of a configured PEM file.  A certificate that fails
 * verification is refused with G_TLS_ERROR_BAD_CERTIFICATE and a message
 * naming the reason; it is accepted only when a SHA-256 fingerprint is
 * pinned and matches it (a self-signed server certificate).  With a pin,
 * a certificate that does not match is refused even when it verifies.
 *
 * A connection with no holds and no uses (tc_sip_flow_get_n_holds(),
 * tc_sip_flow_get_n_uses()) and no traffic for the idle timeout is closed
 * (an orderly close: "closed" with a NULL cause).  A connection the server
 * closes, or that fails, emits "closed" and the transport's flow_closed
 * callback with a G_IO_ERROR cause naming the WebSocket close code or the
 * failure.
 */
#pragma once

#include "sip/clock.h"
#include "sip/transport.h"

G_BEGIN_DECLS

/**
 * TcSipWsTransportConfig:
 * @idle_timeout: seconds an unused connection stays open; 0 keeps it
 *   until the server closes it (default 60)
 * @keepalive_interval: seconds between WebSocket pings; 0 sends none
 *   (default 0)
 * @connect_timeout: seconds to open a connection, TLS and the WebSocket
 *   handshake included (default 10)
 * @max_message_size: the largest SIP message received; larger WebSocket
 *   messages close the connection (code 1009) (default
 *   %TC_SIP_PARSER_DEFAULT_MAX_MESSAGE_SIZE)
 * @ca_file: (nullable): a PEM file of trusted CA certificates for wss,
 *   used instead of the system trust store
 * @pinned_sha256: (nullable): the SHA-256 fingerprint of the server's
 *   certificate (its DER form), in hex with optional colons, any case
 * @user_agent: (nullable): User-Agent of the HTTP upgrade request
 *   (default "Tincan")
 *
 * Settings of a TcSipWsTransport; fill with
 * tc_sip_ws_transport_config_init() and change what differs.  The strings
 * are borrowed: tc_sip_ws_transport_new() copies what it needs.
 */
typedef struct {
  guint idle_timeout;
  guint keepalive_interval;
  guint connect_timeout;
  gsize max_message_size;
  const char *ca_file;
  const char *pinned_sha256;
  const char *user_agent;
} TcSipWsTransportConfig;

#define TC_SIP_WS_DEFAULT_IDLE_TIMEOUT 60
#define TC_SIP_WS_DEFAULT_CONNECT_TIMEOUT 10

void tc_sip_ws_transport_config_init (TcSipWsTransportConfig *config);

#define TC_SIP_TYPE_WS_TRANSPORT (tc_sip_ws_transport_get_type ())
G_DECLARE_FINAL_TYPE (TcSipWsTransport, tc_sip_ws_transport, TC_SIP, WS_TRANSPORT, TcSipTransport)

/**
 * tc_sip_ws_transport_new:
 * @config: (nullable): settings; NULL for the defaults
 * @clock: the clock of the idle and connect timers (a reference is taken)
 * @error: set when @ca_file cannot be loaded or @pinned_sha256 is not a
 *   SHA-256 fingerprint (G_IO_ERROR_INVALID_ARGUMENT)
 *
 * Returns: (transfer full): a transport sending over TC_SIP_TRANSPORT_WS
 *   and TC_SIP_TRANSPORT_WSS, or NULL with @error set
 */
TcSipWsTransport *tc_sip_ws_transport_new (const TcSipWsTransportConfig *config, TcSipClock *clock, GError **error);

/* The ".invalid" host of Via sent-by and Contact (RFC 7118 §5.2), e.g.
 * "df7jal23ls0d.invalid"; the same for the transport's lifetime. */
const char *tc_sip_ws_transport_get_via_host (TcSipWsTransport *self);

/* Open connections (not counting those being opened or closed). */
guint tc_sip_ws_transport_get_n_connections (TcSipWsTransport *self);

G_END_DECLS
