#!/usr/bin/env python3
"""Builds the Markdown report of bench/compare.sh from its raw outputs.

    python3 bench/summarise.py bench/out > bench/out/report.md

Reads OUT/raw/meta.tsv (settings, machine, commands; key TAB value) and the tool outputs
OUT/raw/r<round>-<server>-<load>.txt (plus r<round>-<server>-wrk-c100.cpu), parses wrk's and ab's
text, and prints one table per load with every round, the medians and the ratio ours/netty of
the medians. Standard library only; a figure that cannot be parsed shows as "n/a" and is listed
under "Problems", as are failed requests, socket errors, non-2xx answers and tool exit codes.
"""

import re
import statistics
import sys
from pathlib import Path

# wrk prints times with these units (its format_time); everything is normalised to ms.
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(text):
    """Requests/sec, total requests, duration (s), latency percentiles (ms) and error counts."""
    out = {"rps": None, "requests": None, "duration_s": None, "pct": {}, "errors": []}
    m = re.search(r"^Requests/sec:\s*([\d.]+)", text, re.M)
    if m:
        out["rps"] = float(m.group(1))
    m = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", text, re.M)
    if m:
        out["requests"] = int(m.group(1))
        out["duration_s"] = float(m.group(2)) * UNIT_MS[m.group(3)] / 1000.0
    dist = text.split("Latency Distribution", 1)
    if len(dist) == 2:
        for p, value, unit in re.findall(r"^\s*([\d.]+)%\s+([\d.]+)(us|ms|s|m|h)\s*$", dist[1], re.M):
            out["pct"][float(p)] = float(value) * UNIT_MS[unit]
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m and any(int(g) for g in m.groups()):
        out["errors"].append(m.group(0))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m and int(m.group(1)):
        out["errors"].append(m.group(0))
    return out


def parse_ab(text):
    """Requests per second, mean ms per request, percentiles (ms) and error counts."""
    out = {"rps": None, "mean_ms": None, "pct": {}, "errors": []}
    m = re.search(r"^Requests per second:\s*([\d.]+)", text, re.M)
    if m:
        out["rps"] = float(m.group(1))
    # The first "Time per request" is per request of one client; the second is across clients.
    m = re.search(r"^Time per request:\s*([\d.]+) \[ms\] \(mean\)\s*$", text, re.M)
    if m:
        out["mean_ms"] = float(m.group(1))
    table = text.split("Percentage of the requests served within a certain time (ms)", 1)
    if len(table) == 2:
        for p, value in re.findall(r"^\s*(\d+)%\s+(\d+)", table[1], re.M):
            out["pct"][float(p)] = float(value)
    m = re.search(r"^Complete requests:\s*(\d+)", text, re.M)
    if not m:
        out["errors"].append("no 'Complete requests' line (ab stopped early?)")
    m = re.search(r"^Failed requests:\s*(\d+)(.*\n\s*\(.*\))?", text, re.M)
    if m and int(m.group(1)):
        out["errors"].append(" ".join(m.group(0).split()))
    m = re.search(r"^Non-2xx responses:\s*(\d+)", text, re.M)
    if m and int(m.group(1)):
        out["errors"].append(m.group(0).strip())
    return out


