/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * header.h — SIP header names and typed header values.
 *
 * TcSipHeaderId names every header the stack reads; compact forms (RFC 3261
 * §7.3.3 and the RFCs that added them) map to the same id.  The typed value
 * structs hold TcSipStr views into the message buffer; they are filled by the
 * tc_sip_parse_*() functions below, which validate against the RFC grammar
 * and treat any LWS the grammar allows (including folded lines) as
 * whitespace.  None of them allocates.
 *
 * Their input is a header value as the message parser yields it: free of
 * control characters other than HTAB and folds (the parser refuses those
 * for the whole header section in one vectorized pass).
 */
#pragma once

#include <glib.h>

#include "sip/str.h"

G_BEGIN_DECLS

/**
 * TcSipHeaderId:
 * @TC_SIP_HEADER_OTHER: a header the stack has no typed access for
 *
 * Known headers.  Compact forms: i Call-ID, m Contact, e Content-Encoding,
 * l Content-Length, f From, t To, v Via, k Supported, s Subject,
 * c Content-Type, o Event, u Allow-Events, r Refer-To, b Referred-By,
 * x Session-Expires.
 */
typedef enum {
  TC_SIP_HEADER_OTHER,
  TC_SIP_HEADER_ACCEPT,
  TC_SIP_HEADER_ALLOW,
  TC_SIP_HEADER_ALLOW_EVENTS,
  TC_SIP_HEADER_AUTHORIZATION,
  TC_SIP_HEADER_CALL_ID,
  TC_SIP_HEADER_CONTACT,
  TC_SIP_HEADER_CONTENT_DISPOSITION,
  TC_SIP_HEADER_CONTENT_ENCODING,
  TC_SIP_HEADER_CONTENT_LENGTH,
  TC_SIP_HEADER_CONTENT_TYPE,
  TC_SIP_HEADER_CSEQ,
  TC_SIP_HEADER_DATE,
  TC_SIP_HEADER_EVENT,
  TC_SIP_HEADER_EXPIRES,
  TC_SIP_HEADER_FROM,
  TC_SIP_HEADER_MAX_FORWARDS,
  TC_SIP_HEADER_MIN_EXPIRES,
  TC_SIP_HEADER_MIN_SE,
  TC_SIP_HEADER_PROXY_AUTHENTICATE,
  TC_SIP_HEADER_PROXY_AUTHORIZATION,
  TC_SIP_HEADER_PROXY_REQUIRE,
  TC_SIP_HEADER_RECORD_ROUTE,
  TC_SIP_HEADER_REFER_TO,
  TC_SIP_HEADER_REFERRED_BY,
  TC_SIP_HEADER_REPLACES,
  TC_SIP_HEADER_REQUIRE,
  TC_SIP_HEADER_RETRY_AFTER,
  TC_SIP_HEADER_ROUTE,
  TC_SIP_HEADER_SESSION_EXPIRES,
  TC_SIP_HEADER_SIP_ETAG,
  TC_SIP_HEADER_SIP_IF_MATCH,
  TC_SIP_HEADER_SUBJECT,
  TC_SIP_HEADER_SUBSCRIPTION_STATE,
  TC_SIP_HEADER_SUPPORTED,
  TC_SIP_HEADER_TO,
  TC_SIP_HEADER_UNSUPPORTED,
  TC_SIP_HEADER_USER_AGENT,
  TC_SIP_HEADER_VIA,
  TC_SIP_HEADER_WARNING,
  TC_SIP_HEADER_WWW_AUTHENTICATE,
  TC_SIP_HEADER_N_IDS,
} TcSipHeaderId;

/* Maps a header name (full or compact, any case) to its id. */
TcSipHeaderId tc_sip_header_id_from_name (const char *name, gsize len);
/* The canonical full name ("Call-ID") of a known id; NULL for OTHER. */
const char *tc_sip_header_id_to_name (TcSipHeaderId id);
/* TRUE for headers whose value is a comma-separated list (RFC 3261 §7.3.1). */
gboolean tc_sip_header_id_is_list (TcSipHeaderId id);

/* Generic parameters: a view of the raw ";name[=value]..." text. */
typedef struct {
  TcSipStr raw;
} TcSipParams;

typedef struct {
  const char *pos;
  const char *end;
} TcSipParamsIter;

void tc_sip_params_iter_init (TcSipParamsIter *iter, const TcSipParams *params);
/* Next parameter; @value is TC_SIP_STR_NULL when it has no "=value".  A
 * quoted-string value is returned with its quotes. */
gboolean tc_sip_params_iter_next (TcSipParamsIter *iter, TcSipStr *name, TcSipStr *value);
/* Case-insensitive lookup; TRUE if present. */
gboolean tc_sip_params_get (const TcSipParams *params, const char *name, TcSipStr *value);

/* Via (RFC 3261 §20.42, RFC 3581 rport). */
typedef struct {
  TcSipStr protocol_name;    /* "SIP" */
  TcSipStr protocol_version; /* "2.0" */
  TcSipStr transport;        /* "UDP", "TCP", "TLS", "SCTP", "WS", … as written */
  TcSipStr host;             /* IPv6 without brackets */
  guint16 port;              /* 0 when absent */
  TcSipStr branch;
  TcSipStr received;
  TcSipStr maddr;
  gint ttl;   /* -1 when absent */
  gint rport; /* -1 absent, 0 present without value, else the value */
  TcSipParams params;
} TcSipVia;

/* name-addr / addr-spec with parameters: From, To, Contact, Route,
 * Record-Route, Refer-To, Referred-By. */
