/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench.c — the harness shared by the four parse benchmarks.
 *
 * Usage: bench-<parser> [--check] [--time SEC] [--reps N] [--iters N]
 *                       [--only NAME] [--label L] [--corpus DIR]
 *
 *   --check    parse every message once, print the values a UA reads, one
 *              line per message, and exit (1 if any message is rejected)
 *   --time     seconds one measurement should last (default 0.2); the
 *              iteration count is calibrated per message to reach it
 *   --reps     measurements per message (default 1)
 *   --iters    a fixed iteration count instead of calibrating (callgrind)
 *   --only     measure only the corpus message called NAME
 *   --label    copied into the result lines (the driver's round number)
 *
 * Result lines on stdout, tab-separated:
 *   result <parser> <message> <label> <rep> <iterations> <ns per message>
 */
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_CORPUS_DIR
#define BENCH_CORPUS_DIR "bench/corpus"
#endif

/* Keeps the values read in the timed loop observable. */
volatile uint64_t bench_sink;

uint64_t bench_measured_loop (const BenchParser *parser, const BenchMessage *msg, uint64_t iters);

BenchStr
bench_cstr (const char *s)
{
  BenchStr r = { s, s ? strlen (s) : 0 };
  return r;
}

static void
print_str (const char *key, BenchStr s)
{
  if (s.p)
    printf (" %s=%.*s", key, (int) s.len, s.p);
  else
    printf (" %s=(none)", key);
}

void
bench_print_fields (const BenchMessage *msg, const BenchFields *f)
{
  printf ("%s:", msg->name);
  if (f->is_request)
    print_str ("method", f->method);
  else
    printf (" status=%u", f->status);
  print_str ("via.branch", f->via_branch);
  print_str ("from.tag", f->from_tag);
  print_str ("to.tag", f->to_tag);
  print_str ("call-id", f->call_id);
  printf (" cseq=%u", (unsigned) f->cseq);
  print_str ("cseq.method", f->cseq_method);
  print_str ("contact.host", f->contact_host);
  printf ("\n");
}

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static void
fail (const BenchParser *parser, const BenchMessage *msg, const char *err)
{
  fprintf (stderr,
           "\nbench-%s: *** %s rejected corpus message %s: %s ***\n"
           "bench-%s: the benchmark is void; aborting\n",
           parser->name, parser->name, msg->name, err, parser->name);
  fflush (stdout);
  abort ();
}

/* The timed loop.  Not inlined and not static, so that callgrind can
 * restrict collection to it (--toggle-collect=bench_measured_loop). */
__attribute__ ((noinline)) uint64_t
bench_measured_loop (const BenchParser *parser, const BenchMessage *msg, uint64_t iters)
{
  BenchFields f;
  char err[512];
  uint64_t sink = 0;
  uint64_t i;

  for (i = 0; i < iters; i++)
    {
      err[0] = '\0';
      if (parser->run (msg, &f, 0, err, sizeof err) != 0)
        fail (parser, msg, err);
      sink += f.cseq + f.via_branch.len + f.from_tag.len + f.to_tag.len + f.call_id.len + f.cseq_method.len +
              f.contact.len + f.status + f.method.len;
    }
  return sink;
}

static double
time_loop (const BenchParser *parser, const BenchMessage *msg, uint64_t iters)
{
  double t0, t1;

  t0 = now_seconds ();
  bench_sink += bench_measured_loop (parser, msg, iters);
  t1 = now_seconds ();
  return t1 - t0;
}

/* Grows the iteration count until a loop lasts 20 ms (this also warms the
 * caches and the allocator), then scales it to @target seconds. */
static uint64_t
calibrate (const BenchParser *parser, const BenchMessage *msg, double target)
{
  uint64_t n = 1;
  double t;
  double iters;

  for (;;)
    {
      t = time_loop (parser, msg, n);
      if (t >= 0.02 || n >= (UINT64_C (1) << 32))
        break;
      n *= t < 0.002 ? 10 : 2;
    }
  iters = target / (t / (double) n);
  return iters < 1.0 ? 1 : (uint64_t) iters;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static unsigned char *
read_file (const char *path, size_t *len)
{
  FILE *fp = fopen (path, "rb");
  unsigned char *buf = NULL;
  size_t cap = 0, n = 0, r;

  if (!fp)
    return NULL;
  for (;;)
    {
      if (n == cap)
        {
          cap = cap ? cap * 2 : 4096;
          buf = realloc (buf, cap);
          if (!buf)
            abort ();
        }
      r = fread (buf + n, 1, cap - n, fp);
      n += r;
      if (r == 0)
        break;
    }
  fclose (fp);
  *len = n;
  return buf;
}

/* Loads every *.sip file of @dir, in name order.  "02-invite.sip" is
 * called "invite". */
static BenchMessage *
load_corpus (const char *dir, const char *only, size_t *n_out)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0, i;
  BenchMessage *msgs;

  if (!d)
    {
      fprintf (stderr, "bench: cannot open corpus directory %s: %s\n", dir, strerror (errno));
      exit (2);
    }
  while ((de = readdir (d)))
    {
      size_t l = strlen (de->d_name);

      if (l < 5 || strcmp (de->d_name + l - 4, ".sip") != 0)
        continue;
      if (n == cap)
        {
          cap = cap ? cap * 2 : 16;
          names = realloc (names, cap * sizeof *names);
          if (!names)
            abort ();
        }
      names[n++] = strdup (de->d_name);
    }
  closedir (d);
  qsort (names, n, sizeof *names, compare_names);

  msgs = calloc (n ? n : 1, sizeof *msgs);
  *n_out = 0;
  for (i = 0; i < n; i++)
    {
      BenchMessage *m = &msgs[*n_out];
      char path[4096];
      const char *base = names[i];
      size_t bl;

      /* Strip a leading "NN-" and the ".sip". */
      if (base[0] >= '0' && base[0] <= '9' && base[1] >= '0' && base[1] <= '9' && base[2] == '-')
        base += 3;
      bl = strlen (base) - 4;
      m->name = strndup (base, bl);
      if (only && strcmp (only, m->name) != 0)
        {
          free (m->name);
          free (names[i]);
          continue;
        }
      snprintf (path, sizeof path, "%s/%s", dir, names[i]);
      m->data = read_file (path, &m->len);
      if (!m->data || m->len == 0)
        {
          fprintf (stderr, "bench: cannot read %s\n", path);
          exit (2);
        }
      free (names[i]);
      (*n_out)++;
    }
  free (names);
  if (*n_out == 0)
    {
      fprintf (stderr, "bench: no corpus message%s%s in %s\n", only ? " called " : "", only ? only : "", dir);
      exit (2);
    }
  return msgs;
}

static void
usage (const char *argv0)
{
  fprintf (stderr,
           "usage: %s [--check] [--time SEC] [--reps N] [--iters N] [--only NAME]\n"
           "          [--label L] [--corpus DIR]\n",
           argv0);
  exit (2);
}

int
bench_main (const BenchParser *parser, int argc, char **argv)
{
  /* clang-format off */
  static const struct option options[] = {
    { "check", no_argument, NULL, 'c' },
    { "time", required_argument, NULL, 't' },
    { "reps", required_argument, NULL, 'r' },
    { "iters", required_argument, NULL, 'i' },
    { "only", required_argument, NULL, 'o' },
    { "label", required_argument, NULL, 'l' },
    { "corpus", required_argument, NULL, 'd' },
    { NULL, 0, NULL, 0 },
  };
  /* clang-format on */
  const char *corpus = getenv ("BENCH_CORPUS_DIR");
  const char *only = NULL;
  const char *label = "0";
  int check = 0;
  double target = 0.2;
  long reps = 1;
  uint64_t fixed_iters = 0;
  BenchMessage *msgs;
  size_t n_msgs, i;
  int opt, failures = 0;
  long rep;

  if (!corpus || !*corpus)
    corpus = BENCH_CORPUS_DIR;

  while ((opt = getopt_long (argc, argv, "", options, NULL)) != -1)
    {
      switch (opt)
        {
        case 'c':
          check = 1;
          break;
        case 't':
          target = strtod (optarg, NULL);
          break;
        case 'r':
          reps = strtol (optarg, NULL, 10);
          break;
        case 'i':
          fixed_iters = strtoull (optarg, NULL, 10);
          break;
        case 'o':
          only = optarg;
          break;
        case 'l':
          label = optarg;
          break;
        case 'd':
          corpus = optarg;
          break;
        default:
          usage (argv[0]);
        }
    }
  if (optind != argc || target <= 0 || reps < 1)
    usage (argv[0]);

  if (parser->init)
    parser->init ();
  msgs = load_corpus (corpus, only, &n_msgs);
  for (i = 0; i < n_msgs; i++)
    msgs[i].input = parser->prepare ? parser->prepare (&msgs[i]) : NULL;

  /* Every parser must accept every message: check each one before any
   * timing, and again on every iteration of the loop. */
  for (i = 0; i < n_msgs; i++)
    {
      BenchFields f;
      char err[512] = "";

      memset (&f, 0, sizeof f);
      if (parser->run (&msgs[i], &f, check, err, sizeof err) != 0)
        {
          if (!check)
            fail (parser, &msgs[i], err);
          printf ("%s: REJECTED: %s\n", msgs[i].name, err);
          failures++;
        }
    }
  fflush (stdout);
  if (check)
    return failures ? 1 : 0;

  for (i = 0; i < n_msgs; i++)
    {
      uint64_t iters = fixed_iters ? fixed_iters : calibrate (parser, &msgs[i], target);

      for (rep = 0; rep < reps; rep++)
        {
          double t = time_loop (parser, &msgs[i], iters);

          printf ("result\t%s\t%s\t%s\t%ld\t%llu\t%.2f\n", parser->name, msgs[i].name, label, rep,
                  (unsigned long long) iters, t * 1e9 / (double) iters);
          fflush (stdout);
        }
    }

  for (i = 0; i < n_msgs; i++)
    {
      if (parser->release)
        parser->release (msgs[i].input);
      free (msgs[i].data);
      free (msgs[i].name);
    }
  free (msgs);
  return 0;
}
