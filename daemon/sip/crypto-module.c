/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * crypto-module.c — the module tincan-crypto (crypto-module.h): SHA-512/256
 * from OpenSSL.  Built into the module only.
 */
#include "sip/crypto-module.h"

#include <gmodule.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

static TcSipSha512256 *
sha512_256_new (void)
{
  EVP_MD_CTX *evp = EVP_MD_CTX_new ();

  if (evp && EVP_DigestInit_ex (evp, EVP_sha512_256 (), NULL) != 1)
    g_clear_pointer (&evp, EVP_MD_CTX_free);
  return (TcSipSha512256 *) evp;
}

static void
sha512_256_update (TcSipSha512256 *hash, const void *data, gsize len)
{
  if (len > 0)
    EVP_DigestUpdate ((EVP_MD_CTX *) hash, data, len);
}

static gboolean
sha512_256_finish (TcSipSha512256 *hash, guint8 out[TC_SIP_SHA512_256_LEN])
{
  EVP_MD_CTX *evp = (EVP_MD_CTX *) hash;
  guchar md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  gboolean ok = EVP_DigestFinal_ex (evp, md, &md_len) == 1 && md_len == TC_SIP_SHA512_256_LEN;

  EVP_MD_CTX_free (evp);
  if (ok)
    memcpy (out, md, TC_SIP_SHA512_256_LEN);
  OPENSSL_cleanse (md, sizeof md);
  return ok;
}

G_MODULE_EXPORT const TcSipCryptoModule tc_sip_crypto_module = {
  .header = { TC_SIP_CRYPTO_MODULE_ABI, sizeof (TcSipCryptoModule) },
  .sha512_256_new = sha512_256_new,
  .sha512_256_update = sha512_256_update,
  .sha512_256_finish = sha512_256_finish,
};
