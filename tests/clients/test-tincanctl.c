/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-tincanctl.c — tincanctl as a user runs it, without tincand: its
 * argument parsing (usage errors exit 2 before any bus is touched), the
 * unreachable cases (no bus, an empty private bus, a service that fails to
 * activate: exit 3), and every command's text and JSON output against a
 * fake org.tincan.Tincan1 served by this process, on a private bus
 * (GTestDBus), from the same generated skeletons the daemon uses.
 *
 * tincanctl runs as a child process (TINCANCTL_PATH) while the fake
 * (fake-tincand.c) answers from this process's main loop.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fake-tincand.h"

typedef FakeTincand Fixture;

typedef struct {
  int status;
  char *out;
  char *err;
} CtlResult;

static void
ctl_result_clear (CtlResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CtlResult, ctl_result_clear)

/* ---- running tincanctl ---- */

typedef struct {
  gboolean done;
  GBytes *out;
  GBytes *err;
  GError *error;
} Communicate;

static void
on_communicated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Communicate *c = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &c->out, &c->err, &c->error);
  c->done = TRUE;
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  return g_strndup (data ? data : "", len);
}

/* Runs tincanctl with @argv, @stdin_text on its standard input, and @env
 * ("NAME=value" to set, "NAME" to unset) applied to this process's
 * environment; the main loop runs meanwhile, so the fake answers. */
static void
run_ctl_full (const char *const *env, const char *stdin_text, CtlResult *r, const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GBytes) input = g_bytes_new (stdin_text ? stdin_text : "", stdin_text ? strlen (stdin_text) : 0);
  g_autoptr (GError) error = NULL;
  Communicate c = { 0 };
  guint i;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (i = 0; env && env[i]; i++)
    {
      const char *eq = strchr (env[i], '=');

      if (eq)
        {
          g_autofree char *name = g_strndup (env[i], eq - env[i]);

          g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
        }
      else
        g_subprocess_launcher_unsetenv (launcher, env[i]);
    }

  g_ptr_array_add (args, (gpointer) TINCANCTL_PATH);
  for (i = 0; argv[i]; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, input, NULL, on_communicated, &c);
  while (!c.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (c.error);

  r->out = bytes_to_string (c.out);
  r->err = bytes_to_string (c.err);
  g_clear_pointer (&c.out, g_bytes_unref);
  g_clear_pointer (&c.err, g_bytes_unref);
  g_test_message ("tincanctl %s ... -> wait status %d\nstdout: %s\nstderr: %s", argv[0] ? argv[0] : "",
                  g_subprocess_get_status (process), r->out, r->err);
  g_assert_true (g_subprocess_get_if_exited (process));
  r->status = g_subprocess_get_exit_status (process);
}

#define run_ctl(r, ...) run_ctl_full (NULL, NULL, r, (const char *const[]){ __VA_ARGS__, NULL })
#define run_ctl_env(env, r, ...) run_ctl_full (env, NULL, r, (const char *const[]){ __VA_ARGS__, NULL })
#define run_ctl_stdin(in, r, ...) run_ctl_full (NULL, in, r, (const char *const[]){ __VA_ARGS__, NULL })

/* An error: on stderr, starting "tincanctl: ", one line (two for a usage error,
 * with the pointer to --help), and nothing on stdout. */
static void
assert_error_line (const CtlResult *r, int status, const char *contains)
{
  g_auto (GStrv) lines = g_strsplit (r->err, "\n", -1);

  g_assert_cmpint (r->status, ==, status);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_true (g_str_has_prefix (r->err, "tincanctl: "));
  g_assert_true (g_str_has_suffix (r->err, "\n"));
  g_assert_cmpuint (g_strv_length (lines), ==, status == 2 ? 3 : 2);
  g_assert_nonnull (strstr (r->err, contains));
}

/* A private bus with nothing on it. */
static void
setup_empty_bus (Fixture *f, gconstpointer data)
{
  fake_tincand_bus_up (f, data);
}

/* A private bus with the fake daemon. */
static void
setup_fake (Fixture *f, gconstpointer data)
{
  fake_tincand_bus_up (f, NULL);
  fake_tincand_start (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  fake_tincand_stop (f);
}

/* ---- usage ---- */

static void
test_help (void)
{
  g_auto (CtlResult) r = { 0 };
  g_auto (CtlResult) add = { 0 };
  g_auto (CtlResult) help_add = { 0 };

  run_ctl (&r, "--help");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_nonnull (strstr (r.out, "Usage:"));
  g_assert_nonnull (strstr (r.out, "  monitor [ENDPOINT]"));
  g_assert_nonnull (strstr (r.out, "--json"));
  g_assert_nonnull (strstr (r.out, "Exit status:"));

  run_ctl (&add, "add", "--help");
  g_assert_cmpint (add.status, ==, 0);
  g_assert_nonnull (strstr (add.out, "] add URI\n")); /* GLib's "[OPTION…]" is spelt by the locale */
  g_assert_nonnull (strstr (add.out, "--password-stdin"));
  g_assert_nonnull (strstr (add.out, "--header"));

  run_ctl (&help_add, "help", "add");
  g_assert_cmpint (help_add.status, ==, 0);
  g_assert_cmpstr (help_add.out, ==, add.out);
}

static void
test_version_option (void)
{
  g_auto (CtlResult) r = { 0 };

  run_ctl (&r, "--version");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "tincanctl "));
}

/* Each is refused with exit 2 and a message before any bus is tried: the bus
 * address points nowhere, and that would be exit 3. */
static void
test_usage_errors (void)
{
  static const struct {
    const char *args[8];
    const char *message;
  } cases[] = {
    { { NULL }, "no command given" },
    { { "frobnicate" }, "unknown command 'frobnicate'" },
    { { "--wait", "list" }, "unknown option '--wait'" },
    { { "list", "--bogus" }, "Unknown option --bogus" },
    { { "list", "extra" }, "unexpected argument 'extra'" },
    { { "show" }, "missing argument" },
    { { "show", "a", "b" }, "unexpected argument 'b'" },
    { { "show", "no-dashes-allowed" }, "invalid endpoint 'no-dashes-allowed'" },
    { { "show", "/org/tincan/Tincan1/other" }, "invalid endpoint" },
    { { "add" }, "missing argument" },
    { { "add", "alice@example.org" }, "not a sip: or sips: URI" },
    { { "add", "sip:a@b", "--kind", "bogus" }, "--kind must be registered or peer-to-peer" },
    { { "add", "sip:a@b", "--transport", "sctp" }, "--transport must be one of" },
    { { "add", "sip:a@b", "--expires", "0" }, "--expires must be" },
    { { "add", "sip:a@b", "--expires", "-5" }, "--expires must be" },
    { { "add", "sip:a@b", "--expires", "12x" }, "--expires must be" },
    { { "add", "sip:a@b", "--password", "x", "--password-stdin" }, "cannot be used together" },
    { { "add", "sip:a@b", "--header", "no colon" }, "expected 'Name: value'" },
    { { "add", "sip:a@b", "--header", ": value" }, "the header name is empty" },
    { { "register", "default", "--timeout", "-1" }, "--timeout must not be negative" },
    { { "register", "default", "--timeout", "soon" }, "Cannot parse integer" },
    { { "send", "default", "sip:bob@b" }, "give either TEXT or --file PATH" },
    { { "send", "default", "sip:bob@b", "hi", "--file", "/dev/null" }, "give either TEXT or --file PATH" },
    { { "send", "default", "sip:bob@b", "--file", "/nonexistent/body" }, "--file:" },
    { { "send", "default", "sip:bob@b", "x", "y" }, "unexpected argument 'y'" },
    { { "ack", "default" }, "missing argument" },
    { { "trace", "maybe" }, "expected on or off" },
    { { "monitor", "a", "b" }, "unexpected argument 'b'" },
    { { "call", "default" }, "missing argument" },
    { { "call", "default", "sip:b@c", "x" }, "unexpected argument 'x'" },
    { { "call", "bad-id", "sip:b@c" }, "invalid endpoint 'bad-id'" },
    { { "call", "default", "sip:b@c", "--header", "no colon" }, "expected 'Name: value'" },
    { { "call", "default", "sip:b@c", "--wait", "--timeout", "-1" }, "--timeout must not be negative" },
    { { "sessions", "a", "b" }, "unexpected argument 'b'" },
    { { "hangup" }, "missing argument" },
    { { "hangup", "default" }, "invalid session 'default': give ENDPOINT/N" },
    { { "hangup", "default/x" }, "invalid session 'default/x'" },
    { { "hangup", "/org/tincan/Tincan1/endpoint/default/session/" }, "invalid session" },
    { { "hangup", "bad-id/1" }, "invalid endpoint 'bad-id'" },
    { { "answer", "default/1", "--header", ": v" }, "the header name is empty" },
    { { "reject", "default/1", "200" }, "STATUS must be a SIP status from 300 to 699, not '200'" },
    { { "reject", "default/1", "486", "Busy", "x" }, "unexpected argument 'x'" },
    { { "dtmf", "default/1" }, "missing argument" },
    { { "dtmf", "default/1", "12x" }, "DIGITS may only hold 0-9 * # A-D, not '12x'" },
    { { "dtmf", "default/1", "1", "--duration", "10" }, "--duration must be from 40 to 5000" },
    { { "info", "default/1", "text/plain" }, "missing argument" },
    { { "play", "default/1" }, "missing argument" },
    { { "record", "default/1" }, "give FILE, or --stop" },
    { { "record", "default/1", "/tmp/a.wav", "--stop" }, "--stop takes no FILE" },
    { { "mute", "default/1", "maybe" }, "expected on or off" },
    { { "help", "frobnicate" }, "unknown command 'frobnicate'" },
  };
  const char *const env[] = { "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus", NULL };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (CtlResult) r = { 0 };

      run_ctl_full (env, NULL, &r, cases[i].args);
      assert_error_line (&r, 2, cases[i].message);
      g_assert_nonnull (strstr (r.err, "--help' for more information."));
    }
}

