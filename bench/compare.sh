#!/usr/bin/env bash
# Side-by-side load benchmark: Loopwork (bin/loopwork) against the netty-demo reference peer
# (bench/peers/netty-demo) and nginx as a native reference, on 127.0.0.1 only.
#
#   bench/compare.sh [--rounds N] [--quick] [--only LIST] [--phases LIST] [--threads N]
#                    [--slow-ms MS] [--idle-conns N] [--gc-requests N] [--wait-quiet S]
#                    [--port-ours P] [--port-netty P] [--port-nginx P]
#
# --only takes a comma-separated subset of ours,netty,nginx (default: all three; nginx is left
# out, with a note, when Debian's nginx cannot be installed). --phases takes a comma-separated
# subset of main,gc,mem,scale,echo (default: all five). Each round runs these phases in that order, and
# in each phase the servers run one after the other (ours, netty, nginx: A B C A B C ...), each in
# a fresh process started for that phase alone:
#
# main phase, with -A N -w N -D MS (nginx: bench/nginx.conf, N workers); each load after its own
# short warm-up; server CPU = utime+stime from /proc/PID/stat (all processes of the server; the
# two are also kept apart, for the user/system split of the scale section):
#   ab-c1      ab -n 100000 -c 1   /test/fast   HTTP/1.0, one connection per request -> req/s,
#   ab-c100    ab -n 200000 -c 100 /test/fast   same, 100 at a time    server CPU per connection, p99
#   ab-2x50    ab -n 100000 -c 50, two at once  same, 100 at a time from two ab processes: one ab
#              holds one core and tops out before the servers do; two may use both cores
#   wrk-c1     wrk -t1 -c1    -d10s --latency /test/fast      keep-alive -> req/s, req per
#   wrk-c100   wrk -t1 -c100  -d10s --latency /test/fast      server CPU-second, latency
#   wrk-c1000  wrk -t1 -c1000 -d10s --latency --timeout 5s /test/fast   (percentiles)
#   pipeline   wrk -t1 -c256  -d10s --latency -s bench/pipeline.lua /test/fast -- 16: 16 requests
#              per write, as TechEmpower's plaintext test -> req/s, req per server CPU-second; on
#              ours the requests counted by wrk are checked against GET /metrics
#   mixed      wrk -c100 on /test/fast in the background while wrk -c1 --latency measures
#              /test/slow                        -> slow p50, p99 under load   (not nginx)
#   slow-ab    ab -n 100 -c 1 /test/slow         -> mean ms per request        (not nginx)
#   slow-wrk   wrk -t1 -c1 -d8s --latency /test/slow -> p50, p99               (not nginx)
# gc phase (ours and netty): the JVM gets -Xmx64m and -Xlog:gc to a file (ours at -C 100000, its
#   default, which fits as contexts are made as connections come); after a warm-up, wrk -t1 -c100 runs until
#   about --gc-requests (1,000,000) keep-alive requests are served (runs sized from the measured
#   rate); GC cycles = the YGC, FGC and CGC columns of jstat -gc before and after.
# mem phase: RSS (VmRSS, summed over the server's processes) after start, after a warm-up, and
#   with --idle-conns (20,000; at most the fd hard limit less 1,000) idle keep-alive connections
#   open, each after one request (bench/idle_conns.py, source addresses 127.0.0.2-9); reports
#   (RSS with them - RSS after warm-up) / connections; for the JVMs also the live heap (after a
#   full GC: jcmd GC.run; jstat -gc) with them less after they closed, per connection. Ours runs
#   with -C 60000 here.
# scale phase (ours and netty): the servers run with -A 1 -w 1 -D MS, one event loop, and the main
#   phase's wrk-c100 and pipeline loads run again, each after its own warm-up, with the server's
#   CPU time. The report sets them against the main phase's -A N figures of the same round (req/s,
#   req per server CPU-second, user and system CPU per request) and derives from them a model of
#   how accept loops, workers and connections scale on larger machines. nginx takes no part: its
#   worker count is in bench/nginx.conf, and the question is how our -A scales. Without the main
#   phase (e.g. --phases scale) the report has the -A 1 side only.
# echo phase (ours and netty; nginx has no echo): the servers run as in the main phase, and a first
#   curl POST of a 64 KiB random body to /test/echo must come back byte for byte (a server that
#   answers it 404 or 405 has no /test/echo: reported so, with no figures); then, each after its
#   own warm-up, with the server's CPU time:
#   echo-1k    wrk -t1 -c100 -d10s --latency -s bench/echo.lua URL/test/echo -- 1024
#   echo-64k   the same with 65536: POSTs of a fixed 1 KiB / 64 KiB body, keep-alive -> req/s, req
#              per server CPU-second, body MB/s, p50/p99; echo.lua counts every answer that is not
#              a 200 carrying the body sent, and the report shows that count as errors.
#
# --quick: 1 round and shorter loads (the gc phase still serves --gc-requests). --wait-quiet S:
# before starting, wait up to S seconds for the machine to be less than 20% busy. Raw tool outputs
# go to bench/out/raw/ (wiped at start), the Markdown report to bench/out/report.md and the
# latency plot to bench/out/latency.png (both built by bench/summarise.py; the plot needs gnuplot)
# and the report to stdout; progress goes to stderr. Installs wrk, ab, nginx and gnuplot (apt-get)
# when missing. Every step is bounded in time, and the servers are stopped on exit, whatever the
# exit. A server that does not start in a phase (e.g. bin/loopwork's build fails) is skipped
# there; the report is still written and the exit code is then 1.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
out="$bench/out"
raw="$out/raw"
nginx_dir="$out/nginx"   # nginx's prefix: its conf, logs, pid and temp files, nothing outside

# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

