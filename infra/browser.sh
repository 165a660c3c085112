#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright drives it; no browser is ever downloaded),
# and CJK fonts so screenshots show Chinese. Installs only what is missing.
set -uo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/linli-apt.log 2>&1; then
  apt-get update -q >/tmp/linli-apt-update.log 2>&1 || true
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/linli-apt.log 2>&1 || {
    echo "error: could not install ${missing[*]} (see /tmp/linli-apt.log)" >&2
    exit 1
  }
fi
