#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tincanctl end to end against tincand (issue 4).

tincand runs as the README's run command starts it (scripts/run.sh:
`tincand --session`, here on a private session bus, with its embedded
default peer-to-peer endpoint and --default-port 0 so it never takes
5060), with private HOME and XDG directories.  Everything else goes
through build-tree tincanctl, the way a user would drive it:

1. `tincanctl list` and `tincanctl --json list`: the default endpoint,
   peer-to-peer, with the Contact the daemon logged at startup; every
   --json line parses as JSON.
2. `tincanctl add sip:bob@127.0.0.1 --kind peer-to-peer --listen
   127.0.0.1:0` prints bob's object path; `show --json` gives its Contact.
3. `tincanctl monitor --json` in the background; `tincanctl send default
   <bob's contact> "hello …"` exits 0 and reports 200; the monitor prints
   a message-received event for bob with the text (and the daemon emitted
   MessageReceived on the bus).
4. `tincanctl messages <bob>` lists it, `--json` too; `messages --ack`
   acknowledges it and the inbox is then empty; acknowledging it again
   exits 1.
5. A call: two more peer-to-peer endpoints, alice and carol (audio-source
   and audio-sink none; carol with incoming-call-policy auto-answer), with
   `tincanctl monitor --json` in the background.  `tincanctl call alice
   <carol's contact> --wait` prints the session and its state changes up
   to connected (exit 0); `sessions` lists both ends connected; `dtmf
   alice/N 1#` reaches carol as DtmfReceived; `hangup --wait` ends both
   ends; the monitor printed incoming-session, session-state-changed
   (connected, disconnected) for both sessions and dtmf-received.
6. Exit codes: 2 for a usage error, 1 for an unknown endpoint, 3 when the
   daemon cannot be reached.
TAP on stdout (tincand.run_shared_tests: one daemon for the six checks).
"""

import json
import os
import re
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
import harness  # noqa: E402
from harness import HarnessError, Skip, log  # noqa: E402
from tincand import ENDPOINT, TincanDaemon  # noqa: E402

SESSION = "org.tincan.Tincan1.Session"

tincand.skip_all_without_gi()


class Ctl:
    """Runs build-tree tincanctl with the daemon's environment."""

    def __init__(self, h, d):
        self.bin = harness.tincan_program("clients/tincanctl", harness.DEFAULT_BUILDDIR)
        if not self.bin:
            raise Skip("tincanctl is not built (clients/tincanctl in $TINCAN_BUILDDIR)")
        self.h, self.d = h, d
        # As a user runs it: no GLib debug output (GLib writes debug
        # messages to stdout, mixed with --json).
        self.env = d.env()
        self.env.pop("G_MESSAGES_DEBUG", None)

    def run(self, *args, input=None, timeout=30, env=None):
        argv = [self.bin] + [str(a) for a in args]
        log("$ %s" % " ".join(argv[1:]))
        r = subprocess.run(argv, env=env or self.env, input=input, capture_output=True, text=True, timeout=timeout)
        for line in (r.stdout + r.stderr).splitlines()[:20]:
            log("  " + line[:300])
        return r

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        if r.returncode != 0:
            raise HarnessError("tincanctl %s: exit %d\nstdout:\n%s\nstderr:\n%s"
                               % (" ".join(map(str, args)), r.returncode, r.stdout, r.stderr))
        return r

    def json_lines(self, *args, **kw):
        r = self.ok(*args, **kw)
        return parse_json_lines(r.stdout, "tincanctl %s" % " ".join(map(str, args)))

    def start(self, name, *args):
        return self.h.start(name, [self.bin] + [str(a) for a in args], env=self.env)


def parse_json_lines(text, what):
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError as e:
            raise HarnessError("%s printed a line that is not JSON (%s): %r" % (what, e, line))
    return out


def setup(h):
    d = TincanDaemon(h, default_endpoint=True, default_port=0, session=True).start()
    ctl = Ctl(h, d)
    return {"h": h, "d": d, "ctl": ctl}


