#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tincand with Kamailio as registrar and proxy (issue 4).

Kamailio (harness.Kamailio: digest users from a db_text subscriber table,
401 on REGISTER, 407 on requests from local users) and one tincand on a
private bus; every endpoint listens on 127.0.0.1:0.

1. alice and bob, two registered endpoints of ONE tincand (udp), register
   (401 then 200); alice sends a MESSAGE to sip:bob@<domain> through
   Kamailio (407 challenge): bob's MessageReceived has the body; bob
   answers the same way; a MESSAGE to a user who is not registered fails
   with Rejected (404) and OperationComplete says 404.
2. a wrong password: RegistrationStateChanged ends in "rejected" with 401
   or 403, after exactly one answered challenge, and is not retried.
3. over tcp: Kamailio is stopped while alice is registered:
   ConnectionLost (tcp:127.0.0.1:<port>); Kamailio is started again
   (same port, fresh state: new nonces, no bindings) and alice is
   registered again by itself (the back-off is the default
   retry-interval: up to ~30 s), the new REGISTER over tcp.  Also: transport "tcp" alone (a
   registrar URI without ;transport) sends the REGISTER over tcp.
4. GRUU (RFC 5627): when Kamailio's 200 OK carries a pub-gruu for our
   Contact, the Gruu property is that URI; when it has none the check is
   skipped with the reason.
