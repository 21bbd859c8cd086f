/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dbus-bench — the D-Bus side of bench/daemon/bench-daemon.py (issue 4).
 * Talks to tincand on a private bus given by --address.  Every timestamp
 * it prints is CLOCK_REALTIME in seconds with microseconds, the clock of
 * exec-stamp and of Kamailio's $TV(Sn); latencies use CLOCK_MONOTONIC.
 *
 *   dbus-bench watch --address A [--expect N]
 *       Subscribes to NameOwnerChanged for org.tincan.Tincan1 and to every
 *       org.tincan.Tincan1.Endpoint.RegistrationStateChanged, makes sure the
 *       bus has the match rules (a round trip after AddMatch), prints
 *       "ready T", then "name T OWNER" when the name gets an owner,
 *       "reg T PATH STATE PREVIOUS STATUS" for every state change, and
 *       "all-registered T N" the first time N distinct endpoints are in
 *       state registered at once.  Runs until SIGTERM/SIGINT.
 *
 *   dbus-bench message --address A --target URI [--window W] [--seconds S]
 *                      [--warmup S] [--floor] [--body-size B]
 *       Creates a peer-to-peer endpoint (CreateEndpoint: sip:bench@127.0.0.1,
 *       listen 127.0.0.1:0), then keeps W SendMessage calls outstanding
 *       (asynchronous GDBus calls, one connection) for WARMUP + S seconds.
 *       Calls issued during the S measured seconds give the latency
 *       (call -> reply, p50/p99); the replies that arrive in those S seconds
 *       give the rate.  --floor calls org.freedesktop.DBus.Properties.Get
 *       (Manager.Version) instead: the D-Bus round trip through the bus
 *       and tincand with no SIP, the ceiling of any method call.
 *       Prints one "result key=value ..." line.
 *
 *   dbus-bench create --address A --count N --uri-format FMT --registrar URI
 *                     --password-format FMT [--window W] [--expires S]
 *       CreateEndpoint N registered endpoints (FMT has one %u, 1..N, e.g.
 *       sip:scale%u@127.0.0.1) with W calls outstanding, then Register on
 *       each; prints "created T N" and "register-called T N".
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUS_NAME "org.tincan.Tincan1"
#define MANAGER_PATH "/org/tincan/Tincan1"
#define MANAGER_IFACE "org.tincan.Tincan1.Manager"
#define ENDPOINT_IFACE "org.tincan.Tincan1.Endpoint"

static char *opt_address;
static int opt_expect;
static char *opt_target;
static int opt_window = 64;
static double opt_seconds = 10;
static double opt_warmup = 1;
static gboolean opt_floor;
static int opt_body_size = 16;
static int opt_count;
static char *opt_uri_format;
static char *opt_registrar;
static char *opt_password_format;
static int opt_expires;

static GOptionEntry entries[] = {
  { "address", 0, 0, G_OPTION_ARG_STRING, &opt_address, "D-Bus address of the bus", "ADDR" },
  { "expect", 0, 0, G_OPTION_ARG_INT, &opt_expect, "watch: endpoints expected in state registered", "N" },
  { "target", 0, 0, G_OPTION_ARG_STRING, &opt_target, "message: the MESSAGE target URI", "URI" },
  { "window", 0, 0, G_OPTION_ARG_INT, &opt_window, "calls outstanding (64)", "W" },
  { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &opt_seconds, "message: measured seconds (10)", "S" },
  { "warmup", 0, 0, G_OPTION_ARG_DOUBLE, &opt_warmup, "message: warm-up seconds (1)", "S" },
  { "floor", 0, 0, G_OPTION_ARG_NONE, &opt_floor, "message: Properties.Get instead of SendMessage", NULL },
  { "body-size", 0, 0, G_OPTION_ARG_INT, &opt_body_size, "message: body bytes (16)", "B" },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "create: endpoints", "N" },
  { "uri-format", 0, 0, G_OPTION_ARG_STRING, &opt_uri_format, "create: AoR format with one %u", "FMT" },
  { "registrar", 0, 0, G_OPTION_ARG_STRING, &opt_registrar, "create: registrar URI", "URI" },
  { "password-format", 0, 0, G_OPTION_ARG_STRING, &opt_password_format, "create: password format", "FMT" },
  { "expires", 0, 0, G_OPTION_ARG_INT, &opt_expires, "create: requested expiry (default: daemon's)", "S" },
  { NULL }
};

static GMainLoop *loop;
static GDBusConnection *bus;

