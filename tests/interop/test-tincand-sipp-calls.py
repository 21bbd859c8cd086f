#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""SIPp scenarios against tincand's calls (issue 5, "SIPp scenarios against
tincand").  Each test starts its own tincand on a private bus (endpoints on
127.0.0.1:0, audio-source and audio-sink "none": no sound card, no RTP from
SIPp, SDP only) and SIPp with a scenario of tests/interop/sipp/:

1. uac-call-488: an offer of G.729 and PCMA to an endpoint that takes PCMU
   only -> 488 with a Warning 305 (checked by the scenario); no session,
   no IncomingSession.
2. uac-call-cancel: INVITE, 180, CANCEL -> 200 to the CANCEL and 487 to
   the INVITE (both required by the scenario); the ringing session ends
   disconnected 487 with the CANCEL as its sip-message.
3. uas-call-302: Call() to SIPp, which redirects (302) to a second
   endpoint (auto-answer) -> in-progress 302 with "redirected-to", the
   RemoteUri property follows, the call connects at the new target.
4. uac-call-hold: the far end holds (re-INVITE a=sendonly, our 200 must
   say a=recvonly) and resumes (a=sendrecv): ReInviteReceived each time,
   RemoteHeld true then false (PropertiesChanged); BYE.
5. uac-call-bye-crossing: SIPp sends BYE while our Hold's re-INVITE is
   pending and answers the re-INVITE 487 afterwards -> 200 to the BYE,
   disconnected (remote-bye), Hold fails with Aborted or Rejected, the
   daemon keeps answering.
6. uac-call-glare, uas-call-glare: SIPp's re-INVITE crosses ours -> we
   answer 491; ours answered 491 is sent again after the RFC 3261 section
   14.1 back-off, measured in SIPp's message trace (0-2 s when SIPp called
   and owns the Call-ID, 2.1-4 s when tincand did), and Hold then
   succeeds.
7. uac-invite through Kamailio to bob, registered twice (two endpoints,
   distinct instance-ids, policy ring) -> both ring; one Accepts, the
   caller connects, the other bob session ends with Kamailio's CANCEL.
8. uas-call-cancel-crossing: our CANCEL (Terminate while ringing) crosses
   SIPp's 200 -> ACK and BYE to SIPp, disconnected 200 cause "cancelled".
