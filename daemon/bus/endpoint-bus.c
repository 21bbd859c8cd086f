/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-bus.c — TcEndpointBus: org.tincan.Tincan1.Endpoint for one
 * TcEndpoint.  Properties are bound to the core object's, core signals
 * are re-emitted, and each method is one core call (style.md B7).
 *
 * SendMessage is held (TcBusCall) until core finishes the MESSAGE
 * transaction: cancelled when its caller leaves the bus, answered Aborted
 * when the endpoint goes first.  OperationComplete is emitted only when a
 * SIP transaction was attempted (core filled in a status), just before the
 * reply; a call refused before sending gets only its error reply.
 */
#include "bus/endpoint-bus.h"

#include "bus/errors.h"
#include "bus/session-bus.h"
#include "core/details.h"
#include "sip/debug.h"
#include "tincan-dbus-generated.h"

struct _TcEndpointBus {
  GObject parent_instance;

  TcEndpoint *endpoint;
  TcBusCallers *callers;
  char *path;
  TcDBusObjectSkeleton *object;
  TcDBusEndpoint *iface;
  GPtrArray *calls;            /* TcBusCall: SendMessage in flight */
  guint sessions_idle;         /* PropertiesChanged for Sessions, pending */
  gboolean sessions_announced; /* invalidated since it was last read */
  gboolean aborted;
};

G_DEFINE_TYPE (TcEndpointBus, tc_endpoint_bus, G_TYPE_OBJECT)

/* Core property -> skeleton property of the same name (gdbus-codegen
 * names them after the D-Bus property: Uri -> "uri", and so on).  One
 * "notify" handler copies them, rather than a GBinding each: thousands
 * of endpoints, nine properties. */
static const char *const bound_properties[] = {
  "uri", "kind", "display-name", "registration-state", "gruu", "instance-id", "contact", "transport", "password-store",
};

static void
copy_property (TcEndpointBus *self, const char *name)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_object_get_property (G_OBJECT (self->endpoint), name, &value);
  g_object_set_property (G_OBJECT (self->iface), name, &value);
}

static void
on_endpoint_notify (TcEndpoint *endpoint, GParamSpec *pspec, TcEndpointBus *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bound_properties); i++)
    {
      if (g_str_equal (pspec->name, bound_properties[i]))
        {
          copy_property (self, bound_properties[i]);
          return;
        }
    }
}

static GVariant *
bytes_to_variant (GBytes *bytes)
{
  if (!bytes)
    return g_variant_new_from_data (G_VARIANT_TYPE_BYTESTRING, "", 0, TRUE, NULL, NULL);
  return g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE);
}

/* details of MessageReceived / ListPendingMessages: "sip-message" when the
 * stored request parses, "received-at" (µs since the epoch). */
