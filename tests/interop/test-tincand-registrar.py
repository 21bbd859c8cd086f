#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tincand registering with SIPp playing a difficult registrar (issue 4).

One tincand on a private bus, three registered endpoints (udp, listening
on 127.0.0.1:0), each with its own SIPp UAS as registrar; the three
registrations run at the same time, so the file takes about as long as
the slowest case (Timer F, 32 s):

(a) 423 Interval Too Brief with Min-Expires: 1800, then 200: the retried
    REGISTER asks for 1800 s (checked by the scenario and in SIPp's
    message log) and the endpoint ends registered with expires 1800.
(b) 503 Service Unavailable with Retry-After: 3, then 200: state error
    (503, retry-after 3), the next REGISTER comes no sooner than 3 s
    later (measured on the D-Bus signals and in SIPp's log), registered.
(c) no answer at all: after Timer F (64*T1 = 32 s) the state is error
    with sip_status 408 and cause "timeout"; the next attempt comes after
    the back-off of retry-interval 2 (RFC 5626 4.5:
    min(max, base*2^n)*U(0.5, 1), n = 0 or 1 for the first failure).
TAP on stdout (tincand.run_shared_tests: one set-up, three checks).
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
from harness import HarnessError, Sipp, log  # noqa: E402
from tincand import ENDPOINT, TincanDaemon  # noqa: E402

tincand.skip_all_without_gi()

T1 = 0.5
TIMER_F = 64 * T1
RETRY_INTERVAL = 2


def registrar_case(h, d, name, scenario, settings, calls, timeout):
    sipp = Sipp(h, scenario, name="sipp-%s" % name, calls=calls, user=name, domain="tincan.test",
                duration_ms=1000, timeout=timeout, trace_msg=True).start()
    s = {"uri": "sip:%s@tincan.test" % name, "kind": "registered", "registrar": "sip:127.0.0.1:%d" % sipp.port,
         "auth-username": name, "password": "%s-secret" % name, "transport": "udp", "listen": "127.0.0.1:0"}
    s.update(settings)
    ep = d.create_endpoint(s)
    return {"sipp": sipp, "ep": ep, "aor": s["uri"]}


def setup(h):
    d = TincanDaemon(h).start()
    cases = {
        "423": registrar_case(h, d, "brief", "uas-register-423", {"expires": 600}, calls=1, timeout=30),
        "503": registrar_case(h, d, "busy", "uas-register-503", {"expires": 600}, calls=1, timeout=30),
        "silent": registrar_case(h, d, "silent", "uas-register-silent", {"retry-interval": RETRY_INTERVAL},
                                 calls=None, timeout=80),
    }
    since = d.mark()
    t = time.monotonic()
    for c in cases.values():
        d.register(c["ep"])
        c["t_register"] = t
    return {"h": h, "d": d, "cases": cases, "since": since}


# --- SIPp's message log -----------------------------------------------------


def sipp_messages(sipp):
    """The messages of SIPp's -trace_msg log: list of dicts with t (its
    wall-clock time, seconds), dir ("received"/"sent"), text, first line,
    and headers {lower-case name: [values]}."""
    path = sipp.files["messages"]
    if not os.path.exists(path):
        return []
    with open(path, errors="replace") as f:
        data = f.read()
    out = []
    blocks = re.split(r"^-{10,} (\S+)\s+(\d+):(\d+):([\d.]+)\s*$", data, flags=re.M)
    # blocks: [pre, date, H, M, S, body, date, H, M, S, body, ...]
    for i in range(1, len(blocks) - 4, 5):
        hh, mm, ss, body = int(blocks[i + 1]), int(blocks[i + 2]), float(blocks[i + 3]), blocks[i + 4]
        m = re.match(r"\s*\S+ message (received|sent)[^\n]*\n\s*\n?(.*)", body, re.S)
        if not m:
            continue
        text = m.group(2).strip("\n")
        lines = text.replace("\r", "").split("\n")
        headers = {}
        for line in lines[1:]:
            if not line.strip():
                break
            if ":" in line:
                k, v = line.split(":", 1)
                headers.setdefault(k.strip().lower(), []).append(v.strip())
        out.append({"t": hh * 3600 + mm * 60 + ss, "dir": m.group(1), "first": lines[0], "text": text,
                    "headers": headers})
    return out


def registers(msgs):
    return [m for m in msgs if m["dir"] == "received" and m["first"].startswith("REGISTER ")]


def branch(m):
    via = m["headers"].get("via", [""])[0]
    mb = re.search(r"branch=([^;,\s]+)", via)
    return mb.group(1) if mb else None


def cseq(m):
    return int(m["headers"].get("cseq", ["0"])[0].split()[0])


def expires_of(m):
    """The expiry asked for: the Contact's expires parameter, else Expires."""
    for c in m["headers"].get("contact", []) + m["headers"].get("m", []):
        me = re.search(r";\s*expires\s*=\s*(\d+)", c, re.I)
        if me:
            return int(me.group(1))
    v = m["headers"].get("expires")
    return int(v[0]) if v else None


def transactions(msgs):
    """REGISTERs received, one per transaction (retransmissions folded):
    (first message, number of copies)."""
    out = []
    for m in registers(msgs):
        if out and branch(out[-1][0]) == branch(m) and cseq(out[-1][0]) == cseq(m):
            out[-1][1] += 1
        else:
            out.append([m, 1])
    return out


def states(d, ep, since):
    return [(s.args[0], s.args[2], round(s.t, 3)) for s in d.find_signals(ep, ENDPOINT, "RegistrationStateChanged",
                                                                         since=since)]


class Checks:
    """Collects what a case found wrong, so one run reports every problem:
    check() notes one and goes on, fatal() stops the case, done() raises
    with all of them and the context (states, SIPp's REGISTERs, the
    daemon's registration log)."""

    def __init__(self, ctx, case):
        self.ctx, self.c = ctx, case
        self.problems = []

    def check(self, ok, msg):
        if not ok:
            self.problems.append(msg)
        return ok

    def fatal(self, msg):
        self.problems.append(msg)
        self.done()

    def done(self):
        if not self.problems:
            return
        d, c = self.ctx["d"], self.c
        raise HarnessError("%s\nstates (state, sip_status, t): %s\nSIPp REGISTERs (first line, CSeq, expires, "
                           "Call-ID, t): %s\ndaemon log:\n%s"
                           % ("\n".join("- " + p for p in self.problems), states(d, c["ep"], self.ctx["since"]),
                              [(m["first"], cseq(m), expires_of(m), m["headers"].get("call-id"), round(m["t"], 3))
                               for m in registers(sipp_messages(c["sipp"]))],
                              d.log_excerpt(r"registration %s" % re.escape(c["aor"]), 60)))


# --- the cases ------------------------------------------------------------------


def test_423(ctx):
    d, c = ctx["d"], ctx["cases"]["423"]
    ep, k = c["ep"], Checks(ctx, ctx["cases"]["423"])
    ok = d.wait_registration(ep, {"registered", "rejected", "error"}, timeout=15, since=ctx["since"])
    state, previous, status, reason, details = ok.args
    if state != "registered":
        k.fatal("after 423 + Min-Expires the endpoint went to %s (%s %s), not registered" % (state, status, reason))
    k.check(details.get("expires") == 1800,
            "registered: details[\"expires\"] is %r, expected 1800 (the 200 OK's Contact has expires=1800; "
            "the Endpoint XML documents the key)" % details.get("expires"))
    seen = [st for st, _, _ in states(d, ep, ctx["since"])]
    k.check(seen == ["registering", "registered"],
            "the states were %s, expected registering, registered (a 423 is retried at once)" % seen)
    r = c["sipp"].wait(timeout=10)
    k.check(r.ok, "the SIPp registrar failed (it checks Expires 1800 and a higher CSeq on the retry): %s"
            % r.explain())
    tx = transactions(sipp_messages(c["sipp"]))
    if len(tx) != 2:
        k.fatal("SIPp saw %d REGISTER transactions, expected 2" % len(tx))
    (m1, _), (m2, _) = tx
    k.check(expires_of(m1) == 600 and expires_of(m2) == 1800,
            "the REGISTERs asked for %s then %s s, expected 600 then 1800" % (expires_of(m1), expires_of(m2)))
    k.check(m1["headers"].get("call-id") == m2["headers"].get("call-id") and cseq(m2) > cseq(m1),
            "the retry after 423 did not keep the Call-ID with a higher CSeq")
    k.check(d.prop(ep, "RegistrationState") == "registered",
            "RegistrationState is %r" % d.prop(ep, "RegistrationState"))
    k.done()


def test_503(ctx):
    d, c = ctx["d"], ctx["cases"]["503"]
    ep, k = c["ep"], Checks(ctx, c)
    err = d.wait_registration(ep, {"error", "registered", "rejected"}, timeout=10, since=ctx["since"])
    state, previous, status, reason, details = err.args
    if state != "error" or status != 503:
        k.fatal("after 503 the state is %s with %s %s, expected error with 503" % (state, status, reason))
    k.check(details.get("retry-after") == 3,
            "error: details[\"retry-after\"] is %r, expected 3 (Retry-After: 3; the Endpoint XML documents "
            "the key)" % details.get("retry-after"))
    sip = details.get("sip-message")
    k.check(sip and sip[0].startswith("SIP/2.0 503") and tincand.header(sip[1], "Retry-After") == "3",
            "the error's details[\"sip-message\"] is not the 503 with its Retry-After: %r" % (sip,))
    again = d.wait_registration(ep, "registering", timeout=8, since=err.index + 1)
    ok = d.wait_registration(ep, {"registered", "error", "rejected"}, timeout=5, since=again.index + 1)
    k.check(ok.args[0] == "registered", "the retry ended in %s (%s %s)" % (ok.args[0], ok.args[2], ok.args[3]))
    waited = again.t - err.t
    k.check(2.9 <= waited <= 4.5, "the retry came %.2f s after the 503, expected 3 s (Retry-After: 3)" % waited)
    r = c["sipp"].wait(timeout=10)
    k.check(r.ok, "the SIPp registrar failed: %s" % r.explain())
    msgs = sipp_messages(c["sipp"])
    tx = transactions(msgs)
    sent503 = [m for m in msgs if m["dir"] == "sent" and m["first"].startswith("SIP/2.0 503")]
    if len(tx) != 2 or not sent503:
        k.fatal("SIPp saw %d REGISTER transactions (expected 2), sent %d 503" % (len(tx), len(sent503)))
    gap = tx[1][0]["t"] - sent503[0]["t"]
    k.check(2.9 <= gap <= 4.5, "SIPp got the second REGISTER %.2f s after its 503, expected 3 s" % gap)
    log("503: the retry came %.2f s after the error signal, %.2f s after SIPp's 503" % (waited, gap))
    k.done()


def test_silent(ctx):
    d, c = ctx["d"], ctx["cases"]["silent"]
    ep, k = c["ep"], Checks(ctx, c)
    first = d.wait_registration(ep, "registering", timeout=5, since=ctx["since"])
    err = d.wait_registration(ep, {"error", "registered", "rejected"}, timeout=TIMER_F + 8, since=first.index + 1)
    state, previous, status, reason, details = err.args
    if state != "error":
        k.fatal("no answer ended in %s (%s %r), expected error" % (state, status, reason))
    k.check(status == 408 and details.get("cause") == "timeout",
            "no answer: error with %s %r, cause %r; expected 408, cause \"timeout\""
            % (status, reason, details.get("cause")))
    took = err.t - first.t
    k.check(TIMER_F - 1 <= took <= TIMER_F + 2,
            "the timeout came %.2f s after the REGISTER started, expected Timer F = 64*T1 = %.0f s" % (took, TIMER_F))
    # The first failure: n = 0 or 1 in min(max, base*2^n)*U(0.5, 1).
    lo, hi = 0.5 * RETRY_INTERVAL, 2 * RETRY_INTERVAL
    again = d.wait_registration(ep, "registering", timeout=hi + 3, since=err.index + 1)
    waited = again.t - err.t
    k.check(lo - 0.1 <= waited <= hi + 0.5,
            "the next attempt came %.2f s after the error, expected the back-off of retry-interval %d: "
            "%.1f..%.1f s" % (waited, RETRY_INTERVAL, lo, hi))
    ra = details.get("retry-after")
    k.check(ra is not None, "error: no details[\"retry-after\"] (the Endpoint XML documents the key)")
    k.check(ra is None or abs(ra - waited) <= 1.2,
            "the error said retry-after %s s but the next attempt came after %.2f s" % (ra, waited))
    # SIPp's view: the first REGISTER retransmitted (UDP, Timer E), then a
    # new transaction (new branch, higher CSeq, same Call-ID) after the
    # back-off.
    deadline = time.monotonic() + 3
    while True:
        tx = transactions(sipp_messages(c["sipp"]))
        if len(tx) >= 2 or time.monotonic() > deadline:
            break
        d.iterate(0.1)
    if len(tx) < 2:
        k.fatal("SIPp saw %d REGISTER transactions, expected a second one after the back-off" % len(tx))
    (m1, n1), (m2, _) = tx[0], tx[1]
    k.check(n1 >= 5, "the unanswered REGISTER was sent %d times; over UDP Timer E retransmits it ~10 times" % n1)
    k.check(cseq(m2) > cseq(m1) and m1["headers"].get("call-id") == m2["headers"].get("call-id"),
            "the retry is not the same registration with a higher CSeq")
    gap = m2["t"] - m1["t"]
    k.check(TIMER_F + lo - 1 <= gap <= TIMER_F + hi + 2,
            "SIPp got the retry %.2f s after the first REGISTER, expected %.0f s + back-off" % (gap, TIMER_F))
    log("no answer: error %.2f s after the REGISTER (%d copies sent), next attempt %.2f s later"
        % (took, n1, waited))
    c["sipp"].stop()
    d.stop()
    k.done()


TESTS = [
    ("423 Min-Expires: 1800 -> the retry asks for 1800 s, registered", test_423),
    ("503 Retry-After: 3 -> error, retried after 3 s, registered", test_503),
    ("no answer -> error 408 cause timeout after Timer F, retried after the back-off", test_silent),
]

if __name__ == "__main__":
    tincand.run_shared_tests(setup, TESTS, timeout=75, name="tincand-registrar")
