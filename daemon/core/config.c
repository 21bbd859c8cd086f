/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.c — TcConfig: the account files <dir>/endpoints/<id>.conf, one
 * GKeyFile with an [Endpoint] group each, read through the settings key
 * table (settings.c) and written atomically with mode 0600.
 *
 * Loading reports each bad file as a TcConfigProblem and goes on with the
 * others.  GKeyFile gives no line numbers, so the line of a syntax error or
 * of a bad key is found here by scanning the text the way GKeyFile parses it.
 */
#include "core/config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "core/core-error.h"

#define ENDPOINT_GROUP "Endpoint"
#define ACCOUNT_SUFFIX ".conf"
#define ID_MAX_LENGTH 64

struct _TcConfig {
  GObject parent_instance;

  char *dir;
};

G_DEFINE_FINAL_TYPE (TcConfig, tc_config, G_TYPE_OBJECT)

void
tc_config_problem_free (TcConfigProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->path);
  g_free (problem->key);
  g_free (problem->message);
  g_free (problem);
}

char *
tc_config_problem_to_string (const TcConfigProblem *problem)
{
  GString *out = g_string_new (NULL);

  if (problem->path)
    g_string_append (out, problem->path);
  if (problem->line > 0)
    g_string_append_printf (out, ":%u", problem->line);
  if (out->len > 0)
    g_string_append (out, ": ");
  if (problem->key)
    g_string_append_printf (out, "%s: ", problem->key);
  g_string_append (out, problem->message ? problem->message : "");
  return g_string_free (out, FALSE);
}

void
tc_config_account_free (TcConfigAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->id);
  tc_endpoint_settings_free (account->settings);
  g_free (account);
}

static void
tc_config_finalize (GObject *object)
{
  TcConfig *self = TC_CONFIG (object);

  g_free (self->dir);
  G_OBJECT_CLASS (tc_config_parent_class)->finalize (object);
}

static void
tc_config_class_init (TcConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_config_finalize;
}

static void
tc_config_init (TcConfig *self)
{
}

/**
 * tc_config_new:
 * @dir: the configuration directory ($XDG_CONFIG_HOME/tincan); it and its
 *   endpoints/ subdirectory are created (0700) on the first save
 *
 * Returns: (transfer full): a new TcConfig
 */
TcConfig *
tc_config_new (const char *dir)
{
  TcConfig *self;

  g_return_val_if_fail (dir != NULL, NULL);

  self = g_object_new (TC_TYPE_CONFIG, NULL);
  self->dir = g_strdup (dir);
  return self;
}

const char *
tc_config_get_dir (TcConfig *self)
{
  g_return_val_if_fail (TC_IS_CONFIG (self), NULL);

  return self->dir;
}

gboolean
tc_config_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > ID_MAX_LENGTH)
    return FALSE;
  /* an object path element: [A-Za-z0-9_] */
  for (; *id; id++)
    if (!g_ascii_isalnum (*id) && *id != '_')
      return FALSE;
  return TRUE;
}

static gboolean
check_id (const char *id, GError **error)
{
  if (!tc_config_id_is_valid (id))
    {
      g_autofree char *shown = id ? g_strescape (id, NULL) : NULL;

      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS,
                   "id: \"%s\" is not a valid account id ([A-Za-z0-9_], 1 to %u characters)", shown ? shown : "(null)",
                   ID_MAX_LENGTH);
      return FALSE;
    }
  return TRUE;
}

static char *
endpoints_dir (TcConfig *self)
{
  return g_build_filename (self->dir, "endpoints", NULL);
}

static char *
account_path (TcConfig *self, const char *id)
{
  g_autofree char *name = g_strconcat (id, ACCOUNT_SUFFIX, NULL);

  return g_build_filename (self->dir, "endpoints", name, NULL);
}

/* ---- saving -------------------------------------------------------------- */

