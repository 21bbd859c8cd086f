#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Harness self-tests: the real peers against each other, no Tincan yet.

They prove that tests/interop/harness.py starts, drives and stops Kamailio,
SIPp and baresip, and that the generic scenarios of tests/interop/sipp/
complete (the same files will drive Tincan).  TAP on stdout.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Baresip, HarnessError, Kamailio, Sipp, register_with_sipp  # noqa: E402

USERS = {"alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret"}


def check(result, what):
    if not result.ok:
        raise HarnessError("%s: %s" % (what, result.explain()))


def message_codes(sipp):
    """Status codes SIPp received, in order, from its -trace_msg file."""
    codes = []
    with open(sipp.files["messages"], errors="replace") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("SIP/2.0 ") and i > 0 and "received" in lines[i - 2]:
            codes.append(int(line[8:11]))
    return codes


def test_register_digest(h):
    kam = Kamailio(h, users=USERS).start()
    s = Sipp(h, "uac-register", remote="%s:%d" % (kam.host, kam.port), user="alice", domain=kam.realm,
             password=USERS["alice"], keys={"expires": "60"}, trace_msg=True, timeout=10)
    check(s.run(timeout=15), "REGISTER")
    codes = message_codes(s)
    if codes != [401, 200]:
        raise HarnessError("expected 401 then 200, got %s" % codes)
    # A wrong password is refused (401 again, the call fails).
    bad = Sipp(h, "uac-register", name="sipp-bad", remote="%s:%d" % (kam.host, kam.port), user="alice",
               domain=kam.realm, password="wrong", keys={"expires": "60"}, timeout=5,
               extra_args=["-default_behaviors", "all,-bye"])
    if bad.run(timeout=10).ok:
        raise HarnessError("REGISTER with a wrong password succeeded")


def through_kamailio(h, pair, calls=1, lost=None):
    """alice (SIPp UAC, authenticates with 407) -> Kamailio -> bob (SIPp UAS,
    registered with 401 first)."""
    kam = Kamailio(h, users=USERS).start()
    bob_port = register_with_sipp(h, kam, "bob", USERS["bob"])
    uas = Sipp(h, "uas-" + pair, name="bob", port=bob_port, calls=calls, user="bob", domain=kam.realm,
               duration_ms=0, timeout=15).start()
    uac = Sipp(h, "uac-" + pair, name="alice", remote="%s:%d" % (kam.host, kam.port), service="bob",
               user="alice", domain=kam.realm, password=USERS["alice"], calls=calls, lost=lost,
               trace_msg=True, timeout=15)
    check(uac.run(timeout=20), "alice's " + pair)
    check(uas.wait(timeout=10), "bob's " + pair)
    codes = message_codes(uac)
    if 407 not in codes:
        raise HarnessError("alice was never challenged with 407: %s" % codes)
    return uac


def test_message_407(h):
    through_kamailio(h, "message")


def test_invite_407_record_route(h):
    uac = through_kamailio(h, "invite")
    with open(uac.files["messages"], errors="replace") as f:
        text = f.read()
    if "Record-Route:" not in text or "\nBYE sip:bob@" not in text or "Route: <sip:127.0.0.1:" not in text:
        raise HarnessError("the BYE did not follow the Record-Route through Kamailio")


def test_cancel_through_kamailio(h):
    through_kamailio(h, "cancel")


def direct(pair, lost=None, calls=1):
    def run(h):
        linger = 8000 if lost else 0
        uas = Sipp(h, "uas-" + pair, name="uas", calls=calls, duration_ms=linger, timeout=60).start()
        uac = Sipp(h, "uac-" + pair, name="uac", remote="%s:%d" % (uas.host if hasattr(uas, "host") else
                                                                    harness.LOOPBACK, uas.port),
                   calls=calls, limit=1, rate=50, lost=lost, duration_ms=100 if lost else 0, timeout=60)
        check(uac.run(timeout=70), "UAC " + pair)
        check(uas.wait(timeout=linger / 1000 + 10), "UAS " + pair)
    return run


def test_baresip_register(h):
    kam = Kamailio(h, users=USERS).start()
    b = Baresip(h, []).start()
    b.add_account("<sip:carol@%s:%d;transport=udp>;auth_pass=%s;regint=60" % (kam.host, kam.port, USERS["carol"]))
    ev = b.wait_event("REGISTER_OK", timeout=10)
    if "carol" not in ev.get("accountaor", ""):
        raise HarnessError("unexpected REGISTER_OK event %s" % ev)
    info = b.reginfo()
    if "OK" not in info:
        raise HarnessError("reginfo does not show the registration: %r" % info)
    # And Kamailio now routes to carol: alice's MESSAGE reaches baresip.
    uac = Sipp(h, "uac-message", name="alice", remote="%s:%d" % (kam.host, kam.port), service="carol",
               user="alice", domain=kam.realm, password=USERS["alice"], timeout=10)
    check(uac.run(timeout=15), "MESSAGE to baresip")


TESTS = [
    ("SIPp registers to Kamailio with digest auth (401, then 200)", test_register_digest),
    ("SIPp MESSAGE with 407 through Kamailio to a registered SIPp UAS", test_message_407),
    ("SIPp INVITE/200/ACK/BYE with 407 through Kamailio, Record-Route followed", test_invite_407_record_route),
    ("SIPp INVITE+CANCEL/487 through Kamailio", test_cancel_through_kamailio),
    ("baresip registers to Kamailio (REGISTER_OK) and receives a MESSAGE", test_baresip_register),
] + [("SIPp scenario pair %s, direct" % p, direct(p)) for p in ("options", "message", "invite", "reinvite",
                                                                 "cancel")] + [
    ("SIPp MESSAGE x5 with -lost 20 completes by retransmission", direct("message", lost=20, calls=5)),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=60)
