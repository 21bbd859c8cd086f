# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bus test helpers (testing.md tier 3): tincand from the build tree on a
private session bus, driven through Gio.DBusConnection.

Each test file builds one Bus (its own dbus-daemon, with a service
directory so that org.tincan.Tincan1 can be activated from the build
tree) and runs its tests with run_tests(), which prints TAP.  Every test
gets a Fixture: fresh HOME / XDG directories, and the daemons, SIP peers
and connections it started, all stopped at the end.  Stopping a daemon is
part of the test: it must exit 0 within 5 s of SIGTERM.

Everything waits on events (D-Bus signals and replies, sockets, process
exit through a pidfd) in the GLib main loop with a deadline; nothing
sleeps a fixed time.  SIP traffic stays on 127.0.0.1.

The daemon's log is printed (as TAP comments) only when a test fails.
Environment: TINCAN_BUILDDIR (the meson build directory; tincand is
$TINCAN_BUILDDIR/daemon/tincand; by hand, the newest build*/ is used),
TINCAN_TEST_KEEP=1 keeps the temporary directories, TINCAN_BUS_TEST_ONLY=TEXT
runs only the tests whose name contains TEXT.  PyGObject is required: when
the python3 meson found lacks it, the test re-runs itself with
/usr/bin/python3.
"""

import os
import sys

# The interpreter meson found may lack PyGObject (a pyenv shim, a venv):
# the system one has it (python3-gi, scripts/deps.sh).
try:
    import gi  # noqa: F401
except ImportError:
    for _candidate in ("/usr/bin/python3", "/bin/python3"):
        if os.path.exists(_candidate) and os.path.realpath(_candidate) != os.path.realpath(sys.executable) \
                and not os.environ.get("TINCAN_BUS_TEST_REEXEC"):
            os.environ["TINCAN_BUS_TEST_REEXEC"] = "1"
            os.execv(_candidate, [_candidate] + sys.argv)
    print("Bail out! python3-gi (PyGObject) is not installed; scripts/deps.sh installs it")
    sys.exit(1)

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

import pwd  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import uuid  # noqa: E402

BUS_NAME = "org.tincan.Tincan1"
MANAGER_PATH = "/org/tincan/Tincan1"
MANAGER_IFACE = "org.tincan.Tincan1.Manager"
ENDPOINT_IFACE = "org.tincan.Tincan1.Endpoint"
ENDPOINT_PREFIX = "/org/tincan/Tincan1/endpoint/"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
OM_IFACE = "org.freedesktop.DBus.ObjectManager"
ERROR = "org.tincan.Tincan1.Error."
LOOPBACK = "127.0.0.1"

SRCDIR = os.path.dirname(os.path.realpath(__file__))
TOPSRCDIR = os.path.dirname(os.path.dirname(SRCDIR))

ENDPOINT_PROPERTIES = ("Uri", "Kind", "DisplayName", "RegistrationState", "Gruu", "InstanceId", "Contact",
                       "Transport", "PasswordStore")
REGISTRATION_STATES = ("unregistered", "registering", "registered", "unregistering", "rejected", "error")
STOP_TIMEOUT = 5.0


class Failure(Exception):
    """A test assertion failed."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def check_equal(got, expected, what):
    if got != expected:
        raise Failure("%s: expected %r, got %r" % (what, expected, got))


def diag(text):
    for line in str(text).splitlines() or [""]:
        sys.stdout.write("# %s\n" % line)
    sys.stdout.flush()


def user_name():
    return pwd.getpwuid(os.getuid()).pw_name


def builddir():
    d = os.environ.get("TINCAN_BUILDDIR")
    if d:
        return d
    # Run by hand from the source tree: the newest build-*/ with a daemon.
    found = [os.path.join(TOPSRCDIR, n) for n in os.listdir(TOPSRCDIR)
             if n.startswith("build") and os.path.exists(os.path.join(TOPSRCDIR, n, "daemon", "tincand"))]
    if not found:
        raise RuntimeError("TINCAN_BUILDDIR is not set and no build*/daemon/tincand exists")
    return max(found, key=lambda d: os.path.getmtime(os.path.join(d, "daemon", "tincand")))


def tincand_path():
    return os.path.abspath(os.path.join(builddir(), "daemon", "tincand"))


def project_version():
    if os.environ.get("TINCAN_VERSION"):
        return os.environ["TINCAN_VERSION"]
    with open(os.path.join(TOPSRCDIR, "meson.build")) as f:
        m = re.search(r"project\([^)]*?version\s*:\s*'([^']+)'", f.read(), re.S)
    return m.group(1) if m else None


# --- variants ---------------------------------------------------------------


def U(n):
    return GLib.Variant("u", n)


def T(n):
    return GLib.Variant("t", n)


def S(s):
    return GLib.Variant("s", s)


def B(b):
    return GLib.Variant("b", b)


def AY(data):
    return GLib.Variant("ay", bytes(data))


def tup(*children):
    """A tuple variant of other variants (PyGObject has no "@" formats)."""
    return GLib.Variant.new_tuple(*children)


def HEADERS(pairs):
    return GLib.Variant("a(ss)", list(pairs))


def asv(d):
    """A dict of key -> GLib.Variant (or str/bool, typed s/b) as an a{sv}."""
    out = {}
    for k, v in d.items():
        if isinstance(v, GLib.Variant):
            out[k] = v
        elif isinstance(v, bool):
            out[k] = B(v)
        elif isinstance(v, str):
            out[k] = S(v)
        else:
            raise TypeError("give %s an explicit variant type" % k)
    return GLib.Variant("a{sv}", out)


def sip_message_of(details_variant):
    """details["sip-message"] as (start_line, [(name, value)], bytes), with
    its type checked, or None when absent."""
    v = details_variant.lookup_value("sip-message", None)
    if v is None:
        return None
    check_equal(v.get_type_string(), "(sa(ss)ay)", 'type of details["sip-message"]')
    line, headers, body = v.unpack()
    return line, [tuple(h) for h in headers], bytes(body)


