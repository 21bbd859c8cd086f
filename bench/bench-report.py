#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Turns the raw results of scripts/bench.sh into docs/benchmarks.md.

Input (all in the results directory written by scripts/bench.sh):
  results.tsv      result lines of the four programs, all rounds
  callgrind.tsv    parser, message, iterations, instructions (optional)
  annotate-<parser>.txt   callgrind_annotate of each parser's corpus run
  run-info.txt     key=value lines the script recorded (command, load…)
Output: the Markdown document on stdout.  Every number in it comes from
these files; nothing is typed in by hand.
"""

import argparse
import collections
import os
import platform
import re
import statistics
import subprocess
import sys

PARSERS = ["tincan", "sofia-sip", "libre", "osip"]
COMPETITORS = PARSERS[1:]
TITLES = {"tincan": "Tincan", "sofia-sip": "sofia-sip", "libre": "libre", "osip": "oSIP"}
TARGET = 2.0


def read_tsv_results(path):
    """{parser: {message: {round: ns}}} and the message order."""
    data = collections.defaultdict(lambda: collections.defaultdict(dict))
    order = []
    with open(path) as fp:
        for line in fp:
            f = line.rstrip("\n").split("\t")
            if len(f) != 7 or f[0] != "result":
                continue
            _, parser, msg, label, rep, iters, ns = f
            data[parser][msg][(label, rep)] = float(ns)
            if msg not in order:
                order.append(msg)
    return data, order


def read_callgrind(path):
    cg = collections.defaultdict(dict)
    if not os.path.exists(path):
        return cg
    with open(path) as fp:
        for line in fp:
            f = line.split()
            if len(f) == 4:
                parser, msg, iters, ir = f
                cg[parser][msg] = int(ir) / int(iters)
    return cg


def read_info(path):
    info = {}
    if os.path.exists(path):
        with open(path) as fp:
            for line in fp:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    info[k] = v
    return info


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fp:
            for line in fp:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_flags_summary():
    try:
        with open("/proc/cpuinfo") as fp:
            text = fp.read()
    except OSError:
        return ""
    m = re.search(r"^cpu MHz\s*:\s*([\d.]+)", text, re.M)
    hyp = "hypervisor" in text
    parts = []
    if m:
        parts.append("%.0f MHz reported" % float(m.group(1)))
    if hyp:
        parts.append("virtual machine (hypervisor flag set)")
    return ", ".join(parts)


def pkg_versions(pkgs):
    out = []
    for p in pkgs:
        try:
            v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], capture_output=True, text=True,
                               check=False).stdout.strip()
        except OSError:
            v = ""
        out.append((p, v or "not installed"))
    return out


def cmd_output(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def fmt_ns(x):
    return "{:,.0f}".format(x)


def fmt_rate(ns):
    return "{:,.0f}".format(1e9 / ns)


def fmt_ratio(x):
    return "{:.2f}x".format(x)


# Sections of docs/benchmarks.md written by other benchmark scripts; the
# parse report is regenerated as a whole, so it carries them over.
KEPT_SECTIONS = ("## SIP stack: OPTIONS round trip and transactions/s (issue 3)",
                 "## SIP stack: memory per pending transaction (issue 3)",
                 # bench/daemon/ (scripts/bench.sh daemon)
                 "## Daemon: start-up, registration and memory of an idle daemon (issue 4)",
                 "## Daemon: registration scale (issue 4)",
                 "## Daemon: MESSAGE throughput over D-Bus (issue 4)")


def kept_sections(path):
    if not path or not os.path.exists(path):
        return ""
    with open(path) as fp:
        text = fp.read()
    out = []
    for title in KEPT_SECTIONS:
        i = text.find(title)
        if i < 0:
            continue
        j = text.find("\n## ", i + len(title))
        out.append(text[i:j + 1 if j >= 0 else len(text)].rstrip("\n") + "\n")
    return "".join("\n" + s for s in out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results_dir")
    ap.add_argument("--keep-sections-of", metavar="FILE",
                    help="carry over the sections of FILE that other benchmarks write (bench/options/)")
    args = ap.parse_args()
    d = args.results_dir

    data, order = read_tsv_results(os.path.join(d, "results.tsv"))
    cg = read_callgrind(os.path.join(d, "callgrind.tsv"))
    info = read_info(os.path.join(d, "run-info.txt"))

    missing = [p for p in PARSERS if p not in data]
    if missing:
        sys.exit("bench-report: no results for " + ", ".join(missing))

    # Median over rounds, per parser and message.
    med = {p: {m: statistics.median(data[p][m].values()) for m in order} for p in PARSERS}
    spread = {p: {m: (min(data[p][m].values()), max(data[p][m].values())) for m in order} for p in PARSERS}
    n_rounds = min(len(data[p][m]) for p in PARSERS for m in order)

    # Overall: the corpus as a mix with one of each message.  For each round
    # the mean ns/msg over the corpus, then the median over the rounds.
    overall = {}
    overall_range = {}
    mix_by_round = {}
    for p in PARSERS:
        keys = set.intersection(*(set(data[p][m].keys()) for m in order))
        mix_by_round[p] = {k: statistics.mean(data[p][m][k] for m in order) for k in keys}
        per_round = list(mix_by_round[p].values())
        overall[p] = statistics.median(per_round)
        overall_range[p] = (min(per_round), max(per_round))

    out = []
    w = out.append
    w("# Parse benchmark: Tincan against sofia-sip, libre and oSIP")
    w("")
    w("Generated by `scripts/bench.sh` from one run (%s UTC); do not edit by hand, re-run the script." %
      info.get("date", "?"))
    w("Method, fairness notes and how to read the numbers are below the tables.")
    w("")
    w("## Result")
    w("")
    fastest = min(COMPETITORS, key=lambda p: overall[p])
    ratio_fastest = overall[fastest] / overall["tincan"]
    # The same comparison paired by round: the programs of one round ran
    # back to back, so a slow phase of the machine hits both.
    paired = [mix_by_round[fastest][k] / mix_by_round["tincan"][k]
              for k in mix_by_round["tincan"] if k in mix_by_round[fastest]]
    w("Target (issue 2): Tincan parses at least %.0fx faster than the fastest of the three." % TARGET)
    w("")
    w("- Wall clock, corpus mix, median of %d rounds: the fastest competitor is %s; Tincan is **%s** as fast "
      "(%s: %s ns/msg, Tincan: %s ns/msg).  Paired by round: median %s, range %s - %s." % (
          n_rounds, TITLES[fastest], fmt_ratio(ratio_fastest), TITLES[fastest], fmt_ns(overall[fastest]),
          fmt_ns(overall["tincan"]), fmt_ratio(statistics.median(paired)), fmt_ratio(min(paired)),
          fmt_ratio(max(paired))))
    cg_ratio = None
    if cg and all(p in cg for p in PARSERS):
        cg_overall = {p: statistics.mean(cg[p][m] for m in order) for p in PARSERS}
        cg_fastest = min(COMPETITORS, key=lambda p: cg_overall[p])
        cg_ratio = cg_overall[cg_fastest] / cg_overall["tincan"]
        w("- Instructions (callgrind, deterministic), corpus mix: the leanest competitor is %s with %s "
          "instructions per message against Tincan's %s: **%s**." % (
              TITLES[cg_fastest], fmt_ns(cg_overall[cg_fastest]), fmt_ns(cg_overall["tincan"]),
              fmt_ratio(cg_ratio)))
    below = [m for m in order if med[fastest][m] / med["tincan"][m] < TARGET]
    if below:
        w("- Messages below %.0fx against %s (wall clock): %s." % (
            TARGET, TITLES[fastest], ", ".join("%s %s" % (m, fmt_ratio(med[fastest][m] / med["tincan"][m]))
                                               for m in below)))
    met = [ratio_fastest >= TARGET] + ([cg_ratio >= TARGET] if cg_ratio is not None else [])
    if all(met):
        verdict = "**met**"
    elif not any(met):
        verdict = "**not met**"
    else:
        verdict = ("**borderline**: met by one measure and not by the other; the margin is within the noise, "
                   "so it is not safely met")
    w("")
    w("Target: %s." % verdict)
    w("")

    w("### Wall clock: median ns per message (lower is better)")
    w("")
    w("| message | bytes | " + " | ".join(TITLES[p] for p in PARSERS) + " | " +
      " | ".join("Tincan vs " + TITLES[p] for p in COMPETITORS) + " |")
    w("|---|---:|" + "---:|" * len(PARSERS) + "---:|" * len(COMPETITORS))
    sizes = {}
    sizes_path = os.path.join(d, "sizes.tsv")
    if os.path.exists(sizes_path):
        with open(sizes_path) as fp:
            for line in fp:
                k, v = line.split()
                sizes[k] = v
    for m in order:
        row = "| %s | %s | " % (m, sizes.get(m, "?"))
        row += " | ".join(fmt_ns(med[p][m]) for p in PARSERS)
        row += " | " + " | ".join(fmt_ratio(med[p][m] / med["tincan"][m]) for p in COMPETITORS) + " |"
        w(row)
    w("| **corpus mix** (mean of the five) | | " + " | ".join("**%s**" % fmt_ns(overall[p]) for p in PARSERS) +
      " | " + " | ".join("**%s**" % fmt_ratio(overall[p] / overall["tincan"]) for p in COMPETITORS) + " |")
    w("")
    w("\"Tincan vs X\" is X's time divided by Tincan's: above 1.00x Tincan is faster, below it is slower.")
    w("")
    w("### Wall clock: messages per second (higher is better)")
    w("")
    w("| message | " + " | ".join(TITLES[p] for p in PARSERS) + " |")
    w("|---|" + "---:|" * len(PARSERS))
    for m in order:
        w("| %s | " % m + " | ".join(fmt_rate(med[p][m]) for p in PARSERS) + " |")
    w("| **corpus mix** | " + " | ".join("**%s**" % fmt_rate(overall[p]) for p in PARSERS) + " |")
    w("")
    w("Spread over the %d rounds (min - max ns/msg of the corpus mix): " % n_rounds +
      "; ".join("%s %s - %s" % (TITLES[p], fmt_ns(overall_range[p][0]), fmt_ns(overall_range[p][1]))
                for p in PARSERS) + ".")
    w("")

    if cg and all(p in cg for p in PARSERS):
        w("### Instructions per message (callgrind, %s iterations per message)" % info.get("callgrind_iters", "?"))
        w("")
        w("Instruction counts do not depend on the machine's load, so they are the steadier second column; "
          "they do not see cache misses or branch mispredictions, so they are not times.")
        w("")
        w("| message | " + " | ".join(TITLES[p] for p in PARSERS) + " | " +
          " | ".join("Tincan vs " + TITLES[p] for p in COMPETITORS) + " |")
        w("|---|" + "---:|" * len(PARSERS) + "---:|" * len(COMPETITORS))
        for m in order:
            w("| %s | " % m + " | ".join(fmt_ns(cg[p][m]) for p in PARSERS) + " | " +
              " | ".join(fmt_ratio(cg[p][m] / cg["tincan"][m]) for p in COMPETITORS) + " |")
        w("| **corpus mix** | " + " | ".join("**%s**" % fmt_ns(cg_overall[p]) for p in PARSERS) + " | " +
          " | ".join("**%s**" % fmt_ratio(cg_overall[p] / cg_overall["tincan"]) for p in COMPETITORS) + " |")
        w("")

    annot = os.path.join(d, "annotate-tincan.txt")
    if os.path.exists(annot):
        with open(annot) as fp:
            text = fp.read().rstrip("\n")
        w("### Where Tincan's time goes")
        w("")
        w("callgrind over the whole corpus (%s iterations of each message), functions by their own (exclusive) "
          "instruction count, then by inclusive count; `callgrind_annotate` output, trimmed:" %
          info.get("callgrind_iters", "?"))
        w("")
        w("```")
        w(text)
        w("```")
        w("")

    w("## Machine and versions")
    w("")
    w("- Date: %s UTC" % info.get("date", "?"))
    w("- CPU: %s (%s logical CPUs%s)" % (cpu_model(), os.cpu_count(),
                                          ("; " + cpu_flags_summary()) if cpu_flags_summary() else ""))
    w("- Kernel: %s %s (%s)" % (platform.system(), platform.release(), platform.machine()))
    w("- OS: %s" % cmd_output(["sh", "-c", ". /etc/os-release && echo \"$PRETTY_NAME\""]))
    w("- Load average before / after the timed rounds: %s / %s" % (info.get("load_before", "?"),
                                                                 info.get("load_after", "?")))
    try:
        load = float(info.get("load_before", "").split()[0])
    except (ValueError, IndexError):
        load = None
    if load is not None and load >= 0.5 * (os.cpu_count() or 1):
        w("  - The machine was busy while this ran (other jobs on its CPUs): absolute times are inflated and noisy; "
          "the paired ratios and the instruction counts are the numbers to trust.")
    w("- Compiler: %s" % info.get("compiler", "?"))
    w("- Tincan: git %s, built with meson `-Dbuildtype=%s` (%s)" % (
        info.get("git", "?"), info.get("buildtype", "?"), info.get("cflags", "?")))
    w("- Competitors: the Debian packages' shared libraries as Debian built them (not rebuilt; Debian's default "
      "flags are -O2 with -fstack-protector-strong and _FORTIFY_SOURCE=2), called through the PLT; Tincan's "
      "static library is linked into its program.  The four bench programs themselves are compiled alike")
    for p, v in pkg_versions(["libsofia-sip-ua-dev", "libre-dev", "libosip2-dev", "libglib2.0-dev", "valgrind"]):
        w("  - %s %s" % (p, v))
    w("")
    w("## Exact command")
    w("")
    w("```")
    w(info.get("command", "scripts/bench.sh"))
    w("```")
    w("")
    w("It installs what is missing (%s), configures a separate build directory with" % info.get(
        "packages", "the -dev packages"))
    w("")
    w("```")
    w(info.get("setup", "?"))
    w("```")
    w("")
    w("builds it, checks that all four parsers accept every corpus message and read the same values from it "
      "(the `--check` outputs must be identical), runs %s rounds — in each round, for each message, the four "
      "programs back to back in a rotating order (interleaved, so that a slow phase of the machine hits all "
      "four), each timing the message for about %s s — then runs each program under callgrind.  Raw data: "
      "`%s/`." % (info.get("rounds", "?"), info.get("time", "?"), info.get("results_dir", "build-bench/bench-results")))
    w("")
    w(METHOD)
    return "\n".join(out) + "\n" + kept_sections(args.keep_sections_of)


METHOD = """## Method

