/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl-register.c — "tincanctl register|unregister ENDPOINT [--wait]".
 * With --wait it listens for RegistrationStateChanged (subscribed before the
 * call, so no change is missed) until the endpoint reaches the state asked
 * for (exit 0) or a failure state (rejected, error, or the opposite stable
 * state: exit 1), or --timeout passes (exit 1).
 */
#include <stdio.h>
#include <string.h>

#include "tincanctl.h"

/* ---- register, unregister ---- */

typedef struct {
  GMainLoop *loop;
  const char *target; /* "registered" or "unregistered" */
  int status;         /* -1 while waiting */
  gboolean timed_out;
  guint timeout_id;
  char *state;
  char *previous;
  guint sip_status;
  char *reason;
  GVariant *details;
} RegistrationWait;

/* Whether @state ends the wait: 0 reached, 1 failed, -1 not yet (a state in
 * between, or one this client does not know). */
static int
registration_outcome (const char *target, const char *state)
{
  gboolean registering = strcmp (target, "registered") == 0;

  if (strcmp (state, target) == 0)
    return TC_CTL_EXIT_OK;
  if (strcmp (state, "rejected") == 0 || strcmp (state, "error") == 0 ||
      strcmp (state, registering ? "unregistered" : "registered") == 0)
    return TC_CTL_EXIT_FAILED;
  return -1;
}

static void
on_registration_signal (GDBusProxy *proxy, const char *sender, const char *signal_name, GVariant *parameters,
                        gpointer user_data)
{
  RegistrationWait *wait = user_data;

  if (wait->status >= 0 || strcmp (signal_name, "RegistrationStateChanged") != 0 ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ssusa{sv})")))
    return;

  g_clear_pointer (&wait->state, g_free);
  g_clear_pointer (&wait->previous, g_free);
  g_clear_pointer (&wait->reason, g_free);
  g_clear_pointer (&wait->details, g_variant_unref);
  g_variant_get (parameters, "(ssus@a{sv})", &wait->state, &wait->previous, &wait->sip_status, &wait->reason,
                 &wait->details);
  wait->status = registration_outcome (wait->target, wait->state);
  if (wait->status >= 0)
    g_main_loop_quit (wait->loop);
}

static void
on_name_owner (GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
  RegistrationWait *wait = user_data;
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));

  if (owner || wait->status >= 0)
    return;
  fprintf (stderr, "tincanctl: tincand left the bus\n");
  wait->status = TC_CTL_EXIT_UNREACHABLE;
  g_main_loop_quit (wait->loop);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  RegistrationWait *wait = user_data;

  wait->status = TC_CTL_EXIT_FAILED;
  wait->timed_out = TRUE;
  wait->timeout_id = 0;
  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

static int
run_registration (TcCtl *ctl, char **argv, gboolean registering)
{
  gboolean wait_for = FALSE;
  int timeout = 30;
  const GOptionEntry entries[] = {
    { "wait", 'w', 0, G_OPTION_ARG_NONE, &wait_for,
      registering ? "Wait until registered (exit 0), or rejected or error (exit 1)"
                  : "Wait until unregistered (exit 0), or rejected or error (exit 1)",
      NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout, "With --wait, give up after SECONDS (default 30; 0: never)",
      "SECONDS" },
    G_OPTION_ENTRY_NULL,
  };
  RegistrationWait wait = { .target = registering ? "registered" : "unregistered", .status = -1 };
  g_auto (GStrv) args = NULL;
  g_autofree char *path = NULL;
  g_autoptr (TcDBusEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  const char *id;
  GVariantBuilder record;
  gboolean ok;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Prints nothing without --wait.  With --wait, prints the outcome: endpoint, path, action,\n"
                     "state, previous, sip_status, reason and the signal's details (a line, or one JSON object).",
                     1, 1, &args, &status))
    return status;
  if (timeout < 0)
    return tc_ctl_usage_error (ctl, "--timeout must not be negative");
  if (!(path = tc_ctl_endpoint_path (ctl, args[0], &status)))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = tc_ctl_get_endpoint (ctl, &path, &endpoint)))
    return status;
  id = tc_ctl_endpoint_id (path);

  /* Listen before calling, so that no change is missed. */
  g_signal_connect (endpoint, "g-signal", G_CALLBACK (on_registration_signal), &wait);
  g_signal_connect (endpoint, "notify::g-name-owner", G_CALLBACK (on_name_owner), &wait);

  /* Already there: the call does nothing and no signal will come. */
  if (wait_for && g_strcmp0 (tc_dbus_endpoint_get_registration_state (endpoint), wait.target) == 0)
    {
      wait.status = TC_CTL_EXIT_OK;
      wait.state = g_strdup (wait.target);
    }

  ok = registering ? tc_dbus_endpoint_call_register_sync (endpoint, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error)
                   : tc_dbus_endpoint_call_unregister_sync (endpoint, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (!ok)
    return tc_ctl_report_error (ctl, error);

  if (wait_for && wait.status < 0)
    {
      wait.loop = g_main_loop_new (NULL, FALSE);
      if (timeout > 0)
        wait.timeout_id = g_timeout_add_seconds ((guint) timeout, on_wait_timeout, &wait);
      g_main_loop_run (wait.loop);
      g_clear_handle_id (&wait.timeout_id, g_source_remove);
      g_clear_pointer (&wait.loop, g_main_loop_unref);
    }
  g_signal_handlers_disconnect_by_data (endpoint, &wait);
  status = wait.status;

  if (wait_for || ctl->json)
    {
      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      tc_ctl_record_add_endpoint (&record, path);
      tc_ctl_record_add_string (&record, "action", registering ? "register" : "unregister");
      if (wait.state)
        tc_ctl_record_add_string (&record, "state", wait.state);
      else if (wait_for)
        tc_ctl_record_add_string (&record, "state", tc_dbus_endpoint_get_registration_state (endpoint));
      if (wait.previous)
        {
          tc_ctl_record_add_string (&record, "previous", wait.previous);
          g_variant_builder_add (&record, "{sv}", "sip_status", g_variant_new_uint32 (wait.sip_status));
          tc_ctl_record_add_string (&record, "reason", wait.reason);
          g_variant_builder_add (&record, "{sv}", "details", wait.details);
        }
      if (status != TC_CTL_EXIT_UNREACHABLE)
        tc_ctl_emit_record (ctl, &record);
      else
        g_variant_builder_clear (&record);
    }

  if (wait.timed_out)
    fprintf (stderr, "tincanctl: %s: no outcome within %d s (state: %s)\n", id, timeout,
             tc_ctl_or_dash (tc_dbus_endpoint_get_registration_state (endpoint)));
  else if (status == TC_CTL_EXIT_FAILED)
    fprintf (stderr, "tincanctl: %s: %s (%u %s)\n", id, wait.state, wait.sip_status, wait.reason);

  g_free (wait.state);
  g_free (wait.previous);
  g_free (wait.reason);
  g_clear_pointer (&wait.details, g_variant_unref);
  return status < 0 ? TC_CTL_EXIT_OK : status;
}

int
tc_ctl_cmd_register (TcCtl *ctl, char **argv)
{
  return run_registration (ctl, argv, TRUE);
}

int
tc_ctl_cmd_unregister (TcCtl *ctl, char **argv)
{
  return run_registration (ctl, argv, FALSE);
}