TAP on stdout.
"""

import datetime
import os
import re
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
import harness  # noqa: E402
from harness import LOOPBACK, HarnessError, Kamailio, Sipp, log  # noqa: E402
from tincand import ENDPOINT, PROPERTIES, TincanDaemon, header  # noqa: E402

tincand.skip_all_without_gi()
from gi.repository import GLib  # noqa: E402

SESSION = "org.tincan.Tincan1.Session"
MEDIA = "org.tincan.Tincan1.Media"
ERROR = "org.tincan.Tincan1.Error."
QUIET = {"audio-source": "none", "audio-sink": "none"}
USERS = {"alice": "alice-secret", "bob": "bob-secret"}


def p2p(user, **extra):
    s = {"uri": "sip:%s@127.0.0.1" % user, "kind": "peer-to-peer", "listen": "127.0.0.1:0"}
    s.update(QUIET)
    s.update(extra)
    return s


def uac(h, d, ep, scenario, **kw):
    """A SIPp UAC calling the endpoint ep directly."""
    kw.setdefault("timeout", 20)
    return Sipp(h, scenario, name=kw.pop("name", "sipp-" + scenario), remote="%s:%d" % (LOOPBACK, d.contact_port(ep)),
                service="bob", user="sipp", trace_msg=True, **kw)


def sipp_check(result, what):
    if not result.ok:
        raise HarnessError("%s: %s" % (what, result.explain()))


def sip_of(details):
    """The (start line, headers, body) of a details dict, or None."""
    sip = details.get("sip-message") if details else None
    if sip is not None and not (isinstance(sip, tuple) and len(sip) == 3):
        raise HarnessError("sip-message is not (s, a(ss), ay): %r" % (sip,))
    return sip


def start_line(details):
    sip = sip_of(details)
    return sip[0] if sip else None


def wait_state(d, session, state, since=0, timeout=10.0):
    return d.wait_for_signal(session, SESSION, "StateChanged", lambda s: s.args[0] == state, timeout, since,
                             "StateChanged to %s" % state)


def states_of(d, session, since=0):
    return [(s.args[0], s.args[2], s.args[4].get("cause"), start_line(s.args[4]))
            for s in d.find_signals(session, SESSION, "StateChanged", since=since)]


def incoming(d, ep, since, timeout=10.0):
    return d.wait_for_signal(ep, ENDPOINT, "IncomingSession", timeout=timeout, since=since).args[0]


def sprop(d, session, name, iface=SESSION):
    return d.get_property(session, iface, name)


def wait_sipp(d, s, timeout=20.0):
    """Wait for a SIPp run in the background while recording signals."""
    deadline = time.monotonic() + timeout
    while s.proc.alive():
        if time.monotonic() > deadline:
            raise HarnessError("%s still running after %.0f s" % (s.name, timeout))
        d.iterate(0.05)
    return s.wait(timeout=1)


def daemon_healthy(d, ep):
    """The daemon answers on the bus and the endpoint answers SIP."""
    d.endpoints()
    d.prop(ep, "Sessions")
    code = harness.sip_options(LOOPBACK, d.contact_port(ep), timeout=2.0)
    if code != 200:
        raise HarnessError("after the race the endpoint answers OPTIONS with %s, expected 200" % code)
    d.proc.check_alive()


def sipp_messages(s):
    """SIPp's -trace_msg log as [(datetime, "sent"|"received", first line)]."""
    out = []
    path = s.files["messages"]
    if not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        text = f.read()
    for m in re.finditer(r"-{20,} (\d{4}-\d\d-\d\d[\t ]+\d\d:\d\d:\d\d\.\d+)\s*\n\S+ message (sent|received)"
                         r"[^\n]*\n\s*\n([^\r\n]+)", text):
        t = datetime.datetime.strptime(re.sub(r"\s+", " ", m.group(1)), "%Y-%m-%d %H:%M:%S.%f")
        out.append((t, m.group(2), m.group(3).strip()))
    return out


# --- 1. no common codec -------------------------------------------------------


def test_no_common_codec(h):
    d = TincanDaemon(h).start()
    ep = d.create_endpoint(p2p("bob", codecs="pcmu"))
    since = d.mark()
    s = uac(h, d, ep, "uac-call-488", timeout=10).start()
    sipp_check(wait_sipp(d, s, 15), "the 488 scenario (INVITE G.729/PCMA only: 488 with Warning 305, ACK)")
    d.iterate(0.3)
    warning = [line for line in open(s.files["messages"], errors="replace") if line.lower().startswith("warning:")]
    log("tincand's answer to an offer without a common codec: %s" % (warning[0].strip() if warning else "?"))
    got = d.find_signals(ep, ENDPOINT, "IncomingSession", since=since)
    if got:
        raise HarnessError("an INVITE refused with 488 became a session: %r" % got)
    added = [x for x in d.find_signals(None, tincand.OBJECT_MANAGER, "InterfacesAdded", since=since)
             if "/session/" in x.args[0]]
    if added or d.prop(ep, "Sessions"):
        raise HarnessError("a session object appeared for the refused INVITE: %r, Sessions %r"
                           % (added, d.prop(ep, "Sessions")))
    d.stop()


# --- 2. CANCEL while ringing ---------------------------------------------------


def test_cancel_while_ringing(h):
    d = TincanDaemon(h).start()
    ep = d.create_endpoint(p2p("bob"))
    since = d.mark()
    s = uac(h, d, ep, "uac-call-cancel", duration_ms=800, timeout=10).start()
    inc = incoming(d, ep, since)
    if sprop(d, inc, "State") not in ("incoming", "disconnected"):
        raise HarnessError("the ringing session is %s" % sprop(d, inc, "State"))
    end = wait_state(d, inc, "disconnected", since)
    sipp_check(wait_sipp(d, s, 10), "the CANCEL scenario (180, CANCEL, 200 and 487, ACK)")
    state, previous, status, reason, details = end.args
    line = start_line(details)
    if previous != "incoming" or status != 487 or not (line or "").startswith("CANCEL ") \
            or details.get("cause") != "cancelled":
        raise HarnessError("the ringing session ended %s -> disconnected %s %r cause %r with %r; expected from "
                           "incoming, 487, cause cancelled, the CANCEL as sip-message" % (
                               previous, status, reason, details.get("cause"), line))
    if states_of(d, inc, since)[-1][0] != "disconnected" or len(d.find_signals(
            inc, SESSION, "StateChanged", lambda x: x.args[0] == "disconnected", since)) != 1:
        raise HarnessError("states of the cancelled session: %s" % states_of(d, inc, since))
    d.stop()


