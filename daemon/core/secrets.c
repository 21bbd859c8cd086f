/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * secrets.c — TcSecrets: endpoint passwords in the Secret Service through
 * libsecret's asynchronous API, else in the 0600 credentials file
 * <config dir>/credentials (one GKeyFile group per account id).
 *
 * Each operation first asks the bus whether org.freedesktop.secrets has an
 * owner (or can be activated), and bounds the whole Secret Service attempt
 * by a time limit: an installed gnome-keyring that cannot start, or a
 * locked collection waiting on a prompt nobody sees, must not stall the
 * daemon.  Any failure of the Secret Service falls back to the file, and
 * the service is then left alone for a while.  Passwords are never logged.
 * libsecret is a module (secret-module.h), loaded when a Secret Service
 * is first there to ask.
 */
#include "core/secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/core-error.h"
#include "core/secret-module.h"

#define SECRET_SERVICE_NAME "org.freedesktop.secrets"
/* The whole Secret Service attempt of one operation, activation included. */
#define SECRET_SERVICE_TIMEOUT_MS 3000
/* The bus daemon's own answers (NameHasOwner, ListActivatableNames). */
#define BUS_CALL_TIMEOUT_MS 2000
/* After the Secret Service failed, how long the file is used without asking. */
#define SECRET_SERVICE_RETRY_US (60 * G_USEC_PER_SEC)
#define CREDENTIALS_MAX_SIZE (1024 * 1024)
/* How long the parsed credentials file is kept once unused: the lookups
 * of a start-up come back to back and share it; after them it would hold
 * every account's group (and password) in memory for nothing. */
#define PARSED_KEEP_US G_USEC_PER_SEC