static GVariant *
message_details (const TcInboxMessage *message)
{
  g_auto (GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  GBytes *raw = tc_inbox_message_get_raw (message);

  if (raw)
    {
      g_autoptr (GVariant) sip_message = tc_details_sip_message_from_bytes (raw);

      if (sip_message)
        g_variant_dict_insert_value (&dict, "sip-message", g_variant_take_ref (sip_message));
    }
  g_variant_dict_insert (&dict, "received-at", "x", tc_inbox_message_get_received (message));
  return g_variant_dict_end (&dict);
}

static void
on_registration_state_changed (TcEndpoint *endpoint, const char *state, const char *previous, guint sip_status,
                               const char *reason, GVariant *details, TcEndpointBus *self)
{
  tc_dbus_endpoint_emit_registration_state_changed (self->iface, state, previous, sip_status, reason ? reason : "",
                                                    details ? details : g_variant_new ("a{sv}", NULL));
}

static void
on_message_received (TcEndpoint *endpoint, TcInboxMessage *message, TcEndpointBus *self)
{
  const char *from = tc_inbox_message_get_from (message);
  const char *to = tc_inbox_message_get_to (message);
  const char *content_type = tc_inbox_message_get_content_type (message);

  tc_dbus_endpoint_emit_message_received (
    self->iface, tc_inbox_message_get_id (message), from ? from : "", to ? to : "", content_type ? content_type : "",
    bytes_to_variant (tc_inbox_message_get_body (message)), message_details (message));
}

static void
on_connection_lost (TcEndpoint *endpoint, const char *cause, const char *remote, GVariant *details, TcEndpointBus *self)
{
  tc_dbus_endpoint_emit_connection_lost (self->iface, cause, remote ? remote : "",
                                         details ? details : g_variant_new ("a{sv}", NULL));
}

static gboolean
on_handle_register (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, TcEndpointBus *self)
{
  g_autoptr (GError) error = NULL;

  if (!tc_endpoint_register (self->endpoint, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));

  tc_dbus_endpoint_complete_register (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_unregister (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, TcEndpointBus *self)
{
  g_autoptr (GError) error = NULL;

  if (!tc_endpoint_unregister (self->endpoint, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));

  tc_dbus_endpoint_complete_unregister (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct {
  TcEndpointBus *self;
  TcBusCall *call;
  guint64 cookie;
} SendOperation;

static void
send_operation_free (SendOperation *op)
{
  g_object_unref (op->self);
  tc_bus_call_unref (op->call);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SendOperation, send_operation_free)

/* SendMessage options: "cookie" (t), nothing else. */
static gboolean
parse_send_options (GVariant *options, guint64 *cookie, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value_out;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value_out))
    {
      g_autoptr (GVariant) value = value_out;

      if (!g_str_equal (key, "cookie"))
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "unknown option '%s'", key);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "option 'cookie' must be of type t, not %s",
                       g_variant_get_type_string (value));
          return FALSE;
        }
      *cookie = g_variant_get_uint64 (value);
    }
  return TRUE;
}

static void
emit_operation_complete (TcEndpointBus *self, guint64 cookie, const TcMessageResult *outcome, const GError *error)
{
  g_auto (GVariantDict) dict = G_VARIANT_DICT_INIT (outcome->details);

  g_variant_dict_insert (&dict, "operation", "s", "message");
  if (error)
    g_variant_dict_insert (&dict, "error", "s", tc_bus_error_name (error));
  tc_dbus_endpoint_emit_operation_complete (self->iface, cookie, outcome->status,
                                            outcome->reason ? outcome->reason : "", g_variant_dict_end (&dict));
}

static void
on_send_message_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SendOperation) op = user_data;
  TcEndpointBus *self = op->self;
  TcMessageResult outcome = { 0 };
  g_autoptr (GError) error = NULL;
  GDBusMethodInvocation *invocation;
  gboolean ok;

  ok = tc_endpoint_send_message_finish (TC_ENDPOINT (source), result, &outcome, &error);
  g_ptr_array_remove_fast (self->calls, op->call);
  invocation = tc_bus_call_steal_invocation (op->call);
  tc_debug ("endpoint %s: MESSAGE (cookie %" G_GUINT64_FORMAT ") done: %u %s", tc_endpoint_get_id (self->endpoint),
            op->cookie, outcome.status, ok ? "ok" : error->message);

  /* Only a MESSAGE that went out has a status to report. */
  if (outcome.status != 0 && !self->aborted)
    emit_operation_complete (self, op->cookie, &outcome, ok ? NULL : error);
  if (invocation && ok)
    tc_dbus_endpoint_complete_send_message (self->iface, invocation);
  else if (invocation)
    tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_message_result_clear (&outcome);
}