The corpus is `bench/corpus/`: one realistic message per file, as it comes off the wire (CRLF line ends, correct
Content-Length):

| file | what it is |
|---|---|
| `01-register.sip` | REGISTER after a 401: Digest Authorization (username, realm, nonce, uri, response, algorithm, cnonce, qop, nc, opaque), Contact with +sip.instance, reg-id and expires, Allow, Supported, User-Agent |
| `02-invite.sip` | a softphone's INVITE: Via with rport and branch, Max-Forwards, Contact with +sip.instance, Allow, Supported, Session-Expires, User-Agent, SDP offer (opus, G722, PCMU, PCMA, telephone-event) |
| `03-200-ok-invite.sip` | 200 OK to that INVITE as a proxy/UAS sees it: three Via (received, rport), four Record-Route, To tag, Contact, Require/Session-Expires, SDP answer |
| `04-notify-pidf.sip` | NOTIFY in a presence subscription: Event: presence, Subscription-State: active;expires=…, a PIDF body with RPID |
| `05-options.sip` | a short OPTIONS ping |

One program per parser (`bench/bench-<parser>.c`, the shared loop in `bench/bench.c`).  Each reads the same corpus
and, per iteration, parses the message into its library's message structure **and** reads the values a UA reads on
every message: the top Via's branch, the From tag, the To tag, the Call-ID, the CSeq number and method, and the
first Contact's URI; then frees the message.  Each library gets the bytes the way it takes them:

