#!/usr/bin/env bash
# Installs the front end's npm packages when package.json changed, then builds ui/dist.
set -euo pipefail
cd "$(dirname "$0")/../ui"
stamp=node_modules/.steward-install-stamp
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ]; then
  # npm ci fails on this registry (the lockfile lacks non-Linux optional packages): use install.
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
npm run --silent build >/dev/null
