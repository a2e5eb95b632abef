#!/usr/bin/env bash
# The project's test command (README Quick start, .ci/run): build in Release, check formatting, run every test,
# then the suites in tests/suites/ (real processes), and print one summary line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
bash .ci/install.sh   # system packages the tests need (browser, HAProxy, …), only when missing
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
dotnet restore JinaEmbed.slnx
dotnet build JinaEmbed.slnx -c Release --no-restore
dotnet format JinaEmbed.slnx --verify-no-changes --no-restore
status=0
dotnet test JinaEmbed.slnx -c Release --no-build --logger "trx" --results-directory "$results" || status=$?
passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
# Suites outside xunit (real processes: replicas behind HAProxy, soak, fuzz): each script in tests/suites/ is one
# test; it prints its own numbers and fails with a non-zero exit.
for suite in tests/suites/*.sh; do
  [ -e "$suite" ] || continue
  echo "== suite $suite"
  if bash "$suite"; then
    passed=$((passed + 1))
  else
    echo "== suite $suite FAILED" >&2
    failed=$((failed + 1))
    status=1
  fi
done
echo "$passed passed, $failed failed"
exit "$status"
