/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * random.c — identifiers from the kernel's CSPRNG, getrandom(2) (random.h).
 */
#include "sip/random.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

/* A system call costs far more than the few bytes of an identifier:
 * identifiers are drawn from a per-thread pool refilled 4 KiB at a time.
 * A forked child drops the pool (pthread_atfork), so parent and child
 * never hand out the same bytes. */
typedef struct {
  guint8 bytes[4096];
  gsize used;
} RandomPool;

static __thread RandomPool thread_pool = { .used = sizeof thread_pool.bytes };

static void
on_fork_child (void)
{
  /* only the forking thread lives on in the child */
  memset (thread_pool.bytes, 0, sizeof thread_pool.bytes);
  thread_pool.used = sizeof thread_pool.bytes;
}

static void
rand_or_die (void *buf, gsize len)
{
  guint8 *out = buf;

  /* Blocks only until the kernel's pool is first initialised, early in
   * boot.  A failing source must not degrade into predictable
   * identifiers. */
  while (len > 0)
    {
      ssize_t n = getrandom (out, len, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("getrandom failed: no cryptographic random source: %s", g_strerror (errno));
      out += n;
      len -= (gsize) n;
    }
}

void
tc_sip_random_bytes (void *buf, gsize len)
{
  static gsize fork_handler_set = 0;
  guint8 *out = buf;

  g_return_if_fail (buf != NULL || len == 0);
  g_return_if_fail (len <= G_MAXINT);

  if (len == 0)
    return;
  if (len > sizeof thread_pool.bytes / 4)
    {
      rand_or_die (buf, len);
      return;
    }
  if (g_once_init_enter (&fork_handler_set))
    {
      pthread_atfork (NULL, NULL, on_fork_child);
      g_once_init_leave (&fork_handler_set, 1);
    }
  while (len > 0)
    {
      gsize take;

      if (thread_pool.used == sizeof thread_pool.bytes)
        {
          rand_or_die (thread_pool.bytes, sizeof thread_pool.bytes);
          thread_pool.used = 0;
        }
      take = MIN (len, sizeof thread_pool.bytes - thread_pool.used);
      memcpy (out, thread_pool.bytes + thread_pool.used, take);
      /* what is handed out is not kept */
      memset (thread_pool.bytes + thread_pool.used, 0, take);
      thread_pool.used += take;
      out += take;
      len -= take;
    }
}

void
tc_sip_random_token (char *out, gsize n_chars)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  guint8 pool[64];
  gsize have = 0, used = 0;

  g_return_if_fail (out != NULL);

  for (gsize i = 0; i < n_chars;)
    {
      guint8 byte;

      if (used == have)
        {
          have = MIN (sizeof pool, 2 * (n_chars - i) + 8);
          tc_sip_random_bytes (pool, have);
          used = 0;
        }
      byte = pool[used++];
      /* Rejection sampling: 248 = 4 * 62, so every character is equally likely. */
      if (byte >= 248)
        continue;
      out[i++] = alphabet[byte % 62];
    }
  out[n_chars] = '\0';
}

char *
tc_sip_random_tag (void)
{
  char *tag = g_malloc (16 + 1);

  tc_sip_random_token (tag, 16);
  return tag;
}

void
tc_sip_random_branch_to (char *out)
{
  memcpy (out, "z9hG4bK", 7);
  tc_sip_random_token (out + 7, TC_SIP_BRANCH_LEN - 7);
}

char *
tc_sip_random_branch (void)
{
  char *branch = g_malloc (TC_SIP_BRANCH_LEN + 1);

  tc_sip_random_branch_to (branch);
  return branch;
}

char *
tc_sip_random_call_id (void)
{
  char *call_id = g_malloc (24 + 1);

  tc_sip_random_token (call_id, 24);
  return call_id;
}
