/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clock.c — TcSipClock: the main-loop clock (timers are GSources on a
 * GMainContext) and the manual clock (timers in a queue ordered by due
 * time, fired only by tc_sip_clock_manual_advance()).
 */
#include "sip/clock.h"

typedef struct {
  guint id;
  gint64 due;
  TcSipClockFunc func;
  gpointer user_data;
  TcSipClock *clock; /* main-loop clock: back pointer for the dispatch */
  GSource *source;   /* main-loop clock only */
} Timer;

struct _TcSipClock {
  gint ref_count;
  gboolean manual;
  guint next_id;
  GHashTable *timers; /* id -> Timer */

  /* main-loop clock */
  GMainContext *context;

  /* manual clock */
  gint64 now;
  GSequence *queue; /* Timer, ordered by (due, id); owned by @timers */
};

static void
timer_free (gpointer data)
{
  Timer *timer = data;

  if (timer->source)
    {
      g_source_destroy (timer->source);
      g_source_unref (timer->source);
    }
  g_free (timer);
}

static TcSipClock *
clock_alloc (gboolean manual)
{
  TcSipClock *clock = g_new0 (TcSipClock, 1);

  clock->ref_count = 1;
  clock->manual = manual;
  clock->timers = g_hash_table_new_full (NULL, NULL, NULL, timer_free);
  return clock;
}

TcSipClock *
tc_sip_clock_new_main_loop (GMainContext *context)
{
  TcSipClock *clock = clock_alloc (FALSE);

  clock->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  return clock;
}

TcSipClock *
tc_sip_clock_new_manual (gint64 start_us)
{
  TcSipClock *clock = clock_alloc (TRUE);

  clock->now = start_us;
  clock->queue = g_sequence_new (NULL);
  return clock;
}

TcSipClock *
tc_sip_clock_ref (TcSipClock *clock)
{
  g_return_val_if_fail (clock != NULL, NULL);
  clock->ref_count++;
  return clock;
}

void
tc_sip_clock_unref (TcSipClock *clock)
{
  g_return_if_fail (clock != NULL);
  if (--clock->ref_count > 0)
    return;
  g_clear_pointer (&clock->queue, g_sequence_free);
  g_hash_table_unref (clock->timers);
  g_clear_pointer (&clock->context, g_main_context_unref);
  g_free (clock);
}

gint64
tc_sip_clock_now (TcSipClock *clock)
{
  g_return_val_if_fail (clock != NULL, 0);
  return clock->manual ? clock->now : g_get_monotonic_time ();
}

static gboolean
on_timer_source (gpointer data)
{
  Timer *timer = data;
  TcSipClock *clock = timer->clock;
  TcSipClockFunc func = timer->func;
  gpointer user_data = timer->user_data;

  /* forget the timer before the call: the callback may cancel or re-add */
  g_hash_table_remove (clock->timers, GUINT_TO_POINTER (timer->id));
  func (user_data);
  return G_SOURCE_REMOVE;
}

static gint
compare_timers (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Timer *ta = a, *tb = b;

  if (ta->due != tb->due)
    return ta->due < tb->due ? -1 : 1;
  return ta->id < tb->id ? -1 : ta->id > tb->id;
}

guint
tc_sip_clock_add_timer (TcSipClock *clock, gint64 delay_us, TcSipClockFunc func, gpointer user_data)
{
  Timer *timer;

  g_return_val_if_fail (clock != NULL, 0);
  g_return_val_if_fail (func != NULL, 0);

  timer = g_new0 (Timer, 1);
  do
    timer->id = ++clock->next_id;
  while (timer->id == 0 || g_hash_table_contains (clock->timers, GUINT_TO_POINTER (timer->id)));
  timer->due = tc_sip_clock_now (clock) + MAX (delay_us, 0);
  timer->func = func;
  timer->user_data = user_data;
  timer->clock = clock;

  if (clock->manual)
    g_sequence_insert_sorted (clock->queue, timer, compare_timers, NULL);
  else
    {
      /* GSource timeouts have millisecond resolution: round up, never early */
      guint ms = (guint) MIN ((MAX (delay_us, 0) + 999) / 1000, (gint64) G_MAXUINT);

      timer->source = g_timeout_source_new (ms);
      g_source_set_callback (timer->source, on_timer_source, timer, NULL);
      g_source_set_static_name (timer->source, "tincan-sip-timer");
      g_source_attach (timer->source, clock->context);
    }
  g_hash_table_insert (clock->timers, GUINT_TO_POINTER (timer->id), timer);
  return timer->id;
}

static GSequenceIter *
find_queued (TcSipClock *clock, Timer *timer)
{
  return g_sequence_lookup (clock->queue, timer, compare_timers, NULL);
}

void
tc_sip_clock_cancel (TcSipClock *clock, guint id)
{
  Timer *timer;

  g_return_if_fail (clock != NULL);

  if (id == 0)
    return;
  timer = g_hash_table_lookup (clock->timers, GUINT_TO_POINTER (id));
  if (!timer)
    return;
  if (clock->manual)
    g_sequence_remove (find_queued (clock, timer));
  g_hash_table_remove (clock->timers, GUINT_TO_POINTER (id));
}

guint
tc_sip_clock_manual_advance (TcSipClock *clock, gint64 delta_us)
{
  gint64 target;
  guint fired = 0;

  g_return_val_if_fail (clock != NULL && clock->manual, 0);
  g_return_val_if_fail (delta_us >= 0, 0);

  target = clock->now + delta_us;
  tc_sip_clock_ref (clock);
  for (;;)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (clock->queue);
      Timer *timer;
      TcSipClockFunc func;
      gpointer user_data;

      if (g_sequence_iter_is_end (first))
        break;
      timer = g_sequence_get (first);
      if (timer->due > target)
        break;

      clock->now = MAX (clock->now, timer->due);
      func = timer->func;
      user_data = timer->user_data;
      g_sequence_remove (first);
      g_hash_table_remove (clock->timers, GUINT_TO_POINTER (timer->id));
      func (user_data);
      fired++;
    }
  clock->now = target;
  tc_sip_clock_unref (clock);
  return fired;
}

guint
tc_sip_clock_manual_get_n_pending (TcSipClock *clock)
{
  g_return_val_if_fail (clock != NULL && clock->manual, 0);
  return g_hash_table_size (clock->timers);
}

gint64
tc_sip_clock_manual_get_next_delay (TcSipClock *clock)
{
  GSequenceIter *first;

  g_return_val_if_fail (clock != NULL && clock->manual, -1);

  first = g_sequence_get_begin_iter (clock->queue);
  if (g_sequence_iter_is_end (first))
    return -1;
  return MAX (((Timer *) g_sequence_get (first))->due - clock->now, 0);
}
