#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Calls with real audio between tincand endpoints (issue 5).

Each side sends a known tone (audio-source "tone:HZ") and records what it
receives (Session.Record); after the call the test checks the dominant
frequency of each recording with tests/tools/tone-check.py (Goertzel), not
only that the call connected.

1. One daemon, two peer-to-peer endpoints: alice (440 Hz) calls bob
   (1000 Hz, auto-answer), once for each codec: PCMU, PCMA, G.722, Opus.
2. Two daemons: the same across processes (PCMU and Opus).
TAP on stdout.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
import harness  # noqa: E402
from tincand import ENDPOINT, TincanDaemon  # noqa: E402

tincand.skip_all_without_gi()
from gi.repository import GLib  # noqa: E402

SESSION = "org.tincan.Tincan1.Session"
TONE_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "tone-check.py")
RECORD_SECONDS = 2.5


def p2p(user, **extra):
    s = {"uri": "sip:%s@127.0.0.1" % user, "kind": "peer-to-peer", "listen": "127.0.0.1:0", "audio-sink": "none"}
    s.update(extra)
    return s


def wait_state(d, session, state, timeout=10.0, since=0):
    return d.wait_for_signal(session, SESSION, "StateChanged", lambda s: s.args[0] == state, timeout, since,
                             "StateChanged to %s" % state)


def tone_check(path, hz):
    r = subprocess.run([sys.executable, TONE_CHECK, path, "--expect", str(hz)], capture_output=True, text=True)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def one_call(h, caller_d, callee_d, caller, callee, codec, tag):
    """caller (440 Hz) calls callee (1000 Hz, auto-answer); both record;
    returns a list of problems."""
    mark_a, mark_b = caller_d.mark(), callee_d.mark()
    contact = callee_d.prop(callee, "Contact")
    out = caller_d.call(caller, ENDPOINT, "Call",
                        GLib.Variant("(sa{sv})", (contact, {"codecs": GLib.Variant("s", codec)})))[0]
    wait_state(caller_d, out, "connected", since=mark_a)
    inc = callee_d.wait_for_signal(callee, ENDPOINT, "IncomingSession", since=mark_b).args[0]
    wait_state(callee_d, inc, "connected", since=mark_b)
    rec_a = h.path("%s-%s-at-caller.wav" % (tag, codec))
    rec_b = h.path("%s-%s-at-callee.wav" % (tag, codec))
    caller_d.call(out, SESSION, "Record", GLib.Variant("(sa{sv})", (rec_a, {})))
    callee_d.call(inc, SESSION, "Record", GLib.Variant("(sa{sv})", (rec_b, {})))
    deadline = time.monotonic() + RECORD_SECONDS
    while time.monotonic() < deadline:
        caller_d.iterate(0.05)
        callee_d.iterate(0.05)
    media = caller_d.get_all(out, "org.tincan.Tincan1.Media")
    caller_d.call(out, SESSION, "Terminate")
    wait_state(callee_d, inc, "disconnected", since=mark_b)
    wait_state(caller_d, out, "disconnected", since=mark_a)
    problems = []
    if media.get("Codec") != codec:
        problems.append("negotiated codec %r, wanted %r" % (media.get("Codec"), codec))
    for path, hz, who in ((rec_a, 1000, "caller"), (rec_b, 440, "callee")):
        ok, out_text = tone_check(path, hz)
        harness.log("%s %s %s: %s" % (tag, codec, who, out_text))
        if not ok:
            problems.append("%s's recording is not a %d Hz tone: %s" % (who, hz, out_text))
    return problems


def test_one_daemon(h):
    d = TincanDaemon(h).start()
    alice = d.create_endpoint(p2p("alice", **{"audio-source": "tone:440"}))
    bob = d.create_endpoint(p2p("bob", **{"audio-source": "tone:1000", "incoming-call-policy": "auto-answer"}))
    problems = []
    for codec in ("pcmu", "pcma", "g722", "opus"):
        problems += one_call(h, d, d, alice, bob, codec, "one")
    d.stop()
    if problems:
        raise harness.HarnessError("; ".join(problems))


def test_two_daemons(h):
    d1 = TincanDaemon(h, name="tincand-a").start()
    d2 = TincanDaemon(h, name="tincand-b").start()
    alice = d1.create_endpoint(p2p("alice", **{"audio-source": "tone:440"}))
    bob = d2.create_endpoint(p2p("bob", **{"audio-source": "tone:1000", "incoming-call-policy": "auto-answer"}))
    problems = []
    for codec in ("pcmu", "opus"):
        problems += one_call(h, d1, d2, alice, bob, codec, "two")
    d1.stop()
    d2.stop()
    if problems:
        raise harness.HarnessError("; ".join(problems))


TESTS = [
    ("two endpoints of one daemon: tones both ways for PCMU, PCMA, G.722 and Opus, checked by frequency",
     test_one_daemon),
    ("two daemons: tones both ways for PCMU and Opus, checked by frequency", test_two_daemons),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=90)
