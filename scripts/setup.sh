#!/usr/bin/env bash
# Install everything the atlas needs on a fresh Debian machine; safe to run again.
#   scripts/setup.sh          run-time: Python packages and front-end assets
#   scripts/setup.sh --dev    also test tools: Debian chromium, fonts-noto-cjk and haproxy, pytest, Playwright
#   scripts/setup.sh --serve  also Debian's haproxy (make serve)
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0; serve=0
[ "${1:-}" = "--dev" ] && dev=1 && serve=1
[ "${1:-}" = "--serve" ] && serve=1

need_apt=()
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ "$dev" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  # Not `grep -q`: it exits at the first match, fc-list then dies of SIGPIPE and pipefail fails the check.
  cjk=$(fc-list 2>/dev/null | grep -i "Noto Sans CJK" || true)
  [ -n "$cjk" ] || need_apt+=(fonts-noto-cjk)
fi
# The balancer of make serve, and of the faults test (tests/browser/test_browser_faults.py).
if [ "$serve" = 1 ]; then
  command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need_apt+=(haproxy)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
req=requirements.txt; [ "$dev" = 1 ] && req=requirements-dev.txt
stamp=".venv/.installed-$(sha256sum "$req" requirements.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r "$req"
  touch "$stamp"
fi

# Front-end assets (Leaflet and plugins) from the npm registry, served by the app itself: no CDN at run time.
if [ -f package.json ]; then
  lock_stamp="node_modules/.installed-$(sha256sum package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-16)"
  if [ ! -f "$lock_stamp" ]; then
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
    touch "$lock_stamp"
  fi
  .venv/bin/python scripts/vendor_assets.py
fi
