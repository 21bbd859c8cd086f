/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-resolver.c — FakeResolver (fake-resolver.h): a GResolver answering
 * from a zone the test fills.
 */
#include "fake-resolver.h"

#include <stdio.h>

G_DEFINE_TYPE (FakeResolver, fake_resolver, G_TYPE_RESOLVER)

static void
fake_begin (FakeResolver *fake, const char *kind, const char *name)
{
  g_string_append_printf (fake->log, "%s %s; ", kind, name);
  fake->outstanding++;
  fake->max_outstanding = MAX (fake->max_outstanding, fake->outstanding);
}

/* A held answer. */
typedef struct {
  GTask *task;
  gpointer result;
  GDestroyNotify free_func;
  GError *error;
  gulong cancelled_id;
  gboolean answered;
} Held;

static void
on_held_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Held *held = user_data;

  /* Like GThreadedResolver's return-on-cancel: answer at once. */
  held->answered = g_task_return_error_if_cancelled (held->task);
}

static void
held_free (gpointer data)
{
  Held *held = data;

  g_cancellable_disconnect (g_task_get_cancellable (held->task), held->cancelled_id);
  if (held->result)
    held->free_func (held->result);
  g_clear_error (&held->error);
  g_object_unref (held->task);
  g_free (held);
}

static void
fake_answer (FakeResolver *fake, GTask *task, gpointer result, GDestroyNotify free_func, GError *error)
{
  if (fake->hold)
    {
      Held *held = g_new0 (Held, 1);

      held->task = g_object_ref (task);
      held->result = result;
      held->free_func = free_func;
      held->error = error;
      if (g_task_get_cancellable (task))
        held->cancelled_id =
          g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (on_held_cancelled), held, NULL);
      g_ptr_array_add (fake->held, held);
      return;
    }
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, free_func);
}

void
fake_resolver_release (FakeResolver *fake)
{
  g_autoptr (GPtrArray) held = g_steal_pointer (&fake->held);

  fake->held = g_ptr_array_new_with_free_func (held_free);
  fake->hold = FALSE;
  for (guint i = 0; i < held->len; i++)
    {
      Held *one = g_ptr_array_index (held, i);

      if (one->answered)
        continue; /* on cancellation */
      if (one->error)
        g_task_return_error (one->task, g_steal_pointer (&one->error));
      else
        g_task_return_pointer (one->task, g_steal_pointer (&one->result), one->free_func);
    }
}

static void
free_records (gpointer records)
{
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);
}

static void
fake_lookup_by_name_async (GResolver *resolver, const char *hostname, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  FakeResolver *fake = FAKE_RESOLVER (resolver);
  g_autoptr (GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  const char *text = g_hash_table_lookup (fake->hosts, hostname);
  g_auto (GStrv) addresses = text ? g_strsplit (text, " ", -1) : NULL;
  GList *list = NULL;

  fake_begin (fake, "A", hostname);
  for (guint i = 0; addresses && addresses[i]; i++)
    list = g_list_append (list, g_inet_address_new_from_string (addresses[i]));
  if (list)
    fake_answer (fake, task, list, (GDestroyNotify) g_resolver_free_addresses, NULL);
  else
    fake_answer (fake, task, NULL, NULL,
                 g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                              "Error resolving “%s”: Name or service not known", hostname));
}

static GList *
fake_lookup_by_name_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  FAKE_RESOLVER (resolver)->outstanding--;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_lookup_records_async (GResolver *resolver, const char *rrname, GResolverRecordType type, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  FakeResolver *fake = FAKE_RESOLVER (resolver);
  g_autoptr (GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  const char *text = g_hash_table_lookup (fake->srv, rrname);
  g_auto (GStrv) records = text ? g_strsplit (text, ", ", -1) : NULL;
  GList *list = NULL;

  g_assert_cmpint (type, ==, G_RESOLVER_RECORD_SRV);
  fake_begin (fake, "SRV", rrname);
  /* In reverse, so that the order comes from GLib's RFC 2782 sort. */
  for (guint i = 0; records && records[i]; i++)
    {
      guint priority, weight, port;
      char target[256];

      g_assert_cmpint (sscanf (records[i], "%u %u %u %255s", &priority, &weight, &port, target), ==, 4);
      list = g_list_prepend (list, g_variant_ref_sink (g_variant_new ("(qqqs)", priority, weight, port, target)));
    }
  if (list)
    fake_answer (fake, task, list, free_records, NULL);
  else
    fake_answer (fake, task, NULL, NULL,
                 g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                              "No DNS record of the requested type for “%s”", rrname));
}

static GList *
fake_lookup_records_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  FAKE_RESOLVER (resolver)->outstanding--;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_resolver_finalize (GObject *object)
{
  FakeResolver *fake = FAKE_RESOLVER (object);

  g_hash_table_unref (fake->hosts);
  g_hash_table_unref (fake->srv);
  g_string_free (fake->log, TRUE);
  g_ptr_array_unref (fake->held);
  G_OBJECT_CLASS (fake_resolver_parent_class)->finalize (object);
}

static void
fake_resolver_class_init (FakeResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fake_resolver_finalize;
  resolver_class->lookup_by_name_async = fake_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = fake_lookup_by_name_finish;
  resolver_class->lookup_records_async = fake_lookup_records_async;
  resolver_class->lookup_records_finish = fake_lookup_records_finish;
}

static void
fake_resolver_init (FakeResolver *fake)
{
  fake->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->srv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->log = g_string_new (NULL);
  fake->held = g_ptr_array_new_with_free_func (held_free);
}

FakeResolver *
fake_resolver_new (void)
{
  return g_object_new (FAKE_TYPE_RESOLVER, NULL);
}

void
fake_resolver_add_host (FakeResolver *fake, const char *name, const char *addresses)
{
  g_hash_table_insert (fake->hosts, g_strdup (name), g_strdup (addresses));
}

void
fake_resolver_add_srv (FakeResolver *fake, const char *rrname, const char *records)
{
  g_hash_table_insert (fake->srv, g_strdup (rrname), g_strdup (records));
}
