#!/usr/bin/env bash
# RESP: ours (bin/resp) against redis-server, side by side on 127.0.0.1, with redis-benchmark: both run at once
# and take turns on each load, round after round (odd rounds redis-server first), so that the machine's drift hits
# both alike. Medians over the rounds of req/s and of requests per server CPU-second (utime+stime from
# /proc/PID/stat, before and after each run), ours/redis of the medians, and the median of the rounds' own ratios.
#
#   bench/resp.sh [--rounds N] [--clients N] [--keys N] [--pipelined-requests N] [--requests N]
#                 [--resp-opts "OPTIONS"] [--port-redis P] [--port-ours P]
#
# Loads: SET and GET pipelined 16 deep (-P 16, --pipelined-requests each, default 2,000,000) and one at a time
# (-P 1, --requests each, default 200,000), --clients connections (default 50), keys drawn from --keys (-r,
# default 100,000), 3-byte values. --rounds: default 5. redis-server runs without persistence (--save ''
# --appendonly no) on --port-redis (6379); ours on --port-ours (6380) with bin/resp's defaults plus --resp-opts.
# Installs Debian's redis-server and redis-tools when missing (as root, with apt-get). Prints the load average
# before and after. Raw lines go to bench/out/resp/rounds.tsv. Both servers are stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/out/resp"
rounds=5 clients=50 keys=100000 piped=2000000 single=200000 resp_opts="" port_redis=6379 port_ours=6380

log() { echo "resp.sh: $*" >&2; }
die() { log "$*"; exit 2; }
number() { [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3 && $2 <= $4)) || die "$1 must be in $3..$4, got '$2'"; }
while (($#)); do
  case $1 in
    --rounds) number --rounds "${2:-}" 1 50; rounds=$2; shift 2 ;;
    --clients) number --clients "${2:-}" 1 10000; clients=$2; shift 2 ;;
    --keys) number --keys "${2:-}" 1 100000000; keys=$2; shift 2 ;;
    --pipelined-requests) number --pipelined-requests "${2:-}" 1000 100000000; piped=$2; shift 2 ;;
    --requests) number --requests "${2:-}" 1000 100000000; single=$2; shift 2 ;;
    --resp-opts) resp_opts=${2?--resp-opts needs options}; shift 2 ;;
    --port-redis) number --port-redis "${2:-}" 1024 65535; port_redis=$2; shift 2 ;;
    --port-ours) number --port-ours "${2:-}" 1024 65535; port_ours=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (--help lists them)" ;;
  esac
done

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die "redis-server and redis-tools are needed (apt-get install)"
  log "installing redis-server and redis-tools (apt-get) ..."
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q redis-server redis-tools >/dev/null \
    || die "could not install redis-server and redis-tools"
fi

mkdir -p "$out"
redis_pid="" ours_pid=""
stop() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  [ -n "$ours_pid" ] && kill "$ours_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT

redis-server --port "$port_redis" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --logfile "$out/redis-server.log" &
redis_pid=$!
# shellcheck disable=SC2086
"$root/bin/resp" -p "$port_ours" $resp_opts 2>"$out/resp.log" &
ours_pid=$!
for _ in $(seq 1 300); do
  redis-cli -p "$port_redis" ping >/dev/null 2>&1 && redis-cli -p "$port_ours" ping >/dev/null 2>&1 && break
  kill -0 "$ours_pid" 2>/dev/null || die "bin/resp stopped: $(cat "$out/resp.log")"
  sleep 0.2
done
redis-cli -p "$port_ours" ping >/dev/null || die "bin/resp did not answer PING: $(cat "$out/resp.log")"

ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in ticks
# run NAME PID PORT TEST PIPELINE REQUESTS: one redis-benchmark run; prints "req/s cpu-seconds"
run() {
  local before after rps
  before=$(cpu "$2")
  rps=$(timeout 300 redis-benchmark -p "$3" -t "$4" -P "$5" -n "$6" -c "$clients" -r "$keys" -q 2>/dev/null \
    | tr '\r' '\n' | awk '/requests per second/ { print $2 }' | tail -1)
  after=$(cpu "$2")
  [ -n "$rps" ] || die "redis-benchmark against $1 gave no figure"
  awk -v r="$rps" -v t="$((after - before))" -v hz="$ticks" 'BEGIN { printf "%s %.3f\n", r, t / hz }'
}

log "warm-up of ours (the JIT), then $rounds rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run ours "$ours_pid" "$port_ours" set,get 16 "$piped" >/dev/null
run ours "$ours_pid" "$port_ours" set,get 1 "$single" >/dev/null
printf 'round\tload\tserver\treq_per_s\tcpu_s\treq_per_cpu_s\n' >"$out/rounds.tsv"
for round in $(seq 1 "$rounds"); do
  for load in set16 get16 set1 get1; do
    test=${load%%[0-9]*}
    pipeline=${load#"$test"}
    requests=$single
    [ "$pipeline" = 16 ] && requests=$piped
    order="redis ours"
    ((round % 2 == 0)) && order="ours redis"
    for side in $order; do
      if [ "$side" = redis ]; then pid=$redis_pid port=$port_redis; else pid=$ours_pid port=$port_ours; fi
      read -r rps cpus < <(run "$side" "$pid" "$port" "$test" "$pipeline" "$requests")
      per_cpu=$(awk -v n="$requests" -v c="$cpus" 'BEGIN { printf "%.0f", (c > 0 ? n / c : 0) }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$load" "$side" "$rps" "$cpus" "$per_cpu" | tee -a "$out/rounds.tsv" >&2
    done
  done
done
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Medians per load and side; ours/redis of the medians and the median of each round's ratio.
awk -F'\t' 'NR > 1 { rps[$2, $3] = rps[$2, $3] " " $4; per[$2, $3] = per[$2, $3] " " $6; r[$2, $1, $3] = $4; p[$2, $1, $3] = $6
                     loads[$2] = 1; rounds[$1] = 1 }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    printf "%-6s %12s %12s %7s %12s %12s %7s %14s\n", "load", "redis req/s", "ours req/s", "ratio", "redis req/cpu-s", "ours req/cpu-s", "ratio", "round ratios r/c"
    split("set16 get16 set1 get1", order, " ")
    for (k = 1; k <= 4; k++) {
      l = order[k]; if (!(l in loads)) continue
      rr = ""; rp = ""
      for (n in rounds) { rr = rr " " r[l, n, "ours"] / r[l, n, "redis"]; rp = rp " " p[l, n, "ours"] / p[l, n, "redis"] }
      a = median(rps[l, "redis"]); b = median(rps[l, "ours"]); c = median(per[l, "redis"]); d = median(per[l, "ours"])
      printf "%-6s %12.0f %12.0f %7.2f %12.0f %12.0f %7.2f %7.2f/%-6.2f\n", l, a, b, b / a, c, d, d / c, median(rr), median(rp)
    }
  }' "$out/rounds.tsv"
