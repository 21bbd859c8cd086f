/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session-bus.c — TcSessionBus: org.tincan.Tincan1.Session and .Media for
 * one TcSession.  Properties are bound to the core object's, core signals
 * re-emitted, and each method is one core call (style.md B7).
 *
 * Hold, Resume and SendInfo are held (TcBusCall) until core finishes the
 * SIP transaction, then OperationComplete is emitted (when a request went
 * out) just before the reply, as Endpoint.SendMessage does.
 */
#include "bus/session-bus.h"

#include "bus/errors.h"
#include "core/core-error.h"
#include "tincan-dbus-generated.h"

struct _TcSessionBus {
  GObject parent_instance;

  TcSession *session;
  TcBusCallers *callers;
  char *path;
  TcDBusSession *iface;
  TcDBusMedia *media;
  GPtrArray *bindings; /* GBinding, borrowed */
  GPtrArray *calls;    /* TcBusCall in flight */
  gboolean aborted;
};

G_DEFINE_FINAL_TYPE (TcSessionBus, tc_session_bus, G_TYPE_OBJECT)

/* Core property -> Session skeleton property. */
static const char *const session_properties[] = {
  "state", "direction", "remote-uri", "remote-display-name", "local-uri", "call-id", "remote-held", "muted",
};

/* Core property -> Media skeleton property. */
static const struct {
  const char *core;
  const char *media;
} media_properties[] = {
  { "codec", "codec" },
  { "media-direction", "direction" },
  { "audio-source", "audio-source" },
  { "audio-sink", "audio-sink" },
  { "stats", "stats" },
};

static GVariant *
empty_dict (void)
{
  return g_variant_new ("a{sv}", NULL);
}

/* Options of the methods that take only simple keys: each key of
 * @allowed with its type; anything else is InvalidArgs. */
static gboolean
check_options (GVariant *options, const char *const *keys, const char *const *types, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value_out;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value_out))
    {
      g_autoptr (GVariant) value = value_out;
      gsize i;

      for (i = 0; keys[i]; i++)
        if (g_str_equal (key, keys[i]))
          break;
      if (!keys[i])
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "unknown option '%s'", key);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (types[i])))
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "option '%s' must be of type %s, not %s", key,
                       types[i], g_variant_get_type_string (value));
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- core signals -------------------------------------------------------- */

static void
on_state_changed (TcSession *session, const char *state, const char *previous, guint status, const char *reason,
                  GVariant *details, TcSessionBus *self)
{
  tc_dbus_session_emit_state_changed (self->iface, state, previous, status, reason ? reason : "",
                                      details ? details : empty_dict ());
}

static void
on_re_invite_received (TcSession *session, GVariant *details, TcSessionBus *self)
{
  tc_dbus_session_emit_re_invite_received (self->iface, details ? details : empty_dict ());
}

static void
on_info_received (TcSession *session, const char *content_type, GBytes *body, GVariant *details, TcSessionBus *self)
{
  tc_dbus_session_emit_info_received (self->iface, content_type ? content_type : "",
                                      g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, body, TRUE),
                                      details ? details : empty_dict ());
}

static void
on_dtmf_received (TcSession *session, const char *digit, guint duration_ms, TcSessionBus *self)
{
  tc_dbus_session_emit_dtmf_received (self->iface, digit, duration_ms);
}

static void
on_media_failed (TcSession *session, const char *cause, const char *message, TcSessionBus *self)
{
  tc_dbus_media_emit_failed (self->media, cause, message ? message : "");
}

static void
on_playback_finished (TcSession *session, const char *path, const char *error, TcSessionBus *self)
{
  tc_dbus_media_emit_playback_finished (self->media, path, error ? error : "");
}

/* ---- methods ---------------------------------------------------------------- */