def test_cancel_crossing_2xx(h):
    """Our CANCEL crosses the callee's 200: the 2xx is ACKed and the dialog
    ended with BYE (RFC 3261 9.1); the session reports disconnected with
    the 200 and cause "cancelled", never connected."""
    d = TincanDaemon(h).start()
    alice = d.create_endpoint(p2p("alice", codecs="pcmu"))
    uas = Sipp(h, "uas-call-cancel-crossing", name="sipp-uas-cancel-crossing", service="carol", user="carol",
               timeout=15, trace_msg=True).start()
    since = d.mark()
    out = d.call(alice, ENDPOINT, "Call", GLib.Variant("(sa{sv})", ("sip:carol@127.0.0.1:%d" % uas.port, {})))[0]
    d.wait_for_signal(out, SESSION, "StateChanged", lambda x: x.args[2] == 180, 10, since, "the 180")
    d.call(out, SESSION, "Terminate")
    end = wait_state(d, out, "disconnected", since)
    sipp_check(wait_sipp(d, uas, 10), "the crossing UAS (200 to the INVITE after the CANCEL, then ACK and BYE)")
    state, previous, status, reason, details = end.args
    if status != 200 or details.get("cause") != "cancelled" or not (start_line(details) or "").startswith("SIP/2.0 200"):
        raise HarnessError("the crossed call ended %s %r cause %r with %r; expected 200, cause cancelled, the 200 as "
                           "sip-message" % (status, reason, details.get("cause"), start_line(details)))
    if any(st == "connected" for st, *_ in states_of(d, out, since)):
        raise HarnessError("the cancelled call reported connected: %s" % states_of(d, out, since))
    sent = [line for _, way, line in sipp_messages(uas) if way == "received"]
    if [line.split()[0] for line in sent] != ["INVITE", "CANCEL", "ACK", "BYE"]:
        raise HarnessError("SIPp received %s; expected INVITE, CANCEL, ACK, BYE" % sent)
    daemon_healthy(d, alice)
    d.stop()


# --- 3. 3xx followed -------------------------------------------------------------


def test_redirect(h):
    d = TincanDaemon(h).start()
    alice = d.create_endpoint(p2p("alice"))
    bob = d.create_endpoint(p2p("bob", **{"incoming-call-policy": "auto-answer"}))
    target = "sip:bob@127.0.0.1:%d" % d.contact_port(bob)
    uas = Sipp(h, "uas-call-302", name="sipp-uas-302", service="alice", user="carol", keys={"target": target},
               duration_ms=500, timeout=15, trace_msg=True).start()
    since = d.mark()
    first = "sip:carol@127.0.0.1:%d" % uas.port
    out = d.call(alice, ENDPOINT, "Call", GLib.Variant("(sa{sv})", (first, {})))[0]
    red = d.wait_for_signal(out, SESSION, "StateChanged", lambda x: x.args[2] == 302, 10, since, "the 302")
    state, previous, status, reason, details = red.args
    if state != "in-progress" or details.get("redirected-to") is None:
        raise HarnessError("the 302 was reported as %s (%s %r) with details %r; expected in-progress with "
                           "redirected-to" % (state, status, reason, sorted(details)))
    to = details["redirected-to"]
    if not to.startswith("sip:bob@127.0.0.1:%d" % d.contact_port(bob)):
        raise HarnessError("redirected-to %r, the 302's Contact was <%s>" % (to, target))
    line = start_line(details)
    if not (line or "").startswith("SIP/2.0 302"):
        raise HarnessError("the redirect's sip-message is %r, not the 302" % line)
    if header(sip_of(details)[1], "Contact") is None:
        raise HarnessError("the 302 in sip-message has no Contact")
    conn = wait_state(d, out, "connected", since)
    inc = incoming(d, bob, since)
    wait_state(d, inc, "connected", since)
    if sprop(d, out, "RemoteUri") != to:
        raise HarnessError("RemoteUri %r after the redirect to %r" % (sprop(d, out, "RemoteUri"), to))
    d.wait_for_signal(out, PROPERTIES, "PropertiesChanged",
                      lambda x: x.args[0] == SESSION and x.args[1].get("RemoteUri") == to, 2, since,
                      "RemoteUri changed to %s" % to)
    if conn.args[2] != 200:
        raise HarnessError("connected with status %s" % conn.args[2])
    if sprop(d, inc, "CallId") != sprop(d, out, "CallId"):
        log("the redirected INVITE has a new Call-ID (%s, first %s)" % (sprop(d, inc, "CallId"),
                                                                       sprop(d, out, "CallId")))
    sipp_check(wait_sipp(d, uas, 10), "the 302 UAS (INVITE, 302, ACK)")
    d.call(out, SESSION, "Terminate")
    wait_state(d, inc, "disconnected", since)
    wait_state(d, out, "disconnected", since)
    log("states of the redirected call: %s" % states_of(d, out, since))
    d.stop()


