/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl.c — the command-line client of tincand: the command table,
 * argument parsing (one GOptionContext per command, with the global options
 * accepted before or after the command), the bus connection and the mapping
 * of errors to exit statuses.
 *
 * Exit statuses: 0 success, 1 the daemon reported a failure, 2 usage error,
 * 3 the daemon cannot be reached.  Errors go to standard error as
 * "tincanctl: <D-Bus error name>: <message>" (or "tincanctl: <message>" for a
 * local one); standard output only carries results.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "tincanctl.h"

static const TcCtlCommand commands[] = {
  { "list", "", "List the endpoints: id, URI, kind, registration state, contact", tc_ctl_cmd_list },
  { "show", "ENDPOINT", "Show every property of an endpoint", tc_ctl_cmd_show },
  { "add", "URI", "Create an endpoint (Manager.CreateEndpoint) and print its object path", tc_ctl_cmd_add },
  { "remove", "ENDPOINT", "Remove an endpoint (Manager.RemoveEndpoint)", tc_ctl_cmd_remove },
  { "register", "ENDPOINT", "Register an endpoint with its registrar; --wait for the outcome", tc_ctl_cmd_register },
  { "unregister", "ENDPOINT", "Remove an endpoint's registration; --wait for the outcome", tc_ctl_cmd_unregister },
  { "send", "ENDPOINT TARGET [TEXT]", "Send a page-mode MESSAGE and print the outcome", tc_ctl_cmd_send },
  { "messages", "ENDPOINT", "List received messages not yet acknowledged; --ack them", tc_ctl_cmd_messages },
  { "ack", "ENDPOINT ID", "Acknowledge a received message", tc_ctl_cmd_ack },
  { "call", "ENDPOINT TARGET", "Call TARGET and print the session; --wait until it is answered or ends",
    tc_ctl_cmd_call },
  { "sessions", "[ENDPOINT]", "List the calls: state, direction, far end, codec, remote hold", tc_ctl_cmd_sessions },
  { "answer", "SESSION", "Answer an incoming call", tc_ctl_cmd_answer },
  { "reject", "SESSION [STATUS [REASON]]", "Refuse an incoming call (default 486 Busy Here)", tc_ctl_cmd_reject },
  { "hangup", "SESSION", "End a call however far it got; --wait until it has ended", tc_ctl_cmd_hangup },
  { "hold", "SESSION", "Put a call on hold and print the outcome", tc_ctl_cmd_hold },
  { "resume", "SESSION", "Take a call off hold and print the outcome", tc_ctl_cmd_resume },
  { "dtmf", "SESSION DIGITS", "Send DTMF digits (RFC 4733) in a call", tc_ctl_cmd_dtmf },
  { "info", "SESSION CONTENT-TYPE BODY", "Send an INFO request in a call and print the outcome", tc_ctl_cmd_info },
  { "play", "SESSION FILE", "Play a WAV or Ogg file into a call", tc_ctl_cmd_play },
  { "record", "SESSION [FILE]", "Record a call to a WAV file; --stop the recording", tc_ctl_cmd_record },
  { "mute", "SESSION on|off", "Mute or unmute our audio in a call", tc_ctl_cmd_mute },
  { "trace", "on|off", "Switch the daemon's SIP message trace on or off", tc_ctl_cmd_trace },
  { "monitor", "[ENDPOINT]", "Print every event as it happens, until interrupted", tc_ctl_cmd_monitor },
  { "version", "", "Print the versions of tincanctl and tincand", tc_ctl_cmd_version },
};

static const char endpoint_help[] =
  "ENDPOINT is an endpoint id (e.g. \"default\"), its object path\n" TC_CTL_ENDPOINT_PREFIX
  "ID, or its URI (sip:... or sips:..., as the Uri property says).";

static const char session_help[] =
  "SESSION is ENDPOINT/N (e.g. default/1: the endpoint as above and the session number)\n"
  "or the session's object path " TC_CTL_ENDPOINT_PREFIX "ID/session/N.";

static const char exit_help[] = "Exit status:\n"
                                "  0  success\n"
                                "  1  the daemon reported a failure (or an awaited outcome was a failure)\n"
                                "  2  usage error\n"
                                "  3  the daemon cannot be reached (no bus, or " TC_CTL_BUS_NAME " is not running\n"
                                "     and cannot be activated)\n";

