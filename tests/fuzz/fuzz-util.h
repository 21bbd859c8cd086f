/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-util.h — helpers shared by the libFuzzer targets of tests/fuzz/.
 *
 * Every target defines LLVMFuzzerInitialize() and LLVMFuzzerTestOneInput();
 * they are linked either with libFuzzer (-Dfuzzing=true, clang) or with
 * replay-main.c, which replays corpus files as an ordinary test.
 *
 * The targets do not only look for crashes: they check the contracts the
 * headers of daemon/sip/ promise (round trips, GError on failure, views
 * inside the message buffer, framing that does not depend on how a stream is
 * cut) and abort() with a message naming the broken contract when one fails,
 * so that libFuzzer saves the input as a crash.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/header.h"
#include "sip/message.h"
#include "sip/str.h"
#include "sip/uri.h"

G_BEGIN_DECLS

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Installs a GLib log writer that aborts on warnings and criticals, so a
 * g_return_if_fail() reached from input is a crash, also under libFuzzer
 * (which does not see G_DEBUG=fatal-warnings). */
void fuzz_init (void);

G_NORETURN void fuzz_fail (const char *loc, const char *expr, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* abort()s with the location, the failed expression and a message. */
#define fuzz_check(cond, ...) \
  G_STMT_START \
  { \
    if (G_UNLIKELY (!(cond))) \
      fuzz_fail (G_STRLOC, #cond, __VA_ARGS__); \
  } \
  G_STMT_END

/* The buffer a parsed message's views must lie in; start NULL when the
 * buffer is not known (messages from the stream parser). */
typedef struct {
  const char *start;
  gsize len;
} FuzzBuf;

#define FUZZ_BUF_UNKNOWN ((FuzzBuf){ NULL, 0 })

/* Reads every byte (so ASan sees an out-of-bounds view). */
void fuzz_touch (const void *p, gsize len);
/* Reads a view and checks that it is well formed (NULL only with length 0)
 * and, when @buf is known, that a non-empty view lies inside it. */
void fuzz_touch_str (TcSipStr s, FuzzBuf buf, const char *what);
void fuzz_touch_cstr (const char *s);

/* The GError contract of sip-error.h: @ok is FALSE exactly when @error is
 * set; the error is in TC_SIP_ERROR, carries a 4xx/5xx status, and its
 * message is usable as a reason phrase (non-empty UTF-8, no CR, LF or other
 * control character). */
void fuzz_check_result (gboolean ok, const GError *error, const char *what);

/* Walks generic parameters with the iterator and tc_sip_params_get(). */
void fuzz_exercise_params (const TcSipParams *params, FuzzBuf buf);
/* Iterates a list value and checks the elements are ordered, disjoint
 * sub-views of @value; returns the number of non-empty elements. */
guint fuzz_exercise_list (TcSipStr value);

void fuzz_exercise_via (const TcSipVia *via, FuzzBuf buf);
void fuzz_exercise_name_addr (const TcSipNameAddr *addr, FuzzBuf buf);
void fuzz_exercise_contact (const TcSipContact *contact, FuzzBuf buf);
void fuzz_exercise_auth (const TcSipAuth *auth, FuzzBuf buf);

/* All getters of a URI, then its round trip: to_string() parses again, the
 * result is equal (both ways) and prints the same text; copy() is equal;
 * tc_sip_uri_validate() accepts the text. */
void fuzz_exercise_uri (const TcSipUri *uri);

G_END_DECLS
