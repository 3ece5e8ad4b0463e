#!/usr/bin/env bash
# Scale-out on the production shape (infra/production/up.sh --workers 2): images/s of one worker host (the other
# drained) against two, the same job size with the bundled fashion-mnist-32 model, side by side in one run. Each
# host is one network namespace pinned to one core.
#
#   infra/production/scaleout.sh [--dir /tmp/stylefarm-prod] [--images 4000] [--config small64]
#
# --config renders a seeded random-init model of that config instead (bigger images: rendering, not the
# per-image bookkeeping, is then what the hosts spend their core on).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=/tmp/stylefarm-prod images=4000 config=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck disable=SC1090
. "$dir/farm.env"
gw=$GATEWAY_1_URL
curl -sf "$gw/q/health/ready" >/dev/null 2>&1 || gw=$GATEWAY_2_URL
auth=(-H "Authorization: Bearer $ADMIN_KEY")
model=${config:-fashion}
if ! curl -sf "${auth[@]}" "$gw/v1/models" | jq -e --arg m "$model" '.[] | select(.id == $m)' >/dev/null; then
  if [ -n "$config" ]; then
    curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$gw/v1/models" \
      -d "{\"id\": \"$config\", \"random_init\": {\"config\": \"$config\", \"seed\": 0}}" >/dev/null
  else
    ./farm models add cli/src/main/resources/demo/fashion-mnist-32/network-snapshot.pkl --id fashion \
      --gateway "$gw" --key "$ADMIN_KEY" >/dev/null
  fi
fi
# CPU seconds (user + system) used so far by the processes whose command line matches $1: the worker hosts
# (WorkerMain) or the control plane (gateways, schedulers, the Kafka/S3 process, PostgreSQL), to show where a
# machine's cores went while the hosts ran.
cpu() {
  local total=0 pid
  for pid in $(pgrep -f "$1"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo $((total / $(getconf CLK_TCK)))
}
control='quarkus-run.jar|ProductionStackMain|postgres'
run() { # first-seed → images/s
  local id s
  id=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$gw/v1/jobs" \
    -d "{\"kind\": \"generate\", \"model\": \"$model\", \"spec\": {\"seeds\": \"$1-$(($1 + images - 1))\"}}" | jq -r .id)
  while :; do
    s=$(curl -s "${auth[@]}" "$gw/v1/jobs/$id")
    case "$(jq -r .state <<<"$s")" in
      SUCCEEDED) break ;;
      FAILED|CANCELLED) echo "job $id ended $(jq -r .state <<<"$s")" >&2; exit 1 ;;
    esac
    sleep 1
  done
  python3 -c 'import json, re, sys, datetime as d
j = json.load(sys.stdin)
t = lambda k: d.datetime.fromisoformat(re.sub(r"(\.[0-9]{6})[0-9]+", r"\1", j[k]).replace("Z", "+00:00"))
print(int(sys.argv[1]) / (t("finished_at") - t("started_at")).total_seconds())' "$images" <<<"$s"
}
# A warm-up job so both hosts have the model loaded, then one host alone, then both.
run 900000 >/dev/null
curl -sf "${auth[@]}" -X POST "$gw/v1/workers/host-2/drain" >/dev/null
sleep 15
w0=$(cpu WorkerMain) t0=$(date +%s)
one=$(run 1000000)
one_cpu=$(( $(cpu WorkerMain) - w0 )) one_wall=$(( $(date +%s) - t0 ))
curl -sf "${auth[@]}" -X DELETE "$gw/v1/workers/host-2/drain" >/dev/null
sleep 15
w0=$(cpu WorkerMain) c0=$(cpu "$control") t0=$(date +%s)
two=$(run 2000000)
w1=$(cpu WorkerMain) c1=$(cpu "$control") t1=$(date +%s)
awk -v a="$one" -v b="$two" -v n="$images" -v m="$model" 'BEGIN {
  printf "one worker host: %.1f images/s; two: %.1f images/s; ratio %.2fx (%d images of %s each, one core per host)\n",
    a, b, b / a, n, m }'
echo "one host: its worker used $one_cpu CPU s in $one_wall s; two hosts: the workers used $((w1 - w0)) CPU s in" \
  "$((t1 - t0)) s on $(nproc) cores, the control plane $((c1 - c0)) CPU s"
awk -v a="$one" -v b="$two" -v n="$images" -v oc="$one_cpu" -v tc="$((w1 - w0))" 'BEGIN {
  printf "images per worker CPU second: one host %.2f, two hosts %.2f (%.0f %% of one host'"'"'s)\n",
    n / oc, n / tc, 100 * oc / tc }'