static void
test_password_stdin_empty (void)
{
  g_auto (CtlResult) r = { 0 };

  run_ctl_stdin ("", &r, "add", "sip:a@b", "--password-stdin");
  assert_error_line (&r, 2, "no password on standard input");
}

/* ---- unreachable ---- */

static void
test_no_bus (void)
{
  const char *const env[] = { "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus", NULL };
  g_auto (CtlResult) r = { 0 };
  g_auto (CtlResult) bad = { 0 };

  run_ctl_env (env, &r, "--json", "list");
  assert_error_line (&r, 3, "cannot connect to the D-Bus session bus");

  run_ctl (&bad, "--address", "unix:path=/nonexistent/bus", "list");
  assert_error_line (&bad, 3, "cannot connect to the D-Bus bus at unix:path=/nonexistent/bus");
}

static void
test_no_daemon (Fixture *f, gconstpointer data)
{
  const char *const commands[][4] = {
    { "--json", "list", NULL },
    { "show", "default", "--json", NULL },
    { "trace", "on", NULL },
    { "monitor", NULL },
  };
  const char *const unset[] = { "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus", NULL };
  g_auto (CtlResult) by_address = { 0 };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto (CtlResult) r = { 0 };

      run_ctl_full (NULL, NULL, &r, commands[i]);
      assert_error_line (&r, 3, "tincand is not running and cannot be activated");
      g_assert_nonnull (strstr (r.err, "org.tincan.Tincan1"));
    }

  /* --address reaches the same bus without the environment. */
  run_ctl_env (unset, &by_address, "--json", "--address", g_test_dbus_get_bus_address (f->bus), "list");
  assert_error_line (&by_address, 3, "tincand is not running");
}

/* A service file whose daemon exits at once: activation fails, exit 3. */
static void
test_activation_fails (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-tincanctl-XXXXXX", &error);
  g_autofree char *file = NULL;
  g_auto (CtlResult) r = { 0 };
  Fixture f = { 0 };

  g_assert_no_error (error);
  file = g_build_filename (dir, "org.tincan.Tincan1.service", NULL);
  g_file_set_contents (file, "[D-BUS Service]\nName=org.tincan.Tincan1\nExec=/bin/false\n", -1, &error);
  g_assert_no_error (error);

  setup_empty_bus (&f, dir);
  run_ctl (&r, "--json", "list");
  assert_error_line (&r, 3, "cannot start tincand");
  g_assert_nonnull (strstr (r.err, "org.freedesktop.DBus.Error.Spawn."));
  teardown (&f, NULL);

  g_unlink (file);
  g_rmdir (dir);
}

/* ---- against the fake daemon ---- */

static void
test_list (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) json = { 0 };

  run_ctl (&text, "list");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.err, ==, "");
  g_assert_cmpstr (text.out, ==,
                   "ID       URI                    KIND          STATE         CONTACT\n"
                   "default  sip:default@127.0.0.1  peer-to-peer  unregistered  <sip:default@127.0.0.1:5060>\n"
                   "bob      sip:bob@example.org    registered    unregistered  <sip:bob@127.0.0.1:5060>\n"
                   "stuck    sip:stuck@example.org  registered    unregistered  <sip:stuck@127.0.0.1:5060>\n");

  /* --json after the command works as well as before it. */
  run_ctl (&json, "list", "--json");
  g_assert_cmpint (json.status, ==, 0);
  g_assert_cmpstr (
    json.out, ==,
    "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\","
    "\"uri\":\"sip:default@127.0.0.1\",\"kind\":\"peer-to-peer\",\"registration_state\":\"unregistered\","
    "\"contact\":\"<sip:default@127.0.0.1:5060>\"}\n"
    "{\"endpoint\":\"bob\",\"path\":\"/org/tincan/Tincan1/endpoint/bob\","
    "\"uri\":\"sip:bob@example.org\",\"kind\":\"registered\",\"registration_state\":\"unregistered\","
    "\"contact\":\"<sip:bob@127.0.0.1:5060>\"}\n"
    "{\"endpoint\":\"stuck\",\"path\":\"/org/tincan/Tincan1/endpoint/stuck\","
    "\"uri\":\"sip:stuck@example.org\",\"kind\":\"registered\",\"registration_state\":\"unregistered\","
    "\"contact\":\"<sip:stuck@127.0.0.1:5060>\"}\n");
}

static void
test_show (Fixture *f, gconstpointer data)
{
  gboolean has_store = tc_dbus_endpoint_interface_info () &&
                       g_dbus_interface_info_lookup_property (tc_dbus_endpoint_interface_info (), "PasswordStore");
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) json = { 0 };
  g_auto (CtlResult) by_path = { 0 };
  g_auto (CtlResult) missing = { 0 };
  g_autofree char *expected_text = NULL;
  g_autofree char *expected_json = NULL;

  run_ctl (&text, "show", "default");
  g_assert_cmpint (text.status, ==, 0);
  expected_text = g_strconcat ("Endpoint:           default\n"
                               "Path:               /org/tincan/Tincan1/endpoint/default\n"
                               "Uri:                sip:default@127.0.0.1\n"
                               "Kind:               peer-to-peer\n"
                               "DisplayName:        \n"
                               "RegistrationState:  unregistered\n"
                               "Gruu:               \n"
                               "InstanceId:         urn:uuid:00000000-0000-4000-8000-000000000001\n"
                               "Contact:            <sip:default@127.0.0.1:5060>\n"
                               "Transport:          udp\n",
                               has_store ? "PasswordStore:      none\n" : "",
                               "Sessions:           \"\"\n"
                               "IncomingCallPolicy: ring\n",
                               NULL);
  g_assert_cmpstr (text.out, ==, expected_text);

  run_ctl (&json, "--json", "show", "default");
  g_assert_cmpint (json.status, ==, 0);
  expected_json = g_strconcat (
    "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"uri\":\"sip:default@127.0.0.1\","
    "\"kind\":\"peer-to-peer\",\"display_name\":\"\",\"registration_state\":\"unregistered\",\"gruu\":\"\","
    "\"instance_id\":\"urn:uuid:00000000-0000-4000-8000-000000000001\","
    "\"contact\":\"<sip:default@127.0.0.1:5060>\",\"transport\":\"udp\"",
    has_store ? ",\"password_store\":\"none\"" : "", ",\"sessions\":[],\"incoming_call_policy\":\"ring\"}\n", NULL);
  g_assert_cmpstr (json.out, ==, expected_json);

  run_ctl (&by_path, "--json", "show", "/org/tincan/Tincan1/endpoint/default");
  g_assert_cmpstr (by_path.out, ==, expected_json);

  run_ctl (&missing, "show", "nosuch");
  assert_error_line (&missing, 1, "no endpoint 'nosuch' (/org/tincan/Tincan1/endpoint/nosuch)");
}

