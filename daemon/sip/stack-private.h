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
  TcSipStack *stack; /* weak: the stack owns the entry */
  TcSipDialog *dialog;
  /* UAC INVITE: the ACK for the 2xx, re-sent for each retransmission of it */
  TcSipMessage *ack;
  TcSipTarget ack_target;
  TcSipFlow *ack_flow;
  gboolean ack_resolving; /* the ACK waits for its next hop to resolve */
  /* UAS INVITE: the 2xx retransmitted until its ACK (§13.3.1.4) */
  TcSipServerTransaction *pending_2xx_transaction;
  TcSipMessage *pending_2xx;
  guint retransmit_timer;  /* these two timers run with the entry as data: */
  guint ack_timeout_timer; /* cancelled before the entry is freed */
  gint64 retransmit_interval;
  /* the connection the dialog runs over, held open while it lasts */
  TcSipFlow *flow;
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

  GHashTable *dialogs;       /* dialog id (char *) -> TcSipStackDialog */
  GHashTable *incoming;      /* TcSipServerTransaction -> TcSipIncoming (INVITEs waiting for an answer) */
  GHashTable *incoming_live; /* TcSipIncoming set, no reference: detached at dispose */
  GCancellable *cancellable; /* cancelled at dispose: lookups made for ACKs */
  GHashTable *requests;      /* TcSipRequest set: requests in progress hold a reference here */
};

/* Registers @dialog (a reference is taken) or returns the entry it has. */
TcSipStackDialog *tc_sip_stack_add_dialog (TcSipStack *stack, TcSipDialog *dialog);
TcSipStackDialog *tc_sip_stack_lookup_dialog (TcSipStack *stack, const char *id);
/* Holds @flow (a connection: UDP flows are not held) for the dialog of @entry. */
void tc_sip_stack_dialog_hold_flow (TcSipStackDialog *entry, TcSipFlow *flow);

/* Sends @message (an ACK or a BYE-less stateless message) over @flow or to @target. */
void tc_sip_stack_send_ack (TcSipStack *stack, TcSipStackDialog *entry, TcSipMessage *ack, const TcSipTarget *target,
                            TcSipFlow *flow);

/* A 2xx to an INVITE that no transaction took: re-sends the stored ACK of
 * its dialog (§13.2.2.4).  TRUE when it was one of ours. */
gboolean tc_sip_stack_handle_stray_2xx (TcSipStack *stack, TcSipMessage *response);

/* stack-request.c.  Disposing the stack: finalize_all() marks every
 * request in progress finished and abandoned (no handler runs any more)
 * and detaches it from the stack; once the transaction layer is disposed
 * (its transactions gone without callbacks), drop_transactions() releases
 * the holds those transactions had on their requests. */
void tc_sip_request_finalize_all (TcSipStack *stack);
void tc_sip_request_drop_transactions (TcSipStack *stack);

G_END_DECLS
