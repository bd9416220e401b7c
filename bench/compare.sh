#!/usr/bin/env bash
# Side-by-side load benchmark: Loopwork (bin/loopwork) against the netty-demo reference peer
# (../shared/peers/netty-demo), on 127.0.0.1 only.
#
#   bench/compare.sh [--rounds N] [--quick] [--only ours|netty] [--threads N] [--slow-ms MS]
#                    [--port-ours P] [--port-netty P]
#
# For each round the servers run one after the other (ours, then netty: A B A B ...), each in a
# fresh JVM with the same options (-A N -w N -D MS), and take the same loads, each after a short
# wrk warm-up:
#   ab-c1      ab -n 100000 -c 1   /test/fast   HTTP/1.0, one connection per request -> req/s
#   ab-c100    ab -n 200000 -c 100 /test/fast   same, 100 at a time                -> req/s, p99
#   wrk-c100   wrk -t1 -c100 -d10s /test/fast   keep-alive -> req/s, req per server CPU-second
#   mixed      wrk -c100 on /test/fast in the background while wrk -c1 --latency measures
#              /test/slow                        -> slow p50, p99 under load
#   slow-ab    ab -n 100 -c 1 /test/slow         -> mean ms per request
#   slow-wrk   wrk -t1 -c1 -d8s --latency /test/slow -> p50, p99
# --quick: 1 round and shorter loads. Raw tool outputs go to bench/out/raw/ (wiped at start), the
# Markdown report to bench/out/report.md (built by bench/summarise.py) and to stdout; progress
# goes to stderr. Installs wrk and ab (apt-get) when missing. Every step is bounded in time, and
# the servers are stopped on exit, whatever the exit. A server that does not start in a round
# (e.g. bin/loopwork's build fails) is skipped for that round; the report is still written and
# the exit code is then 1.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
out="$bench/out"
raw="$out/raw"
peer_src=$(cd "$root/.." && pwd)/shared/peers/netty-demo
peer_dir="$out/peers/netty-demo"
peer_jar="$peer_dir/netty-demo.jar"

# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

rounds="" quick=0 only="" threads=2 slow_ms=30 port_ours=9101 port_netty=9102
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --quick) quick=1 ;;
    --only) only=${2:?--only needs ours or netty}; shift ;;
    --threads) threads=${2:?--threads needs a number}; shift ;;
    --slow-ms) slow_ms=${2:?--slow-ms needs a number}; shift ;;
    --port-ours) port_ours=${2:?}; shift ;;
    --port-netty) port_netty=${2:?}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for n in "${rounds:-1}" "$threads" "$slow_ms" "$port_ours" "$port_netty"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: '$n' is not a positive number" >&2; exit 2; }
done
case $only in
  "") servers=(ours netty) ;;
  ours|netty) servers=("$only") ;;
  *) echo "compare.sh: --only takes ours or netty, not '$only'" >&2; exit 2 ;;
esac
[ "$port_ours" != "$port_netty" ] || { echo "compare.sh: the two ports must differ" >&2; exit 2; }

# Load sizes. --quick keeps the shape of every load and only shortens it.
if [ "$quick" = 1 ]; then
  rounds=${rounds:-1}
  ab_c1_n=20000 ab_c100_n=50000 wrk_s=5 mix_fast_s=6 mix_slow_s=4 slow_ab_n=30 slow_wrk_s=4
  warm_s=2
else
  rounds=${rounds:-3}
  ab_c1_n=100000 ab_c100_n=200000 wrk_s=10 mix_fast_s=10 mix_slow_s=8 slow_ab_n=100 slow_wrk_s=8
  warm_s=3
