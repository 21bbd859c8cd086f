# SPDX-License-Identifier: LGPL-2.1-or-later
"""tincand from the build tree on a private D-Bus bus, for the interop tests.

TincanDaemon starts its own dbus-daemon (a minimal session-type config
listening on a socket in the test's temp dir, no service activation),
then <builddir>/daemon/tincand on it with private HOME, XDG_CONFIG_HOME,
XDG_DATA_HOME (all under the temp dir) and --no-secret-service, and talks
to it with python3-gi (Gio.DBusConnection):

    d = TincanDaemon(h).start()
    ep = d.create_endpoint({"uri": "sip:alice@127.0.0.1", "kind": "peer-to-peer",
                            "listen": "127.0.0.1:0"})
    d.call(ep, ENDPOINT, "SendMessage", GLib.Variant("(ssaya{sv})", (...)))
    ev = d.wait_for_signal(ep, ENDPOINT, "MessageReceived",
                           lambda ev: ev.args[4] == b"hi", timeout=5)

Every signal the daemon emits is recorded from the moment the bus
connection exists, with its arrival time (time.monotonic()), so a test
never misses one and can measure intervals between them; wait_for_signal
searches that record from an index on (since=).  Values come back as plain
Python (a{sv} as dict, ay as bytes, tuples as tuples).

The daemon and the bus are processes of the Harness (harness.Proc): they
are stopped with it, and on a failure the harness prints the end of the
daemon's log (TincanDaemon raises its Proc.fail_tail).  The daemon runs
with G_MESSAGES_DEBUG=all (TINCAN_INTEROP_DEBUG overrides) and its SIP
trace on, so that log shows every message.  stop() first checks that the
recorded signals kept to the interface XML's closed sets
(check_contract), then that the daemon exits with status 0.

run_shared_tests() prints TAP for tests sharing one set-up (one daemon,
slow cases started together and checked one after the other).

python3-gi lives in the system Python; when the interpreter running the
test has no gi (a pyenv or venv python3 first in PATH), ensure_gi() re-runs
the script with /usr/bin/python3.  Without gi anywhere the test skips.
"""

import atexit
import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import HarnessError, Skip, Timeout  # noqa: E402

BUS_NAME = "org.tincan.Tincan1"
MANAGER_PATH = "/org/tincan/Tincan1"
MANAGER = "org.tincan.Tincan1.Manager"
ENDPOINT = "org.tincan.Tincan1.Endpoint"
PROPERTIES = "org.freedesktop.DBus.Properties"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"

_SYSTEM_PYTHONS = ("/usr/bin/python3",)

# Closed sets of the interface XML (dbus/org.tincan.Tincan1.Endpoint.xml).
REGISTRATION_STATES = {"unregistered", "registering", "registered", "unregistering", "rejected", "error"}
# As Endpoint.RegistrationStateChanged documents them.
LOCAL_CAUSES = {"timeout", "transport-error", "connection-lost", "network-changed", "cancelled", "no-binding",
                "invalid-request"}
CONNECTION_LOST_CAUSES = {"network-changed", "closed", "transport-error", "keepalive-timeout"}


def ensure_gi():
    """Import gi (Gio, GLib), re-executing the script under the system
    python3 when this interpreter lacks it.  Returns (Gio, GLib), or None
    when no interpreter has it (the caller skips)."""
    try:
        import gi
        gi.require_version("Gio", "2.0")
        gi.require_version("GLib", "2.0")
        from gi.repository import Gio, GLib
        return Gio, GLib
    except (ImportError, ValueError):
        pass
    if not os.environ.get("TINCAN_INTEROP_REEXEC"):
        for py in _SYSTEM_PYTHONS:
            if os.access(py, os.X_OK) and os.path.realpath(py) != os.path.realpath(sys.executable):
                os.environ["TINCAN_INTEROP_REEXEC"] = "1"
                sys.stdout.flush()
                sys.stderr.flush()
                os.execv(py, [py] + sys.argv)
    return None


_gi = ensure_gi()
if _gi:
    Gio, GLib = _gi
else:
    Gio = GLib = None


def require_gi():
    if Gio is None:
        raise Skip("python3-gi is not installed")


def skip_all_without_gi():
    """At the top of a test script: without python3-gi, print a TAP plan
    that skips everything and exit (77, or TINCAN_INTEROP_SKIP_EXIT)."""
    if Gio is None:
        print("TAP version 13")
        print("1..0 # SKIP python3-gi is not installed")
        sys.exit(int(os.environ.get("TINCAN_INTEROP_SKIP_EXIT", harness.SKIP)))


