/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-bus.c — TcManagerBus: org.tincan.Tincan1.Manager and the
 * ObjectManager root at /org/tincan/Tincan1 (manager-bus.h).
 *
 * CreateEndpoint checks every key of its a{sv} against the settings table
 * (name, then type) before core sees it; core checks the values.  The call
 * is held (TcBusCall) until core has created the endpoint, which by then
 * is exported through "endpoint-added", so the reply's path already has
 * an object behind it.
 */
#include "bus/manager-bus.h"

#include "bus/caller.h"
#include "bus/endpoint-bus.h"
#include "bus/errors.h"
#include "bus/object-manager.h"
#include "bus/session-bus.h"
#include "sip/debug.h"
#include "tincan-dbus-generated.h"

struct _TcManagerBus {
  GObject parent_instance;

  TcManager *manager;
  GDBusConnection *connection;
  TcBusCallers *callers;
  TcDBusManager *iface;
  TcBusObjectManager *object_manager; /* NULL when not exported */
  guint subtree_id;                   /* the endpoints (TC_ENDPOINT_BUS_SUBTREE) */
  GPtrArray *endpoints;               /* TcEndpointBus, in creation order */
  GHashTable *by_id;                  /* endpoint id (borrowed) -> TcEndpointBus (borrowed) */
  GHashTable *sessions;               /* TcSession -> TcSessionBus */
  GPtrArray *calls;                   /* TcBusCall: CreateEndpoint in flight */
  guint endpoints_idle;               /* the Endpoints property is out of date */
  gulong session_hooks[2];            /* session-added, session-removed (on_endpoint_added) */
};

G_DEFINE_TYPE (TcManagerBus, tc_manager_bus, G_TYPE_OBJECT)

/* The TcEndpoint signals followed through session_hooks, in that order. */
static const char *const session_signals[] = { "session-added", "session-removed" };

/* ---- AudioDevices, filled on first read ------------------------------------
 *
 * Listing devices starts GStreamer and the sound servers' providers, which
 * an idle daemon must not pay for: the skeleton subclass below fills the
 * property just before the first Get or GetAll of the Manager interface
 * is answered, and follows the device monitor from then on. */

G_DECLARE_FINAL_TYPE (TcManagerBusSkeleton, tc_manager_bus_skeleton, TC, MANAGER_BUS_SKELETON, TcDBusManagerSkeleton)

struct _TcManagerBusSkeleton {
  TcDBusManagerSkeleton parent_instance;
  TcManager *manager; /* borrowed: the adapter outlives its skeleton's export */
  gboolean devices_known;
  GDBusInterfaceVTable vtable;
};

G_DEFINE_FINAL_TYPE (TcManagerBusSkeleton, tc_manager_bus_skeleton, TC_DBUS_TYPE_MANAGER_SKELETON)

static void
skeleton_update_devices (TcManagerBusSkeleton *skeleton)
{
  skeleton->devices_known = TRUE;
  tc_dbus_manager_set_audio_devices (TC_DBUS_MANAGER (skeleton), tc_manager_get_audio_devices (skeleton->manager));
}

static void
on_audio_devices_changed (TcManager *manager, TcManagerBusSkeleton *skeleton)
{
  skeleton_update_devices (skeleton);
}

static void
skeleton_ensure_devices (TcManagerBusSkeleton *skeleton)
{
  if (skeleton->devices_known || !skeleton->manager)
    return;
  skeleton_update_devices (skeleton);
  g_signal_connect_object (skeleton->manager, "audio-devices-changed", G_CALLBACK (on_audio_devices_changed), skeleton,
                           0);
}

