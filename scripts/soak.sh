#!/usr/bin/env bash
# `make soak`: the marketplace under load while its processes are killed (server/examples/soak).
# Three `server` and two `server worker` processes on one private PostgreSQL, a fake mail server and
# the Partner Center sandbox failing 30 % of its calls; simulated partners order, change and cancel
# over HTTP while a browser on every node follows live progress; a random process is SIGKILLed every
# few seconds and PostgreSQL is restarted once. Then the queue drains and every invariant is checked
# (nothing lost, nothing done twice, no 5xx); it exits non-zero unless all are 0.
#
#     make soak                                  # 5 minutes, 50 partners (release build)
#     make soak SOAK_ARGS="--seconds 1800"       # longer; `--help` lists the rest
#     scripts/soak.sh --seconds 60 --kills 2 --partners 10
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

target=${CARGO_TARGET_DIR:-target/plain}
profile=${SOAK_PROFILE:-release}
flags=(); [[ "$profile" == release ]] && flags=(--release)
SQLX_OFFLINE=true CARGO_INCREMENTAL=0 LEPTOS_OUTPUT_NAME=cloudmarket CARGO_TARGET_DIR=$target \
    cargo build "${flags[@]}" -p server --bin server --example soak
exec "$target/$profile/examples/soak" --server "$target/$profile/server" "$@"
