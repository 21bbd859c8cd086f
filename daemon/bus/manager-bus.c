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
#include "bus/session-bus.h"
#include "sip/debug.h"
#include "tincan-dbus-generated.h"

struct _TcManagerBus {
  GObject parent_instance;

  TcManager *manager;
  GDBusConnection *connection;
  TcBusCallers *callers;
  TcDBusManager *iface;
  GDBusObjectManagerServer *object_manager; /* NULL when not exported */
  GPtrArray *endpoints;                     /* TcEndpointBus, in creation order */
  GHashTable *by_endpoint;                  /* TcEndpoint -> TcEndpointBus (borrowed) */
  GHashTable *by_path;                      /* path (borrowed) -> TcEndpointBus (borrowed) */
  GHashTable *sessions;                     /* TcSession -> TcSessionBus */
  GPtrArray *calls;                         /* TcBusCall: CreateEndpoint in flight */
  guint endpoints_idle;                     /* the Endpoints property is out of date */
  gulong session_hooks[2];                  /* session-added, session-removed (on_endpoint_added) */
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
  return g_hash_table_lookup (self->by_endpoint, endpoint);
}

static TcEndpointBus *
find_endpoint_by_path (TcManagerBus *self, const char *path)
{
  return g_hash_table_lookup (self->by_path, path);
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

/* Sessions are exported under their endpoint's path as soon as core
 * creates them (before Call() replies, before IncomingSession), and
 * unexported when core drops them or their endpoint goes. */
static void
on_session_added (TcEndpoint *endpoint, TcSession *session, TcManagerBus *self)
{
  TcEndpointBus *endpoint_bus = find_endpoint (self, endpoint);
  TcSessionBus *session_bus;

  if (!endpoint_bus || g_hash_table_contains (self->sessions, session))
    return;
  session_bus = tc_session_bus_new (session, tc_endpoint_bus_get_path (endpoint_bus), self->callers);
  g_hash_table_insert (self->sessions, session, session_bus);
  g_dbus_object_manager_server_export (self->object_manager, tc_session_bus_get_object (session_bus));
}

static void
unexport_session (TcManagerBus *self, TcSession *session)
{
  TcSessionBus *session_bus = g_hash_table_lookup (self->sessions, session);

  if (!session_bus)
    return;
  tc_session_bus_abort (session_bus, "The session was removed");
  g_dbus_object_manager_server_unexport (self->object_manager, tc_session_bus_get_path (session_bus));
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

static void
on_endpoint_added (TcManager *manager, TcEndpoint *endpoint, TcManagerBus *self)
{
  g_autoptr (TcEndpointBus) endpoint_bus = NULL;

  if (find_endpoint (self, endpoint))
    return;
  endpoint_bus = tc_endpoint_bus_new (endpoint, self->callers);
  if (!endpoint_bus)
    return;

  g_dbus_object_manager_server_export (self->object_manager, tc_endpoint_bus_get_object (endpoint_bus));
  tc_debug ("endpoint %s: exported at %s", tc_endpoint_get_id (endpoint), tc_endpoint_bus_get_path (endpoint_bus));
  g_hash_table_insert (self->by_endpoint, endpoint, endpoint_bus);
  g_hash_table_insert (self->by_path, (gpointer) tc_endpoint_bus_get_path (endpoint_bus), endpoint_bus);
  g_ptr_array_add (self->endpoints, g_steal_pointer (&endpoint_bus));
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
on_endpoint_removed (TcManager *manager, TcEndpoint *endpoint, TcManagerBus *self)
{
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
  g_hash_table_remove (self->by_endpoint, endpoint);
  g_hash_table_remove (self->by_path, tc_endpoint_bus_get_path (endpoint_bus));
  tc_endpoint_bus_abort (endpoint_bus, "The endpoint was removed");
  g_dbus_object_manager_server_unexport (self->object_manager, tc_endpoint_bus_get_path (endpoint_bus));
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

  g_hash_table_unref (self->by_path);
  g_hash_table_unref (self->by_endpoint);
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
  self->by_endpoint = g_hash_table_new (NULL, NULL);
  self->by_path = g_hash_table_new (g_str_hash, g_str_equal);
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
  self->object_manager = g_dbus_object_manager_server_new (TC_MANAGER_BUS_PATH);

  g_signal_connect (self->manager, "endpoint-added", G_CALLBACK (on_endpoint_added), self);
  g_signal_connect (self->manager, "endpoint-removed", G_CALLBACK (on_endpoint_removed), self);
  endpoints = tc_manager_get_endpoints (self->manager);
  for (guint i = 0; endpoints && i < endpoints->len; i++)
    on_endpoint_added (self->manager, g_ptr_array_index (endpoints, i), self);
  /* The endpoints the manager already has go on the bus together, with
   * no InterfacesAdded each (thousands at start-up); later ones with. */
  g_dbus_object_manager_server_set_connection (self->object_manager, self->connection);
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

  /* Dropping the connection unregisters every object at once, without an
   * InterfacesRemoved per endpoint. */
  g_dbus_object_manager_server_set_connection (self->object_manager, NULL);
  g_clear_object (&self->object_manager);
  g_hash_table_remove_all (self->by_endpoint);
  g_hash_table_remove_all (self->by_path);
  g_hash_table_remove_all (self->sessions);
  g_ptr_array_set_size (self->endpoints, 0);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->iface));
}
