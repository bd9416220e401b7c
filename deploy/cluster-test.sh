#!/usr/bin/env bash
# Loopwork behind HAProxy on this machine, under load, through rolling restarts and a SIGKILL (run as root):
#   deploy/cluster-test.sh [--quick] [--hosts N] [--order haproxy|sigterm] [--check-path PATH] [--no-wrk]
#                          [--steady SECONDS] [--connections N] [--keep-logs DIR] [--scaling [--seconds S]]
# Builds N (default 3) hosts as network namespaces lwc-h1.. (10.77.0.11.., each a veth pair into the bridge lwc-br,
# 10.77.0.1/24, where HAProxy listens; nothing outside the machine is addressed), runs one Loopwork in each
# (bin/loopwork with JAVA_OPTS=$CLUSTER_TEST_JAVA_OPTS, default -Xmx128m, or the command in CLUSTER_TEST_SERVER;
# with CLUSTER_TEST_SERVER_ARGS, default --drain-timeout 10) and HAProxy (deploy/haproxy/haproxy.cfg) in front,
# drives load through HAProxy (wrk, and deploy/ClusterLoad.java, which counts every failure by kind), then:
#   - restarts every host in turn, three rounds (--quick: one), while the load runs;
#   - SIGKILLs one host and starts it again (not with --quick);
# and prints requests, failures by kind and latency percentiles for each stretch between events. Its last line
# is "N requests, F failed" for everything before the SIGKILL; it exits 0 when F is 0.
# A restart (--order haproxy, the default): take the host out through HAProxy's runtime API (state drain: no
# new requests, what it has finishes), wait until it has nothing in progress, SIGTERM (the server drains and
# exits 0), start a new process, wait until HAProxy's checks of /readyz pass, put it back (state ready).
# --order sigterm only sends SIGTERM, and leaves it to readiness and HAProxy's retries (for comparison).
# With one host (--hosts 1) a restart starts the new process beside the old one (SO_REUSEPORT, same port), waits
# until it listens, then SIGTERMs the old one: nothing can take a single host out of the rotation.
# --check-path PATH: HAProxy checks this instead of /readyz (for a server without it: /test/fast).
# --scaling measures, instead, throughput and CPU per request with 1, 2 and 3 hosts (wrk, --seconds each).
# Everything it made is removed at the end, also on failure or Ctrl-C. Logs are printed if a step fails.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/jdk.sh"

hosts=3 rounds=3 kill=1 order=haproxy check_path=/readyz scaling=0 seconds=10 keep_logs='' use_wrk=1 steady=5 connections=8
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rounds=1 kill=0 ;;
    --hosts) hosts=$2; shift ;;
    --order) order=$2; shift ;;
    --check-path) check_path=$2; shift ;;
    --scaling) scaling=1 ;;
    --seconds) seconds=$2; shift ;;
    --keep-logs) keep_logs=$2; shift ;;
    --no-wrk) use_wrk=0 ;;
    --steady) steady=$2; shift ;;
    --connections) connections=$2; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster-test: unknown argument $1 (--help lists them)" >&2; exit 2 ;;
  esac
  shift
done
case "$order" in haproxy|sigterm) ;; *) echo "cluster-test: --order haproxy|sigterm" >&2; exit 2 ;; esac
[ "$hosts" -ge 1 ] && [ "$hosts" -le 8 ] || { echo "cluster-test: --hosts 1..8" >&2; exit 2; }

[ "$(id -u)" = 0 ] || { echo "cluster-test: needs root (network namespaces)" >&2; exit 2; }
ip netns list >/dev/null || { echo "cluster-test: needs ip netns (iproute2)" >&2; exit 2; }
loopwork_find_jdk
if ! command -v haproxy >/dev/null; then
  echo "cluster-test: installing haproxy (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null
fi
have_wrk=0; [ "$use_wrk" = 1 ] && command -v wrk >/dev/null && have_wrk=1
# One run at a time on this machine: the namespaces, the bridge and the addresses have fixed names.
exec 8> /run/lock/loopwork-cluster-test.lock
flock -w 300 8 || { echo "cluster-test: another run held the lock for 300 s" >&2; exit 1; }

ns=lwc lb=10.77.0.1 lb_port=8080 admin_port=8081 server_port=9000
read -r -a server_cmd <<< "${CLUSTER_TEST_SERVER:-$root/bin/loopwork}"
read -r -a server_args <<< "${CLUSTER_TEST_SERVER_ARGS---drain-timeout 10}"
# One host restarts by a second process beside the first: a server that refuses to share its port by accident
# (it has --reuse-port) must be told, both processes.
if [ "$hosts" = 1 ] && [[ "$("${server_cmd[@]}" --help 2>&1 || true)" == *--reuse-port* ]]; then
  server_args+=(--reuse-port)