def test_list(ctx):
    d, ctl = ctx["d"], ctx["ctl"]
    r = ctl.ok("list")
    if "default" not in r.stdout:
        raise HarnessError("tincanctl list does not show the default endpoint:\n%s" % r.stdout)
    rows = ctl.json_lines("--json", "list")
    default = [e for e in rows if e.get("endpoint") == "default"]
    if len(default) != 1:
        raise HarnessError("--json list has no single default endpoint: %s" % rows)
    e = default[0]
    contact = d.prop(e.get("path", ""), "Contact")
    if e.get("kind") != "peer-to-peer" or e.get("contact") != contact or "127.0.0.1:" not in contact:
        raise HarnessError("the default endpoint %s; Contact property %r" % (e, contact))
    if contact.endswith(":5060"):
        raise HarnessError("the default endpoint took port 5060 despite --default-port 0: %s" % contact)
    # The startup log names it with its URI and Contact.
    d.proc.wait_for_log(r"endpoint default: .*%s" % re.escape(contact), timeout=2, since_start=True)
    # The option goes after the command too.
    rows2 = ctl.json_lines("list", "--json")
    if [x.get("endpoint") for x in rows2] != [x.get("endpoint") for x in rows]:
        raise HarnessError("list --json differs from --json list: %s / %s" % (rows2, rows))
    ctx["default"] = e


def test_add(ctx):
    d, ctl = ctx["d"], ctx["ctl"]
    r = ctl.ok("add", "sip:bob@127.0.0.1", "--kind", "peer-to-peer", "--listen", "127.0.0.1:0")
    path = r.stdout.strip()
    if not re.match(r"^/org/tincan/Tincan1/endpoint/\w+$", path):
        raise HarnessError("tincanctl add printed %r, expected an object path" % r.stdout)
    if path not in d.endpoints():
        raise HarnessError("%s is not in the Manager's Endpoints %s" % (path, d.endpoints()))
    bob_id = path.rsplit("/", 1)[1]
    shown = ctl.json_lines("--json", "show", bob_id)
    if len(shown) != 1 or shown[0].get("path") != path:
        raise HarnessError("show --json %s: %s" % (bob_id, shown))
    contact = shown[0].get("contact", "")
    if contact != d.prop(path, "Contact") or not re.match(r"^sip:bob@127\.0\.0\.1:\d+", contact):
        raise HarnessError("show --json gives the Contact %r; the property is %r" % (contact, d.prop(path, "Contact")))
    if shown[0].get("kind") != "peer-to-peer":
        raise HarnessError("bob's kind %r" % shown[0].get("kind"))
    listed = [x.get("endpoint") for x in ctl.json_lines("--json", "list")]
    if listed != ["default", bob_id]:
        raise HarnessError("--json list shows %s, expected default then %s" % (listed, bob_id))
    ctx.update(bob=path, bob_id=bob_id, bob_contact=contact)


def test_send_monitor(ctx):
    d, ctl = ctx["d"], ctx["ctl"]
    if "bob" not in ctx:
        raise HarnessError("no bob endpoint (the previous test failed)")
    mon = ctl.start("tincanctl-monitor", "monitor", "--json")
    mon.wait_for_log(r'"monitor-started"', timeout=5)
    text = "hello %s" % uuid.uuid4().hex
    since = d.mark()
    target = re.sub(r";.*$", "", ctx["bob_contact"])
    r = ctl.ok("send", "default", target, text)
    if "200" not in r.stdout:
        raise HarnessError("tincanctl send printed no 200:\n%s" % r.stdout)
    rj = ctl.json_lines("--json", "send", "default", target, text + " (json)")
    if len(rj) != 1 or rj[0].get("ok") is not True or rj[0].get("sip_status") != 200:
        raise HarnessError("send --json: %s" % rj)
    # The daemon emitted MessageReceived on bob.
    ev = d.wait_message(ctx["bob"], text, timeout=5, since=since)
    ctx["msg_id"] = ev.args[0]
    # The monitor printed it.
    mon.wait_for_log(re.escape(json.dumps(text)[1:-1]), timeout=5, since_start=True)
    time.sleep(0.2)
    events = [e for e in parse_json_lines(
        "\n".join(line for line in mon.output().splitlines() if line.startswith("{")), "tincanctl monitor --json")]
    got = [e for e in events if e.get("event") == "message-received" and e.get("body") == text]
    if len(got) != 1:
        raise HarnessError("the monitor printed %d message-received events with %r: %s" % (len(got), text, events))
    e = got[0]
    if e.get("endpoint") != ctx["bob_id"] or e.get("id") != ev.args[0] or "sip:" not in e.get("from", ""):
        raise HarnessError("the monitor's event %s; the signal %r" % (e, ev))
    done = [x for x in events if x.get("event") == "operation-complete" and x.get("endpoint") == "default"]
    if not done or done[0].get("sip_status") != 200:
        raise HarnessError("the monitor printed no operation-complete 200 for default: %s" % events)
    rc = mon.stop(sig=2)  # SIGINT, as Ctrl-C
    log("tincanctl monitor exited with %s on SIGINT" % rc)
    if rc not in (0, 130, -2):
        raise HarnessError("tincanctl monitor exited with %s on SIGINT" % rc)
    ctx["text"] = text


