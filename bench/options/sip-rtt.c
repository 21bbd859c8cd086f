/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * sip-rtt — OPTIONS round trip over loopback UDP, one request outstanding.
 *
 *   sip-rtt HOST PORT R-URI COUNT [WARMUP] [TIMEOUT_MS] [INTERVAL_US]
 *
 * Sends COUNT OPTIONS one after the other (each a new transaction: fresh
 * branch, Call-ID and From tag), waits for the final response whose Via
 * branch matches, and timestamps send -> receive with
 * clock_gettime(CLOCK_MONOTONIC) (ns).  WARMUP (default 200) untimed
 * requests go first.  INTERVAL_US (default 0) paces the sends: a request
 * starts at the earliest INTERVAL_US after the previous one started, so a
 * responder is not measured with tens of thousands of live transactions
 * (Timer J keeps each for 32 s) that back-to-back requests would pile up.  Prints one RTT in ns per line on stdout; a request
 * without a 200 within TIMEOUT_MS (default 1000) prints "lost" (or
 * "status N").  No retransmissions: this measures the responder, not a
 * recovery.  Why C and not SIPp: SIPp 3.6's -trace_rtt has 1 ms
 * resolution (a loopback round trip is ~0.1 ms); this client adds only
 * two system calls around the measured interval.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

int
main (int argc, char **argv)
{
  struct sockaddr_in dst = { 0 }, src = { 0 };
  socklen_t srclen = sizeof src;
  char msg[1024], buf[65536], branch[64], lhost[64];
  const char *ruri;
  long count, warmup = 200, timeout_ms = 1000, interval_us = 0;
  uint64_t next = 0;
  int fd, lport;

  if (argc < 5) {
    fprintf (stderr, "usage: %s HOST PORT R-URI COUNT [WARMUP] [TIMEOUT_MS] [INTERVAL_US]\n", argv[0]);
    return 2;
  }
  ruri = argv[3];
  count = strtol (argv[4], NULL, 10);
  if (argc > 5)
    warmup = strtol (argv[5], NULL, 10);
  if (argc > 6)
    timeout_ms = strtol (argv[6], NULL, 10);
  if (argc > 7)
    interval_us = strtol (argv[7], NULL, 10);

  dst.sin_family = AF_INET;
  dst.sin_port = htons ((uint16_t) atoi (argv[2]));
  if (inet_pton (AF_INET, argv[1], &dst.sin_addr) != 1) {
    fprintf (stderr, "sip-rtt: bad IPv4 address %s\n", argv[1]);
    return 2;
  }
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &dst, sizeof dst) < 0) {
    perror ("sip-rtt: socket/connect");
    return 1;
  }
  getsockname (fd, (struct sockaddr *) &src, &srclen);
  inet_ntop (AF_INET, &src.sin_addr, lhost, sizeof lhost);
  lport = ntohs (src.sin_port);
  {
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  srand ((unsigned) getpid ());
  for (long i = 0; i < warmup + count; i++) {
    int len, rc;
    uint64_t t0, t1;
    unsigned r = (unsigned) rand ();

    snprintf (branch, sizeof branch, "z9hG4bK-rtt-%d-%ld-%08x", (int) getpid (), i, r);
    len = snprintf (msg, sizeof msg,
                    "OPTIONS %s SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n"
                    "Max-Forwards: 70\r\n"
                    "From: <sip:rtt@%s:%d>;tag=%08x%ld\r\n"
                    "To: <%s>\r\n"
                    "Call-ID: rtt-%d-%ld-%08x@%s\r\n"
                    "CSeq: 1 OPTIONS\r\n"
                    "Contact: <sip:rtt@%s:%d>\r\n"
                    "Accept: application/sdp\r\n"
                    "Content-Length: 0\r\n\r\n",
                    ruri, lhost, lport, branch, lhost, lport, r, i, ruri, (int) getpid (), i, r, lhost,
                    lhost, lport);
    if (interval_us > 0) {
      uint64_t t = now_ns ();
      if (next > t) {
        struct timespec ts = { (time_t) ((next - t) / 1000000000u), (long) ((next - t) % 1000000000u) };
        nanosleep (&ts, NULL);
      }
      next = now_ns () + (uint64_t) interval_us * 1000u;
    }
    t0 = now_ns ();
    if (send (fd, msg, (size_t) len, 0) != len) {
      perror ("sip-rtt: send");
      return 1;
    }
    for (;;) {
      rc = (int) recv (fd, buf, sizeof buf - 1, 0);
      t1 = now_ns ();
      if (rc < 0) {
        if (errno == EINTR)
          continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) {
          if (i >= warmup)
            printf ("lost\n");
          break;
        }
        perror ("sip-rtt: recv");
        return 1;
      }
      buf[rc] = '\0';
      /* Only the final response of this transaction counts. */
      if (rc < 12 || strncmp (buf, "SIP/2.0 ", 8) != 0 || !strstr (buf, branch) || buf[8] == '1')
        continue;
      if (i >= warmup) {
        if (strncmp (buf + 8, "200", 3) == 0)
          printf ("%llu\n", (unsigned long long) (t1 - t0));
        else
          printf ("status %.3s\n", buf + 8);
      }
      break;
    }
  }
  close (fd);
  return 0;
}
