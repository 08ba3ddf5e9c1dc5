#!/usr/bin/env bash
# The first-load budget: what a phone downloads on its first visit to any page (the hydrate wasm,
# its script and the stylesheet, brotli-compressed as the server sends them). Builds the release
# front end the way `make run` does (hashed, precompressed) into `make run`'s site root, prints
# each file and the total, and fails when the total is over the budget. A size, not a timing.
#
# The bundle grew from 1.6 MB to 3.4 MB once without anyone seeing it: when a change outgrows the
# budget, make the bundle smaller; raise the budget only with the figures in the change's note.
# The goal, once the bundle is split by route, is 200 KB for the login page and the portal.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

BUDGET_BYTES=${CLOUDMARKET_FIRST_LOAD_BUDGET:-900000}
site=target/site-release

if [[ "${1:-}" != "--no-build" ]]; then
    LEPTOS_SITE_ROOT=$site SQLX_OFFLINE=true cargo leptos build --release --precompress --frontend-only
fi

total=0
count=0
printf '%-60s %12s %12s\n' "first load (release)" "raw B" "brotli B"
for ext in wasm js css; do
    for file in "$site"/pkg/cloudmarket.*."$ext"; do
        [[ -f "$file" && -f "$file.br" ]] || { echo "no precompressed $ext bundle in $site/pkg" >&2; exit 1; }
        raw=$(stat -c %s "$file")
        br=$(stat -c %s "$file.br")
        printf '%-60s %12d %12d\n' "${file#"$site"/}" "$raw" "$br"
        total=$((total + br))
        count=$((count + 1))
    done
done
printf '%-60s %12s %12d\n' "total ($count files), budget $BUDGET_BYTES" "" "$total"
if ((count != 3)); then
    echo "expected one wasm, one script and one stylesheet, found $count files" >&2
    exit 1
fi
if ((total > BUDGET_BYTES)); then
    echo "over the first-load budget by $((total - BUDGET_BYTES)) bytes" >&2
    exit 1
fi
