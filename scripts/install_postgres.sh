#!/usr/bin/env bash
# Installs Debian's PostgreSQL server binaries (initdb, pg_ctl) when they are missing, so the
# tests can start their own throwaway server (tests/postgres_server.py). Idempotent; it never
# starts the system cluster's service.
set -euo pipefail

have_server_binaries() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && return 0
  done
  return 1
}

have_server_binaries && exit 0

install_command="apt-get update && apt-get install -y --no-install-recommends postgresql"
if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<MSG
The PostgreSQL server (initdb, pg_ctl under /usr/lib/postgresql/*/bin) is not installed, and
the tests need it. Install it as root, then run this command again:
  sudo sh -c '$install_command'
MSG
  exit 1
fi

echo "Installing PostgreSQL (apt-get install postgresql)..."
log=$(mktemp)
# policy-rc.d tells the package scripts not to start the service (exit 101: action forbidden);
# we start our own throwaway server in the tests. Only added when no policy exists already.
policy=/usr/sbin/policy-rc.d
added_policy=no
cleanup() {
  rm -f "$log"
  if [ "$added_policy" = yes ]; then rm -f "$policy"; fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && added_policy=yes
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends postgresql; } >"$log" 2>&1; then
  echo "Installing PostgreSQL failed; the last lines of apt-get's output:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
if ! have_server_binaries; then
  echo "apt-get installed postgresql, but no initdb/pg_ctl under /usr/lib/postgresql/*/bin" >&2
  exit 1
fi
echo "PostgreSQL installed: $(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)"