static char *
account_data (const TcEndpointSettings *settings, gsize *length)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  const char *const *keys;

  g_key_file_set_comment (key_file, NULL, NULL, " Tincan account; tincand rewrites this file when the account changes",
                          NULL);
  for (keys = tc_endpoint_settings_keys (); *keys; keys++)
    {
      g_autofree char *text = tc_endpoint_settings_get_text (settings, *keys);

      if (text == NULL)
        continue;
      /* a(ss) text is already GKeyFile list syntax; the rest is escaped */
      if (g_variant_type_is_array (tc_endpoint_settings_key_type (*keys)))
        g_key_file_set_value (key_file, ENDPOINT_GROUP, *keys, text);
      else
        g_key_file_set_string (key_file, ENDPOINT_GROUP, *keys, text);
    }
  return g_key_file_to_data (key_file, length, NULL);
}

static gboolean
save_account (TcConfig *self, const char *id, const TcEndpointSettings *settings, GError **error)
{
  g_autofree char *dir = endpoints_dir (self);
  g_autofree char *path = account_path (self, id);
  g_autofree char *data = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "saving account %s: cannot create %s: %s", id, dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  data = account_data (settings, &length);
  /* a temporary file, fsync, rename: the old file or the new one, never half */
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 &local_error))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "saving account %s: %s", id, local_error->message);
      return FALSE;
    }
  g_debug ("config: saved account %s to %s", id, path);
  return TRUE;
}

/**
 * tc_config_save:
 * @id: the account id
 * @settings: finished settings (the password is never written)
 *
 * Writes <dir>/endpoints/<id>.conf, replacing any earlier version
 * atomically.
 *
 * Returns: %TRUE on success; %TC_CORE_ERROR_INVALID_ARGS for a bad id or
 *   settings without a URI, %TC_CORE_ERROR_FAILED when it cannot be written
 */
gboolean
tc_config_save (TcConfig *self, const char *id, const TcEndpointSettings *settings, GError **error)
{
  g_return_val_if_fail (TC_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  if (!check_id (id, error))
    return FALSE;
  if (settings->uri == NULL)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS,
                   "uri: missing; account %s has no address of record", id);
      return FALSE;
    }
  return save_account (self, id, settings, error);
}

/**
 * tc_config_remove:
 * @id: the account id
 *
 * Returns: %TRUE when the account file is gone, including when there was
 *   none; %FALSE with %TC_CORE_ERROR_INVALID_ARGS for a bad id or
 *   %TC_CORE_ERROR_FAILED when it could not be deleted
 */
gboolean
tc_config_remove (TcConfig *self, const char *id, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (TC_IS_CONFIG (self), FALSE);

  if (!check_id (id, error))
    return FALSE;
  path = account_path (self, id);
  if (g_unlink (path) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return TRUE;
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "removing account %s: %s: %s", id, path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  g_debug ("config: removed account %s (%s)", id, path);
  return TRUE;
}

/* ---- finding lines ------------------------------------------------------- */

/* Calls @func for each line of @text (without its line end), numbered from 1,
 * until it returns FALSE. */
typedef gboolean (*LineFunc) (const char *line, gsize len, guint number, gpointer user_data);

static void
for_each_line (const char *text, gsize length, LineFunc func, gpointer user_data)
{
  const char *p = text;
  const char *end = text + length;
  guint number = 1;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl ? nl : end;
      gsize len = line_end - p;

      if (len > 0 && p[len - 1] == '\r')
        len--;
      if (!func (p, len, number, user_data))
        return;
      p = nl ? nl + 1 : end;
      number++;
    }
}

static void
skip_space (const char **p, const char *end)
{
  while (*p < end && g_ascii_isspace (**p))
    (*p)++;
}

/* GKeyFile's line kinds (gkeyfile.c g_key_file_parse_line). */
typedef enum {
  LINE_BLANK_OR_COMMENT,
  LINE_GROUP,
  LINE_KEY_VALUE,
  LINE_BAD,
} LineKind;

/* Classifies a line; for a group, @name gets its name, for a key=value its
 * key (both views into @line). */
