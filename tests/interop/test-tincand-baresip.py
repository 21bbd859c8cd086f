#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tincand and baresip exchange page-mode MESSAGEs directly (issue 4).

A peer-to-peer tincand endpoint (listening on 127.0.0.1:0) and baresip 1.0
(harness.Baresip, headless, account carol with regint=0, driven over
ctrl_tcp).  baresip 1.0 sends a MESSAGE with the contact module's
"message" command, to its current contact: the test writes tincand's
Contact as baresip's only contact before starting it.  baresip 1.0's
ctrl_tcp has no event for a received MESSAGE; its menu module shows one
through ui_output, so the stdio UI module is loaded (stdin a pipe).

1. baresip -> tincand: MessageReceived with the text, from carol; baresip
   reports no failure for its MESSAGE.
2. tincand -> baresip: SendMessage to sip:carol@127.0.0.1:<baresip's port>
   succeeds (200) and baresip shows the text (its menu module prints
   `<from>: "<text>"` for every MESSAGE it receives).
TAP on stdout.
"""

import os
import socket
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
import harness  # noqa: E402
from harness import LOOPBACK, Baresip, HarnessError, Skip, wait_for_port  # noqa: E402
from tincand import ENDPOINT, TincanDaemon  # noqa: E402

tincand.skip_all_without_gi()


class BaresipUI(Baresip):
    """harness.Baresip plus the stdio UI (so the menu module's output for a
    received MESSAGE, sent through ui_output, reaches its log: stdin is a
    pipe kept open, stdout the log) and the contact module with the given
    contacts file (the "message" command sends to the first contact)."""

    def __init__(self, h, accounts, contacts, **kw):
        super().__init__(h, accounts, **kw)
        for m in ("stdio", "contact"):
            if not os.path.exists(os.path.join(harness.BARESIP_MODULES, m + ".so")):
                raise Skip("baresip's %s module is missing" % m)
        with open(os.path.join(self.dir, "config"), "a") as f:
            f.write("module stdio.so\nmodule_app contact.so\n")
        with open(os.path.join(self.dir, "contacts"), "w") as f:
            f.write("".join(c + "\n" for c in contacts))

    def start(self, timeout=10.0):
        self.proc = self.h.start(self.name, [self.bin, "-f", self.dir], stdin=subprocess.PIPE)
        wait_for_port(self.ctrl_port, proc=self.proc, timeout=timeout)
        wait_for_port(self.sip_port, proto="udp", proc=self.proc, timeout=timeout)
        self.sock = socket.create_connection((LOOPBACK, self.ctrl_port), timeout=timeout)
        return self


def start_pair(h):
    """tincand with a peer-to-peer endpoint alice, and baresip (carol)
    whose current contact is alice's Contact."""
    d = TincanDaemon(h).start()
    ep = d.create_endpoint({"uri": "sip:alice@%s" % LOOPBACK, "kind": "peer-to-peer",
                            "listen": "%s:0" % LOOPBACK})
    contact = d.prop(ep, "Contact")
    if not contact:
        raise HarnessError("the endpoint has no Contact")
    b = BaresipUI(h, ["<sip:carol@%s>;regint=0" % LOOPBACK], ['"Alice" <%s>' % contact]).start()
    return d, ep, contact, b


def test_baresip_to_tincand(h):
    d, ep, contact, b = start_pair(h)
    text = "hello from baresip %s" % uuid.uuid4().hex
    since = d.mark()
    r = b.command("message", text)
    if not r.get("ok"):
        raise HarnessError("baresip's message command failed: %s; log:\n%s" % (r, b.proc.tail()))
    ev = d.wait_message(ep, text, timeout=5, since=since)
    msg_id, frm, to, ctype, body, details = ev.args
    if "carol@" not in frm:
        raise HarnessError("MessageReceived from %r, expected carol" % frm)
    if not ctype.lower().startswith("text/plain"):
        raise HarnessError("content type %r, expected text/plain" % ctype)
    sip = details.get("sip-message")
    if not sip or not sip[0].startswith("MESSAGE "):
        raise HarnessError("details have no sip-message: %r" % (details,))
    if not tincand.header(sip[1], "User-Agent") or "baresip" not in tincand.header(sip[1], "User-Agent").lower():
        harness.log("the MESSAGE's User-Agent: %r" % tincand.header(sip[1], "User-Agent"))
    # baresip prints a failure (an error or a status >= 300) after its
    # MESSAGE's answer; give the 200 a moment to arrive.
    time.sleep(0.3)
    out = b.proc.output()
    if "failed" in out.split(text, 1)[-1] or "\x1b[31m" in out:
        raise HarnessError("baresip reports a failure for its MESSAGE:\n%s" % b.proc.tail())
    b.stop()
    d.stop()


def test_tincand_to_baresip(h):
    d, ep, contact, b = start_pair(h)
    text = "hello from tincand %s" % uuid.uuid4().hex
    target = "sip:carol@%s:%d" % (LOOPBACK, b.sip_port)
    since = d.mark()
    try:
        d.send_message(ep, target, text, options={"cookie": tincand.GLib.Variant("t", 5)})
    except tincand.GLib.Error as e:
        raise HarnessError("SendMessage to baresip (%s) failed: %s; baresip log:\n%s\ndaemon log:\n%s"
                           % (target, tincand.describe_error(e), b.proc.tail(), d.log_excerpt(lines=40)))
    done = d.wait_for_signal(ep, ENDPOINT, "OperationComplete", lambda s: s.args[0] == 5, timeout=2, since=since)
    if done.args[1] != 200:
        raise HarnessError("OperationComplete %r, expected 200" % (done.args,))
    # baresip's menu prints '<from>: "<text>"' (through the stdio UI).
    deadline = time.monotonic() + 3
    while text not in b.proc.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    out = b.proc.output()
    if '"%s"' % text not in out:
        raise HarnessError("baresip did not show the message %r; its log:\n%s" % (text, b.proc.tail(40)))
    line = [x for x in out.splitlines() if text in x][0]
    if "alice@" not in line:
        raise HarnessError("baresip shows the message as %r, expected it from alice" % line)
    b.stop()
    d.stop()


TESTS = [
    ("baresip /message -> tincand peer-to-peer endpoint: MessageReceived", test_baresip_to_tincand),
    ("tincand SendMessage -> baresip: 200, baresip shows the text", test_tincand_to_baresip),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=30)
