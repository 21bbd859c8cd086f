/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * replay-main.c — main() for the fuzz targets built without libFuzzer.
 *
 * Walks every file under the paths given as arguments (directories
 * recursively, in name order; hidden files skipped) and calls
 * LLVMFuzzerTestOneInput() on each, from an allocation of exactly the file's
 * size so that the sanitizers see a read past the input.  Output is TAP, one
 * test point per file: a crash or an abort() in a target stops the run after
 * the "# replaying" line naming the input.  Running no input at all is a
 * failure.  (systemd's fuzz-main.c plays the same role.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
collect (const char *path, GPtrArray *files, GError **error)
{
  g_autoptr (GQueue) dirs = g_queue_new ();

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no such file or directory", path);
          return FALSE;
        }
      g_ptr_array_add (files, g_strdup (path));
      return TRUE;
    }

  /* Iterative walk, each directory's entries in name order. */
  g_queue_push_tail (dirs, g_strdup (path));
  while (!g_queue_is_empty (dirs))
    {
      g_autofree char *dir_path = g_queue_pop_head (dirs);
      g_autoptr (GDir) dir = g_dir_open (dir_path, 0, error);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (!dir)
        return FALSE;
      while ((name = g_dir_read_name (dir)))
        if (name[0] != '.')
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        {
          char *child = g_build_filename (dir_path, names->pdata[i], NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            g_queue_push_tail (dirs, child);
          else if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
            g_ptr_array_add (files, child);
          else
            g_free (child);
        }
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
      return 2;
    }

  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;

      if (!collect (argv[i], files, &error))
        {
          printf ("Bail out! %s\n", error->message);
          return 1;
        }
    }
  if (files->len == 0)
    {
      printf ("Bail out! no input found in the corpus paths given\n");
      return 1;
    }

  printf ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autoptr (GError) error = NULL;
      g_autofree char *contents = NULL;
      g_autofree guint8 *input = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &contents, &len, &error))
        {
          printf ("not ok %u %s # %s\n", i + 1, path, error->message);
          continue;
        }
      /* Exactly @len bytes (one for an empty input, which is passed as a
       * non-NULL pointer of size 0, like libFuzzer does). */
      input = g_malloc (MAX (len, 1));
      memcpy (input, contents, len);
      g_clear_pointer (&contents, g_free);

      printf ("# replaying %s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
      fflush (stdout);
      LLVMFuzzerTestOneInput (input, len);
      printf ("ok %u %s\n", i + 1, path);
    }
  return 0;
}
