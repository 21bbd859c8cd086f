/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-config.c — unit tests of TcConfig in a temporary directory: accounts
 * saved and loaded back unchanged (0600 files in a 0700 directory, no
 * password), replacement by rename, removal, and a directory of broken
 * files (a syntax error, a bad value, an unknown key, a bad file name…)
 * each reported with its exact path, line and key while the valid accounts
 * still load.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/core-error.h"

typedef struct {
  char *dir;
  char *endpoints;
  TcConfig *config;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("tincan-config-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->endpoints = g_build_filename (fixture->dir, "endpoints", NULL);
  fixture->config = tc_config_new (fixture->dir);
}

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
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_assert_finalize_object (fixture->config);
  remove_tree (fixture->dir);
  g_free (fixture->endpoints);
  g_free (fixture->dir);
}

static TcEndpointSettings *
make_settings (const char *const *key_values)
{
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  g_autoptr (GError) error = NULL;

  for (; key_values[0]; key_values += 2)
    {
      tc_endpoint_settings_set_text (settings, key_values[0], key_values[1], &error);
      g_assert_no_error (error);
    }
  tc_endpoint_settings_finish (settings, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&settings);
}

static void
assert_same_settings (const TcEndpointSettings *a, const TcEndpointSettings *b)
{
  const char *const *keys;

  for (keys = tc_endpoint_settings_keys (); *keys; keys++)
    {
      g_autofree char *ta = tc_endpoint_settings_get_text (a, *keys);
      g_autofree char *tb = tc_endpoint_settings_get_text (b, *keys);

      g_assert_cmpstr (ta, ==, tb);
    }
  g_assert_cmpstr (a->registrar, ==, b->registrar);
  g_assert_cmpstr (a->auth_username, ==, b->auth_username);
  g_assert_cmpstr (a->transport, ==, b->transport);
  g_assert_cmpstr (a->instance_id, ==, b->instance_id);
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static GPtrArray *
load (TcConfig *config, GPtrArray **problems)
{
  GPtrArray *accounts = tc_config_load (config, problems);

  g_assert_nonnull (accounts);
  g_assert_nonnull (*problems);
  for (guint i = 0; i < (*problems)->len; i++)
    {
      g_autofree char *text = tc_config_problem_to_string (g_ptr_array_index (*problems, i));

      g_test_message ("problem: %s", text);
    }
  return accounts;
}

static void
test_round_trip (Fixture *fixture, gconstpointer data)
{
  static const char *const alice_keys[] = {
    "uri", "sip:alice@example.org", "password", "do-not-save-me", "persist", "true", NULL,
  };
  static const char *const bob_keys[] = {
    "uri",
    "sips:bob@example.com",
    "kind",
    "peer-to-peer",
    "display-name",
    "Bob \"the builder\"; #1 = best ",
    "auth-username",
    "bob-auth",
    "outbound-proxy",
    "sips:proxy.example.com;lr",
    "transport",
    "wss",
    "listen",
    "[::1]:5061",
    "expires",
    "120",
    "retry-interval",
    "5",
    "extra-headers",
    "X-Semi: a\\;b;X-Back: c:\\\\d;Subject: héllo",
    "register-headers",
    "Supported: gruu",
    "allow-events",
    "presence, dialog",
    "max-message-size",
    "2048",
    "inbox-size",
    "7",
    NULL,
  };
  g_autoptr (TcEndpointSettings) alice = make_settings (alice_keys);
  g_autoptr (TcEndpointSettings) bob = make_settings (bob_keys);
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *alice_text = NULL;
  g_autofree char *alice_path = g_build_filename (fixture->endpoints, "alice.conf", NULL);
  TcConfigAccount *account;
  GStatBuf st;

  g_assert_cmpstr (tc_config_get_dir (fixture->config), ==, fixture->dir);
  /* nothing saved yet: no accounts and nothing wrong */
  accounts = load (fixture->config, &problems);
  g_assert_cmpuint (accounts->len, ==, 0);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&accounts, g_ptr_array_unref);
  g_clear_pointer (&problems, g_ptr_array_unref);

  g_assert_true (tc_config_save (fixture->config, "zz_bob", bob, &error));
  g_assert_no_error (error);
  g_assert_true (tc_config_save (fixture->config, "alice", alice, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (fixture->endpoints, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (alice_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  alice_text = read_file (fixture->endpoints, "alice.conf");
  g_assert_null (strstr (alice_text, "do-not-save-me"));
  g_assert_null (strstr (alice_text, "password"));
  g_assert_null (strstr (alice_text, "persist"));
  g_assert_nonnull (strstr (alice_text, "[Endpoint]\n"));
  g_assert_nonnull (strstr (alice_text, "\nuri=sip:alice@example.org\n"));
  /* defaults are left out */
  g_assert_null (strstr (alice_text, "registrar"));
  g_assert_null (strstr (alice_text, "expires"));

  accounts = load (fixture->config, &problems);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (accounts->len, ==, 2);
  account = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (account->id, ==, "alice");
  assert_same_settings (account->settings, alice);
  g_assert_null (account->settings->password);
  g_assert_false (account->settings->persist);
  g_assert_cmpstr (account->settings->registrar, ==, "sip:example.org");
  account = g_ptr_array_index (accounts, 1);
  g_assert_cmpstr (account->id, ==, "zz_bob");
  assert_same_settings (account->settings, bob);
  g_assert_cmpstr (account->settings->display_name, ==, "Bob \"the builder\"; #1 = best ");
  g_assert_cmpuint (account->settings->extra_headers->len, ==, 3);
  g_assert_cmpstr (g_array_index (account->settings->extra_headers, TcHeaderPair, 0).value, ==, "a;b");
  g_assert_cmpstr (g_array_index (account->settings->extra_headers, TcHeaderPair, 1).value, ==, "c:\\d");
  g_assert_cmpstr (g_array_index (account->settings->extra_headers, TcHeaderPair, 2).value, ==, "héllo");
}

static void
list_names (const char *dir, GPtrArray *names)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
}

static void
test_atomic_replace (Fixture *fixture, gconstpointer data)
{
  static const char *const first_keys[] = { "uri", "sip:carol@example.org", "expires", "600", NULL };
  static const char *const second_keys[] = { "uri", "sip:carol@example.net", "display-name", "Carol", NULL };
  g_autoptr (TcEndpointSettings) first = make_settings (first_keys);
  g_autoptr (TcEndpointSettings) second = make_settings (second_keys);
  g_autofree char *path = g_build_filename (fixture->endpoints, "carol.conf", NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GStatBuf before, after;

  g_assert_true (tc_config_save (fixture->config, "carol", first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &before), ==, 0);
  /* a file the user made readable is replaced by a new 0600 file */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (tc_config_save (fixture->config, "carol", second, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &after), ==, 0);

  /* a new file renamed over the old one, not the old one rewritten */
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  g_assert_cmpint (after.st_mode & 0777, ==, 0600);
  /* and no temporary file is left behind */
  list_names (fixture->endpoints, names);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "carol.conf");

  text = read_file (fixture->endpoints, "carol.conf");
  g_assert_null (strstr (text, "example.org"));
  g_assert_null (strstr (text, "expires"));
  accounts = load (fixture->config, &problems);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (accounts->len, ==, 1);
  assert_same_settings (((TcConfigAccount *) g_ptr_array_index (accounts, 0))->settings, second);
}

static void
test_remove (Fixture *fixture, gconstpointer data)
{
  static const char *const keys[] = { "uri", "sip:dave@example.org", NULL };
  g_autoptr (TcEndpointSettings) settings = make_settings (keys);
  g_autofree char *path = g_build_filename (fixture->endpoints, "dave.conf", NULL);
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  g_autoptr (GError) error = NULL;

  /* nothing to remove is not an error */
  g_assert_true (tc_config_remove (fixture->config, "dave", &error));
  g_assert_no_error (error);

  g_assert_true (tc_config_save (fixture->config, "dave", settings, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (tc_config_remove (fixture->config, "dave", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (tc_config_remove (fixture->config, "dave", &error));
  g_assert_no_error (error);

  accounts = load (fixture->config, &problems);
  g_assert_cmpuint (accounts->len, ==, 0);
  g_assert_cmpuint (problems->len, ==, 0);

  g_assert_false (tc_config_remove (fixture->config, "../dave", &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_assert_cmpstr (error->message, ==, "id: \"../dave\" is not a valid account id ([A-Za-z0-9_], 1 to 64 characters)");
}

static void
test_save_errors (Fixture *fixture, gconstpointer data)
{
  static const char *const keys[] = { "uri", "sip:erin@example.org", NULL };
  g_autoptr (TcEndpointSettings) settings = make_settings (keys);
  g_autoptr (TcEndpointSettings) no_uri = tc_endpoint_settings_new ();
  g_autofree char *blocked_dir = g_build_filename (fixture->dir, "blocked", NULL);
  g_autoptr (TcConfig) blocked = tc_config_new (blocked_dir);
  g_autoptr (GError) error = NULL;

  g_assert_false (tc_config_save (fixture->config, "erin.x", settings, &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  g_assert_false (tc_config_save (fixture->config, "", settings, &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  g_assert_false (tc_config_save (fixture->config, "erin", no_uri, &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS);
  g_assert_cmpstr (error->message, ==, "uri: missing; account erin has no address of record");
  g_clear_error (&error);

  /* <dir>/endpoints cannot be made: a file is in the way */
  write_file (blocked_dir, "endpoints", "not a directory");
  g_assert_false (tc_config_save (blocked, "erin", settings, &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "saving account erin: cannot create "));
  g_clear_error (&error);
  g_assert_finalize_object (g_steal_pointer (&blocked));
}

static void
test_id_is_valid (void)
{
  g_autofree char *longest = g_strnfill (64, 'a');
  g_autofree char *too_long = g_strnfill (65, 'a');

  g_assert_true (tc_config_id_is_valid ("alice"));
  g_assert_true (tc_config_id_is_valid ("A_1"));
  g_assert_true (tc_config_id_is_valid ("_"));
  g_assert_true (tc_config_id_is_valid (longest));
  g_assert_false (tc_config_id_is_valid (too_long));
  g_assert_false (tc_config_id_is_valid (""));
  g_assert_false (tc_config_id_is_valid (NULL));
  g_assert_false (tc_config_id_is_valid ("a-b"));
  g_assert_false (tc_config_id_is_valid ("a.b"));
  g_assert_false (tc_config_id_is_valid ("a/b"));
  g_assert_false (tc_config_id_is_valid ("a b"));
  g_assert_false (tc_config_id_is_valid ("é"));
}

static void
test_problem_to_string (void)
{
  TcConfigProblem full = { "/x/a.conf", 7, "expires", "5 is out of range 60..86400" };
  TcConfigProblem no_line = { "/x/a.conf", 0, "uri", "missing" };
  TcConfigProblem no_key = { "/x/a.conf", 3, NULL, "not a [group], key=value, comment or blank line" };
  TcConfigProblem bare = { NULL, 0, NULL, "odd" };
  g_autofree char *a = tc_config_problem_to_string (&full);
  g_autofree char *b = tc_config_problem_to_string (&no_line);
  g_autofree char *c = tc_config_problem_to_string (&no_key);
  g_autofree char *d = tc_config_problem_to_string (&bare);

  g_assert_cmpstr (a, ==, "/x/a.conf:7: expires: 5 is out of range 60..86400");
  g_assert_cmpstr (b, ==, "/x/a.conf: uri: missing");
  g_assert_cmpstr (c, ==, "/x/a.conf:3: not a [group], key=value, comment or blank line");
  g_assert_cmpstr (d, ==, "odd");
}

/* The problem of @name's file at @index among @problems is exactly this. */
static void
assert_problem (Fixture *fixture, GPtrArray *problems, const char *name, guint line, const char *key,
                const char *message)
{
  g_autofree char *path = g_build_filename (fixture->endpoints, name, NULL);
  guint i;

  for (i = 0; i < problems->len; i++)
    {
      const TcConfigProblem *problem = g_ptr_array_index (problems, i);

      if (g_str_equal (problem->path, path) && problem->line == line && g_strcmp0 (problem->key, key) == 0 &&
          g_str_equal (problem->message, message))
        return;
    }
  g_test_message ("expected %s:%u: %s: %s", path, line, key ? key : "-", message);
  g_test_fail ();
}

static guint
count_problems (Fixture *fixture, GPtrArray *problems, const char *name)
{
  g_autofree char *path = g_build_filename (fixture->endpoints, name, NULL);
  guint i, n = 0;

  for (i = 0; i < problems->len; i++)
    n += g_str_equal (((TcConfigProblem *) g_ptr_array_index (problems, i))->path, path);
  return n;
}

static void
test_malformed_files (Fixture *fixture, gconstpointer data)
{
  g_autofree char *long_id = g_strnfill (65, 'x');
  g_autofree char *long_name = g_strconcat (long_id, ".conf", NULL);
  g_autofree char *subdir = g_build_filename (fixture->endpoints, "sub.conf", NULL);
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  g_autofree char *first = NULL;
  TcConfigAccount *account;

  write_file (fixture->endpoints, "good.conf",
              "# a comment\n"
              "\n"
              "[Endpoint]\n"
              "uri=sip:good@example.org\n"
              "expires = 300\n"
              "instance-id=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\n");
  write_file (fixture->endpoints, "also_good.conf",
              "[Endpoint]\r\n"
              "uri=sip:also@example.org\r\n"
              "kind=peer-to-peer\r\n"
              "instance-id=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf7\r\n");
  write_file (fixture->endpoints, "syntax.conf",
              "[Endpoint]\n"
              "uri=sip:syntax@example.org\n"
              "\n"
              "# fine so far\n"
              "this line is garbage\n"
              "expires=300\n");
  write_file (fixture->endpoints, "bad_value.conf",
              "# the account of a user who typed a short expiry\n"
              "[Endpoint]\n"
              "uri=sip:value@example.org\n"
              "display-name=Value\n"
              "  expires=5\n"
              "transport=udp\n");
  write_file (fixture->endpoints, "unknown_key.conf",
              "[Endpoint]\n"
              "uri=sip:unknown@example.org\n"
              "frobnicate=1\n");
  write_file (fixture->endpoints, "two_bad.conf",
              "[Endpoint]\n"
              "uri=tel:+15551234\n"
              "kind=proxy\n"
              "inbox-size=0\n");
  write_file (fixture->endpoints, "password.conf",
              "[Endpoint]\n"
              "uri=sip:pw@example.org\n"
              "password=hunter2\n");
  write_file (fixture->endpoints, "persist.conf",
              "[Endpoint]\n"
              "uri=sip:persist@example.org\n"
              "persist=true\n");
  write_file (fixture->endpoints, "cross.conf",
              "[Endpoint]\n"
              "registrar=sip:example.org\n"
              "uri=sip:cross@example.org\n"
              "kind=peer-to-peer\n");
  write_file (fixture->endpoints, "no_uri.conf",
              "[Endpoint]\n"
              "display-name=Nobody\n");
  write_file (fixture->endpoints, "no_group.conf", "# nothing\n");
  write_file (fixture->endpoints, "before_group.conf",
              "uri=sip:before@example.org\n"
              "[Endpoint]\n");
  write_file (fixture->endpoints, "other_group.conf",
              "[Endpoint]\n"
              "uri=sip:other@example.org\n"
              "\n"
              "[Extra]\n"
              "x=1\n");
  write_file (fixture->endpoints, "crlf_header.conf",
              "[Endpoint]\n"
              "uri=sip:crlf@example.org\n"
              "extra-headers=X-A: 1;Via: SIP/2.0/UDP evil;\n");
  write_file (fixture->endpoints, "escaped_lf.conf",
              "[Endpoint]\n"
              "uri=sip:lf@example.org\n"
              "display-name=Evil\\r\\nVia: x\n");
  write_file (fixture->endpoints, "utf8.conf",
              "[Endpoint]\n"
              "uri=sip:utf8@example.org\n"
              "display-name=\xff\xfe\n");
  write_file (fixture->endpoints, "repeated.conf",
              "[Endpoint]\n"
              "uri=sip:repeated@example.org\n"
              "expires=300\n"
              "display-name=R\n"
              "expires=600\n"
              "[Endpoint]\n"
              "expires=900\n");
  write_file (fixture->endpoints, "bad-name.conf", "[Endpoint]\nuri=sip:name@example.org\n");
  write_file (fixture->endpoints, "notes.txt", "hello\n");
  write_file (fixture->endpoints, "good.conf~", "[Endpoint]\nuri=sip:backup@example.org\n");
  write_file (fixture->endpoints, long_name, "[Endpoint]\nuri=sip:long@example.org\n");
  write_file (fixture->endpoints, ".conf", "[Endpoint]\nuri=sip:empty@example.org\n");
  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);

  accounts = load (fixture->config, &problems);

  /* the valid accounts load */
  g_assert_cmpuint (accounts->len, ==, 2);
  account = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (account->id, ==, "also_good");
  g_assert_cmpint (account->settings->kind, ==, TC_ENDPOINT_KIND_PEER_TO_PEER);
  account = g_ptr_array_index (accounts, 1);
  g_assert_cmpstr (account->id, ==, "good");
  g_assert_cmpstr (account->settings->uri, ==, "sip:good@example.org");
  g_assert_cmpuint (account->settings->expires, ==, 300);

  /* each broken file is named, with its line and key */
  assert_problem (fixture, problems, "syntax.conf", 5, NULL, "not a [group], key=value, comment or blank line");
  assert_problem (fixture, problems, "bad_value.conf", 5, "expires", "5 is out of range 60..86400");
  assert_problem (fixture, problems, "unknown_key.conf", 3, "frobnicate", "unknown key");
  assert_problem (fixture, problems, "two_bad.conf", 2, "uri",
                  "not a sip: or sips: URI: \"tel:+15551234\" is a tel: URI");
  assert_problem (fixture, problems, "two_bad.conf", 3, "kind", "\"proxy\" is not one of registered, peer-to-peer");
  assert_problem (fixture, problems, "two_bad.conf", 4, "inbox-size", "0 is out of range 1..100000");
  assert_problem (fixture, problems, "password.conf", 3, "password",
                  "not allowed in an account file (passwords live in the Secret Service or the credentials file)");
  assert_problem (fixture, problems, "persist.conf", 3, "persist", "unknown key");
  assert_problem (fixture, problems, "cross.conf", 2, "registrar",
                  "not allowed for a peer-to-peer endpoint, which never registers");
  assert_problem (fixture, problems, "no_uri.conf", 0, "uri",
                  "missing; every endpoint needs its address of record (a sip: or sips: URI)");
  assert_problem (fixture, problems, "no_group.conf", 0, NULL, "no [Endpoint] group");
  assert_problem (fixture, problems, "before_group.conf", 1, NULL, "key=value before any [group]");
  assert_problem (fixture, problems, "other_group.conf", 4, NULL,
                  "unknown group [Extra] (an account file has only [Endpoint])");
  assert_problem (fixture, problems, "crlf_header.conf", 3, "extra-headers",
                  "header Via (Via) is set by the SIP stack and cannot be added");
  assert_problem (fixture, problems, "escaped_lf.conf", 3, "display-name",
                  "contains CR (0x0d); CR, LF and other control characters are not allowed");
  assert_problem (fixture, problems, "utf8.conf", 3, "display-name", "not valid UTF-8");
  assert_problem (fixture, problems, "repeated.conf", 7, "expires", "given more than once (first on line 3)");
  g_assert_cmpuint (count_problems (fixture, problems, "repeated.conf"), ==, 1);
  assert_problem (fixture, problems, "bad-name.conf", 0, NULL,
                  "\"bad-name\" is not a valid account id ([A-Za-z0-9_], 1 to 64 characters); ignored");
  assert_problem (fixture, problems, "notes.txt", 0, NULL, "not an account file (<id>.conf); ignored");
  assert_problem (fixture, problems, "good.conf~", 0, NULL, "not an account file (<id>.conf); ignored");
  assert_problem (fixture, problems, ".conf", 0, NULL,
                  "\"\" is not a valid account id ([A-Za-z0-9_], 1 to 64 characters); ignored");
  assert_problem (fixture, problems, "sub.conf", 0, NULL, "not a regular file; ignored");
  g_assert_cmpuint (count_problems (fixture, problems, long_name), ==, 1);
  g_assert_cmpuint (count_problems (fixture, problems, "two_bad.conf"), ==, 3);
  g_assert_cmpuint (count_problems (fixture, problems, "good.conf"), ==, 0);
  g_assert_cmpuint (count_problems (fixture, problems, "also_good.conf"), ==, 0);
  g_assert_cmpuint (problems->len, ==, 23);

  /* the problems come sorted by path and line, and print as path:line: key: */
  first = tc_config_problem_to_string (g_ptr_array_index (problems, 0));
  g_assert_true (g_str_has_prefix (first, fixture->endpoints));
  {
    g_autofree char *path = g_build_filename (fixture->endpoints, "bad_value.conf", NULL);
    g_autofree char *expected = g_strconcat (path, ":5: expires: 5 is out of range 60..86400", NULL);
    guint i;

    for (i = 0; i < problems->len; i++)
      {
        g_autofree char *text = tc_config_problem_to_string (g_ptr_array_index (problems, i));

        if (g_str_has_prefix (text, path))
          g_assert_cmpstr (text, ==, expected);
      }
  }

  /* loading again gives the same: nothing was rewritten or moved */
  {
    g_autoptr (GPtrArray) again = NULL;
    g_autoptr (GPtrArray) again_problems = NULL;

    again = load (fixture->config, &again_problems);
    g_assert_cmpuint (again->len, ==, 2);
    g_assert_cmpuint (again_problems->len, ==, problems->len);
  }
  /* problems may be ignored */
  {
    g_autoptr (GPtrArray) quiet = tc_config_load (fixture->config, NULL);

    g_assert_cmpuint (quiet->len, ==, 2);
  }
}

static void
test_instance_id_persisted (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GPtrArray) again_problems = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  const char *instance_id;

  write_file (fixture->endpoints, "fresh.conf", "[Endpoint]\nuri=sip:fresh@example.org\n");
  accounts = load (fixture->config, &problems);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (accounts->len, ==, 1);
  instance_id = ((TcConfigAccount *) g_ptr_array_index (accounts, 0))->settings->instance_id;
  g_assert_nonnull (instance_id);

  /* RFC 5626 §4.1: the instance id made on first load is kept */
  text = read_file (fixture->endpoints, "fresh.conf");
  line = g_strconcat ("instance-id=", instance_id, "\n", NULL);
  g_assert_nonnull (strstr (text, line));
  again = load (fixture->config, &again_problems);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpstr (((TcConfigAccount *) g_ptr_array_index (again, 0))->settings->instance_id, ==, instance_id);
}

static void
test_unreadable_dir (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  const TcConfigProblem *problem;

  /* endpoints is a file: the directory cannot be read, and that is said */
  write_file (fixture->dir, "endpoints", "");
  accounts = load (fixture->config, &problems);
  g_assert_cmpuint (accounts->len, ==, 0);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpstr (problem->path, ==, fixture->endpoints);
  g_assert_cmpuint (problem->line, ==, 0);
  g_assert_null (problem->key);
  g_assert_nonnull (problem->message);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/config/id-is-valid", test_id_is_valid);
  g_test_add_func ("/core/config/problem-to-string", test_problem_to_string);
  g_test_add ("/core/config/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/core/config/atomic-replace", Fixture, NULL, fixture_set_up, test_atomic_replace, fixture_tear_down);
  g_test_add ("/core/config/remove", Fixture, NULL, fixture_set_up, test_remove, fixture_tear_down);
  g_test_add ("/core/config/save-errors", Fixture, NULL, fixture_set_up, test_save_errors, fixture_tear_down);
  g_test_add ("/core/config/load/malformed-files", Fixture, NULL, fixture_set_up, test_malformed_files,
              fixture_tear_down);
  g_test_add ("/core/config/load/instance-id-persisted", Fixture, NULL, fixture_set_up, test_instance_id_persisted,
              fixture_tear_down);
  g_test_add ("/core/config/load/unreadable-dir", Fixture, NULL, fixture_set_up, test_unreadable_dir,
              fixture_tear_down);

  return g_test_run ();
}