/* ENDPOINT may be the endpoint's URI, when exactly one endpoint has it. */
static void
test_endpoint_by_uri (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) show = { 0 };
  g_auto (CtlResult) unknown = { 0 };
  g_auto (CtlResult) removed = { 0 };
  g_auto (CtlResult) ambiguous = { 0 };

  run_ctl (&show, "--json", "show", "sip:bob@example.org");
  g_assert_cmpint (show.status, ==, 0);
  g_assert_true (g_str_has_prefix (show.out, "{\"endpoint\":\"bob\",\"path\":\"/org/tincan/Tincan1/endpoint/bob\","));

  run_ctl (&unknown, "messages", "sip:nobody@example.org");
  assert_error_line (&unknown, 1, "tincanctl: no endpoint has the URI sip:nobody@example.org\n");

  run_ctl (&removed, "--json", "remove", "sip:stuck@example.org");
  g_assert_cmpint (removed.status, ==, 0);
  g_assert_cmpstr (removed.out, ==,
                   "{\"endpoint\":\"stuck\",\"path\":\"/org/tincan/Tincan1/endpoint/stuck\",\"removed\":true}\n");

  fake_tincand_add_endpoint (f, "alice", "sip:bob@example.org", "registered");
  run_ctl (&ambiguous, "show", "sip:bob@example.org");
  assert_error_line (&ambiguous, 1, "several endpoints have the URI sip:bob@example.org (alice, bob): give an id\n");
}

static void
test_add (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) r = { 0 };
  g_auto (CtlResult) minimal = { 0 };
  g_auto (CtlResult) failed = { 0 };
  g_autofree char *settings = NULL;

  run_ctl_stdin ("s3cret pass\nignored\n", &r, "add", "sip:alice@example.org", "--kind", "registered", "--registrar",
                 "sip:registrar.example.org", "--proxy", "sip:proxy.example.org;lr", "--transport", "tcp", "--listen",
                 "127.0.0.1:0", "--username", "al", "--password-stdin", "--display-name", "Alice Å", "--expires", "600",
                 "--persist", "--header", "X-One:  1 ", "--header", "Allow-Events: presence, dialog");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpstr (r.out, ==, "/org/tincan/Tincan1/endpoint/alice\n");
  settings = g_variant_print (f->settings, TRUE);
  g_assert_cmpstr (settings, ==,
                   "{'uri': <'sip:alice@example.org'>, 'kind': <'registered'>, 'display-name': <'Alice Å'>, "
                   "'auth-username': <'al'>, 'password': <'s3cret pass'>, 'registrar': <'sip:registrar.example.org'>, "
                   "'outbound-proxy': <'sip:proxy.example.org;lr'>, 'transport': <'tcp'>, 'listen': <'127.0.0.1:0'>, "
                   "'expires': <uint32 600>, 'persist': <true>, "
                   "'extra-headers': <[('X-One', '1'), ('Allow-Events', 'presence, dialog')]>}");

  /* Only the keys given are sent. */
  fake_tincand_remove_endpoint (f, "alice");
  run_ctl (&minimal, "--json", "add", "sips:alice@example.org");
  g_assert_cmpint (minimal.status, ==, 0);
  g_assert_cmpstr (minimal.out, ==, "{\"endpoint\":\"alice\",\"path\":\"/org/tincan/Tincan1/endpoint/alice\"}\n");
  g_clear_pointer (&settings, g_free);
  settings = g_variant_print (f->settings, TRUE);
  g_assert_cmpstr (settings, ==, "{'uri': <'sips:alice@example.org'>}");

  run_ctl (&failed, "add", "sip:taken@example.org", "--password", "x");
  assert_error_line (&failed, 1, "tincanctl: org.tincan.Tincan1.Error.Transport: cannot bind 0.0.0.0:5060\n");
}

static void
test_remove (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) r = { 0 };
  g_auto (CtlResult) again = { 0 };

  run_ctl (&r, "remove", "bob", "--json");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==,
                   "{\"endpoint\":\"bob\",\"path\":\"/org/tincan/Tincan1/endpoint/bob\",\"removed\":true}\n");
  g_assert_false (g_hash_table_contains (f->endpoints, "bob"));

  run_ctl (&again, "remove", "bob");
  g_assert_cmpint (again.status, ==, 1);
  g_assert_cmpstr (again.err, ==, "tincanctl: org.tincan.Tincan1.Error.NotFound: no endpoint at that path\n");
}

static void
test_register_wait (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) ok = { 0 };
  g_auto (CtlResult) again = { 0 };
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) rejected = { 0 };
  g_auto (CtlResult) stuck = { 0 };
  g_auto (CtlResult) nowait = { 0 };

  run_ctl (&ok, "--json", "register", "default", "--wait");
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_cmpstr (ok.err, ==, "");
  g_assert_cmpstr (
    ok.out, ==,
    "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"action\":\"register\","
    "\"state\":\"registered\",\"previous\":\"registering\",\"sip_status\":200,\"reason\":\"OK\","
    "\"details\":{\"expires\":600}}\n");

  /* Already registered: nothing will change, and that is success at once. */
  run_ctl (&again, "--json", "register", "default", "--wait");
  g_assert_cmpint (again.status, ==, 0);
  g_assert_cmpstr (
    again.out, ==,
    "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"action\":\"register\","
    "\"state\":\"registered\"}\n");

  run_ctl (&text, "unregister", "default", "--wait");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.out, ==,
                   "endpoint=default path=/org/tincan/Tincan1/endpoint/default action=unregister state=unregistered "
                   "previous=registered sip_status=200 reason=OK\n");

  run_ctl (&rejected, "register", "bob", "--wait");
  g_assert_cmpint (rejected.status, ==, 1);
  g_assert_cmpstr (rejected.out, ==,
                   "endpoint=bob path=/org/tincan/Tincan1/endpoint/bob action=register state=rejected "
                   "previous=registering sip_status=403 reason=Forbidden\n");
  g_assert_cmpstr (rejected.err, ==, "tincanctl: bob: rejected (403 Forbidden)\n");

  run_ctl (&stuck, "register", "stuck", "--wait", "--timeout", "1");
  g_assert_cmpint (stuck.status, ==, 1);
  g_assert_cmpstr (stuck.err, ==, "tincanctl: stuck: no outcome within 1 s (state: registering)\n");

  run_ctl (&nowait, "register", "stuck");
  g_assert_cmpint (nowait.status, ==, 0);
  g_assert_cmpstr (nowait.out, ==, "");
}