rounds="" quick=0 only="" phases_opt="" threads=2 slow_ms=30 port_ours=9101 port_netty=9102 port_nginx=9103
idle_conns=20000 gc_requests=1000000 wait_quiet=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --quick) quick=1 ;;
    --only) only=${2:?--only needs a list such as ours,netty}; shift ;;
    --phases) phases_opt=${2:?--phases needs a list such as main,scale}; shift ;;
    --threads) threads=${2:?--threads needs a number}; shift ;;
    --slow-ms) slow_ms=${2:?--slow-ms needs a number}; shift ;;
    --idle-conns) idle_conns=${2:?--idle-conns needs a number}; shift ;;
    --gc-requests) gc_requests=${2:?--gc-requests needs a number}; shift ;;
    --wait-quiet) wait_quiet=${2:?--wait-quiet needs seconds}; shift ;;
    --port-ours) port_ours=${2:?}; shift ;;
    --port-netty) port_netty=${2:?}; shift ;;
    --port-nginx) port_nginx=${2:?}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for n in "${rounds:-1}" "$threads" "$slow_ms" "$port_ours" "$port_netty" "$port_nginx" "$idle_conns" "$gc_requests"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: '$n' is not a positive number" >&2; exit 2; }
done
[[ $wait_quiet =~ ^[0-9]+$ ]] || { echo "compare.sh: --wait-quiet takes seconds, not '$wait_quiet'" >&2; exit 2; }
servers=()
for name in ${only//,/ }; do
  case $name in
    ours|netty|nginx) [[ " ${servers[*]} " == *" $name "* ]] || servers+=("$name") ;;
    *) echo "compare.sh: --only takes ours, netty and/or nginx (comma-separated), not '$name'" >&2; exit 2 ;;
  esac
done
[ ${#servers[@]} -gt 0 ] || servers=(ours netty nginx)
# The phases always run in this order, whatever the order asked for: scale is set against the
# main phase of the same round, and the gc phase sizes its runs from main's wrk-c100 rate.
for name in ${phases_opt//,/ }; do
  case $name in
    main|gc|mem|scale|echo) ;;
    *) echo "compare.sh: --phases takes main, gc, mem, scale and/or echo (comma-separated), not '$name'" >&2; exit 2 ;;
  esac
done
phases=()
for name in main gc mem scale echo; do
  [ -n "$phases_opt" ] && [[ ",$phases_opt," != *",$name,"* ]] || phases+=("$name")
done
[ ${#phases[@]} -gt 0 ] || { echo "compare.sh: --phases '$phases_opt' names no phase" >&2; exit 2; }
# e.g. --only nginx --phases gc,scale: nothing would run, and the report would be empty.
[ " ${servers[*]} " != " nginx " ] || [[ " ${phases[*]} " == *" main "* ]] || [[ " ${phases[*]} " == *" mem "* ]] ||
  { echo "compare.sh: nginx takes part only in the main and mem phases, not in: ${phases[*]}" >&2; exit 2; }
[ "$(printf '%s\n' "$port_ours" "$port_netty" "$port_nginx" | sort -u | wc -l)" = 3 ] ||
  { echo "compare.sh: the three ports must differ" >&2; exit 2; }

# Load sizes. --quick keeps the shape of every load and only shortens it.
if [ "$quick" = 1 ]; then
  rounds=${rounds:-1}
  ab_c1_n=20000 ab_c100_n=50000 wrk_s=5 mix_fast_s=6 mix_slow_s=4 slow_ab_n=30 slow_wrk_s=4
  warm_s=2 idle_settle_s=3
else
  rounds=${rounds:-3}
  ab_c1_n=100000 ab_c100_n=200000 wrk_s=10 mix_fast_s=10 mix_slow_s=8 slow_ab_n=100 slow_wrk_s=8
  warm_s=3 idle_settle_s=5
fi
pipe_conns=256 pipe_depth=16    # TechEmpower's plaintext test: 16 deep, from 256 connections up
wrk_c1000_timeout=5s
gc_heap=64m gc_capacity_ours=100000 mem_capacity_ours=60000
gc_max_runs=5 gc_run_max_s=120  # the gc phase's wrk runs: at most this many, each at most this long
mix_delay_s=1                  # the slow client starts this long after the background fast load
ab_limit_s=600                 # hard bound on one ab run
idle_open_limit_s=120          # bound on opening the idle connections
start_limit_ours_s=900         # bin/loopwork may build itself (mvn) before it listens
start_limit_other_s=60
stop_limit_s=10                # SIGTERM, then SIGKILL
scale_threads=1                # the scale phase's -A and -w: one event loop, against main's -A N

# Many connections at once (wrk -c1000, the idle connections, the servers' side of them): raise the
# open-files limit to the hard limit, for this script and every server and client it starts. Only
# a process with CAP_SYS_RESOURCE may go above the hard limit, so that caps --idle-conns.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
idle_conns_asked=$idle_conns
if [ "$nofile" != unlimited ] && [ "$idle_conns" -gt $((nofile - 1000)) ]; then
  idle_conns=$((nofile - 1000))
  echo "compare.sh: the open-files hard limit is $nofile: --idle-conns $idle_conns_asked lowered to $idle_conns" >&2
  [ "$idle_conns" -gt 0 ] || { echo "compare.sh: the open-files limit ($nofile) is too low" >&2; exit 2; }
fi

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
log() { printf '[compare %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=bench/peer.sh
source "$bench/peer.sh"

server_pid=""   # the running server's main pid (java, or nginx's master), also its process group
server_name=""
failures=0      # server starts that failed
client_pid=""   # the client (under timeout) that run() waits for
bg_pid=""       # the background wrk of the mixed load, or the idle-connection client

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

# The running server's processes, one a line: its process group (the server was started with
# setsid, so its pid is the group's id). One java process, or nginx's master and its workers.
server_pids() { [ -z "$server_pid" ] || { pgrep -g "$server_pid" || true; } | sort -n; }

# "utime stime" of PID, all threads, in clock ticks: fields 14 and 15 of /proc/PID/stat. The
# command name (field 2) may hold spaces, so count the fields after its closing parenthesis.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat") || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat # now $1 is field 3 (state), so fields 14 and 15 are $12 and $13
  echo "${12} ${13}"
}

# "total utime stime" of all the server's processes, in clock ticks (total = utime + stime), from
# one reading of each process, so that the split adds up to the total exactly.
server_ticks() {
  local pid user=0 sys=0 t
  for pid in $(server_pids); do
    t=$(cpu_ticks "$pid" 2>/dev/null) || continue
    user=$((user + ${t% *})) sys=$((sys + ${t#* }))
  done
  echo "$((user + sys)) $user $sys"
}

# VmRSS of all the server's processes, in kB (shared pages of nginx's processes count once each).
server_rss_kb() {
  local pid sum=0 kb
  for pid in $(server_pids); do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
    sum=$((sum + ${kb:-0}))
  done
  echo "$sum"
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

port_of() {
  case $1 in ours) echo "$port_ours" ;; netty) echo "$port_netty" ;; nginx) echo "$port_nginx" ;; esac
}

# True when server $1 takes part in phase $2: nginx has no JVM heap (no gc phase), its worker
# count is in bench/nginx.conf, not an -A to scale (no scale phase), and it has no echo.
takes_part() { [ "$1" != nginx ] || [ "$2" = main ] || [ "$2" = mem ]; }

# server_argv NAME PORT PHASE [GCLOG]: sets argv to the command that runs server NAME in the
# foreground for PHASE (main, gc, mem or scale). "ours" is the first branch: change it here if
# bin/loopwork's options change. The gc phase caps the heap and logs every collection to GCLOG;
# the scale phase runs one accept loop and one worker, and is otherwise main's.
server_argv() {
  local name=$1 port=$2 phase=$3 gclog=${4:-GCLOG}
  local common=(-p "$port" -A "$threads" -w "$threads" -D "$slow_ms")
  local scale=(-p "$port" -A "$scale_threads" -w "$scale_threads" -D "$slow_ms")
  case $name:$phase in
    ours:main|ours:echo) argv=("$root/bin/loopwork" "${common[@]}") ;;
    ours:gc) argv=(env "JAVA_OPTS=${JAVA_OPTS:+$JAVA_OPTS }-Xmx$gc_heap -Xlog:gc:file=$gclog"
                   "$root/bin/loopwork" "${common[@]}" -C "$gc_capacity_ours") ;;
    ours:mem) argv=("$root/bin/loopwork" "${common[@]}" -C "$mem_capacity_ours") ;;
    ours:scale) argv=("$root/bin/loopwork" "${scale[@]}") ;;
    netty:main|netty:mem|netty:echo) argv=("$JAVA_HOME/bin/java" -jar "$peer_jar" "${common[@]}") ;;
    netty:gc) argv=("$JAVA_HOME/bin/java" "-Xmx$gc_heap" "-Xlog:gc:file=$gclog" -jar "$peer_jar" "${common[@]}") ;;
    netty:scale) argv=("$JAVA_HOME/bin/java" -jar "$peer_jar" "${scale[@]}") ;;
    nginx:*) argv=(nginx -p "$nginx_dir" -e "$nginx_dir/logs/error.log" -c conf/nginx.conf) ;;
  esac
}

