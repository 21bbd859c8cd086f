/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * message.h — TcSipMessage: a parsed SIP request or response.
 *
 * A message owns one GBytes and hands out TcSipStr views into it (style.md
 * B9).  Headers are kept in the order received, each with its id, its name
 * as written and its raw value.  The headers the stack reads on every
 * message (Via, From, To, Call-ID, CSeq, Contact, Route, Record-Route,
 * Max-Forwards, Expires, Content-Type, Content-Length) are parsed and
 * validated when the message is parsed and read here without further work;
 * the others are validated then too and parsed on request into a struct the
 * caller provides.
 *
 * Messages are immutable: to change one, start a TcSipMessageBuilder from it
 * (builder.h).  Parse them with parser.h.
 */
#pragma once

#include <glib-object.h>

#include <gio/gio.h>

#include "sip/header.h"
#include "sip/str.h"
#include "sip/uri.h"

G_BEGIN_DECLS

/**
 * TcSipMethod:
 * @TC_SIP_METHOD_OTHER: an extension method; read its name with tc_sip_message_get_method_name()
 */
typedef enum {
  TC_SIP_METHOD_OTHER,
  TC_SIP_METHOD_ACK,
  TC_SIP_METHOD_BYE,
  TC_SIP_METHOD_CANCEL,
  TC_SIP_METHOD_INFO,
  TC_SIP_METHOD_INVITE,
  TC_SIP_METHOD_MESSAGE,
  TC_SIP_METHOD_NOTIFY,
  TC_SIP_METHOD_OPTIONS,
  TC_SIP_METHOD_PRACK,
  TC_SIP_METHOD_PUBLISH,
  TC_SIP_METHOD_REFER,
  TC_SIP_METHOD_REGISTER,
  TC_SIP_METHOD_SUBSCRIBE,
  TC_SIP_METHOD_UPDATE,
} TcSipMethod;

TcSipMethod tc_sip_method_from_name (const char *name, gsize len);
const char *tc_sip_method_to_name (TcSipMethod method);

/* One header field as it appeared: name as written (e.g. "v" or "VIA"). */
typedef struct {
  TcSipHeaderId id;
  TcSipStr name;
  TcSipStr value; /* raw, trimmed of leading/trailing LWS; may contain folded line breaks */
} TcSipHeader;

typedef struct _TcSipMessage TcSipMessage;

#define TC_SIP_TYPE_MESSAGE (tc_sip_message_get_type ())
GType tc_sip_message_get_type (void);

TcSipMessage *tc_sip_message_ref (TcSipMessage *msg);
void tc_sip_message_unref (TcSipMessage *msg);

gboolean tc_sip_message_is_request (const TcSipMessage *msg);

/* Requests. */
TcSipMethod tc_sip_message_get_method (const TcSipMessage *msg);
TcSipStr tc_sip_message_get_method_name (const TcSipMessage *msg);
TcSipStr tc_sip_message_get_request_uri_text (const TcSipMessage *msg);
/* Parsed on first use; borrowed, lives as long as @msg. */
const TcSipUri *tc_sip_message_get_request_uri (TcSipMessage *msg);

/* Responses. */
guint tc_sip_message_get_status (const TcSipMessage *msg);
TcSipStr tc_sip_message_get_reason (const TcSipMessage *msg);

/* All headers, in order. */
guint tc_sip_message_get_n_headers (const TcSipMessage *msg);
const TcSipHeader *tc_sip_message_get_header (const TcSipMessage *msg, guint i);
/* Index of the first header of @id at or after @from, or -1. */
gint tc_sip_message_find_header (const TcSipMessage *msg, TcSipHeaderId id, guint from);
/* Same, by name (case-insensitive; compact forms match their full name). */
gint tc_sip_message_find_header_by_name (const TcSipMessage *msg, const char *name, guint from);
/* Raw value of the first header called @name, or TC_SIP_STR_NULL. */
TcSipStr tc_sip_message_get_header_value (const TcSipMessage *msg, const char *name);

/* Typed access to the headers parsed with the message.  Borrowed; views
 * live as long as @msg.  List headers are flattened: Via index 0 is the
 * topmost value, whether it came from its own header line or not. */
