# SPDX-License-Identifier: LGPL-2.1-or-later
"""Interop test harness: real peers (Kamailio, SIPp, baresip) on loopback.

Python 3 standard library only.  Every test file under tests/interop/ is an
executable script that builds a Harness, starts the peers it needs, and
prints TAP through run_tests() (exit 0 = all passed, 1 = a failure, 77 =
skipped because a peer is not installed).  The Harness owns:

  - a temporary directory (removed on success, kept and reported on failure
    or when TINCAN_INTEROP_KEEP=1);
  - every process it started (own process group each; SIGTERM, then SIGKILL
    of that group on stop or at exit -- nothing is left running, even when
    the test fails, times out or is interrupted);
  - free loopback ports (UDP and TCP both free on 127.0.0.1);
  - a global deadline (SIGALRM), so a hung peer fails the test instead of
    hanging the suite.

Traffic goes only to 127.0.0.1 / ::1.  Nothing here knows Tincan yet; see
TincanResponder for the hook the SIP stack's programs will plug into.
"""

import atexit
import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

LOOPBACK = "127.0.0.1"
SRCDIR = os.path.dirname(os.path.abspath(__file__))
SIPP_DIR = os.path.join(SRCDIR, "sipp")
KAMAILIO_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules"
KAMAILIO_DBTEXT_SCHEMA = "/usr/share/kamailio/dbtext/kamailio"
BARESIP_MODULES = "/usr/lib/baresip/modules"

SKIP = 77


class Skip(Exception):
    """Raised when a peer is missing: the test file exits 77."""


class HarnessError(Exception):
    pass


class Timeout(HarnessError):
    pass


def log(msg):
    """Diagnostics go to stderr (TAP is on stdout)."""
    sys.stderr.write("# %s\n" % msg)
    sys.stderr.flush()


def require_program(name):
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if not path:
        raise Skip("%s is not installed" % name)
    return path


# --- Ports ----------------------------------------------------------------

_allocated_ports = set()


