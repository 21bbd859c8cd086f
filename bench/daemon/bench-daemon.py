#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The daemon benchmarks of issue 4: tincand side by side with baresip and
linphonec, all on 127.0.0.1 against a Kamailio this script starts.

  idle     time from exec until (a) org.tincan.Tincan1 is owned on the bus
           and (b) the one registered endpoint is registered at Kamailio,
           and the RSS once registered and idle; baresip and linphonec with
           one account against the same Kamailio.
  scale    N registered endpoints (1,000 and 10,000) in one tincand, loaded
           from persisted accounts at start-up: time until all are
           registered, RSS per endpoint, the REGISTER rate per second over
           a few minutes (expires 120: refreshes happen during the run);
           baresip with the same N accounts.
  message  MESSAGEs/s from Endpoint.SendMessage over D-Bus to a SIPp UAS
           answering 200 on UDP, with W calls outstanding, and the call
           latency p50/p99 (bench/daemon/dbus-bench.c); with the D-Bus
           round-trip floor (Properties.Get on tincand) alongside.

The common observable for "registered" is Kamailio's: its config logs,
right after save("location") succeeded, "KREGOK <$TV(Sn)> <user> ..." --
gettimeofday() of the registrar at the moment it stored the binding, the
same clock as exec-stamp (bench/daemon/exec-stamp.c), which writes the
time just before execve() of the program under test.  tincand's own view
(the RegistrationStateChanged signal, seen by dbus-bench watch) is given
alongside.

Writes RESULTS/results.json and, with --report FILE, replaces (or
appends) the three sections "## Daemon: ..." of FILE.  --rerender
RESULTS/results.json FILE rewrites the sections from saved results.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "interop"))
import harness  # noqa: E402
from harness import LOOPBACK, Harness, HarnessError, Kamailio, Sipp, free_port  # noqa: E402

SECTIONS = {
    "idle": "## Daemon: start-up, registration and memory of an idle daemon (issue 4)",
    "scale": "## Daemon: registration scale (issue 4)",
    "message": "## Daemon: MESSAGE throughput over D-Bus (issue 4)",
}
REALM = "tincan.test"
BARESIP_MODULES = harness.BARESIP_MODULES

# Targets of issue 4.
TARGET_IDLE_MS = 15.0
TARGET_IDLE_RSS_KIB = 7 * 1024
TARGET_SCALE_S = 4.0
TARGET_SCALE_N = 10000
TARGET_PER_ENDPOINT_KIB = 6.0
TARGET_MSG_RATE = 5000


def log(msg):
    sys.stderr.write("bench-daemon: %s\n" % msg)
    sys.stderr.flush()


# --- small helpers -----------------------------------------------------------


def median(v):
    return statistics.median(v) if v else None


