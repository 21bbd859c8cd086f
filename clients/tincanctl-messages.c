/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl-messages.c — page-mode messaging: "send" (SendMessage with a
 * random cookie, reporting the matching OperationComplete), "messages"
 * (ListPendingMessages, optionally acknowledging each once printed) and
 * "ack" (AcknowledgeMessage).
 *
 * Free-text options are G_OPTION_ARG_FILENAME so that GOption keeps their
 * bytes instead of converting from the locale's charset; they must be UTF-8.
 */
#include <stdio.h>
#include <string.h>

#include "tincanctl.h"

/* ---- operations with an outcome (SendMessage here; Hold, Resume and
 * SendInfo in tincanctl-session-ops.c) ---- */

typedef struct {
  GMainLoop *loop;
  guint64 cookie;
  GError *error;
  gboolean completed; /* OperationComplete with our cookie was seen */
  guint sip_status;
  char *reason;
  GVariant *details;
} Operation;

static void
on_operation_signal (GDBusProxy *proxy, const char *sender, const char *signal_name, GVariant *parameters,
                     gpointer user_data)
{
  Operation *op = user_data;
  guint64 cookie = 0;

  if (op->completed || strcmp (signal_name, "OperationComplete") != 0 ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(tusa{sv})")))
    return;
  g_variant_get_child (parameters, 0, "t", &cookie);
  if (cookie != op->cookie)
    return;
  op->completed = TRUE;
  g_variant_get (parameters, "(tus@a{sv})", NULL, &op->sip_status, &op->reason, &op->details);
}

static void
on_operation_reply (GObject *proxy, GAsyncResult *result, gpointer user_data)
{
  Operation *op = user_data;
  g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (proxy), result, &op->error);

  g_main_loop_quit (op->loop);
}

int
tc_ctl_run_operation (TcCtl *ctl, GDBusProxy *proxy, const char *method, GVariant *params, guint64 cookie,
                      int timeout_ms, GVariantBuilder *record)
{
  Operation op = { .cookie = cookie };
  int status;

  op.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (proxy, "g-signal", G_CALLBACK (on_operation_signal), &op);
  g_dbus_proxy_call (proxy, method, params, G_DBUS_CALL_FLAGS_NONE, timeout_ms, NULL, on_operation_reply, &op);
  g_main_loop_run (op.loop);
  /* OperationComplete comes just before the reply: let any queued dispatch run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_handlers_disconnect_by_data (proxy, &op);
  g_main_loop_unref (op.loop);

  status = op.error ? tc_ctl_report_error (ctl, op.error) : TC_CTL_EXIT_OK;
  if (status == TC_CTL_EXIT_UNREACHABLE)
    g_variant_builder_clear (record);
  else
    {
      g_variant_builder_add (record, "{sv}", "cookie", g_variant_new_uint64 (cookie));
      g_variant_builder_add (record, "{sv}", "ok", g_variant_new_boolean (!op.error));
      if (op.completed)
        {
          g_variant_builder_add (record, "{sv}", "sip_status", g_variant_new_uint32 (op.sip_status));
          tc_ctl_record_add_string (record, "reason", op.reason);
        }
      if (op.error)
        {
          g_autofree char *name = g_dbus_error_get_remote_error (op.error);
          g_autoptr (GError) copy = g_error_copy (op.error);

          g_dbus_error_strip_remote_error (copy);
          if (name)
            tc_ctl_record_add_string (record, "error", name);
          tc_ctl_record_add_string (record, "message", copy->message);
        }
      if (op.completed)
        g_variant_builder_add (record, "{sv}", "details", op.details);
      tc_ctl_emit_record (ctl, record);
    }

  g_clear_error (&op.error);
  g_free (op.reason);
  g_clear_pointer (&op.details, g_variant_unref);
  return status;
}

/* ---- send ---- */

/* Reads all of @path ("-": standard input). */
static GBytes *
read_body_file (const char *path, GError **error)
{
  char *contents = NULL;
  gsize len = 0;
  GByteArray *bytes;
  guint8 buf[4096];
  size_t n;

  if (strcmp (path, "-") != 0)
    {
      if (!g_file_get_contents (path, &contents, &len, error))
        return NULL;
      return g_bytes_new_take (contents, len);
    }
  bytes = g_byte_array_new ();
  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_byte_array_append (bytes, buf, (guint) n);
  if (ferror (stdin))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot read standard input");
      g_byte_array_unref (bytes);
      return NULL;
    }
  return g_byte_array_free_to_bytes (bytes);
}

