#!/usr/bin/env bash
# A throwaway PostgreSQL for tests, in a directory the caller made (mktemp -d under /tmp):
#
#   url=$(scripts/pg-test-cluster.sh start DIR)   # prints postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-test-cluster.sh stop DIR
#
# Durability is switched off: the data is thrown away anyway and tests run much faster.
# Only the URL goes to stdout, messages go to stderr.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action="$1"
[[ -d "$2" ]] || { echo "$0: no such directory: $2" >&2; exit 1; }
dir="$(cd "$2" && pwd)"
pgdata="$dir/pgdata"

say() { printf '==> %s\n' "$*" >&2; }

# PostgreSQL refuses to run as root.
as_pg() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_bin() {
    if [[ -n "${CLOUDMARKET_PG_BIN:-}" ]]; then
        echo "$CLOUDMARKET_PG_BIN"
        return
    fi
    # An existing cluster only runs under the major version that created it.
    if [[ -f "$pgdata/PG_VERSION" ]]; then
        local v
        v="$(cat "$pgdata/PG_VERSION")"
        if [[ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]]; then
            echo "/usr/lib/postgresql/$v/bin"
            return
        fi
    fi
    local initdb
    initdb="$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)"
    if [[ ! -x "$initdb" ]]; then
        echo "$0: no PostgreSQL under /usr/lib/postgresql; run scripts/setup.sh (apt-get install postgresql)" >&2
        exit 1
    fi
    dirname "$initdb"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

bin="$(find_bin)"

case "$action" in
start)
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres "$dir"
    fi
    if [[ ! -f "$pgdata/PG_VERSION" ]]; then
        say "initdb $pgdata ($bin)"
        as_pg "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >/dev/null
    fi
    if as_pg "$bin/pg_ctl" status -D "$pgdata" >/dev/null 2>&1 && [[ -f "$dir/port" ]]; then
        port="$(cat "$dir/port")"
        say "already running on port $port"
    else
        # Trying the port for real avoids the race of picking a free port and binding later.
        port=55432
        while :; do
            if ! port_in_use "$port"; then
                say "starting PostgreSQL on 127.0.0.1:$port"
                if as_pg "$bin/pg_ctl" -D "$pgdata" -w -t 60 -l "$dir/postgres.log" -o \
                    "-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
                    start >&2; then
                    break
                fi
                if ! grep -q 'could not bind\|could not create any TCP/IP sockets\|already in use' \
                    < <(tail -n 5 "$dir/postgres.log"); then
                    echo "$0: PostgreSQL did not start; end of $dir/postgres.log:" >&2
                    tail -n 20 "$dir/postgres.log" >&2
                    exit 1
                fi
            fi
            port=$((port + 1))
            if ((port > 55532)); then
                echo "$0: no free port in 55432-55532" >&2
                exit 1
            fi
        done
        echo "$port" >"$dir/port"
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [[ -f "$pgdata/postmaster.pid" ]]; then
        say "stopping PostgreSQL in $pgdata"
        as_pg "$bin/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >&2
    else
        say "PostgreSQL in $pgdata is not running"
    fi
    ;;
*)
    usage
    ;;
esac
