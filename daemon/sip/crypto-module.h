/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * crypto-module.h — what the SIP stack needs from OpenSSL, as the
 * loadable module tincan-crypto (loader.h): SHA-512/256 for digest
 * authentication (RFC 8760), which GChecksum lacks.  libcrypto is large
 * and only a SHA-512-256 challenge needs it, so auth.c loads the module on
 * the first such challenge.  Random bytes come from getrandom(2)
 * (random.c), MD5 and SHA-256 from GChecksum.
 */
#pragma once

#include "loader/loader.h"

G_BEGIN_DECLS

#define TC_SIP_CRYPTO_MODULE_NAME "tincan-crypto"
#define TC_SIP_CRYPTO_MODULE_SYMBOL "tc_sip_crypto_module"
/* Bumped with any change of the table. */
#define TC_SIP_CRYPTO_MODULE_ABI 1

#define TC_SIP_SHA512_256_LEN 32

typedef struct _TcSipSha512256 TcSipSha512256;

typedef struct {
  TcLoaderHeader header;

  /* A SHA-512/256 context, or NULL when OpenSSL cannot give one. */
  TcSipSha512256 *(*sha512_256_new) (void);
  void (*sha512_256_update) (TcSipSha512256 *hash, const void *data, gsize len);
  /* Writes the digest and frees @hash; FALSE (and @hash freed) on failure. */
  gboolean (*sha512_256_finish) (TcSipSha512256 *hash, guint8 out[TC_SIP_SHA512_256_LEN]);
} TcSipCryptoModule;

G_END_DECLS
