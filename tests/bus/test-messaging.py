#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Page-mode messaging (RFC 3428) through org.tincan.Tincan1.Endpoint on a
private bus: SendMessage between two endpoints of one daemon,
OperationComplete, MessageReceived, the durable inbox
(ListPendingMessages / AcknowledgeMessage, across restarts), failures
(closed port, 486), bad input, and the caller or the endpoint going away
while a MESSAGE is in flight.  TAP on stdout.
"""

import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tincantest import (ENDPOINT_IFACE, ENDPOINT_PREFIX, ERROR, LOOPBACK, MANAGER_IFACE,  # noqa: E402
                        MANAGER_PATH, AY, DBusCallError, Failure, GLib, Message, S, T, U, asv, check, check_equal,
                        closed_tcp_port, drain, header, iterate_until, run_tests, sip_message_of, status_handler,
                        swallow_handler, tup)

DEFAULT_TYPE = "text/plain;charset=UTF-8"


def p2p(user, **extra):
    s = {"uri": "sip:%s@127.0.0.1" % user, "kind": "peer-to-peer", "listen": "127.0.0.1:0"}
    s.update(extra)
    return s


def pair(fx, b_extra=None):
    """Endpoints alice (display name "Alice Example") and bob; returns
    (alice path, bob path, bob's Contact)."""
    c = fx.client
    a = c.create_endpoint(p2p("alice", **{"display-name": "Alice Example"}))
    b = c.create_endpoint(p2p("bob", **(b_extra or {})))
    contact = c.get_value(b, ENDPOINT_IFACE, "Contact")
    check(contact.startswith("sip:") and ":" in contact[4:], "bob's Contact %r has no port" % contact)
    return a, b, contact


def op_complete(rec, path, cookie):
    return [e for e in rec.events if e.member == "OperationComplete" and e.path == path and e.args[0] == cookie]


def wait_op(rec, path, cookie, timeout=5):
    return rec.wait_one(lambda e: e.member == "OperationComplete" and e.path == path and e.args[0] == cookie,
                        timeout, "OperationComplete with cookie %d on %s" % (cookie, path))


def check_op(fx, sig, status, reason=None, error=None, cause=None, response_line=None):
    check_equal(sig.params.get_type_string(), "(tusa{sv})", "signature of OperationComplete")
    check_equal(sig.args[1], status, "sip_status of OperationComplete")
    if reason is not None:
        check_equal(sig.args[2], reason, "reason of OperationComplete")
    det = sig.arg(3)
    op = det.lookup_value("operation", None)
    fx.expect(op is not None and op.get_type_string() == "s" and op.get_string() == "message",
              'OperationComplete details["operation"] is %r, expected "message"' % (op,))
    err = det.lookup_value("error", None)
    if error is None:
        fx.expect(err is None, 'OperationComplete of a success has details["error"] %r' % (err,))
    else:
        fx.expect(err is not None and err.get_string() == error,
                  'OperationComplete details["error"] is %r, expected %r' % (err, error))
    c = det.lookup_value("cause", None)
    if cause is None:
        fx.expect(c is None, 'OperationComplete with a SIP response has details["cause"] %r' % (c,))
    else:
        causes = (cause,) if isinstance(cause, str) else cause
        fx.expect(c is not None and c.get_string() in causes,
                  'OperationComplete details["cause"] is %r, expected one of %r (closed set: timeout '
                  'transport-error cancelled)' % (c and c.get_string(), causes))
    msg = sip_message_of(det)
    if response_line is None:
        fx.expect(msg is None, 'OperationComplete without a response has details["sip-message"] %r' % (msg,))
    else:
        check(msg is not None, 'OperationComplete details lack "sip-message": %r' % sig.args[3])
        check_equal(msg[0], response_line, 'start line of OperationComplete details["sip-message"]')
        cseq = header(msg[1], "CSeq") or ""
        check("MESSAGE" in cseq, 'details["sip-message"] is not a response to MESSAGE (CSeq %r)' % cseq)
    return det


# --- tests --------------------------------------------------------------------


def test_send_between_endpoints(fx):
    """SendMessage from alice to bob's Contact: empty reply,
    OperationComplete(cookie, 200, "OK"), and bob's MessageReceived with the
    exact bytes (text, binary, default and non-text content types)."""
    fx.start_daemon()
    c = fx.client
    a, b, contact = pair(fx)
    oc = fx.record(ENDPOINT_IFACE, "OperationComplete", path_prefix=ENDPOINT_PREFIX)
    mr = fx.record(ENDPOINT_IFACE, "MessageReceived", path_prefix=ENDPOINT_PREFIX)
    cases = [
        ("text/plain;charset=UTF-8", "h\u00e9llo w\u00f6rld \u2713".encode(), 42),
        ("application/octet-stream", bytes(range(256)) * 4, 43),
        ("", b"the default content type", 44),
        ("application/vnd.tincan-test+json", b'{"a": [1, 2]}\r\n\r\nafter a blank line\x00\xff', 45),
    ]
    received = []
    for ct, body, cookie in cases:
        t0 = int(time.time() * 1e6)
        reply = c.send_message(a, contact, ct, body, {"cookie": T(cookie)})
        check_equal(reply.get_type_string(), "()", "reply type of SendMessage")
        sig = wait_op(oc, a, cookie)
        check_op(fx, sig, 200, "OK", response_line="SIP/2.0 200 OK")
        sig_m = mr.wait_one(lambda e: e.path == b and bytes(e.args[4]) == body, 5,
                            "MessageReceived on bob with the body sent with cookie %d" % cookie)
        m = Message.from_signal(sig_m)
        check_equal(sig_m.params.get_type_string(), "(ssssaya{sv})", "signature of MessageReceived")
        check_equal(m.body, body, "MessageReceived body (exact bytes)")
        check_equal(m.content_type, ct or DEFAULT_TYPE, "MessageReceived content_type")
        check(m.id and m.id not in [r.id for r in received], "MessageReceived id %r is empty or reused" % m.id)
        fx.expect("sip:alice@127.0.0.1" in m.from_, "MessageReceived from %r lacks alice's URI" % m.from_)
        fx.expect("Alice Example" in m.from_,
                  "MessageReceived from %r is not the From header's value with the display name "
                  "(\"Alice Example\")" % m.from_)
        fx.expect(contact in m.to or contact.split(";")[0] in m.to,
                  "MessageReceived to %r is not the To header's value (bob's Contact %s)" % (m.to, contact))
        sm = sip_message_of(m.details_variant)
        check(sm is not None, 'MessageReceived details lack "sip-message": %r' % m.details)
        check(sm[0].startswith("MESSAGE ") and sm[0].endswith(" SIP/2.0"),
              'MessageReceived details["sip-message"] start line %r' % sm[0])
        check_equal(sm[2], body, 'body in MessageReceived details["sip-message"]')
        check_equal(header(sm[1], "Content-Type") or header(sm[1], "c"), ct or DEFAULT_TYPE,
                    'Content-Type in details["sip-message"]')
        ra = m.details_variant.lookup_value("received-at", None)
        check(ra is not None, 'MessageReceived details lack "received-at": %r' % m.details)
        check_equal(ra.get_type_string(), "x", 'type of details["received-at"]')
        now = int(time.time() * 1e6)
        check(t0 - 2_000_000 <= ra.get_int64() <= now + 2_000_000,
              'details["received-at"] %d is not the reception time (µs since the epoch, between %d and %d)'
              % (ra.get_int64(), t0, now))
        received.append(m)
    check_equal(len([e for e in mr.events if e.path == a]), 0, "MessageReceived on alice (the sender)")
    check_equal(len([e for e in mr.events if e.path == b]), len(cases),
                "MessageReceived on bob (once per message, no duplicates)")
    check_equal(sorted(e.args[0] for e in oc.events), [42, 43, 44, 45], "cookies of OperationComplete")


def test_pending_and_acknowledge(fx):
    """ListPendingMessages lists what arrived (oldest first, same fields as
    MessageReceived); AcknowledgeMessage removes one; a second one is
    NotFound."""
    fx.start_daemon()
    c = fx.client
    a, b, contact = pair(fx)
    mr = fx.record(ENDPOINT_IFACE, "MessageReceived", b)
    bodies = [b"first", bytes([0, 1, 2, 13, 10, 255]), b"third"]
    types = ["text/plain", "application/octet-stream", "text/x-tincan"]
    for i, (body, ct) in enumerate(zip(bodies, types)):
        c.send_message(a, contact, ct, body, {"cookie": T(i)})
    sigs = [Message.from_signal(s) for s in mr.wait(count=3, timeout=5, what="3 MessageReceived on bob")]
    pending = c.list_pending(b)
    check_equal([m.fields() for m in pending], [m.fields() for m in sigs],
                "ListPendingMessages (id, from, to, content_type, body), oldest first, against MessageReceived")
    check_equal([m.body for m in pending], bodies, "bodies in ListPendingMessages")
    for m in pending:
        sm = sip_message_of(m.details_variant)
        check(sm is not None and sm[2] == m.body, 'ListPendingMessages details["sip-message"] of %s' % m.id)
        check(m.details_variant.lookup_value("received-at", None) is not None,
              'ListPendingMessages details of %s lack "received-at"' % m.id)
    check_equal(c.list_pending(a), [], "ListPendingMessages on alice")

    c.acknowledge(b, pending[1].id)
    check_equal([m.id for m in c.list_pending(b)], [pending[0].id, pending[2].id],
                "pending ids after acknowledging the second")
    c.expect_error(ERROR + "NotFound", b, ENDPOINT_IFACE, "AcknowledgeMessage", GLib.Variant("(s)", (pending[1].id,)),
                   mentions=[pending[1].id], what="a second AcknowledgeMessage of %s" % pending[1].id)
    for bad in ("no-such-message", ""):
        c.expect_error(ERROR + "NotFound", b, ENDPOINT_IFACE, "AcknowledgeMessage", GLib.Variant("(s)", (bad,)),
                       what="AcknowledgeMessage(%r)" % bad)
    c.expect_error(ERROR + "NotFound", a, ENDPOINT_IFACE, "AcknowledgeMessage", GLib.Variant("(s)", (pending[0].id,)),
                   what="AcknowledgeMessage on alice of a message of bob")
    check_equal([m.id for m in c.list_pending(b)], [pending[0].id, pending[2].id],
                "pending ids after the refused acknowledgements")
    c.acknowledge(b, pending[0].id)
    c.acknowledge(b, pending[2].id)
    check_equal(c.list_pending(b), [], "ListPendingMessages after acknowledging everything")


def test_pending_survive_restart(fx):
    """Messages stay in the inbox across a daemon restart until
    acknowledged."""
    d = fx.start_daemon()
    c = fx.client
    a, b, contact = pair(fx, {"persist": True})
    mr = fx.record(ENDPOINT_IFACE, "MessageReceived", b)
    c.send_message(a, contact, "text/plain", b"acknowledged before the restart", {})
    c.send_message(a, contact, "application/octet-stream", b"\x00kept\xff\r\n", {})
    sigs = [Message.from_signal(s) for s in mr.wait(count=2, timeout=5, what="2 MessageReceived on bob")]
    c.acknowledge(b, sigs[0].id)
    before = c.list_pending(b)
    check_equal([m.id for m in before], [sigs[1].id], "pending before the restart")

    d = fx.restart_daemon(d)
    check(b in c.endpoints(), "the persisted bob %s is not back after the restart" % b)
    after = c.list_pending(b)
    check_equal([m.fields() for m in after], [m.fields() for m in before], "pending messages after the restart")
    check_equal(after[0].details_variant.lookup_value("received-at", None).get_int64(),
                before[0].details_variant.lookup_value("received-at", None).get_int64(),
                "received-at after the restart")
    check_equal(sip_message_of(after[0].details_variant), sip_message_of(before[0].details_variant),
                'details["sip-message"] after the restart')
    c.acknowledge(b, after[0].id)
    check_equal(c.list_pending(b), [], "pending after acknowledging")
    fx.restart_daemon(d)
    check_equal(c.list_pending(b), [], "pending after acknowledging and a second restart")


def test_closed_port(fx):
    """SendMessage to a port where nothing listens (TCP: refused): an error
    (Transport or Timeout) and OperationComplete 503 / 408."""
    fx.start_daemon()
    c = fx.client
    a = c.create_endpoint(p2p("alice"))
    oc = fx.record(ENDPOINT_IFACE, "OperationComplete", a)
    port = closed_tcp_port()
    target = "sip:nobody@%s:%d;transport=tcp" % (LOOPBACK, port)
    try:
        c.send_message(a, target, "text/plain", b"anyone?", {"cookie": T(7)}, timeout=45)
        raise Failure("SendMessage to the closed port %d succeeded" % port)
    except DBusCallError as e:
        check(e.name in (ERROR + "Transport", ERROR + "Timeout"),
              "SendMessage to a closed port: expected Error.Transport or Error.Timeout, got %s: %s"
              % (e.name, e.message))
        check(e.message.strip(), "the %s error has an empty message" % e.name)
        err = e.name
    sig = wait_op(oc, a, 7)
    expected = {ERROR + "Transport": (503, "transport-error"), ERROR + "Timeout": (408, "timeout")}[err]
    check_op(fx, sig, expected[0], error=err, cause=expected[1])
    check(c.get_value(MANAGER_PATH, MANAGER_IFACE, "Version"), "the daemon does not answer afterwards")


def test_rejected(fx):
    """A 486 from the peer: Error.Rejected naming 486, OperationComplete
    with 486 and the response; a 404 the same way."""
    busy = fx.peer(status_handler(486, "Busy Here"), "busy")
    gone = fx.peer(status_handler(404, "Not Found"), "gone")
    fx.start_daemon()
    c = fx.client
    a = c.create_endpoint(p2p("alice"))
    oc = fx.record(ENDPOINT_IFACE, "OperationComplete", a)
    for peer, status, reason, cookie in ((busy, 486, "Busy Here", 9), (gone, 404, "Not Found", 10)):
        args = tup(S(peer.uri("carol")), S("text/plain"), AY(b"ring ring"), asv({"cookie": T(cookie)}))
        c.expect_error(ERROR + "Rejected", a, ENDPOINT_IFACE, "SendMessage", args, mentions=[str(status)],
                       what="SendMessage to a peer answering %d" % status)
        sig = wait_op(oc, a, cookie)
        check_op(fx, sig, status, reason, error=ERROR + "Rejected", response_line="SIP/2.0 %d %s" % (status, reason))
        msgs = peer.distinct("MESSAGE")
        check_equal(len(msgs), 1, "MESSAGEs the %d peer got" % status)
        check_equal(msgs[0].body, b"ring ring", "body of the MESSAGE the %d peer got" % status)


def test_bad_send_input(fx):
    """Bad SendMessage input: InvalidArgs with a message that says what was
    wrong, no OperationComplete, nothing sent."""
    recorder = fx.peer(name="recorder")
    fx.start_daemon()
    c = fx.client
    small = c.create_endpoint(p2p("small", **{"max-message-size": U(16)}))
    default = ENDPOINT_PREFIX + "default"
    oc = fx.record(ENDPOINT_IFACE, "OperationComplete", path_prefix=ENDPOINT_PREFIX)
    to = recorder.uri("rec")
    props_before = {p: c.endpoint_props(p) for p in (small, default)}
    endpoints_before = c.endpoints()
    cases = [
        ('target "not a uri"', small, "not a uri", "text/plain", b"x", {}, [("target", "not a uri")]),
        ('target "sip:"', small, "sip:", "text/plain", b"x", {}, [("target", "sip:")]),
        ("a mailto: target", small, "mailto:bob@example.org", "text/plain", b"x", {}, [("target", "mailto")]),
        ("an unknown option", small, to, "text/plain", b"x", {"bogus-option": S("1")}, ["bogus-option"]),
        ("cookie as a string", small, to, "text/plain", b"x", {"cookie": S("42")}, ["cookie"]),
        ("cookie as u", small, to, "text/plain", b"x", {"cookie": U(42)}, ["cookie"]),
        ("CR LF in the content type", small, to, "text/plain\r\nX-Injected: 1", b"x", {},
         [("content type", "content-type", "CR", "LF")]),
        ("LF in the content type", small, to, "text/plain\n", b"x", {},
         [("content type", "content-type", "LF")]),
        ("a content type without a slash", small, to, "textplain", b"x", {}, ["textplain"]),
        ("a content type without a subtype", small, to, "text/", b"x", {}, [("text/", "content type",
                                                                               "content-type")]),
        ("a body over max-message-size (16)", small, to, "application/octet-stream", b"y" * 17, {},
         [("16", "17")]),
        ("a body over the default maximum (65536)", default, to, "application/octet-stream", b"\0" * 65537, {},
         [("65536", "65537")]),
    ]
    problems = []
    for what, path, target, ct, body, options, mentions in cases:
        oc.clear()
        args = tup(S(target), S(ct), AY(body), asv(options))
        try:
            c.expect_error(ERROR + "InvalidArgs", path, ENDPOINT_IFACE, "SendMessage", args, mentions=mentions,
                           what="SendMessage with %s" % what)
        except Failure as e:
            problems.append(str(e))
        drain()
        if oc.events:
            problems.append("SendMessage with %s emitted OperationComplete %r" % (what, oc.events))
    for p, props in props_before.items():
        if c.endpoint_props(p) != props:
            problems.append("the properties of %s changed after the refused calls: %r -> %r"
                            % (p, props, c.endpoint_props(p)))
    if c.endpoints() != endpoints_before:
        problems.append("Endpoints changed after the refused calls: %r" % c.endpoints())
    # The boundary is allowed, and it is the only MESSAGE that went out.
    c.send_message(small, to, "application/octet-stream", b"z" * 16, {"cookie": T(16)})
    wait_op(oc, small, 16)
    sent = recorder.distinct("MESSAGE")
    if len(sent) != 1 or sent[0].body != b"z" * 16:
        problems.append("the recorder got %d MESSAGE(s) (expected only the valid 16-byte one): %r"
                        % (len(sent), [m.body[:20] for m in sent]))
    if problems:
        raise Failure("%d of %d bad-input cases failed:\n  %s" % (len(problems), len(cases), "\n  ".join(problems)))


def test_large_body(fx):
    """Bodies too large for a UDP datagram (60000 bytes, and the default
    maximum size, 65536) arrive intact, over a stream transport."""
    fx.start_daemon()
    c = fx.client
    a, b, contact = pair(fx)
    mr = fx.record(ENDPOINT_IFACE, "MessageReceived", b)
    for size, cookie in ((60000, 60), (65536, 64)):
        body = bytes((i * 7 + size) % 256 for i in range(size))
        try:
            c.send_message(a, contact, "application/octet-stream", body, {"cookie": T(cookie)})
        except DBusCallError as e:
            fx.expect(False, "SendMessage of a %d-byte body (max-message-size is 65536) failed: %s: %s"
                      % (size, e.name, e.message))
            continue
        m = Message.from_signal(mr.wait_one(lambda e: len(e.args[4]) == size, 5,
                                            "MessageReceived of the %d-byte body" % size))
        check(m.body == body, "the %d-byte body was not received intact" % size)
        sm = sip_message_of(m.details_variant)
        via = (header(sm[1], "Via") or header(sm[1], "v") or "") if sm else ""
        fx.expect("/TCP" in via.upper() or "/TLS" in via.upper(),
                  "the %d-byte MESSAGE did not come over a stream transport (Via %r)" % (size, via))


def test_caller_vanishes(fx):
    """A caller that leaves the bus while its SendMessage is in flight:
    the MESSAGE is cancelled, OperationComplete(487, cause cancelled,
    error Aborted) is still emitted for other listeners, and the daemon
    keeps serving."""
    blackhole = fx.peer(swallow_handler, "blackhole")
    fx.start_daemon()
    c = fx.client
    a, b, contact = pair(fx)
    oc = fx.record(ENDPOINT_IFACE, "OperationComplete", a)
    leaver = fx.connect("leaver")
    pending = leaver.send_message_async(a, blackhole.uri("void"), "text/plain", b"hello?", {"cookie": T(77)})
    iterate_until(lambda: blackhole.requests_of("MESSAGE"), 5, "the MESSAGE to reach the silent peer")
    check(not pending, "SendMessage to a silent peer was answered at once: %r" % pending)
    leaver.close()
    sig = wait_op(oc, a, 77, timeout=10)
    check_op(fx, sig, 487, error=ERROR + "Aborted", cause="cancelled")
    # Still serving: another message goes through.
    mr = fx.record(ENDPOINT_IFACE, "MessageReceived", b)
    c.send_message(a, contact, "text/plain", b"still here", {"cookie": T(78)})
    mr.wait_one(timeout=5, what="MessageReceived after the caller left")
    check(c.get_value(MANAGER_PATH, MANAGER_IFACE, "Version"), "Version after the caller left")


def test_remove_endpoint_aborts(fx):
    """RemoveEndpoint while a SendMessage is in flight: the call ends with
    Error.Aborted and no OperationComplete; the removed endpoint's inbox is
    deleted (a new endpoint with the same URI starts empty)."""
    blackhole = fx.peer(swallow_handler, "blackhole")
    fx.start_daemon()
    c = fx.client
    a, b, contact = pair(fx)
    oc = fx.record(ENDPOINT_IFACE, "OperationComplete", path_prefix=ENDPOINT_PREFIX)
    pending = c.send_message_async(a, blackhole.uri("void"), "text/plain", b"hello?", {"cookie": T(88)})
    iterate_until(lambda: blackhole.requests_of("MESSAGE"), 5, "the MESSAGE to reach the silent peer")
    c.remove_endpoint(a)
    try:
        c.wait_reply(pending, "SendMessage while its endpoint is removed", 5)
        raise Failure("SendMessage succeeded although its endpoint was removed")
    except DBusCallError as e:
        check_equal(e.name, ERROR + "Aborted", "error of SendMessage when its endpoint is removed (%s)" % e.message)
    drain()
    fx.expect_equal(op_complete(oc, a, 88), [], "OperationComplete for the SendMessage of a removed endpoint")

    # bob gets a message, is removed, and comes back empty.
    sender = c.create_endpoint(p2p("sender"))
    mr = fx.record(ENDPOINT_IFACE, "MessageReceived", b)
    c.send_message(sender, contact, "text/plain", b"left in the inbox", {})
    mr.wait_one(timeout=5, what="MessageReceived on bob")
    check_equal(len(c.list_pending(b)), 1, "bob's pending messages")
    c.remove_endpoint(b)
    b2 = c.create_endpoint(p2p("bob"))
    check_equal(c.list_pending(b2), [], "pending messages of a new bob after the old one was removed (%s, %s)"
                % (b, b2))


TESTS = [
    ("SendMessage between two endpoints: reply, OperationComplete(cookie, 200), MessageReceived with exact bytes",
     test_send_between_endpoints),
    ("ListPendingMessages lists received messages; AcknowledgeMessage removes them; twice is NotFound",
     test_pending_and_acknowledge),
    ("pending messages survive a daemon restart until acknowledged", test_pending_survive_restart),
    ("SendMessage to a closed port fails (Transport/Timeout) with OperationComplete 503/408", test_closed_port),
    ("a 486 (or 404) from the peer is Error.Rejected naming the status, with OperationComplete", test_rejected),
    ("bad SendMessage input is InvalidArgs, emits nothing and sends nothing", test_bad_send_input),
    ("bodies too large for UDP (60000 and 65536 bytes) arrive intact over a stream transport", test_large_body),
    ("a caller leaving the bus cancels its SendMessage: OperationComplete 487, the daemon keeps serving",
     test_caller_vanishes),
    ("RemoveEndpoint aborts its SendMessage (Error.Aborted) and deletes its inbox", test_remove_endpoint_aborts),
]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS))
