#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tincan's SIP stack (tests/tools/tincan-sip-ua) against SIPp, issue 3.

1. SIPp as UAC, tincan-sip-ua --serve as UAS: OPTIONS, MESSAGE,
   INVITE/ACK/BYE, re-INVITE, CANCEL (--ring-ms) over UDP and TCP; with
   SIPp -lost 20 over UDP for OPTIONS, MESSAGE, INVITE and re-INVITE:
   every call still completes.  The lossy half runs with --lossy
   (test-tincan-sipp-lossy.py).
2. SIPp as UAS, tincan-sip-ua as UAC: OPTIONS, MESSAGE (--count),
   INVITE/BYE (--call) over UDP and TCP, and with SIPp -lost 20 over UDP
   (Tincan's retransmissions complete every transaction).
TAP on stdout.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import LOOPBACK, HarnessError, Sipp, TincanUA, tincan_check  # noqa: E402

TRANSPORTS = {"udp": "u1", "tcp": "t1"}


def check(result, what):
    if not result.ok:
        raise HarnessError("%s: %s" % (what, result.explain()))


def sipp_uac(scenario, transport, calls=5, lost=None):
    """SIPp UAC runs the scenario against tincan-sip-ua --serve."""
    def run(h):
        ua = TincanUA(h, ["--serve", "--ring-ms", "300" if scenario == "cancel" else "0"],
                      listen=("udp", "tcp")).start()
        extra = []
        if lost:
            # Retransmit more often than the default (5/7) so 20 % loss in
            # both directions cannot run out of attempts (0.36^11).
            extra = ["-max_invite_retrans", "10", "-max_non_invite_retrans", "10"]
        s = Sipp(h, scenario if os.path.sep in scenario else "uac-" + scenario, name="sipp-uac",
                 remote="%s:%d" % (LOOPBACK, ua.port), service="tincan", transport=TRANSPORTS[transport],
                 calls=calls, rate=20, limit=5, lost=lost, duration_ms=100, timeout=40, extra_args=extra)
        r = s.run(timeout=45)
        check(r, "SIPp %s over %s" % (scenario, transport))
        if r.stat("SuccessfulCall(C)") != calls:
            raise HarnessError("%d of %d calls succeeded: %s" % (r.stat("SuccessfulCall(C)"), calls, r.explain()))
        ua.check_alive()
        if scenario == "cancel" and len(ua.requests("INVITE")) < calls:
            raise HarnessError("tincan saw %d INVITEs" % len(ua.requests("INVITE")))
        if scenario == "cancel" and ua.output().count("CANCELLED") != calls:
            raise HarnessError("tincan reported %d CANCELs, expected %d:\n%s"
                               % (ua.output().count("CANCELLED"), calls, ua.proc.tail()))
    return run


REINVITE_TXN = os.path.join(harness.SIPP_DIR, "uac-reinvite-txn.xml")


def sipp_uas(what, transport, count=5, lost=None):
    """tincan-sip-ua sends (OPTIONS, MESSAGE) or calls (INVITE/BYE) a SIPp UAS."""
    def run(h):
        scenario = {"OPTIONS": "uas-options", "MESSAGE": "uas-message",
                    "INVITE": "uas-invite-lossy" if lost else "uas-invite",
                    "CANCEL": "uas-cancel", "re-INVITE": "uas-reinvite"}[what]
        # The UAS lingers after its last message to answer retransmissions
        # (its lost responses) for all of Tincan's Timer F/B (64*T1 = 32 s:
        # a shorter linger and 5 lost round trips in a row fail the test
        # about once in 10 runs); it is stopped once Tincan is done.
        uas = Sipp(h, scenario, name="sipp-uas", transport=TRANSPORTS[transport], calls=count, lost=lost,
                   duration_ms=40000 if lost else 0, user="sipp", timeout=90).start()
        target = "sip:sipp@%s:%d" % (LOOPBACK, uas.port) + (";transport=tcp" if transport == "tcp" else "")
        if what == "INVITE":
            args = ["--call", target, "--duration-ms", "50", "--count", count]
        elif what == "CANCEL":
            # INVITE, 180, CANCEL 50 ms later: 200 to the CANCEL, 487 to the INVITE
            args = ["--call", target, "--cancel-after-ms", "50", "--count", count]
        elif what == "re-INVITE":
            args = ["--call", target, "--duration-ms", "50", "--reinvite", "--count", count]
        else:
            args = ["--send", what, "--to", target, "--count", count, "--body", "hello from tincan"]
        ua = TincanUA(h, args, listen=("udp", "tcp"))
        ua.run(timeout=50)
        finals = {"INVITE": [200, 200], "CANCEL": [487], "re-INVITE": [200, 200, 200]}.get(what, [200])
        tincan_check(ua, 0, finals * count)
        if what in ("INVITE", "re-INVITE") and ua.output().count("CONNECTED") != count:
            raise HarnessError("expected %d CONNECTED:\n%s" % (count, ua.proc.tail()))
        if what == "re-INVITE" and ua.output().count("REINVITED") != count:
            raise HarnessError("expected %d REINVITED:\n%s" % (count, ua.proc.tail()))
        if what == "CANCEL" and ua.output().count("CANCEL\n") != count:
            raise HarnessError("expected %d CANCEL:\n%s" % (count, ua.proc.tail()))
        if lost:
            uas.stop()
        else:
            r = uas.wait(timeout=10)
            check(r, "SIPp UAS %s over %s" % (what, transport))
            if r.stat("SuccessfulCall(C)") != count:
                raise HarnessError("SIPp UAS: %s" % r.explain())
    return run


TESTS = []
for t in ("udp", "tcp"):
    for sc in ("options", "message", "invite", "reinvite", "cancel"):
        TESTS.append(("SIPp UAC %s over %s against tincan-sip-ua --serve" % (sc, t), sipp_uac(sc, t)))
for t in ("udp", "tcp"):
    for what in ("OPTIONS", "MESSAGE", "INVITE", "re-INVITE", "CANCEL"):
        TESTS.append(("tincan-sip-ua %s to a SIPp UAS over %s" % (what, t), sipp_uas(what, t)))

# With loss (run by test-tincan-sipp-lossy.py, in parallel with the rest).
LOSSY_TESTS = []
for sc, n in (("options", 20), ("message", 20), ("invite", 10)):
    LOSSY_TESTS.append(("SIPp UAC %s x%d over udp with -lost 20 against tincan-sip-ua" % (sc, n),
                        sipp_uac(sc, "udp", calls=n, lost=20)))
LOSSY_TESTS.append(("SIPp UAC re-INVITE x5 over udp with -lost 20 (start_txn/response_txn)",
                    sipp_uac(REINVITE_TXN, "udp", calls=5, lost=20)))
# (re-INVITE from Tincan under loss is left out: SIPp's uas-reinvite
# scenario sometimes stops answering a retransmitted re-INVITE, which ends
# in Timer B on our side; SIPp's own failure, not yet worked around.)
for what, n in (("OPTIONS", 10), ("MESSAGE", 10), ("INVITE", 5), ("CANCEL", 5)):
    LOSSY_TESTS.append(("tincan-sip-ua %s x%d to a SIPp UAS over udp with -lost 20" % (what, n),
                        sipp_uas(what, "udp", count=n, lost=20)))

if __name__ == "__main__":
    harness.run_tests(LOSSY_TESTS if "--lossy" in sys.argv else TESTS, timeout=60)