static void
test_send (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_failure = NULL;
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) json = { 0 };
  g_auto (CtlResult) failed = { 0 };
  g_auto (CtlResult) from_file = { 0 };
  int fd;

  run_ctl (&text, "send", "default", "sip:bob@example.org", "hello there");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (f->sent_target, ==, "sip:bob@example.org");
  g_assert_cmpstr (f->sent_type, ==, "");
  g_assert_cmpmem (g_bytes_get_data (f->sent_body, NULL), g_bytes_get_size (f->sent_body), "hello there", 11);
  g_assert_cmpuint (f->sent_cookie, >, 0);
  g_assert_cmpuint (f->sent_cookie, <, G_GUINT64_CONSTANT (1) << 53);
  expected = g_strdup_printf ("endpoint=default path=/org/tincan/Tincan1/endpoint/default target=sip:bob@example.org "
                              "cookie=%" G_GUINT64_FORMAT " ok=true sip_status=200 reason=OK operation=message "
                              "sip-message=\"SIP/2.0 200 OK\"\n",
                              f->sent_cookie);
  g_assert_cmpstr (text.out, ==, expected);

  run_ctl (&json, "--json", "send", "default", "sip:bob@example.org", "hi", "--content-type", "text/x-test");
  g_assert_cmpint (json.status, ==, 0);
  g_assert_cmpstr (f->sent_type, ==, "text/x-test");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf (
    "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"target\":\"sip:bob@example.org\","
    "\"cookie\":%" G_GUINT64_FORMAT ",\"ok\":true,\"sip_status\":200,\"reason\":\"OK\",\"details\":{"
    "\"operation\":\"message\",\"sip-message\":{\"start_line\":\"SIP/2.0 200 OK\",\"headers\":[[\"Via\","
    "\"SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\"],[\"Content-Length\",\"0\"]],\"body\":\"\"}}}\n",
    f->sent_cookie);
  g_assert_cmpstr (json.out, ==, expected);

  run_ctl (&failed, "--json", "send", "default", "sip:nobody@example.org", "hi");
  g_assert_cmpint (failed.status, ==, 1);
  g_assert_cmpstr (failed.err, ==, "tincanctl: org.tincan.Tincan1.Error.Rejected: the target answered 404 Not Found\n");
  expected_failure = g_strdup_printf (
    "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"target\":\"sip:nobody@example.org\","
    "\"cookie\":%" G_GUINT64_FORMAT ",\"ok\":false,\"sip_status\":404,\"reason\":\"Not Found\","
    "\"error\":\"org.tincan.Tincan1.Error.Rejected\",\"message\":\"the target answered 404 Not Found\","
    "\"details\":{\"operation\":\"message\",\"error\":\"org.tincan.Tincan1.Error.Rejected\"}}\n",
    f->sent_cookie);
  g_assert_cmpstr (failed.out, ==, expected_failure);

  /* --file sends the bytes as they are, NUL included. */
  fd = g_file_open_tmp ("test-tincanctl-body-XXXXXX", &file, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (file, (const char *) fake_tincand_binary_body, sizeof fake_tincand_binary_body, &error);
  g_assert_no_error (error);
  run_ctl (&from_file, "send", "default", "sip:bob@example.org", "--file", file, "-c", "application/octet-stream");
  g_assert_cmpint (from_file.status, ==, 0);
  g_assert_cmpstr (f->sent_type, ==, "application/octet-stream");
  g_assert_cmpmem (g_bytes_get_data (f->sent_body, NULL), g_bytes_get_size (f->sent_body), fake_tincand_binary_body,
                   sizeof fake_tincand_binary_body);
  g_unlink (file);
}

static void
test_messages (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) json = { 0 };
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) acked = { 0 };
  g_auto (CtlResult) after = { 0 };
  g_auto (CtlResult) ack = { 0 };
  g_auto (CtlResult) ack_missing = { 0 };

  run_ctl (&json, "--json", "messages", "default");
  g_assert_cmpint (json.status, ==, 0);
  g_assert_cmpstr (json.out, ==,
                   "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"id\":\"m1\","
                   "\"from\":\"\\\"Bob\\\" <sip:bob@example.org>\",\"to\":\"<sip:default@127.0.0.1>\","
                   "\"content_type\":\"text/plain\","
                   "\"body\":\"\\\"hi\\\" \\\\ there\\nline\\ttab \\u0001 caf\xc3\xa9 \xe2\x82\xac\","
                   "\"details\":{\"received-at\":1700000000000000}}\n"
                   "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"id\":\"m2\","
                   "\"from\":\"<sip:carol@example.org>\",\"to\":\"<sip:default@127.0.0.1>\","
                   "\"content_type\":\"application/octet-stream\",\"body_base64\":\"AP8QYQ==\","
                   "\"details\":{\"received-at\":1700000000000000}}\n");

  run_ctl (&text, "messages", "default");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_true (g_str_has_prefix (text.out,
                                   "endpoint=default path=/org/tincan/Tincan1/endpoint/default id=m1 "
                                   "from=\"\\\"Bob\\\" <sip:bob@example.org>\" to=<sip:default@127.0.0.1> "
                                   "content_type=text/plain "
                                   "body=\"\\\"hi\\\" \\\\ there\\nline\\ttab \\x01 caf\xc3\xa9 \xe2\x82\xac\" "
                                   "received-at="));
  g_assert_nonnull (strstr (text.out, " content_type=application/octet-stream body_base64=AP8QYQ== received-at="));
  g_assert_cmpuint (f->acked->len, ==, 0);

  run_ctl (&acked, "messages", "default", "--ack");
  g_assert_cmpint (acked.status, ==, 0);
  g_assert_cmpstr (acked.out, ==, text.out);
  g_assert_cmpuint (f->acked->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->acked, 0), ==, "m1");
  g_assert_cmpstr (g_ptr_array_index (f->acked, 1), ==, "m2");

  run_ctl (&after, "--json", "messages", "default");
  g_assert_cmpint (after.status, ==, 0);
  g_assert_cmpstr (after.out, ==, "");

  run_ctl (&ack, "--json", "ack", "default", "m1");
  g_assert_cmpint (ack.status, ==, 0);
  g_assert_cmpstr (ack.out, ==,
                   "{\"endpoint\":\"default\",\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"id\":\"m1\","
                   "\"acknowledged\":true}\n");

  run_ctl (&ack_missing, "ack", "default", "m9");
  g_assert_cmpint (ack_missing.status, ==, 1);
  g_assert_cmpstr (ack_missing.err, ==,
                   "tincanctl: org.tincan.Tincan1.Error.NotFound: no pending message with that id\n");
}

static void
test_trace_and_version (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) on = { 0 };
  g_auto (CtlResult) off = { 0 };
  g_auto (CtlResult) version = { 0 };

  run_ctl (&on, "trace", "on");
  g_assert_cmpint (on.status, ==, 0);
  g_assert_cmpstr (on.out, ==, "");
  g_assert_cmpint (f->trace, ==, TRUE);

  run_ctl (&off, "--json", "trace", "off");
  g_assert_cmpint (off.status, ==, 0);
  g_assert_cmpstr (off.out, ==, "{\"trace\":false}\n");
  g_assert_cmpint (f->trace, ==, FALSE);

  run_ctl (&version, "--json", "version");
  g_assert_cmpint (version.status, ==, 0);
  g_assert_true (g_str_has_prefix (version.out, "{\"client\":\""));
  g_assert_true (g_str_has_suffix (version.out, "\",\"daemon\":\"9.8.7\"}\n"));
}

/* ---- calls ---- */

#define SESSION_PATH(id, n) "/org/tincan/Tincan1/endpoint/" id "/session/" n

static const char *
last_session_call (Fixture *f)
{
  g_assert_cmpuint (f->session_calls->len, >, 0);
  return g_ptr_array_index (f->session_calls, f->session_calls->len - 1);
}

