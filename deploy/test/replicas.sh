#!/usr/bin/env bash
# Three-replica fault test (issue #17, docs/deployment.md "Fault test"): three `jinaembed serve` processes on loopback
# behind HAProxy (health check GET /ready, retries on connection failure and empty responses, redispatch), a bounded
# load of mixed tasks, widths and sizes, and during it:
#   - replica a is killed with SIGKILL at 25 % of the requests;
#   - replica b is taken out of rotation (as Kubernetes removes a terminating pod's endpoint, docs/deployment.md),
#     sent SIGTERM at 45 %, drains its in-flight requests, exits 0, and is started again on its port.
# Passes when the client saw no failed request, every vector is bitwise equal to its single-request reference,
# no replica answered a 5xx, b exited 0 within its drain time and served again after its restart. Prints requests,
# failures, p50/p99 latency, throughput, and the same load against one replica directly for the ratio.
#
# Needs the Release build (test.sh builds it), haproxy and curl (.ci/install.sh), and the tiny-jina-v3 fixture.
# Environment: JINAEMBED_REPLICAS_REQUESTS (default 2000; the longer form: JINAEMBED_REPLICAS_LONG=1 → 30000),
# JINAEMBED_REPLICAS_CONCURRENCY (default 48), JINAEMBED_SHARED (default ../shared beside the checkout).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${JINAEMBED_SHARED:-$root/../shared}"
model="$shared/fixtures/tiny-jina-v3"
cli="$root/src/JinaEmbed.Cli/bin/Release/net10.0/JinaEmbed.Cli.dll"
driver="$root/deploy/test/LoadDriver/bin/Release/net10.0/JinaEmbed.LoadDriver.dll"
requests="${JINAEMBED_REPLICAS_REQUESTS:-$([ "${JINAEMBED_REPLICAS_LONG:-0}" = 1 ] && echo 30000 || echo 2000)}"
concurrency="${JINAEMBED_REPLICAS_CONCURRENCY:-48}"
drain_seconds=30

fail() { echo "replicas: FAIL: $*" >&2; exit 1; }
[ -d "$model" ] || fail "fixture missing: $model (set JINAEMBED_SHARED)"
[ -f "$cli" ] || fail "missing $cli: run dotnet build JinaEmbed.slnx -c Release first"
[ -f "$driver" ] || fail "missing $driver: run dotnet build JinaEmbed.slnx -c Release first"
command -v haproxy >/dev/null || fail "haproxy not installed (bash .ci/install.sh)"
command -v curl >/dev/null || fail "curl not installed (bash .ci/install.sh)"

work="$(mktemp -d)"
declare -A pids=()
cleanup() {
  local name
  for name in "${!pids[@]}"; do kill -KILL "${pids[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A port nothing listens on (a connection to it is refused) and not handed out before, picked at random in 20000–49999.
taken=" "
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    case "$taken" in *" $port "*) continue ;; esac
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

declare -A ports=()
for name in a b c front admin; do
  ports[$name]=$(free_port)
  taken+="${ports[$name]} "
done
front=${ports[front]}
admin=${ports[admin]}

start_replica() { # name
  JINAEMBED_SHUTDOWNTIMEOUTSECONDS=$drain_seconds JINAEMBED_LOGFORMAT=simple \
    dotnet "$cli" serve --model "$model" --port "${ports[$1]}" --threads 1 >>"$work/$1.log" 2>&1 &
  pids[$1]=$!
}

wait_ready() { # name
  local i
  for i in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:${ports[$1]}/ready" && return 0
    kill -0 "${pids[$1]}" 2>/dev/null || { cat "$work/$1.log" >&2; fail "replica $1 exited while starting"; }
    sleep 0.1
  done
  fail "replica $1 not ready after 60 s"
}

# HAProxy's runtime API (stats socket on loopback TCP): one command per connection.
haproxy_cmd() {
  exec 3<>"/dev/tcp/127.0.0.1/$admin"
  printf '%s\n' "$1" >&3
  cat <&3
  exec 3<&-
}

# One column of `show stat` for a server of the replicas backend.
server_stat() { # server column
  haproxy_cmd "show stat" | awk -F, -v server="$1" -v column="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) { name = $i; sub(/^# /, "", name); index_of[name] = i } next }
    $1 == "replicas" && $2 == server { print $(index_of[column]) }'
}

