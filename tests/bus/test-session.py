#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Calls through org.tincan.Tincan1.Session and .Media on a private bus:
two peer-to-peer endpoints of one daemon call each other (Endpoint.Call,
IncomingSession, Accept, Reject, Terminate, Hold/Resume with
OperationComplete, SendInfo/InfoReceived, SendDtmf/DtmfReceived), every
StateChanged carries the SIP message that caused it, the incoming call
policies (auto-answer, busy, forward), bad input, and the session objects
going away after a call.  TAP on stdout.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tincantest import (ENDPOINT_IFACE, ERROR, GLib, S, T, U, check, check_equal, header,  # noqa: E402
                        iterate_until, run_tests, sip_message_of)

SESSION_IFACE = "org.tincan.Tincan1.Session"
MEDIA_IFACE = "org.tincan.Tincan1.Media"
QUIET = {"audio-source": "none", "audio-sink": "none"}


def p2p(user, **extra):
    s = {"uri": "sip:%s@127.0.0.1" % user, "kind": "peer-to-peer", "listen": "127.0.0.1:0"}
    s.update(QUIET)
    s.update(extra)
    return s


def pair(fx, b_extra=None):
    fx.start_daemon()
    c = fx.client
    a = c.create_endpoint(p2p("alice", **{"display-name": "Alice Example"}))
    b = c.create_endpoint(p2p("bob", **(b_extra or {})))
    return a, b, c.get_value(b, ENDPOINT_IFACE, "Contact")


def call(fx, a, target, options=None):
    return fx.client.call(a, ENDPOINT_IFACE, "Call", GLib.Variant("(sa{sv})", (target, options or {})),
                          reply_type="(o)")[0]


def state(fx, session):
    return fx.client.get_value(session, SESSION_IFACE, "State")


def wait_state(rec, session, wanted, timeout=10):
    return rec.wait_one(lambda e: e.member == "StateChanged" and e.path == session and e.args[0] == wanted, timeout,
                        "StateChanged to %s on %s" % (wanted, session))


def start_call(fx, a, b, contact, options=None):
    """alice calls bob; returns (alice's session, bob's session, recorders)."""
    c = fx.client
    incoming = fx.record(ENDPOINT_IFACE, "IncomingSession", b)
    states = fx.record(SESSION_IFACE, "StateChanged")
    out = call(fx, a, contact, options)
    check(out.startswith(a + "/session/"), "the session path %r is not under the endpoint %r" % (out, a))
    sig = incoming.wait_one(timeout=10, what="IncomingSession on bob")
    inc = sig.args[0]
    msg = sip_message_of(sig.arg(1))
    check(msg is not None and msg[0].startswith("INVITE "), "IncomingSession details lack the INVITE: %r" % (msg,))
    check_equal(c.get_value(inc, SESSION_IFACE, "State"), "incoming", "State of the incoming session")
    check_equal(c.get_value(inc, SESSION_IFACE, "Direction"), "incoming", "Direction of the incoming session")
    check_equal(c.get_value(out, SESSION_IFACE, "Direction"), "outgoing", "Direction of the outgoing session")
    check_equal(c.get_value(inc, SESSION_IFACE, "RemoteDisplayName"), "Alice Example", "RemoteDisplayName")
    check_equal(c.get_value(out, SESSION_IFACE, "CallId"), c.get_value(inc, SESSION_IFACE, "CallId"),
                "Call-ID on both sides")
    wait_state(states, out, "in-progress")
    return out, inc, states


