#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# fuzz.sh — build and run the libFuzzer targets of tests/fuzz/.
#
#   scripts/fuzz.sh TARGET [SECONDS] [-- LIBFUZZER-ARGS...]
#       Builds build-fuzz/ (CC=clang, -Dfuzzing=true) if needed, then runs
#       fuzz-TARGET for SECONDS (default 60) on a work corpus under
#       build-fuzz/fuzz-runs/TARGET/corpus/, seeded from the in-tree corpus,
#       with tests/fuzz/sip.dict.  The log goes to
#       build-fuzz/fuzz-runs/TARGET/logs/, crashes to .../artifacts/, and a
#       summary row for docs/fuzzing.md is printed at the end.
#       TARGET is sip-message, uri, sip-header, stun, salvage, sdp, or all (one
#       after the other).
#
#   scripts/fuzz.sh --merge TARGET
#       Minimizes what the runs found back into tests/fuzz/corpus/TARGET/:
#       the hand-written seed-* and crash-* files are kept as they are, and
#       a set cover of the inputs that reach edges the seeds do not is added
#       (SHA-1 names); other files already there are merged again, so the
#       directory stays minimal.  Warns above 300 files.
#
#   scripts/fuzz.sh --build
#       Only configures and builds build-fuzz/.
#
# Environment: BUILD_DIR (default build-fuzz), CC (default clang).
set -euo pipefail

cd "$(dirname "$0")/.."
SRC=$PWD
BUILD_DIR=${BUILD_DIR:-build-fuzz}
TARGETS=(sip-message uri sip-header stun salvage sdp)
MAX_IN_TREE=300

