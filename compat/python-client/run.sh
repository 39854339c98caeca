#!/usr/bin/env bash
# Runs the official Python client's own test suite (objectstore's clients/python, unchanged, at a release tag)
# against this server: the embedded default, or with --cluster three silos on PostgreSQL + S3 behind one address
# that hands each connection to the next silo. Only the server the suite starts is ours: its fixture runs
# <root>/target/debug/objectstore, which here is a wrapper (see README.md).
#   compat/python-client/run.sh [--cluster] [--source GIT_DIR] [--ref TAG] [-- PYTEST_ARGS...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source_dir="${OBJECTSTORE_SOURCE:-/work/.mirror/getsentry+objectstore/repo}"
ref=0.2.0 cluster=0 pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --cluster) cluster=1; shift ;;
        --source) source_dir="$2"; shift 2 ;;
        --ref) ref="$2"; shift 2 ;;
        --) shift; pytest_args=("$@"); break ;;
        *) echo "unknown option '$1'" >&2; sed -n 5p "$0" >&2; exit 2 ;;
    esac
done

python=/usr/bin/python3
if ! "$python" -c "import pytest, zstandard, filetype, jwt, cryptography" 2>/dev/null; then
    echo "needs Debian's Python with: apt-get install python3-pytest python3-zstandard python3-filetype python3-jwt python3-cryptography" >&2
    exit 2
fi
# The client needs urllib3 2.x (Debian 12 has 1.26): take a pure-Python 2.x from any interpreter on PATH.
urllib3_dir="$(python3 -c 'import os, urllib3; assert int(urllib3.__version__.split(".")[0]) >= 2; print(os.path.dirname(urllib3.__file__))' 2>/dev/null)" || {
    echo "needs urllib3 >= 2 importable by python3 on PATH (pip install urllib3)" >&2
    exit 2
}
git --git-dir="$source_dir" rev-parse --verify -q "$ref^{commit}" >/dev/null || { echo "no $ref in $source_dir (a clone of getsentry/objectstore)" >&2; exit 2; }

echo "== build" >&2
dotnet build -c Release "$root/src/Silo" -v quiet -nologo >&2
silo="$root/src/Silo/bin/Release/net10.0/objectstore.dll"

work="$(mktemp -d /tmp/os-compat-XXXXXX)"
cluster_pid=""
cleanup() {
    # SIGTERM: a background job of a non-interactive shell ignores SIGINT.
    if [ -n "$cluster_pid" ]; then kill -TERM "$cluster_pid" 2>/dev/null || true; wait "$cluster_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

git --git-dir="$source_dir" archive "$ref" clients/python | tar -x -C "$work"
mkdir -p "$work/target/debug" "$work/deps"
ln -s "$urllib3_dir" "$work/deps/urllib3"
tests="$work/clients/python/tests"

if [ "$cluster" = 1 ]; then
    dotnet build -c Release "$root/bench/ObjectStore.Bench" -v quiet -nologo >&2
    # The suite's key, as its fixture configures the reference server; the silos inherit it.
    export OS__AUTH__ENFORCE=true
    export OS__AUTH__KEYS="{test_kid={key_files=[\"$tests/ed25519.public.pem\"],max_permissions=[\"object.read\",\"object.write\",\"object.delete\"]}}"
    echo "== starting 3 silos on PostgreSQL + moto" >&2
    dotnet "$root/bench/ObjectStore.Bench/bin/Release/net10.0/objectstore-bench.dll" cluster --silo "$silo" --silos 3 \
        >"$work/cluster.url" 2>"$work/cluster.log" &
    cluster_pid=$!
    for _ in $(seq 1 240); do
        [ -s "$work/cluster.url" ] && break
        kill -0 "$cluster_pid" 2>/dev/null || { cat "$work/cluster.log" >&2; exit 1; }
        sleep 0.5
    done
    [ -s "$work/cluster.url" ] || { echo "the cluster did not start within 120 s" >&2; tail -50 "$work/cluster.log" >&2; exit 1; }
    target="$(sed -E 's#^http://##' "$work/cluster.url")"
    printf '#!/bin/sh\nexec %s %s %s\n' "$python" "$here/forward.py" "$target" >"$work/target/debug/objectstore"
else
    printf '#!/bin/sh\nexec dotnet %s "$@"\n' "$silo" >"$work/target/debug/objectstore"
fi
chmod +x "$work/target/debug/objectstore"

echo "== objectstore-client $ref test suite against $([ "$cluster" = 1 ] && echo "3 silos" || echo "the embedded default")" >&2
cd "$work/clients/python"
status=0
PYTHONPATH="$work/clients/python/src:$here/shim:$work/deps" "$python" -m pytest tests -q -p no:cacheprovider "${pytest_args[@]}" || status=$?
exit "$status"
