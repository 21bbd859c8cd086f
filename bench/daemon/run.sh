#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/daemon/run.sh — the daemon benchmarks of issue 4 (run it as
# `scripts/bench.sh daemon [ARGS]`): tincand side by side with baresip and
# linphonec against a Kamailio on 127.0.0.1 it starts itself.
#   idle     time from exec until the bus name is owned and the account is
#            registered at Kamailio, and the RSS once registered and idle
#   scale    1,000 and 10,000 endpoints in one tincand (persisted accounts
#            loaded at start-up): time until all registered, RSS per
#            endpoint, REGISTER rate over time (refreshes); baresip with the
#            same number of accounts
#   message  MESSAGE/s from Endpoint.SendMessage over D-Bus to a SIPp UAS,
#            call latency p50/p99, with the D-Bus round-trip floor
# Installs the peers when missing, builds tincand (release) in
# $BENCH_BUILDDIR (build-bench), compiles bench/daemon/dbus-bench.c and
# exec-stamp.c into $BENCH_BUILDDIR/bench/daemon/, runs bench-daemon.py and
# replaces its sections ("## Daemon: ...") of docs/benchmarks.md.
#
# ARGS go to bench-daemon.py (--only idle,scale,message, --idle-runs N,
# --scale-counts 1000,10000, --scale-runs N, --refresh-seconds S,
# --windows 1,64,256, --msg-runs N, --msg-seconds S, --peers ..., --keep,
# --profile: perf and massif of tincand in the report; see its -h), plus
#   --output FILE   the report to update (docs/benchmarks.md)
#   --tincand PATH  a tincand to measure instead of building one
set -euo pipefail

cd "$(dirname "$0")/../.."
builddir=${BENCH_BUILDDIR:-build-bench}
output=docs/benchmarks.md
command_line="scripts/bench.sh daemon${*:+ $*}"
[ -n "${BENCH_BUILDDIR:-}" ] && command_line="BENCH_BUILDDIR=$BENCH_BUILDDIR $command_line"
tincand=
git_rev=
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output=$2; shift 2 ;;
    --tincand) tincand=$2; shift 2 ;;
    -h | --help) sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'; exec python3 bench/daemon/bench-daemon.py -h ;;
    *) args+=("$1"); shift ;;
  esac
done
log() { printf '\n=== %s\n' "$*" >&2; }
die() { printf '\nbench/daemon/run.sh: *** %s ***\n' "$*" >&2; exit 1; }

packages=(gcc pkg-config libglib2.0-dev python3 sip-tester kamailio baresip linphone-cli dbus-daemon meson ninja-build)
case " ${args[*]-} " in *" --profile "*) packages+=(valgrind linux-perf) ;; esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# tincand: a release build (-O2) in the benchmark build directory.
if [ -z "$tincand" ]; then
  if [ ! -f "$builddir/build.ninja" ]; then
    log "configuring $builddir"
    meson setup "$builddir" -Dbuildtype=release -Doptimization=2 -Dtests=false >/dev/null
  fi
  # The revision as built: others may commit while the benchmark runs.
  git_rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
  if [ -n "$(git status --porcelain -- daemon 2>/dev/null)" ]; then
    git_rev="$git_rev with uncommitted changes in daemon/ (diff sha1 $(git diff HEAD -- daemon | sha1sum | cut -c1-12))"
  else
    git_rev="$git_rev (daemon/ as committed)"
  fi
  log "building $builddir/daemon/tincand"
  ninja -C "$builddir" daemon/tincand >/dev/null || die "cannot build $builddir/daemon/tincand"
  tincand="$builddir/daemon/tincand"
fi
[ -x "$tincand" ] || die "$tincand is not an executable"
buildinfo=$(python3 - "$(dirname "$(dirname "$tincand")")" <<'EOF'
import json, subprocess, sys
try:
    opts = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", sys.argv[1]],
                                     capture_output=True, text=True, check=True).stdout)
    v = {o["name"]: o["value"] for o in opts}
    print("meson buildtype=%s optimization=%s b_sanitize=%s in %s/" % (v.get("buildtype"), v.get("optimization"),
                                                                      v.get("b_sanitize"), sys.argv[1]))
except Exception:
    print("a build in %s/" % sys.argv[1])
EOF
)

helpers="$builddir/bench/daemon"
mkdir -p "$helpers"
log "compiling $helpers/dbus-bench and $helpers/exec-stamp"
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$helpers/dbus-bench" bench/daemon/dbus-bench.c $(pkg-config --cflags --libs gio-2.0 gio-unix-2.0)
cc -O2 -Wall -Wextra -o "$helpers/exec-stamp" bench/daemon/exec-stamp.c

log "running bench-daemon.py"
python3 bench/daemon/bench-daemon.py --tincand "$tincand" --dbus-bench "$helpers/dbus-bench" \
  --exec-stamp "$helpers/exec-stamp" --results "$builddir/bench-daemon-results" --report "$output" \
  --command "$command_line" --tincand-build "$buildinfo" ${git_rev:+--git-rev "$git_rev"} "${args[@]}"
log "updated $output"
sed -n '/^## Daemon: /,$p' "$output" | grep -E '^(## |\| |Target)' >&2 || true
