#!/usr/bin/env bash
# HTTP figures: starts a release `akinai serve` on a scratch demo shop and runs wrk (16 connections,
# 2 threads, on the same machine) against the hot read routes and order intake. Called by scripts/benchmark.sh; alone:
#   scripts/benchmark-http.sh BINARY [DATABASE_URL]
# Without DATABASE_URL it uses a scratch SQLite file. Set BENCH_SECONDS (default 10) for each route's run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?usage: scripts/benchmark-http.sh BINARY [DATABASE_URL]}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
SECONDS_EACH=${BENCH_SECONDS:-10}
PORT=${BENCH_PORT:-18089}
WORK=$(mktemp -d)
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
export AKINAI_DATA_DIR="$WORK" AKINAI_LOG_LEVEL=error AKINAI_WORKERS=0 AKINAI_PORT=$PORT
if [ -n "${2:-}" ]; then export AKINAI_DATABASE_URL="$2"; fi

"$BIN" demo >/dev/null
TOKEN=$("$BIN" token create --tenant demo --email admin@demo.example --scopes catalog:read,inventory:read,inventory:write,orders:read,orders:write \
    --name benchmark | tail -n 1)
"$BIN" serve >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
    sleep 0.2
done
BASE="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"
SKU=$(curl -fs -H "$AUTH" "$BASE/api/v1/skus?perPage=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

# Prints one line: the route, requests per second, p99 latency, and any non-2xx or socket errors.
run() {
    local name=$1 url=$2
    shift 2
    local out
    out=$(wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency "$@" "$url" ${SCRIPT_ARGS:-})
    local rps p99 bad errors
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
    errors=$(awk '/Socket errors:/ {print $0}' <<<"$out")
    printf '%-36s %8s req/s  p99 %8s%s%s\n' "$name" "$rps" "$p99" "${bad:+  non-2xx: $bad}" "${errors:+  $errors}"
}
run "GET /health" "$BASE/health"
run "GET /api/v1/skus/{id}" "$BASE/api/v1/skus/$SKU" -H "$AUTH"
run "GET /api/v1/skus?perPage=20" "$BASE/api/v1/skus?perPage=20" -H "$AUTH"
run "GET /api/v1/stock/{id}" "$BASE/api/v1/stock/$SKU" -H "$AUTH"

# Order intake: two plain SKUs get plenty of stock, then every request takes a new order (sealing, reservation and
# audit included).
read -r SKU1 SKU2 < <(curl -fs -H "$AUTH" "$BASE/api/v1/skus?perPage=50" |
    python3 -c 'import json,sys; c=[i["code"] for i in json.load(sys.stdin)["items"] if not i["isSet"]]; print(c[0], c[1])')
for code in "$SKU1" "$SKU2"; do
    curl -fs -o /dev/null -H "$AUTH" -H "Content-Type: application/json" -X POST "$BASE/api/v1/stock/movements" \
        -d "{\"sku\": \"$code\", \"kind\": \"receipt\", \"quantity\": 1000000}"
done
before=$(curl -fs -H "$AUTH" "$BASE/api/v1/orders?limit=1" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["counts"].values()))')
SCRIPT_ARGS="$SKU1 $SKU2 B$$" run "POST /api/v1/orders (1-2 lines)" "$BASE/api/v1/orders" -H "$AUTH" -s scripts/bench-orders.lua
after=$(curl -fs -H "$AUTH" "$BASE/api/v1/orders?limit=1" | python3 -c 'import json,sys; d=json.load(sys.stdin)["counts"]; print(sum(d.values()), d.get("on_hold", 0))')
echo "orders taken: $(( ${after% *} - before )), on hold: ${after#* }"