def test_early_media(h):
    """183 with SDP: in-progress with early-media TRUE and the media running
    (Media.Codec pcmu) before the answer; the 200 without SDP connects with
    the 183's answer (RFC 3261 13.2.1)."""
    d = TincanDaemon(h).start()
    alice = d.create_endpoint(p2p("alice", codecs="pcmu,pcma"))
    uas = Sipp(h, "uas-call-183", name="sipp-uas-183", service="carol", user="carol", duration_ms=300, timeout=15,
               trace_msg=True).start()
    since = d.mark()
    out = d.call(alice, ENDPOINT, "Call", GLib.Variant("(sa{sv})", ("sip:carol@127.0.0.1:%d" % uas.port, {})))[0]
    early = d.wait_for_signal(out, SESSION, "StateChanged", lambda x: x.args[2] == 183, 10, since, "the 183")
    state, previous, status, reason, details = early.args
    if state != "in-progress" or details.get("early-media") is not True:
        raise HarnessError("the 183 was reported as %s with early-media %r" % (state, details.get("early-media")))
    if not (start_line(details) or "").startswith("SIP/2.0 183"):
        raise HarnessError("the 183's sip-message is %r" % start_line(details))
    codec = sprop(d, out, "Codec", MEDIA)
    if sprop(d, out, "State") == "in-progress" and codec != "pcmu":
        raise HarnessError("early media: Media.Codec is %r before the answer, expected pcmu" % codec)
    conn = wait_state(d, out, "connected", since)
    if conn.args[2] != 200:
        raise HarnessError("connected with status %s" % conn.args[2])
    if sprop(d, out, "Direction", MEDIA) != "sendrecv":
        raise HarnessError("media direction %r after a 200 without SDP" % sprop(d, out, "Direction", MEDIA))
    d.call(out, SESSION, "Terminate")
    wait_state(d, out, "disconnected", since)
    sipp_check(wait_sipp(d, uas, 10), "the early-media UAS (183 with SDP, 200 without, BYE)")
    d.stop()


# --- 4. hold from the far end ---------------------------------------------------


def remote_held_changes(d, session, since):
    out = []
    for x in d.find_signals(session, PROPERTIES, "PropertiesChanged", since=since):
        if x.args[0] == SESSION and "RemoteHeld" in x.args[1]:
            out.append((x.index, x.args[1]["RemoteHeld"]))
    return out


def wait_remote_held(d, session, value, since, timeout=5.0):
    return d.wait_for_signal(session, PROPERTIES, "PropertiesChanged",
                             lambda x: x.args[0] == SESSION and x.args[1].get("RemoteHeld") is value,
                             timeout, since, "RemoteHeld %s" % value)


