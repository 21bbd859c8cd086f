/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl-calls.c — calls: "call" (Endpoint.Call, with --wait following
 * Session.StateChanged until connected or disconnected), "sessions" (every
 * org.tincan.Tincan1.Session the object manager lists) and the commands on
 * one session: answer, reject, hangup, hold, resume, dtmf, info, play,
 * record and mute.
 *
 * SESSION is ENDPOINT/N (the endpoint as every command takes it, and the
 * session number) or the session's object path; like ENDPOINT it is checked
 * before the bus is touched, and a session the daemon does not export is
 * "no session" (exit 1).  Commands that only ask print nothing on success
 * (with --json, one record naming the session and the action); Hold, Resume
 * and SendInfo, which wait for a SIP transaction, print its outcome from
 * Session.OperationComplete, as "send" does.
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tincanctl.h"

#define SESSION_INFIX "/session/"

/* ---- session paths ---- */

static gboolean
parse_session_number (const char *text, guint32 *number)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL))
    return FALSE;
  *number = (guint32) value;
  return TRUE;
}

/**
 * tc_ctl_session_name:
 *
 * Returns "ID/N" for a session object path (/org/tincan/Tincan1/endpoint/ID/session/N),
 * else NULL.
 */
char *
tc_ctl_session_name (const char *path)
{
  const char *id, *infix;
  guint32 number;

  if (!g_str_has_prefix (path, TC_CTL_ENDPOINT_PREFIX))
    return NULL;
  id = path + strlen (TC_CTL_ENDPOINT_PREFIX);
  infix = strstr (id, SESSION_INFIX);
  if (!infix || infix == id || memchr (id, '/', infix - id) ||
      !parse_session_number (infix + strlen (SESSION_INFIX), &number))
    return NULL;
  return g_strdup_printf ("%.*s/%u", (int) (infix - id), id, number);
}

/* Adds "endpoint" (the id), "session" (ID/N) and "path" for the session at @path. */
void
tc_ctl_record_add_session (GVariantBuilder *record, const char *path)
{
  g_autofree char *name = tc_ctl_session_name (path);
  g_autofree char *endpoint = name ? g_strndup (name, strchr (name, '/') - name) : NULL;

  tc_ctl_record_add_string (record, "endpoint", endpoint);
  tc_ctl_record_add_string (record, "session", name);
  g_variant_builder_add (record, "{sv}", "path", g_variant_new_object_path (path));
}

void
tc_ctl_session_ref_clear (TcCtlSessionRef *ref)
{
  g_free (ref->endpoint);
  g_free (ref->path);
  g_free (ref->name);
}

/* Checks SESSION before anything touches the bus; FALSE with a usage error. */
gboolean
tc_ctl_session_ref_parse (TcCtl *ctl, const char *arg, TcCtlSessionRef *ref, int *status)
{
  g_autofree char *endpoint = NULL;
  const char *number = NULL;
  const char *split;

  /* The object path: the endpoint's path, "/session/", the number. */
  if (g_str_has_prefix (arg, TC_CTL_ENDPOINT_PREFIX) &&
      (split = strstr (arg + strlen (TC_CTL_ENDPOINT_PREFIX), SESSION_INFIX)))
    {
      endpoint = g_strndup (arg, split - arg);
      number = split + strlen (SESSION_INFIX);
    }
  /* ENDPOINT/N: the number after the last '/' (a URI may hold one). */
  else if ((split = strrchr (arg, '/')) && split > arg)
    {
      endpoint = g_strndup (arg, split - arg);
      number = split + 1;
    }
  if (!endpoint || !parse_session_number (number, &ref->number))
    {
      *status = tc_ctl_usage_error (ctl, "invalid session '%s': give ENDPOINT/N (e.g. default/1) or %sID%sN", arg,
                                    TC_CTL_ENDPOINT_PREFIX, SESSION_INFIX);
      return FALSE;
    }
  return (ref->endpoint = tc_ctl_endpoint_path (ctl, endpoint, status)) != NULL;
}

/* Once connected: resolves the endpoint and names the session's path. */
static int
session_ref_resolve (TcCtl *ctl, TcCtlSessionRef *ref)
{
  int status = tc_ctl_resolve_endpoint (ctl, &ref->endpoint);

  if (status != TC_CTL_EXIT_OK)
    return status;
  ref->path = g_strdup_printf ("%s" SESSION_INFIX "%u", ref->endpoint, ref->number);
  ref->name = g_strdup_printf ("%s/%u", tc_ctl_endpoint_id (ref->endpoint), ref->number);
  return TC_CTL_EXIT_OK;
}