static const SecretSchema password_schema = {
  "org.tincan.Tincan1.Password",
  SECRET_SCHEMA_NONE,
  {
    { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "uri", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/* libsecret, loaded when a Secret Service is first there to ask
 * (secret-module.h); the callbacks run after that. */
static const TcSecretModule *libsecret;

struct _TcSecrets {
  GObject parent_instance;

  char *config_dir;
  char *credentials_path;
  gboolean use_secret_service;
  gint64 secret_service_retry_at; /* monotonic; 0: ask the service */
  /* The credentials file as last parsed, and the stat that identifies
   * that version: a daemon loading thousands of accounts parses it once. */
  GKeyFile *parsed;
  struct stat parsed_st;
  gint64 parsed_used_at;  /* monotonic */
  GSource *parsed_expiry; /* drops it once unused for PARSED_KEEP_US */
};

G_DEFINE_FINAL_TYPE (TcSecrets, tc_secrets, G_TYPE_OBJECT)

const char *
tc_secret_store_to_string (TcSecretStore store)
{
  switch (store)
    {
    case TC_SECRET_STORE_NONE:
      return "none";
    case TC_SECRET_STORE_SECRET_SERVICE:
      return "secret-service";
    case TC_SECRET_STORE_CREDENTIALS_FILE:
      return "credentials-file";
    case TC_SECRET_STORE_MEMORY:
      return "memory";
    }
  return "invalid";
}

static void
wipe_free (char *secret)
{
  if (secret)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

static void
tc_secrets_finalize (GObject *object)
{
  TcSecrets *self = TC_SECRETS (object);

  g_free (self->config_dir);
  g_free (self->credentials_path);
  g_clear_pointer (&self->parsed, g_key_file_unref);
  if (self->parsed_expiry)
    {
      g_source_destroy (self->parsed_expiry);
      g_clear_pointer (&self->parsed_expiry, g_source_unref);
    }
  G_OBJECT_CLASS (tc_secrets_parent_class)->finalize (object);
}

static void
tc_secrets_class_init (TcSecretsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_secrets_finalize;
}

static void
tc_secrets_init (TcSecrets *self)
{
}

/**
 * tc_secrets_new:
 * @config_dir: the directory of the credentials file (created 0700 when
 *   the file is first written)
 * @use_secret_service: FALSE to use only the credentials file
 *
 * Returns: (transfer full): a new TcSecrets
 */
TcSecrets *
tc_secrets_new (const char *config_dir, gboolean use_secret_service)
{
  TcSecrets *self;

  g_return_val_if_fail (config_dir != NULL, NULL);

  self = g_object_new (TC_TYPE_SECRETS, NULL);
  self->config_dir = g_strdup (config_dir);
  self->credentials_path = g_build_filename (config_dir, "credentials", NULL);
  self->use_secret_service = use_secret_service;
  return self;
}

/* ---- the credentials file ------------------------------------------------ */

static gboolean
same_version (const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static gboolean
on_parsed_expiry (gpointer user_data)
{
  TcSecrets *self = user_data;

  if (self->parsed && g_get_monotonic_time () - self->parsed_used_at < PARSED_KEEP_US)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&self->parsed, g_key_file_unref);
  g_clear_pointer (&self->parsed_expiry, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* The parsed copy was used: it stays for PARSED_KEEP_US more. */
static void
keep_parsed (TcSecrets *self)
{
  self->parsed_used_at = g_get_monotonic_time ();
  if (self->parsed_expiry)
    return;
  self->parsed_expiry = g_timeout_source_new_seconds (1);
  g_source_set_callback (self->parsed_expiry, on_parsed_expiry, self, NULL);
  g_source_set_name (self->parsed_expiry, "[tincan] parsed credentials file expiry");
  g_source_attach (self->parsed_expiry, g_main_context_get_thread_default ());
}

/* Reads the credentials file into a GKeyFile (empty when there is no
 * file; a new reference on the parsed copy when the file has not changed
 * since).  A file that anyone but its owner may access is refused unread,
 * whether parsed before or not.  Callers that change the key file write it
 * with credentials_write(), which drops the parsed copy. */
static GKeyFile *
credentials_read (TcSecrets *self, GError **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (GString) data = NULL;
  struct stat st;
  char buffer[4096];
  ssize_t n;
  int fd;

  fd = g_open (self->credentials_path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return g_steal_pointer (&key_file);
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "%s: %s", self->credentials_path,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "%s is not a regular file", self->credentials_path);
      close (fd);
      return NULL;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "%s is readable by others (mode %04o); chmod 600 it",
                   self->credentials_path, (guint) (st.st_mode & 07777));
      close (fd);
      return NULL;
    }
  if (self->parsed && same_version (&st, &self->parsed_st))
    {
      close (fd);
      keep_parsed (self);
      return g_key_file_ref (self->parsed);
    }
  g_clear_pointer (&self->parsed, g_key_file_unref);

  data = g_string_new (NULL);
  while ((n = read (fd, buffer, sizeof buffer)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || data->len + n > CREDENTIALS_MAX_SIZE)
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "%s: %s", self->credentials_path,
                       n < 0 ? g_strerror (errno) : "larger than 1 MiB");
          explicit_bzero (data->str, data->len);
          explicit_bzero (buffer, sizeof buffer);
          close (fd);
          return NULL;
        }
      g_string_append_len (data, buffer, n);
    }
  close (fd);
  explicit_bzero (buffer, sizeof buffer);

  if (!g_key_file_load_from_data (key_file, data->str, data->len, G_KEY_FILE_NONE, &parse_error))
    {
      /* GKeyFile's message quotes the offending line: it may be a password */
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED,
                   "%s is not a key file ([<account id>] groups with password=…)", self->credentials_path);
      g_clear_pointer (&key_file, g_key_file_unref);
    }
  explicit_bzero (data->str, data->len);
  if (key_file)
    {
      self->parsed = g_key_file_ref (key_file);
      self->parsed_st = st;
      keep_parsed (self);
    }
  return g_steal_pointer (&key_file);
}

/* Replaces the credentials file with @key_file (mode 0600), or deletes it
 * when no account is left in it. */
static gboolean
credentials_write (TcSecrets *self, GKeyFile *key_file, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) groups = g_key_file_get_groups (key_file, NULL);
  char *data;
  gsize length;
  gboolean ok;

  /* @key_file may be the parsed copy, changed by the caller: whatever
   * happens below, the next read parses the file again. */
  g_clear_pointer (&self->parsed, g_key_file_unref);
  if (groups[0] == NULL)
    {
      if (g_unlink (self->credentials_path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "removing %s: %s", self->credentials_path,
                       g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }
  if (g_mkdir_with_parents (self->config_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "cannot create %s: %s", self->config_dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  data = g_key_file_to_data (key_file, &length, NULL);
  /* created 0600 beside the old file, fsynced, renamed over it */
  ok = g_file_set_contents_full (self->credentials_path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, &local_error);
  explicit_bzero (data, length);
  g_free (data);
  if (!ok)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "writing %s: %s", self->credentials_path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
credentials_store (TcSecrets *self, const char *id, const char *password, GError **error)
{
  g_autoptr (GKeyFile) key_file = credentials_read (self, error);

  if (key_file == NULL)
    return FALSE;
  g_key_file_set_string (key_file, id, "password", password);
  return credentials_write (self, key_file, error);
}

/* The password of @id in the file, or NULL (with @error set on failure). */
static char *
credentials_lookup (TcSecrets *self, const char *id, GError **error)
{
  g_autoptr (GKeyFile) key_file = credentials_read (self, error);
  char *password;

  if (key_file == NULL || !g_key_file_has_key (key_file, id, "password", NULL))
    return NULL;
  password = g_key_file_get_string (key_file, id, "password", NULL);
  if (password == NULL)
    g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "%s: the password of account %s is not valid UTF-8",
                 self->credentials_path, id);
  return password;
}

static gboolean
credentials_clear (TcSecrets *self, const char *id, GError **error)
{
  g_autoptr (GKeyFile) key_file = NULL;

  /* nothing to do (and nothing to refuse) when there is no file */
  if (!g_file_test (self->credentials_path, G_FILE_TEST_EXISTS))
    return TRUE;
  key_file = credentials_read (self, error);
  if (key_file == NULL)
    return FALSE;
  if (!g_key_file_has_group (key_file, id))
    return TRUE;
  g_key_file_remove_group (key_file, id, NULL);
  return credentials_write (self, key_file, error);
}

/* ---- operations ---------------------------------------------------------- */

typedef enum {
  OP_STORE,
  OP_LOOKUP,
  OP_CLEAR,
} OpKind;

typedef struct {
  OpKind kind;
  char *id;
  char *uri;
  char *password;
  GCancellable *attempt; /* ends the Secret Service attempt: caller cancelled or time is up */
  GCancellable *caller;
  gulong caller_handler;
  GSource *timeout;
  gboolean timed_out;
} Op;

typedef struct {
  char *password;
  TcSecretStore store;
} LookupResult;

static void
lookup_result_free (LookupResult *result)
{
  wipe_free (result->password);
  g_free (result);
}

static void
op_stop_attempt (Op *op)
{
  if (op->caller_handler)
    g_cancellable_disconnect (op->caller, op->caller_handler);
  op->caller_handler = 0;
  if (op->timeout)
    {
      g_source_destroy (op->timeout);
      g_clear_pointer (&op->timeout, g_source_unref);
    }
}

static void
op_free (Op *op)
{
  op_stop_attempt (op);
  g_clear_object (&op->attempt);
  g_clear_object (&op->caller);
  g_free (op->id);
  g_free (op->uri);
  wipe_free (op->password);
  g_free (op);
}

static const char *
op_name (const Op *op)
{
  switch (op->kind)
    {
    case OP_STORE:
      return "store";
    case OP_LOOKUP:
      return "lookup";
    case OP_CLEAR:
      return "clear";
    }
  return "invalid";
}

/* The credentials file part of an operation; completes @task. */
static void
op_use_file (GTask *task)
{
  TcSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  switch (op->kind)
    {
    case OP_STORE:
      if (!credentials_store (self, op->id, op->password, &error))
        {
          g_debug ("secrets: account %s: not stored: %s", op->id, error->message);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("secrets: account %s: password stored in the credentials file %s", op->id, self->credentials_path);
      g_task_return_int (task, TC_SECRET_STORE_CREDENTIALS_FILE);
      return;
    case OP_LOOKUP:
      {
        LookupResult *result = g_new0 (LookupResult, 1);

        result->password = credentials_lookup (self, op->id, &error);
        if (error)
          {
            lookup_result_free (result);
            g_debug ("secrets: account %s: lookup failed: %s", op->id, error->message);
            g_task_return_error (task, g_steal_pointer (&error));
            return;
          }
        result->store = result->password ? TC_SECRET_STORE_CREDENTIALS_FILE : TC_SECRET_STORE_NONE;
        g_debug ("secrets: account %s: %s", op->id,
                 result->password ? "password found in the credentials file" : "no password stored");
        g_task_return_pointer (task, result, (GDestroyNotify) lookup_result_free);
        return;
      }
    case OP_CLEAR:
      if (!credentials_clear (self, op->id, &error))
        {
          g_debug ("secrets: account %s: not cleared: %s", op->id, error->message);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }
}

/* The Secret Service attempt ended without an answer we can use: the
 * caller cancelled (the operation ends), or the service is absent, slow or
 * failing (the file takes over). */
static void
op_service_failed (GTask *task, const GError *error)
{
  TcSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  op_stop_attempt (op);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (error)
    {
      self->secret_service_retry_at = g_get_monotonic_time () + SECRET_SERVICE_RETRY_US;
      g_debug ("secrets: account %s: Secret Service %s failed (%s); using the credentials file for %u s", op->id,
               op_name (op), op->timed_out ? "did not answer in time" : error->message,
               (guint) (SECRET_SERVICE_RETRY_US / G_USEC_PER_SEC));
    }
  else
    g_debug ("secrets: account %s: no Secret Service on the session bus; using the credentials file", op->id);
  op_use_file (task);
}

static void
on_password_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  TcSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) file_error = NULL;

  if (!libsecret->password_store_finish (result, &error))
    {
      op_service_failed (task, error);
      return;
    }
  op_stop_attempt (op);
  /* a copy left in the file from a time without the service goes */
  if (!credentials_clear (self, op->id, &file_error))
    g_debug ("secrets: account %s: old copy in the credentials file not removed: %s", op->id, file_error->message);
  g_debug ("secrets: account %s: password stored in the Secret Service", op->id);
  g_task_return_int (task, TC_SECRET_STORE_SECRET_SERVICE);
}

static void
on_password_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  char *password = libsecret->password_lookup_finish (result, &error);
  LookupResult *found;

  if (error)
    {
      op_service_failed (task, error);
      return;
    }
  op_stop_attempt (op);
  if (password == NULL)
    {
      /* stored in the file while the service was away? */
      op_use_file (task);
      return;
    }
  found = g_new0 (LookupResult, 1);
  found->password = g_strdup (password);
  found->store = TC_SECRET_STORE_SECRET_SERVICE;
  libsecret->password_free (password);
  g_debug ("secrets: account %s: password found in the Secret Service", op->id);
  g_task_return_pointer (task, found, (GDestroyNotify) lookup_result_free);
}

static void
on_password_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gboolean removed = libsecret->password_clear_finish (result, &error);

  if (error)
    {
      op_service_failed (task, error);
      return;
    }
  op_stop_attempt (op);
  g_debug ("secrets: account %s: %s the Secret Service", op->id, removed ? "password removed from" : "no password in");
  op_use_file (task);
}

/* Before a store: an item of this account under another URI would
 * otherwise stay beside the new one, and a lookup could find either. */
static void
on_old_password_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;

  libsecret->password_clear_finish (result, &error);
  if (error)
    {
      op_service_failed (task, error);
      return;
    }
  label = g_strdup_printf ("Tincan password for %s", op->uri);
  libsecret->password_store (&password_schema, SECRET_COLLECTION_DEFAULT, label, op->password, op->attempt,
                             on_password_stored, g_steal_pointer (&task), "endpoint", op->id, "uri", op->uri, NULL);
}

static void
op_call_secret_service (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (!libsecret)
    {
      g_autoptr (GError) error = NULL;

      libsecret = tc_loader_get (TC_SECRET_MODULE_NAME, TC_SECRET_MODULE_SYMBOL, TC_SECRET_MODULE_ABI,
                                 sizeof (TcSecretModule), &error);
      if (!libsecret)
        {
          g_warning ("secrets: %s", error->message);
          op_service_failed (task, error);
          return;
        }
    }
  switch (op->kind)
    {
    case OP_STORE:
      libsecret->password_clear (&password_schema, op->attempt, on_old_password_cleared, g_object_ref (task),
                                 "endpoint", op->id, NULL);
      return;
    case OP_LOOKUP:
      libsecret->password_lookup (&password_schema, op->attempt, on_password_looked_up, g_object_ref (task), "endpoint",
                                  op->id, NULL);
      return;
    case OP_CLEAR:
      libsecret->password_clear (&password_schema, op->attempt, on_password_cleared, g_object_ref (task), "endpoint",
                                 op->id, NULL);
      return;
    }
}

static void
on_activatable_names (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autofree const char **names = NULL;

  if (reply == NULL)
    {
      op_service_failed (task, error);
      return;
    }
  g_variant_get (reply, "(^a&s)", &names);
  if (!g_strv_contains (names, SECRET_SERVICE_NAME))
    {
      op_service_failed (task, NULL);
      return;
    }
  /* activation may hang (a keyring that cannot start): the time limit holds */
  op_call_secret_service (task);
}

static void
on_name_has_owner (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  gboolean has_owner = FALSE;

  if (reply == NULL)
    {
      op_service_failed (task, error);
      return;
    }
  g_variant_get (reply, "(b)", &has_owner);
  if (has_owner)
    {
      op_call_secret_service (task);
      return;
    }
  g_dbus_connection_call (G_DBUS_CONNECTION (source), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListActivatableNames", NULL, G_VARIANT_TYPE ("(as)"),
                          G_DBUS_CALL_FLAGS_NONE, BUS_CALL_TIMEOUT_MS, op->attempt, on_activatable_names,
                          g_steal_pointer (&task));
}

static void
on_bus_get (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      op_service_failed (task, error);
      return;
    }
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", SECRET_SERVICE_NAME), G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                          BUS_CALL_TIMEOUT_MS, op->attempt, on_name_has_owner, g_steal_pointer (&task));
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  GCancellable *attempt = user_data;

  g_cancellable_cancel (attempt);
}