static GVariant *
skeleton_get_property (GDBusConnection *connection, const char *sender, const char *object_path,
                       const char *interface_name, const char *property_name, GError **error, gpointer user_data)
{
  TcManagerBusSkeleton *skeleton = user_data;
  GDBusInterfaceVTable *parent = G_DBUS_INTERFACE_SKELETON_CLASS (tc_manager_bus_skeleton_parent_class)
                                   ->get_vtable (G_DBUS_INTERFACE_SKELETON (skeleton));

  if (g_strcmp0 (property_name, "AudioDevices") == 0)
    skeleton_ensure_devices (skeleton);
  return parent->get_property (connection, sender, object_path, interface_name, property_name, error, user_data);
}

static GDBusInterfaceVTable *
skeleton_get_vtable (GDBusInterfaceSkeleton *interface)
{
  TcManagerBusSkeleton *skeleton = TC_MANAGER_BUS_SKELETON (interface);

  skeleton->vtable = *G_DBUS_INTERFACE_SKELETON_CLASS (tc_manager_bus_skeleton_parent_class)->get_vtable (interface);
  skeleton->vtable.get_property = skeleton_get_property;
  return &skeleton->vtable;
}

static GVariant *
skeleton_get_properties (GDBusInterfaceSkeleton *interface)
{
  skeleton_ensure_devices (TC_MANAGER_BUS_SKELETON (interface));
  return G_DBUS_INTERFACE_SKELETON_CLASS (tc_manager_bus_skeleton_parent_class)->get_properties (interface);
}

static void
tc_manager_bus_skeleton_class_init (TcManagerBusSkeletonClass *klass)
{
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  skeleton_class->get_vtable = skeleton_get_vtable;
  skeleton_class->get_properties = skeleton_get_properties;
}

static void
tc_manager_bus_skeleton_init (TcManagerBusSkeleton *skeleton)
{
}

/* Thousands of endpoints are added one by one at start-up: lookups are by
 * hash, and the Endpoints property (all their paths) is rebuilt once per
 * main-loop iteration, not once per endpoint (that was quadratic). */
static TcEndpointBus *
find_endpoint (TcManagerBus *self, TcEndpoint *endpoint)
{
  TcEndpointBus *endpoint_bus = tc_endpoint_bus_find (endpoint);

  /* Ours, not one of another TcManagerBus. */
  return endpoint_bus && g_hash_table_lookup (self->by_id, tc_endpoint_get_id (endpoint)) == endpoint_bus ? endpoint_bus
                                                                                                          : NULL;
}

/* The endpoint at @path, or NULL. */
static TcEndpointBus *
find_endpoint_by_path (TcManagerBus *self, const char *path)
{
  if (!g_str_has_prefix (path, TC_ENDPOINT_BUS_PATH_PREFIX))
    return NULL;
  return g_hash_table_lookup (self->by_id, path + strlen (TC_ENDPOINT_BUS_PATH_PREFIX));
}

static void
update_endpoints_property (TcManagerBus *self)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_sized_new (self->endpoints->len + 1);

  g_clear_handle_id (&self->endpoints_idle, g_source_remove);
  for (guint i = 0; i < self->endpoints->len; i++)
    g_ptr_array_add (paths, (gpointer) tc_endpoint_bus_get_path (g_ptr_array_index (self->endpoints, i)));
  g_ptr_array_add (paths, NULL);
  tc_dbus_manager_set_endpoints (self->iface, (const char *const *) paths->pdata);
}

static gboolean
on_endpoints_idle (gpointer user_data)
{
  TcManagerBus *self = user_data;

  self->endpoints_idle = 0;
  update_endpoints_property (self);
  return G_SOURCE_REMOVE;
}

/* Before any method call is dispatched (G_PRIORITY_HIGH), and at once
 * where a reply depends on it (flush_endpoints_property). */
static void
schedule_endpoints_property (TcManagerBus *self)
{
  if (!self->endpoints_idle)
    self->endpoints_idle = g_idle_add_full (G_PRIORITY_HIGH, on_endpoints_idle, self, NULL);
}

static void
flush_endpoints_property (TcManagerBus *self)
{
  if (self->endpoints_idle)
    update_endpoints_property (self);
}

