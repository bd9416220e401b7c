#!/usr/bin/env bash
# The scheduler's floor for /test/slow under load: how far past -D any worker-thread server must answer
# on this machine while a fast load saturates it, measured with no server code in the path at all.
#
#   bench/sched-floor.sh [--rounds N] [--samples N] [--slow-ms MS] [--port P]
#
# Builds bench/src/c/sched_floor.c (gcc) into bench/out/, and starts this server (bin/loopwork -A 2 -w 2)
# on 127.0.0.1. Each round runs the prober twice: on the quiet machine, then while wrk -t1 -c100 loads
# /test/fast, the load that bench/compare.sh's mixed phase puts beside /test/slow. The prober hands a
# "task" to a sleeping thread through an eventfd, that thread sleeps --slow-ms and answers through another
# eventfd: the three wake-ups /test/slow's answer crosses, without the server's own loop turns, and in C.
# Its p99 over --slow-ms estimates the floor under any server's /test/slow p99 here, the figure to read
# the target (-D + 2 ms) against. Defaults: 3 rounds, 400 samples (about 13 s per run), 30 ms, port 9431.
# Every run is bounded in time, and the server is stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/out"
rounds=3 samples=400 slow_ms=30 port=9431

log() { echo "sched-floor.sh: $*" >&2; }
die() { log "$*"; exit 2; }
number() { [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3 && $2 <= $4)) || die "$1 must be in $3..$4, got '$2'"; }
while (($#)); do
  case $1 in
    --rounds) number --rounds "${2:-}" 1 20; rounds=$2; shift 2 ;;
    --samples) number --samples "${2:-}" 100 10000; samples=$2; shift 2 ;;
    --slow-ms) number --slow-ms "${2:-}" 1 1000; slow_ms=$2; shift 2 ;;
    --port) number --port "${2:-}" 1024 65535; port=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (--help lists them)" ;;
  esac
done
command -v wrk >/dev/null || die "wrk is needed: bench/compare.sh installs it"
command -v gcc >/dev/null || die "gcc is needed: apt-get install gcc"

mkdir -p "$out"
gcc -O2 -Wall -pthread -o "$out/sched_floor" "$root/bench/src/c/sched_floor.c"

server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
"$root/bin/loopwork" --host 127.0.0.1 -p "$port" -A 2 -w 2 -D "$slow_ms" > "$out/sched-floor-server.log" 2>&1 &
server=$!
url="http://127.0.0.1:$port/test/fast"
for ((i = 0; i < 600; i++)); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
curl -sf -o /dev/null "$url" || die "the server did not start: $out/sched-floor-server.log"
wrk -t1 -c100 -d3s "$url" > /dev/null # warm-up

probe_s=$((samples * (slow_ms + 2) / 1000 + 5)) # the prober's run, with room
for ((round = 1; round <= rounds; round++)); do
  echo "round $round, quiet:"
  timeout $((probe_s + 30)) "$out/sched_floor" "$samples" "$slow_ms" | sed 's/^/  /'
  echo "round $round, under wrk -t1 -c100 on /test/fast:"
  timeout $((probe_s + 30)) wrk -t1 -c100 -d"$((probe_s + 2))"s "$url" > "$out/sched-floor-wrk.txt" &
  load=$!
  sleep 1
  timeout $((probe_s + 30)) "$out/sched_floor" "$samples" "$slow_ms" | sed 's/^/  /'
  wait "$load"
  echo "  load: $(grep Requests/sec "$out/sched-floor-wrk.txt")"
done
