#!/usr/bin/env bash
# Installs what Steward needs to build, run and test on Debian/Ubuntu. Idempotent: each system
# package is checked with dpkg first, so a machine that has them all makes no apt call at all.
#   scripts/deps.sh build   packages to build the CLI and the desktop shell
#   scripts/deps.sh run     build + what the desktop needs to show a window
#   scripts/deps.sh test    build + headless display, WebDriver, PDF tools, credential store
set -euo pipefail
want="${1:-build}"

build_pkgs=(build-essential pkg-config libdbus-1-dev libssl-dev libwebkit2gtk-4.1-dev curl)
test_pkgs=(xvfb xauth webkit2gtk-driver poppler-utils qpdf gnome-keyring dbus dbus-x11 keyutils sqlite3 imagemagick libreoffice-writer-nogui fonts-liberation)

pkgs=("${build_pkgs[@]}")
[ "$want" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Library sources and publishing run the system git (any install of it will do).
command -v git >/dev/null 2>&1 || missing+=(git)
if [ ${#missing[@]} -gt 0 ]; then
  echo "steward: installing system packages: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "steward: Rust is missing; install it from rustup (https://rustup.rs) and run again" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "steward: installing Node.js and npm" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
