#!/usr/bin/env bash
# Refreshes .sqlx/ (the offline query data every build uses with SQLX_OFFLINE=true) after a
# query or migration changed: a throwaway PostgreSQL, the migrations, then `cargo sqlx prepare`.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

if ! "$TOOLS_DIR/bin/sqlx" --version 2>/dev/null | grep -q ' 0\.8\.6$'; then
    echo "==> installing sqlx-cli 0.8.6 into $TOOLS_DIR"
    cargo install sqlx-cli --version =0.8.6 --no-default-features --features postgres,rustls --locked --root "$TOOLS_DIR"
fi

private_pg sqlx
base_url="$PG_BASE_URL"
export DATABASE_URL="${base_url%/*}/cloudmarket_prepare"

sqlx database create
sqlx migrate run --source server/migrations
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/plain}" LEPTOS_OUTPUT_NAME=cloudmarket \
    cargo sqlx prepare --workspace -- --all-targets
