/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl.h — what the parts of tincanctl share: the invocation state
 * (TcCtl), exit statuses, argument parsing and bus helpers (tincanctl.c),
 * the output records (tincanctl-format.c) and the commands
 * (tincanctl-commands.c, -register.c, -messages.c, -calls.c, -monitor.c).
 *
 * tincanctl speaks D-Bus only, through the generated TcDBus proxies
 * (architecture.md, style.md B1).
 */
#pragma once

#include <gio/gio.h>

#include "tincan-dbus-generated.h"

G_BEGIN_DECLS

#define TC_CTL_BUS_NAME "org.tincan.Tincan1"
#define TC_CTL_MANAGER_PATH "/org/tincan/Tincan1"
#define TC_CTL_ENDPOINT_PREFIX "/org/tincan/Tincan1/endpoint/"
#define TC_CTL_ENDPOINT_IFACE "org.tincan.Tincan1.Endpoint"
#define TC_CTL_MANAGER_IFACE "org.tincan.Tincan1.Manager"
#define TC_CTL_SESSION_IFACE "org.tincan.Tincan1.Session"
#define TC_CTL_MEDIA_IFACE "org.tincan.Tincan1.Media"

/* Exit statuses, as --help documents them. */
enum {
  TC_CTL_EXIT_OK = 0,          /* success */
  TC_CTL_EXIT_FAILED = 1,      /* the daemon reported a failure (or an awaited outcome was a failure) */
  TC_CTL_EXIT_USAGE = 2,       /* bad command line, or an input it names cannot be read */
  TC_CTL_EXIT_UNREACHABLE = 3, /* no bus, or org.tincan.Tincan1 not owned and not activatable */
};

/* One invocation: the global options and, once connected, the bus objects. */
typedef struct _TcCtl TcCtl;

/* A subcommand: parses its own arguments (argv[0] is the program), then does its work;
 * returns the exit status. */
typedef int (*TcCtlCommandFunc) (TcCtl *ctl, char **argv);

typedef struct {
  const char *name;
  const char *params;  /* the positional arguments, for the usage line */
  const char *summary; /* one line, for --help */
  TcCtlCommandFunc run;
} TcCtlCommand;

/* One invocation: the global options and, once connected, the bus objects. */
struct _TcCtl {
  const TcCtlCommand *command;
  gboolean json; /* --json */
  char *address; /* --address, or NULL for the session bus */
  GDBusConnection *connection;
  TcDBusManager *manager;
};

/* tincanctl.c */
gboolean tc_ctl_parse (TcCtl *ctl, char **argv, const GOptionEntry *entries, const char *description, guint min_args,
                       guint max_args, char ***args_out, int *status);
int tc_ctl_usage_error (TcCtl *ctl, const char *format, ...) G_GNUC_PRINTF (2, 3);
gboolean tc_ctl_check_utf8 (TcCtl *ctl, const char *what, const char *value, int *status);
char *tc_ctl_endpoint_path (TcCtl *ctl, const char *arg, int *status);
const char *tc_ctl_endpoint_id (const char *path);
int tc_ctl_connect (TcCtl *ctl);
int tc_ctl_resolve_endpoint (TcCtl *ctl, char **path);
int tc_ctl_get_endpoint (TcCtl *ctl, char **path, TcDBusEndpoint **out);
int tc_ctl_report_error (TcCtl *ctl, const GError *error);
guint64 tc_ctl_new_cookie (void);

/* tincanctl-format.c: records are a{sv} built in order; written as one JSON object per line
 * (--json) or one "key=value …" line. */
void tc_ctl_record_add_string (GVariantBuilder *record, const char *key, const char *value);
void tc_ctl_record_add_endpoint (GVariantBuilder *record, const char *path);
void tc_ctl_record_add_body (GVariantBuilder *record, GVariant *body);
GVariant *tc_ctl_snake_case_keys (GVariant *properties);
char *tc_ctl_snake_case (const char *name);
gboolean tc_ctl_bytes_are_text (const guint8 *data, gsize len);
void tc_ctl_json_append (GString *out, GVariant *value);
void tc_ctl_json_append_string (GString *out, const char *value);
char *tc_ctl_record_to_json (GVariant *record);
char *tc_ctl_record_to_text (GVariant *record);
void tc_ctl_text_append_value (GString *out, GVariant *value);
void tc_ctl_write_line (const char *line);
void tc_ctl_write_table (GPtrArray *rows, guint n_columns);
void tc_ctl_emit_record (TcCtl *ctl, GVariantBuilder *record);

