#!/usr/bin/env bash
# Installs the Debian packages the production profile runs (`make run-production`, README
# "Production profile") and the tests start (throwaway PostgreSQL and Redis servers, the profile
# itself): postgresql, redis-server, nginx, supervisor. Only the missing ones; idempotent. It never starts the packages' system services: the profile starts its own
# instances under var/production/ (harmony/launcher/production.py).
set -euo pipefail

have_postgres() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && [ -x "$bin/postgres" ] && return 0
  done
  return 1
}

missing=()
have_postgres || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
{ command -v supervisord && command -v supervisorctl; } >/dev/null 2>&1 || missing+=(supervisor)
[ "${#missing[@]}" -eq 0 ] && exit 0

install_command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<MSG
The production profile needs these Debian packages, which are not installed: ${missing[*]}.
Install them as root, then run this command again:
  sudo sh -c '$install_command'
MSG
  exit 1
fi

echo "Installing ${missing[*]} (apt-get install)..."
log=$(mktemp)
# policy-rc.d tells the package scripts not to start their services (exit 101: action forbidden):
# the profile runs its own instances. Only added when no policy exists already.
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
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "Installing ${missing[*]} failed; the last lines of apt-get's output:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
still=()
have_postgres || still+=(postgresql)
command -v redis-server >/dev/null 2>&1 || still+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || still+=(nginx)
command -v supervisord >/dev/null 2>&1 || still+=(supervisor)
if [ "${#still[@]}" -ne 0 ]; then
  echo "apt-get finished, but these are still missing: ${still[*]}" >&2
  exit 1
fi
echo "Installed ${missing[*]}."
