#!/usr/bin/env bash
# Builds llama.cpp (CPU only, Release, native ISA) as a benchmark-only peer for the jina-embeddings-v4 bench,
# plus jina-llama-bench, our small driver against llama.h (token-id batches in, pooled embeddings out, timed).
# Not part of CI. Usage: bench/llama-cpp/setup.sh   (idempotent; rerun after editing the driver)
#
# Source: the npm package node-llama-cpp bundles the llama.cpp sources as a git bundle
# (package/llama/gitRelease.bundle, tag recorded in package/llama/llama.cpp.info.json), so no git host is needed.
#
# Environment:
#   NODE_LLAMA_CPP_VERSION  npm version to take llama.cpp from (default 3.22.1)
#   LLAMA_DIR               where the sources and the build go (default <repo>/../bench-data/llama-cpp)
#   JOBS                    parallel compile jobs (default: nproc)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${NODE_LLAMA_CPP_VERSION:-3.22.1}"
dir="${LLAMA_DIR:-$repo/../bench-data/llama-cpp}"
jobs="${JOBS:-$(nproc)}"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need cmake || ! need g++ || ! need git || ! need npm; then
    # Only the tools the build needs; run as root or with sudo available.
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update
    $sudo_cmd apt-get install -y cmake g++ git npm
fi

mkdir -p "$dir"
dir="$(cd "$dir" && pwd -P)"   # canonical: the driver's rpath must survive the checkout it was built from
cd "$dir"
src="$dir/llama.cpp"
if [ ! -d "$src/.git" ]; then
    npm pack "node-llama-cpp@$version" >/dev/null
    rm -rf package
    tar xzf "node-llama-cpp-$version.tgz"
    cat package/llama/llama.cpp.info.json
    git clone -q package/llama/gitRelease.bundle "$src"
fi

# Two small hunks (embeddings-no-logits.patch): an embedding context builds qwen2 without the LM head (the pattern
# upstream already uses in src/models/lfm2.cpp) and reserves no logits output buffer. Stock llama.cpp would run the
# 151936x2048 head on every token (+11 % FLOPs) and allocate and zero tokens x 151936 floats per decode call
# (2.5 GB for 4096 tokens), none of which an embedding needs.
if git -C "$src" apply --check "$here/embeddings-no-logits.patch" 2>/dev/null; then
    git -C "$src" apply "$here/embeddings-no-logits.patch"
elif ! git -C "$src" apply --reverse --check "$here/embeddings-no-logits.patch" 2>/dev/null; then
    echo "embeddings-no-logits.patch does not apply to this llama.cpp" >&2; exit 1
fi

# Shared libraries so the driver links with a plain -l list; only the core library (no common/tools/tests/server):
# the driver talks to llama.h directly.
build="$dir/build"
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=ON -DGGML_NATIVE=ON -DGGML_OPENMP=ON \
        -DLLAMA_BUILD_COMMON=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF
fi
cmake --build "$build" --config Release -j "$jobs" --target llama

# The driver: one translation unit, linked against the shared libraries with an rpath to them.
g++ -O2 -std=c++17 -o "$dir/jina-llama-bench" "$here/jina-llama-bench.cpp" \
    -I "$src/include" -I "$src/ggml/include" -L "$build/bin" -lllama -lggml -lggml-base \
    -Wl,-rpath,"$build/bin"
echo "built $dir/jina-llama-bench"
