#!/usr/bin/env bash
# Installs everything building, running and testing need on a fresh Debian 12 machine, skipping
# whatever is already installed at the right version, so it is cheap to run before every build.
#
#   scripts/setup.sh            everything
#   scripts/setup.sh --no-e2e   without the browser (for `make run`)
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

# 0.3.11 does not build on Rust 1.95.
CARGO_LEPTOS_VERSION=0.3.10
# Must equal the wasm-bindgen crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130
SQLX_CLI_VERSION=0.8.6

with_e2e=1
for arg in "$@"; do
    case "$arg" in
        --no-e2e) with_e2e=0 ;;
        *) echo "usage: $0 [--no-e2e]" >&2; exit 2 ;;
    esac
done

say() { printf '==> %s\n' "$*"; }

# True if running BIN --version prints exactly VERSION as a word (0.3.10 must not match 0.3.100).
has_version() {
    local out
    out="$("$1" --version 2>/dev/null)" || return 1
    [[ " $out " =~ [^0-9.]${2//./\\.}[^0-9.] ]]
}

locked_bindgen="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock 2>/dev/null | sed -n 's/^version = "\(.*\)"$/\1/p' || true)"
if [[ -n "$locked_bindgen" && "$locked_bindgen" != "$WASM_BINDGEN_VERSION" ]]; then
    echo "Cargo.lock has wasm-bindgen $locked_bindgen but this script installs the CLI $WASM_BINDGEN_VERSION; make them equal" >&2
    exit 1
fi

# Captured first: with pipefail, `grep -q` quitting early can fail the pipeline (SIGPIPE).
installed_targets="$(rustup target list --installed)"
if grep -qx wasm32-unknown-unknown <<<"$installed_targets"; then
    say "rust target wasm32-unknown-unknown: present"
else
    say "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

apt_packages=()
if ((with_e2e)) && [[ ! -x /usr/bin/chromium ]]; then apt_packages+=(chromium); fi
if ! command -v brotli >/dev/null 2>&1; then apt_packages+=(brotli); fi
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then apt_packages+=(postgresql); fi
if ((${#apt_packages[@]})); then
    sudo=()
    if [[ "$(id -u)" != 0 ]]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "need root to install: apt-get install ${apt_packages[*]}" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    say "installing with apt-get: ${apt_packages[*]}"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_packages[@]}"
else
    say "apt packages (chromium, brotli, postgresql): present"
fi

mkdir -p "$TOOLS_DIR"

if has_version "$TOOLS_DIR/bin/cargo-leptos" "$CARGO_LEPTOS_VERSION"; then
    say "cargo-leptos $CARGO_LEPTOS_VERSION: present"
else
    # no_downloads: it would otherwise fetch wasm-bindgen/wasm-opt from GitHub at build time.
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION into $TOOLS_DIR (about 10 minutes)"
    cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads --root "$TOOLS_DIR"
fi

if has_version "$TOOLS_DIR/bin/wasm-bindgen" "$WASM_BINDGEN_VERSION"; then
    say "wasm-bindgen-cli $WASM_BINDGEN_VERSION: present"
else
    # Not --locked: its lockfile pins a crate version the registry lacks.
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into $TOOLS_DIR (about 3 minutes)"
    CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback \
        cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --root "$TOOLS_DIR"
fi

# `make test` checks the offline query data (.sqlx/) against the migrations; `make sqlx-prepare`
# refreshes it.
if has_version "$TOOLS_DIR/bin/sqlx" "$SQLX_CLI_VERSION"; then
    say "sqlx-cli $SQLX_CLI_VERSION: present"
else
    say "installing sqlx-cli $SQLX_CLI_VERSION into $TOOLS_DIR (about 4 minutes)"
    cargo install sqlx-cli --version "=$SQLX_CLI_VERSION" --no-default-features --features postgres,rustls \
        --locked --root "$TOOLS_DIR"
fi

# Python tools the tests run (scripts/requirements-test.txt), in a virtualenv of their own that is
# rebuilt when the pinned list changes. Scripts find it as $PY_TOOLS (scripts/env.sh).
requirements=scripts/requirements-test.txt
stamp="$PY_TOOLS/requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ -x "$PY_TOOLS/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    say "python test tools ($requirements): present"
else
    say "installing python test tools ($requirements) into $PY_TOOLS"
    rm -rf "$PY_TOOLS"
    python3 -m venv "$PY_TOOLS"
    "$PY_TOOLS/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" >"$stamp"
fi

# Also wanted with --no-e2e: this is where the release build's wasm-opt comes from.
# npm rewrites node_modules/.package-lock.json on every install, so it dates the last one.
if [[ ! -f end2end/node_modules/.package-lock.json \
    || end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
    say "installing end2end npm packages (npm ci)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci)
else
    say "end2end npm packages: up to date"
fi

say "setup done; to use the tools in your shell: source scripts/env.sh"
say "  (that is: export PATH=\"$REPO_ROOT/end2end/node_modules/.bin:$TOOLS_DIR/bin:\$PATH\")"