/* ---- the object manager and the endpoints' subtree ---------------------------
 *
 * Every endpoint is a node of one subtree registration: the connection asks
 * which interfaces a node has (introspect) and where its calls go
 * (dispatch), and keeps nothing per endpoint.  A call is dispatched in a
 * later main-loop pass, so the vtable looks its endpoint up again by path
 * then: it may have been removed in between. */

static GVariant *
endpoint_interfaces (TcEndpointBus *endpoint_bus)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (&builder, "{s@a{sv}}", TC_ENDPOINT_BUS_INTERFACE,
                         tc_endpoint_bus_get_properties (endpoint_bus));
  return g_variant_builder_end (&builder);
}

/* GetManagedObjects: every endpoint and every session. */
static void
list_objects (GVariantBuilder *objects, gpointer user_data)
{
  TcManagerBus *self = user_data;
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < self->endpoints->len; i++)
    {
      TcEndpointBus *endpoint_bus = g_ptr_array_index (self->endpoints, i);

      g_variant_builder_add (objects, "{o@a{sa{sv}}}", tc_endpoint_bus_get_path (endpoint_bus),
                             endpoint_interfaces (endpoint_bus));
    }
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_variant_builder_add (objects, "{o@a{sa{sv}}}", tc_session_bus_get_path (value),
                           tc_session_bus_get_interfaces (value));
}

static void
endpoint_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
                      const char *interface_name, const char *method_name, GVariant *parameters,
                      GDBusMethodInvocation *invocation, gpointer user_data)
{
  TcEndpointBus *endpoint_bus = find_endpoint_by_path (user_data, object_path);

  if (!endpoint_bus)
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT, "No endpoint at %s",
                                           object_path);
  else
    tc_endpoint_bus_method_call (endpoint_bus, method_name, parameters, invocation);
}

static GVariant *
endpoint_get_property (GDBusConnection *connection, const char *sender, const char *object_path,
                       const char *interface_name, const char *property_name, GError **error, gpointer user_data)
{
  TcEndpointBus *endpoint_bus = find_endpoint_by_path (user_data, object_path);

  if (!endpoint_bus)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT, "No endpoint at %s", object_path);
      return NULL;
    }
  return tc_endpoint_bus_get_property (endpoint_bus, property_name, error);
}

static const GDBusInterfaceVTable endpoint_vtable = {
  .method_call = endpoint_method_call,
  .get_property = endpoint_get_property,
};

/* The children of TC_ENDPOINT_BUS_SUBTREE, for Introspect only (calls are
 * dispatched to unenumerated nodes too: no list per call). */
static char **
subtree_enumerate (GDBusConnection *connection, const char *sender, const char *object_path, gpointer user_data)
{
  TcManagerBus *self = user_data;
  GPtrArray *nodes = g_ptr_array_new_full (self->endpoints->len + 1, NULL);

  for (guint i = 0; i < self->endpoints->len; i++)
    g_ptr_array_add (
      nodes, g_strdup (tc_endpoint_get_id (tc_endpoint_bus_get_endpoint (g_ptr_array_index (self->endpoints, i)))));
  g_ptr_array_add (nodes, NULL);
  return (char **) g_ptr_array_free (nodes, FALSE);
}

/* @node: NULL for the subtree's root, which has no interface. */
static GDBusInterfaceInfo **
subtree_introspect (GDBusConnection *connection, const char *sender, const char *object_path, const char *node,
                    gpointer user_data)
{
  TcManagerBus *self = user_data;
  GDBusInterfaceInfo **interfaces;

  if (!node || !g_hash_table_contains (self->by_id, node))
    return NULL;
  interfaces = g_new0 (GDBusInterfaceInfo *, 2);
  interfaces[0] = g_dbus_interface_info_ref (tc_endpoint_bus_interface_info ());
  return interfaces;
}

