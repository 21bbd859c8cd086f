#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run.sh — install what Tincan needs (Debian 12), build it, and run it.
#
# Until the daemon exists, "running Tincan" means running the SIP message
# layer's inspector, tincan-sip-parse: it parses SIP messages and prints
# every header with its typed fields, or the precise parse error.
#
#   sudo ./scripts/run.sh                 parse the sample INVITE shipped in tests/tools/samples/
#   ./scripts/run.sh FILE...              parse each FILE as one datagram
#   ./scripts/run.sh --stream FILE...     frame each FILE as a TCP byte stream (several messages)
#   ./scripts/run.sh - < msg.sip          parse standard input
#   ./scripts/run.sh --help               the inspector's options
#
# Root is needed only when Debian packages are missing.
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

tc_ensure_packages run
TC_QUIET_BUILD=1 tc_meson_build build -Db_sanitize=none

tool="$TC_SRCDIR/build/tests/tools/tincan-sip-parse"
[ -x "$tool" ] || tc_die "$tool was not built"

if [ $# -eq 0 ]; then
  sample="$TC_SRCDIR/tests/tools/samples/invite.sip"
  tc_log "no file given: parsing ${sample#"$TC_SRCDIR"/}"
  set -- "$sample"
fi
exec "$tool" "$@"
