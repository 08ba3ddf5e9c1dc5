# Thin wrappers: the real work is in scripts/, which CI (.ci/run) uses too.
SHELL := bash
DATA_DIR := data

.PHONY: setup run test bench soak lighthouse build fmt clean-data sqlx-prepare

setup:
	scripts/setup.sh

run:
	scripts/run.sh

test:
	scripts/test.sh

# Throughput figures against a private PostgreSQL, with pgbench for scale.
bench:
	scripts/bench.sh

# The marketplace under load while its processes are killed; SOAK_ARGS="--seconds 1800" runs longer.
soak:
	scripts/soak.sh $(SOAK_ARGS)

# Lighthouse (mobile) on the release build, signed in as each role: medians per page (also in bench).
lighthouse:
	scripts/lighthouse.sh

# --split: each page's code is a chunk of its own (app::pages); without it the bundle cannot load.
build:
	source scripts/env.sh && SQLX_OFFLINE=true cargo leptos build --split

fmt:
	cargo fmt --all

# After changing a query or a migration: refresh the offline query data in .sqlx/.
sqlx-prepare:
	scripts/sqlx-prepare.sh

# The embedded cluster must be stopped first: deleting a live data directory leaves an
# orphan server behind.
clean-data:
	if [[ -d $(DATA_DIR)/postgres/pgdata ]]; then source scripts/env.sh && "$$(server_bin)" pg stop $(DATA_DIR); fi
	rm -rf $(DATA_DIR)