def _port_free(port, host=LOOPBACK):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(fam, kind)
        try:
            if kind == socket.SOCK_STREAM:
                # No SO_REUSEADDR: a port in TIME_WAIT counts as taken.
                pass
            s.bind((host, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def free_port(span=1, host=LOOPBACK):
    """A port P such that P .. P+span-1 are free for UDP and TCP on host.

    Picked at random in 20000-32000 (below Linux's ephemeral range, so an
    outgoing connection cannot take it meanwhile) and remembered, so one
    process never hands out the same port twice.  Tests that run in
    parallel may still race for a port; the random pick makes it unlikely
    and the peers' start-up checks catch it.
    """
    for _ in range(2000):
        p = random.randrange(20000, 32000 - span)
        rng = range(p, p + span)
        if any(q in _allocated_ports for q in rng):
            continue
        if all(_port_free(q, host) for q in rng):
            _allocated_ports.update(rng)
            return p
    raise HarnessError("no free port span of %d on %s" % (span, host))


def wait_for_port(port, host=LOOPBACK, proto="tcp", timeout=10.0, proc=None):
    """Wait until something listens on host:port.  For tcp: a connect
    succeeds.  For udp: binding the port fails (it is taken)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None:
            proc.check_alive()
        if proto == "tcp":
            try:
                with socket.create_connection((host, port), timeout=0.2):
                    return
            except OSError:
                pass
        else:
            fam = socket.AF_INET6 if ":" in host else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_DGRAM)
            try:
                s.bind((host, port))
            except OSError:
                return
            finally:
                s.close()
        time.sleep(0.02)
    raise Timeout("nothing listens on %s %s:%d after %.1fs" % (proto, host, port, timeout))


# --- SIP over UDP, minimal (readiness checks and the RTT client) ------------


def sip_options(host, port, ruri=None, timeout=0.5, local_port=0):
    """Send one OPTIONS over UDP, return the status code of the answer, or
    None on timeout.  Retries are the caller's business."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        s.bind((LOOPBACK if fam == socket.AF_INET else "::1", local_port))
        lport = s.getsockname()[1]
        branch = "z9hG4bK" + uuid.uuid4().hex
        hostport = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
        lhost = s.getsockname()[0]
        lhostport = "[%s]:%d" % (lhost, lport) if ":" in lhost else "%s:%d" % (lhost, lport)
        ruri = ruri or "sip:" + hostport
        msg = ("OPTIONS %s SIP/2.0\r\n"
               "Via: SIP/2.0/UDP %s;branch=%s;rport\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:probe@%s>;tag=%s\r\n"
               "To: <%s>\r\n"
               "Call-ID: %s\r\n"
               "CSeq: 1 OPTIONS\r\n"
               "Contact: <sip:probe@%s>\r\n"
               "Accept: application/sdp\r\n"
               "Content-Length: 0\r\n\r\n") % (ruri, lhostport, branch, lhostport, uuid.uuid4().hex[:8], ruri,
                                               uuid.uuid4().hex, lhostport)
        s.sendto(msg.encode(), (host, port))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            s.settimeout(left)
            try:
                data = s.recv(65535)
            except (socket.timeout, ConnectionRefusedError):
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.01)
                continue
            text = data.decode("utf-8", "replace")
            if branch in text and text.startswith("SIP/2.0 "):
                code = int(text[8:11])
                if code >= 200:
                    return code
    finally:
        s.close()


def wait_for_sip(host, port, timeout=10.0, proc=None, ruri=None):
    """Wait until host:port answers an OPTIONS over UDP (any final code)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None:
            proc.check_alive()
        code = sip_options(host, port, ruri=ruri, timeout=0.2)
        if code is not None:
            return code
    raise Timeout("no SIP answer from %s:%d after %.1fs" % (host, port, timeout))


# --- Processes ------------------------------------------------------------


class Proc:
    """A process the harness started: own process group, output in a log.
    fail_tail: how many lines of its log the harness prints on a failure."""

    fail_tail = 25

    def __init__(self, harness, name, argv, cwd=None, env=None, stdin=None):
        self.h = harness
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = os.path.join(harness.tmp, "%s.log" % name)
        self._log = open(self.log_path, "wb")
        self._log_pos = 0
        log("start %s: %s" % (name, " ".join(self.argv)))
        self.popen = subprocess.Popen(self.argv, cwd=cwd or harness.tmp, env=env,
                                      stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                      stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.popen.pid
        harness._procs.append(self)

    def alive(self):
        return self.popen.poll() is None

    def check_alive(self):
        if not self.alive():
            raise HarnessError("%s exited early with status %s; log %s:\n%s"
                               % (self.name, self.popen.returncode, self.log_path, self.tail()))

    def output(self):
        if not self._log.closed:
            self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def tail(self, lines=40):
        return "\n".join(self.output().splitlines()[-lines:])

    def wait_for_log(self, pattern, timeout=10.0, since_start=False):
        """Wait for a regex in the output (from the last match on, unless
        since_start).  Returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.output()
            m = rx.search(text, 0 if since_start else self._log_pos)
            if m:
                self._log_pos = m.end()
                return m
            if not self.alive():
                raise HarnessError("%s exited (status %s) before logging /%s/; log %s:\n%s"
                                   % (self.name, self.popen.returncode, pattern, self.log_path, self.tail()))
            if time.monotonic() >= deadline:
                raise Timeout("%s did not log /%s/ in %.1fs; log %s:\n%s"
                              % (self.name, pattern, timeout, self.log_path, self.tail()))
            time.sleep(0.02)

    def wait(self, timeout=None):
        """Wait for the exit; returns the exit status.  Raises Timeout."""
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Timeout("%s still running after %ss" % (self.name, timeout))

    def stop(self, sig=signal.SIGTERM, grace=3.0):
        """Stop the whole process group: sig, then SIGKILL after grace."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                log("%s did not stop on signal %d: SIGKILL" % (self.name, sig))
        # Children that outlive the leader (kamailio workers) share its group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=2)
        if not self._log.closed:
            self._log.close()
        return self.popen.returncode


# --- Harness ----------------------------------------------------------------


class Harness:
    """Temp dir, processes, ports, deadline.  Use as a context manager."""

    def __init__(self, name="interop", timeout=60, todo=False):
        self.name = name
        self.todo = todo  # a known bug: a failure keeps no logs (unless TINCAN_INTEROP_KEEP)
        self.timeout = timeout
        self.tmp = tempfile.mkdtemp(prefix="tincan-%s-" % name)
        self._procs = []
        self.failed = False
        self._closed = False
        atexit.register(self.close)

    def __enter__(self):
        signal.signal(signal.SIGALRM, self._on_alarm)
        signal.signal(signal.SIGTERM, self._on_term)
        signal.signal(signal.SIGINT, self._on_term)
        signal.alarm(int(self.timeout))
        return self

    def __exit__(self, et, ev, tb):
        signal.alarm(0)
        if et is not None and not issubclass(et, Skip) and not self.todo:
            self.failed = True
        self.close()
        return False

    def _on_alarm(self, signum, frame):
        raise Timeout("global timeout of %ss reached" % self.timeout)

    def _on_term(self, signum, frame):
        self.failed = True
        self.close()
        os._exit(1)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def write(self, name, text, mode=0o644):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def start(self, name, argv, **kw):
        return Proc(self, name, argv, **kw)

    def close(self):
        if self._closed:
            return
        self._closed = True
        for p in reversed(self._procs):
            with contextlib.suppress(Exception):
                p.stop()
        keep = self.failed or os.environ.get("TINCAN_INTEROP_KEEP")
        if keep:
            log("logs kept in %s" % self.tmp)
            for p in self._procs:
                if self.failed:
                    log("--- %s (%s), last lines:" % (p.name, p.log_path))
                    for line in p.tail(p.fail_tail).splitlines():
                        log("  " + line)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --- Kamailio -------------------------------------------------------------


class Kamailio:
    """Kamailio 5.6 as registrar + proxy on 127.0.0.1.

    users: {username: password}; realm: the digest realm (also a domain
    alias, so sip:alice@<realm> is "myself").  REGISTER is challenged with
    401 (www_authorize), MESSAGE/INVITE/SUBSCRIBE from a local user (From
    domain is myself) with 407 (proxy_authorize).  Requests to a local
    user are relayed to the registered contacts (lookup + t_relay) with
    Record-Route; OPTIONS addressed to the proxy itself (no user part) get
    a stateless 200.  Next hops outside loopback are refused with 403.
    """

    def __init__(self, h, users=None, realm="tincan.test", tls=False, ws=False, children=2, debug=2,
                 auth=True):
        require_program("kamailio")
        self.h = h
        self.users = dict(users or {})
        self.realm = realm
        self.host = LOOPBACK
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.ws_port = free_port() if ws else None
        self.children = children
        self.debug = debug
        self.auth = auth
        self.dir = h.path("kamailio")
        self.proc = None

    @property
    def uri(self):
        return "sip:%s:%d" % (self.host, self.port)

    def aor(self, user):
        return "sip:%s@%s" % (user, self.realm)

    def _write_db(self):
        db = os.path.join(self.dir, "db")
        os.makedirs(db, exist_ok=True)
        versions = {}
        with open(os.path.join(KAMAILIO_DBTEXT_SCHEMA, "version")) as f:
            for line in f.readlines()[1:]:
                parts = line.strip().split(":")
                if len(parts) == 3:
                    versions[parts[1]] = parts[2]
        with open(os.path.join(db, "version"), "w") as f:
            f.write(open(os.path.join(KAMAILIO_DBTEXT_SCHEMA, "version")).readline())
            f.write("1:subscriber:%s\n" % versions.get("subscriber", "7"))
        with open(os.path.join(db, "subscriber"), "w") as f:
            f.write(open(os.path.join(KAMAILIO_DBTEXT_SCHEMA, "subscriber")).readline())
            for i, (u, pw) in enumerate(sorted(self.users.items()), 1):
                for c in u + pw:
                    if c in ":\\\n":
                        raise HarnessError("user/password with ':' or '\\' unsupported: %r" % u)
                # ha1/ha1b may not be null in db_text; calculate_ha1 makes
                # auth_db use the plain password column anyway.
                ha1 = hashlib.md5(("%s:%s:%s" % (u, self.realm, pw)).encode()).hexdigest()
                ha1b = hashlib.md5(("%s@%s:%s:%s" % (u, self.realm, self.realm, pw)).encode()).hexdigest()
                f.write("%d:%s:%s:%s:%s:%s\n" % (i, u, self.realm, pw, ha1, ha1b))
        return db

    def _tls_files(self):
        crt = os.path.join(self.dir, "tls.crt")
        key = os.path.join(self.dir, "tls.key")
        require_program("openssl")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=%s" % self.realm, "-addext",
                        "subjectAltName=DNS:%s,IP:127.0.0.1" % self.realm,
                        "-keyout", key, "-out", crt], check=True, capture_output=True)
        cfg = os.path.join(self.dir, "tls.cfg")
        with open(cfg, "w") as f:
            f.write("[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"
                    "private_key = %s\ncertificate = %s\n\n"
                    "[client:default]\nverify_certificate = no\nrequire_certificate = no\n" % (key, crt))
        self.tls_cert = crt
        return cfg

    def config(self):
        db = self._write_db()
        listens = ["listen=udp:%s:%d" % (self.host, self.port), "listen=tcp:%s:%d" % (self.host, self.port)]
        mods = ["tm", "sl", "rr", "pv", "maxfwd", "usrloc", "registrar", "textops", "siputils", "xlog",
                "sanity", "nathelper", "db_text", "auth", "auth_db", "corex"]
        extra_params = []
        if self.tls_port:
            listens.append("listen=tls:%s:%d" % (self.host, self.tls_port))
            mods.append("tls")
            extra_params.append('modparam("tls", "config", "%s")' % self._tls_files())
        if self.ws_port:
            listens.append("listen=tcp:%s:%d" % (self.host, self.ws_port))
            mods += ["xhttp", "websocket"]
            extra_params.append('modparam("websocket", "keepalive_mechanism", 0)')
        auth = "#!define WITH_AUTH" if self.auth else "# no authentication"
        text = """#!KAMAILIO
# Generated by tests/interop/harness.py -- registrar/proxy on loopback.
%(auth)s
debug=%(debug)d
log_stderror=yes
fork=yes
children=%(children)d
tcp_children=%(children)d
auto_aliases=no
alias="%(realm)s"
%(listens)s
tcp_accept_no_cl=yes
dns=no
rev_dns=no
use_dns_cache=off
mpath="%(mpath)s"
%(loadmodules)s

modparam("tm", "fr_timer", 4000)
modparam("tm", "fr_inv_timer", 30000)
modparam("rr", "enable_full_lr", 1)
modparam("rr", "append_fromtag", 1)
modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_expires", 3600)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("auth_db", "db_url", "text://%(db)s")
modparam("auth_db", "calculate_ha1", yes)
modparam("auth_db", "password_column", "password")
modparam("auth_db", "use_domain", 0)
modparam("auth_db", "load_credentials", "")
%(extra_params)s

request_route {
    # One line per request received, for the tests to count (Kamailio.requests()).
    xlog("L_NOTICE", "KREQ $rm cseq=$cs proto=$pr src=$si:$sp ruri=$ru from=$fu authz=$(hdr(Authorization){s.select,0, })/$(hdr(Proxy-Authorization){s.select,0, }) route=$hdr(Route)\n");
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (!sanity_check("17895", "7")) { xlog("L_WARN", "malformed request from $si:$sp\\n"); exit; }

    # OPTIONS addressed to the proxy itself: stateless 200.
    if (is_method("OPTIONS") && uri==myself && $rU==$null) {
        sl_send_reply("200", "OK");
        exit;
    }

    if (is_method("CANCEL")) {
        if (t_check_trans()) route(RELAY);
        exit;
    }

    if (has_totag()) {
        if (loose_route()) {
            route(RELAY);
            exit;
        }
        if (is_method("ACK")) {
            if (t_check_trans()) { route(RELAY); }
            exit;
        }
        sl_send_reply("404", "Not here");
        exit;
    }

    t_check_trans();
    remove_hf("Route");

    if (is_method("REGISTER")) {
#!ifdef WITH_AUTH
        if (!www_authorize("%(realm)s", "subscriber")) {
            www_challenge("%(realm)s", "0");
            exit;
        }
        if ($au != $tU) { sl_send_reply("403", "Forbidden auth ID"); exit; }
        consume_credentials();
#!endif
        if (proto == TCP || proto == TLS || proto == WS || proto == WSS) fix_nated_register();
        if (!save("location")) sl_reply_error();
        exit;
    }

#!ifdef WITH_AUTH
    if (is_method("INVITE|MESSAGE|SUBSCRIBE|PUBLISH|REFER") && from_uri==myself) {
        if (!proxy_authorize("%(realm)s", "subscriber")) {
            proxy_challenge("%(realm)s", "0");
            exit;
        }
        if ($au != $fU) { sl_send_reply("403", "Forbidden auth ID"); exit; }
        consume_credentials();
    }
#!endif

    if (is_method("INVITE|SUBSCRIBE")) record_route();

    if (uri==myself) {
        if ($rU==$null) { sl_send_reply("484", "Address Incomplete"); exit; }
        if (!lookup("location")) {
            t_newtran();
            t_reply("404", "Not Found");
            exit;
        }
        handle_ruri_alias();
    }
    route(RELAY);
}

route[RELAY] {
    # Only loopback next hops: a test can never send anywhere else.
    if (!($nh(d) =~ "^(127\\.[0-9]+\\.[0-9]+\\.[0-9]+|\\[?::1\\]?)$")) {
        xlog("L_WARN", "refusing next hop $nh(d) for $ru\\n");
        if (is_method("ACK")) exit;
        sl_send_reply("403", "Next hop not on loopback");
        exit;
    }
    if (!t_relay()) sl_reply_error();
    exit;
}

onreply_route {
    if (nat_uac_test("64")) add_contact_alias();
}
""" % dict(auth=auth, debug=self.debug, children=self.children, realm=self.realm,
           listens="\n".join(listens), mpath=KAMAILIO_MODULES,
           loadmodules="\n".join('loadmodule "%s.so"' % m for m in mods), db=db,
           extra_params="\n".join(extra_params))
        if self.ws_port:
            text += """
event_route[xhttp:request] {
    if ($Rp != %(ws)d) { xhttp_reply("403", "Forbidden", "", ""); exit; }
    if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
        if (ws_handle_handshake()) exit;
    }
    xhttp_reply("404", "Not Found", "", "");
}
""" % dict(ws=self.ws_port)
        return text

    def start(self, timeout=15.0):
        os.makedirs(os.path.join(self.dir, "run"), exist_ok=True)
        cfg = os.path.join(self.dir, "kamailio.cfg")
        with open(cfg, "w") as f:
            f.write(self.config())
        check = subprocess.run(["kamailio", "-c", "-f", cfg], capture_output=True, text=True)
        if check.returncode != 0:
            raise HarnessError("kamailio rejects its config %s:\n%s" % (cfg, check.stderr[-3000:]))
        self.proc = self.h.start("kamailio", [
            "kamailio", "-DD", "-E", "-f", cfg, "-w", self.dir, "-P", os.path.join(self.dir, "run", "kamailio.pid"),
            "-Y", os.path.join(self.dir, "run"), "-m", "64", "-M", "8"])
        wait_for_sip(self.host, self.port, timeout=timeout, proc=self.proc)
        if self.tls_port:
            wait_for_port(self.tls_port, proc=self.proc)
        if self.ws_port:
            wait_for_port(self.ws_port, proc=self.proc)
        return self

    def requests(self, method=None):
        """Requests Kamailio received so far, oldest first, as dicts with
        method, cseq, proto, src, ruri, from, authz ("Digest/<null>" ...)
        and route: from the KREQ line its config logs for each one."""
        out = []
        rx = re.compile(r"KREQ (\S+) cseq=(\S+) proto=(\S+) src=(\S+) ruri=(\S+) from=(\S+) authz=(\S+) "
                        r"route=(.*)$")
        for line in self.proc.output().splitlines():
            m = rx.search(line)
            if m and (method is None or m.group(1) == method):
                out.append(dict(zip(("method", "cseq", "proto", "src", "ruri", "from", "authz", "route"),
                                    m.groups())))
        return out

    def stop(self):
        if self.proc:
            self.proc.stop()


# --- SIPp -----------------------------------------------------------------


class SippResult:
    def __init__(self, returncode, stats, rtt, proc, files):
        self.returncode = returncode
        self.stats = stats  # last row of -trace_stat, as a dict
        self.rtt = rtt  # list of response times (ms) from -trace_rtt
        self.proc = proc
        self.files = files

    @property
    def ok(self):
        return self.returncode == 0

    def stat(self, name, default=0):
        v = self.stats.get(name)
        if v is None:
            return default
        try:
            return int(v)
        except ValueError:
            try:
                return float(v)
            except ValueError:
                return v

    def explain(self):
        out = ["sipp exit %s; successful %s, failed %s, retransmissions %s" % (
            self.returncode, self.stat("SuccessfulCall(C)"), self.stat("FailedCall(C)"),
            self.stat("Retransmissions(C)"))]
        for f in ("errors", "screen"):
            p = self.files.get(f)
            if p and os.path.exists(p):
                with open(p, errors="replace") as fp:
                    out.append("--- %s:\n%s" % (p, fp.read()[-3000:]))
        return "\n".join(out)


def scenario_path(name):
    """A scenario of tests/interop/sipp/ by name ("uac-invite"), or a path."""
    if os.path.sep in name or name.endswith(".xml"):
        return name
    return os.path.join(SIPP_DIR, name + ".xml")


class Sipp:
    """One SIPp run.  scenario: a file (name of tests/interop/sipp/*.xml or a
    path) or builtin="uas"/"uac"...  The harness writes the injection file
    (fields: 0 user, 1 domain, 2 "[authentication username=… password=…]"
    or empty, then any extra fields), so every scenario of sipp/ can be run
    with or without credentials.

    Exit codes (sipp(1)): 0 all calls succeeded, 1 at least one failed,
    97 exit on internal command, 99 normal exit without calls, 255 fatal.
    """

    def __init__(self, h, scenario=None, builtin=None, name="sipp", remote=None, service="service",
                 calls=1, rate=None, rate_period_ms=None, limit=None, transport="u1", lost=None,
                 user="alice", domain=None, password=None, auth_user=None, extra_fields=(),
                 port=None, timeout=20, recv_timeout=None, max_retrans=None, duration_ms=None,
                 keys=None, trace_rtt=False, trace_msg=False, extra_args=()):
        self.sipp = require_program("sipp")
        self.h = h
        self.name = name
        self.scenario = scenario_path(scenario) if scenario else None
        self.builtin = builtin
        self.remote = remote
        self.port = port or free_port()
        self.media_port = free_port(span=4)
        self.ctrl_port = free_port()
        self.dir = h.path(name)
        os.makedirs(self.dir, exist_ok=True)
        self.inf = os.path.join(self.dir, "inject.csv")
        auth = ""
        if password is not None:
            auth = "[authentication username=%s password=%s]" % (auth_user or user, password)
        fields = [user, domain or (remote or "%s:%d" % (LOOPBACK, self.port)), auth] + list(extra_fields)
        with open(self.inf, "w") as f:
            f.write("SEQUENTIAL\n%s;\n" % ";".join(fields))
        base = os.path.join(self.dir, name)
        self.files = {"stat": base + "_stat.csv", "errors": base + "_errors.log", "screen": base + "_screen.log",
                      "messages": base + "_messages.log", "rtt": base + "_rtt.csv"}
        a = [self.sipp]
        if self.scenario:
            a += ["-sf", self.scenario]
        else:
            a += ["-sn", builtin]
        if remote:
            a.append(remote)
        a += ["-i", LOOPBACK, "-mi", LOOPBACK, "-p", self.port, "-mp", self.media_port, "-cp", self.ctrl_port,
              "-t", transport, "-s", service, "-inf", self.inf, "-nostdin",
              "-trace_stat", "-stf", self.files["stat"], "-fd", "1",
              "-trace_err", "-error_file", self.files["errors"],
              "-trace_screen", "-screen_file", self.files["screen"]]
        if calls is not None:
            a += ["-m", calls]
        if rate is not None:
            a += ["-r", rate]
        if rate_period_ms is not None:
            a += ["-rp", rate_period_ms]
        if limit is not None:
            a += ["-l", limit]
        if lost is not None:
            a += ["-lost", lost]
        if timeout:
            a += ["-timeout", "%ds" % timeout, "-timeout_error"]
        if recv_timeout:
            a += ["-recv_timeout", recv_timeout]
        if max_retrans is not None:
            a += ["-max_retrans", max_retrans]
        if duration_ms is not None:
            a += ["-d", duration_ms]
        for k, v in (keys or {}).items():
            a += ["-key", k, v]
        if trace_rtt:
            a += ["-trace_rtt", "-rtt_freq", "1"]
        if trace_msg:
            a += ["-trace_msg", "-message_file", self.files["messages"]]
        a += list(extra_args)
        self.argv = [str(x) for x in a]
        self.proc = None

    def start(self):
        """Start in the background (a UAS); wait until its port is bound."""
        self.proc = self.h.start(self.name, self.argv, cwd=self.dir)
        wait_for_port(self.port, proto="udp" if self.argv[self.argv.index("-t") + 1].startswith("u") else "tcp",
                      proc=self.proc)
        return self

    def wait(self, timeout=None):
        rc = self.proc.wait(timeout=timeout)
        return self.result(rc)

    def run(self, timeout=None):
        """Run in the foreground until it exits; returns a SippResult."""
        self.proc = self.h.start(self.name, self.argv, cwd=self.dir)
        return self.wait(timeout=timeout)

    def stop(self):
        if self.proc:
            rc = self.proc.stop(sig=signal.SIGUSR1)  # SIPp: SIGUSR1 = quit gracefully, dump stats
            return self.result(rc)
        return None

    def result(self, rc):
        return SippResult(rc, read_sipp_stat(self.files["stat"]), self._rtt(), self.proc, self.files)

    def _rtt(self):
        vals = []
        for fn in os.listdir(self.dir):
            if fn.endswith("_rtt.csv"):
                with open(os.path.join(self.dir, fn)) as f:
                    for line in f.readlines()[1:]:
                        parts = line.strip().split(";")
                        if len(parts) >= 2:
                            with contextlib.suppress(ValueError):
                                vals.append(float(parts[1]))
        return vals


def read_sipp_stat(path):
    """The last row of a SIPp -trace_stat file as {column: value}."""
    if not os.path.exists(path):
        return {}
    with open(path, errors="replace") as f:
        rows = [line.rstrip("\n").rstrip(";").split(";") for line in f if line.strip()]
    if len(rows) < 2:
        return {}
    return dict(zip(rows[0], rows[-1]))


def register_with_sipp(h, kam, user, password, port=None, transport="u1", expires=3600):
    """REGISTER user from a SIPp UAC bound to port (so a SIPp UAS started
    on the same port afterwards is reachable at the registered contact)."""
    s = Sipp(h, "uac-register", name="sipp-register-%s" % user, remote="%s:%d" % (kam.host, kam.port),
             user=user, domain=kam.realm, password=password, port=port, transport=transport,
             keys={"expires": str(expires)}, timeout=10)
    r = s.run(timeout=15)
    if not r.ok:
        raise HarnessError("registering %s failed: %s" % (user, r.explain()))
    return s.port


# --- baresip --------------------------------------------------------------


def netstring(data):
    return b"%d:%s," % (len(data), data)


class Baresip:
    """baresip, headless, controlled over ctrl_tcp (netstring JSON) with
    the menu module's commands (dial, accept, hangup, reginfo, uanew, ...).

    accounts: list of account lines (without the trailing newline), e.g.
    "<sip:bench@127.0.0.1>;regint=0" or
    "<sip:bob@127.0.0.1:5060;transport=udp>;auth_pass=pw;regint=60".
    """

    def __init__(self, h, accounts, name="baresip", audio=False):
        self.bin = require_program("baresip")
        if not os.path.exists(os.path.join(BARESIP_MODULES, "ctrl_tcp.so")):
            raise Skip("baresip's ctrl_tcp module is missing")
        self.h = h
        self.name = name
        self.sip_port = free_port(span=2)  # UDP/TCP on P, TLS would take P+1
        self.ctrl_port = free_port()
        self.dir = h.path(name)
        os.makedirs(self.dir, exist_ok=True)
        mods = ["ctrl_tcp"] + (["g711", "aufile", "ausine", "aubridge"] if audio else ["g711"])
        conf = ["poll_method epoll",
                "sip_listen %s:%d" % (LOOPBACK, self.sip_port),
                "sip_trans_def udp",
                "net_interface %s" % LOOPBACK,
                "audio_player aubridge,nil",
                "audio_source ausine,440",
                "audio_alert aubridge,nil",
                "module_path %s" % BARESIP_MODULES]
        conf += ["module %s.so" % m for m in mods]
        conf += ["module_app account.so",
                 "module_app menu.so",
                 "ctrl_tcp_listen %s:%d" % (LOOPBACK, self.ctrl_port),
                 "call_max_calls 4",
                 "dns_fallback 127.0.0.1:53"]
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("\n".join(conf) + "\n")
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write("\n".join(accounts) + "\n")
        with open(os.path.join(self.dir, "contacts"), "w") as f:
            f.write("")
        self.proc = None
        self.sock = None
        self._buf = b""
        self.events = []
        self._token = 0

    def start(self, timeout=10.0):
        self.proc = self.h.start(self.name, [self.bin, "-f", self.dir])
        wait_for_port(self.ctrl_port, proc=self.proc, timeout=timeout)
        wait_for_port(self.sip_port, proto="udp", proc=self.proc, timeout=timeout)
        self.sock = socket.create_connection((LOOPBACK, self.ctrl_port), timeout=timeout)
        return self

    def _read_one(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            m = re.match(rb"(\d+):", self._buf)
            if m:
                n = int(m.group(1))
                end = m.end() + n
                if len(self._buf) > end:
                    obj = json.loads(self._buf[m.end():end])
                    self._buf = self._buf[end + 1:]
                    return obj
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("no message from %s ctrl_tcp in %.1fs; log:\n%s" % (self.name, timeout,
                                                                                 self.proc.tail()))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise HarnessError("%s closed its ctrl_tcp connection; log:\n%s" % (self.name, self.proc.tail()))
            self._buf += chunk

    def command(self, command, params="", timeout=5.0):
        """Send a command, return its response (dict).  Events that arrive
        meanwhile are queued for wait_event()."""
        self._token += 1
        token = "t%d" % self._token
        self.sock.sendall(netstring(json.dumps({"command": command, "params": params,
                                                "token": token}).encode()))
        deadline = time.monotonic() + timeout
        while True:
            obj = self._read_one(max(0.01, deadline - time.monotonic()))
            if obj.get("response") and obj.get("token") == token:
                return obj
            if obj.get("event"):
                self.events.append(obj)

    def wait_event(self, type_, timeout=10.0, **match):
        """Wait for an event of the given type (e.g. "REGISTER_OK"); extra
        keyword arguments must match fields of the event."""
        def matches(ev):
            return ev.get("type") == type_ and all(ev.get(k) == v for k, v in match.items())
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if matches(ev):
                    return self.events.pop(i)
                if ev.get("type") in ("REGISTER_FAIL",) and type_ == "REGISTER_OK":
                    raise HarnessError("%s: %s" % (self.name, ev))
            obj = self._read_one(max(0.01, deadline - time.monotonic()))
            if obj.get("event"):
                self.events.append(obj)

    def add_account(self, line, timeout=5.0):
        """Create a user agent at run time (menu's uanew).  Accounts of
        the accounts file register before the ctrl_tcp connection exists,
        so their REGISTER_OK event is missed; one added here is seen."""
        r = self.command("uanew", line, timeout=timeout)
        if not r.get("ok"):
            raise HarnessError("%s: uanew %s failed: %s" % (self.name, line, r))
        return r

    def reginfo(self):
        return self.command("reginfo").get("data", "")

    def stop(self):
        if self.sock:
            with contextlib.suppress(OSError):
                self.sock.sendall(netstring(json.dumps({"command": "quit", "params": "", "token": "q"}).encode()))
            self.sock.close()
            self.sock = None
        if self.proc:
            with contextlib.suppress(Timeout):
                self.proc.wait(timeout=2)
            return self.proc.stop()


# --- Tincan hook ----------------------------------------------------------


def tincan_program(name, builddir=None):
    """Path of a Tincan test program in the build tree, or None.

    Looks in $TINCAN_BUILDDIR (set by tests/interop/meson.build), then the
    given builddir.  E.g. tincan_program("tests/tools/tincan-sip-responder").
    """
    for d in (os.environ.get("TINCAN_BUILDDIR"), builddir):
        if d:
            p = os.path.join(d, name)
            if os.access(p, os.X_OK):
                return p
    return None


class TincanResponder:
    """The Tincan SIP stack in a small responder program (issue 3).

    Expected command line: tincan-sip-responder --udp 127.0.0.1:PORT
    (answers OPTIONS with 200, later MESSAGE/INVITE as the UAS scenarios
    do).  Raises Skip while the program does not exist.
    """

    def __init__(self, h, program=None, extra_args=()):
        self.bin = program or tincan_program("tests/tools/tincan-sip-responder")
        if not self.bin:
            raise Skip("tincan-sip-responder is not built yet")
        self.h = h
        self.host = LOOPBACK
        self.port = free_port()
        self.extra_args = list(extra_args)
        self.proc = None

    def start(self, timeout=10.0):
        self.proc = self.h.start("tincan-sip-responder", [self.bin, "--udp", "%s:%d" % (self.host, self.port)]
                                 + self.extra_args)
        wait_for_sip(self.host, self.port, timeout=timeout, proc=self.proc)
        return self

    def stop(self):
        if self.proc:
            return self.proc.stop()


DEFAULT_BUILDDIR = os.path.normpath(os.path.join(SRCDIR, "..", "..", "build"))


class TincanUA:
    """tests/tools/tincan-sip-ua: the Tincan SIP stack as a user agent.

    listen: transports to listen on ("udp", "tcp", "tls"), all on one port
    (self.port, free for UDP and TCP); args: the rest of the command line
    (--serve, --send …, --call …, --register …).  start() runs it in the
    background and waits for its LISTEN lines; run() waits for the exit.
    Raises Skip while the program is not built.
    """

    def __init__(self, h, args=(), name="tincan-ua", listen=("udp", "tcp"), port=None):
        self.bin = tincan_program("tests/tools/tincan-sip-ua", DEFAULT_BUILDDIR)
        if not self.bin:
            raise Skip("tincan-sip-ua is not built")
        self.h = h
        self.name = name
        self.host = LOOPBACK
        self.port = port or (free_port() if listen else 0)
        self.listen = list(listen)
        self.argv = [self.bin] + ["--listen=%s:%s:%d" % (t, self.host, self.port) for t in self.listen] + \
            [str(a) for a in args]
        self.proc = None
        self.returncode = None

    def start(self, timeout=10.0):
        self.proc = self.h.start(self.name, self.argv)
        for t in self.listen:
            self.proc.wait_for_log(r"LISTEN %s %s %d\b" % (t.upper(), re.escape(self.host), self.port),
                                   timeout=timeout, since_start=True)
        return self

    def run(self, timeout=30.0):
        """Run until it exits; returns the exit status."""
        self.proc = self.h.start(self.name, self.argv)
        self.returncode = self.proc.wait(timeout=timeout)
        return self.returncode

    def wait(self, timeout=30.0):
        self.returncode = self.proc.wait(timeout=timeout)
        return self.returncode

    def output(self):
        return self.proc.output() if self.proc else ""

    def finals(self):
        """Status codes of the FINAL lines, in order."""
        return [int(m) for m in re.findall(r"^FINAL (\d+)", self.output(), re.M)]

    def final_lines(self):
        return re.findall(r"^FINAL .*$", self.output(), re.M)

    def requests(self, method=None):
        """(method, body) of each request served (REQUEST lines)."""
        out = []
        for m in re.finditer(r"^REQUEST (\S+) ?(.*)$", self.output(), re.M):
            if method is None or m.group(1) == method:
                out.append((m.group(1), m.group(2)))
        return out

    def check_alive(self):
        self.proc.check_alive()

    def stop(self):
        if self.proc:
            return self.proc.stop()


def tincan_check(ua, status, finals=None):
    """Raise HarnessError with the UA's output unless it exited with
    status and (when given) printed exactly these FINAL codes."""
    got = ua.finals()
    if ua.returncode != status or (finals is not None and got != list(finals)):
        raise HarnessError("%s: exit %s (expected %s), FINAL %s (expected %s); output:\n%s"
                           % (ua.name, ua.returncode, status, got, finals, ua.proc.tail(60)))


# --- Raw SIP bytes (bad input tests) -----------------------------------------


def raw_udp(port, payloads, host=LOOPBACK, wait=0.0, sock=None, count=None):
    """Send each payload (bytes) as one datagram; collect what comes back
    within wait seconds (or until count datagrams came).  Returns the list
    of datagrams received."""
    s = sock or socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        if sock is None:
            s.bind((LOOPBACK, 0))
        for p in payloads:
            s.sendto(p, (host, port))
        got = []
        deadline = time.monotonic() + wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or (count is not None and len(got) >= count):
                return got
            s.settimeout(left)
            try:
                got.append(s.recv(70000))
            except (socket.timeout, ConnectionRefusedError):
                pass
    finally:
        if sock is None:
            s.close()


def raw_tcp(port, data, host=LOOPBACK, wait=1.0, until=None):
    """Connect, send data, read until the peer closes, wait seconds pass,
    or the regex until (bytes) matches.  Returns (received bytes, closed)."""
    s = socket.create_connection((host, port), timeout=5)
    try:
        with contextlib.suppress(OSError):
            s.sendall(data)
        buf = b""
        deadline = time.monotonic() + wait
        while True:
            if until is not None and re.search(until, buf):
                return buf, False
            left = deadline - time.monotonic()
            if left <= 0:
                return buf, False
            s.settimeout(left)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return buf, True
            if not chunk:
                return buf, True
            buf += chunk
    finally:
        s.close()


def sip_request(method="OPTIONS", ruri=None, port=5060, transport="UDP", lport=9, extra_headers=(), body=b"",
                branch=None, content_length=None):
    """A SIP request as bytes, with a fresh branch, tags and Call-ID."""
    ruri = ruri or "sip:tincan@%s:%d" % (LOOPBACK, port)
    branch = branch or "z9hG4bK" + uuid.uuid4().hex
    lines = ["%s %s SIP/2.0" % (method, ruri),
             "Via: SIP/2.0/%s %s:%d;branch=%s;rport" % (transport, LOOPBACK, lport, branch),
             "Max-Forwards: 70",
             "From: <sip:probe@%s>;tag=%s" % (LOOPBACK, uuid.uuid4().hex[:8]),
             "To: <%s>" % ruri,
             "Call-ID: %s" % uuid.uuid4().hex,
             "CSeq: 1 %s" % method] + list(extra_headers) + [
             "Content-Length: %d" % (len(body) if content_length is None else content_length)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# --- TAP runner -----------------------------------------------------------


def run_tests(tests, timeout=60):
    """Run [(description, function(harness)), ...] and print TAP.

    A test may be a triple (description, function, todo): a known bug,
    reported with TAP's "# TODO todo" directive -- a failure is expected
    (meson: EXPECTEDFAIL, the suite stays green) and a pass is reported as
    an unexpected pass (meson counts it as a failure: remove the mark).

    Each test gets its own Harness (temp dir, processes, ports) with the
    given timeout.  A test raising Skip is reported as skipped; if every
    test skipped, the script exits 77 (meson: SKIP).  Exit 1 on any
    failure.  TINCAN_INTEROP_ONLY=substring runs the matching tests only.
    """
    only = os.environ.get("TINCAN_INTEROP_ONLY")
    if only:
        tests = [t for t in tests if only in t[0]]
    print("TAP version 13")
    print("1..%d" % len(tests))
    sys.stdout.flush()
    failed = skipped = 0
    for i, test in enumerate(tests, 1):
        desc, fn = test[0], test[1]
        todo = test[2] if len(test) > 2 else None
        directive = " # TODO %s" % todo if todo else ""
        t0 = time.monotonic()
        try:
            with Harness(re.sub(r"[^a-z0-9]+", "-", desc.lower())[:40], timeout=timeout, todo=bool(todo)) as h:
                fn(h)
        except Skip as e:
            skipped += 1
            print("ok %d - %s # SKIP %s" % (i, desc, e))
        except Exception:
            if not todo:
                failed += 1
            print("not ok %d - %s%s" % (i, desc, directive))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        else:
            print("ok %d - %s (%.1fs)%s" % (i, desc, time.monotonic() - t0, directive))
        sys.stdout.flush()
    if failed:
        sys.exit(1)
    if tests and skipped == len(tests):
        # meson's TAP protocol reports "all skipped" itself and treats any
        # non-zero exit as an error: tests/interop/meson.build sets
        # TINCAN_INTEROP_SKIP_EXIT=0.  Run by hand, the script exits 77.
        sys.exit(int(os.environ.get("TINCAN_INTEROP_SKIP_EXIT", SKIP)))
    sys.exit(0)
