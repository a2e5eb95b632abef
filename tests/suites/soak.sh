#!/usr/bin/env bash
# Soak: a real `jinaembed serve` (the Release CLI, tiny-jina-v3 fixture, a free loopback port) under SOAK_REQUESTS
# (default 20000) mixed requests, 4 in flight, from tests/Soak. Every answer is checked (status, item count, vector
# length; no 5xx), and the server's RSS, thread count and open handles are sampled 50 times: after the first 20 % of
# requests (warm-up), the median of the last 10 % may be at most 10 % above the median of the 10 % after warm-up.
# Longer run: SOAK_REQUESTS=500000 bash tests/suites/soak.sh (SOAK_CONCURRENCY changes the requests in flight).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${JINAEMBED_SHARED:-$PWD/../shared}"
model="$shared/fixtures/tiny-jina-v3"
[ -f "$model/model.safetensors" ] || { echo "soak: fixture not found at $model (set JINAEMBED_SHARED)" >&2; exit 1; }
[ -d /proc/self/fd ] || { echo "soak: needs /proc (Linux) to sample the server" >&2; exit 1; }

# Incremental: a no-op after test.sh's Release build, a build when run on its own.
dotnet build src/JinaEmbed.Cli/JinaEmbed.Cli.csproj -c Release -v q -nologo >/dev/null
dotnet build tests/Soak/JinaEmbed.Soak.csproj -c Release -v q -nologo >/dev/null
cli=src/JinaEmbed.Cli/bin/Release/net10.0/JinaEmbed.Cli.dll
driver=tests/Soak/bin/Release/net10.0/JinaEmbed.Soak.dll

log="$(mktemp)"
port="$(dotnet "$driver" free-port)"
# `dotnet app.dll` runs the app in its own process, so $! is the server whose /proc entry the driver samples.
dotnet "$cli" serve --model "$model" --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

status=0
dotnet "$driver" run --url "http://127.0.0.1:$port/" --pid "$server" --model "$model" \
  --requests "${SOAK_REQUESTS:-20000}" --concurrency "${SOAK_CONCURRENCY:-4}" --samples 50 || status=$?
if [ "$status" -ne 0 ]; then
  echo "soak: FAILED; the server's last log lines:" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"
