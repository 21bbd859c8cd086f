#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tincan's SIP stack (tests/tools/tincan-sip-ua) with Kamailio, issue 3.

3. Kamailio challenges Tincan: REGISTER with digest (401, then 200); a
   wrong password fails clearly after exactly one retry; MESSAGE from
   Tincan user alice to Tincan user bob through Kamailio (407 challenge),
   bob registered and serving; INVITE/ACK/BYE alice -> bob through
   Kamailio with the Record-Route followed.
4. WebSocket: Tincan registers with Kamailio over ws and sends a MESSAGE
   (through the ws flow, 407 challenge) to a Tincan UDP user.
TAP on stdout.  Kamailio logs one KREQ line per request it receives
(harness.Kamailio.requests()), which the tests count.
"""

import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import HarnessError, Kamailio, Sipp, TincanUA, tincan_check  # noqa: E402

USERS = {"alice": "alice-secret", "bob": "bob-secret"}


def registered_user(h, kam, user, registrar=None, extra=(), listen=("udp", "tcp")):
    """tincan-sip-ua registering user with kam, then serving (--serve)."""
    ua = TincanUA(h, ["--register", registrar or kam.uri, "--aor", kam.aor(user), "--from", kam.aor(user),
                      "--user", user, "--password", USERS[user], "--serve"] + list(extra),
                  name="tincan-%s" % user, listen=listen).start()
    ua.proc.wait_for_log(r"FINAL \d+", timeout=10)
    if ua.finals() != [200]:
        raise HarnessError("%s did not register: %s" % (user, ua.proc.tail()))
    return ua


def expect_challenged(kam, method, n=2, header=None):
    """Kamailio saw n requests of method: the first without credentials,
    the rest with them (a challenge, then one answer)."""
    reqs = kam.requests(method)
    if len(reqs) != n:
        raise HarnessError("Kamailio saw %d %s, expected %d: %s" % (len(reqs), method, n, reqs))
    idx = 0 if header == "Authorization" else 1
    if reqs[0]["authz"].split("/")[idx] not in ("", "<null>"):
        raise HarnessError("the first %s carried credentials: %s" % (method, reqs[0]))
    for r in reqs[1:]:
        if not r["authz"].split("/")[idx].startswith("Digest"):
            raise HarnessError("a retried %s has no %s: %s" % (method, header, r))
    return reqs


def test_register(h):
    kam = Kamailio(h, users=USERS).start()
    ua = TincanUA(h, ["--register", kam.uri, "--aor", kam.aor("alice"), "--user", "alice",
                      "--password", USERS["alice"]], listen=("udp",))
    ua.run(timeout=15)
    tincan_check(ua, 0, [200])
    reqs = expect_challenged(kam, "REGISTER", 2, "Authorization")
    if int(reqs[1]["cseq"]) <= int(reqs[0]["cseq"]):
        raise HarnessError("the CSeq did not grow for the retry: %s" % reqs)


def test_register_tcp(h):
    kam = Kamailio(h, users=USERS).start()
    ua = TincanUA(h, ["--register", kam.uri + ";transport=tcp", "--aor", kam.aor("alice"), "--user", "alice",
                      "--password", USERS["alice"]], listen=("udp", "tcp"))
    ua.run(timeout=15)
    tincan_check(ua, 0, [200])
    reqs = expect_challenged(kam, "REGISTER", 2, "Authorization")
    if any(r["proto"] != "tcp" for r in reqs):
        raise HarnessError("REGISTER not over TCP: %s" % reqs)


def test_register_wrong_password(h):
    kam = Kamailio(h, users=USERS).start()
    ua = TincanUA(h, ["--register", kam.uri, "--aor", kam.aor("alice"), "--user", "alice",
                      "--password", "not-the-password"], listen=("udp",))
    ua.run(timeout=15)
    tincan_check(ua, 1, [401])
    line = ua.final_lines()[0]
    if "reject" not in line:
        raise HarnessError("no auth-rejected message in %r" % line)
    # Exactly one retry: the challenge, one answer, then give up.
    expect_challenged(kam, "REGISTER", 2, "Authorization")


def test_message_407(h):
    kam = Kamailio(h, users=USERS).start()
    bob = registered_user(h, kam, "bob")
    text = "hello bob %s" % uuid.uuid4().hex
    alice = TincanUA(h, ["--send", "MESSAGE", "--to", kam.aor("bob"), "--from", kam.aor("alice"),
                         "--proxy", kam.uri + ";lr", "--user", "alice", "--password", USERS["alice"],
                         "--body", text], name="tincan-alice", listen=("udp",))
    alice.run(timeout=15)
    tincan_check(alice, 0, [200])
    bob.proc.wait_for_log(r"REQUEST MESSAGE %s" % text, timeout=5, since_start=True)
    expect_challenged(kam, "MESSAGE", 2, "Proxy-Authorization")
    bob.check_alive()


def call_through_kamailio(transport):
    def run(h):
        kam = Kamailio(h, users=USERS).start()
        bob = registered_user(h, kam, "bob")
        proxy = kam.uri + (";transport=tcp" if transport == "tcp" else "") + ";lr"
        alice = TincanUA(h, ["--call", kam.aor("bob"), "--from", kam.aor("alice"), "--proxy", proxy,
                             "--user", "alice", "--password", USERS["alice"], "--duration-ms", "200"],
                         name="tincan-alice", listen=("udp", "tcp"))
        alice.run(timeout=20)
        tincan_check(alice, 0, [200, 200])
        bob.proc.wait_for_log(r"REQUEST BYE", timeout=5, since_start=True)
        expect_challenged(kam, "INVITE", 2, "Proxy-Authorization")
        # The ACK and the BYE went through Kamailio (its Record-Route,
        # as a Route header), not straight to bob.
        for method in ("ACK", "BYE"):
            # (over TCP the source port is the connection's, not alice's
            # listening port: match on From)
            reqs = [r for r in kam.requests(method) if r["from"].startswith("sip:alice@")]
            if not reqs:
                raise HarnessError("Kamailio saw no %s from alice: %s" % (method, kam.requests()))
            if "127.0.0.1:%d" % kam.port not in reqs[0]["route"]:
                raise HarnessError("alice's %s has no Route to Kamailio: %s" % (method, reqs[0]))
            if transport == "tcp" and reqs[0]["proto"] != "tcp":
                raise HarnessError("alice's %s not over TCP: %s" % (method, reqs[0]))
    return run


def test_call_to_sipp(h):
    """The UAC side alone: alice (Tincan) calls bob (a SIPp UAS that copies
    Record-Route); ACK and BYE must carry Kamailio's Route."""
    kam = Kamailio(h, users=USERS).start()
    bob_port = harness.register_with_sipp(h, kam, "bob", USERS["bob"])
    uas = Sipp(h, "uas-invite", name="sipp-bob", port=bob_port, calls=1, user="bob", domain=kam.realm,
               duration_ms=0, timeout=15, trace_msg=True).start()
    alice = TincanUA(h, ["--call", kam.aor("bob"), "--from", kam.aor("alice"), "--proxy", kam.uri + ";lr",
                         "--user", "alice", "--password", USERS["alice"], "--duration-ms", "100"],
                     name="tincan-alice", listen=("udp",))
    alice.run(timeout=20)
    tincan_check(alice, 0, [200, 200])
    r = uas.wait(timeout=10)
    if not r.ok:
        raise HarnessError("SIPp bob: %s" % r.explain())
    expect_challenged(kam, "INVITE", 2, "Proxy-Authorization")
    for method in ("ACK", "BYE"):
        reqs = [q for q in kam.requests(method) if q["src"].endswith(":%d" % alice.port)]
        if not reqs or "127.0.0.1:%d" % kam.port not in reqs[0]["route"]:
            raise HarnessError("alice's %s did not follow the Record-Route: %s" % (method, kam.requests()))