static double
now_real (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static gint64
now_mono_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  (void) user_data;
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static GDBusConnection *
connect_bus (void)
{
  GError *error = NULL;
  if (!opt_address)
    {
      fprintf (stderr, "dbus-bench: --address is required\n");
      exit (2);
    }
  GDBusConnection *c = g_dbus_connection_new_for_address_sync (
      opt_address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL,
      NULL, &error);
  if (!c)
    {
      fprintf (stderr, "dbus-bench: cannot connect to %s: %s\n", opt_address, error->message);
      exit (1);
    }
  g_dbus_connection_set_exit_on_close (c, FALSE);
  return c;
}

/* --- watch --------------------------------------------------------------- */

static GHashTable *registered; /* path -> 1 while in state registered */
static gboolean all_reported;

static void
on_name_owner_changed (GDBusConnection *c, const char *sender, const char *path, const char *iface,
                       const char *signal, GVariant *params, gpointer user_data)
{
  (void) c, (void) sender, (void) path, (void) iface, (void) signal, (void) user_data;
  double t = now_real ();
  const char *name, *old_owner, *new_owner;
  g_variant_get (params, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (strcmp (name, BUS_NAME) != 0)
    return;
  if (*new_owner)
    printf ("name %.6f %s\n", t, new_owner);
  else
    printf ("name-lost %.6f %s\n", t, old_owner);
  fflush (stdout);
}

static void
on_registration_state_changed (GDBusConnection *c, const char *sender, const char *path, const char *iface,
                               const char *signal, GVariant *params, gpointer user_data)
{
  (void) c, (void) sender, (void) iface, (void) signal, (void) user_data;
  double t = now_real ();
  const char *state, *previous, *phrase;
  guint32 status;
  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(ssusa{sv})")))
    {
      printf ("bad-signal %.6f %s %s\n", t, path, g_variant_get_type_string (params));
      fflush (stdout);
      return;
    }
  g_variant_get (params, "(&s&su&s@a{sv})", &state, &previous, &status, &phrase, NULL);
  printf ("reg %.6f %s %s %s %u\n", t, path, state, previous, status);
  if (strcmp (state, "registered") == 0)
    g_hash_table_add (registered, g_strdup (path));
  else
    g_hash_table_remove (registered, path);
  if (!all_reported && opt_expect > 0 && (int) g_hash_table_size (registered) >= opt_expect)
    {
      all_reported = TRUE;
      printf ("all-registered %.6f %u\n", t, g_hash_table_size (registered));
      fflush (stdout);
    }
  else
    {
      /* failures at once, the rest at most every 50 ms */
      static gint64 last_flush;
      gint64 now = g_get_monotonic_time ();
      if ((strcmp (state, "registered") != 0 && strcmp (state, "registering") != 0) || now - last_flush > 50000)
        {
          fflush (stdout);
          last_flush = now;
        }
    }
}

static int
run_watch (void)
{
  bus = connect_bus ();
  registered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_dbus_connection_signal_subscribe (bus, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                                      "/org/freedesktop/DBus", BUS_NAME, G_DBUS_SIGNAL_FLAGS_NONE,
                                      on_name_owner_changed, NULL, NULL);
  g_dbus_connection_signal_subscribe (bus, NULL, ENDPOINT_IFACE, "RegistrationStateChanged", NULL, NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, on_registration_state_changed, NULL, NULL);
  /* AddMatch goes out before this call on the same connection: once it is
   * answered, the bus has the rules. */
  GError *error = NULL;
  GVariant *r = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "GetId", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                             5000, NULL, &error);
  if (!r)
    {
      fprintf (stderr, "dbus-bench: GetId: %s\n", error->message);
      return 1;
    }
  g_variant_unref (r);
  printf ("ready %.6f\n", now_real ());
  fflush (stdout);
  g_main_loop_run (loop);
  printf ("end %.6f registered=%u\n", now_real (), g_hash_table_size (registered));
  fflush (stdout);
  return 0;
}

/* --- message ------------------------------------------------------------- */

typedef struct {
  gint64 started;
  gboolean measured;
} Call;

static char *endpoint_path;
static GVariant *body;
static gint64 t_measure_start, t_measure_end;
static gboolean stopping;
static int outstanding;
static guint64 issued, completed_in_window, ok_total, errors_total, ok_in_window, errors_in_window;
static GArray *latencies; /* gint64 ns, calls issued in the window */
static char *first_error;

static void issue_call (void);

static void
on_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  gint64 t = now_mono_ns ();
  GVariant *r = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  outstanding--;
  gboolean in_window = t >= t_measure_start && t < t_measure_end;
  if (r)
    {
      g_variant_unref (r);
      ok_total++;
      if (in_window)
        ok_in_window++;
    }
  else
    {
      errors_total++;
      if (in_window)
        errors_in_window++;
      if (!first_error)
        first_error = g_strdup (error->message);
      g_error_free (error);
    }
  if (in_window)
    completed_in_window++;
  if (call->measured)
    {
      gint64 lat = t - call->started;
      g_array_append_val (latencies, lat);
    }
  g_free (call);
  if (!stopping)
    issue_call ();
  else if (outstanding == 0)
    g_main_loop_quit (loop);
}

