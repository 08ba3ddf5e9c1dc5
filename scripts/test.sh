#!/usr/bin/env bash
# Everything CI checks (`make test`): formatting, lints, Rust tests against a throwaway
# PostgreSQL, the cargo-leptos build, the first-load budget, then the Playwright tests. Stops at the first failure.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

started=$SECONDS
timings=()
stage_name=""
stage_started=0

begin() {
    stage_name="$1"
    stage_started=$SECONDS
    printf '\n==> [%s]\n' "$stage_name"
}

end() {
    local line
    line="$(printf '%-14s %5ss' "$stage_name" "$((SECONDS - stage_started))")"
    timings+=("$line")
    printf '==> %s\n' "$line"
    stage_name=""
}

# Each stage's output is also kept in target/test-logs/<stage>.log: when a stage fails, the lines
# that say why are printed again after the timings, where a log cut to its tail still shows them.
log_dir="$REPO_ROOT/target/test-logs"
mkdir -p "$log_dir"
stage() {
    begin "$1"
    shift
    printf '    %s\n' "$*"
    # Not a pipe: a stage that leaves a process behind holding its output (a server it started)
    # would keep tee, and with it `make test`, waiting forever.
    "$@" > >(tee "$log_dir/$stage_name.log") 2>&1
    end
}

# Playwright's numbered failure headers and their first error lines; compiler errors, panics and
# failed Rust tests for the other stages.
why_failed() {
    local log="$log_dir/$1.log"
    [[ -f "$log" ]] || return 0
    # tee may still be writing the stage's last lines.
    sleep 1
    printf '\n==> why %s failed (from %s)\n' "$1" "${log#"$REPO_ROOT"/}"
    sed 's/\x1b\[[0-9;]*m//g' "$log" |
        grep -A1 -E '^ +[0-9]+\) \[|^ +(Error|TimeoutError|Locator|expect)|^error(\[E[0-9]+\])?:|panicked at|^test .* FAILED$|^ +[0-9]+ (failed|flaky|did not run)' |
        grep -v -E '^(--)?\s*$' | head -n 40 || true
}

pg_dir=""
pg_bin=""
finish() {
    local rc=$?
    if [[ -n "$pg_dir" ]]; then
        # Stop before deleting: removing a live data directory leaves an orphan server.
        "$pg_bin" pg stop "$pg_dir" || true
        rm -rf "$pg_dir"
    fi
    printf '\n==> timings\n'
    if ((${#timings[@]})); then printf '    %s\n' "${timings[@]}"; fi
    if ((rc != 0)) && [[ -n "$stage_name" ]]; then
        printf '    %-14s FAILED after %ss\n' "$stage_name" "$((SECONDS - stage_started))"
    fi
    printf '    %-14s %5ss\n' total "$((SECONDS - started))"
    if ((rc != 0)) && [[ -n "$stage_name" ]]; then why_failed "$stage_name"; fi
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

stage setup scripts/setup.sh

# Test binaries are large and every build leaves the previous ones behind: on a nearly full disk
# the link step dies halfway. Below 15 GiB free, start the plain target over instead.
free_kib="$(df -Pk "$REPO_ROOT" | awk 'NR == 2 { print $4 }')"
if ((free_kib < 15 * 1024 * 1024)) && [[ -d target/plain ]]; then
    echo "==> only $((free_kib / 1024 / 1024)) GiB free: removing target/plain before building"
    rm -rf target/plain
fi

begin postgres
# The server's own code starts it (`server pg start`); building the server here compiles what the
# stages below need anyway, in the same target dir.
pg_bin="$(CARGO_TARGET_DIR=target/plain server_bin)"
pg_dir="$(mktemp -d /tmp/cloudmarket-test-pg.XXXXXX)"
DATABASE_URL="$("$pg_bin" pg start "$pg_dir")"
export DATABASE_URL
pg_port="${DATABASE_URL##*:}"
pg_port="${pg_port%%/*}"
# Playwright's server gets a database of its own, so it never sees what the Rust tests left.
psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_e2e'
export CLOUDMARKET_E2E_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/cloudmarket_e2e"
echo "    DATABASE_URL=$DATABASE_URL"
echo "    CLOUDMARKET_E2E_DATABASE_URL=$CLOUDMARKET_E2E_DATABASE_URL"
end

# Plain cargo gets its own target dir: cargo-leptos builds with different flags in target/,
# and sharing it would rebuild everything each time one follows the other.
# Incremental compilation only pays off across edits; here it would just fill the disk.
plain=(env CARGO_TARGET_DIR=target/plain SQLX_OFFLINE=true CARGO_INCREMENTAL=0)

stage fmt cargo fmt --all --check
# Fields whose value only the browser sets are blank without JavaScript (see the script).
stage views python3 scripts/check-views.py app/src
stage layers python3 scripts/check-layers.py
stage clippy-server "${plain[@]}" LEPTOS_OUTPUT_NAME=cloudmarket \
    cargo clippy -p server --all-targets -- -D warnings
stage clippy-wasm "${plain[@]}" \
    cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
# The offline query data every build uses must match the queries and the migrations: a stale
# .sqlx/ builds here yet fails on the next change, far from its cause.
sqlx_check() {
    local url="postgres://postgres@127.0.0.1:$pg_port/cloudmarket_sqlx_check"
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_sqlx_check'
    DATABASE_URL="$url" sqlx migrate run --source server/migrations >/dev/null
    DATABASE_URL="$url" CARGO_TARGET_DIR=target/plain LEPTOS_OUTPUT_NAME=cloudmarket \
        cargo sqlx prepare --check --workspace -- --all-targets
}
stage sqlx-check sqlx_check
stage rust-tests "${plain[@]}" LEPTOS_OUTPUT_NAME=cloudmarket cargo test --workspace -- --include-ignored
# The partner API against its own OpenAPI document: Schemathesis (scripts/requirements-test.txt)
# runs every operation with all its checks on the debug server the stage above built.
stage api-conformance env CLOUDMARKET_SERVER_BIN=target/plain/debug/server scripts/api-conformance.sh
# The short soak: three servers and two workers (the debug build above) on a private PostgreSQL,
# ten partners ordering for a minute while two processes are SIGKILLed and PostgreSQL restarts;
# fails on any invariant (an order lost or doubled, credit overdrawn, a mail not sent exactly once,
# a progress step a browser missed, a 5xx). `make soak` runs the long form (release, 5 minutes).
stage soak target/plain/debug/examples/soak --server "$REPO_ROOT/target/plain/debug/server" \
    --seconds 60 --kills 2 --partners 10
# The browser tests run on the bundle users get: the release front end, split by page, hashed and
# precompressed, as `make run` builds it (the budget stage builds it and checks what each page
# downloads). Only the server is a debug build: a release server build would add about 20 minutes.
stage leptos-build env SQLX_OFFLINE=true cargo leptos build --server-only
stage budget scripts/check-budget.sh
export CLOUDMARKET_E2E_SITE_ROOT=target/site-release
# The release build's hash file names the bundle's files; the debug server reads it from there.
export LEPTOS_HASH_FILE_NAME="$REPO_ROOT/target/release/hash.txt"
stage playwright bash -c 'cd end2end && npx playwright test'

printf '\n==> all checks passed\n'