fi
mix_delay_s=1                  # the slow client starts this long after the background fast load
ab_limit_s=600                 # hard bound on one ab run
start_limit_ours_s=900         # bin/loopwork may build itself (mvn) before it listens
start_limit_netty_s=60
stop_limit_s=10                # SIGTERM, then SIGKILL

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
log() { printf '[compare %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

server_pid=""   # the running server's java pid, also its process group (started with setsid)
server_name=""
failures=0      # servers that did not start
client_pid=""   # the client (under timeout) that run() waits for
bg_pid=""       # the background wrk of the mixed load

# Stops whatever is still running; runs on every exit.
cleanup() {
  local rc=$? pid
  for pid in $client_pid $bg_pid; do
    kill "$pid" 2>/dev/null || true # timeout passes the SIGTERM on to its client
    wait "$pid" 2>/dev/null || true
  done
  stop_server
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# True while PID exists and is not a zombie (kill -0 also succeeds on an unreaped child).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# utime + stime of PID, all threads, in clock ticks: fields 14 and 15 of /proc/PID/stat. The
# command name (field 2) may hold spaces, so count the fields after its closing parenthesis.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat") || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat # now $1 is field 3 (state), so fields 14 and 15 are $12 and $13
  echo $(( ${12} + ${13} ))
}

# Percentage of the machine's CPU time that was busy over the next $1 seconds (/proc/stat).
cpu_busy_pct() {
  local a b
  a=$(head -n1 /proc/stat)
  sleep "$1"
  b=$(head -n1 /proc/stat)
  # fields after "cpu": user nice system idle iowait irq softirq steal ...; idle = idle + iowait
  awk -v a="$a" -v b="$b" 'BEGIN {
    n = split(a, x); split(b, y); total = 0
    for (i = 2; i <= 9 && i <= n; i++) total += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.0f\n", (total > 0) ? 100 * (total - idle) / total : 0 }'
}

# "busy total" ticks of the whole machine so far (/proc/stat; busy = all but idle and iowait).
machine_ticks() {
  awk '/^cpu / { t = 0; for (i = 2; i <= 9 && i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat
}

# Pids (one a line) listening on TCP port $1.
listeners() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; }

port_of() { if [ "$1" = ours ]; then echo "$port_ours"; else echo "$port_netty"; fi; }

# server_argv NAME PORT: sets argv to the command that runs server NAME in the foreground.
# "ours" is this function's first branch: change it here if bin/loopwork's options change.
server_argv() {
  case $1 in
    ours) argv=("$root/bin/loopwork" -p "$2" -A "$threads" -w "$threads" -D "$slow_ms") ;;
    netty) argv=("$JAVA_HOME/bin/java" -jar "$peer_jar" -p "$2" -A "$threads" -w "$threads" -D "$slow_ms") ;;
  esac
}

# True when server $1 takes part in this run.
measuring() { [[ " ${servers[*]} " == *" $1 "* ]]; }

# Starts server $1 for round $2 in its own process group and waits until its java process
# listens on the port. bin/loopwork execs java, and setsid execs too (the background child of a
# script is never a group leader), so $! is the java pid; checked below against /proc and ss.
# Returns 1, with the reason in raw/r<round>-<server>-failed.txt, when the server exits or does
# not listen in time (e.g. bin/loopwork's own build fails because its sources changed under us);
# the other rounds and servers go on. A port held by another process stops the whole run.
start_server() {
  local name=$1 round=$2 port limit log deadline other
  port=$(port_of "$name")
  log="$raw/r$round-$name-server.log"
  # An old instance would share the port silently (netty binds with SO_REUSEPORT).
  deadline=$((SECONDS + 15))
  while [ -n "$(listeners "$port")" ] || ss -Hltn "sport = :$port" | grep -q .; do
    [ $SECONDS -lt $deadline ] || die "port $port is in use (pids: $(listeners "$port" | tr '\n' ' ')); stop that process first"
    sleep 0.5
  done
  # Other work on the machine skews every figure: measure it before each start (in the report).
  local busy
  busy=$(cpu_busy_pct 1)
  echo "$busy" >"$raw/r$round-$name-busy.txt"
  [ "$busy" -lt 20 ] || log "warning: the machine was ${busy}% busy before this start; figures will be skewed"
  log "round $round: starting $name on port $port"
  local argv
  server_argv "$name" "$port"
  setsid "${argv[@]}" >"$log" 2>&1 </dev/null &
  server_pid=$! server_name=$name
  if [ "$name" = ours ]; then limit=$start_limit_ours_s; else limit=$start_limit_netty_s; fi
  deadline=$((SECONDS + limit))
  while :; do
    if ! alive "$server_pid"; then
      wait "$server_pid" 2>/dev/null || true
      server_pid=""
      start_failed "$name" "$round" "$log" "exited during start-up"
      return 1
    fi
    if [ "$(cat "/proc/$server_pid/comm" 2>/dev/null)" = java ] && listeners "$port" | grep -qx "$server_pid"; then
      break
    fi
    if [ $SECONDS -ge $deadline ]; then
      stop_server
      start_failed "$name" "$round" "$log" "did not listen on port $port within ${limit}s"
      return 1
    fi
    sleep 0.2
  done
  other=$(listeners "$port" | grep -vx "$server_pid" || true)
  [ -z "$other" ] || die "other processes also listen on port $port: $other"
  log "round $round: $name listening, java pid $server_pid ($(readlink "/proc/$server_pid/exe"))"
}