static void
print_main_help (void)
{
  gsize i;

  FILE *out = stdout;

  fputs ("Usage:\n"
         "  tincanctl [--json] [--address ADDRESS] COMMAND [ARGUMENT...]\n"
         "\n"
         "Control tincand, the Tincan SIP daemon, over D-Bus (" TC_CTL_BUS_NAME ").\n"
         "\n"
         "Commands:\n",
         out);
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strjoin (" ", commands[i].name, commands[i].params, NULL);

      fprintf (out, "  %-32s %s\n", usage, commands[i].summary);
    }
  fprintf (out,
           "\n%s\n"
           "%s\n"
           "\n"
           "Global options (before or after the command):\n"
           "  -j, --json                       Print one JSON object per line on standard output\n"
           "  --address ADDRESS                Use the D-Bus bus at ADDRESS instead of the session bus\n"
           "  -h, --help                       Show this help; 'tincanctl COMMAND --help' shows a\n"
           "                                   command's options\n"
           "  --version                        Print the version of tincanctl\n"
           "\n%s",
           endpoint_help, session_help, exit_help);
}

int
tc_ctl_usage_error (TcCtl *ctl, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (ctl->command)
    fprintf (stderr, "tincanctl: %s: %s\nTry 'tincanctl %s --help' for more information.\n", ctl->command->name,
             message, ctl->command->name);
  else
    fprintf (stderr, "tincanctl: %s\nTry 'tincanctl --help' for more information.\n", message);
  return TC_CTL_EXIT_USAGE;
}

/* D-Bus strings must be UTF-8 (and a GVariant string constructor asserts it),
 * so every free-text argument is checked before it is put in a message. */
gboolean
tc_ctl_check_utf8 (TcCtl *ctl, const char *what, const char *value, int *status)
{
  if (g_utf8_validate (value, -1, NULL))
    return TRUE;
  *status = tc_ctl_usage_error (ctl, "%s is not valid UTF-8", what);
  return FALSE;
}

/**
 * tc_ctl_parse:
 * @argv: the program name followed by the command's arguments (the command name removed)
 * @entries: (nullable): the command's own options, pointing at the caller's variables
 * @description: (nullable): text for the end of --help
 * @args_out: (out) (transfer full): the positional arguments, NULL-terminated
 * @status: (out): the exit status when this returns FALSE
 *
 * Parses the command's options together with the global ones and checks the
 * number of positional arguments.  --help prints the command's help and exits 0.
 */
gboolean
tc_ctl_parse (TcCtl *ctl, char **argv, const GOptionEntry *entries, const char *description, guint min_args,
              guint max_args, char ***args_out, int *status)
{
  const GOptionEntry global_entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &ctl->json, "Print one JSON object per line on standard output", NULL },
    { "address", 0, 0, G_OPTION_ARG_STRING, &ctl->address, "Use the D-Bus bus at ADDRESS instead of the session bus",
      "ADDRESS" },
    G_OPTION_ENTRY_NULL,
  };
  g_autofree char *usage = g_strjoin (" ", ctl->command->name, ctl->command->params, NULL);
  g_autofree char *full_description = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new (usage);
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) strv = g_strdupv (argv);
  g_autoptr (GError) error = NULL;
  gboolean seen_dashes = FALSE;
  guint i;

  full_description = g_strdup_printf ("%s%s%s%s%s\n\n%s", description ? description : "", description ? "\n\n" : "",
                                      endpoint_help, strstr (ctl->command->params, "SESSION") ? "\n" : "",
                                      strstr (ctl->command->params, "SESSION") ? session_help : "", exit_help);
  g_option_context_set_summary (context, ctl->command->summary);
  g_option_context_set_description (context, full_description);
  if (entries)
    g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, global_entries, NULL);

  if (!g_option_context_parse_strv (context, &strv, &error))
    {
      *status = tc_ctl_usage_error (ctl, "%s", error->message);
      return FALSE;
    }

  /* GOption keeps a "--" when something after it looks like an option. */
  for (i = 1; strv[i]; i++)
    {
      if (!seen_dashes && strcmp (strv[i], "--") == 0)
        {
          seen_dashes = TRUE;
          continue;
        }
      g_ptr_array_add (args, g_strdup (strv[i]));
    }

  if (args->len < min_args)
    {
      *status = tc_ctl_usage_error (ctl, "missing argument (usage: tincanctl %s)", usage);
      return FALSE;
    }
  if (args->len > max_args)
    {
      *status = tc_ctl_usage_error (ctl, "unexpected argument '%s' (usage: tincanctl %s)",
                                    (const char *) g_ptr_array_index (args, max_args), usage);
      return FALSE;
    }

  g_ptr_array_add (args, NULL);
  *args_out = (char **) g_ptr_array_free (g_steal_pointer (&args), FALSE);
  return TRUE;
}

