#!/usr/bin/env bash
# A/B test of two builds or two option sets of this server, side by side on 127.0.0.1: both run at
# once, on two ports, and take turns on each load, round after round, so that the machine's drift
# (10-20% over minutes here) hits both alike. For one change, where bench/compare.sh compares servers.
#
#   bench/ab.sh [--a REV] [--b REV] [--a-opts "OPTIONS"] [--b-opts "OPTIONS"] [--loads LIST]
#               [--rounds N] [--seconds S] [--connections N] [--port-a P] [--port-b P]
#
# --a/--b: a git revision, built in its own worktree under bench/out/ab/ (default: this working
# tree, as bin/loopwork builds it), or "netty" for the netty-demo peer, built as bench/compare.sh
# builds it: the two at once give tighter ratios than compare.sh's servers one after the other.
# --a-opts/--b-opts: server options added to "-A 2 -w 2" (and, for ours, "-C 10000"; e.g. --b-opts
# "--defer-accept 1" with the same build on both sides). --loads, comma-separated:
#   c100      wrk -t1 -c100 -dS /test/fast                      keep-alive
#   pipe      wrk -t1 -c256 -dS -s bench/pipeline.lua -- 16     pipelined 16 deep
#   close100  ab -c 100 -n N /test/fast                         one connection per request
#   close1    ab -c 1 -n N /test/fast
# (default c100,pipe,close100,close1; N is --connections, default 40000; S is --seconds, default 8).
# --rounds: default 5; odd rounds run A first, even rounds B first. Every load is measured with the
# server's CPU (utime+stime from /proc/PID/stat) before and after. Prints each round, then per load
# and side the median req/s, requests per server CPU-second and the server's user-mode CPU µs per
# request (the part the server's own code decides: the kernel's share is most of the rest), B/A of
# the medians, and the median of the rounds' own B/A ratios (the steadier figure when the machine
# drifts). Raw lines go to bench/out/ab/rounds.tsv. Needs wrk and ab (bench/compare.sh installs
# them). Every run is bounded in time, and both servers are stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/out/ab"
rev_a="" rev_b="" opts_a="" opts_b="" loads="c100,pipe,close100,close1"
rounds=5 seconds=8 connections=40000 port_a=9401 port_b=9402

log() { echo "ab.sh: $*" >&2; }
die() { log "$*"; exit 2; }
number() { [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3 && $2 <= $4)) || die "$1 must be in $3..$4, got '$2'"; }
while (($#)); do
  case $1 in
    --a) rev_a=${2:?--a needs a git revision}; shift 2 ;;
    --b) rev_b=${2:?--b needs a git revision}; shift 2 ;;
    --a-opts) opts_a=${2?--a-opts needs options}; shift 2 ;;
    --b-opts) opts_b=${2?--b-opts needs options}; shift 2 ;;
    --loads) loads=${2:?--loads needs a list}; shift 2 ;;
    --rounds) number --rounds "${2:-}" 1 50; rounds=$2; shift 2 ;;
    --seconds) number --seconds "${2:-}" 1 120; seconds=$2; shift 2 ;;
    --connections) number --connections "${2:-}" 100 1000000; connections=$2; shift 2 ;;
    --port-a) number --port-a "${2:-}" 1024 65535; port_a=$2; shift 2 ;;
    --port-b) number --port-b "${2:-}" 1024 65535; port_b=$2; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (--help lists them)" ;;
  esac
