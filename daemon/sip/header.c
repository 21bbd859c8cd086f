/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * header.c — the header name table (full and compact forms), the character
 * classes of RFC 3261 §25.1 and the lexing primitives every parser of the
 * stack shares: quoted strings, generic parameters, hosts, numbers, and the
 * splitting of list headers around quoted strings and angle brackets.
 */
#include "sip/header.h"

#include <arpa/inet.h>

#include "sip/lex.h"
#include "sip/sip-error.h"

#define A (TC_LEX_ALNUM | TC_LEX_ALPHA | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_SCHEME | TC_LEX_URIC)
#define AH (A | TC_LEX_HEX)
#define D (TC_LEX_ALNUM | TC_LEX_DIGIT | TC_LEX_HEX | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_SCHEME | TC_LEX_URIC)
#define RSV (TC_LEX_RESERVED | TC_LEX_URIC)

const guint16 tc_sip_lex_table[256] = {
  [' '] = TC_LEX_WS,
  ['\t'] = TC_LEX_WS,
  ['\r'] = TC_LEX_WS,
  ['\n'] = TC_LEX_WS,
  ['0' ... '9'] = D,
  ['a' ... 'f'] = AH,
  ['A' ... 'F'] = AH,
  ['g' ... 'z'] = A,
  ['G' ... 'Z'] = A,
  ['-'] = TC_LEX_MARK | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_SCHEME | TC_LEX_URIC,
  ['.'] = TC_LEX_MARK | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_SCHEME | TC_LEX_URIC,
  ['!'] = TC_LEX_MARK | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_URIC,
  ['%'] = TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_URIC,
  ['*'] = TC_LEX_MARK | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_URIC,
  ['_'] = TC_LEX_MARK | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_URIC,
  ['+'] = TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_USER | TC_LEX_PASS | TC_LEX_PARAM | TC_LEX_HNV | TC_LEX_SCHEME | RSV,
  ['`'] = TC_LEX_TOKEN | TC_LEX_WORD,
  ['\''] = TC_LEX_MARK | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_URIC,
  ['~'] = TC_LEX_MARK | TC_LEX_TOKEN | TC_LEX_WORD | TC_LEX_URIC,
  ['('] = TC_LEX_MARK | TC_LEX_WORD | TC_LEX_URIC,
  [')'] = TC_LEX_MARK | TC_LEX_WORD | TC_LEX_URIC,
  ['<'] = TC_LEX_WORD,
  ['>'] = TC_LEX_WORD,
  [':'] = TC_LEX_WORD | TC_LEX_PARAM | TC_LEX_HNV | RSV,
  ['\\'] = TC_LEX_WORD,
  ['"'] = TC_LEX_WORD,
  ['/'] = TC_LEX_WORD | TC_LEX_USER | TC_LEX_PARAM | TC_LEX_HNV | RSV,
  ['['] = TC_LEX_WORD | TC_LEX_PARAM | TC_LEX_HNV,
  [']'] = TC_LEX_WORD | TC_LEX_PARAM | TC_LEX_HNV,
  ['?'] = TC_LEX_WORD | TC_LEX_USER | TC_LEX_HNV | RSV,
  ['{'] = TC_LEX_WORD,
  ['}'] = TC_LEX_WORD,
  ['&'] = TC_LEX_USER | TC_LEX_PASS | TC_LEX_PARAM | RSV,
  ['='] = TC_LEX_USER | TC_LEX_PASS | RSV,
  ['$'] = TC_LEX_USER | TC_LEX_PASS | TC_LEX_PARAM | TC_LEX_HNV | RSV,
  [','] = TC_LEX_USER | TC_LEX_PASS | RSV,
  [';'] = TC_LEX_USER | RSV,
  ['@'] = RSV,
};

#undef A
#undef AH
#undef D
#undef RSV

