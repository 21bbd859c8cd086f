/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * headers.h — what core writes into SIP headers itself: extra header
 * pairs (SetAdditionalHeaders, extra-headers, register-headers) and the
 * name-addr of From and To.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *name;
  char *value;
} TcHeaderPair;

/* A header name that is a token, not one the stack owns (Via, From, To,
 * Call-ID, CSeq, Max-Forwards, Contact, Content-Length, Route,
 * Record-Route, compact forms included), and a value without CR, LF, NUL
 * or other control characters: else TC_CORE_ERROR_INVALID_ARGS naming
 * the header and what is wrong. */
gboolean tc_header_pair_validate (const char *name, const char *value, GError **error);
void tc_header_pair_clear (TcHeaderPair *pair);

/* Arrays of TcHeaderPair that free their pairs. */
GArray *tc_header_pairs_new (void);
/* A new reference on one empty array shared by every holder of an empty
 * list: it must never be changed in place (lists are replaced). */
GArray *tc_header_pairs_ref_empty (void);
/* A deep copy of @pairs (NULL: empty). */
GArray *tc_header_pairs_copy (const GArray *pairs);
/* @first then @second (either may be NULL), copied. */
GArray *tc_header_pairs_concat (const GArray *first, const GArray *second);

/* The first control character in @s other than HTAB (CR, LF, NUL…), or
 * 0; and its name for an error message ("CR", "LF", "a control
 * character"). */
guchar tc_text_find_control (const char *s);
const char *tc_text_control_name (guchar c);

/* "Display" <uri> with the display name quoted (RFC 3261 §25.1), or
 * <uri> without one. */
char *tc_name_addr_format (const char *display_name, const char *uri);

G_END_DECLS
