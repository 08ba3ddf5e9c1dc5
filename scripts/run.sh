#!/usr/bin/env bash
# `make run`: release build, then the server with demo data. Without DATABASE_URL the server
# starts its own PostgreSQL under data/ and prints the demo logins.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

scripts/setup.sh --no-e2e

# A site root of its own: debug and release share target/site by default, and a server
# serving the other profile's wasm fails to hydrate.
export LEPTOS_SITE_ROOT=target/site-release
echo "==> cargo leptos build --release --precompress --split"
# --precompress writes a .br and a .gz beside each file of the site, which the server sends as is.
SQLX_OFFLINE=true cargo leptos build --release --precompress --split

export LEPTOS_OUTPUT_NAME=cloudmarket
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export CLOUDMARKET_DEMO=1
echo "==> target/release/server on http://$LEPTOS_SITE_ADDR"
exec target/release/server "$@"
