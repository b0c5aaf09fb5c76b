#!/bin/sh
# Runs every native fuzz target of the module for a short time each.
# Usage: scripts/fuzz.sh [DURATION or COUNT]   (default 10s per target; "1000x"
# runs 1000 inputs, as make test does)
set -eu
cd "$(dirname "$0")/.."
time="${1:-10s}"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "fuzz $pkg $target ($time)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$time" "$pkg"
  done
done