static void
test_call (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) json = { 0 };
  g_auto (CtlResult) busy = { 0 };
  g_auto (CtlResult) silent = { 0 };
  g_auto (CtlResult) invalid = { 0 };
  g_auto (CtlResult) missing = { 0 };
  g_autofree char *options = NULL;

  /* Without --wait: the session path, and only the options given. */
  run_ctl (&text, "call", "default", "sip:carol@example.org", "--codecs", "pcmu,opus", "--audio-source", "none",
           "--audio-sink", "none", "--header", "X-A: 1", "--subject", "Hi");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.err, ==, "");
  g_assert_cmpstr (text.out, ==, SESSION_PATH ("default", "1") "\n");
  g_assert_cmpstr (f->call_target, ==, "sip:carol@example.org");
  options = g_variant_print (f->call_options, TRUE);
  g_assert_cmpstr (options, ==,
                   "{'codecs': <'pcmu,opus'>, 'subject': <'Hi'>, 'audio-source': <'none'>, 'audio-sink': <'none'>, "
                   "'headers': <[('X-A', '1')]>}");

  /* --wait: every state change of this session (not of default/1, still ringing) until connected. */
  run_ctl (&json, "--json", "call", "default", "sip:carol@example.org", "--wait");
  g_assert_cmpint (json.status, ==, 0);
  g_assert_cmpstr (json.err, ==, "");
  g_assert_cmpstr (
    json.out, ==,
    "{\"endpoint\":\"default\",\"session\":\"default/2\",\"path\":\"" SESSION_PATH (
      "default",
      "2") "\"}\n"
           "{\"endpoint\":\"default\",\"session\":\"default/2\",\"path\":\"" SESSION_PATH (
             "default",
             "2") "\","
                  "\"state\":\"in-progress\",\"previous\":\"in-progress\",\"sip_status\":180,\"reason\":\"Ringing\","
                  "\"details\":{\"early-media\":false}}\n"
                  "{\"endpoint\":\"default\",\"session\":\"default/2\",\"path\":\"" SESSION_PATH (
                    "default",
                    "2") "\","
                         "\"state\":\"connected\",\"previous\":\"in-progress\",\"sip_status\":200,\"reason\":\"OK\","
                         "\"details\":{}}\n");
  g_assert_cmpuint (g_variant_n_children (f->call_options), ==, 0);

  run_ctl (&busy, "call", "default", "sip:busy@example.org", "--wait");
  g_assert_cmpint (busy.status, ==, 1);
  g_assert_cmpstr (
    busy.out, ==,
    SESSION_PATH ("default", "3") "\n"
                                  "endpoint=default session=default/3 path=" SESSION_PATH (
                                    "default",
                                    "3") " state=disconnected "
                                         "previous=in-progress sip_status=486 reason=\"Busy Here\" cause=rejected\n");
  g_assert_cmpstr (busy.err, ==, "tincanctl: default/3: disconnected (486 Busy Here)\n");

  /* No answer within --timeout: hung up. */
  run_ctl (&silent, "call", "default", "sip:silent@example.org", "--wait", "--timeout", "1");
  g_assert_cmpint (silent.status, ==, 1);
  g_assert_cmpstr (silent.out, ==, SESSION_PATH ("default", "4") "\n");
  g_assert_cmpstr (silent.err, ==, "tincanctl: default/4: no answer within 1 s (state: in-progress); hanging up\n");
  g_assert_cmpstr (last_session_call (f), ==, "Terminate ()");
  g_assert_cmpstr (tc_dbus_session_get_state (fake_tincand_session (f, SESSION_PATH ("default", "4"))), ==,
                   "disconnected");

  run_ctl (&invalid, "call", "default", "carol");
  assert_error_line (&invalid, 1,
                     "tincanctl: org.tincan.Tincan1.Error.InvalidArgs: the target is not a sip: or sips: URI\n");

  run_ctl (&missing, "call", "nosuch", "sip:carol@example.org");
  assert_error_line (&missing, 1, "no endpoint 'nosuch'");
}

static void
test_sessions (Fixture *f, gconstpointer data)
{
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) json = { 0 };
  g_auto (CtlResult) none = { 0 };
  g_auto (CtlResult) missing = { 0 };
  g_autofree char *bob = fake_tincand_add_session (f, "bob", "incoming", "incoming", "sip:dave@example.org");
  g_autofree char *first = fake_tincand_add_session (f, "default", "outgoing", "connected", "sip:carol@example.org");
  g_autofree char *second = fake_tincand_add_session (f, "default", "outgoing", "disconnected", "sip:erin@example.org");

  tc_dbus_media_set_codec (fake_tincand_media (f, first), "pcmu");
  tc_dbus_session_set_remote_held (fake_tincand_session (f, first), TRUE);

  /* By endpoint (Manager.Endpoints order), then number. */
  run_ctl (&text, "sessions");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.err, ==, "");
  g_assert_cmpstr (text.out, ==,
                   "SESSION    STATE         DIRECTION  REMOTE                 CODEC  REMOTE-HELD\n"
                   "default/1  connected     outgoing   sip:carol@example.org  pcmu   yes\n"
                   "default/2  disconnected  outgoing   sip:erin@example.org   -      no\n"
                   "bob/1      incoming      incoming   sip:dave@example.org   -      no\n");

  run_ctl (&json, "--json", "sessions", "default");
  g_assert_cmpint (json.status, ==, 0);
  g_assert_cmpstr (
    json.out, ==,
    "{\"endpoint\":\"default\",\"session\":\"default/1\",\"path\":\"" SESSION_PATH (
      "default",
      "1") "\","
           "\"state\":\"connected\",\"direction\":\"outgoing\",\"remote_uri\":\"sip:carol@example.org\","
           "\"codec\":\"pcmu\",\"remote_held\":true}\n"
           "{\"endpoint\":\"default\",\"session\":\"default/2\",\"path\":\"" SESSION_PATH (
             "default",
             "2") "\","
                  "\"state\":\"disconnected\",\"direction\":\"outgoing\",\"remote_uri\":\"sip:erin@example.org\","
                  "\"codec\":\"\",\"remote_held\":false}\n");

  run_ctl (&none, "sessions", "sip:stuck@example.org");
  g_assert_cmpint (none.status, ==, 0);
  g_assert_cmpstr (none.out, ==, "SESSION  STATE  DIRECTION  REMOTE  CODEC  REMOTE-HELD\n");

  run_ctl (&missing, "sessions", "nosuch");
  assert_error_line (&missing, 1, "no endpoint 'nosuch'");
}

static void
test_hangup (Fixture *f, gconstpointer data)
{
  g_autofree char *first = fake_tincand_add_session (f, "default", "outgoing", "connected", "sip:carol@example.org");
  g_autofree char *second = NULL;
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) over = { 0 };
  g_auto (CtlResult) waited = { 0 };
  g_auto (CtlResult) missing = { 0 };

  run_ctl (&text, "hangup", "default/1");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.out, ==, "");
  g_assert_cmpstr (text.err, ==, "");
  g_assert_cmpstr (last_session_call (f), ==, "Terminate ()");
  g_assert_cmpstr (tc_dbus_session_get_state (fake_tincand_session (f, first)), ==, "disconnected");

  /* Over already: --wait has nothing to wait for. */
  run_ctl (&over, "--json", "hangup", first, "--wait");
  g_assert_cmpint (over.status, ==, 0);
  g_assert_cmpstr (over.out, ==,
                   "{\"endpoint\":\"default\",\"session\":\"default/1\",\"path\":\"" SESSION_PATH (
                     "default", "1") "\","
                                     "\"action\":\"hangup\"}\n");

  /* The endpoint by URI; --wait prints the change to disconnected. */
  second = fake_tincand_add_session (f, "default", "outgoing", "connected", "sip:carol@example.org");
  run_ctl (&waited, "hangup", "sip:default@127.0.0.1/2", "--wait");
  g_assert_cmpint (waited.status, ==, 0);
  g_assert_cmpstr (waited.out, ==,
                   "endpoint=default session=default/2 path=" SESSION_PATH (
                     "default", "2") " state=disconnected "
                                     "previous=connected sip_status=0 reason=\"\" cause=local-bye\n");

  run_ctl (&missing, "hangup", SESSION_PATH ("default", "9"));
  assert_error_line (&missing, 1, "tincanctl: no session 'default/9' (" SESSION_PATH ("default", "9") ")\n");
}

