#!/usr/bin/env bash
# StyleFarm in its production shape on one Linux machine, without Docker (run as root):
#   PostgreSQL   Debian's postgresql package (installed with apt when absent), a cluster of its own, reached by
#                JDBC URL, user and password only;
#   Kafka        three KRaft nodes, topics replicated 3 times, min.insync.replicas 2 (producers use acks=all);
#   S3           s3proxy in a process of its own (MinIO's role);
#   gateway x2, scheduler x2   quarkus-run.jar, configured by environment only;
#   worker hosts each in its own network namespace with its own address on a bridge, pinned to one core,
#                reaching every service by address, never 127.0.0.1.
#
#   infra/production/up.sh [--workers 2] [--dir /tmp/stylefarm-prod]      then   infra/production/down.sh
#
# Everything it starts is recorded in DIR/farm.env (addresses, pids) for down.sh and the fault scenarios.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
workers=2 dir=/tmp/stylefarm-prod
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "up.sh needs root (network namespaces, apt, a postgres cluster)" >&2; exit 1; }
[ ! -e "$dir/farm.env" ] || { echo "a farm is recorded in $dir/farm.env: run infra/production/down.sh first" >&2; exit 1; }
net=10.77.0 bridge=sfbr0 host=10.77.0.1 pg_port=5433
admin_key=sfk_prod-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
pg_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$dir/logs"
env_file="$dir/farm.env"
record() { echo "$1" >> "$env_file"; }
record "DIR=$dir"
record "HOST=$host"
record "WORKERS=$workers"

echo "== build"
[ -f cli/target/stylefarm-cli.jar ] && [ -f gateway/target/quarkus-app/quarkus-run.jar ] \
  || ./mvnw -B -q install -DskipTests
cp_cli="$root/cli/target/stylefarm-cli.jar:$root/cli/target/lib/*"

echo "== network: bridge $bridge $host/24, worker hosts $net.11..$((10 + workers))"
ip link add "$bridge" type bridge
ip addr add "$host/24" dev "$bridge"
ip link set "$bridge" up
record "BRIDGE=$bridge"
for i in $(seq 1 "$workers"); do
  ns=sfw$i
  ip netns add "$ns"
  ip link add "veth-$ns" type veth peer name eth0 netns "$ns"
  ip link set "veth-$ns" master "$bridge" up
  ip -n "$ns" addr add "$net.$((10 + i))/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" route add default via "$host"
done

echo "== PostgreSQL (Debian's package) on $host:$pg_port"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >"$dir/logs/apt.log" 2>&1
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
install -d -o postgres -m 700 "$dir/pg"
printf '%s\n' "$pg_password" > "$dir/pg/pwfile"
chown postgres "$dir/pg/pwfile"
su postgres -s /bin/sh -c "$pg_bin/initdb -D $dir/pg/data -U postgres -A scram-sha-256 --pwfile=$dir/pg/pwfile" \
  >"$dir/logs/initdb.log"
cat >> "$dir/pg/data/postgresql.conf" <<CONF
listen_addresses = '$host'
port = $pg_port
unix_socket_directories = '$dir/pg'
max_connections = 200
CONF
echo "host all all $net.0/24 scram-sha-256" >> "$dir/pg/data/pg_hba.conf"
su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D $dir/pg/data -l $dir/pg/postgres.log -w start" >/dev/null
record "PG_BIN=$pg_bin"
PGPASSWORD=$pg_password psql -h "$host" -p "$pg_port" -U postgres -q -c "CREATE ROLE stylefarm LOGIN PASSWORD '$pg_password'" \
  -c "CREATE DATABASE stylefarm OWNER stylefarm"
jdbc="jdbc:postgresql://$host:$pg_port/stylefarm"
record "JDBC_URL=$jdbc"

echo "== Kafka (3 KRaft nodes) and s3proxy"
java -Xmx2g -cp "$cp_cli" ai.stylefarm.infra.ProductionStackMain --dir "$dir/stack" --host "$host" \
  >"$dir/logs/stack.log" 2>&1 &
record "STACK_PID=$!"
for _ in $(seq 1 240); do grep -q '^READY=1' "$dir/logs/stack.log" 2>/dev/null && break; sleep 0.5; done
grep -q '^READY=1' "$dir/logs/stack.log" || { echo "Kafka/S3 did not start; see $dir/logs/stack.log" >&2; exit 1; }
grep -E '^(KAFKA_|S3_)' "$dir/logs/stack.log" >> "$env_file"
# shellcheck disable=SC1090
. "$env_file"

