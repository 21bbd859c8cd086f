/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uri.c — TcSipUri: parsing, comparison and printing of sip:, sips:
 * (RFC 3261 §19.1, §25.1) and tel: (RFC 3966) URIs.
 *
 * One scanner walks the URI text and either only validates it (the message
 * parser's hot path: no allocation) or also fills a TcSipUri with decoded
 * copies of each component.
 */
#include "sip/uri.h"

#include <arpa/inet.h>

#include "sip/lex.h"
#include "sip/sip-error.h"
#include "sip/uri-private.h"

G_DEFINE_BOXED_TYPE (TcSipUri, tc_sip_uri, tc_sip_uri_ref, tc_sip_uri_unref)

#define uri_error(error, ...) tc_sip_set_error ((error), TC_SIP_ERROR_PARSE, 400, __VA_ARGS__)

static void
uri_pair_clear (gpointer data)
{
  UriPair *pair = data;

  g_free (pair->name);
  g_free (pair->value);
}

static TcSipUri *
uri_alloc (TcSipUriScheme scheme)
{
  TcSipUri *uri = g_new0 (TcSipUri, 1);

  uri->ref_count = 1;
  uri->scheme = scheme;
  uri->params = g_array_new (FALSE, TRUE, sizeof (UriPair));
  g_array_set_clear_func (uri->params, uri_pair_clear);
  uri->headers = g_array_new (FALSE, TRUE, sizeof (UriPair));
  g_array_set_clear_func (uri->headers, uri_pair_clear);
  return uri;
}

TcSipUri *
tc_sip_uri_ref (TcSipUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);
  g_atomic_int_inc (&uri->ref_count);
  return uri;
}

void
tc_sip_uri_unref (TcSipUri *uri)
{
  g_return_if_fail (uri != NULL);
  if (!g_atomic_int_dec_and_test (&uri->ref_count))
    return;
  g_free (uri->user);
  g_free (uri->password);
  g_free (uri->host);
  g_array_unref (uri->params);
  g_array_unref (uri->headers);
  g_free (uri);
}

/* ---- decoding and escaping ------------------------------------------------ */

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* 1*( @cls / escaped ) (or 0* when @allow_empty); fails on a bad escape,
 * and on an escaped NUL unless @cls allows the user part (RFC 4475 §3.1.1.4
 * has one there; a NUL in a parameter or header name or value has no use). */
static gboolean
scan_escaped (const char **pp, const char *end, guint16 cls, gboolean allow_empty)
{
  const char *p = *pp;

  while (p < end)
    {
      if (*p == '%')
        {
          if (end - p < 3 || hex_value (p[1]) < 0 || hex_value (p[2]) < 0)
            return FALSE;
          if (p[1] == '0' && p[2] == '0' && !(cls & (TC_LEX_USER | TC_LEX_PASS)))
            return FALSE;
          p += 3;
        }
      else if (tc_lex_is (*p, cls))
        p++;
      else
        break;
    }
  if (p == *pp && !allow_empty)
    return FALSE;
  *pp = p;
  return TRUE;
}

static char *
decode (const char *s, gsize len, gsize *out_len)
{
  char *out = g_malloc (len + 1);
  gsize i, n = 0;

  for (i = 0; i < len; i++)
    {
      if (s[i] == '%' && i + 2 < len && hex_value (s[i + 1]) >= 0 && hex_value (s[i + 2]) >= 0)
        {
          out[n++] = (char) (hex_value (s[i + 1]) << 4 | hex_value (s[i + 2]));
          i += 2;
        }
      else
        out[n++] = s[i];
    }
  out[n] = '\0';
  if (out_len)
    *out_len = n;
  return out;
}

static void
append_escaped (GString *out, const char *s, gsize len, guint16 cls)
{
  static const char hex[] = "0123456789ABCDEF";
  gsize i;

  for (i = 0; i < len; i++)
    {
      guchar c = s[i];

      if (tc_lex_is (c, cls))
        g_string_append_c (out, c);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 15]);
        }
    }
}

/* ---- scanning --------------------------------------------------------------- */

