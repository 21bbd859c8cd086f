#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/options/run.sh — the SIP stack benchmark of issue 3 (run it as
# `scripts/bench.sh options [ARGS]`): OPTIONS round trip p50/p99 and
# non-INVITE server transactions/s for Tincan's tincan-sip-responder, a
# SIPp UAS, Kamailio (stateless) and baresip, on 127.0.0.1 UDP.  Installs
# the peers when missing, compiles the round-trip client sip-rtt.c into
# $BENCH_BUILDDIR/bench/options/, builds tincan-sip-responder in
# $BENCH_BUILDDIR when that target exists (skipped with a note otherwise),
# runs bench-options.py and replaces its section of docs/benchmarks.md.
#
# ARGS go to bench-options.py (--rounds, --rtt-count, --step-seconds,
# --only tincan,sipp,..., --tincan PATH, --no-rate; see its -h), plus
#   --output FILE   the report to update (docs/benchmarks.md)
set -euo pipefail

cd "$(dirname "$0")/../.."
builddir=${BENCH_BUILDDIR:-build-bench}
output=docs/benchmarks.md
command_line="scripts/bench.sh options${*:+ $*}"
[ -n "${BENCH_BUILDDIR:-}" ] && command_line="BENCH_BUILDDIR=$BENCH_BUILDDIR $command_line"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output=$2; shift 2 ;;
    -h | --help) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; exec python3 bench/options/bench-options.py -h ;;
    *) args+=("$1"); shift ;;
  esac
done
log() { printf '\n=== %s\n' "$*" >&2; }

packages=(gcc python3 sip-tester kamailio baresip)
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

mkdir -p "$builddir/bench/options"
sip_rtt="$builddir/bench/options/sip-rtt"
log "compiling $sip_rtt"
cc -O2 -Wall -Wextra -o "$sip_rtt" bench/options/sip-rtt.c

# The Tincan row: tests/tools/tincan-sip-responder --udp 127.0.0.1:PORT,
# built in the benchmark build directory (a release build, -O2, as
# scripts/bench.sh makes it; configured here when it does not exist yet).
responder=tests/tools/tincan-sip-responder
if [ ! -f "$builddir/build.ninja" ]; then
  log "configuring $builddir"
  meson setup "$builddir" -Dbuildtype=release -Doptimization=2 -Dtests=false >/dev/null
fi
log "building $builddir/$responder"
# ninja regenerates build.ninja first when a meson.build changed
ninja -C "$builddir" "$responder" >/dev/null || log "cannot build $responder: Tincan is skipped"

export TINCAN_BUILDDIR=$builddir
log "running bench-options.py"
python3 bench/options/bench-options.py --sip-rtt "$sip_rtt" --results "$builddir/bench-options-results" \
  --report "$output" --command "$command_line" "${args[@]}" >/dev/null
log "updated $output"
sed -n '/^## SIP stack: OPTIONS/,$p' "$output" | sed -n '1,/^### Machine/p' | sed '$d'