typedef struct {
  TcSipStr display_name; /* as written: quoted (with quotes) or tokens; unset if none */
  TcSipStr uri;          /* the URI text, without angle brackets */
  TcSipStr tag;          /* "tag" parameter (From/To) */
  TcSipParams params;    /* header parameters after the URI */
} TcSipNameAddr;

/* Contact value (RFC 3261 §20.10, RFC 5626, RFC 5627). */
typedef struct {
  gboolean star; /* "Contact: *" */
  TcSipNameAddr addr;
  gint q;            /* q-value x 1000, -1 when absent */
  gint64 expires;    /* -1 when absent */
  TcSipStr instance; /* +sip.instance, with its quotes and <> */
  gint64 reg_id;     /* -1 when absent */
  TcSipStr pub_gruu;
  TcSipStr temp_gruu;
} TcSipContact;

typedef struct {
  guint32 seq;
  TcSipStr method;
} TcSipCSeq;

typedef struct {
  TcSipStr type;
  TcSipStr subtype;
  TcSipParams params;
} TcSipContentType;

/* WWW-/Proxy-Authenticate and Authorization/Proxy-Authorization
 * (RFC 3261 §20.7, §20.44; RFC 7616, RFC 8760). */
typedef struct {
  TcSipStr scheme; /* "Digest" */
  TcSipStr params; /* raw comma-separated auth-params; use tc_sip_auth_get_param() */
} TcSipAuth;

/* Looks up an auth-param; a quoted-string value is returned without its
 * quotes (still escaped: see tc_sip_unquote()). */
gboolean tc_sip_auth_get_param (const TcSipAuth *auth, const char *name, TcSipStr *value);

typedef struct {
  TcSipStr package; /* event-type, e.g. "presence" or "dialog" */
  TcSipStr id;
  TcSipParams params;
} TcSipEvent;

typedef struct {
  TcSipStr state; /* "active", "pending", "terminated" or an extension */
  TcSipStr reason;
  gint64 expires; /* -1 when absent */
  gint64 retry_after;
  TcSipParams params;
} TcSipSubscriptionState;

typedef struct {
  guint32 seconds;
  TcSipStr comment;
  gint64 duration; /* -1 when absent */
  TcSipParams params;
} TcSipRetryAfter;

typedef struct {
  guint32 delta;
  TcSipStr refresher; /* "uac", "uas" or unset */
  TcSipParams params;
} TcSipSessionExpires;

/* Replaces (RFC 3891). */
typedef struct {
  TcSipStr call_id;
  TcSipStr to_tag;
  TcSipStr from_tag;
  gboolean early_only;
  TcSipParams params;
} TcSipReplaces;

/* Splitting list headers: iterate over the comma-separated elements of one
 * header value, respecting quoted strings and angle brackets. */
typedef struct {
  const char *pos;
  const char *end;
  gboolean simple; /* no quotes or angle brackets: commas alone split */
} TcSipListIter;

void tc_sip_list_iter_init (TcSipListIter *iter, TcSipStr value);
/* Next element, trimmed of LWS.  Empty elements are returned as empty
 * views (the caller decides whether the grammar allows them). */
gboolean tc_sip_list_iter_next (TcSipListIter *iter, TcSipStr *element);

/* Typed parsers: each parses ONE value (one list element for list headers)
 * and fails with a precise TC_SIP_ERROR_PARSE message. */
gboolean tc_sip_parse_via (TcSipStr value, TcSipVia *via, GError **error);
gboolean tc_sip_parse_name_addr (TcSipStr value, TcSipNameAddr *addr, GError **error);
/* name-addr of header @id (From, To, Refer-To, Referred-By, or one element of
 * Route/Record-Route, where the URI must be in angle brackets); errors name
 * the header. */
gboolean tc_sip_parse_header_name_addr (TcSipHeaderId id, TcSipStr value, TcSipNameAddr *addr, GError **error);
gboolean tc_sip_parse_contact (TcSipStr value, TcSipContact *contact, GError **error);
gboolean tc_sip_parse_cseq (TcSipStr value, TcSipCSeq *cseq, GError **error);
gboolean tc_sip_parse_uint32 (TcSipStr value, guint32 max, guint32 *out, GError **error);
gboolean tc_sip_parse_content_type (TcSipStr value, TcSipContentType *ct, GError **error);
gboolean tc_sip_parse_auth (TcSipStr value, TcSipAuth *auth, GError **error);
gboolean tc_sip_parse_event (TcSipStr value, TcSipEvent *event, GError **error);
gboolean tc_sip_parse_subscription_state (TcSipStr value, TcSipSubscriptionState *ss, GError **error);
gboolean tc_sip_parse_retry_after (TcSipStr value, TcSipRetryAfter *ra, GError **error);
gboolean tc_sip_parse_session_expires (TcSipStr value, TcSipSessionExpires *se, GError **error);
gboolean tc_sip_parse_replaces (TcSipStr value, TcSipReplaces *replaces, GError **error);
gboolean tc_sip_parse_token (TcSipStr value, TcSipStr *token, GError **error);
gboolean tc_sip_parse_date (TcSipStr value, GError **error);
gboolean tc_sip_parse_warning (TcSipStr value, GError **error);

/* Validates a whole header value of @id (all list elements).  Used by the
 * message parser so that a malformed known header rejects the message. */
gboolean tc_sip_header_validate (TcSipHeaderId id, TcSipStr value, GError **error);

/* Returns the content of a quoted-string (with or without its quotes) with
 * quoted-pairs resolved, newly allocated. */
char *tc_sip_unquote (TcSipStr quoted);

G_END_DECLS
