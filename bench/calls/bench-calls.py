#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The call benchmarks of issue 5: tincand side by side with baresip 1.0,
everything on 127.0.0.1, run by bench/calls/run.sh (`scripts/bench.sh
calls`).

  setup       Call setup latency: a tincand endpoint (the measured client's
              daemon) calls an auto-answering peer N times in a row; the
              time from sending Endpoint.Call() on D-Bus to the
              Session.StateChanged "connected" signal arriving at the
              client, p50/p99.  Peers, interleaved call by call: a second
              tincand process (incoming-call-policy auto-answer), once per
              variant of what both sides send (VARIANTS: tone:440 and
              silence on the light path, a WAV file through a pipeline per
              call), and baresip (answermode=auto).  PCMU, no audio
              devices.
  rate        Calls per second answered: SIPp (UAC) places 1 s calls
              (INVITE/200/ACK, 1 s, BYE) at a fixed rate for S seconds to
              a tincand auto-answer endpoint while `gdbus monitor` is
              subscribed to every signal of the daemon, and to baresip
              auto-answering the same load.  Media: "none" (SIPp sends no
              RTP; tincand audio-source and audio-sink "none"), "pcmu"
              (SIPp's rtp_stream sends PCMU on each call; tincand as
              before), "pcmu-tone" (the same with tincand sending tone:440,
              encoded on the light path; tincand only), "pcmu-file"
              (tincand playing a WAV file: a pipeline per call, decoding
              what SIPp sends; tincand only).  A rate
              passes when every call succeeded with no retransmission; the
              rate is doubled from --rate-start until a step fails, then
              bisected down to --rate-resolution calls/s.
  concurrent  CPU and memory per concurrent call: N = 1, 10, 50, 100 calls
              held by one auto-answering UA under test (tincand: tone:440
              sent, audio-sink "none"; baresip: aufile for PCMU, ausine for
              Opus), PCMU and Opus, plus tincand sending silence (PCMU,
              source and sink "none") at --light-levels and playing a WAV
              file through a pipeline per call at --pipeline-levels.  The far ends are SIPp
              processes that play an RTP pcap (PCMU or Opus, 20 ms
              packets, made here with GStreamer) into each call, so the far
              side costs little.  After a warm-up, CPU over a window from
              /proc/PID/stat (100 % = one core), VmRSS and Threads from
              /proc/PID/status, and for tincand the jitter buffers'
              lost/late counters (Media.Stats "jb-lost", "jb-late") summed
              over its sessions.  When the UA cannot bring all N calls up
              (a saturated machine), what is up is measured and the series
              stops there.
  --profile   perf record -g (DWARF call graphs) of tincand holding the
              largest N of calls, and of tincand answering SIPp's load at
              the highest passing rate: CPU by thread and by function.

Writes RESULTS/results-<benchmark>.json and, with --report FILE, replaces
(or appends) the section "## Calls (issue 5)" of FILE, rendered from every
results-*.json in RESULTS (so --only refreshes one part and keeps the
others).  --rerender RESULTS FILE rewrites the section from saved results.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "interop"))
import tincand  # noqa: E402  (re-runs the script under the system python3 when gi is missing)
import harness  # noqa: E402
from harness import LOOPBACK, Harness, HarnessError, Sipp, free_port, wait_for_port  # noqa: E402
from tincand import ENDPOINT, TincanDaemon  # noqa: E402

SECTION = "## Calls (issue 5)"
BENCHMARKS = ("setup", "rate", "concurrent")
SESSION = "org.tincan.Tincan1.Session"
MEDIA = "org.tincan.Tincan1.Media"
SIPP_DIR = os.path.join(HERE, "sipp")
BARESIP_MODULES = harness.BARESIP_MODULES

# Issue 5's targets and the figures it quotes.
TARGET_RATE_NOMEDIA = 500
TARGET_RATE_PCMU = 210
TARGET_PCMU_CPU = 0.4  # % of a core per call
TARGET_PCMU_KIB = 500
TARGET_OPUS_CALLS = 100
QUOTED = "baresip 160 calls/s without media and 140 with PCMU, SIPp against SIPp 2,240 (the load generator's limit)"


def log(msg):
    sys.stderr.write("bench-calls: %s\n" % msg)
    sys.stderr.flush()


# --- /proc ------------------------------------------------------------------------


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), seconds, from /proc/PID/stat."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def status_field(pid, key):
    """An integer field of /proc/PID/status (VmRSS in KiB, Threads...)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def machine_busy():
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        x = [int(v) for v in f.readline().split()[1:]]
    idle = x[3] + x[4]
    return sum(x) - idle, sum(x)


class CpuWindow:
    """CPU use of some processes (and of the whole machine) between start()
    and stop(): percent of one core."""

    def __init__(self, pids):
        self.pids = dict(pids)

    def start(self):
        self.t0 = time.monotonic()
        self.c0 = {k: cpu_seconds(p) for k, p in self.pids.items()}
        self.m0 = machine_busy()
        return self

    def stop(self):
        self.t1 = time.monotonic()
        c1 = {k: cpu_seconds(p) for k, p in self.pids.items()}
        m1 = machine_busy()
        dt = self.t1 - self.t0
        out = {"seconds": dt}
        for k in self.pids:
            if self.c0[k] is not None and c1[k] is not None:
                out[k] = {"cpu_s": c1[k] - self.c0[k], "cpu_pct": 100.0 * (c1[k] - self.c0[k]) / dt}
        busy, total = m1[0] - self.m0[0], m1[1] - self.m0[1]
        out["machine_busy_pct"] = 100.0 * busy / total * os.cpu_count() if total else None
        return out


def quantile(v, q):
    """Nearest-rank quantile (q in 0..1) of a list."""
    if not v:
        return None
    s = sorted(v)
    return s[min(len(s) - 1, max(0, int(math.ceil(q * len(s))) - 1))]


def median(v):
    return statistics.median(v) if v else None


# --- media files ---------------------------------------------------------------------


def write_tone_wav(path, hz, seconds, rate, amplitude=0.25):
    """A 16-bit mono WAV of a sine (baresip's aufile source)."""
    n = int(seconds * rate)
    step = 2 * math.pi * hz / rate
    frames = struct.pack("<%dh" % n, *(int(amplitude * 32767 * math.sin(step * i)) for i in range(n)))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def _ulaw(sample):
    """G.711 mu-law of a 16-bit sample (the classic biased-segment encoder)."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    if sample < 0:
        sample = -sample
    sample = min(sample, clip) + bias
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not sample & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def write_ulaw_wav(path, hz, seconds, amplitude=0.25):
    """A mu-law WAV (format 7, 8 kHz mono): what SIPp's rtp_stream plays as PCMU."""
    n = int(seconds * 8000)
    step = 2 * math.pi * hz / 8000
    data = bytes(_ulaw(int(amplitude * 32767 * math.sin(step * i))) for i in range(n))
    fmt = struct.pack("<HHIIHHH", 7, 1, 8000, 8000, 1, 8, 0)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)
    return path


