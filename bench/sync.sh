#!/usr/bin/env bash
# Hand-offs on the workers' own threads against hand-offs on virtual threads (--sync-threads), side by side on
# 127.0.0.1 in the style of bench/ab.sh: two servers of this working tree run at once, A with --sync-threads
# platform and B with --sync-threads virtual (both "-A 2 -w 2 -C 10000 -D MS"), and take turns on each load,
# round after round (odd rounds A first), so that the machine's drift hits both alike.
#
#   bench/sync.sh [--rounds N] [--seconds S] [--slow MS] [--connections LIST] [--groups LIST]
#                 [--port-a P] [--port-b P]
#
# Each round, for each group in LIST (default sync,fast,stream), on each server: sync: for each connection
# count in LIST (default 10,100,500), wrk -t1 -cN -dS --latency --timeout 10s on /test/sync, then on
# /test/async; fast: /test/fast alone (wrk -c100), then /test/fast (-c100) while a /test/sync load (-c100)
# runs beside it; stream: /test/stream?bytes=1048576 at -c50, whose blocking writes wait for wrk to read
# (hand-offs that wait on their peers). The server's CPU (utime+stime from /proc/PID/stat) is taken over each.
# Defaults: 6 rounds of 6 s, -D 30. Prints per load and side the median req/s and p99, B's /test/sync over the
# same server's /test/async (the issue's 0.9 target at 500), /test/fast per server CPU-second net of the sync
# load beside it (its CPU per request as measured alone at -c100), and the load average at start and end. Raw
# lines go to bench/out/sync/rounds.tsv. Needs wrk; every run is bounded in time, and both servers are stopped
# on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/out/sync"
rounds=6 seconds=6 slow=30 conns="10,100,500" groups="sync,fast,stream" port_a=9411 port_b=9412

log() { echo "sync.sh: $*" >&2; }
die() { log "$*"; exit 2; }
number() { [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3 && $2 <= $4)) || die "$1 must be in $3..$4, got '$2'"; }
while (($#)); do
  case $1 in
    --rounds) number --rounds "${2:-}" 1 50; rounds=$2; shift 2 ;;
    --seconds) number --seconds "${2:-}" 1 120; seconds=$2; shift 2 ;;
    --slow) number --slow "${2:-}" 0 10000; slow=$2; shift 2 ;;
    --connections) conns=${2:?--connections needs a list}; shift 2 ;;
    --groups) groups=${2:?--groups needs a list}; shift 2 ;;
    --port-a) number --port-a "${2:-}" 1024 65535; port_a=$2; shift 2 ;;
    --port-b) number --port-b "${2:-}" 1024 65535; port_b=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (--help lists them)" ;;
  esac
done
for c in ${conns//,/ }; do number --connections "$c" 1 10000; done
command -v wrk >/dev/null || die "wrk is needed: bench/compare.sh installs it"

mkdir -p "$out"
timeout 900 "$root/bin/loopwork" --version >&2 || die "the build failed"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
start() { # start PORT KIND -> pid
  "$root/bin/loopwork" -p "$1" -A 2 -w 2 -C 10000 -D "$slow" --sync-threads "$2" >"$out/server-$1.log" 2>&1 &
  local pid=$! i
  for i in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$1/test/fast" && { echo "$pid"; return; }
    sleep 0.2
  done
  die "the server on port $1 did not answer within 10 s (see ${out#"$root"/}/server-$1.log)"
}
pid_a=$(start "$port_a" platform); pids+=("$pid_a")
pid_b=$(start "$port_b" virtual); pids+=("$pid_b")
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# wrk_run CONNECTIONS URL -> "req_per_s p99_ms errors"
wrk_run() {
  local text
  text=$(timeout $((seconds + 40)) wrk -t1 -c"$1" -d"${seconds}s" --latency --timeout 10s "$2" 2>&1) || true
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; return v * 1000 }
    /Requests\/sec/ { rate = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad += $NF }
    /Socket errors/ { gsub(",", ""); bad += $NF }
    END { printf "%s %.1f %d\n", rate, p99, bad }' <<<"$text"
}

# measure LOAD PORT PID -> "req_per_s p99_ms errors cpu_ticks requests_beside"
measure() {
  local url="http://127.0.0.1:$2" c0 c1 result bg beside=0
  case $1 in
    fast) timeout 30 wrk -t1 -c100 -d1s "$url/test/fast" >/dev/null 2>&1 || true
          c0=$(cpu "$3"); result=$(wrk_run 100 "$url/test/fast"); c1=$(cpu "$3") ;;
    fast+sync)
          timeout $((seconds + 40)) wrk -t1 -c100 -d"$((seconds + 2))s" --timeout 10s "$url/test/sync" \
            >"$out/beside.txt" 2>&1 &
          bg=$!
          sleep 1
          c0=$(cpu "$3"); result=$(wrk_run 100 "$url/test/fast"); c1=$(cpu "$3")
          wait "$bg" || true
          # the sync requests served while the fast load ran: its share of the whole run's
          beside=$(awk -v s="$seconds" '/requests in/ {print int($1 * s / (s + 2))}' "$out/beside.txt") ;;
    stream) timeout 30 wrk -t1 -c50 -d1s --timeout 10s "$url/test/stream?bytes=1048576" >/dev/null 2>&1 || true
          c0=$(cpu "$3"); result=$(wrk_run 50 "$url/test/stream?bytes=1048576"); c1=$(cpu "$3") ;;
    *) local n=${1#*@} path=${1%@*}
       timeout 30 wrk -t1 -c"$n" -d1s --timeout 10s "$url/test/$path" >/dev/null 2>&1 || true
       c0=$(cpu "$3"); result=$(wrk_run "$n" "$url/test/$path"); c1=$(cpu "$3") ;;
  esac
  echo "$result $((c1 - c0)) ${beside:-0}"
}

