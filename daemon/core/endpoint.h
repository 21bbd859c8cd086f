/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint.h — TcEndpoint: one SIP identity, the RTC RealTimeEndpoint
 * (UCMA SipEndpoint when registered, SipPeerToPeerEndpoint when not).
 *
 * A registered endpoint keeps one TcRegistration with its registrar and
 * sends out-of-dialog requests through its outbound proxy and the
 * Service-Route the registrar returned.  A peer-to-peer endpoint never
 * registers; it sends directly to the target (or through its outbound
 * proxy).  Both receive requests on the TcSipStack they are attached to
 * (their own when they listen on their own address, the manager's shared
 * one otherwise), routed to them by the Contact user.
 *
 * Page mode (RFC 3428): incoming MESSAGEs are stored in the endpoint's
 * TcInbox before the 200 goes out, then "message-received" is emitted;
 * a full inbox answers 486.
 *
 * Properties (read-only, kebab-case; strings are the D-Bus values):
 * "id", "uri", "kind", "display-name", "registration-state", "gruu",
 * "instance-id", "contact", "transport", "password-store".
 */
#pragma once

#include "core/inbox.h"
#include "core/registration.h"
#include "core/session.h"
#include "core/settings.h"
#include "sip/stack.h"

G_BEGIN_DECLS

#define TC_TYPE_ENDPOINT (tc_endpoint_get_type ())
G_DECLARE_FINAL_TYPE (TcEndpoint, tc_endpoint, TC, ENDPOINT, GObject)

/* Signals:
 *  "registration-state-changed" (const char *state, const char *previous,
 *      guint sip_status, const char *reason, GVariant *details)
 *  "message-received" (TcInboxMessage *message)
 *  "connection-lost" (const char *cause, const char *remote, GVariant *details)
 *  "session-added" (TcSession *session): a call to export (Call() or incoming)
 *  "incoming-session" (TcSession *session, GVariant *details): after
 *      "session-added", for an incoming INVITE (details: its sip-message)
 *  "session-removed" (TcSession *session): some seconds after it ended
 *  "property-changed" (GParamSpec *pspec): after each "notify", which takes
 *      no emission hooks: to follow every endpoint with one hook
 */

const char *tc_endpoint_get_id (TcEndpoint *self);
const char *tc_endpoint_get_uri (TcEndpoint *self);
TcEndpointKind tc_endpoint_get_kind (TcEndpoint *self);
const char *tc_endpoint_get_display_name (TcEndpoint *self);
/* "unregistered" … (registration.h); a peer-to-peer endpoint is always
 * "unregistered". */
const char *tc_endpoint_get_registration_state (TcEndpoint *self);
const char *tc_endpoint_get_gruu (TcEndpoint *self);
const char *tc_endpoint_get_instance_id (TcEndpoint *self);
/* The Contact URI others reach us at (listening address and port). */
const char *tc_endpoint_get_contact (TcEndpoint *self);
const char *tc_endpoint_get_transport (TcEndpoint *self);
/* tc_secret_store_to_string() of where the password came from. */
const char *tc_endpoint_get_password_store (TcEndpoint *self);
const TcEndpointSettings *tc_endpoint_get_settings (TcEndpoint *self);

/* TC_CORE_ERROR_NOT_SUPPORTED for a peer-to-peer endpoint. */
gboolean tc_endpoint_register (TcEndpoint *self, GError **error);
gboolean tc_endpoint_unregister (TcEndpoint *self, GError **error);

/* Replaces the headers added to every later request (validated all
 * before any is applied: tc_header_pair_validate()). */
gboolean tc_endpoint_set_additional_headers (TcEndpoint *self, const GArray *headers, GError **error);

/**
 * TcMessageResult:
 * @status: the final SIP status, or the RFC 3261 equivalent of a local
 *   failure (408 timeout, 503 transport)
 * @reason: its reason phrase
 * @details: a{sv} (details.h)
 */
typedef struct {
  guint status;
  char *reason;
  GVariant *details;
} TcMessageResult;

void tc_message_result_clear (TcMessageResult *result);

/* Sends a MESSAGE to @target (a SIP URI; a transport parameter overrides
 * the endpoint's default) with @body of @content_type (NULL: text/plain;
 * charset=UTF-8) and @headers (TcHeaderPair, or NULL) added.  Validation
 * errors (TC_CORE_ERROR_INVALID_ARGS) are reported by the finish call. */
void tc_endpoint_send_message_async (TcEndpoint *self, const char *target, const char *content_type, GBytes *body,
                                     const GArray *headers, GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
/* TRUE on a 2xx.  Otherwise FALSE with @error (REJECTED for a final
 * non-2xx, AUTH for a refused challenge, TIMEOUT, TRANSPORT, ABORTED when
 * cancelled, INVALID_ARGS) and, when the request went out, @result filled
 * (it is filled on success too). */
gboolean tc_endpoint_send_message_finish (TcEndpoint *self, GAsyncResult *result, TcMessageResult *out_result,
                                          GError **error);

/* Calls (endpoint-session.c).  Starts an outgoing call to @target (a SIP
 * URI): returns the session, already in-progress; its progress comes as
 * "state-changed".  INVALID_ARGS for a bad target or option. */
TcSession *tc_endpoint_call (TcEndpoint *self, const char *target, const TcSessionOptions *options, GError **error);
/* (transfer container) every session, disconnected ones that linger included. */
GPtrArray *tc_endpoint_get_sessions (TcEndpoint *self);
guint tc_endpoint_count_sessions (TcEndpoint *self);

/* The inbox (messages not yet acknowledged). */
gboolean tc_endpoint_acknowledge_message (TcEndpoint *self, const char *id, GError **error);
GPtrArray *tc_endpoint_list_pending_messages (TcEndpoint *self);

G_END_DECLS
