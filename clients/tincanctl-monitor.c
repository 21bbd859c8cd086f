/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl-monitor.c — "tincanctl monitor [ENDPOINT]": prints every event
 * the daemon announces, one flushed line (or JSON object) each, until SIGINT
 * or SIGTERM (exit 0).
 *
 * It follows the daemon through the generated object manager client: the
 * endpoint, session and media signals arrive as interface-proxy-signal,
 * property changes as interface-proxy-properties-changed, endpoints and
 * sessions appearing and going as object-added/object-removed (ObjectManager
 * InterfacesAdded/Removed), and a daemon restart as a change of name owner.  The Manager's own property
 * changes come from its proxy.  Every event has "event" and "time" (ISO 8601;
 * UTC in JSON, local in text, where it leads the line).
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tincanctl.h"

typedef struct {
  TcCtl *ctl;
  GMainLoop *loop;
  const char *filter; /* an endpoint path, or NULL for everything */
  int status;
} Monitor;

/* Whether events of the object at @path are wanted: the endpoint filtered on and
 * anything below it. */
static gboolean
monitor_wants (Monitor *m, const char *path)
{
  gsize len;

  if (!m->filter)
    return TRUE;
  len = strlen (m->filter);
  return strncmp (path, m->filter, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

static gboolean
is_endpoint_path (const char *path)
{
  return g_str_has_prefix (path, TC_CTL_ENDPOINT_PREFIX) && !strchr (path + strlen (TC_CTL_ENDPOINT_PREFIX), '/');
}

static void
event_begin (Monitor *m, GVariantBuilder *record, const char *event)
{
  g_variant_builder_init (record, G_VARIANT_TYPE_VARDICT);
  tc_ctl_record_add_string (record, "event", event);
  if (m->ctl->json)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *time = g_date_time_format_iso8601 (now);

      tc_ctl_record_add_string (record, "time", time);
    }
}

static void
event_emit (Monitor *m, GVariantBuilder *record)
{
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;

  if (m->ctl->json)
    {
      tc_ctl_emit_record (m->ctl, record);
      return;
    }
  value = g_variant_ref_sink (g_variant_builder_end (record));
  now = g_date_time_new_now_local ();
  time = g_date_time_format_iso8601 (now);
  text = tc_ctl_record_to_text (value);
  line = g_strconcat (time, " ", text, NULL);
  tc_ctl_write_line (line);
}

static gboolean
is_session_path (const char *path)
{
  g_autofree char *name = tc_ctl_session_name (path);

  return name != NULL;
}

/* Adds "endpoint" and "path" for an endpoint, "endpoint", "session" and "path"
 * for a session, else "path". */
static void
event_add_object (GVariantBuilder *record, const char *path)
{
  if (is_endpoint_path (path))
    tc_ctl_record_add_endpoint (record, path);
  else if (is_session_path (path))
    tc_ctl_record_add_session (record, path);
  else
    g_variant_builder_add (record, "{sv}", "path", g_variant_new_object_path (path));
}

/* Whether @interface.@member with the arguments @params is the signal @want_interface.@want_member@signature. */
static gboolean
is_signal (const char *interface, const char *member, GVariant *params, const char *want_interface,
           const char *want_member, const char *signature)
{
  return strcmp (interface, want_interface) == 0 && strcmp (member, want_member) == 0 &&
         g_variant_is_of_type (params, G_VARIANT_TYPE (signature));
}

/* ---- signals ---- */

/* The session and media signals; FALSE for one this client does not know. */
static gboolean
session_event (Monitor *m, GVariantBuilder *record, const char *path, const char *interface, const char *member,
               GVariant *params, GVariant **details)
{
  g_autoptr (GVariant) bytes = NULL;
  const char *a, *b, *c;
  guint32 number;

  if (is_signal (interface, member, params, TC_CTL_SESSION_IFACE, "StateChanged", "(ssusa{sv})"))
    {
      g_variant_get (params, "(&s&su&s@a{sv})", &a, &b, &number, &c, details);
      event_begin (m, record, "session-state-changed");
      event_add_object (record, path);
      tc_ctl_record_add_string (record, "state", a);
      tc_ctl_record_add_string (record, "previous", b);
      g_variant_builder_add (record, "{sv}", "sip_status", g_variant_new_uint32 (number));
      tc_ctl_record_add_string (record, "reason", c);
    }
  else if (is_signal (interface, member, params, TC_CTL_SESSION_IFACE, "DtmfReceived", "(su)"))
    {
      g_variant_get (params, "(&su)", &a, &number);
      event_begin (m, record, "dtmf-received");
      event_add_object (record, path);
      tc_ctl_record_add_string (record, "digit", a);
      g_variant_builder_add (record, "{sv}", "duration_ms", g_variant_new_uint32 (number));
    }
  else if (is_signal (interface, member, params, TC_CTL_SESSION_IFACE, "InfoReceived", "(saya{sv})"))
    {
      g_variant_get (params, "(&s@ay@a{sv})", &a, &bytes, details);
      event_begin (m, record, "info-received");
      event_add_object (record, path);
      tc_ctl_record_add_string (record, "content_type", a);
      tc_ctl_record_add_body (record, bytes);
    }
  else if (is_signal (interface, member, params, TC_CTL_SESSION_IFACE, "ReInviteReceived", "(a{sv})"))
    {
      g_variant_get (params, "(@a{sv})", details);
      event_begin (m, record, "reinvite-received");
      event_add_object (record, path);
    }
  else if (is_signal (interface, member, params, TC_CTL_MEDIA_IFACE, "Failed", "(ss)"))
    {
      g_variant_get (params, "(&s&s)", &a, &b);
      event_begin (m, record, "media-failed");
      event_add_object (record, path);
      tc_ctl_record_add_string (record, "cause", a);
      tc_ctl_record_add_string (record, "message", b);
    }
  else if (is_signal (interface, member, params, TC_CTL_MEDIA_IFACE, "PlaybackFinished", "(ss)"))
    {
      g_variant_get (params, "(&s&s)", &a, &b);
      event_begin (m, record, "playback-finished");
      event_add_object (record, path);
      tc_ctl_record_add_string (record, "file", a);
      tc_ctl_record_add_string (record, "error", b);
    }
  else
    return FALSE;
  return TRUE;
}

static void
emit_signal (Monitor *m, const char *path, const char *interface, const char *member, GVariant *params)
{
  GVariantBuilder record;
  const char *a, *b, *c, *d;
  guint32 status;
  guint64 cookie;
  g_autoptr (GVariant) bytes = NULL;
  g_autoptr (GVariant) details = NULL;

  if (session_event (m, &record, path, interface, member, params, &details))
    ;
  else if (strcmp (interface, TC_CTL_ENDPOINT_IFACE) == 0 && strcmp (member, "RegistrationStateChanged") == 0 &&
           g_variant_is_of_type (params, G_VARIANT_TYPE ("(ssusa{sv})")))
    {
      g_variant_get (params, "(&s&su&s@a{sv})", &a, &b, &status, &c, &details);
      event_begin (m, &record, "registration-state-changed");
      event_add_object (&record, path);
      tc_ctl_record_add_string (&record, "state", a);
      tc_ctl_record_add_string (&record, "previous", b);
      g_variant_builder_add (&record, "{sv}", "sip_status", g_variant_new_uint32 (status));
      tc_ctl_record_add_string (&record, "reason", c);
    }
  else if (strcmp (interface, TC_CTL_ENDPOINT_IFACE) == 0 && strcmp (member, "MessageReceived") == 0 &&
           g_variant_is_of_type (params, G_VARIANT_TYPE ("(ssssaya{sv})")))
    {
      g_variant_get (params, "(&s&s&s&s@ay@a{sv})", &a, &b, &c, &d, &bytes, &details);
      event_begin (m, &record, "message-received");
      event_add_object (&record, path);
      tc_ctl_record_add_string (&record, "id", a);
      tc_ctl_record_add_string (&record, "from", b);
      tc_ctl_record_add_string (&record, "to", c);
      tc_ctl_record_add_string (&record, "content_type", d);
      tc_ctl_record_add_body (&record, bytes);
    }
  else if (is_signal (interface, member, params, TC_CTL_ENDPOINT_IFACE, "IncomingSession", "(oa{sv})"))
    {
      g_variant_get (params, "(&o@a{sv})", &a, &details);
      /* About the new session: its endpoint, name and path. */
      event_begin (m, &record, "incoming-session");
      event_add_object (&record, a);
    }
  else if ((strcmp (interface, TC_CTL_ENDPOINT_IFACE) == 0 || strcmp (interface, TC_CTL_SESSION_IFACE) == 0) &&
           strcmp (member, "OperationComplete") == 0 && g_variant_is_of_type (params, G_VARIANT_TYPE ("(tusa{sv})")))
    {
      g_variant_get (params, "(tu&s@a{sv})", &cookie, &status, &a, &details);
      event_begin (m, &record, "operation-complete");
      event_add_object (&record, path);
      g_variant_builder_add (&record, "{sv}", "cookie", g_variant_new_uint64 (cookie));
      g_variant_builder_add (&record, "{sv}", "sip_status", g_variant_new_uint32 (status));
      tc_ctl_record_add_string (&record, "reason", a);
    }
  else if (strcmp (interface, TC_CTL_ENDPOINT_IFACE) == 0 && strcmp (member, "ConnectionLost") == 0 &&
           g_variant_is_of_type (params, G_VARIANT_TYPE ("(ssa{sv})")))
    {
      g_variant_get (params, "(&s&s@a{sv})", &a, &b, &details);
      event_begin (m, &record, "connection-lost");
      event_add_object (&record, path);
      tc_ctl_record_add_string (&record, "cause", a);
      tc_ctl_record_add_string (&record, "remote", b);
    }
  else
    {
      /* A signal this client does not know (a newer daemon): shown as it is. */
      event_begin (m, &record, "signal");
      event_add_object (&record, path);
      tc_ctl_record_add_string (&record, "interface", interface);
      tc_ctl_record_add_string (&record, "member", member);
      g_variant_builder_add (&record, "{sv}", "args", params);
    }
  if (details)
    g_variant_builder_add (&record, "{sv}", "details", details);
  event_emit (m, &record);
}

static void
on_interface_proxy_signal (GDBusObjectManagerClient *manager, GDBusObjectProxy *object, GDBusProxy *proxy,
                           const char *sender, const char *member, GVariant *params, gpointer user_data)
{
  Monitor *m = user_data;
  const char *path = g_dbus_proxy_get_object_path (proxy);

  if (monitor_wants (m, path))
    emit_signal (m, path, g_dbus_proxy_get_interface_name (proxy), member, params);
}

/* ---- properties ---- */

static void
emit_properties_changed (Monitor *m, const char *path, const char *interface, GVariant *changed,
                         const char *const *invalidated)
{
  GVariantBuilder record;

  event_begin (m, &record, "properties-changed");
  event_add_object (&record, path);
  tc_ctl_record_add_string (&record, "interface", interface);
  g_variant_builder_add (&record, "{sv}", "changed", tc_ctl_snake_case_keys (changed));
  if (invalidated && invalidated[0])
    g_variant_builder_add (&record, "{sv}", "invalidated", g_variant_new_strv (invalidated, -1));
  event_emit (m, &record);
}

static void
on_interface_proxy_properties_changed (GDBusObjectManagerClient *manager, GDBusObjectProxy *object, GDBusProxy *proxy,
                                       GVariant *changed, const char *const *invalidated, gpointer user_data)
{
  Monitor *m = user_data;
  const char *path = g_dbus_proxy_get_object_path (proxy);

  if (monitor_wants (m, path))
    emit_properties_changed (m, path, g_dbus_proxy_get_interface_name (proxy), changed, invalidated);
}

static void
on_manager_properties_changed (GDBusProxy *proxy, GVariant *changed, const char *const *invalidated, gpointer user_data)
{
  Monitor *m = user_data;

  if (!m->filter)
    emit_properties_changed (m, g_dbus_proxy_get_object_path (proxy), g_dbus_proxy_get_interface_name (proxy), changed,
                             invalidated);
}

/* ---- objects and the daemon ---- */

static void
emit_object (Monitor *m, GDBusObject *object, gboolean added)
{
  const char *path = g_dbus_object_get_object_path (object);
  g_autoptr (GDBusInterface) endpoint = g_dbus_object_get_interface (object, TC_CTL_ENDPOINT_IFACE);
  g_autoptr (GDBusInterface) session = g_dbus_object_get_interface (object, TC_CTL_SESSION_IFACE);
  GVariantBuilder record;

  if (!monitor_wants (m, path))
    return;

  if (endpoint && is_endpoint_path (path))
    {
      event_begin (m, &record, added ? "endpoint-added" : "endpoint-removed");
      tc_ctl_record_add_endpoint (&record, path);
      if (added)
        {
          g_autoptr (GVariant) properties =
            g_variant_ref_sink (tc_ctl_endpoint_properties (TC_DBUS_ENDPOINT (endpoint)));

          g_variant_builder_add (&record, "{sv}", "properties", tc_ctl_snake_case_keys (properties));
        }
    }
  else if (session && is_session_path (path))
    {
      event_begin (m, &record, added ? "session-added" : "session-removed");
      tc_ctl_record_add_session (&record, path);
      if (added)
        {
          g_autoptr (GVariant) properties =
            g_variant_ref_sink (tc_ctl_proxy_properties (G_DBUS_PROXY (session), tc_dbus_session_interface_info ()));

          g_variant_builder_add (&record, "{sv}", "properties", tc_ctl_snake_case_keys (properties));
        }
    }
  else
    {
      GList *interfaces = g_dbus_object_get_interfaces (object);
      g_autoptr (GPtrArray) names = g_ptr_array_new ();
      GList *l;

      for (l = interfaces; l; l = l->next)
        g_ptr_array_add (names, (gpointer) g_dbus_proxy_get_interface_name (l->data));
      g_ptr_array_add (names, NULL);
      event_begin (m, &record, added ? "object-added" : "object-removed");
      event_add_object (&record, path);
      g_variant_builder_add (&record, "{sv}", "interfaces",
                             g_variant_new_strv ((const char *const *) names->pdata, -1));
      g_list_free_full (interfaces, g_object_unref);
    }
  event_emit (m, &record);
}

static void
on_object_added (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  emit_object (user_data, object, TRUE);
}

static void
on_object_removed (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  emit_object (user_data, object, FALSE);
}

static void
on_name_owner (GObject *manager, GParamSpec *pspec, gpointer user_data)
{
  Monitor *m = user_data;
  g_autofree char *owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (manager));
  GVariantBuilder record;

  event_begin (m, &record, owner ? "daemon-appeared" : "daemon-vanished");
  if (owner)
    tc_ctl_record_add_string (&record, "owner", owner);
  event_emit (m, &record);
}

