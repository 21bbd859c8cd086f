/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * soup-module.h — the libsoup functions SIP over WebSocket
 * (ws-transport.c) calls, as the loadable module tincan-soup (loader.h):
 * libsoup and what it brings (nghttp2, sqlite, psl, GSSAPI) are mapped
 * only once a WebSocket transport is made.  The table holds libsoup's own
 * functions, typed from its headers; ws-transport.c includes the headers
 * for types and constants and calls through the table.
 */
#pragma once

#include <libsoup/soup.h>

#include "loader/loader.h"

G_BEGIN_DECLS

#define TC_SIP_SOUP_MODULE_NAME "tincan-soup"
#define TC_SIP_SOUP_MODULE_SYMBOL "tc_sip_soup_module"
/* Bumped with any change of the table. */
#define TC_SIP_SOUP_MODULE_ABI 1

#define TC_SIP_SOUP_FN(name) __typeof__ (soup_##name) *name

typedef struct {
  TcLoaderHeader header;

  TC_SIP_SOUP_FN (session_new_with_options);
  TC_SIP_SOUP_FN (session_set_tls_database);
  TC_SIP_SOUP_FN (session_websocket_connect_async);
  TC_SIP_SOUP_FN (session_websocket_connect_finish);
  TC_SIP_SOUP_FN (message_new_from_uri);
  TC_SIP_SOUP_FN (message_get_remote_address);
  TC_SIP_SOUP_FN (message_get_tls_peer_certificate);
  TC_SIP_SOUP_FN (uri_copy);
  TC_SIP_SOUP_FN (websocket_error_quark);
  TC_SIP_SOUP_FN (websocket_connection_get_state);
  TC_SIP_SOUP_FN (websocket_connection_get_protocol);
  TC_SIP_SOUP_FN (websocket_connection_get_close_code);
  TC_SIP_SOUP_FN (websocket_connection_get_close_data);
  TC_SIP_SOUP_FN (websocket_connection_send_message);
  TC_SIP_SOUP_FN (websocket_connection_close);
  TC_SIP_SOUP_FN (websocket_connection_set_max_incoming_payload_size);
  TC_SIP_SOUP_FN (websocket_connection_set_keepalive_interval);
} TcSipSoupModule;

G_END_DECLS
