#!/usr/bin/env bash
# Builds akinai in release mode and runs `akinai benchmark` on a scratch SQLite database and, when
# PostgreSQL's binaries are installed, on a throwaway PostgreSQL server; then the HTTP read figures
# (scripts/benchmark-http.sh, wrk against a release server) on each. Extra arguments go to the command,
# e.g. scripts/benchmark.sh --reservations 5000 --rows 100000
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product akinai --scratch-path .build-release
BIN=.build-release/release/akinai
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export AKINAI_LOG_LEVEL=error AKINAI_WORKERS=0

echo "== $(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "== SQLite (synchronous=FULL)"
AKINAI_DATA_DIR="$WORK/full" "$BIN" benchmark "$@"
echo "== SQLite (synchronous=NORMAL)"
AKINAI_DATA_DIR="$WORK/normal" AKINAI_SQLITE_SYNCHRONOUS=NORMAL "$BIN" benchmark "$@"
echo "== HTTP reads, SQLite (wrk, 16 connections)"
scripts/benchmark-http.sh "$BIN"
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    url=$(scripts/postgres.sh start)
    trap 'scripts/postgres.sh stop; rm -rf "$WORK"' EXIT
    echo "== PostgreSQL"
    AKINAI_DATA_DIR="$WORK/pg" AKINAI_DATABASE_URL="$url" "$BIN" benchmark "$@"
    echo "== HTTP reads, PostgreSQL (wrk, 16 connections)"
    scripts/benchmark-http.sh "$BIN" "$url"
fi