static LineKind
classify_line (const char *line, gsize len, const char **name, gsize *name_len)
{
  const char *p = line;
  const char *end = line + len;
  const char *close, *eq, *key_end;

  skip_space (&p, end);
  if (p == end || *p == '#')
    return LINE_BLANK_OR_COMMENT;
  if (*p == '[')
    {
      close = memchr (p, ']', end - p);
      if (close == NULL || close == p + 1)
        return LINE_BAD;
      *name = p + 1;
      *name_len = close - p - 1;
      for (p = close + 1; p < end; p++)
        if (*p != ' ' && *p != '\t')
          return LINE_BAD;
      return LINE_GROUP;
    }
  eq = memchr (p, '=', end - p);
  if (eq == NULL)
    return LINE_BAD;
  key_end = eq;
  while (key_end > p && g_ascii_isspace (key_end[-1]))
    key_end--;
  if (key_end == p)
    return LINE_BAD;
  *name = p;
  *name_len = key_end - p;
  return LINE_KEY_VALUE;
}

typedef struct {
  guint line;
  const char *why;
  gboolean in_group;
} SyntaxScan;

static gboolean
on_syntax_line (const char *line, gsize len, guint number, gpointer user_data)
{
  SyntaxScan *scan = user_data;
  const char *name = NULL;
  gsize name_len = 0;

  switch (g_utf8_validate (line, len, NULL) ? classify_line (line, len, &name, &name_len) : LINE_BAD)
    {
    case LINE_BLANK_OR_COMMENT:
      return TRUE;
    case LINE_GROUP:
      scan->in_group = TRUE;
      return TRUE;
    case LINE_KEY_VALUE:
      if (scan->in_group)
        return TRUE;
      scan->why = "key=value before any [group]";
      break;
    case LINE_BAD:
      scan->why =
        g_utf8_validate (line, len, NULL) ? "not a [group], key=value, comment or blank line" : "not valid UTF-8";
      break;
    }
  scan->line = number;
  return FALSE;
}

typedef struct {
  const char *group;
  const char *key; /* NULL: look for the group header itself */
  gboolean in_group;
  guint line;
  guint first_line;
  guint count;
} KeyScan;

static gboolean
on_key_line (const char *line, gsize len, guint number, gpointer user_data)
{
  KeyScan *scan = user_data;
  const char *name = NULL;
  gsize name_len = 0;

  switch (classify_line (line, len, &name, &name_len))
    {
    case LINE_GROUP:
      scan->in_group = name_len == strlen (scan->group) && memcmp (name, scan->group, name_len) == 0;
      if (scan->in_group && scan->key == NULL && scan->line == 0)
        scan->line = number;
      break;
    case LINE_KEY_VALUE:
      /* GKeyFile keeps the last of repeated keys, so the last line counts */
      if (scan->in_group && scan->key && name_len == strlen (scan->key) && memcmp (name, scan->key, name_len) == 0)
        {
          scan->line = number;
          if (scan->count++ == 0)
            scan->first_line = number;
        }
      break;
    case LINE_BLANK_OR_COMMENT:
    case LINE_BAD:
      break;
    }
  return TRUE;
}

/* The 1-based line of @key in @group (of the group header when @key is
 * NULL), or 0. */
static guint
find_key_line (const char *text, gsize length, const char *group, const char *key)
{
  KeyScan scan = { group, key, FALSE, 0, 0, 0 };

  for_each_line (text, length, on_key_line, &scan);
  return scan.line;
}

/* The first line of @key in [Endpoint] when it is there more than once
 * (GKeyFile would silently take the last), else 0. */
static guint
find_repeated_key (const char *text, gsize length, const char *key)
{
  KeyScan scan = { ENDPOINT_GROUP, key, FALSE, 0, 0, 0 };

  for_each_line (text, length, on_key_line, &scan);
  return scan.count > 1 ? scan.first_line : 0;
}

/* ---- loading ------------------------------------------------------------- */

static void
add_problem (GPtrArray *problems, const char *path, guint line, const char *key, const char *message)
{
  TcConfigProblem *problem = g_new0 (TcConfigProblem, 1);

  problem->path = g_strdup (path);
  problem->line = line;
  problem->key = g_strdup (key);
  problem->message = g_strdup (message);
  g_ptr_array_add (problems, problem);
}

