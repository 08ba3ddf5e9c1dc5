# shellcheck shell=bash
# Sourced by the other scripts (and by hand: `source scripts/env.sh`) so that the tools
# setup.sh installs are found, and found before any older system copies.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${CLOUDMARKET_TOOLS_DIR:-$HOME/.cache/cloudmarket/tools}"
# The Python tools the tests run (schemathesis, standardwebhooks, efatura-kontrol), set up by setup.sh.
PY_TOOLS="$TOOLS_DIR/venv"
export REPO_ROOT TOOLS_DIR PY_TOOLS

# npm's binaryen (wasm-opt 132) must shadow Debian's wasm-opt 108, whose output never hydrates.
export PATH="$REPO_ROOT/end2end/node_modules/.bin:$TOOLS_DIR/bin:$PATH"

# Non-login shells (CI, make) may not have rustup's directory on PATH.
if ! command -v cargo >/dev/null 2>&1 && [[ -d "$HOME/.cargo/bin" ]]; then
    export PATH="$PATH:$HOME/.cargo/bin"
fi

# The server binary, built first if needed, for subcommands such as `server pg start DIR`. Built in
# the plain target dir with the settings test.sh, bench.sh and sqlx-prepare.sh build with, so its
# dependencies are the ones those builds compile anyway (no second cold build). Prints its path;
# cargo's messages go to stderr. A query changed without refreshing .sqlx/ does not build offline;
# then the last binary built is used, so sqlx-prepare.sh can still start the database it needs to
# refresh .sqlx/.
server_bin() {
    local target="${CARGO_TARGET_DIR:-target/plain}"
    [[ "$target" == /* ]] || target="$REPO_ROOT/$target"
    if ! (cd "$REPO_ROOT" && CARGO_TARGET_DIR="$target" SQLX_OFFLINE=true CARGO_INCREMENTAL=0 \
        LEPTOS_OUTPUT_NAME=cloudmarket cargo build --quiet -p server --bin server >&2); then
        if [[ ! -x "$target/debug/server" ]]; then
            echo "server_bin: the server does not build and no earlier build is in $target" >&2
            return 1
        fi
        echo "server_bin: the server does not build now; using the last build in $target" >&2
    fi
    echo "$target/debug/server"
}

# A throwaway PostgreSQL for the calling script (sqlx-prepare, bench): started now, stopped and
# deleted when the script exits. Sets PG_BASE_URL (…/postgres). Stopping comes before deleting:
# removing a live data directory leaves an orphan server.
private_pg() {
    PG_TMP_DIR="$(mktemp -d "/tmp/cloudmarket-$1-pg.XXXXXX")"
    PG_SERVER_BIN="$(server_bin)"
    trap '"$PG_SERVER_BIN" pg stop "$PG_TMP_DIR" || true; rm -rf "$PG_TMP_DIR"' EXIT
    PG_BASE_URL="$("$PG_SERVER_BIN" pg start "$PG_TMP_DIR")"
}
