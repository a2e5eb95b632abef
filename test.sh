#!/usr/bin/env bash
# The project's test command (README Quick start, .ci/run): build in Release, check formatting, run every test.
set -euo pipefail
cd "$(dirname "$0")"
dotnet restore JinaEmbed.slnx
dotnet build JinaEmbed.slnx -c Release --no-restore
dotnet format JinaEmbed.slnx --verify-no-changes --no-restore
dotnet test JinaEmbed.slnx -c Release --no-build
