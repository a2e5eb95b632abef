#!/usr/bin/env bash
# Installs the system packages the tests need (Debian), only those missing; a no-op on a machine that has them.
# Called by test.sh and .ci/run. Each entry: a command the tests run, and the Debian package that provides it.
set -euo pipefail
declare -A needed=(
  # [command]=debian-package   (one line per prerequisite; keep sorted)
  [afl-fuzz]=afl++   # tests/suites/fuzz.sh: coverage-guided fuzzing with SharpFuzz
  [curl]=curl                 # tests/suites/replicas.sh: readiness polls
  [haproxy]=haproxy           # tests/suites/replicas.sh: the load balancer in front of three servers
  [kubectl]=kubernetes-client # the deploy/ render test: `kubectl kustomize` on every overlay and deploy/examples
  [chromedriver]=chromium-driver   # the playground's browser tests (tests/JinaEmbed.Server.Tests/HeadlessChromium.cs)
  [chromium]=chromium
  [node]=nodejs                    # tests/suites/node-clients.sh (the Node snippets of docs/integrations.md)
  [npm]=npm
)
missing=()
for command in "${!needed[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${needed[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
  command -v sudo >/dev/null 2>&1 || { echo "install: missing ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2; exit 1; }
else
  sudo=
fi
echo "install: apt-get install ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
