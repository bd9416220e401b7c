#!/usr/bin/env python3
"""Builds the Markdown report of bench/compare.sh from its raw outputs, and its latency plot.

    python3 bench/summarise.py bench/out > bench/out/report.md

Reads OUT/raw/meta.tsv (settings, machine, commands; key TAB value) and the tool outputs of each
server in each round: the main phase's r<round>-<server>-<load>.txt (with -<load>.cpu for the
loads measured with the server's CPU time, and ours' /metrics scrapes around the pipelined load),
the gc phase's r<round>-<server>-gc-* (wrk runs, jstat -gc before and after), the mem phase's
r<round>-<server>-mem.tsv, the scale phase's r<round>-<server>-scale-<load>.txt and .cpu, and the
echo phase's r<round>-<server>-echo-check.txt (the curl check) and -echo-<load>.txt and .cpu (the
phases meta.tsv lists under "phases"; without that key, main, gc and mem). Parses wrk's, ab's and
jstat's text, and prints one table per load with every round, the medians and the ratios
ours/netty and ours/nginx of the medians, then the scale phase's -A 1 against the main phase's
-A N and a model for larger machines computed from them. Writes OUT/latency.dat and
OUT/latency.gp (wrk's latency percentiles of the main phase, medians over the rounds) and runs
gnuplot, when installed, to draw OUT/latency.png. Standard library only; a figure that cannot be
parsed shows as "n/a" and is listed under "Problems", as are failed requests, socket errors,
non-2xx answers and tool exit codes; a load a server does not take shows as "–".
"""

import math
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

# wrk prints times with these units (its format_time); everything is normalised to ms.
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
PERCENTILES = [50.0, 75.0, 90.0, 99.0]  # what wrk --latency prints


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
            if float(value) > 0:
                out["pct"][float(p)] = float(value) * UNIT_MS[unit]
            else:  # wrk's stats_correct can leave samples below the minimum it scans from
                out["errors"].append(f"wrk printed a {p}% latency of {value}{unit}: left out")
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m and any(int(g) for g in m.groups()):
        out["errors"].append(m.group(0))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m and int(m.group(1)):
        out["errors"].append(m.group(0))
    # bench/echo.lua's count of answers that were not a 200 carrying the body sent.
    m = re.search(r"^Echo check: (\d+) answers, (\d+) wrong", text, re.M)
    out["echo_wrong"] = int(m.group(2)) if m else None
    if m and int(m.group(2)):
        out["errors"].append(f"{m.group(0)} (not a 200 carrying the body sent)")
    return out


def parse_ab(text):
    """Requests per second, mean ms per request, percentiles (ms) and error counts."""
    out = {"rps": None, "mean_ms": None, "pct": {}, "errors": [], "requests": None, "duration_s": None}
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
    out["requests"] = int(m.group(1)) if m else None
    m = re.search(r"^Time taken for tests:\s*([\d.]+) seconds", text, re.M)
    out["duration_s"] = float(m.group(1)) if m else None
    m = re.search(r"^Failed requests:\s*(\d+)(.*\n\s*\(.*\))?", text, re.M)
    if m and int(m.group(1)):
        out["errors"].append(" ".join(m.group(0).split()))
    m = re.search(r"^Non-2xx responses:\s*(\d+)", text, re.M)
    if m and int(m.group(1)):
        out["errors"].append(m.group(0).strip())
    return out


def parse_jstat(text):
    """jstat -gc output: {column: float}, empty when it has no header and value line."""
    lines = [ln.split() for ln in text.splitlines() if ln.strip()]
    for i, cols in enumerate(lines[:-1]):
        if "YGC" in cols and len(lines[i + 1]) == len(cols):
            try:
                return dict(zip(cols, map(float, lines[i + 1])))
            except ValueError:
                return {}
    return {}


def metrics_requests(text):
    """Sum of Loopwork's loopwork_requests_total{loop="N"} lines (Prometheus text), or None."""
    values = re.findall(r"^loopwork_requests_total\{[^}]*\}\s+([\d.eE+]+)\s*$", text, re.M)
    return sum(float(v) for v in values) if values else None


def read_tsv(path):
    return dict(line.split("\t", 1) for line in path.read_text().splitlines() if "\t" in line)


def num(kv, key):
    try:
        return float(kv[key])
    except (KeyError, ValueError):
        return None


PHASES = ("main", "gc", "mem", "scale", "echo")  # in the order compare.sh runs them in each round


def takes_part(server, phase):
    """nginx has no JVM heap (no gc phase), no -A to scale (no scale phase) and no echo."""
    return server != "nginx" or phase in ("main", "mem")


