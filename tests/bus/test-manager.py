#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""org.tincan.Tincan1.Manager on a private bus (testing.md tier 3):
activation from the build tree, Version, Endpoints, the ObjectManager,
CreateEndpoint / RemoveEndpoint / SetTrace, the embedded default endpoint,
persistence across restarts, and bad input.  TAP on stdout.
"""

import os
import re
import sys
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tincantest import (ENDPOINT_IFACE, ENDPOINT_PREFIX, ENDPOINT_PROPERTIES, ERROR, LOOPBACK, Gio,  # noqa: E402
                        MANAGER_IFACE, MANAGER_PATH, OM_IFACE, PROPS_IFACE, DBusCallError, Failure, GLib, S, U,
                        asv, check, check_equal, contact_hostport, drain, free_udp_port_in_use,
                        project_version, props_changed_values, run_tests, tup, udp_port_taken, user_name)

DEFAULT_PATH = ENDPOINT_PREFIX + "default"
UNKNOWN_OBJECT_ERRORS = ("org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownMethod",
                         "org.freedesktop.DBus.Error.UnknownInterface")
UUID_URN = re.compile(r"^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def check_listening(fx, contact, what):
    """The Contact's port is bound on 127.0.0.1 and answers OPTIONS."""
    host, port = contact_hostport(contact)
    check(host == LOOPBACK, "%s: Contact %r is not on %s" % (what, contact, LOOPBACK))
    check(port is not None and port > 0, "%s: Contact %r has no port" % (what, contact))
    check(udp_port_taken(port), "%s: nothing is bound on UDP %s:%d (Contact %r)" % (what, LOOPBACK, port, contact))
    probe = fx.peer(name="probe")
    call_id = probe.request("OPTIONS", port)
    resp = probe.wait_response(call_id, 5, "an answer to OPTIONS on %s's Contact %s" % (what, contact))
    check_equal(resp.status, 200, "%s: status of OPTIONS to %s" % (what, contact))
    return port


def check_string_props(fx, path):
    types = fx.client.get_all_typed(path, ENDPOINT_IFACE)
    for p in ENDPOINT_PROPERTIES:
        check(p in types, "%s: property %s is missing from GetAll (has %s)" % (path, p, sorted(types)))
        check_equal(types[p], "s", "type of %s.%s" % (path, p))
    for name in types:
        check("password" not in name.lower() or name == "PasswordStore",
              "%s: a property %s looks like it exposes a secret" % (path, name))


def endpoint_files(fx, config_home=None):
    d = os.path.join(config_home or fx.config_dir, "endpoints")
    try:
        return sorted(os.path.join(d, f) for f in os.listdir(d))
    except FileNotFoundError:
        return []


# --- tests --------------------------------------------------------------------


def test_activation(fx):
    """The first call on org.tincan.Tincan1 makes the bus start the
    build-tree tincand; it serves and exits 0 on SIGTERM."""
    d, version = fx.activate_daemon()
    check(isinstance(version, str) and version, "Version from the activated daemon is empty: %r" % version)
    exe = os.path.realpath("/proc/%d/exe" % d.pid)
    check_equal(exe.replace(" (deleted)", ""), os.path.realpath(fx.bus.tincand),
                "executable of the activated org.tincan.Tincan1 owner")
    with open("/proc/%d/cmdline" % d.pid, "rb") as f:
        argv = f.read().split(b"\0")
    check(b"--session" in argv, "the activated tincand was not run with --session: %r" % argv)
    check_equal(fx.client.endpoints(), [DEFAULT_PATH], "Endpoints of an activated daemon with no configuration")
    fx.stop_daemon(d)
    check(d.stop_duration < 5.0, "the activated tincand took %.1f s to exit after SIGTERM" % d.stop_duration)


def test_activation_by_endpoint_call(fx):
    """The activating call may be addressed to the default endpoint (a
    client's first command, e.g. fetching its pending messages): the bus
    holds it until tincand owns the name, and it must then be answered,
    not refused because the endpoint is not exported yet."""
    path = DEFAULT_PATH

    def list_default(client):
        v = client.call(path, ENDPOINT_IFACE, "ListPendingMessages", None, "(a(ssssaya{sv}))", timeout=25,
                        auto_start=True)
        return v.unpack()[0]

    d, pending = fx.activate_daemon(list_default)
    check_equal(pending, [], "ListPendingMessages of the default endpoint as the activating call")


