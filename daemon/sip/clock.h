/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clock.h — TcSipClock: where the SIP stack reads the time and sets its
 * timers (RFC 3261 T1, T2, Timers A–M, keepalives, idle timeouts).
 *
 * The stack never calls g_get_monotonic_time() or g_timeout_add() itself
 * (style.md B5): it is given a clock.  The main-loop clock runs timers as
 * GSources on a GMainContext; the manual clock (tests, benchmarks) only
 * moves when told, so a 32-second Timer B takes microseconds to test —
 * the GstTestClock idea.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TcSipClock TcSipClock;

typedef void (*TcSipClockFunc) (gpointer user_data);

/* A clock on @context (NULL: the thread-default main context). */
TcSipClock *tc_sip_clock_new_main_loop (GMainContext *context);
/* A manual clock whose time starts at @start_us. */
TcSipClock *tc_sip_clock_new_manual (gint64 start_us);

TcSipClock *tc_sip_clock_ref (TcSipClock *clock);
/* Dropping the last reference cancels every pending timer. */
void tc_sip_clock_unref (TcSipClock *clock);

/* Monotonic time in microseconds. */
gint64 tc_sip_clock_now (TcSipClock *clock);

/* Calls @func once, @delay_us from now (0 or less: at the next dispatch or
 * advance).  Returns a non-zero id for tc_sip_clock_cancel(). */
guint tc_sip_clock_add_timer (TcSipClock *clock, gint64 delay_us, TcSipClockFunc func, gpointer user_data);
/* Cancels a timer that has not fired; a no-op for 0, for a timer that
 * fired or one already cancelled. */
void tc_sip_clock_cancel (TcSipClock *clock, guint id);

/* Manual clocks only.  Moves time forward by @delta_us, firing every timer
 * that falls due, in order of due time (then of creation), each with the
 * clock reading its due time.  Timers added or cancelled by a callback are
 * honoured within the same advance.  Returns how many timers fired. */
guint tc_sip_clock_manual_advance (TcSipClock *clock, gint64 delta_us);
/* Manual clocks only: the number of pending timers. */
guint tc_sip_clock_manual_get_n_pending (TcSipClock *clock);
/* Manual clocks only: microseconds until the next timer, or -1 if none. */
gint64 tc_sip_clock_manual_get_next_delay (TcSipClock *clock);

/* Clears *@id_ptr and cancels its timer, as g_clear_handle_id() does. */
static inline void
tc_sip_clock_clear_timer (TcSipClock *clock, guint *id_ptr)
{
  guint id = *id_ptr;

  *id_ptr = 0;
  if (id)
    tc_sip_clock_cancel (clock, id);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipClock, tc_sip_clock_unref)

G_END_DECLS
