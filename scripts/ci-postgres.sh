#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, postgres) are installed, so that the
# test suite's throwaway server (tests/instance/postgres_server.py) can run the Postgres
# tests. The tests start, use and stop that server themselves; this script only installs.
#
# Installs Debian's `postgresql` package with apt-get when the binaries are missing and we
# are root; otherwise it only reports what is missing (exit 0: the tests then skip, or fail
# when DASKFLOW_REQUIRE_POSTGRES=1).
set -euo pipefail

have_binaries() {
    command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
    local bin
    for bin in /usr/lib/postgresql/*/bin; do
        [[ -x "$bin/initdb" && -x "$bin/postgres" ]] && return 0
    done
    return 1
}

if have_binaries; then
    echo "ci-postgres: PostgreSQL server binaries found"
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ci-postgres: PostgreSQL server binaries missing; install the postgresql package" \
         "(needs root and apt-get)" >&2
    exit 0
fi
echo "ci-postgres: installing Debian's postgresql package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends: the server and its binaries, without the cluster wrappers' extras.
apt-get install -y -qq --no-install-recommends postgresql >/dev/null
# The package may start a default cluster; the tests use their own server, so stop it.
if command -v pg_ctlcluster >/dev/null 2>&1; then
    { pg_lsclusters --no-header 2>/dev/null || true; } | while read -r version name _; do
        pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
    done
fi
have_binaries || { echo "ci-postgres: postgresql installed but initdb not found" >&2; exit 1; }
echo "ci-postgres: PostgreSQL server binaries installed"
