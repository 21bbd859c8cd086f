/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.h — TcConfig: the persisted accounts, one GKeyFile per endpoint
 * in <dir>/endpoints/<id>.conf (dir is $XDG_CONFIG_HOME/tincan), group
 * [Endpoint], one key per TcEndpointSettings key except password and
 * persist.  Files are written atomically (temporary file, fsync, rename).
 *
 * <id> is the endpoint's stable id: the object path component
 * /org/tincan/Tincan1/endpoint/<id>, [A-Za-z0-9_] only.
 *
 * Loading never gives up on the whole directory: each file that cannot be
 * read, parsed or validated is reported as a TcConfigProblem naming the
 * file, the line and the key, and the others load.
 */
#pragma once

#include <glib-object.h>

#include "core/settings.h"

G_BEGIN_DECLS

typedef struct {
  char *path;
  guint line; /* 1-based; 0 when the problem is not on one line */
  char *key;  /* NULL when not about one key */
  char *message;
} TcConfigProblem;

void tc_config_problem_free (TcConfigProblem *problem);
/* "path:line: key: message" (parts that are unset left out). */
char *tc_config_problem_to_string (const TcConfigProblem *problem);

typedef struct {
  char *id;
  TcEndpointSettings *settings;
} TcConfigAccount;

void tc_config_account_free (TcConfigAccount *account);

#define TC_TYPE_CONFIG (tc_config_get_type ())
G_DECLARE_FINAL_TYPE (TcConfig, tc_config, TC, CONFIG, GObject)

/* @dir: the configuration directory (created on first save). */
TcConfig *tc_config_new (const char *dir);
const char *tc_config_get_dir (TcConfig *self);

/* Every valid account (TcConfigAccount, sorted by id) and, in
 * @problems (TcConfigProblem), what was wrong with the rest. */
GPtrArray *tc_config_load (TcConfig *self, GPtrArray **problems);

/* Saves @settings (after tc_endpoint_settings_finish()) as account @id,
 * replacing it atomically. */
gboolean tc_config_save (TcConfig *self, const char *id, const TcEndpointSettings *settings, GError **error);
/* Deletes account @id; TRUE when there was none. */
gboolean tc_config_remove (TcConfig *self, const char *id, GError **error);

/* Whether @id is a valid account id. */
gboolean tc_config_id_is_valid (const char *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcConfigProblem, tc_config_problem_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcConfigAccount, tc_config_account_free)

G_END_DECLS