def test_call_accept_terminate(fx):
    c = fx.client
    a, b, contact = pair(fx)
    props = fx.record("org.freedesktop.DBus.Properties", "PropertiesChanged", a)
    out, inc, states = start_call(fx, a, b, contact)
    ring = states.wait_one(lambda e: e.path == out and e.args[2] == 180, 10, "in-progress with 180 on alice")
    msg = sip_message_of(ring.arg(4))
    check(msg is not None and msg[0] == "SIP/2.0 180 Ringing", "180's StateChanged lacks the 180: %r" % (msg,))
    check_equal(ring.args[1], "in-progress", "previous state of the 180's StateChanged")

    c.call(inc, SESSION_IFACE, "Accept", GLib.Variant("(a{sv})", ({},)))
    conn = wait_state(states, out, "connected")
    check_equal(conn.args[2], 200, "sip_status of alice's connected")
    msg = sip_message_of(conn.arg(4))
    check(msg is not None and msg[0] == "SIP/2.0 200 OK", "connected lacks the 200 OK: %r" % (msg,))
    check_equal(header(msg[1], "Content-Type"), "application/sdp", "Content-Type of the 200")
    ack = wait_state(states, inc, "connected")
    msg = sip_message_of(ack.arg(4))
    check(msg is not None and msg[0].startswith("ACK "), "bob's connected lacks the ACK: %r" % (msg,))
    check_equal(ack.args[1], "answering", "bob's state before connected")
    codec = c.get_value(out, MEDIA_IFACE, "Codec")
    check_equal(codec, "opus", "the negotiated codec (both prefer opus)")
    check_equal(c.get_value(inc, MEDIA_IFACE, "Direction"), "sendrecv", "media direction")
    sessions = c.get_value(a, ENDPOINT_IFACE, "Sessions")
    check(out in sessions, "Endpoint.Sessions %r lacks %s" % (sessions, out))

    c.call(out, SESSION_IFACE, "Terminate")
    end = wait_state(states, inc, "disconnected")
    msg = sip_message_of(end.arg(4))
    check(msg is not None and msg[0].startswith("BYE "), "bob's disconnected lacks the BYE: %r" % (msg,))
    check_equal(end.args[2], 0, "sip_status of a disconnect caused by BYE")
    wait_state(states, out, "disconnected")
    # Terminating again does nothing; the object lingers, then goes.
    c.call(out, SESSION_IFACE, "Terminate")
    removed = fx.record("org.freedesktop.DBus.ObjectManager", "InterfacesRemoved")
    removed.wait(lambda e: e.args[0] in (out, inc), timeout=10, what="both sessions removed", count=2)
    # Sessions changes are announced as invalidated, without the value:
    # once for the call's arrival, once more (it was read since) for its
    # departure.
    def invalidates(e):
        return e.args[0] == ENDPOINT_IFACE and "Sessions" in e.args[2]

    props.wait(invalidates, timeout=10, what="Sessions invalidated twice", count=2)
    check(all("Sessions" not in e.args[1] for e in props.matching()), "a PropertiesChanged carried Sessions' value")
    check_equal(len(props.matching(invalidates)), 2, "Sessions invalidations for one call")
    check_equal(c.get_value(a, ENDPOINT_IFACE, "Sessions"), [], "Sessions after the call")


def test_reject_and_cancel(fx):
    c = fx.client
    a, b, contact = pair(fx)
    out, inc, states = start_call(fx, a, b, contact)
    c.call(inc, SESSION_IFACE, "Reject", GLib.Variant("(us)", (486, "")))
    end = wait_state(states, out, "disconnected")
    check_equal(end.args[2], 486, "alice's status after Reject(486)")
    msg = sip_message_of(end.arg(4))
    check(msg is not None and msg[0] == "SIP/2.0 486 Busy Here", "alice's disconnected lacks the 486: %r" % (msg,))
    check_equal(state(fx, inc), "disconnected", "bob after Reject")

    # CANCEL while ringing: both end, bob with the CANCEL, alice with 487.
    out, inc, states = start_call(fx, a, b, contact)
    c.call(out, SESSION_IFACE, "Terminate")
    end = wait_state(states, inc, "disconnected")
    msg = sip_message_of(end.arg(4))
    check(msg is not None and msg[0].startswith("CANCEL "), "bob's disconnected lacks the CANCEL: %r" % (msg,))
    end = wait_state(states, out, "disconnected")
    check_equal(end.args[2], 487, "alice's status after her CANCEL")


def connected_call(fx, a_extra=None, b_extra=None):
    c = fx.client
    a, b, contact = pair(fx, b_extra)
    out, inc, states = start_call(fx, a, b, contact, a_extra)
    c.call(inc, SESSION_IFACE, "Accept", GLib.Variant("(a{sv})", ({},)))
    wait_state(states, out, "connected")
    wait_state(states, inc, "connected")
    return a, b, out, inc, states


