/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uri-compare.c — tc_sip_uri_equal(): RFC 3261 §19.1.4 equivalence of
 * sip:/sips: URIs (userinfo case-sensitive, the rest not; the parameters the
 * RFC names must match when either side has them; headers always match) and
 * RFC 3966 §4 equivalence of tel: URIs (visual separators ignored).
 */
#include <arpa/inet.h>

#include "sip/str.h"
#include "sip/uri-private.h"

static gboolean
mem_equal_ci (const char *a, gsize a_len, const char *b, gsize b_len)
{
  return a_len == b_len && tc_sip_mem_equal_ci (a, b, a_len);
}

static gboolean
pair_value_equal (const UriPair *a, const UriPair *b)
{
  if (!a->value || !b->value)
    return a->value == b->value;
  return mem_equal_ci (a->value, a->value_len, b->value, b->value_len);
}

static gboolean
pair_name_equal (const UriPair *a, const UriPair *b)
{
  return mem_equal_ci (a->name, a->name_len, b->name, b->name_len);
}

/* Every pair of @a is in @b with an equal value (URI headers may repeat a
 * name: any equal one matches).  With @strict FALSE, a parameter of @a
 * missing from @b is ignored unless it is one of the names RFC 3261 §19.1.4
 * lists. */
static gboolean
pairs_match (GArray *a, GArray *b, gboolean strict)
{
  static const char *const must_match[] = { "user", "ttl", "method", "maddr", "transport" };
  guint i, j;

  for (i = 0; i < a->len; i++)
    {
      const UriPair *pa = &g_array_index (a, UriPair, i);
      gboolean named = FALSE, matched = FALSE;

      for (j = 0; j < b->len && !matched; j++)
        {
          const UriPair *pb = &g_array_index (b, UriPair, j);

          if (pair_name_equal (pa, pb))
            {
              named = TRUE;
              matched = pair_value_equal (pa, pb);
            }
        }
      if (matched)
        continue;
      if (named || strict)
        return FALSE;
      for (j = 0; j < G_N_ELEMENTS (must_match); j++)
        if (mem_equal_ci (pa->name, pa->name_len, must_match[j], strlen (must_match[j])))
          return FALSE;
    }
  return TRUE;
}

static gboolean
host_equal (const TcSipUri *a, const TcSipUri *b)
{
  if (a->host_type != b->host_type)
    return FALSE;
  if (a->host_type == TC_SIP_HOST_IPV6)
    {
      struct in6_addr x, y;

      if (inet_pton (AF_INET6, a->host, &x) == 1 && inet_pton (AF_INET6, b->host, &y) == 1)
        return memcmp (&x, &y, sizeof x) == 0;
    }
  return g_ascii_strcasecmp (a->host, b->host) == 0;
}

static gboolean
tel_number_equal (const char *a, const char *b)
{
  /* visual separators are not significant (RFC 3966 §4) */
  for (;;)
    {
      while (*a && strchr ("-.()", *a))
        a++;
      while (*b && strchr ("-.()", *b))
        b++;
      if (!*a || !*b)
        return *a == *b;
      if (g_ascii_tolower (*a) != g_ascii_tolower (*b))
        return FALSE;
      a++;
      b++;
    }
}

/* RFC 3966 §4: the same parameter names; a phone-context that is a global
 * number compares as a number, any other value case-insensitively. */
static gboolean
tel_params_match (GArray *a, GArray *b)
{
  guint i, j;

  for (i = 0; i < a->len; i++)
    {
      const UriPair *pa = &g_array_index (a, UriPair, i);
      const UriPair *pb = NULL;

      for (j = 0; j < b->len && !pb; j++)
        if (pair_name_equal (pa, &g_array_index (b, UriPair, j)))
          pb = &g_array_index (b, UriPair, j);
      if (!pb)
        return FALSE;
      if (pa->value && pb->value && pa->value[0] == '+' && pb->value[0] == '+')
        {
          if (!tel_number_equal (pa->value, pb->value))
            return FALSE;
        }
      else if (!pair_value_equal (pa, pb))
        return FALSE;
    }
  return TRUE;
}

gboolean
tc_sip_uri_equal (const TcSipUri *a, const TcSipUri *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->scheme != b->scheme)
    return FALSE;

  if (a->scheme == TC_SIP_URI_SCHEME_TEL)
    return tel_number_equal (a->user, b->user) && a->params->len == b->params->len &&
           tel_params_match (a->params, b->params);

  /* userinfo is compared case-sensitively, everything else is not */
  if ((a->user == NULL) != (b->user == NULL) ||
      (a->user && (a->user_len != b->user_len || memcmp (a->user, b->user, a->user_len) != 0)))
    return FALSE;
  if ((a->password == NULL) != (b->password == NULL) ||
      (a->password && (a->password_len != b->password_len || memcmp (a->password, b->password, a->password_len) != 0)))
    return FALSE;
  if (!host_equal (a, b) || a->port != b->port)
    return FALSE;

  return pairs_match (a->params, b->params, FALSE) && pairs_match (b->params, a->params, FALSE) &&
         pairs_match (a->headers, b->headers, TRUE) && pairs_match (b->headers, a->headers, TRUE);
}
