#!/usr/bin/env bash
# `make lighthouse` (also the last part of `make bench`): builds the release product as `make run`
# does, starts it with demo data on a private PostgreSQL, and runs Lighthouse (npm, pinned in
# end2end/lighthouse/, in Debian's Chromium) on the pages phones and partners open first, signed in
# as each role, three runs each (end2end/lighthouse/run.mjs). Prints per page the median scores,
# LCP, TBT, TTI, the bytes transferred and the wasm loaded. Figures, not pass/fail: it exits
# non-zero only when a page errors.
#
#     scripts/lighthouse.sh               build, then measure
#     scripts/lighthouse.sh --no-build    measure the last release build
#     LIGHTHOUSE_RUNS=5 LIGHTHOUSE_PORT=3120 scripts/lighthouse.sh
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

build=1
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
    esac
done

scripts/setup.sh
# Lighthouse (pinned) in a package folder of its own, installed here so `make test` never waits for it.
if [[ ! -f end2end/lighthouse/node_modules/.package-lock.json \
    || end2end/lighthouse/package-lock.json -nt end2end/lighthouse/node_modules/.package-lock.json ]]; then
    echo "==> installing end2end/lighthouse npm packages (npm ci)"
    (cd end2end/lighthouse && npm ci)
fi

# The release front end and server `make run` builds, in its site root.
site=target/site-release
if ((build)); then
    echo "==> cargo leptos build --release --precompress --split"
    LEPTOS_SITE_ROOT=$site SQLX_OFFLINE=true cargo leptos build --release --precompress --split
fi
bin=$REPO_ROOT/target/release/server
[[ -x "$bin" ]] && compgen -G "$site/pkg/__wasm_split_manifest*.json" >/dev/null \
    || { echo "no release build in target/: run without --no-build" >&2; exit 1; }

out=target/lighthouse
rm -rf "$out"
mkdir -p "$out"

server_pid=
pg_dir=
# The server first (run.mjs stops its own workers), then PostgreSQL: deleting a live data
# directory would leave an orphan server behind.
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -n "$pg_dir" ]]; then
        "$bin" pg stop "$pg_dir" >/dev/null || true
        rm -rf "$pg_dir"
    fi
}
trap cleanup EXIT

# A throwaway PostgreSQL of its own (unless `make bench` passes one), started by the release
# binary just built (`server pg start`), so nothing else needs building.
if [[ -z "${DATABASE_URL:-}" ]]; then
    pg_dir="$(mktemp -d /tmp/cloudmarket-lighthouse-pg.XXXXXX)"
    pg_url="$("$bin" pg start "$pg_dir" 2>"$out/postgres.log")"
    psql "$pg_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_lighthouse'
    DATABASE_URL="${pg_url%/*}/cloudmarket_lighthouse"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=${LIGHTHOUSE_PORT:-$(free_port)}

# The product as `make run` serves it, except that it runs no workers of its own: run.mjs starts
# `server worker` processes (the same environment) when an order must provision, fast or slowly.
export DATABASE_URL LEPTOS_SITE_ROOT=$site LEPTOS_OUTPUT_NAME=cloudmarket LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=127.0.0.1:$port CLOUDMARKET_DEMO=1 CLOUDMARKET_SIGN_IN_PER_IP_PER_MINUTE=100000 \
    CLOUDMARKET_SHUTDOWN_GRACE_MS=0 RUST_LOG=${RUST_LOG:-warn}
CLOUDMARKET_WORKERS=0 "$bin" >"$out/server.log" 2>&1 &
server_pid=$!
origin=http://127.0.0.1:$port
for _ in $(seq 1 600); do
    curl -fs "$origin/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
curl -fs "$origin/healthz" >/dev/null || { echo "the server did not come up; see $out/server.log" >&2; exit 1; }

node end2end/lighthouse/run.mjs --origin "$origin" --server-bin "$bin" --reports "$REPO_ROOT/$out" \
    --runs "${LIGHTHOUSE_RUNS:-3}"