def test_hold_resume(fx):
    c = fx.client
    a, b, out, inc, states = connected_call(fx)
    ops = fx.record(SESSION_IFACE, "OperationComplete", out)
    reinv = fx.record(SESSION_IFACE, "ReInviteReceived", inc)
    c.call(out, SESSION_IFACE, "Hold", GLib.Variant("(a{sv})", ({"cookie": T(7)},)))
    op = ops.wait_one(lambda e: e.args[0] == 7, 5, "OperationComplete of Hold")
    check_equal(op.args[1], 200, "status of Hold")
    check_equal(op.arg(3).lookup_value("operation", None).get_string(), "hold", "operation of Hold")
    check_equal(state(fx, out), "hold", "alice after Hold")
    reinv.wait_one(timeout=5, what="ReInviteReceived on bob")
    iterate_until(lambda: c.get_value(inc, SESSION_IFACE, "RemoteHeld"), 5, "bob's RemoteHeld")
    check_equal(c.get_value(inc, MEDIA_IFACE, "Direction"), "recvonly", "bob's media direction while held")
    check_equal(c.get_value(out, MEDIA_IFACE, "Direction"), "sendonly", "alice's media direction while holding")
    c.call(out, SESSION_IFACE, "Resume", GLib.Variant("(a{sv})", ({"cookie": T(8)},)))
    ops.wait_one(lambda e: e.args[0] == 8, 5, "OperationComplete of Resume")
    check_equal(state(fx, out), "connected", "alice after Resume")
    iterate_until(lambda: not c.get_value(inc, SESSION_IFACE, "RemoteHeld"), 5, "bob's RemoteHeld cleared")
    # Hold from the far end too.
    c.call(inc, SESSION_IFACE, "Hold", GLib.Variant("(a{sv})", ({},)))
    iterate_until(lambda: c.get_value(out, SESSION_IFACE, "RemoteHeld"), 5, "alice's RemoteHeld")
    c.call(out, SESSION_IFACE, "Terminate")


def test_info_and_dtmf(fx):
    c = fx.client
    a, b, out, inc, states = connected_call(fx)
    infos = fx.record(SESSION_IFACE, "InfoReceived", inc)
    ops = fx.record(SESSION_IFACE, "OperationComplete", out)
    body = b'{"hello": "bob"}'
    c.call(out, SESSION_IFACE, "SendInfo", GLib.Variant("(saya{sv})", ("application/json", body, {"cookie": T(3)})))
    sig = infos.wait_one(timeout=5, what="InfoReceived on bob")
    check_equal(sig.args[0], "application/json", "content type of InfoReceived")
    check_equal(bytes(sig.args[1]), body, "body of InfoReceived")
    op = ops.wait_one(lambda e: e.args[0] == 3, 5, "OperationComplete of SendInfo")
    check_equal(op.args[1], 200, "status of SendInfo")

    dtmf = fx.record(SESSION_IFACE, "DtmfReceived", inc)
    c.call(out, SESSION_IFACE, "SendInfo",
           GLib.Variant("(saya{sv})", ("application/dtmf-relay", b"Signal=5\r\nDuration=200\r\n", {})))
    sig = dtmf.wait_one(timeout=5, what="DtmfReceived from a dtmf-relay INFO")
    check_equal((sig.args[0], sig.args[1]), ("5", 200), "digit and duration from dtmf-relay")
    c.call(out, SESSION_IFACE, "SendDtmf", GLib.Variant("(sa{sv})", ("19#", {"duration": U(100)})))
    got = dtmf.wait(lambda e: True, timeout=10, what="3 more DTMF digits", count=4)
    check_equal("".join(e.args[0] for e in got[1:4]), "19#", "RFC 4733 digits received")
    c.call(out, SESSION_IFACE, "Terminate")


def test_policies(fx):
    fx.start_daemon()
    c = fx.client
    a = c.create_endpoint(p2p("alice"))
    auto = c.create_endpoint(p2p("bot", **{"incoming-call-policy": "auto-answer", "auto-answer-delay": U(100)}))
    busy = c.create_endpoint(p2p("dnd", **{"incoming-call-policy": "busy"}))
    check_equal(c.get_value(auto, ENDPOINT_IFACE, "IncomingCallPolicy"), "auto-answer", "IncomingCallPolicy")
    states = fx.record(SESSION_IFACE, "StateChanged")
    out = call(fx, a, c.get_value(auto, ENDPOINT_IFACE, "Contact"))
    wait_state(states, out, "connected")
    c.call(out, SESSION_IFACE, "Terminate")
    out = call(fx, a, c.get_value(busy, ENDPOINT_IFACE, "Contact"))
    end = wait_state(states, out, "disconnected")
    check_equal(end.args[2], 486, "status from a busy endpoint")
    check_equal(c.get_value(busy, ENDPOINT_IFACE, "Sessions"), [], "sessions of the busy endpoint")
    # forward: 302 to forward-to, which the caller follows to the bot.
    fwd = c.create_endpoint(p2p("away", **{"incoming-call-policy": "forward",
                                           "forward-to": S(c.get_value(auto, ENDPOINT_IFACE, "Contact"))}))
    out = call(fx, a, c.get_value(fwd, ENDPOINT_IFACE, "Contact"))
    red = states.wait_one(lambda e: e.path == out and e.args[2] == 302, 10, "the 302 of the forward policy")
    check_equal(red.arg(4).lookup_value("redirected-to", None).get_string().split(";")[0],
                c.get_value(auto, ENDPOINT_IFACE, "Contact").split(";")[0], "redirected-to of the forward policy")
    wait_state(states, out, "connected")
    check_equal(c.get_value(fwd, ENDPOINT_IFACE, "Sessions"), [], "sessions of the forwarding endpoint")
    c.call(out, SESSION_IFACE, "Terminate")


