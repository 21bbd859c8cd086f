#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Peers that never answer (UDP on 127.0.0.1): SendMessage ends with
Error.Timeout and OperationComplete 408 (cause timeout), Register ends in
state error with 408 (cause timeout, retry-after).  Both wait for the
RFC 3261 transaction timeout (64*T1 = 32 s over UDP), so they run
together, in their own file.  TAP on stdout.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tincantest import (ENDPOINT_IFACE, ERROR, MANAGER_IFACE, MANAGER_PATH, T, U, check, check_equal,  # noqa: E402
                        iterate_until, run_tests, sip_message_of, swallow_handler)


def test_no_answer(fx):
    blackhole = fx.peer(swallow_handler, "blackhole")
    silent_registrar = fx.peer(swallow_handler, "silent-registrar")
    fx.start_daemon()
    c = fx.client
    a = c.create_endpoint({"uri": "sip:alice@127.0.0.1", "kind": "peer-to-peer", "listen": "127.0.0.1:0"})
    r = c.create_endpoint({"uri": "sip:reg@127.0.0.1", "registrar": "sip:127.0.0.1:%d" % silent_registrar.port,
                           "password": "pw", "listen": "127.0.0.1:0", "retry-interval": U(3600)})
    oc = fx.record(ENDPOINT_IFACE, "OperationComplete", a)
    rs = fx.record(ENDPOINT_IFACE, "RegistrationStateChanged", r)

    pending = c.send_message_async(a, blackhole.uri("void"), "text/plain", b"anyone?", {"cookie": T(5)}, timeout=60)
    c.call(r, ENDPOINT_IFACE, "Register", None, "()")
    iterate_until(lambda: blackhole.requests_of("MESSAGE") and silent_registrar.requests_of("REGISTER"), 5,
                  "the MESSAGE and the REGISTER to reach the silent peers")

    # SendMessage: Timeout, OperationComplete 408 with cause timeout.
    iterate_until(lambda: pending, 45, "the reply to SendMessage to a peer that never answers")
    err = pending.get("error")
    check(err is not None, "SendMessage to a peer that never answers succeeded")
    check_equal(err.name, ERROR + "Timeout", "error of SendMessage to a peer that never answers (%s)" % err.message)
    ops = [e for e in oc.events if e.args[0] == 5]
    check_equal(len(ops), 1, "OperationComplete with cookie 5")
    sig = ops[0]
    check_equal(sig.args[1], 408, "sip_status of OperationComplete after a timeout")
    det = sig.arg(3)
    cause = det.lookup_value("cause", None)
    check(cause is not None and cause.get_string() == "timeout",
          'OperationComplete details["cause"] after a timeout: %r' % (cause,))
    e = det.lookup_value("error", None)
    check(e is not None and e.get_string() == ERROR + "Timeout", 'OperationComplete details["error"]: %r' % (e,))
    check(sip_message_of(det) is None, "OperationComplete after a timeout has a sip-message")
    check(len(blackhole.requests_of("MESSAGE")) > 1, "the MESSAGE over UDP was not retransmitted")

    # Register: registering -> error (408, cause timeout, retry-after).
    final = rs.wait_one(lambda e: e.args[0] in ("error", "registered", "rejected"), 15,
                        "RegistrationStateChanged to error after the registrar never answered")
    check_equal(rs.events[0].args[:2], ("registering", "unregistered"), "first RegistrationStateChanged")
    check_equal((final.args[0], final.args[1], final.args[2]), ("error", "registering", 408),
                "RegistrationStateChanged (state, previous, sip_status) after a timeout")
    det = final.arg(4)
    cause = det.lookup_value("cause", None)
    check(cause is not None and cause.get_string() == "timeout",
          'RegistrationStateChanged details["cause"] after a timeout: %r' % (cause,))
    retry = det.lookup_value("retry-after", None)
    fx.expect(retry is not None and retry.get_type_string() == "u" and retry.get_uint32() > 0,
              'RegistrationStateChanged to error: details["retry-after"] (u, seconds until the next attempt) '
              'is %r (keys: %s)' % (retry, sorted(final.args[4])))
    check_equal(c.get_value(r, ENDPOINT_IFACE, "RegistrationState"), "error", "RegistrationState")
    check(c.get_value(MANAGER_PATH, MANAGER_IFACE, "Version"), "the daemon does not answer afterwards")


TESTS = [
    ("peers that never answer: SendMessage is Timeout (OperationComplete 408), Register goes to error (408)",
     test_no_answer),
]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS))
