/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net-tls.c — TLS for TcSipNetTransport (RFC 3261 §26.3.1, RFC 5922):
 * loading the configured certificates, client connections that verify the
 * server (trust store or tls_ca_file, SNI and identity from the target,
 * an optional pinned certificate), server connections, and errors that
 * say what was wrong with a certificate.
 */
#include <string.h>

#include "sip/net-transport-private.h"

static void
fingerprint (GTlsCertificate *certificate, guint8 out[32])
{
  g_autoptr (GByteArray) der = NULL;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, out, &len);
}

static gboolean
parse_fingerprint (const char *text, guint8 out[32], GError **error)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p) || n >= 64)
        {
          n = 65;
          break;
        }
      if (n % 2 == 0)
        out[n / 2] = g_ascii_xdigit_value (*p) << 4;
      else
        out[n / 2] |= g_ascii_xdigit_value (*p);
      n++;
    }
  if (n != 64)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "tls_pinned_sha256 is not a SHA-256 fingerprint (64 hex digits): %s", text);
      return FALSE;
    }
  return TRUE;
}

gboolean
tc_sip_net_tls_init (TcSipNetTransport *self, const TcSipNetTransportConfig *config, GError **error)
{
  if (config->tls_certificate_file)
    {
      self->server_certificate = g_tls_certificate_new_from_files (
        config->tls_certificate_file, config->tls_key_file ? config->tls_key_file : config->tls_certificate_file,
        error);
      if (!self->server_certificate)
        {
          g_prefix_error (error, "cannot load the TLS certificate %s: ", config->tls_certificate_file);
          return FALSE;
        }
    }
  if (config->tls_ca_file)
    {
      self->ca_database = g_tls_file_database_new (config->tls_ca_file, error);
      if (!self->ca_database)
        {
          g_prefix_error (error, "cannot load the TLS CA file %s: ", config->tls_ca_file);
          return FALSE;
        }
    }
  if (config->tls_pinned_sha256)
    {
      if (!parse_fingerprint (config->tls_pinned_sha256, self->pin, error))
        return FALSE;
      self->has_pin = TRUE;
    }
  else if (config->tls_pinned_file)
    {
      g_autoptr (GTlsCertificate) pinned = g_tls_certificate_new_from_file (config->tls_pinned_file, error);

      if (!pinned)
        {
          g_prefix_error (error, "cannot load the pinned TLS certificate %s: ", config->tls_pinned_file);
          return FALSE;
        }
      fingerprint (pinned, self->pin);
      self->has_pin = TRUE;
    }
  return TRUE;
}

/* Called by GIO when the verification found @errors: accepted only when a
 * certificate is pinned and this is it. */
static gboolean
on_accept_certificate (GTlsConnection *tls, GTlsCertificate *peer, GTlsCertificateFlags errors, gpointer user_data)
{
  TcSipNetTlsCheck *check = user_data;
  guint8 digest[32];

  check->errors = errors;
  if (!check->has_pin)
    return FALSE;
  fingerprint (peer, digest);
  check->pin_matched = memcmp (digest, check->pin, 32) == 0;
  return check->pin_matched;
}

GIOStream *
tc_sip_net_tls_client_new (TcSipNetTransport *self, GIOStream *base, const TcSipTarget *target, TcSipNetTlsCheck *check,
                           GError **error)
{
  g_autoptr (GSocketConnectable) identity = NULL;
  GIOStream *tls;

  memset (check, 0, sizeof *check);
  /* RFC 5922 §7.2: the certificate must match the domain the URI named;
   * with no name (a numeric URI), the IP address.  GIO sends SNI for
   * names, never for IP literals (RFC 6066 §3). */
  check->identity = target->server_name
                      ? g_strdup (target->server_name)
                      : g_inet_address_to_string (g_inet_socket_address_get_address (target->address));
  check->has_pin = self->has_pin;
  memcpy (check->pin, self->pin, sizeof check->pin);
  identity = g_network_address_new (check->identity, g_inet_socket_address_get_port (target->address));
  tls = g_tls_client_connection_new (base, identity, error);
  if (!tls)
    return NULL;
  if (self->ca_database)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), self->ca_database);
  /* SIP peers often close without close_notify; that is an EOF, not an
   * attack on the message framing, which Content-Length protects. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), check);
  return tls;
}

void
tc_sip_net_tls_check_clear (TcSipNetTlsCheck *check)
{
  g_clear_pointer (&check->identity, g_free);
}

GIOStream *
tc_sip_net_tls_server_new (TcSipNetTransport *self, GIOStream *base, GError **error)
{
  GIOStream *tls = g_tls_server_connection_new (base, self->server_certificate, error);

  if (tls)
    g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  return tls;
}

static char *
hex_fingerprint (const guint8 digest[32])
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < 32; i++)
    g_string_append_printf (out, "%s%02X", i ? ":" : "", digest[i]);
  return g_string_free (out, FALSE);
}

gboolean
tc_sip_net_tls_check_pin (const TcSipNetTlsCheck *check, GTlsConnection *tls, GError **error)
{
  GTlsCertificate *peer;
  guint8 digest[32];
  g_autofree char *hex = NULL;

  if (!check->has_pin)
    return TRUE;
  peer = g_tls_connection_get_peer_certificate (tls);
  if (!peer)
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "%s presented no TLS certificate", check->identity);
      return FALSE;
    }
  fingerprint (peer, digest);
  if (memcmp (digest, check->pin, 32) == 0)
    return TRUE;
  hex = hex_fingerprint (digest);
  g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
               "certificate for %s is not the pinned certificate (its SHA-256 is %s)", check->identity, hex);
  return FALSE;
}

/* "unknown-ca, bad-identity": the GIO nicks of the flags set. */
static char *
flags_to_string (GTlsCertificateFlags flags)
{
  GFlagsClass *klass = g_type_class_ref (G_TYPE_TLS_CERTIFICATE_FLAGS);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    {
      const GFlagsValue *value = &klass->values[i];

      /* single bits only (skips validate-all) */
      if ((flags & value->value) && (value->value & (value->value - 1)) == 0)
        g_string_append_printf (out, "%s%s", out->len ? ", " : "", value->value_nick);
    }
  g_type_class_unref (klass);
  if (out->len == 0)
    g_string_append (out, "rejected");
  return g_string_free (out, FALSE);
}

GError *
tc_sip_net_tls_explain (const TcSipNetTlsCheck *check, GError *error)
{
  GError *explained;
  g_autofree char *reasons = NULL;

  if (error->domain != G_TLS_ERROR || !check->errors || !check->identity)
    {
      if (check->identity && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "TLS handshake with %s failed: ", check->identity);
      return error;
    }
  reasons = flags_to_string (check->errors);
  if (check->has_pin)
    explained = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                             "certificate for %s is not the pinned certificate (and is not trusted: %s)",
                             check->identity, reasons);
  else if (check->errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    explained = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                             "certificate for %s is not trusted: %s (it is not valid for %s)", check->identity, reasons,
                             check->identity);
  else
    explained = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "certificate for %s is not trusted: %s",
                             check->identity, reasons);
  g_error_free (error);
  return explained;
}