def test_bad_input(fx):
    c = fx.client
    a, b, contact = pair(fx)
    c.expect_error(ERROR + "InvalidArgs", a, ENDPOINT_IFACE, "Call", GLib.Variant("(sa{sv})", ("not a uri", {})),
                   mentions=("not a uri",))
    c.expect_error(ERROR + "InvalidArgs", a, ENDPOINT_IFACE, "Call",
                   GLib.Variant("(sa{sv})", (contact, {"frobnicate": S("x")})), mentions=("frobnicate",))
    c.expect_error(ERROR + "InvalidArgs", a, ENDPOINT_IFACE, "Call",
                   GLib.Variant("(sa{sv})", (contact, {"codecs": S("g729")})), mentions=("g729",))
    c.expect_error(ERROR + "InvalidArgs", a, ENDPOINT_IFACE, "Call",
                   GLib.Variant("(sa{sv})", (contact, {"headers": GLib.Variant("a(ss)", [("Via", "x")])})),
                   mentions=("Via",))
    check_equal(c.get_value(a, ENDPOINT_IFACE, "Sessions"), [], "sessions after refused calls")
    out, inc, states = start_call(fx, a, b, contact)
    c.expect_error(ERROR + "InvalidState", out, SESSION_IFACE, "Accept", GLib.Variant("(a{sv})", ({},)),
                   mentions=("in-progress",))
    c.expect_error(ERROR + "InvalidArgs", inc, SESSION_IFACE, "Reject", GLib.Variant("(us)", (200, "")),
                   mentions=("200",))
    c.expect_error(ERROR + "InvalidState", inc, SESSION_IFACE, "Hold", GLib.Variant("(a{sv})", ({},)),
                   mentions=("incoming",))
    c.expect_error(ERROR + "InvalidArgs", inc, SESSION_IFACE, "SetAdditionalHeaders",
                   GLib.Variant("(a(ss))", ([("X-Ok", "a\r\nInjected: 1")],)), mentions=("X-Ok",))
    check_equal(state(fx, inc), "incoming", "bob's session after bad input")
    c.call(inc, SESSION_IFACE, "Accept", GLib.Variant("(a{sv})", ({},)))
    wait_state(states, out, "connected")
    c.expect_error(ERROR + "InvalidArgs", out, SESSION_IFACE, "SendDtmf", GLib.Variant("(sa{sv})", ("12x", {})),
                   mentions=("12x",))
    c.expect_error(ERROR + "InvalidArgs", out, SESSION_IFACE, "PlayFile", GLib.Variant("(sa{sv})", ("rel.wav", {})),
                   mentions=("absolute",))
    c.expect_error(ERROR + "NotFound", out, SESSION_IFACE, "PlayFile",
                   GLib.Variant("(sa{sv})", ("/nonexistent/x.wav", {})), mentions=("/nonexistent/x.wav",))
    check_equal(state(fx, out), "connected", "alice's session after bad input")
    c.call(out, SESSION_IFACE, "Terminate")


TESTS = [
    ("Call, IncomingSession, 180, Accept, ACK, Terminate (BYE): states with their SIP messages; objects go",
     test_call_accept_terminate),
    ("Reject(486) and CANCEL while ringing end both sides with the right status", test_reject_and_cancel),
    ("Hold/Resume by re-INVITE with OperationComplete; RemoteHeld and media directions follow", test_hold_resume),
    ("SendInfo/InfoReceived (any content type), dtmf-relay INFO and RFC 4733 SendDtmf/DtmfReceived",
     test_info_and_dtmf),
    ("incoming-call-policy auto-answer answers, busy answers 486, forward answers 302 (followed), "
     "the last two without a session", test_policies),
    ("bad Call/Accept/Reject/Hold/SendDtmf/PlayFile input is a named error and changes nothing", test_bad_input),
]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS))