static const GDBusInterfaceVTable *
subtree_dispatch (GDBusConnection *connection, const char *sender, const char *object_path, const char *interface_name,
                  const char *node, gpointer *out_user_data, gpointer user_data)
{
  TcManagerBus *self = user_data;

  if (!node || !g_hash_table_contains (self->by_id, node) || g_strcmp0 (interface_name, TC_ENDPOINT_BUS_INTERFACE) != 0)
    return NULL;
  *out_user_data = self;
  return &endpoint_vtable;
}

static const GDBusSubtreeVTable subtree_vtable = {
  .enumerate = subtree_enumerate,
  .introspect = subtree_introspect,
  .dispatch = subtree_dispatch,
};

/* ---- sessions ----------------------------------------------------------------
 *
 * Sessions are exported under their endpoint's path as soon as core
 * creates them (before Call() replies, before IncomingSession), and
 * unexported when core drops them or their endpoint goes.  They are few
 * and short-lived: each has its own interface skeletons. */
static void
on_session_added (TcEndpoint *endpoint, TcSession *session, TcManagerBus *self)
{
  TcEndpointBus *endpoint_bus = find_endpoint (self, endpoint);
  g_autoptr (TcSessionBus) session_bus = NULL;
  g_autoptr (GError) error = NULL;

  if (!endpoint_bus || g_hash_table_contains (self->sessions, session))
    return;
  session_bus = tc_session_bus_new (session, tc_endpoint_bus_get_path (endpoint_bus), self->callers);
  if (!tc_session_bus_export (session_bus, self->connection, &error))
    {
      g_warning ("session %s: not exported: %s", tc_session_bus_get_path (session_bus), error->message);
      tc_session_bus_abort (session_bus, "The session could not be exported");
      return;
    }
  tc_bus_object_manager_added (self->object_manager, tc_session_bus_get_path (session_bus),
                               tc_session_bus_get_interfaces (session_bus));
  g_hash_table_insert (self->sessions, session, g_steal_pointer (&session_bus));
}

static void
unexport_session (TcManagerBus *self, TcSession *session)
{
  TcSessionBus *session_bus = g_hash_table_lookup (self->sessions, session);

  if (!session_bus)
    return;
  tc_session_bus_abort (session_bus, "The session was removed");
  tc_session_bus_unexport (session_bus);
  tc_bus_object_manager_removed (self->object_manager, tc_session_bus_get_path (session_bus),
                                 tc_session_bus_interfaces);
  g_hash_table_remove (self->sessions, session);
}

static void
on_session_removed (TcEndpoint *endpoint, TcSession *session, TcManagerBus *self)
{
  unexport_session (self, session);
}

/* Emission hooks (tc_endpoint_bus_add_hook): sessions of endpoints not
 * ours (find_endpoint) are ignored. */
static gboolean
hook_session_added (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  on_session_added (g_value_get_object (&values[0]), g_value_get_object (&values[1]), data);
  return TRUE;
}

static gboolean
hook_session_removed (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  on_session_removed (g_value_get_object (&values[0]), g_value_get_object (&values[1]), data);
  return TRUE;
}

/* ---- endpoints ---------------------------------------------------------------- */

/* @announce: InterfacesAdded; not for the endpoints there before export. */
static void
add_endpoint (TcManagerBus *self, TcEndpoint *endpoint, gboolean announce)
{
  TcEndpointBus *endpoint_bus;

  if (find_endpoint (self, endpoint))
    return;
  if (g_hash_table_contains (self->by_id, tc_endpoint_get_id (endpoint)))
    {
      g_warning ("endpoint %s: another endpoint has its id: not exported", tc_endpoint_get_id (endpoint));
      return;
    }
  endpoint_bus = tc_endpoint_bus_new (endpoint, self->connection, self->callers);
  if (!endpoint_bus)
    return;

  g_hash_table_insert (self->by_id, (gpointer) tc_endpoint_get_id (endpoint), endpoint_bus);
  g_ptr_array_add (self->endpoints, endpoint_bus);
  tc_debug ("endpoint %s: exported at %s", tc_endpoint_get_id (endpoint), tc_endpoint_bus_get_path (endpoint_bus));
  if (announce)
    tc_bus_object_manager_added (self->object_manager, tc_endpoint_bus_get_path (endpoint_bus),
                                 endpoint_interfaces (endpoint_bus));
  /* After the adapters' own hooks (the first tc_endpoint_bus_new()): as
   * when these were handlers connected after the adapter's. */
  if (!self->session_hooks[0])
    {
      self->session_hooks[0] = tc_endpoint_bus_add_hook (session_signals[0], hook_session_added, self);
      self->session_hooks[1] = tc_endpoint_bus_add_hook (session_signals[1], hook_session_removed, self);
    }
  schedule_endpoints_property (self);
}