def test_version(fx):
    fx.start_daemon()
    v = fx.client.get(MANAGER_PATH, MANAGER_IFACE, "Version")
    check_equal(v.get_type_string(), "s", "type of Version")
    check(v.get_string() != "", "Version is empty")
    expected = project_version()
    if expected:
        check_equal(v.get_string(), expected, "Version (as in meson.build)")
    props = fx.client.get_all(MANAGER_PATH, MANAGER_IFACE)
    for p in ("Version", "Endpoints"):
        check(p in props, "Manager GetAll lacks %s: %r" % (p, sorted(props)))
    typed = fx.client.call(MANAGER_PATH, PROPS_IFACE, "Get", GLib.Variant("(ss)", (MANAGER_IFACE, "Endpoints")),
                           "(v)").get_child_value(0).get_variant()
    check_equal(typed.get_type_string(), "ao", "type of Endpoints")


def test_default_endpoint(fx):
    """With an empty configuration the embedded default endpoint is
    exported: peer-to-peer sip:$USER@127.0.0.1 with a real port."""
    fx.start_daemon(default_port=0)
    c = fx.client
    check_equal(c.endpoints(), [DEFAULT_PATH], "Endpoints with an empty configuration")
    check_string_props(fx, DEFAULT_PATH)
    p = c.endpoint_props(DEFAULT_PATH)
    check_equal(p["Uri"], "sip:%s@127.0.0.1" % user_name(), "default Uri")
    check_equal(p["Kind"], "peer-to-peer", "default Kind")
    check_equal(p["RegistrationState"], "unregistered", "default RegistrationState")
    check_equal(p["Transport"], "udp", "default Transport")
    check_equal(p["Gruu"], "", "default Gruu")
    check_equal(p["PasswordStore"], "none", "default PasswordStore")
    check(UUID_URN.match(p["InstanceId"]), "default InstanceId %r is not a urn:uuid: URN" % p["InstanceId"])
    check(p["Contact"].startswith("sip:"), "default Contact %r is not a sip: URI" % p["Contact"])
    check_listening(fx, p["Contact"], "the default endpoint")
    objects = c.managed_objects()
    check_equal(sorted(objects), [DEFAULT_PATH], "GetManagedObjects with an empty configuration")
    check_equal(objects[DEFAULT_PATH].get(ENDPOINT_IFACE), p, "GetManagedObjects properties of the default endpoint")


def test_default_port_taken(fx):
    """--default-port naming a taken UDP port: the default endpoint listens
    on another, free port."""
    taken = fx.hold(free_udp_port_in_use())
    port = taken.getsockname()[1]
    fx.start_daemon(default_port=port)
    contact = fx.client.get_value(DEFAULT_PATH, ENDPOINT_IFACE, "Contact")
    _, got = contact_hostport(contact)
    check(got is not None and got != port,
          "the default endpoint's Contact %r uses the taken port %d (expected another one)" % (contact, port))
    check_listening(fx, contact, "the default endpoint on a fallback port")


