/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * object-manager.c — org.freedesktop.DBus.ObjectManager over objects its
 * owner lists (object-manager.h).
 */
#include "bus/object-manager.h"

#define OBJECT_MANAGER_INTERFACE "org.freedesktop.DBus.ObjectManager"

struct _TcBusObjectManager {
  GDBusConnection *connection;
  char *path;
  guint registration_id;
  TcBusObjectsFunc list;
  gpointer user_data;
};

/* The interface as the D-Bus specification defines it. */
static const char object_manager_xml[] =
  "<node>"
  "  <interface name='" OBJECT_MANAGER_INTERFACE "'>"
  "    <method name='GetManagedObjects'>"
  "      <arg name='object_paths_interfaces_and_properties' type='a{oa{sa{sv}}}' direction='out'/>"
  "    </method>"
  "    <signal name='InterfacesAdded'>"
  "      <arg name='object_path' type='o'/>"
  "      <arg name='interfaces_and_properties' type='a{sa{sv}}'/>"
  "    </signal>"
  "    <signal name='InterfacesRemoved'>"
  "      <arg name='object_path' type='o'/>"
  "      <arg name='interfaces' type='as'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

static GDBusInterfaceInfo *
object_manager_interface_info (void)
{
  static GDBusNodeInfo *node;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      node = g_dbus_node_info_new_for_xml (object_manager_xml, NULL);
      g_assert (node != NULL);
      g_once_init_leave (&done, 1);
    }
  return node->interfaces[0];
}

/* Only GetManagedObjects: the connection answers a method not in the
 * interface (UnknownMethod) and a wrong signature (InvalidArgs). */
static void
on_method_call (GDBusConnection *connection, const char *sender, const char *object_path, const char *interface_name,
                const char *method_name, GVariant *parameters, GDBusMethodInvocation *invocation, gpointer user_data)
{
  TcBusObjectManager *self = user_data;
  GVariantBuilder objects;

  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  self->list (&objects, self->user_data);
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(@a{oa{sa{sv}}})", g_variant_builder_end (&objects)));
}

static const GDBusInterfaceVTable object_manager_vtable = { .method_call = on_method_call };

TcBusObjectManager *
tc_bus_object_manager_new (GDBusConnection *connection, const char *path, TcBusObjectsFunc list, gpointer user_data,
                           GError **error)
{
  g_autoptr (TcBusObjectManager) self = g_new0 (TcBusObjectManager, 1);

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (g_variant_is_object_path (path), NULL);
  g_return_val_if_fail (list != NULL, NULL);

  self->connection = g_object_ref (connection);
  self->path = g_strdup (path);
  self->list = list;
  self->user_data = user_data;
  self->registration_id = g_dbus_connection_register_object (connection, path, object_manager_interface_info (),
                                                             &object_manager_vtable, self, NULL, error);
  if (!self->registration_id)
    return NULL;
  return g_steal_pointer (&self);
}

void
tc_bus_object_manager_free (TcBusObjectManager *self)
{
  if (!self)
    return;
  if (self->registration_id)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  g_object_unref (self->connection);
  g_free (self->path);
  g_free (self);
}

static void
emit (TcBusObjectManager *self, const char *signal, GVariant *parameters)
{
  g_autoptr (GError) error = NULL;

  if (!g_dbus_connection_emit_signal (self->connection, NULL, self->path, OBJECT_MANAGER_INTERFACE, signal, parameters,
                                      &error))
    g_debug ("%s not sent: %s", signal, error->message);
}

void
tc_bus_object_manager_added (TcBusObjectManager *self, const char *object_path, GVariant *interfaces)
{
  g_return_if_fail (self != NULL);

  emit (self, "InterfacesAdded", g_variant_new ("(o@a{sa{sv}})", object_path, interfaces));
}

void
tc_bus_object_manager_removed (TcBusObjectManager *self, const char *object_path, const char *const *interface_names)
{
  g_return_if_fail (self != NULL);

  emit (self, "InterfacesRemoved", g_variant_new ("(o^as)", object_path, interface_names));
}
