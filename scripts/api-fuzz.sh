#!/usr/bin/env bash
# Schemathesis against /openapi.json: the demo shop on a fresh SQLite database (or on FUZZ_DATABASE_URL, an empty
# PostgreSQL database), a token with every scope, and a run bounded in examples and time (FUZZ_EXAMPLES,
# FUZZ_SECONDS). Zero server errors, zero dropped connections, zero answers that contradict the document.
# Uses the binary of the last `swift build` and Schemathesis from $AKINAI_TEST_PYTHON's environment.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${AKINAI_BINARY:-.build/debug/akinai}
PY=${AKINAI_TEST_PYTHON:-.venv/bin/python3}
ST="$(dirname "$PY")/schemathesis"
[ -x "$ST" ] || "$PY" -m pip install -q schemathesis==4.32.5
WORK=$(mktemp -d)
PORT=${FUZZ_PORT:-18081}
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export AKINAI_DATA_DIR="$WORK/data" AKINAI_PORT="$PORT" AKINAI_LOG_LEVEL=error AKINAI_WORKERS=0
if [ -n "${FUZZ_DATABASE_URL:-}" ]; then export AKINAI_DATABASE_URL="$FUZZ_DATABASE_URL"; else unset AKINAI_DATABASE_URL; fi

"$BIN" demo >/dev/null
token=$("$BIN" token create --tenant demo --email admin@demo.example --name fuzz \
    --scopes "catalog:read,catalog:write,inventory:read,inventory:write,orders:read,orders:write")
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done

# Real SKU ids and codes half of the time, so generated requests also reach the code behind a found SKU.
"$PY" - "$PORT" "$token" >"$WORK/schemathesis.toml" <<'PYEOF'
import json, sys, urllib.error, urllib.request
port, token = sys.argv[1], sys.argv[2]
request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/skus?perPage=20",
                                 headers={"Authorization": f"Bearer {token}"})
items = json.load(urllib.request.urlopen(request))["items"]
# A few held reservations, so release and commit meet real ones too.
references = []
for n in range(5):
    body = json.dumps({"reference": f"fuzz-{n}", "lines": [{"sku": items[n]["code"], "quantity": 1}]}).encode()
    reserve = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/reservations", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(reserve)
        references.append(f"fuzz-{n}")
    except urllib.error.HTTPError:
        pass
print("[dictionaries]")
print("references = { values = %s }" % json.dumps(references or ["none"]))
print("sku-ids = { values = %s }" % json.dumps([item["id"] for item in items]))
print("sku-codes = { values = %s }" % json.dumps([item["code"] for item in items]))
print("[parameters]")
print('"path.skuID" = { dictionary = "sku-ids", probability = 0.5 }')
print('"path.reference" = { dictionary = "references", probability = 0.5 }')
for field in ("sku", "lines.sku"):
    print('"body.%s" = { dictionary = "sku-codes", probability = 0.5 }' % field)
PYEOF

status=0
"$ST" --config-file "$WORK/schemathesis.toml" run "http://127.0.0.1:$PORT/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance \
    --max-examples "${FUZZ_EXAMPLES:-40}" --max-time "${FUZZ_SECONDS:-300}" \
    --workers 1 --request-timeout 20 --generation-deterministic \
    --suppress-health-check all --no-color || status=$?
if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "api-fuzz: the server stopped during the run"; tail -50 "$WORK/serve.log"; exit 1
fi
curl -fsS "http://127.0.0.1:$PORT/health" | grep -q '"ok"' || { echo "api-fuzz: /health does not answer"; exit 1; }
if grep -qE "\[ (ERROR|CRITICAL) \]|Fatal error" "$WORK/serve.log"; then
    echo "api-fuzz: the server logged errors:"; grep -E "\[ (ERROR|CRITICAL) \]|Fatal error" "$WORK/serve.log" | head -20
    status=1
fi
[ "$status" = 0 ] && echo "api-fuzz: no findings"
exit "$status"
