/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for random.h: shapes of tags, branches and Call-IDs, and that they
 * do not repeat. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sip/random.h"

static gboolean
is_alnum_string (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]))
      return FALSE;
  return s[len] == '\0';
}

static void
test_shapes (void)
{
  g_autofree char *tag = tc_sip_random_tag ();
  g_autofree char *branch = tc_sip_random_branch ();
  g_autofree char *call_id = tc_sip_random_call_id ();

  g_assert_true (is_alnum_string (tag, 16));
  g_assert_cmpuint (strlen (branch), ==, TC_SIP_BRANCH_LEN);
  g_assert_true (g_str_has_prefix (branch, "z9hG4bK"));
  g_assert_true (is_alnum_string (branch + 7, TC_SIP_BRANCH_LEN - 7));
  g_assert_true (is_alnum_string (call_id, 24));
}

static void
test_unique_and_spread (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint counts[128] = { 0 };
  guint total = 0;

  for (guint i = 0; i < 10000; i++)
    {
      char *tag = tc_sip_random_tag ();

      for (const char *p = tag; *p; p++, total++)
        counts[(guchar) *p]++;
      g_assert_true (g_hash_table_add (seen, tag));
    }
  /* 62 symbols, 160,000 draws: each expected ~2581 times; a broken
   * sampler (e.g. modulo bias or a stuck byte) is far outside ±25 %. */
  for (guint c = 0; c < 128; c++)
    if (g_ascii_isalnum (c))
      {
        g_assert_cmpuint (counts[c], >, total / 62 * 3 / 4);
        g_assert_cmpuint (counts[c], <, total / 62 * 5 / 4);
      }
    else
      g_assert_cmpuint (counts[c], ==, 0);
}

static void
test_bytes (void)
{
  guint8 a[32] = { 0 }, b[32] = { 0 };

  tc_sip_random_bytes (a, sizeof a);
  tc_sip_random_bytes (b, sizeof b);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
  tc_sip_random_bytes (NULL, 0);
}

/* The pool is not inherited: a forked child draws other bytes than its
 * parent does next. */
static void
test_fork (void)
{
  guint8 parent[16], child[16];
  int fds[2];
  pid_t pid;

  tc_sip_random_bytes (parent, 1); /* fill the pool */
  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      tc_sip_random_bytes (child, sizeof child);
      if (write (fds[1], child, sizeof child) != sizeof child)
        _exit (1);
      _exit (0);
    }
  tc_sip_random_bytes (parent, sizeof parent);
  g_assert_cmpint (read (fds[0], child, sizeof child), ==, sizeof child);
  waitpid (pid, NULL, 0);
  close (fds[0]);
  close (fds[1]);
  g_assert_true (memcmp (parent, child, sizeof parent) != 0);
}

/* Large and small draws, across pool refills, never repeat. */
static void
test_pool_refill (void)
{
  g_autoptr (GHashTable) seen =
    g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);

  for (guint i = 0; i < 3000; i++)
    {
      gsize len = 8 + i % 2000;
      guint8 *buf = g_malloc (len);

      tc_sip_random_bytes (buf, len);
      g_assert_true (g_hash_table_add (seen, g_bytes_new_take (buf, len)));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip/random/shapes", test_shapes);
  g_test_add_func ("/sip/random/unique-and-spread", test_unique_and_spread);
  g_test_add_func ("/sip/random/bytes", test_bytes);
  g_test_add_func ("/sip/random/fork", test_fork);
  g_test_add_func ("/sip/random/pool-refill", test_pool_refill);
  return g_test_run ();
}