# start_failed NAME ROUND LOG REASON: notes a server that did not start, for the report.
start_failed() {
  tail -n 15 "$3" >&2
  echo "$4" >"$raw/r$2-$1-failed.txt"
  log "error: round $2: $1 $4 (log: ${3#"$root"/}); going on without it this round"
  failures=$((failures + 1))
}

# SIGTERM to the server's process group, SIGKILL after stop_limit_s.
stop_server() {
  local pid=$server_pid i
  [ -n "$pid" ] || return 0
  server_pid=""
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < stop_limit_s * 10; i++)); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    log "$server_name (pid $pid) ignored SIGTERM for ${stop_limit_s}s: SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# run FILE LIMIT_S CMD...: runs a client with its output in FILE, bounded by LIMIT_S. A failure
# is noted at the end of FILE (the summariser reports it) and does not stop the benchmark.
# The client runs in the background and is waited for, so that Ctrl-C acts at once (bash runs
# a trap during `wait`, but only after a foreground child ends).
run() {
  local file=$1 limit=$2 rc=0
  shift 2
  timeout -k 5 "$limit" "$@" >"$file" 2>&1 &
  client_pid=$!
  wait "$client_pid" || rc=$?
  client_pid=""
  if [ "$rc" != 0 ]; then
    echo "[compare.sh] exit code $rc$([ "$rc" = 124 ] && echo ' (timed out)')" >>"$file"
    log "warning: '$*' exited with code $rc (see ${file#"$root"/})"
  fi
}

# wrk FILE CONNS SECONDS URL [--latency]: one wrk thread, bounded.
run_wrk() {
  local file=$1 conns=$2 secs=$3 url=$4
  shift 4
  run "$file" $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" "$@" "$url"
}

warm_fast() { run_wrk "$1" 100 "$warm_s" "$fast_url"; }
warm_slow() { run_wrk "$1" 4 "$warm_s" "$slow_url"; }