class Run:
    """The raw outputs of one server in one phase of one round; first: the run's first start."""

    def __init__(self, raw, rnd, server, phase, ncpu, first=False):
        self.raw, self.rnd, self.server, self.phase, self.ncpu = raw, rnd, server, phase, ncpu
        self.prefix = f"r{rnd}-{server}" + ("" if phase == "main" else f"-{phase}")
        self.problems = []
        self._cache = {}
        # compare.sh leaves -failed.txt when the server did not start: one problem, no figures.
        failed = raw / f"{self.prefix}-failed.txt"
        self.failed = failed.exists()
        if self.failed:
            self.problems.append(f"round {rnd}, {phase} phase: {server} {failed.read_text().strip()}, "
                                 f"no figures (see `{self.prefix}-server.log`)")
        # bin/loopwork builds itself when its sources are newer than its jar: after its first start
        # that means the code changed while the benchmark ran.
        log = raw / f"{self.prefix}-server.log"
        if not first and log.exists() and "loopwork: building" in log.read_text(errors="replace"):
            self.problems.append(f"round {rnd}, {phase} phase: {server} rebuilt itself before starting: "
                                 "its sources changed during the benchmark, so the figures may be of "
                                 "different code")
        # The echo phase measures only after its check POST came back byte for byte.
        self.skip_note = None
        if phase == "echo" and not self.failed:
            check = raw / f"{self.prefix}-check.txt"
            verdict = check.read_text().strip() if check.exists() else "failed: no check was made"
            if verdict.startswith("no-echo"):
                self.skip_note = f"{server} has no /test/echo ({verdict[len('no-echo: '):]})"
            elif not verdict.startswith("ok"):
                self.skip_note = f"{server}'s echo check {verdict}"
                self.problems.append(f"round {rnd}, echo phase: {self.skip_note}, no figures")

    def text(self, load):
        path = self.raw / f"{self.prefix}-{load}.txt"
        if self.failed or self.skip_note:
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
        if load not in self._cache:
            text = self.text(load)
            res = parser(text)
            if text:  # a missing file is reported once, by text()
                self.problems += [f"`{self.prefix}-{load}.txt`: {e}" for e in res["errors"]]
            self._cache[load] = res
        return self._cache[load]

    def cpu(self, load):
        """Of a load measured with the server's CPU time: (requests per server CPU-second, server
        CPU in cores, whole machine's busy CPU in cores)."""
        key = ("cpu", load)
        if key not in self._cache:
            self._cache[key] = self._cpu(load)
        return self._cache[key]

    def _cpu(self, load):
        if self.failed or self.skip_note:
            return None, None, None
        path = self.raw / f"{self.prefix}-{load}.cpu"
        res = self.ab(load) if load.startswith("ab-") else self.wrk(load)
        try:
            kv = read_tsv(path)
            tck = int(kv["clk_tck"])
            cpu_s = (int(kv["ticks_after"]) - int(kv["ticks_before"])) / tck
        except (OSError, KeyError, ValueError):
            self.problems.append(f"`{path.name}` is missing or unreadable")
            return None, None, None
        if "pids_after" in kv:
            self.problems.append(f"`{path.name}`: the server's processes changed during the run "
                                 f"({kv['pids'].strip()} -> {kv['pids_after'].strip()}), its CPU time is off")
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

    def cpu_split(self, load):
        """Of a load measured with the server's CPU time: (user, system) CPU microseconds per
        request, or (None, None) when the .cpu file has no utime/stime (compare.sh before them)."""
        key = ("split", load)
        if key not in self._cache:
            self._cache[key] = self._cpu_split(load)
        return self._cache[key]

    def _cpu_split(self, load):
        requests = self.wrk(load)["requests"]
        if self.failed or not requests:
            return None, None
        try:
            kv = read_tsv(self.raw / f"{self.prefix}-{load}.cpu")
            tck = int(kv["clk_tck"])
            user, sys_ = (int(kv[f"{k}_after"]) - int(kv[f"{k}_before"]) for k in ("utime", "stime"))
        except (OSError, KeyError, ValueError):  # a missing file is reported by cpu()
            return None, None
        return user / tck * 1e6 / requests, sys_ / tck * 1e6 / requests

    def pipeline_check(self):
        """Requests the server counted (its /metrics, less the scrape itself) per request wrk
        counted in the pipelined load: about 1 when wrk counts responses, 16 if it counted
        batches. Slightly above 1: answers still in flight when wrk stopped."""
        if self.failed:
            return None
        before = metrics_requests(self.text("pipeline-metrics-before"))
        after = metrics_requests(self.text("pipeline-metrics-after"))
        wrk = self.wrk("pipeline")["requests"]
        if before is None or after is None or not wrk:
            return None
        return (after - before - 1) / wrk

    def gc(self):
        """The gc phase: {requests, young, full, concurrent, cycles, per_million, pause_ms}."""
        if "gc" not in self._cache:
            self._cache["gc"] = self._gc()
        return self._cache["gc"]

    def _gc(self):
        if self.failed:
            return {}
        requests = 0
        runs = sorted(self.raw.glob(f"{self.prefix}-wrk-*.txt"))
        for path in runs:
            res = self.wrk(path.name[len(self.prefix) + 1:-4])
            requests += res["requests"] or 0
        a = parse_jstat(self.text("jstat-before"))
        b = parse_jstat(self.text("jstat-after"))
        if not runs or not a or not b:
            self.problems.append(f"round {self.rnd}, {self.server}: gc phase incomplete "
                                 f"({len(runs)} wrk runs, jstat before: {bool(a)}, after: {bool(b)})")
            return {}
        out = {"requests": requests}
        for key, col in (("young", "YGC"), ("full", "FGC"), ("concurrent", "CGC")):
            out[key] = b.get(col, 0) - a.get(col, 0) if col in b else None
        out["cycles"] = sum(out[k] or 0 for k in ("young", "full", "concurrent"))
        out["per_million"] = out["cycles"] * 1e6 / requests if requests else None
        out["pause_ms"] = ((b.get("YGCT", 0) + b.get("FGCT", 0)) - (a.get("YGCT", 0) + a.get("FGCT", 0))) * 1000
        try:
            target = int(read_tsv(self.raw / f"{self.prefix}.tsv")["target"])
            if requests < 0.95 * target:
                self.problems.append(f"round {self.rnd}, {self.server}: the gc phase served only "
                                     f"{requests:,} of {target:,} requests")
        except (OSError, KeyError, ValueError):
            pass
        return out

    def mem(self):
        """The mem phase: {opened, established, start, warm, idle, closed (MB), per_conn (B)}."""
        if "mem" not in self._cache:
            self._cache["mem"] = self._mem()
        return self._cache["mem"]

    def _mem(self):
        if self.failed:
            return {}
        path = self.raw / f"{self.prefix}.tsv"
        try:
            kv = read_tsv(path)
        except OSError:
            self.problems.append(f"`{path.name}` is missing")
            return {}
        idle = self.text("idle")
        m = re.search(r"^ready (\d+)", idle, re.M)
        if not m:
            failed = re.search(r"^failed.*$", idle, re.M)
            self.problems.append(f"round {self.rnd}, {self.server}: the idle connections did not open"
                                 + (f": {failed.group(0)}" if failed else ""))
        out = {"opened": int(m.group(1)) if m else None, "established": num(kv, "established")}
        for k in ("start", "warm", "idle", "closed"):
            kb = num(kv, f"rss_{k}_kb")
            out[k] = kb / 1024 if kb else None
        out["per_conn"] = out["heap_per_conn"] = None
        if self.server in JAVA and out["opened"]:
            heap = []
            for when in ("closed", "idle"):
                g = parse_jstat(self.text(f"heap-{when}"))
                cols = ("S0U", "S1U", "EU", "OU")
                heap.append(sum(g[c] for c in cols) if all(c in g for c in cols) else None)
            if None not in heap:
                out["heap_per_conn"] = (heap[1] - heap[0]) * 1024 / out["opened"]
        if out["opened"] and out["idle"] is not None and out["warm"] is not None:
            out["per_conn"] = (out["idle"] - out["warm"]) * 1024 * 1024 / out["opened"]
            if out["established"] is not None and out["established"] < out["opened"]:
                self.problems.append(f"round {self.rnd}, {self.server}: only {out['established']:.0f} of "
                                     f"{out['opened']} idle connections were still established when "
                                     "RSS was read")
        return out

    def warmup_problems(self):
        for path in sorted(self.raw.glob(f"{self.prefix}-warmup*.txt")):
            self.text(path.name[len(self.prefix) + 1:-4])


