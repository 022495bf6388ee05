#!/usr/bin/env bash
# Runs every test of Steward: lints, front-end checks and tests, Rust unit and CLI tests, and the
# end-to-end tests of the desktop app in the real WebView under a virtual display.
# Installs missing system packages, npm packages and tauri-driver first.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

step "dependencies"
scripts/deps.sh test
if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --locked --version '^2' --quiet
fi
export PATH="$HOME/.cargo/bin:$PATH"

step "front end: install, type check, unit tests, build"
scripts/ui.sh
(cd ui && npm run --silent check && npx vitest run --reporter=dot)

step "rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

step "rust: unit, CLI and end-to-end tests"
log=$(mktemp)
# A private session bus and keyring, and a virtual display, for the tests that need them.
xvfb-run -a cargo test --workspace --all-features 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
rm -f "$log"
step "done"
echo "rust: $passed passed, $failed failed"
exit "$status"