# The loads, on the running server ($server_pid) named $1, round $2.
measure() {
  local name=$1 round=$2 port p before after
  port=$(port_of "$name")
  fast_url="http://127.0.0.1:$port/test/fast"
  slow_url="http://127.0.0.1:$port/test/slow"
  p="$raw/r$round-$name"

  log "round $round: $name: ab -c 1 (close per request)"
  warm_fast "$p-warmup-ab-c1.txt"
  run "$p-ab-c1.txt" "$ab_limit_s" ab -n "$ab_c1_n" -c 1 "$fast_url"

  log "round $round: $name: ab -c 100 (close per request)"
  warm_fast "$p-warmup-ab-c100.txt"
  run "$p-ab-c100.txt" "$ab_limit_s" ab -n "$ab_c100_n" -c 100 "$fast_url"

  log "round $round: $name: wrk -c 100 keep-alive, with server CPU time"
  warm_fast "$p-warmup-wrk-c100.txt"
  local m_before m_after
  m_before=$(machine_ticks)
  before=$(cpu_ticks "$server_pid")
  run_wrk "$p-wrk-c100.txt" 100 "$wrk_s" "$fast_url"
  after=$(cpu_ticks "$server_pid")
  m_after=$(machine_ticks)
  # The machine's busy ticks too: server + wrk should be all of it; more means other work ran.
  {
    printf 'pid\t%s\nticks_before\t%s\nticks_after\t%s\nclk_tck\t%s\n' "$server_pid" "$before" "$after" "$clk_tck"
    printf 'machine_busy_total_before\t%s\nmachine_busy_total_after\t%s\n' "$m_before" "$m_after"
  } >"$p-wrk-c100.cpu"

  log "round $round: $name: /test/slow latency under wrk -c 100 load on /test/fast"
  warm_fast "$p-warmup-mixed.txt"
  timeout -k 5 $((mix_fast_s + 30)) wrk -t1 -c100 -d"${mix_fast_s}s" "$fast_url" >"$p-mixed-fast.txt" 2>&1 &
  bg_pid=$!
  sleep "$mix_delay_s"
  run_wrk "$p-mixed-slow.txt" 1 "$mix_slow_s" "$slow_url" --latency
  local rc=0
  wait "$bg_pid" || rc=$?
  bg_pid=""
  [ "$rc" = 0 ] || echo "[compare.sh] exit code $rc" >>"$p-mixed-fast.txt"

  log "round $round: $name: /test/slow alone"
  warm_slow "$p-warmup-slow-ab.txt"
  run "$p-slow-ab.txt" "$ab_limit_s" ab -n "$slow_ab_n" -c 1 "$slow_url"
  warm_slow "$p-warmup-slow-wrk.txt"
  run_wrk "$p-slow-wrk.txt" 1 "$slow_wrk_s" "$slow_url" --latency

  alive "$server_pid" || log "warning: $name died during round $round (see ${p#"$root"/}-server.log)"
}

# ---------------------------------------------------------------------------------------------
# Preconditions: JDK 25, tools, the peer's jar
# ---------------------------------------------------------------------------------------------
# JAVA_HOME if it is a JDK 25, else the Temurin 25 folder; exported so bin/loopwork uses it too.
find_jdk25() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java.specification.version = //p')
    if [ "$version" = 25 ]; then
      export JAVA_HOME=$candidate
      return 0
    fi
  done
  die "needs a JDK 25: set JAVA_HOME to one (looked at JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/temurin-25-jdk-amd64)"
}

# wrk and ab come from Debian packages; update the package lists only if the install fails.
ensure_tools() {
  local sudo=""
  if ! command -v wrk >/dev/null || ! command -v ab >/dev/null; then
    [ "$(id -u)" = 0 ] || sudo="sudo -n"
    log "installing wrk and apache2-utils (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 $sudo apt-get install -y -q wrk apache2-utils >"$out/apt.log" 2>&1 ||
      { timeout 600 $sudo apt-get update -q >>"$out/apt.log" 2>&1 &&
        timeout 600 $sudo apt-get install -y -q wrk apache2-utils >>"$out/apt.log" 2>&1; } ||
      die "could not install wrk and apache2-utils (see ${out#"$root"/}/apt.log)"
  fi
  local tool
  for tool in wrk ab ss python3 getconf setsid timeout mvn; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed"
  done
}

# Builds the peer's jar when it is missing or older than the peer's sources.
build_peer() {
  [ -d "$peer_src" ] || die "the netty peer is not at $peer_src"
  if [ -f "$peer_jar" ] && [ -z "$(find "$peer_src" \( -name '*.java' -o -name pom.xml \) -newer "$peer_jar" -print -quit)" ]; then
    return 0
  fi
  log "building the netty peer into ${peer_dir#"$root"/}"
  timeout 600 mvn -q -B -f "$peer_src/pom.xml" package -Dpeer.build.dir="$peer_dir" >"$out/peer-build.log" 2>&1 ||
    { tail -n 30 "$out/peer-build.log" >&2; die "the netty peer did not build (see ${out#"$root"/}/peer-build.log)"; }
  [ -f "$peer_jar" ] || die "the peer build made no $peer_jar"
}

