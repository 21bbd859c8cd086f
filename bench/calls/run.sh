#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/calls/run.sh — the call benchmarks of issue 5 (run it as
# `scripts/bench.sh calls [ARGS]`): tincand side by side with baresip 1.0,
# all on 127.0.0.1, SIPp as the load generator.
#   setup       Endpoint.Call() on D-Bus -> Session.StateChanged "connected",
#               p50/p99 over 200 calls, answered by a second tincand
#               (auto-answer; with pipelines, and on the light path of
#               audio-source/sink "none") and by baresip (answermode=auto),
#               interleaved
#   rate        calls/s answered under SIPp's load of 1 s calls, without
#               media and with PCMU from SIPp (rtp_stream), tincand (with
#               gdbus monitor subscribed to all its signals; source/sink
#               "none", and sending a tone: a pipeline) and baresip; the
#               highest rate with no failed call and no retransmission
#   concurrent  CPU % and RSS of 1, 10, 50, 100 held PCMU and Opus calls in
#               one tincand and in baresip (far ends: SIPp playing RTP),
#               threads, jitter-buffer lost/late; tincand's light path
# Installs what is missing, builds tincand (release) in $BENCH_BUILDDIR
# (build-bench), runs bench/calls/bench-calls.py and replaces the section
# "## Calls (issue 5)" of docs/benchmarks.md.
#
# ARGS go to bench-calls.py (--only setup,rate,concurrent, --setup-calls N,
# --rate-seconds S, --rate-media none,pcmu,pcmu-tone, --levels 1,10,50,100,
# --light-levels 1,100, --codecs pcmu,opus, --window S, --warmup S,
# --peers tincand,baresip,
# --profile: perf record -g of tincand in the report, --keep; see its -h),
# plus
#   --output FILE   the report to update (docs/benchmarks.md)
#   --tincand PATH  a tincand to measure instead of building one
set -euo pipefail

cd "$(dirname "$0")/../.."
builddir=${BENCH_BUILDDIR:-build-bench}
output=docs/benchmarks.md
command_line="scripts/bench.sh calls${*:+ $*}"
[ -n "${BENCH_BUILDDIR:-}" ] && command_line="BENCH_BUILDDIR=$BENCH_BUILDDIR $command_line"
tincand=
git_rev=
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output=$2; shift 2 ;;
    --tincand) tincand=$2; shift 2 ;;
    -h | --help) sed -n '3,31p' "$0" | sed 's/^# \{0,1\}//'; exec python3 bench/calls/bench-calls.py -h ;;
    *) args+=("$1"); shift ;;
  esac
done
log() { printf '\n=== %s\n' "$*" >&2; }
die() { printf '\nbench/calls/run.sh: *** %s ***\n' "$*" >&2; exit 1; }

packages=(gcc pkg-config meson ninja-build python3 python3-gi libglib2.0-bin dbus-daemon sip-tester baresip
          gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good)
case " ${args[*]-} " in *" --profile "*) packages+=(linux-perf) ;; esac
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
buildinfo=$(python3 - "$(dirname "$(dirname "$tincand")")" <<'PY'
import json, subprocess, sys
try:
    opts = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", sys.argv[1]],
                                     capture_output=True, text=True, check=True).stdout)
    v = {o["name"]: o["value"] for o in opts}
    print("meson buildtype=%s optimization=%s b_sanitize=%s in %s/" % (v.get("buildtype"), v.get("optimization"),
                                                                      v.get("b_sanitize"), sys.argv[1]))
except Exception:
    print("a build in %s/" % sys.argv[1])
PY
)

log "running bench-calls.py (load average $(cut -d' ' -f1-3 /proc/loadavg))"
python3 bench/calls/bench-calls.py --tincand "$tincand" --results "$builddir/bench-calls-results" \
  --report "$output" --command "$command_line" --tincand-build "$buildinfo" ${git_rev:+--git-rev "$git_rev"} \
  "${args[@]}"
log "updated $output"
sed -n '/^## Calls (issue 5)/,/^## [^C]/p' "$output" | grep -E '^(### |\| )' >&2 || true