/* An id names an object path element: [A-Za-z0-9_]+ (D-Bus specification). */
static gboolean
is_endpoint_id (const char *s)
{
  if (!*s)
    return FALSE;
  for (; *s; s++)
    {
      if (!g_ascii_isalnum (*s) && *s != '_')
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_sip_uri (const char *arg)
{
  return g_ascii_strncasecmp (arg, "sip:", 4) == 0 || g_ascii_strncasecmp (arg, "sips:", 5) == 0;
}

/**
 * tc_ctl_endpoint_path:
 *
 * Checks ENDPOINT before anything touches the bus.  Returns its object path,
 * or for a URI the URI itself, which tc_ctl_resolve_endpoint() turns into a
 * path once connected; NULL with a usage error.
 */
char *
tc_ctl_endpoint_path (TcCtl *ctl, const char *arg, int *status)
{
  if (g_str_has_prefix (arg, TC_CTL_ENDPOINT_PREFIX) && is_endpoint_id (arg + strlen (TC_CTL_ENDPOINT_PREFIX)))
    return g_strdup (arg);
  if (is_endpoint_id (arg))
    return g_strconcat (TC_CTL_ENDPOINT_PREFIX, arg, NULL);
  if (is_sip_uri (arg) && tc_ctl_check_utf8 (ctl, "ENDPOINT", arg, status))
    return g_strdup (arg);
  if (is_sip_uri (arg))
    return NULL;

  *status = tc_ctl_usage_error (ctl, "invalid endpoint '%s': give an id (letters, digits, '_'), %sID or a sip: URI",
                                arg, TC_CTL_ENDPOINT_PREFIX);
  return NULL;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * tc_ctl_resolve_endpoint:
 * @path: (inout): from tc_ctl_endpoint_path(); a URI is replaced by the path of
 *   the one endpoint whose Uri property it is
 *
 * Returns the exit status (0 when @path is an object path).
 */
int
tc_ctl_resolve_endpoint (TcCtl *ctl, char **path)
{
  g_autoptr (GDBusObjectManager) manager = NULL;
  g_autoptr (GPtrArray) matches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GList *objects, *l;

  if ((*path)[0] == '/')
    return TC_CTL_EXIT_OK;

  manager =
    tc_dbus_object_manager_client_new_sync (ctl->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                            TC_CTL_BUS_NAME, TC_CTL_MANAGER_PATH, NULL, &error);
  if (!manager)
    return tc_ctl_report_error (ctl, error);
  objects = g_dbus_object_manager_get_objects (manager);
  for (l = objects; l; l = l->next)
    {
      g_autoptr (GDBusInterface) endpoint = g_dbus_object_get_interface (l->data, TC_CTL_ENDPOINT_IFACE);

      if (endpoint && g_strcmp0 (tc_dbus_endpoint_get_uri (TC_DBUS_ENDPOINT (endpoint)), *path) == 0)
        g_ptr_array_add (matches, g_strdup (g_dbus_object_get_object_path (l->data)));
    }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort (matches, compare_paths);

  if (matches->len == 1)
    {
      g_free (*path);
      *path = g_strdup (g_ptr_array_index (matches, 0));
      return TC_CTL_EXIT_OK;
    }
  if (matches->len == 0)
    fprintf (stderr, "tincanctl: no endpoint has the URI %s\n", *path);
  else
    {
      g_autoptr (GString) ids = g_string_new (NULL);
      guint i;

      for (i = 0; i < matches->len; i++)
        g_string_append_printf (ids, "%s%s", i ? ", " : "", tc_ctl_endpoint_id (g_ptr_array_index (matches, i)));
      fprintf (stderr, "tincanctl: several endpoints have the URI %s (%s): give an id\n", *path, ids->str);
    }
  return TC_CTL_EXIT_FAILED;
}

/* A random operation cookie, from 1 to 2^53 - 1 so that JSON readers that use
 * doubles keep it exact. */
guint64
tc_ctl_new_cookie (void)
{
  guint64 cookie = (((guint64) g_random_int () << 32) | g_random_int ()) & ((G_GUINT64_CONSTANT (1) << 53) - 1);

  return MAX (cookie, 1);
}

/* The id of an endpoint object path (its last element). */
const char *
tc_ctl_endpoint_id (const char *path)
{
  const char *slash = strrchr (path, '/');

  return slash ? slash + 1 : path;
}

/* Remote errors that mean the daemon is not there, rather than that it refused. */
static gboolean
is_unreachable_error (const char *name)
{
  static const char *const names[] = {
    "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.NoServer",       "org.freedesktop.DBus.Error.Disconnected",
    "org.freedesktop.DBus.Error.NoReply",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (strcmp (name, names[i]) == 0)
        return TRUE;
    }
  /* Activation failures: the bus could not spawn the daemon, or systemd could not start its unit. */
  return g_str_has_prefix (name, "org.freedesktop.DBus.Error.Spawn.") ||
         g_str_has_prefix (name, "org.freedesktop.systemd1.");
}

/* Prints @error and returns its exit status. */
int
tc_ctl_report_error (TcCtl *ctl, const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);

  if (remote)
    {
      g_autoptr (GError) copy = g_error_copy (error);

      g_dbus_error_strip_remote_error (copy);
      fprintf (stderr, "tincanctl: %s: %s\n", remote, copy->message);
      return is_unreachable_error (remote) ? TC_CTL_EXIT_UNREACHABLE : TC_CTL_EXIT_FAILED;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    {
      fprintf (stderr, "tincanctl: lost the connection to the bus: %s\n", error->message);
      return TC_CTL_EXIT_UNREACHABLE;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      fprintf (stderr, "tincanctl: no reply from tincand in time: %s\n", error->message);
      return TC_CTL_EXIT_FAILED;
    }
  fprintf (stderr, "tincanctl: %s\n", error->message);
  return TC_CTL_EXIT_FAILED;
}

/**
 * tc_ctl_connect:
 *
 * Connects to the bus (--address, else the session bus from
 * $DBUS_SESSION_BUS_ADDRESS) and makes the Manager proxy, which starts the
 * daemon by D-Bus activation when it is activatable.  Any failure here means
 * the daemon cannot be reached.  Returns the exit status (0 when connected).
 */
int
tc_ctl_connect (TcCtl *ctl)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *owner = NULL;

  if (ctl->address)
    {
      ctl->connection = g_dbus_connection_new_for_address_sync (
        ctl->address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
        NULL, NULL, &error);
      if (!ctl->connection)
        {
          fprintf (stderr, "tincanctl: cannot connect to the D-Bus bus at %s: %s\n", ctl->address, error->message);
          return TC_CTL_EXIT_UNREACHABLE;
        }
    }
  else
    {
      ctl->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
      if (!ctl->connection)
        {
          fprintf (stderr, "tincanctl: cannot connect to the D-Bus session bus: %s\n", error->message);
          return TC_CTL_EXIT_UNREACHABLE;
        }
    }
  /* A lost bus is reported, not answered with the default SIGTERM. */
  g_dbus_connection_set_exit_on_close (ctl->connection, FALSE);

  ctl->manager = tc_dbus_manager_proxy_new_sync (ctl->connection, G_DBUS_PROXY_FLAGS_NONE, TC_CTL_BUS_NAME,
                                                 TC_CTL_MANAGER_PATH, NULL, &error);
  if (!ctl->manager)
    {
      /* GDBusProxy keeps the bus's error code (e.g. Spawn.ChildExited) but not its name in the message. */
      g_autofree char *name = error->domain == G_DBUS_ERROR ? g_dbus_error_encode_gerror (error) : NULL;

      fprintf (stderr, "tincanctl: cannot start tincand (%s): %s%s%s\n", TC_CTL_BUS_NAME, name ? name : "",
               name ? ": " : "", error->message);
      return TC_CTL_EXIT_UNREACHABLE;
    }
  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (ctl->manager));
  if (!owner)
    {
      fprintf (stderr, "tincanctl: tincand is not running and cannot be activated: no owner for %s on the bus\n",
               TC_CTL_BUS_NAME);
      return TC_CTL_EXIT_UNREACHABLE;
    }
  return TC_CTL_EXIT_OK;
}

/**
 * tc_ctl_get_endpoint:
 * @path: (inout): from tc_ctl_endpoint_path(), resolved here
 * @out: (out) (transfer full): the endpoint proxy, its properties loaded
 *
 * Checks that the daemon lists the endpoint in Manager.Endpoints (when it
 * publishes the property) and makes a proxy for it.  Returns the exit status.
 */
int
tc_ctl_get_endpoint (TcCtl *ctl, char **inout_path, TcDBusEndpoint **out)
{
  g_autoptr (GVariant) endpoints = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (ctl->manager), "Endpoints");
  g_autoptr (GError) error = NULL;
  const char *path;
  int status;

  if ((status = tc_ctl_resolve_endpoint (ctl, inout_path)) != TC_CTL_EXIT_OK)
    return status;
  path = *inout_path;

  if (endpoints && g_variant_is_of_type (endpoints, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
    {
      g_autofree const char **paths = g_variant_get_objv (endpoints, NULL);

      if (!g_strv_contains (paths, path))
        {
          fprintf (stderr, "tincanctl: no endpoint '%s' (%s)\n", tc_ctl_endpoint_id (path), path);
          return TC_CTL_EXIT_FAILED;
        }
    }

  *out = tc_dbus_endpoint_proxy_new_sync (ctl->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, TC_CTL_BUS_NAME, path,
                                          NULL, &error);
  if (!*out)
    return tc_ctl_report_error (ctl, error);
  return TC_CTL_EXIT_OK;
}

static const TcCtlCommand *
find_command (const char *name)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (commands[i].name, name) == 0)
        return &commands[i];
    }
  return NULL;
}