- **Tincan**: `tc_sip_message_parse_datagram()` on a `GBytes` made once per message outside the loop (the parser
  keeps a reference: zero copy), the typed getters (`get_via(msg, 0)->branch`, `get_from()->tag`, `get_to()->tag`,
  `get_call_id()`, `get_cseq()`, `get_contact(msg, 0)->addr.uri`), `tc_sip_message_unref()`.
- **sofia-sip**: `msg_make(sip_default_mclass(), 0, data, len)` (it copies the bytes into the new `msg_t`, as its
  transport receives into one), the `sip_t` fields (`sip_via->v_branch`, `sip_from->a_tag`, `sip_to->a_tag`,
  `sip_call_id->i_id`, `sip_cseq->cs_seq`/`cs_method_name`, `sip_contact->m_url->url_host`), `msg_destroy()`.
  sofia-sip does not parse lazily on this path: `msg_extract()` calls the parser of every header the default mclass
  knows while `msg_make()` runs (we checked: all headers of the corpus are known classes, none lands in
  `sip_unknown`, the Authorization's parameters and the Contact's URL and parameters are filled in).  To make sure no
  header was skipped, every iteration rejects the message if `MSG_FLG_ERROR` is set or any header landed in
  `sip_error` (the headers that failed to parse).
- **libre**: `sip_msg_decode()` on a `struct mbuf` made once per message outside the loop (libre also parses in
  place and keeps a reference; only the read position is rewound), `msg->via.branch`, `msg->from.tag`,
  `msg->to.tag`, `msg->callid`, `msg->cseq`, and for Contact — which `sip_msg_decode()` does not decode —
  `sip_msg_hdr(msg, SIP_HDR_CONTACT)` + `sip_addr_decode()`, as a libre UA does; `mem_deref()`.  `libre_init()` is
  called once.  Note that `sip_msg_decode()` draws a random 64-bit tag for every message (`rand_u64()`, which is
  OpenSSL's `RAND_bytes()` in Debian's build); that is part of libre's cost.
