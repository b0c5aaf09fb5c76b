#!/bin/sh
# dynalite: a DynamoDB-compatible server from npm, for the tests of the
# DynamoDB idempotency store. Installed once, idempotently, into
# .tools/dynalite under the repository root: one line of output, npm's in
# .tools/logs/npm-dynalite.log (its end printed on failure).
#   scripts/dynalite.sh install      install dynalite@4.0.0 if missing
#   scripts/dynalite.sh serve PORT   install if missing, then run it on
#                                    127.0.0.1:PORT, in memory
set -eu
cd "$(dirname "$0")/.."
version=4.0.0
dir=.tools/dynalite
cli=$dir/node_modules/dynalite/cli.js

install() {
  [ -f "$cli" ] && return 0
  command -v npm >/dev/null 2>&1 || { echo "dynalite.sh: npm is required (Node 20)" >&2; exit 1; }
  mkdir -p .tools
  # Install beside the target and rename it into place: go test runs
  # packages in parallel, and two installs into one prefix corrupt it.
  # rename(2) is atomic and refuses a non-empty target, so one copy lands.
  tmp=$(mktemp -d .tools/dynalite.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p .tools/logs
  log=.tools/logs/npm-dynalite.log
  echo "installing dynalite@$version (npm)…" >&2
  if ! npm install --prefix "$tmp" "dynalite@$version" --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
    echo "could not install dynalite; the end of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  if [ -d "$dir" ] && [ ! -f "$cli" ]; then rm -rf "$dir"; fi # a broken earlier install
  node -e '
    try { require("fs").renameSync(process.argv[1], process.argv[2]) }
    catch (e) { if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e }
  ' "$tmp" "$dir"
  rm -rf "$tmp"
  trap - EXIT
  [ -f "$cli" ] || { echo "dynalite.sh: $cli missing after install" >&2; exit 1; }
}

case "${1:-}" in
  install) install ;;
  serve)
    port=${2:?usage: scripts/dynalite.sh serve PORT}
    install
    exec node "$cli" --host 127.0.0.1 --port "$port" ;;
  *) echo "usage: scripts/dynalite.sh install | serve PORT" >&2; exit 2 ;;
esac