# --- GVariant <-> Python ---------------------------------------------------


def py(v):
    """A GLib.Variant as plain Python: ay -> bytes, a{..} -> dict, arrays ->
    list, tuples -> tuple, v -> its value."""
    if v is None:
        return None
    t = v.get_type_string()
    if t == "ay":
        return bytes(v.unpack())
    if t == "v":
        return py(v.get_variant())
    if t.startswith("a{"):
        out = {}
        for i in range(v.n_children()):
            e = v.get_child_value(i)
            out[py(e.get_child_value(0))] = py(e.get_child_value(1))
        return out
    if t.startswith("a"):
        return [py(v.get_child_value(i)) for i in range(v.n_children())]
    if t.startswith("("):
        return tuple(py(v.get_child_value(i)) for i in range(v.n_children()))
    return v.unpack()


def variant(value, type_=None):
    """Python -> GLib.Variant for settings/options dicts: a Variant is kept;
    str -> s, bool -> b, int -> u, bytes -> ay, list of pairs -> a(ss)."""
    if isinstance(value, GLib.Variant):
        return value
    if type_:
        return GLib.Variant(type_, value)
    if isinstance(value, bool):
        return GLib.Variant("b", value)
    if isinstance(value, int):
        return GLib.Variant("u", value)
    if isinstance(value, str):
        return GLib.Variant("s", value)
    if isinstance(value, (bytes, bytearray)):
        return GLib.Variant("ay", bytes(value))
    if isinstance(value, (list, tuple)) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in value):
        return GLib.Variant("a(ss)", [tuple(p) for p in value])
    raise TypeError("no GVariant type for %r" % (value,))


def vardict(d):
    """A dict for an a{sv} argument: {key: GLib.Variant}."""
    return {k: variant(v) for k, v in (d or {}).items()}


def dbus_error_name(e):
    """The remote D-Bus error name of a GLib.Error from a call, or None."""
    with contextlib.suppress(Exception):
        if Gio.DBusError.is_remote_error(e):
            return Gio.DBusError.get_remote_error(e)
    return None


def header(headers, name):
    """The first value of a header (case-insensitive) in an a(ss) list."""
    for n, v in headers or ():
        if n.lower() == name.lower():
            return v
    return None


