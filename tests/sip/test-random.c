/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for random.h: shapes of tags, branches and Call-IDs, and that they
 * do not repeat. */
#include <string.h>

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip/random/shapes", test_shapes);
  g_test_add_func ("/sip/random/unique-and-spread", test_unique_and_spread);
  g_test_add_func ("/sip/random/bytes", test_bytes);
  return g_test_run ();
}
