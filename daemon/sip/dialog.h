/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dialog.h — TcSipDialog: the dialog state of RFC 3261 §12 (with the INVITE
 * specifics of §13–§15 and the dialog usages of RFC 5057), doing no I/O
 * and running no timers.
 *
 * A dialog is created on the UAC side from the dialog-creating request and
 * a 101–299 response carrying a To tag (§12.1.2), or on the UAS side from
 * the request and the tag the UAS puts in its responses (§12.1.1).  It
 * holds the dialog state of §12: Call-ID, local and remote tags, local and
 * remote URIs, remote target, route set, local and remote sequence numbers
 * and the secure flag.  It matches in-dialog messages (§12.2.2), checks
 * the remote CSeq, applies target refreshes, and builds in-dialog requests
 * (§12.2.1.1) and the ACK for a 2xx (§13.2.2.4) as TcSipMessageBuilders
 * without a Via: the transaction layer adds it.
 *
 * Forking (§13.2.2.4, §19.3): every 1xx or 2xx with a new To tag to one
 * INVITE makes its own dialog; they share the Call-ID and the local tag.
 * tc_sip_dialog_is_other_fork() tells whether a response belongs to the
 * same request but to another fork.
 *
 * Dialogs are refcounted boxed values (style.md B4): they have no signals;
 * the stack that holds them reports their changes.
 */
#pragma once

#include <glib-object.h>

#include "sip/builder.h"
#include "sip/message.h"
#include "sip/uri.h"

G_BEGIN_DECLS

/**
 * TcSipDialogState:
 * @TC_SIP_DIALOG_STATE_EARLY: created by a provisional response (UAC) or by
 *   sending one (UAS); in-dialog requests other than BYE from the UAS may be
 *   sent (PRACK, UPDATE, BYE from the UAC)
 * @TC_SIP_DIALOG_STATE_CONFIRMED: a 2xx was received (UAC) or sent (UAS)
 * @TC_SIP_DIALOG_STATE_TERMINATED: over: a non-2xx final response ended
 *   the early dialog, or the last usage ended (BYE, §15; the stack decides)
 *
 * The dialog states of RFC 3261 §12.  Edges: early → confirmed,
 * early → terminated, confirmed → terminated.
 */
typedef enum {
  TC_SIP_DIALOG_STATE_EARLY,
  TC_SIP_DIALOG_STATE_CONFIRMED,
  TC_SIP_DIALOG_STATE_TERMINATED,
} TcSipDialogState;

const char *tc_sip_dialog_state_to_string (TcSipDialogState state);

/**
 * TcSipDialogUsageType:
 * @TC_SIP_DIALOG_USAGE_INVITE: the invite usage (a session), at most one
 *   per dialog (RFC 5057 §3)
 * @TC_SIP_DIALOG_USAGE_SUBSCRIBE: a subscription usage, identified by its
 *   event package and "id" parameter (RFC 6665 §4.1.2, §8.2.1); REFER makes
 *   one for the "refer" package (RFC 3515)
 *
 * The dialog usages of RFC 5057.
 */
typedef enum {
  TC_SIP_DIALOG_USAGE_INVITE,
  TC_SIP_DIALOG_USAGE_SUBSCRIBE,
} TcSipDialogUsageType;

typedef struct _TcSipDialog TcSipDialog;

#define TC_SIP_TYPE_DIALOG (tc_sip_dialog_get_type ())
GType tc_sip_dialog_get_type (void);

TcSipDialog *tc_sip_dialog_new_uac (TcSipMessage *request, TcSipMessage *response, gboolean secure_transport,
                                    GError **error);
TcSipDialog *tc_sip_dialog_new_uas (TcSipMessage *request, const char *local_tag, GError **error);

TcSipDialog *tc_sip_dialog_ref (TcSipDialog *dialog);
void tc_sip_dialog_unref (TcSipDialog *dialog);