def test_remote_hold(h):
    d = TincanDaemon(h).start()
    ep = d.create_endpoint(p2p("bob", **{"incoming-call-policy": "auto-answer"}))
    since = d.mark()
    s = uac(h, d, ep, "uac-call-hold", duration_ms=700, timeout=15).start()
    inc = incoming(d, ep, since)
    wait_state(d, inc, "connected", since)
    if sprop(d, inc, "RemoteHeld"):
        raise HarnessError("RemoteHeld before any hold")
    re1 = d.wait_for_signal(inc, SESSION, "ReInviteReceived", timeout=5, since=since, what="the hold re-INVITE")
    sip = sip_of(re1.args[0])
    if not sip or not sip[0].startswith("INVITE ") or b"a=sendonly" not in sip[2]:
        raise HarnessError("ReInviteReceived's sip-message is not the a=sendonly re-INVITE: %r" % (sip,))
    held = wait_remote_held(d, inc, True, since)
    # Media.Direction follows (from the recorded PropertiesChanged: the
    # resume may already have come by the time a Get would be answered).
    d.wait_for_signal(inc, PROPERTIES, "PropertiesChanged",
                      lambda x: x.args[0] == MEDIA and x.args[1].get("Direction") == "recvonly", 5, since,
                      "Media.Direction recvonly while the far end holds")
    re2 = d.wait_for_signal(inc, SESSION, "ReInviteReceived", timeout=5, since=re1.index + 1,
                            what="the resume re-INVITE")
    if b"a=sendrecv" not in sip_of(re2.args[0])[2]:
        raise HarnessError("the second ReInviteReceived is not the a=sendrecv re-INVITE")
    wait_remote_held(d, inc, False, held.index + 1)
    end = wait_state(d, inc, "disconnected", since)
    if not (start_line(end.args[4]) or "").startswith("BYE ") or end.args[4].get("cause") != "remote-bye":
        raise HarnessError("the call ended with %r (cause %r), expected SIPp's BYE"
                           % (start_line(end.args[4]), end.args[4].get("cause")))
    sipp_check(wait_sipp(d, s, 10), "the hold scenario (its 200s must say a=recvonly, then a=sendrecv)")
    states = [st for st, status, cause, line in states_of(d, inc, since)]
    if "hold" in states or states.count("connected") != 1 or states[-1] != "disconnected":
        raise HarnessError("states %s; a hold by the far end is RemoteHeld only, not a state change" % states)
    changes = remote_held_changes(d, inc, since)
    if [v for _, v in changes] != [True, False]:
        raise HarnessError("RemoteHeld changes %r, expected [True, False]" % changes)
    d.stop()


# --- 5. BYE crossing our re-INVITE; glare ----------------------------------------


def test_bye_crossing_reinvite(h):
    d = TincanDaemon(h).start()
    ep = d.create_endpoint(p2p("bob", **{"incoming-call-policy": "auto-answer"}))
    since = d.mark()
    s = uac(h, d, ep, "uac-call-bye-crossing", timeout=15).start()
    inc = incoming(d, ep, since)
    wait_state(d, inc, "connected", since)
    pc = d.call_async(inc, SESSION, "Hold", GLib.Variant("(a{sv})", ({"cookie": GLib.Variant("t", 5)},)), timeout=20)
    end = wait_state(d, inc, "disconnected", since)
    try:
        pc.result(timeout=10)
    except GLib.Error as e:
        name = tincand.dbus_error_name(e)
        if name not in (ERROR + "Aborted", ERROR + "Rejected"):
            raise HarnessError("Hold failed with %s (%s), expected Aborted or Rejected" % (name, e.message))
        log("Hold crossed by a BYE: %s: %s" % (name, e.message))
    else:
        raise HarnessError("Hold succeeded although the far end sent BYE and answered the re-INVITE 487")
    if not (start_line(end.args[4]) or "").startswith("BYE ") or end.args[4].get("cause") != "remote-bye":
        raise HarnessError("the call ended with %r (cause %r), expected the crossing BYE"
                           % (start_line(end.args[4]), end.args[4].get("cause")))
    op = d.wait_for_signal(inc, SESSION, "OperationComplete", lambda x: x.args[0] == 5, 2, since,
                           "OperationComplete of the Hold")
    if op.args[3].get("error") not in (ERROR + "Aborted", ERROR + "Rejected") or op.args[3].get("operation") != "hold":
        raise HarnessError("OperationComplete of the crossed Hold: %r" % (op.args,))
    sipp_check(wait_sipp(d, s, 10), "the BYE-crossing scenario (200 to the BYE)")
    d.iterate(0.3)
    daemon_healthy(d, ep)
    if sprop(d, inc, "State") != "disconnected":
        raise HarnessError("the session is %s after the race" % sprop(d, inc, "State"))
    d.stop()


