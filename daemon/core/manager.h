/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager.h — TcManager: the daemon's endpoints, their configuration,
 * secrets and SIP stacks.
 *
 * Endpoints that do not listen on an address of their own share one SIP
 * stack (UDP and TCP on an ephemeral port of every local address, plus
 * TLS and WebSocket clients), so ten thousand registered endpoints cost
 * ten thousand registrations, not ten thousand sockets.  A peer-to-peer
 * endpoint with "listen" gets a stack of its own.
 */
#pragma once

#include "core/endpoint.h"

G_BEGIN_DECLS

/**
 * TcManagerConfig:
 * @config_dir: accounts and the credentials file ($XDG_CONFIG_HOME/tincan)
 * @data_dir: inboxes ($XDG_DATA_HOME/tincan)
 * @use_secret_service: FALSE to never use the Secret Service
 * @default_endpoint: with no account configured, create the embedded
 *   default: peer-to-peer sip:$USER@127.0.0.1 on UDP and TCP port
 *   @default_port (any free port when it is taken), id "default"
 * @default_port: 5060
 * @read_timeout_ms: a stream connection holding part of a message this
 *   long is closed (slow-loris); 0: the transport's default (30 s)
 */
typedef struct {
  const char *config_dir;
  const char *data_dir;
  gboolean use_secret_service;
  gboolean default_endpoint;
  guint default_port;
  guint read_timeout_ms;
} TcManagerConfig;

void tc_manager_config_init (TcManagerConfig *config);

#define TC_TYPE_MANAGER (tc_manager_get_type ())
G_DECLARE_FINAL_TYPE (TcManager, tc_manager, TC, MANAGER, GObject)

/* Signals: "endpoint-added" (TcEndpoint *), "endpoint-removed" (TcEndpoint *),
 * "audio-devices-changed" (). */

TcManager *tc_manager_new (const TcManagerConfig *config, GError **error);

/* Loads the accounts (problems are logged with file, line and key),
 * creates their endpoints (emitting "endpoint-added") and starts
 * registering those that are registered; passwords are looked up in the
 * background and registration waits for them. */
void tc_manager_start (TcManager *self);

/* Endpoints in creation order (borrowed). */
GPtrArray *tc_manager_get_endpoints (TcManager *self);
TcEndpoint *tc_manager_lookup_endpoint (TcManager *self, const char *id);

/* Creates an endpoint from @settings (taken; not yet finished): validates,
 * saves account and password when persist is set, emits
 * "endpoint-added", and starts registering a registered endpoint. */
void tc_manager_create_endpoint_async (TcManager *self, TcEndpointSettings *settings, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
TcEndpoint *tc_manager_create_endpoint_finish (TcManager *self, GAsyncResult *result, GError **error);

/* Removes @endpoint: unregisters it (without waiting), deletes its
 * account, password and inbox, emits "endpoint-removed". */
gboolean tc_manager_remove_endpoint (TcManager *self, TcEndpoint *endpoint, GError **error);

/* SIP message trace in the log domain tincan-sip-trace. */
void tc_manager_set_trace (TcManager *self, gboolean enabled);
gboolean tc_manager_get_trace (TcManager *self);

/* The audio devices (aa{sv}, see media/devices.h; floating).  The first
 * call starts GStreamer and a device monitor; from then on
 * "audio-devices-changed" tells when the list changed. */
GVariant *tc_manager_get_audio_devices (TcManager *self);

/* Unregisters every registered endpoint and finishes when all are
 * unregistered or after @timeout_ms, whichever comes first. */
void tc_manager_shutdown_async (TcManager *self, guint timeout_ms, GAsyncReadyCallback callback, gpointer user_data);
void tc_manager_shutdown_finish (TcManager *self, GAsyncResult *result);

G_END_DECLS