/* A proxy for the resolved session, its properties loaded; "no session" when
 * the daemon does not export it. */
static int
session_ref_get (TcCtl *ctl, TcCtlSessionRef *ref, TcDBusSession **out)
{
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = tc_dbus_session_proxy_new_sync (ctl->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, TC_CTL_BUS_NAME,
                                            ref->path, NULL, &error);
  if (!session)
    return tc_ctl_report_error (ctl, error);
  /* A proxy for a path nobody exports loads no properties. */
  if (!tc_dbus_session_get_state (session))
    {
      fprintf (stderr, "tincanctl: no session '%s' (%s)\n", ref->name, ref->path);
      return TC_CTL_EXIT_FAILED;
    }
  *out = g_steal_pointer (&session);
  return TC_CTL_EXIT_OK;
}

/* For a parsed @ref: connects, resolves it and gets its proxy.  Returns the exit status. */
int
tc_ctl_session_open (TcCtl *ctl, TcCtlSessionRef *ref, TcDBusSession **out)
{
  int status;

  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = session_ref_resolve (ctl, ref)))
    return status;
  return session_ref_get (ctl, ref, out);
}

/* With --json, {"endpoint", "session", "path", "action"} and what @extra adds. */
void
tc_ctl_emit_action (TcCtl *ctl, const TcCtlSessionRef *ref, const char *action, GVariant *extra)
{
  g_autoptr (GVariant) sunk = extra ? g_variant_ref_sink (extra) : NULL;
  GVariantBuilder record;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (!ctl->json)
    return;
  g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
  tc_ctl_record_add_session (&record, ref->path);
  tc_ctl_record_add_string (&record, "action", action);
  if (sunk)
    {
      g_variant_iter_init (&iter, sunk);
      while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
        g_variant_builder_add (&record, "{sv}", key, value);
    }
  tc_ctl_emit_record (ctl, &record);
}

/* Checks the per-call media options shared by call and answer, and adds them to @options. */
static gboolean
add_media_options (TcCtl *ctl, GVariantBuilder *options, const char *source, const char *sink, char **headers,
                   int *status)
{
  if ((source && !tc_ctl_check_utf8 (ctl, "--audio-source", source, status)) ||
      (sink && !tc_ctl_check_utf8 (ctl, "--audio-sink", sink, status)))
    return FALSE;
  if (source)
    g_variant_builder_add (options, "{sv}", "audio-source", g_variant_new_string (source));
  if (sink)
    g_variant_builder_add (options, "{sv}", "audio-sink", g_variant_new_string (sink));
  if (headers)
    {
      GVariant *parsed = tc_ctl_parse_headers (ctl, headers, status);

      if (!parsed)
        return FALSE;
      g_variant_builder_add (options, "{sv}", "headers", parsed);
    }
  return TRUE;
}

/* ---- waiting for a state ---- */

typedef struct {
  TcCtl *ctl;
  GMainLoop *loop;
  const char *path;    /* the session; NULL until known */
  const char *success; /* the state that ends the wait with success */
  int status;          /* -1 while waiting */
  gboolean timed_out;
  gboolean interrupted;
  guint subscription;
  guint timeout_id;
  guint sigint_id;
  guint sigterm_id;
  char *state; /* from the last StateChanged */
  guint sip_status;
  char *reason;
} StateWait;

static void
state_wait_clear (StateWait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_pointer (&wait->state, g_free);
  g_clear_pointer (&wait->reason, g_free);
}