static gboolean
on_attempt_timeout (gpointer user_data)
{
  Op *op = user_data;

  op->timed_out = TRUE;
  g_clear_pointer (&op->timeout, g_source_unref);
  g_cancellable_cancel (op->attempt);
  return G_SOURCE_REMOVE;
}

/* Runs @op: through the Secret Service when it may be used, else (or when
 * it fails) through the credentials file. */
static void
op_start (TcSecrets *self, Op *op, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
          gpointer source_tag)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!tc_config_id_is_valid (op->id))
    {
      g_task_return_new_error (task, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS,
                               "id: \"%s\" is not a valid account id ([A-Za-z0-9_], 1 to 64 characters)", op->id);
      return;
    }
  if (!self->use_secret_service || g_get_monotonic_time () < self->secret_service_retry_at)
    {
      op_use_file (task);
      return;
    }

  op->attempt = g_cancellable_new ();
  if (cancellable)
    {
      op->caller = g_object_ref (cancellable);
      op->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                  g_object_ref (op->attempt), g_object_unref);
    }
  op->timeout = g_timeout_source_new (SECRET_SERVICE_TIMEOUT_MS);
  g_source_set_callback (op->timeout, on_attempt_timeout, op, NULL);
  g_source_set_name (op->timeout, "[tincan] Secret Service time limit");
  g_source_attach (op->timeout, g_task_get_context (task));
  g_bus_get (G_BUS_TYPE_SESSION, op->attempt, on_bus_get, g_steal_pointer (&task));
}