common_env=(
  "QUARKUS_DATASOURCE_JDBC_URL=$jdbc" "QUARKUS_DATASOURCE_USERNAME=stylefarm" "QUARKUS_DATASOURCE_PASSWORD=$pg_password"
  "STYLEFARM_KAFKA_BOOTSTRAP=$KAFKA_BOOTSTRAP" "STYLEFARM_S3_ENDPOINT=$S3_ENDPOINT" "STYLEFARM_S3_PUBLIC_ENDPOINT=$S3_ENDPOINT"
  "STYLEFARM_S3_ACCESS_KEY=stylefarm" "STYLEFARM_S3_SECRET_KEY=stylefarm-secret" "STYLEFARM_S3_BUCKET=stylefarm"
  "QUARKUS_HTTP_HOST=$host")
start_service() { # name port jar
  env -i PATH="$PATH" HOME="$dir" "${common_env[@]}" QUARKUS_HTTP_PORT="$2" STYLEFARM_BOOTSTRAP_ADMIN_KEY="$admin_key" \
    java -Xmx768m -XX:TieredStopAtLevel=1 -jar "$3" >"$dir/logs/$1.log" 2>&1 &
  record "$(echo "$1" | tr 'a-z-' 'A-Z_')_PID=$!"
  record "$(echo "$1" | tr 'a-z-' 'A-Z_')_URL=http://$host:$2"
}
await_ready() { # url what
  for _ in $(seq 1 240); do curl -sf "$1/q/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "$2 did not become ready; see $dir/logs" >&2; exit 1
}
echo "== gateway x2, scheduler x2"
start_service gateway-1 8080 "$root/gateway/target/quarkus-app/quarkus-run.jar"
await_ready "http://$host:8080" gateway-1  # the first gateway migrates the schema
start_service gateway-2 8082 "$root/gateway/target/quarkus-app/quarkus-run.jar"
start_service scheduler-1 8081 "$root/scheduler/target/quarkus-app/quarkus-run.jar"
start_service scheduler-2 8083 "$root/scheduler/target/quarkus-app/quarkus-run.jar"
for s in "8082 gateway-2" "8081 scheduler-1" "8083 scheduler-2"; do
  set -- $s; await_ready "http://$host:$1" "$2"
done

echo "== worker hosts: one core each"
cores=$(nproc)
for i in $(seq 1 "$workers"); do
  ns=sfw$i
  ip netns exec "$ns" env -i PATH="$PATH" HOME="$dir" \
    STYLEFARM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" STYLEFARM_S3_ENDPOINT="$S3_ENDPOINT" \
    STYLEFARM_S3_ACCESS_KEY=stylefarm STYLEFARM_S3_SECRET_KEY=stylefarm-secret STYLEFARM_S3_BUCKET=stylefarm \
    STYLEFARM_WORKER_ID="host-$i" STYLEFARM_WORKER_THREADS=1 STYLEFARM_WORKER_METRICS_PORT=9400 \
    STYLEFARM_WORKER_CACHE_DIR="$dir/worker-cache/host-$i" \
    taskset -c $(( (i - 1) % cores )) java -Xmx1g -cp "$cp_cli" ai.stylefarm.worker.WorkerMain \
    >"$dir/logs/worker-$i.log" 2>&1 &
  record "WORKER_${i}_PID=$!"
  record "WORKER_${i}_ADDRESS=$net.$((10 + i))"
done
for i in $(seq 1 "$workers"); do
  for _ in $(seq 1 240); do
    ip netns exec "sfw$i" curl -sf "http://127.0.0.1:9400/q/health" >/dev/null && break; sleep 0.5
  done
done
record "ADMIN_KEY=$admin_key"
echo
echo "farm up: gateways http://$host:8080 and http://$host:8082 (admin key $admin_key)"
echo "         schedulers http://$host:8081 and http://$host:8083, Kafka $KAFKA_BOOTSTRAP, S3 $S3_ENDPOINT"
echo "         PostgreSQL $jdbc, worker hosts $(seq -s ' ' -f "$net.%g" 11 $((10 + workers)))"
echo "         ./farm --gateway http://$host:8080 --key $admin_key ...; infra/production/down.sh stops it"
