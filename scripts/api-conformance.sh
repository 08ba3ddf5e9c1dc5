#!/usr/bin/env bash
# The partner API against its own OpenAPI document (the `api-conformance` stage of `make test`):
# Schemathesis runs every operation of /api/v1/openapi.json, with all its checks, on the real
# server (the debug build, the demo data, the sandbox, a worker), with an API key made as a
# partner makes one (signed in, through Settings → API keys' server function). It fails on any
# failure. Needs DATABASE_URL (a PostgreSQL to create its database on; test.sh exports it).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

: "${DATABASE_URL:?DATABASE_URL must name a PostgreSQL this script may create a database on}"
schemathesis="$PY_TOOLS/bin/schemathesis"
[[ -x "$schemathesis" ]] || { echo "no $schemathesis: run scripts/setup.sh" >&2; exit 1; }

# The server under test: the one `make test` built (or CLOUDMARKET_SERVER_BIN, a copy of your own).
server="${CLOUDMARKET_SERVER_BIN:-$(server_bin)}"
base="${DATABASE_URL%/*}"
database="cloudmarket_api_conformance_$$"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
origin="http://127.0.0.1:$port"
work="$(mktemp -d /tmp/cloudmarket-api-conformance.XXXXXX)"
psql "$base/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $database"

server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

DATABASE_URL="$base/$database" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_OUTPUT_NAME=cloudmarket \
    CLOUDMARKET_DEMO=1 CLOUDMARKET_SANDBOX=1 CLOUDMARKET_WORKERS=1 CLOUDMARKET_PROVISIONING_STEP_MS=0 \
    CLOUDMARKET_API_REQUESTS_PER_MINUTE=1000000 CLOUDMARKET_SIGN_IN_PER_IP_PER_MINUTE=100000 \
    RUST_LOG="${RUST_LOG:-warn}" "$server" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
    curl -fsS "$origin/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done

# A key as a partner makes one: signed in, then Settings → API keys.
curl -fsS -c "$work/cookies" -H "Origin: $origin" -H 'Accept: application/json' \
    --data-urlencode 'email=partner@reseller.example' --data-urlencode 'password=demo-password' \
    --data-urlencode 'next=' "$origin/api/login" >/dev/null
token="$(curl -fsS -b "$work/cookies" -H "Origin: $origin" -H 'Accept: application/json' \
    --data-urlencode 'name=Schemathesis' -d scope_read=on -d scope_orders=on -d scope_subscriptions=on \
    -d scope_billing=on -d language=en "$origin/api/create_api_key" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

# Real things for the operations that read or change one: an order for Contoso (provisioned), a
# cancellation order waiting to be opened, and a statement. Made through the API itself, and the
# statement by credit control's "Run billing".
curl -fsS -c "$work/credit" -H "Origin: $origin" -H 'Accept: application/json' \
    --data-urlencode 'email=credit@distributor.example' --data-urlencode 'password=demo-password' \
    --data-urlencode 'next=' "$origin/api/login" >/dev/null
ORIGIN="$origin" TOKEN="$token" CREDIT_COOKIES="$work/credit" python3 - <<'PY'
import json, os, time, urllib.request, uuid

origin, token = os.environ["ORIGIN"], os.environ["TOKEN"]

def call(method, path, body=None):
    request = urllib.request.Request(origin + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Authorization", "Bearer " + token)
    request.add_header("Content-Type", "application/json")
    request.add_header("Idempotency-Key", str(uuid.uuid4()))
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)

contoso = call("GET", "/api/v1/customers?q=contoso")["data"][0]["customer_id"]
order = call("POST", "/api/v1/orders", {"customer_id": contoso, "lines": [
    {"sku": "CFQ7TTC0LH18", "billing_cycle": "monthly", "quantity": 5},
    {"sku": "CFQ7TTC0LHXK", "billing_cycle": "monthly", "quantity": 5}]})["order_number"]
for _ in range(300):
    if call("GET", f"/api/v1/orders/{order}")["status"] == "completed":
        break
    time.sleep(0.2)
else:
    raise SystemExit(f"order {order} was not provisioned")
subscriptions = call("GET", f"/api/v1/subscriptions?customer_id={contoso}")["data"]
defender = next(s for s in subscriptions if s["sku"] == "CFQ7TTC0LHXK")["subscription_id"]
call("POST", f"/api/v1/subscriptions/{defender}/cancel")
PY
curl -fsS -b "$work/credit" -H "Origin: $origin" -H 'Accept: application/json' \
    --data-urlencode "period=$(date -u +%Y-%m)" "$origin/api/run_billing" >/dev/null

# A fixed seed: the same cases on every run. Two workers, about two minutes on a 2-core machine.
status=0
"$schemathesis" --config-file scripts/schemathesis.toml run "$origin/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" \
    --seed 20261207 \
    --workers 2 \
    --request-timeout 30 \
    --report junit --report-dir "${SCHEMATHESIS_REPORT_DIR:-$work/report}" || status=$?
if ((status != 0)); then
    echo "==> the server's log (last 60 lines):"
    tail -n 60 "$work/server.log"
fi
exit "$status"
