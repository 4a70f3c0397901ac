#!/usr/bin/env bash
# Creates the two Python environments from the lock files (DESIGN §2), only when they are
# missing or their lock file changed. Idempotent; safe to run before every command.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  local candidates=()
  [ -n "${HARMONY_PYTHON:-}" ] && candidates+=("$HARMONY_PYTHON")
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    # newest 3.10.x first
    while IFS= read -r dir; do candidates+=("$dir/bin/python"); done \
      < <(ls -d "$root"/versions/3.10.* 2>/dev/null | sort -V -r)
  fi
  [ -d "$HOME/.pyenv/versions" ] && while IFS= read -r dir; do candidates+=("$dir/bin/python"); done \
      < <(ls -d "$HOME"/.pyenv/versions/3.10.* 2>/dev/null | sort -V -r)
  candidates+=("$(command -v python3.10 || true)" /usr/bin/python3.10 /usr/local/bin/python3.10)
  for python in "${candidates[@]}"; do
    [ -n "$python" ] && [ -x "$python" ] || continue
    if "$python" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$python"; return 0
    fi
  done
  return 1
}

if ! PYTHON310=$(find_python310); then
  cat >&2 <<'MSG'
CPython 3.10 was not found, and it is required (Rasa 3.6 runs on Python < 3.11).
Install it, then run this command again. Any one of:
  pyenv install 3.10.13                                   (pyenv)
  apt-get install python3.10 python3.10-venv python3.10-dev   (Debian/Ubuntu with 3.10 packaged)
or point HARMONY_PYTHON at an existing CPython 3.10 executable.
MSG
  exit 1
fi

pip_install() {  # pip_install ENV ARGS...: quiet, without this machine's index-path warnings
  local env="$1"; shift
  "$env/bin/python" -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
}

make_env() {  # make_env NAME LOCKFILE [HASHED_LOCKFILE]
  local env=".venv/$1" lock="$2" hashed="${3:-}" stamp
  stamp=$(cat "$lock" ${hashed:+"$hashed"} | sha256sum | cut -c1-16)
  if [ -f "$env/.lock-stamp" ] && [ "$(cat "$env/.lock-stamp")" = "$stamp" ] && [ -x "$env/bin/python" ]; then
    return 0
  fi
  echo "Setting up the $1 environment from $lock (Python: $PYTHON310)..."
  rm -rf "$env"
  "$PYTHON310" -m venv "$env"
  pip_install "$env" --upgrade "pip==24.3.1"
  # the hashed pins first (pip checks hashes only for what it downloads; rasa.lock then finds them installed)
  if [ -n "$hashed" ]; then pip_install "$env" --require-hashes --no-deps -r "$hashed"; fi
  pip_install "$env" -r "$lock"
  echo "$stamp" > "$env/.lock-stamp"
}

make_env rasa requirements/rasa.lock requirements/rasa-hashes.lock
make_env app requirements/app.lock
mkdir -p var models
bash scripts/install_webchat.sh  # the chat widget (rasa-webchat), served by the gateway from var/vendor/
