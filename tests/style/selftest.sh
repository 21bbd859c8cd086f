#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# selftest.sh SRCDIR — shows that the two style checks can fail: each runs on
# a scratch tree, once clean (must pass) and once with a planted fault (must
# fail).  A check that cannot fail checks nothing.
set -u

src=${1:?usage: selftest.sh SRCDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
expect ()
{
  local want=$1 what=$2
  shift 2
  if "$@" >"$tmp/out" 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then
    echo "ok: $what ($got)"
  else
    echo "NOT OK: $what: expected $want, got $got; output:"
    sed 's/^/  /' "$tmp/out"
    failures=$((failures + 1))
  fi
}

# A scratch tree (not a git checkout: the checks fall back to find).
mkdir -p "$tmp/tree/daemon/sip" "$tmp/tree/daemon/media" "$tmp/tree/daemon/core" "$tmp/tree/tests/data"
cp "$src/.clang-format" "$tmp/tree/"
cat >"$tmp/tree/daemon/sip/good.c" <<'EOF'
#include "sip/good.h"

static int
count (const char *p, int n)
{
  int i;

  for (i = 0; i < n; i++)
    {
      if (p[i] == '\0')
        return i;
    }
  return n;
}
EOF
# tests/data is never format-checked
printf 'int  badly   formatted(void){return 0;}\n' >"$tmp/tree/tests/data/ignored.c"

expect pass "format check passes on a formatted tree" bash "$here/check-format.sh" "$tmp/tree"
expect pass "layering check passes on a clean tree" bash "$here/check-layering.sh" "$tmp/tree"

printf 'int  badly   formatted(void){return 0;}\n' >"$tmp/tree/daemon/core/bad.c"
expect fail "format check fails on a badly formatted file" bash "$here/check-format.sh" "$tmp/tree"
rm "$tmp/tree/daemon/core/bad.c"

printf '#include <gst/gst.h>\n' >"$tmp/tree/daemon/sip/media.h"
expect fail "layering check fails when sip/ includes GStreamer" bash "$here/check-layering.sh" "$tmp/tree"
rm "$tmp/tree/daemon/sip/media.h"

printf '#include "core/core-error.h"\n' >"$tmp/tree/daemon/sip/up.c"
expect fail "layering check fails when sip/ includes core/" bash "$here/check-layering.sh" "$tmp/tree"
rm "$tmp/tree/daemon/sip/up.c"

printf '#  include "sip/message.h"\n' >"$tmp/tree/daemon/media/sdp.c"
expect fail "layering check fails when media/ includes sip/" bash "$here/check-layering.sh" "$tmp/tree"
rm "$tmp/tree/daemon/media/sdp.c"

printf '#include "bus/errors.h"\n' >"$tmp/tree/daemon/core/endpoint.c"
expect fail "layering check fails when core/ includes bus/" bash "$here/check-layering.sh" "$tmp/tree"
rm "$tmp/tree/daemon/core/endpoint.c"

expect pass "format check passes again once the fault is gone" bash "$here/check-format.sh" "$tmp/tree"
expect pass "layering check passes again once the faults are gone" bash "$here/check-layering.sh" "$tmp/tree"

[ "$failures" -eq 0 ] || exit 1