def header(headers, name):
    """First value of header @name in an a(ss) list (case-insensitive), or None."""
    for n, v in headers:
        if n.lower() == name.lower():
            return v
    return None


# --- the main loop ----------------------------------------------------------

_watchdogs = []  # callables that raise when something died under the test


def iterate_until(condition, timeout, what):
    """Runs the default main context until condition() is true; Failure
    after @timeout seconds, or at once when a watched daemon died."""
    ctx = GLib.MainContext.default()
    fired = [False]

    def on_timeout():
        fired[0] = True
        return GLib.SOURCE_REMOVE

    tid = GLib.timeout_add(max(1, int(timeout * 1000)), on_timeout)
    # Conditions that make D-Bus calls (a property read) have no event of
    # their own to wake the loop: look again every 100 ms until the deadline.
    tick = GLib.timeout_add(100, lambda: GLib.SOURCE_CONTINUE)
    try:
        while True:
            result = condition()
            if result:
                return result
            for w in _watchdogs:
                w()
            if fired[0]:
                raise Failure("timed out after %.1f s waiting for %s" % (timeout, what))
            ctx.iteration(True)
    finally:
        GLib.source_remove(tick)
        if not fired[0]:
            GLib.source_remove(tid)


def drain():
    """Dispatches whatever is already pending."""
    ctx = GLib.MainContext.default()
    while ctx.pending():
        ctx.iteration(False)


# --- D-Bus ------------------------------------------------------------------


class DBusCallError(Exception):
    def __init__(self, name, message, method):
        super().__init__("%s: %s" % (name, message))
        self.name = name
        self.message = message
        self.method = method


def _split_remote_error(e):
    name = Gio.DBusError.get_remote_error(e)
    msg = e.message or ""
    m = re.match(r"^GDBus\.Error:([^ ]+?): (.*)$", msg, re.S)
    if m:
        name = name or m.group(1)
        msg = m.group(2)
    return name or ("%s:%d" % (e.domain, e.code)), msg


