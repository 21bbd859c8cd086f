/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * main.c — tincand: options, the TcManager, the bus name org.tincan.Tincan1,
 * signals and the main loop (style.md B2).  The endpoints are made
 * (tc_manager_start), the objects exported, then the name requested.
 * SIGTERM/INT/HUP unregisters (at most 3 s), answers held calls Aborted,
 * exits 0; losing the name exits 1.
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "bus/manager-bus.h"

#define TINCAN_BUS_NAME "org.tincan.Tincan1"
#define SHUTDOWN_TIMEOUT_MS 3000
/* How often the allocator's free memory is looked at, and how much more of
 * it than last time makes it worth giving back (see on_trim_timer). */
#define TRIM_INTERVAL_S 5
#define TRIM_GROWTH (8 * 1024 * 1024)

typedef struct { /* borrowed from main() */
  GMainLoop *loop;
  TcManager *manager;
  TcManagerBus *bus;
  const char *address;
  gboolean started, stopping;
  int status;
  gsize trim_free; /* the allocator's free bytes at the last trim (on_trim_timer) */
} Daemon;

static void
daemon_quit (Daemon *d, int status)
{
  d->status = status;
  tc_manager_bus_unexport (d->bus);
  g_main_loop_quit (d->loop);
}

#ifdef __GLIBC__
/* glibc keeps what a burst freed (thousands of endpoints registering at
 * once: messages, transactions) and returns only the top of the heap to
 * the system.  When the free memory inside the allocator has grown by
 * TRIM_GROWTH since the last look, malloc_trim() gives its whole free
 * pages back.  A page given back stays counted as free by mallinfo2(),
 * hence the comparison with the value at the last trim rather than a
 * fixed bound. */
static gboolean
on_trim_timer (gpointer user_data)
{
  Daemon *d = user_data;
  struct mallinfo2 info = mallinfo2 ();

  if (info.fordblks > d->trim_free + TRIM_GROWTH)
    {
      g_debug ("tincand: %zu KiB free in the allocator: trimming", info.fordblks / 1024);
      malloc_trim (0);
      d->trim_free = info.fordblks;
    }
  else if (info.fordblks < d->trim_free)
    d->trim_free = info.fordblks; /* reused */
  return G_SOURCE_CONTINUE;
}
#endif

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *d = user_data;

  if (d->started || d->stopping)
    return;
  d->started = TRUE;
  g_message ("tincand: %s on %s, %u endpoint(s)", name, d->address, tc_manager_get_endpoints (d->manager)->len);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *d = user_data;

  if (d->stopping)
    return;
  g_message (d->started ? "tincand: lost %s on %s (replaced, or the bus went away): exiting"
                        : "tincand: cannot own %s on %s: is another tincand running? (--replace takes over)",
             name, d->address);
  daemon_quit (d, EXIT_FAILURE);
}

static void
on_shutdown_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Daemon *d = user_data;

  tc_manager_shutdown_finish (TC_MANAGER (source), result);
  g_message ("tincand: stopped");
  daemon_quit (d, EXIT_SUCCESS);
}

static gboolean
on_signal (gpointer user_data)
{
  Daemon *d = user_data;

  if (d->stopping || !d->started)
    {
      g_message (d->stopping ? "tincand: second signal: exiting at once" : "tincand: stopped");
      d->stopping = TRUE;
      daemon_quit (d, EXIT_SUCCESS);
      return G_SOURCE_CONTINUE;
    }
  d->stopping = TRUE;
  g_message ("tincand: shutting down");
  tc_manager_shutdown_async (d->manager, SHUTDOWN_TIMEOUT_MS, on_shutdown_done, d);
  return G_SOURCE_CONTINUE;
}

static int
fail (const char *what, const GError *error)
{
  g_printerr ("tincand: %s%s\n", what, error->message);
  return EXIT_FAILURE;
}

static GDBusConnection *
connect_bus (const char *address, char **out_address, GError **error)
{
  if (address)
    {
      *out_address = g_strdup (address);
      return g_dbus_connection_new_for_address_sync (
        address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL,
        NULL, error);
    }
  /* When this fails, so does g_bus_get_sync(), with the reason. */
  *out_address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  return g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
}