/* Every StateChanged of the session is printed; "disconnected" ends any wait. */
static void
on_state_changed (GDBusConnection *connection, const char *sender, const char *path, const char *interface,
                  const char *member, GVariant *params, gpointer user_data)
{
  StateWait *wait = user_data;
  g_autoptr (GVariant) details = NULL;
  const char *state, *previous, *reason;
  GVariantBuilder record;
  guint32 sip_status;

  if (wait->status >= 0 || !wait->path || strcmp (path, wait->path) != 0 ||
      !g_variant_is_of_type (params, G_VARIANT_TYPE ("(ssusa{sv})")))
    return;
  g_variant_get (params, "(&s&su&s@a{sv})", &state, &previous, &sip_status, &reason, &details);

  g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
  tc_ctl_record_add_session (&record, path);
  tc_ctl_record_add_string (&record, "state", state);
  tc_ctl_record_add_string (&record, "previous", previous);
  g_variant_builder_add (&record, "{sv}", "sip_status", g_variant_new_uint32 (sip_status));
  tc_ctl_record_add_string (&record, "reason", reason);
  g_variant_builder_add (&record, "{sv}", "details", details);
  tc_ctl_emit_record (wait->ctl, &record);

  g_free (wait->state);
  g_free (wait->reason);
  wait->state = g_strdup (state);
  wait->sip_status = sip_status;
  wait->reason = g_strdup (reason);
  if (strcmp (state, wait->success) == 0)
    wait->status = TC_CTL_EXIT_OK;
  else if (strcmp (state, "disconnected") == 0)
    wait->status = TC_CTL_EXIT_FAILED;
  if (wait->status >= 0 && wait->loop)
    g_main_loop_quit (wait->loop);
}

static void
on_wait_name_owner (GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
  StateWait *wait = user_data;
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));

  if (owner || wait->status >= 0)
    return;
  fprintf (stderr, "tincanctl: tincand left the bus\n");
  wait->status = TC_CTL_EXIT_UNREACHABLE;
  g_main_loop_quit (wait->loop);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  StateWait *wait = user_data;

  wait->status = TC_CTL_EXIT_FAILED;
  wait->timed_out = TRUE;
  wait->timeout_id = 0;
  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_interrupted (gpointer user_data)
{
  StateWait *wait = user_data;

  if (wait->status < 0)
    {
      wait->status = TC_CTL_EXIT_FAILED;
      wait->interrupted = TRUE;
    }
  if (wait->loop)
    g_main_loop_quit (wait->loop);
  return G_SOURCE_CONTINUE;
}

/* Subscribes to every session's StateChanged before the call that causes them, so
 * that none is missed; on_state_changed() picks out wait->path once it is known.
 * With @interruptible, SIGINT and SIGTERM from now on end the wait. */
static void
state_wait_subscribe (TcCtl *ctl, StateWait *wait, gboolean interruptible)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (ctl->manager));

  wait->ctl = ctl;
  wait->status = -1;
  g_signal_connect (ctl->manager, "notify::g-name-owner", G_CALLBACK (on_wait_name_owner), wait);
  wait->subscription =
    g_dbus_connection_signal_subscribe (ctl->connection, owner, TC_CTL_SESSION_IFACE, "StateChanged", NULL, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_state_changed, wait, NULL);
  if (interruptible)
    {
      wait->sigint_id = g_unix_signal_add (SIGINT, on_wait_interrupted, wait);
      wait->sigterm_id = g_unix_signal_add (SIGTERM, on_wait_interrupted, wait);
    }
}

static void
state_wait_unsubscribe (TcCtl *ctl, StateWait *wait)
{
  g_clear_handle_id (&wait->sigint_id, g_source_remove);
  g_clear_handle_id (&wait->sigterm_id, g_source_remove);
  g_clear_handle_id (&wait->timeout_id, g_source_remove);
  if (wait->subscription)
    g_dbus_connection_signal_unsubscribe (ctl->connection, wait->subscription);
  wait->subscription = 0;
  g_signal_handlers_disconnect_by_data (ctl->manager, wait);
}

/* Runs until the outcome, @timeout seconds (0: never) or an interruption. */
static void
state_wait_run (TcCtl *ctl, StateWait *wait, int timeout)
{
  wait->loop = g_main_loop_new (NULL, FALSE);
  /* What arrived while the call was in flight is dispatched first. */
  while (wait->status < 0 && g_main_context_iteration (NULL, FALSE))
    ;
  if (wait->status < 0)
    {
      if (timeout > 0)
        wait->timeout_id = g_timeout_add_seconds ((guint) timeout, on_wait_timeout, wait);
      g_main_loop_run (wait->loop);
    }
  state_wait_unsubscribe (ctl, wait);
}

/* ---- call ---- */

