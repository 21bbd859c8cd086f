#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# scripts/bench.sh — the SIP parse benchmark: Tincan against sofia-sip, libre
# and oSIP on the corpus in bench/corpus/.  Installs what is missing, builds a
# release build in build-bench/, checks that the four parsers accept every
# message and read the same values, times them interleaved, counts their
# instructions with callgrind, and writes docs/benchmarks.md.
#
# Usage: scripts/bench.sh [--rounds N] [--time SEC] [--callgrind-iters N]
#                         [--no-callgrind] [--output FILE]
#        scripts/bench.sh options [bench-options.py arguments]
#        scripts/bench.sh pending [--runs N] [--count N]
#        scripts/bench.sh daemon [bench-daemon.py arguments]
#        scripts/bench.sh calls [--only setup,rate,concurrent] [bench-calls.py arguments]
#
#   options              the SIP stack benchmark of issue 3 instead: OPTIONS
#                        round trip (p50/p99) and non-INVITE transactions/s
#                        for tincan-sip-responder, SIPp, Kamailio and baresip
#                        (bench/options/); replaces its section of the
#                        output file; see bench/options/bench-options.py -h
#   pending              memory per pending client transaction
#                        (bench/pending/); replaces its section
#   daemon               the daemon benchmarks of issue 4 (bench/daemon/):
#                        tincand against baresip and linphonec on start-up
#                        and idle memory, 1,000/10,000 registrations, and
#                        MESSAGE/s over D-Bus; replaces its sections; see
#                        bench/daemon/run.sh --help
#   calls                the call benchmarks of issue 5 (bench/calls/):
#                        call setup p50/p99 over D-Bus, calls/s answered
#                        under SIPp load (without media and with PCMU),
#                        CPU and RSS per concurrent PCMU/Opus call, tincand
#                        beside baresip; replaces its section; see
#                        bench/calls/run.sh --help
#
#   --rounds N           timed rounds; each runs the four programs once (11)
#   --time SEC           seconds one program spends on one message per round (0.2)
#   --callgrind-iters N  iterations per message under callgrind (2000)
#   --no-callgrind       skip the instruction counts
#   --output FILE        where to write the report (docs/benchmarks.md)
#
# The build directory can be changed with BENCH_BUILDDIR (build-bench).
set -euo pipefail

rounds=11
time_per=0.2
cg_iters=2000
callgrind=yes
output=docs/benchmarks.md
builddir=${BENCH_BUILDDIR:-build-bench}
command_line="scripts/bench.sh${*:+ $*}"
[ -n "${BENCH_BUILDDIR:-}" ] && command_line="BENCH_BUILDDIR=$BENCH_BUILDDIR $command_line"

while [ $# -gt 0 ]; do
  case "$1" in
    options)
      shift
      exec "$(dirname "$0")/../bench/options/run.sh" "$@" ;;
    pending)
      shift
      exec "$(dirname "$0")/../bench/pending/run.sh" "$@" ;;
    daemon)
      shift
      exec "$(dirname "$0")/../bench/daemon/run.sh" "$@" ;;
    calls)
      shift
      exec "$(dirname "$0")/../bench/calls/run.sh" "$@" ;;
    --rounds) rounds=$2; shift 2 ;;
    --time) time_per=$2; shift 2 ;;
    --callgrind-iters) cg_iters=$2; shift 2 ;;
    --no-callgrind) callgrind=no; shift ;;
    --output) output=$2; shift 2 ;;
    -h|--help) sed -n '3,42p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
srcdir=$(pwd)

# The first function lines of a callgrind_annotate listing (reads it all:
# no SIGPIPE under pipefail), with library paths shortened.
top_functions() {
  awk -v max=25 '/PROGRAM TOTALS/ { print; next }
    /^ *[0-9,]+ \( *[0-9.]+%\) / && n < max { n++; print }' \
    | sed -e 's|\[/usr/lib/[^ ]*/\([^/ ]*\)\]|[\1]|' -e 's|\[/[^ ]*/\([^/ ]*\)\]|[\1]|' -e 's/[[:space:]]*$//'
}
log() { printf '\n=== %s\n' "$*" >&2; }
die() { printf '\nbench.sh: *** %s ***\n' "$*" >&2; exit 1; }

# --- Packages -------------------------------------------------------------
packages=(meson ninja-build gcc pkg-config libglib2.0-dev python3
          libsofia-sip-ua-dev libre-dev libosip2-dev)
[ "$callgrind" = yes ] && packages+=(valgrind)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    die "missing packages (${missing[*]}) and not root: install them first"
  fi
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- Build ----------------------------------------------------------------
setup_opts=(-Dbuildtype=release -Doptimization=2 -Dbenchmarks=enabled -Dtests=false)
if [ -f "$builddir/build.ninja" ]; then
  log "reconfiguring $builddir"
  meson configure "$builddir" "${setup_opts[@]}" >/dev/null
else
  log "configuring $builddir"
  meson setup "$builddir" "${setup_opts[@]}"
fi
log "building"
ninja -C "$builddir"

progs=(tincan sofia-sip libre osip)
for p in "${progs[@]}"; do
  [ -x "$builddir/bench/bench-$p" ] || die "$builddir/bench/bench-$p was not built"
done

