/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * secret-module.c — the module tincan-secret (secret-module.h):
 * libsecret's functions for secrets.c.  Built into the module only.
 */
#include "core/secret-module.h"

#include <gmodule.h>

#define SECRET(name) .name = secret_##name

G_MODULE_EXPORT const TcSecretModule tc_secret_module = {
  .header = { TC_SECRET_MODULE_ABI, sizeof (TcSecretModule) },

  SECRET (password_store),
  SECRET (password_store_finish),
  SECRET (password_lookup),
  SECRET (password_lookup_finish),
  SECRET (password_clear),
  SECRET (password_clear_finish),
  SECRET (password_free),
};
