/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration-window.h — TcRegistrationWindow: at most N registrations
 * of a daemon in progress at once; the others wait their turn, first come
 * first served.
 *
 * Thousands of accounts start registering together (start-up, a network
 * change).  Sent all at once, every REGISTER, its challenge and its
 * retry, their transactions and the D-Bus signals they cause were alive
 * at the same moment: 12 KiB per endpoint at the peak, and the pages of
 * that peak stayed resident around the endpoints' own memory.  In a
 * window, only N exchanges are alive at a time, a challenged REGISTER's
 * retry does not queue behind the other accounts' first REGISTERs, and
 * the registrar sees a steady load.
 *
 * A registration holds a slot from the moment its REGISTER goes out until
 * it leaves the "registering" state.  A waiting one has not changed state
 * yet: it becomes "registering" when its REGISTER goes.
 */
#pragma once

#include "sip/clock.h"

G_BEGIN_DECLS

typedef struct _TcRegistrationWindow TcRegistrationWindow;

/* Called (from the clock, never from inside tc_registration_window_leave())
 * when a waiting ticket has been given a slot. */
typedef void (*TcRegistrationWindowFunc) (gpointer user_data);

typedef enum {
  TC_REGISTRATION_TICKET_NONE,
  TC_REGISTRATION_TICKET_WAITING,
  TC_REGISTRATION_TICKET_HOLDING,
} TcRegistrationTicketState;

/* One per registration, embedded in it (no allocation per wait); zeroed
 * is TC_REGISTRATION_TICKET_NONE. */
typedef struct {
  TcRegistrationTicketState state;
  GList link; /* in the window's queue while waiting */
  TcRegistrationWindowFunc func;
  gpointer user_data;
} TcRegistrationTicket;

/* @size: slots, at least 1.  @clock: where the waiting are woken. */
TcRegistrationWindow *tc_registration_window_new (guint size, TcSipClock *clock);
TcRegistrationWindow *tc_registration_window_ref (TcRegistrationWindow *window);
void tc_registration_window_unref (TcRegistrationWindow *window);

/* TRUE when @ticket holds a slot (taken now, or already held).  FALSE
 * when it waits (queued now, or already waiting): @func is called with
 * @user_data once it holds one. */
gboolean tc_registration_window_enter (TcRegistrationWindow *window, TcRegistrationTicket *ticket,
                                       TcRegistrationWindowFunc func, gpointer user_data);

/* Gives the slot back, or stops waiting; nothing for a ticket that does
 * neither. */
void tc_registration_window_leave (TcRegistrationWindow *window, TcRegistrationTicket *ticket);

/* While held, no ticket gets a slot (enter() queues every one); on
 * release the waiting go, oldest first.  The manager holds the window
 * while it looks the start-up passwords up: every registration object
 * is then made before the first REGISTER, rather than scattered through
 * the memory of the burst that follows. */
void tc_registration_window_hold (TcRegistrationWindow *window, gboolean hold);

/* Slots held, and tickets waiting. */
guint tc_registration_window_get_used (TcRegistrationWindow *window);
guint tc_registration_window_get_waiting (TcRegistrationWindow *window);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcRegistrationWindow, tc_registration_window_unref)

G_END_DECLS
