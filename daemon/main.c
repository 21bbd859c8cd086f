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
#include "core/endpoint.h"

#define TINCAN_BUS_NAME "org.tincan.Tincan1"
#define SHUTDOWN_TIMEOUT_MS 3000
/* After a burst of work, how often the allocator is looked at until it is
 * quiet, how much more free memory than at the last trim makes it worth
 * giving back, and what change of the memory in use counts as still busy
 * (see on_trim_check). */
#define TRIM_INTERVAL_S 2
#define TRIM_GROWTH (1024 * 1024)
#define TRIM_BUSY (1024 * 1024)
/* Quiet checks before stopping: longer than Timer K (5 s), after which
 * the transactions of a burst of requests go, freeing their messages. */
#define TRIM_QUIET_CHECKS 4

typedef struct { /* borrowed from main() */
  GMainLoop *loop;
  TcManager *manager;
  TcManagerBus *bus;
  const char *address;
  gboolean started, stopping;
  int status;
  guint trim_timer; /* on_trim_check, while a burst lasts */
  gsize trim_free;  /* the allocator's free bytes at the last trim */
  gsize trim_used;  /* its bytes in use at the last check */
  guint trim_quiet; /* checks in a row without it moving */
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
 * the system.  malloc_trim() gives its whole free pages back.  It is done
 * after bursts only, so that an idle daemon is never woken for it: work
 * that can make one (endpoints added or removed, registrations changing
 * state, calls ending) arms on_trim_check, which looks every
 * TRIM_INTERVAL_S, trims when the free memory has grown by TRIM_GROWTH
 * since the last trim, and stops once the memory in use has not moved for
 * TRIM_QUIET_CHECKS looks.  A page given back stays counted as free by
 * mallinfo2(), hence the comparison with the value at the last trim rather
 * than a fixed bound. */
static gboolean
on_trim_check (gpointer user_data)
{
  Daemon *d = user_data;
  struct mallinfo2 info = mallinfo2 ();
  gboolean busy = info.uordblks > d->trim_used + TRIM_BUSY || info.uordblks + TRIM_BUSY < d->trim_used;

  d->trim_used = info.uordblks;
  if (info.fordblks > d->trim_free + TRIM_GROWTH)
    {
      g_debug ("tincand: %zu KiB free in the allocator: trimming", info.fordblks / 1024);
      malloc_trim (0);
      d->trim_free = info.fordblks;
    }
  else if (info.fordblks < d->trim_free)
    d->trim_free = info.fordblks; /* reused */
  d->trim_quiet = busy ? 0 : d->trim_quiet + 1;
  if (d->trim_quiet < TRIM_QUIET_CHECKS)
    return G_SOURCE_CONTINUE;
  d->trim_timer = 0;
  return G_SOURCE_REMOVE;
}

/* An emission hook: one for every endpoint, not a handler each. */
static gboolean
on_burst_work (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer user_data)
{
  Daemon *d = user_data;

  d->trim_quiet = 0;
  if (!d->trim_timer)
    d->trim_timer = g_timeout_add_seconds (TRIM_INTERVAL_S, on_trim_check, d);
  return TRUE;
}

static void
watch_bursts (Daemon *d)
{
  static const struct {
    GType (*type) (void);
    const char *signal;
  } work[] = {
    { tc_manager_get_type, "endpoint-added" },
    { tc_manager_get_type, "endpoint-removed" },
    { tc_endpoint_get_type, "registration-state-changed" },
    { tc_endpoint_get_type, "session-removed" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (work); i++)
    {
      GType type = work[i].type ();

      g_type_class_ref (type); /* the signals exist once the class does; kept */
      g_signal_add_emission_hook (g_signal_lookup (work[i].signal, type), 0, on_burst_work, d, NULL);
    }
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
#ifdef __GLIBC__
  watch_bursts (&d);
#endif
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
