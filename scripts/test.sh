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

step "independent verifiers: pyHanko, an iCalendar parser and python-docx in a virtual environment"
venv=target/pyhanko-venv
if ! "$venv/bin/python" -c "import pyhanko.sign, pyhanko_certvalidator, icalendar, docx" >/dev/null 2>&1; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    rm -rf "$venv"; python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyhanko==0.38.0 pyhanko-cli==0.6.0 icalendar==6.3.1 python-docx==1.2.0
fi
export STEWARD_PYHANKO="$PWD/$venv/bin/python"

step "front end: install, type check, unit tests, build"
scripts/ui.sh
(cd ui && npm run --silent check && npx vitest run --reporter=dot)

step "rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

step "rust: unit, CLI and end-to-end tests"
log=$(mktemp)
# A private session bus with an unlocked Secret Service (gnome-keyring, its data in a throwaway
# folder) for the signing tests, and a virtual display for the desktop tests. The independent PDF
# verifiers (pdfsig, qpdf, ...) and the keyring are required, not optional, here.
keyring_data=$(mktemp -d)
export STEWARD_REQUIRE_KEYRING=1 STEWARD_REQUIRE_TOOLS=1
set +e
XDG_DATA_HOME="$keyring_data" keyctl session - dbus-run-session -- sh -c \
  'printf %s steward | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
   xvfb-run -a cargo test --workspace --all-features --no-fail-fast' 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
rm -rf "$keyring_data"
passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
rm -f "$log"
step "done"
echo "rust: $passed passed, $failed failed"
exit "$status"
