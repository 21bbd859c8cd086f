/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * str.h — TcSipStr, a borrowed (pointer, length) view into a message buffer.
 *
 * The receive path does not copy (style.md B9, libre's struct pl): every
 * parsed value is a view into the one buffer the TcSipMessage holds, valid as
 * long as that message lives.  A view is not NUL-terminated.  An absent value
 * has str == NULL; a present but empty value has str != NULL and len == 0.
 */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef struct {
  const char *str;
  gsize len;
} TcSipStr;

#define TC_SIP_STR_NULL ((TcSipStr){ NULL, 0 })

static inline TcSipStr
tc_sip_str (const char *s, gsize len)
{
  return (TcSipStr){ s, len };
}

static inline gboolean
tc_sip_str_is_set (TcSipStr s)
{
  return s.str != NULL;
}

/* Exact, case-sensitive comparison with a C string. */
static inline gboolean
tc_sip_str_equal (TcSipStr s, const char *cstr)
{
  gsize n = strlen (cstr);

  return s.str && s.len == n && memcmp (s.str, cstr, n) == 0;
}

extern const guchar tc_sip_ascii_lower[256];

/* ASCII case-insensitive comparison of @n bytes. */
static inline gboolean
tc_sip_mem_equal_ci (const char *a, const char *b, gsize n)
{
  gsize i;

  for (i = 0; i < n; i++)
    if (tc_sip_ascii_lower[(guchar) a[i]] != tc_sip_ascii_lower[(guchar) b[i]])
      return FALSE;
  return TRUE;
}

/* ASCII case-insensitive comparison with a C string. */
static inline gboolean
tc_sip_str_equal_ci (TcSipStr s, const char *cstr)
{
  gsize n = strlen (cstr);

  return s.str && s.len == n && tc_sip_mem_equal_ci (s.str, cstr, n);
}

static inline char *
tc_sip_str_dup (TcSipStr s)
{
  return s.str ? g_strndup (s.str, s.len) : NULL;
}

G_END_DECLS