/* Ends the call @path; the outcome is reported, not returned (the exit status is 1 anyway). */
static void
hang_up (TcCtl *ctl, const char *path)
{
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session =
    tc_dbus_session_proxy_new_sync (ctl->connection,
                                    G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START | G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                      G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                    TC_CTL_BUS_NAME, path, NULL, &error);
  if (!session || !tc_dbus_session_call_terminate_sync (session, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    tc_ctl_report_error (ctl, error);
}

/* call --wait, once Call returned wait->path: until connected (0) or disconnected (1);
 * hangs up after @timeout seconds or an interruption (1). */
static int
follow_call (TcCtl *ctl, StateWait *wait, int timeout)
{
  g_autofree char *name = tc_ctl_session_name (wait->path);
  int status;

  state_wait_run (ctl, wait, timeout);
  status = wait->status;
  if (wait->timed_out)
    fprintf (stderr, "tincanctl: %s: no answer within %d s (state: %s); hanging up\n", name, timeout,
             wait->state ? wait->state : "in-progress");
  else if (wait->interrupted)
    fprintf (stderr, "tincanctl: %s: interrupted; hanging up\n", name);
  else if (status == TC_CTL_EXIT_FAILED)
    fprintf (stderr, "tincanctl: %s: %s (%u %s)\n", name, wait->state, wait->sip_status, wait->reason);
  if (wait->timed_out || wait->interrupted)
    hang_up (ctl, wait->path);
  state_wait_clear (wait);
  return status;
}

int
tc_ctl_cmd_call (TcCtl *ctl, char **argv)
{
  g_autofree char *codecs = NULL;
  g_autofree char *source = NULL;
  g_autofree char *sink = NULL;
  g_autofree char *subject = NULL;
  g_auto (GStrv) headers = NULL;
  gboolean wait_for = FALSE;
  int timeout = 0;
  const GOptionEntry entries[] = {
    { "codecs", 0, 0, G_OPTION_ARG_FILENAME, &codecs, "Codec priority for this call, e.g. pcmu,opus", "LIST" },
    { "audio-source", 0, 0, G_OPTION_ARG_FILENAME, &source,
      "What to send: auto, none, tone:HZ, file:PATH or device:NAME", "SPEC" },
    { "audio-sink", 0, 0, G_OPTION_ARG_FILENAME, &sink, "Where received audio goes: auto, none or device:NAME",
      "SPEC" },
    { "subject", 0, 0, G_OPTION_ARG_FILENAME, &subject, "The Subject header", "TEXT" },
    { "header", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &headers, "Add a header to the INVITE (repeatable)",
      "'NAME: VALUE'" },
    { "wait", 'w', 0, G_OPTION_ARG_NONE, &wait_for,
      "Follow the call until it is connected (exit 0) or disconnected (exit 1)", NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      "With --wait, hang up unless connected within SECONDS (default 0: wait as long as it rings)", "SECONDS" },
    G_OPTION_ENTRY_NULL,
  };
  StateWait wait = { .success = "connected" };
  g_auto (GStrv) args = NULL;
  g_autofree char *path = NULL;
  g_autofree char *session = NULL;
  g_autoptr (TcDBusEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GVariantBuilder) options = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  GVariantBuilder record;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Calls TARGET (a sip: or sips: URI) from ENDPOINT and prints the new session's object path;\n"
                     "with --json {\"endpoint\", \"session\", \"path\"}.  Only the options given are sent.\n"
                     "With --wait, then prints every state change of the call (endpoint, session, path, state,\n"
                     "previous, sip_status, reason, details) until it is connected (exit 0) or disconnected\n"
                     "(exit 1, the status and reason on standard error).  Interrupting the wait (SIGINT,\n"
                     "SIGTERM) or reaching --timeout hangs the call up (exit 1).",
                     2, 2, &args, &status))
    return status;
  if (timeout < 0)
    return tc_ctl_usage_error (ctl, "--timeout must not be negative");
  if (!(path = tc_ctl_endpoint_path (ctl, args[0], &status)) || !tc_ctl_check_utf8 (ctl, "TARGET", args[1], &status) ||
      (codecs && !tc_ctl_check_utf8 (ctl, "--codecs", codecs, &status)) ||
      (subject && !tc_ctl_check_utf8 (ctl, "--subject", subject, &status)))
    return status;
  if (codecs)
    g_variant_builder_add (&options, "{sv}", "codecs", g_variant_new_string (codecs));
  if (subject)
    g_variant_builder_add (&options, "{sv}", "subject", g_variant_new_string (subject));
  if (!add_media_options (ctl, &options, source, sink, headers, &status))
    return status;

  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = tc_ctl_get_endpoint (ctl, &path, &endpoint)))
    return status;

  if (wait_for)
    state_wait_subscribe (ctl, &wait, TRUE);
  if (!tc_dbus_endpoint_call_call_sync (endpoint, args[1], g_variant_builder_end (&options), G_DBUS_CALL_FLAGS_NONE, -1,
                                        &session, NULL, &error))
    {
      state_wait_unsubscribe (ctl, &wait);
      return tc_ctl_report_error (ctl, error);
    }

  if (ctl->json)
    {
      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      tc_ctl_record_add_session (&record, session);
      tc_ctl_emit_record (ctl, &record);
    }
  else
    tc_ctl_write_line (session);
  if (!wait_for)
    return TC_CTL_EXIT_OK;

  wait.path = session;
  return follow_call (ctl, &wait, timeout);
}

