/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * secret-module.h — the libsecret functions secrets.c calls, as the
 * loadable module tincan-secret (loader.h): libsecret (and libgcrypt)
 * are mapped only once a Secret Service answers on the bus, so a daemon
 * that runs without one (--no-secret-service, a headless machine) never
 * loads them.  The table holds libsecret's own functions, typed from its
 * headers; secrets.c includes the headers for types and constants.
 */
#pragma once

#include <libsecret/secret.h>

#include "loader/loader.h"

G_BEGIN_DECLS

#define TC_SECRET_MODULE_NAME "tincan-secret"
#define TC_SECRET_MODULE_SYMBOL "tc_secret_module"
/* Bumped with any change of the table. */
#define TC_SECRET_MODULE_ABI 1

#define TC_SECRET_FN(name) __typeof__ (secret_##name) *name

typedef struct {
  TcLoaderHeader header;

  TC_SECRET_FN (password_store);
  TC_SECRET_FN (password_store_finish);
  TC_SECRET_FN (password_lookup);
  TC_SECRET_FN (password_lookup_finish);
  TC_SECRET_FN (password_clear);
  TC_SECRET_FN (password_clear_finish);
  TC_SECRET_FN (password_free);
} TcSecretModule;

G_END_DECLS