def test_create_peer_to_peer(fx):
    """CreateEndpoint exports /org/tincan/Tincan1/endpoint/ID with its
    properties, appends it to Endpoints (PropertiesChanged) and announces it
    with InterfacesAdded; GetManagedObjects lists it."""
    fx.start_daemon()
    c = fx.client
    om = fx.record(OM_IFACE, None, MANAGER_PATH)
    mgr = fx.record(PROPS_IFACE, "PropertiesChanged", MANAGER_PATH)
    before = c.endpoints()
    check_equal(before, [DEFAULT_PATH], "Endpoints before CreateEndpoint")

    path = c.create_endpoint({"uri": "sip:alice@127.0.0.1", "kind": "peer-to-peer",
                              "display-name": "Alice Example", "listen": "127.0.0.1:0"})
    check(path.startswith(ENDPOINT_PREFIX) and "/" not in path[len(ENDPOINT_PREFIX):]
          and len(path) > len(ENDPOINT_PREFIX), "CreateEndpoint returned %r, not %sID" % (path, ENDPOINT_PREFIX))
    check_string_props(fx, path)
    p = c.endpoint_props(path)
    check_equal(p["Uri"], "sip:alice@127.0.0.1", "Uri")
    check_equal(p["Kind"], "peer-to-peer", "Kind")
    check_equal(p["DisplayName"], "Alice Example", "DisplayName")
    check_equal(p["RegistrationState"], "unregistered", "RegistrationState")
    check_equal(p["Gruu"], "", "Gruu")
    check_equal(p["Transport"], "udp", "Transport (default)")
    check_equal(p["PasswordStore"], "none", "PasswordStore of a peer-to-peer endpoint without password")
    check(UUID_URN.match(p["InstanceId"]), "InstanceId %r is not a urn:uuid: URN" % p["InstanceId"])
    port = check_listening(fx, p["Contact"], "alice")

    check_equal(c.endpoints(), before + [path], "Endpoints after CreateEndpoint (creation order)")
    added = om.wait_one(lambda e: e.member == "InterfacesAdded" and e.args[0] == path, 5,
                        "InterfacesAdded for %s" % path)
    ifaces = added.args[1]
    check(ENDPOINT_IFACE in ifaces, "InterfacesAdded for %s lacks %s: %r" % (path, ENDPOINT_IFACE, sorted(ifaces)))
    check_equal(ifaces[ENDPOINT_IFACE], p, "properties in InterfacesAdded")
    mgr.wait_one(lambda e: e.args[0] == MANAGER_IFACE and (path in e.args[1].get("Endpoints", ())
                                                           or "Endpoints" in e.args[2]),
                 5, "PropertiesChanged of Manager.Endpoints with %s" % path)

    objects = c.managed_objects()
    check_equal(sorted(objects), sorted([DEFAULT_PATH, path]), "GetManagedObjects paths")
    check_equal(objects[path].get(ENDPOINT_IFACE), p, "GetManagedObjects properties of %s" % path)

    # A second one: explicit transport and instance-id, no display name.
    iid = "urn:uuid:" + str(uuid.uuid4())
    path2 = c.create_endpoint({"uri": "sip:carol@127.0.0.1", "kind": "peer-to-peer", "transport": "tcp",
                               "instance-id": iid, "listen": "127.0.0.1:0"})
    check(path2 != path, "two endpoints got the same path %s" % path)
    p2 = c.endpoint_props(path2)
    check_equal(p2["Transport"], "tcp", "Transport of carol")
    check_equal(p2["InstanceId"], iid, "InstanceId given as instance-id")
    check_equal(p2["DisplayName"], "", "DisplayName when none was given")
    _, port2 = contact_hostport(p2["Contact"])
    check(port2 and port2 != port, "carol's Contact %r shares alice's port %d" % (p2["Contact"], port))

    # A registered endpoint (the default kind) does not register by itself.
    registrar = fx.peer(name="registrar")
    path3 = c.create_endpoint({"uri": "sip:dave@127.0.0.1", "registrar": registrar.uri("dave"),
                               "password": "pw", "listen": "127.0.0.1:0"})
    check_equal(c.get_value(path3, ENDPOINT_IFACE, "Kind"), "registered", "Kind by default")
    check_equal(c.get_value(path3, ENDPOINT_IFACE, "RegistrationState"), "unregistered",
                "RegistrationState of a new registered endpoint")
    check_equal(c.endpoints(), before + [path, path2, path3], "Endpoints (creation order)")
    check_equal(len(registrar.requests), 0, "requests the registrar got without Register: %r" % registrar.requests)
    check_equal(props_changed_values(mgr, MANAGER_PATH, MANAGER_IFACE, "Endpoints")[-1:],
                [before + [path, path2, path3]], "last Endpoints announced in PropertiesChanged")