static void
on_endpoint_added (TcManager *manager, TcEndpoint *endpoint, TcManagerBus *self)
{
  add_endpoint (self, endpoint, TRUE);
}

static void
on_endpoint_removed (TcManager *manager, TcEndpoint *endpoint, TcManagerBus *self)
{
  const char *const interfaces[] = { TC_ENDPOINT_BUS_INTERFACE, NULL };
  g_autoptr (TcEndpointBus) endpoint_bus = NULL;
  guint index;

  if (!g_ptr_array_find (self->endpoints, find_endpoint (self, endpoint), &index))
    return;
  {
    g_autoptr (GPtrArray) sessions = tc_endpoint_get_sessions (endpoint);

    for (guint i = 0; i < sessions->len; i++)
      unexport_session (self, sessions->pdata[i]);
  }
  endpoint_bus = g_ptr_array_steal_index (self->endpoints, index);
  g_hash_table_remove (self->by_id, tc_endpoint_get_id (endpoint));
  tc_endpoint_bus_abort (endpoint_bus, "The endpoint was removed");
  tc_bus_object_manager_removed (self->object_manager, tc_endpoint_bus_get_path (endpoint_bus), interfaces);
  tc_debug ("endpoint %s: unexported", tc_endpoint_get_id (endpoint));
  schedule_endpoints_property (self);
}

/* Every key must be in the settings table and of its type; the values
 * are core's to check (tc_endpoint_settings_set). */
static gboolean
settings_from_variant (TcEndpointSettings *settings, GVariant *dict, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value_out;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value_out))
    {
      g_autoptr (GVariant) value = value_out;
      const GVariantType *type = tc_endpoint_settings_has_key (key) ? tc_endpoint_settings_key_type (key) : NULL;

      if (!type)
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "unknown setting '%s'", key);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, type))
        {
          g_autofree char *expected = g_variant_type_dup_string (type);

          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "setting '%s' must be of type %s, not %s", key,
                       expected, g_variant_get_type_string (value));
          return FALSE;
        }
      if (!tc_endpoint_settings_set (settings, key, value, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  TcManagerBus *self;
  TcBusCall *call;
} CreateOperation;

static void
create_operation_free (CreateOperation *op)
{
  g_object_unref (op->self);
  tc_bus_call_unref (op->call);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CreateOperation, create_operation_free)

static void
on_create_endpoint_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CreateOperation) op = user_data;
  TcManagerBus *self = op->self;
  g_autoptr (GError) error = NULL;
  /* (transfer none): the manager's own reference, as manager.c returns it. */
  TcEndpoint *endpoint = tc_manager_create_endpoint_finish (TC_MANAGER (source), result, &error);
  GDBusMethodInvocation *invocation;
  TcEndpointBus *endpoint_bus;

  g_ptr_array_remove_fast (self->calls, op->call);
  /* NULL when aborted (shutting down): an endpoint made anyway stays,
   * listed in Endpoints until removed. */
  invocation = tc_bus_call_steal_invocation (op->call);
  if (!invocation)
    return;

  if (!endpoint)
    tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  else if (!(endpoint_bus = find_endpoint (self, endpoint)))
    tc_bus_return_error (invocation, TC_CORE_ERROR_FAILED, "endpoint %s was created but could not be exported",
                         tc_endpoint_get_id (endpoint));
  else
    {
      flush_endpoints_property (self);
      tc_dbus_manager_complete_create_endpoint (self->iface, invocation, tc_endpoint_bus_get_path (endpoint_bus));
    }
}