class Client:
    """One connection to the private bus, with async calls waited for in
    the main loop (so that in-process SIP peers keep answering)."""

    def __init__(self, address, name="client"):
        self.name = name
        self.conn = Gio.DBusConnection.new_for_address_sync(
            address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        self.conn.set_exit_on_close(False)
        self.unique_name = self.conn.get_unique_name()
        self._subs = []

    def close(self):
        if self.conn is None:
            return
        for sid in self._subs:
            self.conn.signal_unsubscribe(sid)
        self._subs = []
        if not self.conn.is_closed():
            done = []
            self.conn.close(None, lambda c, r: (done.append(True), c.close_finish(r)))
            try:
                iterate_until(lambda: done, 5, "the connection %s to close" % self.name)
            except Failure:
                pass
        self.conn = None

    # -- calls --

    def call_async(self, path, iface, method, args=None, reply_type=None, timeout=30, dest=BUS_NAME,
                   auto_start=False):
        """Starts a call; returns a dict that gets "value" or "error"."""
        result = {}
        flags = Gio.DBusCallFlags.NONE if auto_start else Gio.DBusCallFlags.NO_AUTO_START

        def done(conn, res):
            try:
                result["value"] = conn.call_finish(res)
            except GLib.Error as e:
                name, msg = _split_remote_error(e)
                result["error"] = DBusCallError(name, msg, method)

        self.conn.call(dest, path, iface, method, args,
                       GLib.VariantType.new(reply_type) if reply_type else None, flags,
                       int(timeout * 1000), None, done)
        return result

    def wait_reply(self, result, what, timeout=35):
        iterate_until(lambda: result, timeout, "the reply to %s" % what)
        if "error" in result:
            raise result["error"]
        return result["value"]

    def call(self, path, iface, method, args=None, reply_type=None, timeout=30, dest=BUS_NAME,
             auto_start=False):
        """Calls and waits; returns the reply's GLib.Variant (a tuple)."""
        r = self.call_async(path, iface, method, args, reply_type, timeout, dest, auto_start)
        return self.wait_reply(r, "%s.%s on %s" % (iface, method, path), timeout + 5)

    def expect_error(self, name, path, iface, method, args=None, mentions=(), what=None):
        """The call must fail with D-Bus error @name (or one of a tuple of
        names) and a message containing each of @mentions
        (case-insensitive); returns the DBusCallError."""
        names = (name,) if isinstance(name, str) else tuple(name)
        label = what or "%s.%s" % (iface.rsplit(".", 1)[-1], method)
        try:
            reply = self.call(path, iface, method, args)
        except DBusCallError as e:
            if e.name not in names:
                raise Failure("%s: expected the error %s, got %s: %s" % (label, " or ".join(names), e.name,
                                                                        e.message))
            for m in mentions:
                if callable(m):
                    if not m(e.message):
                        raise Failure("%s: the %s message does not say what was wrong: %r" % (label, e.name,
                                                                                          e.message))
                elif isinstance(m, (tuple, list)):
                    if not any(x.lower() in e.message.lower() for x in m):
                        raise Failure("%s: the %s message does not say what was wrong (expected one of %r in it): %r"
                                      % (label, e.name, list(m), e.message))
                elif m.lower() not in e.message.lower():
                    raise Failure("%s: the %s message does not say what was wrong (expected %r in it): %r"
                                  % (label, e.name, m, e.message))
            check(e.message.strip() != "", "%s: the %s error has an empty message" % (label, e.name))
            return e
        raise Failure("%s: expected the error %s, but the call succeeded with %r"
                      % (label, " or ".join(names), reply.unpack() if reply else None))

    # -- properties --

    def get(self, path, iface, prop):
        v = self.call(path, PROPS_IFACE, "Get", GLib.Variant("(ss)", (iface, prop)), "(v)")
        return v.get_child_value(0).get_variant()

    def get_value(self, path, iface, prop):
        return self.get(path, iface, prop).unpack()

    def get_all(self, path, iface):
        v = self.call(path, PROPS_IFACE, "GetAll", GLib.Variant("(s)", (iface,)), "(a{sv})")
        return v.get_child_value(0).unpack()

    def get_all_typed(self, path, iface):
        """{name: type string} of GetAll."""
        v = self.call(path, PROPS_IFACE, "GetAll", GLib.Variant("(s)", (iface,)), "(a{sv})").get_child_value(0)
        out = {}
        for i in range(v.n_children()):
            entry = v.get_child_value(i)
            out[entry.get_child_value(0).get_string()] = entry.get_child_value(1).get_variant().get_type_string()
        return out

    def endpoints(self):
        return list(self.get_value(MANAGER_PATH, MANAGER_IFACE, "Endpoints"))

    def managed_objects(self):
        v = self.call(MANAGER_PATH, OM_IFACE, "GetManagedObjects", None, "(a{oa{sa{sv}}})")
        return v.get_child_value(0).unpack()

    def endpoint_props(self, path):
        return self.get_all(path, ENDPOINT_IFACE)

    def create_endpoint(self, settings):
        v = self.call(MANAGER_PATH, MANAGER_IFACE, "CreateEndpoint", tup(asv(settings)),
                      "(o)")
        return v.unpack()[0]

    def remove_endpoint(self, path):
        self.call(MANAGER_PATH, MANAGER_IFACE, "RemoveEndpoint", GLib.Variant("(o)", (path,)))

    def send_message_async(self, path, target, content_type, body, options=None, timeout=60):
        args = tup(S(target), S(content_type), AY(body), asv(options or {}))
        return self.call_async(path, ENDPOINT_IFACE, "SendMessage", args, "()", timeout=timeout)

    def send_message(self, path, target, content_type, body, options=None, timeout=60):
        r = self.send_message_async(path, target, content_type, body, options, timeout)
        return self.wait_reply(r, "SendMessage to %s" % target, timeout + 5)

    def list_pending(self, path):
        v = self.call(path, ENDPOINT_IFACE, "ListPendingMessages", None, "(a(ssssaya{sv}))")
        out = []
        arr = v.get_child_value(0)
        for i in range(arr.n_children()):
            out.append(Message.from_variant(arr.get_child_value(i)))
        return out

    def acknowledge(self, path, msg_id):
        self.call(path, ENDPOINT_IFACE, "AcknowledgeMessage", GLib.Variant("(s)", (msg_id,)))

    def set_headers(self, path, pairs):
        self.call(path, ENDPOINT_IFACE, "SetAdditionalHeaders", tup(HEADERS(pairs)))

    # -- signals --

    def record(self, interface=None, member=None, path=None, path_prefix=None, sender=None):
        rec = SignalRecorder(self, interface, member, path, path_prefix, sender)
        self._subs.append(rec.sid)
        return rec

    def unrecord(self, rec):
        if rec.sid in self._subs:
            self._subs.remove(rec.sid)
            self.conn.signal_unsubscribe(rec.sid)


class Signal:
    def __init__(self, sender, path, interface, member, params):
        self.sender = sender
        self.path = path
        self.interface = interface
        self.member = member
        self.params = params  # GLib.Variant tuple
        self.args = params.unpack()
        self.time = time.time()

    def arg(self, i):
        return self.params.get_child_value(i)

    def __repr__(self):
        return "%s.%s%r on %s" % (self.interface, self.member, tuple(self.args), self.path)


class SignalRecorder:
    def __init__(self, client, interface, member, path, path_prefix, sender):
        self.client = client
        self.events = []
        self.path_prefix = path_prefix
        self.sid = client.conn.signal_subscribe(sender, interface, member, path, None, Gio.DBusSignalFlags.NONE,
                                                self._on_signal)

    def _on_signal(self, conn, sender, path, interface, member, params, *user_data):
        if self.path_prefix and not path.startswith(self.path_prefix):
            return
        self.events.append(Signal(sender, path, interface, member, params))

    def clear(self):
        del self.events[:]

    def matching(self, pred=None):
        return [e for e in self.events if pred is None or pred(e)]

    def wait(self, pred=None, timeout=10, what="a signal", count=1):
        """Waits until @count recorded signals match; returns the first
        @count of them."""
        iterate_until(lambda: len(self.matching(pred)) >= count, timeout, what)
        return self.matching(pred)[:count]

    def wait_one(self, pred=None, timeout=10, what="a signal"):
        return self.wait(pred, timeout, what)[0]


def props_changed_values(recorder, path, iface, prop):
    """Values of @prop announced in PropertiesChanged on @path, in order."""
    out = []
    for e in recorder.events:
        if e.member != "PropertiesChanged" or e.path != path or e.args[0] != iface:
            continue
        if prop in e.args[1]:
            out.append(e.args[1][prop])
        elif prop in e.args[2]:
            out.append(None)  # invalidated
    return out


class Message:
    """One received message: MessageReceived's or ListPendingMessages'
    (id, from, to, content_type, body, details)."""

    def __init__(self, msg_id, from_, to, content_type, body, details_variant):
        self.id = msg_id
        self.from_ = from_
        self.to = to
        self.content_type = content_type
        self.body = body
        self.details_variant = details_variant
        self.details = details_variant.unpack()

    @classmethod
    def from_variant(cls, v):
        check_equal(v.get_type_string(), "(ssssaya{sv})", "type of a received message")
        return cls(v.get_child_value(0).get_string(), v.get_child_value(1).get_string(),
                   v.get_child_value(2).get_string(), v.get_child_value(3).get_string(),
                   bytes(v.get_child_value(4).get_data_as_bytes().get_data() or b""),
                   v.get_child_value(5))

    @classmethod
    def from_signal(cls, sig):
        return cls.from_variant(sig.params)

    def fields(self):
        return (self.id, self.from_, self.to, self.content_type, self.body)

    def __repr__(self):
        return "Message(%r, from=%r, to=%r, type=%r, body=%r)" % (self.id, self.from_, self.to, self.content_type,
                                                                   self.body[:64])


# --- processes ----------------------------------------------------------------


class ProcessWatch:
    """Notices, through a pidfd in the main loop, when a process (child or
    not) exits."""

    def __init__(self, pid):
        self.pid = pid
        self.exited = False
        self.fd = os.pidfd_open(pid)
        self.sid = GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, self.fd, GLib.IOCondition.IN, self._on_exit)

    def _on_exit(self, fd, cond, *a):
        self.exited = True
        self.sid = 0
        return GLib.SOURCE_REMOVE

    def close(self):
        if self.sid:
            GLib.source_remove(self.sid)
            self.sid = 0
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Bus:
    """A private dbus-daemon whose service directory activates tincand from
    the build tree (through a wrapper that keeps its log and exit status)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tincan-bus-")
        self.socket = os.path.join(self.dir, "bus")
        self.address = "unix:path=" + self.socket
        self.services = os.path.join(self.dir, "services")
        os.mkdir(self.services)
        self.tincand = tincand_path()
        self.wrapper = os.path.join(self.dir, "tincand-activated.sh")
        with open(self.wrapper, "w") as f:
            f.write("""#!/bin/sh