loads=()
for group in ${groups//,/ }; do
  case $group in
    sync) for c in ${conns//,/ }; do loads+=("sync@$c" "async@$c"); done ;;
    fast) loads+=(fast fast+sync) ;;
    stream) loads+=(stream) ;;
    *) die "--groups takes sync, fast, stream, got '$group'" ;;
  esac
done
printf 'round\tload\tside\treq_per_s\tp99_ms\terrors\tcpu_ticks\tbeside\n' >"$out/rounds.tsv"
for round in $(seq "$rounds"); do
  order="A B"; ((round % 2)) || order="B A"
  for load in "${loads[@]}"; do
    for side in $order; do
      if [ "$side" = A ]; then read -r rate p99 bad ticks beside < <(measure "$load" "$port_a" "$pid_a")
      else read -r rate p99 bad ticks beside < <(measure "$load" "$port_b" "$pid_b"); fi
      [ -n "${rate:-}" ] || die "round $round, $load on $side: no result (see ${out#"$root"/}/server-*.log)"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$load" "$side" "$rate" "$p99" "$bad" "$ticks" "$beside" \
        | tee -a "$out/rounds.tsv" >&2
    done
  done
done

echo "A: --sync-threads platform; B: --sync-threads virtual; -A 2 -w 2 -D $slow; $rounds rounds of ${seconds}s"
echo "load average: $load_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at end ($(nproc) CPUs)"
python3 - "$out/rounds.tsv" "$(getconf CLK_TCK)" "$seconds" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
ticks, seconds = int(sys.argv[2]), int(sys.argv[3])
def med(load, side, key, f=float):
    return statistics.median(f(r[key]) for r in rows if r["load"] == load and r["side"] == side)
def per_cpu(load, side):
    return statistics.median(float(r["req_per_s"]) * seconds * ticks / int(r["cpu_ticks"])
                             for r in rows if r["load"] == load and r["side"] == side and int(r["cpu_ticks"]))
print("| load | A req/s | A p99 ms | A errors | B req/s | B p99 ms | B errors | B/A req/s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for load in dict.fromkeys(r["load"] for r in rows):
    a, b = med(load, "A", "req_per_s"), med(load, "B", "req_per_s")
    print(f"| {load} | {a:,.0f} | {med(load, 'A', 'p99_ms'):,.1f} | {med(load, 'A', 'errors'):,.0f} | {b:,.0f} "
          f"| {med(load, 'B', 'p99_ms'):,.1f} | {med(load, 'B', 'errors'):,.0f} | {b / a if a else float('inf'):.2f} |")
if any(r["load"] == "fast" for r in rows):
    print(f"fast alone: /test/fast requests per server CPU-second, A {per_cpu('fast', 'A'):,.0f}, "
          f"B {per_cpu('fast', 'B'):,.0f}")
def sync_ticks_per_request(side):  # the sync load's CPU per request, from the runs of -c100 alone
    runs = [r for r in rows if r["load"] == "sync@100" and r["side"] == side and float(r["req_per_s"])]
    return statistics.median(int(r["cpu_ticks"]) / (float(r["req_per_s"]) * seconds) for r in runs) if runs else None
for side in "AB":
    cost = sync_ticks_per_request(side)
    runs = [r for r in rows if r["load"] == "fast+sync" and r["side"] == side]
    if cost is not None and runs:
        net = [float(r["req_per_s"]) * seconds * ticks / (int(r["cpu_ticks"]) - int(r["beside"]) * cost)
               for r in runs if int(r["cpu_ticks"]) - int(r["beside"]) * cost > 0]
        beside = statistics.median(int(r["beside"]) / seconds for r in runs)
        print(f"{side} fast beside sync (-c100, {beside:,.0f} sync req/s): /test/fast requests per server "
              f"CPU-second net of the sync load's CPU, median {statistics.median(net):,.0f}")
for side in "AB":
    for r in (x for x in dict.fromkeys(r["load"] for r in rows) if x.startswith("sync@")):
        n = r.split("@")[1]
        if any(x["load"] == f"async@{n}" for x in rows):
            ratios = [float(s["req_per_s"]) / float(a["req_per_s"]) for s in rows for a in rows
                      if s["load"] == r and a["load"] == f"async@{n}" and s["side"] == a["side"] == side
                      and s["round"] == a["round"] and float(a["req_per_s"])]
            print(f"{side} /test/sync over /test/async at {n} connections: median of rounds {statistics.median(ratios):.2f}")
PY