def test_messages(ctx):
    d, ctl = ctx["d"], ctx["ctl"]
    if "msg_id" not in ctx:
        raise HarnessError("no message was received (the previous test failed)")
    r = ctl.ok("messages", ctx["bob_id"])
    if ctx["text"] not in r.stdout or ctx["msg_id"] not in r.stdout:
        raise HarnessError("tincanctl messages %s does not list %s %r:\n%s"
                           % (ctx["bob_id"], ctx["msg_id"], ctx["text"], r.stdout))
    rows = ctl.json_lines("--json", "messages", ctx["bob_id"])
    mine = [m for m in rows if m.get("id") == ctx["msg_id"]]
    if len(mine) != 1 or mine[0].get("body") != ctx["text"]:
        raise HarnessError("messages --json: %s" % rows)
    if len(rows) != 2:
        raise HarnessError("bob's inbox holds %d messages, expected 2 (the two sends): %s" % (len(rows), rows))
    ctl.ok("messages", ctx["bob_id"], "--ack")
    pending = d.call(ctx["bob"], ENDPOINT, "ListPendingMessages")[0]
    if pending:
        raise HarnessError("messages --ack left %d pending: %s" % (len(pending), pending))
    rows = ctl.json_lines("--json", "messages", ctx["bob_id"])
    if rows:
        raise HarnessError("messages --json after --ack: %s" % rows)
    r = ctl.run("ack", ctx["bob_id"], ctx["msg_id"])
    if r.returncode != 1:
        raise HarnessError("acknowledging %s again: exit %d, expected 1 (NotFound)" % (ctx["msg_id"], r.returncode))


def test_call(ctx):
    d, ctl = ctx["d"], ctx["ctl"]
    quiet = {"kind": "peer-to-peer", "listen": "127.0.0.1:0", "audio-source": "none", "audio-sink": "none"}
    alice = d.create_endpoint(dict(quiet, uri="sip:alice@127.0.0.1"))
    carol = d.create_endpoint(dict(quiet, uri="sip:carol@127.0.0.1", **{"incoming-call-policy": "auto-answer"}))
    alice_id, carol_id = alice.rsplit("/", 1)[1], carol.rsplit("/", 1)[1]
    target = re.sub(r";.*$", "", d.prop(carol, "Contact"))
    mon = ctl.start("tincanctl-monitor-calls", "monitor", "--json")
    mon.wait_for_log(r'"monitor-started"', timeout=5)
    since = d.mark()

    # call --wait: the session first, then its state changes up to connected.
    lines = ctl.json_lines("--json", "call", alice_id, target, "--wait", "--timeout", "20", timeout=40)
    out_path = lines[0].get("path", "")
    out_name = lines[0].get("session", "")
    if not out_path.startswith(alice + "/session/") or out_name != "%s/%s" % (alice_id, out_path.rsplit("/", 1)[1]):
        raise HarnessError("call --wait printed first %s; expected a session of %s" % (lines[0], alice))
    if any(x.get("path") != out_path for x in lines) or lines[-1].get("state") != "connected":
        raise HarnessError("call --wait did not end with its session connected: %s" % lines)
    inc_path = d.wait_for_signal(carol, ENDPOINT, "IncomingSession", since=since).args[0]
    inc_name = "%s/%s" % (carol_id, inc_path.rsplit("/", 1)[1])
    d.wait_for_signal(inc_path, SESSION, "StateChanged", lambda s: s.args[0] == "connected", since=since)

    # sessions: both ends, connected.
    rows = {x.get("session"): x for x in ctl.json_lines("--json", "sessions")}
    out, inc = rows.get(out_name, {}), rows.get(inc_name, {})
    if (out.get("state"), out.get("direction"), out.get("remote_uri")) != ("connected", "outgoing", target) \
            or not out.get("codec") or out.get("remote_held") is not False:
        raise HarnessError("sessions --json shows the caller's session as %s (target %s)" % (out, target))
    if (inc.get("state"), inc.get("direction"), inc.get("endpoint")) != ("connected", "incoming", carol_id):
        raise HarnessError("sessions --json shows the callee's session as %s" % inc)
    text = ctl.ok("sessions", alice_id).stdout.splitlines()
    if len(text) != 2 or not text[0].startswith("SESSION") or not re.match(r"^%s\s+connected\s+outgoing\s"
                                                                           % re.escape(out_name), text[1]):
        raise HarnessError("tincanctl sessions %s printed:\n%s" % (alice_id, "\n".join(text)))

    # dtmf: RFC 4733 events in the RTP stream, reported at the far end.
    ctl.ok("dtmf", out_name, "1#", "--duration", "100")
    for digit in ("1", "#"):
        d.wait_for_signal(inc_path, SESSION, "DtmfReceived", lambda s, digit=digit: s.args[0] == digit, since=since)

    # hangup --wait: our end disconnected, and the far end too.
    lines = ctl.json_lines("--json", "hangup", out_path, "--wait")
    if lines[-1].get("state") != "disconnected" or lines[0].get("action") != "hangup":
        raise HarnessError("hangup --json --wait printed %s" % lines)
    d.wait_for_signal(inc_path, SESSION, "StateChanged", lambda s: s.args[0] == "disconnected", since=since)

    # The monitor printed it all.
    mon.wait_for_log(r'"event":"session-state-changed",[^\n]*"session":"%s"[^\n]*"state":"disconnected"'
                     % re.escape(inc_name), timeout=5, since_start=True)
    events = parse_json_lines("\n".join(line for line in mon.output().splitlines() if line.startswith("{")),
                              "tincanctl monitor --json")
    seen = {(e.get("event"), e.get("session"), e.get("state") or e.get("digit")) for e in events}
    wanted = {("incoming-session", inc_name, None), ("dtmf-received", inc_name, "1"), ("dtmf-received", inc_name, "#")}
    for name in (out_name, inc_name):
        wanted |= {("session-state-changed", name, "connected"), ("session-state-changed", name, "disconnected")}
    if wanted - seen:
        raise HarnessError("the monitor did not print %s; it printed: %s" % (sorted(wanted - seen, key=str), events))
    rc = mon.stop(sig=2)
    if rc not in (0, 130, -2):
        raise HarnessError("tincanctl monitor exited with %s on SIGINT" % rc)