def proc_status(pid, key):
    """A kB field of /proc/PID/status (VmRSS, VmHWM...) in KiB, or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cpu_ns_live_threads(pid):
    """Time on CPU of the live threads of a process (sum of the first field
    of /proc/PID/task/*/schedstat), in seconds: nanosecond resolution,
    where /proc/PID/stat counts clock ticks (10 ms)."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
    except OSError:
        return None
    return total / 1e9


def rollup(pid, key):
    """A field of /proc/PID/smaps_rollup (Pss, Private_Dirty...) in KiB."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def smaps_summary(pid):
    """Resident KiB of a process by mapping: each shared object (all its
    mappings), [heap], [stack], anonymous memory; from /proc/PID/smaps."""
    out = {}
    name = None
    try:
        with open("/proc/%d/smaps" % pid) as f:
            for line in f:
                first = line.split(None, 1)[0]
                if "-" in first and not first.endswith(":"):
                    parts = line.split()
                    path = parts[5] if len(parts) > 5 else "[anon]"
                    name = os.path.basename(path) if path.startswith("/") else path
                elif first == "Rss:" and name is not None:
                    out[name] = out.get(name, 0) + int(line.split()[1])
    except OSError:
        return {}
    return {k: v for k, v in out.items() if v}


def udp_rcvbuf_errors():
    """The kernel's UDP RcvbufErrors counter (datagrams dropped because a
    socket's receive buffer was full), all sockets of the machine."""
    try:
        with open("/proc/net/snmp") as f:
            lines = [l.split() for l in f if l.startswith("Udp:")]
        hdr, val = lines[0], lines[1]
        return int(val[hdr.index("RcvbufErrors")])
    except (OSError, ValueError, IndexError):
        return None


def udp_sockets():
    """[(local port, inode, drops)] of every IPv4/IPv6 UDP socket."""
    out = []
    for fn in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(fn) as f:
                next(f)
                for line in f:
                    x = line.split()
                    out.append((int(x[1].rsplit(":", 1)[1], 16), int(x[9]), int(x[12])))
        except (OSError, ValueError, IndexError, StopIteration):
            pass
    return out


def socket_inodes(pid):
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if t.startswith("socket:["):
                inodes.add(int(t[8:-1]))
    except OSError:
        pass
    return inodes


def udp_drops(pid=None, port=None):
    """Datagrams dropped by the UDP sockets of a process, or on a port."""
    mine = socket_inodes(pid) if pid else set()
    return sum(d for p, ino, d in udp_sockets() if (pid and ino in mine) or (port and p == port))


def read_stamp(path, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                text = f.read().strip()
            if text:
                return float(text)
        except OSError:
            pass
        time.sleep(0.005)
    raise HarnessError("no exec stamp in %s" % path)


class LogTail:
    """Incremental reader of a growing log file: new complete lines only."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.partial = ""

    def lines(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return []
        self.pos += len(data)
        text = self.partial + data.decode("utf-8", "replace")
        parts = text.split("\n")
        self.partial = parts.pop()
        return parts


def password_of(user):
    """Every user's password: a function of the user name that Kamailio's
    config can compute too ("pw-$au"), so that 10,000 users need no table."""
    return "pw-" + user


# --- Kamailio: the harness's registrar with a log line per binding --------------

KREG_RX = re.compile(r"KREGOK (\d+\.\d+) (\S+) exp=(\S*) ct=(.*)$")
KREQ_RX = re.compile(r"KREGRX (\d+\.\d+) (\S+) auth=(\S*)")


class BenchKamailio(Kamailio):
    """tests/interop/harness.py's Kamailio (registrar, digest auth with
    401), changed for load:

    - the digest response is checked by pv_www_authenticate() against the
      password password_of(user) ("pw-<user>", computed in the config from
      the Authorization username): the same digest exchange and MD5 work
      as auth_db's www_authorize(), without a database lookup per request
      (db_text, the harness's backend, scans its whole subscriber table on
      every query, which would measure db_text at 10,000 users);
    - the per-request KREQ log line is gone; instead every REGISTER logs
      "KREGRX <time> <user> auth=<scheme>" when it arrives and "KREGOK
      <time> <user> exp=<Expires> ct=<Contact>" once save("location")
      stored it, <time> being $TV(Sn) (gettimeofday, microseconds);
    - more workers, shared memory and pkg memory (-m/-M), a 2^14-slot
      usrloc hash, and room for 20,000 TCP connections.
    """

    def __init__(self, h, tag, children=4, shm_mb=512, pkg_mb=32):
        super().__init__(h, users={}, realm=REALM, children=children, debug=1, auth=True)
        self.dir = h.path("kamailio-%s" % tag)
        self.shm_mb = shm_mb
        self.pkg_mb = pkg_mb
        self.tail = None

    def config(self):
        text = super().config()
        # No per-request log line (the harness's KREQ), one for REGISTER.
        text, n = re.subn(r'\n[ \t]*xlog\("L_NOTICE", "KREQ .*?"\);', "\n", text, count=1, flags=re.S)
        assert n == 1, "harness Kamailio config changed: no KREQ line"
        old_auth = ('        if (!www_authorize("%s", "subscriber")) {\n'
                    '            www_challenge("%s", "0");\n' % (REALM, REALM))
        new_auth = ('        xlog("L_NOTICE", "KREGRX $TV(Sn) $tU auth=$(hdr(Authorization){s.select,0, })\\n");\n'
                    '        if (!pv_www_authenticate("%s", "%s", "0")) {\n'
                    '            www_challenge("%s", "0");\n' % (REALM, password_of("$au"), REALM))
        assert old_auth in text, "harness Kamailio config changed: no www_authorize"
        text = text.replace(old_auth, new_auth, 1)
        old_save = 'if (!save("location")) sl_reply_error();'
        assert old_save in text, "harness Kamailio config changed: no save()"
        text = text.replace(old_save, 'if (!save("location")) { sl_reply_error(); exit; }\n'
                            '        xlog("L_NOTICE", "KREGOK $TV(Sn) $tU exp=$hdr(Expires) ct=$ct\\n");', 1)
        text = text.replace('modparam("usrloc", "db_mode", 0)',
                            'modparam("usrloc", "db_mode", 0)\n'
                            'modparam("usrloc", "hash_size", 14)', 1)
        text = text.replace("tcp_accept_no_cl=yes", "tcp_accept_no_cl=yes\ntcp_max_connections=16000", 1)
        return text

    def start(self, timeout=30.0):
        os.makedirs(os.path.join(self.dir, "run"), exist_ok=True)
        cfg = os.path.join(self.dir, "kamailio.cfg")
        with open(cfg, "w") as f:
            f.write(self.config())
        check = subprocess.run(["kamailio", "-c", "-f", cfg], capture_output=True, text=True)
        if check.returncode != 0:
            raise HarnessError("kamailio rejects its config %s:\n%s" % (cfg, check.stderr[-3000:]))
        self.argv = ["kamailio", "-DD", "-E", "-f", cfg, "-w", self.dir, "-P",
                     os.path.join(self.dir, "run", "kamailio.pid"), "-Y", os.path.join(self.dir, "run"),
                     "-m", str(self.shm_mb), "-M", str(self.pkg_mb)]
        self.proc = self.h.start("kamailio-" + os.path.basename(self.dir), self.argv)
        harness.wait_for_sip(self.host, self.port, timeout=timeout, proc=self.proc)
        self.tail = LogTail(self.proc.log_path)
        self.oks = []  # (time, user, expires>0)
        self.rxs = []  # (time, user, has-authorization)
        return self

    def poll(self):
        """Reads the new KREGOK/KREGRX lines; returns how many came."""
        n = 0
        for line in self.tail.lines():
            m = KREG_RX.search(line)
            if m:
                t, user, exp, ct = float(m.group(1)), m.group(2), m.group(3), m.group(4)
                binding = not (exp.strip() == "0" or re.search(r";\s*expires=0\b", ct))
                self.oks.append((t, user, binding))
                n += 1
                continue
            m = KREQ_RX.search(line)
            if m:
                self.rxs.append((float(m.group(1)), m.group(2), m.group(3) not in ("", "<null>")))
        return n

    def first_binding_times(self, users, since):
        """{user: time of its first binding at or after since}."""
        out = {}
        for t, u, binding in self.oks:
            if binding and t >= since and u in users and u not in out:
                out[u] = t
        return out


# --- private D-Bus -------------------------------------------------------------


class PrivateBus:
    def __init__(self, h, name="dbus"):
        self.h = h
        self.dir = h.path(name)
        os.makedirs(self.dir, exist_ok=True)
        self.address = "unix:path=%s/bus" % self.dir
        self.proc = h.start(name, ["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                   "--address=%s" % self.address])
        deadline = time.monotonic() + 10
        while not os.path.exists(os.path.join(self.dir, "bus")):
            self.proc.check_alive()
            if time.monotonic() > deadline:
                raise HarnessError("dbus-daemon did not create its socket")
            time.sleep(0.01)


class Watcher:
    """dbus-bench watch on the private bus: bus-name and registration
    events with wall-clock times."""

    def __init__(self, h, dbus_bench, bus, expect, name):
        self.proc = h.start(name, [dbus_bench, "watch", "--address", bus.address, "--expect", str(expect)])
        self.tail = LogTail(self.proc.log_path)
        self.name_t = None
        self.all_t = None
        self.first_reg_t = None
        self.states = {}
        self.failures = []
        self.wait_for(lambda: self.ready, 10, "ready")

    ready = False

    def poll(self):
        for line in self.tail.lines():
            f = line.split()
            if not f:
                continue
            if f[0] == "ready":
                self.ready = True
            elif f[0] == "name" and self.name_t is None:
                self.name_t = float(f[1])
            elif f[0] == "reg":
                t, path, state = float(f[1]), f[2], f[3]
                self.states[path] = state
                if state == "registered" and self.first_reg_t is None:
                    self.first_reg_t = t
                if state in ("rejected", "error"):
                    self.failures.append(line)
            elif f[0] == "all-registered" and self.all_t is None:
                self.all_t = float(f[1])

    def registered(self):
        return sum(1 for s in self.states.values() if s == "registered")

    def wait_for(self, cond, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            self.poll()
            if cond():
                return True
            if time.monotonic() > deadline:
                raise HarnessError("dbus-bench watch: no %s in %.0fs" % (what, timeout))
            self.proc.check_alive()
            time.sleep(0.02)

    def stop(self):
        self.proc.stop()
        self.poll()


# --- the programs under test ------------------------------------------------------


class Ctx:
    """Paths and settings shared by the benchmarks."""

    def __init__(self, args):
        self.args = args
        self.dbus_bench = args.dbus_bench
        self.exec_stamp = args.exec_stamp
        self.tincand = args.tincand
        self.settle = args.settle


def clean_env(root):
    """An environment that points every per-user directory into root and
    leaves the login's session bus alone."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DBUS_SESSION_BUS_ADDRESS", "G_MESSAGES_DEBUG", "XDG_RUNTIME_DIR")}
    env.update(HOME=root, XDG_CONFIG_HOME=os.path.join(root, "config"), XDG_DATA_HOME=os.path.join(root, "data"),
               XDG_CACHE_HOME=os.path.join(root, "cache"), XDG_STATE_HOME=os.path.join(root, "state"))
    for d in ("config", "data", "cache", "state"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    return env


def write_tincan_accounts(root, kam, users, listen=None, expires=None):
    """Persisted accounts as tincand writes them: XDG_CONFIG_HOME/tincan/
    endpoints/<id>.conf ([Endpoint]) and the 0600 credentials file."""
    tdir = os.path.join(root, "config", "tincan")
    edir = os.path.join(tdir, "endpoints")
    os.makedirs(edir, mode=0o700, exist_ok=True)
    os.chmod(tdir, 0o700)
    for u in users:
        lines = ["[Endpoint]", "uri=sip:%s@%s" % (u, REALM), "kind=registered",
                 "registrar=sip:%s:%d" % (kam.host, kam.port), "transport=udp"]
        if listen:
            lines.append("listen=%s" % listen)
        if expires:
            lines.append("expires=%d" % expires)
        # A persisted account carries its instance id (tincand writes one
        # back into a file that has none).
        lines.append("instance-id=urn:uuid:%s" % uuid.uuid4())
        with open(os.path.join(edir, "%s.conf" % u), "w") as f:
            f.write("\n".join(lines) + "\n")
    cred = os.path.join(tdir, "credentials")
    fd = os.open(cred, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        for u in users:
            f.write("[%s]\npassword=%s\n\n" % (u, password_of(u)))
    os.chmod(cred, 0o600)


def tincand_argv(ctx, bus):
    return [ctx.tincand, "--address", bus.address, "--no-secret-service", "--no-default-endpoint"]


def start_tincand(h, ctx, root, bus, name):
    env = clean_env(root)
    stamp = os.path.join(root, "exec-stamp")
    p = h.start(name, [ctx.exec_stamp, stamp] + tincand_argv(ctx, bus), env=env)
    return p, stamp


def baresip_write(root, accounts):
    """A baresip config directory: the harness's headless baresip (UDP on
    127.0.0.1, G.711, ctrl_tcp + menu for control: the counterpart of
    tincand's D-Bus interface), the accounts file with one line per
    account."""
    d = os.path.join(root, "baresip")
    os.makedirs(d, exist_ok=True)
    sip_port = free_port(span=2)
    ctrl_port = free_port()
    conf = ["poll_method epoll",
            "sip_listen %s:%d" % (LOOPBACK, sip_port),
            "sip_trans_def udp",
            "net_interface %s" % LOOPBACK,
            "audio_player aubridge,nil",
            "audio_source ausine,440",
            "audio_alert aubridge,nil",
            "module_path %s" % BARESIP_MODULES,
            "module ctrl_tcp.so",
            "module g711.so",
            "module_app account.so",
            "module_app menu.so",
            "ctrl_tcp_listen %s:%d" % (LOOPBACK, ctrl_port),
            "call_max_calls 4",
            "dns_fallback 127.0.0.1:53"]
    with open(os.path.join(d, "config"), "w") as f:
        f.write("\n".join(conf) + "\n")
    with open(os.path.join(d, "accounts"), "w") as f:
        f.write("".join(a + "\n" for a in accounts))
    with open(os.path.join(d, "contacts"), "w") as f:
        f.write("")
    return d, ctrl_port


def baresip_account(kam, user, regint):
    return "<sip:%s@%s:%d;transport=udp>;auth_pass=%s;regint=%d" % (user, kam.host, kam.port, password_of(user),
                                                                     regint)


def start_baresip(h, ctx, root, accounts, name):
    d, ctrl_port = baresip_write(root, accounts)
    env = clean_env(root)
    stamp = os.path.join(root, "exec-stamp")
    p = h.start(name, [ctx.exec_stamp, stamp, "baresip", "-f", d], env=env)
    return p, stamp, ctrl_port


def linphonec_write(root, kam, user, expires=3600):
    """linphonec's configuration: one proxy (the Kamailio) with its
    registration, its digest credentials, UDP only, IPv4."""
    rc = os.path.join(root, "linphonerc")
    os.makedirs(os.path.join(root, "data", "linphone"), exist_ok=True)
    os.makedirs(os.path.join(root, ".local", "share", "linphone"), exist_ok=True)
    port = free_port()
    with open(rc, "w") as f:
        f.write("[sip]\nsip_port=%d\nsip_tcp_port=-1\nsip_tls_port=-1\nuse_ipv6=0\ndefault_proxy=0\n"
                "register_only_when_network_is_up=0\n\n"
                "[proxy_0]\nreg_proxy=<sip:%s:%d;transport=udp>\nreg_identity=sip:%s@%s:%d\nreg_expires=%d\n"
                "reg_sendregister=1\npublish=0\n\n"
                "[auth_info_0]\nusername=%s\npasswd=%s\nrealm=%s\n"
                % (port, kam.host, kam.port, user, kam.host, kam.port, expires, user, password_of(user), REALM))
    return rc


def start_linphonec(h, ctx, root, kam, user, name):
    rc = linphonec_write(root, kam, user)
    env = clean_env(root)
    stamp = os.path.join(root, "exec-stamp")
    # stdin stays open (a pipe nobody writes): linphonec quits on EOF.
    p = h.start(name, [ctx.exec_stamp, stamp, "linphonec", "-c", rc], env=env, stdin=subprocess.PIPE)
    return p, stamp


def wait_until(cond, timeout, procs, what, step=0.02):
    deadline = time.monotonic() + timeout
    while True:
        if cond():
            return True
        for p in procs:
            p.check_alive()
        if time.monotonic() > deadline:
            log("timeout: %s after %.0f s" % (what, timeout))
            return False
        time.sleep(step)


# --- 1. idle ------------------------------------------------------------------------

IDLE_PROGRAMS = ["tincand", "baresip", "linphonec"]


def idle_one(h, ctx, kam, bus, prog, run):
    user = "idle_%s_%d" % (prog, run)
    root = h.path("idle-%s-%d" % (prog, run))
    os.makedirs(root, exist_ok=True)
    r = {"program": prog, "run": run, "user": user}
    watcher = None
    if prog == "tincand":
        write_tincan_accounts(root, kam, [user], listen="127.0.0.1:0")
        watcher = Watcher(h, ctx.dbus_bench, bus, 1, "watch-idle-%d" % run)
        p, stamp = start_tincand(h, ctx, root, bus, "tincand-idle-%d" % run)
    elif prog == "baresip":
        p, stamp, _ = start_baresip(h, ctx, root, [baresip_account(kam, user, 3600)], "baresip-idle-%d" % run)
    else:
        p, stamp = start_linphonec(h, ctx, root, kam, user, "linphonec-idle-%d" % run)
    try:
        t0 = read_stamp(stamp)

        def done():
            kam.poll()
            if watcher:
                watcher.poll()
                if watcher.name_t is None or watcher.first_reg_t is None:
                    return False
            return bool(kam.first_binding_times({user}, t0 - 1))
        if not wait_until(done, 30, [p], "%s registered" % prog):
            raise HarnessError("%s did not register in 30 s; log %s:\n%s" % (prog, p.log_path, p.tail()))
        t_reg = kam.first_binding_times({user}, t0 - 1)[user]
        r["registered_ms"] = (t_reg - t0) * 1000
        # the first REGISTER and the 401 round
        rx = sorted(t for t, u, _ in kam.rxs if u == user and t >= t0 - 1)
        if rx:
            r["first_register_ms"] = (rx[0] - t0) * 1000
            r["registers"] = len(rx)
        if watcher:
            r["name_ms"] = (watcher.name_t - t0) * 1000
            r["bus_registered_ms"] = (watcher.first_reg_t - t0) * 1000
        time.sleep(ctx.settle)
        r["rss_kib"] = proc_status(p.pid, "VmRSS")
        r["hwm_kib"] = proc_status(p.pid, "VmHWM")
        r["private_dirty_kib"] = rollup(p.pid, "Private_Dirty")
        r["pss_kib"] = rollup(p.pid, "Pss")
        r["threads"] = proc_status_raw(p.pid, "Threads")
        r["cpu_ms"] = (cpu_ns_live_threads(p.pid) or 0) * 1000
        r["smaps"] = smaps_summary(p.pid)
    finally:
        p.stop(grace=8)
        if watcher:
            watcher.stop()
    log("idle %s run %d: registered %.1f ms%s, RSS %s KiB" % (
        prog, run, r["registered_ms"], (", name %.1f ms" % r["name_ms"]) if "name_ms" in r else "", r["rss_kib"]))
    return r


def proc_status_raw(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def bench_idle(h, ctx, programs):
    res = {"runs": [], "settle_s": ctx.settle, "programs": programs}
    kam = BenchKamailio(h, "idle", children=ctx.args.kamailio_children).start()
    bus = PrivateBus(h, "dbus-idle") if "tincand" in programs else None
    res["kamailio_argv"] = kam.argv
    for run in range(1, ctx.args.idle_runs + 1):
        order = programs[(run - 1) % len(programs):] + programs[:(run - 1) % len(programs)]
        for prog in order:
            res["runs"].append(idle_one(h, ctx, kam, bus, prog, run))
            time.sleep(0.3)
    kam.stop()
    if bus:
        bus.proc.stop()
    return res


# --- 2. scale -----------------------------------------------------------------------


def histogram(times, t0, seconds):
    counts = [0] * seconds
    for t in times:
        i = int(t - t0)
        if 0 <= i < seconds:
            counts[i] += 1
    return counts


def baseline_rss(h, ctx, prog, run):
    """RSS of the program with no account, idle."""
    root = h.path("baseline-%s-%d" % (prog, run))
    os.makedirs(root, exist_ok=True)
    if prog == "tincand":
        bus = PrivateBus(h, "dbus-baseline-%d" % run)
        os.makedirs(os.path.join(root, "config", "tincan"), mode=0o700, exist_ok=True)
        watcher = Watcher(h, ctx.dbus_bench, bus, 0, "watch-baseline-%d" % run)
        p, _ = start_tincand(h, ctx, root, bus, "tincand-baseline-%d" % run)
        try:
            watcher.wait_for(lambda: watcher.name_t is not None, 20, "bus name")
            time.sleep(ctx.settle)
            return proc_status(p.pid, "VmRSS")
        finally:
            p.stop(grace=8)
            watcher.stop()
            bus.proc.stop()
    p, _, ctrl_port = start_baresip(h, ctx, root, [], "baresip-baseline-%d" % run)
    try:
        harness.wait_for_port(ctrl_port, proc=p, timeout=20)
        time.sleep(ctx.settle)
        return proc_status(p.pid, "VmRSS")
    finally:
        p.stop(grace=8)


def scale_one(h, ctx, prog, n, run, observe_s, expires):
    tag = "scale-%s-%d-%d" % (prog, n, run)
    root = h.path(tag)
    os.makedirs(root, exist_ok=True)
    kam = BenchKamailio(h, tag, children=ctx.args.kamailio_children).start()
    users = ["u%d" % i for i in range(1, n + 1)]
    uset = set(users)
    r = {"program": prog, "n": n, "run": run, "expires": expires, "observe_s": observe_s,
         "kamailio_argv": kam.argv}
    watcher = bus = None
    t_prep = time.monotonic()
    if prog == "tincand":
        bus = PrivateBus(h, "dbus-" + tag)
        write_tincan_accounts(root, kam, users, expires=expires)
        watcher = Watcher(h, ctx.dbus_bench, bus, n, "watch-" + tag)
    r["prepare_s"] = time.monotonic() - t_prep
    drops0 = udp_rcvbuf_errors()
    if prog == "tincand":
        p, stamp = start_tincand(h, ctx, root, bus, "tincand-" + tag)
    else:
        p, stamp, _ = start_baresip(h, ctx, root, [baresip_account(kam, u, expires) for u in users],
                                    "baresip-" + tag)
    try:
        t0 = read_stamp(stamp)
        first = {}

        def done():
            kam.poll()
            first.update(kam.first_binding_times(uset - set(first), t0 - 1))
            if watcher:
                watcher.poll()
                if watcher.all_t is None:
                    return False
            return len(first) >= n
        try:
            ok = wait_until(done, ctx.args.scale_timeout, [p], "%d %s endpoints registered" % (n, prog), step=0.1)
        except HarnessError as e:
            # the program died: report what it did before
            ok = False
            r["error"] = "exited with status %s" % p.popen.returncode
            log("scale %s n=%d: %s" % (prog, n, e))
            done()
        t_end_wait = time.time()
        r["cpu_at_registered_s"] = cpu_seconds(p.pid)
        r["registered"] = len(first)
        r["all_registered"] = ok
        if first:
            ts = sorted(first.values())
            r["first_registered_s"] = ts[0] - t0
            r["last_registered_s"] = ts[-1] - t0
            for q in (50, 90, 99):
                r["p%d_registered_s" % q] = ts[min(len(ts) - 1, int(len(ts) * q / 100))] - t0
        if not ok:
            r["waited_s"] = t_end_wait - t0
        if watcher:
            watcher.poll()
            if watcher.name_t:
                r["name_s"] = watcher.name_t - t0
            if watcher.all_t:
                r["bus_all_registered_s"] = watcher.all_t - t0
            r["bus_registered"] = watcher.registered()
            r["bus_failures"] = watcher.failures[:5]
            r["bus_failure_count"] = len(watcher.failures)
        r["drops_client"] = udp_drops(pid=p.pid)
        r["drops_kamailio"] = udp_drops(port=kam.port)
        # After Timer K (5 s): the REGISTER transactions are gone.
        if "error" not in r:
            time.sleep(ctx.args.scale_settle)
        r["rss_kib"] = proc_status(p.pid, "VmRSS")
        r["hwm_kib"] = proc_status(p.pid, "VmHWM")
        r["threads"] = proc_status_raw(p.pid, "Threads")
        if observe_s and "error" not in r:
            while time.time() < t0 + observe_s:
                p.check_alive()
                kam.poll()
                time.sleep(0.5)
            r["rss_end_kib"] = proc_status(p.pid, "VmRSS")
            r["cpu_end_s"] = cpu_seconds(p.pid)
        kam.poll()
        span = int(observe_s or (max((t for t, _, _ in kam.oks), default=t0) - t0 + 1))
        oks = [t for t, u, b in kam.oks if b and u in uset and t >= t0 - 1]
        rxs = [t for t, u, _ in kam.rxs if u in uset and t >= t0 - 1]
        r["hist_ok"] = histogram(oks, t0, span)
        r["hist_rx"] = histogram(rxs, t0, span)
        r["total_ok"] = len(oks)
        r["total_rx"] = len(rxs)
        # refreshes: bindings of a user after its first one
        per_user = {}
        for t, u, b in kam.oks:
            if b and u in uset and t >= t0 - 1:
                per_user.setdefault(u, []).append(t)
        # A binding less than expires/4 after the user's previous one is a
        # duplicate (a retransmitted REGISTER stored again), not a refresh.
        refresh_times, dups, refreshed = [], 0, set()
        for u, v in per_user.items():
            for prev, t in zip(v, v[1:]):
                if t - prev >= expires / 4.0:
                    refresh_times.append(t)
                    refreshed.add(u)
                else:
                    dups += 1
        refresh_times.sort()
        r["duplicate_bindings"] = dups
        r["refreshes"] = len(refresh_times)
        r["users_refreshed"] = len(refreshed)
        if refresh_times:
            r["first_refresh_s"] = refresh_times[0] - t0
            r["last_refresh_s"] = refresh_times[-1] - t0
            rh = histogram(refresh_times, t0, span)
            r["refresh_peak_per_s"] = max(rh)
            r["refresh_seconds_with_any"] = sum(1 for c in rh if c)
            # REGISTER requests per refresh: requests after the initial phase / bindings
            t_init_end = t0 + r.get("last_registered_s", 0) + 0.5
            rx_after = sum(1 for t in rxs if t > t_init_end)
            ok_after = sum(1 for t in oks if t > t_init_end)
            if ok_after:
                r["requests_per_refresh"] = rx_after / ok_after
        init_end = t0 + r.get("last_registered_s", 0) + 0.001
        ok_init = sum(1 for t in oks if t <= init_end)
        rx_init = sum(1 for t in rxs if t <= init_end)
        if ok_init:
            r["requests_per_initial_binding"] = rx_init / ok_init
        r["udp_rcvbuf_errors"] = (udp_rcvbuf_errors() or 0) - (drops0 or 0)
    finally:
        p.stop(grace=10)
        if watcher:
            watcher.stop()
        if bus:
            bus.proc.stop()
        kam.stop()
    log("scale %s n=%d run %d: %d/%d registered, last at %s s, RSS %s KiB" % (
        prog, n, run, r["registered"], n, "%.3f" % r["last_registered_s"] if "last_registered_s" in r else "-",
        r["rss_kib"]))
    return r


# --- where tincand's time and memory go (--profile) ------------------------------------


def start_profiled_tincand(h, ctx, tag, n, wrapper):
    kam = BenchKamailio(h, tag, children=ctx.args.kamailio_children).start()
    bus = PrivateBus(h, "dbus-" + tag)
    root = h.path(tag)
    os.makedirs(root, exist_ok=True)
    users = ["u%d" % i for i in range(1, n + 1)]
    write_tincan_accounts(root, kam, users, expires=ctx.args.scale_expires)
    watcher = Watcher(h, ctx.dbus_bench, bus, n, "watch-" + tag)
    p = h.start("tincand-" + tag, wrapper + tincand_argv(ctx, bus), env=clean_env(root))
    return kam, bus, watcher, p


def profile_perf(h, ctx, n, out):
    """perf record (DWARF call graphs) of tincand from exec until its n
    endpoints are registered; the functions by inclusive share."""
    data = os.path.join(out, "perf-%d.data" % n)
    kam, bus, watcher, p = start_profiled_tincand(
        h, ctx, "perf-%d" % n, n, ["perf", "record", "-q", "-F", "499", "--call-graph", "dwarf,16384", "-o", data,
                                   "--"])
    try:
        watcher.wait_for(lambda: watcher.all_t is not None, 600, "all registered under perf")
    finally:
        p.stop(sig=signal.SIGINT, grace=60)  # perf writes its file and stops tincand
        watcher.stop()
        bus.proc.stop()
        kam.stop()
    return {"n": n, "rows": perf_rows(data), "data": os.path.relpath(data, SRCDIR)}


def perf_rows(data):
    rep = subprocess.run(["perf", "report", "-i", data, "--children", "--sort", "symbol,dso", "--stdio", "-g",
                          "none", "--percent-limit", "1"], capture_output=True, text=True)
    rows = []
    skip = re.compile(r"^(0x[0-9a-f]+|_start|main|__libc_start.*|g_main_.*|clone3|start_thread|"
                      r"entry_SYSCALL.*|do_syscall_64|g_signal_emit.*|g_cclosure_marshal.*|g_closure_invoke)$")
    for line in rep.stdout.splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+([\d.]+)%\s+\[(.)\]\s+(\S+)\s+(\S+)", line)
        if m and not skip.match(m.group(4)) and not m.group(4).startswith("0x"):
            rows.append({"children": float(m.group(1)), "self": float(m.group(2)), "kind": m.group(3),
                         "symbol": m.group(4), "dso": m.group(5)})
    return rows[:30]


def aggregate_massif(path, n, peak=False):
    """A massif snapshot's heap by the innermost tincand functions of the
    allocating stack (three, innermost first), bytes.  peak: the peak
    snapshot of a massif output file instead of its only snapshot."""
    lines = open(path).read().split("\n")
    if peak:
        i = next(k for k, l in enumerate(lines) if l == "heap_tree=peak")
        j = i
        while not lines[j].startswith("snapshot="):
            j -= 1
        k = i + 1
        while k < len(lines) and not lines[k].startswith("#-"):
            k += 1
        lines = lines[j:k]
    hdr, start = {}, None
    for i, l in enumerate(lines):
        if l.startswith("mem_heap_B=") or l.startswith("mem_heap_extra_B="):
            k, v = l.split("=")
            hdr[k] = int(v)
        if l.startswith("heap_tree="):
            start = i + 1
    rx = re.compile(r"^( *)n(\d+): (\d+) (.*)$")
    stack, agg = [], {}
    for l in lines[start or len(lines):]:
        m = rx.match(l)
        if not m:
            continue
        depth, nchild, b, desc = len(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
        stack = stack[:depth] + [desc]
        if nchild == 0:
            fr = [re.sub(r"^0x[0-9A-F]+: ", "", x).split(" (")[0] for x in stack[1:] if "tincand)" in x]
            if fr:
                key = " < ".join(fr[:3])
            else:
                key = "(no tincand frame) " + " < ".join(
                    re.sub(r"^0x[0-9A-F]+: ", "", x).split(" (")[0] for x in stack[1:4])
            agg[key] = agg.get(key, 0) + b
    rows = sorted(agg.items(), key=lambda kv: -kv[1])
    return {"n": n, "heap_B": hdr.get("mem_heap_B"), "extra_B": hdr.get("mem_heap_extra_B"),
            "rows": [{"where": k, "bytes": v} for k, v in rows[:25]]}


def profile_massif(h, ctx, n, out):
    """massif of tincand with n endpoints; a detailed snapshot (vgdb)
    scale_settle seconds after all are registered."""
    mfile = os.path.join(out, "massif-%d.out" % n)
    snap = os.path.join(out, "massif-%d-registered.out" % n)
    kam, bus, watcher, p = start_profiled_tincand(
        h, ctx, "massif-%d" % n, n, ["valgrind", "--tool=massif", "--threshold=0.2", "--massif-out-file=" + mfile])
    try:
        watcher.wait_for(lambda: watcher.all_t is not None, 1200, "all registered under massif")
        time.sleep(ctx.args.scale_settle)
        subprocess.run(["vgdb", "--pid=%d" % p.pid, "detailed_snapshot", snap], capture_output=True, timeout=300)
    finally:
        p.stop(grace=60)
        watcher.stop()
        bus.proc.stop()
        kam.stop()
    res = aggregate_massif(snap, n)
    res["file"] = os.path.relpath(snap, SRCDIR)
    try:
        res["peak"] = aggregate_massif(mfile, n, peak=True)
        res["peak_file"] = os.path.relpath(mfile, SRCDIR)
    except (StopIteration, OSError) as e:
        log("no massif peak: %s" % e)
    return res


def bench_scale(h, ctx, programs):
    a = ctx.args
    res = {"runs": [], "baseline": [], "counts": a.scale_counts, "expires": a.scale_expires,
           "observe_s": a.refresh_seconds, "programs": programs, "timeout_s": a.scale_timeout}
    for run in range(1, a.scale_runs + 1):
        for prog in programs:
            res["baseline"].append({"program": prog, "run": run, "rss_kib": baseline_rss(h, ctx, prog, run)})
    for n in a.scale_counts:
        for run in range(1, a.scale_runs + 1):
            order = programs if run % 2 else list(reversed(programs))
            for prog in order:
                observe = a.refresh_seconds if (n == a.refresh_count and run == 1) else 0
                res["runs"].append(scale_one(h, ctx, prog, n, run, observe, a.scale_expires))
                time.sleep(1)
    if a.profile:
        out = os.path.abspath(a.results)
        res["profile_perf"] = profile_perf(h, ctx, a.profile_perf_count, out)
        res["profile_massif"] = profile_massif(h, ctx, a.profile_massif_count, out)
    return res


# --- 3. messaging -----------------------------------------------------------------


def parse_result(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("result "):
            for kv in line.split()[1:]:
                k, _, v = kv.partition("=")
                try:
                    out[k] = float(v) if "." in v else int(v)
                except ValueError:
                    out[k] = v
        elif line.startswith("first-error "):
            out["first_error_msg"] = line[len("first-error "):]
    return out


def children_cpu():
    import resource
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def bench_message(h, ctx):
    a = ctx.args
    res = {"runs": [], "windows": a.windows, "seconds": a.msg_seconds, "warmup": a.msg_warmup,
           "body_size": a.body_size}
    bus = PrivateBus(h, "dbus-message")
    root = h.path("message-tincand")
    os.makedirs(os.path.join(root, "config", "tincan"), mode=0o700, exist_ok=True)
    watcher = Watcher(h, ctx.dbus_bench, bus, 0, "watch-message")
    p, _ = start_tincand(h, ctx, root, bus, "tincand-message")
    watcher.wait_for(lambda: watcher.name_t is not None, 20, "bus name")
    watcher.stop()
    sipp = Sipp(h, "uas-message", name="sipp-uas-message", calls=None, duration_ms=0, timeout=0,
                extra_args=["-max_recv_loops", "10000", "-max_sched_loops", "10000", "-buff_size", "4194304"]).start()
    res["sipp_argv"] = sipp.argv
    target = "sip:uas@%s:%d" % (LOOPBACK, sipp.port)
    modes = ["send", "floor"] if not a.no_floor else ["send"]
    try:
        for run in range(1, a.msg_runs + 1):
            ws = a.windows[(run - 1) % len(a.windows):] + a.windows[:(run - 1) % len(a.windows)]
            for w in ws:
                for mode in modes:
                    argv = [ctx.dbus_bench, "message", "--address", bus.address, "--window", str(w),
                            "--seconds", str(a.msg_seconds), "--warmup", str(a.msg_warmup),
                            "--body-size", str(a.body_size)]
                    argv += ["--floor"] if mode == "floor" else ["--target", target]
                    cpu0 = {"tincand": cpu_seconds(p.pid), "dbus-daemon": cpu_seconds(bus.proc.pid),
                            "sipp": cpu_seconds(sipp.proc.pid), "client": children_cpu()}
                    out = subprocess.run(argv, capture_output=True, text=True,
                                         timeout=a.msg_seconds + a.msg_warmup + 60)
                    cpu1 = {"tincand": cpu_seconds(p.pid), "dbus-daemon": cpu_seconds(bus.proc.pid),
                            "sipp": cpu_seconds(sipp.proc.pid), "client": children_cpu()}
                    r = parse_result(out.stdout)
                    if not r:
                        raise HarnessError("dbus-bench message failed (exit %d): %s" % (out.returncode, out.stderr))
                    r.update(run=run, window=w, mode=mode)
                    r["cpu_s"] = {k: (cpu1[k] - cpu0[k]) if cpu1[k] is not None and cpu0[k] is not None else None
                                  for k in cpu0}
                    res["runs"].append(r)
                    log("message run %d window %d %s: %.0f/s p50 %.0f us p99 %.0f us errors %s" % (
                        run, w, mode, r.get("rate", 0), r.get("p50_us", 0), r.get("p99_us", 0), r.get("errors")))
                    p.check_alive()
        if a.profile:
            data = os.path.abspath(os.path.join(a.results, "perf-message.data"))
            argv = [ctx.dbus_bench, "message", "--address", bus.address, "--window", "64", "--seconds", "6",
                    "--warmup", "1", "--body-size", str(a.body_size), "--target", target]
            client = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            time.sleep(2)
            subprocess.run(["perf", "record", "-q", "-F", "999", "--call-graph", "dwarf,16384", "-o", data, "-p",
                            str(p.pid), "--", "sleep", "3"], capture_output=True)
            r = parse_result(client.communicate(timeout=120)[0])
            res["profile_perf"] = {"rows": perf_rows(data), "data": os.path.relpath(data, SRCDIR),
                                   "rate": r.get("rate")}
    finally:
        st = sipp.stop()
        if st:
            res["sipp_stats"] = {k: st.stats.get(k) for k in ("SuccessfulCall(C)", "FailedCall(C)",
                                                                "Retransmissions(C)", "TotalCallCreated")}
        res["tincand_rss_kib"] = proc_status(p.pid, "VmRSS")
        p.stop(grace=8)
        bus.proc.stop()
    return res


# --- machine, versions ------------------------------------------------------------


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def is_vm():
    with open("/proc/cpuinfo") as f:
        return "hypervisor" in f.read()


def pkg_version(p):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], capture_output=True, text=True)
    return r.stdout.strip() or "not installed"


def machine_info():
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu_model(), "nproc": os.cpu_count(), "vm": is_vm(),
            "kernel": "%s %s (%s)" % (platform.system(), platform.release(), platform.machine()),
            "load": open("/proc/loadavg").read().split()[:3],
            "versions": {p: pkg_version(p) for p in ("kamailio", "baresip-core", "linphone-cli", "sip-tester",
                                                     "dbus-daemon", "libglib2.0-0")}}


def git_rev():
    try:
        rev = subprocess.run(["git", "-C", SRCDIR, "describe", "--always", "--dirty"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", SRCDIR, "status", "--porcelain", "--", "daemon"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" (with uncommitted changes in daemon/)" if dirty else "")
    except OSError:
        return "unknown"


# --- report -------------------------------------------------------------------------


def fnum(x, nd=0):
    if x is None:
        return "-"
    return "{:,.{}f}".format(x, nd)


def ratio(a, b):
    """a / b as "1.23x", or "-"."""
    if a is None or b is None or b == 0:
        return "-"
    return "%.2fx" % (a / b)


def mib(kib):
    return None if kib is None else kib / 1024.0


def header(w, key, res):
    w(SECTIONS[key])
    w("")
    w("Generated by `%s` (%s); re-run it to refresh, do not edit by hand.  Raw data: `%s`." % (
        res["command"], res["machine"]["date"], res["results_file"]))
    w("")


def machine_lines(w, res):
    m = res["machine"]
    w("Machine: %s, %d logical CPUs (nproc)%s; kernel %s; load average at the start %s.  tincand: git %s, "
      "`%s`.  Peers (Debian packages): %s." % (
          m["cpu"], m["nproc"], ", a virtual machine (hypervisor flag set)" if m["vm"] else "", m["kernel"],
          " ".join(m["load"]), res["git"], res["tincand_build"],
          ", ".join("%s %s" % kv for kv in m["versions"].items())))
    w("")


def vals(runs, prog, key, **match):
    return [r[key] for r in runs if r["program"] == prog and r.get(key) is not None
            and all(r.get(k) == v for k, v in match.items())]


def paired_ratio(runs, a, b, key, **match):
    """Median over runs of a[key]/b[key], same run number."""
    by = {}
    for r in runs:
        if r.get(key) is not None and all(r.get(k) == v for k, v in match.items()):
            by.setdefault(r["run"], {})[r["program"]] = r[key]
    rs = [d[a] / d[b] for d in by.values() if a in d and b in d and d[b]]
    return (median(rs), min(rs), max(rs)) if rs else (None, None, None)


def render_idle(res):
    out = []
    w = out.append
    header(w, "idle", res)
    runs = res["runs"]
    progs = [p for p in IDLE_PROGRAMS if vals(runs, p, "registered_ms")]
    reg = {p: median(vals(runs, p, "registered_ms")) for p in progs}
    rss = {p: median(vals(runs, p, "rss_kib")) for p in progs}
    n = {p: len(vals(runs, p, "registered_ms")) for p in progs}
    w("Targets (issue 4): tincand registered at most %d ms after exec and at most 7 MB resident once registered "
      "and idle.  Measured earlier (issue text): baresip 16.5 ms and 7.8 MB, linphonec 194 ms and 63 MB." %
      TARGET_IDLE_MS)
    w("")
    w("| program | bus name owned (ms) | first REGISTER at Kamailio (ms) | **registered at Kamailio (ms)** | "
      "RegistrationStateChanged on D-Bus (ms) | **RSS registered, idle (MiB)** | PSS (MiB) | private dirty (MiB) | "
      "VmHWM (MiB) | CPU time (ms) | threads | runs |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for p in progs:
        w("| %s | %s | %s | **%s** | %s | **%s** | %s | %s | %s | %s | %s | %d |" % (
            p, fnum(median(vals(runs, p, "name_ms")), 1), fnum(median(vals(runs, p, "first_register_ms")), 1),
            fnum(reg[p], 1), fnum(median(vals(runs, p, "bus_registered_ms")), 1), fnum(mib(rss[p]), 2),
            fnum(mib(median(vals(runs, p, "pss_kib"))), 2), fnum(mib(median(vals(runs, p, "private_dirty_kib"))), 2),
            fnum(mib(median(vals(runs, p, "hwm_kib"))), 2), fnum(median(vals(runs, p, "cpu_ms")), 1),
            (vals(runs, p, "threads") or ["-"])[-1], n[p]))
    w("")
    w("Medians over the runs; times from exec (see Method).  RSS is VmRSS of /proc/PID/status %.1f s after the "
      "registration (1 MiB = 1,024 KiB); PSS and private dirty from /proc/PID/smaps_rollup at the same moment "
      "(PSS divides each shared page by the processes mapping it; private dirty is the memory no other process "
      "could share: heap, stacks, relocated data); CPU time is the time on CPU of the process's live threads "
      "at that moment (/proc/PID/task/*/schedstat)." %
      res["settle_s"])
    w("")
    if "tincand" in reg:
        w("Ratios (peer / tincand; above 1.00x tincand is faster or smaller), medians, and paired by run "
          "(median, min - max of the per-run ratios):")
        w("")
        for peer in [p for p in progs if p != "tincand"]:
            pr = paired_ratio(runs, peer, "tincand", "registered_ms")
            ps = paired_ratio(runs, peer, "tincand", "rss_kib")
            w("- %s: registration time %s (paired %s, %s - %s); RSS %s (paired %s)" % (
                peer, ratio(reg[peer], reg["tincand"]), ratio(pr[0], 1), ratio(pr[1], 1), ratio(pr[2], 1),
                ratio(rss[peer], rss["tincand"]), ratio(ps[0], 1)))
        w("")
        t_ok = reg["tincand"] <= TARGET_IDLE_MS
        r_ok = rss["tincand"] * 1024 <= 7e6
        w("Target: registration %s (%s ms against %d ms); memory %s (%s MB = %s KiB against 7 MB = 6,836 KiB; "
          "7 MiB would be 7,168 KiB)." % (
              "**met**" if t_ok else "**missed**", fnum(reg["tincand"], 1), TARGET_IDLE_MS,
              "**met**" if r_ok else "**missed**", fnum(rss["tincand"] * 1024 / 1e6, 2), fnum(rss["tincand"])))
        w("")
    smaps = {}
    for p in progs:
        rr = [r for r in runs if r["program"] == p and r.get("smaps")]
        if rr:
            rr.sort(key=lambda r: r["rss_kib"])
            smaps[p] = rr[len(rr) // 2]["smaps"]  # the run with the median RSS
    if "tincand" in smaps:
        w("Where the resident memory is (/proc/PID/smaps of the run with the median RSS, KiB per mapping; "
          "shared objects include their code pages, which other processes may share):")
        w("")
        peers = [p for p in progs if p != "tincand" and p in smaps]
        w("| mapping | tincand |" + "".join(" %s |" % p for p in peers))
        w("|---|---:|" + "---:|" * len(peers))
        top = sorted(smaps["tincand"].items(), key=lambda kv: -kv[1])
        shown = top[:14]
        for name, kib in shown:
            w("| %s | %s |" % (name, fnum(kib)) + "".join(" %s |" % fnum(smaps[p].get(name)) for p in peers))
        rest = sum(v for _, v in top[14:])
        w("| (%d other mappings) | %s |" % (len(top) - len(shown), fnum(rest)) + " |" * len(peers))
        w("| **total** | **%s** |" % fnum(sum(smaps["tincand"].values())) + "".join(
            " **%s** |" % fnum(sum(smaps[p].values())) for p in peers))
        w("")
        for p in peers:
            ptop = sorted(smaps[p].items(), key=lambda kv: -kv[1])[:6]
            w("%s's largest: %s." % (p, ", ".join("%s %s" % (n_, fnum(k)) for n_, k in ptop)))
        w("")
    w("Per run, registered at Kamailio (ms): " + "; ".join(
        "%s %s" % (p, ", ".join(fnum(x, 1) for x in vals(runs, p, "registered_ms"))) for p in progs) + ".")
    w("")
    w("Per run, RSS (KiB): " + "; ".join(
        "%s %s" % (p, ", ".join(fnum(x) for x in vals(runs, p, "rss_kib"))) for p in progs) + ".")
    w("")
    w("**Method.**  One Kamailio (below) for all runs; in each of the %d runs the three programs one after the "
      "other, in an order that rotates, each with its own fresh account (user idle_<program>_<run>) and its own "
      "fresh HOME / XDG directories.  Each program is started through `exec-stamp` (bench/daemon/exec-stamp.c), "
      "which writes the wall-clock time (CLOCK_REALTIME) and then execs the program in the same process: that is "
      "\"exec\".  The observable common to the three is the registrar's: the Kamailio config logs `KREGOK "
      "$TV(Sn) user` right after `save(\"location\")` stored the binding (gettimeofday in the Kamailio worker, "
      "the same clock), just before the 200 goes out; \"registered at Kamailio\" is that time minus the exec "
      "time, i.e. start-up, the REGISTER, the 401 challenge, the authenticated REGISTER and the registrar's "
      "work.  \"First REGISTER\" is the arrival of the unauthenticated one (logged the same way).  tincand is "
      "also seen from the bus: `dbus-bench watch` (bench/daemon/dbus-bench.c), connected to the private bus "
      "before tincand starts, timestamps NameOwnerChanged for org.tincan.Tincan1 and the first "
      "RegistrationStateChanged \"registered\"." % len(set(r["run"] for r in runs)))
    w("")
    w("- tincand: `tincand --address <private bus> --no-secret-service --no-default-endpoint`, its account "
      "persisted in `$XDG_CONFIG_HOME/tincan/endpoints/<id>.conf` (`[Endpoint]` uri=sip:<user>@%s, "
      "kind=registered, registrar=sip:127.0.0.1:<kamailio port>, transport=udp, listen=127.0.0.1:0, "
      "instance-id=urn:uuid:…) and its password in `$XDG_CONFIG_HOME/tincan/credentials` (mode 0600).  The "
      "private `dbus-daemon --session` is started once, before any timing." % REALM)
    w("- baresip: `baresip -f <dir>`; config: UDP on 127.0.0.1, modules ctrl_tcp, g711, account, menu (the "
      "harness's headless baresip: a control socket, as tincand has D-Bus); accounts file with one line "
      "`<sip:<user>@127.0.0.1:<kamailio port>;transport=udp>;auth_pass=…;regint=3600`.")
    w("- linphonec: `linphonec -c <linphonerc>` with stdin an open pipe (it quits on end of input); linphonerc: "
      "UDP only, IPv4 only, `[proxy_0]` reg_proxy=<sip:127.0.0.1:<kamailio port>;transport=udp>, "
      "reg_identity=sip:<user>@127.0.0.1:<port>, reg_expires=3600, and `[auth_info_0]` username/passwd/realm.  "
      "It finds no sound card on this machine (logged; it goes on without).")
    w("")
    kamailio_note(w, res)
    machine_lines(w, res)
    return "\n".join(out)


def kamailio_note(w, res):
    w("Kamailio %s: tests/interop/harness.py's registrar config (401 digest challenge on REGISTER, usrloc in "
      "memory) started by the benchmark with `%s`, with these changes for load (BenchKamailio in "
      "bench/daemon/bench-daemon.py): %d UDP workers (children), -m %d MB shared and -M %d MB private memory, a "
      "2^14-slot usrloc hash, tcp_max_connections=16000, no per-request log line, one log line per REGISTER "
      "received and per binding stored (with $TV(Sn)), and the digest response checked by "
      "`pv_www_authenticate()` against the password `pw-<user>` computed in the config instead of `auth_db` "
      "over a db_text subscriber table, so that 10,000 users need no generated table and the registrar's work "
      "per request does not depend on the number of users.  The digest exchange (401, then the authenticated "
      "REGISTER) and the MD5 work are the same." % (
          res["machine"]["versions"].get("kamailio", ""), " ".join(
              os.path.basename(a) if a.startswith("/") else a for a in res.get("kamailio_argv", ["kamailio"])),
          res["kamailio_children"], 512, 32))
    w("")


def render_scale(res):
    out = []
    w = out.append
    header(w, "scale", res)
    runs = res["runs"]
    progs = [p for p in ("tincand", "baresip") if any(r["program"] == p for r in runs)]
    base = {p: median([b["rss_kib"] for b in res["baseline"] if b["program"] == p and b["rss_kib"]])
            for p in progs}
    w("Targets (issue 4): %s registered endpoints in one tincand registered within %.0f s, at most %.0f KiB of "
      "RSS per endpoint." % (fnum(TARGET_SCALE_N), TARGET_SCALE_S, TARGET_PER_ENDPOINT_KIB))
    w("")
    w("| endpoints | program | **all registered at Kamailio (s)** | first / 50 % / 99 % registered (s) | all seen on "
      "D-Bus (s) | bus name owned (s) | RSS (MiB) | **RSS per endpoint (KiB)** | REGISTERs per binding | UDP "
      "datagrams dropped: by the client / by Kamailio | CPU time until all registered (s) | runs |")
    w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for n in res["counts"]:
        for p in progs:
            rr = [r for r in runs if r["program"] == p and r["n"] == n]
            if not rr:
                continue
            full = [r for r in rr if r.get("all_registered")]
            t_all = median([r["last_registered_s"] for r in full])
            per_ep = [(r["rss_kib"] - base[p]) / n for r in full if r.get("rss_kib") and base.get(p)]
            summary[(n, p)] = {"t_all": t_all, "per_ep": median(per_ep), "full": len(full), "runs": len(rr),
                               "registered": [r["registered"] for r in rr]}
            errs = [r["error"] for r in rr if r.get("error")]
            if len(full) < len(rr):
                partial = ("; %s: " % ", ".join(errs) if errs else "") + "; not all in %d of %d runs: %s of %s registered after %s s" % (
                    len(rr) - len(full), len(rr), "/".join(fnum(r["registered"]) for r in rr if not r.get(
                        "all_registered")), fnum(n), "/".join(fnum(r.get("waited_s"), 0) for r in rr if not r.get(
                            "all_registered")))
            else:
                partial = ""
            w("| %s | %s | **%s**%s | %s / %s / %s | %s | %s | %s | **%s** | %s | %s | %s | %d |" % (
                fnum(n), p, fnum(t_all, 3), partial,
                fnum(median([r["first_registered_s"] for r in rr if "first_registered_s" in r]), 3),
                fnum(median([r["p50_registered_s"] for r in rr if "p50_registered_s" in r]), 3),
                fnum(median([r["p99_registered_s"] for r in rr if "p99_registered_s" in r]), 3),
                fnum(median([r["bus_all_registered_s"] for r in rr if "bus_all_registered_s" in r]), 3),
                fnum(median([r["name_s"] for r in rr if "name_s" in r]), 3),
                fnum(mib(median([r["rss_kib"] for r in rr if r.get("rss_kib")])), 1),
                fnum(median(per_ep), 2),
                fnum(median([r["requests_per_initial_binding"] for r in rr if "requests_per_initial_binding" in r]),
                     2),
                "%s / %s" % (fnum(median([r["drops_client"] for r in rr if r.get("drops_client") is not None])),
                             fnum(median([r["drops_kamailio"] for r in rr if r.get("drops_kamailio") is not None]))),
                fnum(median([r["cpu_at_registered_s"] for r in rr if r.get("cpu_at_registered_s") is not None]), 2),
                len(rr)))
    w("")
    w("RSS with no endpoint (median of %d starts each): %s.  RSS per endpoint = (RSS with N registered, %.0f s "
      "after the last registration, when the REGISTER transactions have ended (Timer K, 5 s) - RSS with none) / "
      "N, D-Bus objects included for tincand." % (
          res["scale_runs"], "; ".join("%s %s KiB" % (p, fnum(base[p])) for p in progs), res["scale_settle_s"]))
    w("")
    if "tincand" in progs:
        for n in res["counts"]:
            t = summary.get((n, "tincand"))
            b = summary.get((n, "baresip"))
            if t and b:
                w("- %s endpoints, baresip / tincand: time until all registered %s, RSS per endpoint %s." % (
                    fnum(n), ratio(b["t_all"], t["t_all"]), ratio(b["per_ep"], t["per_ep"])))
        w("")
        t = summary.get((TARGET_SCALE_N, "tincand"))
        if t:
            t_ok = t["t_all"] is not None and t["t_all"] <= TARGET_SCALE_S and t["full"] == t["runs"]
            m_ok = t["per_ep"] is not None and t["per_ep"] <= TARGET_PER_ENDPOINT_KIB
            w("Target: time %s (%s s against %.0f s); memory %s (%s KiB per endpoint against %.0f KiB)." % (
                "**met**" if t_ok else "**missed**", fnum(t["t_all"], 3), TARGET_SCALE_S,
                "**met**" if m_ok else "**missed**", fnum(t["per_ep"], 2), TARGET_PER_ENDPOINT_KIB))
            w("")
    w("Per run, all registered at Kamailio (s): " + "; ".join(
        "%s x %s: %s" % (p, fnum(n), ", ".join(
            fnum(r.get("last_registered_s"), 3) + ("" if r.get("all_registered") else " (%d only)" % r["registered"])
            for r in runs if r["program"] == p and r["n"] == n))
        for n in res["counts"] for p in progs) + ".")
    w("")
    obs = [r for r in runs if r.get("observe_s")]
    if obs:
        w("### REGISTER rate over time (%s endpoints, expires %d s, %d s observed)" % (
            fnum(obs[0]["n"]), res["expires"], obs[0]["observe_s"]))
        w("")
        w("Bindings stored by Kamailio (REGISTER answered 200, refreshes included, un-REGISTERs excluded) per 10 s "
          "from exec, and REGISTER requests received (challenged ones included):")
        w("")
        hdr = "| seconds from exec |" + "".join(" %s 200s | %s requests |" % (r["program"], r["program"])
                                                 for r in obs)
        w(hdr)
        w("|---|" + "---:|---:|" * len(obs))
        span = max(len(r["hist_ok"]) for r in obs)
        for i in range(0, span, 10):
            w("| %d-%d |" % (i, i + 10) + "".join(" %d | %d |" % (sum(r["hist_ok"][i:i + 10]),
                                                                   sum(r["hist_rx"][i:i + 10])) for r in obs))
        w("")
        for r in obs:
            w("- %s: %d refreshes by %d of %d endpoints between %s s and %s s after exec; at most %s refreshes in "
              "one second, refreshes seen in %s distinct seconds; %s REGISTER requests per binding after the initial "
              "registration (1.00: the nonce is reused, no new 401; 2.00: every refresh is challenged); %d "
              "duplicate bindings (a retransmitted REGISTER stored again); RSS %s MiB at the end of the window "
              "(%s MiB after registering)." % (
                  r["program"], r.get("refreshes", 0), r.get("users_refreshed", 0), r["n"],
                  fnum(r.get("first_refresh_s"), 1), fnum(r.get("last_refresh_s"), 1),
                  fnum(r.get("refresh_peak_per_s")), fnum(r.get("refresh_seconds_with_any")),
                  fnum(r.get("requests_per_refresh"), 2), r.get("duplicate_bindings", 0),
                  fnum(mib(r.get("rss_end_kib")), 1),
                  fnum(mib(r.get("rss_kib")), 1)))
        w("")
        w("Per second, 200s (first line of each program: seconds 0-59, then 60-119, ...):")
        w("")
        w("```")
        for r in obs:
            w("%s:" % r["program"])
            h_ = r["hist_ok"]
            for i in range(0, len(h_), 60):
                w("  %3d-%3d  %s" % (i, min(i + 60, len(h_)) - 1, " ".join(str(c) for c in h_[i:i + 60])))
        w("```")
        w("")
    pp, pm = res.get("profile_perf"), res.get("profile_massif")
    if pp or pm:
        w("### Where tincand's time and memory go")
        w("")
    if pp:
        w("`perf record -F 499 --call-graph dwarf` of tincand from exec until its %s endpoints are registered "
          "(same set-up as above, one run; raw data `%s`); functions by the share of samples in which they are on "
          "the stack (children) and at the top (self), as `perf report --children --sort symbol,dso` gives "
          "them (main-loop, dispatch and signal-emission frames and unresolved addresses left out):" % (
              fnum(pp["n"]), pp["data"]))
        w("")
        perf_table(w, pp["rows"], 20)
    if pm:
        tot = (pm["heap_B"] or 0) + (pm["extra_B"] or 0)
        w("massif (valgrind) of tincand with %s endpoints, a detailed snapshot taken %.0f s after all were "
          "registered (raw data `%s`): %s bytes of heap in use plus %s bytes of allocator overhead, %s KiB per "
          "endpoint.  By the innermost tincand functions on the allocating stack (innermost first):" % (
              fnum(pm["n"]), res["scale_settle_s"], pm["file"], fnum(pm["heap_B"]), fnum(pm["extra_B"]),
              fnum(tot / pm["n"] / 1024.0, 2)))
        w("")
        w("| allocated under | bytes | per endpoint (bytes) | share of the heap |")
        w("|---|---:|---:|---:|")
        for r in pm["rows"][:20]:
            w("| %s | %s | %s | %.1f %% |" % (r["where"], fnum(r["bytes"]), fnum(r["bytes"] / pm["n"]),
                                               100.0 * r["bytes"] / (pm["heap_B"] or 1)))
        w("")
        pk = pm.get("peak")
        if pk:
            ptot = (pk["heap_B"] or 0) + (pk["extra_B"] or 0)
            w("The peak of the same run (massif's peak snapshot, during the registration burst; `%s`): %s bytes of "
              "heap plus %s bytes of overhead, %s KiB per endpoint.  What is freed after the peak is not all given "
              "back to the system: tincand calls malloc_trim() once a burst is over (daemon/main.c), which returns "
              "the free pages, but pages still holding a live block stay; so the RSS lies between the steady heap "
              "and this peak (VmRSS is above; VmHWM, the peak RSS, is hwm_kib in the results file).  "
              "Largest at the peak:" % (pm["peak_file"], fnum(pk["heap_B"]), fnum(pk["extra_B"]),
                                        fnum(ptot / pk["n"] / 1024.0, 2)))
            w("")
            w("| allocated under (peak) | bytes | per endpoint (bytes) |")
            w("|---|---:|---:|")
            for r in pk["rows"][:10]:
                w("| %s | %s | %s |" % (r["where"], fnum(r["bytes"]), fnum(r["bytes"] / pk["n"])))
            w("")
    w("**Method.**  For each N and run a fresh Kamailio (below) and a fresh program.  tincand loads N persisted "
      "accounts at start-up (the start-up-with-config path, not CreateEndpoint): N files "
      "`endpoints/u<i>.conf` (uri=sip:u<i>@%s, kind=registered, registrar=sip:127.0.0.1:<port>, transport=udp, "
      "expires=%d, instance-id; no listen: they share the manager's SIP stack) and one credentials file with N "
      "groups; command as in the idle benchmark.  baresip gets an accounts file of N lines (the idle "
      "benchmark's line with regint=%d).  Time until all registered: the time, from exec, of the last first "
      "binding among the N users in Kamailio's log (see the idle section); for tincand also the time the "
      "N-th endpoint reached \"registered\" in the RegistrationStateChanged signals counted by `dbus-bench "
      "watch`.  A run gives up after %d s and reports how many were registered.  \"REGISTERs per binding\" "
      "is the REGISTER requests Kamailio received until the last first binding divided by the bindings (2.00: "
      "each endpoint's REGISTER was challenged once).  \"UDP datagrams dropped\" is the drops counter of "
      "/proc/net/udp (receive buffer full) of the client's sockets and of Kamailio's socket, read when the "
      "last endpoint registered; a dropped REGISTER or response costs a retransmission 500 ms later.  The "
      "rate over time is the "
      "histogram of Kamailio's logged binding times; with expires=%d the refreshes fall inside the window." % (
          REALM, res["expires"], res["expires"], res["timeout_s"], res["expires"]))
    w("")
    kamailio_note(w, res)
    machine_lines(w, res)
    return "\n".join(out)


def perf_table(w, rows, limit):
    w("| function | in | children | self |")
    w("|---|---|---:|---:|")
    for r in rows[:limit]:
        dso = r.get("dso", "")
        w("| %s | %s | %.1f %% | %.1f %% |" % (r["symbol"], "kernel" if r["kind"] == "k" else dso, r["children"],
                                              r["self"]))
    w("")


def render_message(res):
    out = []
    w = out.append
    header(w, "message", res)
    runs = res["runs"]
    w("Target (issue 4): %s MESSAGEs per second sent with Endpoint.SendMessage over D-Bus." % fnum(TARGET_MSG_RATE))
    w("")
    w("| calls outstanding | **SendMessage: MESSAGE/s** | p50 (us) | p99 (us) | errors | D-Bus floor: calls/s | "
      "floor p50 (us) | floor p99 (us) | CPU per MESSAGE: tincand / dbus-daemon / SIPp / client (us) | runs |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    best = None
    for win in res["windows"]:
        s = [r for r in runs if r["window"] == win and r["mode"] == "send"]
        f = [r for r in runs if r["window"] == win and r["mode"] == "floor"]
        rate = median([r["rate"] for r in s])
        if rate is not None and (best is None or rate > best[1]):
            best = (win, rate)
        cpu = []
        for k in ("tincand", "dbus-daemon", "sipp", "client"):
            v = [r["cpu_s"][k] / r["ok"] * 1e6 for r in s if r.get("ok") and r["cpu_s"].get(k) is not None]
            cpu.append(fnum(median(v), 0))
        w("| %d | **%s** | %s | %s | %s | %s | %s | %s | %s | %d |" % (
            win, fnum(rate), fnum(median([r["p50_us"] for r in s]), 0), fnum(median([r["p99_us"] for r in s]), 0),
            fnum(sum(r.get("errors", 0) for r in s)), fnum(median([r["rate"] for r in f])),
            fnum(median([r["p50_us"] for r in f]), 0), fnum(median([r["p99_us"] for r in f]), 0), " / ".join(cpu),
            len(s)))
    w("")
    if best:
        w("Target: %s (best: %s MESSAGE/s with %d calls outstanding, against %s)." % (
            "**met**" if best[1] >= TARGET_MSG_RATE else "**missed**", fnum(best[1]), best[0],
            fnum(TARGET_MSG_RATE)))
        w("")
    errs = [r for r in runs if r.get("first_error_msg")]
    if errs:
        w("Errors seen: " + "; ".join("window %d %s: %s" % (r["window"], r["mode"], r["first_error_msg"])
                                       for r in errs[:5]))
        w("")
    st = res.get("sipp_stats") or {}
    if st:
        w("SIPp UAS at the end: %s MESSAGEs answered (SuccessfulCall), %s failed, %s retransmissions." % (
            st.get("SuccessfulCall(C)"), st.get("FailedCall(C)"), st.get("Retransmissions(C)")))
        w("")
    w("Per run, MESSAGE/s: " + "; ".join("window %d: %s" % (win, ", ".join(
        fnum(r["rate"]) for r in runs if r["window"] == win and r["mode"] == "send")) for win in res["windows"]) + ".")
    w("")
    w("**Method.**  One tincand (no account; `--no-default-endpoint`) on a private dbus-daemon, one SIPp UAS "
      "answering every MESSAGE with 200 on 127.0.0.1 UDP (`%s`).  The client "
      "is `dbus-bench message` (bench/daemon/dbus-bench.c, GDBus, one connection, one thread): it creates a "
      "peer-to-peer endpoint with CreateEndpoint (sip:bench@127.0.0.1, listen 127.0.0.1:0), then keeps W "
      "SendMessage calls outstanding (target sip:uas@127.0.0.1:<sipp port>, text/plain, a %d-byte body), a new "
      "call as soon as one returns, for %g s of warm-up and %g s measured.  MESSAGE/s: calls that returned "
      "(SendMessage returns when the MESSAGE transaction got its final response) during the measured seconds, "
      "divided by them; latency: call to reply (CLOCK_MONOTONIC) of the calls started in the measured seconds.  "
      "D-Bus floor: the same client calling org.freedesktop.DBus.Properties.Get(Manager, Version) on tincand "
      "instead, with the same window: what the bus and tincand's D-Bus dispatch allow with no SIP at all.  CPU "
      "per MESSAGE: each process's user + system time over the run (warm-up and drain included) divided by the "
      "MESSAGEs sent in it.  Windows and modes are interleaved in every run (order rotating)." % (
          sipp_command(res.get("sipp_argv", ["sipp"])),
          res["body_size"], res["warmup"], res["seconds"]))
    w("")
    pp = res.get("profile_perf")
    if pp:
        w("Where tincand's time goes: `perf record -F 999 --call-graph dwarf -p <tincand>` for 3 s in the middle "
          "of an extra SendMessage run with 64 calls outstanding (%s MESSAGE/s in that run; raw data `%s`); "
          "functions by the share of samples in which they are on the stack (children) and at the top (self), as "
          "`perf report --children --sort symbol,dso` gives them (main-loop, dispatch and signal-emission frames and "
          "unresolved addresses left out):" % (
              fnum(pp.get("rate")), pp["data"]))
        w("")
        perf_table(w, pp["rows"], 25)
    w("baresip and linphonec are not in this table: their control interfaces (baresip's ctrl_tcp/menu "
      "`message` command, linphonec's `chat` command on stdin) return before the MESSAGE transaction completes "
      "and report no per-message outcome, so there is no call-to-200 latency or completed-MESSAGE rate to set "
      "beside SendMessage's.")
    w("")
    machine_lines(w, res)
    return "\n".join(out)


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


RENDER = {"idle": render_idle, "scale": render_scale, "message": render_message}


def replace_section(path, title, text):
    old = open(path).read() if os.path.exists(path) else ""
    i = old.find(title)
    if i >= 0:
        j = old.find("\n## ", i + len(title))
        new = old[:i] + text.rstrip("\n") + "\n" + (old[j:] if j >= 0 else "")
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(new if new.endswith("\n") else new + "\n")
    os.replace(tmp, path)


def write_report(path, results):
    for key in ("idle", "scale", "message"):
        if key in results:
            replace_section(path, SECTIONS[key], RENDER[key](results[key]))


# --- main ---------------------------------------------------------------------------


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--rerender":
        report = sys.argv[2]
        results = {}
        for p in sys.argv[3:]:
            with open(p) as f:
                res = json.load(f)
            for pp in (res.get("profile_perf"),):
                if pp and os.path.exists(os.path.join(SRCDIR, pp["data"])):
                    pp["rows"] = perf_rows(os.path.join(SRCDIR, pp["data"]))
            results[res["benchmark"]] = res
        write_report(report, results)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="idle,scale,message", help="benchmarks to run (idle,scale,message)")
    ap.add_argument("--tincand", required=True, help="the tincand binary")
    ap.add_argument("--dbus-bench", required=True, help="the compiled bench/daemon/dbus-bench.c")
    ap.add_argument("--exec-stamp", required=True, help="the compiled bench/daemon/exec-stamp.c")
    ap.add_argument("--results", required=True, help="directory for results-<benchmark>.json")
    ap.add_argument("--report", help="markdown file whose sections are replaced")
    ap.add_argument("--command", default="bench-daemon.py", help="command line recorded in the report")
    ap.add_argument("--tincand-build", default="", help="how tincand was built (for the report)")
    ap.add_argument("--git-rev", default="", help="the source revision tincand was built from (for the report)")
    ap.add_argument("--peers", default="baresip,linphonec", help="peers for idle (scale: baresip only)")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds idle before reading RSS (1)")
    ap.add_argument("--kamailio-children", type=int, default=4)
    ap.add_argument("--idle-runs", type=int, default=11)
    ap.add_argument("--scale-counts", default="1000,10000")
    ap.add_argument("--scale-runs", type=int, default=3)
    ap.add_argument("--scale-expires", type=int, default=120)
    ap.add_argument("--scale-timeout", type=float, default=180)
    ap.add_argument("--scale-settle", type=float, default=10,
                    help="seconds after the last registration before reading RSS (10)")
    ap.add_argument("--refresh-count", type=int, default=1000, help="N whose first run is observed longer")
    ap.add_argument("--refresh-seconds", type=int, default=180, help="how long (0: no refresh observation)")
    ap.add_argument("--profile", action="store_true",
                    help="scale: also profile tincand (perf record, massif) and report where time and memory go")
    ap.add_argument("--profile-perf-count", type=int, default=2000)
    ap.add_argument("--profile-massif-count", type=int, default=1000)
    ap.add_argument("--windows", default="1,64,256")
    ap.add_argument("--msg-runs", type=int, default=5)
    ap.add_argument("--msg-seconds", type=float, default=5)
    ap.add_argument("--msg-warmup", type=float, default=1)
    ap.add_argument("--body-size", type=int, default=16)
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    args.tincand = os.path.abspath(args.tincand)
    args.dbus_bench = os.path.abspath(args.dbus_bench)
    args.exec_stamp = os.path.abspath(args.exec_stamp)
    args.scale_counts = [int(x) for x in args.scale_counts.split(",") if x]
    args.windows = [int(x) for x in args.windows.split(",") if x]
    only = [x for x in args.only.split(",") if x]
    peers = [x for x in args.peers.split(",") if x]
    for x in only:
        if x not in SECTIONS:
            ap.error("unknown benchmark %s" % x)
    if not os.access(args.tincand, os.X_OK):
        ap.error("%s is not an executable" % args.tincand)
    if args.keep:
        os.environ["TINCAN_INTEROP_KEEP"] = "1"
    os.makedirs(args.results, exist_ok=True)
    ctx = Ctx(args)
    results = {}
    with Harness("bench-daemon", timeout=6 * 3600) as h:
        for key in only:
            m = machine_info()
            t_start = time.monotonic()
            if key == "idle":
                res = bench_idle(h, ctx, ["tincand"] + [p for p in peers if p in IDLE_PROGRAMS])
            elif key == "scale":
                res = bench_scale(h, ctx, ["tincand"] + [p for p in peers if p == "baresip"])
                res["scale_runs"] = args.scale_runs
                res["settle_s"] = args.settle
                res["scale_settle_s"] = args.scale_settle
            else:
                res = bench_message(h, ctx)
            res.update(benchmark=key, machine=m, command=args.command, git=args.git_rev or git_rev(),
                       tincand_build=args.tincand_build, kamailio_children=args.kamailio_children,
                       duration_s=time.monotonic() - t_start, load_after=open("/proc/loadavg").read().split()[:3])
            if key == "scale" and res["runs"]:
                res["kamailio_argv"] = res["runs"][0]["kamailio_argv"]
            path = os.path.join(args.results, "results-%s.json" % key)
            res["results_file"] = os.path.relpath(path, SRCDIR)
            with open(path, "w") as f:
                json.dump(res, f, indent=1)
            results[key] = res
            log("%s done in %.0f s; %s" % (key, res["duration_s"], path))
            if args.report:
                write_report(args.report, {key: res})
    return 0


if __name__ == "__main__":
    sys.exit(main())
