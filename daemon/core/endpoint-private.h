/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-private.h — what the manager, and only the manager, does to an
 * endpoint: create it on a stack, route requests to it, hand it its
 * password, and wind it down.
 */
#pragma once

#include "core/endpoint.h"
#include "core/secrets.h"
#include "media/media-params.h"

G_BEGIN_DECLS

/* @settings: finished (tc_endpoint_settings_finish), taken.  @stack: where
 * it sends and receives (a reference is taken).  @contact_user: the user
 * part of its Contact, unique on @stack; @contact: its Contact URI.
 * @inbox_root: the directory of the inboxes; the endpoint's is
 * <inbox_root>/<id>, made at its first use. */
TcEndpoint *tc_endpoint_new (const char *id, TcEndpointSettings *settings, TcSipStack *stack, const char *contact_user,
                             const char *contact, const char *inbox_root);

/* Where its registration takes turns with the others' (before its first
 * registration; a reference is taken). */
void tc_endpoint_set_registration_window (TcEndpoint *self, TcRegistrationWindow *window);

const char *tc_endpoint_get_contact_user (TcEndpoint *self);
TcSipStack *tc_endpoint_get_stack (TcEndpoint *self);
/* Made on the first call (the directory is opened at its own first use). */
TcInbox *tc_endpoint_get_inbox (TcEndpoint *self);

/* The password and where it came from; a registered endpoint that was
 * waiting for it (tc_endpoint_register before) starts registering. */
/* The manager is looking the password up: Register() waits for it. */
void tc_endpoint_expect_password (TcEndpoint *self);
void tc_endpoint_set_password (TcEndpoint *self, const char *password, TcSecretStore store);

/* A request addressed to this endpoint (out of dialog, not ACK/CANCEL,
 * already checked by the manager's UAS rules). */
void tc_endpoint_handle_request (TcEndpoint *self, TcSipIncoming *incoming);

void tc_endpoint_network_changed (TcEndpoint *self);

/* Unregisters (when registered) and ends every operation in progress
 * with TC_CORE_ERROR_ABORTED. */
void tc_endpoint_shutdown (TcEndpoint *self);
/* TRUE when no binding is left or being removed. */
gboolean tc_endpoint_is_settled (TcEndpoint *self);

/* endpoint-message.c */
void tc_endpoint_message_handle (TcEndpoint *self, TcSipIncoming *incoming);
void tc_endpoint_message_abort_all (TcEndpoint *self);
/* For endpoint-message.c: what requests sent as this endpoint need. */
TcSipRouteSet *tc_endpoint_get_route_set (TcEndpoint *self);
TcSipDigestCache *tc_endpoint_get_credentials (TcEndpoint *self);
const GArray *tc_endpoint_get_additional_headers (TcEndpoint *self);
/* "Display" <uri> or <uri>. */
const char *tc_endpoint_get_from (TcEndpoint *self);
/* The MESSAGEs in flight, made on the first; peek: NULL before it. */
GHashTable *tc_endpoint_get_pending_sends (TcEndpoint *self);
GHashTable *tc_endpoint_peek_pending_sends (TcEndpoint *self);
void tc_endpoint_emit_message_received (TcEndpoint *self, TcInboxMessage *message);
gboolean tc_endpoint_is_shut_down (TcEndpoint *self);

/* endpoint-session.c: the endpoint's calls. */
typedef struct _TcEndpointSessions TcEndpointSessions;
void tc_endpoint_session_class_init (GObjectClass *klass);
TcEndpointSessions *tc_endpoint_sessions_new (TcEndpoint *endpoint);
/* Ends every session still going (BYE/CANCEL) and drops them. */
void tc_endpoint_sessions_free (TcEndpointSessions *sessions);
/* Made on the first use; peek: NULL before it. */
TcEndpointSessions *tc_endpoint_get_sessions_data (TcEndpoint *self);
TcEndpointSessions *tc_endpoint_peek_sessions_data (TcEndpoint *self);
void tc_endpoint_sessions_shutdown (TcEndpoint *self);
/* An INVITE out of a dialog, or BYE/INVITE/INFO/UPDATE in one (481 when
 * no session of ours has that dialog). */
void tc_endpoint_session_handle_request (TcEndpoint *self, TcSipIncoming *incoming);
/* The stack's ACK, CANCEL and ACK-timeout events: FALSE when no session
 * of this endpoint is concerned. */
gboolean tc_endpoint_session_handle_ack (TcEndpoint *self, TcSipMessage *ack);
gboolean tc_endpoint_session_handle_cancel (TcEndpoint *self, TcSipIncoming *invite, TcSipMessage *cancel);
gboolean tc_endpoint_session_handle_ack_timeout (TcEndpoint *self, TcSipDialog *dialog);
/* The media policy from the settings (codecs, ptime, audio, timeouts). */
const TcMediaPolicy *tc_endpoint_get_media_policy (TcEndpoint *self);

G_END_DECLS