static void
on_connection_closed (GDBusConnection *connection, gboolean remote_peer_vanished, GError *error, gpointer user_data)
{
  Monitor *m = user_data;

  fprintf (stderr, "tincanctl: lost the connection to the bus%s%s\n", error ? ": " : "", error ? error->message : "");
  m->status = TC_CTL_EXIT_UNREACHABLE;
  g_main_loop_quit (m->loop);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Monitor *m = user_data;

  g_main_loop_quit (m->loop);
  return G_SOURCE_CONTINUE;
}

/* The first line: monitoring has begun (a reader may now cause events) and the
 * endpoints that exist at that moment. */
static void
emit_started (Monitor *m, GDBusObjectManager *manager)
{
  GList *objects = g_dbus_object_manager_get_objects (manager);
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  const char *const *order = tc_dbus_manager_get_endpoints (m->ctl->manager);
  GVariantBuilder record;
  GList *l;
  guint i;

  /* In the order of Manager.Endpoints when the daemon publishes it. */
  for (i = 0; order && order[i]; i++)
    {
      if (monitor_wants (m, order[i]) && is_endpoint_path (order[i]))
        g_ptr_array_add (ids, (gpointer) tc_ctl_endpoint_id (order[i]));
    }
  for (l = objects; !order && l; l = l->next)
    {
      const char *path = g_dbus_object_get_object_path (l->data);

      if (monitor_wants (m, path) && is_endpoint_path (path))
        g_ptr_array_add (ids, (gpointer) tc_ctl_endpoint_id (path));
    }
  g_ptr_array_add (ids, NULL);

  event_begin (m, &record, "monitor-started");
  if (m->filter)
    tc_ctl_record_add_endpoint (&record, m->filter);
  g_variant_builder_add (&record, "{sv}", "endpoints", g_variant_new_strv ((const char *const *) ids->pdata, -1));
  event_emit (m, &record);
  g_list_free_full (objects, g_object_unref);
}