static void
issue_call (void)
{
  Call *call = g_new0 (Call, 1);
  call->started = now_mono_ns ();
  call->measured = t_measure_start && call->started >= t_measure_start && call->started < t_measure_end;
  outstanding++;
  issued++;
  if (opt_floor)
    g_dbus_connection_call (bus, BUS_NAME, MANAGER_PATH, "org.freedesktop.DBus.Properties", "Get",
                            g_variant_new ("(ss)", MANAGER_IFACE, "Version"), G_VARIANT_TYPE ("(v)"),
                            G_DBUS_CALL_FLAGS_NONE, 30000, NULL, on_reply, call);
  else
    g_dbus_connection_call (bus, BUS_NAME, endpoint_path, ENDPOINT_IFACE, "SendMessage",
                            g_variant_new ("(ss@aya{sv})", opt_target, "text/plain;charset=UTF-8", body, NULL),
                            G_VARIANT_TYPE ("()"), G_DBUS_CALL_FLAGS_NONE, 30000, NULL, on_reply, call);
}

static gboolean
on_measure_start (gpointer user_data)
{
  (void) user_data;
  t_measure_start = now_mono_ns ();
  t_measure_end = t_measure_start + (gint64) (opt_seconds * 1e9);
  return G_SOURCE_REMOVE;
}

static gboolean on_drain_timeout (gpointer user_data);

static gboolean
on_measure_end (gpointer user_data)
{
  (void) user_data;
  stopping = TRUE;
  if (outstanding == 0)
    g_main_loop_quit (loop);
  else
    g_timeout_add_seconds (35, on_drain_timeout, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_drain_timeout (gpointer user_data)
{
  (void) user_data;
  fprintf (stderr, "dbus-bench: %d calls still outstanding 35 s after the end\n", outstanding);
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
cmp_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static double
pct_us (GArray *a, double p)
{
  if (a->len == 0)
    return -1;
  double k = (a->len - 1) * p / 100.0;
  guint f = (guint) k;
  guint c = f + 1 < a->len ? f + 1 : f;
  double v = g_array_index (a, gint64, f) + (g_array_index (a, gint64, c) - g_array_index (a, gint64, f)) * (k - f);
  return v / 1000.0;
}

static char *
create_endpoint (GVariant *settings, GError **error)
{
  GVariant *r = g_dbus_connection_call_sync (bus, BUS_NAME, MANAGER_PATH, MANAGER_IFACE, "CreateEndpoint",
                                             g_variant_new ("(@a{sv})", settings), G_VARIANT_TYPE ("(o)"),
                                             G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
  if (!r)
    return NULL;
  char *path;
  g_variant_get (r, "(o)", &path);
  g_variant_unref (r);
  return path;
}

static int
run_message (void)
{
  if (!opt_floor && !opt_target)
    {
      fprintf (stderr, "dbus-bench message: --target is required\n");
      return 2;
    }
  bus = connect_bus ();
  GError *error = NULL;
  if (!opt_floor)
    {
      GVariantBuilder b;
      g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&b, "{sv}", "uri", g_variant_new_string ("sip:bench@127.0.0.1"));
      g_variant_builder_add (&b, "{sv}", "kind", g_variant_new_string ("peer-to-peer"));
      g_variant_builder_add (&b, "{sv}", "listen", g_variant_new_string ("127.0.0.1:0"));
      endpoint_path = create_endpoint (g_variant_builder_end (&b), &error);
      if (!endpoint_path)
        {
          fprintf (stderr, "dbus-bench: CreateEndpoint: %s\n", error->message);
          return 1;
        }
      fprintf (stderr, "dbus-bench: endpoint %s\n", endpoint_path);
    }
  char *text = g_malloc (opt_body_size);
  for (int i = 0; i < opt_body_size; i++)
    text[i] = 'a' + i % 26;
  body = g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, text, opt_body_size, 1));
  g_free (text);
  latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_timeout_add ((guint) (opt_warmup * 1000), on_measure_start, NULL);
  g_timeout_add ((guint) ((opt_warmup + opt_seconds) * 1000), on_measure_end, NULL);
  for (int i = 0; i < opt_window; i++)
    issue_call ();
  g_main_loop_run (loop);
  g_array_sort (latencies, cmp_i64);
  double seconds = (t_measure_end - t_measure_start) / 1e9;
  printf ("result mode=%s window=%d seconds=%.3f issued=%" G_GUINT64_FORMAT " ok=%" G_GUINT64_FORMAT
          " errors=%" G_GUINT64_FORMAT " ok_in_window=%" G_GUINT64_FORMAT " errors_in_window=%" G_GUINT64_FORMAT
          " rate=%.1f samples=%u p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f first_error=%s\n",
          opt_floor ? "floor" : "send", opt_window, seconds, issued, ok_total, errors_total, ok_in_window,
          errors_in_window, ok_in_window / seconds, latencies->len, pct_us (latencies, 50), pct_us (latencies, 90),
          pct_us (latencies, 99), latencies->len ? g_array_index (latencies, gint64, latencies->len - 1) / 1000.0 : -1,
          first_error ? "yes" : "-");
  if (first_error)
    printf ("first-error %s\n", first_error);
  fflush (stdout);
  return 0;
}

/* --- create -------------------------------------------------------------- */

static int create_next, create_done, register_next, register_done;
static guint64 create_errors;

static GPtrArray *paths;
static void create_issue (void);
static void register_issue (void);

static void
on_register_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  (void) user_data;
  GError *error = NULL;
  GVariant *r = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (r)
    g_variant_unref (r);
  else
    {
      if (!first_error)
        first_error = g_strdup (error->message);
      create_errors++;
      g_error_free (error);
    }
  register_done++;
  if (register_done == (int) paths->len)
    {
      printf ("register-called %.6f %d errors=%" G_GUINT64_FORMAT "\n", now_real (), register_done, create_errors);
      if (first_error)
        printf ("first-error %s\n", first_error);
      fflush (stdout);
      g_main_loop_quit (loop);
    }
  else
    register_issue ();
}

