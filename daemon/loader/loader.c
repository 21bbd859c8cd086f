/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loader.c — modules opened on first use (loader.h).
 */
#include "loader/loader.h"

#include <gio/gio.h>
#include <gmodule.h>
#include <string.h>

/* Set by meson: the build tree's root and module directory, and where
 * modules are installed (TC_MODULE_INSTALL_DIR absolute; the other two
 * relative to the prefix when the options were). */
#ifndef TC_BUILD_ROOT
#error "TC_BUILD_ROOT is not defined"
#endif

/* Whether @path is @dir or lies below it (both canonical). */
static gboolean
path_is_below (const char *path, const char *dir)
{
  gsize len = strlen (dir);

  return strncmp (path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

static char *
find_module_dir (void)
{
  const char *env = g_getenv ("TINCAN_MODULE_DIR");
  g_autofree char *exe = NULL;
  g_autofree char *build_root = NULL;
  g_autofree char *exe_dir = NULL;

  if (env && *env)
    return g_strdup (env);
  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe)
    {
      build_root = g_canonicalize_filename (TC_BUILD_ROOT, "/");
      if (path_is_below (exe, build_root))
        return g_strdup (TC_MODULE_BUILD_DIR);
      /* <prefix>/<bindir>/tincand → <prefix>/<libdir>/tincan */
      exe_dir = g_path_get_dirname (exe);
      if (!g_path_is_absolute (TC_BINDIR) && !g_path_is_absolute (TC_MODULE_DIR_IN_PREFIX))
        {
          g_autofree char *bindir = g_canonicalize_filename (TC_BINDIR, "/");
          gsize exe_len = strlen (exe_dir), bin_len = strlen (bindir);

          /* bindir canonicalized against "/" starts with one '/' */
          if (exe_len > bin_len && g_str_has_suffix (exe_dir, bindir))
            {
              g_autofree char *prefix = g_strndup (exe_dir, exe_len - bin_len);

              return g_build_filename (*prefix ? prefix : "/", TC_MODULE_DIR_IN_PREFIX, NULL);
            }
        }
    }
  return g_strdup (TC_MODULE_INSTALL_DIR);
}

const char *
tc_loader_get_module_dir (void)
{
  static gsize once;
  static char *dir;

  if (g_once_init_enter (&once))
    {
      dir = find_module_dir ();
      g_once_init_leave (&once, 1);
    }
  return dir;
}

static GModule *
open_module (const char *name, GError **error)
{
  g_autofree char *file = g_strconcat (name, ".so", NULL);
  g_autofree char *path = g_build_filename (tc_loader_get_module_dir (), file, NULL);
  GModule *module;

  /* Opening a module twice gives the same one (the callers keep the
   * table, so this runs once per module).  Lazy binding: only what is
   * called gets resolved. */
  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (!module)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "cannot load the module %s (TINCAN_MODULE_DIR names the directory that holds it): %s", name,
                   g_module_error ());
      return NULL;
    }
  g_module_make_resident (module);
  g_debug ("loaded the module %s", path);
  return module;
}

gconstpointer
tc_loader_get (const char *name, const char *symbol, guint32 abi, guint32 size, GError **error)
{
  GModule *module;
  gpointer table = NULL;
  const TcLoaderHeader *header;

  g_return_val_if_fail (name != NULL && symbol != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  module = open_module (name, error);
  if (!module)
    return NULL;
  if (!g_module_symbol (module, symbol, &table) || !table)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "the module %s (%s) has no %s: %s", name,
                   g_module_name (module), symbol, g_module_error ());
      return NULL;
    }
  header = table;
  if (header->abi != abi || header->size != size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "the module %s (%s) does not match this tincand (interface %u/%u, expected %u/%u): "
                   "rebuild or reinstall it",
                   name, g_module_name (module), header->abi, header->size, abi, size);
      return NULL;
    }
  return table;
}
