/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * random.c — identifiers from OpenSSL's CSPRNG (random.h).
 */
#include "sip/random.h"

#include <openssl/rand.h>
#include <string.h>

void
tc_sip_random_bytes (void *buf, gsize len)
{
  g_return_if_fail (buf != NULL || len == 0);
  g_return_if_fail (len <= G_MAXINT);

  if (len == 0)
    return;
  /* A failing CSPRNG must not degrade into predictable identifiers. */
  if (RAND_bytes (buf, (int) len) != 1)
    g_error ("OpenSSL RAND_bytes failed: no cryptographic random source");
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
