#!/usr/bin/env bash
# Installs (apt) and starts the local services the tests use, on loopback, idempotently:
#   PostgreSQL 15 on 127.0.0.1:${SCOUTER_TEST_PG_PORT:-55432} (role scouter/scouter, database scouter_test)
#   Redis 7 on 127.0.0.1:${SCOUTER_TEST_REDIS_PORT:-56379} (append-only file, fsync always)
#   RabbitMQ 3 on 127.0.0.1:${SCOUTER_TEST_RABBITMQ_PORT:-55672} (guest/guest, node scouter@localhost)
# Kafka has no local server: the tests start librdkafka's mock cluster in-process (KafkaMockCluster).
# Also installs Debian's Chromium (/usr/bin/chromium) and fonts-liberation for the dashboard's browser
# tests (Playwright drives it; `playwright install` downloads are not used).
# Safe to run many times; a running service is left alone.
set -euo pipefail

PG_PORT=${SCOUTER_TEST_PG_PORT:-55432}
PG_DATA=${SCOUTER_TEST_PG_DATA:-/var/tmp/scouter-pg}
PG_BIN=/usr/lib/postgresql/15/bin
REDIS_PORT=${SCOUTER_TEST_REDIS_PORT:-56379}
REDIS_DIR=${SCOUTER_TEST_REDIS_DIR:-/var/tmp/scouter-redis}
RABBIT_PORT=${SCOUTER_TEST_RABBITMQ_PORT:-55672}
RABBIT_DIR=${SCOUTER_TEST_RABBITMQ_DIR:-/var/tmp/scouter-rabbitmq}
RABBIT_BIN=/usr/lib/rabbitmq/bin

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

packages=()
[ -x "$PG_BIN/postgres" ] || packages+=(postgresql-15 postgresql-client-15)
command -v redis-server >/dev/null || packages+=(redis-server redis-tools)
[ -x "$RABBIT_BIN/rabbitmq-server" ] || packages+=(rabbitmq-server)
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -d /usr/share/fonts/truetype/liberation ] || packages+=(fonts-liberation)
if [ ${#packages[@]} -gt 0 ]; then
  echo "services: installing ${packages[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

start_postgres() {
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    as_root mkdir -p "$PG_DATA"
    as_root chown postgres:postgres "$PG_DATA"
    as_root chmod 700 "$PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; then
    # Test cluster: durability settings off for speed; never use these settings for real data.
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 -o \
      "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=/tmp -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
  fi
  psql_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  [ "$(psql_admin -c "select 1 from pg_roles where rolname='scouter'")" = 1 ] ||
    psql_admin -c "create role scouter login superuser password 'scouter'"
  [ "$(psql_admin -c "select 1 from pg_database where datname='scouter_test'")" = 1 ] ||
    psql_admin -c "create database scouter_test owner scouter"
  echo "services: postgresql ready on 127.0.0.1:$PG_PORT"
}

start_redis() {
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    mkdir -p "$REDIS_DIR"
    # Append-only file with fsync on every write: an acknowledged XADD survives a crash of the server.
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --daemonize yes \
      --appendonly yes --appendfsync always --save "" --logfile "$REDIS_DIR/redis.log" --pidfile "$REDIS_DIR/redis.pid"
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null
  echo "services: redis ready on 127.0.0.1:$REDIS_PORT"
}

# Ports: the AMQP port, and the node distribution port 29999 below it (25673 by default), away from
# 35672-35682, where the RabbitMQ CLI tools bind their own distribution ports.
rabbit_env() {
  env RABBITMQ_NODENAME=scouter@localhost RABBITMQ_DIST_PORT=$((RABBIT_PORT - 29999)) ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia" RABBITMQ_LOG_BASE="$RABBIT_DIR/log" RABBITMQ_PID_FILE="$RABBIT_DIR/pid" \
    RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" "$@"
}

start_rabbitmq() {
  if ! rabbit_env "$RABBIT_BIN/rabbitmq-diagnostics" -q check_running >/dev/null 2>&1; then
    mkdir -p "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
    printf 'loopback_users = none\nlisteners.tcp.1 = 127.0.0.1:%s\n' "$RABBIT_PORT" > "$RABBIT_DIR/rabbitmq.conf"
    echo '[].' > "$RABBIT_DIR/enabled_plugins"
    rm -f "$RABBIT_DIR/pid"
    (cd "$RABBIT_DIR" && rabbit_env setsid nohup "$RABBIT_BIN/rabbitmq-server" > "$RABBIT_DIR/log/startup.log" 2>&1 &)
    rabbit_env "$RABBIT_BIN/rabbitmqctl" -q wait --timeout 120 "$RABBIT_DIR/pid" >/dev/null ||
      { tail -n 20 "$RABBIT_DIR/log/startup.log" >&2; exit 1; }
  fi
  echo "services: rabbitmq ready on 127.0.0.1:$RABBIT_PORT"
}

start_postgres
start_redis
start_rabbitmq