# Started by dbus-daemon (activation of org.tincan.Tincan1).  The test sets
# XDG_CONFIG_HOME, XDG_DATA_HOME and TINCAN_TEST_RUNDIR with
# UpdateActivationEnvironment; "$@" is the build-tree tincand and its options.
run="$TINCAN_TEST_RUNDIR"
echo $$ >"$run/wrapper.pid"
"$@" --config-dir "$XDG_CONFIG_HOME/tincan" --data-dir "$XDG_DATA_HOME/tincan" >>"$run/tincand.log" 2>&1 </dev/null
echo $? >"$run/tincand.rc.tmp"
mv "$run/tincand.rc.tmp" "$run/tincand.rc"
""")
        os.chmod(self.wrapper, 0o755)
        with open(os.path.join(self.services, BUS_NAME + ".service"), "w") as f:
            f.write("[D-BUS Service]\nName=%s\nExec=%s %s --session --no-secret-service --default-port 0\n"
                    % (BUS_NAME, self.wrapper, self.tincand))
        self.config = os.path.join(self.dir, "session.conf")
        with open(self.config, "w") as f:
            f.write("""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>%s</listen>
  <auth>EXTERNAL</auth>
  <servicedir>%s</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
""" % (self.address, self.services))
        env = clean_env()
        env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        env["G_DEBUG"] = "fatal-criticals"
        env["G_MESSAGES_DEBUG"] = "all"
        self.log = open(os.path.join(self.dir, "dbus-daemon.log"), "w")
        self.proc = subprocess.Popen(["dbus-daemon", "--config-file=" + self.config, "--print-address=1",
                                      "--nofork"], stdout=subprocess.PIPE, stderr=self.log, env=env,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        line = self.proc.stdout.readline().decode().strip()
        if not line:
            raise RuntimeError("dbus-daemon did not start (see %s)" % self.log.name)
        self.client = Client(self.address, "test")

    def set_activation_env(self, env):
        self.client.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "UpdateActivationEnvironment",
                         GLib.Variant("(a{ss})", (env,)), dest="org.freedesktop.DBus")

    def name_owner(self):
        try:
            v = self.client.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner",
                                 GLib.Variant("(s)", (BUS_NAME,)), "(s)", dest="org.freedesktop.DBus")
            return v.unpack()[0]
        except DBusCallError:
            return None

    def pid_of(self, unique):
        v = self.client.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                             GLib.Variant("(s)", (unique,)), "(u)", dest="org.freedesktop.DBus")
        return v.unpack()[0]

    def close(self, keep=False):
        self.client.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def clean_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DBUS_") and k not in ("G_MESSAGES_DEBUG", "G_DEBUG", "XDG_RUNTIME_DIR")}
    env.setdefault("PATH", "/usr/bin:/bin")
    env["USER"] = env["LOGNAME"] = user_name()
    return env


class Daemon:
    """One run of tincand: started directly (start()) or by the bus
    (activate())."""

    def __init__(self, fx, mode, args, log_path):
        self.fx = fx
        self.mode = mode
        self.args = args
        self.log_path = log_path
        self.proc = None
        self.pid = None
        self.unique_name = None
        self.watch = None
        self.expect_exit = False
        self.returncode = None
        self.stop_duration = None
        self.wrapper_pid = None
        self.wrapper_watch = None

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def alive(self):
        return self.watch is not None and not self.watch.exited

    def watchdog(self):
        if self.watch is not None and self.watch.exited and not self.expect_exit:
            self.expect_exit = True
            rc = self._reap()
            raise Failure("tincand (pid %d) exited unexpectedly with status %s" % (self.pid, rc))

    def _reap(self):
        if self.returncode is not None:
            return self.returncode
        if self.proc is not None:
            self.returncode = self.proc.wait()
        else:
            rc_path = os.path.join(self.fx.rundir, "tincand.rc")
            if self.wrapper_watch is not None:
                try:
                    iterate_until(lambda: self.wrapper_watch.exited, 5, "the activation wrapper to exit")
                except Failure:
                    pass
            try:
                with open(rc_path) as f:
                    self.returncode = int(f.read().strip())
            except (OSError, ValueError):
                self.returncode = "unknown"
        return self.returncode

    def stop(self, timeout=STOP_TIMEOUT, sig=signal.SIGTERM):
        """Sends @sig and waits for the exit; returns the exit status (a
        negative number: killed by that signal).  The main loop keeps
        running meanwhile, so SIP peers of the test still answer."""
        if self.watch is None:
            return self.returncode
        self.expect_exit = True
        t0 = time.monotonic()
        if not self.watch.exited:
            os.kill(self.pid, sig)
        try:
            iterate_until(lambda: self.watch.exited, timeout, "tincand (pid %d) to exit after %s"
                          % (self.pid, signal.Signals(sig).name))
        except Failure:
            os.kill(self.pid, signal.SIGKILL)
            iterate_until(lambda: self.watch.exited, 5, "tincand to die of SIGKILL")
            self._reap()
            self._close_watches()
            raise Failure("tincand did not exit within %.0f s of %s (killed)" % (timeout, signal.Signals(sig).name))
        self.stop_duration = time.monotonic() - t0
        rc = self._reap()
        self._close_watches()
        # The bus name goes with the connection: wait for it, so that a
        # restart does not race with the old owner.
        if self.unique_name:
            iterate_until(lambda: self.fx.bus.name_owner() != self.unique_name, 5, "the old owner to leave the bus")
        return rc

    def _close_watches(self):
        if self.watch:
            self.watch.close()
        if self.wrapper_watch:
            self.wrapper_watch.close()
        if self in self.fx.live_daemons:
            self.fx.live_daemons.remove(self)


# --- SIP over UDP, in the main loop ------------------------------------------

COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length",
           "c": "content-type", "k": "supported", "s": "subject", "e": "content-encoding", "o": "event",
           "r": "refer-to", "b": "referred-by", "u": "allow-events", "x": "session-expires"}


class SipMessage:
    def __init__(self, raw, addr=None):
        self.raw = raw
        self.addr = addr
        head, sep, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("utf-8", "replace").split("\r\n")
        self.start = lines[0]
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip())
                continue
            n, _, v = line.partition(":")
            self.headers.append((n.strip(), v.strip()))
        self.body = body
        parts = self.start.split(" ", 2)
        if self.start.startswith("SIP/2.0 "):
            self.is_request = False
            self.status = int(parts[1])
            self.reason = parts[2] if len(parts) > 2 else ""
            self.method = None
        else:
            self.is_request = True
            self.method = parts[0]
            self.ruri = parts[1] if len(parts) > 1 else ""
            self.status = None

    @staticmethod
    def _canon(name):
        n = name.lower()
        return COMPACT.get(n, n)

    def all(self, name):
        c = self._canon(name)
        return [v for n, v in self.headers if self._canon(n) == c]

    def get(self, name):
        vals = self.all(name)
        return vals[0] if vals else None

    def names(self):
        return [n for n, v in self.headers]

    def key(self):
        return (self.get("call-id"), self.get("cseq"))

    def expires(self):
        """The expiry a REGISTER asks for: the Contact's expires param, else
        the Expires header; None when neither."""
        c = self.get("contact") or ""
        if c.strip() == "*":
            e = self.get("expires")
            return int(e) if e is not None else None
        m = re.search(r";\s*expires\s*=\s*(\d+)", c, re.I)
        if m:
            return int(m.group(1))
        e = self.get("expires")
        return int(e) if e is not None else None

    def __repr__(self):
        return "<SIP %s from %s>" % (self.start, self.addr)


class SipPeer:
    """A minimal SIP user agent on 127.0.0.1 over UDP, served by the GLib
    main loop.  @handler(request) returns (status, reason, extra headers,
    body) to answer, or None to swallow the request."""

    def __init__(self, handler=None, name="peer"):
        self.name = name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOOPBACK, 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.handler = handler or (lambda req: (200, "OK", [], b""))
        self.requests = []
        self.responses = []
        self.sid = GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, self.sock.fileno(), GLib.IOCondition.IN,
                                         self._on_readable)

    def uri(self, user="peer"):
        return "sip:%s@%s:%d" % (user, LOOPBACK, self.port)

    def close(self):
        if self.sid:
            GLib.source_remove(self.sid)
            self.sid = 0
        self.sock.close()

    def _on_readable(self, fd, cond, *a):
        while True:
            try:
                data, addr = self.sock.recvfrom(70000)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                break
            if not data.strip():
                continue  # keep-alive
            try:
                msg = SipMessage(data, addr)
            except Exception:  # noqa: BLE001 -- garbage is recorded, not fatal
                continue
            if msg.is_request:
                self.requests.append(msg)
                if msg.method == "ACK":
                    continue
                answer = self.handler(msg)
                if answer is not None:
                    self.respond(msg, *answer)
            else:
                self.responses.append(msg)
        return GLib.SOURCE_CONTINUE

    def respond(self, req, status, reason, headers=(), body=b""):
        self.sock.sendto(build_response(req, status, reason, headers, body), req.addr)

    def request(self, method, dest_port, ruri=None, headers=(), body=b"", content_type=None):
        """Sends a request to 127.0.0.1:@dest_port; returns its Call-ID
        (responses are recorded in self.responses)."""
        call_id = uuid.uuid4().hex + "@tincan-test"
        ruri = ruri or "sip:%s:%d" % (LOOPBACK, dest_port)
        lines = ["%s %s SIP/2.0" % (method, ruri),
                 "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport" % (LOOPBACK, self.port, uuid.uuid4().hex),
                 "Max-Forwards: 70",
                 "From: <sip:%s@%s:%d>;tag=%s" % (self.name, LOOPBACK, self.port, uuid.uuid4().hex[:8]),
                 "To: <%s>" % ruri,
                 "Call-ID: " + call_id,
                 "CSeq: 1 " + method]
        for n, v in headers:
            lines.append("%s: %s" % (n, v))
        if content_type:
            lines.append("Content-Type: " + content_type)
        lines.append("Content-Length: %d" % len(body))
        self.sock.sendto(("\r\n".join(lines) + "\r\n\r\n").encode() + body, (LOOPBACK, dest_port))
        return call_id

    def response_to(self, call_id):
        for r in self.responses:
            if r.get("call-id") == call_id and r.status >= 200:
                return r
        return None

    def wait_response(self, call_id, timeout=5, what=None):
        return iterate_until(lambda: self.response_to(call_id), timeout,
                             what or "a final response to %s" % call_id)

    def requests_of(self, method):
        return [r for r in self.requests if r.method == method]

    def distinct(self, method):
        """Requests of @method without retransmissions."""
        seen = {}
        for r in self.requests_of(method):
            seen.setdefault(r.key(), r)
        return list(seen.values())


class SipTcpPeer:
    """The same over TCP: a listener on 127.0.0.1, messages framed by
    Content-Length, answers on the connection the request came on."""

    def __init__(self, handler=None, name="tcp-peer"):
        self.name = name
        self.handler = handler or (lambda req: (200, "OK", [], b""))
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen(16)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.requests = []
        self.conns = {}  # fd -> [socket, buffer, source id]
        self.accepted = 0
        self.sid = GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, self.listener.fileno(), GLib.IOCondition.IN,
                                         self._on_accept)

    def uri(self, user="peer"):
        return "sip:%s@%s:%d;transport=tcp" % (user, LOOPBACK, self.port)

    def _on_accept(self, fd, cond, *a):
        try:
            s, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return GLib.SOURCE_CONTINUE
        s.setblocking(False)
        self.accepted += 1
        sid = GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, s.fileno(), GLib.IOCondition.IN, self._on_data)
        self.conns[s.fileno()] = [s, b"", sid]
        return GLib.SOURCE_CONTINUE

    def _drop(self, fd):
        s, _, sid = self.conns.pop(fd)
        GLib.source_remove(sid)
        s.close()

    def _on_data(self, fd, cond, *a):
        entry = self.conns.get(fd)
        if entry is None:
            return GLib.SOURCE_REMOVE
        s = entry[0]
        try:
            data = s.recv(70000)
        except (BlockingIOError, InterruptedError):
            return GLib.SOURCE_CONTINUE
        except OSError:
            data = b""
        if not data:
            entry[2] = 0
            s.close()
            del self.conns[fd]
            return GLib.SOURCE_REMOVE
        entry[1] += data
        while True:
            buf = entry[1].lstrip(b"\r\n")
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                entry[1] = buf
                break
            m = re.search(rb"\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)", buf[:end + 2], re.I)
            length = int(m.group(1)) if m else 0
            if len(buf) < end + 4 + length:
                entry[1] = buf
                break
            raw, entry[1] = buf[:end + 4 + length], buf[end + 4 + length:]
            msg = SipMessage(raw, None)
            msg.conn = s
            if msg.is_request:
                self.requests.append(msg)
                if msg.method != "ACK":
                    answer = self.handler(msg)
                    if answer is not None:
                        self.respond(msg, *answer)
        return GLib.SOURCE_CONTINUE

    def respond(self, req, status, reason, headers=(), body=b""):
        data = build_response(req, status, reason, headers, body)
        try:
            req.conn.sendall(data)
        except OSError:
            pass

    def close_connections(self):
        """Closes every accepted connection (the peer goes away)."""
        for fd in list(self.conns):
            self._drop(fd)

    def close(self):
        self.close_connections()
        if self.sid:
            GLib.source_remove(self.sid)
            self.sid = 0
        self.listener.close()

    def requests_of(self, method):
        return [r for r in self.requests if r.method == method]


def build_response(req, status, reason, headers=(), body=b""):
    lines = ["SIP/2.0 %d %s" % (status, reason)]
    for v in req.all("via"):
        lines.append("Via: " + v)
    lines.append("From: " + (req.get("from") or ""))
    to = req.get("to") or ""
    if status > 100 and not re.search(r";\s*tag=", to):
        to += ";tag=" + uuid.uuid4().hex[:10]
    lines.append("To: " + to)
    lines.append("Call-ID: " + (req.get("call-id") or ""))
    lines.append("CSeq: " + (req.get("cseq") or ""))
    for n, v in headers:
        lines.append("%s: %s" % (n, v))
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def registrar_handler(grant=300, gruu=None):
    """Answers REGISTER with 200 OK listing the request's Contact with
    expires=@grant (and pub-gruu=@gruu); Expires 0 is answered 200
    without a binding."""

    def handle(req):
        if req.method != "REGISTER":
            return (405, "Method Not Allowed", [("Allow", "REGISTER")], b"")
        contact = req.get("contact")
        exp = req.expires()
        if contact is None:
            return (200, "OK", [], b"")
        if exp == 0 or contact.strip() == "*":
            return (200, "OK", [], b"")
        c = re.sub(r";\s*expires\s*=\s*\d+", "", contact, flags=re.I)
        c += ";expires=%d" % grant
        if gruu:
            c += ';pub-gruu="%s"' % gruu
        return (200, "OK", [("Contact", c), ("Date", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()))],
                b"")

    return handle


def status_handler(status, reason):
    def handle(req):
        return (status, reason, [], b"")

    return handle


def swallow_handler(req):
    return None


def free_udp_port_in_use():
    """A UDP socket bound on 127.0.0.1 (kept open): the port is taken."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((LOOPBACK, 0))
    return s