def write_rtp_pcap(path, codec, seconds, hz=1000):
    """RTP of codec ("pcmu", or "opus": 32 kb/s voice, 20 ms, payload type
    96), 20 ms apart, as an Ethernet/IPv4/UDP pcap for SIPp's
    play_pcap_audio (it rewrites addresses and ports).  The packets come
    from GStreamer (gst-launch-1.0 ... ! rtpstreampay ! filesink: RFC 4571
    framing), the capture times are made up."""
    n = int(seconds * 50)
    if codec == "pcmu":
        chain = ["audiotestsrc", "num-buffers=%d" % n, "samplesperbuffer=160", "freq=%d" % hz, "volume=0.3", "!",
                 "audio/x-raw,rate=8000,channels=1", "!", "mulawenc", "!", "rtppcmupay", "pt=0",
                 "min-ptime=20000000", "max-ptime=20000000"]
    else:
        chain = ["audiotestsrc", "num-buffers=%d" % n, "samplesperbuffer=960", "freq=%d" % hz, "volume=0.3", "!",
                 "audio/x-raw,rate=48000,channels=1", "!", "opusenc", "bitrate=32000", "frame-size=20",
                 "audio-type=voice", "!", "rtpopuspay", "pt=96"]
    raw = path + ".rfc4571"
    # filesink's default buffered mode lost about one packet in 64 KiB of
    # rtpstreampay output here (GStreamer 1.22): unbuffered, and checked.
    subprocess.run(["gst-launch-1.0", "-q"] + chain + ["!", "rtpstreampay", "!", "filesink", "buffer-mode=unbuffered",
                                                      "location=" + raw], check=True, stdout=subprocess.DEVNULL)
    with open(raw, "rb") as f:
        data = f.read()
    os.unlink(raw)
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    off = count = last_seq = 0
    lo = bytes([127, 0, 0, 1])
    while off + 2 <= len(data):
        (ln,) = struct.unpack(">H", data[off:off + 2])
        pkt = data[off + 2:off + 2 + ln]
        off += 2 + ln
        seq = struct.unpack(">H", pkt[2:4])[0]
        if count and seq != (last_seq + 1) & 0xFFFF:
            raise HarnessError("%s: RTP sequence number %d after %d: a packet is missing" % (path, seq, last_seq))
        last_seq = seq
        udp = struct.pack(">HHHH", 30000, 40000, 8 + len(pkt), 0) + pkt
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), count & 0xFFFF, 0, 64, 17, 0, lo, lo)
        s = sum(struct.unpack(">10H", ip))
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        ip = ip[:10] + struct.pack(">H", ~s & 0xFFFF) + ip[12:]
        frame = b"\0" * 12 + b"\x08\x00" + ip + udp
        t = count * 20000
        out.append(struct.pack("<IIII", t // 1000000, t % 1000000, len(frame), len(frame)) + frame)
        count += 1
    with open(path, "wb") as f:
        f.write(b"".join(out))
    return count


# --- the programs ----------------------------------------------------------------


class Ctx:
    def __init__(self, args, h):
        self.args = args
        self.h = h
        self.media = h.path("media")
        os.makedirs(self.media, exist_ok=True)
        self._files = {}

    def file(self, kind, *a):
        """A media file made once per run: ("wav", hz, seconds, rate),
        ("ulaw", hz, seconds), ("pcap", codec, seconds)."""
        key = (kind,) + a
        if key not in self._files:
            name = "-".join(str(x) for x in key)
            if kind == "wav":
                p = write_tone_wav(os.path.join(self.media, name + ".wav"), a[0], a[1], a[2])
            elif kind == "ulaw":
                p = write_ulaw_wav(os.path.join(self.media, name + ".wav"), a[0], a[1])
            else:
                p = os.path.join(self.media, name + ".pcap")
                write_rtp_pcap(p, a[0], a[1])
            self._files[key] = p
        return self._files[key]


def start_tincand(ctx, name):
    d = TincanDaemon(ctx.h, name=name, trace=False, debug="")
    d.bin = ctx.args.tincand
    d.start()
    return d


def tincand_endpoint(d, user, codec, source="none", sink="none", answer=False):
    s = {"uri": "sip:%s@127.0.0.1" % user, "kind": "peer-to-peer", "listen": "%s:0" % LOOPBACK,
         "audio-source": source, "audio-sink": sink, "codecs": codec}
    if answer:
        s["incoming-call-policy"] = "auto-answer"
    return d.create_endpoint(s)


# What a tincand endpoint sends (its audio-source; audio-sink is always
# "none"): silence and a tone take the light path (no GStreamer pipeline:
# silence pre-encoded, the tone generated and encoded on the shared pacer);
# a WAV file is played through a pipeline per call, as baresip's aufile.
VARIANTS = {
    "silence": "light path, silence",
    "tone": "light path, tone:440 encoded per frame",
    "file": "a pipeline per call, a WAV file",
}


def variant_source(ctx, variant, codec="pcmu"):
    if variant == "silence":
        return "none"
    if variant == "tone":
        return "tone:440"
    return "file:" + ctx.file("wav", 440, 10, 8000 if codec == "pcmu" else 48000)


def series_variant(ser):
    """The variant of a concurrent series (results from before variants:
    "light" was the silence light path, otherwise a tone in a pipeline)."""
    return ser.get("variant") or ("silence" if ser.get("light") else "pipeline-tone")


def series_label(ser):
    if ser["program"] != "tincand":
        return ser["program"]
    return {"silence": "tincand (silence)", "tone": "tincand (tone)", "file": "tincand (pipeline)",
            "pipeline-tone": "tincand (pipeline)"}[series_variant(ser)]


class BenchBaresip:
    """baresip 1.0 answering by itself (answermode=auto), no ctrl_tcp and
    no menu module (its status line would be printed per call): the modules
    are the codec's, the audio source's and aubridge (player "nil": decoded
    audio is taken at the device's pace and dropped)."""

    def __init__(self, ctx, name, codec="pcmu", wav=None):
        self.h = ctx.h
        self.name = name
        self.bin = harness.require_program("baresip")
        self.dir = ctx.h.path(name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port(span=2)
        mods = ["g711"] if codec == "pcmu" else ["opus"]
        conf = ["poll_method epoll",
                "sip_listen %s:%d" % (LOOPBACK, self.port),
                "sip_trans_def udp",
                "net_interface %s" % LOOPBACK,
                "audio_player aubridge,nil",
                "audio_alert aubridge,nil",
                "call_max_calls 100000",
                "rtp_ports 10000-60000",
                "dns_fallback 127.0.0.1:53",
                "module_path %s" % BARESIP_MODULES]
        if wav:
            conf.append("audio_source aufile,%s" % wav)
            mods.append("aufile")
        else:
            # ausine makes 48 kHz stereo only: Opus's rate; baresip
            # downmixes to the mono encoder.
            conf += ["audio_source ausine,440", "ausrc_channels 2"]
            mods.append("ausine")
        if codec == "opus":
            conf += ["opus_bitrate 32000", "opus_stereo no", "opus_sprop_stereo no"]
        conf += ["module %s.so" % m for m in mods + ["aubridge"]]
        conf += ["module_app account.so"]
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("\n".join(conf) + "\n")
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write("<sip:bob@%s>;regint=0;answermode=auto;audio_codecs=%s\n"
                    % (LOOPBACK, "PCMU" if codec == "pcmu" else "opus"))
        with open(os.path.join(self.dir, "contacts"), "w") as f:
            f.write("")
        self.proc = None

    @property
    def contact(self):
        return "sip:bob@%s:%d" % (LOOPBACK, self.port)

    def start(self):
        self.proc = self.h.start(self.name, [self.bin, "-f", self.dir])
        wait_for_port(self.port, proto="udp", proc=self.proc)
        time.sleep(0.2)
        return self

    @property
    def pid(self):
        return self.proc.popen.pid

    def stop(self):
        if self.proc:
            self.proc.stop(sig=signal.SIGKILL, grace=1)


def sipp_stat(s):
    return harness.read_sipp_stat(s.files["stat"])


def stat_int(st, key):
    try:
        return int(st.get(key, 0) or 0)
    except ValueError:
        return 0


def sipp_command(argv):
    """SIPp's command line without the harness's file and port plumbing."""
    out, skip = ["sipp"], False
    drop = {"-inf", "-stf", "-error_file", "-screen_file", "-p", "-mp", "-cp", "-fd", "-i", "-mi"}
    for a in argv[1:]:
        if skip:
            skip = False
            continue
        if a in drop:
            skip = True
            continue
        if a in ("-trace_stat", "-trace_err", "-trace_screen", "-nostdin"):
            continue
        out.append(os.path.relpath(a, SRCDIR) if a.startswith("/") else a)
    return " ".join(out)


# --- perf ----------------------------------------------------------------------------


def perf_start(ctx, pid, tag):
    data = os.path.join(ctx.args.results, "perf-%s.data" % tag)
    p = ctx.h.start("perf-" + tag, ["perf", "record", "-q", "-F", str(ctx.args.perf_freq), "--call-graph",
                                    "dwarf,8192", "-o", data, "-p", str(pid)])
    time.sleep(0.3)
    return p, data


def perf_stop(p):
    p.stop(sig=signal.SIGINT, grace=60)


def thread_kind(comm):
    """A thread name with its numbers folded and the kernel's 15-character
    truncation evened out ("audiotestsrc12:", "audiotestsrc123" ->
    "audiotestsrcN")."""
    return re.sub(r"(N):.*$", r"\1", re.sub(r"\d+", "N", comm)).rstrip(":")


def perf_summary(data):
    """CPU samples of a perf.data by thread (digits folded: one row per
    kind of thread), by shared object, and the functions by inclusive
    (children) and self share."""
    def report(*a):
        r = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none"] + list(a),
                           capture_output=True, text=True)
        return r.stdout

    threads = {}
    for line in report("--no-children", "--sort", "comm").splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+(.+?)\s*$", line)
        if m:
            k = thread_kind(m.group(2))
            threads[k] = threads.get(k, 0.0) + float(m.group(1))
    pairs = {}
    for line in report("--no-children", "--sort", "comm,dso").splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+(\S+)\s+(\S+)", line)
        if m:
            k = (thread_kind(m.group(2)), m.group(3))
            pairs[k] = pairs.get(k, 0.0) + float(m.group(1))
    dsos = []
    for line in report("--no-children", "--sort", "dso").splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+(\S+)", line)
        if m and float(m.group(1)) >= 0.5:
            dsos.append({"dso": m.group(2), "pct": float(m.group(1))})
    funcs = []
    skip = re.compile(r"^(0x[0-9a-f]+|_start|main|__libc_start.*|clone3?|start_thread|entry_SYSCALL.*|"
                      r"do_syscall_64|g_thread_proxy|gst_task_func|g_thread_pool_thread_proxy|"
                      r"default_func|g_main_loop_run)$")
    for line in report("--children", "--sort", "symbol,dso", "--percent-limit", "1.5").splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+([\d.]+)%\s+\[(.)\]\s+(\S+)\s+(\S+)", line)
        if m and not skip.match(m.group(4)):
            funcs.append({"children": float(m.group(1)), "self": float(m.group(2)), "kind": m.group(3),
                          "symbol": m.group(4), "dso": m.group(5)})
    selfs = []
    for line in report("--no-children", "--sort", "symbol,dso", "--percent-limit", "1").splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+\[(.)\]\s+(\S+)\s+(\S+)", line)
        if m:
            selfs.append({"self": float(m.group(1)), "kind": m.group(2), "symbol": m.group(3), "dso": m.group(4)})
    return {"threads": sorted(({"thread": k, "pct": v} for k, v in threads.items()), key=lambda r: -r["pct"]),
            "dsos": dsos[:15], "children": funcs[:30],
            "thread_dso": [{"thread": k[0], "dso": k[1], "pct": v}
                           for k, v in sorted(pairs.items(), key=lambda kv: -kv[1])[:12]], "self": selfs[:20],
            "data": os.path.relpath(data, SRCDIR)}


# --- 1. call setup -----------------------------------------------------------------


def bench_setup(ctx):
    a = ctx.args
    caller_d = start_tincand(ctx, "setup-tincand-a")
    # One caller endpoint per variant (VARIANTS): silence and tone:440 take
    # tincand's light path (no GStreamer pipeline), a WAV file a pipeline.
    callers = {v: tincand_endpoint(caller_d, "caller-" + v, "pcmu", source=variant_source(ctx, v))
               for v in ("tone", "file", "silence")}
    peers = {}
    if "tincand" in a.peers:
        far = start_tincand(ctx, "setup-tincand-b")
        for v in ("tone", "file", "silence"):
            ep = tincand_endpoint(far, "callee-" + v, "pcmu", source=variant_source(ctx, v), answer=True)
            peers["tincand (%s)" % ("pipelines" if v == "file" else v)] = {
                "contact": far.prop(ep, "Contact"), "pid": far.proc.popen.pid, "caller": callers[v],
                "what": "a second tincand process, endpoint with incoming-call-policy auto-answer, audio-sink none "
                        "and audio-source %s on both sides (%s)" % (variant_source(ctx, v).split(":")[0] +
                                                                   (":440" if v == "tone" else ""), VARIANTS[v])}
    if "baresip" in a.peers:
        b = BenchBaresip(ctx, "setup-baresip", "pcmu", wav=ctx.file("wav", 600, 10, 8000)).start()
        peers["baresip"] = {"contact": b.contact, "pid": b.pid, "caller": callers["tone"],
                            "what": "baresip, answermode=auto, aufile source (10 s WAV), aubridge nil player; "
                                    "called from the tincand endpoint sending tone:440"}
    names = list(peers)
    samples = {n: [] for n in names}
    replies = {n: [] for n in names}
    failures = {n: [] for n in names}
    win = CpuWindow([("tincand-a", caller_d.proc.popen.pid)] + [(n, peers[n]["pid"]) for n in names]).start()
    total = a.setup_calls + a.setup_warmup
    for i in range(total):
        for k in range(len(names)):
            n = names[(i + k) % len(names)]  # the order rotates: neither peer always goes first
            mark = caller_d.mark()
            t0 = time.monotonic()
            try:
                path = caller_d.call(peers[n]["caller"], ENDPOINT, "Call", tincand.GLib.Variant(
                    "(sa{sv})", (peers[n]["contact"], {})))[0]
                t_reply = time.monotonic()
                ev = caller_d.wait_for_signal(path, SESSION, "StateChanged",
                                              lambda s: s.args[0] in ("connected", "disconnected"), 10, mark)
                if ev.args[0] != "connected":
                    raise HarnessError("call %d to %s ended: %r" % (i, n, ev.args[:4]))
                if i >= a.setup_warmup:
                    samples[n].append((ev.t - t0) * 1000.0)
                    replies[n].append((t_reply - t0) * 1000.0)
                caller_d.call(path, SESSION, "Terminate")
                caller_d.wait_for_signal(path, SESSION, "StateChanged", lambda s: s.args[0] == "disconnected", 10,
                                         mark)
            except (HarnessError, tincand.GLib.Error) as e:
                failures[n].append(str(e)[:300])
                log("setup: %s: %s" % (n, str(e)[:300]))
    cpu = win.stop()
    out = {"calls_per_peer": a.setup_calls, "warmup": a.setup_warmup, "peers": {}, "cpu": cpu,
           "caller": "a tincand endpoint (peer-to-peer, codecs pcmu, audio-sink none) in its own daemon; the "
                     "client is python3-gi (tests/interop/tincand.py) on that daemon's private bus, subscribed to "
                     "all its signals"}
    for n in names:
        v = samples[n]
        out["peers"][n] = {"what": peers[n]["what"], "n": len(v), "failures": failures[n],
                           "p50_ms": quantile(v, 0.5), "p90_ms": quantile(v, 0.9), "p99_ms": quantile(v, 0.99),
                           "min_ms": min(v) if v else None, "max_ms": max(v) if v else None,
                           "mean_ms": statistics.mean(v) if v else None,
                           "reply_p50_ms": quantile(replies[n], 0.5), "samples_ms": [round(x, 3) for x in v]}
        log("setup: %s p50 %.2f ms p99 %.2f ms (%d calls, %d failures)"
            % (n, out["peers"][n]["p50_ms"] or -1, out["peers"][n]["p99_ms"] or -1, len(v), len(failures[n])))
    caller_d.stop(expect_clean=False)
    return out


# --- 2. calls per second -----------------------------------------------------------


class Monitor:
    """gdbus monitor on the daemon's bus, subscribed to all of its signals;
    its output goes to a file, counted afterwards."""

    def __init__(self, h, d, name):
        self.proc = h.start(name, ["gdbus", "monitor", "--address", d.address, "--dest", tincand.BUS_NAME])
        time.sleep(0.3)

    def counts(self):
        text = self.proc.output()
        sc = re.findall(r"\.Session\.StateChanged \('(\w[\w-]*)'", text)
        return {"signals": len(re.findall(r"^/\S+: \S+\.\w+ \(", text, re.M)),
                "connected": sc.count("connected"), "disconnected": sc.count("disconnected"),
                "incoming": len(re.findall(r"\.Endpoint\.IncomingSession ", text))}

    def stop(self):
        self.proc.stop()


def rate_step(ctx, program, media, rate):
    """One SIPp run against a fresh UA: rate calls/s for rate_seconds.
    Stops at the first failed call or retransmission."""
    a = ctx.args
    h = ctx.h
    tag = "rate-%s-%s-%d" % (program, media, rate)
    ua = mon = d = None
    if program == "tincand":
        d = start_tincand(ctx, tag + "-tincand")
        variant = {"pcmu-tone": "tone", "pcmu-file": "file"}.get(media, "silence")
        ep = tincand_endpoint(d, "bob", "pcmu", source=variant_source(ctx, variant), answer=True)
        port = d.contact_port(ep)
        # The Python client only set up the endpoint: gdbus monitor is the
        # subscribed client during the load.
        d.conn.signal_unsubscribe(d._sub)
        d._sub = None
        mon = Monitor(h, d, tag + "-monitor")
        pid = d.proc.popen.pid
    else:
        ua = BenchBaresip(ctx, tag + "-baresip", "pcmu", wav=ctx.file("wav", 600, 3, 8000)).start()
        port = ua.port
        pid = ua.pid
    calls = int(rate * a.rate_seconds)
    scen = os.path.join(SIPP_DIR, "uac-call.xml" if media == "none" else "uac-call-pcmu.xml")
    s = Sipp(h, scen, name=tag + "-sipp", remote="%s:%d" % (LOOPBACK, port), service="bob", user="sipp",
             calls=calls, rate=rate, limit=max(100, rate * 8), duration_ms=1000, timeout=int(a.rate_seconds + 30),
             recv_timeout=10000)
    if media != "none":
        shutil.copy(ctx.file("ulaw", 1000, 5), os.path.join(s.dir, "pcmu.wav"))
    prof = None
    win = CpuWindow([("ua", pid)]).start()
    s.proc = h.start(s.name, s.argv, cwd=s.dir)
    if ctx.profile_tag:
        prof = perf_start(ctx, pid, ctx.profile_tag)
    aborted = None
    deadline = time.monotonic() + a.rate_seconds + 40
    while s.proc.alive():
        time.sleep(0.25)
        st = sipp_stat(s)
        if stat_int(st, "FailedCall(C)") or stat_int(st, "Retransmissions(C)"):
            aborted = "stopped early: %s failed calls, %s retransmissions after %s calls" % (
                st.get("FailedCall(C)"), st.get("Retransmissions(C)"), st.get("OutgoingCall(C)"))
            break
        if time.monotonic() > deadline:
            aborted = "SIPp still running after %.0f s" % (a.rate_seconds + 40)
            break
    cpu = win.stop()
    if prof:
        perf_stop(prof[0])
    r = s.stop() if s.proc.alive() else s.result(s.proc.popen.returncode)
    st = r.stats
    res = {"program": program, "media": media, "rate": rate, "calls": calls, "sipp_rc": r.returncode,
           "successful": stat_int(st, "SuccessfulCall(C)"), "failed": stat_int(st, "FailedCall(C)"),
           "retransmissions": stat_int(st, "Retransmissions(C)"), "outgoing": stat_int(st, "OutgoingCall(C)"),
           "call_rate": float(st.get("CallRate(C)", 0) or 0), "aborted": aborted, "cpu": cpu,
           "response_time_1": st.get("ResponseTime1(C)"), "sipp": sipp_command(s.argv)}
    res["causes"] = failure_causes(s, ua)
    res["passed"] = (not aborted and res["failed"] == 0 and res["retransmissions"] == 0
                     and res["successful"] == calls)
    ua_cpu = cpu.get("ua", {}).get("cpu_s")
    res["cpu_ms_per_call"] = 1000.0 * ua_cpu / res["outgoing"] if ua_cpu is not None and res["outgoing"] else None
    res["cpu_pct"] = cpu.get("ua", {}).get("cpu_pct")
    if mon:
        time.sleep(0.5)
        res["monitor"] = mon.counts()
        res["threads_end"] = status_field(pid, "Threads")
        res["rss_kib_end"] = status_field(pid, "VmRSS")
        mon.stop()
    if d:
        d.stop(expect_clean=False)
        d.bus.stop()
    if ua:
        ua.stop()
    if prof:
        res["perf"] = perf_summary(prof[1])
    log("rate: %s %s %d/s: %s (%d ok, %d failed, %d retransmissions, UA %.0f %% CPU)%s" % (
        program, media, rate, "pass" if res["passed"] else "FAIL", res["successful"], res["failed"],
        res["retransmissions"], res["cpu_pct"] or 0, " " + aborted if aborted else ""))
    return res


def failure_causes(s, ua):
    """What SIPp's error log and baresip's log say about failed calls:
    {cause: count}."""
    causes = {}
    try:
        with open(s.files["errors"], errors="replace") as f:
            text = f.read()
    except OSError:
        text = ""
    for m in re.finditer(r"Aborting call on unexpected message .*?received 'SIP/2\.0 (\d+ [^\r\n]*)", text):
        k = "SIPp got %s" % m.group(1).strip()
        causes[k] = causes.get(k, 0) + 1
    for m in re.finditer(r"(Aborting call on [^\r\n']*?(?:timeout|retrans)[^\r\n']*)", text, re.I):
        k = re.sub(r" for Call-Id.*", "", m.group(1))
        causes[k] = causes.get(k, 0) + 1
    if ua is not None and ua.proc is not None:
        n = ua.proc.output().count("could not assign linenumber")
        if n:
            causes["baresip: call: could not assign linenumber"] = n
    return causes


def rate_search(ctx, program, media):
    """Doubling from rate_start until a failure, then bisecting."""
    a = ctx.args
    steps = []
    best, worst = 0, None
    r = a.rate_start
    while True:
        res = rate_step(ctx, program, media, r)
        steps.append(res)
        if res["passed"]:
            best = max(best, r)
        else:
            worst = r if worst is None else min(worst, r)
        if worst is None:
            if r * 2 > a.rate_max:
                break
            r *= 2
            continue
        if worst - best <= a.rate_resolution:
            break
        r = (best + worst) // 2
        r = int(round(r / a.rate_resolution)) * a.rate_resolution or a.rate_resolution
        if r <= best or r >= worst:
            break
    return {"program": program, "media": media, "best": best, "first_fail": worst, "steps": steps}


def bench_rate(ctx):
    a = ctx.args
    out = {"seconds": a.rate_seconds, "resolution": a.rate_resolution, "start": a.rate_start, "max": a.rate_max,
           "series": []}
    for media in a.rate_media:
        for program in ["tincand"] + [p for p in a.peers if p == "baresip" and media in ("none", "pcmu")]:
            ctx.profile_tag = None
            out["series"].append(rate_search(ctx, program, media))
    if a.profile:
        for ser in out["series"]:
            if ser["program"] == "tincand" and ser["best"]:
                ctx.profile_tag = "rate-%s-%d" % (ser["media"], ser["best"])
                ser["profile"] = rate_step(ctx, "tincand", ser["media"], ser["best"])
                ctx.profile_tag = None
    return out


# --- 3. concurrent calls -----------------------------------------------------------


STAT_KEYS = ("packets-received", "packets-sent", "jb-lost", "jb-late", "jb-pushed", "packets-lost", "frames-skipped")


def tincand_media_stats(d, ep, budget=10.0):
    """{session path: Media.Stats} of the endpoint's sessions, read with
    all the calls in flight at once; what has not answered within budget
    seconds (a saturated daemon) is left out."""
    try:
        sessions = d.call(ep, tincand.PROPERTIES, "Get", tincand.GLib.Variant("(ss)", (ENDPOINT, "Sessions")),
                          timeout=budget)[0]
    except tincand.GLib.Error:
        return {}
    pending = {sp: d.call_async(sp, tincand.PROPERTIES, "Get", tincand.GLib.Variant("(ss)", (MEDIA, "Stats")),
                                timeout=budget) for sp in sessions}
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline and not all(pc.done for pc in pending.values()):
        d.iterate(0.02)
    return {sp: pc.value[0] for sp, pc in pending.items() if pc.done and pc.error is None}


def media_delta(m0, m1):
    """Counters summed over the sessions read both times, and their growth."""
    both = set(m0) & set(m1)
    out = {"sessions": len(both), "sessions_read": len(m1)}
    for k in STAT_KEYS:
        out[k] = sum(int(m1[sp].get(k, 0)) - int(m0[sp].get(k, 0)) for sp in both)
        out[k + " total"] = sum(int(m1[sp].get(k, 0)) for sp in m1)
    return out


def tincand_connected(d):
    """Sessions whose last StateChanged (as recorded by the client) is
    "connected"."""
    d.iterate(0)
    last = {}
    for sig in d.find_signals(iface=SESSION, name="StateChanged"):
        last[sig.path] = sig.args[0]
    return sum(1 for v in last.values() if v == "connected")


def concurrent_series(ctx, program, codec, levels, variant="tone"):
    a = ctx.args
    h = ctx.h
    tag = "conc-%s-%s%s" % (program, codec, "" if variant == "tone" or program != "tincand" else "-" + variant)
    # How long the first call must last: the ramps (up to 15 s + N/hold-rate
    # each when the UA is saturated), warm-ups, windows, Stats reads, perf.
    hold_s = int(len(levels) * (a.warmup + a.window + 8) + a.perf_seconds + 30)
    if program == "tincand":
        hold_s += int(len(levels) * 15 + levels[-1] / a.hold_rate + 60)
    d = ep = ua = None
    aufile_bytes = None
    if program == "tincand":
        d = start_tincand(ctx, tag)
        source = variant_source(ctx, variant, codec)
        ep = tincand_endpoint(d, "bob", codec, source=source, answer=True)
        port = d.contact_port(ep)
        pid = d.proc.popen.pid
        what = "tincand endpoint, auto-answer, audio-source %s, audio-sink none, codecs %s: %s" % (
            os.path.basename(source) if variant == "file" else source, codec, VARIANTS[variant])
    else:
        wav = ctx.file("wav", 440, hold_s, 8000) if codec == "pcmu" else None
        ua = BenchBaresip(ctx, tag, codec, wav=wav).start()
        port = ua.port
        pid = ua.pid
        if wav:
            aufile_bytes = os.path.getsize(wav) - 44
            what = "baresip, answermode=auto, aufile source (a %d s 8 kHz WAV, read whole into memory per call), " \
                   "aubridge nil player" % hold_s
        else:
            what = "baresip, answermode=auto, ausine source (48 kHz stereo, downmixed for the mono Opus encoder, " \
                   "opus_bitrate 32000), aubridge nil player"
    pcap = ctx.file("pcap", codec, hold_s + 30)
    sipps = []
    rows = []
    total = 0
    base_rss = status_field(pid, "VmRSS")
    try:
        for level in levels:
            add = level - total
            s = Sipp(h, os.path.join(SIPP_DIR, "uac-hold-%s.xml" % codec), name="%s-sipp-%d" % (tag, level),
                     remote="%s:%d" % (LOOPBACK, port), service="bob", user="sipp", calls=add,
                     rate=min(add, a.hold_rate), duration_ms=hold_s * 1000, timeout=0)
            shutil.copy(pcap, os.path.join(s.dir, "media.pcap"))
            s.proc = h.start(s.name, s.argv, cwd=s.dir)
            sipps.append(s)
            deadline = time.monotonic() + 15 + add / a.hold_rate
            note = None
            while True:
                time.sleep(0.5)
                bad = stat_int(sipp_stat(s), "FailedCall(C)")
                up = tincand_connected(d) if d else ua.proc.output().count("Call established")
                if up >= level:
                    break
                if time.monotonic() > deadline:
                    causes = failure_causes(s, None)
                    note = "only %d of %d calls connected %.0f s after adding them (%d failed at SIPp%s)" % (
                        up, level, time.monotonic() - (deadline - 15 - add / a.hold_rate), bad,
                        ": " + "; ".join("%s x%d" % kv for kv in causes.items()) if causes else "")
                    log("concurrent: %s: %s; measuring what is up, then stopping this series" % (tag, note))
                    break
            total = level if note is None else up
            warm_end = time.monotonic() + a.warmup
            if d:
                d.iterate(a.warmup)
            else:
                time.sleep(max(0, warm_end - time.monotonic()))
            if note:
                # More may have connected during the warm-up.
                total = tincand_connected(d) if d else (ua.proc.output().count("Call established")
                                                        - ua.proc.output().count("terminated"))
                note += "; %d up when the window started" % total
            m0 = tincand_media_stats(d, ep) if d else None
            win = CpuWindow([("ua", pid)] + [("sipp%d" % i, x.proc.popen.pid) for i, x in enumerate(sipps)]).start()
            if d:
                d.iterate(a.window)
            else:
                time.sleep(a.window)
            cpu = win.stop()
            t_win = time.monotonic()
            m1 = tincand_media_stats(d, ep) if d else None
            up_after = tincand_connected(d) if d else (ua.proc.output().count("Call established")
                                                       - ua.proc.output().count("terminated"))
            if up_after < total:
                note = (note + "; " if note else "") + "%d of the %d calls ended during the window" % (
                    total - up_after, total)
            row = {"n": total, "requested": level, "note": note, "up_after": up_after, "cpu_pct": cpu["ua"]["cpu_pct"], "machine_busy_pct": cpu["machine_busy_pct"],
                   "far_end_cpu_pct": sum(v["cpu_pct"] for k, v in cpu.items() if k.startswith("sipp")),
                   "window_s": cpu["seconds"], "rss_kib": status_field(pid, "VmRSS"),
                   "threads": status_field(pid, "Threads"), "sipp_failed": sum(
                       stat_int(sipp_stat(x), "FailedCall(C)") for x in sipps)}
            if m0 is not None and m1 is not None:
                row["media"] = media_delta(m0, m1)
                row["stats_read_s"] = time.monotonic() - t_win
                row["jb_lost"] = row["media"]["jb-lost"]
                row["jb_late"] = row["media"]["jb-late"]
            rows.append(row)
            log("concurrent: %s %s N=%d: %.1f %% CPU (machine %.0f %%), RSS %d KiB, %d threads%s" % (
                program, codec, level, row["cpu_pct"], row["machine_busy_pct"] or -1, row["rss_kib"] or -1,
                row["threads"] or -1, ", jb lost %d late %d" % (row["jb_lost"], row["jb_late"]) if "jb_lost" in row
                else ""))
            if note:
                break
        prof = None
        if a.profile and d:
            p, data = perf_start(ctx, pid, "%s-%d" % (tag, total))
            d.iterate(a.perf_seconds)
            perf_stop(p)
            prof = perf_summary(data)
    finally:
        for s in sipps:
            s.proc.stop(sig=signal.SIGKILL, grace=1)
        if d:
            d.stop(expect_clean=False)
        if ua:
            ua.stop()
    return {"program": program, "codec": codec, "variant": variant if program == "tincand" else None,
            "light": variant == "silence" and program == "tincand", "what": what, "levels": rows,
            "base_rss_kib": base_rss,
            "aufile_bytes_per_call": aufile_bytes, "hold_s": hold_s, "perf": prof,
            "sipp": sipp_command(sipps[0].argv) if sipps else None}


def bench_concurrent(ctx):
    a = ctx.args
    out = {"levels": a.levels, "window_s": a.window, "warmup_s": a.warmup, "series": []}
    plan = [(program, codec, a.levels, "tone") for codec in a.codecs
            for program in ["tincand"] + [p for p in a.peers if p == "baresip"]]
    if "pcmu" in a.codecs:
        if a.pipeline_levels:
            plan.insert(1, ("tincand", "pcmu", a.pipeline_levels, "file"))
        if a.light_levels:
            plan.insert(1, ("tincand", "pcmu", a.light_levels, "silence"))
    for program, codec, levels, variant in plan:
        try:
            out["series"].append(concurrent_series(ctx, program, codec, levels, variant))
        except HarnessError as e:
            log("concurrent: %s %s failed: %s" % (program, codec, e))
            out["series"].append({"program": program, "codec": codec, "variant": variant,
                                  "light": variant == "silence", "error": str(e)[:500], "levels": []})
    return out


# --- machine, report ---------------------------------------------------------------


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def pkg_version(p):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], capture_output=True, text=True)
    return r.stdout.strip() or "not installed"