progress() { # prints the fraction of requests completed ×100, 0 before the load starts
  local done total
  [ -f "$work/progress" ] && read -r done total <"$work/progress" || { echo 0; return; }
  echo $((done * 100 / total))
}

wait_progress() { # percent
  while [ "$(progress)" -lt "$1" ]; do
    kill -0 "${pids[driver]}" 2>/dev/null || return 1
    sleep 0.05
  done
}

for name in a b c; do start_replica "$name"; done
for name in a b c; do wait_ready "$name"; done

cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 2048
  stats socket ipv4@127.0.0.1:$admin level admin

defaults
  mode http
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  timeout queue 60s
  # A request whose connection failed or got no answer (a killed replica) goes to another replica; the body is
  # buffered so that a POST can be sent again.
  option http-buffer-request
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response junk-response response-timeout 0rtt-rejected

frontend embeddings
  bind 127.0.0.1:$front
  default_backend replicas

backend replicas
  balance leastconn
  option httpchk GET /ready
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1
  server a 127.0.0.1:${ports[a]} check
  server b 127.0.0.1:${ports[b]} check
  server c 127.0.0.1:${ports[c]} check
CFG
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids[haproxy]=$!
for i in $(seq 1 100); do
  [ "$(server_stat c status 2>/dev/null)" = UP ] && [ "$(server_stat a status)" = UP ] && [ "$(server_stat b status)" = UP ] && break
  sleep 0.1
done
[ "$(server_stat a status)" = UP ] || { cat "$work/haproxy.log" >&2; fail "HAProxy does not see the replicas up"; }
echo "replicas: a :${ports[a]}, b :${ports[b]}, c :${ports[c]} (tiny-jina-v3, 1 thread each) behind HAProxy :$front; $requests requests, $concurrency concurrent"

dotnet "$driver" --target "http://127.0.0.1:$front" --reference "http://127.0.0.1:${ports[c]}" \
  --baseline "http://127.0.0.1:${ports[c]}" --requests "$requests" --concurrency "$concurrency" \
  --progress "$work/progress" >"$work/driver.log" 2>&1 &
pids[driver]=$!

status=0
wait_progress 25 || fail "the load ended before 25 %: $(cat "$work/driver.log")"
kill -KILL "${pids[a]}"
wait "${pids[a]}" 2>/dev/null || true
unset 'pids[a]'
echo "fault: SIGKILL replica a at $(progress) % of the load"

wait_progress 45 || fail "the load ended before 45 %: $(cat "$work/driver.log")"
haproxy_cmd "set server replicas/b state drain" >/dev/null
in_flight=$(server_stat b scur)
kill -TERM "${pids[b]}"
started=$SECONDS
b_rc=0
wait "${pids[b]}" || b_rc=$?
echo "fault: replica b out of rotation, SIGTERM at $(progress) % with $in_flight requests in flight; exited $b_rc after $((SECONDS - started)) s (drain limit ${drain_seconds} s)"
[ "$b_rc" -eq 0 ] || { echo "replica b exited $b_rc after SIGTERM" >&2; tail -20 "$work/b.log" >&2; status=1; }
served_before=$(server_stat b stot)
start_replica b
wait_ready b
haproxy_cmd "set server replicas/b state ready" >/dev/null
echo "fault: replica b restarted and ready at $(progress) % of the load"

driver_rc=0
wait "${pids[driver]}" || driver_rc=$?
unset 'pids[driver]'
cat "$work/driver.log"
[ "$driver_rc" -eq 0 ] || status=1

b_after=$(( $(server_stat b stot) - served_before ))
echo "replica b served $b_after requests after its restart; HAProxy: $(server_stat a wretr) + $(server_stat b wretr) + $(server_stat c wretr) retries, $(server_stat a wredis) + $(server_stat b wredis) + $(server_stat c wredis) redispatches (a + b + c)"
[ "$b_after" -gt 0 ] || { echo "replica b got no traffic after its restart" >&2; status=1; }
for name in a b c; do
  fives=$(server_stat "$name" hrsp_5xx)
  [ "${fives:-0}" -eq 0 ] || { echo "replica $name answered $fives responses with 5xx" >&2; status=1; }
done
[ "$(server_stat b status)" = UP ] || { echo "HAProxy does not see replica b up again" >&2; status=1; }

[ "$status" -eq 0 ] && echo "replicas: PASS" || echo "replicas: FAIL" >&2
exit "$status"