def test_websocket(h):
    kam = Kamailio(h, users=USERS, ws=True).start()
    bob = registered_user(h, kam, "bob")
    ws = "sip:%s:%d;transport=ws" % (kam.host, kam.ws_port)
    text = "hello over websocket %s" % uuid.uuid4().hex
    alice = TincanUA(h, ["--register", ws, "--aor", kam.aor("alice"), "--from", kam.aor("alice"),
                         "--user", "alice", "--password", USERS["alice"],
                         "--send", "MESSAGE", "--to", kam.aor("bob"), "--proxy", ws + ";lr", "--body", text],
                     name="tincan-alice", listen=())
    alice.run(timeout=15)
    tincan_check(alice, 0, [200, 200])
    bob.proc.wait_for_log(r"REQUEST MESSAGE %s" % text, timeout=5, since_start=True)
    for method in ("REGISTER", "MESSAGE"):
        reqs = [r for r in kam.requests(method) if r["from"] == kam.aor("alice")]
        if not reqs or any(r["proto"] != "ws" for r in reqs):
            raise HarnessError("alice's %s did not come over ws: %s" % (method, reqs))


TESTS = [
    ("tincan-sip-ua registers to Kamailio with digest (401, then 200)", test_register),
    ("tincan-sip-ua registers to Kamailio over TCP", test_register_tcp),
    ("wrong password: FINAL 401, auth rejected after exactly one retry", test_register_wrong_password),
    ("MESSAGE alice -> Kamailio (407) -> bob, both tincan-sip-ua", test_message_407),
    ("INVITE/ACK/BYE tincan alice -> Kamailio (407) -> SIPp bob, Record-Route followed", test_call_to_sipp),
    ("INVITE/ACK/BYE alice -> Kamailio (407, Record-Route) -> bob over udp", call_through_kamailio("udp")),
    ("INVITE/ACK/BYE alice -> Kamailio (407, Record-Route) -> bob over tcp", call_through_kamailio("tcp")),
    ("WebSocket: REGISTER and MESSAGE over ws to Kamailio, to a UDP user", test_websocket),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=40)