static gboolean
on_handle_send_message (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, const char *target,
                        const char *content_type, GVariant *body, GVariant *options, TcEndpointBus *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  SendOperation *op;
  guint64 cookie = 0;

  if (!parse_send_options (options, &cookie, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));

  op = g_new0 (SendOperation, 1);
  op->self = g_object_ref (self);
  op->call = tc_bus_call_new (self->callers, invocation);
  op->cookie = cookie;
  g_ptr_array_add (self->calls, tc_bus_call_ref (op->call));

  bytes = g_variant_get_data_as_bytes (body);
  tc_endpoint_send_message_async (self->endpoint, target, *content_type ? content_type : NULL, bytes, NULL,
                                  tc_bus_call_get_cancellable (op->call), on_send_message_done, op);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_set_additional_headers (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, GVariant *headers_v,
                                  TcEndpointBus *self)
{
  g_autoptr (GArray) headers = g_array_new (FALSE, TRUE, sizeof (TcHeaderPair));
  g_autoptr (GError) error = NULL;
  GVariantIter iter;
  TcHeaderPair pair;

  g_array_set_clear_func (headers, (GDestroyNotify) tc_header_pair_clear);
  g_variant_iter_init (&iter, headers_v);
  while (g_variant_iter_next (&iter, "(ss)", &pair.name, &pair.value))
    g_array_append_val (headers, pair);

  /* Core validates every header before applying any. */
  if (!tc_endpoint_set_additional_headers (self->endpoint, headers, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));

  tc_dbus_endpoint_complete_set_additional_headers (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_acknowledge_message (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, const char *id,
                               TcEndpointBus *self)
{
  g_autoptr (GError) error = NULL;

  if (!tc_endpoint_acknowledge_message (self->endpoint, id, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));

  tc_dbus_endpoint_complete_acknowledge_message (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_list_pending_messages (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, TcEndpointBus *self)
{
  g_autoptr (GPtrArray) messages = tc_endpoint_list_pending_messages (self->endpoint);
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(ssssaya{sv})"));

  for (guint i = 0; messages && i < messages->len; i++)
    {
      const TcInboxMessage *message = g_ptr_array_index (messages, i);
      const char *from = tc_inbox_message_get_from (message);
      const char *to = tc_inbox_message_get_to (message);
      const char *content_type = tc_inbox_message_get_content_type (message);

      g_variant_builder_add (&builder, "(ssss@ay@a{sv})", tc_inbox_message_get_id (message), from ? from : "",
                             to ? to : "", content_type ? content_type : "",
                             bytes_to_variant (tc_inbox_message_get_body (message)), message_details (message));
    }
  tc_dbus_endpoint_complete_list_pending_messages (iface, invocation, g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---- the skeleton -----------------------------------------------------------
 * The method handlers are class vfuncs of a TcDBusEndpointSkeleton subclass
 * (TcDBusEndpointIface) rather than "handle-*" handlers connected on each
 * instance: with thousands of endpoints, six closures each add up. */

#define TC_TYPE_ENDPOINT_BUS_SKELETON (tc_endpoint_bus_skeleton_get_type ())
G_DECLARE_FINAL_TYPE (TcEndpointBusSkeleton, tc_endpoint_bus_skeleton, TC, ENDPOINT_BUS_SKELETON,
                      TcDBusEndpointSkeleton)

struct _TcEndpointBusSkeleton {
  TcDBusEndpointSkeleton parent_instance;

  TcEndpointBus *adapter; /* borrowed; NULL once aborted: methods are then unknown */
};

static void tc_endpoint_bus_skeleton_iface_init (TcDBusEndpointIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TcEndpointBusSkeleton, tc_endpoint_bus_skeleton, TC_DBUS_TYPE_ENDPOINT_SKELETON,
                               G_IMPLEMENT_INTERFACE (TC_DBUS_TYPE_ENDPOINT, tc_endpoint_bus_skeleton_iface_init))

static TcEndpointBus *
adapter_of (TcDBusEndpoint *iface)
{
  return TC_ENDPOINT_BUS_SKELETON (iface)->adapter;
}

/* ---- calls ------------------------------------------------------------------- */

/* The Sessions property is built when read and announced as invalidated
 * (EmitsChangedSignal "invalidates"): at hundreds of calls per second,
 * with every lingering session in it, serialising the whole array for
 * each change was a third of the daemon's time.  One PropertiesChanged
 * per main-loop pass at most, and none again until someone has read the
 * property: a client's cached value is already gone. */
static GVariant *
sessions_variant (TcEndpointBus *self)
{
  g_autoptr (GPtrArray) sessions = tc_endpoint_get_sessions (self->endpoint);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_OBJECT_PATH_ARRAY);
  for (guint i = 0; i < sessions->len; i++)
    {
      g_autofree char *path = tc_session_bus_path (self->path, tc_session_get_id (sessions->pdata[i]));

      g_variant_builder_add (&builder, "o", path);
    }
  return g_variant_builder_end (&builder);
}

static gboolean
on_sessions_idle (gpointer user_data)
{
  TcEndpointBus *self = user_data;
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON (self->iface);
  g_autolist (GDBusConnection) connections = g_dbus_interface_skeleton_get_connections (skeleton);
  const char *invalidated[] = { "Sessions", NULL };
  GVariant *signal;

  self->sessions_idle = 0;
  signal = g_variant_ref_sink (g_variant_new ("(s@a{sv}^as)", g_dbus_interface_skeleton_get_info (skeleton)->name,
                                              g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0), invalidated));
  for (GList *l = connections; l; l = l->next)
    g_dbus_connection_emit_signal (l->data, NULL, self->path, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                   signal, NULL);
  g_variant_unref (signal);
  return G_SOURCE_REMOVE;
}

static void
on_sessions_changed (TcEndpoint *endpoint, TcSession *session, TcEndpointBus *self)
{
  if (self->sessions_announced)
    return;
  self->sessions_announced = TRUE;
  self->sessions_idle = g_idle_add_full (G_PRIORITY_HIGH, on_sessions_idle, self, NULL);
}

/* Someone reads Sessions: the next change is announced again. */
static GVariant *
read_sessions (TcEndpointBus *self)
{
  self->sessions_announced = FALSE;
  return sessions_variant (self);
}

static void
on_incoming_session (TcEndpoint *endpoint, TcSession *session, GVariant *details, TcEndpointBus *self)
{
  g_autofree char *path = tc_session_bus_path (self->path, tc_session_get_id (session));

  tc_dbus_endpoint_emit_incoming_session (self->iface, path, details ? details : g_variant_new ("a{sv}", NULL));
}

static gboolean
on_handle_call (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, const char *target, GVariant *options,
                TcEndpointBus *self)
{
  static const char *const allowed[] = { "headers", "subject", "codecs", "audio-source", "audio-sink", NULL };
  g_autoptr (TcSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  TcSessionOptions parsed;

  if (!tc_session_options_parse (&parsed, options, allowed, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  /* The session is exported ("session-added") before this returns. */
  session = tc_endpoint_call (self->endpoint, target, &parsed, &error);
  tc_session_options_clear (&parsed);
  if (!session)
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  path = tc_session_bus_path (self->path, tc_session_get_id (session));
  tc_dbus_endpoint_complete_call (iface, invocation, path);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
skeleton_handle_call (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, const char *target, GVariant *options)
{
  TcEndpointBus *self = adapter_of (iface);

  return self && on_handle_call (iface, invocation, target, options, self);
}

static gboolean
skeleton_handle_register (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation)
{
  TcEndpointBus *self = adapter_of (iface);

  return self && on_handle_register (iface, invocation, self);
}

static gboolean
skeleton_handle_unregister (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation)
{
  TcEndpointBus *self = adapter_of (iface);

  return self && on_handle_unregister (iface, invocation, self);
}

static gboolean
skeleton_handle_send_message (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, const char *target,
                              const char *content_type, GVariant *body, GVariant *options)
{
  TcEndpointBus *self = adapter_of (iface);

  return self && on_handle_send_message (iface, invocation, target, content_type, body, options, self);
}

static gboolean
skeleton_handle_set_additional_headers (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, GVariant *headers)
{
  TcEndpointBus *self = adapter_of (iface);

  return self && on_handle_set_additional_headers (iface, invocation, headers, self);
}

static gboolean
skeleton_handle_acknowledge_message (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation, const char *id)
{
  TcEndpointBus *self = adapter_of (iface);

  return self && on_handle_acknowledge_message (iface, invocation, id, self);
}

static gboolean
skeleton_handle_list_pending_messages (TcDBusEndpoint *iface, GDBusMethodInvocation *invocation)
{
  TcEndpointBus *self = adapter_of (iface);

  return self && on_handle_list_pending_messages (iface, invocation, self);
}

static void
tc_endpoint_bus_skeleton_iface_init (TcDBusEndpointIface *iface)
{
  /* The parent's vfuncs (property getters) are kept: @iface starts as a
   * copy of TcDBusEndpointSkeleton's. */
  iface->handle_register = skeleton_handle_register;
  iface->handle_unregister = skeleton_handle_unregister;
  iface->handle_send_message = skeleton_handle_send_message;
  iface->handle_set_additional_headers = skeleton_handle_set_additional_headers;
  iface->handle_acknowledge_message = skeleton_handle_acknowledge_message;
  iface->handle_list_pending_messages = skeleton_handle_list_pending_messages;
  iface->handle_call = skeleton_handle_call;
}

static GVariant *
skeleton_get_property (GDBusConnection *connection, const char *sender, const char *object_path,
                       const char *interface_name, const char *property_name, GError **error, gpointer user_data)
{
  TcEndpointBusSkeleton *skeleton = user_data;
  GDBusInterfaceVTable *parent = G_DBUS_INTERFACE_SKELETON_CLASS (tc_endpoint_bus_skeleton_parent_class)
                                   ->get_vtable (G_DBUS_INTERFACE_SKELETON (skeleton));

  if (skeleton->adapter && g_strcmp0 (property_name, "Sessions") == 0)
    return read_sessions (skeleton->adapter);
  return parent->get_property (connection, sender, object_path, interface_name, property_name, error, user_data);
}

/* The generated skeleton's vtable (the same for every instance) with our
 * get_property: one copy, not one per endpoint. */
static GDBusInterfaceVTable *
skeleton_get_vtable (GDBusInterfaceSkeleton *interface)
{
  static GDBusInterfaceVTable vtable;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      vtable = *G_DBUS_INTERFACE_SKELETON_CLASS (tc_endpoint_bus_skeleton_parent_class)->get_vtable (interface);
      vtable.get_property = skeleton_get_property;
      g_once_init_leave (&done, 1);
    }
  return &vtable;
}

/* GetAll and the ObjectManager's GetManagedObjects. */
static GVariant *
skeleton_get_properties (GDBusInterfaceSkeleton *interface)
{
  TcEndpointBusSkeleton *skeleton = TC_ENDPOINT_BUS_SKELETON (interface);
  g_autoptr (GVariant) properties =
    G_DBUS_INTERFACE_SKELETON_CLASS (tc_endpoint_bus_skeleton_parent_class)->get_properties (interface);
  GVariantDict dict;

  if (!skeleton->adapter)
    return g_steal_pointer (&properties);
  g_variant_dict_init (&dict, properties);
  g_variant_dict_insert_value (&dict, "Sessions", read_sessions (skeleton->adapter));
  return g_variant_dict_end (&dict);
}

static void
tc_endpoint_bus_skeleton_class_init (TcEndpointBusSkeletonClass *klass)
{
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  skeleton_class->get_vtable = skeleton_get_vtable;
  skeleton_class->get_properties = skeleton_get_properties;
}

static void
tc_endpoint_bus_skeleton_init (TcEndpointBusSkeleton *skeleton)
{
}

/* ---- the adapter ---------------------------------------------------------------- */

/* Core signals reach the adapters through emission hooks, one per signal
 * for every endpoint, rather than handlers connected on each endpoint: a
 * handler costs a closure and its bookkeeping, some 200 bytes, and
 * thousands of endpoints had six each.  An endpoint's adapter is its qdata
 * while it is on the bus.  (Properties still come through a "notify"
 * handler: later GLibs take no hooks on GObject::notify and skip it for
 * an object without a handler.) */
static GQuark adapter_quark;

static TcEndpointBus *
adapter_for (const GValue *instance)
{
  return g_object_get_qdata (g_value_get_object (instance), adapter_quark);
}

static gboolean
hook_registration_state_changed (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_registration_state_changed (self->endpoint, g_value_get_string (&values[1]), g_value_get_string (&values[2]),
                                   g_value_get_uint (&values[3]), g_value_get_string (&values[4]),
                                   g_value_get_variant (&values[5]), self);
  return TRUE;
}

static gboolean
hook_message_received (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_message_received (self->endpoint, g_value_get_boxed (&values[1]), self);
  return TRUE;
}

static gboolean
hook_connection_lost (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_connection_lost (self->endpoint, g_value_get_string (&values[1]), g_value_get_string (&values[2]),
                        g_value_get_variant (&values[3]), self);
  return TRUE;
}

static gboolean
hook_incoming_session (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_incoming_session (self->endpoint, g_value_get_object (&values[1]), g_value_get_variant (&values[2]), self);
  return TRUE;
}

/* session-added and session-removed */
static gboolean
hook_sessions_changed (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_sessions_changed (self->endpoint, g_value_get_object (&values[1]), self);
  return TRUE;
}

gulong
tc_endpoint_bus_add_hook (const char *signal, GSignalEmissionHook hook, gpointer data)
{
  guint id = g_signal_lookup (signal, TC_TYPE_ENDPOINT);

  g_assert (id != 0);
  return g_signal_add_emission_hook (id, 0, hook, data, NULL);
}

void
tc_endpoint_bus_remove_hook (const char *signal, gulong hook_id)
{
  g_signal_remove_emission_hook (g_signal_lookup (signal, TC_TYPE_ENDPOINT), hook_id);
}

static void
install_hooks (void)
{
  static gsize done;

  if (!g_once_init_enter (&done))
    return;
  adapter_quark = g_quark_from_static_string ("tc-endpoint-bus");
  g_type_class_ref (TC_TYPE_ENDPOINT); /* its signals exist with its class; kept */
  tc_endpoint_bus_add_hook ("registration-state-changed", hook_registration_state_changed, NULL);
  tc_endpoint_bus_add_hook ("message-received", hook_message_received, NULL);
  tc_endpoint_bus_add_hook ("connection-lost", hook_connection_lost, NULL);
  tc_endpoint_bus_add_hook ("incoming-session", hook_incoming_session, NULL);
  tc_endpoint_bus_add_hook ("session-added", hook_sessions_changed, NULL);
  tc_endpoint_bus_add_hook ("session-removed", hook_sessions_changed, NULL);
  g_once_init_leave (&done, 1);
}

void
tc_endpoint_bus_abort (TcEndpointBus *self, const char *why)
{
  g_autoptr (GPtrArray) calls = NULL;

  g_return_if_fail (TC_IS_ENDPOINT_BUS (self));

  if (self->aborted)
    return;
  self->aborted = TRUE;
  g_clear_handle_id (&self->sessions_idle, g_source_remove);

  g_object_set_qdata (G_OBJECT (self->endpoint), adapter_quark, NULL);
  g_signal_handlers_disconnect_by_data (self->endpoint, self);
  g_signal_handlers_disconnect_by_data (self->iface, self);
  TC_ENDPOINT_BUS_SKELETON (self->iface)->adapter = NULL;

  /* Aborting cancels, which may complete and remove calls at once. */
  calls = g_steal_pointer (&self->calls);
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_bus_call_unref);
  for (guint i = 0; i < calls->len; i++)
    tc_bus_call_abort (g_ptr_array_index (calls, i), why);
  tc_debug ("endpoint %s: off the bus, %u call(s) aborted", tc_endpoint_get_id (self->endpoint), calls->len);
}

static void
tc_endpoint_bus_dispose (GObject *object)
{
  TcEndpointBus *self = TC_ENDPOINT_BUS (object);

  if (self->endpoint)
    tc_endpoint_bus_abort (self, "The endpoint was removed");
  g_clear_object (&self->object);
  g_clear_object (&self->iface);
  g_clear_object (&self->endpoint);
  g_clear_object (&self->callers);

  G_OBJECT_CLASS (tc_endpoint_bus_parent_class)->dispose (object);
}

static void
tc_endpoint_bus_finalize (GObject *object)
{
  TcEndpointBus *self = TC_ENDPOINT_BUS (object);

  g_ptr_array_unref (self->calls);
  g_free (self->path);

  G_OBJECT_CLASS (tc_endpoint_bus_parent_class)->finalize (object);
}

static void
tc_endpoint_bus_class_init (TcEndpointBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_endpoint_bus_dispose;
  object_class->finalize = tc_endpoint_bus_finalize;
}

static void
tc_endpoint_bus_init (TcEndpointBus *self)
{
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_bus_call_unref);
}

char *
tc_endpoint_bus_path_for_id (const char *id)
{
  g_autofree char *path = g_strconcat (TC_ENDPOINT_BUS_PATH_PREFIX, id, NULL);

  if (!*id || !g_variant_is_object_path (path))
    {
      g_warning ("endpoint id \"%s\" cannot be an object path element: not exported", id);
      return NULL;
    }
  return g_steal_pointer (&path);
}

TcEndpointBus *
tc_endpoint_bus_new (TcEndpoint *endpoint, TcBusCallers *callers)
{
  g_autofree char *path = NULL;
  TcEndpointBus *self;

  g_return_val_if_fail (TC_IS_ENDPOINT (endpoint), NULL);
  g_return_val_if_fail (TC_BUS_IS_CALLERS (callers), NULL);

  path = tc_endpoint_bus_path_for_id (tc_endpoint_get_id (endpoint));
  if (!path)
    return NULL;

  install_hooks ();
  self = g_object_new (TC_TYPE_ENDPOINT_BUS, NULL);
  self->endpoint = g_object_ref (endpoint);
  self->callers = g_object_ref (callers);
  self->path = g_steal_pointer (&path);
  self->object = tc_dbus_object_skeleton_new (self->path);
  self->iface = g_object_new (TC_TYPE_ENDPOINT_BUS_SKELETON, NULL);
  TC_ENDPOINT_BUS_SKELETON (self->iface)->adapter = self;
  tc_dbus_object_skeleton_set_endpoint (self->object, self->iface);

  for (gsize i = 0; i < G_N_ELEMENTS (bound_properties); i++)
    copy_property (self, bound_properties[i]);
  g_signal_connect (endpoint, "notify", G_CALLBACK (on_endpoint_notify), self);
  /* The other core signals: install_hooks(). */
  g_object_set_qdata (G_OBJECT (endpoint), adapter_quark, self);
  tc_dbus_endpoint_set_incoming_call_policy (self->iface, tc_endpoint_get_settings (endpoint)->incoming_call_policy
                                                            ? tc_endpoint_get_settings (endpoint)->incoming_call_policy
                                                            : "ring");
  return self;
}

TcEndpoint *
tc_endpoint_bus_get_endpoint (TcEndpointBus *self)
{
  g_return_val_if_fail (TC_IS_ENDPOINT_BUS (self), NULL);

  return self->endpoint;
}

const char *
tc_endpoint_bus_get_path (TcEndpointBus *self)
{
  g_return_val_if_fail (TC_IS_ENDPOINT_BUS (self), NULL);

  return self->path;
}

GDBusObjectSkeleton *
tc_endpoint_bus_get_object (TcEndpointBus *self)
{
  g_return_val_if_fail (TC_IS_ENDPOINT_BUS (self), NULL);

  return G_DBUS_OBJECT_SKELETON (self->object);
}
