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
