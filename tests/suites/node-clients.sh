#!/usr/bin/env bash
# The Node snippets of docs/integrations.md (OpenAI Node SDK, Vercel AI SDK openai-compatible provider) against the
# Release server over the tiny-jina-v3 fixture with an API key. Installs the pinned npm packages into a temporary
# folder (needs the npm registry), starts the server on a free loopback port, runs node-clients.mjs, stops the server.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${JINAEMBED_SHARED:-$(cd "$root/.." && pwd)/shared}"
model="$shared/fixtures/tiny-jina-v3"
server="$root/src/JinaEmbed.Cli/bin/Release/net10.0/JinaEmbed.Cli"
for need in node npm curl; do
  command -v "$need" >/dev/null || { echo "node-clients: $need is missing (bash .ci/install.sh installs it)" >&2; exit 1; }
done
[ -d "$model" ] || { echo "node-clients: fixture $model is missing" >&2; exit 1; }
[ -x "$server" ] || { echo "node-clients: $server is missing: build in Release first (test.sh does)" >&2; exit 1; }

work="$(mktemp -d)"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cp "$here/node-clients.mjs" "$work/"
(cd "$work" && npm install --no-audit --no-fund --silent --no-save openai@7.55.0 openai4@npm:openai@4.104.0 @ai-sdk/openai-compatible@3.0.92 ai@7.0.173 >/dev/null)

port="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
JINAEMBED_LOGFORMAT=none "$server" serve --model "$model" --host 127.0.0.1 --port "$port" --api-key node-suite-key &
pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "node-clients: the server exited" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/ready" >/dev/null || { echo "node-clients: the server was not ready in 60 s" >&2; exit 1; }
(cd "$work" && node node-clients.mjs "http://127.0.0.1:$port" node-suite-key)
