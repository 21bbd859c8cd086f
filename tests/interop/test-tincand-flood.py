#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A call flood (issue 5): 200 calls set up and torn down in a row between
two endpoints of one tincand, each with its media pipeline (PCMU, a tone
one way), twice; nothing leaks: once the sessions' linger time and the
transactions' Timer D/J/K have passed, the daemon has no session objects
left, and after the second flood as many file descriptors and threads as
after the first, and an RSS grown by less than a bound.
TAP on stdout.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
import harness  # noqa: E402
from tincand import ENDPOINT, TincanDaemon  # noqa: E402

tincand.skip_all_without_gi()
from gi.repository import GLib  # noqa: E402

SESSION = "org.tincan.Tincan1.Session"
CALLS = int(os.environ.get("TINCAN_FLOOD_CALLS", "200"))
LINGER = 5.5  # a disconnected session stays exported about 5 s
# Completed transactions are kept for Timer D/J/K: 32 s over UDP (RFC 3261
# §17), with their messages; memory is compared once they are gone.
QUIET = float(os.environ.get("TINCAN_FLOOD_QUIET", "33"))
RSS_BOUND_KIB = 3 * 1024


def usage(pid):
    fds = len(os.listdir("/proc/%d/fd" % pid))
    threads = len(os.listdir("/proc/%d/task" % pid))
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return fds, threads, rss


def run_calls(d, alice, contact, n):
    for _ in range(n):
        mark = d.mark()
        out = d.call(alice, ENDPOINT, "Call", GLib.Variant("(sa{sv})", (contact, {})))[0]
        d.wait_for_signal(out, SESSION, "StateChanged", lambda s: s.args[0] == "connected", 10, mark, "connected")
        d.call(out, SESSION, "Terminate")
        d.wait_for_signal(out, SESSION, "StateChanged", lambda s: s.args[0] == "disconnected", 10, mark,
                          "disconnected")


def settle(d, alice, bob, quiet=0.5):
    deadline = time.monotonic() + LINGER + 10
    while time.monotonic() < deadline:
        d.iterate(0.2)
        if not d.prop(alice, "Sessions") and not d.prop(bob, "Sessions"):
            d.iterate(quiet)  # the last pipelines' threads end, transactions expire
            return
    raise harness.HarnessError("sessions left after the flood: %r %r" % (d.prop(alice, "Sessions"),
                                                                          d.prop(bob, "Sessions")))


def test_flood(h):
    d = TincanDaemon(h, trace=False, debug="").start()
    pid = d.proc.popen.pid
    common = {"kind": "peer-to-peer", "listen": "127.0.0.1:0", "audio-sink": "none", "codecs": "pcmu"}
    alice = d.create_endpoint(dict(common, uri="sip:alice@127.0.0.1", **{"audio-source": "tone:440"}))
    bob = d.create_endpoint(dict(common, uri="sip:bob@127.0.0.1", **{"audio-source": "none",
                                                                     "incoming-call-policy": "auto-answer"}))
    contact = d.prop(bob, "Contact")

    # A first flood of the same size brings the allocator to its working
    # size; the second must not grow it.
    run_calls(d, alice, contact, CALLS)
    settle(d, alice, bob, QUIET)
    before = usage(pid)
    t0 = time.monotonic()
    run_calls(d, alice, contact, CALLS)
    took = time.monotonic() - t0
    settle(d, alice, bob, QUIET)
    after = usage(pid)
    harness.log("%d calls in %.1f s; fds %d -> %d, threads %d -> %d, RSS %d -> %d KiB"
                % (CALLS, took, before[0], after[0], before[1], after[1], before[2], after[2]))
    objects = [p for p in d.call("/org/tincan/Tincan1", "org.freedesktop.DBus.ObjectManager",
                                 "GetManagedObjects")[0] if "/session/" in p]
    problems = []
    if objects:
        problems.append("session objects left: %r" % objects[:5])
    if after[0] > before[0]:
        problems.append("file descriptors grew from %d to %d" % (before[0], after[0]))
    if after[1] > before[1]:
        problems.append("threads grew from %d to %d" % (before[1], after[1]))
    if after[2] - before[2] > RSS_BOUND_KIB:
        problems.append("RSS grew by %d KiB (bound %d)" % (after[2] - before[2], RSS_BOUND_KIB))
    d.stop()
    if problems:
        raise harness.HarnessError("; ".join(problems))


TESTS = [
    ("200 calls with media in a row: no session objects, fds, threads or memory left behind", test_flood),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=170)
