#!/bin/sh
# chromium: the headless browser the dashboard preview test
# (dashboards/render, TestPreviewInChromium) screenshots the rendered page
# with. Installed once, idempotently, from the system's packages.
#   scripts/chromium.sh install   install chromium unless one is on PATH
#                                 (Debian/Ubuntu: apt-get, as root or sudo)
#   scripts/chromium.sh path      print the browser's path; exit 1 if none
# $CHROMIUM, when set, names the browser to use instead of a PATH lookup.
set -eu

names="chromium chromium-browser google-chrome-stable google-chrome"

find_browser() {
  if [ -n "${CHROMIUM:-}" ]; then
    if [ -x "$CHROMIUM" ] || command -v "$CHROMIUM" >/dev/null 2>&1; then
      command -v "$CHROMIUM"
      return 0
    fi
    echo "chromium.sh: CHROMIUM=$CHROMIUM is not an executable" >&2
    return 1
  fi
  for n in $names; do
    if command -v "$n" >/dev/null 2>&1; then
      command -v "$n"
      return 0
    fi
  done
  return 1
}

install() {
  if p=$(find_browser); then
    echo "chromium.sh: $p is already installed" >&2
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || {
    echo "chromium.sh: no chromium on PATH and no apt-get: install Chromium with your package manager" >&2
    exit 1
  }
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "chromium.sh: apt-get needs root (or sudo)" >&2; exit 1; }
    sudo=sudo
  fi
  echo "chromium.sh: apt-get update" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  echo "chromium.sh: apt-get install chromium (a few minutes the first time)" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
  p=$(find_browser) || { echo "chromium.sh: chromium is still not on PATH after apt-get install" >&2; exit 1; }
  echo "chromium.sh: installed $p ($("$p" --version 2>/dev/null || echo 'version unknown'))" >&2
}

case "${1:-}" in
  install) install ;;
  path)
    find_browser || { echo "chromium.sh: no chromium on PATH: run scripts/chromium.sh install (or make tools)" >&2; exit 1; } ;;
  *) echo "usage: scripts/chromium.sh install | path" >&2; exit 2 ;;
esac