/* ---- sessions ---- */

typedef struct {
  char *path;
  int endpoint_rank; /* in Manager.Endpoints */
  guint32 number;
  TcDBusSession *session;
  TcDBusMedia *media; /* NULL when the daemon gives none */
} SessionRow;

static void
session_row_free (SessionRow *row)
{
  g_free (row->path);
  g_clear_object (&row->session);
  g_clear_object (&row->media);
  g_free (row);
}

static int
compare_rows (gconstpointer a, gconstpointer b)
{
  const SessionRow *row_a = *(const SessionRow *const *) a;
  const SessionRow *row_b = *(const SessionRow *const *) b;
  int by_path;

  if (row_a->endpoint_rank != row_b->endpoint_rank)
    return row_a->endpoint_rank < row_b->endpoint_rank ? -1 : 1;
  /* Within an endpoint (or among endpoints not in Manager.Endpoints): by id, then number. */
  by_path = strncmp (row_a->path, row_b->path, strrchr (row_a->path, '/') - row_a->path);
  if (by_path != 0)
    return by_path;
  return row_a->number < row_b->number ? -1 : row_a->number > row_b->number;
}

static int
endpoint_rank (const char *const *order, const char *session_path)
{
  int i;

  for (i = 0; order && order[i]; i++)
    {
      gsize len = strlen (order[i]);

      if (strncmp (session_path, order[i], len) == 0 && g_str_has_prefix (session_path + len, SESSION_INFIX))
        return i;
    }
  return G_MAXINT;
}

/* The sessions the object manager knows (of @endpoint, or all), by endpoint then number. */
static GPtrArray *
collect_sessions (TcCtl *ctl, GDBusObjectManager *manager, const char *endpoint)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) session_row_free);
  const char *const *order = tc_dbus_manager_get_endpoints (ctl->manager);
  GList *objects = g_dbus_object_manager_get_objects (manager);
  GList *l;

  for (l = objects; l; l = l->next)
    {
      const char *path = g_dbus_object_get_object_path (l->data);
      g_autofree char *name = tc_ctl_session_name (path);
      GDBusInterface *session = g_dbus_object_get_interface (l->data, TC_CTL_SESSION_IFACE);
      SessionRow *row;

      if (!session || !name ||
          (endpoint &&
           !(g_str_has_prefix (path, endpoint) && g_str_has_prefix (path + strlen (endpoint), SESSION_INFIX))))
        {
          g_clear_object (&session);
          continue;
        }
      row = g_new0 (SessionRow, 1);
      row->path = g_strdup (path);
      row->endpoint_rank = endpoint_rank (order, path);
      parse_session_number (strrchr (path, '/') + 1, &row->number);
      row->session = TC_DBUS_SESSION (session);
      row->media = (TcDBusMedia *) g_dbus_object_get_interface (l->data, TC_CTL_MEDIA_IFACE);
      g_ptr_array_add (rows, row);
    }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort (rows, compare_rows);
  return rows;
}

