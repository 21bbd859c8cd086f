#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bad input against tincan-sip-ua --serve over UDP and TCP (issue 3).

Garbage, truncated, oversized and flooded input, and slow-loris TCP
connections, while two well-behaved SIPp UACs (OPTIONS over UDP and over
TCP) keep getting 200s; afterwards the process is alive and answers.  A
syntactically broken request whose Via/From/To/Call-ID/CSeq are intact
gets a 400 with the reason as the phrase (the stack salvages it).
TAP on stdout.
"""

import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (LOOPBACK, HarnessError, Sipp, TincanUA, raw_tcp, raw_udp, sip_options,  # noqa: E402
                     sip_request)

READ_TIMEOUT_MS = 1500


def serve(h):
    return TincanUA(h, ["--serve", "--quiet", "--read-timeout-ms", READ_TIMEOUT_MS], listen=("udp", "tcp")).start()


def well_behaved(h, ua, calls=60):
    """SIPp OPTIONS at 20/s over UDP and over TCP, in the background."""
    return [Sipp(h, "uac-options", name="sipp-%s" % t, remote="%s:%d" % (LOOPBACK, ua.port), transport=t,
                 calls=calls, rate=20, limit=5, timeout=40).start() for t in ("u1", "t1")]


def check_peers(peers, calls=60):
    for s in peers:
        r = s.wait(timeout=40)
        if not r.ok or r.stat("SuccessfulCall(C)") != calls or r.stat("FailedCall(C)") != 0:
            raise HarnessError("well-behaved %s: %s" % (s.name, r.explain()))


def answers(ua, what):
    ua.check_alive()
    code = None
    for _ in range(5):
        code = sip_options(LOOPBACK, ua.port, timeout=0.5)
        if code is not None:
            break
    if code != 200:
        raise HarnessError("after %s: OPTIONS got %s" % (what, code))


def junk(n, rng):
    return bytes(rng.getrandbits(8) for _ in range(n))


def test_udp(h):
    rng = random.Random(3)
    ua = serve(h)
    peers = well_behaved(h, ua)
    port = ua.port
    # Garbage datagrams: random bytes, CRLF only, a lone request line, NULs.
    raw_udp(port, [junk(rng.randrange(1, 1400), rng) for _ in range(200)]
            + [b"\r\n", b"\r\n\r\n", b"OPTIONS sip:x SIP/2.0\r\n", b"\x00" * 512, b"SIP/2.0 200 OK\r\n\r\n"])
    answers(ua, "garbage datagrams")
    # Truncated: a request cut inside its headers, and one whose body is
    # shorter than its Content-Length.
    req = sip_request(port=port, body=b"0123456789", extra_headers=["Content-Type: text/plain"])
    raw_udp(port, [req[:len(req) // 2], sip_request(port=port, body=b"short", content_length=500)])
    answers(ua, "truncated datagrams")
    # A large datagram (60 KiB of headers) and one of 65507 bytes (the
    # largest IPv4 UDP payload).
    big = sip_request(port=port, extra_headers=["X-Pad-%d: %s" % (i, "a" * 1000) for i in range(60)])
    raw_udp(port, [big, (b"OPTIONS sip:x SIP/2.0\r\nX: " + b"b" * 65507)[:65507]])
    answers(ua, "large datagrams")
    # A flood of junk: 3000 datagrams as fast as they go.
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        payload = [junk(200, rng) for _ in range(16)]
        for i in range(3000):
            with harness.contextlib.suppress(OSError):
                s.sendto(payload[i % 16], (LOOPBACK, port))
    finally:
        s.close()
    answers(ua, "a junk flood")
    check_peers(peers)
    answers(ua, "everything")


def test_tcp(h):
    rng = random.Random(4)
    ua = serve(h)
    peers = well_behaved(h, ua)
    port = ua.port
    # Slow-loris first (they stall while the rest goes on): 20
    # connections holding half a request each.
    loris = []
    for _ in range(20):
        c = socket.create_connection((LOOPBACK, port), timeout=5)
        req = sip_request(port=port, transport="TCP")
        c.sendall(req[:len(req) // 2])
        loris.append(c)
    t0 = time.monotonic()
    # Garbage on a connection: the stream loses its framing and is closed.
    _, closed = raw_tcp(port, junk(4000, rng) + b"\r\n\r\n", wait=3)
    if not closed:
        raise HarnessError("a connection sending garbage was not closed")
    answers(ua, "garbage on TCP")
    # Truncated: half a request, then the peer closes.
    req = sip_request(port=port, transport="TCP")
    raw_tcp(port, req[:len(req) // 2], wait=0.1)
    answers(ua, "a truncated TCP request")
    # Oversized: a request of more than 64 KiB (headers), and one whose
    # Content-Length announces 1 MB.
    big = sip_request(port=port, transport="TCP", extra_headers=["X-Pad-%d: %s" % (i, "a" * 1000)
                                                                 for i in range(70)])
    _, closed = raw_tcp(port, big, wait=3)
    if not closed:
        raise HarnessError("a connection sending %d bytes of headers was not closed" % len(big))
    resp, closed = raw_tcp(port, sip_request(port=port, transport="TCP", content_length=1000000)
                           + b"x" * 70000, wait=3)
    if not closed:
        raise HarnessError("a connection announcing a 1 MB body was not closed (got %r)" % resp[:80])
    answers(ua, "oversized TCP input")
    # A flood of junk connections.
    for _ in range(100):
        with harness.contextlib.suppress(OSError):
            c = socket.create_connection((LOOPBACK, port), timeout=5)
            c.sendall(junk(1000, rng))
            c.close()
    answers(ua, "a flood of junk connections")
    # The slow-loris connections are closed after the read timeout.
    for c in loris:
        c.settimeout(max(0.1, READ_TIMEOUT_MS / 1000 + 3 - (time.monotonic() - t0)))
        try:
            data = c.recv(65536)
        except socket.timeout:
            raise HarnessError("a slow-loris connection is still open %.1fs later" % (time.monotonic() - t0))
        except OSError:
            data = b""
        if data:
            raise HarnessError("a half request got an answer: %r" % data[:80])
        c.close()
    check_peers(peers)
    answers(ua, "everything")


def status_line(data):
    return data.split(b"\r\n", 1)[0].decode("utf-8", "replace")


BROKEN = [
    # (what, extra headers, drop Max-Forwards, expected status line prefix)
    ("Max-Forwards not a number", ["Max-Forwards: lots"], True, "SIP/2.0 400 Max-Forwards"),
    ("Contact without its '>'", ["Contact: <sip:probe@127.0.0.1"], False, "SIP/2.0 400 Contact"),
    ("Expires not a number", ["Expires: soon"], False, "SIP/2.0 400 Expires"),
]


def test_salvage(h):
    ua = serve(h)
    for what, hdrs, drop_mf, expect in BROKEN:
        for transport in ("UDP", "TCP"):
            req = sip_request(port=ua.port, transport=transport, extra_headers=hdrs)
            if drop_mf:
                req = req.replace(b"Max-Forwards: 70\r\n", b"")
            if transport == "UDP":
                got = raw_udp(ua.port, [req], wait=1.0, count=1)
                line = status_line(got[0]) if got else None
                data = got[0] if got else b""
            else:
                data, _ = raw_tcp(ua.port, req, wait=2.0, until=rb"\r\n\r\n")
                line = status_line(data) if data else None
            # A reason phrase that says what is wrong, not just "Bad Request".
            if not line or not line.startswith(expect) or len(line) <= len(expect) + 3:
                raise HarnessError("%s over %s: expected %r..., got %r" % (what, transport, expect, line))
            if b"Call-ID: " not in data or b"CSeq: 1 OPTIONS" not in data:
                raise HarnessError("%s over %s: the 400 lacks the request's headers: %r" % (what, transport, data))
    # A version we do not speak: 505.
    req = sip_request(port=ua.port).replace(b" SIP/2.0\r\n", b" SIP/3.0\r\n", 1)
    got = raw_udp(ua.port, [req], wait=1.0, count=1)
    if not got or not status_line(got[0]).startswith("SIP/2.0 505 "):
        raise HarnessError("SIP/3.0 request: expected 505, got %r" % (got[:1],))
    answers(ua, "broken requests")


TESTS = [
    ("UDP: garbage, truncated, large datagrams and a junk flood; SIPp keeps getting 200s", test_udp),
    ("TCP: garbage, truncated, > 64 KiB, slow-loris, junk connections; SIPp keeps getting 200s", test_tcp),
    ("broken requests with intact Via/From/To/Call-ID/CSeq get 400 + reason (UDP, TCP); 505", test_salvage),
]

if __name__ == "__main__":
    harness.run_tests(TESTS, timeout=40)