usage() {
    sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

build() {
    if [ ! -f "$BUILD_DIR/build.ninja" ]; then
        CC=${CC:-clang} meson setup "$BUILD_DIR" \
            -Dfuzzing=true -Db_lundef=false --buildtype=debugoptimized
    elif ! meson introspect --buildoptions "$BUILD_DIR" | python3 -c '
import json, sys
options = {o["name"]: o["value"] for o in json.load(sys.stdin)}
sys.exit(0 if options.get("fuzzing") else 1)'; then
        meson configure "$BUILD_DIR" -Dfuzzing=true -Db_lundef=false
    fi
    ninja -C "$BUILD_DIR" "${TARGETS[@]/#/tests/fuzz/fuzz-}"
}

check_target() {
    local t
    for t in "${TARGETS[@]}"; do
        [ "$1" = "$t" ] && return 0
    done
    echo "fuzz.sh: unknown target '$1' (one of: ${TARGETS[*]} all)" >&2
    exit 2
}

# Sanitizer settings for every run: abort on the first error, so libFuzzer
# records the input; no GSlice magazines hiding use-after-free.
export G_SLICE=always-malloc
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Seeds the work corpus: the in-tree corpus, and for the message target the
# torture and benchmark messages (flattened into prefixed names).
seed_work_corpus() {
    local t=$1 work=$2 f
    mkdir -p "$work"
    cp -n "$SRC/tests/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
    if [ "$t" = sip-message ]; then
        for d in tests/data/torture bench/corpus; do
            [ -d "$SRC/$d" ] || continue
            while IFS= read -r -d '' f; do
                cp -n "$f" "$work/extra-$(echo "${f#"$SRC/"}" | tr '/' '_')"
            done < <(find "$SRC/$d" -type f ! -name '*.md' ! -name '.*' -print0)
        done
    fi
}

run() {
    local t=$1 seconds=$2
    shift 2
    local dir="$BUILD_DIR/fuzz-runs/$t"
    local log
    log="$dir/logs/$(date -u +%Y%m%dT%H%M%SZ)-${seconds}s.log"
    mkdir -p "$dir/logs" "$dir/artifacts"
    seed_work_corpus "$t" "$dir/corpus"
    touch "$dir/.run-start"

    echo "fuzz.sh: running fuzz-$t for ${seconds}s, log $log" >&2
    set +e
    "$BUILD_DIR/tests/fuzz/fuzz-$t" \
        -dict="$SRC/tests/fuzz/sip.dict" \
        -max_len=4096 \
        -max_total_time="$seconds" \
        -timeout=10 \
        -rss_limit_mb=2048 \
        -print_final_stats=1 \
        -artifact_prefix="$dir/artifacts/" \
        "$@" \
        "$dir/corpus" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    set -e
    summarize "$t" "$seconds" "$log" "$dir"
    return "$rc"
}

# One row of the docs/fuzzing.md table, from the libFuzzer log.
summarize() {
    local t=$1 seconds=$2 log=$3 dir=$4
    local execs rate covline cov ft corpus crashes
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    covline=$(grep -E '^#[0-9]+.*cov: [0-9]+' "$log" | tail -1 || true)
    # -fork=N prints no stat:: lines; its status lines read
    # "#EXECS: cov: C ft: F corp: N exec/s R oom/timeout/crash: ...".
    if [ -z "$execs" ]; then
        local elapsed
        execs=$(echo "$covline" | sed -n 's/^#\([0-9]*\):.*/\1/p')
        elapsed=$(echo "$covline" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
        [ -n "$execs" ] && [ "${elapsed:-0}" -gt 0 ] && rate=$(( execs / elapsed ))
    fi
    cov=$(echo "$covline" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$covline" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corpus=$(find "$dir/corpus" -type f | wc -l)
    crashes=$(find "$dir/artifacts" -type f -newer "$dir/.run-start" | wc -l)
    echo
    echo "| target | duration | executions | exec/s | coverage (cov/ft) | corpus size | crashes found | fixed by |"
    echo "|---|---|---|---|---|---|---|---|"
    echo "| $t | ${seconds} s | ${execs:-?} | ${rate:-?} | ${cov:-?}/${ft:-?} | $corpus | $crashes | |"
    echo
    find "$dir/artifacts" -type f -newer "$dir/.run-start" -printf 'new artifact: %p\n'
}

merge() {
    local t=$1
    local in_tree="$SRC/tests/fuzz/corpus/$t"
    local work="$BUILD_DIR/fuzz-runs/$t/corpus"
    local base others n
    base=$(mktemp -d)
    others=$(mktemp -d)
    trap 'rm -rf "$base" "$others"' RETURN

    # Hand-written seeds and crash reproducers stay by name; everything else
    # (earlier merges and the work corpus) competes for coverage again.
    find "$in_tree" -maxdepth 1 -type f \( -name 'seed-*' -o -name 'crash-*' \) -exec cp {} "$base/" \;
    find "$in_tree" -maxdepth 1 -type f ! -name 'seed-*' ! -name 'crash-*' -exec cp {} "$others/" \;
    [ -d "$work" ] || { echo "fuzz.sh: no work corpus in $work; run the fuzzer first" >&2; exit 1; }
    # The torture and benchmark messages are replayed from their own
    # directories: they count as already covered, and are not copied.
    find "$work" -maxdepth 1 -type f -name 'extra-*' -exec cp {} "$base/" \;

    # Set cover over edges (without hit-count buckets): the smallest set of
    # inputs that reaches every edge the corpora reach, a few hundred files
    # rather than the thousands a feature merge keeps.
    "$BUILD_DIR/tests/fuzz/fuzz-$t" -set_cover_merge=1 -use_counters=0 -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 "$base" "$others" "$work"

    find "$in_tree" -maxdepth 1 -type f ! -name 'seed-*' ! -name 'crash-*' -delete
    find "$base" -maxdepth 1 -type f ! -name 'seed-*' ! -name 'crash-*' ! -name 'extra-*' -exec cp {} "$in_tree/" \;
    n=$(find "$in_tree" -type f | wc -l)
    echo "fuzz.sh: tests/fuzz/corpus/$t now holds $n files"
    if [ "$n" -gt "$MAX_IN_TREE" ]; then
        echo "fuzz.sh: warning: more than $MAX_IN_TREE files; the in-tree corpus should stay small" >&2
    fi
}

[ $# -ge 1 ] || usage
case "$1" in
    -h|--help)
        usage
        ;;
    --build)
        build
        ;;
    --merge)
        [ $# -ge 2 ] || usage
        build
        if [ "$2" = all ]; then
            for t in "${TARGETS[@]}"; do merge "$t"; done
        else
            check_target "$2"
            merge "$2"
        fi
        ;;
    -*)
        usage
        ;;
    *)
        target=$1
        shift
        seconds=60
        if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
            seconds=$1
            shift
        fi
        if [ "${1:-}" = "--" ]; then
            shift
        elif [ $# -gt 0 ]; then
            usage
        fi
        build
        if [ "$target" = all ]; then
            status=0
            for t in "${TARGETS[@]}"; do run "$t" "$seconds" "$@" || status=1; done
            exit $status
        fi
        check_target "$target"
        run "$target" "$seconds" "$@"
        ;;
esac