def wrk_metrics(load, latency=(50.0, 99.0), machine=True):
    """req/s, req per server CPU-s, CPU and latency percentiles of a wrk load with CPU time."""
    metrics = [
        ("req/s", "int", "higher", lambda r: r.wrk(load)["rps"]),
        ("req per server CPU-s", "int", "higher", lambda r: r.cpu(load)[0]),
        ("server CPU (cores)", "f2", "", lambda r: r.cpu(load)[1]),
    ]
    if machine:
        metrics.append(("machine CPU busy (cores)", "f2", "", lambda r: r.cpu(load)[2]))
    for p in latency:
        metrics.append((f"p{p:g} ms", "ms", "lower", lambda r, p=p: r.wrk(load)["pct"].get(p)))
    return metrics


def ab_cpu_metrics(load):
    """Server CPU of an ab load: per connection (one request each), and in cores. Compare.sh runs
    before these were measured left no .cpu file: the figures are then n/a."""
    def per_conn(r):
        rate = r.cpu(load)[0] if (r.raw / f"{r.prefix}-{load}.cpu").exists() else None
        return 1e6 / rate if rate else None
    return [
        ("server CPU µs per connection", "f1", "lower", per_conn),
        ("server CPU (cores)", "f2", "", lambda r: r.cpu(load)[1]
         if (r.raw / f"{r.prefix}-{load}.cpu").exists() else None),
    ]


def echo_metrics(load, size):
    """A wrk load of bench/echo.lua with CPU time: as wrk_metrics, with body MB/s and wrong answers."""
    metrics = wrk_metrics(load)
    metrics.insert(2, ("body MB/s each way", "f1", "higher",
                       lambda r: r.wrk(load)["rps"] * size / 1e6 if r.wrk(load)["rps"] else None))
    metrics.append(("wrong answers", "int", "lower", lambda r: r.wrk(load)["echo_wrong"]))
    return metrics


JAVA = ("ours", "netty")  # the servers that have /test/slow and a JVM heap, and take the scale phase

# Each load: (key, title, phase, command keys in meta.tsv, warm-up key in meta.tsv or None,
# servers that take it (None: all), metrics). Each metric: (label, format, better, extractor[,
# servers]); better is "higher", "lower" or "" (context only); the extractor takes a Run and
# returns a number or None.
LOADS = [
    ("ab-c1", "1. /test/fast, HTTP/1.0, one connection per request, 1 at a time", "main",
     ["ab-c1"], "fast", None, [
         ("req/s", "int", "higher", lambda r: r.ab("ab-c1")["rps"]),
     ] + ab_cpu_metrics("ab-c1")),
    ("ab-c100", "2. /test/fast, HTTP/1.0, one connection per request, 100 at a time", "main",
     ["ab-c100"], "fast", None, [
         ("req/s", "int", "higher", lambda r: r.ab("ab-c100")["rps"]),
         ("p99 ms", "ms", "lower", lambda r: r.ab("ab-c100")["pct"].get(99.0)),
     ] + ab_cpu_metrics("ab-c100")),
    ("wrk-c1", "3. /test/fast, HTTP/1.1 keep-alive, 1 connection", "main",
     ["wrk-c1"], "fast", None, wrk_metrics("wrk-c1")),
    ("wrk-c100", "4. /test/fast, HTTP/1.1 keep-alive, 100 connections", "main",
     ["wrk-c100"], "fast", None, wrk_metrics("wrk-c100")),
    ("wrk-c1000", "5. /test/fast, HTTP/1.1 keep-alive, 1,000 connections", "main",
     ["wrk-c1000"], "fast", None, wrk_metrics("wrk-c1000")),
    ("pipeline", "6. /test/fast, HTTP/1.1 pipelined 16 deep (TechEmpower plaintext style)", "main",
     ["pipeline"], "pipe", None, wrk_metrics("pipeline", latency=()) + [
         ("server/wrk request count", "f2", "", lambda r: r.pipeline_check(), ("ours",)),
     ]),
    ("mixed", "7. /test/slow at 1 connection while wrk -c100 loads /test/fast", "main",
     ["mixed"], "fast", JAVA, [
         ("slow p50 ms", "ms", "lower", lambda r: r.wrk("mixed-slow")["pct"].get(50.0)),
         ("slow p99 ms", "ms", "lower", lambda r: r.wrk("mixed-slow")["pct"].get(99.0)),
         ("fast req/s meanwhile", "int", "higher", lambda r: r.wrk("mixed-fast")["rps"]),
     ]),
    ("slow", "8. /test/slow alone, 1 connection", "main",
     ["slow-ab", "slow-wrk"], "slow", JAVA, [
         ("ab mean ms", "ms", "lower", lambda r: r.ab("slow-ab")["mean_ms"]),
         ("wrk p50 ms", "ms", "lower", lambda r: r.wrk("slow-wrk")["pct"].get(50.0)),
         ("wrk p99 ms", "ms", "lower", lambda r: r.wrk("slow-wrk")["pct"].get(99.0)),
     ]),
    ("gc", "9. GC cycles while serving about 1,000,000 keep-alive requests, heap capped", "gc",
     ["gc"], None, JAVA, [
         ("requests served", "int", "", lambda r: r.gc().get("requests")),
         ("young GCs", "int", "lower", lambda r: r.gc().get("young")),
         ("full GCs", "int", "lower", lambda r: r.gc().get("full")),
         ("concurrent cycles", "int", "lower", lambda r: r.gc().get("concurrent")),
         ("GC cycles per 1M requests", "f1", "lower", lambda r: r.gc().get("per_million")),
         ("GC pause ms", "ms", "lower", lambda r: r.gc().get("pause_ms")),
     ]),
    ("mem", "10. Memory per idle keep-alive connection", "mem",
     ["mem"], None, None, [
         ("idle connections open", "int", "", lambda r: r.mem().get("established")),
         ("RSS after start MB", "f1", "", lambda r: r.mem().get("start")),
         ("RSS after warm-up MB", "f1", "", lambda r: r.mem().get("warm")),
         ("RSS with idle conns MB", "f1", "", lambda r: r.mem().get("idle")),
         ("bytes per idle conn", "int", "lower", lambda r: r.mem().get("per_conn")),
         ("live heap bytes per idle conn", "int", "lower", lambda r: r.mem().get("heap_per_conn"), JAVA),
     ]),
    # The scale phase: loads 4 and 6 again on one accept loop; their Run's prefix has -scale, so
    # the same load names read r<round>-<server>-scale-<load>.txt and .cpu.
    ("scale-wrk-c100", "11. /test/fast, HTTP/1.1 keep-alive, 100 connections, one accept loop (scale phase)",
     "scale", ["wrk-c100"], "fast", JAVA, wrk_metrics("wrk-c100")),
    ("scale-pipeline", "12. /test/fast, HTTP/1.1 pipelined 16 deep, one accept loop (scale phase)",
     "scale", ["pipeline"], "pipe", JAVA, wrk_metrics("pipeline", latency=()) + [
         ("server/wrk request count", "f2", "", lambda r: r.pipeline_check(), ("ours",)),
     ]),
    # Measured in the main phase, after load 2; numbered last so the others keep their numbers.
    ("ab-2x50", "13. /test/fast, HTTP/1.0, one connection per request, 100 at a time from two ab processes "
     "(50 each): one ab holds a core and tops out before the servers do", "main",
     ["ab-2x50"], "fast", None, [
         ("req/s", "int", "higher", lambda r: r.ab("ab-2x50")["rps"]),
     ] + ab_cpu_metrics("ab-2x50")),
    # The echo phase; its Run's prefix has -echo: r<round>-<server>-echo-1k.txt and .cpu.
    ("echo-1k", "14. POST /test/echo, 1 KiB body, HTTP/1.1 keep-alive, 100 connections (echo phase)",
     "echo", ["echo-1k"], "echo-1k", JAVA, echo_metrics("1k", 1024)),
    ("echo-64k", "15. POST /test/echo, 64 KiB body, HTTP/1.1 keep-alive, 100 connections (echo phase)",
     "echo", ["echo-64k"], "echo-64k", JAVA, echo_metrics("64k", 65536)),
]