static gboolean
on_handle_create_endpoint (TcDBusManager *iface, GDBusMethodInvocation *invocation, GVariant *settings_v,
                           TcManagerBus *self)
{
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  g_autoptr (GError) error = NULL;
  CreateOperation *op;

  if (!settings_from_variant (settings, settings_v, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));

  op = g_new0 (CreateOperation, 1);
  op->self = g_object_ref (self);
  op->call = tc_bus_call_new (self->callers, invocation);
  g_ptr_array_add (self->calls, tc_bus_call_ref (op->call));
  tc_manager_create_endpoint_async (self->manager, g_steal_pointer (&settings), tc_bus_call_get_cancellable (op->call),
                                    on_create_endpoint_done, op);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_remove_endpoint (TcDBusManager *iface, GDBusMethodInvocation *invocation, const char *path,
                           TcManagerBus *self)
{
  TcEndpointBus *endpoint_bus = find_endpoint_by_path (self, path);
  g_autoptr (TcEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;

  if (!endpoint_bus)
    return tc_bus_return_error (invocation, TC_CORE_ERROR_NOT_FOUND, "no endpoint at %s", path);

  /* "endpoint-removed" drops the adapter during the call. */
  endpoint = g_object_ref (tc_endpoint_bus_get_endpoint (endpoint_bus));
  if (!tc_manager_remove_endpoint (self->manager, endpoint, &error))
    return tc_bus_return_gerror (invocation, g_steal_pointer (&error));

  flush_endpoints_property (self);
  tc_dbus_manager_complete_remove_endpoint (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_set_trace (TcDBusManager *iface, GDBusMethodInvocation *invocation, gboolean enabled, TcManagerBus *self)
{
  tc_manager_set_trace (self->manager, enabled);
  tc_dbus_manager_complete_set_trace (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
tc_manager_bus_dispose (GObject *object)
{
  TcManagerBus *self = TC_MANAGER_BUS (object);

  tc_manager_bus_unexport (self);
  g_clear_handle_id (&self->endpoints_idle, g_source_remove);
  if (self->iface)
    g_signal_handlers_disconnect_by_data (self->iface, self);
  g_clear_object (&self->iface);
  g_clear_object (&self->callers);
  g_clear_object (&self->connection);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (tc_manager_bus_parent_class)->dispose (object);
}

static void
tc_manager_bus_finalize (GObject *object)
{
  TcManagerBus *self = TC_MANAGER_BUS (object);

  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->sessions);
  g_ptr_array_unref (self->endpoints);
  g_ptr_array_unref (self->calls);

  G_OBJECT_CLASS (tc_manager_bus_parent_class)->finalize (object);
}

static void
tc_manager_bus_class_init (TcManagerBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_manager_bus_dispose;
  object_class->finalize = tc_manager_bus_finalize;
}

static void
tc_manager_bus_init (TcManagerBus *self)
{
  self->endpoints = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->sessions = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_bus_call_unref);
}

TcManagerBus *
tc_manager_bus_new (TcManager *manager, GDBusConnection *connection)
{
  TcManagerBus *self;

  g_return_val_if_fail (TC_IS_MANAGER (manager), NULL);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  tc_bus_errors_register ();

  self = g_object_new (TC_TYPE_MANAGER_BUS, NULL);
  self->manager = g_object_ref (manager);
  self->connection = g_object_ref (connection);
  self->callers = tc_bus_callers_new (connection);
  self->iface = g_object_new (tc_manager_bus_skeleton_get_type (), NULL);
  TC_MANAGER_BUS_SKELETON (self->iface)->manager = manager;
  tc_dbus_manager_set_version (self->iface, TINCAN_VERSION);
  tc_dbus_manager_set_endpoints (self->iface, (const char *const[]){ NULL });

  g_signal_connect (self->iface, "handle-create-endpoint", G_CALLBACK (on_handle_create_endpoint), self);
  g_signal_connect (self->iface, "handle-remove-endpoint", G_CALLBACK (on_handle_remove_endpoint), self);
  g_signal_connect (self->iface, "handle-set-trace", G_CALLBACK (on_handle_set_trace), self);
  return self;
}

gboolean
tc_manager_bus_export (TcManagerBus *self, GError **error)
{
  GPtrArray *endpoints;

  g_return_val_if_fail (TC_IS_MANAGER_BUS (self), FALSE);
  g_return_val_if_fail (self->object_manager == NULL, FALSE);

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->iface), self->connection, TC_MANAGER_BUS_PATH,
                                         error))
    return FALSE;
  self->object_manager = tc_bus_object_manager_new (self->connection, TC_MANAGER_BUS_PATH, list_objects, self, error);
  if (self->object_manager)
    self->subtree_id =
      g_dbus_connection_register_subtree (self->connection, TC_ENDPOINT_BUS_SUBTREE, &subtree_vtable,
                                          G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES, self, NULL, error);
  if (!self->subtree_id)
    {
      g_clear_pointer (&self->object_manager, tc_bus_object_manager_free);
      g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->iface));
      return FALSE;
    }

  g_signal_connect (self->manager, "endpoint-added", G_CALLBACK (on_endpoint_added), self);
  g_signal_connect (self->manager, "endpoint-removed", G_CALLBACK (on_endpoint_removed), self);
  /* The endpoints the manager already has go on the bus together, with
   * no InterfacesAdded each (thousands at start-up); later ones with. */
  endpoints = tc_manager_get_endpoints (self->manager);
  for (guint i = 0; endpoints && i < endpoints->len; i++)
    add_endpoint (self, g_ptr_array_index (endpoints, i), FALSE);
  update_endpoints_property (self);
  return TRUE;
}

