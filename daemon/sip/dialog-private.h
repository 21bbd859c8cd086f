/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dialog-private.h — the layout of TcSipDialog, shared by dialog.c (state,
 * creation, matching, updates, usages) and dialog-request.c (building
 * in-dialog requests).
 */
#pragma once

#include "sip/dialog.h"

G_BEGIN_DECLS

/* RFC 3261 §8.1.1.5: CSeq numbers are below 2**31. */
#define TC_SIP_DIALOG_MAX_CSEQ ((gint64) G_MAXINT32)

typedef struct {
  TcSipDialogUsageType type;
  char *package; /* SUBSCRIBE usages: the event package; NULL for INVITE */
  char *id;      /* SUBSCRIBE usages: the Event "id" parameter, or NULL */
} TcSipDialogUsage;

struct _TcSipDialog {
  gint ref_count;
  TcSipDialogState state;
  gboolean is_uac;
  gboolean secure;
  char *call_id;
  char *local_tag;
  char *remote_tag;       /* "" when the peer sent none (RFC 2543 peers, §12.1.1) */
  char *local_name_addr;  /* "[display-name ]<uri>", without tag */
  char *remote_name_addr; /* same */
  TcSipUri *local_uri;
  TcSipUri *remote_uri;
  TcSipUri *remote_target;
  char *remote_target_text; /* the URI as received: the Request-URI */
  GPtrArray *route_uris;    /* TcSipUri, in the order requests visit them */
  GPtrArray *route_texts;   /* char *, the same URIs as received: Route values */
  gint64 local_seq;         /* -1: empty */
  gint64 remote_seq;        /* -1: empty */
  guint32 initial_seq;      /* UAC: CSeq number of the dialog-creating request */
  char *initial_method;     /* UAC: its method */
  GArray *usages;           /* TcSipDialogUsage */
};

/* Folded line breaks (RFC 3261 §7.3.1) become the spaces they stand for. */
char *tc_sip_dialog_unfold (TcSipStr value);
gboolean tc_sip_dialog_call_id_equal (const TcSipDialog *self, TcSipMessage *msg);
void tc_sip_dialog_usage_clear (gpointer data);

G_END_DECLS
