#!/usr/bin/env bash
# Stops what infra/production/up.sh started and removes its namespaces, bridge and data.
set -uo pipefail
dir=${1:-/tmp/stylefarm-prod}
[ -f "$dir/farm.env" ] || { echo "no farm recorded in $dir/farm.env" >&2; exit 0; }
# shellcheck disable=SC1090
. "$dir/farm.env"
for var in $(grep -oE '^WORKER_[0-9]+_PID|^(GATEWAY|SCHEDULER)_[0-9]_PID' "$dir/farm.env"); do
  kill "${!var}" 2>/dev/null
done
sleep 3
for var in $(grep -oE '^[A-Z0-9_]+_PID' "$dir/farm.env" | grep -v '^STACK_PID\|KAFKA_NODE'); do
  kill -9 "${!var}" 2>/dev/null
done
[ -n "${STACK_PID:-}" ] && kill "$STACK_PID" 2>/dev/null && for _ in $(seq 1 60); do
  kill -0 "$STACK_PID" 2>/dev/null || break; sleep 0.5; done
[ -n "${PG_BIN:-}" ] && su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $dir/pg/data -m fast stop" >/dev/null 2>&1
for ns in $(ip netns list | grep -oE '^sfw[0-9]+'); do ip netns delete "$ns"; done
ip link delete "${BRIDGE:-sfbr0}" 2>/dev/null
rm -rf "$dir"
echo "farm down"