def test_exit_codes(ctx):
    d, ctl = ctx["d"], ctx["ctl"]
    problems = []
    r = ctl.run("send", "default")
    if r.returncode != 2:
        problems.append("send without a target: exit %d, expected 2" % r.returncode)
    r = ctl.run("no-such-command")
    if r.returncode != 2:
        problems.append("an unknown command: exit %d, expected 2" % r.returncode)
    r = ctl.run("show", "no_such_endpoint")
    if r.returncode != 1:
        problems.append("show of an unknown endpoint: exit %d, expected 1" % r.returncode)
    r = ctl.run("send", "default", "not a uri", "x")
    if r.returncode != 1:
        problems.append("send to a malformed target: exit %d, expected 1 (InvalidArgs)" % r.returncode)
    r = ctl.run("--address", "unix:path=%s" % os.path.join(d.dir, "no-such-bus"), "list")
    if r.returncode != 3:
        problems.append("an unreachable bus: exit %d, expected 3" % r.returncode)
    env = dict(ctl.env)
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=%s" % os.path.join(d.dir, "no-such-bus")
    r = ctl.run("list", env=env)
    if r.returncode != 3:
        problems.append("no session bus: exit %d, expected 3" % r.returncode)
    if problems:
        raise HarnessError("; ".join(problems))
    d.stop()


TESTS = [
    ("tincanctl list / --json list: the default endpoint, JSON lines", test_list),
    ("tincanctl add sip:bob@127.0.0.1 --kind peer-to-peer --listen 127.0.0.1:0", test_add),
    ("tincanctl send default <bob> hello -> 0; monitor --json prints message-received", test_send_monitor),
    ("tincanctl messages <bob> lists it; --ack empties the inbox", test_messages),
    ("tincanctl call --wait connects alice to auto-answering carol; sessions, dtmf, hangup; monitor shows it",
     test_call),
    ("tincanctl exit codes: 2 usage, 1 daemon failure, 3 unreachable", test_exit_codes),
]

if __name__ == "__main__":
    tincand.run_shared_tests(setup, TESTS, timeout=90, name="tincanctl")
