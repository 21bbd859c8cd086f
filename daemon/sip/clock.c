/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clock.c — TcSipClock: timers in one queue ordered by due time, fired
 * by a single GSource on a GMainContext (the main-loop clock) or only by
 * tc_sip_clock_manual_advance() (the manual clock).
 */
#include "sip/clock.h"

typedef struct {
  guint id;
  gint64 due;
  TcSipClockFunc func;
  gpointer user_data;
  GSequenceIter *iter; /* its place in the queue */
} Timer;

/* The main-loop clock's one GSource: ready at the first timer's due time.
 * One source for all timers keeps the main loop's prepare/check cost
 * constant however many transactions are pending (a GSource per timer
 * made every loop iteration walk thousands of them). */
typedef struct {
  GSource source;
  TcSipClock *clock; /* weak: the clock destroys the source first */
} ClockSource;

struct _TcSipClock {
  gint ref_count;
  gboolean manual;
  guint next_id;
  GHashTable *timers; /* id -> Timer, owned */
  GSequence *queue;   /* Timer, ordered by (due, id) */

  /* main-loop clock */
  GMainContext *context;
  GSource *source;

  /* manual clock */
  gint64 now;
};

static gint
compare_timers (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Timer *ta = a, *tb = b;

  if (ta->due != tb->due)
    return ta->due < tb->due ? -1 : 1;
  return ta->id < tb->id ? -1 : ta->id > tb->id;
}

static Timer *
first_timer (TcSipClock *clock)
{
  GSequenceIter *first = g_sequence_get_begin_iter (clock->queue);

  return g_sequence_iter_is_end (first) ? NULL : g_sequence_get (first);
}

/* Removes @timer from the queue and the table (which frees it). */
static void
timer_forget (TcSipClock *clock, Timer *timer)
{
  g_sequence_remove (timer->iter);
  g_hash_table_remove (clock->timers, GUINT_TO_POINTER (timer->id));
}

static void
update_ready_time (TcSipClock *clock)
{
  Timer *first;

  if (!clock->source)
    return;
  first = first_timer (clock);
  g_source_set_ready_time (clock->source, first ? MAX (first->due, 0) : -1);
}

/* Fires, in order, every timer due by @now; a callback may add or cancel
 * timers.  Returns how many fired. */
static guint
fire_due (TcSipClock *clock, gint64 now)
{
  guint fired = 0;
  Timer *timer;

  while ((timer = first_timer (clock)) && timer->due <= now)
    {
      TcSipClockFunc func = timer->func;
      gpointer user_data = timer->user_data;

      if (clock->manual)
        clock->now = MAX (clock->now, timer->due);
      /* forget the timer before the call: the callback may cancel or re-add */
      timer_forget (clock, timer);
      func (user_data);
      fired++;
    }
  return fired;
}

static gboolean
clock_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  TcSipClock *clock = ((ClockSource *) source)->clock;

  tc_sip_clock_ref (clock);
  fire_due (clock, g_get_monotonic_time ());
  update_ready_time (clock);
  tc_sip_clock_unref (clock);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs clock_source_funcs = {
  .dispatch = clock_source_dispatch,
};

static TcSipClock *
clock_alloc (gboolean manual)
{
  TcSipClock *clock = g_new0 (TcSipClock, 1);

  clock->ref_count = 1;
  clock->manual = manual;
  clock->timers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  clock->queue = g_sequence_new (NULL);
  return clock;
}

TcSipClock *
tc_sip_clock_new_main_loop (GMainContext *context)
{
  TcSipClock *clock = clock_alloc (FALSE);

  clock->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  clock->source = g_source_new (&clock_source_funcs, sizeof (ClockSource));
  ((ClockSource *) clock->source)->clock = clock;
  g_source_set_static_name (clock->source, "tincan-sip-clock");
  g_source_set_ready_time (clock->source, -1);
  g_source_attach (clock->source, clock->context);
  return clock;
}

TcSipClock *
tc_sip_clock_new_manual (gint64 start_us)
{
  TcSipClock *clock = clock_alloc (TRUE);

  clock->now = start_us;
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
  if (clock->source)
    {
      g_source_destroy (clock->source);
      g_clear_pointer (&clock->source, g_source_unref);
    }
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
  timer->iter = g_sequence_insert_sorted (clock->queue, timer, compare_timers, NULL);
  g_hash_table_insert (clock->timers, GUINT_TO_POINTER (timer->id), timer);
  if (first_timer (clock) == timer)
    update_ready_time (clock);
  return timer->id;
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
  /* The source's ready time may now be early: its dispatch finds nothing
   * due and re-arms, which costs less than re-arming on every cancel. */
  timer_forget (clock, timer);
}

guint
tc_sip_clock_manual_advance (TcSipClock *clock, gint64 delta_us)
{
  gint64 target;
  guint fired;

  g_return_val_if_fail (clock != NULL && clock->manual, 0);
  g_return_val_if_fail (delta_us >= 0, 0);

  target = clock->now + delta_us;
  tc_sip_clock_ref (clock);
  fired = fire_due (clock, target);
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
