#!/usr/bin/env bash
# The ping benchmark (docs/BENCHMARKS.md): Release build, all scenarios, table on stdout, JSON in bench/results/.
# Extra arguments go to the ping command, e.g. bench/run-ping.sh --scenario cross-silo --workers 250
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$root/bench/results"
dotnet build -c Release "$root/bench/ObjectStore.Bench" -v quiet -nologo >&2
exec dotnet "$root/bench/ObjectStore.Bench/bin/Release/net10.0/objectstore-bench.dll" ping --json "${PING_JSON:-$root/bench/results/ping.json}" "$@"
