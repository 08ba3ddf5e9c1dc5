# shellcheck shell=bash
# Sourced by the other scripts (and by hand: `source scripts/env.sh`) so that the tools
# setup.sh installs are found, and found before any older system copies.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${CLOUDMARKET_TOOLS_DIR:-$HOME/.cache/cloudmarket/tools}"
export REPO_ROOT TOOLS_DIR

# npm's binaryen (wasm-opt 132) must shadow Debian's wasm-opt 108, whose output never hydrates.
export PATH="$REPO_ROOT/end2end/node_modules/.bin:$TOOLS_DIR/bin:$PATH"

# Non-login shells (CI, make) may not have rustup's directory on PATH.
if ! command -v cargo >/dev/null 2>&1 && [[ -d "$HOME/.cargo/bin" ]]; then
    export PATH="$PATH:$HOME/.cargo/bin"
fi

# A throwaway PostgreSQL for the calling script (sqlx-prepare, bench): started now, stopped and
# deleted when the script exits. Sets PG_BASE_URL (…/postgres). Stopping comes before deleting:
# removing a live data directory leaves an orphan server.
private_pg() {
    PG_TMP_DIR="$(mktemp -d "/tmp/cloudmarket-$1-pg.XXXXXX")"
    trap 'scripts/pg-test-cluster.sh stop "$PG_TMP_DIR" || true; rm -rf "$PG_TMP_DIR"' EXIT
    PG_BASE_URL="$(scripts/pg-test-cluster.sh start "$PG_TMP_DIR")"
}