def test_persist_and_restart(fx):
    """persist=true writes $XDG_CONFIG_HOME/tincan/endpoints/…; after a
    restart the endpoint is back with the same path and InstanceId;
    RemoveEndpoint deletes the file and announces InterfacesRemoved."""
    xdg_dir = os.path.join(fx.config_home, "tincan")
    d = fx.start_daemon(explicit_dirs=False)
    c = fx.client
    check_equal(c.endpoints(), [DEFAULT_PATH], "Endpoints with an empty configuration")
    path = c.create_endpoint({"uri": "sip:pat@127.0.0.1", "kind": "peer-to-peer", "display-name": "Pat",
                              "listen": "127.0.0.1:0", "persist": True})
    temp = c.create_endpoint({"uri": "sip:temp@127.0.0.1", "kind": "peer-to-peer", "listen": "127.0.0.1:0"})
    p = c.endpoint_props(path)
    files = endpoint_files(fx, xdg_dir)
    check_equal(len(files), 1, "files in %s/endpoints after one persisted CreateEndpoint (%r)" % (xdg_dir, files))
    with open(files[0]) as f:
        text = f.read()
    check("sip:pat@127.0.0.1" in text, "the account file %s does not hold the uri:\n%s" % (files[0], text))
    check(p["InstanceId"] in text, "the account file %s does not hold the instance id %s:\n%s"
          % (files[0], p["InstanceId"], text))

    d = fx.restart_daemon(d, explicit_dirs=False)
    check_equal(c.endpoints(), [path], "Endpoints after a restart (the persisted one only: there is a configuration)")
    p2 = c.endpoint_props(path)
    for k in ("Uri", "Kind", "DisplayName", "InstanceId", "Transport"):
        check_equal(p2[k], p[k], "%s after the restart" % k)
    check_listening(fx, p2["Contact"], "pat after the restart")
    check(temp not in c.endpoints(), "the endpoint created without persist is back after a restart")

    om = fx.record(OM_IFACE, None, MANAGER_PATH)
    mgr = fx.record(PROPS_IFACE, "PropertiesChanged", MANAGER_PATH)
    c.remove_endpoint(path)
    check_equal(c.endpoints(), [], "Endpoints after RemoveEndpoint")
    removed = om.wait_one(lambda e: e.member == "InterfacesRemoved" and e.args[0] == path, 5,
                          "InterfacesRemoved for %s" % path)
    check(ENDPOINT_IFACE in removed.args[1], "InterfacesRemoved for %s lacks %s: %r" % (path, ENDPOINT_IFACE,
                                                                                       removed.args[1]))
    mgr.wait_one(lambda e: e.args[0] == MANAGER_IFACE and ("Endpoints" in e.args[2]
                                                           or path not in e.args[1].get("Endpoints", [path])),
                 5, "PropertiesChanged of Manager.Endpoints without %s" % path)
    check_equal(endpoint_files(fx, xdg_dir), [], "files in %s/endpoints after RemoveEndpoint" % xdg_dir)
    check(path not in c.managed_objects(), "GetManagedObjects still lists %s after RemoveEndpoint" % path)
    c.expect_error(UNKNOWN_OBJECT_ERRORS, path, PROPS_IFACE, "Get", GLib.Variant("(ss)", (ENDPOINT_IFACE, "Uri")),
                   what="Properties.Get on the removed %s" % path)
    c.expect_error(ERROR + "NotFound", MANAGER_PATH, MANAGER_IFACE, "RemoveEndpoint", GLib.Variant("(o)", (path,)),
                   what="a second RemoveEndpoint of %s" % path)

    fx.restart_daemon(d, explicit_dirs=False)
    check_equal(c.endpoints(), [DEFAULT_PATH], "Endpoints after a restart with no account left")


def test_remove_unknown(fx):
    fx.start_daemon()
    c = fx.client
    before = c.managed_objects()
    for bad in (ENDPOINT_PREFIX + "nope", MANAGER_PATH, "/org/tincan/Tincan1/endpoint", "/"):
        c.expect_error(ERROR + "NotFound", MANAGER_PATH, MANAGER_IFACE, "RemoveEndpoint",
                       GLib.Variant("(o)", (bad,)), mentions=[(bad, bad.rsplit("/", 1)[-1] or bad)],
                       what="RemoveEndpoint(%s)" % bad)
    check_equal(c.managed_objects(), before, "objects after failed RemoveEndpoint calls")


def test_set_trace(fx):
    """SetTrace(true) logs every SIP message in full; SetTrace(false) stops."""
    d = fx.start_daemon()
    c = fx.client
    _, port = contact_hostport(c.get_value(DEFAULT_PATH, ENDPOINT_IFACE, "Contact"))
    probe = fx.peer(name="probe")
    c.call(MANAGER_PATH, MANAGER_IFACE, "SetTrace", GLib.Variant("(b)", (True,)), "()")
    cid = probe.request("OPTIONS", port)
    check_equal(probe.wait_response(cid).status, 200, "OPTIONS with the trace on")
    log = d.log_text()
    check("Call-ID: " + cid in log, "with SetTrace(true) the OPTIONS (Call-ID %s) is not in the log" % cid)
    check(log.count(cid) >= 2, "with SetTrace(true) the log does not hold both the OPTIONS and its 200 (Call-ID %s)"
          % cid)
    c.call(MANAGER_PATH, MANAGER_IFACE, "SetTrace", GLib.Variant("(b)", (False,)), "()")
    cid2 = probe.request("OPTIONS", port)
    check_equal(probe.wait_response(cid2).status, 200, "OPTIONS with the trace off")
    check(cid2 not in d.log_text(), "with SetTrace(false) the OPTIONS (Call-ID %s) is still logged" % cid2)
    # Idempotent and never failing.
    for on in (False, True, True, False):
        c.call(MANAGER_PATH, MANAGER_IFACE, "SetTrace", GLib.Variant("(b)", (on,)), "()")