int
tc_ctl_cmd_sessions (TcCtl *ctl, char **argv)
{
  static const char *const headings[] = { "SESSION", "STATE", "DIRECTION", "REMOTE", "CODEC", "REMOTE-HELD" };
  g_auto (GStrv) args = NULL;
  g_autofree char *endpoint_path = NULL;
  g_autoptr (TcDBusEndpoint) endpoint = NULL;
  g_autoptr (GDBusObjectManager) manager = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  g_autoptr (GPtrArray) table = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  guint i;

  if (!tc_ctl_parse (ctl, argv, NULL,
                     "Lists the calls of every endpoint, or of ENDPOINT, by endpoint then number, as a table;\n"
                     "with --json, one object per session: {\"endpoint\", \"session\", \"path\", \"state\",\n"
                     "\"direction\", \"remote_uri\", \"codec\", \"remote_held\"}.",
                     0, 1, &args, &status))
    return status;
  if (args[0] && !(endpoint_path = tc_ctl_endpoint_path (ctl, args[0], &status)))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK ||
      (endpoint_path && (status = tc_ctl_get_endpoint (ctl, &endpoint_path, &endpoint))))
    return status;

  manager =
    tc_dbus_object_manager_client_new_sync (ctl->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                            TC_CTL_BUS_NAME, TC_CTL_MANAGER_PATH, NULL, &error);
  if (!manager)
    return tc_ctl_report_error (ctl, error);
  sessions = collect_sessions (ctl, manager, endpoint_path);

  table = g_ptr_array_new_with_free_func (g_free);
  names = g_ptr_array_new_with_free_func (g_free);
  if (!ctl->json)
    g_ptr_array_add (table, g_memdup2 (headings, sizeof headings));
  for (i = 0; i < sessions->len; i++)
    {
      SessionRow *row = g_ptr_array_index (sessions, i);
      const char *codec = row->media ? tc_dbus_media_get_codec (row->media) : NULL;
      gboolean held = tc_dbus_session_get_remote_held (row->session);
      GVariantBuilder record;

      if (!ctl->json)
        {
          const char **cells = g_new (const char *, G_N_ELEMENTS (headings));
          char *name = tc_ctl_session_name (row->path);

          g_ptr_array_add (names, name);
          cells[0] = name;
          cells[1] = tc_ctl_or_dash (tc_dbus_session_get_state (row->session));
          cells[2] = tc_ctl_or_dash (tc_dbus_session_get_direction (row->session));
          cells[3] = tc_ctl_or_dash (tc_dbus_session_get_remote_uri (row->session));
          cells[4] = tc_ctl_or_dash (codec);
          cells[5] = held ? "yes" : "no";
          g_ptr_array_add (table, cells);
          continue;
        }
      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      tc_ctl_record_add_session (&record, row->path);
      tc_ctl_record_add_string (&record, "state", tc_dbus_session_get_state (row->session));
      tc_ctl_record_add_string (&record, "direction", tc_dbus_session_get_direction (row->session));
      tc_ctl_record_add_string (&record, "remote_uri", tc_dbus_session_get_remote_uri (row->session));
      tc_ctl_record_add_string (&record, "codec", codec);
      g_variant_builder_add (&record, "{sv}", "remote_held", g_variant_new_boolean (held));
      tc_ctl_emit_record (ctl, &record);
    }
  if (!ctl->json)
    tc_ctl_write_table (table, G_N_ELEMENTS (headings));
  return TC_CTL_EXIT_OK;
}

/* ---- answer, reject, hangup ---- */

int
tc_ctl_cmd_answer (TcCtl *ctl, char **argv)
{
  g_autofree char *source = NULL;
  g_autofree char *sink = NULL;
  g_auto (GStrv) headers = NULL;
  const GOptionEntry entries[] = {
    { "audio-source", 0, 0, G_OPTION_ARG_FILENAME, &source,
      "What to send: auto, none, tone:HZ, file:PATH or device:NAME", "SPEC" },
    { "audio-sink", 0, 0, G_OPTION_ARG_FILENAME, &sink, "Where received audio goes: auto, none or device:NAME",
      "SPEC" },
    { "header", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &headers, "Add a header to the 200 OK (repeatable)",
      "'NAME: VALUE'" },
    G_OPTION_ENTRY_NULL,
  };
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_auto (GVariantBuilder) options = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Answers an incoming call (Session.Accept).  Prints nothing; with --json\n"
                     "{\"endpoint\", \"session\", \"path\", \"action\": \"answer\"}.",
                     1, 1, &args, &status))
    return status;
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status) ||
      !add_media_options (ctl, &options, source, sink, headers, &status))
    return status;
  if ((status = tc_ctl_session_open (ctl, &ref, &session)) != TC_CTL_EXIT_OK)
    return status;
  if (!tc_dbus_session_call_accept_sync (session, g_variant_builder_end (&options), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                         &error))
    return tc_ctl_report_error (ctl, error);
  tc_ctl_emit_action (ctl, &ref, "answer", NULL);
  return TC_CTL_EXIT_OK;
}

