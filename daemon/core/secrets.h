/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * secrets.h — TcSecrets: where endpoint passwords live.
 *
 * In order of preference:
 *  1. the Secret Service (libsecret, schema "org.tincan.Tincan1.Password",
 *     attribute "endpoint" = the account id, "uri" = its URI), when one
 *     answers on the session bus;
 *  2. the credentials file <config dir>/credentials (GKeyFile, group per
 *     account id, key "password"), created 0600; a file that group or
 *     others can read is refused (TC_CORE_ERROR_FAILED naming the mode);
 *  3. memory only (a password given at runtime for an endpoint that is not
 *     persisted, or when neither store can be written).
 *
 * Every operation reports which store it used.  Passwords are never
 * logged.  All operations are asynchronous: the Secret Service is a D-Bus
 * round trip and the daemon never blocks.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TC_SECRET_STORE_NONE,
  TC_SECRET_STORE_SECRET_SERVICE,
  TC_SECRET_STORE_CREDENTIALS_FILE,
  TC_SECRET_STORE_MEMORY,
} TcSecretStore;

/* "none", "secret-service", "credentials-file", "memory". */
const char *tc_secret_store_to_string (TcSecretStore store);

#define TC_TYPE_SECRETS (tc_secrets_get_type ())
G_DECLARE_FINAL_TYPE (TcSecrets, tc_secrets, TC, SECRETS, GObject)

/* @config_dir: where the credentials file lives.  @use_secret_service:
 * FALSE to never try the Secret Service (tests, TINCAN_NO_SECRET_SERVICE). */
TcSecrets *tc_secrets_new (const char *config_dir, gboolean use_secret_service);

/* Stores @password for account @id: the Secret Service, else the
 * credentials file.  Finishes with the store used. */
void tc_secrets_store_async (TcSecrets *self, const char *id, const char *uri, const char *password,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
TcSecretStore tc_secrets_store_finish (TcSecrets *self, GAsyncResult *result, GError **error);

/* Looks up the password of account @id: the Secret Service, then the
 * credentials file.  Finishes with the password (NULL and no error when
 * there is none) and in @store where it was found. */
void tc_secrets_lookup_async (TcSecrets *self, const char *id, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
char *tc_secrets_lookup_finish (TcSecrets *self, GAsyncResult *result, TcSecretStore *store, GError **error);

/* Removes the password of account @id from every store. */
void tc_secrets_clear_async (TcSecrets *self, const char *id, GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean tc_secrets_clear_finish (TcSecrets *self, GAsyncResult *result, GError **error);

G_END_DECLS