int
tc_ctl_cmd_send (TcCtl *ctl, char **argv)
{
  g_autofree char *content_type = NULL;
  g_autofree char *file = NULL;
  int timeout = 60;
  const GOptionEntry entries[] = {
    { "content-type", 'c', 0, G_OPTION_ARG_FILENAME, &content_type,
      "Content-Type of the body (default: text/plain;charset=UTF-8)", "TYPE" },
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &file, "Send the contents of PATH (\"-\": standard input) instead of TEXT",
      "PATH" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      "Give up waiting for the reply after SECONDS (default 60; 0: never)", "SECONDS" },
    G_OPTION_ENTRY_NULL,
  };
  g_auto (GStrv) args = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (TcDBusEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;
  GVariantBuilder options;
  GVariantBuilder record;
  guint64 cookie;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Replies when the MESSAGE transaction completes.  Prints the outcome: endpoint, path,\n"
                     "target, cookie, ok, and from OperationComplete sip_status, reason and details; on failure\n"
                     "also error and message (a line, or one JSON object), and exits 1.",
                     2, 3, &args, &status))
    return status;
  if (!(path = tc_ctl_endpoint_path (ctl, args[0], &status)) || !tc_ctl_check_utf8 (ctl, "TARGET", args[1], &status) ||
      (content_type && !tc_ctl_check_utf8 (ctl, "--content-type", content_type, &status)))
    return status;
  if (timeout < 0)
    return tc_ctl_usage_error (ctl, "--timeout must not be negative");
  if (!file == !args[2])
    return tc_ctl_usage_error (ctl, "give either TEXT or --file PATH");
  if (file && !(body = read_body_file (file, &error)))
    return tc_ctl_usage_error (ctl, "--file: %s", error->message);
  if (!file)
    body = g_bytes_new (args[2], strlen (args[2]));

  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = tc_ctl_get_endpoint (ctl, &path, &endpoint)))
    return status;

  cookie = tc_ctl_new_cookie ();
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "cookie", g_variant_new_uint64 (cookie));
  g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
  tc_ctl_record_add_endpoint (&record, path);
  tc_ctl_record_add_string (&record, "target", args[1]);
  /* The body goes as "ay" whatever the C type codegen picked for it. */
  return tc_ctl_run_operation (ctl, G_DBUS_PROXY (endpoint), "SendMessage",
                               g_variant_new ("(ss@aya{sv})", args[1], content_type ? content_type : "",
                                              g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, body, TRUE),
                                              &options),
                               cookie, timeout > 0 && timeout < G_MAXINT / 1000 ? timeout * 1000 : G_MAXINT, &record);
}

/* ---- messages, ack ---- */

static int
acknowledge (TcCtl *ctl, TcDBusEndpoint *endpoint, const char *id)
{
  g_autoptr (GError) error = NULL;

  if (!tc_dbus_endpoint_call_acknowledge_message_sync (endpoint, id, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return tc_ctl_report_error (ctl, error);
  return TC_CTL_EXIT_OK;
}

int
tc_ctl_cmd_messages (TcCtl *ctl, char **argv)
{
  gboolean ack = FALSE;
  const GOptionEntry entries[] = {
    { "ack", 'a', 0, G_OPTION_ARG_NONE, &ack, "Acknowledge each message once it is printed", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_auto (GStrv) args = NULL;
  g_autofree char *path = NULL;
  g_autoptr (TcDBusEndpoint) endpoint = NULL;
  g_autoptr (GVariant) messages = NULL;
  g_autoptr (GError) error = NULL;
  GVariantIter iter;
  const char *id, *from, *to, *content_type;
  GVariant *body, *details;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Prints one line (or JSON object) per message, oldest first: endpoint, path, id, from, to,\n"
                     "content_type, body (when it is UTF-8 text) or body_base64, and details.",
                     1, 1, &args, &status))
    return status;
  if (!(path = tc_ctl_endpoint_path (ctl, args[0], &status)))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = tc_ctl_get_endpoint (ctl, &path, &endpoint)))
    return status;
  if (!tc_dbus_endpoint_call_list_pending_messages_sync (endpoint, G_DBUS_CALL_FLAGS_NONE, -1, &messages, NULL, &error))
    return tc_ctl_report_error (ctl, error);

  g_variant_iter_init (&iter, messages);
  while (g_variant_iter_loop (&iter, "(&s&s&s&s@ay@a{sv})", &id, &from, &to, &content_type, &body, &details))
    {
      GVariantBuilder record;

      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      tc_ctl_record_add_endpoint (&record, path);
      tc_ctl_record_add_string (&record, "id", id);
      tc_ctl_record_add_string (&record, "from", from);
      tc_ctl_record_add_string (&record, "to", to);
      tc_ctl_record_add_string (&record, "content_type", content_type);
      tc_ctl_record_add_body (&record, body);
      g_variant_builder_add (&record, "{sv}", "details", details);
      tc_ctl_emit_record (ctl, &record);

      if (ack && (status = acknowledge (ctl, endpoint, id)) != TC_CTL_EXIT_OK)
        {
          g_variant_unref (body);
          g_variant_unref (details);
          return status;
        }
    }
  return TC_CTL_EXIT_OK;
}

int
tc_ctl_cmd_ack (TcCtl *ctl, char **argv)
{
  g_auto (GStrv) args = NULL;
  g_autofree char *path = NULL;
  g_autoptr (TcDBusEndpoint) endpoint = NULL;
  GVariantBuilder record;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL,
                     "Prints nothing; with --json {\"endpoint\", \"path\", \"id\", \"acknowledged\": true}.", 2, 2,
                     &args, &status))
    return status;
  if (!(path = tc_ctl_endpoint_path (ctl, args[0], &status)) || !tc_ctl_check_utf8 (ctl, "ID", args[1], &status))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = tc_ctl_get_endpoint (ctl, &path, &endpoint)) ||
      (status = acknowledge (ctl, endpoint, args[1])))
    return status;

  if (ctl->json)
    {
      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      tc_ctl_record_add_endpoint (&record, path);
      tc_ctl_record_add_string (&record, "id", args[1]);
      g_variant_builder_add (&record, "{sv}", "acknowledged", g_variant_new_boolean (TRUE));
      tc_ctl_emit_record (ctl, &record);
    }
  return TC_CTL_EXIT_OK;
}
