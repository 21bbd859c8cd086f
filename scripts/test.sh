#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test.sh — install what the tests need (Debian 12), build Tincan and run
# the whole test suite; this is what CI runs (.ci/run).
#
#   1. build/       the normal build with --werror; every suite
#                   (unit, tools, fuzz corpus replay, style, ...)
#   2. build-asan/  -Db_sanitize=address,undefined with --werror; the unit and bus suites
#
# Each run prints meson's summary and a one-line count read from meson's
# testlog.json.  The script fails when a test fails, when a build fails, and
# when a run executed no test at all.  Root is needed only when Debian
# packages are missing.
set -euo pipefail

usage ()
{
  cat <<EOF
Usage: ${0##*/} [--no-sanitize] [-- MESON-TEST-ARGS...]

Installs the Debian packages the tests need (when missing), builds Tincan
in build/ and runs every test suite, then builds build-asan/ with
AddressSanitizer and UndefinedBehaviorSanitizer and runs the unit and bus suites.

  --no-sanitize   skip the sanitizer build
  -h, --help      show this help
  -- ARGS         pass ARGS to the first 'meson test' (e.g. -- --suite sip)

Environment: TINCAN_NO_INSTALL=1 skips the package check,
TINCAN_DRY_RUN=1 only prints what would be installed.
EOF
}

sanitize=1
extra_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-sanitize) sanitize=0 ;;
    -h | --help)
      usage
      exit 0
      ;;
    --)
      shift
      extra_args=("$@")
      break
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
  shift
done

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$TC_SRCDIR"

# Prints one line counting the results in DIR's testlog.json, and returns 1
# when no test ran (every test skipped, or none selected) or one failed.
tc_count_results ()
{
  python3 - "$1/meson-logs/testlog.json" <<'EOF'
import json, sys

path = sys.argv[1]
counts = {"OK": 0, "EXPECTEDFAIL": 0, "FAIL": 0, "UNEXPECTEDPASS": 0, "SKIP": 0, "TIMEOUT": 0}
try:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                result = json.loads(line).get("result", "ERROR")
                # ERROR (e.g. broken TAP) and INTERRUPT count as failures
                counts[result if result in counts else "FAIL"] += 1
except FileNotFoundError:
    pass
ran = sum(counts.values()) - counts["SKIP"]
print("Ok: %d  Expected Fail: %d  Fail: %d  Unexpected Pass: %d  Skipped: %d  Timeout: %d  (%d ran)"
      % (counts["OK"], counts["EXPECTEDFAIL"], counts["FAIL"], counts["UNEXPECTEDPASS"], counts["SKIP"],
         counts["TIMEOUT"], ran))
if ran == 0:
    print("no test ran", file=sys.stderr)
sys.exit(0 if ran > 0 and counts["FAIL"] + counts["UNEXPECTEDPASS"] + counts["TIMEOUT"] == 0 else 1)
EOF
}

summaries=()
failed=0

# tc_run_tests DIR [meson test args...]
tc_run_tests ()
{
  local dir=$1 status=0 line
  shift

  rm -f "$dir/meson-logs/testlog.json"
  tc_log "running: meson test -C $dir --print-errorlogs $*"
  meson test -C "$dir" --print-errorlogs "$@" || status=$?
  line=$(tc_count_results "$dir") || { [ "$status" -ne 0 ] || status=1; }
  summaries+=("$dir: $line")
  if [ "$status" -ne 0 ]; then
    failed=1
    tc_log "FAILED in $dir: $line"
  fi
}

tc_ensure_packages test

tc_meson_build build -Db_sanitize=none -Dtests=true
tc_run_tests build "${extra_args[@]}"

if [ "$sanitize" -eq 1 ]; then
  tc_meson_build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dtests=true
  tc_run_tests build-asan --suite unit --suite bus --timeout-multiplier 3
fi

echo
echo "==== Tincan test summary ===="
for s in "${summaries[@]}"; do
  echo "$s"
done
if [ "$failed" -ne 0 ]; then
  echo "RESULT: FAIL"
  exit 1
fi
echo "RESULT: PASS"