# True when server $1 takes part in this run.
measuring() { [[ " ${servers[*]} " == *" $1 "* ]]; }

# Starts server $1 for phase $3 of round $2 in its own process group and waits until it listens
# on the port. bin/loopwork execs java, env and setsid exec too (the background child of a
# script is never a group leader), so $! is the java pid, or nginx's master; checked below
# against /proc and ss. Returns 1, with the reason in raw/r<round>-<server>[-<phase>]-failed.txt,
# when the server exits or does not listen in time (e.g. bin/loopwork's own build fails because
# its sources changed under us); the other rounds and servers go on. A port held by another
# process stops the whole run.
start_server() {
  local name=$1 round=$2 phase=$3 port limit log deadline other tag comm
  port=$(port_of "$name")
  tag=$(tag_of "$name" "$round" "$phase")
  log="$raw/$tag-server.log"
  # An old instance would share the port silently (netty and nginx bind with SO_REUSEPORT).
  deadline=$((SECONDS + 15))
  while [ -n "$(listeners "$port")" ] || ss -Hltn "sport = :$port" | grep -q .; do
    [ $SECONDS -lt $deadline ] || die "port $port is in use (pids: $(listeners "$port" | tr '\n' ' ')); stop that process first"
    sleep 0.5
  done
  # Other work on the machine skews every figure: measure it before each start (in the report).
  local busy
  busy=$(cpu_busy_pct 1)
  echo "$busy" >"$raw/$tag-busy.txt"
  [ "$busy" -lt 20 ] || log "warning: the machine was ${busy}% busy before this start; figures will be skewed"
  log "round $round, $phase phase: starting $name on port $port"
  local argv
  server_argv "$name" "$port" "$phase" "$raw/r$round-$name-gc.log"
  setsid "${argv[@]}" >"$log" 2>&1 </dev/null &
  server_pid=$! server_name=$name
  if [ "$name" = ours ]; then limit=$start_limit_ours_s; else limit=$start_limit_other_s; fi
  if [ "$name" = nginx ]; then comm=nginx; else comm=java; fi
  deadline=$((SECONDS + limit))
  while :; do
    if ! alive "$server_pid"; then
      wait "$server_pid" 2>/dev/null || true
      server_pid=""
      start_failed "$tag" "$log" "exited during start-up"
      return 1
    fi
    if [ "$(cat "/proc/$server_pid/comm" 2>/dev/null)" = "$comm" ] && listeners "$port" | grep -qx "$server_pid"; then
      break
    fi
    if [ $SECONDS -ge $deadline ]; then
      stop_server
      start_failed "$tag" "$log" "did not listen on port $port within ${limit}s"
      return 1
    fi
    sleep 0.2
  done
  # Every listener must be one of the server's own processes (nginx's workers share the sockets).
  other=$(listeners "$port" | grep -vxF -f <(server_pids) || true)
  [ -z "$other" ] || die "other processes also listen on port $port: $other"
  log "round $round: $name listening, pid $server_pid ($(readlink "/proc/$server_pid/exe")), processes: $(server_pids | tr '\n' ' ')"
}

