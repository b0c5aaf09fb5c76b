#!/bin/sh
# dynalite: a DynamoDB-compatible server (npm), for the idempotency store's
# tests. Installed once, idempotently, into .tools/dynalite.
#   scripts/dynalite.sh install      install if missing
#   scripts/dynalite.sh serve PORT   run on 127.0.0.1:PORT, in memory
set -eu
cd "$(dirname "$0")/.."
dir=.tools/dynalite
install() {
  if [ ! -f "$dir/node_modules/dynalite/cli.js" ]; then
    command -v npm >/dev/null || { echo "dynalite.sh: npm is required (Node 20)" >&2; exit 1; }
    echo "dynalite.sh: installing dynalite@4.0.0 into $dir" >&2
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error dynalite@4.0.0 >&2
  fi
}
case "${1:-}" in
  install) install ;;
  serve) install; exec node "$dir/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "${2:?port}" ;;
  *) echo "usage: scripts/dynalite.sh install | serve PORT" >&2; exit 2 ;;
esac