static void
test_dtmf (Fixture *f, gconstpointer data)
{
  g_autofree char *path = fake_tincand_add_session (f, "default", "outgoing", "connected", "sip:carol@example.org");
  g_auto (CtlResult) text = { 0 };
  g_auto (CtlResult) json = { 0 };
  g_auto (CtlResult) over = { 0 };

  run_ctl (&text, "dtmf", "default/1", "123#");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.out, ==, "");
  g_assert_cmpstr (last_session_call (f), ==, "SendDtmf ('123#', @a{sv} {})");

  run_ctl (&json, "--json", "dtmf", "default/1", "*9D", "--duration", "100");
  g_assert_cmpint (json.status, ==, 0);
  g_assert_cmpstr (json.out, ==,
                   "{\"endpoint\":\"default\",\"session\":\"default/1\",\"path\":\"" SESSION_PATH (
                     "default", "1") "\","
                                     "\"action\":\"dtmf\",\"digits\":\"*9D\"}\n");
  g_assert_cmpstr (last_session_call (f), ==, "SendDtmf ('*9D', {'duration': <uint32 100>})");

  fake_tincand_set_session_state (fake_tincand_session (f, path), "disconnected", 0, "", NULL);
  run_ctl (&over, "--json", "dtmf", "default/1", "1");
  assert_error_line (&over, 1, "tincanctl: org.tincan.Tincan1.Error.InvalidState: the call is over\n");
}

/* answer, reject, hold, resume, info, play, record, mute: what each sends. */
static void
test_session_actions (Fixture *f, gconstpointer data)
{
  g_autofree char *first = fake_tincand_add_session (f, "bob", "incoming", "incoming", "sip:dave@example.org");
  g_autofree char *second = fake_tincand_add_session (f, "bob", "incoming", "incoming", "sip:dave@example.org");
  g_autofree char *third = fake_tincand_add_session (f, "bob", "incoming", "incoming", "sip:dave@example.org");
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *played = g_strdup_printf ("PlayFile ('%s/rel.wav', @a{sv} {})", cwd);
  g_autoptr (GRegex) cookie = g_regex_new ("cookie=([0-9]+) ", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *cookie_text = NULL;
  g_autofree char *expected = NULL;
  g_auto (CtlResult) answer = { 0 };
  g_auto (CtlResult) reject = { 0 };
  g_auto (CtlResult) decline = { 0 };
  g_auto (CtlResult) again = { 0 };
  g_auto (CtlResult) hold = { 0 };
  g_auto (CtlResult) resume = { 0 };
  g_auto (CtlResult) info = { 0 };
  g_auto (CtlResult) play = { 0 };
  g_auto (CtlResult) record = { 0 };
  g_auto (CtlResult) stop = { 0 };
  g_auto (CtlResult) mute = { 0 };

  run_ctl (&answer, "answer", "bob/1", "--audio-sink", "none");
  g_assert_cmpint (answer.status, ==, 0);
  g_assert_cmpstr (answer.out, ==, "");
  g_assert_cmpstr (last_session_call (f), ==, "Accept ({'audio-sink': <'none'>},)");
  g_assert_cmpstr (tc_dbus_session_get_state (fake_tincand_session (f, first)), ==, "connected");

  run_ctl (&reject, "--json", "reject", "bob/2");
  g_assert_cmpint (reject.status, ==, 0);
  g_assert_cmpstr (reject.out, ==,
                   "{\"endpoint\":\"bob\",\"session\":\"bob/2\",\"path\":\"" SESSION_PATH (
                     "bob", "2") "\","
                                 "\"action\":\"reject\",\"sip_status\":486,\"reason\":\"\"}\n");
  g_assert_cmpstr (last_session_call (f), ==, "Reject (uint32 486, '')");
  run_ctl (&decline, "reject", "bob/3", "603", "Decline");
  g_assert_cmpint (decline.status, ==, 0);
  g_assert_cmpstr (last_session_call (f), ==, "Reject (uint32 603, 'Decline')");
  run_ctl (&again, "reject", "bob/1");
  assert_error_line (&again, 1, "tincanctl: org.tincan.Tincan1.Error.InvalidState: not an incoming call\n");

  /* hold prints the outcome of its re-INVITE, matched to the call by the cookie. */
  run_ctl (&hold, "hold", "bob/1");
  g_assert_cmpint (hold.status, ==, 0);
  g_assert_true (g_regex_match (cookie, hold.out, 0, &match));
  cookie_text = g_match_info_fetch (match, 1);
  expected = g_strdup_printf (
    "endpoint=bob session=bob/1 path=" SESSION_PATH ("bob", "1") " action=hold cookie=%s "
                                                                 "ok=true sip_status=200 reason=OK operation=hold\n",
    cookie_text);
  g_assert_cmpstr (hold.out, ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Hold ({'cookie': <uint64 %s>},)", cookie_text);
  g_assert_cmpstr (last_session_call (f), ==, expected);

  run_ctl (&resume, "--json", "resume", "bob/1");
  g_assert_cmpint (resume.status, ==, 0);
  g_assert_true (g_str_has_prefix (resume.out, "{\"endpoint\":\"bob\",\"session\":\"bob/1\",\"path\":\"" SESSION_PATH (
                                                 "bob", "1") "\",\"action\":\"resume\",\"cookie\":"));
  g_assert_true (g_str_has_suffix (resume.out, ",\"ok\":true,\"sip_status\":200,\"reason\":\"OK\","
                                               "\"details\":{\"operation\":\"resume\"}}\n"));
  g_assert_cmpstr (tc_dbus_session_get_state (fake_tincand_session (f, first)), ==, "connected");

  run_ctl (&info, "info", "bob/1", "application/json", "{\"a\":1}", "--header", "X-I: 2");
  g_assert_cmpint (info.status, ==, 0);
  g_assert_nonnull (strstr (info.out, " action=info cookie="));
  /* The body's bytes as given, without a terminating NUL. */
  g_assert_true (g_str_has_prefix (last_session_call (f),
                                   "SendInfo ('application/json', [byte 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d], "
                                   "{'headers': <[('X-I', '2')]>, 'cookie': <uint64 "));

  /* A relative FILE is sent absolute. */
  run_ctl (&play, "play", "bob/1", "rel.wav");
  g_assert_cmpint (play.status, ==, 0);
  g_assert_cmpstr (last_session_call (f), ==, played);

  run_ctl (&record, "--json", "record", "bob/1", "/tmp/call.wav", "--both");
  g_assert_cmpint (record.status, ==, 0);
  g_assert_cmpstr (record.out, ==,
                   "{\"endpoint\":\"bob\",\"session\":\"bob/1\",\"path\":\"" SESSION_PATH (
                     "bob", "1") "\","
                                 "\"action\":\"record\",\"file\":\"/tmp/call.wav\",\"both\":true}\n");
  g_assert_cmpstr (last_session_call (f), ==, "Record ('/tmp/call.wav', {'both-directions': <true>})");
  run_ctl (&stop, "record", "bob/1", "--stop");
  g_assert_cmpint (stop.status, ==, 0);
  g_assert_cmpstr (last_session_call (f), ==, "StopRecording ()");

  run_ctl (&mute, "--json", "mute", "bob/1", "on");
  g_assert_cmpint (mute.status, ==, 0);
  g_assert_cmpstr (mute.out, ==,
                   "{\"endpoint\":\"bob\",\"session\":\"bob/1\",\"path\":\"" SESSION_PATH (
                     "bob", "1") "\","
                                 "\"action\":\"mute\",\"muted\":true}\n");
  g_assert_true (tc_dbus_session_get_muted (fake_tincand_session (f, first)));
}

/* ---- monitor ---- */

typedef struct {
  GSubprocess *process;
  GDataInputStream *out;
} MonitorProcess;

static void
on_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **line = user_data;
  g_autoptr (GError) error = NULL;

  *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  g_assert_no_error (error);
  if (!*line)
    *line = g_strdup ("(end of output)");
}

/* The next line of the monitor's output, with the "time" member removed. */
static char *
next_event (MonitorProcess *m)
{
  g_autoptr (GRegex) time = g_regex_new (",\"time\":\"[0-9T:.+Z-]+\"", 0, 0, NULL);
  g_autofree char *line = NULL;

  g_data_input_stream_read_line_async (m->out, G_PRIORITY_DEFAULT, NULL, on_line, &line);
  while (!line)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("monitor: %s", line);
  g_assert_true (g_regex_match (time, line, 0, NULL));
  return g_regex_replace_literal (time, line, -1, 0, "", 0, NULL);
}

static void
monitor_start (MonitorProcess *m, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  guint i;

  g_ptr_array_add (argv, (gpointer) TINCANCTL_PATH);
  for (i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  m->process = g_subprocess_newv ((const char *const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  m->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (m->process));
}

static void
on_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL));
  *done = TRUE;
}

