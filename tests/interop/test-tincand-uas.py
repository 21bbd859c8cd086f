#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tincand as a UAS for every request it may receive (issue 4, bad input).

The daemon runs on a private bus with its embedded default endpoint
(peer-to-peer, UDP and TCP on 127.0.0.1).  Checked:

- RFC 3261 §8.2 / §11: OPTIONS → 200 with Allow, Accept, Supported; an
  unknown method → 501 with Allow; a known one we do not take → 405 with
  Allow; Require with unknown option tags → 420 listing every one in
  Unsupported; Max-Forwards: 0 → 483; CANCEL and BYE matching nothing →
  481; a merged request → 482;
- every RFC 4475 torture request over TCP: the valid ones get a final
  response other than 400 and 500, the invalid ones a 4xx/5xx or nothing,
  and the daemon keeps answering;
- the issue-3 bad-input battery (garbage, truncated, oversized, floods,
  slow-loris, salvageable requests) with tincand instead of the test UA.
TAP on stdout.
"""

import glob
import importlib.util
import os
import re
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import LOOPBACK, HarnessError, raw_tcp, raw_udp, sip_options, sip_request  # noqa: E402

SRCDIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TORTURE = os.path.join(SRCDIR, "tests", "data", "torture", "rfc4475")


def _badinput():
    spec = importlib.util.spec_from_file_location(
        "badinput", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-tincan-badinput.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Tincand:
    """tincand with its default endpoint on a private bus."""

    def __init__(self, h, read_timeout_ms=None):
        self.h = h
        builddir = os.environ.get("TINCAN_BUILDDIR") or os.path.join(SRCDIR, "build")
        self.binary = os.path.join(builddir, "daemon", "tincand")
        if not os.path.exists(self.binary):
            raise harness.Skip("tincand is not built: %s" % self.binary)
        harness.require_program("dbus-daemon")
        self.home = tempfile.mkdtemp(prefix="tincand-uas-", dir=h.path())
        self.read_timeout_ms = read_timeout_ms
        self.bus = None
        self.proc = None
        self.port = None

    def start(self):
        self.bus = self.h.start("dbus-daemon", ["dbus-daemon", "--session", "--nofork", "--print-address=1"])
        address = self.bus.wait_for_log(r"(unix:[^\s]+)").group(1)
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address, HOME=self.home,
                   XDG_CONFIG_HOME=os.path.join(self.home, "config"), XDG_DATA_HOME=os.path.join(self.home, "data"))
        argv = [self.binary, "--session", "--no-secret-service", "--default-port", "0"]
        if self.read_timeout_ms:
            argv += ["--read-timeout", str(self.read_timeout_ms)]
        self.proc = self.h.start("tincand", argv, env=env)
        m = self.proc.wait_for_log(r"endpoint default: .*contact sip:[^@]*@127\.0\.0\.1:(\d+)", timeout=10)
        self.port = int(m.group(1))
        return self

    def check_alive(self):
        self.proc.check_alive()

    def close(self):
        if self.proc:
            self.proc.stop()
        if self.bus:
            self.bus.stop()


def serve(h, read_timeout_ms=None):
    return Tincand(h, read_timeout_ms).start()


def status(data):
    if not data:
        return None
    m = re.match(rb"SIP/2\.0 (\d{3}) ([^\r\n]*)", data)
    return (int(m.group(1)), m.group(2).decode("utf-8", "replace")) if m else None


def header(data, name):
    m = re.search(rb"\r\n" + name.encode() + rb":[ \t]*([^\r\n]*)", data, re.IGNORECASE)
    return m.group(1).decode() if m else None


def ask(port, req):
    got = raw_udp(port, [req], wait=2.0, count=1)
    if not got:
        raise HarnessError("no answer to %r" % req.split(b"\r\n", 1)[0])
    return got[0]


def test_uas_rules(h):
    d = serve(h)
    port = d.port
    try:
        r = ask(port, sip_request("OPTIONS", port=port))
        if status(r)[0] != 200:
            raise HarnessError("OPTIONS: %r" % (status(r),))
        for name in ("Allow", "Accept", "Supported"):
            if header(r, name) is None:
                raise HarnessError("OPTIONS 200 lacks %s: %r" % (name, r))
        if "MESSAGE" not in header(r, "Allow"):
            raise HarnessError("Allow lacks MESSAGE: %s" % header(r, "Allow"))
        r = ask(port, sip_request("FROBNICATE", port=port))
        if status(r)[0] != 501 or header(r, "Allow") is None:
            raise HarnessError("unknown method: expected 501 with Allow, got %r" % r[:200])
        r = ask(port, sip_request("SUBSCRIBE", port=port, extra_headers=["Event: presence"]))
        if status(r)[0] != 405 or header(r, "Allow") is None:
            raise HarnessError("SUBSCRIBE: expected 405 with Allow, got %r" % r[:200])
        r = ask(port, sip_request("MESSAGE", port=port, extra_headers=["Require: foo, bar", "Require: baz",
                                                                       "Content-Type: text/plain"], body=b"hi"))
        unsupported = header(r, "Unsupported") or ""
        if status(r)[0] != 420 or not all(t in unsupported for t in ("foo", "bar", "baz")):
            raise HarnessError("Require: expected 420 with Unsupported: foo, bar, baz, got %r" % r[:300])
        r = ask(port, sip_request("MESSAGE", port=port, extra_headers=["Content-Type: text/plain"],
                                  body=b"hi").replace(b"Max-Forwards: 70", b"Max-Forwards: 0"))
        if status(r)[0] != 483:
            raise HarnessError("Max-Forwards 0: expected 483, got %r" % (status(r),))
        for method in ("CANCEL", "BYE"):
            req = sip_request(method, port=port)
            if method == "BYE":
                req = req.replace(b"To: <sip:tincan@127.0.0.1:%d>" % port,
                                  b"To: <sip:tincan@127.0.0.1:%d>;tag=nosuchdialog" % port)
            r = ask(port, req)
            if status(r)[0] != 481:
                raise HarnessError("%s matching nothing: expected 481, got %r" % (method, status(r)))
        # A merged request (§8.2.2.2): the same From tag, Call-ID and CSeq
        # on a second branch while the first is in progress or answered.
        base = sip_request("MESSAGE", port=port, extra_headers=["Content-Type: text/plain"], body=b"merged")
        other = re.sub(rb"branch=z9hG4bK[0-9a-f]+", b"branch=z9hG4bK" + uuid.uuid4().hex.encode(), base)
        first = ask(port, base)
        second = ask(port, other)
        if status(first)[0] != 200 or status(second)[0] != 482:
            raise HarnessError("merged request: expected 200 then 482, got %r, %r" % (status(first), status(second)))
    finally:
        d.close()


def test_torture_tcp(h):
    d = serve(h)
    port = d.port
    results = []
    try:
        for kind in ("valid", "invalid"):
            for path in sorted(glob.glob(os.path.join(TORTURE, kind, "*"))):
                data = open(path, "rb").read()
                if data.startswith(b"SIP/2.0"):
                    continue  # a response: nothing answers it
                name = os.path.basename(path)
                got, _ = raw_tcp(port, data, wait=2.0, until=rb"\r\n\r\n")
                st = status(got)
                results.append((kind, name, st))
                if kind == "valid" and (st is None or st[0] in (400, 500)):
                    raise HarnessError("valid %s: expected a non-400 final answer, got %r" % (name, st))
                if kind == "invalid" and st is not None and st[0] < 400:
                    raise HarnessError("invalid %s: answered %r" % (name, st))
                d.check_alive()
        if sip_options(LOOPBACK, port, timeout=1.0) != 200:
            raise HarnessError("OPTIONS after the torture messages got no 200")
        harness.log("torture over TCP: %s" % ", ".join("%s=%s" % (n, s[0] if s else "-") for _, n, s in results))
    finally:
        d.close()


def test_torture_udp(h):
    d = serve(h)
    try:
        payloads = [open(p, "rb").read() for p in sorted(glob.glob(os.path.join(TORTURE, "*", "*")))]
        raw_udp(d.port, payloads, wait=0.5)
        d.check_alive()
        if sip_options(LOOPBACK, d.port, timeout=1.0) != 200:
            raise HarnessError("OPTIONS after the torture datagrams got no 200")
    finally:
        d.close()


def _battery(name):
    def run(h):
        bad = _badinput()
        bad.serve = lambda h_: Tincand(h_, bad.READ_TIMEOUT_MS).start()
        getattr(bad, name)(h)
    return run


TESTS = [
    ("OPTIONS 200 + Allow/Accept/Supported, 501, 405, 420 + Unsupported, 483, 481 CANCEL/BYE, 482 merged",
     test_uas_rules),
    ("every RFC 4475 request over TCP: valid ones answered (not 400/500), invalid ones 4xx/5xx or dropped",
     test_torture_tcp),
    ("every RFC 4475 message as a UDP datagram: the daemon keeps answering", test_torture_udp),
    ("tincand UDP: garbage, truncated, large datagrams and a junk flood; SIPp keeps getting 200s",
     _battery("test_udp")),
    ("tincand TCP: garbage, truncated, > 64 KiB, slow-loris, junk connections; SIPp keeps getting 200s",
     _battery("test_tcp")),
    ("tincand: broken requests with intact headers get 400 + reason (UDP, TCP); 505", _battery("test_salvage")),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=60)
