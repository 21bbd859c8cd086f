/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench.h — the harness shared by the four parse benchmarks (docs/benchmarks.md).
 *
 * Each program (bench-tincan, bench-sofia, bench-libre, bench-osip) supplies
 * one BenchParser; the harness loads the corpus, checks that the parser
 * accepts every message (a failure aborts loudly), calibrates an iteration
 * count, times the loop with CLOCK_MONOTONIC and prints one result line per
 * message and repetition.  The harness is plain C (no GLib) so that the
 * competitor programs link nothing but their own library.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* A borrowed view, as the libraries hand out their values. */
typedef struct {
  const char *p; /* NULL when absent */
  size_t len;
} BenchStr;

/* The values a UA reads from every message it receives.  Filled by the
 * parser's run function on every iteration (not only in --check mode). */
typedef struct {
  int is_request;
  BenchStr method;     /* request method (requests) */
  unsigned status;     /* status code (responses) */
  BenchStr via_branch; /* branch of the topmost Via */
  BenchStr from_tag;
  BenchStr to_tag; /* absent outside a dialog */
  BenchStr call_id;
  uint32_t cseq;
  BenchStr cseq_method;
  BenchStr contact;      /* the first Contact: URI text or, where the
                          * library only keeps it decoded, its host */
  BenchStr contact_host; /* host of the first Contact URI (--check only) */
} BenchFields;

typedef struct {
  char *name;          /* "invite", from "02-invite.sip" */
  unsigned char *data; /* the file, exactly @len bytes */
  size_t len;
  void *input; /* what BenchParser.prepare made of it */
} BenchMessage;

typedef struct {
  const char *name; /* "tincan", "sofia-sip", "libre", "osip" */
  /* Once, before anything else (library initialisation); may be NULL. */
  void (*init) (void);
  /* Once per message, outside the timed loop: the input in the form the
   * library takes it (a GBytes, an mbuf…); may be NULL. */
  void *(*prepare) (const BenchMessage *msg);
  void (*release) (void *input);
  /* One iteration: parse @msg, read the UA's values into @f, free the
   * message.  With @check set, also fill f->contact_host and print the
   * values (bench_print_fields) before freeing.  Returns 0, or -1 with a
   * reason written into @err. */
  int (*run) (const BenchMessage *msg, BenchFields *f, int check, char *err, size_t err_len);
} BenchParser;

int bench_main (const BenchParser *parser, int argc, char **argv);

/* For run(): prints the values of @f as one line on stdout, in a form that
 * is the same for every parser (the driver diffs them). */
void bench_print_fields (const BenchMessage *msg, const BenchFields *f);

static inline BenchStr
bench_str (const char *p, size_t len)
{
  BenchStr s = { p, len };
  return s;
}

/* A NUL-terminated C string or NULL. */
BenchStr bench_cstr (const char *s);
