#!/usr/bin/env bash
# Puts the stock chat widget (npm package rasa-webchat, its UMD bundle lib/index.js, which defines
# window.WebChat) into vendor/rasa-webchat-<version>/webchat.js (gitignored), so
# the gateway serves it from a local copy, never a CDN (harmony/web_assets.py). The tarball is
# checked against the registry's sha512 integrity pinned below. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.0.1  # keep in step with WEBCHAT_VERSION in harmony/web_assets.py
# `npm view rasa-webchat@1.0.1 dist.integrity`
integrity="sha512-Ld1zVJvTAaTrs6A5p8t70agNNrKYRyXlvqXZRgBoDvKKUXbA0jhJKECi5bdPGlaR6jsmqWtVylHS+YqIqo0x8w=="
bundle_in_package=package/lib/index.js  # the package's "main": the UMD bundle

dest_dir="vendor/rasa-webchat-$version"  # in the project, whatever HARMONY_VAR_DIR says
[ -f "$dest_dir/webchat.js" ] && exit 0

tmp=$(mktemp -d)
partial=""
trap 'rm -rf "$tmp"; [ -z "$partial" ] || rm -f "$partial"' EXIT
log="$tmp/log"

if ! command -v npm >/dev/null 2>&1; then
  install_command="apt-get update && apt-get install -y --no-install-recommends npm"
  if [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<MSG
npm is not installed, and it is needed once to fetch the chat widget (rasa-webchat $version).
Install it (Debian's npm package, or Node.js with its npm), then run this command again:
  sudo sh -c '$install_command'
MSG
    exit 1
  fi
  echo "Installing npm (apt-get install npm)..."
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -q && apt-get install -y -q --no-install-recommends npm; } >"$log" 2>&1; then
    echo "Installing npm failed; the last lines of apt-get's output:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "apt-get installed npm, but there is no 'npm' command on PATH" >&2
    exit 1
  fi
fi

echo "Fetching the chat widget (npm pack rasa-webchat@$version)..."
if ! (cd "$tmp" && npm pack --silent "rasa-webchat@$version") >"$log" 2>&1; then
  echo "npm pack rasa-webchat@$version failed; its output:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
tarball="$tmp/rasa-webchat-$version.tgz"
if [ ! -f "$tarball" ]; then
  echo "npm pack did not produce $tarball; its output:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi

expected=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
actual=$(sha512sum "$tarball" | cut -d' ' -f1)
if [ "$actual" != "$expected" ]; then
  echo "rasa-webchat-$version.tgz does not match the pinned sha512 integrity; not installing it." >&2
  exit 1
fi

tar -xzf "$tarball" -C "$tmp" "$bundle_in_package" package/LICENSE
if ! grep -q 'WebChat' "$tmp/$bundle_in_package"; then
  echo "$bundle_in_package in rasa-webchat-$version does not define WebChat" >&2
  exit 1
fi

# Written under a temporary name in the destination folder, then renamed: an interrupted run never
# leaves a webchat.js behind.
mkdir -p "$dest_dir"
cp "$tmp/package/LICENSE" "$dest_dir/LICENSE"
partial="$dest_dir/.webchat.js.partial.$$"
cp "$tmp/$bundle_in_package" "$partial"
mv -f "$partial" "$dest_dir/webchat.js"
echo "Chat widget installed: $dest_dir/webchat.js"
