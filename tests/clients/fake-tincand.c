/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-tincand.c — the stand-in for tincand that test-tincanctl.c drives
 * tincanctl against (see fake-tincand.h).  Method arguments whose C type
 * depends on codegen annotations (the "ay" bodies) are read from the
 * invocation, and MessageReceived is emitted by hand, so the fake builds
 * whatever the XML says about them.
 *
 * Calls: Endpoint.Call exports a Session (with its Media) at
 * ENDPOINT/session/N in state in-progress, then from idles goes to
 * in-progress 180 and connected 200 (a target with "busy" in it: disconnected
 * 486; with "silent": nothing more).  Every Session method is recorded in
 * session_calls and acts as the daemon's would on the state.
 */
#include <string.h>

#include "fake-tincand.h"

static gboolean
on_set_trace (TcDBusManager *manager, GDBusMethodInvocation *invocation, gboolean enabled, FakeTincand *f)
{
  f->trace = enabled;
  tc_dbus_manager_complete_set_trace (manager, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct {
  TcDBusEndpoint *endpoint;
  const char *state;
  guint status;
  const char *reason;
} StateChange;

void
fake_tincand_set_state (TcDBusEndpoint *endpoint, const char *state, guint status, const char *reason,
                        GVariant *details)
{
  g_autofree char *previous = tc_dbus_endpoint_dup_registration_state (endpoint);

  tc_dbus_endpoint_set_registration_state (endpoint, state);
  tc_dbus_endpoint_emit_registration_state_changed (endpoint, state, previous, status, reason,
                                                    details ? details : g_variant_new ("a{sv}", NULL));
}

static gboolean
on_later_state (gpointer user_data)
{
  StateChange *change = user_data;
  GVariantBuilder details;

  g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
  if (strcmp (change->state, "registered") == 0)
    g_variant_builder_add (&details, "{sv}", "expires", g_variant_new_uint32 (600));
  fake_tincand_set_state (change->endpoint, change->state, change->status, change->reason,
                          g_variant_builder_end (&details));
  g_object_unref (change->endpoint);
  g_free (change);
  return G_SOURCE_REMOVE;
}

/* Register: "default" registers, "bob" is refused, "stuck" stays registering. */
static gboolean
on_register (TcDBusEndpoint *endpoint, GDBusMethodInvocation *invocation, FakeTincand *f)
{
  const char *id = strrchr (g_dbus_method_invocation_get_object_path (invocation), '/') + 1;
  StateChange *change;

  tc_dbus_endpoint_complete_register (endpoint, invocation);
  if (strcmp (tc_dbus_endpoint_get_registration_state (endpoint), "registered") == 0)
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  fake_tincand_set_state (endpoint, "registering", 0, "", NULL);
  if (strcmp (id, "stuck") == 0)
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  change = g_new0 (StateChange, 1);
  change->endpoint = g_object_ref (endpoint);
  if (strcmp (id, "bob") == 0)
    *change = (StateChange){ change->endpoint, "rejected", 403, "Forbidden" };
  else
    *change = (StateChange){ change->endpoint, "registered", 200, "OK" };
  g_idle_add (on_later_state, change);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_unregister (TcDBusEndpoint *endpoint, GDBusMethodInvocation *invocation, FakeTincand *f)
{
  tc_dbus_endpoint_complete_unregister (endpoint, invocation);
  if (strcmp (tc_dbus_endpoint_get_registration_state (endpoint), "unregistered") != 0)
    fake_tincand_set_state (endpoint, "unregistered", 200, "OK", NULL);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* SendMessage: a target with "nobody" in it is answered 404.  The arguments are
 * read from the invocation, whatever C types codegen gave them. */
static gboolean
on_send_message (TcDBusEndpoint *endpoint, GDBusMethodInvocation *invocation, gpointer target, gpointer content_type,
                 gpointer body, GVariant *options, FakeTincand *f)
{
  GVariant *params = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr (GVariant) body_value = g_variant_get_child_value (params, 2);
  g_autoptr (GVariant) opts = g_variant_get_child_value (params, 3);
  GVariantBuilder details;
  GVariantBuilder headers;

  g_clear_pointer (&f->sent_target, g_free);
  g_clear_pointer (&f->sent_type, g_free);
  g_clear_pointer (&f->sent_body, g_bytes_unref);
  g_variant_get_child (params, 0, "s", &f->sent_target);
  g_variant_get_child (params, 1, "s", &f->sent_type);
  f->sent_body = g_variant_get_data_as_bytes (body_value);
  g_assert_true (g_variant_lookup (opts, "cookie", "t", &f->sent_cookie));
  g_assert_cmpuint (g_variant_n_children (opts), ==, 1);

  g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&details, "{sv}", "operation", g_variant_new_string ("message"));
  if (strstr (f->sent_target, "nobody"))
    {
      g_variant_builder_add (&details, "{sv}", "error", g_variant_new_string ("org.tincan.Tincan1.Error.Rejected"));
      tc_dbus_endpoint_emit_operation_complete (endpoint, f->sent_cookie, 404, "Not Found",
                                                g_variant_builder_end (&details));
      g_dbus_method_invocation_return_dbus_error (invocation, "org.tincan.Tincan1.Error.Rejected",
                                                  "the target answered 404 Not Found");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  g_variant_builder_init (&headers, G_VARIANT_TYPE ("a(ss)"));
  g_variant_builder_add (&headers, "(ss)", "Via", "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx");
  g_variant_builder_add (&headers, "(ss)", "Content-Length", "0");
  g_variant_builder_add (&details, "{sv}", "sip-message",
                         g_variant_new ("(sa(ss)@ay)", "SIP/2.0 200 OK", &headers,
                                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1)));
  tc_dbus_endpoint_emit_operation_complete (endpoint, f->sent_cookie, 200, "OK", g_variant_builder_end (&details));
  g_dbus_method_invocation_return_value (invocation, NULL);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* A text body that needs every kind of escaping, and a binary one. */
const char fake_tincand_text_body[] = "\"hi\" \\ there\nline\ttab \x01 caf\xc3\xa9 \xe2\x82\xac";
const guint8 fake_tincand_binary_body[4] = { 0x00, 0xff, 0x10, 'a' };

GVariant *
fake_tincand_message (const char *id, const char *from, const char *type, const void *body, gsize len)
{
  GVariantBuilder details;

  g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&details, "{sv}", "received-at", g_variant_new_int64 (1700000000000000));
  return g_variant_new ("(ssss@ay@a{sv})", id, from, "<sip:default@127.0.0.1>", type,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, body, len, 1),
                        g_variant_builder_end (&details));
}

static gboolean
on_list_pending_messages (TcDBusEndpoint *endpoint, GDBusMethodInvocation *invocation, FakeTincand *f)
{
  GVariantBuilder messages;

  g_variant_builder_init (&messages, G_VARIANT_TYPE ("a(ssssaya{sv})"));
  if (!g_ptr_array_find_with_equal_func (f->acked, "m1", g_str_equal, NULL))
    g_variant_builder_add_value (&messages,
                                 fake_tincand_message ("m1", "\"Bob\" <sip:bob@example.org>", "text/plain",
                                                       fake_tincand_text_body, strlen (fake_tincand_text_body)));
  if (!g_ptr_array_find_with_equal_func (f->acked, "m2", g_str_equal, NULL))
    g_variant_builder_add_value (&messages,
                                 fake_tincand_message ("m2", "<sip:carol@example.org>", "application/octet-stream",
                                                       fake_tincand_binary_body, sizeof fake_tincand_binary_body));
  tc_dbus_endpoint_complete_list_pending_messages (endpoint, invocation, g_variant_builder_end (&messages));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_acknowledge_message (TcDBusEndpoint *endpoint, GDBusMethodInvocation *invocation, const char *id, FakeTincand *f)
{
  if (strcmp (id, "m1") != 0 && strcmp (id, "m2") != 0)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, "org.tincan.Tincan1.Error.NotFound",
                                                  "no pending message with that id");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  g_ptr_array_add (f->acked, g_strdup (id));
  tc_dbus_endpoint_complete_acknowledge_message (endpoint, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---- sessions ---- */

/* (transfer none): the object skeleton holds it. */
TcDBusSession *
fake_tincand_session (FakeTincand *f, const char *path)
{
  g_autoptr (GDBusInterface) iface =
    g_dbus_object_manager_get_interface (G_DBUS_OBJECT_MANAGER (f->objects), path, "org.tincan.Tincan1.Session");

  g_assert_nonnull (iface);
  return TC_DBUS_SESSION (iface);
}

/* (transfer none) */
TcDBusMedia *
fake_tincand_media (FakeTincand *f, const char *path)
{
  g_autoptr (GDBusInterface) iface =
    g_dbus_object_manager_get_interface (G_DBUS_OBJECT_MANAGER (f->objects), path, "org.tincan.Tincan1.Media");

  g_assert_nonnull (iface);
  return TC_DBUS_MEDIA (iface);
}

void
fake_tincand_set_session_state (TcDBusSession *session, const char *state, guint status, const char *reason,
                                GVariant *details)
{
  g_autofree char *previous = tc_dbus_session_dup_state (session);

  tc_dbus_session_set_state (session, state);
  tc_dbus_session_emit_state_changed (session, state, previous, status, reason,
                                      details ? details : g_variant_new ("a{sv}", NULL));
}

static gboolean
is_method (GDBusMethodInvocation *invocation, const char *name)
{
  return strcmp (g_dbus_method_invocation_get_method_name (invocation), name) == 0;
}

static gboolean
return_invalid_state (GDBusMethodInvocation *invocation, const char *message)
{
  g_dbus_method_invocation_return_dbus_error (invocation, "org.tincan.Tincan1.Error.InvalidState", message);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Every Session method.  Connected swapped, so that the arguments after the
 * invocation, which differ between methods, are not declared: they are read
 * from the invocation. */
static gboolean
on_session_method (FakeTincand *f, GDBusMethodInvocation *invocation)
{
  const char *path = g_dbus_method_invocation_get_object_path (invocation);
  GVariant *params = g_dbus_method_invocation_get_parameters (invocation);
  TcDBusSession *session = fake_tincand_session (f, path);
  g_autofree char *state = tc_dbus_session_dup_state (session);
  g_autofree char *args = g_variant_print (params, TRUE);

  g_ptr_array_add (f->session_calls,
                   g_strdup_printf ("%s %s", g_dbus_method_invocation_get_method_name (invocation), args));
  if (is_method (invocation, "Terminate"))
    {
      if (strcmp (state, "disconnected") != 0)
        fake_tincand_set_session_state (session, "disconnected", 0, "",
                                        g_variant_new_parsed ("{'cause': <'local-bye'>}"));
    }
  else if (strcmp (state, "disconnected") == 0)
    return return_invalid_state (invocation, "the call is over");
  else if (is_method (invocation, "Accept") || is_method (invocation, "Reject"))
    {
      guint32 status = 0;
      const char *reason = NULL;

      if (strcmp (state, "incoming") != 0)
        return return_invalid_state (invocation, "not an incoming call");
      if (is_method (invocation, "Accept"))
        fake_tincand_set_session_state (session, "connected", 200, "OK", NULL);
      else
        {
          g_variant_get (params, "(u&s)", &status, &reason);
          fake_tincand_set_session_state (session, "disconnected", status, reason,
                                          g_variant_new_parsed ("{'cause': <'rejected'>}"));
        }
    }
  else if (is_method (invocation, "Hold") || is_method (invocation, "Resume") || is_method (invocation, "SendInfo"))
    {
      g_autoptr (GVariant) options = g_variant_get_child_value (params, g_variant_n_children (params) - 1);
      const char *operation = is_method (invocation, "Hold")     ? "hold"
                              : is_method (invocation, "Resume") ? "resume"
                                                                 : "info";
      guint64 cookie = 0;

      g_variant_lookup (options, "cookie", "t", &cookie);
      if (strcmp (operation, "hold") == 0)
        fake_tincand_set_session_state (session, "hold", 200, "OK", NULL);
      else if (strcmp (operation, "resume") == 0)
        fake_tincand_set_session_state (session, "connected", 200, "OK", NULL);
      tc_dbus_session_emit_operation_complete (session, cookie, 200, "OK",
                                               g_variant_new_parsed ("{'operation': <%s>}", operation));
    }
  else if (is_method (invocation, "SetMuted"))
    {
      gboolean muted = FALSE;

      g_variant_get (params, "(b)", &muted);
      tc_dbus_session_set_muted (session, muted);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Exports a session of @endpoint_id, the next number; returns its path. */
char *
fake_tincand_add_session (FakeTincand *f, const char *endpoint_id, const char *direction, const char *state,
                          const char *remote_uri)
{
  static const char *const methods[] = {
    "handle-accept",    "handle-reject",    "handle-terminate",      "handle-hold",
    "handle-resume",    "handle-send-dtmf", "handle-send-info",      "handle-set-additional-headers",
    "handle-play-file", "handle-record",    "handle-stop-recording", "handle-set-muted",
  };
  TcDBusEndpoint *endpoint = g_hash_table_lookup (f->endpoints, endpoint_id);
  guint number = GPOINTER_TO_UINT (g_hash_table_lookup (f->session_counts, endpoint_id)) + 1;
  g_autofree char *path = g_strdup_printf (EP_PATH ("%s") "/session/%u", endpoint_id, number);
  g_autofree char *call_id = g_strdup_printf ("fake-%s-%u", endpoint_id, number);
  g_autoptr (TcDBusObjectSkeleton) object = tc_dbus_object_skeleton_new (path);
  g_autoptr (TcDBusSession) session = tc_dbus_session_skeleton_new ();
  g_autoptr (TcDBusMedia) media = tc_dbus_media_skeleton_new ();
  g_autoptr (GStrvBuilder) sessions = g_strv_builder_new ();
  g_auto (GStrv) paths = NULL;
  const char *const *old = tc_dbus_endpoint_get_sessions (endpoint);
  gsize i;

  g_assert_nonnull (endpoint);
  g_hash_table_insert (f->session_counts, g_strdup (endpoint_id), GUINT_TO_POINTER (number));
  g_object_set (session, "state", state, "direction", direction, "remote-uri", remote_uri, "remote-display-name", "",
                "local-uri", tc_dbus_endpoint_get_uri (endpoint), "call-id", call_id, NULL);
  g_object_set (media, "codec", "", "direction", "sendrecv", "encryption", "none", "audio-source", "auto", "audio-sink",
                "auto", NULL);
  tc_dbus_media_set_stats (media, g_variant_new ("a{sv}", NULL));
  for (i = 0; i < G_N_ELEMENTS (methods); i++)
    g_signal_connect_swapped (session, methods[i], G_CALLBACK (on_session_method), f);
  tc_dbus_object_skeleton_set_session (object, session);
  tc_dbus_object_skeleton_set_media (object, media);
  g_dbus_object_manager_server_export (f->objects, G_DBUS_OBJECT_SKELETON (object));

  /* Copies: setting the property frees the old value while the new one is read. */
  if (old)
    g_strv_builder_addv (sessions, (const char **) old);
  g_strv_builder_add (sessions, path);
  paths = g_strv_builder_end (sessions);
  tc_dbus_endpoint_set_sessions (endpoint, (const char *const *) paths);
  return g_steal_pointer (&path);
}

typedef struct {
  TcDBusSession *session;
  TcDBusMedia *media;
  gboolean busy;
  int step;
} CallProgress;

/* One step of an outgoing call per idle: 180 then 200, or 486. */
static gboolean
on_call_progress (gpointer user_data)
{
  CallProgress *call = user_data;

  if (call->busy)
    fake_tincand_set_session_state (call->session, "disconnected", 486, "Busy Here",
                                    g_variant_new_parsed ("{'cause': <'rejected'>}"));
  else if (call->step++ == 0)
    {
      fake_tincand_set_session_state (call->session, "in-progress", 180, "Ringing",
                                      g_variant_new_parsed ("{'early-media': <false>}"));
      return G_SOURCE_CONTINUE;
    }
  else
    {
      tc_dbus_media_set_codec (call->media, "pcmu");
      fake_tincand_set_session_state (call->session, "connected", 200, "OK", NULL);
    }
  g_object_unref (call->session);
  g_object_unref (call->media);
  g_free (call);
  return G_SOURCE_REMOVE;
}

static gboolean
on_call (TcDBusEndpoint *endpoint, GDBusMethodInvocation *invocation, const char *target, GVariant *options,
         FakeTincand *f)
{
  const char *id = strrchr (g_dbus_method_invocation_get_object_path (invocation), '/') + 1;
  g_autofree char *path = NULL;
  const char *source = "auto", *sink = "auto";
  CallProgress *call;

  g_free (f->call_target);
  f->call_target = g_strdup (target);
  g_clear_pointer (&f->call_options, g_variant_unref);
  f->call_options = g_variant_ref (options);
  if (!g_str_has_prefix (target, "sip:") && !g_str_has_prefix (target, "sips:"))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, "org.tincan.Tincan1.Error.InvalidArgs",
                                                  "the target is not a sip: or sips: URI");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  path = fake_tincand_add_session (f, id, "outgoing", "in-progress", target);
  g_variant_lookup (options, "audio-source", "&s", &source);
  g_variant_lookup (options, "audio-sink", "&s", &sink);
  g_object_set (fake_tincand_media (f, path), "audio-source", source, "audio-sink", sink, NULL);
  tc_dbus_endpoint_complete_call (endpoint, invocation, path);
  if (strstr (target, "silent"))
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  call = g_new0 (CallProgress, 1);
  call->session = g_object_ref (fake_tincand_session (f, path));
  call->media = g_object_ref (fake_tincand_media (f, path));
  call->busy = strstr (target, "busy") != NULL;
  g_idle_add (on_call_progress, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
sync_manager_endpoints (FakeTincand *f)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *const order[] = { "default", "bob", "stuck", "alice", "carol" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (order); i++)
    {
      if (g_hash_table_contains (f->endpoints, order[i]))
        g_ptr_array_add (paths, g_strconcat (EP_PATH (""), order[i], NULL));
    }
  g_ptr_array_add (paths, NULL);
  tc_dbus_manager_set_endpoints (f->manager, (const char *const *) paths->pdata);
}

void
fake_tincand_add_endpoint (FakeTincand *f, const char *id, const char *uri, const char *kind)
{
  g_autofree char *path = g_strconcat (EP_PATH (""), id, NULL);
  g_autofree char *contact = g_strdup_printf ("<sip:%s@127.0.0.1:5060>", id);
  g_autoptr (TcDBusObjectSkeleton) object = tc_dbus_object_skeleton_new (path);
  TcDBusEndpoint *endpoint = tc_dbus_endpoint_skeleton_new ();

  g_object_set (endpoint, "uri", uri, "kind", kind, "display-name", "", "registration-state", "unregistered", "gruu",
                "", "instance-id", "urn:uuid:00000000-0000-4000-8000-000000000001", "contact", contact, "transport",
                "udp", NULL);
  /* PasswordStore is newer than the first XML: set it when this build has it. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (endpoint), "password-store"))
    g_object_set (endpoint, "password-store", "none", NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (endpoint), "incoming-call-policy"))
    g_object_set (endpoint, "incoming-call-policy", "ring", NULL);
  g_signal_connect (endpoint, "handle-register", G_CALLBACK (on_register), f);
  g_signal_connect (endpoint, "handle-unregister", G_CALLBACK (on_unregister), f);
  g_signal_connect (endpoint, "handle-send-message", G_CALLBACK (on_send_message), f);
  g_signal_connect (endpoint, "handle-list-pending-messages", G_CALLBACK (on_list_pending_messages), f);
  g_signal_connect (endpoint, "handle-acknowledge-message", G_CALLBACK (on_acknowledge_message), f);
  g_signal_connect (endpoint, "handle-call", G_CALLBACK (on_call), f);
  tc_dbus_object_skeleton_set_endpoint (object, endpoint);
  g_hash_table_insert (f->endpoints, g_strdup (id), endpoint);
  g_dbus_object_manager_server_export (f->objects, G_DBUS_OBJECT_SKELETON (object));
  sync_manager_endpoints (f);
}

void
fake_tincand_remove_endpoint (FakeTincand *f, const char *id)
{
  g_autofree char *path = g_strconcat (EP_PATH (""), id, NULL);

  g_assert_true (g_dbus_object_manager_server_unexport (f->objects, path));
  g_hash_table_remove (f->endpoints, id);
  sync_manager_endpoints (f);
}

static gboolean
on_create_endpoint (TcDBusManager *manager, GDBusMethodInvocation *invocation, GVariant *settings, FakeTincand *f)
{
  const char *uri = NULL;

  g_clear_pointer (&f->settings, g_variant_unref);
  f->settings = g_variant_ref (settings);
  g_assert_true (g_variant_lookup (settings, "uri", "&s", &uri));
  if (strcmp (uri, "sip:taken@example.org") == 0)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, "org.tincan.Tincan1.Error.Transport",
                                                  "cannot bind 0.0.0.0:5060");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  fake_tincand_add_endpoint (f, "alice", uri, "registered");
  tc_dbus_manager_complete_create_endpoint (manager, invocation, EP_PATH ("alice"));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_remove_endpoint (TcDBusManager *manager, GDBusMethodInvocation *invocation, const char *path, FakeTincand *f)
{
  const char *id = strrchr (path, '/') + 1;

  if (!g_str_has_prefix (path, EP_PATH ("")) || !g_hash_table_contains (f->endpoints, id))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, "org.tincan.Tincan1.Error.NotFound",
                                                  "no endpoint at that path");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  fake_tincand_remove_endpoint (f, id);
  tc_dbus_manager_complete_remove_endpoint (manager, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  FakeTincand *f = user_data;

  f->name_acquired = TRUE;
}

void
fake_tincand_bus_up (FakeTincand *f, const char *service_dir)
{
  g_autoptr (GError) error = NULL;

  g_test_dbus_unset ();
  f->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  if (service_dir)
    g_test_dbus_add_service_dir (f->bus, service_dir);
  g_test_dbus_up (f->bus);
  f->connection = g_dbus_connection_new_for_address_sync (
    g_test_dbus_get_bus_address (f->bus),
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Serves org.tincan.Tincan1 on the bus of fake_tincand_bus_up(), with the
 * endpoints "default" (peer-to-peer), "bob" (refused by its registrar) and
 * "stuck" (whose registrar never answers). */
void
fake_tincand_start (FakeTincand *f)
{
  g_autoptr (GError) error = NULL;

  f->trace = -1;
  f->acked = g_ptr_array_new_with_free_func (g_free);
  f->endpoints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  f->session_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->session_calls = g_ptr_array_new_with_free_func (g_free);

  f->manager = tc_dbus_manager_skeleton_new ();
  tc_dbus_manager_set_version (f->manager, "9.8.7");
  g_signal_connect (f->manager, "handle-create-endpoint", G_CALLBACK (on_create_endpoint), f);
  g_signal_connect (f->manager, "handle-remove-endpoint", G_CALLBACK (on_remove_endpoint), f);
  g_signal_connect (f->manager, "handle-set-trace", G_CALLBACK (on_set_trace), f);
  g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (f->manager), f->connection, ROOT_PATH, &error);
  g_assert_no_error (error);

  f->objects = g_dbus_object_manager_server_new (ROOT_PATH);
  fake_tincand_add_endpoint (f, "default", "sip:default@127.0.0.1", "peer-to-peer");
  fake_tincand_add_endpoint (f, "bob", "sip:bob@example.org", "registered");
  fake_tincand_add_endpoint (f, "stuck", "sip:stuck@example.org", "registered");
  g_dbus_object_manager_server_set_connection (f->objects, f->connection);

  f->owner_id = g_bus_own_name_on_connection (f->connection, BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired,
                                              NULL, f, NULL);
  while (!f->name_acquired)
    g_main_context_iteration (NULL, TRUE);
}

/* Stops the fake (when started) and the bus. */
void
fake_tincand_stop (FakeTincand *f)
{
  g_clear_handle_id (&f->owner_id, g_bus_unown_name);
  if (f->manager)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (f->manager));
  g_clear_object (&f->objects);
  g_clear_object (&f->manager);
  g_clear_pointer (&f->endpoints, g_hash_table_unref);
  g_clear_pointer (&f->settings, g_variant_unref);
  g_clear_pointer (&f->acked, g_ptr_array_unref);
  g_clear_pointer (&f->sent_target, g_free);
  g_clear_pointer (&f->sent_type, g_free);
  g_clear_pointer (&f->sent_body, g_bytes_unref);
  g_clear_pointer (&f->session_counts, g_hash_table_unref);
  g_clear_pointer (&f->call_target, g_free);
  g_clear_pointer (&f->call_options, g_variant_unref);
  g_clear_pointer (&f->session_calls, g_ptr_array_unref);
  g_dbus_connection_close_sync (f->connection, NULL, NULL);
  g_clear_object (&f->connection);
  g_test_dbus_down (f->bus);
  g_clear_object (&f->bus);
}