class Run:
    """The raw outputs of one server in one round."""

    def __init__(self, raw, rnd, server, ncpu):
        self.raw, self.prefix, self.ncpu = raw, f"r{rnd}-{server}", ncpu
        self.problems = []
        # compare.sh leaves -failed.txt when the server did not start: one problem, no figures.
        failed = raw / f"{self.prefix}-failed.txt"
        self.failed = failed.exists()
        if self.failed:
            self.problems.append(f"round {rnd}: {server} {failed.read_text().strip()}, no figures "
                                 f"(see `{self.prefix}-server.log`)")
        # bin/loopwork builds itself when its sources are newer than its jar: after round 1 that
        # means the code changed while the benchmark ran.
        log = raw / f"{self.prefix}-server.log"
        if rnd > 1 and log.exists() and "loopwork: building" in log.read_text(errors="replace"):
            self.problems.append(f"round {rnd}: {server} rebuilt itself before starting: its "
                                 "sources changed during the benchmark, so rounds may compare "
                                 "different code")

    def text(self, load):
        path = self.raw / f"{self.prefix}-{load}.txt"
        if self.failed:
            return ""
        if not path.exists():
            self.problems.append(f"`{path.name}` is missing")
            return ""
        text = path.read_text(errors="replace")
        for line in re.findall(r"^\[compare\.sh\] exit code .*$", text, re.M):
            self.problems.append(f"`{path.name}`: {line[len('[compare.sh] '):]}")
        return text

    def wrk(self, load):
        return self._parse(load, parse_wrk)

    def ab(self, load):
        return self._parse(load, parse_ab)

    def _parse(self, load, parser):
        text = self.text(load)
        res = parser(text)
        if text:  # a missing file is reported once, by text()
            self.problems += [f"`{self.prefix}-{load}.txt`: {e}" for e in res["errors"]]
        return res

    def cpu(self):
        """Of the wrk-c100 load: (requests per server CPU-second, server CPU in cores, whole
        machine's busy CPU in cores)."""
        if self.failed:
            return None, None, None
        path = self.raw / f"{self.prefix}-wrk-c100.cpu"
        res = parse_wrk(self.text("wrk-c100"))
        try:
            kv = dict(line.split("\t", 1) for line in path.read_text().splitlines() if "\t" in line)
            tck = int(kv["clk_tck"])
            cpu_s = (int(kv["ticks_after"]) - int(kv["ticks_before"])) / tck
        except (OSError, KeyError, ValueError):
            self.problems.append(f"`{path.name}` is missing or unreadable")
            return None, None, None
        machine = None
        try:
            (b0, t0), (b1, t1) = (map(int, kv[k].split()) for k in
                                  ("machine_busy_total_before", "machine_busy_total_after"))
            if t1 > t0:  # busy share of all CPUs' time, in CPUs
                machine = (b1 - b0) / (t1 - t0) * self.ncpu
        except (KeyError, ValueError):
            pass
        if cpu_s <= 0 or res["requests"] is None or not res["duration_s"]:
            return None, None, machine
        return res["requests"] / cpu_s, cpu_s / res["duration_s"], machine

    def warmup_problems(self):
        for path in sorted(self.raw.glob(f"{self.prefix}-warmup-*.txt")):
            self.text(path.name[len(self.prefix) + 1:-4])


# Each load: (key, title, command keys in meta.tsv, its warm-up ("fast" or "slow"), metrics).
# Each metric: (label, format, better, extractor); better is "higher", "lower" or "" (context
# only); the extractor takes a Run and returns a number or None.
LOADS = [
    ("ab-c1", "1. /test/fast, HTTP/1.0, one connection per request, 1 at a time", ["ab-c1"], "fast", [
        ("req/s", "int", "higher", lambda r: r.ab("ab-c1")["rps"]),
    ]),
    ("ab-c100", "2. /test/fast, HTTP/1.0, one connection per request, 100 at a time", ["ab-c100"], "fast", [
        ("req/s", "int", "higher", lambda r: r.ab("ab-c100")["rps"]),
        ("p99 ms", "ms", "lower", lambda r: r.ab("ab-c100")["pct"].get(99.0)),
    ]),
    ("wrk-c100", "3. /test/fast, HTTP/1.1 keep-alive, 100 connections", ["wrk-c100"], "fast", [
        ("req/s", "int", "higher", lambda r: r.wrk("wrk-c100")["rps"]),
        ("req per server CPU-s", "int", "higher", lambda r: r.cpu()[0]),
        ("server CPU (cores)", "f2", "", lambda r: r.cpu()[1]),
        ("machine CPU busy (cores)", "f2", "", lambda r: r.cpu()[2]),
    ]),
    ("mixed", "4. /test/slow at 1 connection while wrk -c100 loads /test/fast", ["mixed"], "fast", [
        ("slow p50 ms", "ms", "lower", lambda r: r.wrk("mixed-slow")["pct"].get(50.0)),
        ("slow p99 ms", "ms", "lower", lambda r: r.wrk("mixed-slow")["pct"].get(99.0)),
        ("fast req/s meanwhile", "int", "higher", lambda r: r.wrk("mixed-fast")["rps"]),
    ]),
    ("slow", "5. /test/slow alone, 1 connection", ["slow-ab", "slow-wrk"], "slow", [
        ("ab mean ms", "ms", "lower", lambda r: r.ab("slow-ab")["mean_ms"]),
        ("wrk p50 ms", "ms", "lower", lambda r: r.wrk("slow-wrk")["pct"].get(50.0)),
        ("wrk p99 ms", "ms", "lower", lambda r: r.wrk("slow-wrk")["pct"].get(99.0)),
    ]),
]