- **oSIP**: `parser_init()` once; `osip_message_init()` + `osip_message_parse()` (copies the bytes),
  `osip_message_get_via(sip, 0)` + `osip_via_param_get_byname("branch")`, `osip_from_get_tag()`,
  `osip_to_get_tag()`, `osip_message_get_call_id()`, `osip_message_get_cseq()` (the number is a string:
  `strtoul()`), `osip_message_get_contact()`; `osip_message_free()`.

Before any timing, each program parses every message once and aborts loudly if its library rejects it; the timed
loop checks the result of every iteration too.  `--check` prints the values read; the script requires the four
outputs to be identical.

**Not the same strictness.**  The work is equivalent from the UA's side (same values out), but the libraries
do not check the same things, and the difference is part of what is measured:

- Tincan validates every header it knows against its grammar while parsing (Authorization, Allow, Supported,
  Session-Expires, Event, Subscription-State, Require… as well as the ones it parses into structs), validates the
  Contact and Record-Route URIs, and checks Content-Length against the datagram.
- sofia-sip parses every known header into its struct (URLs split into components, parameters into arrays,
  Authorization into its parameters) and checks Content-Length.
- oSIP parses the headers of its table — here Via, From, To, Contact, Call-ID, CSeq, Content-Type,
  Content-Length, Authorization, Record-Route, Allow — into malloc'd structs, keeps the rest (Max-Forwards,
  Expires, Supported, Require, Session-Expires, Event, Subscription-State, User-Agent, Server) as unvalidated
  name/value strings, copies the body, and does not compare Content-Length with the datagram.
