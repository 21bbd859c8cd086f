#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test-inspector.sh TOOL SAMPLES-DIR [DATA-DIR] — runs tincan-sip-parse on
# the shipped samples, a stream of them and malformed input, and checks exit
# codes and what the output says; then runs it on every *.sip file under
# DATA-DIR (the torture messages), which must never crash it (exit 0 or 1).
# Prints TAP.
set -u

tool=${1:?usage: test-inspector.sh TOOL SAMPLES-DIR}
samples=${2:?usage: test-inspector.sh TOOL SAMPLES-DIR}
data=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failures=0

# check DESCRIPTION EXPECTED-EXIT STDIN-FILE ARGS... -- PATTERN...
# Runs TOOL ARGS < STDIN-FILE; passes when the exit status is EXPECTED-EXIT
# and every PATTERN (a fixed string) occurs in stdout.
check ()
{
  local desc=$1 want=$2 input=$3 got pattern
  local -a args=()
  shift 3
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    args+=("$1")
    shift
  done
  shift

  n=$((n + 1))
  "$tool" "${args[@]}" <"$input" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "not ok $n - $desc: exit status $got, expected $want"
    sed 's/^/# /' "$tmp/out" "$tmp/err" | head -n 60
    failures=$((failures + 1))
    return
  fi
  for pattern in "$@"; do
    if ! grep -qF -- "$pattern" "$tmp/out"; then
      echo "not ok $n - $desc: output lacks: $pattern"
      sed 's/^/# /' "$tmp/out" "$tmp/err" | head -n 80
      failures=$((failures + 1))
      return
    fi
  done
  echo "ok $n - $desc"
}

body_length ()
{
  sed -n 's/^Content-Length: \([0-9]*\)\r$/\1/p' "$1"
}

echo "1..12"

check "INVITE with SDP: start line, Request-URI, typed headers, body" 0 /dev/null "$samples/invite.sip" -- \
  "start-line: INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0" \
  "  method: INVITE (known)" \
  "    host: biloxi.example.com (name)" \
  "    transport: udp" \
  "  [0] Via (Via): SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport" \
  "via: protocol=SIP version=2.0 transport=UDP host=pc33.atlanta.example.com port=5060 branch=z9hG4bK776asdhds rport" \
  "name-addr: display-name=\"Alice Liddell\" uri=sip:alice@atlanta.example.com tag=1928301774" \
  "cseq: seq=314159 method=INVITE" \
  "+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"" \
  "session-expires: delta=1800 refresher=uac" \
  "tokens: INVITE ACK CANCEL BYE OPTIONS MESSAGE NOTIFY REFER" \
  "media-type: type=application subtype=sdp" \
  "  content-type: application/sdp" \
  "body: $(body_length "$samples/invite.sip") bytes"

check "REGISTER: compact forms, Contact parameters, Authorization" 0 /dev/null "$samples/register.sip" -- \
  "start-line: REGISTER sip:registrar.biloxi.example.com SIP/2.0" \
  "  [0] v (Via): SIP/2.0/TCP" \
  "  [4] i (Call-ID): 843817637684230@998sdasdh09" \
  " q=0.700 expires=3600 +sip.instance=" \
  " reg-id=1" \
  "auth: scheme=Digest" \
  "auth-param: username=\"bob\"" \
  "auth-param: cnonce=\"0a4f113b\"" \
  "  expires: 7200" \
  "body: 0 bytes"

check "200 OK: status line, Via list across header lines, Record-Route" 0 /dev/null "$samples/ok.sip" -- \
  "start-line: SIP/2.0 200 OK" \
  "  status: 200" \
  "received=192.0.2.1 rport=5060" \
  "  vias: 3 (top branch z9hG4bK4b43c2ff8.1)" \
  "  record-routes: 3" \
  "  to-tag: a6c85cf"

check "several files are parsed in turn" 0 /dev/null "$samples/invite.sip" "$samples/ok.sip" -- \
  "message 1 ($samples/invite.sip): request" \
  "message 2 ($samples/ok.sip): response"

check "a malformed message is rejected with the reason and the status to answer" 1 /dev/null \
  "$samples/malformed.sip" -- "error: " "CSeq" "(answer 400)"

check "an invalid message among valid ones fails the run" 1 /dev/null \
  "$samples/invite.sip" "$samples/malformed.sip" -- "message 1 (" "message 2 (" "error: "

# A TCP-like stream: three messages with CRLFCRLF keepalives between them.
{
  cat "$samples/invite.sip"
  printf '\r\n\r\n'
  cat "$samples/register.sip"
  printf '\r\n\r\n'
  cat "$samples/ok.sip"
} >"$tmp/stream"
check "--stream frames several messages and counts keepalives" 0 "$tmp/stream" --stream -- \
  "message 1 (stdin): request" \
  "message 2 (stdin): request" \
  "message 3 (stdin): response" \
  "stdin: 2 CRLFCRLF keepalive ping(s)"

head -c 200 "$samples/invite.sip" >"$tmp/partial"
check "--stream reports a stream that ends inside a message" 1 "$tmp/partial" --stream - -- \
  "error: stdin ends inside a message"

check "an empty datagram is an error" 1 /dev/null -- "error: "

check "--help describes the options" 0 /dev/null --help -- "--stream"

n=$((n + 1))
if "$tool" "$tmp/does-not-exist" >/dev/null 2>&1; then
  echo "not ok $n - a missing file is a usage error"
  failures=$((failures + 1))
else
  echo "ok $n - a missing file is a usage error"
fi

n=$((n + 1))
crashed=0
total=0
if [ -n "$data" ] && [ -d "$data" ]; then
  while IFS= read -r -d '' f; do
    total=$((total + 1))
    "$tool" "$f" >/dev/null 2>"$tmp/err"
    status=$?
    if [ "$status" -gt 1 ]; then
      echo "# $f: exit status $status"
      sed 's/^/#   /' "$tmp/err" | head -n 20
      crashed=$((crashed + 1))
    fi
  done < <(find "$data" -name '*.sip' -type f -print0 | sort -z)
fi
if [ "$crashed" -ne 0 ]; then
  echo "not ok $n - every message under the data directory is printed or rejected: $crashed of $total crashed"
  failures=$((failures + 1))
elif [ "$total" -eq 0 ]; then
  echo "ok $n - # SKIP no *.sip files under '$data'"
else
  echo "ok $n - all $total messages under the data directory are printed or rejected, none crashes"
fi

[ "$failures" -eq 0 ]
