#!/bin/sh
# Runs the benchmarks of the module. Each hot path is benchmarked next to its
# baseline as sub-benchmarks of one Benchmark function (e.g.
# BenchmarkDecode/strict vs BenchmarkDecode/baseline_encoding_json), so both
# run in the same process on the same machine. Results are summarised by
# benchstat (median and spread of COUNT runs) into bench/latest.txt.
# Usage: scripts/bench.sh [PATTERN]   COUNT=6 by default.
set -eu
cd "$(dirname "$0")/.."
pattern="${1:-.}"
count="${COUNT:-6}"
mkdir -p bench
# The Logs Insights engine is compared with jq (queries/insights.BenchmarkQuery).
root=$(pwd)
. scripts/apt.sh
command -v jq >/dev/null 2>&1 || apt_install jq jq
# -tags external: the cold-start benchmark builds the bootstraps.
echo "go test -tags external -run '^\$' -bench '$pattern' -benchmem -count $count ./..." >&2
go test -tags external -run '^$' -bench "$pattern" -benchmem -count "$count" ./... | tee bench/raw.txt | grep -E '^(Benchmark|ok|FAIL|pkg:)' >&2
go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /impl bench/raw.txt > bench/latest.txt 2>/dev/null \
  || go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da bench/raw.txt > bench/latest.txt
cat bench/latest.txt
