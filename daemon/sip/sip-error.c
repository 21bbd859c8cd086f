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

void
tc_sip_set_error (GError **error, TcSipErrorCode code, guint status, const char *format, ...)
{
  va_list args;
  GError *e;

  if (!error)
    return;

  va_start (args, format);
  e = g_error_new_valist (TC_SIP_ERROR, code, format, args);
  va_end (args);

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