/* SIGTERM ends the monitor with exit 0. */
static void
monitor_stop (MonitorProcess *m)
{
  gboolean done = FALSE;

  g_subprocess_send_signal (m->process, SIGTERM);
  g_subprocess_wait_async (m->process, NULL, on_waited, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (m->process));
  g_assert_cmpint (g_subprocess_get_exit_status (m->process), ==, 0);
  g_clear_object (&m->out);
  g_clear_object (&m->process);
}

static void
emit_message_received (Fixture *f, const char *id)
{
  g_autofree char *path = g_strconcat (EP_PATH (""), id, NULL);
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (f->connection, NULL, path, "org.tincan.Tincan1.Endpoint", "MessageReceived",
                                 fake_tincand_message ("m3", "<sip:bob@example.org>", "text/plain", "yo", 2), &error);
  g_assert_no_error (error);
}

static void
test_monitor (Fixture *f, gconstpointer data)
{
  MonitorProcess m = { 0 };
  TcDBusEndpoint *endpoint = g_hash_table_lookup (f->endpoints, "default");
  GVariantBuilder details;
  char *event;

  monitor_start (&m, (const char *const[]){ "monitor", "--json", NULL });
  event = next_event (&m);
  g_assert_cmpstr (event, ==, "{\"event\":\"monitor-started\",\"endpoints\":[\"default\",\"bob\",\"stuck\"]}");
  g_free (event);

  emit_message_received (f, "default");
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"message-received\",\"endpoint\":\"default\","
                   "\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"id\":\"m3\",\"from\":\"<sip:bob@example.org>\","
                   "\"to\":\"<sip:default@127.0.0.1>\",\"content_type\":\"text/plain\",\"body\":\"yo\","
                   "\"details\":{\"received-at\":1700000000000000}}");
  g_free (event);

  /* The signal at once, then the skeleton's PropertiesChanged from an idle. */
  fake_tincand_set_state (endpoint, "registering", 0, "", NULL);
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"registration-state-changed\",\"endpoint\":\"default\","
                   "\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"state\":\"registering\","
                   "\"previous\":\"unregistered\",\"sip_status\":0,\"reason\":\"\",\"details\":{}}");
  g_free (event);
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"properties-changed\",\"endpoint\":\"default\","
                   "\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"interface\":\"org.tincan.Tincan1.Endpoint\","
                   "\"changed\":{\"registration_state\":\"registering\"}}");
  g_free (event);

  tc_dbus_endpoint_emit_operation_complete (endpoint, 42, 408, "Request Timeout",
                                            g_variant_new_parsed ("{'cause': <'timeout'>}"));
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"operation-complete\",\"endpoint\":\"default\","
                   "\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"cookie\":42,\"sip_status\":408,"
                   "\"reason\":\"Request Timeout\",\"details\":{\"cause\":\"timeout\"}}");
  g_free (event);

  g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&details, "{sv}", "error", g_variant_new_string ("Connection reset by peer"));
  tc_dbus_endpoint_emit_connection_lost (endpoint, "closed", "tcp:192.0.2.1:5060", g_variant_builder_end (&details));
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"connection-lost\",\"endpoint\":\"default\","
                   "\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"cause\":\"closed\","
                   "\"remote\":\"tcp:192.0.2.1:5060\",\"details\":{\"error\":\"Connection reset by peer\"}}");
  g_free (event);

  fake_tincand_add_endpoint (f, "carol", "sip:carol@example.org", "registered");
  event = next_event (&m);
  g_assert_true (g_str_has_prefix (event, "{\"event\":\"endpoint-added\",\"endpoint\":\"carol\","
                                          "\"path\":\"/org/tincan/Tincan1/endpoint/carol\",\"properties\":{"
                                          "\"uri\":\"sip:carol@example.org\",\"kind\":\"registered\","));
  g_free (event);
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"properties-changed\",\"path\":\"/org/tincan/Tincan1\","
                   "\"interface\":\"org.tincan.Tincan1.Manager\",\"changed\":{\"endpoints\":["
                   "\"/org/tincan/Tincan1/endpoint/default\",\"/org/tincan/Tincan1/endpoint/bob\","
                   "\"/org/tincan/Tincan1/endpoint/stuck\",\"/org/tincan/Tincan1/endpoint/carol\"]}}");
  g_free (event);

  g_assert_true (g_dbus_object_manager_server_unexport (f->objects, EP_PATH ("carol")));
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"endpoint-removed\",\"endpoint\":\"carol\","
                   "\"path\":\"/org/tincan/Tincan1/endpoint/carol\"}");
  g_free (event);

  monitor_stop (&m);
}

/* The session events: one line each, naming endpoint, session and path. */
static void
test_monitor_sessions (Fixture *f, gconstpointer data)
{
  MonitorProcess m = { 0 };
  TcDBusEndpoint *endpoint = g_hash_table_lookup (f->endpoints, "default");
  g_autofree char *path = NULL;
  TcDBusSession *session;
  TcDBusMedia *media;
  char *event;

#define SESSION_KEYS "\"endpoint\":\"default\",\"session\":\"default/1\",\"path\":\"" SESSION_PATH ("default", "1") "\""

  monitor_start (&m, (const char *const[]){ "monitor", "--json", NULL });
  event = next_event (&m);
  g_assert_cmpstr (event, ==, "{\"event\":\"monitor-started\",\"endpoints\":[\"default\",\"bob\",\"stuck\"]}");
  g_free (event);

  /* The export, the signal, then the endpoint's Sessions from an idle. */
  path = fake_tincand_add_session (f, "default", "incoming", "incoming", "sip:dave@example.org");
  session = fake_tincand_session (f, path);
  media = fake_tincand_media (f, path);
  tc_dbus_endpoint_emit_incoming_session (endpoint, path, g_variant_new ("a{sv}", NULL));
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"session-added\"," SESSION_KEYS ",\"properties\":{\"state\":\"incoming\","
                   "\"direction\":\"incoming\",\"remote_uri\":\"sip:dave@example.org\",\"remote_display_name\":\"\","
                   "\"local_uri\":\"sip:default@127.0.0.1\",\"call_id\":\"fake-default-1\",\"remote_held\":false,"
                   "\"muted\":false}}");
  g_free (event);
  event = next_event (&m);
  g_assert_cmpstr (event, ==, "{\"event\":\"incoming-session\"," SESSION_KEYS ",\"details\":{}}");
  g_free (event);
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"properties-changed\",\"endpoint\":\"default\","
                   "\"path\":\"/org/tincan/Tincan1/endpoint/default\",\"interface\":\"org.tincan.Tincan1.Endpoint\","
                   "\"changed\":{\"sessions\":[\"" SESSION_PATH ("default", "1") "\"]}}");
  g_free (event);

  fake_tincand_set_session_state (session, "connected", 200, "OK", g_variant_new_parsed ("{'cause': <'x'>}"));
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"session-state-changed\"," SESSION_KEYS ",\"state\":\"connected\","
                   "\"previous\":\"incoming\",\"sip_status\":200,\"reason\":\"OK\",\"details\":{\"cause\":\"x\"}}");
  g_free (event);
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"properties-changed\"," SESSION_KEYS ",\"interface\":\"org.tincan.Tincan1.Session\","
                   "\"changed\":{\"state\":\"connected\"}}");
  g_free (event);

  tc_dbus_session_emit_dtmf_received (session, "5", 160);
  event = next_event (&m);
  g_assert_cmpstr (event, ==, "{\"event\":\"dtmf-received\"," SESSION_KEYS ",\"digit\":\"5\",\"duration_ms\":160}");
  g_free (event);

  tc_dbus_session_emit_info_received (session, "application/json",
                                      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "{}", 2, 1),
                                      g_variant_new ("a{sv}", NULL));
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"info-received\"," SESSION_KEYS ",\"content_type\":\"application/json\","
                   "\"body\":\"{}\",\"details\":{}}");
  g_free (event);

  tc_dbus_session_emit_re_invite_received (session, g_variant_new_parsed ("{'cause': <'hold'>}"));
  event = next_event (&m);
  g_assert_cmpstr (event, ==, "{\"event\":\"reinvite-received\"," SESSION_KEYS ",\"details\":{\"cause\":\"hold\"}}");
  g_free (event);

  tc_dbus_session_emit_operation_complete (session, 7, 200, "OK", g_variant_new_parsed ("{'operation': <'hold'>}"));
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"operation-complete\"," SESSION_KEYS ",\"cookie\":7,\"sip_status\":200,"
                   "\"reason\":\"OK\",\"details\":{\"operation\":\"hold\"}}");
  g_free (event);

  tc_dbus_media_emit_failed (media, "no-rtp", "no RTP for 30 s");
  event = next_event (&m);
  g_assert_cmpstr (
    event, ==, "{\"event\":\"media-failed\"," SESSION_KEYS ",\"cause\":\"no-rtp\",\"message\":\"no RTP for 30 s\"}");
  g_free (event);

  tc_dbus_media_emit_playback_finished (media, "/tmp/a.wav", "");
  event = next_event (&m);
  g_assert_cmpstr (event, ==,
                   "{\"event\":\"playback-finished\"," SESSION_KEYS ",\"file\":\"/tmp/a.wav\",\"error\":\"\"}");
  g_free (event);

  g_assert_true (g_dbus_object_manager_server_unexport (f->objects, path));
  event = next_event (&m);
  g_assert_cmpstr (event, ==, "{\"event\":\"session-removed\"," SESSION_KEYS "}");
  g_free (event);