/* Dialog state (§12).  Strings and URIs are borrowed. */
TcSipDialogState tc_sip_dialog_get_state (const TcSipDialog *dialog);
gboolean tc_sip_dialog_is_uac (const TcSipDialog *dialog);
gboolean tc_sip_dialog_is_secure (const TcSipDialog *dialog);
const char *tc_sip_dialog_get_call_id (const TcSipDialog *dialog);
const char *tc_sip_dialog_get_local_tag (const TcSipDialog *dialog);
const char *tc_sip_dialog_get_remote_tag (const TcSipDialog *dialog);
const TcSipUri *tc_sip_dialog_get_local_uri (const TcSipDialog *dialog);
const TcSipUri *tc_sip_dialog_get_remote_uri (const TcSipDialog *dialog);
const char *tc_sip_dialog_get_local_name_addr (const TcSipDialog *dialog);
const char *tc_sip_dialog_get_remote_name_addr (const TcSipDialog *dialog);
const TcSipUri *tc_sip_dialog_get_remote_target (const TcSipDialog *dialog);
guint tc_sip_dialog_get_n_routes (const TcSipDialog *dialog);
const TcSipUri *tc_sip_dialog_get_route (const TcSipDialog *dialog, guint i);
gint64 tc_sip_dialog_get_local_seq (const TcSipDialog *dialog);
gint64 tc_sip_dialog_get_remote_seq (const TcSipDialog *dialog);

/* Hash keys: dialogs live in a GHashTable (g_str_hash) keyed by these. */
char *tc_sip_dialog_id_key (const char *call_id, const char *local_tag, const char *remote_tag);
char *tc_sip_dialog_get_id (const TcSipDialog *dialog);
char *tc_sip_dialog_id_from_message (TcSipMessage *message, gboolean from_is_local);

/* Matching (§12.2.2, §12.2.1.2). */
gboolean tc_sip_dialog_matches_request (const TcSipDialog *dialog, TcSipMessage *request);
gboolean tc_sip_dialog_matches_response (const TcSipDialog *dialog, TcSipMessage *response);
gboolean tc_sip_dialog_is_other_fork (const TcSipDialog *dialog, TcSipMessage *response);

/* Updates. */
gboolean tc_sip_dialog_confirm (TcSipDialog *dialog, TcSipMessage *response, GError **error);
void tc_sip_dialog_terminate (TcSipDialog *dialog);
gboolean tc_sip_dialog_update_remote_target (TcSipDialog *dialog, TcSipMessage *message);
gboolean tc_sip_dialog_receive_request (TcSipDialog *dialog, TcSipMessage *request);
gboolean tc_sip_method_is_target_refresh (TcSipMethod method);

/* Building requests (§12.2.1.1, §13.2.2.4). */
guint32 tc_sip_dialog_next_local_seq (TcSipDialog *dialog);
TcSipMessageBuilder *tc_sip_dialog_build_request (TcSipDialog *dialog, const char *method, GError **error);
TcSipMessageBuilder *tc_sip_dialog_build_ack (TcSipDialog *dialog, TcSipMessage *invite, GError **error);
TcSipMessageBuilder *tc_sip_dialog_build_ack_for_seq (TcSipDialog *dialog, guint32 invite_seq, GError **error);
const TcSipUri *tc_sip_dialog_get_next_hop (const TcSipDialog *dialog);

/* Usages (RFC 5057). */
gboolean tc_sip_dialog_add_usage (TcSipDialog *dialog, TcSipDialogUsageType type, const char *event_package,
                                  const char *event_id);
gboolean tc_sip_dialog_remove_usage (TcSipDialog *dialog, TcSipDialogUsageType type, const char *event_package,
                                     const char *event_id);
gboolean tc_sip_dialog_has_usage (const TcSipDialog *dialog, TcSipDialogUsageType type, const char *event_package,
                                  const char *event_id);
gboolean tc_sip_dialog_has_usages (const TcSipDialog *dialog);
guint tc_sip_dialog_get_n_usages (const TcSipDialog *dialog);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipDialog, tc_sip_dialog_unref)

G_END_DECLS
