/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * random.h — identifiers from a cryptographic random source (RFC 3261
 * §8.1.1.4, §19.3; the kernel's getrandom(2), never g_random: tags, Call-IDs and
 * branches must not be guessable, RFC 3261 §26.3.2.3 / RFC 4475 notes).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fills @buf with @len cryptographically random bytes.  Aborts if the
 * random source fails (getrandom(2) does not, once the kernel's pool is
 * initialised). */
void tc_sip_random_bytes (void *buf, gsize len);

/* A token of @n_chars characters from [A-Za-z0-9] written to @out, which
 * must hold @n_chars + 1 bytes (NUL-terminated).  Each character carries
 * log2(62) ≈ 5.95 bits. */
void tc_sip_random_token (char *out, gsize n_chars);

/* Newly allocated identifiers: a From/To tag (16 chars, 95 bits), a Via
 * branch with the RFC 3261 magic cookie ("z9hG4bK" + 22 chars, 131 bits),
 * a Call-ID (24 chars, 143 bits). */
char *tc_sip_random_tag (void);
char *tc_sip_random_branch (void);
char *tc_sip_random_call_id (void);

/* The branch written into @out (TC_SIP_BRANCH_LEN + 1 bytes), for hot
 * paths that avoid the allocation. */
#define TC_SIP_BRANCH_LEN (7 + 22)
void tc_sip_random_branch_to (char *out);

G_END_DECLS
