#!/usr/bin/env bash
# Installs (apt) and starts the local services the tests use, on loopback, idempotently:
#   PostgreSQL 15 on 127.0.0.1:${SCOUTER_TEST_PG_PORT:-55432} (role scouter/scouter, database scouter_test)
# Safe to run many times; a running service is left alone.
set -euo pipefail

PG_PORT=${SCOUTER_TEST_PG_PORT:-55432}
PG_DATA=${SCOUTER_TEST_PG_DATA:-/var/tmp/scouter-pg}
PG_BIN=/usr/lib/postgresql/15/bin

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

packages=()
[ -x "$PG_BIN/postgres" ] || packages+=(postgresql-15 postgresql-client-15)
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

start_postgres