def fmt(value, kind):
    if value is None:
        return "n/a"
    if kind == "int":
        return f"{value:,.0f}"
    if kind == "ms":
        return f"{value:.3f}" if value < 1 else f"{value:.2f}"
    return f"{value:.2f}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(ours, netty):
    return f"{ours / netty:.2f}" if ours is not None and netty else "–"


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "out")
    raw = out / "raw"
    meta = dict(line.split("\t", 1) for line in (raw / "meta.tsv").read_text().splitlines() if "\t" in line)
    servers = meta["servers"].split()
    rounds = int(meta["rounds"])
    runs = {(rnd, s): Run(raw, rnd, s, int(meta["nproc"])) for rnd in range(1, rounds + 1) for s in servers}

    # figures[(load key, metric label)][server] = [one value per round]
    figures = {}
    for key, _, _, _, metrics in LOADS:
        for label, _, _, extract in metrics:
            figures[(key, label)] = {s: [] for s in servers}
            for s in servers:
                for rnd in range(1, rounds + 1):
                    value = extract(runs[(rnd, s)])
                    if value is None and not runs[(rnd, s)].failed:
                        runs[(rnd, s)].problems.append(f"round {rnd}, {s}: no figure for load {key}, {label}")
                    figures[(key, label)][s].append(value)
    for run in runs.values():
        run.warmup_problems()

    both = servers == ["ours", "netty"]
    w = print
    w("# Loopwork vs netty-demo: side-by-side load benchmark")
    w()
    w(f"- Date: {meta['date']}")
    w(f"- Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['kernel']}; "
      f"load average at start {meta.get('loadavg', '?')}")
    w(f"- Java: {meta['java']} (`{meta['java_home']}`)")
    w(f"- Clients: {meta['wrk']}; {meta['ab']}. They run on the same machine as the servers, "
      "so they take CPU from them.")
    w(f"- Project commit: {meta['git']} (plus any uncommitted work)")
    mode = "quick (shortened loads)" if meta["quick"] == "1" else "full"
    w(f"- Rounds: {rounds}, {mode}; servers in each round, in this order: {', '.join(servers)}; "
      f"each in a fresh JVM with `-A {meta['threads']} -w {meta['threads']} -D {meta['slow_ms']}`")
    w()
    w("## Servers")
    w()
    for s in servers:
        w(f"- {s} (port {meta['port.' + s]}): `{meta['server.' + s]}`")
        log = raw / f"r1-{s}-server.log"
        if log.exists():
            text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))  # mvn's colours
            lines = [ln for ln in text.splitlines() if ln.strip()][:8]
            if lines:
                w()
                w("  ```")
                for ln in lines:
                    w(f"  {ln}")
                w("  ```")
    w()
    w("## Commands")
    w()
    w("URL is `http://127.0.0.1:PORT`. Each measured command runs right after its own warm-up, "
      "and under `timeout`. For load 3 the server's utime+stime is read from /proc/PID/stat "
      "just before and just after the wrk run.")
    w()
    w("| Load | Warm-up | Measured command |")
    w("|---|---|---|")
    for _, title, cmds, warm, _ in LOADS:
        for cmd in cmds:
            w(f"| {title.split('.')[0]} | `{meta['cmd.warmup-' + warm]}` | `{meta['cmd.' + cmd]}` |")
    w()

    w("## Summary (medians)")
    w()
    w("| Load | Metric | Better | " + " | ".join(servers) + (" | ours/netty |" if both else " |"))
    w("|---|---|---|" + "---:|" * len(servers) + ("---:|" if both else ""))
    for key, title, _, _, metrics in LOADS:
        for label, kind, better, _ in metrics:
            meds = {s: median(figures[(key, label)][s]) for s in servers}
            row = f"| {title.split('.')[0]} | {label} | {better or '(context)'} | "
            row += " | ".join(fmt(meds[s], kind) for s in servers)
            row += f" | {ratio(meds['ours'], meds['netty'])} |" if both else " |"
            w(row)
    w()

    for key, title, _, _, metrics in LOADS:
        w(f"## {title}")
        w()
        head = ["Round"] + [f"{s} {label}" for label, _, _, _ in metrics for s in servers]
        w("| " + " | ".join(head) + " |")
        w("|---|" + "---:|" * (len(head) - 1))
        for rnd in range(1, rounds + 1):
            cells = [str(rnd)] + [fmt(figures[(key, label)][s][rnd - 1], kind)
                                  for label, kind, _, _ in metrics for s in servers]
            w("| " + " | ".join(cells) + " |")
        meds = {(label, s): median(figures[(key, label)][s]) for label, _, _, _ in metrics for s in servers}
        w("| **median** | " + " | ".join(fmt(meds[(label, s)], kind)
                                         for label, kind, _, _ in metrics for s in servers) + " |")
        if both:
            cells = []
            for label, _, _, _ in metrics:
                cells += [ratio(meds[(label, "ours")], meds[(label, "netty")]), ""]
            w("| **ours/netty** | " + " | ".join(cells) + " |")
        w()

    problems = [p for run in runs.values() for p in dict.fromkeys(run.problems)]
    w("## Machine CPU busy just before each server start")
    w()
    w("Measured over 1 s from /proc/stat (all CPUs). Anything well above 0 is other work on the machine, "
      "which takes CPU from the server and the clients.")
    w()
    w("| Round | " + " | ".join(f"{s} busy %" for s in servers) + " |")
    w("|---|" + "---:|" * len(servers))
    for rnd in range(1, rounds + 1):
        cells = []
        for s in servers:
            path = raw / f"r{rnd}-{s}-busy.txt"
            cells.append(path.read_text().strip() if path.exists() else "n/a")
        w(f"| {rnd} | " + " | ".join(cells) + " |")
    w()
    w("## Problems")
    w()
    if problems:
        for p in problems:
            w(f"- {p}")
    else:
        w("None: every run finished, without failed requests, socket errors or non-2xx answers.")
    w()
    w("## Notes")
    w()
    w("- Ratios are ours/netty of the medians: above 1 is better for ours where higher is better "
      "(req/s), below 1 where lower is better (latencies).")
    w("- Req per server CPU-s = wrk's request count / (server utime+stime delta over the run, from "
      f"/proc/PID/stat fields 14 and 15, in ticks / CLK_TCK={meta['clk_tck']}); server CPU (cores) "
      "is that CPU time over wrk's duration; machine CPU busy (cores) is the whole machine's "
      "non-idle CPU time over the same run (from /proc/stat): server + wrk (at most 1 core) should "
      "make up all of it, and more means other work ran meanwhile.")
    w("- wrk and ab latency figures are from the client; ab's percentiles are whole milliseconds.")
    w("- Raw outputs: `bench/out/raw/r<round>-<server>-<load>.txt`, server logs `...-server.log`.")


if __name__ == "__main__":
    main()