mkdir -p "$out"
find_jdk25
ensure_tools
if measuring netty; then build_peer; fi
if measuring ours && [ ! -x "$root/bin/loopwork" ]; then
  die "bin/loopwork is missing (use --only netty to measure the peer alone)"
fi
clk_tck=$(getconf CLK_TCK)

rm -rf "$raw" "$out/report.md"
mkdir -p "$raw"

# ---------------------------------------------------------------------------------------------
# What the report needs besides the raw outputs: settings, machine, commands (key TAB value)
# ---------------------------------------------------------------------------------------------
{
  printf 'date\t%s\n' "$(date '+%Y-%m-%d %H:%M:%S %z')"
  printf 'rounds\t%s\n' "$rounds"
  printf 'quick\t%s\n' "$quick"
  printf 'servers\t%s\n' "${servers[*]}"
  printf 'threads\t%s\n' "$threads"
  printf 'slow_ms\t%s\n' "$slow_ms"
  printf 'nproc\t%s\n' "$(nproc)"
  printf 'cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  printf 'kernel\t%s\n' "$(uname -srm)"
  printf 'java\t%s\n' "$("$JAVA_HOME/bin/java" -version 2>&1 | paste -sd ';' | sed 's/;/; /g')"
  printf 'java_home\t%s\n' "$JAVA_HOME"
  printf 'wrk\t%s\n' "$(wrk -v 2>&1 | head -n1 | sed 's/ Copyright.*//')"
  printf 'ab\t%s\n' "$(ab -V 2>&1 | head -n1 | sed 's/^This is //')"
  printf 'loadavg\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'clk_tck\t%s\n' "$clk_tck"
  printf 'git\t%s\n' "$(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo 'no commit')"
  printf 'port.ours\t%s\nport.netty\t%s\n' "$port_ours" "$port_netty"
  for name in ours netty; do
    server_argv "$name" PORT
    printf 'server.%s\t%s\n' "$name" "$(echo "${argv[*]}" | sed "s|$root/||g")"
  done
  printf 'cmd.warmup-fast\twrk -t1 -c100 -d%ss URL/test/fast\n' "$warm_s"
  printf 'cmd.warmup-slow\twrk -t1 -c4 -d%ss URL/test/slow\n' "$warm_s"
  printf 'cmd.ab-c1\tab -n %s -c 1 URL/test/fast\n' "$ab_c1_n"
  printf 'cmd.ab-c100\tab -n %s -c 100 URL/test/fast\n' "$ab_c100_n"
  printf 'cmd.wrk-c100\twrk -t1 -c100 -d%ss URL/test/fast\n' "$wrk_s"
  printf 'cmd.mixed\twrk -t1 -c100 -d%ss URL/test/fast & sleep %s; ' "$mix_fast_s" "$mix_delay_s"
  printf 'wrk -t1 -c1 -d%ss --latency URL/test/slow; wait\n' "$mix_slow_s"
  printf 'cmd.slow-ab\tab -n %s -c 1 URL/test/slow\n' "$slow_ab_n"
  printf 'cmd.slow-wrk\twrk -t1 -c1 -d%ss --latency URL/test/slow\n' "$slow_wrk_s"
} >"$raw/meta.tsv"

# ---------------------------------------------------------------------------------------------
# The rounds: each server in turn, fresh JVM each time
# ---------------------------------------------------------------------------------------------
log "rounds=$rounds servers=${servers[*]} -A $threads -w $threads -D $slow_ms quick=$quick"
for ((round = 1; round <= rounds; round++)); do
  for name in "${servers[@]}"; do
    start_server "$name" "$round" || continue
    measure "$name" "$round"
    stop_server
  done
done

python3 "$bench/summarise.py" "$out" >"$out/report.md"
log "report: ${out#"$root"/}/report.md, raw outputs: ${raw#"$root"/}/"
cat "$out/report.md"
[ "$failures" = 0 ] || die "$failures server start(s) failed: see Problems in the report"