# tag_of NAME ROUND PHASE: the raw files' prefix: r<round>-<name> for the main phase,
# r<round>-<name>-<phase> for the others.
tag_of() { if [ "$3" = main ]; then echo "r$2-$1"; else echo "r$2-$1-$3"; fi; }

# start_failed TAG LOG REASON: notes a server that did not start, for the report.
start_failed() {
  tail -n 15 "$2" >&2
  echo "$3" >"$raw/$1-failed.txt"
  log "error: $1: $server_name $3 (log: ${2#"$root"/}); going on without it there"
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

# run_ab_pair FILE LIMIT N URL: two ab processes of N/2 connections, 50 at a time each, started
# together. FILE gets an ab-like summary of both (requests, the pair's wall time, their rate over it,
# failed requests), then each one's own output, as summarise.py reads it.
run_ab_pair() {
  local file=$1 limit=$2 n=$3 url=$4 t0 t1 first
  t0=$(date +%s.%N)
  run "$file.1" "$limit" ab -n $((n / 2)) -c 50 "$url" &
  first=$!
  run "$file.2" "$limit" ab -n $((n / 2)) -c 50 "$url"
  wait "$first"
  t1=$(date +%s.%N)
  python3 - "$file" "$t0" "$t1" <<'PY'
import re, sys
name, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
parts = [open(f"{name}.{i}").read() for i in (1, 2)]
def count(label, text):
    m = re.search(rf"^{label}:\s*(\d+)", text, re.M)
    return int(m.group(1)) if m else None
done = [count("Complete requests", p) for p in parts]
failed = sum(count("Failed requests", p) or 0 for p in parts)
with open(name, "w") as out:
    if None not in done:  # else summarise.py reports the missing line
        out.write(f"Complete requests:      {sum(done)}\n"
                  f"Time taken for tests:   {t1 - t0:.3f} seconds\n"
                  f"Requests per second:    {sum(done) / (t1 - t0):.2f} [#/sec] (mean)\n")
    out.write(f"Failed requests:        {failed}\n")
    for i, p in enumerate(parts, 1):
        out.write(f"\n---- ab {i} of 2 ----\n{p}")
PY
  rm -f "$file.1" "$file.2"
}

# run_wrk FILE CONNS SECONDS URL [wrk options] [-- script arguments]: one wrk thread, bounded.
run_wrk() {
  local file=$1 conns=$2 secs=$3 url=$4 opts=() args=()
  shift 4
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -eq 0 ] || args=("$@") # "--" and the script's arguments, after the URL
  run "$file" $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" "${opts[@]}" "$url" "${args[@]}"
}

pipe_opts=(-s "$bench/pipeline.lua")
warm_fast() { run_wrk "$1" 100 "$warm_s" "$fast_url"; }
warm_slow() { run_wrk "$1" 4 "$warm_s" "$slow_url"; }
warm_pipe() { run_wrk "$1" "$pipe_conns" "$warm_s" "$fast_url" "${pipe_opts[@]}" -- "$pipe_depth"; }