def check_glare_retry(s, owner):
    """From SIPp's message trace: our re-INVITE got 491, the one crossing
    it was answered 491, and its retry came within the RFC 3261 section
    14.1 back-off: 2.1-4 s when tincand owns the Call-ID (it called), else
    0-2 s.  Returns the delay."""
    msgs = sipp_messages(s)
    sent491 = [t for t, way, line in msgs if way == "sent" and line.startswith("SIP/2.0 491")]
    got491 = [line for t, way, line in msgs if way == "received" and line.startswith("SIP/2.0 491")]
    if len(sent491) != 1 or len(got491) != 1:
        raise HarnessError("SIPp's trace: %d 491 sent, %d received; expected one each:\n%s"
                           % (len(sent491), len(got491), "\n".join("%s %s %s" % m for m in msgs)))
    retries = [t for t, way, line in msgs if way == "received" and line.startswith("INVITE ") and t > sent491[0]]
    if len(retries) != 1:
        raise HarnessError("SIPp's trace: %d INVITEs after its 491, expected the one retry:\n%s"
                           % (len(retries), "\n".join("%s %s %s" % m for m in msgs)))
    delay = (retries[0] - sent491[0]).total_seconds()
    low, high = (2.1, 4.0) if owner else (0.0, 2.0)
    if not (low <= delay <= high + 0.3):
        raise HarnessError("the re-INVITE was sent again %.3f s after the 491, outside %.1f..%.1f s (RFC 3261 14.1, "
                           "%s the Call-ID)" % (delay, low, high, "owning" if owner else "not owning"))
    return delay


def hold_through_glare(d, session, s, since, cookie):
    t0 = time.monotonic()
    pc = d.call_async(session, SESSION, "Hold", GLib.Variant("(a{sv})", ({"cookie": GLib.Variant("t", cookie)},)),
                      timeout=20)
    try:
        pc.result(timeout=10)
    except GLib.Error as e:
        raise HarnessError("Hold after glare failed: %s; SIPp: %s" % (tincand.describe_error(e), s.proc.tail(20)))
    op = d.wait_for_signal(session, SESSION, "OperationComplete", lambda x: x.args[0] == cookie, 2, since)
    if op.args[1] != 200:
        raise HarnessError("OperationComplete of the retried Hold: %r" % (op.args,))
    if sprop(d, session, "State") != "hold":
        raise HarnessError("State %r after the retried Hold" % sprop(d, session, "State"))
    return pc.t_done - t0


def test_glare_callee(h):
    d = TincanDaemon(h).start()
    ep = d.create_endpoint(p2p("bob", **{"incoming-call-policy": "auto-answer"}))
    since = d.mark()
    s = uac(h, d, ep, "uac-call-glare", duration_ms=300, timeout=20).start()
    inc = incoming(d, ep, since)
    wait_state(d, inc, "connected", since)
    took = hold_through_glare(d, inc, s, since, 9)
    wait_state(d, inc, "disconnected", since)
    sipp_check(wait_sipp(d, s, 10), "the glare scenario (our re-INVITE must get 491)")
    delay = check_glare_retry(s, owner=False)
    log("glare, tincand called: re-INVITE sent again %.3f s after the 491 (Hold took %.3f s)" % (delay, took))
    d.stop()


def test_glare_caller(h):
    d = TincanDaemon(h).start()
    alice = d.create_endpoint(p2p("alice"))
    s = Sipp(h, "uas-call-glare", name="sipp-uas-glare", service="alice", user="bob", duration_ms=300, timeout=20,
             trace_msg=True).start()
    since = d.mark()
    out = d.call(alice, ENDPOINT, "Call", GLib.Variant("(sa{sv})", ("sip:bob@127.0.0.1:%d" % s.port, {})))[0]
    wait_state(d, out, "connected", since)
    took = hold_through_glare(d, out, s, since, 10)
    d.call(out, SESSION, "Terminate")
    wait_state(d, out, "disconnected", since)
    sipp_check(wait_sipp(d, s, 10), "the glare scenario (our re-INVITE must get 491)")
    delay = check_glare_retry(s, owner=True)
    log("glare, tincand calling: re-INVITE sent again %.3f s after the 491 (Hold took %.3f s)" % (delay, took))
    d.stop()


