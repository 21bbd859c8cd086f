#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run.sh — install what Tincan needs (Debian 12), build it, and run the
# daemon tincand in the foreground.
#
# tincand owns org.tincan.Tincan1 on the session bus of this login
# ($DBUS_SESSION_BUS_ADDRESS).  When there is none (a root shell, ssh, CI),
# run.sh starts a private bus first, prints its address and how to point
# tincanctl at it.  With no account configured, tincand starts its
# embedded default endpoint: peer-to-peer sip:$USER@127.0.0.1 on UDP and
# TCP port 5060 (a free port when 5060 is taken; the log line "endpoint
# default: … contact …" shows which).
#
#   sudo ./scripts/run.sh               build, then run tincand until Ctrl-C
#   ./scripts/run.sh --replace          take the bus name over from a running tincand
#   ./scripts/run.sh --help             tincand's options
#
# Root is needed only when Debian packages are missing.  Ctrl-C (SIGINT) or
# SIGTERM unregisters every endpoint and exits within 5 seconds.
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

tc_ensure_packages run
TC_QUIET_BUILD=1 tc_meson_build build -Db_sanitize=none

daemon="$TC_SRCDIR/build/daemon/tincand"
ctl="$TC_SRCDIR/build/clients/tincanctl"
[ -x "$daemon" ] || tc_die "$daemon was not built"

bus_pid=
cleanup ()
{
  [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null || true
}
trap cleanup EXIT

bus_alive ()
{
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] &&
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.GetId >/dev/null 2>&1
}

if ! bus_alive; then
  command -v dbus-daemon >/dev/null 2>&1 || tc_die "no session bus and no dbus-daemon to start one (apt-get install dbus-daemon)"
  # Its own session: Ctrl-C reaches tincand, which still needs no bus to unregister.
  exec 3< <(exec setsid dbus-daemon --session --nofork --print-address=1 --print-pid=1)
  read -r DBUS_SESSION_BUS_ADDRESS <&3
  read -r bus_pid <&3
  export DBUS_SESSION_BUS_ADDRESS
  tc_log "no session bus: started a private one (pid $bus_pid)"
  tc_log "  export DBUS_SESSION_BUS_ADDRESS='$DBUS_SESSION_BUS_ADDRESS'"
fi

cat >&2 <<EOF
run.sh: tincand on $DBUS_SESSION_BUS_ADDRESS
run.sh: in another terminal (with DBUS_SESSION_BUS_ADDRESS as above):
run.sh:   $ctl list                          endpoints, their state and contact
run.sh:   $ctl monitor                       every event as it happens
run.sh:   $ctl add sip:bob@127.0.0.1 --kind peer-to-peer --listen 127.0.0.1:0
run.sh:   $ctl send default sip:bob@127.0.0.1:PORT 'hello'   PORT from bob's contact
run.sh:   $ctl messages bob_127_0_0_1        queued messages (--ack to acknowledge)
run.sh:   $ctl add sip:alice@example.org --registrar sip:example.org --password-stdin --persist
run.sh:   $ctl --help
EOF

# Not exec: the private bus must outlive the daemon's clean shutdown.
set +e
"$daemon" --session "$@"
rc=$?
exit "$rc"
