/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec-stamp FILE PROGRAM [ARGS...] — writes the wall-clock time
 * (CLOCK_REALTIME, "seconds.nanoseconds\n") to FILE, then execs PROGRAM
 * in the same process (same pid).  bench/daemon/bench-daemon.py starts
 * tincand, baresip and linphonec through it, so "time from exec" starts
 * a few microseconds before execve(2) for all three, and compares with
 * the timestamps Kamailio's xlog and dbus-bench write with the same clock.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: exec-stamp FILE PROGRAM [ARGS...]\n");
      return 2;
    }
  FILE *f = fopen (argv[1], "w");
  if (!f)
    {
      fprintf (stderr, "exec-stamp: %s: %s\n", argv[1], strerror (errno));
      return 2;
    }
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  fprintf (f, "%lld.%09ld\n", (long long) ts.tv_sec, ts.tv_nsec);
  if (fclose (f) != 0)
    return 2;
  execvp (argv[2], argv + 2);
  fprintf (stderr, "exec-stamp: %s: %s\n", argv[2], strerror (errno));
  return 127;
}
