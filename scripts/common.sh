# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# common.sh — what scripts/run.sh and scripts/test.sh share: the source
# root, the package installer (deps.sh) and configuring + building a meson
# build directory.  Sourced, not run.

TC_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=scripts/deps.sh
. "$TC_SRCDIR/scripts/deps.sh"

# A base Debian image has no locale configured; meson and the tests want
# UTF-8, and C.UTF-8 is always present in Debian's libc.
export LC_ALL=C.UTF-8

# The options every build directory gets: the build is clean with --werror
# (issue 2), so run and test use the same flags and share build/.
TC_MESON_COMMON_OPTIONS=(--werror)

# tc_meson_build DIR [meson options...]
# Configures DIR (or reconfigures it with the given options when it was
# configured before) and builds it with ninja.  DIR is relative to the
# source root.  With TC_QUIET_BUILD=1 the output of meson and ninja is shown
# only when they fail.  Runs in a subshell, so the caller's directory is kept.
tc_meson_build ()
(
  dir=$1
  shift

  cd "$TC_SRCDIR" || tc_die "cannot enter $TC_SRCDIR"
  if [ -n "${TC_QUIET_BUILD:-}" ]; then
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    tc_log "building $dir (quietly; output shown on failure)"
    TC_QUIET_BUILD= tc_meson_build "$dir" "$@" >"$log" 2>&1 || {
      cat "$log" >&2
      exit 1
    }
    exit 0
  fi

  if [ -f "$dir/meson-private/coredata.dat" ]; then
    tc_log "reconfiguring $dir"
    meson setup --reconfigure "$dir" "${TC_MESON_COMMON_OPTIONS[@]}" "$@" || {
      tc_log "reconfiguring $dir failed; setting it up from scratch"
      meson setup --wipe "$dir" "${TC_MESON_COMMON_OPTIONS[@]}" "$@" || tc_die "meson setup $dir failed"
    }
  else
    tc_log "configuring $dir"
    meson setup "$dir" "${TC_MESON_COMMON_OPTIONS[@]}" "$@" || tc_die "meson setup $dir failed"
  fi
  tc_log "building $dir"
  ninja -C "$dir" || tc_die "build in $dir failed"
)
