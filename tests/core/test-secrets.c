/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-secrets.c — unit tests of TcSecrets.  The credentials file: store,
 * lookup and clear with a 0600 file, a file others can read refused with a
 * message that says how to fix it.  The Secret Service, for real: a private
 * dbus-daemon (started before anything in this process touches D-Bus) with
 * a gnome-keyring-daemon on it, the fallback to the file when the bus has
 * no Secret Service, and the time limit when its activation never ends.
 * The cases that need dbus-daemon or gnome-keyring-daemon skip without it.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "core/core-error.h"
#include "core/secrets.h"

#define WAIT_LIMIT_S 20

/* The private session bus every test of this process shares. */
typedef struct {
  char *dir;         /* bus config, socket, service files, keyring home */
  char *service_dir; /* the bus's only servicedir */
  GSubprocess *daemon;
  char *address;
} TestBus;

typedef struct {
  const TestBus *bus;
  char *dir;
  char *config_dir;
  char *credentials;
  GMainLoop *loop;
  GAsyncResult *result;
} Fixture;

static const SecretSchema password_schema = {
  "org.tincan.Tincan1.Password",
  SECRET_SCHEMA_NONE,
  {
    { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "uri", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Children die with the test, even when it aborts. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->bus = data;
  fixture->dir = g_dir_make_tmp ("tincan-secrets-XXXXXX", &error);
  g_assert_no_error (error);
  /* not there yet: the first write makes it */
  fixture->config_dir = g_build_filename (fixture->dir, "config", "tincan", NULL);
  fixture->credentials = g_build_filename (fixture->config_dir, "credentials", NULL);
  fixture->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->result);
  g_main_loop_unref (fixture->loop);
  remove_tree (fixture->dir);
  g_free (fixture->credentials);
  g_free (fixture->config_dir);
  g_free (fixture->dir);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *fixture = user_data;

  g_assert_null (fixture->result);
  fixture->result = g_object_ref (result);
  g_main_loop_quit (fixture->loop);
}

static gboolean
on_wait_limit (gpointer user_data)
{
  g_error ("no answer in %d s", WAIT_LIMIT_S);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the operation started last has finished. */
static GAsyncResult *
wait_result (Fixture *fixture)
{
  guint limit = g_timeout_add_seconds (WAIT_LIMIT_S, on_wait_limit, NULL);

  g_clear_object (&fixture->result);
  g_main_loop_run (fixture->loop);
  g_source_remove (limit);
  return fixture->result;
}

static TcSecretStore
store (Fixture *fixture, TcSecrets *secrets, const char *id, const char *password, GError **error)
{
  g_autofree char *uri = g_strdup_printf ("sip:%s@example.org", id);

  g_clear_object (&fixture->result);
  tc_secrets_store_async (secrets, id, uri, password, NULL, on_done, fixture);
  return tc_secrets_store_finish (secrets, wait_result (fixture), error);
}

static char *
lookup (Fixture *fixture, TcSecrets *secrets, const char *id, TcSecretStore *where, GError **error)
{
  g_clear_object (&fixture->result);
  tc_secrets_lookup_async (secrets, id, NULL, on_done, fixture);
  return tc_secrets_lookup_finish (secrets, wait_result (fixture), where, error);
}

static gboolean
clear (Fixture *fixture, TcSecrets *secrets, const char *id, GError **error)
{
  g_clear_object (&fixture->result);
  tc_secrets_clear_async (secrets, id, NULL, on_done, fixture);
  return tc_secrets_clear_finish (secrets, wait_result (fixture), error);
}

static void
assert_lookup (Fixture *fixture, TcSecrets *secrets, const char *id, const char *expected, TcSecretStore expected_store)
{
  g_autoptr (GError) error = NULL;
  TcSecretStore where = TC_SECRET_STORE_MEMORY;
  g_autofree char *password = lookup (fixture, secrets, id, &where, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, expected);
  g_assert_cmpstr (tc_secret_store_to_string (where), ==, tc_secret_store_to_string (expected_store));
}

static void
assert_mode (const char *path, guint mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, mode);
}

static void
test_store_to_string (void)
{
  g_assert_cmpstr (tc_secret_store_to_string (TC_SECRET_STORE_NONE), ==, "none");
  g_assert_cmpstr (tc_secret_store_to_string (TC_SECRET_STORE_SECRET_SERVICE), ==, "secret-service");
  g_assert_cmpstr (tc_secret_store_to_string (TC_SECRET_STORE_CREDENTIALS_FILE), ==, "credentials-file");
  g_assert_cmpstr (tc_secret_store_to_string (TC_SECRET_STORE_MEMORY), ==, "memory");
}

static void
test_file_store_lookup_clear (Fixture *fixture, gconstpointer data)
{
  g_autoptr (TcSecrets) secrets = tc_secrets_new (fixture->config_dir, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  static const char *const odd = "pa;ss word\t#=[x]\\n é";

  /* nothing stored yet, and no file */
  assert_lookup (fixture, secrets, "alice", NULL, TC_SECRET_STORE_NONE);
  g_assert_true (clear (fixture, secrets, "alice", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (fixture->config_dir, G_FILE_TEST_EXISTS));

  g_assert_cmpint (store (fixture, secrets, "alice", "s3cret", &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);
  g_assert_true (g_file_test (fixture->credentials, G_FILE_TEST_IS_REGULAR));
  assert_mode (fixture->credentials, 0600);
  assert_mode (fixture->config_dir, 0700);
  g_key_file_load_from_file (key_file, fixture->credentials, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  {
    g_autofree char *in_file = g_key_file_get_string (key_file, "alice", "password", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (in_file, ==, "s3cret");
  }
  assert_lookup (fixture, secrets, "alice", "s3cret", TC_SECRET_STORE_CREDENTIALS_FILE);

  /* a second account, and a password with what a key file must escape */
  g_assert_cmpint (store (fixture, secrets, "bob_2", odd, &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);
  assert_lookup (fixture, secrets, "bob_2", odd, TC_SECRET_STORE_CREDENTIALS_FILE);
  /* replacing keeps the other account */
  g_assert_cmpint (store (fixture, secrets, "alice", "new", &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);
  assert_lookup (fixture, secrets, "alice", "new", TC_SECRET_STORE_CREDENTIALS_FILE);
  assert_lookup (fixture, secrets, "bob_2", odd, TC_SECRET_STORE_CREDENTIALS_FILE);
  assert_lookup (fixture, secrets, "carol", NULL, TC_SECRET_STORE_NONE);

  g_assert_true (clear (fixture, secrets, "alice", &error));
  g_assert_no_error (error);
  assert_lookup (fixture, secrets, "alice", NULL, TC_SECRET_STORE_NONE);
  assert_lookup (fixture, secrets, "bob_2", odd, TC_SECRET_STORE_CREDENTIALS_FILE);
  assert_mode (fixture->credentials, 0600);
  /* the last one out removes the file */
  g_assert_true (clear (fixture, secrets, "bob_2", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (fixture->credentials, G_FILE_TEST_EXISTS));
  assert_lookup (fixture, secrets, "bob_2", NULL, TC_SECRET_STORE_NONE);
}

static void
test_file_readable_by_others (Fixture *fixture, gconstpointer data)
{
  static const guint modes[] = { 0644, 0640, 0604, 0660, 0602 };
  g_autoptr (TcSecrets) secrets = tc_secrets_new (fixture->config_dir, FALSE);
  g_autoptr (GError) error = NULL;
  guint i;

  g_assert_cmpint (store (fixture, secrets, "alice", "s3cret", &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);

  for (i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *expected =
        g_strdup_printf ("%s is readable by others (mode %04o); chmod 600 it", fixture->credentials, modes[i]);
      TcSecretStore where = TC_SECRET_STORE_MEMORY;
      g_autofree char *password = NULL;

      g_assert_cmpint (g_chmod (fixture->credentials, modes[i]), ==, 0);
      password = lookup (fixture, secrets, "alice", &where, &error);
      g_assert_null (password);
      g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_cmpint (where, ==, TC_SECRET_STORE_NONE);
      g_clear_error (&error);

      /* nor is it rewritten or cleared: the user has to look at it */
      g_assert_cmpint (store (fixture, secrets, "bob", "pw", &error), ==, TC_SECRET_STORE_NONE);
      g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
      g_assert_false (clear (fixture, secrets, "alice", &error));
      g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
      g_clear_error (&error);
      assert_mode (fixture->credentials, modes[i]);
    }

  g_assert_cmpint (g_chmod (fixture->credentials, 0600), ==, 0);
  assert_lookup (fixture, secrets, "alice", "s3cret", TC_SECRET_STORE_CREDENTIALS_FILE);
  assert_lookup (fixture, secrets, "bob", NULL, TC_SECRET_STORE_NONE);
}

static void
test_file_bad_input (Fixture *fixture, gconstpointer data)
{
  g_autoptr (TcSecrets) secrets = tc_secrets_new (fixture->config_dir, FALSE);
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *password = NULL;

  g_assert_cmpint (store (fixture, secrets, "a/b", "pw", &error), ==, TC_SECRET_STORE_NONE);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_assert_cmpstr (error->message, ==, "id: \"a/b\" is not a valid account id ([A-Za-z0-9_], 1 to 64 characters)");
  g_clear_error (&error);
  password = lookup (fixture, secrets, "[x]", NULL, &error);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  /* a file that is not a key file: said without quoting it */
  g_assert_cmpint (g_mkdir_with_parents (fixture->config_dir, 0700), ==, 0);
  g_file_set_contents_full (fixture->credentials, "hunter2\n", -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  password = lookup (fixture, secrets, "alice", NULL, &error);
  g_assert_null (password);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, fixture->credentials));
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);

  /* a password that is not UTF-8 */
  g_file_set_contents_full (fixture->credentials, "[alice]\npassword=\xff\n", -1, G_FILE_SET_CONTENTS_NONE, 0600,
                            &error);
  g_assert_no_error (error);
  password = lookup (fixture, secrets, "alice", NULL, &error);
  g_assert_null (password);
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_assert_true (g_str_has_suffix (error->message, "/credentials: the password of account alice is not valid UTF-8"));
  g_clear_error (&error);

  /* cancelled before it starts */
  g_cancellable_cancel (cancelled);
  tc_secrets_store_async (secrets, "alice", "sip:alice@example.org", "pw", cancelled, on_done, fixture);
  g_assert_cmpint (tc_secrets_store_finish (secrets, wait_result (fixture), &error), ==, TC_SECRET_STORE_NONE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- the Secret Service -------------------------------------------------- */

static gboolean
skip_without_bus (const TestBus *bus)
{
  if (bus->daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return TRUE;
    }
  return FALSE;
}

static void
on_name_appeared (GDBusConnection *connection, const char *name, const char *owner, gpointer user_data)
{
  g_main_loop_quit (user_data);
}

static gboolean
on_keyring_limit (gpointer user_data)
{
  g_error ("gnome-keyring-daemon did not own org.freedesktop.secrets within %d s", WAIT_LIMIT_S);
  return G_SOURCE_REMOVE;
}

/* gnome-keyring-daemon on the private bus, its login keyring created and
 * unlocked with a password given on stdin and kept in the test's own
 * directory. */
static GSubprocess *
start_keyring (Fixture *fixture)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autofree char *home = g_build_filename (fixture->dir, "home", NULL);
  g_autofree char *data_home = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *config_home = g_build_filename (home, ".config", NULL);
  g_autofree char *runtime = g_build_filename (fixture->dir, "run", NULL);
  g_autoptr (GSubprocess) keyring = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint watch, limit;

  g_assert_cmpint (g_mkdir_with_parents (data_home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", fixture->bus->address, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  /* the test's fatal-warnings is not for the keyring: replacing an item
   * warns there ("already registered") and must not kill it */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_unsetenv (launcher, "GNOME_KEYRING_CONTROL");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground", "--unlock",
                                         "--components=secrets", NULL);
  g_assert_no_error (error);
  /* --unlock reads the password from stdin and creates the login keyring
   * with it; gnome-keyring 42 creates none for an empty password (the store
   * then fails: no collection/login) */
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (keyring), "tincan-test", strlen ("tincan-test"), NULL, NULL,
                             &error);
  g_assert_no_error (error);
  g_output_stream_close (g_subprocess_get_stdin_pipe (keyring), NULL, &error);
  g_assert_no_error (error);

  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.freedesktop.secrets", G_BUS_NAME_WATCHER_FLAGS_NONE,
                            on_name_appeared, NULL, loop, NULL);
  limit = g_timeout_add_seconds (WAIT_LIMIT_S, on_keyring_limit, NULL);
  g_main_loop_run (loop);
  g_source_remove (limit);
  g_bus_unwatch_name (watch);
  return g_steal_pointer (&keyring);
}

static void
stop_process (GSubprocess *process)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
}

/* The bus has no Secret Service and none can be activated: the file is
 * used at once, without waiting for the time limit. */
static void
test_service_absent (Fixture *fixture, gconstpointer data)
{
  g_autoptr (TcSecrets) secrets = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start;

  if (skip_without_bus (fixture->bus))
    return;
  secrets = tc_secrets_new (fixture->config_dir, TRUE);
  start = g_get_monotonic_time ();
  g_assert_cmpint (store (fixture, secrets, "alice", "s3cret", &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  assert_mode (fixture->credentials, 0600);
  assert_lookup (fixture, secrets, "alice", "s3cret", TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_true (clear (fixture, secrets, "alice", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (fixture->credentials, G_FILE_TEST_EXISTS));
}

static void
test_service_keyring (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSubprocess) keyring = NULL;
  g_autoptr (TcSecrets) secrets = NULL;
  g_autoptr (TcSecrets) file_only = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *direct = NULL;
  g_autofree char *program = g_find_program_in_path ("gnome-keyring-daemon");

  if (skip_without_bus (fixture->bus))
    return;
  if (program == NULL)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }
  keyring = start_keyring (fixture);
  secrets = tc_secrets_new (fixture->config_dir, TRUE);
  file_only = tc_secrets_new (fixture->config_dir, FALSE);

  /* a copy left in the file while the service was away */
  g_assert_cmpint (store (fixture, file_only, "alice", "old", &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);
  g_assert_cmpint (store (fixture, file_only, "bob", "bobs", &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);
  /* found in the file: the service has none for it */
  assert_lookup (fixture, secrets, "alice", "old", TC_SECRET_STORE_CREDENTIALS_FILE);

  g_assert_cmpint (store (fixture, secrets, "alice", "s3cret", &error), ==, TC_SECRET_STORE_SECRET_SERVICE);
  g_assert_no_error (error);
  /* the keyring has it, under the schema and attributes the API documents */
  direct = secret_password_lookup_sync (&password_schema, NULL, &error, "endpoint", "alice", "uri",
                                        "sip:alice@example.org", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (direct, ==, "s3cret");
  /* and the plain-text copy is gone from the file; bob's is kept */
  assert_lookup (fixture, file_only, "alice", NULL, TC_SECRET_STORE_NONE);
  assert_lookup (fixture, file_only, "bob", "bobs", TC_SECRET_STORE_CREDENTIALS_FILE);

  assert_lookup (fixture, secrets, "alice", "s3cret", TC_SECRET_STORE_SECRET_SERVICE);
  g_assert_cmpint (store (fixture, secrets, "alice", "changed", &error), ==, TC_SECRET_STORE_SECRET_SERVICE);
  g_assert_no_error (error);
  assert_lookup (fixture, secrets, "alice", "changed", TC_SECRET_STORE_SECRET_SERVICE);
  /* the account under a new URI: one item, the new one */
  tc_secrets_store_async (secrets, "alice", "sips:alice@example.net", "moved", NULL, on_done, fixture);
  g_assert_cmpint (tc_secrets_store_finish (secrets, wait_result (fixture), &error), ==,
                   TC_SECRET_STORE_SECRET_SERVICE);
  g_assert_no_error (error);
  g_clear_pointer (&direct, secret_password_free);
  direct = secret_password_lookup_sync (&password_schema, NULL, &error, "endpoint", "alice", "uri",
                                        "sip:alice@example.org", NULL);
  g_assert_no_error (error);
  g_assert_null (direct);
  assert_lookup (fixture, secrets, "alice", "moved", TC_SECRET_STORE_SECRET_SERVICE);

  /* clear removes it from every store */
  g_assert_cmpint (store (fixture, file_only, "alice", "stale", &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);
  g_assert_true (clear (fixture, secrets, "alice", &error));
  g_assert_no_error (error);
  assert_lookup (fixture, secrets, "alice", NULL, TC_SECRET_STORE_NONE);
  g_clear_pointer (&direct, secret_password_free);
  direct = secret_password_lookup_sync (&password_schema, NULL, &error, "endpoint", "alice", NULL);
  g_assert_no_error (error);
  g_assert_null (direct);
  assert_lookup (fixture, file_only, "bob", "bobs", TC_SECRET_STORE_CREDENTIALS_FILE);
  /* clearing what is not there is fine */
  g_assert_true (clear (fixture, secrets, "alice", &error));
  g_assert_no_error (error);

  stop_process (keyring);
}

static gboolean
on_cancel_timeout (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* A Secret Service whose activation never finishes (a keyring that is
 * installed but cannot start): the attempt ends at its time limit and the
 * file takes over; the caller's cancellation still cancels. */
static void
test_service_activation_hangs (Fixture *fixture, gconstpointer data)
{
  const TestBus *bus = fixture->bus;
  g_autofree char *service_file = NULL;
  g_autofree char *pid_file = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (TcSecrets) secrets = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *pid_text = NULL;
  gint64 start, elapsed;

  if (skip_without_bus (bus))
    return;
  service_file = g_build_filename (bus->service_dir, "org.freedesktop.secrets.service", NULL);
  pid_file = g_build_filename (fixture->dir, "hang.pid", NULL);
  contents = g_strdup_printf ("[D-BUS Service]\n"
                              "Name=org.freedesktop.secrets\n"
                              "Exec=/bin/sh -c 'echo $$ > %s; exec sleep 60'\n",
                              pid_file);
  g_file_set_contents (service_file, contents, -1, &error);
  g_assert_no_error (error);
  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply =
    g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                 "ReloadConfig", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  secrets = tc_secrets_new (fixture->config_dir, TRUE);

  /* the caller gives up first */
  g_timeout_add (200, on_cancel_timeout, cancellable);
  tc_secrets_store_async (secrets, "alice", "sip:alice@example.org", "s3cret", cancellable, on_done, fixture);
  g_assert_cmpint (tc_secrets_store_finish (secrets, wait_result (fixture), &error), ==, TC_SECRET_STORE_NONE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (fixture->credentials, G_FILE_TEST_EXISTS));

  start = g_get_monotonic_time ();
  g_assert_cmpint (store (fixture, secrets, "alice", "s3cret", &error), ==, TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_no_error (error);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("fell back after %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  /* the service is left alone for a while: no second wait */
  start = g_get_monotonic_time ();
  assert_lookup (fixture, secrets, "alice", "s3cret", TC_SECRET_STORE_CREDENTIALS_FILE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  /* the activated process never claimed the name; end it */
  if (g_file_get_contents (pid_file, &pid_text, NULL, NULL))
    kill ((pid_t) g_ascii_strtoll (pid_text, NULL, 10), SIGTERM);
  g_unlink (service_file);
}

/* Starts dbus-daemon with a configuration of our own (no service
 * directory but an empty one of ours), before anything uses D-Bus. */
static void
test_bus_start (TestBus *bus)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *config = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *program = g_find_program_in_path ("dbus-daemon");
  g_autoptr (GError) error = NULL;

  /* never the user's own bus, even when the tests below skip */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tincan-test-bus", TRUE);
  if (program == NULL)
    return;

  bus->dir = g_dir_make_tmp ("tincan-bus-XXXXXX", &error);
  g_assert_no_error (error);
  bus->service_dir = g_build_filename (bus->dir, "services", NULL);
  g_assert_cmpint (g_mkdir (bus->service_dir, 0700), ==, 0);
  config_path = g_build_filename (bus->dir, "session.conf", NULL);
  socket_path = g_build_filename (bus->dir, "bus", NULL);
  bus->address = g_strconcat ("unix:path=", socket_path, NULL);
  /* before the spawn starts GLib's worker thread: setenv is not thread-safe */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus->address, TRUE);
  config = g_strdup_printf ("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                            " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                            "<busconfig>\n"
                            "  <type>session</type>\n"
                            "  <listen>%s</listen>\n"
                            "  <servicedir>%s</servicedir>\n"
                            "  <policy context=\"default\">\n"
                            "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                            "    <allow eavesdrop=\"true\"/>\n"
                            "    <allow own=\"*\"/>\n"
                            "  </policy>\n"
                            "</busconfig>\n",
                            bus->address, bus->service_dir);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  bus->daemon = g_subprocess_launcher_spawn (launcher, &error, program, "--config-file", config_path,
                                             "--print-address=1", "--nofork", NULL);
  g_assert_no_error (error);
  /* the address is printed once the bus listens */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus->daemon));
  printed = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (printed);
  g_assert_true (g_str_has_prefix (printed, bus->address));
}

static void
test_bus_stop (TestBus *bus)
{
  if (bus->daemon)
    {
      /* libsecret keeps a proxy on the bus; let it go first */
      secret_service_disconnect ();
      stop_process (bus->daemon);
      g_clear_object (&bus->daemon);
      remove_tree (bus->dir);
    }
  g_free (bus->address);
  g_free (bus->service_dir);
  g_free (bus->dir);
}

int
main (int argc, char **argv)
{
  TestBus bus = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);
  test_bus_start (&bus);

  g_test_add_func ("/core/secrets/store-to-string", test_store_to_string);
  g_test_add ("/core/secrets/file/store-lookup-clear", Fixture, &bus, fixture_set_up, test_file_store_lookup_clear,
              fixture_tear_down);
  g_test_add ("/core/secrets/file/readable-by-others", Fixture, &bus, fixture_set_up, test_file_readable_by_others,
              fixture_tear_down);
  g_test_add ("/core/secrets/file/bad-input", Fixture, &bus, fixture_set_up, test_file_bad_input, fixture_tear_down);
  g_test_add ("/core/secrets/service/absent", Fixture, &bus, fixture_set_up, test_service_absent, fixture_tear_down);
  g_test_add ("/core/secrets/service/gnome-keyring", Fixture, &bus, fixture_set_up, test_service_keyring,
              fixture_tear_down);
  g_test_add ("/core/secrets/service/activation-hangs", Fixture, &bus, fixture_set_up, test_service_activation_hangs,
              fixture_tear_down);

  status = g_test_run ();
  test_bus_stop (&bus);
  return status;
}
