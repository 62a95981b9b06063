#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, when it is missing:
# Debian's redis-server (the multi-instance tests run a real one on loopback) and Debian's
# chromium (the browser tests drive /usr/bin/chromium with playwright-core).
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  echo "test:setup: everything the tests need is installed"
  exit 0
fi

echo "test:setup: installing ${missing[*]} from Debian's packages"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test:setup: $tool is still missing after apt-get install" >&2; exit 1; }
done
echo "test:setup: installed ${missing[*]}"