done
for load in ${loads//,/ }; do
  [[ $load =~ ^(c100|pipe|close100|close1)$ ]] || die "--loads takes c100, pipe, close100, close1, got '$load'"
done
command -v wrk >/dev/null && command -v ab >/dev/null || die "wrk and ab are needed: bench/compare.sh installs them"

# The peer runs on the JDK bin/loopwork would use; its jar is built here, before either side starts.
if [ "$rev_a" = netty ] || [ "$rev_b" = netty ]; then
  # shellcheck source=bin/jdk.sh
  source "$root/bin/jdk.sh"
  loopwork_find_jdk || exit 2
  # shellcheck source=bench/peer.sh
  source "$root/bench/peer.sh"
  mkdir -p "$out"
  build_peer
fi

# launcher REV: the bin/loopwork that runs REV's build (this tree's when REV is empty), built now;
# "netty" for the peer.
launcher() {
  local dir=$root
  if [ "$1" = netty ]; then
    echo netty
    return
  fi
  if [ -n "$1" ]; then
    local sha
    sha=$(git -C "$root" rev-parse --verify "$1^{commit}") || die "not a git revision: '$1'"
    dir="$out/rev-$sha"
    [ -d "$dir" ] || git -C "$root" worktree add --detach "$dir" "$sha" >&2
  fi
  timeout 900 "$dir/bin/loopwork" --version >&2 || die "the build of '${1:-working tree}' failed"
  echo "$dir/bin/loopwork"
}

mkdir -p "$out"
run_a=$(launcher "$rev_a")
run_b=$(launcher "$rev_b")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
start() { # start LAUNCHER PORT OPTIONS -> pid
  # shellcheck disable=SC2086 # the options are words
  if [ "$1" = netty ]; then "$JAVA_HOME/bin/java" -jar "$peer_jar" -p "$2" -A 2 -w 2 $3 >"$out/server-$2.log" 2>&1 &
  else "$1" -p "$2" -A 2 -w 2 -C 10000 $3 >"$out/server-$2.log" 2>&1 &
  fi
  local pid=$! i
  for i in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$2/test/fast" && { echo "$pid"; return; }
    sleep 0.2
  done
  die "the server on port $2 did not answer within 10 s (see ${out#"$root"/}/server-$2.log)"
}
pid_a=$(start "$run_a" "$port_a" "$opts_a"); pids+=("$pid_a")
pid_b=$(start "$run_b" "$port_b" "$opts_b"); pids+=("$pid_b")
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
user_cpu() { awk '{print $14}' "/proc/$1/stat"; }
ticks=$(getconf CLK_TCK)

# measure LOAD PORT PID -> "requests req/s cpu_ticks user_ticks"
measure() {
  local url="http://127.0.0.1:$2/test/fast" c0 c1 u0 u1 text
  case $1 in
    c100) timeout 60 wrk -t1 -c100 -d3s "$url" >/dev/null ;;
    pipe) timeout 60 wrk -t1 -c256 -d3s -s "$root/bench/pipeline.lua" "$url" -- 16 >/dev/null ;;
    *) timeout 60 ab -q -c "${1#close}" -n 2000 "$url" >/dev/null 2>&1
       sleep 2 ;; # and let TIME_WAIT ports thin out
  esac
  c0=$(cpu "$3") u0=$(user_cpu "$3")
  case $1 in
    c100) text=$(timeout $((seconds + 30)) wrk -t1 -c100 -d"${seconds}s" "$url") ;;
    pipe) text=$(timeout $((seconds + 30)) wrk -t1 -c256 -d"${seconds}s" -s "$root/bench/pipeline.lua" "$url" -- 16) ;;
    close*) text=$(timeout 300 ab -q -c "${1#close}" -n "$connections" "$url" 2>&1) ;;
  esac
  c1=$(cpu "$3") u1=$(user_cpu "$3")
  case $1 in
    close*) echo "$connections $(awk '/Requests per second/ {print $4}' <<<"$text") $((c1 - c0)) $((u1 - u0))" ;;
    *) echo "$(awk '/requests in/ {print $1}' <<<"$text") $(awk '/Requests\/sec/ {print $2}' <<<"$text") $((c1 - c0)) $((u1 - u0))" ;;
  esac
}

printf 'round\tload\tside\trequests\treq_per_s\tcpu_ticks\tuser_ticks\n' >"$out/rounds.tsv"
for round in $(seq "$rounds"); do
  order="A B"; ((round % 2)) || order="B A"
  for load in ${loads//,/ }; do
    for side in $order; do
      if [ "$side" = A ]; then read -r n rate t u < <(measure "$load" "$port_a" "$pid_a")
      else read -r n rate t u < <(measure "$load" "$port_b" "$pid_b"); fi
      [ -n "${rate:-}" ] && [ -n "${u:-}" ] || die "round $round, $load on $side: no result (see ${out#"$root"/}/server-*.log)"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$load" "$side" "$n" "$rate" "$t" "$u" | tee -a "$out/rounds.tsv" >&2
    done
  done
done

echo "A: ${rev_a:-working tree}${opts_a:+ $opts_a}; B: ${rev_b:-working tree}${opts_b:+ $opts_b}; $rounds rounds"
python3 - "$out/rounds.tsv" "$ticks" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
ticks = int(sys.argv[2])
def per_cpu(r):
    t = int(r["cpu_ticks"])
    return int(r["requests"]) * ticks / t if t else float("nan")
def user_us(r):
    return int(r["user_ticks"]) * 1e6 / ticks / int(r["requests"])
print("| load | measure | A median | B median | B/A of medians | median of rounds' B/A |")
print("|---|---|---:|---:|---:|---:|")
for load in dict.fromkeys(r["load"] for r in rows):
    for name, f in (("req/s", lambda r: float(r["req_per_s"])), ("req per server CPU-s", per_cpu),
                    ("server user CPU µs per req", user_us)):
        side = {s: {r["round"]: f(r) for r in rows if r["load"] == load and r["side"] == s} for s in "AB"}
        a, b = statistics.median(side["A"].values()), statistics.median(side["B"].values())
        pairs = statistics.median(side["B"][k] / side["A"][k] for k in side["A"] if k in side["B"])
        digits = 0 if a >= 100 else 3
        print(f"| {load} | {name} | {a:,.{digits}f} | {b:,.{digits}f} | {b / a:.2f} | {pairs:.2f} |")
PY