fi
[ -n "${CLUSTER_TEST_SERVER:-}" ] || "$root/bin/loopwork" --version >/dev/null # builds the jars first when stale
work=$(mktemp -d /tmp/loopwork-cluster.XXXXXX)
declare -a pid=() starts=() every_pid=()
client_pid='' wrk_pid='' lb_pid='' failed_step=''

addr() { echo "10.77.0.$((10 + $1))"; }
event() { echo "$(date +%s%3N) $*" >> "$work/events"; echo "[$(date +%T)] $*" >&2; }

cleanup() {
  local rc=$? p i
  trap - EXIT INT TERM
  for p in "$client_pid" "$wrk_pid" "$lb_pid" "${every_pid[@]}"; do
    [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "$rc" != 0 ] && [ -n "$failed_step" ]; then
    echo "cluster-test: failed: $failed_step; the logs:" >&2
    for f in "$work"/*.log; do [ -f "$f" ] && { echo "== $f" >&2; tail -n 20 "$f" >&2; }; done
  fi
  for i in $(seq 1 8); do ip netns del "$ns-h$i" 2>/dev/null || true; done
  ip link del "$ns-br" 2>/dev/null || true
  if [ -n "$keep_logs" ]; then mkdir -p "$keep_logs" && cp "$work"/*.log "$work"/*.out "$work"/events "$work"/*.cfg "$keep_logs"/ 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits up to $1 tenths of a second for the command after it to succeed.
await() {
  local tenths=$1 i; shift
  for ((i = 0; i < tenths; i++)); do "$@" && return 0; sleep 0.1; done
  return 1
}
fail() { failed_step=$*; exit 1; }

# HAProxy's runtime API, one command per connection (bash's /dev/tcp; no socat needed).
lb_api() {
  timeout 5 bash -c 'exec 9<>"/dev/tcp/$0/$1" && printf "%s\n" "$2" >&9 && cat <&9' "$lb" "$admin_port" "$1" 2>/dev/null
}
# A server's field in `show stat` (CSV): 5 current sessions, 18 status (UP, DOWN, DRAIN, MAINT, "UP 1/2").
lb_stat() { lb_api "show stat" | awk -F, -v s="h$1" -v f="$2" '$1 == "loopwork" && $2 == s { print $f }'; }
lb_down() { case "$(lb_stat "$1" 18)" in DOWN*|MAINT*) return 0 ;; *) return 1 ;; esac; }
# Fails the run when host $1's latest process has exited (it would never come up).
alive() { kill -0 "${pid[$1]}" 2>/dev/null || fail "h$1 exited (see h$1.${starts[$1]}.log)"; }
# Whether host $1's latest process has said it listens.
listening() { alive "$1"; grep -q 'loopwork listening on ' "$work/h$1.${starts[$1]}.log" 2>/dev/null; }
# Up in HAProxy: its checks passed (rise 2), the host's latest process still running.
lb_up() { alive "$1"; case "$(lb_stat "$1" 18)" in UP|DRAIN) return 0 ;; *) return 1 ;; esac; }
lb_idle() { [ "$(lb_stat "$1" 5)" = 0 ]; }

make_network() {
  ip link add "$ns-br" type bridge
  ip addr add "$lb/24" dev "$ns-br"
  ip link set "$ns-br" up
  local i
  for ((i = 1; i <= hosts; i++)); do
    ip netns add "$ns-h$i"
    ip link add "$ns-h$i" type veth peer name eth0 netns "$ns-h$i"
    ip link set "$ns-h$i" master "$ns-br" up
    ip -n "$ns-h$i" addr add "$(addr "$i")/24" dev eth0
    ip -n "$ns-h$i" link set eth0 up
    ip -n "$ns-h$i" link set lo up
  done
}

start_host() {
  local i=$1
  starts[i]=$(( ${starts[i]:-0} + 1 ))
  ip netns exec "$ns-h$i" env JAVA_OPTS="${CLUSTER_TEST_JAVA_OPTS:--Xmx128m}" "${server_cmd[@]}" --host "$(addr "$i")" \
    -p "$server_port" "${server_args[@]}" > "$work/h$i.${starts[i]}.log" 2>&1 &
  pid[i]=$!
  every_pid+=("$!")
}

# SIGTERM, then waits (bounded: the drain's 10 s and some) for the drain to end; exit status 0 expected.
stop_host() {
  local i=$1 rc=0
  kill -TERM "${pid[i]}"
  await 200 eval "! kill -0 ${pid[i]} 2>/dev/null" || fail "h$i did not exit within 20 s of SIGTERM"
  wait "${pid[i]}" || rc=$?
  [ "$rc" = 0 ] || fail "h$i exited with $rc after SIGTERM"
  pid[i]=''
}

start_lb() {
  { sed '/^    server h[0-9]/d' "$root/deploy/haproxy/haproxy.cfg" | sed "s|GET /readyz|GET $check_path|"
    for ((i = 1; i <= hosts; i++)); do echo "    server h$i $(addr "$i"):$server_port"; done
  } > "$work/haproxy.cfg"
  LB_BIND="$lb:$lb_port" LB_ADMIN_SOCKET="ipv4@$lb:$admin_port" \
    haproxy -db -f "$work/haproxy.cfg" >> "$work/haproxy.log" 2>&1 &
  lb_pid=$!
}

# One host: the successor starts beside the running process, on the same port, before that one drains.
restart_beside() {
  local i=$1 round=$2 old=${pid[$1]} rc=0
  event "r$round h$i: new process beside the old"
  start_host "$i"
  await 600 listening "$i" || fail "h$i's new process did not listen within 60 s of starting"
  event "r$round h$i: new one listening; SIGTERM to the old"
  kill -TERM "$old"
  await 200 eval "! kill -0 $old 2>/dev/null" || fail "h$i's old process did not exit within 20 s of SIGTERM"
  wait "$old" || rc=$?
  [ "$rc" = 0 ] || fail "h$i's old process exited with $rc after SIGTERM"
  event "r$round h$i: old one drained"
  sleep 2
}

restart_host() {
  local i=$1 round=$2
  [ "$hosts" = 1 ] && { restart_beside "$@"; return; }
  if [ "$order" = haproxy ]; then
    event "r$round h$i: out of rotation"
    lb_api "set server loopwork/h$i state drain" >/dev/null
    await 100 lb_idle "$i" || fail "h$i still had requests in progress 10 s after it left the rotation"
  fi
  event "r$round h$i: SIGTERM"
  stop_host "$i"
  await 100 lb_down "$i" || fail "HAProxy did not mark h$i down within 10 s of its exit"
  event "r$round h$i: new process"
  start_host "$i"
  await 600 listening "$i" || fail "h$i did not listen within 60 s of starting"
  event "r$round h$i: listening"
  await 600 lb_up "$i" || fail "h$i was not up in HAProxy within 60 s of starting"
  [ "$order" = haproxy ] && lb_api "set server loopwork/h$i state ready" >/dev/null
  event "r$round h$i: back"
  sleep 2 # a stretch with every host up between two restarts
}

# utime + stime of the processes $1 (pids separated by commas), in clock ticks.
cpu_ticks() { local p t=0; for p in ${1//,/ }; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }

# wrk for --seconds against $1 (a URL); prints requests/s and the CPU per request of the pids after it, in us.
measure() {
  local url=$1 p before=() out reqs i=0; shift
  for p in "$@"; do before+=("$(cpu_ticks "$p")"); done
  out=$(wrk -t2 -c32 -d"${seconds}s" "$url")
  reqs=$(awk '/requests in/ { print $1 }' <<< "$out")
  printf '%12d' "$((reqs / seconds))"
  for p in "$@"; do # clock ticks of 10 ms (CLK_TCK 100): 10,000 us each
    printf ' %22.1f' "$(echo "($(cpu_ticks "$p") - ${before[i]}) * 10000 / $reqs" | bc -l)"
    i=$((i + 1))
  done
  echo
}

scaling_run() {
  local n i
  printf '%-22s %12s %22s %22s\n' hosts "requests/s" "server CPU us/request" "HAProxy CPU us/request"
  printf '%-22s' "1, direct (no HAProxy)"
  measure "http://$(addr 1):$server_port/test/fast" "${pid[1]}"
  for n in 1 2 3; do
    [ "$n" -le "$hosts" ] || break
    for ((i = 1; i <= hosts; i++)); do
      lb_api "set server loopwork/h$i state $([ "$i" -le "$n" ] && echo ready || echo maint)" >/dev/null
    done
    sleep 1
    printf '%-22s' "$n"
    # The servers' CPU summed: one pid list, one figure.
    measure "http://$lb:$lb_port/test/fast" "$(printf '%s,' "${pid[@]:1:n}")" "$lb_pid"
  done
}

make_network
for ((i = 1; i <= hosts; i++)); do start_host "$i"; done
mkdir "$work/client"
"$JAVA_HOME/bin/javac" -d "$work/client" "$root/deploy/ClusterLoad.java" & # while the servers start
javac_pid=$!
start_lb
for ((i = 1; i <= hosts; i++)); do
  await 600 lb_up "$i" || fail "h$i was not up in HAProxy within 60 s of starting"
done
echo "cluster-test: $hosts hosts up behind HAProxy on $lb:$lb_port (checks on $check_path, order: $order)" >&2

if [ "$scaling" = 1 ]; then
  [ "$have_wrk" = 1 ] || fail "--scaling needs wrk"
  scaling_run
  exit 0
fi

wait "$javac_pid" || fail "javac deploy/ClusterLoad.java failed"
"$JAVA_HOME/bin/java" -cp "$work/client" ClusterLoad --host "$lb" --port "$lb_port" --connections "$connections" \
  --ready-file "$work/ready" --stop-file "$work/stop" --events "$work/events" --max-seconds 900 --total-until kill \
  > "$work/client.out" 2> "$work/client.log" &
client_pid=$!
if [ "$have_wrk" = 1 ]; then
  wrk -t1 -c8 -d900s --latency "http://$lb:$lb_port/test/fast" > "$work/wrk.out" 2>&1 &
  wrk_pid=$!
fi
await 600 test -f "$work/ready" || fail "the client made no request within 60 s"
sleep 2 # warming up; then a steady stretch before the first event
event "steady"
sleep "$steady"
for ((r = 1; r <= rounds; r++)); do
  for ((i = 1; i <= hosts; i++)); do restart_host "$i" "$r"; done
done
event "after the restarts"
sleep "$steady"
if [ "$kill" = 1 ]; then
  k=$(( hosts > 1 ? 2 : 1 ))
  event "kill h$k (SIGKILL)"
  killed_at=$(date +%s%3N)
  kill -KILL "${pid[k]}"
  wait "${pid[k]}" 2>/dev/null || true
  await 100 lb_down "$k" || fail "HAProxy did not mark h$k down within 10 s of its SIGKILL"
  # When HAProxy itself says so (its log's ISO time), not when this script's polling noticed.
  down_at=$(awk -v s="loopwork/h$k" '$2 == "Server" && $3 == s && $5 == "DOWN," { t = $1 } END { print t }' "$work/haproxy.log")
  event "h$k marked down by HAProxy $(( $(date -d "$down_at" +%s%3N) - killed_at )) ms after the SIGKILL"
  sleep 2
  event "h$k new process"
  start_host "$k"
  await 600 listening "$k" || fail "h$k did not listen within 60 s of starting"
  event "h$k listening"
  await 600 lb_up "$k" || fail "h$k was not up in HAProxy within 60 s of starting"
  event "h$k back"
  sleep 3
fi
event "end"
touch "$work/stop"
if [ -n "$wrk_pid" ]; then
  kill -INT "$wrk_pid"; wait "$wrk_pid" || true; wrk_pid=''
fi
await 300 eval "! kill -0 $client_pid 2>/dev/null" || fail "the client did not finish within 30 s"
wait "$client_pid" || fail "the client failed"
client_pid=''
echo
# HAProxy logs only abnormal requests (option dontlog-normal): fields 7 status, 11 termination state, 12
# actconn/feconn/beconn/srv_conn/retries ("+N": redispatched).
echo "HAProxy, requests it logged as abnormal:"
awk '/ HTTP\/1.1"$/ { n = split($12, c, "/"); r = c[n]; k = "status " $7 ", state " $11 (r != "0" ? ", retried " r : "")
  count[k]++ } END { for (k in count) printf "  %7d  %s\n", count[k], k; if (length(count) == 0) print "  none" }' \
  "$work/haproxy.log"
if [ -f "$work/wrk.out" ]; then echo; echo "wrk (/test/fast, 8 connections, the whole run):"; cat "$work/wrk.out"; fi
echo
echo "ClusterLoad ($hosts hosts; $connections connections; 1 in 10 requests /test/slow, 1 in 20 Connection: close):"
cat "$work/client.out"
tail -n 1 "$work/client.out" | grep -q ', 0 failed$'
