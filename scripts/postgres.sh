#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL for the test suite, on 127.0.0.1 only.
#   scripts/postgres.sh start   → prints the URL to put in AKINAI_TEST_POSTGRES_URL
#   scripts/postgres.sh stop
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql). Runs the server as the
# `postgres` system user when started as root, since PostgreSQL refuses to run as root.
set -euo pipefail
PGPORT=${PGPORT:-5433}
PGROOT=${PGROOT:-/tmp/akinai-pg}
DB_USER=akinai
DB_PASS=akinai_test_pw

pgbin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    dirname "$(command -v initdb)"
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    BIN=$(pgbin)
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PGROOT" --shell /bin/bash postgres
    fi
    if [ -f "$PGROOT/data/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$PGROOT"
    mkdir -p "$PGROOT"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGROOT"
    as_pg "$BIN/initdb" -D "$PGROOT/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$PGROOT/initdb.log"
    # fsync off: this server holds only throwaway test databases.
    as_pg "$BIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
        -o "-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGROOT -c fsync=off -c max_connections=1000 -c shared_buffers=256MB" \
        start >/dev/null
    as_pg "$BIN/psql" -h "$PGROOT" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt \
        -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASS'" \
        -c "CREATE DATABASE akinai_test OWNER $DB_USER" >/dev/null
    echo "postgres://$DB_USER:$DB_PASS@127.0.0.1:$PGPORT/akinai_test?sslmode=disable"
    ;;
stop)
    BIN=$(pgbin)
    if [ -f "$PGROOT/data/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null; fi
    rm -rf "$PGROOT"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