def machine_info():
    with open("/proc/cpuinfo") as f:
        vm = "hypervisor" in f.read()
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu_model(), "nproc": os.cpu_count(), "vm": vm,
            "kernel": "%s %s (%s)" % (platform.system(), platform.release(), platform.machine()),
            "load": open("/proc/loadavg").read().split()[:3],
            "versions": {p: pkg_version(p) for p in ("baresip-core", "sip-tester", "libgstreamer1.0-0",
                                                     "gstreamer1.0-plugins-good", "libopus0", "dbus-daemon")}}


def git_rev():
    try:
        rev = subprocess.run(["git", "-C", SRCDIR, "describe", "--always", "--dirty"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", SRCDIR, "status", "--porcelain", "--", "daemon"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" (with uncommitted changes in daemon/)" if dirty else "")
    except OSError:
        return "unknown"


def fnum(x, nd=0):
    if x is None:
        return "-"
    return "{:,.{}f}".format(x, nd)


def ratio(a, b, nd=2):
    if a is None or b is None or not b:
        return "-"
    return "%.*fx" % (nd, a / b)


def render_setup(res, w):
    w("### Call setup: Endpoint.Call() to StateChanged \"connected\"")
    w("")
    w("From the D-Bus client sending Call() to the signal arriving, %d calls per peer after %d warm-up calls, "
      "the peers interleaved call by call (each call is terminated before the next).  Caller: %s." % (
          res["calls_per_peer"], res["warmup"], res["caller"]))
    w("")
    w("| answering peer | calls | **p50 (ms)** | p90 (ms) | **p99 (ms)** | min (ms) | max (ms) | mean (ms) | "
      "Call() reply p50 (ms) | failures |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, p in res["peers"].items():
        w("| %s | %d | **%s** | %s | **%s** | %s | %s | %s | %s | %d |" % (
            n, p["n"], fnum(p["p50_ms"], 2), fnum(p["p90_ms"], 2), fnum(p["p99_ms"], 2), fnum(p["min_ms"], 2),
            fnum(p["max_ms"], 2), fnum(p["mean_ms"], 2), fnum(p["reply_p50_ms"], 2), len(p["failures"])))
    w("")
    pb = res["peers"].get("baresip")
    for n, pt in res["peers"].items():
        if pb and n != "baresip":
            w("- Ratio %s / baresip: p50 %s, p99 %s." % (n, ratio(pt["p50_ms"], pb["p50_ms"]),
                                                       ratio(pt["p99_ms"], pb["p99_ms"])))
    for n, p in res["peers"].items():
        w("- %s: %s." % (n, p["what"]))
    w("")
    for n, p in res["peers"].items():
        if p["failures"]:
            w("Failures with %s: %s" % (n, "; ".join(p["failures"][:3])))
            w("")


RATE_MEDIA = {
    "none": "none from SIPp (tincand: source and sink none, light path)",
    "pcmu": "PCMU from SIPp (tincand: source and sink none, light path)",
    "pcmu-tone": "PCMU from SIPp (tincand: tone:440 encoded on the light path)",
    "pcmu-file": "PCMU from SIPp (tincand: a WAV file, a pipeline per call)",
}


def render_rate(res, w):
    w("### Calls per second answered (1 s calls from SIPp)")
    w("")
    w("SIPp places calls at a fixed rate for %g s (INVITE, 200, ACK, 1 s, BYE, 200; UDP; one SIPp process); "
      "a rate passes when every call succeeds with no retransmission.  Rates double from %d until one fails, "
      "then are bisected to %d calls/s; each UA is started fresh for each step.  Targets (issue 5): at least "
      "%d calls/s without media and %d with PCMU, with a D-Bus client subscribed to all signals.  Measured "
      "earlier (issue text): %s." % (res["seconds"], res["start"], res["resolution"], TARGET_RATE_NOMEDIA,
                                     TARGET_RATE_PCMU, QUOTED))
    w("")
    w("| answering UA | media | **highest passing rate (calls/s)** | first failing rate | CPU at the passing rate "
      "(% of a core) | machine busy % | CPU per call (ms) | target | steps (rate: result) |")
    w("|---|---|---:|---:|---:|---:|---:|---|---|")
    best = {}
    causes = {}
    for ser in res["series"]:
        passing = [s for s in ser["steps"] if s["passed"] and s["rate"] == ser["best"]]
        p = passing[-1] if passing else None
        best[(ser["program"], ser["media"])] = ser["best"]
        target = TARGET_RATE_NOMEDIA if ser["media"] == "none" else TARGET_RATE_PCMU
        steps = ", ".join("%d: %s" % (s["rate"], "ok" if s["passed"] else "fail (%d failed, %d retrans.)" % (
            s["failed"], s["retransmissions"])) for s in ser["steps"])
        for s in ser["steps"]:
            for k, v in (s.get("causes") or {}).items():
                causes.setdefault((ser["program"], k), set()).add(s["rate"])
        w("| %s | %s | **%s** | %s | %s | %s | %s | %s | %s |" % (
            ser["program"], RATE_MEDIA.get(ser["media"], ser["media"]) if ser["program"] == "tincand" else
            RATE_MEDIA.get(ser["media"], ser["media"]).split(" (")[0],
            fnum(ser["best"]) if ser["best"] else "none (%d fails)" % res["start"],
            fnum(ser["first_fail"]) if ser["first_fail"] else "-",
            fnum(p["cpu_pct"]) if p else "-", fnum(p["cpu"].get("machine_busy_pct")) if p else "-",
            fnum(p["cpu_ms_per_call"], 2) if p else "-",
            ("%d: %s" % (target, "met" if ser["best"] >= target else "**missed**")) if ser["program"] == "tincand"
            else "-", steps))
    w("")
    for media, bmedia in (("none", "none"), ("pcmu", "pcmu"), ("pcmu-tone", "pcmu"), ("pcmu-file", "pcmu")):
        t, b = best.get(("tincand", media)), best.get(("baresip", bmedia))
        if t is not None and b:
            w("- %s: tincand / baresip = %s." % (RATE_MEDIA[media], ratio(t, b)))
    w("")
    for (prog, k), rates in sorted(causes.items()):
        w("- Failed calls of %s at %s calls/s: %s." % (prog, ", ".join(str(r) for r in sorted(rates)), k))
    mons = [(ser, s) for ser in res["series"] for s in ser["steps"] if s.get("monitor") and s["passed"]
            and s["rate"] == ser["best"]]
    for ser, s in mons:
        m = s["monitor"]
        w("- tincand %s at %d calls/s: `gdbus monitor` (subscribed to all signals of the daemon) received %s "
          "signals, %s StateChanged to connected and %s to disconnected for %d calls; %s threads and %s KiB RSS "
          "right after the run." % (ser["media"], s["rate"], fnum(m["signals"]), fnum(m["connected"]),
                                    fnum(m["disconnected"]), s["successful"], s.get("threads_end"),
                                    fnum(s.get("rss_kib_end"))))
    w("")
    w("With audio-source and audio-sink \"none\" (as the issue asks for this benchmark) tincand takes its light "
      "path: no GStreamer pipeline, pre-encoded silence sent on a shared timer, incoming RTP only counted for the "
      "statistics -- so \"PCMU from SIPp\" there is received but not decoded.  With tone:440 the light path "
      "generates and encodes every frame (still no pipeline; what arrives is counted, not decoded, the sink "
      "being none).  The WAV-file row plays a file through a pipeline per call (decoding, resampling, encoding, "
      "and an rtpbin that decodes what SIPp sends), the case closest to baresip, which encodes its aufile WAV "
      "and decodes into its nil player.  SIPp commands: `%s` and, with media, "
      "`%s` (run from a directory holding pcmu.wav, a mu-law WAV)." % (
          next((s["sipp"] for ser in res["series"] for s in ser["steps"] if s["media"] == "none"), "-"),
          next((s["sipp"] for ser in res["series"] for s in ser["steps"] if s["media"] != "none"), "-")))
    w("")


def render_concurrent(res, w):
    w("### CPU and memory per concurrent call")
    w("")
    w("N calls held by one UA; CPU over %g s after a %g s warm-up at each N (100 %% = one core, from "
      "/proc/PID/stat), RSS and threads from /proc/PID/status at the end of the window; N grows (%s) in the same "
      "processes.  Far ends: SIPp processes playing an RTP pcap into each call (they do not "
      "read what comes back).  \"per call\" = CPU(N) / N; \"RSS/extra call\" = (RSS(N) - RSS(1)) / (N - 1).  "
      "jb lost/late: increase of the jitter buffers' counters over the window, all sessions (tincand's Media.Stats "
      "are refreshed every 5 s).  Targets (issue 5): at most %.1f %% and %d KB per PCMU call, at least %d "
      "concurrent Opus calls without underruns.  Measured earlier (issue text): baresip about 0.5 %% and 690 KB "
      "per PCMU call; a plain rtpbin pipeline per call about 0.8 %% and 6 threads." % (
          res["window_s"], res["warmup_s"], ", ".join(str(n) for n in res["levels"]), TARGET_PCMU_CPU,
          TARGET_PCMU_KIB, TARGET_OPUS_CALLS))
    w("")
    w("| codec | UA | N | **CPU %** | CPU % per call | machine busy % | RSS (KiB) | **RSS/extra call (KiB)** | "
      "threads | jb lost / late | far ends' CPU % |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    by = {}
    notes = []
    for ser in res["series"]:
        if ser.get("error"):
            w("| %s | %s | - | failed: %s | | | | | | | |" % (ser["codec"], ser["program"],
                                                              ser["error"].replace("|", "/")[:200]))
            continue
        first = ser["levels"][0] if ser["levels"] else None
        label = series_label(ser)
        light = series_variant(ser) in ("silence", "tone")
        for row in ser["levels"]:
            extra = None
            if first and row["n"] > first["n"] and row["rss_kib"] and first["rss_kib"]:
                extra = (row["rss_kib"] - first["rss_kib"]) / (row["n"] - first["n"])
            by[(ser["codec"], label, row["n"])] = (row["cpu_pct"] / row["n"], extra)
            jb = "%d / %d" % (row["jb_lost"], row["jb_late"]) if "jb_lost" in row else "n/a"
            if light and ser["program"] == "tincand":
                jb = "no jitter buffer (%d lost)" % row["media"]["packets-lost"] if "media" in row else "n/a"
                if "media" in row and "frames-skipped" in row["media"]:
                    # Send-side underruns: frames the shared pacer skipped
                    # because it ran late (Media.Stats "frames-skipped").
                    jb += "; %d frames skipped" % row["media"]["frames-skipped"]
            if "media" in row and row["media"]["sessions"] < row["n"]:
                jb += " (%d of %d sessions' Stats read)" % (row["media"]["sessions"], row["n"])
            elif "media" in row and row["media"]["sessions"] > row["n"]:
                jb += " (over %d sessions: more existed than had reached \"connected\" on D-Bus)" % (
                    row["media"]["sessions"])
            if row.get("note"):
                notes.append("%s %s at N=%d: %s." % (label, ser["codec"], row["requested"], row["note"]))
            w("| %s | %s | %s | **%s** | %s | %s | %s | **%s** | %s | %s | %s |" % (
                ser["codec"].upper() if ser["codec"] == "pcmu" else "Opus", label,
                "%d" % row["n"] if row["n"] == row.get("requested", row["n"]) else "%d (of %d)" % (
                    row["n"], row["requested"]),
                fnum(row["cpu_pct"], 1), fnum(row["cpu_pct"] / row["n"], 2), fnum(row["machine_busy_pct"]),
                fnum(row["rss_kib"]), fnum(extra), row["threads"], jb, fnum(row["far_end_cpu_pct"], 1)))
    w("")
    for n in notes:
        w("- " + n)
    for codec in ("pcmu", "opus"):
        for label in ("tincand (tone)", "tincand (pipeline)", "tincand"):
            common = {k[2] for k in by if k[:2] == (codec, label)} & {k[2] for k in by if k[:2] == (codec, "baresip")}
            n = max(common or [0])
            t, b = by.get((codec, label, n)), by.get((codec, "baresip", n))
            if t and b:
                w("- %s, N=%d: CPU per call %s / baresip = %s; RSS per extra call %s%s." % (
                    "PCMU" if codec == "pcmu" else "Opus", n, label, ratio(t[0], b[0]), ratio(t[1], b[1]),
                    " (baresip's includes its aufile buffer, see below)" if codec == "pcmu" else ""))
    for ser in res["series"]:
        if ser.get("aufile_bytes_per_call"):
            n = max([k[2] for k in by if k[:2] == ("opus", "baresip")] or [0])
            alt = by.get(("opus", "baresip", n))
            w("- baresip %s: its aufile source reads the whole WAV (%s KiB for the %d s file) into memory for "
              "each call, so its RSS per extra call is mostly that buffer and says little about baresip itself%s." % (
                  ser["codec"].upper(), fnum(ser["aufile_bytes_per_call"] / 1024.0), ser["hold_s"],
                  "; with ausine as the source (the Opus rows) it needs %s KiB per extra call at N=%d" % (
                      fnum(alt[1]), n) if alt and alt[1] is not None else ""))
    w("")
    for ser in res["series"]:
        w("- %s %s: %s." % (series_label(ser), ser["codec"], ser.get("what", "")))
    sipp = next((s["sipp"] for s in res["series"] if s.get("sipp")), None)
    if sipp:
        w("- Far end, e.g.: `%s` (from a directory holding media.pcap)." % sipp)
    w("")
    for label in ("tincand (tone)", "tincand (pipeline)", "tincand (silence)", "tincand"):
        n = max([k[2] for k in by if k[:2] == ("pcmu", label)] or [0])
        pc = by.get(("pcmu", label, n))
        if pc:
            w("- Against the targets, %s PCMU at N=%d: %s %% of a core per call (target %.1f: %s), %s KiB per extra "
              "call (target %d: %s)." % (label, n, fnum(pc[0], 2), TARGET_PCMU_CPU,
                                         "met" if pc[0] <= TARGET_PCMU_CPU else "**missed**", fnum(pc[1]),
                                         TARGET_PCMU_KIB, "met" if pc[1] is not None and pc[1] <= TARGET_PCMU_KIB
                                         else "**missed**"))
    for ser in res["series"]:
        if ser["program"] == "tincand" and ser["codec"] == "opus" and ser["levels"] and not ser.get("light"):
            big = ser["levels"][-1]
            if series_variant(ser) == "tone" and "media" in big and "frames-skipped" in big["media"]:
                # Light path: no jitter buffer (what arrives is counted, not
                # played); an underrun is a frame the pacer skipped.
                skipped = big["media"]["frames-skipped"]
                w("- Opus: %d concurrent calls held, %d frames skipped over the window (the light path's "
                  "send-side underruns), the machine %s %% busy: target of %d calls without underruns %s." % (
                      big["n"], skipped, fnum(big["machine_busy_pct"]), TARGET_OPUS_CALLS,
                      "met" if skipped == 0 and big["n"] >= TARGET_OPUS_CALLS else "**missed**"))
                continue
            clean = big.get("jb_lost", 1) == 0 and big.get("jb_late", 1) == 0
            w("- Opus: %d concurrent calls held, %d lost / %d late in the jitter buffers over the window, the "
              "machine %s %% busy: target of %d calls without underruns %s." % (
                  big["n"], big.get("jb_lost", -1), big.get("jb_late", -1), fnum(big["machine_busy_pct"]),
                  TARGET_OPUS_CALLS, "met" if clean and big["n"] >= TARGET_OPUS_CALLS else "**missed**"))
    w("")


def render_perf(title, p, w, limit=14):
    if not p:
        return
    w("%s (`%s`):" % (title, p["data"]))
    w("")
    w("- by thread (%% of samples): %s" % ", ".join("%s %.1f" % (r["thread"], r["pct"]) for r in p["threads"][:10]))
    w("- by object: %s" % ", ".join("%s %.1f" % (r["dso"], r["pct"]) for r in p["dsos"][:10]))
    if p.get("thread_dso"):
        w("- by thread and object: %s" % ", ".join("%s in %s %.1f" % (r["thread"], r["dso"], r["pct"])
                                                  for r in p["thread_dso"][:10]))
    w("- self time: %s" % ", ".join("%s %.1f" % (r["symbol"], r["self"]) for r in p["self"][:12]))
    w("")
    w("| function (inclusive, call graphs) | in | children % | self % |")
    w("|---|---|---:|---:|")
    for r in p["children"][:limit]:
        w("| %s | %s | %.1f | %.1f |" % (r["symbol"], "kernel" if r["kind"] == "k" else r["dso"], r["children"],
                                        r["self"]))
    w("")


def render(results):
    out = []
    w = out.append
    w(SECTION)
    w("")
    runs = [r for r in (results.get(k) for k in BENCHMARKS) if r]
    cmds = sorted({r["command"] for r in runs})
    w("Generated by %s (%s); re-run to refresh, do not edit by hand.  Raw data: %s." % (
        " and ".join("`%s`" % c for c in cmds), ", ".join("%s %s" % (k, results[k]["machine"]["date"])
                                                        for k in BENCHMARKS if k in results),
        ", ".join("`%s`" % results[k]["results_file"] for k in BENCHMARKS if k in results)))
    w("")
    m = runs[0]["machine"]
    gits = {results[k]["git"] for k in BENCHMARKS if k in results}
    git = runs[0]["git"] if len(gits) == 1 else "; ".join("%s: %s" % (k, results[k]["git"]) for k in BENCHMARKS
                                                           if k in results)
    w("Machine: %s, %d logical CPUs (nproc)%s; kernel %s; load average (1, 5, 15 min) at the start of %s.  tincand: "
      "git %s, `%s`.  Peers and tools (Debian packages): %s." % (
          m["cpu"], m["nproc"], ", a virtual machine (hypervisor flag set)" if m["vm"] else "", m["kernel"],
          ", ".join("%s %s" % (k, " ".join(results[k]["machine"]["load"])) for k in BENCHMARKS if k in results),
          git, runs[0]["tincand_build"], ", ".join("%s %s" % kv for kv in m["versions"].items())))
    w("")
    w("Other work shared this 2-CPU machine during some windows: the \"machine busy\" columns (all CPUs, "
      "200 % = both busy) show it; a row whose machine figure is far above the UA's and its far ends' own CPU "
      "was measured beside someone else's load.")
    w("")
    if "setup" in results:
        render_setup(results["setup"], w)
    if "rate" in results:
        render_rate(results["rate"], w)
    if "concurrent" in results:
        render_concurrent(results["concurrent"], w)
    profs = []
    if "concurrent" in results:
        for ser in results["concurrent"]["series"]:
            if ser.get("perf"):
                profs.append(("%s holding %d %s calls" % (series_label(ser), ser["levels"][-1]["n"], ser["codec"]),
                              ser["perf"]))
    if "rate" in results:
        for ser in results["rate"]["series"]:
            if ser.get("profile") and ser["profile"].get("perf"):
                profs.append(("tincand answering %d calls/s (%s)" % (ser["profile"]["rate"], ser["media"]),
                              ser["profile"]["perf"]))
    notes = os.path.join(HERE, "notes.md")
    if os.path.exists(notes):
        w("### Where the time goes: reading of these numbers")
        w("")
        with open(notes) as f:
            w(f.read().strip())
        w("")
    if profs:
        w("### Where tincand's time goes (perf record -g)")
        w("")
        w("perf record -F %s --call-graph dwarf of the tincand process only (%s s at the largest N; the whole SIPp run "
          "for the rates); percentages are of its samples.  Thread names are the kernel's 15 characters, digits "
          "folded to N: \"tincand\" is the main loop (SIP, D-Bus, RTP receive through the shared epoll, bus "
          "messages), \"audiotestsrcN\" a call's source thread (it also runs the encoder and payloader and "
          "sends), \"rtpjitterbuffer\" a jitter buffer's threads (its output thread runs depayloader, decoder and "
          "sink).  libopus "
          "has no symbols in Debian (functions show as the nearest export or an address), so the object and thread "
          "columns are the reliable ones." % (runs[0].get("perf_freq", "?"), runs[0].get("perf_seconds", "?")))
        w("")
        for title, p in profs:
            render_perf(title, p, w)
    return "\n".join(out) + "\n"


def replace_section(path, title, text):
    old = open(path).read() if os.path.exists(path) else ""
    i = 0 if old.startswith(title + "\n") else old.find("\n" + title + "\n")
    if i >= 0:
        i += 1 if i or not old.startswith(title) else 0
        j = old.find("\n## ", i + len(title))
        new = old[:i] + text.rstrip("\n") + "\n" + (old[j:] if j >= 0 else "")
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(new if new.endswith("\n") else new + "\n")
    os.replace(tmp, path)


def load_results(d):
    results = {}
    for k in BENCHMARKS:
        p = os.path.join(d, "results-%s.json" % k)
        if os.path.exists(p):
            with open(p) as f:
                results[k] = json.load(f)
    return results


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--rerender":
        replace_section(sys.argv[3], SECTION, render(load_results(sys.argv[2])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="setup,rate,concurrent", help="benchmarks to run (setup,rate,concurrent)")
    ap.add_argument("--tincand", required=True, help="the tincand binary")
    ap.add_argument("--results", required=True, help="directory for results-<benchmark>.json")
    ap.add_argument("--report", help="markdown file whose section is replaced")
    ap.add_argument("--command", default="bench-calls.py", help="command line recorded in the report")
    ap.add_argument("--tincand-build", default="", help="how tincand was built (for the report)")
    ap.add_argument("--git-rev", default="", help="the source revision tincand was built from (for the report)")
    ap.add_argument("--peers", default="tincand,baresip", help="answering peers compared (setup: tincand,baresip; "
                                                               "rate and concurrent: baresip beside tincand)")
    ap.add_argument("--setup-calls", type=int, default=200, help="measured calls per peer (200)")
    ap.add_argument("--setup-warmup", type=int, default=5, help="unmeasured calls per peer first (5)")
    ap.add_argument("--rate-media", default="none,pcmu,pcmu-tone,pcmu-file",
                    help="none (SIPp sends no RTP), pcmu (SIPp sends PCMU; tincand audio-source/sink none), "
                         "pcmu-tone (the same, tincand sending tone:440, encoded on its light path; tincand only), "
                         "pcmu-file (tincand playing a WAV file: a pipeline per call; tincand only)")
    ap.add_argument("--rate-seconds", type=float, default=10, help="seconds of load per step (10)")
    ap.add_argument("--rate-start", type=int, default=100, help="first rate; doubled until a failure (100)")
    ap.add_argument("--rate-max", type=int, default=2400)
    ap.add_argument("--rate-resolution", type=int, default=25)
    ap.add_argument("--levels", default="1,10,50,100", help="concurrent calls (1,10,50,100)")
    ap.add_argument("--codecs", default="pcmu,opus")
    ap.add_argument("--light-levels", default="1,100",
                    help="concurrent PCMU calls with tincand sending silence (audio-source and sink none); '' skips")
    ap.add_argument("--pipeline-levels", default="1,100",
                    help="concurrent PCMU calls with tincand playing a WAV file (a pipeline per call); '' skips")
    ap.add_argument("--window", type=float, default=20, help="seconds of CPU measurement per level (20)")
    ap.add_argument("--warmup", type=float, default=5, help="seconds before each window (5)")
    ap.add_argument("--hold-rate", type=int, default=25, help="calls/s when adding held calls (25)")
    ap.add_argument("--profile", action="store_true", help="perf record tincand (see above)")
    ap.add_argument("--perf-seconds", type=float, default=8)
    ap.add_argument("--perf-freq", type=int, default=499)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    args.tincand = os.path.abspath(args.tincand)
    args.results = os.path.abspath(args.results)
    args.peers = [x for x in args.peers.split(",") if x]
    args.rate_media = [x for x in args.rate_media.split(",") if x]
    args.levels = [int(x) for x in args.levels.split(",") if x]
    args.codecs = [x for x in args.codecs.split(",") if x]
    args.light_levels = [int(x) for x in args.light_levels.split(",") if x]
    args.pipeline_levels = [int(x) for x in args.pipeline_levels.split(",") if x]
    only = [x for x in args.only.split(",") if x]
    for x in only:
        if x not in BENCHMARKS:
            ap.error("unknown benchmark %s (setup, rate, concurrent)" % x)
    if not os.access(args.tincand, os.X_OK):
        ap.error("%s is not an executable" % args.tincand)
    if args.keep:
        os.environ["TINCAN_INTEROP_KEEP"] = "1"
    os.environ.setdefault("TINCAN_BUILDDIR", os.path.dirname(os.path.dirname(args.tincand)))
    os.makedirs(args.results, exist_ok=True)
    with Harness("bench-calls", timeout=3 * 3600) as h:
        ctx = Ctx(args, h)
        ctx.profile_tag = None
        for key in only:
            m = machine_info()
            t0 = time.monotonic()
            res = {"setup": bench_setup, "rate": bench_rate, "concurrent": bench_concurrent}[key](ctx)
            res.update(benchmark=key, machine=m, command=args.command, git=args.git_rev or git_rev(),
                       tincand_build=args.tincand_build, duration_s=time.monotonic() - t0,
                       load_after=open("/proc/loadavg").read().split()[:3], perf_freq=args.perf_freq,
                       perf_seconds=args.perf_seconds)
            path = os.path.join(args.results, "results-%s.json" % key)
            res["results_file"] = os.path.relpath(path, SRCDIR)
            with open(path, "w") as f:
                json.dump(res, f, indent=1)
            log("%s done in %.0f s; %s" % (key, res["duration_s"], path))
            if args.report:
                replace_section(args.report, SECTION, render(load_results(args.results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
