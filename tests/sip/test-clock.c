/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-clock.c — TcSipClock: the manual clock fires timers in due order,
 * with the time reading their due time, honours timers added and cancelled
 * from callbacks; the main-loop clock fires on a real GMainContext and
 * cancels cleanly.
 */
#include "sip/clock.h"

typedef struct {
  TcSipClock *clock;
  GString *log;   /* "name@time " for every fired timer */
  guint extra_id; /* a timer a callback may cancel */
} Fixture;

typedef struct {
  Fixture *fixture;
  const char *name;
} Shot;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->clock = tc_sip_clock_new_manual (1000);
  f->log = g_string_new (NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->clock, tc_sip_clock_unref);
  g_string_free (f->log, TRUE);
}

static void
on_shot (gpointer data)
{
  Shot *shot = data;

  g_string_append_printf (shot->fixture->log, "%s@%" G_GINT64_FORMAT " ", shot->name,
                          tc_sip_clock_now (shot->fixture->clock));
}

static void
test_manual_order (Fixture *f, gconstpointer data)
{
  Shot a = { f, "a" }, b = { f, "b" }, c = { f, "c" }, d = { f, "d" };

  tc_sip_clock_add_timer (f->clock, 500, on_shot, &a);
  tc_sip_clock_add_timer (f->clock, 100, on_shot, &b);
  tc_sip_clock_add_timer (f->clock, 500, on_shot, &c); /* same due time as a: after it */
  tc_sip_clock_add_timer (f->clock, 2000, on_shot, &d);
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 4);
  g_assert_cmpint (tc_sip_clock_manual_get_next_delay (f->clock), ==, 100);

  g_assert_cmpuint (tc_sip_clock_manual_advance (f->clock, 99), ==, 0);
  g_assert_cmpint (tc_sip_clock_now (f->clock), ==, 1099);
  g_assert_cmpuint (tc_sip_clock_manual_advance (f->clock, 1), ==, 1);
  g_assert_cmpuint (tc_sip_clock_manual_advance (f->clock, 1000), ==, 2);
  g_assert_cmpstr (f->log->str, ==, "b@1100 a@1500 c@1500 ");
  g_assert_cmpint (tc_sip_clock_now (f->clock), ==, 2100);
  g_assert_cmpint (tc_sip_clock_manual_get_next_delay (f->clock), ==, 900);
  g_assert_cmpuint (tc_sip_clock_manual_advance (f->clock, 10 * G_USEC_PER_SEC), ==, 1);
  g_assert_cmpstr (f->log->str, ==, "b@1100 a@1500 c@1500 d@3000 ");
  g_assert_cmpuint (tc_sip_clock_manual_get_n_pending (f->clock), ==, 0);
  g_assert_cmpint (tc_sip_clock_manual_get_next_delay (f->clock), ==, -1);
}

static void
test_manual_cancel (Fixture *f, gconstpointer data)
{
  Shot a = { f, "a" }, b = { f, "b" };
  guint id_a = tc_sip_clock_add_timer (f->clock, 10, on_shot, &a);
  guint id_b = tc_sip_clock_add_timer (f->clock, 20, on_shot, &b);

  g_assert_cmpuint (id_a, !=, 0);
  g_assert_cmpuint (id_a, !=, id_b);
  tc_sip_clock_cancel (f->clock, id_a);
  tc_sip_clock_cancel (f->clock, id_a); /* twice: a no-op */
  tc_sip_clock_cancel (f->clock, 0);
  tc_sip_clock_manual_advance (f->clock, 100);
  g_assert_cmpstr (f->log->str, ==, "b@1020 ");
  tc_sip_clock_cancel (f->clock, id_b); /* fired already: a no-op */

  tc_sip_clock_clear_timer (f->clock, &id_b);
  g_assert_cmpuint (id_b, ==, 0);
}

static void
on_rearm (gpointer data)
{
  Fixture *f = data;
  static Shot again;

  again = (Shot){ f, "again" };
  g_string_append_printf (f->log, "rearm@%" G_GINT64_FORMAT " ", tc_sip_clock_now (f->clock));
  /* doubling, as Timer A does: the new timer falls inside the same advance */
  tc_sip_clock_add_timer (f->clock, 50, on_shot, &again);
  tc_sip_clock_clear_timer (f->clock, &f->extra_id);
}

static void
test_manual_callbacks_change_queue (Fixture *f, gconstpointer data)
{
  Shot late = { f, "late" }, zero = { f, "zero" };

  tc_sip_clock_add_timer (f->clock, 100, on_rearm, f);
  f->extra_id = tc_sip_clock_add_timer (f->clock, 120, on_shot, &late);
  tc_sip_clock_add_timer (f->clock, -5, on_shot, &zero); /* due now */
  g_assert_cmpuint (tc_sip_clock_manual_advance (f->clock, 0), ==, 1);
  g_assert_cmpuint (tc_sip_clock_manual_advance (f->clock, 1000), ==, 2);
  g_assert_cmpstr (f->log->str, ==, "zero@1000 rearm@1100 again@1150 ");
  g_assert_cmpuint (f->extra_id, ==, 0);
}

static void
on_drop_clock (gpointer data)
{
  Fixture *f = data;

  /* the last outside reference goes away from inside a callback */
  g_clear_pointer (&f->clock, tc_sip_clock_unref);
}

static void
on_mark (gpointer data)
{
  Shot *shot = data;

  g_string_append_printf (shot->fixture->log, "%s ", shot->name);
}

