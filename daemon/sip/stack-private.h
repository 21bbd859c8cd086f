/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stack-private.h — what stack.c (the stack, incoming requests, dialogs)
 * and stack-request.c (outgoing requests) share.
 */
#pragma once

#include "sip/stack.h"

G_BEGIN_DECLS

/* One dialog the stack knows, with what it must keep re-sending. */
typedef struct {
  TcSipDialog *dialog;
  /* UAC INVITE: the ACK for the 2xx, re-sent for each retransmission of it */
  TcSipMessage *ack;
  TcSipTarget ack_target;
  TcSipFlow *ack_flow;
  /* UAS INVITE: the 2xx retransmitted until its ACK (§13.3.1.4) */
  TcSipServerTransaction *pending_2xx_transaction;
  TcSipMessage *pending_2xx;
  guint retransmit_timer;
  guint ack_timeout_timer;
  gint64 retransmit_interval;
} TcSipStackDialog;

struct _TcSipStack {
  GObject parent_instance;

  TcSipStackConfig config;
  char *user_agent;
  TcSipTransport *transport;
  TcSipResolver *resolver;
  TcSipClock *clock;
  TcSipTransactionLayer *layer;

  TcSipStackHandlers handlers;
  gpointer user_data;

  GHashTable *dialogs;  /* dialog id (char *) -> TcSipStackDialog */
  GHashTable *incoming; /* TcSipServerTransaction -> TcSipIncoming (INVITEs waiting for an answer) */
  GHashTable *requests; /* TcSipRequest set: requests in progress hold a reference here */
};

/* Registers @dialog (a reference is taken) or returns the entry it has. */
TcSipStackDialog *tc_sip_stack_add_dialog (TcSipStack *stack, TcSipDialog *dialog);
TcSipStackDialog *tc_sip_stack_lookup_dialog (TcSipStack *stack, const char *id);

/* Sends @message (an ACK or a BYE-less stateless message) over @flow or to @target. */
void tc_sip_stack_send_ack (TcSipStack *stack, TcSipStackDialog *entry, TcSipMessage *ack, const TcSipTarget *target,
                            TcSipFlow *flow);

/* A 2xx to an INVITE that no transaction took: re-sends the stored ACK of
 * its dialog (§13.2.2.4).  TRUE when it was one of ours. */
gboolean tc_sip_stack_handle_stray_2xx (TcSipStack *stack, TcSipMessage *response);

/* stack-request.c */
void tc_sip_request_finalize_all (TcSipStack *stack);

G_END_DECLS
