#!/usr/bin/env bash
# Packaging check (issue #7): `dotnet pack` the CLI, install it as a .NET tool from that local output and run it.
# About 20 s. Usage: .ci/pack-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet pack src/JinaEmbed.Cli -c Release -o "$work/artifacts" -p:Version=0.0.0-check --nologo -v quiet
# A private package folder, so an older package of the same version in ~/.nuget/packages is never reused.
NUGET_PACKAGES="$work/packages" dotnet tool install --tool-path "$work/tools" --add-source "$work/artifacts" --version 0.0.0-check JinaEmbed.Cli
"$work/tools/jinaembed" --help | grep -q "download"
"$work/tools/jinaembed" download --help | grep -q -- "--cache-dir"
"$work/tools/jinaembed" info --help | grep -q -- "--model"
echo "pack-check: jinaembed installs from a local pack and runs"
