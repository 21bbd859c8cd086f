#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test-dns.sh — RFC 3263 resolution against a real DNS server.
#
# Creates a network namespace with its own resolv.conf
# (/etc/netns/NAME/resolv.conf, which `ip netns exec` bind-mounts over
# /etc/resolv.conf — the host's resolver configuration is not touched),
# starts dnsmasq inside it serving SRV, A and AAAA records for a test zone
# on 127.0.0.1:53, runs resolve-probe (the system GResolver: getaddrinfo
# and res_query) under `ip netns exec`, and compares its output with
# EXPECTED.  The names are not in /etc/hosts (nsswitch "hosts: files dns").
#
# Usage: test-dns.sh RESOLVE-PROBE EXPECTED
# Exit: 0 pass, 1 fail, 77 skip (not root, or no `ip netns`).

set -u

probe=$1
expected=$2

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root for ip netns"
  exit 77
fi
if ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
  echo "SKIP: ip netns is not available"
  exit 77
fi
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ ! -x "$dnsmasq" ]; then
  echo "FAIL: dnsmasq is not installed (Debian package dnsmasq-base)"
  exit 1
fi

ns=tincan-dns-$$
tmp=$(mktemp -d)
dnsmasq_pid=

cleanup() {
  if [ -n "$dnsmasq_pid" ]; then
    kill "$dnsmasq_pid" 2>/dev/null
    wait "$dnsmasq_pid" 2>/dev/null
  fi
  ip netns del "$ns" 2>/dev/null
  rm -rf "/etc/netns/$ns" "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
  echo "FAIL: $*"
  echo "--- dnsmasq log"
  cat "$tmp/dnsmasq.log"
  exit 1
}

ip netns add "$ns" || fail "ip netns add $ns"
ip -n "$ns" link set lo up || fail "bringing up lo in $ns"
mkdir -p "/etc/netns/$ns"
echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"

# The zone.  --local=/test/ makes dnsmasq answer NXDOMAIN for every other
# name under test. instead of REFUSED (it has no upstream server).
ip netns exec "$ns" "$dnsmasq" --no-daemon --conf-file=/dev/null \
  --no-resolv --no-hosts --no-poll --log-queries \
  --listen-address=127.0.0.1 --bind-interfaces --port=53 \
  --pid-file="$tmp/dnsmasq.pid" --user=root --group=root \
  --local=/test/ \
  --host-record=sip1.example.test,127.0.0.2 \
  --host-record=sip2.example.test,127.0.0.3,::1 \
  --host-record=tls.example.test,127.0.0.4 \
  --host-record=example.test,127.0.0.10 \
  --host-record=plain.test,127.0.0.5 \
  --srv-host=_sip._udp.example.test,sip2.example.test,5062,20,0 \
  --srv-host=_sip._udp.example.test,sip1.example.test,5060,10,0 \
  --srv-host=_sip._tcp.example.test,sip2.example.test,5070,10,0 \
  --srv-host=_sips._tcp.example.test,tls.example.test,5061,10,0 \
  --srv-host=_sip._tcp.tcponly.test,sip1.example.test,5080,10,0 \
  >"$tmp/dnsmasq.log" 2>&1 &
dnsmasq_pid=$!

# Ready when a name resolves through the namespace's resolv.conf.
tries=0
until ip netns exec "$ns" getent hosts sip1.example.test >/dev/null 2>&1; do
  kill -0 "$dnsmasq_pid" 2>/dev/null || { dnsmasq_pid=; fail "dnsmasq exited"; }
  tries=$((tries + 1))
  [ "$tries" -lt 50 ] || fail "dnsmasq did not answer within 5 s"
  sleep 0.1
done

# Addresses of sip2 (A and AAAA) are put in a fixed family order: the
# system's own order (RFC 6724, /etc/gai.conf) is not this test's subject.
ip netns exec "$ns" "$probe" --family=ipv4 \
  'sip:alice@example.test' \
  'sip:example.test;transport=tcp' \
  'sips:bob@example.test' \
  'sip:tcponly.test' \
  'sip:plain.test' \
  'sips:plain.test' \
  'sip:plain.test:5080' \
  'sip:example.test;maddr=sip2.example.test;transport=udp' \
  'sip:127.0.0.9:5099;transport=tcp' \
  'sip:[::1];transport=tls' \
  'sip:nowhere.test' \
  --family=ipv6 'sip:example.test;transport=tcp' \
  --family=ipv4 --transports=tls,tcp 'sip:example.test' \
  >"$tmp/actual" 2>"$tmp/probe.err" || fail "resolve-probe exited with $?: $(cat "$tmp/probe.err")"

if ! diff -u "$expected" "$tmp/actual"; then
  fail "the targets differ from $expected"
fi
grep -q '_sips._tcp.example.test' "$tmp/dnsmasq.log" || fail "the queries did not reach dnsmasq"
echo "PASS: $(grep -c '^[a-z]' "$tmp/actual") URIs resolved as expected through dnsmasq in $ns"
exit 0