def closed_tcp_port():
    """A TCP port on 127.0.0.1 where nothing listens (bound, then closed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((LOOPBACK, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def udp_port_taken(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((LOOPBACK, port))
    except OSError:
        return True
    finally:
        s.close()
    return False


def contact_hostport(contact):
    """(host, port) of a sip: Contact URI such as sip:bob@127.0.0.1:5062."""
    m = re.match(r"^<?sips?:(?:[^@;>]*@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?", contact)
    if not m:
        return None, None
    return m.group(1), int(m.group(2)) if m.group(2) else None


# --- fixtures -----------------------------------------------------------------


class Fixture:
    """What one test owns: its directories, daemons, peers, connections."""

    def __init__(self, bus, name):
        self.bus = bus
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="t-", dir=bus.dir)
        self.home = os.path.join(self.dir, "home")
        self.config_home = os.path.join(self.dir, "config")
        self.data_home = os.path.join(self.dir, "data")
        self.runtime = os.path.join(self.dir, "runtime")
        self.rundir = os.path.join(self.dir, "run")
        for d in (self.home, self.config_home, self.data_home, self.runtime, self.rundir):
            os.makedirs(d, mode=0o700)
        self.config_dir = os.path.join(self.config_home, "tincan")
        self.data_dir = os.path.join(self.data_home, "tincan")
        self.daemons = []
        self.live_daemons = []
        self.peers = []
        self.clients = []
        self.sockets = []
        self.recorders = []
        self.soft_failures = []
        self.client = bus.client
        self.n_runs = 0
        self._watchdog = self._check_daemons
        _watchdogs.append(self._watchdog)

    def expect(self, condition, message):
        """A check that does not stop the test: the test fails at its end,
        with every such message."""
        if not condition and message not in self.soft_failures:
            self.soft_failures.append(message)
            diag("check failed (continuing): %s" % message)
        return condition

    def expect_equal(self, got, expected, what):
        return self.expect(got == expected, "%s: expected %r, got %r" % (what, expected, got))

    def _check_daemons(self):
        for d in list(self.live_daemons):
            d.watchdog()

    def env(self):
        env = clean_env()
        env.update({
            "DBUS_SESSION_BUS_ADDRESS": self.bus.address,
            "HOME": self.home,
            "XDG_CONFIG_HOME": self.config_home,
            "XDG_DATA_HOME": self.data_home,
            "XDG_CACHE_HOME": os.path.join(self.home, ".cache"),
            # one GStreamer plugin registry for the whole run (see tests/interop/tincand.py)
            "GST_REGISTRY_1_0": os.path.join(tempfile.gettempdir(), "tincan-test-gst-registry-%d.bin" % os.getuid()),
            "XDG_RUNTIME_DIR": self.runtime,
            "G_DEBUG": "fatal-criticals",
            "G_MESSAGES_DEBUG": "all",
        })
        return env

    def _log_path(self):
        self.n_runs += 1
        return os.path.join(self.dir, "tincand-%d.log" % self.n_runs)

    def start_daemon(self, default_port=0, explicit_dirs=True, extra_args=()):
        """Starts tincand directly on the private bus and waits until it owns
        org.tincan.Tincan1 (failing at once if it exits)."""
        args = [self.bus.tincand, "--session"]
        if explicit_dirs:
            args += ["--config-dir", self.config_dir, "--data-dir", self.data_dir]
        args += ["--no-secret-service", "--default-port", str(default_port)]
        args += list(extra_args)
        log_path = self._log_path()
        d = Daemon(self, "direct", args, log_path)
        owners = self.client.record("org.freedesktop.DBus", "NameOwnerChanged", "/org/freedesktop/DBus")
        added = self.client.record(OM_IFACE, "InterfacesAdded", MANAGER_PATH)
        # A round trip to the bus: it has our match rules before tincand
        # (another connection) can do anything.
        check(self.bus.name_owner() is None, "%s already has an owner before tincand starts" % BUS_NAME)
        with open(log_path, "w") as log:
            log.write("$ %s\n" % " ".join(args))
            log.flush()
            d.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      env=self.env(), cwd=self.dir, start_new_session=True)
        d.pid = d.proc.pid
        d.watch = ProcessWatch(d.pid)
        self.daemons.append(d)
        self.live_daemons.append(d)

        def owned():
            for e in owners.events:
                if e.args[0] == BUS_NAME and e.args[2]:
                    return e.args[2]
            return None

        try:
            d.unique_name = iterate_until(owned, 20, "tincand to own %s on the bus" % BUS_NAME)
            check_equal(self.bus.pid_of(d.unique_name), d.pid, "pid of the owner of %s" % BUS_NAME)
            self._wait_endpoints(added)
        finally:
            self.client.unrecord(owners)
            self.client.unrecord(added)
        return d

    def _wait_endpoints(self, added):
        """tincand makes its endpoints once it owns the name (main.c): wait
        until they are exported (there is always one: the default, or the
        accounts)."""
        if not self.client.endpoints():
            iterate_until(lambda: added.events, 10, "tincand to export its endpoints (InterfacesAdded)")

    def activate_daemon(self, activating_call=None, wait_endpoints=True):
        """Lets the bus start tincand (activation from the build tree) by
        calling it: @activating_call(client) makes a call with auto-start
        (default: Get Manager.Version).  Returns (Daemon, what the call
        returned); the call's error is raised once the daemon is known."""
        check(self.bus.name_owner() is None, "%s already has an owner before activation" % BUS_NAME)
        self.bus.set_activation_env({
            "HOME": self.home,
            "XDG_CONFIG_HOME": self.config_home,
            "XDG_DATA_HOME": self.data_home,
            "XDG_RUNTIME_DIR": self.runtime,
            "DBUS_SESSION_BUS_ADDRESS": self.bus.address,
            "TINCAN_TEST_RUNDIR": self.rundir,
            "G_DEBUG": "fatal-criticals",
            "G_MESSAGES_DEBUG": "all",
            "USER": user_name(),
        })
        for f in ("tincand.rc", "wrapper.pid", "tincand.log"):
            try:
                os.unlink(os.path.join(self.rundir, f))
            except FileNotFoundError:
                pass
        d = Daemon(self, "activated", None, os.path.join(self.rundir, "tincand.log"))
        self.daemons.append(d)
        added = self.client.record(OM_IFACE, "InterfacesAdded", MANAGER_PATH)

        def get_version(client):
            v = client.call(MANAGER_PATH, PROPS_IFACE, "Get", GLib.Variant("(ss)", (MANAGER_IFACE, "Version")),
                            "(v)", timeout=25, auto_start=True)
            return v.get_child_value(0).get_variant().unpack()

        error = None
        result = None
        try:
            result = (activating_call or get_version)(self.client)
        except DBusCallError as e:
            error = e
        d.unique_name = self.bus.name_owner()
        check(d.unique_name, "nobody owns %s after the activating call" % BUS_NAME)
        d.pid = self.bus.pid_of(d.unique_name)
        d.watch = ProcessWatch(d.pid)
        self.live_daemons.append(d)
        with open(os.path.join(self.rundir, "wrapper.pid")) as f:
            d.wrapper_pid = int(f.read().strip())
        d.wrapper_watch = ProcessWatch(d.wrapper_pid)
        try:
            if error is not None:
                raise error
            if wait_endpoints:
                self._wait_endpoints(added)
        finally:
            self.client.unrecord(added)
        return d, result

    def stop_daemon(self, d, timeout=STOP_TIMEOUT):
        rc = d.stop(timeout)
        check(rc == 0, "tincand exited with status %s after SIGTERM (expected 0)" % rc)
        return rc

    def restart_daemon(self, d, **kw):
        self.stop_daemon(d)
        return self.start_daemon(**kw)

    def record(self, interface=None, member=None, path=None, path_prefix=None, client=None):
        """Records signals on @client (the test's main connection by
        default) until the end of the test."""
        c = client or self.client
        rec = c.record(interface, member, path, path_prefix)
        self.recorders.append((c, rec))
        return rec

    def peer(self, handler=None, name="peer"):
        p = SipPeer(handler, name)
        self.peers.append(p)
        return p

    def tcp_peer(self, handler=None, name="tcp-peer"):
        p = SipTcpPeer(handler, name)
        self.peers.append(p)
        return p

    def connect(self, name="second"):
        c = Client(self.bus.address, name)
        self.clients.append(c)
        return c

    def hold(self, sock):
        self.sockets.append(sock)
        return sock

    def teardown(self):
        """Stops what is still running; every daemon must exit 0 within
        5 s of SIGTERM.  Returns a list of problems."""
        problems = []
        for d in list(self.live_daemons):
            try:
                self.stop_daemon(d)
            except Failure as e:
                problems.append(str(e))
            except Exception as e:  # noqa: BLE001
                problems.append("stopping tincand: %r" % e)
        for c, rec in self.recorders:
            if c.conn is not None:
                c.unrecord(rec)
        for c in self.clients:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
        for p in self.peers:
            p.close()
        for s in self.sockets:
            s.close()
        if self._watchdog in _watchdogs:
            _watchdogs.remove(self._watchdog)
        return problems

    def logs(self):
        out = []
        for i, d in enumerate(self.daemons, 1):
            out.append("---- tincand run %d (%s, pid %s, exit %s): %s" % (i, d.mode, d.pid, d.returncode,
                                                                          d.log_path))
            out.append(d.log_text())
        return "\n".join(out)