static gboolean
on_handle_accept (TcDBusSession *iface, GDBusMethodInvocation *invocation, GVariant *options, TcSessionBus *self)
{
  static const char *const allowed[] = { "headers", "audio-source", "audio-sink", NULL };
  TcSessionOptions parsed;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (!tc_session_options_parse (&parsed, options, allowed, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  ok = tc_session_accept (self->session, &parsed, &error);
  tc_session_options_clear (&parsed);
  if (!ok)
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_accept (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_reject (TcDBusSession *iface, GDBusMethodInvocation *invocation, guint status, const char *reason,
                  TcSessionBus *self)
{
  g_autoptr (GError) error = NULL;

  if (!tc_session_reject (self->session, status, *reason ? reason : NULL, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_reject (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_terminate (TcDBusSession *iface, GDBusMethodInvocation *invocation, TcSessionBus *self)
{
  g_autoptr (GError) error = NULL;

  if (!tc_session_terminate (self->session, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_terminate (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct {
  TcSessionBus *self;
  TcBusCall *call;
  guint64 cookie;
  const char *operation; /* static */
} Operation;

static void
operation_free (Operation *op)
{
  g_object_unref (op->self);
  tc_bus_call_unref (op->call);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

static Operation *
operation_new (TcSessionBus *self, GDBusMethodInvocation *invocation, guint64 cookie, const char *operation)
{
  Operation *op = g_new0 (Operation, 1);

  op->self = g_object_ref (self);
  op->call = tc_bus_call_new (self->callers, invocation);
  op->cookie = cookie;
  op->operation = operation;
  g_ptr_array_add (self->calls, tc_bus_call_ref (op->call));
  return op;
}

/* OperationComplete (when a request went out), then the reply. */
static void
operation_done (Operation *op, gboolean ok, const TcSessionResult *outcome, GError *error)
{
  TcSessionBus *self = op->self;
  GDBusMethodInvocation *invocation;

  g_ptr_array_remove_fast (self->calls, op->call);
  invocation = tc_bus_call_steal_invocation (op->call);
  if (outcome->status != 0 && !self->aborted)
    {
      g_auto (GVariantDict) dict = G_VARIANT_DICT_INIT (outcome->details);

      g_variant_dict_insert (&dict, "operation", "s", op->operation);
      if (!ok)
        g_variant_dict_insert (&dict, "error", "s", tc_bus_error_name (error));
      tc_dbus_session_emit_operation_complete (self->iface, op->cookie, outcome->status,
                                               outcome->reason ? outcome->reason : "", g_variant_dict_end (&dict));
    }
  if (invocation && ok)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else if (invocation)
    tc_bus_return_gerror (invocation, error);
  else if (error)
    g_error_free (error);
}

static void
on_hold_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Operation) op = user_data;
  TcSessionResult outcome = { 0 };
  GError *error = NULL;
  gboolean ok = tc_session_hold_finish (TC_SESSION (source), result, &outcome, &error);

  operation_done (op, ok, &outcome, error);
  tc_session_result_clear (&outcome);
}

static gboolean
parse_cookie (GVariant *options, guint64 *cookie, GError **error)
{
  static const char *const keys[] = { "cookie", NULL };
  static const char *const types[] = { "t", NULL };

  if (!check_options (options, keys, types, error))
    return FALSE;
  *cookie = 0;
  g_variant_lookup (options, "cookie", "t", cookie);
  return TRUE;
}

static gboolean
handle_hold (GDBusMethodInvocation *invocation, GVariant *options, gboolean hold, TcSessionBus *self)
{
  g_autoptr (GError) error = NULL;
  guint64 cookie;
  Operation *op;

  if (!parse_cookie (options, &cookie, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  op = operation_new (self, invocation, cookie, hold ? "hold" : "resume");
  tc_session_hold_async (self->session, hold, tc_bus_call_get_cancellable (op->call), on_hold_done, op);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_hold (TcDBusSession *iface, GDBusMethodInvocation *invocation, GVariant *options, TcSessionBus *self)
{
  return handle_hold (invocation, options, TRUE, self);
}

static gboolean
on_handle_resume (TcDBusSession *iface, GDBusMethodInvocation *invocation, GVariant *options, TcSessionBus *self)
{
  return handle_hold (invocation, options, FALSE, self);
}

static gboolean
on_handle_send_dtmf (TcDBusSession *iface, GDBusMethodInvocation *invocation, const char *digits, GVariant *options,
                     TcSessionBus *self)
{
  static const char *const keys[] = { "duration", NULL };
  static const char *const types[] = { "u", NULL };
  g_autoptr (GError) error = NULL;
  guint32 duration = 160;

  if (!check_options (options, keys, types, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  g_variant_lookup (options, "duration", "u", &duration);
  if (!tc_session_send_dtmf (self->session, digits, duration, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_send_dtmf (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_info_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Operation) op = user_data;
  TcSessionResult outcome = { 0 };
  GError *error = NULL;
  gboolean ok = tc_session_send_info_finish (TC_SESSION (source), result, &outcome, &error);

  operation_done (op, ok, &outcome, error);
  tc_session_result_clear (&outcome);
}

static gboolean
on_handle_send_info (TcDBusSession *iface, GDBusMethodInvocation *invocation, const char *content_type, GVariant *body,
                     GVariant *options, TcSessionBus *self)
{
  static const char *const allowed[] = { "cookie", "headers", NULL };
  TcSessionOptions parsed;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GVariant) cookie_v = NULL;
  guint64 cookie = 0;
  Operation *op;

  if (!tc_session_options_parse (&parsed, options, allowed, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  cookie_v = g_variant_lookup_value (options, "cookie", NULL);
  if (cookie_v && !g_variant_is_of_type (cookie_v, G_VARIANT_TYPE_UINT64))
    {
      tc_session_options_clear (&parsed);
      return tc_bus_return_gerror (invocation, g_error_new_literal (TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS,
                                                                    "option 'cookie' must be of type t"));
    }
  if (cookie_v)
    cookie = g_variant_get_uint64 (cookie_v);
  bytes = g_variant_get_data_as_bytes (body);
  op = operation_new (self, invocation, cookie, "info");
  tc_session_send_info_async (self->session, content_type, bytes, parsed.headers,
                              tc_bus_call_get_cancellable (op->call), on_info_done, op);
  tc_session_options_clear (&parsed);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_set_additional_headers (TcDBusSession *iface, GDBusMethodInvocation *invocation, GVariant *headers_v,
                                  TcSessionBus *self)
{
  g_autoptr (GArray) headers = tc_header_pairs_new ();
  g_autoptr (GError) error = NULL;
  GVariantIter iter;
  TcHeaderPair pair;

  g_variant_iter_init (&iter, headers_v);
  while (g_variant_iter_next (&iter, "(ss)", &pair.name, &pair.value))
    g_array_append_val (headers, pair);
  if (!tc_session_set_additional_headers (self->session, headers, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_set_additional_headers (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_play_file (TcDBusSession *iface, GDBusMethodInvocation *invocation, const char *path, GVariant *options,
                     TcSessionBus *self)
{
  static const char *const keys[] = { NULL };
  g_autoptr (GError) error = NULL;

  if (!check_options (options, keys, keys, &error) || !tc_session_play_file (self->session, path, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_play_file (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_record (TcDBusSession *iface, GDBusMethodInvocation *invocation, const char *path, GVariant *options,
                  TcSessionBus *self)
{
  static const char *const keys[] = { "both-directions", NULL };
  static const char *const types[] = { "b", NULL };
  g_autoptr (GError) error = NULL;
  gboolean both = FALSE;

  if (!check_options (options, keys, types, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  g_variant_lookup (options, "both-directions", "b", &both);
  if (!tc_session_record (self->session, path, both, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_record (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_stop_recording (TcDBusSession *iface, GDBusMethodInvocation *invocation, TcSessionBus *self)
{
  g_autoptr (GError) error = NULL;

  if (!tc_session_stop_recording (self->session, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_stop_recording (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_set_muted (TcDBusSession *iface, GDBusMethodInvocation *invocation, gboolean muted, TcSessionBus *self)
{
  g_autoptr (GError) error = NULL;

  if (!tc_session_set_muted (self->session, muted, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_dbus_session_complete_set_muted (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---- object --------------------------------------------------------------------- */

void
tc_session_bus_abort (TcSessionBus *self, const char *why)
{
  g_autoptr (GPtrArray) calls = NULL;

  g_return_if_fail (TC_IS_SESSION_BUS (self));

  if (self->aborted)
    return;
  self->aborted = TRUE;
  g_signal_handlers_disconnect_by_data (self->session, self);
  g_signal_handlers_disconnect_by_data (self->iface, self);
  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->bindings, i));
  g_ptr_array_set_size (self->bindings, 0);
  calls = g_steal_pointer (&self->calls);
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_bus_call_unref);
  for (guint i = 0; i < calls->len; i++)
    tc_bus_call_abort (g_ptr_array_index (calls, i), why);
}

static void
tc_session_bus_dispose (GObject *object)
{
  TcSessionBus *self = TC_SESSION_BUS (object);

  if (self->session)
    tc_session_bus_abort (self, "The session was removed");
  tc_session_bus_unexport (self);
  g_clear_object (&self->iface);
  g_clear_object (&self->media);
  g_clear_object (&self->session);
  g_clear_object (&self->callers);

  G_OBJECT_CLASS (tc_session_bus_parent_class)->dispose (object);
}

static void
tc_session_bus_finalize (GObject *object)
{
  TcSessionBus *self = TC_SESSION_BUS (object);

  g_ptr_array_unref (self->calls);
  g_ptr_array_unref (self->bindings);
  g_free (self->path);

  G_OBJECT_CLASS (tc_session_bus_parent_class)->finalize (object);
}

static void
tc_session_bus_class_init (TcSessionBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_session_bus_dispose;
  object_class->finalize = tc_session_bus_finalize;
}

static void
tc_session_bus_init (TcSessionBus *self)
{
  self->bindings = g_ptr_array_new ();
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_bus_call_unref);
}

char *
tc_session_bus_path (const char *endpoint_path, guint id)
{
  return g_strdup_printf ("%s/session/%u", endpoint_path, id);
}

TcSessionBus *
tc_session_bus_new (TcSession *session, const char *endpoint_path, TcBusCallers *callers)
{
  TcSessionBus *self;

  g_return_val_if_fail (TC_IS_SESSION (session), NULL);
  g_return_val_if_fail (TC_BUS_IS_CALLERS (callers), NULL);

  self = g_object_new (TC_TYPE_SESSION_BUS, NULL);
  self->session = g_object_ref (session);
  self->callers = g_object_ref (callers);
  self->path = tc_session_bus_path (endpoint_path, tc_session_get_id (session));
  self->iface = tc_dbus_session_skeleton_new ();
  self->media = tc_dbus_media_skeleton_new ();
  tc_dbus_media_set_encryption (self->media, "none");

  for (gsize i = 0; i < G_N_ELEMENTS (session_properties); i++)
    g_ptr_array_add (self->bindings, g_object_bind_property (session, session_properties[i], self->iface,
                                                             session_properties[i], G_BINDING_SYNC_CREATE));
  for (gsize i = 0; i < G_N_ELEMENTS (media_properties); i++)
    g_ptr_array_add (self->bindings, g_object_bind_property (session, media_properties[i].core, self->media,
                                                             media_properties[i].media, G_BINDING_SYNC_CREATE));

  g_signal_connect (session, "state-changed", G_CALLBACK (on_state_changed), self);
  g_signal_connect (session, "re-invite-received", G_CALLBACK (on_re_invite_received), self);
  g_signal_connect (session, "info-received", G_CALLBACK (on_info_received), self);
  g_signal_connect (session, "dtmf-received", G_CALLBACK (on_dtmf_received), self);
  g_signal_connect (session, "media-failed", G_CALLBACK (on_media_failed), self);
  g_signal_connect (session, "playback-finished", G_CALLBACK (on_playback_finished), self);

  g_signal_connect (self->iface, "handle-accept", G_CALLBACK (on_handle_accept), self);
  g_signal_connect (self->iface, "handle-reject", G_CALLBACK (on_handle_reject), self);
  g_signal_connect (self->iface, "handle-terminate", G_CALLBACK (on_handle_terminate), self);
  g_signal_connect (self->iface, "handle-hold", G_CALLBACK (on_handle_hold), self);
  g_signal_connect (self->iface, "handle-resume", G_CALLBACK (on_handle_resume), self);
  g_signal_connect (self->iface, "handle-send-dtmf", G_CALLBACK (on_handle_send_dtmf), self);
  g_signal_connect (self->iface, "handle-send-info", G_CALLBACK (on_handle_send_info), self);
  g_signal_connect (self->iface, "handle-set-additional-headers", G_CALLBACK (on_handle_set_additional_headers), self);
  g_signal_connect (self->iface, "handle-play-file", G_CALLBACK (on_handle_play_file), self);
  g_signal_connect (self->iface, "handle-record", G_CALLBACK (on_handle_record), self);
  g_signal_connect (self->iface, "handle-stop-recording", G_CALLBACK (on_handle_stop_recording), self);
  g_signal_connect (self->iface, "handle-set-muted", G_CALLBACK (on_handle_set_muted), self);
  return self;
}

TcSession *
tc_session_bus_get_session (TcSessionBus *self)
{
  g_return_val_if_fail (TC_IS_SESSION_BUS (self), NULL);
  return self->session;
}

const char *
tc_session_bus_get_path (TcSessionBus *self)
{
  g_return_val_if_fail (TC_IS_SESSION_BUS (self), NULL);
  return self->path;
}

const char *const tc_session_bus_interfaces[] = { "org.tincan.Tincan1.Session", "org.tincan.Tincan1.Media", NULL };

gboolean
tc_session_bus_export (TcSessionBus *self, GDBusConnection *connection, GError **error)
{
  g_return_val_if_fail (TC_IS_SESSION_BUS (self), FALSE);

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->iface), connection, self->path, error))
    return FALSE;
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->media), connection, self->path, error))
    {
      g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->iface));
      return FALSE;
    }
  return TRUE;
}

void
tc_session_bus_unexport (TcSessionBus *self)
{
  GDBusInterfaceSkeleton *skeletons[] = { G_DBUS_INTERFACE_SKELETON (self->iface),
                                          G_DBUS_INTERFACE_SKELETON (self->media) };

  g_return_if_fail (TC_IS_SESSION_BUS (self));

  for (gsize i = 0; i < G_N_ELEMENTS (skeletons); i++)
    if (skeletons[i] && g_dbus_interface_skeleton_get_connection (skeletons[i]))
      g_dbus_interface_skeleton_unexport (skeletons[i]);
}

GVariant *
tc_session_bus_get_interfaces (TcSessionBus *self)
{
  GDBusInterfaceSkeleton *skeletons[] = { G_DBUS_INTERFACE_SKELETON (self->iface),
                                          G_DBUS_INTERFACE_SKELETON (self->media) };
  GVariantBuilder builder;

  g_return_val_if_fail (TC_IS_SESSION_BUS (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sa{sv}}"));
  for (gsize i = 0; i < G_N_ELEMENTS (skeletons); i++)
    {
      /* (transfer full), and floating from the generated code. */
      g_autoptr (GVariant) properties = g_variant_take_ref (g_dbus_interface_skeleton_get_properties (skeletons[i]));

      g_variant_builder_add (&builder, "{s@a{sv}}", tc_session_bus_interfaces[i], properties);
    }
  return g_variant_builder_end (&builder);
}
