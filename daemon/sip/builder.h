/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * builder.h — TcSipMessageBuilder: building requests and responses.
 *
 * A builder collects a start line, headers in order and a body, then
 * serializes them with the right Content-Length and parses the result, so a
 * built message is validated exactly like a received one and
 * tc_sip_message_to_bytes() of it returns the bytes that were built.
 * Values are given as they go on the wire; CR or LF in them is refused.
 */
#pragma once

#include <glib.h>

#include "sip/message.h"

G_BEGIN_DECLS

typedef struct _TcSipMessageBuilder TcSipMessageBuilder;

TcSipMessageBuilder *tc_sip_message_builder_new_request (const char *method, const char *request_uri);
/* @reason NULL uses the RFC 3261 default phrase for @status. */
TcSipMessageBuilder *tc_sip_message_builder_new_response (guint status, const char *reason);
/* A response to @request with Via, From, To, Call-ID and CSeq copied
 * (RFC 3261 §8.2.6.2); a To tag is added when @to_tag is not NULL and the
 * request's To has none. */
TcSipMessageBuilder *tc_sip_message_builder_new_response_to (const TcSipMessage *request, guint status,
                                                             const char *reason, const char *to_tag);
/* A builder holding a copy of @msg's start line, headers and body. */
TcSipMessageBuilder *tc_sip_message_builder_new_from_message (const TcSipMessage *msg);
void tc_sip_message_builder_free (TcSipMessageBuilder *builder);
/* A deep copy (the body is shared: GBytes are immutable). */
TcSipMessageBuilder *tc_sip_message_builder_copy (const TcSipMessageBuilder *builder);
/* Replaces the Request-URI of a request builder; FALSE for a response. */
gboolean tc_sip_message_builder_set_request_uri (TcSipMessageBuilder *builder, const char *request_uri);
/* The value of the first header called @name (compact forms not mapped), or NULL. */
char *tc_sip_message_builder_get_header (const TcSipMessageBuilder *builder, const char *name);
/* The body, or NULL; borrowed. */
GBytes *tc_sip_message_builder_get_body (const TcSipMessageBuilder *builder);

/* Appends a header. */
void tc_sip_message_builder_add_header (TcSipMessageBuilder *builder, const char *name, const char *value);
void tc_sip_message_builder_add_header_printf (TcSipMessageBuilder *builder, const char *name, const char *format, ...)
  G_GNUC_PRINTF (3, 4);
/* Inserts a header before the first header of the same id (or name), or
 * appends it when there is none: how a new topmost Via is added. */
void tc_sip_message_builder_prepend_header (TcSipMessageBuilder *builder, const char *name, const char *value);
/* Removes every header called @name (compact forms included); returns how many. */
guint tc_sip_message_builder_remove_headers (TcSipMessageBuilder *builder, const char *name);
/* Replaces every header called @name by one with @value. */
void tc_sip_message_builder_set_header (TcSipMessageBuilder *builder, const char *name, const char *value);
/* Sets the body and its Content-Type (@content_type NULL: no Content-Type). */
void tc_sip_message_builder_set_body (TcSipMessageBuilder *builder, const char *content_type, const void *body,
                                      gsize len);

/* Serializes, parses and returns the message; frees @builder in all cases.
 * Fails with TC_SIP_ERROR_INVALID_ARGUMENT naming the bad header when a
 * value is not valid SIP. */
TcSipMessage *tc_sip_message_builder_end (TcSipMessageBuilder *builder, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipMessageBuilder, tc_sip_message_builder_free)

G_END_DECLS