def run_tests(tests, deadline=110):
    """Runs (name, function(fixture)) tests on one private bus; TAP on
    stdout; exit status 0 when all passed."""
    if not os.access(tincand_path(), os.X_OK):
        print("Bail out! %s is not built" % tincand_path())
        return 1
    print("1..%d" % len(tests))
    sys.stdout.flush()
    bus = Bus()
    state = {"fixture": None, "index": 0}

    def on_alarm(signum, frame):
        fx = state["fixture"]
        print("not ok %d - %s # the file's deadline of %d s passed" % (state["index"], tests[state["index"] - 1][0]
                                                                     if state["index"] else "setup", deadline))
        if fx:
            diag(traceback.format_stack(frame)[-1])
            diag(fx.logs())
            fx.teardown()
        print("Bail out! deadline")
        sys.stdout.flush()
        bus.close(keep=True)
        os._exit(1)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(deadline)
    failed = 0
    only = os.environ.get("TINCAN_BUS_TEST_ONLY")
    keep = os.environ.get("TINCAN_TEST_KEEP") == "1"
    for i, (name, fn) in enumerate(tests, 1):
        state["index"] = i
        if only and only not in name:
            print("ok %d - %s # SKIP not selected" % (i, name))
            continue
        fx = Fixture(bus, name)
        state["fixture"] = fx
        error = None
        tb = None
        t0 = time.monotonic()
        try:
            fn(fx)
        except Failure as e:
            error = "%s" % e
            tb = traceback.format_exc()
        except DBusCallError as e:
            error = "unexpected D-Bus error from %s: %s: %s" % (e.method, e.name, e.message)
            tb = traceback.format_exc()
        except Exception as e:  # noqa: BLE001
            error = "%s: %s" % (type(e).__name__, e)
            tb = traceback.format_exc()
        problems = fx.teardown()
        if fx.soft_failures:
            soft = "; ".join(fx.soft_failures)
            error = soft if not error else error + "; and earlier: " + soft
            if tb is None:
                tb = ""
        if problems and not error:
            error = "; ".join(problems)
            tb = ""
        state["fixture"] = None
        if error:
            failed += 1
            print("not ok %d - %s" % (i, name))
            diag(error)
            diag(tb)
            for p in problems:
                diag("teardown: " + p)
            diag("temporary directory: %s%s" % (fx.dir, "" if keep else " (removed; TINCAN_TEST_KEEP=1 keeps it)"))
            diag(fx.logs())
        else:
            print("ok %d - %s # %.1f s" % (i, name, time.monotonic() - t0))
        if not keep:
            shutil.rmtree(fx.dir, ignore_errors=True)
        sys.stdout.flush()
    signal.alarm(0)
    bus.close(keep=keep)
    return 1 if failed else 0
