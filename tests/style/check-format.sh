#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-format.sh [SRCDIR] — fails when a C source or header under daemon/,
# clients/ or tests/ (tests/data excepted) is not formatted as .clang-format
# says (style.md B10).  In a git checkout the files are the tracked ones plus
# the new, not ignored ones; otherwise every *.c/*.h found.
#
# The formatter is $CLANG_FORMAT, else clang-format-14, else clang-format.
# It is required: scripts/test.sh installs it, so CI never skips this check.
set -u

src=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$src" || exit 1

cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
  for candidate in clang-format-14 clang-format; do
    if command -v "$candidate" >/dev/null 2>&1; then
      cf=$candidate
      break
    fi
  done
fi
if [ -z "$cf" ]; then
  echo "check-format: clang-format not found; install it (apt-get install clang-format), as scripts/test.sh does" >&2
  exit 1
fi
version=$("$cf" --version)
case "$version" in
  *" version 14."*) ;;
  *) echo "check-format: note: .clang-format is written for clang-format 14; this is: $version" >&2 ;;
esac
[ -f .clang-format ] || {
  echo "check-format: no .clang-format in $src" >&2
  exit 1
}

files=()
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
  while IFS= read -r f; do
    [ -f "$f" ] && files+=("$f")
  done < <(git ls-files --cached --others --exclude-standard -- 'daemon/*.[ch]' 'clients/*.[ch]' 'tests/*.[ch]' |
    grep -v '^tests/data/' | sort -u)
else
  while IFS= read -r f; do
    files+=("$f")
  done < <(find daemon clients tests -path tests/data -prune -o -type f -name '*.[ch]' -print 2>/dev/null | sort)
fi

if [ ${#files[@]} -eq 0 ]; then
  echo "check-format: no C files found under $src: nothing was checked" >&2
  exit 1
fi

bad=()
for f in "${files[@]}"; do
  if ! out=$("$cf" --style=file --dry-run --Werror "$f" 2>&1); then
    bad+=("$f")
    printf '%s\n' "$out" | head -n 12
    echo
  fi
done

if [ ${#bad[@]} -ne 0 ]; then
  echo "check-format: ${#bad[@]} of ${#files[@]} files are not formatted. To fix them, run from the top of the tree:"
  echo "  $cf -i ${bad[*]}"
  exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
