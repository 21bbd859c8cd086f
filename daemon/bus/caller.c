/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * caller.c — method calls held while core works on them, cancelled when
 * their caller leaves the bus and answered exactly once (caller.h).
 */
#include "bus/caller.h"

#include "bus/errors.h"

/* One watched unique name and the calls it has in flight.  Freed by GLib
 * (the watch's GDestroyNotify) once unwatched. */
typedef struct {
  char *sender;
  guint watch_id;
  GPtrArray *calls; /* TcBusCall, borrowed: each removes itself when freed */
} CallerWatch;

struct _TcBusCallers {
  GObject parent_instance;

  GDBusConnection *connection;
  GHashTable *watches; /* sender (owned by the watch) -> CallerWatch */
};

struct _TcBusCall {
  grefcount ref_count;
  TcBusCallers *callers;
  CallerWatch *watch; /* NULL when the call has no sender (peer connection) */
  GDBusMethodInvocation *invocation;
  GCancellable *cancellable;
};

G_DEFINE_TYPE (TcBusCallers, tc_bus_callers, G_TYPE_OBJECT)

static void
caller_watch_free (gpointer data)
{
  CallerWatch *watch = data;

  g_ptr_array_unref (watch->calls);
  g_free (watch->sender);
  g_free (watch);
}

/* The hash table's value destroy function: stop watching.  No call refers
 * to the watch any more (it is removed when its last call is freed). */
static void
caller_watch_stop (gpointer data)
{
  CallerWatch *watch = data;

  g_bus_unwatch_name (watch->watch_id);
}

static void
on_caller_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  CallerWatch *watch = user_data;
  g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_bus_call_unref);

  /* Cancelling may complete calls at once, and the last one to go stops
   * this watch: work on references, not on watch->calls. */
  for (guint i = 0; i < watch->calls->len; i++)
    g_ptr_array_add (calls, tc_bus_call_ref (g_ptr_array_index (watch->calls, i)));
  g_debug ("caller %s left the bus: cancelling %u call(s) in progress", name, calls->len);
  for (guint i = 0; i < calls->len; i++)
    g_cancellable_cancel (((TcBusCall *) g_ptr_array_index (calls, i))->cancellable);
}

static void
tc_bus_callers_dispose (GObject *object)
{
  TcBusCallers *self = TC_BUS_CALLERS (object);
  GHashTableIter iter;
  gpointer value;

  /* Calls hold a reference, so this only runs with calls alive through
   * g_object_run_dispose(): detach them before the watches go. */
  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CallerWatch *watch = value;

      for (guint i = 0; i < watch->calls->len; i++)
        ((TcBusCall *) g_ptr_array_index (watch->calls, i))->watch = NULL;
      g_ptr_array_set_size (watch->calls, 0);
    }
  g_hash_table_remove_all (self->watches);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tc_bus_callers_parent_class)->dispose (object);
}

static void
tc_bus_callers_finalize (GObject *object)
{
  TcBusCallers *self = TC_BUS_CALLERS (object);

  g_hash_table_unref (self->watches);

  G_OBJECT_CLASS (tc_bus_callers_parent_class)->finalize (object);
}

static void
tc_bus_callers_class_init (TcBusCallersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_bus_callers_dispose;
  object_class->finalize = tc_bus_callers_finalize;
}

static void
tc_bus_callers_init (TcBusCallers *self)
{
  self->watches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, caller_watch_stop);
}

TcBusCallers *
tc_bus_callers_new (GDBusConnection *connection)
{
  TcBusCallers *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  self = g_object_new (TC_BUS_TYPE_CALLERS, NULL);
  self->connection = g_object_ref (connection);
  return self;
}

static CallerWatch *
tc_bus_callers_watch (TcBusCallers *self, const char *sender)
{
  CallerWatch *watch = g_hash_table_lookup (self->watches, sender);

  if (watch)
    return watch;

  watch = g_new0 (CallerWatch, 1);
  watch->sender = g_strdup (sender);
  watch->calls = g_ptr_array_new ();
  watch->watch_id = g_bus_watch_name_on_connection (self->connection, sender, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                    on_caller_vanished, watch, caller_watch_free);
  g_hash_table_insert (self->watches, watch->sender, watch);
  return watch;
}

TcBusCall *
tc_bus_call_new (TcBusCallers *callers, GDBusMethodInvocation *invocation)
{
  TcBusCall *call;
  const char *sender;

  g_return_val_if_fail (TC_BUS_IS_CALLERS (callers), NULL);
  g_return_val_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation), NULL);

  call = g_new0 (TcBusCall, 1);
  g_ref_count_init (&call->ref_count);
  call->callers = g_object_ref (callers);
  call->invocation = invocation;
  call->cancellable = g_cancellable_new ();

  sender = g_dbus_method_invocation_get_sender (invocation);
  if (sender)
    {
      call->watch = tc_bus_callers_watch (callers, sender);
      g_ptr_array_add (call->watch->calls, call);
    }
  return call;
}

TcBusCall *
tc_bus_call_ref (TcBusCall *call)
{
  g_return_val_if_fail (call != NULL, NULL);

  g_ref_count_inc (&call->ref_count);
  return call;
}

void
tc_bus_call_unref (TcBusCall *call)
{
  g_return_if_fail (call != NULL);

  if (!g_ref_count_dec (&call->ref_count))
    return;

  if (call->watch)
    {
      CallerWatch *watch = g_steal_pointer (&call->watch);

      g_ptr_array_remove_fast (watch->calls, call);
      if (watch->calls->len == 0)
        g_hash_table_remove (call->callers->watches, watch->sender);
    }
  if (call->invocation)
    {
      g_warning ("%s.%s from %s was never answered (a bug in the adapter): answering Aborted",
                 g_dbus_method_invocation_get_interface_name (call->invocation),
                 g_dbus_method_invocation_get_method_name (call->invocation),
                 g_dbus_method_invocation_get_sender (call->invocation));
      tc_bus_return_error (g_steal_pointer (&call->invocation), TC_CORE_ERROR_ABORTED, "The operation was dropped");
    }
  g_object_unref (call->cancellable);
  g_object_unref (call->callers);
  g_free (call);
}

GCancellable *
tc_bus_call_get_cancellable (TcBusCall *call)
{
  g_return_val_if_fail (call != NULL, NULL);

  return call->cancellable;
}

GDBusMethodInvocation *
tc_bus_call_steal_invocation (TcBusCall *call)
{
  g_return_val_if_fail (call != NULL, NULL);

  return g_steal_pointer (&call->invocation);
}

void
tc_bus_call_abort (TcBusCall *call, const char *why)
{
  GDBusMethodInvocation *invocation;

  g_return_if_fail (call != NULL);

  invocation = tc_bus_call_steal_invocation (call);
  if (invocation)
    tc_bus_return_error (invocation, TC_CORE_ERROR_ABORTED, "%s", why);
  g_cancellable_cancel (call->cancellable);
}
