#!/usr/bin/env bash
# The first-load budget: what a phone downloads on its first visit to a page, brotli-compressed as
# the server sends it. Builds the release front end the way `make run` does (split, hashed,
# precompressed) into `make run`'s site root, then reads what the build emitted:
#
#   - what every page loads: the main wasm, its script, the split loader and the stylesheet;
#   - what one area of pages adds: the wasm chunks the server preloads for it, as the
#     build's split manifest lists them (the same manifest the server reads to name them).
#
# Prints each page's bytes and fails when one is over its budget. A size, not a timing.
#
# The bundle grew from 1.6 MB to 3.4 MB once without anyone seeing it: when a change outgrows a
# budget, make the bundle smaller; raise a budget only with the figures in the change's note.
#
#   scripts/check-budget.sh              build, then check
#   scripts/check-budget.sh --no-build   check the last build in target/site-release
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

site=${LEPTOS_SITE_ROOT:-target/site-release}

if [[ "${1:-}" != "--no-build" ]]; then
    LEPTOS_SITE_ROOT=$site SQLX_OFFLINE=true cargo leptos build --release --precompress --split --frontend-only
fi

python3 scripts/first-load.py "$site/pkg"