TAP on stdout.
"""

import os
import re
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
import harness  # noqa: E402
from harness import HarnessError, Kamailio, Skip, log  # noqa: E402
from tincand import ENDPOINT, TincanDaemon, header  # noqa: E402

tincand.skip_all_without_gi()

USERS = {"alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret"}
ERROR = "org.tincan.Tincan1.Error."


def endpoint(d, kam, user, password=None, transport="udp", **extra):
    s = {"uri": kam.aor(user), "kind": "registered", "registrar": "sip:%s:%d" % (kam.host, kam.port),
         "auth-username": user, "password": password or USERS[user], "transport": transport,
         "listen": "127.0.0.1:0"}
    s.update(extra)
    return d.create_endpoint(s)


def register(d, ep, since, timeout=10):
    d.register(ep)
    ev = d.wait_registration(ep, {"registered", "rejected", "error"}, timeout=timeout, since=since)
    if ev.args[0] != "registered":
        raise HarnessError("%s: registration ended in %s (%s %s, %s); daemon log:\n%s"
                           % (ep, ev.args[0], ev.args[2], ev.args[3], ev.args[4].get("cause"),
                              d.log_excerpt(r"registration", 40)))
    return ev


def kamailio_saw(kam, method, user):
    return [r for r in kam.requests(method) if r["from"] == kam.aor(user)]


def check_challenged(kam, method, user, idx):
    """user's requests of method: the first without credentials, later
    ones with (idx 0: Authorization, 1: Proxy-Authorization)."""
    reqs = kamailio_saw(kam, method, user)
    if len(reqs) < 2:
        raise HarnessError("Kamailio saw %d %s from %s, expected a challenge and an answer: %s"
                           % (len(reqs), method, user, reqs))
    if reqs[0]["authz"].split("/")[idx] not in ("", "<null>"):
        raise HarnessError("the first %s from %s carried credentials: %s" % (method, user, reqs[0]))
    if not reqs[1]["authz"].split("/")[idx].startswith("Digest"):
        raise HarnessError("the retried %s from %s has no credentials: %s" % (method, user, reqs[1]))
    return reqs


def send_and_receive(d, kam, src, dst, src_user, dst_user):
    text = "hello %s from %s %s" % (dst_user, src_user, uuid.uuid4().hex)
    since = d.mark()
    try:
        d.send_message(src, kam.aor(dst_user), text, options={"cookie": GLibU64(42)})
    except tincand.GLib.Error as e:
        raise HarnessError("%s -> %s: SendMessage failed: %s; daemon log:\n%s"
                           % (src_user, dst_user, tincand.describe_error(e), d.log_excerpt(lines=80)))
    ev = d.wait_message(dst, text, timeout=5, since=since)
    msg_id, frm, to, ctype, body, details = ev.args
    if kam.aor(src_user) not in frm:
        raise HarnessError("MessageReceived from %r, expected %s" % (frm, kam.aor(src_user)))
    if not ctype.lower().startswith("text/plain"):
        raise HarnessError("MessageReceived content type %r" % ctype)
    sip = details.get("sip-message")
    if not sip or not sip[0].startswith("MESSAGE "):
        raise HarnessError("MessageReceived details have no sip-message: %r" % (details,))
    # Kamailio relayed it: its Via is on the request bob got.
    vias = [v for n, v in sip[1] if n.lower() in ("via", "v")]
    if not any(":%d" % kam.port in v for v in vias):
        raise HarnessError("the MESSAGE %s got did not come through Kamailio (Via %s)" % (dst_user, vias))
    done = d.wait_for_signal(src, ENDPOINT, "OperationComplete", lambda s: s.args[0] == 42, timeout=2, since=since)
    if done.args[1] != 200:
        raise HarnessError("OperationComplete %r, expected 200" % (done.args,))
    check_challenged(kam, "MESSAGE", src_user, 1)
    pending = d.call(dst, ENDPOINT, "ListPendingMessages")[0]
    if msg_id not in [p[0] for p in pending]:
        raise HarnessError("message %s is not in %s's pending list: %r" % (msg_id, dst_user, pending))
    d.call(dst, ENDPOINT, "AcknowledgeMessage", tincand.GLib.Variant("(s)", (msg_id,)))
    return ev


def GLibU64(n):
    return tincand.GLib.Variant("t", n)


def test_register_and_message(h):
    kam = Kamailio(h, users=USERS).start()
    d = TincanDaemon(h).start()
    alice = endpoint(d, kam, "alice")
    bob = endpoint(d, kam, "bob")
    since = d.mark()
    d.register(alice)
    d.register(bob)
    for ep, user in ((alice, "alice"), (bob, "bob")):
        ev = d.wait_registration(ep, {"registered", "rejected", "error"}, timeout=10, since=since)
        if ev.args[0] != "registered":
            raise HarnessError("%s: %s (%s %s); daemon log:\n%s" % (user, ev.args[0], ev.args[2], ev.args[3],
                                                                    d.log_excerpt(r"registration", 40)))
        if ev.args[2] != 200:
            raise HarnessError("%s registered with status %s" % (user, ev.args[2]))
        contact = d.prop(ep, "Contact")
        if "127.0.0.1" not in contact:
            raise HarnessError("%s's Contact %r is not on 127.0.0.1" % (user, contact))
        if d.prop(ep, "RegistrationState") != "registered":
            raise HarnessError("%s: RegistrationState %r" % (user, d.prop(ep, "RegistrationState")))
        check_challenged(kam, "REGISTER", user, 0)
        if any(r["proto"] != "udp" for r in kamailio_saw(kam, "REGISTER", user)):
            raise HarnessError("%s's REGISTERs were not all over udp" % user)
    if d.contact_port(alice) == d.contact_port(bob):
        raise HarnessError("alice and bob listen on the same port: %s %s" % (d.prop(alice, "Contact"),
                                                                            d.prop(bob, "Contact")))
    send_and_receive(d, kam, alice, bob, "alice", "bob")
    send_and_receive(d, kam, bob, alice, "bob", "alice")
    # A MESSAGE to nobody: Kamailio answers 404 (after the 407).
    since = d.mark()
    err, msg = d.call_error(alice, ENDPOINT, "SendMessage",
                            d.send_message_args(kam.aor("nobody"), "anyone?", options={"cookie": GLibU64(7)}))
    if err != ERROR + "Rejected" or "404" not in msg:
        raise HarnessError("SendMessage to an unregistered user: %s %r, expected Rejected naming 404" % (err, msg))
    done = d.wait_for_signal(alice, ENDPOINT, "OperationComplete", lambda s: s.args[0] == 7, timeout=2, since=since)
    if done.args[1] != 404 or done.args[3].get("error") != ERROR + "Rejected":
        raise HarnessError("OperationComplete %r, expected 404 with error Rejected" % (done.args,))
    d.stop()


def test_wrong_password(h):
    kam = Kamailio(h, users=USERS).start()
    d = TincanDaemon(h).start()
    carol = endpoint(d, kam, "carol", password="not-carols-password")
    since = d.mark()
    d.register(carol)
    ev = d.wait_registration(carol, {"registered", "rejected", "error"}, timeout=10, since=since)
    state, previous, status, reason, details = ev.args
    if state != "rejected" or status not in (401, 403):
        raise HarnessError("a wrong password ended in %s with %s %r, expected rejected with 401 or 403; states %s"
                           % (state, status, reason, d.registration_states(carol, since)))
    sip = details.get("sip-message")
    if not sip or not re.match(r"SIP/2.0 40[13] ", sip[0]):
        raise HarnessError("the rejection's details have no sip-message of the 401/403: %r" % (sip,))
    if status == 401 and not header(sip[1], "WWW-Authenticate"):
        raise HarnessError("the 401 in details has no WWW-Authenticate: %r" % (sip,))
    # Exactly one answered challenge, and no retry afterwards.
    d.iterate(2.0)
    reqs = check_challenged(kam, "REGISTER", "carol", 0)
    if len(reqs) != 2:
        raise HarnessError("Kamailio saw %d REGISTERs from carol, expected 2 (challenge, one answer): %s"
                           % (len(reqs), reqs))
    if d.prop(carol, "RegistrationState") != "rejected":
        raise HarnessError("RegistrationState %r after 2 s" % d.prop(carol, "RegistrationState"))
    later = d.registration_states(carol, ev.index + 1)
    if later:
        raise HarnessError("the endpoint left rejected by itself: %s" % later)
    d.stop()


def stop_kamailio(kam):
    """Stop Kamailio, keeping its log under another name (start() writes
    a new one)."""
    old = kam.proc
    kam.stop()
    kept = old.log_path.replace(".log", "-before-restart.log")
    os.rename(old.log_path, kept)
    old.log_path = kept


def test_tcp_setting(h):
    """transport "tcp" and a registrar URI without a transport parameter:
    the REGISTER goes over tcp (the Manager XML: the endpoint's default
    transport; a transport parameter in a URI overrides it)."""
    kam = Kamailio(h, users=USERS).start()
    d = TincanDaemon(h).start()
    alice = endpoint(d, kam, "alice", transport="tcp")
    since = d.mark()
    register(d, alice, since)
    reqs = kamailio_saw(kam, "REGISTER", "alice")
    if not reqs or any(r["proto"] != "tcp" for r in reqs):
        raise HarnessError("with transport tcp, registrar %s: Kamailio got alice's REGISTERs over %s, expected tcp; "
                           "Contact property %r; daemon log:\n%s"
                           % ("sip:%s:%d" % (kam.host, kam.port), [r["proto"] for r in reqs], d.prop(alice, "Contact"),
                              d.log_excerpt(r"resolver|send to|recv from|registration", 12)))
    d.stop()


def test_tcp_restart(h):
    kam = Kamailio(h, users=USERS).start()
    d = TincanDaemon(h).start()
    # The registrar URI names tcp (test_tcp_setting checks the setting alone).
    alice = endpoint(d, kam, "alice", transport="tcp",
                     registrar="sip:%s:%d;transport=tcp" % (kam.host, kam.port))
    since = d.mark()
    register(d, alice, since)
    reqs = kamailio_saw(kam, "REGISTER", "alice")
    if not reqs or any(r["proto"] != "tcp" for r in reqs):
        raise HarnessError("alice's REGISTERs were not over tcp: %s" % reqs)
    since = d.mark()
    t_stop = time.monotonic()
    stop_kamailio(kam)
    lost = d.wait_for_signal(alice, ENDPOINT, "ConnectionLost", timeout=3, since=since,
                             what="Kamailio stopped, its connection closed")
    cause, remote, details = lost.args
    if cause not in ("closed", "transport-error"):
        raise HarnessError("ConnectionLost cause %r, expected closed (Kamailio closed the connection)" % cause)
    if remote != "tcp:127.0.0.1:%d" % kam.port:
        raise HarnessError("ConnectionLost remote %r, expected tcp:127.0.0.1:%d" % (remote, kam.port))
    kam.start()
    t_up = time.monotonic()
    ev = d.wait_registration(alice, {"registered", "rejected", "unregistered"}, timeout=40, since=lost.index + 1)
    if ev.args[0] != "registered":
        raise HarnessError("after the restart the registration ended in %s (%s %s) instead of registered again; "
                           "states %s; Kamailio saw %s; daemon log:\n%s"
                           % (ev.args[0], ev.args[2], ev.args[3],
                              [(a[0], a[2], a[3], a[4].get("cause")) for a in d.registration_states(alice, since)],
                              [(r["cseq"], r["authz"]) for r in kamailio_saw(kam, "REGISTER", "alice")],
                              d.log_excerpt(r"registration|digest|Authorization|nonce", 30)))
    log("ConnectionLost %.2f s after Kamailio was stopped, Kamailio up again after %.1f s, registered again "
        "%.1f s later; states %s" % (lost.t - t_stop, t_up - t_stop, ev.t - t_up,
                       [(a[0], a[2], a[4].get("cause")) for a in d.registration_states(alice, since)]))
    reqs = kamailio_saw(kam, "REGISTER", "alice")
    if not reqs or any(r["proto"] != "tcp" for r in reqs):
        raise HarnessError("after the restart Kamailio saw alice's REGISTERs %s, expected them over tcp" % reqs)
    if d.prop(alice, "RegistrationState") != "registered":
        raise HarnessError("RegistrationState %r" % d.prop(alice, "RegistrationState"))
    d.stop()


def test_gruu(h):
    kam = Kamailio(h, users=USERS).start()
    d = TincanDaemon(h).start()
    alice = endpoint(d, kam, "alice")
    since = d.mark()
    ev = register(d, alice, since)
    sip = ev.args[4].get("sip-message")
    if not sip:
        raise HarnessError("registered: details have no sip-message (the 200 OK)")
    instance = d.prop(alice, "InstanceId")
    contacts = [v for n, v in sip[1] if n.lower() in ("contact", "m")]
    ours = [c for c in contacts if instance.lower() in c.lower()]
    gruu = d.prop(alice, "Gruu")
    pub = None
    for c in ours:
        m = re.search(r';\s*pub-gruu\s*=\s*"([^"]*)"', c, re.I)
        if m:
            pub = m.group(1)
    if pub is None:
        if gruu:
            raise HarnessError("Gruu is %r but Kamailio's 200 OK gave no pub-gruu: %s" % (gruu, contacts))
        d.stop()
        raise Skip("Kamailio's 200 OK has no pub-gruu for our Contact (%s)" % contacts)
    if gruu != pub:
        raise HarnessError("Gruu property %r, Kamailio's pub-gruu %r" % (gruu, pub))
    d.stop()


TESTS = [
    ("alice and bob register from one tincand (udp); MESSAGE both ways through Kamailio (407)",
     test_register_and_message),
    ("a wrong password ends in rejected (401/403) after one answered challenge", test_wrong_password),
    ("transport tcp: REGISTER over tcp to a registrar URI without ;transport", test_tcp_setting),
    ("tcp: Kamailio restarted -> ConnectionLost, registered again by itself", test_tcp_restart),
    ("GRUU from Kamailio's 200 OK is the Gruu property", test_gruu),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=60)
