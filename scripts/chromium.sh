#!/bin/sh
# chromium: the headless browser the dashboard preview test
# (dashboards/render, TestPreviewInChromium) screenshots the rendered page
# with. Installed once, idempotently, from the system's packages.
#   scripts/chromium.sh install   install chromium unless one is on PATH
#                                 (Debian/Ubuntu: apt-get, as root or sudo;
#                                 one line of output, apt's in a log: apt.sh)
#   scripts/chromium.sh path      print the browser's path; exit 1 if none
# $CHROMIUM, when set, names the browser to use instead of a PATH lookup.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/apt.sh"

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
  find_browser >/dev/null && return 0
  apt_install chromium chromium
  find_browser >/dev/null || { echo "chromium.sh: chromium is still not on PATH after apt-get install" >&2; exit 1; }
}

case "${1:-}" in
  install) install ;;
  path)
    find_browser || { echo "chromium.sh: no chromium on PATH: run scripts/chromium.sh install (or make tools)" >&2; exit 1; } ;;
  *) echo "usage: scripts/chromium.sh install | path" >&2; exit 2 ;;
esac