int
tc_ctl_cmd_monitor (TcCtl *ctl, char **argv)
{
  Monitor m = { .ctl = ctl, .status = TC_CTL_EXIT_OK };
  g_auto (GStrv) args = NULL;
  g_autofree char *filter = NULL;
  g_autoptr (GDBusObjectManager) manager = NULL;
  g_autoptr (GError) error = NULL;
  guint sigint_id, sigterm_id;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL,
                     "Events (the \"event\" key, or the word after the time in text): monitor-started,\n"
                     "registration-state-changed, message-received, operation-complete, connection-lost,\n"
                     "endpoint-added, endpoint-removed, properties-changed, daemon-appeared, daemon-vanished;\n"
                     "for calls incoming-session, session-added, session-removed, session-state-changed,\n"
                     "dtmf-received, info-received, reinvite-received, media-failed, playback-finished\n"
                     "(and object-added, object-removed, signal for objects and signals this client does not\n"
                     "know).  Session events carry endpoint, session (ENDPOINT/N) and path.  Runs until\n"
                     "SIGINT or SIGTERM.",
                     0, 1, &args, &status))
    return status;
  if (args[0] && !(filter = tc_ctl_endpoint_path (ctl, args[0], &status)))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK ||
      (filter && (status = tc_ctl_resolve_endpoint (ctl, &filter))))
    return status;

  manager =
    tc_dbus_object_manager_client_new_sync (ctl->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                            TC_CTL_BUS_NAME, TC_CTL_MANAGER_PATH, NULL, &error);
  if (!manager)
    return tc_ctl_report_error (ctl, error);

  m.filter = filter;
  m.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (manager, "object-added", G_CALLBACK (on_object_added), &m);
  g_signal_connect (manager, "object-removed", G_CALLBACK (on_object_removed), &m);
  g_signal_connect (manager, "interface-proxy-signal", G_CALLBACK (on_interface_proxy_signal), &m);
  g_signal_connect (manager, "interface-proxy-properties-changed", G_CALLBACK (on_interface_proxy_properties_changed),
                    &m);
  g_signal_connect (manager, "notify::name-owner", G_CALLBACK (on_name_owner), &m);
  g_signal_connect (ctl->manager, "g-properties-changed", G_CALLBACK (on_manager_properties_changed), &m);
  g_signal_connect (ctl->connection, "closed", G_CALLBACK (on_connection_closed), &m);
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, &m);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, &m);

  emit_started (&m, manager);
  g_main_loop_run (m.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handlers_disconnect_by_data (manager, &m);
  g_signal_handlers_disconnect_by_data (ctl->manager, &m);
  g_signal_handlers_disconnect_by_data (ctl->connection, &m);
  g_main_loop_unref (m.loop);
  return m.status;
}