/* the commands: tincanctl-commands.c, tincanctl-register.c, tincanctl-messages.c, tincanctl-calls.c,
 * tincanctl-monitor.c */
GVariant *tc_ctl_proxy_properties (GDBusProxy *proxy, GDBusInterfaceInfo *info);
GVariant *tc_ctl_endpoint_properties (TcDBusEndpoint *endpoint);
const char *tc_ctl_or_dash (const char *value);
GVariant *tc_ctl_parse_headers (TcCtl *ctl, char **headers, int *status);
char *tc_ctl_session_name (const char *path);
void tc_ctl_record_add_session (GVariantBuilder *record, const char *path);
int tc_ctl_cmd_list (TcCtl *ctl, char **argv);
int tc_ctl_cmd_show (TcCtl *ctl, char **argv);
int tc_ctl_cmd_add (TcCtl *ctl, char **argv);
int tc_ctl_cmd_remove (TcCtl *ctl, char **argv);
int tc_ctl_cmd_register (TcCtl *ctl, char **argv);
int tc_ctl_cmd_unregister (TcCtl *ctl, char **argv);
int tc_ctl_cmd_send (TcCtl *ctl, char **argv);
int tc_ctl_cmd_messages (TcCtl *ctl, char **argv);
int tc_ctl_cmd_ack (TcCtl *ctl, char **argv);
int tc_ctl_cmd_trace (TcCtl *ctl, char **argv);
int tc_ctl_cmd_version (TcCtl *ctl, char **argv);
/* ---- sessions (tincanctl-calls.c; used by tincanctl-session-ops.c) ---- */

/* A SESSION argument: the endpoint (a path, or a URI until resolved) and the number. */
typedef struct {
  char *endpoint;
  guint32 number;
  char *path; /* the session's object path, once the endpoint is resolved */
  char *name; /* ID/N, likewise */
} TcCtlSessionRef;

void tc_ctl_session_ref_clear (TcCtlSessionRef *ref);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TcCtlSessionRef, tc_ctl_session_ref_clear)
/* Checks SESSION before anything touches the bus; FALSE with a usage error. */
gboolean tc_ctl_session_ref_parse (TcCtl *ctl, const char *arg, TcCtlSessionRef *ref, int *status);
/* For a parsed @ref: connects, resolves it and gets its proxy.  Returns the exit status. */
int tc_ctl_session_open (TcCtl *ctl, TcCtlSessionRef *ref, TcDBusSession **out);
/* With --json, {"endpoint", "session", "path", "action"} and what @extra adds. */
void tc_ctl_emit_action (TcCtl *ctl, const TcCtlSessionRef *ref, const char *action, GVariant *extra);

/* Calls @method on @proxy with @params (floating; its options carry @cookie)
 * and waits for the reply; completes @record (already naming who and what)
 * with cookie, ok, and from OperationComplete sip_status, reason and
 * details, on failure error and message, and emits it.  Returns the exit
 * status.  (tincanctl-messages.c) */
int tc_ctl_run_operation (TcCtl *ctl, GDBusProxy *proxy, const char *method, GVariant *params, guint64 cookie,
                          int timeout_ms, GVariantBuilder *record);

int tc_ctl_cmd_call (TcCtl *ctl, char **argv);
int tc_ctl_cmd_sessions (TcCtl *ctl, char **argv);
int tc_ctl_cmd_answer (TcCtl *ctl, char **argv);
int tc_ctl_cmd_reject (TcCtl *ctl, char **argv);
int tc_ctl_cmd_hangup (TcCtl *ctl, char **argv);
int tc_ctl_cmd_hold (TcCtl *ctl, char **argv);
int tc_ctl_cmd_resume (TcCtl *ctl, char **argv);
int tc_ctl_cmd_dtmf (TcCtl *ctl, char **argv);
int tc_ctl_cmd_info (TcCtl *ctl, char **argv);
int tc_ctl_cmd_play (TcCtl *ctl, char **argv);
int tc_ctl_cmd_record (TcCtl *ctl, char **argv);
int tc_ctl_cmd_mute (TcCtl *ctl, char **argv);
int tc_ctl_cmd_monitor (TcCtl *ctl, char **argv);

G_END_DECLS