int
main (int argc, char **argv)
{
  gboolean session = FALSE, replace = FALSE, no_default_endpoint = FALSE, no_secret_service = FALSE, version = FALSE;
  g_autofree char *address = NULL, *config_dir = NULL, *data_dir = NULL, *bus_address = NULL;
  int default_port = 5060, read_timeout_ms = 0;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_NONE, &session, "Own the name on the session bus (the default)", NULL },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, "Own the name on the message bus at ADDR", "ADDR" },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, "Take the name over from a running tincand", NULL },
    { "config-dir", 0, 0, G_OPTION_ARG_FILENAME, &config_dir, "Accounts ($XDG_CONFIG_HOME/tincan)", "DIR" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Message inboxes ($XDG_DATA_HOME/tincan)", "DIR" },
    { "no-default-endpoint", 0, 0, G_OPTION_ARG_NONE, &no_default_endpoint, "No embedded default endpoint", NULL },
    { "no-secret-service", 0, 0, G_OPTION_ARG_NONE, &no_secret_service, "Never use the Secret Service", NULL },
    { "default-port", 0, 0, G_OPTION_ARG_INT, &default_port, "SIP port of the default endpoint (5060)", "N" },
    { "read-timeout", 0, 0, G_OPTION_ARG_INT, &read_timeout_ms, "Close a stalled SIP stream after MS (30000)", "MS" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- the Tincan SIP softphone daemon");
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (TcManager) manager = NULL;
  g_autoptr (TcManagerBus) bus = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  TcManagerConfig config;
  Daemon d = { 0 };
  guint owner_id;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail ("", error) + 1;
  if (version)
    {
      g_print ("tincand %s\n", TINCAN_VERSION);
      return EXIT_SUCCESS;
    }
  if ((session && address) || default_port < 0 || default_port > 65535 || read_timeout_ms < 0)
    {
      g_printerr ("tincand: --session and --address exclude each other; --default-port is 0..65535\n");
      return 2;
    }

  /* NULL directories: the manager's $XDG_CONFIG_HOME/tincan, $XDG_DATA_HOME/tincan. */
  tc_manager_config_init (&config);
  config.config_dir = config_dir;
  config.data_dir = data_dir;
  config.use_secret_service = !no_secret_service && !g_getenv ("TINCAN_NO_SECRET_SERVICE");
  config.default_endpoint = !no_default_endpoint;
  config.default_port = default_port;
  config.read_timeout_ms = read_timeout_ms;
  d.manager = manager = tc_manager_new (&config, &error);
  if (!manager)
    return fail ("", error);

  connection = connect_bus (address, &bus_address, &error);
  d.address = bus_address;
  if (!connection)
    return fail ("cannot connect to the bus: ", error);
  /* Losing the bus is name_lost (exit 1), not a SIGTERM to ourselves. */
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  /* Endpoints exist before the name is ours: a call that activated us
   * must find them.  Core announces each endpoint with a port of its own
   * (its contact shows the port chosen); those on the shared stack,
   * possibly thousands, only at debug level.  They are made before the
   * export, which puts them all on the bus at once, without an
   * InterfacesAdded for each (nobody can have seen us yet). */
  tc_manager_start (manager);

  d.bus = bus = tc_manager_bus_new (manager, connection);
  if (!tc_manager_bus_export (bus, &error))
    return fail ("cannot export the objects: ", error);

  loop = d.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, &d);
  g_unix_signal_add (SIGINT, on_signal, &d);
  g_unix_signal_add (SIGHUP, on_signal, &d);
#ifdef __GLIBC__
  g_timeout_add_seconds (TRIM_INTERVAL_S, on_trim_timer, &d);
#endif
  owner_id = g_bus_own_name_on_connection (connection, TINCAN_BUS_NAME,
                                           G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT |
                                             (replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0),
                                           on_name_acquired, on_name_lost, &d, NULL);
  g_main_loop_run (loop);
  g_bus_unown_name (owner_id);
  /* The Aborted replies and the name release go out before we exit. */
  g_dbus_connection_flush_sync (connection, NULL, NULL);
  return d.status;
}
