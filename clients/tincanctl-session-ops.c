/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl-session-ops.c — what tincanctl does to a call in progress:
 * hold, resume and info (operations with a SIP outcome), dtmf, play,
 * record and mute.  SESSION arguments are read by tincanctl-calls.c.
 */
#include <string.h>

#include "tincanctl.h"

/* Hold, Resume and SendInfo reply when their transaction completes: Timer B/F
 * (32 s) plus a 491 back-off, with room to spare. */
#define OPERATION_TIMEOUT_MS (120 * 1000)

/* ---- hold, resume, info: operations with an outcome ---- */

/* Calls @method with @params (floating; its options carry @cookie) and prints the
 * outcome: the session, action, cookie, ok, and from OperationComplete sip_status,
 * reason and details; on failure also error and message. */
static int
run_operation (TcCtl *ctl, TcDBusSession *session, const TcCtlSessionRef *ref, const char *action, const char *method,
               guint64 cookie, GVariant *params)
{
  GVariantBuilder record;

  g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
  tc_ctl_record_add_session (&record, ref->path);
  tc_ctl_record_add_string (&record, "action", action);
  return tc_ctl_run_operation (ctl, G_DBUS_PROXY (session), method, params, cookie, OPERATION_TIMEOUT_MS, &record);
}

static const char operation_help[] =
  "Replies when the re-INVITE (INFO) transaction completes.  Prints the outcome: endpoint,\n"
  "session, path, action, cookie, ok, and from OperationComplete sip_status, reason and\n"
  "details; on failure also error and message (a line, or one JSON object), and exits 1.";

static int
run_hold (TcCtl *ctl, char **argv, gboolean hold)
{
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_autoptr (TcDBusSession) session = NULL;
  guint64 cookie;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL, operation_help, 1, 1, &args, &status))
    return status;
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status))
    return status;
  if ((status = tc_ctl_session_open (ctl, &ref, &session)) != TC_CTL_EXIT_OK)
    return status;
  cookie = tc_ctl_new_cookie ();
  return run_operation (ctl, session, &ref, hold ? "hold" : "resume", hold ? "Hold" : "Resume", cookie,
                        g_variant_new_parsed ("({'cookie': <%t>},)", cookie));
}

int
tc_ctl_cmd_hold (TcCtl *ctl, char **argv)
{
  return run_hold (ctl, argv, TRUE);
}

int
tc_ctl_cmd_resume (TcCtl *ctl, char **argv)
{
  return run_hold (ctl, argv, FALSE);
}

int
tc_ctl_cmd_info (TcCtl *ctl, char **argv)
{
  g_auto (GStrv) headers = NULL;
  const GOptionEntry entries[] = {
    { "header", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &headers, "Add a header to the INFO (repeatable)", "'NAME: VALUE'" },
    G_OPTION_ENTRY_NULL,
  };
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_autoptr (TcDBusSession) session = NULL;
  g_auto (GVariantBuilder) options = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  GVariant *parsed;
  guint64 cookie;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries, operation_help, 3, 3, &args, &status))
    return status;
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status) ||
      !tc_ctl_check_utf8 (ctl, "CONTENT-TYPE", args[1], &status))
    return status;
  if (headers)
    {
      if (!(parsed = tc_ctl_parse_headers (ctl, headers, &status)))
        return status;
      g_variant_builder_add (&options, "{sv}", "headers", parsed);
    }
  if ((status = tc_ctl_session_open (ctl, &ref, &session)) != TC_CTL_EXIT_OK)
    return status;
  cookie = tc_ctl_new_cookie ();
  g_variant_builder_add (&options, "{sv}", "cookie", g_variant_new_uint64 (cookie));
  /* The body goes as "ay" whatever the C type codegen picked for it. */
  return run_operation (ctl, session, &ref, "info", "SendInfo", cookie,
                        g_variant_new ("(s@aya{sv})", args[1],
                                       g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, args[2], strlen (args[2]), 1),
                                       &options));
}

/* ---- dtmf, play, record, mute ---- */

int
tc_ctl_cmd_dtmf (TcCtl *ctl, char **argv)
{
  g_autofree char *duration = NULL;
  const GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_FILENAME, &duration, "Milliseconds per digit, 40 to 5000 (default 160)", "MS" },
    G_OPTION_ENTRY_NULL,
  };
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GVariantBuilder) options = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  guint64 ms = 0;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Sends DIGITS (0-9 * # A-D) as RFC 4733 telephone-events, one after the other; returns once\n"
                     "they are queued.  Prints nothing; with --json {\"endpoint\", \"session\", \"path\",\n"
                     "\"action\": \"dtmf\", \"digits\"}.",
                     2, 2, &args, &status))
    return status;
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status))
    return status;
  if (!*args[1] || strspn (args[1], "0123456789*#ABCD") != strlen (args[1]))
    return tc_ctl_usage_error (ctl, "DIGITS may only hold 0-9 * # A-D, not '%s'", args[1]);
  if (duration && !g_ascii_string_to_unsigned (duration, 10, 40, 5000, &ms, NULL))
    return tc_ctl_usage_error (ctl, "--duration must be from 40 to 5000 milliseconds, not '%s'", duration);
  if (duration)
    g_variant_builder_add (&options, "{sv}", "duration", g_variant_new_uint32 ((guint32) ms));
  if ((status = tc_ctl_session_open (ctl, &ref, &session)) != TC_CTL_EXIT_OK)
    return status;
  if (!tc_dbus_session_call_send_dtmf_sync (session, args[1], g_variant_builder_end (&options), G_DBUS_CALL_FLAGS_NONE,
                                            -1, NULL, &error))
    return tc_ctl_report_error (ctl, error);
  tc_ctl_emit_action (ctl, &ref, "dtmf", g_variant_new_parsed ("{'digits': <%s>}", args[1]));
  return TC_CTL_EXIT_OK;
}