guint tc_sip_message_get_n_vias (const TcSipMessage *msg);
const TcSipVia *tc_sip_message_get_via (const TcSipMessage *msg, guint i);
const TcSipNameAddr *tc_sip_message_get_from (const TcSipMessage *msg);
const TcSipNameAddr *tc_sip_message_get_to (const TcSipMessage *msg);
TcSipStr tc_sip_message_get_call_id (const TcSipMessage *msg);
const TcSipCSeq *tc_sip_message_get_cseq (const TcSipMessage *msg);
guint tc_sip_message_get_n_contacts (const TcSipMessage *msg);
const TcSipContact *tc_sip_message_get_contact (const TcSipMessage *msg, guint i);
guint tc_sip_message_get_n_routes (const TcSipMessage *msg);
const TcSipNameAddr *tc_sip_message_get_route (const TcSipMessage *msg, guint i);
guint tc_sip_message_get_n_record_routes (const TcSipMessage *msg);
const TcSipNameAddr *tc_sip_message_get_record_route (const TcSipMessage *msg, guint i);
/* -1 when absent. */
gint tc_sip_message_get_max_forwards (const TcSipMessage *msg);
gint64 tc_sip_message_get_expires (const TcSipMessage *msg);
gint64 tc_sip_message_get_min_expires (const TcSipMessage *msg);
/* NULL when there is no Content-Type. */
const TcSipContentType *tc_sip_message_get_content_type (const TcSipMessage *msg);
/* The Content-Length header value, or -1 when the message had none. */
gint64 tc_sip_message_get_content_length (const TcSipMessage *msg);

/* Headers parsed on request: fill @out from the first (or @index-th list
 * element of the) header; FALSE without error when absent. */
gboolean tc_sip_message_get_auth (const TcSipMessage *msg, TcSipHeaderId id, guint index, TcSipAuth *out);
gboolean tc_sip_message_get_event (const TcSipMessage *msg, TcSipEvent *out);
gboolean tc_sip_message_get_subscription_state (const TcSipMessage *msg, TcSipSubscriptionState *out);
gboolean tc_sip_message_get_retry_after (const TcSipMessage *msg, TcSipRetryAfter *out);
gboolean tc_sip_message_get_session_expires (const TcSipMessage *msg, TcSipSessionExpires *out);
gboolean tc_sip_message_get_replaces (const TcSipMessage *msg, TcSipReplaces *out);
/* Refer-To or Referred-By. */
gboolean tc_sip_message_get_name_addr (const TcSipMessage *msg, TcSipHeaderId id, TcSipNameAddr *out);
/* TRUE if a token list header (Allow, Supported, Require, Proxy-Require,
 * Unsupported, Allow-Events) contains @token (case-insensitive). */
gboolean tc_sip_message_has_token (const TcSipMessage *msg, TcSipHeaderId id, const char *token);

/* The body (possibly empty); a view into the message buffer. */
TcSipStr tc_sip_message_get_body (const TcSipMessage *msg);

/* The message in wire form: start line, headers in order with values as
 * received, Content-Length set to the body length (added if absent), body.
 * For a message from a builder, these are the very bytes it was built as. */
GBytes *tc_sip_message_to_bytes (const TcSipMessage *msg);

/* Same start line, same headers in the same order (ids for known headers,
 * case-insensitive names for others; values byte for byte; Content-Length
 * compared through the body) and the same body. */
gboolean tc_sip_message_equal (const TcSipMessage *a, const TcSipMessage *b);

/* Where a received request came from, recorded once by the transaction
 * layer before anyone else sees the message.  Responses built from the
 * request (tc_sip_message_builder_new_response_to()) then carry "received"
 * and "rport" in their top Via (RFC 3261 §18.2.1, RFC 3581 §4). */
void tc_sip_message_set_source (TcSipMessage *msg, GInetSocketAddress *source);
/* Borrowed; NULL when not set. */
GInetSocketAddress *tc_sip_message_get_source (const TcSipMessage *msg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipMessage, tc_sip_message_unref)

G_END_DECLS