#define PARAM_CHARS (TC_LEX_UNRESERVED | TC_LEX_PARAM)
#define HEADER_CHARS (TC_LEX_UNRESERVED | TC_LEX_HNV)
#define USER_CHARS (TC_LEX_UNRESERVED | TC_LEX_USER)
#define PASSWORD_CHARS (TC_LEX_UNRESERVED | TC_LEX_PASS)

static void
add_pair (GArray *array, const char *name, gsize name_len, const char *value, gsize value_len)
{
  UriPair pair;

  pair.name = decode (name, name_len, &pair.name_len);
  pair.value = value ? decode (value, value_len, &pair.value_len) : NULL;
  if (!value)
    pair.value_len = 0;
  g_array_append_val (array, pair);
}

/* Compares two escaped texts by their decoded octets, ASCII case-insensitively. */
static gboolean
escaped_equal_ci (const char *a, gsize a_len, const char *b, gsize b_len)
{
  const char *a_end = a + a_len, *b_end = b + b_len;

  while (a < a_end && b < b_end)
    {
      int ca = (guchar) *a, cb = (guchar) *b;

      if (ca == '%' && a_end - a >= 3)
        {
          ca = hex_value (a[1]) << 4 | hex_value (a[2]);
          a += 2;
        }
      if (cb == '%' && b_end - b >= 3)
        {
          cb = hex_value (b[1]) << 4 | hex_value (b[2]);
          b += 2;
        }
      if (tc_sip_ascii_lower[ca] != tc_sip_ascii_lower[cb])
        return FALSE;
      a++;
      b++;
    }
  return a == a_end && b == b_end;
}

#define MAX_URI_PARAMS 64

/* *( ";" pname [ "=" pvalue ] ) with the given character class.  A name
 * may appear once: a URI whose transport or maddr is given twice has no
 * meaning. */
static gboolean
scan_params (const char **pp, const char *end, guint16 cls, GArray *out, const char *what, GError **error)
{
  const char *names[MAX_URI_PARAMS];
  gsize lens[MAX_URI_PARAMS];
  const char *p = *pp;
  guint n = 0, i;

  while (p < end && *p == ';')
    {
      const char *name = ++p, *value = NULL;
      gsize name_len, value_len = 0;

      if (!scan_escaped (&p, end, cls, FALSE))
        return uri_error (error, "%s: empty or malformed URI parameter", what), FALSE;
      name_len = p - name;
      if (n == MAX_URI_PARAMS)
        return uri_error (error, "%s: more than %u URI parameters", what, MAX_URI_PARAMS), FALSE;
      for (i = 0; i < n; i++)
        if (escaped_equal_ci (names[i], lens[i], name, name_len))
          return uri_error (error, "%s: URI parameter \"%.*s\" given twice", what, (int) name_len, name), FALSE;
      names[n] = name;
      lens[n++] = name_len;
      if (p < end && *p == '=')
        {
          value = ++p;
          if (!scan_escaped (&p, end, cls, FALSE))
            return uri_error (error, "%s: malformed value of URI parameter \"%.*s\"", what, (int) name_len, name),
                   FALSE;
          value_len = p - value;
        }
      if (out)
        add_pair (out, name, name_len, value, value_len);
    }
  *pp = p;
  return TRUE;
}