static void
test_manual_unref_in_callback (Fixture *f, gconstpointer data)
{
  TcSipClock *clock = f->clock;
  Shot still = { f, "still" };

  tc_sip_clock_add_timer (clock, 10, on_drop_clock, f);
  tc_sip_clock_add_timer (clock, 10, on_mark, &still);
  tc_sip_clock_manual_advance (clock, 5);
  tc_sip_clock_ref (clock);
  tc_sip_clock_manual_advance (clock, 5);
  g_assert_null (f->clock);
  g_assert_cmpstr (f->log->str, ==, "still ");
  g_assert_cmpint (tc_sip_clock_now (clock), ==, 1010);
  tc_sip_clock_unref (clock); /* pending timers are cancelled */
}

typedef struct {
  GMainLoop *loop;
  gint64 added;
  gint64 fired;
  gboolean cancelled_fired;
} LoopData;

static void
on_loop_timer (gpointer data)
{
  LoopData *d = data;

  d->fired = g_get_monotonic_time ();
  g_main_loop_quit (d->loop);
}

static void
on_cancelled_timer (gpointer data)
{
  LoopData *d = data;

  d->cancelled_fired = TRUE;
}

static void
test_main_loop_clock (void)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr (TcSipClock) clock = tc_sip_clock_new_main_loop (context);
  LoopData d = { loop, 0, 0, FALSE };
  gint64 before = g_get_monotonic_time ();
  guint cancelled;

  g_assert_cmpint (tc_sip_clock_now (clock), >=, before);
  d.added = tc_sip_clock_now (clock);
  cancelled = tc_sip_clock_add_timer (clock, 1000, on_cancelled_timer, &d);
  tc_sip_clock_add_timer (clock, 5000, on_loop_timer, &d);
  tc_sip_clock_cancel (clock, cancelled);
  g_main_loop_run (loop);

  g_assert_false (d.cancelled_fired);
  /* never early (rounded up to whole milliseconds) */
  g_assert_cmpint (d.fired - d.added, >=, 5000);
}

static void
test_main_loop_unref_cancels (void)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  TcSipClock *clock = tc_sip_clock_new_main_loop (context);
  LoopData d = { NULL, 0, 0, FALSE };

  tc_sip_clock_add_timer (clock, 0, on_cancelled_timer, &d);
  tc_sip_clock_unref (clock);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_false (d.cancelled_fired);
}

typedef struct {
  TcSipClock *clock;
  gint64 due;
  gint64 fired_at;
  guint *n_fired;
  gint64 *last_due;
  gboolean in_order;
} ManyTimer;

static void
on_many_timer (gpointer data)
{
  ManyTimer *t = data;

  t->fired_at = tc_sip_clock_now (t->clock);
  (*t->n_fired)++;
  /* never early, and in due order */
  if (t->fired_at < t->due || t->due + 100 < *t->last_due) /* dues read a few µs apart */
    t->in_order = FALSE;
  *t->last_due = t->due;
}

/* Thousands of timers on the one GSource: each fires once, not early, in
 * order of due time; cancelled ones never fire; one source in the context. */
static void
test_main_loop_many (void)
{
  enum {
    N = 2000
  };
  g_autoptr (TcSipClock) clock = tc_sip_clock_new_main_loop (NULL);
  g_autofree ManyTimer *timers = g_new0 (ManyTimer, N);
  g_autofree guint *ids = g_new0 (guint, N);
  guint n_fired = 0, expected = 0;
  gint64 last_due = 0;
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  for (guint i = 0; i < N; i++)
    {
      gint64 delay = g_test_rand_int_range (0, 30000);

      timers[i] = (ManyTimer){ clock, tc_sip_clock_now (clock) + delay, 0, &n_fired, &last_due, TRUE };
      ids[i] = tc_sip_clock_add_timer (clock, delay, on_many_timer, &timers[i]);
    }
  for (guint i = 0; i < N; i += 3)
    tc_sip_clock_cancel (clock, ids[i]);
  for (guint i = 0; i < N; i++)
    if (i % 3 != 0)
      expected++;
  while (n_fired < expected)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  for (guint i = 0; i < N; i++)
    {
      g_assert_true (timers[i].in_order);
      if (i % 3 == 0)
        g_assert_cmpint (timers[i].fired_at, ==, 0);
      else
        g_assert_cmpint (timers[i].fired_at, >=, timers[i].due);
    }
  /* nothing more fires */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (n_fired, ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/clock/manual/fires-in-due-order", Fixture, NULL, fixture_setup, test_manual_order,
              fixture_teardown);
  g_test_add ("/sip/clock/manual/cancel", Fixture, NULL, fixture_setup, test_manual_cancel, fixture_teardown);
  g_test_add ("/sip/clock/manual/callbacks-add-and-cancel", Fixture, NULL, fixture_setup,
              test_manual_callbacks_change_queue, fixture_teardown);
  g_test_add ("/sip/clock/manual/unref-in-callback", Fixture, NULL, fixture_setup, test_manual_unref_in_callback,
              fixture_teardown);
  g_test_add_func ("/sip/clock/main-loop/fires-and-cancels", test_main_loop_clock);
  g_test_add_func ("/sip/clock/main-loop/unref-cancels", test_main_loop_unref_cancels);
  g_test_add_func ("/sip/clock/main-loop/many", test_main_loop_many);
  return g_test_run ();
}