/* @file as an absolute path (the daemon resolves nothing against our directory);
 * NULL with a usage error. */
static char *
absolute_file (TcCtl *ctl, const char *file, int *status)
{
  g_autofree char *path = g_canonicalize_filename (file, NULL);

  if (!*file)
    {
      *status = tc_ctl_usage_error (ctl, "FILE is empty");
      return NULL;
    }
  if (!tc_ctl_check_utf8 (ctl, "FILE", path, status))
    return NULL;
  return g_steal_pointer (&path);
}

int
tc_ctl_cmd_play (TcCtl *ctl, char **argv)
{
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_autofree char *file = NULL;
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL,
                     "Plays FILE (WAV or Ogg) into the call instead of the audio source, then goes back to it\n"
                     "(monitor shows playback-finished).  Prints nothing; with --json {\"endpoint\", \"session\",\n"
                     "\"path\", \"action\": \"play\", \"file\"}.",
                     2, 2, &args, &status))
    return status;
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status) || !(file = absolute_file (ctl, args[1], &status)))
    return status;
  if ((status = tc_ctl_session_open (ctl, &ref, &session)) != TC_CTL_EXIT_OK)
    return status;
  if (!tc_dbus_session_call_play_file_sync (session, file, g_variant_new ("a{sv}", NULL), G_DBUS_CALL_FLAGS_NONE, -1,
                                            NULL, &error))
    return tc_ctl_report_error (ctl, error);
  tc_ctl_emit_action (ctl, &ref, "play", g_variant_new_parsed ("{'file': <%s>}", file));
  return TC_CTL_EXIT_OK;
}

int
tc_ctl_cmd_record (TcCtl *ctl, char **argv)
{
  gboolean both = FALSE;
  gboolean stop = FALSE;
  const GOptionEntry entries[] = {
    { "both", 'b', 0, G_OPTION_ARG_NONE, &both, "Mix our outgoing audio in (default: what we receive)", NULL },
    { "stop", 0, 0, G_OPTION_ARG_NONE, &stop, "Stop the recording and finish the file (no FILE)", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_autofree char *file = NULL;
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;
  GVariantBuilder options;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Records the call's audio to the WAV file FILE until --stop or the end of the call.\n"
                     "Prints nothing; with --json {\"endpoint\", \"session\", \"path\", \"action\": \"record\",\n"
                     "\"file\", \"both\"} (\"action\": \"stop-recording\" with --stop).",
                     1, 2, &args, &status))
    return status;
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status))
    return status;
  if (stop && (args[1] || both))
    return tc_ctl_usage_error (ctl, "--stop takes no FILE and no --both");
  if (!stop && !args[1])
    return tc_ctl_usage_error (ctl, "give FILE, or --stop");
  if (!stop && !(file = absolute_file (ctl, args[1], &status)))
    return status;
  if ((status = tc_ctl_session_open (ctl, &ref, &session)) != TC_CTL_EXIT_OK)
    return status;

  if (stop)
    {
      if (!tc_dbus_session_call_stop_recording_sync (session, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
        return tc_ctl_report_error (ctl, error);
      tc_ctl_emit_action (ctl, &ref, "stop-recording", NULL);
      return TC_CTL_EXIT_OK;
    }
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (both)
    g_variant_builder_add (&options, "{sv}", "both-directions", g_variant_new_boolean (TRUE));
  if (!tc_dbus_session_call_record_sync (session, file, g_variant_builder_end (&options), G_DBUS_CALL_FLAGS_NONE, -1,
                                         NULL, &error))
    return tc_ctl_report_error (ctl, error);
  tc_ctl_emit_action (ctl, &ref, "record", g_variant_new_parsed ("{'file': <%s>, 'both': <%b>}", file, both));
  return TC_CTL_EXIT_OK;
}

int
tc_ctl_cmd_mute (TcCtl *ctl, char **argv)
{
  g_auto (TcCtlSessionRef) ref = { 0 };
  g_auto (GStrv) args = NULL;
  g_autoptr (TcDBusSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean muted;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL,
                     "Mutes (on) or unmutes (off) our outgoing audio; silence is sent meanwhile.  Prints nothing;\n"
                     "with --json {\"endpoint\", \"session\", \"path\", \"action\": \"mute\", \"muted\"}.",
                     2, 2, &args, &status))
    return status;
  if (!tc_ctl_session_ref_parse (ctl, args[0], &ref, &status))
    return status;
  if (strcmp (args[1], "on") == 0)
    muted = TRUE;
  else if (strcmp (args[1], "off") == 0)
    muted = FALSE;
  else
    return tc_ctl_usage_error (ctl, "expected on or off, not '%s'", args[1]);
  if ((status = tc_ctl_session_open (ctl, &ref, &session)) != TC_CTL_EXIT_OK)
    return status;
  if (!tc_dbus_session_call_set_muted_sync (session, muted, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return tc_ctl_report_error (ctl, error);
  tc_ctl_emit_action (ctl, &ref, "mute", g_variant_new_parsed ("{'muted': <%b>}", muted));
  return TC_CTL_EXIT_OK;
}