static gboolean
scan_sip (const char *p, const char *end, TcSipUri *uri, gboolean request_uri, const char *what, GError **error)
{
  const char *at = memchr (p, '@', end - p);
  TcSipLex lex;
  TcSipStr host;
  int host_type;

  if (at)
    {
      const char *user = p, *password = NULL;

      if (!scan_escaped (&p, at, USER_CHARS, FALSE))
        return uri_error (error, "%s: malformed user part of URI", what), FALSE;
      if (p < at && *p == ':')
        {
          password = ++p;
          if (!scan_escaped (&p, at, PASSWORD_CHARS, TRUE))
            return uri_error (error, "%s: malformed password in URI", what), FALSE;
        }
      if (p != at)
        return uri_error (error, "%s: malformed user part of URI", what), FALSE;
      if (uri)
        {
          const char *user_end = password ? password - 1 : at;

          uri->user = decode (user, user_end - user, &uri->user_len);
          if (password)
            uri->password = decode (password, at - password, &uri->password_len);
        }
      p = at + 1;
    }

  lex.p = p;
  lex.end = end;
  if (!tc_lex_host (&lex, &host, &host_type))
    return uri_error (error, "%s: malformed host in URI", what), FALSE;
  p = lex.p;
  if (uri)
    {
      uri->host = g_strndup (host.str, host.len);
      uri->host_type = host_type;
    }

  if (p < end && *p == ':')
    {
      guint64 port;

      lex.p = p + 1;
      if (!tc_lex_uint (&lex, 65535, &port))
        return uri_error (error, "%s: bad port in URI", what), FALSE;
      p = lex.p;
      if (uri)
        uri->port = port;
    }

  if (!scan_params (&p, end, PARAM_CHARS, uri ? uri->params : NULL, what, error))
    return FALSE;

  if (p < end && *p == '?')
    {
      /* RFC 3261 §19.1.1: headers are not allowed in a Request-URI */
      if (request_uri)
        return uri_error (error, "%s: URI headers are not allowed in a Request-URI", what), FALSE;
      do
        {
          const char *name = ++p, *value;

          if (!scan_escaped (&p, end, HEADER_CHARS, FALSE) || p >= end || *p != '=')
            return uri_error (error, "%s: malformed URI header", what), FALSE;
          value = ++p;
          if (!scan_escaped (&p, end, HEADER_CHARS, TRUE))
            return uri_error (error, "%s: malformed URI header value", what), FALSE;
          if (uri)
            add_pair (uri->headers, name, value - 1 - name, value, p - value);
        }
      while (p < end && *p == '&');
    }

  if (p != end)
    return uri_error (error, "%s: unexpected \"%c\" in URI", what, *p), FALSE;
  return TRUE;
}

/* RFC 3966: telephone-subscriber *par */
static gboolean
scan_tel (const char *p, const char *end, TcSipUri *uri, const char *what, GError **error)
{
  const char *number = p;
  gboolean global = p < end && *p == '+';
  gboolean digits = FALSE;
  gboolean context = FALSE;
  guint i;

  if (global)
    p++;
  for (; p < end; p++)
    {
      char c = *p;

      if (g_ascii_isdigit (c) || (!global && (g_ascii_isxdigit (c) || c == '*' || c == '#')))
        digits = TRUE;
      else if (c != '-' && c != '.' && c != '(' && c != ')')
        break;
    }
  if (!digits)
    return uri_error (error, "%s: tel URI without a number", what), FALSE;
  if (uri)
    {
      uri->user = g_strndup (number, p - number);
      uri->user_len = p - number;
    }

  {
    g_autoptr (GArray) params = NULL;

    params = g_array_new (FALSE, TRUE, sizeof (UriPair));
    g_array_set_clear_func (params, uri_pair_clear);
    if (!scan_params (&p, end, PARAM_CHARS, params, what, error))
      return FALSE;
    if (p != end)
      return uri_error (error, "%s: unexpected \"%c\" in tel URI", what, *p), FALSE;
    for (i = 0; i < params->len; i++)
      {
        UriPair *pair = &g_array_index (params, UriPair, i);

        if (g_ascii_strcasecmp (pair->name, "phone-context") == 0)
          context = TRUE;
      }
    /* RFC 3966 §5.1.5: a local number MUST carry phone-context */
    if (!global && !context)
      return uri_error (error, "%s: local tel number without phone-context", what), FALSE;
    if (uri)
      {
        g_array_unref (uri->params);
        uri->params = g_steal_pointer (&params);
      }
  }
  return TRUE;
}

static gboolean
scheme_is (const char *s, gsize len, const char *scheme)
{
  gsize n = strlen (scheme);

  return len == n && tc_sip_mem_equal_ci (s, scheme, n);
}