#define L4(c) c, c + 1, c + 2, c + 3
#define L16(c) L4 (c), L4 (c + 4), L4 (c + 8), L4 (c + 12)
const guchar tc_sip_ascii_lower[256] = {
  L16 (0x00), L16 (0x10), L16 (0x20), L16 (0x30), 0x40,       L4 (0x61),  L4 (0x65),
  L4 (0x69),  L4 (0x6d),  L4 (0x71),  L4 (0x75),  0x79,       0x7a,       0x5b,
  0x5c,       0x5d,       0x5e,       0x5f,       L16 (0x60), L16 (0x70), L16 (0x80),
  L16 (0x90), L16 (0xa0), L16 (0xb0), L16 (0xc0), L16 (0xd0), L16 (0xe0), L16 (0xf0),
};
#undef L4
#undef L16

/* ---- lexing primitives ------------------------------------------------- */

/* A quoted-string inside a header value.  The message parser has already
 * refused control characters in header fields (tc_lex_find_ctl), so only
 * the closing DQUOTE and quoted-pairs need finding. */
gboolean
tc_lex_quoted_string (TcSipLex *lex, TcSipStr *out)
{
  const char *start = lex->p;
  const char *p = lex->p;
  const char *end = lex->end;

  if (p >= end || *p != '"')
    return FALSE;

  for (p++;;)
    {
      const char *quote = memchr (p, '"', end - p);
      const char *backslash;

      if (!quote)
        return FALSE;
      backslash = memchr (p, '\\', quote - p);
      if (!backslash)
        {
          p = quote;
          break;
        }
      /* quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) */
      p = backslash + 1;
      if (p >= end || *p == '\n' || *p == '\r' || (guchar) *p > 0x7f)
        return FALSE;
      p++;
    }

  lex->p = p + 1;
  if (out)
    *out = tc_sip_str (start, lex->p - start);
  return TRUE;
}

/* IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each <= 255 */
gboolean
tc_lex_is_ipv4 (const char *s, gsize len)
{
  const char *p = s, *end = s + len;
  guint part;

  for (part = 0; part < 4; part++)
    {
      guint value = 0, digits = 0;

      while (p < end && *p >= '0' && *p <= '9' && digits < 4)
        {
          value = value * 10 + (*p++ - '0');
          digits++;
        }
      if (digits == 0 || digits > 3 || value > 255)
        return FALSE;
      if (part < 3)
        {
          if (p >= end || *p != '.')
            return FALSE;
          p++;
        }
    }
  return p == end;
}

gboolean
tc_lex_is_ipv6 (const char *s, gsize len)
{
  char buf[INET6_ADDRSTRLEN + 2];
  struct in6_addr addr;
  char *triple;

  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  if (inet_pton (AF_INET6, buf, &addr) == 1)
    return TRUE;

  /* RFC 5118 §4.10: RFC 3261's ABNF allowed "::" followed by ":" and an
   * IPv4 address ("2001:db8:::192.0.2.1"); tolerate that form. */
  triple = strstr (buf, ":::");
  if (!triple || !strchr (triple + 3, '.') || strchr (triple + 3, ':'))
    return FALSE;
  memmove (triple + 2, triple + 3, strlen (triple + 3) + 1);
  return inet_pton (AF_INET6, buf, &addr) == 1;
}

/* host = hostname / IPv4address / IPv6reference, in one pass:
 * hostname = *( domainlabel "." ) toplabel [ "." ]
 * domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
 * toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum */
gboolean
tc_lex_host (TcSipLex *lex, TcSipStr *host, int *type)
{
  const char *start = lex->p, *p = lex->p, *end = lex->end;
  const char *label = p, *top = p;
  gboolean numeric = TRUE;

  if (p < end && *p == '[')
    {
      const char *close = memchr (p, ']', end - p);

      if (!close || !tc_lex_is_ipv6 (p + 1, close - p - 1))
        return FALSE;
      *host = tc_sip_str (p + 1, close - p - 1);
      *type = 3;
      lex->p = close + 1;
      return TRUE;
    }

  /* dotted digits first: an IPv4 address is checked as it is read */
  {
    guint octet = 0, digits = 0, dots = 0;

    for (; p < end; p++)
      {
        guchar c = *p;

        if (c >= '0' && c <= '9')
          {
            octet = octet * 10 + (c - '0');
            if (++digits > 3 || octet > 255)
              numeric = FALSE;
          }
        else if (c == '.' && digits > 0)
          {
            dots++;
            octet = digits = 0;
            top = label;
            label = p + 1;
          }
        else
          break;
      }
    if (numeric && dots == 3 && digits > 0 && (p == end || (!tc_lex_is (*p, TC_LEX_ALPHA) && *p != '-' && *p != '.')))
      {
        *host = tc_sip_str (start, p - start);
        *type = 2;
        lex->p = p;
        return TRUE;
      }
    numeric = numeric && (p == end || (!tc_lex_is (*p, TC_LEX_ALPHA) && *p != '-' && *p != '.'));
  }

  for (; p < end; p++)
    {
      guchar c = *p;

      if (tc_lex_is (c, TC_LEX_DIGIT))
        continue;
      if (tc_lex_is (c, TC_LEX_ALPHA))
        numeric = FALSE;
      else if (c == '-')
        {
          if (p == label)
            return FALSE;
          numeric = FALSE;
        }
      else if (c == '.')
        {
          if (p == label || p[-1] == '-')
            return FALSE;
          top = label;
          label = p + 1;
        }
      else
        break;
    }
  if (p == start)
    return FALSE;

  *host = tc_sip_str (start, p - start);
  if (numeric)
    {
      if (!tc_lex_is_ipv4 (start, p - start))
        return FALSE;
      *type = 2;
    }
  else
    {
      /* the last label (before an optional final dot) is the toplabel */
      if (label == p)
        label = top;
      if (label == p || p[-1] == '-' || (p[-1] == '.' && p[-2] == '-') || !tc_lex_is (*label, TC_LEX_ALPHA))
        return FALSE;
      *type = 1;
    }
  lex->p = p;
  return TRUE;
}

