/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stack-request-private.h — TcSipRequest's insides, shared by
 * stack-request.c (tries, failover, auth, redirects) and stack-invite.c
 * (INVITE: forks, ACK, BYE, CANCEL).
 */
#pragma once

#include "sip/redirect.h"
#include "sip/stack-private.h"

G_BEGIN_DECLS

struct _TcSipRequest {
  gint ref_count;
  TcSipStack *stack; /* weak: NULL once the stack is disposed (tc_sip_request_finalize_all) */

  TcSipMessageBuilder *template; /* the request without Via */
  char *method;
  gboolean is_invite;
  TcSipDialog *dialog; /* in-dialog requests */

  TcSipRouteSet *route_set;
  TcSipDigestCache *credentials;
  TcSipFlow *fixed_flow;
  gboolean follow_redirects;
  char *contact_user;
  char *contact_params;

  TcSipRequestHandlers handlers;
  gpointer user_data;

  GCancellable *cancellable;
  GArray *targets; /* TcSipTarget */
  guint target_index;
  gboolean explicit_udp;

  TcSipClientTransaction *transaction;
  TcSipMessage *sent;
  TcSipFlow *flow;
  TcSipTarget sent_target;
  TcSipRedirect *redirect;
  TcSipUri *next_hop; /* what was resolved */
  GError *last_error;
  TcSipMessage *last_503;

  gboolean finished;
  gboolean abandoned;
  gboolean cancel_requested;
  gboolean cancel_sent;
  gboolean got_provisional;
  guint n_challenges; /* 401/407 answered so far */
  char *cancel_reason;
  guint cancel_timer; /* 64*T1 after the CANCEL (§9.1); holds a reference */

  /* INVITE */
  GPtrArray *early; /* TcSipDialog, one per fork */
  TcSipDialog *confirmed;
};

/* stack-request.c */
void tc_sip_request_finish (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error);
GSocketFamily tc_sip_request_target_family (const TcSipTarget *target);
/* Stops the §9.1 timer armed by tc_sip_request_send_cancel(). */
void tc_sip_request_clear_cancel_timer (TcSipRequest *request);

/* stack-invite.c */
TcSipDialog *tc_sip_request_early_dialog_for (TcSipRequest *request, TcSipMessage *response);
void tc_sip_request_invite_2xx (TcSipRequest *request, TcSipMessage *response);
void tc_sip_request_end_early_dialogs (TcSipRequest *request);
void tc_sip_request_send_cancel (TcSipRequest *request);

G_END_DECLS