/* Splits off the scheme; -1 for a scheme other than sip/sips/tel. */
static gboolean
scan_scheme (const char *s, gsize len, const char **rest, int *scheme, const char *what, GError **error)
{
  const char *p = s, *end = s + len;

  if (p >= end || !g_ascii_isalpha (*p))
    return uri_error (error, "%s: URI without a scheme", what), FALSE;
  while (p < end && tc_lex_is (*p, TC_LEX_SCHEME))
    p++;
  if (p >= end || *p != ':')
    return uri_error (error, "%s: URI without a scheme", what), FALSE;

  if (scheme_is (s, p - s, "sip"))
    *scheme = TC_SIP_URI_SCHEME_SIP;
  else if (scheme_is (s, p - s, "sips"))
    *scheme = TC_SIP_URI_SCHEME_SIPS;
  else if (scheme_is (s, p - s, "tel"))
    *scheme = TC_SIP_URI_SCHEME_TEL;
  else
    *scheme = -1;
  *rest = p + 1;
  return TRUE;
}

gboolean
tc_lex_uri (const char *s, gsize len, gboolean request_uri, const char *what, GError **error)
{
  const char *p, *end = s + len;
  int scheme;

  if (!scan_scheme (s, len, &p, &scheme, what, error))
    return FALSE;

  switch (scheme)
    {
    case TC_SIP_URI_SCHEME_SIP:
    case TC_SIP_URI_SCHEME_SIPS:
      return scan_sip (p, end, NULL, request_uri, what, error);
    case TC_SIP_URI_SCHEME_TEL:
      return scan_tel (p, end, NULL, what, error);
    default:
      /* absoluteURI = scheme ":" 1*uric (RFC 2396 as RFC 3261 uses it) */
      if (!scan_escaped (&p, end, TC_LEX_URIC, FALSE) || p != end)
        return uri_error (error, "%s: malformed URI", what), FALSE;
      return TRUE;
    }
}

gboolean
tc_sip_uri_validate (const char *str, gsize len, GError **error)
{
  const char *rest;
  int scheme;

  if (!scan_scheme (str, len, &rest, &scheme, "URI", error))
    return FALSE;
  if (scheme < 0)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_UNSUPPORTED_SCHEME, 416, "URI scheme \"%.*s\" is not supported",
                        (int) (rest - 1 - str), str);
      return FALSE;
    }
  return tc_lex_uri (str, len, FALSE, "URI", error);
}

TcSipUri *
tc_sip_uri_parse (const char *str, gssize len, GError **error)
{
  g_autoptr (TcSipUri) uri = NULL;
  const char *rest;
  int scheme;
  gsize n;

  g_return_val_if_fail (str != NULL, NULL);

  n = len < 0 ? strlen (str) : (gsize) len;
  if (!scan_scheme (str, n, &rest, &scheme, "URI", error))
    return NULL;
  if (scheme < 0)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_UNSUPPORTED_SCHEME, 416, "URI scheme \"%.*s\" is not supported",
                        (int) (rest - 1 - str), str);
      return NULL;
    }

  uri = uri_alloc (scheme);
  if (scheme == TC_SIP_URI_SCHEME_TEL)
    {
      if (!scan_tel (rest, str + n, uri, "URI", error))
        return NULL;
    }
  else if (!scan_sip (rest, str + n, uri, FALSE, "URI", error))
    return NULL;

  return g_steal_pointer (&uri);
}

