/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration-window.c — a first-come-first-served window of
 * registrations in progress (registration-window.h).
 */
#include "core/registration-window.h"

struct _TcRegistrationWindow {
  grefcount ref_count;
  TcSipClock *clock;
  guint size;
  guint used;
  GQueue waiting; /* TcRegistrationTicket.link, the oldest first */
  guint wake;     /* clock timer: slots are free and tickets wait */
  gboolean held;  /* tc_registration_window_hold() */
};

TcRegistrationWindow *
tc_registration_window_new (guint size, TcSipClock *clock)
{
  TcRegistrationWindow *window;

  g_return_val_if_fail (size > 0, NULL);
  g_return_val_if_fail (clock != NULL, NULL);

  window = g_new0 (TcRegistrationWindow, 1);
  g_ref_count_init (&window->ref_count);
  window->clock = tc_sip_clock_ref (clock);
  window->size = size;
  g_queue_init (&window->waiting);
  return window;
}

TcRegistrationWindow *
tc_registration_window_ref (TcRegistrationWindow *window)
{
  g_return_val_if_fail (window != NULL, NULL);

  g_ref_count_inc (&window->ref_count);
  return window;
}

void
tc_registration_window_unref (TcRegistrationWindow *window)
{
  g_return_if_fail (window != NULL);

  if (!g_ref_count_dec (&window->ref_count))
    return;
  /* Every registration holds a reference while it waits or holds. */
  g_assert (window->used == 0 && g_queue_is_empty (&window->waiting));
  tc_sip_clock_clear_timer (window->clock, &window->wake);
  tc_sip_clock_unref (window->clock);
  g_free (window);
}

/* Gives free slots to the oldest waiting, and tells them.  A callback
 * may enter or leave: the loop reads the window afresh each time. */
static void
on_wake (gpointer user_data)
{
  g_autoptr (TcRegistrationWindow) window = tc_registration_window_ref (user_data);

  window->wake = 0;
  while (!window->held && window->used < window->size && !g_queue_is_empty (&window->waiting))
    {
      GList *link = g_queue_pop_head_link (&window->waiting);
      TcRegistrationTicket *ticket = link->data;

      ticket->state = TC_REGISTRATION_TICKET_HOLDING;
      window->used++;
      ticket->func (ticket->user_data);
    }
}

gboolean
tc_registration_window_enter (TcRegistrationWindow *window, TcRegistrationTicket *ticket, TcRegistrationWindowFunc func,
                              gpointer user_data)
{
  g_return_val_if_fail (window != NULL, FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  switch (ticket->state)
    {
    case TC_REGISTRATION_TICKET_HOLDING:
      return TRUE;
    case TC_REGISTRATION_TICKET_WAITING:
      ticket->func = func;
      ticket->user_data = user_data;
      return FALSE;
    case TC_REGISTRATION_TICKET_NONE:
      break;
    }
  /* Those already waiting go first. */
  if (!window->held && window->used < window->size && g_queue_is_empty (&window->waiting))
    {
      ticket->state = TC_REGISTRATION_TICKET_HOLDING;
      window->used++;
      return TRUE;
    }
  ticket->state = TC_REGISTRATION_TICKET_WAITING;
  ticket->func = func;
  ticket->user_data = user_data;
  ticket->link.data = ticket;
  g_queue_push_tail_link (&window->waiting, &ticket->link);
  return FALSE;
}

void
tc_registration_window_leave (TcRegistrationWindow *window, TcRegistrationTicket *ticket)
{
  g_return_if_fail (window != NULL);
  g_return_if_fail (ticket != NULL);

  switch (ticket->state)
    {
    case TC_REGISTRATION_TICKET_NONE:
      return;
    case TC_REGISTRATION_TICKET_WAITING:
      g_queue_unlink (&window->waiting, &ticket->link);
      break;
    case TC_REGISTRATION_TICKET_HOLDING:
      g_assert (window->used > 0);
      window->used--;
      /* Not from here: the caller is in the middle of a state change. */
      if (!g_queue_is_empty (&window->waiting) && !window->wake)
        window->wake = tc_sip_clock_add_timer (window->clock, 0, on_wake, window);
      break;
    }
  ticket->state = TC_REGISTRATION_TICKET_NONE;
  ticket->func = NULL;
  ticket->user_data = NULL;
}

void
tc_registration_window_hold (TcRegistrationWindow *window, gboolean hold)
{
  g_return_if_fail (window != NULL);

  window->held = hold;
  if (!hold && !g_queue_is_empty (&window->waiting) && !window->wake)
    window->wake = tc_sip_clock_add_timer (window->clock, 0, on_wake, window);
}

guint
tc_registration_window_get_used (TcRegistrationWindow *window)
{
  g_return_val_if_fail (window != NULL, 0);

  return window->used;
}

guint
tc_registration_window_get_waiting (TcRegistrationWindow *window)
{
  g_return_val_if_fail (window != NULL, 0);

  return window->waiting.length;
}
