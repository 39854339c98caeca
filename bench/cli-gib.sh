#!/usr/bin/env bash
# Issue #11's "the CLI moves a 1 GiB file in and out with bounded memory", measured. Per size: a fresh Release embedded
# server (temp data dir, loopback), `objectstore put` of a random file and `objectstore get` back to a file, each CLI
# run under /usr/bin/time -v (its peak RSS), the server's VmHWM per phase (reset between phases through
# /proc/<pid>/clear_refs) and the server itself under /usr/bin/time -v (its lifetime peak); SHA-256 of both files.
# Two sizes, so the document can say whether a peak grows with the object. Writes bench/results/cli-gib.json, which
# `objectstore-bench report` renders in docs/BENCHMARKS.md (Client section).
#   bench/cli-gib.sh [--mib "64 1024"] [--no-build]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

sizes="64 1024" build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --mib) sizes="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "usage: bench/cli-gib.sh [--mib \"64 1024\"] [--no-build]" >&2; exit 2 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "bench/cli-gib.sh needs GNU time: apt-get install time" >&2; exit 2; }

if [ "$build" = 1 ]; then
    echo "== Release build (silo)" >&2
    dotnet build -c Release src/Silo -v quiet -nologo >&2
fi
dll="$root/src/Silo/bin/Release/net10.0/objectstore.dll"
work="$(mktemp -d "${TMPDIR:-/tmp}/os-cli-gib.XXXXXX")"
timer_pid="" server_pid=""
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

kib() { awk '/^'"$2"':/ { print $2 }' "/proc/$1/status"; }
max_rss() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }
now() { date +%s.%N; }
since() { awk -v end="$(now)" -v start="$1" 'BEGIN { printf "%.3f", end - start }'; }
stop_server() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    if [ -n "$timer_pid" ]; then wait "$timer_pid" 2>/dev/null || true; fi
    server_pid="" timer_pid=""
}

# One size: prints its JSON object on stdout; progress on stderr. Exits non-zero when the bytes read back differ.
measure() {
    local mib="$1" dir="$work/$1"
    mkdir -p "$dir"
    echo "== ${mib} MiB of random bytes" >&2
    head -c "$((mib * 1024 * 1024))" /dev/urandom > "$dir/in.bin"
    local sha_in; sha_in="$(sha256sum "$dir/in.bin" | cut -d' ' -f1)"

    local port; port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    local url="http://127.0.0.1:$port"
    echo "== server on $url" >&2
    OS__HTTP_ADDR="127.0.0.1:$port" OS__STORAGE__PATH="$dir/data" \
        /usr/bin/time -v -o "$dir/server.time" dotnet "$dll" run > "$dir/server.log" 2>&1 &
    timer_pid=$!
    for _ in $(seq 600); do
        server_pid="$(pgrep -P "$timer_pid" || true)"
        [ -n "$server_pid" ] && curl -fsS "$url/ready" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -fsS "$url/ready" >/dev/null || { echo "the server never became ready:" >&2; cat "$dir/server.log" >&2; exit 1; }
    local ready_rss; ready_rss="$(kib "$server_pid" VmRSS)"
    local common=(--url "$url" --usecase cligib --scope org=1 --scope project=1 --quiet)

    echo "== put" >&2
    echo 5 > "/proc/$server_pid/clear_refs"
    local t0; t0="$(now)"
    /usr/bin/time -v -o "$dir/put.time" dotnet "$dll" put "${common[@]}" "$dir/in.bin" > "$dir/key"
    local put_s; put_s="$(since "$t0")"
    local put_server; put_server="$(kib "$server_pid" VmHWM)"
    local key; key="$(cat "$dir/key")"

    echo "== get $key" >&2
    echo 5 > "/proc/$server_pid/clear_refs"
    t0="$(now)"
    /usr/bin/time -v -o "$dir/get.time" dotnet "$dll" get "${common[@]}" -o "$dir/out.bin" "$key"
    local get_s; get_s="$(since "$t0")"
    local get_server; get_server="$(kib "$server_pid" VmHWM)"
    local sha_out; sha_out="$(sha256sum "$dir/out.bin" | cut -d' ' -f1)"
    dotnet "$dll" rm "${common[@]}" "$key"
    stop_server

    local matches=false
    [ "$sha_in" = "$sha_out" ] && matches=true
    cat <<JSON
    {
      "sizeBytes": $((mib * 1024 * 1024)),
      "sha256": "$sha_in",
      "hashMatches": $matches,
      "serverReadyRssKiB": $ready_rss,
      "serverLifetimePeakRssKiB": $(max_rss "$dir/server.time"),
      "put": { "seconds": $put_s, "cliPeakRssKiB": $(max_rss "$dir/put.time"), "serverPeakRssKiB": $put_server },
      "get": { "seconds": $get_s, "cliPeakRssKiB": $(max_rss "$dir/get.time"), "serverPeakRssKiB": $get_server }
    }
JSON
    rm -rf "$dir"
    [ "$matches" = true ] || { echo "bench/cli-gib.sh: the $mib MiB file read back differs from the file put" >&2; exit 1; }
}

# Not in a command substitution: the servers' pids must stay visible to the exit trap.
measured="$(date -u +%Y-%m-%dT%H:%M:%SZ)" first=1
for mib in $sizes; do
    measure "$mib" > "$work/run-$mib.json"
done
mkdir -p bench/results
{
    printf '{\n  "measuredAt": "%s",\n  "runs": [\n' "$measured"
    for mib in $sizes; do
        [ "$first" = 1 ] || printf ',\n'
        first=0
        printf '%s' "$(cat "$work/run-$mib.json")"
    done
    printf '\n  ]\n}\n'
} > bench/results/cli-gib.json
cat bench/results/cli-gib.json
