/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uri.h — TcSipUri: sip:, sips: (RFC 3261 §19.1) and tel: (RFC 3966) URIs.
 *
 * A TcSipUri is a refcounted value object holding the decoded components:
 * percent-escapes are resolved on parse (so "sip:%75ser@h" has user "user")
 * and re-applied per component when printing, so that
 * tc_sip_uri_parse (tc_sip_uri_to_string (u)) is equal to u.  A decoded user
 * may contain NUL octets (RFC 4475 §3.1.1.4): use the length out-parameter.
 *
 * Parameter and header names are compared case-insensitively, values as the
 * RFC 3261 §19.1.4 rules say; see tc_sip_uri_equal().
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TcSipUriScheme:
 * @TC_SIP_URI_SCHEME_SIP: sip:
 * @TC_SIP_URI_SCHEME_SIPS: sips:
 * @TC_SIP_URI_SCHEME_TEL: tel: (RFC 3966)
 */
typedef enum {
  TC_SIP_URI_SCHEME_SIP,
  TC_SIP_URI_SCHEME_SIPS,
  TC_SIP_URI_SCHEME_TEL,
} TcSipUriScheme;

/**
 * TcSipHostType:
 * @TC_SIP_HOST_NONE: no host (tel: URIs)
 * @TC_SIP_HOST_NAME: a domain name
 * @TC_SIP_HOST_IPV4: an IPv4 address in dotted-quad form
 * @TC_SIP_HOST_IPV6: an IPv6 reference; tc_sip_uri_get_host() returns it without brackets
 */
typedef enum {
  TC_SIP_HOST_NONE,
  TC_SIP_HOST_NAME,
  TC_SIP_HOST_IPV4,
  TC_SIP_HOST_IPV6,
} TcSipHostType;

typedef struct _TcSipUri TcSipUri;

#define TC_SIP_TYPE_URI (tc_sip_uri_get_type ())
GType tc_sip_uri_get_type (void);

/* Parse @len bytes of @str (or up to NUL when @len is -1).  The whole input
 * must be the URI: no surrounding LWS or angle brackets. */
TcSipUri *tc_sip_uri_parse (const char *str, gssize len, GError **error);

/* A new sip:/sips: URI; @user may be NULL, @port 0 means absent. */
TcSipUri *tc_sip_uri_new (TcSipUriScheme scheme, const char *user, const char *host, guint16 port);
/* A new tel: URI; @number is a global ("+...") or local number. */
TcSipUri *tc_sip_uri_new_tel (const char *number);

TcSipUri *tc_sip_uri_ref (TcSipUri *uri);
void tc_sip_uri_unref (TcSipUri *uri);
TcSipUri *tc_sip_uri_copy (const TcSipUri *uri);

TcSipUriScheme tc_sip_uri_get_scheme (const TcSipUri *uri);
/* Decoded user part (for tel: the telephone-subscriber number), or NULL.
 * @len (nullable) receives its length, which may include NUL octets. */
const char *tc_sip_uri_get_user (const TcSipUri *uri, gsize *len);
const char *tc_sip_uri_get_password (const TcSipUri *uri);
/* Host without IPv6 brackets; NULL for tel: URIs. */
const char *tc_sip_uri_get_host (const TcSipUri *uri);
TcSipHostType tc_sip_uri_get_host_type (const TcSipUri *uri);
/* 0 when the URI has no explicit port. */
guint16 tc_sip_uri_get_port (const TcSipUri *uri);

guint tc_sip_uri_get_n_params (const TcSipUri *uri);
/* Borrowed, decoded; *value is NULL for a parameter without "=value". */
void tc_sip_uri_get_param_nth (const TcSipUri *uri, guint i, const char **name, const char **value);
/* TRUE if the parameter @name (case-insensitive) is present; *value as above. */
gboolean tc_sip_uri_get_param (const TcSipUri *uri, const char *name, const char **value);
gboolean tc_sip_uri_has_param (const TcSipUri *uri, const char *name);

/* Typed access to the RFC 3261 URI parameters; NULL / -1 / FALSE when absent. */
const char *tc_sip_uri_get_transport (const TcSipUri *uri);
const char *tc_sip_uri_get_user_param (const TcSipUri *uri);
const char *tc_sip_uri_get_method (const TcSipUri *uri);
const char *tc_sip_uri_get_maddr (const TcSipUri *uri);
gint tc_sip_uri_get_ttl (const TcSipUri *uri);
gboolean tc_sip_uri_get_lr (const TcSipUri *uri);

guint tc_sip_uri_get_n_headers (const TcSipUri *uri);
void tc_sip_uri_get_header_nth (const TcSipUri *uri, guint i, const char **name, const char **value);

/* Setters for building URIs.  Names and values are given decoded. */
void tc_sip_uri_set_user (TcSipUri *uri, const char *user);
void tc_sip_uri_set_port (TcSipUri *uri, guint16 port);
/* Replaces an existing parameter of the same name; @value NULL for a flag. */
void tc_sip_uri_set_param (TcSipUri *uri, const char *name, const char *value);
gboolean tc_sip_uri_remove_param (TcSipUri *uri, const char *name);
void tc_sip_uri_add_header (TcSipUri *uri, const char *name, const char *value);

/* RFC 3261 §19.1.4 (sip/sips) and RFC 3966 §4 (tel) equivalence. */
gboolean tc_sip_uri_equal (const TcSipUri *a, const TcSipUri *b);

/* The URI as text, escaping each component as its grammar requires. */
char *tc_sip_uri_to_string (const TcSipUri *uri);
/* Appends the URI text to @out. */
void tc_sip_uri_append_to (const TcSipUri *uri, GString *out);

/* Checks the syntax of a URI without building it (no allocation).  Used by
 * the message parser to validate URIs inside headers. */
gboolean tc_sip_uri_validate (const char *str, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipUri, tc_sip_uri_unref)

G_END_DECLS
