#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Calls between tincand and baresip 1.0 through Kamailio (issue 5).

Kamailio (harness.Kamailio) is the registrar and proxy of alice and bob.
alice is baresip 1.0 (Debian's package, headless): its audio source is the
aufile module playing a WAV file the test writes (a 600 Hz tone, 8 kHz
mono, as aufile 1.0 wants the codec's rate), its player aubridge's "nil"
device, and the sndfile module (an audio filter) dumps what it decodes to
dump-<time>-dec.wav -- baresip's recording of what it received.  It
registers with answermode=auto and audio_codecs=PCMU; it is driven over
ctrl_tcp (dial, hangup, hold, resume, sndcode) and reports CALL_* events.
bob is a registered tincand endpoint sending tone:1000 (audio-sink none).

1. baresip calls tincand: IncomingSession, Accept, both sides connected
   with PCMU; tincand records (Session.Record) and the recording is a
   600 Hz tone; baresip's sndfile recording is a 1000 Hz tone (both
   checked with tests/tools/tone-check.py, on a slice recorded while the
   call was plain sendrecv); Media.Stats counts packets both ways.
   DTMF: tincand SendDtmf -> baresip's CALL_DTMF_START events carry the
   digits; baresip's sndcode -> tincand's DtmfReceived.  Hold: tincand's
   Hold re-INVITEs a=sendonly, baresip answers a=recvonly (Media
   Direction sendonly, state hold), Resume back to sendrecv; then baresip
   holds (its re-INVITE: ReInviteReceived, RemoteHeld TRUE, Direction
   recvonly) and resumes.  baresip hangs up: tincand disconnected by the
   BYE (cause remote-bye, relayed by Kamailio), baresip CALL_CLOSED, and
   baresip's rtp_stats table counts packets both ways.
2. tincand calls baresip, which answers by itself: both connected, audio
   both ways checked by frequency, tincand Terminate -> BYE -> baresip's
   CALL_CLOSED.
baresip 1.0 shows a hold by the far end only as a re-INVITE it answers
(its log and a CALL_REMOTE_SDP event; there is no "held" event): the test
checks that re-INVITE and baresip's a=recvonly answer.
The tests share one set-up and run in order, each continuing the call.
TAP on stdout.
"""

import glob
import math
import os
import re
import struct
import subprocess
import sys
import time
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
import harness  # noqa: E402
from harness import BARESIP_MODULES, LOOPBACK, Baresip, HarnessError, Kamailio, Skip, log  # noqa: E402
from tincand import ENDPOINT, TincanDaemon  # noqa: E402

tincand.skip_all_without_gi()
from gi.repository import GLib  # noqa: E402

SESSION = "org.tincan.Tincan1.Session"
MEDIA = "org.tincan.Tincan1.Media"
TONE_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "tone-check.py")
USERS = {"alice": "alice-secret", "bob": "bob-secret"}
BARESIP_HZ = 600  # what baresip sends (the WAV file)
TINCAN_HZ = 1000  # what tincand sends (tone:1000)
LISTEN_SECONDS = 2.0  # audio recorded on each side before DTMF and hold


def write_tone_wav(path, hz, seconds, rate=8000, amplitude=0.5):
    """A 16-bit mono WAV of a sine of hz (for baresip's aufile source)."""
    n = int(seconds * rate)
    frames = struct.pack("<%dh" % n, *(int(amplitude * 32767 * math.sin(2 * math.pi * hz * i / rate))
                                        for i in range(n)))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def wav_slice(src, dst, start, length):
    """Copy seconds [start, start + length) of a WAV file to dst."""
    with wave.open(src, "rb") as r:
        rate, ch, width = r.getframerate(), r.getnchannels(), r.getsampwidth()
        total = r.getnframes()
        first = min(int(start * rate), total)
        r.setpos(first)
        data = r.readframes(min(int(length * rate), total - first))
    with wave.open(dst, "wb") as w:
        w.setnchannels(ch)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data)
    return dst


def wav_seconds(path):
    with wave.open(path, "rb") as r:
        return r.getnframes() / float(r.getframerate())


def tone_check(path, hz):
    r = subprocess.run([sys.executable, TONE_CHECK, path, "--expect", str(hz)], capture_output=True, text=True)
    out = (r.stdout + r.stderr).strip()
    log(out)
    if r.returncode != 0:
        raise HarnessError("%s is not a %d Hz tone: %s" % (path, hz, out))


class BaresipPhone(Baresip):
    """harness.Baresip with audio: aufile plays wav, sndfile dumps what is
    sent and received to WAV files in self.snd_dir, RTP statistics on."""

    def __init__(self, h, wav, name="baresip"):
        super().__init__(h, [], name=name, audio=True)
        for m in ("g711", "aufile", "aubridge", "sndfile", "menu"):
            if not os.path.exists(os.path.join(BARESIP_MODULES, m + ".so")):
                raise Skip("baresip's %s module is missing" % m)
        self.snd_dir = os.path.join(self.dir, "snd")
        os.makedirs(self.snd_dir, exist_ok=True)
        conf = ["poll_method epoll",
                "sip_listen %s:%d" % (LOOPBACK, self.sip_port),
                "sip_trans_def udp",
                "net_interface %s" % LOOPBACK,
                "audio_player aubridge,nil",
                "audio_source aufile,%s" % wav,
                "audio_alert aubridge,nil",
                "rtp_stats yes",
                "module_path %s" % BARESIP_MODULES,
                "module ctrl_tcp.so",
                "module g711.so",
                "module aufile.so",
                "module aubridge.so",
                "module sndfile.so",
                "snd_path %s" % self.snd_dir,
                "module_app account.so",
                "module_app menu.so",
                "ctrl_tcp_listen %s:%d" % (LOOPBACK, self.ctrl_port),
                "call_max_calls 4",
                "dns_fallback 127.0.0.1:53"]
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("\n".join(conf) + "\n")

    def ok(self, command, params=""):
        r = self.command(command, params)
        if not r.get("ok"):
            raise HarnessError("%s: %s %s failed: %s; log:\n%s" % (self.name, command, params, r, self.proc.tail()))
        return r

    def poll_events(self):
        """Queue the events that have arrived, without waiting."""
        try:
            while True:
                try:
                    obj = self._read_one(0.001)
                except harness.Timeout:
                    return
                if obj.get("event"):
                    self.events.append(obj)
        finally:
            self.sock.settimeout(5.0)

    def digits(self, kind="CALL_DTMF_START"):
        """The digits of the DTMF events received so far (kept queued)."""
        self.poll_events()
        return "".join(e.get("param", "") or "?" for e in self.events if e.get("type") == kind)


def wait_state(d, session, state, timeout=10.0, since=0):
    return d.wait_for_signal(session, SESSION, "StateChanged", lambda s: s.args[0] == state, timeout, since,
                             "StateChanged to %s" % state)


def pump(d, b, seconds):
    """Let seconds pass, keeping tincand's signals and baresip's events
    flowing in."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        d.iterate(0.05)
        b.poll_events()


def setup(h):
    kam = Kamailio(h, users=USERS).start()
    d = TincanDaemon(h).start()
    since = d.mark()
    bob = d.create_endpoint({"uri": kam.aor("bob"), "kind": "registered",
                             "registrar": "sip:%s:%d" % (kam.host, kam.port), "auth-username": "bob",
                             "password": USERS["bob"], "listen": "%s:0" % LOOPBACK,
                             "audio-source": "tone:%d" % TINCAN_HZ, "audio-sink": "none", "codecs": "pcmu"})
    d.register(bob)
    ev = d.wait_registration(bob, {"registered", "rejected", "error"}, since=since)
    if ev.args[0] != "registered":
        raise HarnessError("bob's registration ended in %s: %r" % (ev.args[0], ev.args[2:4]))
    wav = write_tone_wav(h.path("baresip-%d.wav" % BARESIP_HZ), BARESIP_HZ, 40)
    b = BaresipPhone(h, wav).start()
    b.add_account("<sip:alice@%s:%d;transport=udp>;auth_pass=%s;regint=600;answermode=auto;audio_codecs=PCMU"
                  % (kam.host, kam.port, USERS["alice"]))
    b.wait_event("REGISTER_OK", timeout=10)
    return kam, d, bob, b


class Ctx:
    """What the tests share: the peers, and the state of the call of the
    moment (each test continues where the one before stopped)."""

    def __init__(self, h, kam, d, bob, b):
        self.h, self.kam, self.d, self.bob, self.b = h, kam, d, bob, b
        self.session = None  # tincand's session of the current call
        self.since = 0  # signal index at the call's start
        self.t_connected = None
        self.dumps_before = set()  # baresip's sndfile dumps before the call
        self.log_start = 0  # length of baresip's log before the call

    def require_call(self):
        if not self.session:
            raise HarnessError("no call (an earlier test failed to set it up)")
        return self.session

    def new_dump(self):
        """baresip's recording (sndfile -dec.wav) of the current call."""
        new = sorted(set(glob.glob(os.path.join(self.b.snd_dir, "dump-*-dec.wav"))) - self.dumps_before)
        if not new:
            raise HarnessError("baresip's sndfile wrote no new *-dec.wav in %s; log:\n%s"
                               % (self.b.snd_dir, self.b.proc.tail()))
        return new[-1]


def setup_shared(h):
    return Ctx(h, *setup(h))


def connected_checks(c, direction):
    """Both sides connected: tincand's session state, PCMU, sendrecv;
    baresip's CALL_ESTABLISHED with the right peer."""
    d, b, s = c.d, c.b, c.session
    ev = wait_state(d, s, "connected", since=c.since)
    c.t_connected = time.monotonic()
    est = b.wait_event("CALL_ESTABLISHED", timeout=10)
    if "bob@" not in est.get("peeruri", ""):
        raise HarnessError("baresip's CALL_ESTABLISHED is with %r, expected bob" % est.get("peeruri"))
    if d.get_property(s, SESSION, "Direction") != direction:
        raise HarnessError("session Direction %r, expected %s" % (d.get_property(s, SESSION, "Direction"), direction))
    media = d.get_all(s, MEDIA)
    if media.get("Codec") != "pcmu" or media.get("Direction") != "sendrecv":
        raise HarnessError("Media Codec %r Direction %r, expected pcmu sendrecv" % (media.get("Codec"),
                                                                                  media.get("Direction")))
    return ev


def record_and_check(c, tag):
    """tincand records LISTEN_SECONDS of the call: baresip's tone."""
    d, s = c.d, c.session
    rec = c.h.path("tincand-%s.wav" % tag)
    d.call(s, SESSION, "Record", GLib.Variant("(sa{sv})", (rec, {})))
    pump(d, c.b, LISTEN_SECONDS)
    d.call(s, SESSION, "StopRecording")
    tone_check(rec, BARESIP_HZ)


def check_baresip_recording(c):
    """baresip's recording of the call, its first LISTEN_SECONDS (plain
    sendrecv, before any DTMF or hold), is tincand's tone."""
    dump = c.new_dump()
    length = min(wav_seconds(dump), LISTEN_SECONDS)
    if length < 1.0:
        raise HarnessError("baresip's recording %s is %.2f s long, expected about %.1f s"
                           % (dump, length, LISTEN_SECONDS))
    tone_check(wav_slice(dump, c.h.path(os.path.basename(dump) + ".start.wav"), 0.3, length - 0.4), TINCAN_HZ)


# --- 1. baresip calls tincand -------------------------------------------------


def t_incoming_connects(c):
    d, b = c.d, c.b
    c.dumps_before = set(glob.glob(os.path.join(b.snd_dir, "dump-*-dec.wav")))
    c.log_start = len(b.proc.output())
    c.since = d.mark()
    b.ok("dial", "sip:bob@%s:%d" % (c.kam.host, c.kam.port))
    sig = d.wait_for_signal(c.bob, ENDPOINT, "IncomingSession", since=c.since, timeout=10)
    c.session = s = sig.args[0]
    invite = sig.args[1].get("sip-message")
    if not invite or not invite[0].startswith("INVITE "):
        raise HarnessError("IncomingSession lacks the INVITE: %r" % (sig.args[1],))
    if not any(":%d" % c.kam.port in v for n, v in invite[1] if n.lower() in ("via", "v")):
        raise HarnessError("the INVITE did not come through Kamailio: %r" % (invite[1],))
    if "alice@" not in d.get_property(s, SESSION, "RemoteUri"):
        raise HarnessError("RemoteUri %r, expected alice" % d.get_property(s, SESSION, "RemoteUri"))
    d.call(s, SESSION, "Accept", GLib.Variant("(a{sv})", ({},)))
    connected_checks(c, "incoming")


def t_incoming_audio_to_tincand(c):
    c.require_call()
    record_and_check(c, "incoming")


def t_dtmf_to_baresip(c):
    d, b, s = c.d, c.b, c.require_call()
    digits = "1234#"
    before = b.digits()
    d.call(s, SESSION, "SendDtmf", GLib.Variant("(sa{sv})", (digits, {"duration": GLib.Variant("u", 120)})))
    deadline = time.monotonic() + 5
    while b.digits() != before + digits and time.monotonic() < deadline:
        pump(d, b, 0.1)
    got = b.digits()[len(before):]
    if got != digits:
        raise HarnessError("baresip reported the DTMF digits %r (CALL_DTMF_START), expected %r; log:\n%s"
                           % (got, digits, b.proc.tail()))
    # Each event's end (the E bit, RFC 4733 section 2.5.1.3) ends a digit.
    while len(b.digits("CALL_DTMF_END")) < len(b.digits()) and time.monotonic() < deadline + 1:
        pump(d, b, 0.1)
    if len(b.digits("CALL_DTMF_END")) != len(b.digits()):
        raise HarnessError("baresip reported %d CALL_DTMF_START but %d CALL_DTMF_END"
                           % (len(b.digits()), len(b.digits("CALL_DTMF_END"))))


def t_dtmf_to_tincand(c):
    d, b, s = c.d, c.b, c.require_call()
    digits = "159*#"
    mark = d.mark()
    b.ok("sndcode", digits)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        got = d.find_signals(s, SESSION, "DtmfReceived", since=mark)
        if len(got) >= len(digits):
            break
        pump(d, b, 0.1)
    got = [g.args for g in d.find_signals(s, SESSION, "DtmfReceived", since=mark)]
    if "".join(a[0] for a in got) != digits:
        raise HarnessError("tincand's DtmfReceived %r, expected the digits %r" % (got, digits))
    log("DtmfReceived: %r" % (got,))


def hold_op(c, method, cookie):
    d, s = c.d, c.session
    mark = d.mark()
    try:
        d.call_async(s, SESSION, method, GLib.Variant("(a{sv})", ({"cookie": GLib.Variant("t", cookie)},)),
                     timeout=10).result(12)
    except GLib.Error as e:
        raise HarnessError("%s failed: %s" % (method, tincand.describe_error(e)))
    op = d.wait_for_signal(s, SESSION, "OperationComplete", lambda x: x.args[0] == cookie, timeout=2, since=mark)
    if op.args[1] != 200:
        raise HarnessError("OperationComplete of %s: %r" % (method, op.args[:3]))
    return op


def t_tincand_hold_resume(c):
    d, b, s = c.d, c.b, c.require_call()
    op = hold_op(c, "Hold", 11)
    answer = op.args[3].get("sip-message")
    body = answer[2].decode("utf-8", "replace") if answer else ""
    if "a=recvonly" not in body:
        raise HarnessError("baresip's answer to the hold re-INVITE is not a=recvonly: %r" % (answer,))
    state = d.get_property(s, SESSION, "State")
    direction = d.get_property(s, MEDIA, "Direction")
    if (state, direction) != ("hold", "sendonly"):
        raise HarnessError("after Hold: State %r, Media Direction %r; expected hold, sendonly" % (state, direction))
    b.proc.wait_for_log(r"call: got re-INVITE", timeout=2)
    op = hold_op(c, "Resume", 12)
    answer = op.args[3].get("sip-message")
    body = answer[2].decode("utf-8", "replace") if answer else ""
    if not answer or any(x in body for x in ("a=recvonly", "a=sendonly", "a=inactive")):
        raise HarnessError("baresip's answer to the resume re-INVITE is not sendrecv: %r" % (answer,))
    state = d.get_property(s, SESSION, "State")
    direction = d.get_property(s, MEDIA, "Direction")
    if (state, direction) != ("connected", "sendrecv"):
        raise HarnessError("after Resume: State %r, Media Direction %r; expected connected, sendrecv"
                           % (state, direction))
    b.proc.wait_for_log(r"call: got re-INVITE", timeout=2)


def wait_remote_held(c, held, mark):
    d, b, s = c.d, c.b, c.session
    deadline = time.monotonic() + 5
    while True:
        reinvites = d.find_signals(s, SESSION, "ReInviteReceived", since=mark)
        if reinvites and d.get_property(s, SESSION, "RemoteHeld") == held:
            break
        if time.monotonic() > deadline:
            raise HarnessError("after baresip's %s: %d ReInviteReceived, RemoteHeld %r; baresip log:\n%s"
                               % ("hold" if held else "resume", len(reinvites),
                                  d.get_property(s, SESSION, "RemoteHeld"), b.proc.tail()))
        pump(d, b, 0.05)
    msg = reinvites[0].args[0].get("sip-message")
    if not msg or not msg[0].startswith("INVITE "):
        raise HarnessError("ReInviteReceived lacks the re-INVITE: %r" % (reinvites[0].args,))
    direction = d.get_property(s, MEDIA, "Direction")
    if direction != ("recvonly" if held else "sendrecv"):
        raise HarnessError("Media Direction %r while %s" % (direction, "held" if held else "resumed"))


def t_baresip_hold_resume(c):
    d, b, s = c.d, c.b, c.require_call()
    mark = d.mark()
    b.ok("hold")
    wait_remote_held(c, True, mark)
    mark = d.mark()
    b.ok("resume")
    wait_remote_held(c, False, mark)
    if d.get_property(s, SESSION, "State") != "connected":
        raise HarnessError("State %r after baresip's resume" % d.get_property(s, SESSION, "State"))


def t_media_stats(c):
    """Media.Stats (updated every few seconds) counts RTP both ways."""
    d, b, s = c.d, c.b, c.require_call()
    deadline = c.t_connected + 12
    while True:
        stats = d.get_property(s, MEDIA, "Stats")
        if stats.get("packets-sent", 0) > 0 and stats.get("packets-received", 0) > 0:
            break
        if time.monotonic() > deadline:
            raise HarnessError("Media.Stats counts no RTP both ways %.1f s after connected: %r"
                               % (time.monotonic() - c.t_connected, stats))
        pump(d, b, 0.2)
    log("Media.Stats after %.1f s: %r" % (time.monotonic() - c.t_connected, stats))
    if stats.get("codec") != "pcmu":
        raise HarnessError("Stats codec %r" % stats.get("codec"))


def baresip_rtp_stats(c):
    """baresip's rtp_stats table at the end of the current call (printed
    after c.log_start in its log): (packets sent, packets received)."""
    b = c.b
    m = None
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        found = re.findall(r"^packets:\s+(\d+)\s+(\d+)", b.proc.output()[c.log_start:], re.M)
        if found:
            m = found[-1]
            break
        time.sleep(0.05)
    if not m:
        raise HarnessError("baresip printed no RTP statistics; log:\n%s" % b.proc.tail())
    return int(m[0]), int(m[1])


def check_bye(c, user):
    """Kamailio relayed user's BYE (the dialog's route set holds)."""
    byes = [r for r in c.kam.requests("BYE") if r["from"].startswith("sip:%s@" % user)
            or r["from"].startswith("<sip:%s@" % user)]
    if not byes:
        raise HarnessError("Kamailio saw no BYE from %s: %r" % (user, c.kam.requests("BYE")))


def t_baresip_hangs_up(c):
    d, b, s = c.d, c.b, c.require_call()
    b.ok("hangup")
    ev = wait_state(d, s, "disconnected", since=c.since)
    msg = ev.args[4].get("sip-message")
    if not msg or not msg[0].startswith("BYE "):
        raise HarnessError("tincand's disconnected lacks the BYE: %r" % (ev.args,))
    if ev.args[4].get("cause") != "remote-bye":
        raise HarnessError("tincand's disconnected has cause %r, expected remote-bye" % ev.args[4].get("cause"))
    b.wait_event("CALL_CLOSED", timeout=5)
    c.session = None
    check_bye(c, "alice")
    sent, received = baresip_rtp_stats(c)
    log("baresip RTP: %d packets sent, %d received" % (sent, received))
    if sent < 100 or received < 100:
        raise HarnessError("baresip's RTP statistics: %d packets sent, %d received" % (sent, received))
    check_baresip_recording(c)


# --- 2. tincand calls baresip ---------------------------------------------------


def t_outgoing_connects(c):
    d, b = c.d, c.b
    c.dumps_before = set(glob.glob(os.path.join(b.snd_dir, "dump-*-dec.wav")))
    c.log_start = len(b.proc.output())
    c.since = d.mark()
    c.session = d.call(c.bob, ENDPOINT, "Call", GLib.Variant("(sa{sv})", (c.kam.aor("alice"), {})))[0]
    connected_checks(c, "outgoing")


def t_outgoing_audio(c):
    c.require_call()
    record_and_check(c, "outgoing")


def t_tincand_terminates(c):
    d, b, s = c.d, c.b, c.require_call()
    d.call(s, SESSION, "Terminate")
    ev = wait_state(d, s, "disconnected", since=c.since)
    closed = b.wait_event("CALL_CLOSED", timeout=5)
    log("baresip CALL_CLOSED: %r" % (closed,))
    if ev.args[4].get("cause") not in (None, "local-bye"):
        raise HarnessError("tincand's disconnected has cause %r, expected local-bye" % ev.args[4].get("cause"))
    c.session = None
    check_bye(c, "bob")
    sent, received = baresip_rtp_stats(c)
    log("baresip RTP: %d packets sent, %d received" % (sent, received))
    if sent < 50 or received < 50:
        raise HarnessError("baresip's RTP statistics: %d packets sent, %d received" % (sent, received))
    check_baresip_recording(c)
    log("baresip's events: %s" % " ".join(e.get("type", "?") for e in b.events))
    b.stop()
    d.stop()


TESTS = [
    ("baresip calls tincand through Kamailio: IncomingSession, Accept, both connected with PCMU",
     t_incoming_connects),
    ("baresip -> tincand: tincand's recording is baresip's 600 Hz tone", t_incoming_audio_to_tincand),
    ("tincand SendDtmf -> baresip reports the digits (CALL_DTMF_START)", t_dtmf_to_baresip),
    ("baresip sndcode -> tincand DtmfReceived with the digits", t_dtmf_to_tincand),
    ("tincand Hold/Resume: baresip answers a=recvonly, state hold/sendonly, then connected/sendrecv",
     t_tincand_hold_resume),
    ("baresip hold/resume: ReInviteReceived, RemoteHeld and Direction recvonly, then cleared",
     t_baresip_hold_resume),
    ("Media.Stats counts RTP packets both ways", t_media_stats),
    ("baresip hangs up: tincand disconnected by BYE, baresip's recording is tincand's 1000 Hz tone",
     t_baresip_hangs_up),
    ("tincand calls baresip (auto-answer) through Kamailio: both connected with PCMU", t_outgoing_connects),
    ("tincand -> baresip call: tincand's recording is baresip's 600 Hz tone", t_outgoing_audio),
    ("tincand Terminate -> baresip CALL_CLOSED; baresip's recording is tincand's 1000 Hz tone",
     t_tincand_terminates),
]

if __name__ == "__main__":
    tincand.run_shared_tests(setup_shared, TESTS, timeout=60, name="baresip-call")
