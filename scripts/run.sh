#!/usr/bin/env bash
# Starts the Steward desktop app. Installs missing system and npm packages first.
# On a fresh store it loads the shipped clause library and the demo collaboration.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh run
scripts/ui.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "steward: no display found; on a headless machine run: xvfb-run -a scripts/run.sh" >&2
  exit 1
fi
# A window of forms and documents needs no accelerated compositing, and without it the WebView's
# web process takes about half the memory (docs/PERFORMANCE.md). STEWARD_COMPOSITING=on keeps it.
if [ "${STEWARD_COMPOSITING:-off}" = off ]; then export WEBKIT_DISABLE_COMPOSITING_MODE=1; fi
exec cargo run --quiet -p steward-desktop -- "$@"
