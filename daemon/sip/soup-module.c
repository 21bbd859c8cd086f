/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * soup-module.c — the module tincan-soup (soup-module.h): libsoup's
 * functions for ws-transport.c.  Built into the module only.
 */
#include "sip/soup-module.h"

#include <gmodule.h>

#define SOUP(name) .name = soup_##name

G_MODULE_EXPORT const TcSipSoupModule tc_sip_soup_module = {
  .header = { TC_SIP_SOUP_MODULE_ABI, sizeof (TcSipSoupModule) },

  SOUP (session_new_with_options),
  SOUP (session_set_tls_database),
  SOUP (session_websocket_connect_async),
  SOUP (session_websocket_connect_finish),
  SOUP (message_new_from_uri),
  SOUP (message_get_remote_address),
  SOUP (message_get_tls_peer_certificate),
  SOUP (uri_copy),
  SOUP (websocket_error_quark),
  SOUP (websocket_connection_get_state),
  SOUP (websocket_connection_get_protocol),
  SOUP (websocket_connection_get_close_code),
  SOUP (websocket_connection_get_close_data),
  SOUP (websocket_connection_send_message),
  SOUP (websocket_connection_close),
  SOUP (websocket_connection_set_max_incoming_payload_size),
  SOUP (websocket_connection_set_keepalive_interval),
};