int
tc_ctl_cmd_reject (TcCtl *ctl, char **argv)
{
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;
  guint64 sip_status = 486;
  const char *reason;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL,
                     "Refuses an incoming call with STATUS (300 to 699; default 486 Busy Here) and REASON\n"
                     "(default: the standard phrase of STATUS).  Prints nothing; with --json\n"
                     "{\"endpoint\", \"session\", \"path\", \"action\": \"reject\", \"sip_status\", \"reason\"}.",
                     1, 3, &args, &status))
    return status;
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status))
    return status;
  if (args[1] && !g_ascii_string_to_unsigned (args[1], 10, 300, 699, &sip_status, NULL))
    return tc_ctl_usage_error (ctl, "STATUS must be a SIP status from 300 to 699, not '%s'", args[1]);
  reason = args[1] && args[2] ? args[2] : "";
  if (!tc_ctl_check_utf8 (ctl, "REASON", reason, &status))
    return status;
  if ((status = tc_ctl_session_open (ctl, &ref, &session)) != TC_CTL_EXIT_OK)
    return status;
  if (!tc_dbus_session_call_reject_sync (session, (guint) sip_status, reason, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return tc_ctl_report_error (ctl, error);
  tc_ctl_emit_action (ctl, &ref, "reject",
                      g_variant_new_parsed ("{'sip_status': <%u>, 'reason': <%s>}", (guint32) sip_status, reason));
  return TC_CTL_EXIT_OK;
}

int
tc_ctl_cmd_hangup (TcCtl *ctl, char **argv)
{
  gboolean wait_for = FALSE;
  int timeout = 40;
  const GOptionEntry entries[] = {
    { "wait", 'w', 0, G_OPTION_ARG_NONE, &wait_for, "Wait until the call is disconnected", NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout, "With --wait, give up after SECONDS (default 40; 0: never)",
      "SECONDS" },
    G_OPTION_ENTRY_NULL,
  };
  StateWait wait = { .success = "disconnected" };
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Ends the call (Session.Terminate: CANCEL, 480 or BYE, as far as it got).  Prints nothing;\n"
                     "with --json {\"endpoint\", \"session\", \"path\", \"action\": \"hangup\"}.  With --wait, then\n"
                     "prints the state change to disconnected (endpoint, session, path, state, previous,\n"
                     "sip_status, reason, details) once it comes.",
                     1, 1, &args, &status))
    return status;
  if (timeout < 0)
    return tc_ctl_usage_error (ctl, "--timeout must not be negative");
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = session_ref_resolve (ctl, &ref)))
    return status;

  /* Listen before reading the state, so that an end in between is not missed. */
  if (wait_for)
    {
      wait.path = ref.path;
      state_wait_subscribe (ctl, &wait, FALSE);
    }
  if ((status = session_ref_get (ctl, &ref, &session)) == TC_CTL_EXIT_OK &&
      !tc_dbus_session_call_terminate_sync (session, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    status = tc_ctl_report_error (ctl, error);
  if (status != TC_CTL_EXIT_OK || !wait_for)
    {
      state_wait_unsubscribe (ctl, &wait);
      if (status == TC_CTL_EXIT_OK)
        tc_ctl_emit_action (ctl, &ref, "hangup", NULL);
      return status;
    }

  tc_ctl_emit_action (ctl, &ref, "hangup", NULL);
  /* Over already: Terminate did nothing, and no change will come. */
  if (g_strcmp0 (tc_dbus_session_get_state (session), "disconnected") == 0)
    wait.status = TC_CTL_EXIT_OK;
  state_wait_run (ctl, &wait, timeout);
  status = wait.status;
  if (wait.timed_out)
    fprintf (stderr, "tincanctl: %s: not disconnected within %d s\n", ref.name, timeout);
  state_wait_clear (&wait);
  return status;
}