static gboolean
is_help_option (const char *arg)
{
  return strcmp (arg, "-h") == 0 || strcmp (arg, "--help") == 0 || strcmp (arg, "-?") == 0;
}

int
main (int argc, char **argv)
{
  TcCtl ctl = { 0 };
  g_autoptr (GPtrArray) command_argv = g_ptr_array_new ();
  gboolean help = FALSE;
  int command_index = -1;
  int status;
  int i;

  setlocale (LC_ALL, "");
  g_set_prgname ("tincanctl");

  /* Before the command only the global options may appear; find the command. */
  for (i = 1; i < argc && command_index < 0; i++)
    {
      const char *arg = argv[i];

      if (arg[0] != '-' || strcmp (arg, "-") == 0)
        command_index = i;
      else if (is_help_option (arg))
        help = TRUE;
      else if (strcmp (arg, "--version") == 0)
        {
          puts ("tincanctl " TINCAN_VERSION);
          return TC_CTL_EXIT_OK;
        }
      else if (strcmp (arg, "--address") == 0)
        {
          if (++i >= argc)
            return tc_ctl_usage_error (&ctl, "option --address needs an ADDRESS");
        }
      else if (!g_str_has_prefix (arg, "--address=") && strcmp (arg, "--json") != 0 && strcmp (arg, "-j") != 0)
        return tc_ctl_usage_error (&ctl, "unknown option '%s' (a command's options go after the command)", arg);
    }

  if (command_index < 0)
    {
      if (help)
        {
          print_main_help ();
          return TC_CTL_EXIT_OK;
        }
      return tc_ctl_usage_error (&ctl, "no command given");
    }

  /* "tincanctl help [COMMAND]" is "tincanctl [COMMAND] --help". */
  if (strcmp (argv[command_index], "help") == 0)
    {
      if (command_index + 1 >= argc)
        {
          print_main_help ();
          return TC_CTL_EXIT_OK;
        }
      ctl.command = find_command (argv[command_index + 1]);
      if (!ctl.command)
        return tc_ctl_usage_error (&ctl, "unknown command '%s'", argv[command_index + 1]);
      g_ptr_array_add (command_argv, argv[0]);
      g_ptr_array_add (command_argv, (char *) "--help");
    }
  else
    {
      ctl.command = find_command (argv[command_index]);
      if (!ctl.command)
        return tc_ctl_usage_error (&ctl, "unknown command '%s'", argv[command_index]);
      for (i = 0; i < argc; i++)
        {
          if (i != command_index)
            g_ptr_array_add (command_argv, argv[i]);
        }
    }
  g_ptr_array_add (command_argv, NULL);

  status = ctl.command->run (&ctl, (char **) command_argv->pdata);

  /* Leave stdout complete even when a pipe reader is slow to notice the end. */
  fflush (stdout);
  g_clear_object (&ctl.manager);
  if (ctl.connection)
    g_dbus_connection_flush_sync (ctl.connection, NULL, NULL);
  g_clear_object (&ctl.connection);
  g_free (ctl.address);
  return status;
}
