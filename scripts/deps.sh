# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# deps.sh — the Debian 12 packages Tincan needs, in one place, and the
# idempotent installer that scripts/run.sh and scripts/test.sh share.
# Sourced, not run.
#
#   tc_ensure_packages run|test
#
# installs what the named job needs and is missing: dpkg-query says what is
# installed, `apt-get update` runs only when something is missing, and
# nothing is touched when everything is present.  Set TINCAN_DRY_RUN=1 to
# print what would be installed without installing it, TINCAN_NO_INSTALL=1
# to skip the check (for a machine prepared by hand).

# To build and run: the compiler, meson/ninja and the libraries the daemon
# links, and the GStreamer elements a call's media uses (media-notes.md:
# rtpbin and the RTP payloaders in -good, Opus in -base, G.722 in -libav).
TC_PACKAGES_RUN=(
  build-essential
  pkg-config
  meson
  ninja-build
  python3
  git
  libglib2.0-dev
  libssl-dev
  libsoup-3.0-dev
  glib-networking
  libsecret-1-dev
  dbus-daemon
  libgstreamer1.0-dev
  libgstreamer-plugins-base1.0-dev
  gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad
  gstreamer1.0-libav
)

# To run the whole test suite: the above, plus the formatter the style suite
# runs (tests/style/check-format.sh; the config is written for version 14).
TC_PACKAGES_TEST=(
  "${TC_PACKAGES_RUN[@]}"
  clang-format
  openssl
  iproute2
  dnsmasq-base
  sip-tester
  kamailio
  kamailio-tls-modules
  kamailio-websocket-modules
  baresip
  gnome-keyring
  python3-gi
  libsecret-tools
)

tc_log ()
{
  printf '%s: %s\n' "${0##*/}" "$*" >&2
}

tc_die ()
{
  tc_log "error: $*"
  exit 1
}

# Prints the packages of "$@" that are not installed, one per line.
tc_missing_packages ()
{
  local pkg status

  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null) || status=
    case "$status" in
      ii*) ;;
      *) printf '%s\n' "$pkg" ;;
    esac
  done
}

tc_ensure_packages ()
{
  local job=$1 missing
  local -a wanted

  case "$job" in
    run) wanted=("${TC_PACKAGES_RUN[@]}") ;;
    test) wanted=("${TC_PACKAGES_TEST[@]}") ;;
    *) tc_die "tc_ensure_packages: unknown job '$job'" ;;
  esac

  if [ -n "${TINCAN_NO_INSTALL:-}" ]; then
    tc_log "TINCAN_NO_INSTALL is set: not checking Debian packages"
    return 0
  fi
  command -v dpkg-query >/dev/null 2>&1 || tc_die "dpkg-query not found: these scripts install Debian packages; on another system install ${wanted[*]} by hand and set TINCAN_NO_INSTALL=1"

  missing=$(tc_missing_packages "${wanted[@]}" | tr '\n' ' ')
  missing=${missing% }
  if [ -z "$missing" ]; then
    tc_log "Debian packages: all ${#wanted[@]} present"
    return 0
  fi

  if [ -n "${TINCAN_DRY_RUN:-}" ]; then
    tc_log "would run: apt-get update && apt-get install -y --no-install-recommends $missing"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    tc_die "missing Debian packages: $missing; run this script as root (sudo) to install them"
  fi

  tc_log "installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086 # $missing is a list of package names
  apt-get update -q && apt-get install -y -q --no-install-recommends $missing ||
    tc_die "apt-get could not install: $missing"
}
