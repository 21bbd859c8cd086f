#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""org.tincan.Tincan1.Endpoint on a private bus: Register / Unregister
against a registrar written in Python (UDP on 127.0.0.1),
RegistrationStateChanged and the properties that follow it,
SetAdditionalHeaders and its validation, PasswordStore, and SIGTERM with a
registered endpoint.  TAP on stdout.
"""

import os
import re
import sys
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tincantest import (ENDPOINT_IFACE, ENDPOINT_PREFIX, ERROR, PROPS_IFACE, REGISTRATION_STATES,  # noqa: E402
                        Failure, GLib, T, U, check, check_equal, drain, header, iterate_until, props_changed_values,
                        registrar_handler, run_tests, sip_message_of, status_handler)

GRANT = 300
PASSWORD = "s3cret-Pa55word"


def registered_settings(registrar, user="bob", **extra):
    s = {"uri": "sip:%s@127.0.0.1" % user, "registrar": "sip:127.0.0.1:%d" % registrar.port,
         "password": PASSWORD, "listen": "127.0.0.1:0"}
    s.update(extra)
    return s


def state_changes(rec, path):
    return [e for e in rec.events if e.member == "RegistrationStateChanged" and e.path == path]


def wait_state(rec, path, states, timeout=10):
    """Waits for RegistrationStateChanged to one of @states; returns it."""
    states = (states,) if isinstance(states, str) else states
    return rec.wait_one(lambda e: e.member == "RegistrationStateChanged" and e.path == path and e.args[0] in states,
                        timeout, "RegistrationStateChanged to %s on %s" % ("/".join(states), path))


def check_transition(sig, state, previous, status=None, reason=None):
    args = sig.args
    check_equal(sig.params.get_type_string(), "(ssusa{sv})", "signature of RegistrationStateChanged")
    check_equal((args[0], args[1]), (state, previous), "RegistrationStateChanged (state, previous)")
    if status is not None:
        check_equal(args[2], status, "sip_status of the change to %s" % state)
    if reason is not None:
        check_equal(args[3], reason, "reason_phrase of the change to %s" % state)


def test_peer_to_peer_register_not_supported(fx):
    fx.start_daemon()
    c = fx.client
    path = c.create_endpoint({"uri": "sip:p2p@127.0.0.1", "kind": "peer-to-peer", "listen": "127.0.0.1:0"})
    rec = fx.record(ENDPOINT_IFACE, None, path)
    before = c.endpoint_props(path)
    for method in ("Register", "Unregister"):
        c.expect_error(ERROR + "NotSupported", path, ENDPOINT_IFACE, method, None, mentions=["peer-to-peer"],
                       what="%s on a peer-to-peer endpoint" % method)
    check_equal(c.endpoint_props(path), before, "properties after Register/Unregister were refused")
    drain()
    check_equal(state_changes(rec, path), [], "RegistrationStateChanged after refused calls")


def test_register_without_password(fx):
    """Register with no password available is Error.Auth."""
    registrar = fx.peer(registrar_handler(), "registrar")
    fx.start_daemon()
    c = fx.client
    s = registered_settings(registrar, "nopass")
    del s["password"]
    path = c.create_endpoint(s)
    check_equal(c.get_value(path, ENDPOINT_IFACE, "PasswordStore"), "none", "PasswordStore without a password")
    rec = fx.record(ENDPOINT_IFACE, None, path)
    c.expect_error(ERROR + "Auth", path, ENDPOINT_IFACE, "Register", None, mentions=["password"],
                   what="Register without a password")
    check_equal(c.get_value(path, ENDPOINT_IFACE, "RegistrationState"), "unregistered",
                "RegistrationState after the refused Register")
    drain()
    check_equal(state_changes(rec, path), [], "RegistrationStateChanged after the refused Register")
    check_equal(registrar.requests, [], "requests the registrar got")


def test_registration_cycle(fx):
    """Register: registering -> registered (200 OK, sip-message, expires,
    Gruu) with PropertiesChanged; Unregister: unregistering ->
    unregistered, REGISTER with expiry 0."""
    gruu = "sip:bob@127.0.0.1;gr=urn:uuid:%s" % uuid.uuid4()
    registrar = fx.peer(registrar_handler(grant=GRANT, gruu=gruu), "registrar")
    fx.start_daemon()
    c = fx.client
    path = c.create_endpoint(registered_settings(registrar, "bob", **{"display-name": "Bob Example",
                                                                       "expires": U(600)}))
    p = c.endpoint_props(path)
    check_equal(p["Kind"], "registered", "Kind")
    check_equal(p["RegistrationState"], "unregistered", "RegistrationState before Register")
    check_equal(p["Gruu"], "", "Gruu before Register")
    check_equal(p["PasswordStore"], "memory", "PasswordStore of a password given without persist")
    rec = fx.record(ENDPOINT_IFACE, "RegistrationStateChanged", path)
    pc = fx.record(PROPS_IFACE, "PropertiesChanged", path)
    c.set_headers(path, [("X-Tincan-Test", "register"), ("Allow-Events", "presence")])

    c.call(path, ENDPOINT_IFACE, "Register", None, "()")
    final = wait_state(rec, path, ("registered", "rejected", "error"))
    changes = state_changes(rec, path)
    check(len(changes) >= 2, "RegistrationStateChanged: expected registering then registered, got %r" % changes)
    check_transition(changes[0], "registering", "unregistered")
    check_transition(final, "registered", "registering", 200, "OK")
    check_equal(changes.index(final), 1, "index of the registered change (after registering only): %r" % changes)
    msg = sip_message_of(final.arg(4))
    check(msg is not None, 'details of the change to registered lack "sip-message": %r' % final.args[4])
    check_equal(msg[0], "SIP/2.0 200 OK", "start line of details[sip-message]")
    check(header(msg[1], "Contact") is not None, "details[sip-message] headers lack Contact: %r" % msg[1])
    check(header(msg[1], "CSeq") and "REGISTER" in header(msg[1], "CSeq"),
          "details[sip-message] is not the response to REGISTER: %r" % msg[1])
    exp = final.arg(4).lookup_value("expires", None)
    if fx.expect(exp is not None, 'details of the change to registered lack "expires" (keys: %s)'
                 % sorted(final.args[4])):
        fx.expect_equal(exp.get_type_string(), "u", 'type of details["expires"]')
        fx.expect(exp.get_type_string() == "u" and exp.get_uint32() == GRANT,
                  'details["expires"] is %r, expected the granted expiry %d' % (exp, GRANT))

    check_equal(c.get_value(path, ENDPOINT_IFACE, "RegistrationState"), "registered", "RegistrationState")
    iterate_until(lambda: props_changed_values(pc, path, ENDPOINT_IFACE, "RegistrationState")[-1:] == ["registered"],
                  5, "PropertiesChanged with RegistrationState registered")
    for v in props_changed_values(pc, path, ENDPOINT_IFACE, "RegistrationState"):
        check(v in REGISTRATION_STATES, "PropertiesChanged announced RegistrationState %r" % v)
    iterate_until(lambda: c.get_value(path, ENDPOINT_IFACE, "Gruu") == gruu, 5, "Gruu to be %s" % gruu)
    check(c.get_value(path, ENDPOINT_IFACE, "Contact").startswith("sip:"), "Contact of the registered endpoint")

    # What went on the wire.
    regs = registrar.distinct("REGISTER")
    check_equal(len(regs), 1, "distinct REGISTERs for one Register")
    r = regs[0]
    check_equal(r.ruri, "sip:127.0.0.1:%d" % registrar.port, "Request-URI of REGISTER (the registrar)")
    check("sip:bob@127.0.0.1" in (r.get("to") or ""), "To of REGISTER: %r" % r.get("to"))
    check("sip:bob@127.0.0.1" in (r.get("from") or "") and "Bob Example" in (r.get("from") or ""),
          "From of REGISTER lacks the URI or the display name: %r" % r.get("from"))
    check(p["InstanceId"] in (r.get("contact") or ""), "Contact of REGISTER lacks +sip.instance %s: %r"
          % (p["InstanceId"], r.get("contact")))
    check(re.search(r"\+sip\.instance", r.get("contact") or ""), "Contact of REGISTER lacks +sip.instance: %r"
          % r.get("contact"))
    check_equal(r.expires(), 600, "expiry asked for in REGISTER (settings key expires)")
    names = [n.lower() for n in r.names()]
    fx.expect("x-tincan-test" in names and "allow-events" in names and
              names.index("x-tincan-test") < names.index("allow-events") and r.get("X-Tincan-Test") == "register",
              "the headers set with SetAdditionalHeaders (X-Tincan-Test, Allow-Events) are not in the REGISTER, "
              "in order: %r" % r.headers)

    # Register while registered does nothing.
    c.call(path, ENDPOINT_IFACE, "Register", None, "()")
    check_equal(c.get_value(path, ENDPOINT_IFACE, "RegistrationState"), "registered",
                "RegistrationState after Register while registered")

    rec.clear()
    c.call(path, ENDPOINT_IFACE, "Unregister", None, "()")
    final = wait_state(rec, path, ("unregistered", "error", "rejected"))
    changes = state_changes(rec, path)
    check(len(changes) >= 2 and changes[-1] is final,
          "RegistrationStateChanged on Unregister: expected unregistering then unregistered, got %r" % changes)
    check_transition(changes[0], "unregistering", "registered")
    check_transition(final, "unregistered", "unregistering", 200, "OK")
    msg = sip_message_of(final.arg(4))
    check(msg is not None and msg[0] == "SIP/2.0 200 OK",
          'details[sip-message] of the change to unregistered: %r' % (msg,))
    zero = [q for q in registrar.distinct("REGISTER") if q.expires() == 0]
    check_equal(len(zero), 1, "REGISTERs with expiry 0 after Unregister")
    check_equal(c.get_value(path, ENDPOINT_IFACE, "RegistrationState"), "unregistered", "RegistrationState")
    check_equal(c.get_value(path, ENDPOINT_IFACE, "Gruu"), "", "Gruu after Unregister")
    iterate_until(lambda: props_changed_values(pc, path, ENDPOINT_IFACE, "RegistrationState")[-1:]
                  == ["unregistered"], 5, "PropertiesChanged with RegistrationState unregistered")

    # Unregister while unregistered does nothing.
    rec.clear()
    c.call(path, ENDPOINT_IFACE, "Unregister", None, "()")
    check_equal(c.get_value(path, ENDPOINT_IFACE, "RegistrationState"), "unregistered",
                "RegistrationState after Unregister while unregistered")
    drain()
    check_equal(state_changes(rec, path), [], "RegistrationStateChanged after Unregister while unregistered")


def test_registration_rejected(fx):
    """A 403 makes the state rejected (with the response); Register from
    rejected starts again."""
    handler = {"h": status_handler(403, "Forbidden")}
    registrar = fx.peer(lambda req: handler["h"](req), "registrar")
    fx.start_daemon()
    c = fx.client
    path = c.create_endpoint(registered_settings(registrar, "rita"))
    rec = fx.record(ENDPOINT_IFACE, "RegistrationStateChanged", path)
    c.call(path, ENDPOINT_IFACE, "Register", None, "()")
    final = wait_state(rec, path, ("rejected", "registered", "error"))
    check_transition(final, "rejected", "registering", 403, "Forbidden")
    msg = sip_message_of(final.arg(4))
    check(msg is not None and msg[0] == "SIP/2.0 403 Forbidden",
          "details[sip-message] of the change to rejected: %r" % (msg,))
    check_equal(c.get_value(path, ENDPOINT_IFACE, "RegistrationState"), "rejected", "RegistrationState")

    handler["h"] = registrar_handler(grant=GRANT)
    rec.clear()
    c.call(path, ENDPOINT_IFACE, "Register", None, "()")
    final = wait_state(rec, path, ("registered", "rejected", "error"))
    check_transition(state_changes(rec, path)[0], "registering", "rejected")
    check_transition(final, "registered", "registering", 200, "OK")


def test_additional_headers(fx):
    """SetAdditionalHeaders: valid headers go into every later request in
    order; invalid names or values and the stack's own headers are
    InvalidArgs and change nothing."""
    recorder = fx.peer(name="recorder")  # answers 200 to everything
    fx.start_daemon()
    c = fx.client
    path = c.create_endpoint({"uri": "sip:alice@127.0.0.1", "kind": "peer-to-peer", "listen": "127.0.0.1:0"})
    good = [("X-First", "one"), ("Subject", "hello there"), ("X-Second", "two")]
    c.set_headers(path, good)
    props_before = c.endpoint_props(path)

    def word(name):
        """The message names @name as a word (a compact form is one letter)."""
        return lambda m: re.search(r"(^|[^A-Za-z0-9-])%s([^A-Za-z0-9-]|$)" % re.escape(name), m) is not None

    inv = ERROR + "InvalidArgs"
    cases = [
        ("CR LF in a value", [("X-Bad", "a\r\nVia: SIP/2.0/UDP evil")], ["X-Bad"]),
        ("LF in a value", [("X-Bad", "a\nb")], ["X-Bad"]),
        ("CR in a value", [("X-Bad", "a\rb")], ["X-Bad"]),
        ("an empty name", [("", "x")], [("empty", "name")]),
        ("a name that is not a token", [("Bad Name", "x")], ["Bad Name"]),
        ("a name with a colon", [("X-A:b", "x")], ["X-A:b"]),
        ('"Via"', [("Via", "SIP/2.0/UDP 192.0.2.1")], ["Via"]),
        ('"call-id"', [("call-id", "x")], ["call-id"]),
        ('"v" (compact Via)', [("v", "SIP/2.0/UDP 192.0.2.1")], [word("v")]),
        ("a valid header then CSeq", [("X-OK", "fine"), ("CSeq", "1 MESSAGE")], ["CSeq"]),
    ]
    for name in ("From", "To", "Max-Forwards", "Contact", "Content-Length", "Route", "Record-Route", "VIA",
                 "cseq"):
        cases.append(('"%s"' % name, [(name, "x")], [name]))
    for compact in ("f", "t", "i", "m", "l"):
        cases.append(('"%s" (compact)' % compact, [(compact, "x")], [word(compact)]))
    problems = []
    for what, pairs, mentions in cases:
        try:
            c.expect_error(inv, path, ENDPOINT_IFACE, "SetAdditionalHeaders",
                           GLib.Variant("(a(ss))", (pairs,)), mentions=mentions,
                           what="SetAdditionalHeaders with %s" % what)
        except Failure as e:
            problems.append(str(e))

    if c.endpoint_props(path) != props_before:
        problems.append("the endpoint's properties changed after the refused calls: %r -> %r"
                        % (props_before, c.endpoint_props(path)))
    # Nothing changed: the next MESSAGE carries exactly the good headers.
    c.send_message(path, recorder.uri("rec"), "text/plain", b"headers?", {"cookie": T(1)})
    msgs = recorder.distinct("MESSAGE")
    check_equal(len(msgs), 1, "MESSAGEs the recorder got")
    m = msgs[0]
    names = [n.lower() for n in m.names()]
    got = [(n, m.get(n)) for n, _ in good]
    if got != good:
        problems.append("the MESSAGE after the refused calls carries %r, expected %r" % (got, good))
    if [names.index(n.lower()) for n, _ in good] != sorted(names.index(n.lower()) for n, _ in good):
        problems.append("the additional headers are out of order in the MESSAGE: %r" % m.headers)
    for bad in ("x-bad", "x-ok", "bad name", "x-a"):
        if bad in names:
            problems.append("the refused header %s is in the MESSAGE: %r" % (bad, m.headers))
    if len(m.all("via")) != 1 or len(m.all("cseq")) != 1 or len(m.all("call-id")) != 1:
        problems.append("the MESSAGE has extra Via/CSeq/Call-ID headers: %r" % m.headers)

    # An empty array clears them.
    c.set_headers(path, [])
    c.send_message(path, recorder.uri("rec"), "text/plain", b"cleared", {"cookie": T(2)})
    m2 = [q for q in recorder.distinct("MESSAGE") if q.body == b"cleared"]
    check_equal(len(m2), 1, "MESSAGEs with the body 'cleared'")
    if m2[0].get("X-First") is not None or m2[0].get("X-Second") is not None:
        problems.append("SetAdditionalHeaders([]) did not clear the headers: %r" % m2[0].headers)

    # extra-headers given to CreateEndpoint behave the same.
    path2 = c.create_endpoint({"uri": "sip:eve@127.0.0.1", "kind": "peer-to-peer", "listen": "127.0.0.1:0",
                               "extra-headers": GLib.Variant("a(ss)", [("X-Created", "yes")])})
    c.send_message(path2, recorder.uri("rec"), "text/plain", b"from eve", {})
    m3 = [q for q in recorder.distinct("MESSAGE") if q.body == b"from eve"]
    check_equal(len(m3), 1, "MESSAGEs with the body 'from eve'")
    if m3[0].get("X-Created") != "yes":
        problems.append("extra-headers from CreateEndpoint are not in the MESSAGE: %r" % m3[0].headers)
    if problems:
        raise Failure("%d problem(s):\n  %s" % (len(problems), "\n  ".join(problems)))


def test_password_store(fx):
    """A persisted password without a Secret Service goes to the 0600
    credentials file (PasswordStore credentials-file), never into the
    account file, the log or a property; it is found again after a
    restart."""
    registrar = fx.peer(registrar_handler(grant=GRANT), "registrar")
    d = fx.start_daemon()
    c = fx.client
    path = c.create_endpoint(registered_settings(registrar, "erin", persist=True))
    check_equal(c.get_value(path, ENDPOINT_IFACE, "PasswordStore"), "credentials-file",
                "PasswordStore of a persisted password with --no-secret-service")
    mem = c.create_endpoint(registered_settings(registrar, "mona"))
    check_equal(c.get_value(mem, ENDPOINT_IFACE, "PasswordStore"), "memory", "PasswordStore without persist")

    holding = []
    for root, _, files in os.walk(fx.dir):
        for f in files:
            p = os.path.join(root, f)
            if p.endswith(".log"):
                continue
            try:
                with open(p, "rb") as fh:
                    if PASSWORD.encode() in fh.read():
                        holding.append(p)
            except OSError:
                pass
    check(holding, "the persisted password is in no file under %s" % fx.dir)
    for p in holding:
        check(os.path.dirname(p) != os.path.join(fx.config_dir, "endpoints"),
              "the password is in the account file %s" % p)
        check_equal(oct(os.stat(p).st_mode & 0o777), oct(0o600), "mode of %s, which holds the password" % p)
    for objects in (c.managed_objects(),):
        check(PASSWORD not in repr(objects), "the password is readable over D-Bus (GetManagedObjects)")
    check(PASSWORD not in d.log_text(), "the password is in the daemon's log")

    pc = fx.record(PROPS_IFACE, "PropertiesChanged", path_prefix=ENDPOINT_PREFIX)
    d = fx.restart_daemon(d)
    check(path in c.endpoints(), "%s is not back after the restart: %r" % (path, c.endpoints()))
    check(mem not in c.endpoints(), "the endpoint created without persist is back after the restart")
    iterate_until(lambda: "credentials-file" in props_changed_values(pc, path, ENDPOINT_IFACE, "PasswordStore")
                  or c.get_value(path, ENDPOINT_IFACE, "PasswordStore") == "credentials-file", 10,
                  "PasswordStore of %s to become credentials-file after the restart" % path)
    check(PASSWORD not in d.log_text(), "the password is in the daemon's log after the restart")


def test_connection_lost(fx):
    """Registered over TCP: when the registrar closes the connection,
    ConnectionLost("closed", "tcp:127.0.0.1:PORT") is emitted and the
    endpoint registers again by itself over a new connection."""
    registrar = fx.tcp_peer(registrar_handler(grant=GRANT), "tcp-registrar")
    fx.start_daemon()
    c = fx.client
    path = c.create_endpoint({"uri": "sip:tess@127.0.0.1", "registrar": registrar.uri().replace("peer@", ""),
                              "transport": "tcp", "password": PASSWORD, "listen": "127.0.0.1:0"})
    check_equal(c.get_value(path, ENDPOINT_IFACE, "Transport"), "tcp", "Transport")
    rec = fx.record(ENDPOINT_IFACE, None, path)
    c.call(path, ENDPOINT_IFACE, "Register", None, "()")
    check_equal(wait_state(rec, path, ("registered", "rejected", "error")).args[0], "registered",
                "state after Register over TCP")
    check_equal(registrar.accepted, 1, "TCP connections to the registrar")
    n_register = len(registrar.requests_of("REGISTER"))
    rec.clear()
    registrar.close_connections()
    lost = rec.wait_one(lambda e: e.member == "ConnectionLost", 5, "ConnectionLost after the registrar closed")
    check_equal(lost.params.get_type_string(), "(ssa{sv})", "signature of ConnectionLost")
    fx.expect_equal(lost.args[0], "closed",
                    "ConnectionLost cause (closed set: network-changed closed transport-error keepalive-timeout)")
    fx.expect_equal(lost.args[1], "tcp:127.0.0.1:%d" % registrar.port, "ConnectionLost remote")
    again = rec.wait_one(lambda e: e.member == "RegistrationStateChanged" and e.args[0] in ("registered", "error",
                                                                                           "rejected"),
                         10, "the endpoint to register again after the connection was lost")
    check_equal(again.args[0], "registered", "state after re-registering")
    check(len(registrar.requests_of("REGISTER")) > n_register and registrar.accepted == 2,
          "no new REGISTER over a new connection (REGISTERs %d -> %d, connections %d)"
          % (n_register, len(registrar.requests_of("REGISTER")), registrar.accepted))


def test_sigterm_unregisters(fx):
    """SIGTERM with a registered endpoint: REGISTER with expiry 0 goes out
    and the daemon exits 0 within 5 s."""
    registrar = fx.peer(registrar_handler(grant=GRANT), "registrar")
    d = fx.start_daemon()
    c = fx.client
    path = c.create_endpoint(registered_settings(registrar, "tom"))
    rec = fx.record(ENDPOINT_IFACE, "RegistrationStateChanged", path)
    c.call(path, ENDPOINT_IFACE, "Register", None, "()")
    final = wait_state(rec, path, ("registered", "rejected", "error"))
    check_equal(final.args[0], "registered", "state after Register")
    n = len(registrar.distinct("REGISTER"))
    fx.stop_daemon(d)
    check(d.stop_duration < 5.0, "tincand took %.1f s to exit" % d.stop_duration)
    after = registrar.distinct("REGISTER")[n:]
    check(any(r.expires() == 0 for r in after),
          "no REGISTER with expiry 0 reached the registrar on SIGTERM (after Register it got %r)" % after)


def test_remove_registered(fx):
    """RemoveEndpoint of a registered endpoint unregisters it (Expires 0)."""
    registrar = fx.peer(registrar_handler(grant=GRANT), "registrar")
    fx.start_daemon()
    c = fx.client
    path = c.create_endpoint(registered_settings(registrar, "ursula"))
    rec = fx.record(ENDPOINT_IFACE, "RegistrationStateChanged", path)
    c.call(path, ENDPOINT_IFACE, "Register", None, "()")
    check_equal(wait_state(rec, path, ("registered", "rejected", "error")).args[0], "registered", "state")
    c.remove_endpoint(path)
    check(path not in c.endpoints(), "%s is still in Endpoints after RemoveEndpoint" % path)
    iterate_until(lambda: any(r.expires() == 0 for r in registrar.distinct("REGISTER")), 5,
                  "a REGISTER with expiry 0 after RemoveEndpoint")
    check(c.get_value("/org/tincan/Tincan1", "org.tincan.Tincan1.Manager", "Version"),
          "the daemon does not answer after RemoveEndpoint")


TESTS = [
    ("Register and Unregister on a peer-to-peer endpoint are NotSupported and change nothing",
     test_peer_to_peer_register_not_supported),
    ("Register without a password is Auth", test_register_without_password),
    ("Register: registering -> registered with the 200 OK; Unregister: unregistering -> unregistered",
     test_registration_cycle),
    ("a 403 makes the registration rejected; Register from rejected starts again", test_registration_rejected),
    ("SetAdditionalHeaders: headers in order on later requests; bad ones are InvalidArgs and change nothing",
     test_additional_headers),
    ("PasswordStore: credentials file, memory; the password is never readable or logged",
     test_password_store),
    ("a lost TCP connection to the registrar: ConnectionLost, then the endpoint registers again",
     test_connection_lost),
    ("SIGTERM with a registered endpoint sends REGISTER Expires 0 and exits 0 within 5 s",
     test_sigterm_unregisters),
    ("RemoveEndpoint of a registered endpoint unregisters it", test_remove_registered),
]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS))
