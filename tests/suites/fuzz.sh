#!/usr/bin/env bash
# Coverage-guided fuzzing (SharpFuzz + afl-fuzz) of the request parser and mapping, the tokenizer.json loader, the
# safetensors header parser and the config readers (tests/Fuzz). Each target runs for FUZZ_SECONDS (default 20); any
# crash fails the suite and is printed with its input and stack trace. Longer run: FUZZ_SECONDS=3600 bash tests/suites/fuzz.sh
# (FUZZ_TARGETS="request config" picks targets; FUZZ_KEEP=1 keeps the work folder with afl-fuzz's queues).
# Hangs (over 5 s) are listed, not failed. A crash becomes a regression: copy its input into tests/Fuzz/regressions/<target>/, fix the code; the xunit test
# FuzzCorpusTests replays corpus/ and regressions/ on every test run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
seconds="${FUZZ_SECONDS:-20}"
targets="${FUZZ_TARGETS:-request tokenizer safetensors config}"
shared="${JINAEMBED_SHARED:-$root/../shared}"
fixtures="$shared/fixtures"
command -v afl-fuzz >/dev/null || { echo "fuzz: afl-fuzz is missing (Debian package afl++; .ci/install.sh installs it)" >&2; exit 1; }
[ -d "$fixtures" ] || { echo "fuzz: fixtures not found at $fixtures (set JINAEMBED_SHARED)" >&2; exit 1; }

# In memory where there is a tmpfs: the targets write their input to files, and afl-fuzz its queue, every execution.
work="$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)"
export TMPDIR="$work"
if [ "${FUZZ_KEEP:-0}" = 1 ]; then echo "fuzz: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi

# The sharpfuzz instrumenter comes from the local tool manifest (.config/dotnet-tools.json).
dotnet tool restore >/dev/null
dotnet build tests/Fuzz/JinaEmbed.Fuzz.csproj -c Release -v q -nologo >/dev/null
# The assemblies are copied (they get instrumented); runtimes/ (native libraries, ~0.5 GB) is linked, not copied.
mkdir "$work/bin"
find tests/Fuzz/bin/Release/net10.0 -maxdepth 1 -type f -exec cp {} "$work/bin/" \;
ln -s "$root/tests/Fuzz/bin/Release/net10.0/runtimes" "$work/bin/runtimes"
# Only our assemblies are instrumented: coverage of the framework would drown the signal.
for assembly in JinaEmbed.dll JinaEmbed.Server.dll; do
  dotnet sharpfuzz "$work/bin/$assembly" >/dev/null
done

# Seeds: the committed ones plus the fixtures' own small files, copied at run time.
seed() { # target file...
  local target="$1"; shift
  mkdir -p "$work/seeds/$target"
  cp tests/Fuzz/corpus/"$target"/* "$work/seeds/$target/"
  for file in "$@"; do
    [ -f "$fixtures/$file" ] || { echo "fuzz: seed fixture $fixtures/$file is missing" >&2; exit 1; }
    cp "$fixtures/$file" "$work/seeds/$target/fixture-$(tr '/' '-' <<<"$file")"
  done
}
seed request
seed tokenizer
seed safetensors
seed config tiny-jina-v3/config.json tiny-jina-v4/config.json all-MiniLM-L6-v2/config.json \
  tiny-jina-v4/preprocessor_config.json tiny-jina-v4/adapters/adapter_config.json tiny-jina-v3/modules.json \
  tiny-jina-v3/1_Pooling/config.json tiny-jina-v3/config_sentence_transformers.json all-MiniLM-L6-v2/sentence_bert_config.json

# The fuzzed program is dotnet, not an AFL-compiled binary; SharpFuzz speaks AFL's fork-server protocol itself.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
status=0
mkdir -p "$work/out"
printf '%-12s %10s %10s %8s %8s %8s\n' target seconds execs corpus crashes hangs
for target in $targets; do
  out="$work/out/$target"
  if ! afl-fuzz -i "$work/seeds/$target" -o "$out" -V "$seconds" -t 5000 -m none \
      -- dotnet "$work/bin/JinaEmbed.Fuzz.dll" "$target" >"$work/afl-$target.log" 2>&1; then
    echo "fuzz: afl-fuzz failed for $target:" >&2
    tail -n 30 "$work/afl-$target.log" >&2
    status=1
    continue
  fi

  afl_stat() { sed -n "s/^$1 *: *//p" "$out/default/fuzzer_stats"; }
  crashes=("$out"/default/crashes/id:*)
  [ -e "${crashes[0]}" ] || crashes=()
  printf '%-12s %10s %10s %8s %8s %8s\n' "$target" "$seconds" "$(afl_stat execs_done)" "$(afl_stat corpus_count)" "${#crashes[@]}" "$(afl_stat saved_hangs)"
  if [ ${#crashes[@]} -gt 0 ]; then
    status=1
    for crash in "${crashes[@]}"; do
      echo "== crash in $target: $(basename "$crash") ($(wc -c <"$crash") bytes), input as hex:"
      od -A d -t x1z -v "$crash" | head -n 40
      # The uninstrumented build names the exception and its stack.
      dotnet tests/Fuzz/bin/Release/net10.0/JinaEmbed.Fuzz.dll "$target" --replay "$crash" | head -n 40 || true
    done
  fi
done

# Every seed (fixture ones included) and regression input must pass, replayed by the uninstrumented build (the
# instrumented one only runs under afl-fuzz). The xunit FuzzCorpusTests replay the committed ones on every test run.
for target in $targets; do
  inputs=("$work/seeds/$target")
  [ -d "tests/Fuzz/regressions/$target" ] && inputs+=("tests/Fuzz/regressions/$target")
  if ! dotnet tests/Fuzz/bin/Release/net10.0/JinaEmbed.Fuzz.dll "$target" --replay "${inputs[@]}" >"$work/replay-$target.log" 2>&1; then
    cat "$work/replay-$target.log"
    status=1
  fi
done

if [ "$status" -eq 0 ]; then echo "fuzz: no crash in ${seconds}s per target ($targets)"; else echo "fuzz: FAILED" >&2; fi
exit "$status"
