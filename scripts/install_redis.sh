#!/usr/bin/env bash
# Installs Debian's Redis server binary (redis-server) when it is missing, so the tests can start
# their own throwaway server (tests/redis_server.py). Idempotent; it never starts the system service.
set -euo pipefail

command -v redis-server >/dev/null 2>&1 && exit 0

install_command="apt-get update && apt-get install -y --no-install-recommends redis-server"
if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<MSG
The Redis server (redis-server) is not installed, and the tests need it. Install it as root,
then run this command again:
  sudo sh -c '$install_command'
MSG
  exit 1
fi

echo "Installing Redis (apt-get install redis-server)..."
log=$(mktemp)
# policy-rc.d tells the package scripts not to start the service (exit 101: action forbidden);
# the tests start their own throwaway server. Only added when no policy exists already.
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
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends redis-server; } >"$log" 2>&1; then
  echo "Installing Redis failed; the last lines of apt-get's output:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "apt-get installed redis-server, but there is no redis-server command" >&2
  exit 1
fi
echo "Redis installed: $(redis-server --version)"
