/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * message-private.h — the layout of TcSipMessage, shared by message.c (the
 * getters and serializer) and parser.c (which fills it).
 *
 * Small messages need one allocation: the header table and the typed lists
 * start in inline arrays and move to the heap only when they outgrow them.
 */
#pragma once

#include <gio/gio.h>

#include "sip/message.h"
#include "sip/parser.h"

G_BEGIN_DECLS

#define TC_MSG_INLINE_HEADERS 24
#define TC_MSG_INLINE_VIAS 3
#define TC_MSG_INLINE_CONTACTS 1
#define TC_MSG_INLINE_ROUTES 4

/* A growable array that starts inline. */
#define TC_MSG_LIST(type, n) \
  struct { \
    type *items; \
    guint len; \
    guint cap; \
    type inline_items[n]; \
  }

struct _TcSipMessage {
  gint ref_count;
  gboolean is_request;
  GBytes *bytes;
  const char *base;           /* start of the message inside @bytes */
  gsize size;                 /* start line to end of body */
  gboolean canonical;         /* base[0..size) is exactly what tc_sip_message_to_bytes() returns */
  GInetSocketAddress *source; /* a received request: where it came from (RFC 3581) */

  TcSipMethod method;
  TcSipStr method_name;
  TcSipStr request_uri;
  guint status;
  TcSipStr reason;
  TcSipUri *request_uri_parsed; /* lazily */

  TcSipStr call_id;
  TcSipNameAddr from;
  TcSipNameAddr to;
  TcSipCSeq cseq;
  gint max_forwards;
  gint64 expires;
  gint64 min_expires;
  gint64 content_length;
  gboolean has_content_type;
  TcSipContentType content_type;
  TcSipStr body;

  TC_MSG_LIST (TcSipHeader, TC_MSG_INLINE_HEADERS) headers;
  TC_MSG_LIST (TcSipVia, TC_MSG_INLINE_VIAS) vias;
  TC_MSG_LIST (TcSipContact, TC_MSG_INLINE_CONTACTS) contacts;
  TC_MSG_LIST (TcSipNameAddr, TC_MSG_INLINE_ROUTES) routes;
  TC_MSG_LIST (TcSipNameAddr, TC_MSG_INLINE_ROUTES) record_routes;
};

/* Returns a pointer to a new last element (uninitialized). */
#define tc_msg_list_push(list) \
  ((list)->len < (list)->cap || \
       tc_msg_list_grow ((void **) &(list)->items, &(list)->cap, (list)->inline_items, sizeof (list)->inline_items[0]) \
     ? &(list)->items[(list)->len++] \
     : NULL)

#define tc_msg_list_init(list) \
  G_STMT_START \
  { \
    (list)->items = (list)->inline_items; \
    (list)->len = 0; \
    (list)->cap = G_N_ELEMENTS ((list)->inline_items); \
  } \
  G_STMT_END

#define tc_msg_list_clear(list) \
  G_STMT_START \
  { \
    if ((list)->items != (list)->inline_items) \
      g_free ((list)->items); \
  } \
  G_STMT_END

gboolean tc_msg_list_grow (void **items, guint *cap, void *inline_items, gsize item_size);

TcSipMessage *tc_sip_message_alloc (void);

/* The value of the request's first Via header field with "received" and
 * "rport" set in its first via from the request's source (RFC 3261
 * §18.2.1, RFC 3581 §4), or NULL when nothing changes. */
char *tc_sip_message_stamped_top_via (const TcSipMessage *request);

G_END_DECLS