def fmt(value, kind):
    if value is None:
        return "n/a"
    if kind == "int":
        return f"{round(value):,}"  # round() first: a small negative figure shows as 0, not -0
    if kind == "ms":
        return f"{value:.3f}" if value < 1 else f"{value:.2f}"
    if kind == "f1":
        return f"{value:,.1f}"
    return f"{value:.2f}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def about(value):
    """value to 3 significant digits, for the model's derived figures: 164,201 -> 164,000."""
    return f"{float(f'{value:.3g}'):,.0f}"


def ratio(ours, other):
    return f"{round(ours / other, 2) + 0.0:.2f}" if ours is not None and other else "–"  # + 0.0: no -0.00


NA = object()  # a load or metric the server does not take


def takes(load_servers, metric, server):
    only = metric[4] if len(metric) > 4 else None
    return (load_servers is None or server in load_servers) and (only is None or server in only)


def plot(out, meta, servers, figures):
    """latency.dat and latency.gp from the medians of wrk's percentiles; gnuplot draws latency.png.
    Returns a note for the report."""
    panels = [
        ("wrk-c100", "/test/fast, keep-alive, wrk -c100", None),
        ("wrk-c1000", "/test/fast, keep-alive, wrk -c1000", None),
        ("mixed", f"/test/slow ({meta['slow_ms']} ms of work), 1 connection,\\nwhile wrk -c100 loads /test/fast", JAVA),
    ]
    series = []  # (panel index, server, column)
    header = ["percentile"]
    rows = {p: [f"{p:g}"] for p in PERCENTILES}
    for i, (key, _, only) in enumerate(panels):
        for s in servers:
            if only and s not in only:
                continue
            header.append(f"{key}:{s}")
            series.append((i, s, len(header)))
            for p in PERCENTILES:
                v = median(figures.get(("pct", key, p), {}).get(s, []))
                rows[p].append("?" if v is None else f"{v:.4f}")
    dat = out / "latency.dat"
    with dat.open("w") as f:
        f.write("# wrk --latency percentiles in ms, medians over the rounds; ? = no figure\n")
        f.write("# " + "\t".join(header) + "\n")
        for p in PERCENTILES:
            f.write("\t".join(rows[p]) + "\n")
    colours = {"ours": "#1f77b4", "netty": "#d62728", "nginx": "#2ca02c"}
    # x: "nines" (-log10(1 - p)), which spreads the tail: p50 0.3, p90 1, p99 2. y: log scale, each
    # panel from its own data, with ticks at 1, 2, 3, 5 times the powers of ten inside it.
    nines = "(-log10(1 - $1 / 100.0))"
    xtics = ", ".join(f"'p{p:g}' {-math.log10(1 - p / 100):.4f}" for p in PERCENTILES)
    gp = [
        "# Draws latency.png from latency.dat (both written by bench/summarise.py): cd bench/out && gnuplot latency.gp",
        "set terminal pngcairo size 1500,560 font ',11'" if "pngcairo" in terminals() else "set terminal png size 1500,560",
        "set output 'latency.png'",
        "set datafile missing '?'",
        "set logscale y 10",
        "set format y '%g'",
        "set grid ytics xtics",
        "set ylabel 'latency (ms, log scale)'",
        "set xlabel 'percentile (spaced by nines: p90 to p99 as far as p0 to p90)'",
        f"set xtics ({xtics})",
        "set xrange [0.2:2.1]",
        "set key top left",
        f"set multiplot layout 1,{len(panels)} title 'wrk --latency percentiles, medians of {meta['rounds']} "
        f"round(s), {meta['date'][:16]}, {meta['nproc']} CPUs, servers -A {meta['threads']}' font ',13'",
    ]
    for i, (key, title, _) in enumerate(panels):
        parts = [f"'{dat.name}' using {nines}:{col} with linespoints lw 2 pt 7 lc rgb '{colours.get(s, 'black')}' title '{s}'"
                 for (pi, s, col) in series if pi == i]
        values = [median(figures.get(("pct", key, p), {}).get(s, [])) for (pi, s, _) in series if pi == i
                  for p in PERCENTILES]
        values = [v for v in values if v]
        if values:
            lo, hi = min(values) / 1.6, max(values) * 1.6
            ticks = [m * 10 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
                     for m in (1, 2, 3, 5) if lo <= m * 10 ** e <= hi]
            gp.append(f"set yrange [{lo:.6g}:{hi:.6g}]")
            gp.append("set ytics (" + ", ".join(f"{t:.6g}" for t in ticks) + ")")
        gp.append(f"set title \"{title}\"")
        gp.append("plot " + ", \\\n     ".join(parts) if parts else "plot 0 notitle")
    gp.append("unset multiplot")
    (out / "latency.gp").write_text("\n".join(gp) + "\n")
    png = out / "latency.png"
    png.unlink(missing_ok=True)
    if not shutil.which("gnuplot"):
        return "gnuplot is not installed: no plot (`latency.dat` and `latency.gp` are there)"
    try:
        res = subprocess.run(["gnuplot", "latency.gp"], cwd=out, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"gnuplot failed: {e}"
    if res.returncode != 0 or not png.exists():
        return f"gnuplot failed (exit {res.returncode}): {res.stderr.strip()[:300]}"
    return None


def terminals():
    try:
        res = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True, timeout=30)
        return res.stdout + res.stderr
    except (OSError, subprocess.TimeoutExpired):
        return ""


