#!/usr/bin/env bash
# Packs the library (JinaEmbed .nupkg + .snupkg) and the jinaembed CLI tool into artifacts/packages.
# Optional: VERSION=1.2.3 .ci/pack.sh sets both packages' version.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=artifacts/packages
rm -rf "$out"
version_args=()
if [[ -n "${VERSION:-}" ]]; then
  version_args=("-p:Version=$VERSION")
fi
for project in src/JinaEmbed/JinaEmbed.csproj src/JinaEmbed.Cli/JinaEmbed.Cli.csproj; do
  dotnet pack "$project" -c Release -o "$out" "${version_args[@]}"
done
ls -l "$out"
# The library package must carry its README, XML docs and a symbols package.
lib=$(ls "$out"/JinaEmbed.[0-9]*.nupkg | grep -v snupkg | head -n 1)
listing=$(unzip -l "$lib")  # captured first: grep -q on a pipe would SIGPIPE unzip under pipefail
grep -q 'README.md' <<<"$listing" || { echo "pack: README.md missing from $lib" >&2; exit 1; }
grep -q 'lib/net10.0/JinaEmbed.xml' <<<"$listing" || { echo "pack: XML docs missing from $lib" >&2; exit 1; }
ls "$out"/JinaEmbed.[0-9]*.snupkg >/dev/null || { echo "pack: symbols package missing" >&2; exit 1; }
