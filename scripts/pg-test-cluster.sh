#!/usr/bin/env bash
# A throwaway PostgreSQL for tests and tools: `server pg start|stop DIR`, the server's own embedded-cluster code (server/src/embedded_pg.rs) in its durability-off, TCP flavour; built first (see server_bin in env.sh). `start` prints postgres://postgres@127.0.0.1:PORT/postgres alone on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh" && bin="$(server_bin)" && exec "$bin" pg "$@"
