#!/usr/bin/env bash
# Part of `make bench`: how fast the server renders pages, against a bare axum handler serving the
# same bytes (`server/examples/raw_page.rs`), with wrk at 32 connections on this machine. Prints
# requests per second and p50 latency for the baseline, /login and a signed-in catalog page, and
# the ratios the Phone-fast targets are stated in (/login ≥ 0.1× raw; catalog ≥ 0.3× /login).
# Figures, not pass/fail; it fails only when something does not answer.
#
#     scripts/bench-pages.sh            # release build; BENCH_PROFILE=debug for a quick try
#     BENCH_SECONDS=10 BENCH_CONNECTIONS=32 scripts/bench-pages.sh
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-32}
profile=${BENCH_PROFILE:-release}
# CARGO_TARGET_DIR may name a target directory several checkouts share; what this run executes is
# copied out of it right after the build, so another checkout's build cannot swap it mid-run.
target=${CARGO_TARGET_DIR:-target/plain}
out=target/bench-pages
mkdir -p "$out/bin"

if ! command -v wrk >/dev/null 2>&1; then
    echo "==> installing wrk (apt)"
    sudo=(); ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
fi

# BENCH_BIN=DIR runs the `server` and `raw_page` already in DIR instead (e.g. another commit's
# build, to compare two side by side).
if [[ -n "${BENCH_BIN:-}" ]]; then
    bin=$BENCH_BIN
else
    flags=(); [[ "$profile" == release ]] && flags=(--release)
    SQLX_OFFLINE=true CARGO_INCREMENTAL=0 LEPTOS_OUTPUT_NAME=cloudmarket CARGO_TARGET_DIR=$target \
        cargo build "${flags[@]}" -p server --bin server --example raw_page
    cp "$target/$profile/server" "$target/$profile/examples/raw_page" "$out/bin/"
    if [[ -f "$target/$profile/hash.txt" ]]; then cp "$target/$profile/hash.txt" "$out/bin/"; fi
    bin=$out/bin
fi

if [[ -z "${DATABASE_URL:-}" ]]; then
    private_pg bench-pages
    psql "$PG_BASE_URL" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_bench_pages'
    DATABASE_URL="${PG_BASE_URL%/*}/cloudmarket_bench_pages"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
app_port=$(free_port)
raw_port=$(free_port)
pids=()
# Replaces private_pg's trap: the servers first, then the private PostgreSQL.
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    if [[ -n "${PG_TMP_DIR:-}" ]]; then
        "$PG_SERVER_BIN" pg stop "$PG_TMP_DIR" || true
        rm -rf "$PG_TMP_DIR"
    fi
}
trap cleanup EXIT

# The product as `make run` starts it (demo data for a signed-in page), one worker-less process.
DATABASE_URL=$DATABASE_URL LEPTOS_SITE_ADDR=127.0.0.1:$app_port CLOUDMARKET_DEMO=1 CLOUDMARKET_WORKERS=0 \
    CLOUDMARKET_SIGN_IN_PER_IP_PER_MINUTE=1000000 RUST_LOG=warn LEPTOS_OUTPUT_NAME=cloudmarket \
    "$bin/server" >"$out/server.log" 2>&1 &
pids+=($!)
origin=http://127.0.0.1:$app_port
for _ in $(seq 1 600); do
    curl -fs "$origin/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "$origin/healthz" >/dev/null || { echo "the server did not come up; see $out/server.log" >&2; exit 1; }

# The baseline serves exactly the bytes /login answers with.
curl -fs "$origin/login" -o "$out/login.html"
"$bin/raw_page" "127.0.0.1:$raw_port" "$out/login.html" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$raw_port/" >/dev/null 2>&1 && break; sleep 0.1; done

# A partner's session for the catalog.
curl -fs -c "$out/cookies" -H "Origin: $origin" -H 'Accept: application/json' \
    --data-urlencode email=partner@reseller.example --data-urlencode password=demo-password \
    "$origin/api/login" >/dev/null
session=$(awk '$6 == "cm_session" { print $7 }' "$out/cookies")
[[ -n "$session" ]] || { echo "could not sign in as the demo partner" >&2; exit 1; }
curl -fs -H "Cookie: cm_session=$session" "$origin/cp/catalog" -o "$out/catalog.html"
grep -q 'Microsoft' "$out/catalog.html" || { echo "the catalog page did not render signed in" >&2; exit 1; }

# wrk's summary: requests/s and the 50th percentile latency (in ms).
measure() {
    local name=$1 url=$2
    shift 2
    local report
    report=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url")
    local rps p50
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$report")
    p50=$(awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; print v }' <<<"$report")
    if grep -q 'Non-2xx' <<<"$report"; then
        echo "$name: some answers were not 2xx:" >&2
        echo "$report" >&2
        exit 1
    fi
    printf '%-34s %12.0f req/s   p50 %8.2f ms\n' "$name" "$rps" "$p50"
    eval "rps_${name//[^a-z]/_}=$rps"
}

echo "pages at $connections connections for ${seconds}s each ($profile build, $(nproc) cores, client and server on one machine)"
measure raw "http://127.0.0.1:$raw_port/login"
measure login "$origin/login"
measure catalog "$origin/cp/catalog" -H "Cookie: cm_session=$session"
# shellcheck disable=SC2154 # set by measure
awk -v raw="$rps_raw" -v login="$rps_login" -v catalog="$rps_catalog" 'BEGIN {
    printf "/login vs raw axum: %.3fx (target >= 0.1)\n", login / raw
    printf "signed-in catalog vs /login: %.3fx (target >= 0.3)\n", catalog / login
}'
