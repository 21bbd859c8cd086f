/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sip-error.c — TC_SIP_ERROR: an extended GError carrying the SIP status a
 * UAS answers a bad message with (G_DEFINE_EXTENDED_ERROR, GLib >= 2.68).
 */
#include "sip/sip-error.h"

typedef struct {
  guint status;
} TcSipErrorPrivate;

static void
tc_sip_error_private_init (TcSipErrorPrivate *priv)
{
  priv->status = 400;
}

static void
tc_sip_error_private_copy (const TcSipErrorPrivate *src, TcSipErrorPrivate *dest)
{
  dest->status = src->status;
}

static void
tc_sip_error_private_clear (TcSipErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (TcSipError, tc_sip_error)

/* Messages quote network input; they must stay printable ASCII so that a
 * UAS can send one as its reason phrase (RFC 3261 §25.1 Reason-Phrase). */
static char *
escape_message (char *message)
{
  GString *out;
  const char *p;

  for (p = message; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      break;
  if (!*p)
    return message;

  out = g_string_new_len (message, p - message);
  for (; *p; p++)
    {
      if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
        g_string_append_printf (out, "\\x%02X", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_free (message);
  return g_string_free (out, FALSE);
}

void
tc_sip_set_error (GError **error, TcSipErrorCode code, guint status, const char *format, ...)
{
  va_list args;
  char *message;
  GError *e;

  if (!error)
    return;

  va_start (args, format);
  message = escape_message (g_strdup_vprintf (format, args));
  va_end (args);
  e = g_error_new_literal (TC_SIP_ERROR, code, message);
  g_free (message);

  tc_sip_error_get_private (e)->status = status;
  g_propagate_error (error, e);
}

/**
 * tc_sip_error_get_status:
 * @error: a #GError
 *
 * Returns: the SIP status a UAS answers with for @error: the one recorded
 * for %TC_SIP_ERROR errors, 500 for any other domain.
 */
guint
tc_sip_error_get_status (const GError *error)
{
  TcSipErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 500);

  priv = tc_sip_error_get_private (error);
  return priv ? priv->status : 500;
}