gboolean
tc_lex_uint (TcSipLex *lex, guint64 max, guint64 *out)
{
  const char *start = lex->p;
  guint64 v = 0;

  while (lex->p < lex->end && tc_lex_is (*lex->p, TC_LEX_DIGIT))
    {
      v = v * 10 + (*lex->p - '0');
      if (v > max)
        {
          lex->p = start;
          return FALSE;
        }
      lex->p++;
    }
  if (lex->p == start)
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
tc_lex_gen_value (TcSipLex *lex, TcSipStr *out)
{
  const char *start = lex->p;

  if (lex->p < lex->end && *lex->p == '"')
    return tc_lex_quoted_string (lex, out);

  if (lex->p < lex->end && *lex->p == '[')
    {
      const char *close = memchr (lex->p, ']', lex->end - lex->p);

      if (!close || !tc_lex_is_ipv6 (lex->p + 1, close - lex->p - 1))
        return FALSE;
      lex->p = close + 1;
      *out = tc_sip_str (start, lex->p - start);
      return TRUE;
    }

  /* token, or host; a bare IPv6 address (received=) adds ':'. */
  while (lex->p < lex->end && (tc_lex_is (*lex->p, TC_LEX_TOKEN) || *lex->p == ':'))
    lex->p++;
  if (lex->p == start)
    return FALSE;
  if (memchr (start, ':', lex->p - start) && !tc_lex_is_ipv6 (start, lex->p - start))
    {
      lex->p = start;
      return FALSE;
    }
  *out = tc_sip_str (start, lex->p - start);
  return TRUE;
}

gboolean
tc_lex_params (TcSipLex *lex, TcSipStr *raw, TcLexParamFunc each, gpointer user_data, const char *what, GError **error)
{
  const char *start = lex->p;
  const char *last = lex->p;

  while (tc_lex_sep (lex, ';'))
    {
      TcSipStr name, value = TC_SIP_STR_NULL;

      if (!tc_lex_token (lex, &name))
        {
          tc_sip_set_error (error, TC_SIP_ERROR_PARSE, 400, "%s: empty or malformed parameter", what);
          return FALSE;
        }
      if (tc_lex_sep (lex, '='))
        {
          if (!tc_lex_gen_value (lex, &value))
            {
              tc_sip_set_error (error, TC_SIP_ERROR_PARSE, 400, "%s: bad value of parameter \"%.*s\"", what,
                                (int) name.len, name.str);
              return FALSE;
            }
        }
      if (each && !each (name, value, user_data, error))
        return FALSE;
      last = lex->p;
    }

  if (raw)
    *raw = tc_sip_str (start, last - start);
  return TRUE;
}

/* ---- parameters -------------------------------------------------------- */

void
tc_sip_params_iter_init (TcSipParamsIter *iter, const TcSipParams *params)
{
  iter->pos = params->raw.str;
  iter->end = params->raw.str ? params->raw.str + params->raw.len : NULL;
}

gboolean
tc_sip_params_iter_next (TcSipParamsIter *iter, TcSipStr *name, TcSipStr *value)
{
  TcSipLex lex = { iter->pos, iter->end };

  if (!iter->pos || !tc_lex_sep (&lex, ';'))
    return FALSE;
  if (!tc_lex_token (&lex, name))
    return FALSE;
  *value = TC_SIP_STR_NULL;
  if (tc_lex_sep (&lex, '='))
    tc_lex_gen_value (&lex, value);
  iter->pos = lex.p;
  return TRUE;
}

gboolean
tc_sip_params_get (const TcSipParams *params, const char *name, TcSipStr *value)
{
  TcSipParamsIter iter;
  TcSipStr n, v;

  tc_sip_params_iter_init (&iter, params);
  while (tc_sip_params_iter_next (&iter, &n, &v))
    {
      if (tc_sip_str_equal_ci (n, name))
        {
          if (value)
            *value = v;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- list splitting ---------------------------------------------------- */

void
tc_sip_list_iter_init (TcSipListIter *iter, TcSipStr value)
{
  iter->pos = value.str;
  iter->end = value.str + value.len;
  /* most lists (Allow, Supported, Via) have neither: split on commas alone */
  iter->simple = !value.str || (!memchr (value.str, '"', value.len) && !memchr (value.str, '<', value.len));
}

gboolean
tc_sip_list_iter_next (TcSipListIter *iter, TcSipStr *element)
{
  const char *p = iter->pos;
  const char *start, *stop;
  gboolean in_angle = FALSE;

  if (!p || p > iter->end)
    return FALSE;

  start = p;
  if (iter->simple)
    {
      const char *comma = memchr (p, ',', iter->end - p);

      p = comma ? comma : iter->end;
    }
  else
    {
      while (p < iter->end)
        {
          char c = *p;

          if (c == '"')
            {
              TcSipLex lex = { p, iter->end };

              if (!tc_lex_quoted_string (&lex, NULL))
                {
                  p = iter->end; /* unterminated: the element parser reports it */
                  break;
                }
              p = lex.p;
              continue;
            }
          if (c == '<')
            in_angle = TRUE;
          else if (c == '>')
            in_angle = FALSE;
          else if (c == ',' && !in_angle)
            break;
          p++;
        }
    }

  stop = p;
  iter->pos = p < iter->end ? p + 1 : iter->end + 1;

  while (start < stop && tc_lex_is (*start, TC_LEX_WS))
    start++;
  while (stop > start && tc_lex_is (stop[-1], TC_LEX_WS))
    stop--;
  *element = tc_sip_str (start, stop - start);
  return TRUE;
}

/* ---- header names ------------------------------------------------------ */

static const struct {
  const char *name;
  gboolean list;
} header_info[TC_SIP_HEADER_N_IDS] = {
  [TC_SIP_HEADER_OTHER] = { NULL, FALSE },
  [TC_SIP_HEADER_ACCEPT] = { "Accept", TRUE },
  [TC_SIP_HEADER_ALLOW] = { "Allow", TRUE },
  [TC_SIP_HEADER_ALLOW_EVENTS] = { "Allow-Events", TRUE },
  [TC_SIP_HEADER_AUTHORIZATION] = { "Authorization", FALSE },
  [TC_SIP_HEADER_CALL_ID] = { "Call-ID", FALSE },
  [TC_SIP_HEADER_CONTACT] = { "Contact", TRUE },
  [TC_SIP_HEADER_CONTENT_DISPOSITION] = { "Content-Disposition", FALSE },
  [TC_SIP_HEADER_CONTENT_ENCODING] = { "Content-Encoding", TRUE },
  [TC_SIP_HEADER_CONTENT_LENGTH] = { "Content-Length", FALSE },
  [TC_SIP_HEADER_CONTENT_TYPE] = { "Content-Type", FALSE },
  [TC_SIP_HEADER_CSEQ] = { "CSeq", FALSE },
  [TC_SIP_HEADER_DATE] = { "Date", FALSE },
  [TC_SIP_HEADER_EVENT] = { "Event", FALSE },
  [TC_SIP_HEADER_EXPIRES] = { "Expires", FALSE },
  [TC_SIP_HEADER_FROM] = { "From", FALSE },
  [TC_SIP_HEADER_MAX_FORWARDS] = { "Max-Forwards", FALSE },
  [TC_SIP_HEADER_MIN_EXPIRES] = { "Min-Expires", FALSE },
  [TC_SIP_HEADER_MIN_SE] = { "Min-SE", FALSE },
  [TC_SIP_HEADER_PROXY_AUTHENTICATE] = { "Proxy-Authenticate", FALSE },
  [TC_SIP_HEADER_PROXY_AUTHORIZATION] = { "Proxy-Authorization", FALSE },
  [TC_SIP_HEADER_PROXY_REQUIRE] = { "Proxy-Require", TRUE },
  [TC_SIP_HEADER_RECORD_ROUTE] = { "Record-Route", TRUE },
  [TC_SIP_HEADER_REFER_TO] = { "Refer-To", FALSE },
  [TC_SIP_HEADER_REFERRED_BY] = { "Referred-By", FALSE },
  [TC_SIP_HEADER_REPLACES] = { "Replaces", FALSE },
  [TC_SIP_HEADER_REQUIRE] = { "Require", TRUE },
  [TC_SIP_HEADER_RETRY_AFTER] = { "Retry-After", FALSE },
  [TC_SIP_HEADER_ROUTE] = { "Route", TRUE },
  [TC_SIP_HEADER_SESSION_EXPIRES] = { "Session-Expires", FALSE },
  [TC_SIP_HEADER_SIP_ETAG] = { "SIP-ETag", FALSE },
  [TC_SIP_HEADER_SIP_IF_MATCH] = { "SIP-If-Match", FALSE },
  [TC_SIP_HEADER_SUBJECT] = { "Subject", FALSE },
  [TC_SIP_HEADER_SUBSCRIPTION_STATE] = { "Subscription-State", FALSE },
  [TC_SIP_HEADER_SUPPORTED] = { "Supported", TRUE },
  [TC_SIP_HEADER_TO] = { "To", FALSE },
  [TC_SIP_HEADER_UNSUPPORTED] = { "Unsupported", TRUE },
  [TC_SIP_HEADER_USER_AGENT] = { "User-Agent", FALSE },
  [TC_SIP_HEADER_VIA] = { "Via", TRUE },
  [TC_SIP_HEADER_WARNING] = { "Warning", TRUE },
  [TC_SIP_HEADER_WWW_AUTHENTICATE] = { "WWW-Authenticate", FALSE },
};

static TcSipHeaderId
compact_id (char c)
{
  /* clang-format off */
  switch (c | 0x20)
    {
    case 'i': return TC_SIP_HEADER_CALL_ID;
    case 'm': return TC_SIP_HEADER_CONTACT;
    case 'e': return TC_SIP_HEADER_CONTENT_ENCODING;
    case 'l': return TC_SIP_HEADER_CONTENT_LENGTH;
    case 'f': return TC_SIP_HEADER_FROM;
    case 't': return TC_SIP_HEADER_TO;
    case 'v': return TC_SIP_HEADER_VIA;
    case 'k': return TC_SIP_HEADER_SUPPORTED;
    case 's': return TC_SIP_HEADER_SUBJECT;
    case 'c': return TC_SIP_HEADER_CONTENT_TYPE;
    case 'o': return TC_SIP_HEADER_EVENT;
    case 'u': return TC_SIP_HEADER_ALLOW_EVENTS;
    case 'r': return TC_SIP_HEADER_REFER_TO;
    case 'b': return TC_SIP_HEADER_REFERRED_BY;
    case 'x': return TC_SIP_HEADER_SESSION_EXPIRES;
    default: return TC_SIP_HEADER_OTHER;
    }
  /* clang-format on */
}

/* @name is a token; @lower a known header name in lower case, made of
 * letters and "-" only.  Setting bit 0x20 lowers letters and leaves "-"
 * alone, and no other token character turns into a letter or "-" by it, so
 * 8 octets compare at a time. */
static inline gboolean
token_equal_lower (const char *name, const char *lower, gsize len)
{
  const guint64 mask = G_GUINT64_CONSTANT (0x2020202020202020);
  guint64 a, b;

  for (; len >= 8; len -= 8, name += 8, lower += 8)
    {
      memcpy (&a, name, 8);
      memcpy (&b, lower, 8);
      if ((a | mask) != b)
        return FALSE;
    }
  for (; len > 0; len--, name++, lower++)
    if ((*name | 0x20) != *lower)
      return FALSE;
  return TRUE;
}

/* Buckets by length and lower-cased first letter keep the comparisons to
 * one or two per header on the hot path. */
TcSipHeaderId
tc_sip_header_id_from_name (const char *name, gsize len)
{
  static guint8 first_of_len[32][26];
  static guint8 name_len[TC_SIP_HEADER_N_IDS];
  static char lower_names[TC_SIP_HEADER_N_IDS][24];
  static gsize initialized = 0;
  guint i;
  int c;

  if (len == 0)
    return TC_SIP_HEADER_OTHER;
  if (len == 1)
    return compact_id (name[0]);
  if (len >= 32 || !g_ascii_isalpha (name[0]))
    return TC_SIP_HEADER_OTHER;

  if (g_once_init_enter (&initialized))
    {
      memset (first_of_len, 0, sizeof first_of_len);
      for (i = TC_SIP_HEADER_N_IDS - 1; i > TC_SIP_HEADER_OTHER; i--)
        {
          gsize n = strlen (header_info[i].name);
          int f = g_ascii_tolower (header_info[i].name[0]) - 'a';

          name_len[i] = n;
          g_assert (n < sizeof lower_names[i]);
          for (gsize k = 0; k < n; k++)
            lower_names[i][k] = g_ascii_tolower (header_info[i].name[k]);
          /* chain: the table holds the lowest id; equal buckets are scanned */
          first_of_len[n][f] = i;
        }
      g_once_init_leave (&initialized, 1);
    }

  c = tc_sip_ascii_lower[(guchar) name[0]] - 'a';
  i = first_of_len[len][c];
  if (i == 0)
    return TC_SIP_HEADER_OTHER;

  /* ids are sorted by name, so same-length same-letter names follow */
  for (; i < TC_SIP_HEADER_N_IDS; i++)
    {
      const char *n = header_info[i].name;

      if (tc_sip_ascii_lower[(guchar) n[0]] - 'a' != c)
        break;
      if (name_len[i] == len && token_equal_lower (name, lower_names[i], len))
        return i;
    }
  return TC_SIP_HEADER_OTHER;
}

const char *
tc_sip_header_id_to_name (TcSipHeaderId id)
{
  g_return_val_if_fail (id < TC_SIP_HEADER_N_IDS, NULL);
  return header_info[id].name;
}

gboolean
tc_sip_header_id_is_list (TcSipHeaderId id)
{
  g_return_val_if_fail (id < TC_SIP_HEADER_N_IDS, FALSE);
  return header_info[id].list;
}

char *
tc_sip_unquote (TcSipStr quoted)
{
  const char *p = quoted.str, *end = quoted.str + quoted.len;
  char *out, *q;

  if (!p)
    return NULL;
  if (quoted.len >= 2 && p[0] == '"' && end[-1] == '"')
    {
      p++;
      end--;
    }
  /* Sized to fit (a GString grows to a power of two): nonces, realms and
   * GRUUs are kept per endpoint. */
  out = q = g_malloc ((gsize) (end - p) + 1);
  for (; p < end; p++)
    {
      if (*p == '\\' && p + 1 < end)
        p++;
      *q++ = *p;
    }
  *q = '\0';
  return out;
}