# --- 6. forking through Kamailio ------------------------------------------------


def test_forking(h):
    kam = Kamailio(h, users=USERS).start()
    d = TincanDaemon(h).start()
    bobs = []
    for n in (1, 2):
        s = {"uri": kam.aor("bob"), "kind": "registered", "registrar": "sip:%s:%d" % (kam.host, kam.port),
             "auth-username": "bob", "password": USERS["bob"], "listen": "127.0.0.1:0",
             "instance-id": "urn:uuid:%s" % uuid.uuid4(), "incoming-call-policy": "ring"}
        s.update(QUIET)
        bobs.append(d.create_endpoint(s))
    since = d.mark()
    for ep in bobs:
        d.register(ep)
    for ep in bobs:
        ev = d.wait_registration(ep, {"registered", "rejected", "error"}, timeout=10, since=since)
        if ev.args[0] != "registered":
            raise HarnessError("%s: registration %s (%s %s)" % (ep, ev.args[0], ev.args[2], ev.args[3]))
    since = d.mark()
    s = Sipp(h, "uac-invite", name="sipp-alice", remote="%s:%d" % (kam.host, kam.port), service="bob",
             user="alice", domain=kam.realm, password=USERS["alice"], duration_ms=500, timeout=20,
             trace_msg=True).start()
    rings = []
    for ep in bobs:
        rings.append(d.wait_for_signal(ep, ENDPOINT, "IncomingSession", timeout=10, since=since,
                                       what="the forked INVITE"))
    rings.sort(key=lambda x: x.index)
    winner, loser = rings[0].args[0], rings[1].args[0]
    for sig in rings:
        sip = sip_of(sig.args[1])
        if sip is None or not any(":%d" % kam.port in v for n, v in sip[1] if n.lower() in ("via", "v")):
            raise HarnessError("the INVITE of %s did not come through Kamailio" % sig.path)
    if sprop(d, winner, "CallId") != sprop(d, loser, "CallId"):
        raise HarnessError("the two ringing sessions have different Call-IDs: not one forked call")
    d.call(winner, SESSION, "Accept", GLib.Variant("(a{sv})", ({},)))
    wait_state(d, winner, "connected", since)
    end = wait_state(d, loser, "disconnected", since)
    line = start_line(end.args[4])
    if not (line or "").startswith("CANCEL ") or end.args[2] != 487:
        raise HarnessError("the other fork ended with %s %r (%r); expected 487 with Kamailio's CANCEL"
                           % (end.args[2], end.args[3], line))
    reason = header(sip_of(end.args[4])[1], "Reason")
    log("the losing fork's CANCEL has Reason: %s" % reason)
    wait_state(d, winner, "disconnected", since, timeout=10)
    sipp_check(wait_sipp(d, s, 15), "alice's call through Kamailio (200, ACK, BYE)")
    d.stop()


TESTS = [
    ("INVITE with no common codec: 488 with Warning 305, no session", test_no_common_codec),
    ("CANCEL while ringing: 200 and 487 to SIPp, the session ends with the CANCEL", test_cancel_while_ringing),
    ("CANCEL crossing the 200: the 2xx is ACKed and ended with BYE, disconnected cause cancelled",
     test_cancel_crossing_2xx),
    ("3xx followed: 302 from SIPp to an auto-answer endpoint; redirected-to, RemoteUri, connected",
     test_redirect),
    ("183 with SDP is early media (early-media, Media.Codec before the answer); a 200 without SDP uses it",
     test_early_media),
    ("re-INVITE hold from the far end: a=recvonly answer, ReInviteReceived, RemoteHeld true then false, BYE",
     test_remote_hold),
    ("BYE crossing our re-INVITE: 200 to the BYE, Hold fails Aborted/Rejected, daemon healthy",
     test_bye_crossing_reinvite),
    ("glare, called: 491 to SIPp's crossing re-INVITE; ours answered 491 retried after 0-2 s (14.1)",
     test_glare_callee),
    ("glare, calling: 491 to SIPp's crossing re-INVITE; ours answered 491 retried after 2.1-4 s (14.1)",
     test_glare_caller),
    ("forked INVITE through Kamailio to two bob endpoints: one answers, the other gets the CANCEL",
     test_forking),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=40)
