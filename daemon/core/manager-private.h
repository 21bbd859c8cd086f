/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-private.h — what manager.c (stacks, endpoints, accounts) and
 * manager-uas.c (the UAS rules and the routing of requests to endpoints)
 * share: one SIP stack and the endpoints on it.
 */
#pragma once

#include "core/endpoint-private.h"
#include "core/manager.h"
#include "sip/net-transport.h"
#include "sip/transport-mux.h"
#include "sip/ws-transport.h"

G_BEGIN_DECLS

typedef struct {
  TcManager *manager;
  TcSipStack *stack;
  TcSipTransportMux *mux;
  TcSipNetTransport *net;
  TcSipWsTransport *ws;
  GHashTable *by_user; /* contact user -> TcEndpoint (borrowed); shared stack */
  TcEndpoint *single;  /* an endpoint's own stack */
} StackEntry;

/* manager-uas.c: answers what no endpoint should see (RFC 3261 §8.2) and
 * hands the rest, and the stack's ACK, CANCEL and ACK-timeout events, to
 * the endpoint the Request-URI's user names. */
void tc_manager_uas_attach (StackEntry *entry);

G_END_DECLS
