#!/usr/bin/env bash
# `make bench`: benchmarks that print figures (never timed tests), each against a private
# PostgreSQL started here and stopped afterwards, with pgbench on the same server for scale.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

private_pg bench
base_url="$PG_BASE_URL"
psql "$base_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_bench'
export DATABASE_URL="${base_url%/*}/cloudmarket_bench"

# Release build (bench profile); the query data in .sqlx/ means no database is needed to compile.
SQLX_OFFLINE=true LEPTOS_OUTPUT_NAME=cloudmarket CARGO_TARGET_DIR=target/plain \
    cargo bench -p server --bench checkout --bench provisioning --bench webhooks

# Billing gets a database of its own: it bills and renews everything it finds.
psql "$base_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_bench_billing'
DATABASE_URL="${base_url%/*}/cloudmarket_bench_billing" SQLX_OFFLINE=true LEPTOS_OUTPUT_NAME=cloudmarket \
    CARGO_TARGET_DIR=target/plain cargo bench -p server --bench billing

# Sign-in under a flood: throughput and the server process's peak memory, with the password-hash
# cap lifted and then at its default. It starts the server binary itself.
psql "$base_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_bench_login'
DATABASE_URL="${base_url%/*}/cloudmarket_bench_login" SQLX_OFFLINE=true LEPTOS_OUTPUT_NAME=cloudmarket \
    CARGO_TARGET_DIR=target/plain cargo bench -p server --bench login

# Order creation through the partner API against the Control Panel's server functions, in the
# same run, on the release server binary with the demo data and the sandbox (no vendor latency).
psql "$base_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_bench_api'
DATABASE_URL="${base_url%/*}/cloudmarket_bench_api" SQLX_OFFLINE=true LEPTOS_OUTPUT_NAME=cloudmarket \
    CARGO_TARGET_DIR=target/plain cargo bench -p server --bench api

# Pages against a bare axum handler serving the same bytes (Phone-fast's SSR ratios), with wrk.
psql "$base_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_bench_pages'
DATABASE_URL="${base_url%/*}/cloudmarket_bench_pages" scripts/bench-pages.sh

# Lighthouse on the release build, each page signed in as its role (Phone-fast's page figures).
psql "$base_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE cloudmarket_bench_lighthouse'
DATABASE_URL="${base_url%/*}/cloudmarket_bench_lighthouse" scripts/lighthouse.sh