class Signal:
    """One recorded signal: index (in the record), t (monotonic arrival
    time), sender, path, iface, name, args (tuple of Python values)."""

    def __init__(self, index, t, sender, path, iface, name, args):
        self.index, self.t, self.sender, self.path, self.iface, self.name, self.args = \
            index, t, sender, path, iface, name, args

    def __repr__(self):
        a = repr(self.args)
        if len(a) > 600:
            a = a[:600] + "..."
        return "<%s.%s on %s #%d t=%.3f %s>" % (self.iface.rsplit(".", 1)[-1], self.name, self.path, self.index,
                                                self.t, a)


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <!-- Private bus of one interop test (tests/interop/tincand.py). -->
  <type>session</type>
  <listen>unix:path=%(socket)s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class TincanDaemon:
    """A private bus and tincand on it.

    default_endpoint: keep the embedded default peer-to-peer endpoint
    (with --default-port default_port, 0 = any free port) or pass
    --no-default-endpoint.  session: start it with --session (and
    DBUS_SESSION_BUS_ADDRESS pointing at the private bus) as a user would,
    else with --address.  trace: call Manager.SetTrace(true) once it is up,
    so the daemon's log has every SIP message (shown on failure).
    """

    def __init__(self, h, name="tincand", default_endpoint=False, default_port=0, session=False, trace=True,
                 extra_args=(), debug=None):
        require_gi()
        self.bin = harness.tincan_program("daemon/tincand", harness.DEFAULT_BUILDDIR)
        if not self.bin:
            raise Skip("tincand is not built (daemon/tincand in $TINCAN_BUILDDIR)")
        harness.require_program("dbus-daemon")
        self.h = h
        self.name = name
        self.default_endpoint = default_endpoint
        self.default_port = default_port
        self.session = session
        self.trace = trace
        self.extra_args = list(extra_args)
        self.debug = debug if debug is not None else os.environ.get("TINCAN_INTEROP_DEBUG", "all")
        self.dir = h.path(name)
        self.home = os.path.join(self.dir, "home")
        self.config_home = os.path.join(self.dir, "config")
        self.data_home = os.path.join(self.dir, "data")
        self.runtime_dir = os.path.join(self.dir, "runtime")
        for d in (self.home, self.config_home, self.data_home, self.runtime_dir):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.runtime_dir, 0o700)
        # sun_path is 108 bytes: the temp dir when its path is short enough.
        self.socket = os.path.join(self.dir, "bus")
        self.sock_dir = None
        if len(self.socket) > 100:
            self.sock_dir = tempfile.mkdtemp(prefix="tcbus-")
            self.socket = os.path.join(self.sock_dir, "bus")
            atexit.register(shutil.rmtree, self.sock_dir, True)
        self.address = "unix:path=%s" % self.socket
        self.bus = None
        self.proc = None
        self.conn = None
        self.signals = []
        self._sub = None
        self._tick = None
        self.ctx = GLib.MainContext.default()

    # --- life cycle ---

    def env(self):
        """The environment tincand (and tincanctl) run with."""
        env = dict(os.environ)
        for k in list(env):
            if k.startswith(("DBUS_", "XDG_")):
                del env[k]
        env.update({"HOME": self.home, "XDG_CONFIG_HOME": self.config_home, "XDG_DATA_HOME": self.data_home,
                    "XDG_CACHE_HOME": os.path.join(self.dir, "cache"),
                    "XDG_STATE_HOME": os.path.join(self.dir, "state"),
                    "XDG_RUNTIME_DIR": self.runtime_dir, "DBUS_SESSION_BUS_ADDRESS": self.address,
                    "GSETTINGS_BACKEND": "memory", "GIO_USE_VFS": "local", "NO_AT_BRIDGE": "1",
                    "LC_ALL": "C.UTF-8"})
        # One GStreamer plugin registry for every daemon of the run: each
        # test's own cache dir would make the first call of every daemon
        # rebuild it (0.5 s with the main loop blocked).
        env.setdefault("GST_REGISTRY_1_0", os.path.join(tempfile.gettempdir(), "tincan-test-gst-registry-%d.bin"
                                                        % os.getuid()))
        if self.debug:
            env["G_MESSAGES_DEBUG"] = self.debug
        return env

    def start_bus(self, timeout=10.0):
        conf = self.h.write(os.path.join(self.name, "bus.conf"), BUS_CONFIG % {"socket": self.socket})
        self.bus = self.h.start("%s-bus" % self.name, ["dbus-daemon", "--nofork", "--config-file=%s" % conf,
                                                       "--print-address=1"])
        deadline = time.monotonic() + timeout
        while True:
            self.bus.check_alive()
            if os.path.exists(self.socket):
                try:
                    self.conn = Gio.DBusConnection.new_for_address_sync(
                        self.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
                        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
                    break
                except GLib.Error as e:
                    if time.monotonic() > deadline:
                        raise HarnessError("cannot connect to the private bus %s: %s" % (self.address, e.message))
            if time.monotonic() > deadline:
                raise Timeout("the private dbus-daemon did not create %s" % self.socket)
            time.sleep(0.02)
        self._sub = self.conn.signal_subscribe(None, None, None, None, None, Gio.DBusSignalFlags.NONE,
                                               self._on_signal)
        # Wake the main context up regularly, so waits notice time passing
        # (and the harness's SIGALRM) while nothing arrives.
        self._tick = GLib.timeout_add(50, lambda: True)
        return self

    def argv(self):
        a = [self.bin, "--session" if self.session else "--address=%s" % self.address, "--no-secret-service"]
        if self.default_endpoint:
            a += ["--default-port", str(self.default_port)]
        else:
            a.append("--no-default-endpoint")
        return a + self.extra_args

    def start(self, timeout=10.0):
        if self.conn is None:
            self.start_bus()
        self.proc = self.h.start(self.name, self.argv(), env=self.env())
        self.proc.fail_tail = 400
        self.wait_for_name(timeout=timeout)
        if self.trace:
            self.call(MANAGER_PATH, MANAGER, "SetTrace", GLib.Variant("(b)", (True,)))
        return self

    def wait_for_name(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            self.proc.check_alive()
            r = self.conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                    "NameHasOwner", GLib.Variant("(s)", (BUS_NAME,)), GLib.VariantType("(b)"),
                                    Gio.DBusCallFlags.NONE, 2000, None)
            if r.unpack()[0]:
                return
            if time.monotonic() > deadline:
                raise Timeout("tincand did not own %s in %.1fs; log:\n%s" % (BUS_NAME, timeout, self.proc.tail()))
            self.iterate(0.05)

    def stop(self, expect_clean=True):
        """SIGTERM the daemon; returns its exit status.  With expect_clean
        the signals it emitted must keep to the interface XML
        (check_contract) and a status other than 0 is an error (a crash on
        shutdown)."""
        if not self.proc:
            return None
        if expect_clean:
            self.check_contract()
        rc = self.proc.stop(sig=signal.SIGTERM, grace=5.0)
        if expect_clean and rc != 0:
            raise HarnessError("tincand exited with status %s on SIGTERM; log:\n%s" % (rc, self.proc.tail(60)))
        return rc

    def close(self):
        if self._sub is not None and self.conn is not None:
            self.conn.signal_unsubscribe(self._sub)
            self._sub = None
        if self._tick is not None:
            GLib.source_remove(self._tick)
            self._tick = None
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close_sync(None)
            self.conn = None
        if self.sock_dir:
            shutil.rmtree(self.sock_dir, ignore_errors=True)

    def contract_problems(self):
        """What the recorded signals do that the interface XML does not
        allow: states, causes and details outside their closed sets."""
        out = []
        for sig in self.signals:
            a = sig.args
            if sig.iface != ENDPOINT:
                continue
            if sig.name == "RegistrationStateChanged":
                state, previous, status, reason, details = a
                if state not in REGISTRATION_STATES or previous not in REGISTRATION_STATES or state == previous:
                    out.append("%r: state %r from %r" % (sig, state, previous))
                cause = details.get("cause")
                if cause is not None and cause not in LOCAL_CAUSES:
                    out.append("RegistrationStateChanged %s -> %s (%s %s) on %s has details[\"cause\"] %r, "
                               "outside the XML's closed set %s" % (previous, state, status, reason, sig.path, cause,
                                                                    " ".join(sorted(LOCAL_CAUSES))))
                sip = details.get("sip-message")
                if sip is not None and not (isinstance(sip, tuple) and len(sip) == 3 and isinstance(sip[2], bytes)):
                    out.append("%r: sip-message is not (s, a(ss), ay)" % sig)
            elif sig.name == "ConnectionLost":
                cause, remote, details = a
                if cause not in CONNECTION_LOST_CAUSES:
                    out.append("ConnectionLost on %s: cause %r outside the XML's closed set %s"
                               % (sig.path, cause, " ".join(sorted(CONNECTION_LOST_CAUSES))))
                if cause != "network-changed" and not re.match(r"^(udp|tcp|tls|ws|wss):\S+:\d+$", remote):
                    out.append("ConnectionLost on %s: remote %r is not transport:host:port" % (sig.path, remote))
        return out

    def check_contract(self):
        """Raise HarnessError listing contract_problems(), if any."""
        self.iterate(0)
        problems = self.contract_problems()
        if problems:
            raise HarnessError("tincand's signals break the interface XML:\n- " + "\n- ".join(problems))

    # --- main loop and signals ---

    def _on_signal(self, conn, sender, path, iface, name, params):
        if sender == "org.freedesktop.DBus":
            return
        self.signals.append(Signal(len(self.signals), time.monotonic(), sender, path, iface, name, py(params)))

    def iterate(self, seconds):
        """Run the main context for about this long."""
        deadline = time.monotonic() + seconds
        while True:
            while self.ctx.pending():
                self.ctx.iteration(False)
            if time.monotonic() >= deadline:
                return
            self.ctx.iteration(True)

    def mark(self):
        """The index the next recorded signal will have (for since=)."""
        self.iterate(0)
        return len(self.signals)

    def find_signals(self, path=None, iface=None, name=None, predicate=None, since=0):
        return [s for s in self.signals[since:]
                if (path is None or s.path == path) and (iface is None or s.iface == iface)
                and (name is None or s.name == name) and (predicate is None or predicate(s))]

    def wait_for_signal(self, path, iface, name, predicate=None, timeout=10.0, since=0, what=None):
        """The first recorded signal from index since on that matches (path,
        iface, name: None matches any; predicate(Signal) -> bool), waiting
        up to timeout seconds.  Raises Timeout with what was seen."""
        deadline = time.monotonic() + timeout
        while True:
            self.iterate(0)
            found = self.find_signals(path, iface, name, predicate, since)
            if found:
                return found[0]
            if self.proc is not None and not self.proc.alive():
                raise HarnessError("tincand exited (status %s) while waiting for %s.%s on %s"
                                   % (self.proc.popen.returncode, iface, name, path))
            if time.monotonic() >= deadline:
                seen = self.find_signals(path, None, None, None, since)
                raise Timeout("no %s.%s on %s%s in %.1fs; signals on that object since #%d:\n  %s"
                              % (iface, name, path, " (%s)" % what if what else "", timeout, since,
                                 "\n  ".join(repr(s) for s in seen[-20:]) or "(none)"))
            self.ctx.iteration(True)

    # --- calls ---

    def call(self, path, iface, method, args=None, timeout=30.0):
        """A method call (args: a tuple GLib.Variant or None); the reply as a
        Python tuple.  A D-Bus error raises GLib.Error (dbus_error_name)."""
        r = self.conn.call_sync(BUS_NAME, path, iface, method, args, None, Gio.DBusCallFlags.NONE,
                                int(timeout * 1000), None)
        return py(r)

    def call_async(self, path, iface, method, args=None, timeout=30.0):
        """Start a call; returns a PendingCall whose result() iterates the
        main context until the reply (so signals keep being recorded)."""
        pc = PendingCall(self)
        self.conn.call(BUS_NAME, path, iface, method, args, None, Gio.DBusCallFlags.NONE, int(timeout * 1000),
                       None, pc._done)
        return pc

    def call_error(self, path, iface, method, args=None, timeout=30.0):
        """A call expected to fail: the D-Bus error name and message, or
        (None, reply) when it succeeded."""
        try:
            return None, self.call(path, iface, method, args, timeout)
        except GLib.Error as e:
            return dbus_error_name(e), e.message

    def get_property(self, path, iface, name):
        return self.call(path, PROPERTIES, "Get", GLib.Variant("(ss)", (iface, name)))[0]

    def get_all(self, path, iface):
        return self.call(path, PROPERTIES, "GetAll", GLib.Variant("(s)", (iface,)))[0]

    def proxy(self, path, iface):
        """A Gio.DBusProxy (cached properties, no auto-start)."""
        return Gio.DBusProxy.new_sync(self.conn, Gio.DBusProxyFlags.DO_NOT_AUTO_START, None, BUS_NAME, path, iface,
                                      None)

    # --- the API, shortly ---

    def endpoints(self):
        return self.get_property(MANAGER_PATH, MANAGER, "Endpoints")

    def create_endpoint(self, settings):
        """CreateEndpoint(settings) -> object path.  Values: GLib.Variant or
        plain Python (see variant())."""
        return self.call(MANAGER_PATH, MANAGER, "CreateEndpoint", GLib.Variant("(a{sv})", (vardict(settings),)))[0]

    def remove_endpoint(self, path):
        self.call(MANAGER_PATH, MANAGER, "RemoveEndpoint", GLib.Variant("(o)", (path,)))

    def register(self, path):
        self.call(path, ENDPOINT, "Register")

    def unregister(self, path):
        self.call(path, ENDPOINT, "Unregister")

    def prop(self, path, name):
        return self.get_property(path, ENDPOINT, name)

    def send_message_args(self, target, body, content_type="text/plain;charset=UTF-8", options=None):
        if isinstance(body, str):
            body = body.encode()
        return GLib.Variant("(ssaya{sv})", (target, content_type, body, vardict(options)))

    def send_message(self, path, target, body, content_type="text/plain;charset=UTF-8", options=None,
                     timeout=40.0):
        """SendMessage; returns when the transaction completed (raises
        GLib.Error for a failure).  Signals keep being recorded."""
        return self.call_async(path, ENDPOINT, "SendMessage",
                               self.send_message_args(target, body, content_type, options),
                               timeout=timeout).result(timeout + 5)

    def registration_states(self, path, since=0):
        """(state, previous, sip_status, reason, details) of each
        RegistrationStateChanged of path recorded from since on."""
        return [s.args for s in self.find_signals(path, ENDPOINT, "RegistrationStateChanged", since=since)]

    def wait_registration(self, path, states, timeout=10.0, since=0):
        """The first RegistrationStateChanged of path to a state in states
        (a string or a set) from since on."""
        if isinstance(states, str):
            states = {states}
        return self.wait_for_signal(path, ENDPOINT, "RegistrationStateChanged", lambda s: s.args[0] in states,
                                    timeout=timeout, since=since, what="state in %s" % sorted(states))

    def wait_message(self, path, body, timeout=10.0, since=0):
        """The first MessageReceived of path whose body (bytes) is body."""
        if isinstance(body, str):
            body = body.encode()
        return self.wait_for_signal(path, ENDPOINT, "MessageReceived", lambda s: s.args[4] == body,
                                    timeout=timeout, since=since, what="body %r" % body)

    def contact_port(self, path):
        """The port of the endpoint's Contact property."""
        contact = self.prop(path, "Contact")
        m = re.search(r"@?[\w.\-\[\]:]*?:(\d+)(?:[;>]|$)", contact)
        if not m:
            raise HarnessError("no port in the Contact %r of %s" % (contact, path))
        return int(m.group(1))

    def log_excerpt(self, pattern=None, lines=80):
        """The end of the daemon's log, or its lines matching a regex."""
        if not self.proc:
            return ""
        text = self.proc.output()
        if pattern:
            rx = re.compile(pattern)
            return "\n".join(line for line in text.splitlines() if rx.search(line))[-20000:]
        return "\n".join(text.splitlines()[-lines:])


class PendingCall:
    def __init__(self, daemon):
        self.d = daemon
        self.done = False
        self.value = None
        self.error = None
        self.t_done = None

    def _done(self, conn, res):
        try:
            self.value = py(conn.call_finish(res))
        except GLib.Error as e:
            self.error = e
        self.done = True
        self.t_done = time.monotonic()

    def wait(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while not self.done:
            if time.monotonic() > deadline:
                raise Timeout("no D-Bus reply in %.1fs" % timeout)
            self.d.ctx.iteration(True)

    def result(self, timeout=30.0):
        self.wait(timeout)
        if self.error is not None:
            raise self.error
        return self.value


def describe_error(e):
    if isinstance(e, GLib.Error):
        return "%s: %s" % (dbus_error_name(e) or e.domain, e.message)
    return str(e)


# --- TAP with one shared set-up -------------------------------------------


def run_shared_tests(setup, tests, timeout=90, name="shared"):
    """Like harness.run_tests, but the tests share one Harness and one
    set-up: ctx = setup(h) runs once (it may start work whose outcomes the
    tests then check, so independent slow cases run concurrently), then
    each fn(ctx) of tests [(description, fn), ...] prints one TAP line.
    A set-up failure fails every test.  The harness's deadline covers the
    whole file."""
    only = os.environ.get("TINCAN_INTEROP_ONLY")
    if only:
        tests = [t for t in tests if only in t[0]]
    print("TAP version 13")
    print("1..%d" % len(tests))
    sys.stdout.flush()
    failed = skipped = 0
    done = 0
    t0 = time.monotonic()
    h = harness.Harness(name, timeout=timeout)
    try:
        with h:
            try:
                ctx = setup(h)
            except Skip as e:
                for i, t in enumerate(tests, 1):
                    print("ok %d - %s # SKIP %s" % (i, t[0], e))
                skipped = done = len(tests)
                tests = []
            except Exception:
                err = traceback.format_exc()
                for i, t in enumerate(tests, 1):
                    print("not ok %d - %s" % (i, t[0]))
                    for line in ("set-up failed:\n" + err).splitlines():
                        print("# " + line)
                failed = done = len(tests)
                tests = []
            for i, (desc, fn) in enumerate(tests, 1):
                try:
                    fn(ctx)
                except Skip as e:
                    skipped += 1
                    print("ok %d - %s # SKIP %s" % (i, desc, e))
                except Exception:
                    failed += 1
                    print("not ok %d - %s" % (i, desc))
                    for line in traceback.format_exc().splitlines():
                        print("# " + line)
                else:
                    print("ok %d - %s (%.1fs since the set-up started)" % (i, desc, time.monotonic() - t0))
                done = i
                sys.stdout.flush()
            if failed:
                h.failed = True
    except Exception:
        # The deadline (Timeout) or a failure between tests.
        failed += 1
        for line in traceback.format_exc().splitlines():
            print("# " + line)
        for i in range(done + 1, len(tests) + 1):
            print("not ok %d - %s # not run" % (i, tests[i - 1][0]))
    sys.stdout.flush()
    if failed:
        sys.exit(1)
    if skipped and skipped == done:
        sys.exit(int(os.environ.get("TINCAN_INTEROP_SKIP_EXIT", harness.SKIP)))
    sys.exit(0)