def test_create_bad_input(fx):
    """Bad CreateEndpoint settings: the named error, a message that says
    what was wrong, and nothing changed (Endpoints, objects, files)."""
    fx.start_daemon()
    c = fx.client
    om = fx.record(OM_IFACE, None, MANAGER_PATH)
    taken = fx.hold(free_udp_port_in_use())
    taken_port = taken.getsockname()[1]
    p2p = {"uri": "sip:x@127.0.0.1", "kind": "peer-to-peer", "listen": "127.0.0.1:0"}
    inv = ERROR + "InvalidArgs"
    cases = [
        ("an unknown key", dict(p2p, frobnicate=S("1")), inv, ["frobnicate"]),
        ("expires as a string", {"uri": "sip:x@127.0.0.1", "expires": S("600")}, inv, ["expires"]),
        ("expires 0", {"uri": "sip:x@127.0.0.1", "expires": U(0)}, inv, ["expires"]),
        ("persist as a string", dict(p2p, persist=S("yes")), inv, ["persist"]),
        ("display-name as a number", dict(p2p, **{"display-name": U(1)}), inv, ["display-name"]),
        ("no uri", {"kind": "peer-to-peer", "listen": "127.0.0.1:0"}, inv, ["uri"]),
        ('uri "not a uri"', dict(p2p, uri="not a uri"), inv, ["uri"]),
        ('uri "sip:"', dict(p2p, uri="sip:"), inv, ["uri"]),
        ("an http: uri", dict(p2p, uri="http://example.org/"), inv, ["uri"]),
        ('kind "bogus"', dict(p2p, kind="bogus"), inv, [("kind", "bogus")]),
        ('transport "carrier-pigeon"', dict(p2p, transport="carrier-pigeon"), inv,
         [("transport", "carrier-pigeon")]),
        ("a registrar for a peer-to-peer endpoint", dict(p2p, registrar="sip:127.0.0.1"), inv, ["registrar"]),
        ("a malformed registrar", {"uri": "sip:x@127.0.0.1", "registrar": "not a uri"}, inv, ["registrar"]),
        ("a malformed outbound-proxy", dict(p2p, **{"outbound-proxy": "not a uri"}), inv, ["outbound-proxy"]),
        ("extra-headers with Via", dict(p2p, **{"extra-headers": GLib.Variant("a(ss)", [("Via", "x")])}), inv,
         ["Via"]),
        ("extra-headers as a string", dict(p2p, **{"extra-headers": S("X-A: b")}), inv, ["extra-headers"]),
        ("listen on a taken port", dict(p2p, listen="127.0.0.1:%d" % taken_port), ERROR + "Transport",
         [(str(taken_port), "listen")]),
        ("listen on an address that is not local", dict(p2p, listen="192.0.2.1:0"), ERROR + "Transport",
         [("192.0.2.1", "listen")]),
    ]
    problems = []
    for what, settings, error, mentions in cases:
        before = c.endpoints()
        objects = c.managed_objects()
        files = endpoint_files(fx)
        om.clear()
        try:
            c.expect_error(error, MANAGER_PATH, MANAGER_IFACE, "CreateEndpoint",
                           tup(asv(settings)), mentions=mentions,
                           what="CreateEndpoint with %s" % what)
        except Failure as e:
            problems.append(str(e))
        after = c.endpoints()
        if after != before:
            problems.append("CreateEndpoint with %s changed Endpoints: %r -> %r" % (what, before, after))
            for extra in set(after) - set(before):  # undo, so that the next cases start clean
                try:
                    c.remove_endpoint(extra)
                except DBusCallError:
                    pass
        elif c.managed_objects() != objects:
            problems.append("CreateEndpoint with %s changed the exported objects" % what)
        drain()
        if [e for e in om.events if e.member == "InterfacesAdded"]:
            problems.append("CreateEndpoint with %s emitted InterfacesAdded" % what)
        if endpoint_files(fx) != files:
            problems.append("CreateEndpoint with %s changed the account files: %r" % (what, endpoint_files(fx)))
    if problems:
        raise Failure("%d of %d bad-input cases failed:\n  %s" % (len(problems), len(cases), "\n  ".join(problems)))