/* A settings error is "<key>: <what>"; the problem has the key apart. */
static void
add_settings_problem (GPtrArray *problems, const char *path, const char *text, gsize length, const GError *error)
{
  const char *colon = strstr (error->message, ": ");
  g_autofree char *key = colon ? g_strndup (error->message, colon - error->message) : NULL;

  if (key && tc_endpoint_settings_has_key (key))
    add_problem (problems, path, find_key_line (text, length, ENDPOINT_GROUP, key), key, colon + 2);
  else
    add_problem (problems, path, 0, NULL, error->message);
}

/* One account file being read. */
typedef struct {
  const char *path;
  const char *text;
  gsize length;
  GKeyFile *key_file;
  GPtrArray *problems;
} AccountFile;

static void
file_problem (AccountFile *file, guint line, const char *key, const char *message)
{
  add_problem (file->problems, file->path, line, key, message);
}

/* Only [Endpoint]; FALSE (with problems added) otherwise. */
static gboolean
check_groups (AccountFile *file)
{
  g_auto (GStrv) groups = g_key_file_get_groups (file->key_file, NULL);
  gboolean ok = TRUE;
  guint i;

  for (i = 0; groups[i]; i++)
    if (!g_str_equal (groups[i], ENDPOINT_GROUP))
      {
        g_autofree char *message =
          g_strdup_printf ("unknown group [%s] (an account file has only [%s])", groups[i], ENDPOINT_GROUP);

        file_problem (file, find_key_line (file->text, file->length, groups[i], NULL), NULL, message);
        ok = FALSE;
      }
  if (!g_key_file_has_group (file->key_file, ENDPOINT_GROUP))
    {
      file_problem (file, 0, NULL, "no [" ENDPOINT_GROUP "] group");
      ok = FALSE;
    }
  return ok;
}

/* Sets @key of @settings from the file; FALSE (with a problem added) when
 * the key or its value is bad. */
static gboolean
load_key (AccountFile *file, TcEndpointSettings *settings, const char *key)
{
  guint line = find_key_line (file->text, file->length, ENDPOINT_GROUP, key);
  guint first_line = find_repeated_key (file->text, file->length, key);
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  if (first_line > 0)
    {
      g_autofree char *message = g_strdup_printf ("given more than once (first on line %u)", first_line);

      file_problem (file, line, key, message);
      return FALSE;
    }
  if (g_str_equal (key, "password"))
    {
      file_problem (file, line, key,
                    "not allowed in an account file (passwords live in the Secret Service or the credentials file)");
      return FALSE;
    }
  if (!tc_endpoint_settings_has_key (key) || g_str_equal (key, "persist"))
    {
      file_problem (file, line, key, "unknown key");
      return FALSE;
    }

  /* a(ss) text is GKeyFile list syntax as it stands; strings are unescaped */
  if (g_variant_type_is_array (tc_endpoint_settings_key_type (key)))
    value = g_key_file_get_value (file->key_file, ENDPOINT_GROUP, key, &error);
  else
    value = g_key_file_get_string (file->key_file, ENDPOINT_GROUP, key, &error);
  if (value == NULL)
    {
      if (g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING))
        file_problem (file, line, key, "not valid UTF-8");
      else
        file_problem (file, line, key, error->message);
      return FALSE;
    }
  if (!tc_endpoint_settings_set_text (settings, key, value, &error))
    {
      add_settings_problem (file->problems, file->path, file->text, file->length, error);
      return FALSE;
    }
  return TRUE;
}

/* Reads one account file; NULL (with problems added) when it is bad. */
static TcEndpointSettings *
load_account (const char *path, GPtrArray *problems, gboolean *instance_id_made)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) keys = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  AccountFile file = { path, NULL, 0, key_file, problems };
  gboolean ok;
  guint i;

  if (!g_file_get_contents (path, &text, &file.length, &error))
    {
      file_problem (&file, 0, NULL, error->message);
      return NULL;
    }
  file.text = text;
  if (!g_key_file_load_from_data (key_file, text, file.length, G_KEY_FILE_NONE, &error))
    {
      SyntaxScan scan = { 0, NULL, FALSE };

      for_each_line (text, file.length, on_syntax_line, &scan);
      if (scan.line > 0)
        file_problem (&file, scan.line, NULL, scan.why);
      else
        file_problem (&file, 0, NULL, error->message);
      return NULL;
    }

  ok = check_groups (&file);
  keys = g_key_file_get_keys (key_file, ENDPOINT_GROUP, NULL, NULL);
  for (i = 0; keys && keys[i]; i++)
    {
      /* a repeated key is listed once per line; load_key() reports it once */
      if (g_hash_table_add (seen, keys[i]) && !load_key (&file, settings, keys[i]))
        ok = FALSE;
    }
  if (!ok)
    return NULL;

  *instance_id_made = settings->instance_id == NULL;
  if (!tc_endpoint_settings_finish (settings, &error))
    {
      add_settings_problem (problems, path, text, file.length, error);
      return NULL;
    }
  return g_steal_pointer (&settings);
}

