#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-layering.sh [SRCDIR] — fails when a layer includes a layer above it
# or a library it must not know (architecture.md "Layers", style.md B1):
#
#   daemon/sip/    no GStreamer, libnice, libsrtp, core/, bus/, media/ (libsoup is
#                  allowed: SIP over WebSocket, RFC 7118, architecture.md)
#   daemon/media/  no core/, bus/, sip/
#   daemon/core/   no bus/ and no generated D-Bus code
#   clients/       D-Bus only: none of daemon/'s sip/, media/, core/, bus/
#
# The meson dependencies of each static library already keep most of these
# out of the include path; this catches what a relative path or a stray
# include directory would let through.
set -u

src=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$src" || exit 1
[ -d daemon ] || {
  echo "check-layering: no daemon/ in $src: nothing was checked" >&2
  exit 1
}

include='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'
status=0
checked=0

# rule DIR FORBIDDEN-PREFIXES(ERE) WHY
rule ()
{
  local dir=$1 forbidden=$2 why=$3 hits

  [ -d "$dir" ] || return 0
  checked=$((checked + 1))
  hits=$(grep -rnE --include='*.c' --include='*.h' "$include$forbidden" "$dir")
  case $? in
    0)
      echo "check-layering: $dir: $why:"
      printf '%s\n' "$hits" | sed 's/^/  /'
      status=1
      ;;
    1) ;;
    *)
      echo "check-layering: grep failed on $dir" >&2
      status=1
      ;;
  esac
}

rule daemon/sip '(gst/|nice/|srtp2?/|core/|bus/|media/|\.\./)' \
  'the SIP stack knows nothing of media, the RTC model or D-Bus'
rule daemon/media '(core/|bus/|sip/|\.\./)' \
  'media knows nothing of SIP messages, the RTC model or D-Bus'
rule daemon/core '(bus/|dbus/|tincan-dbus|tc-dbus|[^">]*dbus-generated|\.\./)' \
  'the core knows nothing of the D-Bus adapters or generated code'
rule clients '(sip/|media/|core/|bus/|daemon/)' \
  'clients speak D-Bus only, through the generated proxies'

if [ "$checked" -eq 0 ]; then
  echo "check-layering: none of the layer directories exist: nothing was checked" >&2
  exit 1
fi
[ "$status" -eq 0 ] && echo "check-layering: $checked layers checked, no forbidden include"
exit "$status"
