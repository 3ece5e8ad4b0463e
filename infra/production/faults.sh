#!/usr/bin/env bash
# Fault scenarios on the production shape that infra/production/up.sh started, each ending in one line
# "PASS <scenario> (...)" or "FAIL <scenario> (...)"; exit status 1 when any failed. Every job must end SUCCEEDED
# and pass ./farm verify (every stored output equal to its record, the manifest exactly once per item).
#
#   infra/production/faults.sh [--dir /tmp/stylefarm-prod] [--only broker,scheduler,gateway,link,postgres]
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=/tmp/stylefarm-prod only="broker,scheduler,gateway,link,postgres"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck disable=SC1090
. "$dir/farm.env"
failures=0
auth=(-H "Authorization: Bearer $ADMIN_KEY")
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
result() { # verdict scenario detail
  echo "$1 $2 ($3)"
  [ "$1" = PASS ] || failures=$((failures + 1))
}
submit() { # gateway-url seeds → job id
  curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$1/v1/jobs" \
    -d "{\"kind\": \"generate\", \"model\": \"fashion\", \"spec\": {\"seeds\": \"$2\"}}" | jq -r .id
}
state() { curl -s "${auth[@]}" "${2:-$GATEWAY_1_URL}/v1/jobs/$1" | jq -r '.state // "UNKNOWN"'; }
done_items() { curl -s "${auth[@]}" "${2:-$GATEWAY_1_URL}/v1/jobs/$1" | jq -r '.items.done // 0'; }
await_items() { # job n [gateway]
  for _ in $(seq 1 600); do [ "$(done_items "$1" "${3:-}")" -ge "$2" ] 2>/dev/null && return 0; sleep 0.5; done
  return 1
}
await_end() { # job limit-seconds [gateway] → final state
  local s
  for _ in $(seq 1 $(( $2 * 2 ))); do
    s=$(state "$1" "${3:-}")
    case "$s" in SUCCEEDED|FAILED|CANCELLED) echo "$s"; return ;; esac
    sleep 0.5
  done
  echo "TIMEOUT($s)"
}
verified() { # job [gateway]
  ./farm verify --gateway "${2:-$GATEWAY_1_URL}" --key "$ADMIN_KEY" "$1" >"$DIR/logs/verify-$1.log" 2>&1
}
leader() { # the scheduler whose stylefarm_scheduler_leader is 1
  for s in 1 2; do
    url_var=SCHEDULER_${s}_URL
    curl -s "${!url_var}/q/metrics" | grep -qE '^stylefarm_scheduler_leader(\{.*\})? 1\.0' && { echo "$s"; return; }
  done
  echo 0
}
check_job() { # scenario job limit detail [gateway]
  local end
  end=$(await_end "$2" "$3" "${5:-}")
  if [ "$end" = SUCCEEDED ] && verified "$2" "${5:-}"; then result PASS "$1" "$4; job $2 SUCCEEDED, verify clean"
  else result FAIL "$1" "$4; job $2 $end, verify: $(tail -1 "$DIR/logs/verify-$2.log" 2>/dev/null)"; fi
}

if ! curl -sf "${auth[@]}" "$GATEWAY_1_URL/v1/models" | jq -e '.[] | select(.id == "fashion")' >/dev/null; then
  ./farm models add cli/src/main/resources/demo/fashion-mnist-32/network-snapshot.pkl --id fashion \
    --gateway "$GATEWAY_1_URL" --key "$ADMIN_KEY" >/dev/null
fi

if [[ ",$only," == *,broker,* ]]; then
  job=$(submit "$GATEWAY_1_URL" "0-1199")
  await_items "$job" 64
  t=$(now); before=$(done_items "$job")
  kill -9 "$KAFKA_NODE_1_PID"
  # The job must keep moving: more items done within a leader election's time.
  moved=no
  for _ in $(seq 1 60); do [ "$(done_items "$job")" -gt "$before" ] && { moved=yes; break; }; sleep 0.5; done
  check_job broker-killed "$job" 300 "Kafka node 1 killed at $before items; progress again after $(since "$t") s ($moved)"
fi

if [[ ",$only," == *,scheduler,* ]]; then
  active=$(leader)
  job=$(submit "$GATEWAY_1_URL" "2000-2799")
  await_items "$job" 64
  pid_var=SCHEDULER_${active}_PID
  t=$(now); kill -9 "${!pid_var}"
  took="none"
  for _ in $(seq 1 100); do s=$(leader); [ "$s" != 0 ] && [ "$s" != "$active" ] && { took="$(since "$t") s"; break; }; sleep 0.2; done
  check_job scheduler-killed "$job" 300 "active scheduler $active killed; standby took over in $took"
fi

if [[ ",$only," == *,gateway,* ]]; then
  jobs=()
  for i in 0 1 2; do jobs+=("$(submit "$GATEWAY_1_URL" "$((3000 + 16 * i))-$((3015 + 16 * i))")"); done
  kill -9 "$GATEWAY_1_PID"
  for i in 3 4 5; do jobs+=("$(submit "$GATEWAY_2_URL" "$((3000 + 16 * i))-$((3015 + 16 * i))")"); done
  for j in "${jobs[@]}"; do check_job gateway-killed "$j" 300 "gateway 1 killed between submissions" "$GATEWAY_2_URL"; done
fi

gw=$GATEWAY_2_URL
curl -sf "$GATEWAY_1_URL/q/health/ready" >/dev/null 2>&1 && gw=$GATEWAY_1_URL

if [[ ",$only," == *,link,* ]]; then
  job=$(submit "$gw" "4000-4799")
  await_items "$job" 32 "$gw"
  ip -n sfw1 link set eth0 down
  t=$(now)
  end=$(await_end "$job" 600 "$gw")
  ip -n sfw1 link set eth0 up
  sleep 20 # the cut-off host comes back and tries its late writes; they must not change anything
  if [ "$end" = SUCCEEDED ] && verified "$job" "$gw"; then
    result PASS link-cut "host 1's link cut mid-task; its tasks re-issued, job $job SUCCEEDED in $(since "$t") s, verify clean after it came back"
  else result FAIL link-cut "job $job $end"; fi
fi

if [[ ",$only," == *,postgres,* ]]; then
  job=$(submit "$gw" "5000-5799")
  await_items "$job" 32 "$gw"
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $DIR/pg/data -m fast -w restart -l $DIR/pg/postgres.log" >/dev/null
  check_job postgres-restarted "$job" 300 "PostgreSQL restarted mid-job" "$gw"
fi

[ "$failures" = 0 ]