# Requests counted by wrk in FILE (its "N requests in" line), 0 when there is none.
wrk_requests() { sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$1" | head -n1 | grep . || echo 0; }

# Requests/sec in wrk's output FILE, as an integer, 0 when there is none.
wrk_rate() { sed -n 's/^Requests\/sec: *\([0-9]*\).*/\1/p' "$1" | head -n1 | grep . || echo 0; }

# Our server's GET /metrics, into FILE (its loopwork_requests_total lines count every request).
scrape_metrics() { run "$1" 10 curl -sS -m 5 "http://127.0.0.1:$2/metrics"; }

# measure_cpu P LOAD CMD...: runs the measured client CMD of LOAD (after its warm-up; its output
# in P-LOAD.txt) with the server's CPU time (utime+stime, and each apart) and the machine's busy
# time around it, in P-LOAD.cpu. CMD is run_wrk's or run's arguments after the file.
measure_cpu() {
  local p=$1 load=$2 before after ut_before ut_after st_before st_after m_before m_after pids
  shift 2
  pids=$(server_pids | tr '\n' ' ')
  m_before=$(machine_ticks)
  read -r before ut_before st_before < <(server_ticks)
  "$1" "$p-$load.txt" "${@:2}"
  read -r after ut_after st_after < <(server_ticks)
  m_after=$(machine_ticks)
  # The machine's busy ticks too: server + client should be all of it; more means other work ran.
  {
    printf 'pids\t%s\nticks_before\t%s\nticks_after\t%s\nclk_tck\t%s\n' "$pids" "$before" "$after" "$clk_tck"
    printf 'utime_before\t%s\nutime_after\t%s\nstime_before\t%s\nstime_after\t%s\n' \
      "$ut_before" "$ut_after" "$st_before" "$st_after"
    printf 'machine_busy_total_before\t%s\nmachine_busy_total_after\t%s\n' "$m_before" "$m_after"
    [ "$(server_pids | tr '\n' ' ')" = "$pids" ] || printf 'pids_after\t%s\n' "$(server_pids | tr '\n' ' ')"
  } >"$p-$load.cpu"
}

# measure_wrk_cpu P LOAD CONNS URL [wrk options] [-- script arguments]: measure_cpu of a wrk run.
measure_wrk_cpu() {
  local p=$1 load=$2 conns=$3 url=$4
  shift 4
  measure_cpu "$p" "$load" run_wrk "$conns" "$wrk_s" "$url" --latency "$@"
}

# The main phase's loads, on the running server ($server_pid) named $1, round $2.
measure_main() {
  local name=$1 round=$2 port p
  port=$(port_of "$name")
  fast_url="http://127.0.0.1:$port/test/fast"
  slow_url="http://127.0.0.1:$port/test/slow"
  p="$raw/r$round-$name"

  log "round $round: $name: ab -c 1 (close per request)"
  warm_fast "$p-warmup-ab-c1.txt"
  measure_cpu "$p" ab-c1 run "$ab_limit_s" ab -n "$ab_c1_n" -c 1 "$fast_url"

  log "round $round: $name: ab -c 100 (close per request)"
  warm_fast "$p-warmup-ab-c100.txt"
  measure_cpu "$p" ab-c100 run "$ab_limit_s" ab -n "$ab_c100_n" -c 100 "$fast_url"

  log "round $round: $name: two ab -c 50 at once (close per request)"
  warm_fast "$p-warmup-ab-2x50.txt"
  measure_cpu "$p" ab-2x50 run_ab_pair "$ab_limit_s" "$ab_c100_n" "$fast_url"

  log "round $round: $name: wrk -c 1, -c 100, -c 1000 keep-alive, with server CPU time"
  warm_fast "$p-warmup-wrk-c1.txt"
  measure_wrk_cpu "$p" wrk-c1 1 "$fast_url"
  warm_fast "$p-warmup-wrk-c100.txt"
  measure_wrk_cpu "$p" wrk-c100 100 "$fast_url"
  warm_fast "$p-warmup-wrk-c1000.txt"
  measure_wrk_cpu "$p" wrk-c1000 1000 "$fast_url" --timeout "$wrk_c1000_timeout"

  log "round $round: $name: pipelined $pipe_depth deep, wrk -c $pipe_conns, with server CPU time"
  warm_pipe "$p-warmup-pipeline.txt"
  [ "$name" != ours ] || scrape_metrics "$p-pipeline-metrics-before.txt" "$port"
  measure_wrk_cpu "$p" pipeline "$pipe_conns" "$fast_url" "${pipe_opts[@]}" -- "$pipe_depth"
  [ "$name" != ours ] || scrape_metrics "$p-pipeline-metrics-after.txt" "$port"

  if [ "$name" != nginx ]; then # nginx has no /test/slow
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
  fi

  alive "$server_pid" || log "warning: $name died during round $round (see ${p#"$root"/}-server.log)"
}

# The gc phase: keep-alive requests until about gc_requests are served, GC counts from jstat.
measure_gc() {
  local name=$1 round=$2 port p rate total=0 i secs n
  port=$(port_of "$name")
  fast_url="http://127.0.0.1:$port/test/fast"
  p="$raw/r$round-$name-gc"
  warm_fast "$p-warmup.txt"
  run "$p-jstat-before.txt" 30 "$JAVA_HOME/bin/jstat" -gc "$server_pid"
  # Runs sized from the rate measured just before (this round's wrk -c100, else the warm-up),
  # then topped up until the count is reached; each run and their number are bounded.
  rate=$(wrk_rate "$raw/r$round-$name-wrk-c100.txt")
  [ "$rate" -gt 0 ] || rate=$(wrk_rate "$p-warmup.txt")
  [ "$rate" -gt 0 ] || rate=50000
  for ((i = 1; i <= gc_max_runs && total < gc_requests; i++)); do
    secs=$(( (gc_requests - total) * 105 / 100 / rate + 1 ))
    [ "$secs" -le "$gc_run_max_s" ] || secs=$gc_run_max_s
    log "round $round: $name: gc phase, wrk -c 100 for ${secs}s (run $i, $total of $gc_requests requests so far)"
    run_wrk "$p-wrk-$i.txt" 100 "$secs" "$fast_url"
    n=$(wrk_requests "$p-wrk-$i.txt")
    total=$((total + n))
    [ "$(wrk_rate "$p-wrk-$i.txt")" -le 0 ] || rate=$(wrk_rate "$p-wrk-$i.txt")
  done
  run "$p-jstat-after.txt" 30 "$JAVA_HOME/bin/jstat" -gc "$server_pid"
  printf 'requests\t%s\ntarget\t%s\nruns\t%s\n' "$total" "$gc_requests" "$((i - 1))" >"$p.tsv"
  alive "$server_pid" || log "warning: $name died during the gc phase of round $round (see ${p#"$root"/}-server.log)"
}

# heap_snapshot FILE: a full GC in the server's JVM (jcmd GC.run), then jstat -gc, into FILE: its
# live heap, which RSS hides (a JVM's RSS also holds eden it has touched, live or not).
heap_snapshot() {
  run "$1" 60 bash -c '"$1/bin/jcmd" "$2" GC.run && sleep 1 && "$1/bin/jstat" -gc "$2"' _ "$JAVA_HOME" "$server_pid"
}

# The mem phase: RSS after start, after a warm-up, and with idle_conns idle connections; for the
# JVMs also the live heap after a full GC with the connections and after they closed (both after
# the RSS readings they would disturb: a full GC may give heap back to the OS).
measure_mem() {
  local name=$1 round=$2 port p rss_start rss_warm rss_idle="" rss_closed="" est="" state="" i
  port=$(port_of "$name")
  fast_url="http://127.0.0.1:$port/test/fast"
  p="$raw/r$round-$name-mem"
  sleep 2
  rss_start=$(server_rss_kb)
  warm_fast "$p-warmup.txt"
  sleep 2
  rss_warm=$(server_rss_kb)
  log "round $round: $name: opening $idle_conns idle keep-alive connections"
  timeout -k 5 $((idle_open_limit_s + 300)) python3 "$bench/idle_conns.py" --port "$port" \
    --count "$idle_conns" --open-limit "$idle_open_limit_s" --hold-limit 240 >"$p-idle.txt" 2>&1 &
  bg_pid=$!
  for ((i = 0; i < (idle_open_limit_s + 10) * 5; i++)); do
    if grep -q '^ready' "$p-idle.txt"; then state=ready; break; fi
    if grep -q '^failed' "$p-idle.txt" || ! alive "$bg_pid"; then state=failed; break; fi
    sleep 0.2
  done
  if [ "$state" = ready ]; then
    sleep "$idle_settle_s"
    rss_idle=$(server_rss_kb)
    est=$(ss -Htn state established "sport = :$port" | wc -l)
    [ "$name" = nginx ] || heap_snapshot "$p-heap-idle.txt"
  else
    log "warning: $name: the idle connections did not open (see ${p#"$root"/}-idle.txt)"
  fi
  kill "$bg_pid" 2>/dev/null || true
  wait "$bg_pid" 2>/dev/null || true
  bg_pid=""
  sleep 2
  rss_closed=$(server_rss_kb)
  [ "$name" = nginx ] || [ "$state" != ready ] || heap_snapshot "$p-heap-closed.txt"
  {
    printf 'pids\t%s\nconnections\t%s\nestablished\t%s\n' "$(server_pids | tr '\n' ' ')" "$idle_conns" "$est"
    printf 'rss_start_kb\t%s\nrss_warm_kb\t%s\nrss_idle_kb\t%s\nrss_closed_kb\t%s\n' \
      "$rss_start" "$rss_warm" "$rss_idle" "$rss_closed"
  } >"$p.tsv"
  alive "$server_pid" || log "warning: $name died during the mem phase of round $round (see ${p#"$root"/}-server.log)"
}

# The scale phase: the main phase's keep-alive -c100 and pipelined loads again, measured the same
# way, on a server with one accept loop (-A 1 -w 1); the report sets them against main's -A N.
measure_scale() {
  local name=$1 round=$2 port p
  port=$(port_of "$name")
  fast_url="http://127.0.0.1:$port/test/fast"
  p="$raw/r$round-$name-scale"

  log "round $round: $name: scale phase (-A $scale_threads): wrk -c 100 keep-alive, with server CPU time"
  warm_fast "$p-warmup-wrk-c100.txt"
  measure_wrk_cpu "$p" wrk-c100 100 "$fast_url"

  log "round $round: $name: scale phase (-A $scale_threads): pipelined $pipe_depth deep, wrk -c $pipe_conns, with server CPU time"
  warm_pipe "$p-warmup-pipeline.txt"
  [ "$name" != ours ] || scrape_metrics "$p-pipeline-metrics-before.txt" "$port"
  measure_wrk_cpu "$p" pipeline "$pipe_conns" "$fast_url" "${pipe_opts[@]}" -- "$pipe_depth"
  [ "$name" != ours ] || scrape_metrics "$p-pipeline-metrics-after.txt" "$port"

  alive "$server_pid" || log "warning: $name died during the scale phase of round $round (see ${p#"$root"/}-server.log)"
}

# The echo phase's loads: name and body size in bytes; the body check sends echo_check_bytes.
echo_loads=(1k:1024 64k:65536)
echo_opts=(-s "$bench/echo.lua")
echo_check_bytes=65536
echo_body="$raw/echo-check.bin"

# check_echo URL FILE: one POST of the random body in $echo_body, before the echo loads. FILE gets
# "ok: ...", "no-echo: ..." (404 or 405: the server has no /test/echo) or "failed: ...", which
# summarise.py reads; true for ok only.
check_echo() {
  local url=$1 file=$2 code rc=0 verdict
  code=$(timeout -k 5 60 curl -sS -m 50 -o "$file.body" -w '%{http_code}' \
    -H 'Content-Type: application/octet-stream' --data-binary "@$echo_body" "$url" 2>"$file.err") || rc=$?
  if [ "$rc" != 0 ]; then
    verdict="failed: curl exited with code $rc: $(head -c 300 "$file.err" | tr '\n' ' ')"
  elif [ "$code" = 404 ] || [ "$code" = 405 ]; then
    verdict="no-echo: POST /test/echo got $code"
  elif [ "$code" != 200 ]; then
    verdict="failed: POST /test/echo got $code"
  elif ! cmp -s "$echo_body" "$file.body"; then
    verdict="failed: the answer to a POST of $echo_check_bytes random bytes differs from them ($(stat -c %s "$file.body") bytes back)"
  else
    verdict="ok: a POST of $echo_check_bytes random bytes came back byte for byte"
  fi
  echo "$verdict" >"$file"
  rm -f "$file.body" "$file.err"
  [[ $verdict == ok:* ]]
}

# The echo phase: the check, then each echo load after its own warm-up, with the server's CPU time.
measure_echo() {
  local name=$1 round=$2 port p url load size
  port=$(port_of "$name")
  url="http://127.0.0.1:$port/test/echo"
  p="$raw/r$round-$name-echo"
  if ! check_echo "$url" "$p-check.txt"; then
    if grep -q '^no-echo' "$p-check.txt"; then
      log "round $round: $name has no /test/echo ($(cat "$p-check.txt")): no echo figures"
    else
      log "warning: round $round: $name: the echo check $(cat "$p-check.txt"): no echo figures"
    fi
    return 0
  fi
  for load in "${echo_loads[@]}"; do
    size=${load#*:} load=${load%%:*}
    log "round $round: $name: POST /test/echo, $size-byte bodies, wrk -c 100 keep-alive, with server CPU time"
    run_wrk "$p-warmup-$load.txt" 100 "$warm_s" "$url" "${echo_opts[@]}" -- "$size"
    measure_wrk_cpu "$p" "$load" 100 "$url" "${echo_opts[@]}" -- "$size"
  done
  alive "$server_pid" || log "warning: $name died during the echo phase of round $round (see ${p#"$root"/}-server.log)"
}

# ---------------------------------------------------------------------------------------------
# Preconditions: JDK 25, tools, the peer's jar, nginx's configuration
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

# apt_install PACKAGE...: installs Debian packages; updates the package lists only if that fails.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  log "installing $* (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 $sudo apt-get install -y -q "$@" >>"$out/apt.log" 2>&1 ||
    { timeout 600 $sudo apt-get update -q >>"$out/apt.log" 2>&1 &&
      timeout 600 $sudo apt-get install -y -q "$@" >>"$out/apt.log" 2>&1; }
}

# wrk and ab are needed; nginx and gnuplot are optional: without them, no nginx and no plot.
ensure_tools() {
  if ! command -v wrk >/dev/null || ! command -v ab >/dev/null; then
    apt_install wrk apache2-utils || die "could not install wrk and apache2-utils (see ${out#"$root"/}/apt.log)"
  fi
  local tool
  for tool in wrk ab ss python3 getconf setsid timeout pgrep curl mvn; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed"
  done
  for tool in jstat jcmd; do
    [ -x "$JAVA_HOME/bin/$tool" ] || die "$JAVA_HOME/bin/$tool is missing (needed for the gc and mem phases)"
  done
  if measuring nginx && ! command -v nginx >/dev/null; then
    apt_install nginx-light || apt_install nginx ||
      log "warning: could not install nginx (see ${out#"$root"/}/apt.log): measuring without it"
  fi
  if ! command -v gnuplot >/dev/null; then
    apt_install gnuplot-nox || log "warning: could not install gnuplot-nox: no latency plot"
  fi
}

# nginx's configuration from bench/nginx.conf, in its own prefix; checked with nginx -t.
# Returns 1 (nginx is then left out) when nginx is missing or rejects it.
setup_nginx() {
  command -v nginx >/dev/null || return 1
  rm -rf "$nginx_dir"
  mkdir -p "$nginx_dir/conf" "$nginx_dir/logs" "$nginx_dir/temp"
  local conns=$nofile
  [ "$conns" != unlimited ] || conns=65536
  sed -e "s/@THREADS@/$threads/g; s/@PORT@/$port_nginx/g; s/@CONNECTIONS@/$conns/g" \
    "$bench/nginx.conf" >"$nginx_dir/conf/nginx.conf"
  timeout 30 nginx -t -p "$nginx_dir" -e "$nginx_dir/logs/error.log" -c conf/nginx.conf >"$out/nginx-test.log" 2>&1 ||
    { cat "$out/nginx-test.log" >&2; return 1; }
}

# --wait-quiet: wait (bounded) until the machine is less than 20% busy over 5 s.
wait_until_quiet() {
  local deadline=$((SECONDS + wait_quiet)) busy
  while :; do
    busy=$(cpu_busy_pct 5)
    [ "$busy" -ge 20 ] || { log "the machine is quiet (${busy}% busy)"; return 0; }
    [ $SECONDS -lt $deadline ] || { log "warning: the machine is still ${busy}% busy after waiting ${wait_quiet}s: going on"; return 0; }
    log "the machine is ${busy}% busy (load average $(cut -d' ' -f1-3 /proc/loadavg)): waiting for it to be quiet"
    sleep 25
  done
}

mkdir -p "$out"
rm -f "$out/apt.log"
find_jdk25
ensure_tools
if measuring netty; then build_peer; fi
if measuring ours && [ ! -x "$root/bin/loopwork" ]; then
  die "bin/loopwork is missing (use --only netty,nginx to measure the others alone)"
fi
nginx_note=""
if measuring nginx && ! setup_nginx; then
  nginx_note="nginx was left out: $(command -v nginx >/dev/null && echo "it rejected bench/nginx.conf (see bench/out/nginx-test.log)" || echo "it could not be installed")"
  log "warning: $nginx_note"
  mapfile -t servers < <(printf '%s\n' "${servers[@]}" | grep -vx nginx)
  [ ${#servers[@]} -gt 0 ] || die "no server left to measure"
fi
clk_tck=$(getconf CLK_TCK)
[ "$wait_quiet" = 0 ] || wait_until_quiet

rm -rf "$raw" "$out/report.md" "$out/latency.png" "$out/latency.dat" "$out/latency.gp"
mkdir -p "$raw"
[[ " ${phases[*]} " != *" echo "* ]] || head -c "$echo_check_bytes" /dev/urandom >"$echo_body"

# ---------------------------------------------------------------------------------------------
# What the report needs besides the raw outputs: settings, machine, commands (key TAB value)
# ---------------------------------------------------------------------------------------------
{
  printf 'date\t%s\n' "$(date '+%Y-%m-%d %H:%M:%S %z')"
  printf 'rounds\t%s\n' "$rounds"
  printf 'quick\t%s\n' "$quick"
  printf 'servers\t%s\n' "${servers[*]}"
  printf 'phases\t%s\n' "${phases[*]}"
  printf 'scale_threads\t%s\n' "$scale_threads"
  printf 'nginx_note\t%s\n' "$nginx_note"
  printf 'threads\t%s\n' "$threads"
  printf 'slow_ms\t%s\n' "$slow_ms"
  printf 'nproc\t%s\n' "$(nproc)"
  printf 'cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  printf 'mem\t%s\n' "$(awk '/^MemTotal:/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
  printf 'kernel\t%s\n' "$(uname -srm)"
  printf 'java\t%s\n' "$("$JAVA_HOME/bin/java" -version 2>&1 | paste -sd ';' | sed 's/;/; /g')"
  printf 'java_home\t%s\n' "$JAVA_HOME"
  printf 'java_opts\t%s\n' "${JAVA_OPTS:-}"
  printf 'wrk\t%s\n' "$(wrk -v 2>&1 | head -n1 | sed 's/ Copyright.*//')"
  printf 'ab\t%s\n' "$(ab -V 2>&1 | head -n1 | sed 's/^This is //')"
  printf 'nginx\t%s\n' "$( (nginx -v 2>&1 || echo none) | sed 's/^nginx version: //')"
  printf 'gnuplot\t%s\n' "$( (gnuplot --version 2>/dev/null || echo none) | head -n1)"
  printf 'loadavg\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'clk_tck\t%s\n' "$clk_tck"
  printf 'nofile\t%s\n' "$nofile"
  printf 'idle_conns\t%s\nidle_conns_asked\t%s\n' "$idle_conns" "$idle_conns_asked"
  printf 'gc_requests\t%s\ngc_heap\t%s\n' "$gc_requests" "$gc_heap"
  printf 'gc_capacity_ours\t%s\nmem_capacity_ours\t%s\n' "$gc_capacity_ours" "$mem_capacity_ours"
  printf 'pipe_depth\t%s\npipe_conns\t%s\n' "$pipe_depth" "$pipe_conns"
  printf 'git\t%s\n' "$(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo 'no commit')"
  printf 'git_dirty\t%s\n' "$(git -C "$root" status --porcelain 2>/dev/null | grep -v '^?? bench/out' | wc -l)"
  for name in ours netty nginx; do
    printf 'port.%s\t%s\n' "$name" "$(port_of "$name")"
    for phase in "${phases[@]}"; do
      takes_part "$name" "$phase" || continue
      server_argv "$name" PORT "$phase" "bench/out/raw/r<round>-$name-gc.log"
      printf 'server.%s.%s\t%s\n' "$name" "$phase" "$(echo "${argv[*]}" | sed "s|$root/||g")"
    done
  done
  printf 'cmd.warmup-fast\twrk -t1 -c100 -d%ss URL/test/fast\n' "$warm_s"
  printf 'cmd.warmup-slow\twrk -t1 -c4 -d%ss URL/test/slow\n' "$warm_s"
  printf 'cmd.warmup-pipe\twrk -t1 -c%s -d%ss -s bench/pipeline.lua URL/test/fast -- %s\n' "$pipe_conns" "$warm_s" "$pipe_depth"
  printf 'cmd.ab-c1\tab -n %s -c 1 URL/test/fast\n' "$ab_c1_n"
  printf 'cmd.ab-c100\tab -n %s -c 100 URL/test/fast\n' "$ab_c100_n"
  printf 'cmd.ab-2x50\tab -n %s -c 50 URL/test/fast, twice at once (req/s: both runs'"'"' requests over the pair'"'"'s wall time)\n' "$((ab_c100_n / 2))"
  printf 'cmd.wrk-c1\twrk -t1 -c1 -d%ss --latency URL/test/fast\n' "$wrk_s"
  printf 'cmd.wrk-c100\twrk -t1 -c100 -d%ss --latency URL/test/fast\n' "$wrk_s"
  printf 'cmd.wrk-c1000\twrk -t1 -c1000 -d%ss --latency --timeout %s URL/test/fast\n' "$wrk_s" "$wrk_c1000_timeout"
  printf 'cmd.pipeline\twrk -t1 -c%s -d%ss --latency -s bench/pipeline.lua URL/test/fast -- %s ' "$pipe_conns" "$wrk_s" "$pipe_depth"
  printf '(ours: curl URL/metrics before and after)\n'
  printf 'cmd.mixed\twrk -t1 -c100 -d%ss URL/test/fast & sleep %s; ' "$mix_fast_s" "$mix_delay_s"
  printf 'wrk -t1 -c1 -d%ss --latency URL/test/slow; wait\n' "$mix_slow_s"
  printf 'cmd.slow-ab\tab -n %s -c 1 URL/test/slow\n' "$slow_ab_n"
  printf 'cmd.slow-wrk\twrk -t1 -c1 -d%ss --latency URL/test/slow\n' "$slow_wrk_s"
  printf 'cmd.gc\tjstat -gc PID; wrk -t1 -c100 -dSECONDS URL/test/fast, repeated (at most %s runs of at most %ss) ' "$gc_max_runs" "$gc_run_max_s"
  printf 'until %s requests are served, SECONDS from the last measured rate +5%%; jstat -gc PID\n' "$gc_requests"
  printf 'cmd.mem\tsleep 2; RSS; wrk -t1 -c100 -d%ss URL/test/fast; sleep 2; RSS; ' "$warm_s"
  printf 'python3 bench/idle_conns.py --port PORT --count %s & (wait for "ready"); sleep %s; RSS; ' "$idle_conns" "$idle_settle_s"
  printf '[JVMs: jcmd PID GC.run; jstat -gc PID]; kill; sleep 2; RSS; [JVMs: jcmd PID GC.run; jstat -gc PID]\n'
  printf 'cmd.echo-check\tcurl -o ANSWER --data-binary @%s-random-bytes -H "Content-Type: application/octet-stream" URL/test/echo; cmp\n' "$echo_check_bytes"
  for load in "${echo_loads[@]}"; do
    printf 'cmd.warmup-echo-%s\twrk -t1 -c100 -d%ss -s bench/echo.lua URL/test/echo -- %s\n' "${load%%:*}" "$warm_s" "${load#*:}"
    printf 'cmd.echo-%s\twrk -t1 -c100 -d%ss --latency -s bench/echo.lua URL/test/echo -- %s\n' "${load%%:*}" "$wrk_s" "${load#*:}"
  done
} >"$raw/meta.tsv"

# ---------------------------------------------------------------------------------------------
# The rounds: in each phase each server in turn, a fresh process each time
# ---------------------------------------------------------------------------------------------
! measuring nginx || [[ " ${phases[*]} " != *" echo "* ]] || log "nginx has no /test/echo: it takes no part in the echo phase"
log "rounds=$rounds servers=${servers[*]} phases=${phases[*]} -A $threads -w $threads -D $slow_ms quick=$quick idle-conns=$idle_conns gc-requests=$gc_requests"
for ((round = 1; round <= rounds; round++)); do
  for phase in "${phases[@]}"; do
    for name in "${servers[@]}"; do
      takes_part "$name" "$phase" || continue
      start_server "$name" "$round" "$phase" || continue
      "measure_$phase" "$name" "$round"
      stop_server
    done
  done
done

python3 "$bench/summarise.py" "$out" >"$out/report.md"
log "report: ${out#"$root"/}/report.md, raw outputs: ${raw#"$root"/}/$([ -f "$out/latency.png" ] && echo ", plot: ${out#"$root"/}/latency.png")"
cat "$out/report.md"
[ "$failures" = 0 ] || die "$failures server start(s) failed: see Problems in the report"