results="$builddir/bench-results"
rm -rf "$results"
mkdir -p "$results"
export BENCH_CORPUS_DIR="$srcdir/bench/corpus"

# --- Every parser must accept every message and read the same values -------
log "checking that every parser accepts every corpus message"
for p in "${progs[@]}"; do
  if ! "$builddir/bench/bench-$p" --check >"$results/check-$p.txt" 2>"$results/check-$p.err"; then
    cat "$results/check-$p.txt" "$results/check-$p.err" >&2
    die "$p rejects a corpus message: the benchmark is void"
  fi
  cat "$results/check-$p.txt" >&2
done
for p in "${progs[@]:1}"; do
  if ! diff -u "$results/check-tincan.txt" "$results/check-$p.txt" >&2; then
    die "tincan and $p read different values from the corpus"
  fi
done

for f in bench/corpus/*.sip; do
  name=$(basename "$f" .sip)
  name=${name#[0-9][0-9]-}
  printf '%s\t%s\n' "$name" "$(stat -c %s "$f")"
done >"$results/sizes.tsv"

# --- Timed rounds, interleaved --------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "timing: $rounds rounds x ${#progs[@]} programs x $(wc -l <"$results/sizes.tsv") messages x ${time_per}s"
# Finely interleaved: for each round and message, the four programs back to
# back (in an order that rotates), so that the four numbers of one message in
# one round are taken within about a second of each other.
for ((r = 1; r <= rounds; r++)); do
  k=0
  while read -r name _; do
    for ((i = 0; i < ${#progs[@]}; i++)); do
      p=${progs[$(((i + r + k) % ${#progs[@]}))]}
      "$builddir/bench/bench-$p" --time "$time_per" --label "$r" --only "$name" >>"$results/results.tsv" \
        || die "bench-$p failed on $name in round $r"
    done
    k=$((k + 1))
  done <"$results/sizes.tsv"
  printf '  round %d/%d done\n' "$r" "$rounds" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- Instruction counts -----------------------------------------------------
if [ "$callgrind" = yes ]; then
  log "callgrind: $cg_iters iterations per message"
  : >"$results/callgrind.tsv"
  for p in "${progs[@]}"; do
    while read -r name _; do
      out="$results/callgrind.$p.$name.out"
      valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_measured_loop \
        --callgrind-out-file="$out" "$builddir/bench/bench-$p" --iters "$cg_iters" --only "$name" \
        >/dev/null 2>"$results/callgrind.$p.$name.log" || die "callgrind run of $p on $name failed"
      ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out")
      [ -n "$ir" ] || ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out")
      [ -n "$ir" ] || die "no instruction count in $out"
      printf '%s\t%s\t%s\t%s\n' "$p" "$name" "$cg_iters" "$ir" >>"$results/callgrind.tsv"
    done <"$results/sizes.tsv"
    # The whole corpus in one run, for the function breakdown.
    out="$results/callgrind.$p.corpus.out"
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_measured_loop \
      --callgrind-out-file="$out" "$builddir/bench/bench-$p" --iters "$cg_iters" \
      >/dev/null 2>"$results/callgrind.$p.corpus.log" || die "callgrind run of $p on the corpus failed"
    {
      echo "-- exclusive (self) instructions, top functions"
      callgrind_annotate --inclusive=no --threshold=99 "$out" | top_functions
      echo
      echo "-- inclusive instructions, top functions"
      callgrind_annotate --inclusive=yes --threshold=99 "$out" \
        | grep -Ev 'libc_start|below main|ld-linux|:main |:bench_main |:bench_measured_loop |_run \[' \
        | top_functions
    } >"$results/annotate-$p.txt"
  done
fi

# --- Report ----------------------------------------------------------------
git_rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain -- daemon 2>/dev/null)" ] && git_rev="$git_rev (with uncommitted changes in daemon/)"
buildtype=$(meson introspect --buildoptions "$builddir" \
  | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))')
cflags=$(python3 - "$builddir" <<'EOF'
import json, subprocess, sys
cmds = json.load(open(sys.argv[1] + "/compile_commands.json"))
for c in cmds:
    if c["file"].endswith("daemon/sip/parser.c"):
        args = c["command"].split()
        keep = ("-O", "-g", "-f", "-m", "-D_FORTIFY", "-DNDEBUG", "-DG_DISABLE")
        print(" ".join(a for a in args if a.startswith(keep) and not a.startswith("-fdiagnostics")) or "-O?")
        break
else:
    print("?")
EOF
)
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M')"
  echo "command=$command_line"
  echo "setup=meson setup $builddir ${setup_opts[*]}"
  echo "packages=${packages[*]}"
  echo "rounds=$rounds"
  echo "time=$time_per"
  echo "callgrind_iters=$cg_iters"
  echo "results_dir=$results"
  echo "load_before=$load_before"
  echo "load_after=$load_after"
  echo "compiler=$(cc --version | head -n1)"
  echo "git=$git_rev"
  echo "buildtype=$buildtype"
  echo "cflags=$cflags"
} >"$results/run-info.txt"

mkdir -p "$(dirname "$output")"
python3 bench/bench-report.py --keep-sections-of "$output" "$results" >"$output.tmp"
mv "$output.tmp" "$output"
log "wrote $output"
sed -n '/^## Result/,/^## Machine/p' "$output" | sed '$d'