- libre decodes the request URI, the first Via, From, To, CSeq and Content-Type; every other header (Authorization,
  Allow, Supported, Event, Subscription-State…) is kept as a raw name/value view and not validated at all, and its
  UDP receive path does not compare Content-Length with the datagram.

**Timing.**  `clock_gettime(CLOCK_MONOTONIC)` around a loop of N iterations of one message; N is calibrated per
program and message (doubling until a loop lasts 20 ms, which also warms caches and the allocator, then scaled to
the target time).  The script runs, in each round and for each message, the four programs one after the other
(each process calibrates and measures that message once), in a rotating order; the tables give the median over
the rounds, and the "paired by round" ratios compare the numbers of one round, taken seconds apart.  The "corpus mix" is, per round, the mean ns/msg
of the five messages (each message weighted equally), then the median over the rounds; msgs/s is 1e9 divided by
it.  Nothing is pinned (no privileges needed); the machine may be noisy — compare the spread line and the
callgrind table, which is deterministic.

**Instruction counts.**  Each program runs under `valgrind --tool=callgrind --collect-atstart=no
--toggle-collect=bench_measured_loop` with a fixed iteration count (`--iters`) and one message (`--only`), so only
the timed loop is counted; the total divided by the iterations is the instructions per message.

**Build.**  The programs are built by `bench/meson.build`, only when `-Dbenchmarks` allows it and the three
competitor libraries are found.  They use the build's own buildtype: the project default is `debugoptimized`
(-O2 -g); `scripts/bench.sh` uses a separate `build-bench/` with `-Dbuildtype=release` (-O3), which is what we
recommend for any benchmark build.  The competitors are the Debian shared libraries, built by Debian with -O2.
`meson test -C <builddir> --benchmark` runs a quick `--check` and timing pass of each program without the
report.
"""


if __name__ == "__main__":
    sys.stdout.write(main())
