/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * object-manager.h — TcBusObjectManager: org.freedesktop.DBus.ObjectManager
 * at one path, for objects that are not GDBusObjectSkeletons.
 *
 * GDBusObjectManagerServer wants a GDBusObjectSkeleton and an interface
 * skeleton per object, some 3.6 KiB each; with thousands of endpoints
 * exported through one subtree registration that was most of an
 * endpoint's memory.  This one keeps no objects of its own: the owner
 * lists them when GetManagedObjects is called and announces each arrival
 * and departure (InterfacesAdded, InterfacesRemoved).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TcBusObjectManager TcBusObjectManager;

/* Adds every managed object to @objects, a builder of a{oa{sa{sv}}}:
 * its path, and each of its interfaces with all its properties. */
typedef void (*TcBusObjectsFunc) (GVariantBuilder *objects, gpointer user_data);

/* Registers the interface at @path on @connection (a reference is taken);
 * @list answers GetManagedObjects. */
TcBusObjectManager *tc_bus_object_manager_new (GDBusConnection *connection, const char *path, TcBusObjectsFunc list,
                                               gpointer user_data, GError **error);

/* Unregisters it, with no InterfacesRemoved for the objects still there. */
void tc_bus_object_manager_free (TcBusObjectManager *self);

/* InterfacesAdded for the object at @object_path; @interfaces
 * (a{sa{sv}}, floating or not) holds each new interface and its
 * properties. */
void tc_bus_object_manager_added (TcBusObjectManager *self, const char *object_path, GVariant *interfaces);

/* InterfacesRemoved for the object at @object_path. */
void tc_bus_object_manager_removed (TcBusObjectManager *self, const char *object_path,
                                    const char *const *interface_names);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcBusObjectManager, tc_bus_object_manager_free)

G_END_DECLS