# Each of our connection contexts owns a 4 KB input and a 4 KB output buffer (README, "No allocation
# while serving"), reserved address space that becomes resident only when touched.
CONTEXT_BUFFER_BYTES = 8192


def scaling(w, meta, servers, runs, rounds, phases):
    """The section "Scaling": the scale phase's -A 1 against the main phase's -A N of the same rounds,
    for ours and netty, then a model for larger machines computed from ours' medians."""
    a1, a2, nproc = meta.get("scale_threads", "1"), meta["threads"], int(meta["nproc"])
    depth = meta.get("pipe_depth", "16")
    loads = (("wrk-c100", "keep-alive, 100 conns"), ("pipeline", f"pipelined {depth} deep"))
    sides = (("scale", a1), ("main", a2))

    def med(s, ph, extract):
        """Median over the rounds of extract(run), None when phase ph did not run for s."""
        if (1, s, ph) not in runs:
            return None
        return median([extract(runs[(rnd, s, ph)]) for rnd in range(1, rounds + 1)])

    def split(load, i):
        return lambda r: r.cpu_split(load)[i]

    def cell(s, ph, value, kind):  # "–": the phase did not run; "n/a": it ran, no figure
        return "–" if (1, s, ph) not in runs else fmt(value, kind)

    w(f"## Scaling: -A {a1} against -A {a2}")
    w()
    w(f"Medians over the rounds. -A {a1}: the scale phase (loads 11 and 12, `-A {a1} -w {a1}`); -A {a2}: "
      f"the main phase of the same rounds (loads 4 and 6, `-A {a2} -w {a2}`). /test/fast never reaches a "
      "worker, so for these loads only the number of event loops differs. -A "
      f"{a2} / -A {a1} is the ratio of the req/s medians. Server CPU µs per request: the increase of the "
      "server's utime (user) or stime (system), /proc/PID/stat fields 14 and 15, over the wrk run, "
      "divided by wrk's request count."
      + ("" if "main" in phases else f" The main phase did not run, so the -A {a2} columns are empty (–).")
      + (" Both sides ran the same number of loops (--threads 1)." if a1 == a2 else ""))
    w()
    w(f"| Server | Load | req/s -A {a1} | req/s -A {a2} | -A {a2} / -A {a1} | req per server CPU-s -A {a1} | "
      f"req per server CPU-s -A {a2} | CPU µs/req -A {a1} user | -A {a1} system | -A {a2} user | -A {a2} system |")
    w("|---|---|" + "---:|" * 9)
    for s in (s for s in servers if s in JAVA):
        for load, label in loads:
            rps = [med(s, ph, lambda r: r.wrk(load)["rps"]) for ph, _ in sides]
            cells = [cell(s, ph, v, "int") for (ph, _), v in zip(sides, rps)]
            cells.append(ratio(rps[1], rps[0]))
            cells += [cell(s, ph, med(s, ph, lambda r: r.cpu(load)[0]), "int") for ph, _ in sides]
            cells += [cell(s, ph, med(s, ph, split(load, i)), "f2") for ph, _ in sides for i in (0, 1)]
            w(f"| {s} | {label} | " + " | ".join(cells) + " |")
    w()

    w("### Model for larger machines")
    w()
    if "ours" not in servers:
        w("Ours was not measured in this run: no model.")
        w()
        return

    def gap(ph):
        """Why ours has no figure from phase ph."""
        return f"the {ph} phase did not run" if ph not in phases else f"ours' {ph} phase gave no such figure"

    def cost(load):
        """(user, system, phase) µs per request of ours: at -A N, else at -A 1."""
        for ph, _ in reversed(sides):
            u, sy = med("ours", ph, split(load, 0)), med("ours", ph, split(load, 1))
            if u is not None and sy is not None:
                return u, sy, ph
        return None

    ka, pipe = cost("wrk-c100"), cost("pipeline")
    w("From ours' medians above; a model to size a larger machine with, not a measurement of one.")
    w()
    if ka is None:
        w("- **Cost per request**: not measured: no user/system CPU time for ours' keep-alive load in this run.")
    else:
        u, sy, ph = ka
        w(f"- **Cost per request**: c = {u + sy:.2f} µs of server CPU per keep-alive request at -A "
          f"{dict(sides)[ph]} ({u:.2f} user + {sy:.2f} system)"
          + ("" if ph == "main" else f", at -A {a1} because {gap('main')}")
          + f"; so one core serves about {about(1e6 / (u + sy))} keep-alive requests/s of this kind"
          + (f" ({pipe[0] + pipe[1]:.2f} µs, about {about(1e6 / (pipe[0] + pipe[1]))}/s, pipelined {depth} deep"
             + ("" if pipe[2] == ph else f" at -A {dict(sides)[pipe[2]]}") + ")"
             if pipe and pipe[0] + pipe[1] > 0 else "") + ".")
    rps = {(load, ph): med("ours", ph, lambda r, load=load: r.wrk(load)["rps"]) for load, _ in loads for ph, _ in sides}
    cores = [med("ours", ph, lambda r: r.cpu("wrk-c100")[1]) for ph, _ in sides]
    line = ("- **Accept loops**: A = cores. Each loop is one thread with its own listening socket "
            "(SO_REUSEPORT), poller and context pool, and shares nothing with the others, so throughput "
            "should grow with A" + (f", about A × {about(1e6 / (ka[0] + ka[1]))} keep-alive requests/s," if ka else "")
            + " until the NIC, the kernel's network stack or the clients bind. ")
    r_ka, r_pipe = (ratio(rps[(load, "main")], rps[(load, "scale")]) for load in ("wrk-c100", "pipeline"))
    if r_ka == "–":
        line += (f"This run measured no -A {a2} / -A {a1} ratio: "
                 + gap("main" if rps[("wrk-c100", "main")] is None else "scale") + ".")
    else:
        line += (f"Here -A {a2} / -A {a1} was {r_ka} keep-alive and {r_pipe} pipelined"
                 + (f" (ours' server CPU: {cores[0]:.2f} cores at -A {a1}, {cores[1]:.2f} at -A {a2})"
                    if None not in cores else "")
                 + f": wrk ran on the same {nproc} cores and takes up to one of them"
                 + (f", which leaves the server {nproc - 1} core{'s' if nproc > 2 else ''}, so this machine "
                    "cannot show the scaling." if nproc <= int(a2) else
                    ", and one wrk thread bounds the load it can offer."))
    w(line)
    d = int(meta["slow_ms"])
    if d > 0:
        w(f"- **Workers**: W ≈ R × D / 1000 (Little's law): each slow request holds a worker D = {d} ms, so a "
          f"worker finishes at most {1000 / d:,.0f} a second, and R slow requests/s keep R × {d} / 1000 workers "
          f"busy (1,000/s: {d:,}), plus headroom for bursts (beyond that, tasks wait in the workers' rings, "
          "then get 503). A task-mode worker does no I/O and waits out D, so W follows the blocking time, "
          "not the number of cores (CPU-bound work would be bounded by the cores instead).")
    per_conn = None
    if (1, "ours", "mem") in runs:
        per_conn = median([runs[(rnd, "ours", "mem")].mem().get("per_conn") for rnd in range(1, rounds + 1)])
    nofile = meta.get("nofile", "?")
    fds = ("the open-files limit, which all loops of the process share (here "
           + (f"{int(nofile):,}: C ≤ {int(nofile):,} / A, less the listeners and the JVM's own files)"
              if nofile.isdigit() else f"{nofile})"))
    kb = CONTEXT_BUFFER_BYTES // 1024
    head = (f"- **Connections**: each context reserves {kb} KB of address space ({kb // 2} KB input + "
            f"{kb // 2} KB output buffer, resident only once touched)")
    if per_conn is None:
        w(head + f": at most {2 ** 30 // CONTEXT_BUFFER_BYTES:,} connections per GB with both buffers touched, "
          f"fewer in practice, but the RSS an idle connection adds besides was not measured: {gap('mem')}. "
          f"C per accept loop (-C) is bounded by that and by {fds}.")
    else:
        total = CONTEXT_BUFFER_BYTES + max(per_conn, 0)
        w(head + f"; the mem phase measured {per_conn:,.0f} B of RSS per idle connection besides (median), so "
          f"a connection takes at most {total / 1024:.1f} KB with both buffers touched: about "
          f"{about(2 ** 30 / total)} per GB of RAM (the kernel's socket memory, not in RSS, comes on top). "
          f"C per accept loop (-C) is bounded by that and by {fds}.")
    w()


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "out")
    raw = out / "raw"
    meta = read_tsv(raw / "meta.tsv")
    servers = meta["servers"].split()
    rounds = int(meta["rounds"])
    ncpu = int(meta["nproc"])
    # The phases that ran, in their order; raw outputs from before compare.sh recorded them had these.
    ran = meta.get("phases", "main gc mem").split()
    phases = tuple(ph for ph in PHASES if ph in ran)
    loads = [load for load in LOADS if load[2] in phases]
    runs = {(rnd, s, ph): Run(raw, rnd, s, ph, ncpu, first=(rnd, ph) == (1, phases[0]))
            for rnd in range(1, rounds + 1) for s in servers for ph in phases if takes_part(s, ph)}

    # figures[(load key, metric label)][server] = [one value per round], or NA
    figures = {}
    for key, _, phase, _, _, load_servers, metrics in loads:
        for metric in metrics:
            label, _, _, extract = metric[:4]
            figures[(key, label)] = {}
            for s in servers:
                if not takes(load_servers, metric, s):
                    figures[(key, label)][s] = NA
                    continue
                values = []
                for rnd in range(1, rounds + 1):
                    run = runs[(rnd, s, phase)]
                    value = extract(run)
                    if value is None and not run.failed and not run.skip_note:
                        run.problems.append(f"round {rnd}, {s}: no figure for load {key}, {label}")
                    values.append(value)
                figures[(key, label)][s] = values
    # Latency percentiles for the plot: the main phase's loads only.
    if "main" in phases:
        for key, load, only in (("wrk-c100", "wrk-c100", None), ("wrk-c1000", "wrk-c1000", None),
                                ("mixed", "mixed-slow", JAVA)):
            for p in PERCENTILES:
                figures[("pct", key, p)] = {
                    s: [runs[(rnd, s, "main")].wrk(load)["pct"].get(p) for rnd in range(1, rounds + 1)]
                    for s in servers if not only or s in only}
    for run in runs.values():
        run.warmup_problems()
    if "main" in phases:
        plot_note = plot(out, meta, servers, figures)
    else:  # an older run's plot must not pass for this one's
        for name in ("latency.png", "latency.dat", "latency.gp"):
            (out / name).unlink(missing_ok=True)
        plot_note = "the main phase did not run in this run, so there is none"

    ratios = [o for o in ("netty", "nginx") if "ours" in servers and o in servers]
    w = print
    w("# Loopwork vs netty-demo and nginx: side-by-side load benchmark")
    w()
    w(f"- Date: {meta['date']}")
    w(f"- Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta.get('mem', '?')} RAM, {meta['kernel']}; "
      f"load average at start {meta.get('loadavg', '?')}; open-files limit {meta.get('nofile', '?')}")
    w(f"- Java: {meta['java']} (`{meta['java_home']}`)" +
      (f"; JAVA_OPTS `{meta['java_opts']}`" if meta.get("java_opts") else ""))
    w(f"- Clients: {meta['wrk']}; {meta['ab']}; Python {sys.version.split()[0]} for the idle "
      "connections. They run on the same machine as the servers, so they take CPU from them.")
    w(f"- nginx: {meta.get('nginx', '?')}" + (f" ({meta['nginx_note']})" if meta.get("nginx_note") else ""))
    dirty = meta.get("git_dirty", "?")
    w(f"- Project commit: {meta['git']}" +
      (f" plus {dirty} uncommitted change(s) in the work tree" if dirty not in ("0", "?") else ""))
    mode = "quick (shortened loads)" if meta["quick"] == "1" else "full"
    count = {1: "one phase", 2: "two phases", 3: "three phases", 4: "four phases", 5: "five phases"}[len(phases)]
    skipped = [ph for ph in phases if not takes_part("nginx", ph)] if "nginx" in servers else []
    w(f"- Rounds: {rounds}, {mode}; in each round {count} ({', '.join(phases)}), and in each phase the "
      f"servers one after the other in this order: {', '.join(servers)}, each in a fresh process"
      + (f" (nginx takes no part in the {' and '.join(skipped)} phase{'s' if len(skipped) > 1 else ''})"
         if skipped else ""))
    w()
    w("## Servers")
    w()
    for s in servers:
        w(f"- {s} (port {meta['port.' + s]}):")
        for ph in phases:
            if f"server.{s}.{ph}" in meta:
                w(f"  - {ph} phase: `{meta[f'server.{s}.{ph}']}`")
        # The first start's log (the main phase's, when it ran) shows the server's own banner.
        log = next((path for ph in phases if (1, s, ph) in runs
                    for path in [raw / f"{runs[(1, s, ph)].prefix}-server.log"] if path.exists()), None)
        if log:
            text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))  # mvn's colours
            lines = [ln for ln in text.splitlines() if ln.strip()][:8]
            if lines:
                w()
                w("  ```")
                for ln in lines:
                    w(f"  {ln}")
                w("  ```")
    w()
    w("Notes on the settings:")
    w()
    w(f"- nginx: `bench/nginx.conf` with {meta['threads']} worker processes (one SO_REUSEPORT socket "
      "each), `location = /test/fast { return 200; }`, keep-alive without a request limit, "
      "access_log off. It has no /test/slow (loads 7 and 8), no JVM heap (load 9), no -A to "
      "scale (loads 11 and 12) and no POST /test/echo (loads 14 and 15). Its answer carries Server, Date, Content-Type and Connection "
      "headers, more bytes than the others'.")
    if "gc" in phases:
        w(f"- gc phase: the JVMs get `-Xmx{meta.get('gc_heap', '64m')}` and `-Xlog:gc` to "
          f"`raw/r<round>-<server>-gc.log`; ours also `-C {meta.get('gc_capacity_ours', '1000')}` "
          "(connections per accept thread): its default -C 100000 preallocates about 90 MB of "
          "connection contexts, more than the capped heap.")
    if "mem" in phases:
        w(f"- mem phase: ours runs with `-C {meta.get('mem_capacity_ours', '60000')}` per accept thread "
          f"so that {meta.get('idle_conns', '?')} idle connections fit; netty and nginx have no such limit"
          + (f". {meta['idle_conns_asked']} idle connections were asked for, but the open-files hard "
             f"limit ({meta['nofile']}) allows at most {meta['idle_conns']} in one process"
             if meta.get("idle_conns_asked") not in (None, meta.get("idle_conns")) else "") + ".")
    if "scale" in phases:
        w(f"- scale phase: ours and netty with `-A {meta.get('scale_threads', '1')} -w "
          f"{meta.get('scale_threads', '1')}`, otherwise as in the main phase, for loads 11 and 12.")
    if "echo" in phases:
        w("- echo phase (loads 14 and 15): ours and netty as in the main phase. Before the loads, "
          f"`{meta.get('cmd.echo-check', 'a curl POST')}` must give the body back byte for byte, else "
          "the server has no figures here. netty's echo streams each piece of the body back as its "
          "decoder hands it over (bench/peers/netty-demo/README.md); ours may read the whole body "
          "before answering, up to --max-body. `bench/echo.lua` compares every answer with the body "
          "sent: \"wrong answers\" counts those that were not a 200 carrying it.")
    w()
    w("## Commands")
    w()
    cpu_loads = ", ".join(n for ph, n in (("main", "1 to 6"), ("scale", "11 and 12"), ("echo", "14 and 15"))
                          if ph in phases)
    w("URL is `http://127.0.0.1:PORT`. Each measured command runs right after its own warm-up, "
      "and under `timeout`."
      + (f" For loads {cpu_loads} the server's utime and stime (summed over its processes: nginx's "
         "master and workers) are read from /proc/PID/stat just before and just after the wrk or ab run."
         if cpu_loads else ""))
    w()
    w("| Load | Warm-up | Measured command |")
    w("|---|---|---|")
    for _, title, _, cmds, warm, _, _ in loads:
        for cmd in cmds:
            warm_cmd = f"`{meta['cmd.warmup-' + warm]}`" if warm else "(in the command)"
            w(f"| {title.split('.')[0]} | {warm_cmd} | `{meta['cmd.' + cmd]}` |")
    w()

    def cell(key, label, s, kind):
        vals = figures[(key, label)][s]
        return "–" if vals is NA else fmt(median(vals), kind)

    def med(key, label, s):
        vals = figures[(key, label)].get(s)
        return None if vals is None or vals is NA else median(vals)

    w("## Summary (medians)")
    w()
    w("| Load | Metric | Better | " + " | ".join(servers + [f"ours/{o}" for o in ratios]) + " |")
    w("|---|---|---|" + "---:|" * (len(servers) + len(ratios)))
    for key, title, _, _, _, _, metrics in loads:
        for label, kind, better, *_ in metrics:
            row = f"| {title.split('.')[0]} | {label} | {better or '(context)'} | "
            row += " | ".join(cell(key, label, s, kind) for s in servers) + " |"
            for o in ratios:
                row += f" {ratio(med(key, label, 'ours'), med(key, label, o))} |"
            w(row)
    skips = list(dict.fromkeys(run.skip_note for run in runs.values() if run.skip_note))
    if skips:
        w()
        w("Echo loads without figures (n/a): " + "; ".join(skips) + ".")
    w()
    w("![latency percentiles](latency.png)" if plot_note is None else f"Latency plot: {plot_note}.")
    w()

    for key, title, phase, _, _, load_servers, metrics in loads:
        w(f"## {title}")
        w()
        present = [s for s in servers if any(figures[(key, m[0])][s] is not NA for m in metrics)]
        head = ["Round", "Server"] + [m[0] for m in metrics]
        w("| " + " | ".join(head) + " |")
        w("|---|---|" + "---:|" * (len(head) - 2))
        for rnd in range(1, rounds + 1):
            for s in present:
                wrong = figures.get((key, "wrong answers"), {}).get(s)
                bad = wrong not in (None, NA) and (wrong[rnd - 1] or 0) > 0
                cells = [f"{rnd} ⚠ wrong answers" if bad else str(rnd), s]
                for label, kind, *_ in metrics:
                    vals = figures[(key, label)][s]
                    cells.append("–" if vals is NA else fmt(vals[rnd - 1], kind))
                w("| " + " | ".join(cells) + " |")
        for s in present:
            w(f"| **median** | **{s}** | " + " | ".join(cell(key, label, s, kind)
                                                     for label, kind, *_ in metrics) + " |")
        for o in ratios:
            if o in present:
                w(f"| **ratio** | **ours/{o}** | " + " | ".join(
                    ratio(med(key, label, "ours"), med(key, label, o)) for label, *_ in metrics) + " |")
        notes = [f"round {rnd}: {runs[(rnd, s, phase)].skip_note}" for rnd in range(1, rounds + 1)
                 for s in present if runs[(rnd, s, phase)].skip_note]
        if notes:
            w()
            w("No figures (n/a) in " + "; ".join(notes) + ".")
        w()

    if "scale" in phases:
        scaling(w, meta, servers, runs, rounds, phases)

    problems = [p for run in runs.values() for p in dict.fromkeys(run.problems)]
    w("## Machine CPU busy just before each server start")
    w()
    w("Measured over 1 s from /proc/stat (all CPUs). Anything well above 0 is other work on the machine, "
      "which takes CPU from the server and the clients.")
    w()
    cols = [(s, ph) for ph in phases for s in servers if takes_part(s, ph)]
    w("| Round | " + " | ".join(f"{s} {ph} %" for s, ph in cols) + " |")
    w("|---|" + "---:|" * len(cols))
    for rnd in range(1, rounds + 1):
        cells = []
        for s, ph in cols:
            path = raw / f"{runs[(rnd, s, ph)].prefix}-busy.txt"
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
    w("- Ratios are ours/other of the medians: above 1 is better for ours where higher is better "
      "(req/s), below 1 where lower is better (latencies, GC cycles, bytes).")
    w("- Req per server CPU-s = the client's request count (wrk's, or ab's complete requests) / (server "
      "utime+stime delta over the run, from "
      f"/proc/PID/stat fields 14 and 15 of each of its processes, in ticks / CLK_TCK={meta['clk_tck']}); "
      "server CPU µs per connection (loads 1 and 2, where ab opens a connection per request) is its "
      "inverse; server CPU (cores) is that CPU time over the client's duration; machine CPU busy "
      "(cores) is the whole machine's non-idle CPU time over the same run (from /proc/stat): server + "
      "client (at most 1 core) should make up all of it, and more means other work ran meanwhile. On 2 "
      "cores the client competes with the server, so for close per request, where ab binds, the "
      "server's CPU per connection is the fairer comparison.")
    w("- Pipelined load: wrk counts the requests in the string `bench/pipeline.lua` returns and then "
      "every response it parses, so its req/s is per response. Checked on ours: "
      "\"server/wrk request count\" is the increase of `loopwork_requests_total` (GET /metrics, "
      "less the scrape itself) over wrk's request count; about 1.00 confirms it (a little above 1: "
      "answers in flight when wrk stopped); 16 would mean wrk counted batches. netty and nginx "
      "expose no counter. wrk's latency percentiles of this load are left out: wrk times a batch "
      "of 16 as one sample, and its coordinated-omission correction (stats_correct, applied to "
      "every run with an interval of duration / (responses / connections)) then works with an "
      "interval 16 times too short; it printed a p99 of 0.00us in some runs.")
    w("- GC: young, full and concurrent cycles are the YGC, FGC and CGC columns of `jstat -gc` "
      "before and after the runs (after the warm-up); GC pause ms is the YGCT+FGCT increase. The "
      "full GC log of each JVM is in `raw/r<round>-<server>-gc.log`.")
    w("- Memory: RSS is VmRSS from /proc/PID/status (summed over nginx's processes); bytes per idle "
      "connection = (RSS with the connections open - RSS after the warm-up) / connections opened. "
      "The kernel's socket buffers are not in RSS. RSS after the connections closed is in "
      "`raw/r<round>-<server>-mem.tsv`. A JVM's RSS also moves with the eden it has touched, live or "
      "not, so it varies from round to round; live heap bytes per idle connection (JVMs only) is "
      "the used heap (S0U+S1U+EU+OU of `jstat -gc`, right after a full GC by `jcmd PID GC.run`) with "
      "the connections open less the same 2 s after they closed, over the connections opened; both "
      "GCs run after the RSS readings they would disturb (a full GC may give heap back to the OS). "
      "Ours keeps its connection buffers off the heap: they show in RSS only.")
    w("- wrk and ab latency figures are from the client; ab's percentiles are whole milliseconds. "
      "wrk 4.1 adds its own coordinated-omission correction to every latency distribution it prints "
      "(the same for every server).")
    w("- Raw outputs: `bench/out/raw/r<round>-<server>[-<phase>]-<load>.txt`, server logs "
      "`...-server.log`; plot data `bench/out/latency.dat`, its gnuplot script `bench/out/latency.gp`.")


if __name__ == "__main__":
    main()