static gint
compare_problems (gconstpointer a, gconstpointer b)
{
  const TcConfigProblem *x = *(const TcConfigProblem *const *) a;
  const TcConfigProblem *y = *(const TcConfigProblem *const *) b;
  int by_path = g_strcmp0 (x->path, y->path);

  if (by_path != 0)
    return by_path;
  return x->line < y->line ? -1 : x->line > y->line;
}

static gint
compare_accounts (gconstpointer a, gconstpointer b)
{
  const TcConfigAccount *x = *(const TcConfigAccount *const *) a;
  const TcConfigAccount *y = *(const TcConfigAccount *const *) b;

  return strcmp (x->id, y->id);
}

/**
 * tc_config_load:
 * @problems: (out) (optional) (transfer full): TcConfigProblem for every
 *   file or key that could not be used
 *
 * Reads every account file.  A file with any problem is skipped as a
 * whole; the others load.  An account file without an instance-id gets
 * one, saved back so that it stays the same (RFC 5626 §4.1).
 *
 * Returns: (transfer full): TcConfigAccount, sorted by id
 */
GPtrArray *
tc_config_load (TcConfig *self, GPtrArray **problems)
{
  g_autoptr (GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_config_account_free);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_config_problem_free);
  g_autofree char *dir_path = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  const char *name;

  g_return_val_if_fail (TC_IS_CONFIG (self), NULL);

  dir_path = endpoints_dir (self);
  dir = g_dir_open (dir_path, 0, &error);
  if (dir == NULL)
    {
      /* no endpoints/ yet: no accounts, nothing wrong */
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        add_problem (found, dir_path, 0, NULL, error->message);
    }
  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *id = NULL;
      TcEndpointSettings *settings;
      TcConfigAccount *account;
      gboolean instance_id_made = FALSE;

      if (!g_str_has_suffix (name, ACCOUNT_SUFFIX))
        {
          add_problem (found, path, 0, NULL, "not an account file (<id>" ACCOUNT_SUFFIX "); ignored");
          continue;
        }
      id = g_strndup (name, strlen (name) - strlen (ACCOUNT_SUFFIX));
      if (!tc_config_id_is_valid (id))
        {
          g_autofree char *message = g_strdup_printf (
            "\"%s\" is not a valid account id ([A-Za-z0-9_], 1 to %u characters); ignored", id, ID_MAX_LENGTH);

          add_problem (found, path, 0, NULL, message);
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          add_problem (found, path, 0, NULL, "not a regular file; ignored");
          continue;
        }
      settings = load_account (path, found, &instance_id_made);
      if (settings == NULL)
        continue;
      if (instance_id_made && !save_account (self, id, settings, &error))
        {
          /* the account still works; its instance id changes next time */
          g_debug ("config: account %s: could not save its new instance-id: %s", id, error->message);
          g_clear_error (&error);
        }
      account = g_new0 (TcConfigAccount, 1);
      account->id = g_steal_pointer (&id);
      account->settings = settings;
      g_ptr_array_add (accounts, account);
    }

  g_ptr_array_sort (accounts, compare_accounts);
  /* stable: the problems of one line keep their order */
  g_ptr_array_sort (found, compare_problems);
  g_debug ("config: %u accounts loaded from %s, %u problems", accounts->len, dir_path, found->len);
  if (problems)
    *problems = g_steal_pointer (&found);
  return g_steal_pointer (&accounts);
}
