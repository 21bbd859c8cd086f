/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lex.h — private character classes and lexing primitives of the SIP
 * grammar (RFC 3261 §25.1), shared by uri.c, header.c and parser.c.
 *
 * A TcSipLex walks a view; nothing allocates and nothing recurses.  Inside a
 * header value, CR and LF only occur as part of a fold (the parser checked
 * that every line break is followed by SP or HTAB), so they count as LWS.
 */
#pragma once

#include <glib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sip/header.h"
#include "sip/str.h"

G_BEGIN_DECLS

enum {
  TC_LEX_ALNUM = 1 << 0,     /* ALPHA / DIGIT */
  TC_LEX_MARK = 1 << 1,      /* - _ . ! ~ * ' ( ) */
  TC_LEX_TOKEN = 1 << 2,     /* token = alphanum / - . ! % * _ + ` ' ~ */
  TC_LEX_USER = 1 << 3,      /* user-unreserved = & = + $ , ; ? / */
  TC_LEX_PASS = 1 << 4,      /* password extras = & = + $ , */
  TC_LEX_PARAM = 1 << 5,     /* param-unreserved = [ ] / : & + $ */
  TC_LEX_HNV = 1 << 6,       /* hnv-unreserved = [ ] / ? : + $ */
  TC_LEX_WORD = 1 << 7,      /* word = token chars / ( ) < > : \ " / [ ] ? { } */
  TC_LEX_WS = 1 << 8,        /* SP HTAB CR LF */
  TC_LEX_HEX = 1 << 9,       /* HEXDIG */
  TC_LEX_DIGIT = 1 << 10,    /* DIGIT */
  TC_LEX_ALPHA = 1 << 11,    /* ALPHA */
  TC_LEX_RESERVED = 1 << 12, /* reserved = ; / ? : @ & = + $ , */
  TC_LEX_SCHEME = 1 << 13,   /* scheme chars after the first: ALPHA DIGIT + - . */
  TC_LEX_URIC = 1 << 14,     /* uric = reserved / unreserved / escaped ("%") */
};

#define TC_LEX_UNRESERVED (TC_LEX_ALNUM | TC_LEX_MARK)

extern const guint16 tc_sip_lex_table[256];

static inline gboolean
tc_lex_is (guchar c, guint16 cls)
{
  return (tc_sip_lex_table[c] & cls) != 0;
}

typedef struct {
  const char *p;
  const char *end;
} TcSipLex;

static inline void
tc_lex_init (TcSipLex *lex, TcSipStr s)
{
  lex->p = s.str;
  lex->end = s.str + s.len;
}

static inline gboolean
tc_lex_eof (const TcSipLex *lex)
{
  return lex->p >= lex->end;
}

static inline int
tc_lex_peek (const TcSipLex *lex)
{
  return lex->p < lex->end ? (guchar) *lex->p : -1;
}

/* The first CTL octet (%x00-08 / %x0A-1F / %x7F: any control character but
 * HTAB) at or after @p, or @end.  On a well-formed line that is the CR of
 * its CRLF; SIP's grammar allows CTLs nowhere else in the start line and
 * header fields (quoted-pair aside).  16 octets at a time where SSE2 is. */
static inline const char *
tc_lex_find_ctl (const char *p, const char *end)
{
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8 (0x20);
  const __m128i tab = _mm_set1_epi8 ('\t');
  const __m128i del = _mm_set1_epi8 (0x7f);

  while (end - p >= 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) p);
      __m128i printable = _mm_cmpeq_epi8 (_mm_max_epu8 (v, space), v);
      __m128i ok = _mm_andnot_si128 (_mm_cmpeq_epi8 (v, del), _mm_or_si128 (printable, _mm_cmpeq_epi8 (v, tab)));
      int mask = ~_mm_movemask_epi8 (ok) & 0xffff;

      if (mask)
        return p + __builtin_ctz (mask);
      p += 16;
    }
