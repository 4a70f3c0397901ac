#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing, so the browser tests (tests/browser.py) can drive
# it with Playwright through executable_path; Playwright's own browser download is never used.
# Idempotent.
set -euo pipefail

command -v chromium >/dev/null 2>&1 && exit 0

install_command="apt-get update && apt-get install -y --no-install-recommends chromium"
if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<MSG
Chromium (the 'chromium' command) is not installed, and the browser tests need it. Install it as
root, then run this command again:
  sudo sh -c '$install_command'
MSG
  exit 1
fi

echo "Installing Chromium (apt-get install chromium)..."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1; then
  echo "Installing Chromium failed; the last lines of apt-get's output:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "apt-get installed chromium, but there is no 'chromium' command on PATH" >&2
  exit 1
fi
echo "Chromium installed: $(chromium --version 2>/dev/null || command -v chromium)"
