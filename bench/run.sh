#!/usr/bin/env bash
# THE benchmark command (docs/BENCHMARKS.md): Release build, every server on loopback, every scenario with its
# baselines, memory bounds, the runtime ping, the CLI's file transfers (bench/cli-gib.sh, with the client group), then
# bench/results/*.json, the PNG charts and docs/BENCHMARKS.md.
#   bench/run.sh [--quick] [--only small,medium,batch,large,hot-cold,sweep,client,memory,ping] [--seconds S]
# Exits non-zero if any measured operation failed. Progress on stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
start=$(date +%s)

missing=()
command -v dotnet >/dev/null || missing+=("dotnet (the .NET 10 SDK)")
[ -x "${NGINX:-/usr/sbin/nginx}" ] || missing+=("nginx with WebDAV: apt-get install nginx-light (or nginx)")
command -v gnuplot >/dev/null || missing+=("gnuplot: apt-get install gnuplot-nox")
command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=("PostgreSQL: apt-get install postgresql")
command -v moto_server >/dev/null || python3 -c "import moto" 2>/dev/null || missing+=("moto: pip install 'moto[server]'")
if [ ${#missing[@]} -gt 0 ]; then
    printf 'bench/run.sh needs (nothing is installed silently):\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 2
fi

# Split our options: --only may name "ping", which is not a suite group.
suite_args=() ping=1 only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --only) only="$2"; shift 2 ;;
        --only=*) only="${1#--only=}"; shift ;;
        *) suite_args+=("$1"); shift ;;
    esac
done
quick=0
for a in "${suite_args[@]}"; do [ "$a" = "--quick" ] && quick=1; done
if [ -n "$only" ]; then
    case ",$only," in *,ping,*) ping=1 ;; *) ping=0 ;; esac
    groups="$(echo ",$only," | sed 's/,ping,/,/g; s/^,//; s/,$//')"
    [ -n "$groups" ] && suite_args+=(--only "$groups")
fi

echo "== Release build (silo, bench)" >&2
dotnet build -c Release src/Silo -v quiet -nologo >&2
dotnet build -c Release bench/ObjectStore.Bench -v quiet -nologo >&2
bench=(dotnet bench/ObjectStore.Bench/bin/Release/net10.0/objectstore-bench.dll)
mkdir -p bench/results

# The bench stops every server it starts (also on Ctrl-C); this trap is the last resort for its process group.
trap 'jobs -p | xargs -r kill 2>/dev/null || true' EXIT INT TERM

status=0
if [ "$ping" = 1 ]; then
    echo "== Runtime ping" >&2
    cap=3; [ "$quick" = 1 ] && cap=1
    "${bench[@]}" ping --duration-cap "$cap" --json bench/results/ping.json >/dev/null || status=1
fi
if [ "$only" != "ping" ]; then
    echo "== Suite ${suite_args[*]:-}" >&2
    "${bench[@]}" suite --silo src/Silo/bin/Release/net10.0/objectstore.dll --nginx "${NGINX:-/usr/sbin/nginx}" "${suite_args[@]}" || status=$?
fi

case ",${only:-client}," in
    *,client,*)
        echo "== CLI file transfers (bench/cli-gib.sh)" >&2
        cli_sizes="64 1024"; [ "$quick" = 1 ] && cli_sizes="16 128"
        bench/cli-gib.sh --no-build --mib "$cli_sizes" >/dev/null || status=1
        ;;
esac

wall=$(( $(date +%s) - start ))
echo "== Report (suite wall time ${wall} s)" >&2
"${bench[@]}" report --wall "$((wall / 60)) min $((wall % 60)) s" || status=1
echo "bench/run.sh: done in $((wall / 60)) min $((wall % 60)) s, exit $status" >&2
exit "$status"