#endif
  for (; p < end; p++)
    {
      guchar c = *p;

      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return p;
    }
  return end;
}

/* Skips LWS; returns TRUE if any was skipped. */
static inline gboolean
tc_lex_skip_ws (TcSipLex *lex)
{
  const char *start = lex->p;

  while (lex->p < lex->end && tc_lex_is (*lex->p, TC_LEX_WS))
    lex->p++;
  return lex->p != start;
}

/* SWS c SWS, as SEMI, EQUAL, COMMA, SLASH, COLON are defined. */
static inline gboolean
tc_lex_sep (TcSipLex *lex, char c)
{
  const char *save = lex->p;

  tc_lex_skip_ws (lex);
  if (lex->p < lex->end && *lex->p == c)
    {
      lex->p++;
      tc_lex_skip_ws (lex);
      return TRUE;
    }
  lex->p = save;
  return FALSE;
}

/* 1*(chars of @cls). */
static inline gboolean
tc_lex_span (TcSipLex *lex, guint16 cls, TcSipStr *out)
{
  const char *start = lex->p;

  while (lex->p < lex->end && tc_lex_is (*lex->p, cls))
    lex->p++;
  if (lex->p == start)
    return FALSE;
  if (out)
    *out = tc_sip_str (start, lex->p - start);
  return TRUE;
}

static inline gboolean
tc_lex_token (TcSipLex *lex, TcSipStr *out)
{
  return tc_lex_span (lex, TC_LEX_TOKEN, out);
}

/* A quoted-string, returned with its quotes.  FALSE if not at '"' or if the
 * string is not terminated. */
gboolean tc_lex_quoted_string (TcSipLex *lex, TcSipStr *out);

/* gen-value = token / host / quoted-string.  Host covers IPv6 references
 * and, for received=, a bare IPv6 address. */
gboolean tc_lex_gen_value (TcSipLex *lex, TcSipStr *out);

/* *( SEMI generic-param ): records the raw span in @params and calls
 * @each for every parameter (may be NULL).  Stops before anything that is
 * not SEMI; fails on an empty or malformed parameter. */
typedef gboolean (*TcLexParamFunc) (TcSipStr name, TcSipStr value, gpointer user_data, GError **error);
gboolean tc_lex_params (TcSipLex *lex, TcSipStr *raw, TcLexParamFunc each, gpointer user_data, const char *what,
                        GError **error);

/* 1*DIGIT no larger than @max. */
gboolean tc_lex_uint (TcSipLex *lex, guint64 max, guint64 *out);

/* host = hostname / IPv4address / IPv6reference.  Returns the host without
 * brackets and its type (1 name, 2 IPv4, 3 IPv6: the TcSipHostType values). */
gboolean tc_lex_host (TcSipLex *lex, TcSipStr *host, int *type);

/* Validates an IPv6 address (no brackets). */
gboolean tc_lex_is_ipv6 (const char *s, gsize len);
gboolean tc_lex_is_ipv4 (const char *s, gsize len);

/* Validates a URI inside a message (uri.c): sip:, sips: and tel: URIs
 * strictly; any other absoluteURI (RFC 3986 scheme ":" uric) by its generic
 * syntax.  In a Request-URI (@request_uri), URI headers are refused
 * (RFC 3261 §19.1.1). */
gboolean tc_lex_uri (const char *s, gsize len, gboolean request_uri, const char *what, GError **error);

/* One element of a list header at the lexer's position (header-values.c);
 * they stop before a "," or the end, which the caller checks. */
gboolean tc_lex_via (TcSipLex *lex, TcSipVia *via, GError **error);
gboolean tc_lex_contact (TcSipLex *lex, TcSipContact *contact, GError **error);
gboolean tc_lex_header_name_addr (TcSipLex *lex, TcSipHeaderId id, TcSipNameAddr *addr, GError **error);

G_END_DECLS