TcSipUri *
tc_sip_uri_new (TcSipUriScheme scheme, const char *user, const char *host, guint16 port)
{
  TcSipUri *uri;

  g_return_val_if_fail (scheme != TC_SIP_URI_SCHEME_TEL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  uri = uri_alloc (scheme);
  if (user)
    {
      uri->user = g_strdup (user);
      uri->user_len = strlen (user);
    }
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    uri->host = g_strndup (host + 1, strlen (host) - 2);
  else
    uri->host = g_strdup (host);
  if (tc_lex_is_ipv6 (uri->host, strlen (uri->host)))
    uri->host_type = TC_SIP_HOST_IPV6;
  else if (tc_lex_is_ipv4 (uri->host, strlen (uri->host)))
    uri->host_type = TC_SIP_HOST_IPV4;
  else
    uri->host_type = TC_SIP_HOST_NAME;
  uri->port = port;
  return uri;
}

TcSipUri *
tc_sip_uri_new_tel (const char *number)
{
  TcSipUri *uri;

  g_return_val_if_fail (number != NULL, NULL);

  uri = uri_alloc (TC_SIP_URI_SCHEME_TEL);
  uri->user = g_strdup (number);
  uri->user_len = strlen (number);
  return uri;
}

static void
copy_pairs (GArray *dest, GArray *src)
{
  guint i;

  for (i = 0; i < src->len; i++)
    {
      UriPair pair = g_array_index (src, UriPair, i);

      pair.name = g_memdup2 (pair.name, pair.name_len + 1);
      pair.value = pair.value ? g_memdup2 (pair.value, pair.value_len + 1) : NULL;
      g_array_append_val (dest, pair);
    }
}

TcSipUri *
tc_sip_uri_copy (const TcSipUri *uri)
{
  TcSipUri *copy;

  g_return_val_if_fail (uri != NULL, NULL);

  copy = uri_alloc (uri->scheme);
  copy->host_type = uri->host_type;
  copy->port = uri->port;
  copy->user = uri->user ? g_memdup2 (uri->user, uri->user_len + 1) : NULL;
  copy->user_len = uri->user_len;
  copy->password = uri->password ? g_memdup2 (uri->password, uri->password_len + 1) : NULL;
  copy->password_len = uri->password_len;
  copy->host = g_strdup (uri->host);
  copy_pairs (copy->params, uri->params);
  copy_pairs (copy->headers, uri->headers);
  return copy;
}

/* ---- getters ---------------------------------------------------------------- */

TcSipUriScheme
tc_sip_uri_get_scheme (const TcSipUri *uri)
{
  return uri->scheme;
}

const char *
tc_sip_uri_get_user (const TcSipUri *uri, gsize *len)
{
  if (len)
    *len = uri->user_len;
  return uri->user;
}

const char *
tc_sip_uri_get_password (const TcSipUri *uri)
{
  return uri->password;
}

const char *
tc_sip_uri_get_host (const TcSipUri *uri)
{
  return uri->host;
}

TcSipHostType
tc_sip_uri_get_host_type (const TcSipUri *uri)
{
  return uri->host_type;
}

guint16
tc_sip_uri_get_port (const TcSipUri *uri)
{
  return uri->port;
}

guint
tc_sip_uri_get_n_params (const TcSipUri *uri)
{
  return uri->params->len;
}

void
tc_sip_uri_get_param_nth (const TcSipUri *uri, guint i, const char **name, const char **value)
{
  const UriPair *pair;

  g_return_if_fail (i < uri->params->len);
  pair = &g_array_index (uri->params, UriPair, i);
  if (name)
    *name = pair->name;
  if (value)
    *value = pair->value;
}

static const UriPair *
find_pair (GArray *array, const char *name)
{
  guint i;

  for (i = 0; i < array->len; i++)
    {
      const UriPair *pair = &g_array_index (array, UriPair, i);

      if (g_ascii_strcasecmp (pair->name, name) == 0)
        return pair;
    }
  return NULL;
}

gboolean
tc_sip_uri_get_param (const TcSipUri *uri, const char *name, const char **value)
{
  const UriPair *pair = find_pair (uri->params, name);

  if (value)
    *value = pair ? pair->value : NULL;
  return pair != NULL;
}

gboolean
tc_sip_uri_has_param (const TcSipUri *uri, const char *name)
{
  return find_pair (uri->params, name) != NULL;
}

static const char *
param_value (const TcSipUri *uri, const char *name)
{
  const UriPair *pair = find_pair (uri->params, name);

  return pair ? pair->value : NULL;
}

const char *
tc_sip_uri_get_transport (const TcSipUri *uri)
{
  return param_value (uri, "transport");
}

const char *
tc_sip_uri_get_user_param (const TcSipUri *uri)
{
  return param_value (uri, "user");
}

const char *
tc_sip_uri_get_method (const TcSipUri *uri)
{
  return param_value (uri, "method");
}

const char *
tc_sip_uri_get_maddr (const TcSipUri *uri)
{
  return param_value (uri, "maddr");
}

gint
tc_sip_uri_get_ttl (const TcSipUri *uri)
{
  const char *ttl = param_value (uri, "ttl");
  guint64 v;

  if (!ttl || !g_ascii_string_to_unsigned (ttl, 10, 0, 255, &v, NULL))
    return -1;
  return v;
}

gboolean
tc_sip_uri_get_lr (const TcSipUri *uri)
{
  return find_pair (uri->params, "lr") != NULL;
}

guint
tc_sip_uri_get_n_headers (const TcSipUri *uri)
{
  return uri->headers->len;
}

void
tc_sip_uri_get_header_nth (const TcSipUri *uri, guint i, const char **name, const char **value)
{
  const UriPair *pair;

  g_return_if_fail (i < uri->headers->len);
  pair = &g_array_index (uri->headers, UriPair, i);
  if (name)
    *name = pair->name;
  if (value)
    *value = pair->value;
}

/* ---- setters ---------------------------------------------------------------- */

void
tc_sip_uri_set_user (TcSipUri *uri, const char *user)
{
  g_free (uri->user);
  uri->user = g_strdup (user);
  uri->user_len = user ? strlen (user) : 0;
}

void
tc_sip_uri_set_port (TcSipUri *uri, guint16 port)
{
  uri->port = port;
}

gboolean
tc_sip_uri_remove_param (TcSipUri *uri, const char *name)
{
  guint i;

  for (i = 0; i < uri->params->len; i++)
    {
      if (g_ascii_strcasecmp (g_array_index (uri->params, UriPair, i).name, name) == 0)
        {
          g_array_remove_index (uri->params, i);
          return TRUE;
        }
    }
  return FALSE;
}

void
tc_sip_uri_set_param (TcSipUri *uri, const char *name, const char *value)
{
  g_return_if_fail (name != NULL && name[0] != '\0');

  tc_sip_uri_remove_param (uri, name);
  add_pair (uri->params, name, strlen (name), value, value ? strlen (value) : 0);
}

void
tc_sip_uri_add_header (TcSipUri *uri, const char *name, const char *value)
{
  g_return_if_fail (name != NULL && name[0] != '\0' && value != NULL);
  g_return_if_fail (uri->scheme != TC_SIP_URI_SCHEME_TEL);

  add_pair (uri->headers, name, strlen (name), value, strlen (value));
}

/* ---- printing --------------------------------------------------------------- */

static void
append_pairs (GString *out, GArray *pairs, char first, char sep, guint16 cls)
{
  guint i;

  for (i = 0; i < pairs->len; i++)
    {
      const UriPair *pair = &g_array_index (pairs, UriPair, i);

      g_string_append_c (out, i == 0 ? first : sep);
      append_escaped (out, pair->name, pair->name_len, cls);
      if (pair->value)
        {
          g_string_append_c (out, '=');
          append_escaped (out, pair->value, pair->value_len, cls);
        }
    }
}

void
tc_sip_uri_append_to (const TcSipUri *uri, GString *out)
{
  switch (uri->scheme)
    {
    case TC_SIP_URI_SCHEME_TEL:
      g_string_append (out, "tel:");
      g_string_append_len (out, uri->user, uri->user_len);
      append_pairs (out, uri->params, ';', ';', PARAM_CHARS);
      return;
    case TC_SIP_URI_SCHEME_SIP:
      g_string_append (out, "sip:");
      break;
    case TC_SIP_URI_SCHEME_SIPS:
      g_string_append (out, "sips:");
      break;
    }

  if (uri->user)
    {
      append_escaped (out, uri->user, uri->user_len, USER_CHARS);
      if (uri->password)
        {
          g_string_append_c (out, ':');
          append_escaped (out, uri->password, uri->password_len, PASSWORD_CHARS);
        }
      g_string_append_c (out, '@');
    }
  if (uri->host_type == TC_SIP_HOST_IPV6)
    g_string_append_printf (out, "[%s]", uri->host);
  else
    g_string_append (out, uri->host);
  if (uri->port)
    g_string_append_printf (out, ":%u", uri->port);
  append_pairs (out, uri->params, ';', ';', PARAM_CHARS);
  append_pairs (out, uri->headers, '?', '&', HEADER_CHARS);
}

char *
tc_sip_uri_to_string (const TcSipUri *uri)
{
  GString *out;

  g_return_val_if_fail (uri != NULL, NULL);

  out = g_string_sized_new (64);
  tc_sip_uri_append_to (uri, out);
  return g_string_free (out, FALSE);
}