#undef SESSION_KEYS

  monitor_stop (&m);
}

/* SIGINT while call --wait rings hangs the call up, exit 1. */
static void
test_call_interrupted (Fixture *f, gconstpointer data)
{
  MonitorProcess m = { 0 };
  g_autofree char *line = NULL;
  gboolean done = FALSE;

  monitor_start (&m, (const char *const[]){ "call", "default", "sip:silent@example.org", "--wait", NULL });
  g_data_input_stream_read_line_async (m.out, G_PRIORITY_DEFAULT, NULL, on_line, &line);
  while (!line)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (line, ==, SESSION_PATH ("default", "1"));
  g_assert_cmpuint (f->session_calls->len, ==, 0);

  g_subprocess_send_signal (m.process, SIGINT);
  g_subprocess_wait_async (m.process, NULL, on_waited, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (m.process));
  g_assert_cmpint (g_subprocess_get_exit_status (m.process), ==, 1);
  g_assert_cmpstr (last_session_call (f), ==, "Terminate ()");
  g_clear_object (&m.out);
  g_clear_object (&m.process);
}

/* "monitor ENDPOINT" shows that endpoint's events only, as text lines. */
static void
test_monitor_filtered (Fixture *f, gconstpointer data)
{
  MonitorProcess m = { 0 };
  g_autoptr (GRegex) time = g_regex_new ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+([+-][0-9:]+|Z) ", 0, 0, NULL);
  g_autofree char *line = NULL;
  g_autofree char *rest = NULL;

  monitor_start (&m, (const char *const[]){ "monitor", "bob", NULL });
  g_data_input_stream_read_line_async (m.out, G_PRIORITY_DEFAULT, NULL, on_line, &line);
  while (!line)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_regex_match (time, line, 0, NULL));
  rest = g_regex_replace_literal (time, line, -1, 0, "", 0, NULL);
  g_assert_cmpstr (rest, ==, "monitor-started endpoint=bob path=/org/tincan/Tincan1/endpoint/bob endpoints=bob");
  g_clear_pointer (&line, g_free);
  g_clear_pointer (&rest, g_free);

  /* default's message is not shown: the next line is bob's. */
  emit_message_received (f, "default");
  emit_message_received (f, "bob");
  g_data_input_stream_read_line_async (m.out, G_PRIORITY_DEFAULT, NULL, on_line, &line);
  while (!line)
    g_main_context_iteration (NULL, TRUE);
  rest = g_regex_replace_literal (time, line, -1, 0, "", 0, NULL);
  g_assert_true (g_str_has_prefix (rest, "message-received endpoint=bob path=/org/tincan/Tincan1/endpoint/bob id=m3 "
                                         "from=<sip:bob@example.org> to=<sip:default@127.0.0.1> "
                                         "content_type=text/plain body=yo received-at="));

  monitor_stop (&m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tincanctl/usage/help", test_help);
  g_test_add_func ("/tincanctl/usage/version-option", test_version_option);
  g_test_add_func ("/tincanctl/usage/errors-exit-2-without-a-bus", test_usage_errors);
  g_test_add_func ("/tincanctl/usage/password-stdin-empty", test_password_stdin_empty);
  g_test_add_func ("/tincanctl/unreachable/no-bus", test_no_bus);
  g_test_add ("/tincanctl/unreachable/no-daemon", Fixture, NULL, setup_empty_bus, test_no_daemon, teardown);
  g_test_add_func ("/tincanctl/unreachable/activation-fails", test_activation_fails);
  g_test_add ("/tincanctl/fake/list", Fixture, NULL, setup_fake, test_list, teardown);
  g_test_add ("/tincanctl/fake/show", Fixture, NULL, setup_fake, test_show, teardown);
  g_test_add ("/tincanctl/fake/endpoint-by-uri", Fixture, NULL, setup_fake, test_endpoint_by_uri, teardown);
  g_test_add ("/tincanctl/fake/add-sends-only-given-settings", Fixture, NULL, setup_fake, test_add, teardown);
  g_test_add ("/tincanctl/fake/remove", Fixture, NULL, setup_fake, test_remove, teardown);
  g_test_add ("/tincanctl/fake/register-wait", Fixture, NULL, setup_fake, test_register_wait, teardown);
  g_test_add ("/tincanctl/fake/send", Fixture, NULL, setup_fake, test_send, teardown);
  g_test_add ("/tincanctl/fake/messages-and-ack", Fixture, NULL, setup_fake, test_messages, teardown);
  g_test_add ("/tincanctl/fake/trace-and-version", Fixture, NULL, setup_fake, test_trace_and_version, teardown);
  g_test_add ("/tincanctl/fake/monitor", Fixture, NULL, setup_fake, test_monitor, teardown);
  g_test_add ("/tincanctl/fake/monitor-filtered", Fixture, NULL, setup_fake, test_monitor_filtered, teardown);
  g_test_add ("/tincanctl/fake/monitor-sessions", Fixture, NULL, setup_fake, test_monitor_sessions, teardown);
  g_test_add ("/tincanctl/fake/call", Fixture, NULL, setup_fake, test_call, teardown);
  g_test_add ("/tincanctl/fake/call-interrupted", Fixture, NULL, setup_fake, test_call_interrupted, teardown);
  g_test_add ("/tincanctl/fake/sessions", Fixture, NULL, setup_fake, test_sessions, teardown);
  g_test_add ("/tincanctl/fake/hangup", Fixture, NULL, setup_fake, test_hangup, teardown);
  g_test_add ("/tincanctl/fake/dtmf", Fixture, NULL, setup_fake, test_dtmf, teardown);
  g_test_add ("/tincanctl/fake/session-actions", Fixture, NULL, setup_fake, test_session_actions, teardown);

  return g_test_run ();
}