static void
register_issue (void)
{
  if (register_next >= (int) paths->len)
    return;
  const char *path = g_ptr_array_index (paths, register_next++);
  g_dbus_connection_call (bus, BUS_NAME, path, ENDPOINT_IFACE, "Register", NULL, G_VARIANT_TYPE ("()"),
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL, on_register_reply, NULL);
}

static void
on_create_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  (void) user_data;
  GError *error = NULL;
  GVariant *r = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (r)
    {
      char *path;
      g_variant_get (r, "(o)", &path);
      g_ptr_array_add (paths, path);
      g_variant_unref (r);
    }
  else
    {
      if (!first_error)
        first_error = g_strdup (error->message);
      create_errors++;
      g_error_free (error);
    }
  create_done++;
  if (create_done == opt_count)
    {
      printf ("created %.6f %u errors=%" G_GUINT64_FORMAT "\n", now_real (), paths->len, create_errors);
      fflush (stdout);
      if (paths->len == 0)
        {
          g_main_loop_quit (loop);
          return;
        }
      for (int i = 0; i < opt_window; i++)
        register_issue ();
    }
  else
    create_issue ();
}

static void
create_issue (void)
{
  if (create_next >= opt_count)
    return;
  guint n = ++create_next;
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  char *uri = g_strdup_printf (opt_uri_format, n);
  char *pw = g_strdup_printf (opt_password_format, n);
  g_variant_builder_add (&b, "{sv}", "uri", g_variant_new_take_string (uri));
  g_variant_builder_add (&b, "{sv}", "kind", g_variant_new_string ("registered"));
  g_variant_builder_add (&b, "{sv}", "registrar", g_variant_new_string (opt_registrar));
  g_variant_builder_add (&b, "{sv}", "password", g_variant_new_take_string (pw));
  if (opt_expires > 0)
    g_variant_builder_add (&b, "{sv}", "expires", g_variant_new_uint32 (opt_expires));
  g_dbus_connection_call (bus, BUS_NAME, MANAGER_PATH, MANAGER_IFACE, "CreateEndpoint",
                          g_variant_new ("(@a{sv})", g_variant_builder_end (&b)), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL, on_create_reply, NULL);
}

static int
run_create (void)
{
  if (opt_count <= 0 || !opt_uri_format || !opt_registrar || !opt_password_format)
    {
      fprintf (stderr, "dbus-bench create: --count, --uri-format, --registrar, --password-format are required\n");
      return 2;
    }
  bus = connect_bus ();
  paths = g_ptr_array_new_with_free_func (g_free);
  printf ("start %.6f\n", now_real ());
  fflush (stdout);
  for (int i = 0; i < opt_window; i++)
    create_issue ();
  g_main_loop_run (loop);
  return create_errors ? 1 : 0;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GOptionContext *ctx = g_option_context_new ("watch|message|create - D-Bus side of the tincand benchmark");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "dbus-bench: %s\n", error ? error->message : "one mode: watch, message or create");
      return 2;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_quit_signal, NULL);
  g_unix_signal_add (SIGINT, on_quit_signal, NULL);
  if (strcmp (argv[1], "watch") == 0)
    return run_watch ();
  if (strcmp (argv[1], "message") == 0)
    return run_message ();
  if (strcmp (argv[1], "create") == 0)
    return run_create ();
  fprintf (stderr, "dbus-bench: unknown mode %s\n", argv[1]);
  return 2;
}