void
tc_manager_bus_unexport (TcManagerBus *self)
{
  g_autoptr (GPtrArray) calls = NULL;

  g_return_if_fail (TC_IS_MANAGER_BUS (self));

  if (!self->object_manager)
    return;

  g_signal_handlers_disconnect_by_data (self->manager, self);
  for (guint i = 0; i < G_N_ELEMENTS (self->session_hooks); i++)
    if (self->session_hooks[i])
      {
        tc_endpoint_bus_remove_hook (session_signals[i], self->session_hooks[i]);
        self->session_hooks[i] = 0;
      }
  /* Aborting cancels, which may complete and remove calls at once. */
  calls = g_steal_pointer (&self->calls);
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_bus_call_unref);
  for (guint i = 0; i < calls->len; i++)
    tc_bus_call_abort (g_ptr_array_index (calls, i), "tincand is shutting down");
  for (guint i = 0; i < self->endpoints->len; i++)
    {
      TcEndpointBus *endpoint_bus = g_ptr_array_index (self->endpoints, i);

      tc_endpoint_bus_abort (endpoint_bus, "tincand is shutting down");
    }
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->sessions);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      tc_session_bus_abort (value, "tincand is shutting down");
  }
  tc_debug ("off the bus: %u endpoint(s), %u call(s) aborted", self->endpoints->len, calls->len);

  /* Everything leaves at once, without an InterfacesRemoved per object. */
  g_dbus_connection_unregister_subtree (self->connection, self->subtree_id);
  self->subtree_id = 0;
  g_clear_pointer (&self->object_manager, tc_bus_object_manager_free);
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->sessions);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      tc_session_bus_unexport (value);
  }
  g_hash_table_remove_all (self->by_id);
  g_hash_table_remove_all (self->sessions);
  g_ptr_array_set_size (self->endpoints, 0);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->iface));
}