def test_unknown_objects_and_methods(fx):
    """Calls GDBus answers itself: an object path that does not exist, a
    method that does not exist, a wrong signature."""
    fx.start_daemon()
    c = fx.client
    nope = ENDPOINT_PREFIX + "does_not_exist"
    c.expect_error(UNKNOWN_OBJECT_ERRORS, nope, ENDPOINT_IFACE, "ListPendingMessages", None,
                   what="Endpoint.ListPendingMessages on %s" % nope)
    c.expect_error(UNKNOWN_OBJECT_ERRORS, nope, PROPS_IFACE, "Get", GLib.Variant("(ss)", (ENDPOINT_IFACE, "Uri")),
                   what="Properties.Get on %s" % nope)
    c.expect_error(UNKNOWN_OBJECT_ERRORS, "/org/tincan/Tincan1/nothing/here", MANAGER_IFACE, "SetTrace",
                   GLib.Variant("(b)", (True,)), what="Manager.SetTrace on a path that does not exist")
    c.expect_error(("org.freedesktop.DBus.Error.UnknownMethod",), MANAGER_PATH, MANAGER_IFACE, "Frobnicate", None,
                   what="Manager.Frobnicate")
    c.expect_error(("org.freedesktop.DBus.Error.InvalidArgs",), MANAGER_PATH, MANAGER_IFACE, "CreateEndpoint",
                   GLib.Variant("(s)", ("sip:x@127.0.0.1",)), what="CreateEndpoint with the signature (s)")
    c.expect_error(("org.freedesktop.DBus.Error.InvalidArgs", "org.freedesktop.DBus.Error.PropertyReadOnly"),
                   MANAGER_PATH, PROPS_IFACE, "Set",
                   GLib.Variant("(ssv)", (MANAGER_IFACE, "Version", GLib.Variant("s", "9.9"))),
                   what="Properties.Set of the read-only Version")
    check_equal(c.endpoints(), [DEFAULT_PATH], "Endpoints after the bad calls")
    # The daemon still serves.
    check(c.get_value(MANAGER_PATH, MANAGER_IFACE, "Version"), "Version is empty after the bad calls")


def test_audio_devices(fx):
    fx.start_daemon()
    c = fx.client
    types = c.get_all_typed(MANAGER_PATH, MANAGER_IFACE)
    check_equal(types.get("AudioDevices"), "aa{sv}", "type of AudioDevices in GetAll")
    devices = c.get_value(MANAGER_PATH, MANAGER_IFACE, "AudioDevices")
    check(isinstance(devices, list), "AudioDevices is not a list: %r" % (devices,))
    for d in devices:
        check(isinstance(d.get("name"), str) and d["name"], "a device without a name: %r" % (d,))
        check(isinstance(d.get("display-name"), str), "a device without a display-name: %r" % (d,))
        check(d.get("direction") in ("source", "sink"), "a device's direction is %r" % (d.get("direction"),))
    # Read again: the same list, the daemon still serving.
    check_equal(c.get_value(MANAGER_PATH, MANAGER_IFACE, "AudioDevices"), devices, "AudioDevices read twice")
    check_equal(c.get_value(MANAGER_PATH, MANAGER_IFACE, "Version"), os.environ.get("TINCAN_VERSION", "0.1.0"),
                "Version after reading AudioDevices")


def introspect(c, path):
    """Introspect's XML at @path, parsed: (interface names, child node names)."""
    xml = c.call(path, "org.freedesktop.DBus.Introspectable", "Introspect", None, "(s)").unpack()[0]
    node = Gio.DBusNodeInfo.new_for_xml(xml)
    return [i.name for i in node.interfaces], [n.path for n in node.nodes]


