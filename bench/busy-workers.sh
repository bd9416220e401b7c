#!/usr/bin/env bash
# /test/async latency while every worker's blocking side is busy: tasks (/test/slow), hand-offs
# (/test/sync) and streams to slow readers (/test/stream) keep the workers working, and a wrk load of
# /test/async measures the connections moved into the workers' loops. They should see -D and little
# more: a worker's blocking work must never stall its loop.
#
#   bench/busy-workers.sh [--rev REV] [--slow-ms MS] [--seconds S] [--port P]
#
# --rev: a git revision, built in its own worktree under bench/out/busy/ (default: this working tree);
# --slow-ms: the server's -D (default 30); --seconds: the measured run (default 10). The server runs
# with -A 2 -w 2 -C 10000 on 127.0.0.1. Prints wrk's latency distribution of /test/async and the
# blocking loads' own counts. Every run is bounded in time, and everything started is stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/out/busy"
rev="" slow=30 seconds=10 port=9403
die() { echo "busy-workers.sh: $*" >&2; exit 2; }
number() { [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3 && $2 <= $4)) || die "$1 must be in $3..$4, got '$2'"; }
while (($#)); do
  case $1 in
    --rev) rev=${2:?--rev needs a git revision}; shift 2 ;;
    --slow-ms) number --slow-ms "${2:-}" 1 10000; slow=$2; shift 2 ;;
    --seconds) number --seconds "${2:-}" 1 300; seconds=$2; shift 2 ;;
    --port) number --port "${2:-}" 1024 65535; port=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (--help lists them)" ;;
  esac
done
command -v wrk >/dev/null && command -v curl >/dev/null || die "wrk and curl are needed (apt-get install wrk curl)"
mkdir -p "$out"
dir=$root
if [ -n "$rev" ]; then
  sha=$(git -C "$root" rev-parse --verify "$rev^{commit}") || die "not a git revision: '$rev'"
  dir="$out/rev-$sha"
  [ -d "$dir" ] || git -C "$root" worktree add --detach "$dir" "$sha" >&2
fi
timeout 900 "$dir/bin/loopwork" --version >&2 || die "the build failed"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
"$dir/bin/loopwork" -p "$port" -A 2 -w 2 -C 10000 -D "$slow" >"$out/server.log" 2>&1 &
pids+=($!)
for i in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/test/fast" && break
  ((i < 50)) || die "the server did not answer within 10 s (see bench/out/busy/server.log)"
  sleep 0.2
done
url="http://127.0.0.1:$port"
busy=$((seconds + 6))
timeout $((busy + 10)) wrk -t1 -c8 -d"${busy}s" "$url/test/slow" >"$out/slow.txt" 2>&1 & pids+=($!)
timeout $((busy + 10)) wrk -t1 -c4 -d"${busy}s" "$url/test/sync" >"$out/sync.txt" 2>&1 & pids+=($!)
for i in 1 2; do # slow readers: a worker's blocking side writes each stream for the whole run
  timeout "$busy" curl -s -o /dev/null --limit-rate 2M "$url/test/stream?bytes=1073741824" & pids+=($!)
done
sleep 3 # the blocking loads reach their pace before the measured run
timeout $((seconds + 30)) wrk -t1 -c50 -d"${seconds}s" --latency "$url/test/async" | tee "$out/async.txt"
wait "${pids[1]}" "${pids[2]}" 2>/dev/null || true
echo "--- blocking loads meanwhile:"
grep -h "requests in\|Non-2xx" "$out/slow.txt" "$out/sync.txt" || true
curl -s "$url/metrics" | grep -E "^loopwork_(worker_handoffs|worker_tasks|queue_timeouts|tasks_refused)_total" || true