static Op *
op_new (OpKind kind, const char *id)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->id = g_strdup (id);
  return op;
}

/**
 * tc_secrets_store_async:
 * @id: the account id ([A-Za-z0-9_])
 * @uri: the account's URI (an attribute and the label of the secret)
 * @password: the password
 *
 * Stores @password in the Secret Service, else in the credentials file.
 */
void
tc_secrets_store_async (TcSecrets *self, const char *id, const char *uri, const char *password,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;

  g_return_if_fail (TC_IS_SECRETS (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (uri != NULL);
  g_return_if_fail (password != NULL);

  op = op_new (OP_STORE, id);
  op->uri = g_strdup (uri);
  op->password = g_strdup (password);
  op_start (self, op, cancellable, callback, user_data, tc_secrets_store_async);
}

/**
 * tc_secrets_store_finish:
 *
 * Returns: where the password went (%TC_SECRET_STORE_SECRET_SERVICE or
 *   %TC_SECRET_STORE_CREDENTIALS_FILE), or %TC_SECRET_STORE_NONE with
 *   @error set (%TC_CORE_ERROR_FAILED: neither store could take it)
 */
TcSecretStore
tc_secrets_store_finish (TcSecrets *self, GAsyncResult *result, GError **error)
{
  gssize store;

  g_return_val_if_fail (g_task_is_valid (result, self), TC_SECRET_STORE_NONE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tc_secrets_store_async, TC_SECRET_STORE_NONE);

  store = g_task_propagate_int (G_TASK (result), error);
  return store < 0 ? TC_SECRET_STORE_NONE : (TcSecretStore) store;
}

void
tc_secrets_lookup_async (TcSecrets *self, const char *id, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_return_if_fail (TC_IS_SECRETS (self));
  g_return_if_fail (id != NULL);

  op_start (self, op_new (OP_LOOKUP, id), cancellable, callback, user_data, tc_secrets_lookup_async);
}

/**
 * tc_secrets_lookup_finish:
 * @store: (out) (optional): where the password was found;
 *   %TC_SECRET_STORE_NONE when there is none or on error
 *
 * Returns: (transfer full) (nullable): the password; NULL without an error
 *   when none is stored
 */
char *
tc_secrets_lookup_finish (TcSecrets *self, GAsyncResult *result, TcSecretStore *store, GError **error)
{
  LookupResult *found;
  char *password;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tc_secrets_lookup_async, NULL);

  if (store)
    *store = TC_SECRET_STORE_NONE;
  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return NULL;
  if (store)
    *store = found->store;
  password = g_steal_pointer (&found->password);
  lookup_result_free (found);
  return password;
}

void
tc_secrets_clear_async (TcSecrets *self, const char *id, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_return_if_fail (TC_IS_SECRETS (self));
  g_return_if_fail (id != NULL);

  op_start (self, op_new (OP_CLEAR, id), cancellable, callback, user_data, tc_secrets_clear_async);
}

/**
 * tc_secrets_clear_finish:
 *
 * Returns: %TRUE when no store holds the password any more (including when
 *   none did); the Secret Service is skipped when it cannot be reached
 */
gboolean
tc_secrets_clear_finish (TcSecrets *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tc_secrets_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