def test_introspect_tree(fx):
    """The object tree is walkable with Introspect: the root has Manager and
    ObjectManager and a child "endpoint", whose children are the
    endpoints' ids; an endpoint has the Endpoint interface, and after a
    RemoveEndpoint neither its node nor its calls are there any more."""
    fx.start_daemon()
    c = fx.client
    path = c.create_endpoint({"uri": "sip:erin@127.0.0.1", "kind": "peer-to-peer", "listen": "127.0.0.1:0"})
    ifaces, nodes = introspect(c, MANAGER_PATH)
    for name in (MANAGER_IFACE, OM_IFACE, PROPS_IFACE):
        check(name in ifaces, "Introspect of %s lacks %s: %r" % (MANAGER_PATH, name, ifaces))
    check("endpoint" in nodes, "Introspect of %s lacks the node endpoint: %r" % (MANAGER_PATH, nodes))
    _, ids = introspect(c, ENDPOINT_PREFIX.rstrip("/"))
    check_equal(sorted(ENDPOINT_PREFIX + i for i in ids), sorted([DEFAULT_PATH, path]),
                "the nodes under %s" % ENDPOINT_PREFIX.rstrip("/"))
    ifaces, _ = introspect(c, path)
    check(ENDPOINT_IFACE in ifaces, "Introspect of %s lacks %s: %r" % (path, ENDPOINT_IFACE, ifaces))
    info = Gio.DBusNodeInfo.new_for_xml(
        c.call(path, "org.freedesktop.DBus.Introspectable", "Introspect", None, "(s)").unpack()[0])
    methods = [m.name for m in info.lookup_interface(ENDPOINT_IFACE).methods]
    for m in ("Register", "Unregister", "SendMessage", "Call", "SetAdditionalHeaders", "AcknowledgeMessage",
              "ListPendingMessages"):
        check(m in methods, "Introspect of %s: Endpoint lacks %s" % (path, m))

    c.call(MANAGER_PATH, MANAGER_IFACE, "RemoveEndpoint", GLib.Variant("(o)", (path,)))
    _, ids = introspect(c, ENDPOINT_PREFIX.rstrip("/"))
    check_equal([ENDPOINT_PREFIX + i for i in ids], [DEFAULT_PATH], "the nodes after RemoveEndpoint")
    c.expect_error(UNKNOWN_OBJECT_ERRORS, path, ENDPOINT_IFACE, "ListPendingMessages", None,
                   what="Endpoint.ListPendingMessages on the removed %s" % path)
    c.expect_error(UNKNOWN_OBJECT_ERRORS, path, PROPS_IFACE, "GetAll", GLib.Variant("(s)", (ENDPOINT_IFACE,)),
                   what="Properties.GetAll on the removed %s" % path)
    # Paths below an endpoint that are not sessions are not endpoints.
    c.expect_error(UNKNOWN_OBJECT_ERRORS, DEFAULT_PATH + "/session/99", ENDPOINT_IFACE, "ListPendingMessages",
                   None, what="Endpoint.ListPendingMessages below the default endpoint")
    check_equal(c.endpoints(), [DEFAULT_PATH], "Endpoints after the calls")


TESTS = [
    ("tincand is activated from the build tree by the first call and exits 0 on SIGTERM", test_activation),
    ("a call on the default endpoint activates tincand and is answered", test_activation_by_endpoint_call),
    ("Version is the meson.build version", test_version),
    ("AudioDevices (aa{sv}: name, display-name, direction) is read from GStreamer's device monitor on demand",
     test_audio_devices),
    ("with no configuration the default endpoint sip:$USER@127.0.0.1 listens on a real port",
     test_default_endpoint),
    ("a taken --default-port makes the default endpoint listen on another free port", test_default_port_taken),
    ("CreateEndpoint peer-to-peer: path, properties, Endpoints, InterfacesAdded, GetManagedObjects",
     test_create_peer_to_peer),
    ("persist=true: account file, same path and InstanceId after a restart; RemoveEndpoint deletes it",
     test_persist_and_restart),
    ("RemoveEndpoint of an unknown path is NotFound and changes nothing", test_remove_unknown),
    ("SetTrace(true) logs SIP messages in full, SetTrace(false) stops", test_set_trace),
    ("bad CreateEndpoint settings are named errors that change nothing", test_create_bad_input),
    ("calls on objects or methods that do not exist fail in GDBus, the daemon keeps serving",
     test_unknown_objects_and_methods),
    ("Introspect walks the tree: root, the endpoint subtree, each endpoint; a removed one is gone",
     test_introspect_tree),
]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS))
