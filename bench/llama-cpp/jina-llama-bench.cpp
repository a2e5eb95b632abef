// jina-llama-bench: llama.cpp as a benchmark peer for jina-embeddings-v4 (text path, Qwen2 GGUF with one merged
// adapter). Reads token-id workloads written by JinaEmbed.Bench, embeds them through llama.h and times each call.
//
// How llama.cpp is driven (kept comparable with JinaEmbed's EmbedTokenIds):
//  * one context per workload, sized for it: n_ctx = all tokens of the workload, n_seq_max = sequences,
//    kv_unified = false (each sequence its own KV stream, so no sequence attends to another), causal attention
//    (qwen2), flash attention on (streams over keys, as a 32k sequence needs), embeddings = true;
//  * every timed call starts from an empty KV cache (llama_memory_clear): nothing is reused across calls or
//    sequences; positions restart at 0 in every sequence;
//  * all sequences of a batch go into one llama_batch with distinct seq ids; n_batch = n_ubatch = min(tokens, chunk)
//    so a batch of 8×512 runs as one 4096-token micro-batch; longer inputs (the 32k document) are fed in chunks of
//    `chunk` tokens of the same sequence (causal prefill over the growing KV cache of that sequence);
//  * every token is an output; pooling is NONE and the driver mean-pools each sequence's rows (inside the timed
//    region), because llama.cpp's own MEAN pooling works per micro-batch only;
//  * with bench/llama-cpp/embeddings-no-logits.patch the qwen2 graph has no LM head in an embedding context.
//
// Usage: jina-llama-bench --model FILE.gguf --workloads FILE [--threads N] [--kv-type f16|f32|bf16] [--chunk N]
//                         [--no-flash-attn] [--json OUT]
// Workload file (text): lines "workload NAME COUNT LENGTH WARMUP REPS" each followed by COUNT lines of LENGTH ids.
#include "llama.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct workload {
    std::string name;
    int count = 0, length = 0, warmup = 0, reps = 1;
    std::vector<std::vector<llama_token>> sequences;
};

struct result {
    std::string name;
    int count = 0, length = 0;
    std::vector<double> seconds;
    long long peak_rss = 0;
    std::vector<float> first_embedding; // pooled, L2-normalised, first sequence (checks the conversion)
    bool finite = true;
};

long long read_status_kb(const char * key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    size_t n = std::strlen(key);
    while (std::getline(in, line)) {
        if (line.compare(0, n, key) == 0) {
            return std::atoll(line.c_str() + n) * 1024;
        }
    }
    return 0;
}

void reset_peak_rss() {
    // "5" resets VmHWM to the current RSS, so each workload's peak is its own.
    FILE * f = std::fopen("/proc/self/clear_refs", "w");
    if (f) {
        std::fputs("5", f);
        std::fclose(f);
    }
}

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<workload> read_workloads(const std::string & path) {
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        std::exit(2);
    }
    std::vector<workload> list;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        std::istringstream head(line);
        std::string tag;
        workload w;
        head >> tag >> w.name >> w.count >> w.length >> w.warmup >> w.reps;
        if (tag != "workload" || w.count <= 0 || w.length <= 0) {
            std::fprintf(stderr, "bad workload line: %s\n", line.c_str());
            std::exit(2);
        }
        for (int s = 0; s < w.count; s++) {
            std::vector<llama_token> ids(w.length);
            for (int t = 0; t < w.length; t++) {
                in >> ids[t];
            }
            w.sequences.push_back(std::move(ids));
        }
        if (!in) {
            std::fprintf(stderr, "workload %s: too few ids\n", w.name.c_str());
            std::exit(2);
        }
        list.push_back(std::move(w));
    }
    return list;
}

ggml_type kv_type(const std::string & name) {
    if (name == "f32") return GGML_TYPE_F32;
    if (name == "bf16") return GGML_TYPE_BF16;
    return GGML_TYPE_F16;
}

// One timed embedding call: clear the cache, decode every sequence (chunked), mean-pool per sequence.
bool embed(llama_context * ctx, const workload & w, int chunk, int n_embd, std::vector<std::vector<float>> & pooled) {
    llama_memory_clear(llama_get_memory(ctx), true);
    pooled.assign(w.count, std::vector<float>(n_embd, 0.0f));
    int total = w.count * w.length;
    int per_call = std::min(total, chunk);
    llama_batch batch = llama_batch_init(per_call, 0, 1);
    // Walk the workload in submission order, filling batches of up to per_call tokens.
    int seq = 0, pos = 0;
    while (seq < w.count) {
        batch.n_tokens = 0;
        std::vector<int> owner;
        while (seq < w.count && batch.n_tokens < per_call) {
            int i = batch.n_tokens++;
            batch.token[i] = w.sequences[seq][pos];
            batch.pos[i] = pos;
            batch.n_seq_id[i] = 1;
            batch.seq_id[i][0] = seq;
            batch.logits[i] = 1;
            owner.push_back(seq);
            if (++pos == w.length) {
                pos = 0;
                seq++;
            }
        }
        if (llama_decode(ctx, batch) != 0) {
            llama_batch_free(batch);
            return false;
        }
        for (int i = 0; i < batch.n_tokens; i++) {
            const float * row = llama_get_embeddings_ith(ctx, i);
            if (!row) {
                llama_batch_free(batch);
                return false;
            }
            float * sum = pooled[owner[i]].data();
            for (int d = 0; d < n_embd; d++) {
                sum[d] += row[d];
            }
        }
    }
    llama_batch_free(batch);
    for (auto & v : pooled) {
        double norm = 0;
        for (float & x : v) {
            x /= (float) w.length;
            norm += (double) x * x;
        }
        norm = std::sqrt(norm);
        for (float & x : v) {
            x = (float) (x / norm);
        }
    }
    return true;
}

void quiet_log(ggml_log_level level, const char * text, void *) {
    if (level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN) {
        std::fputs(text, stderr);
    }
}

} // namespace

int main(int argc, char ** argv) {
    std::string model_path, workloads_path, json_path, kv = "f16";
    int threads = 2, chunk = 4096;
    bool flash_attn = true;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) { std::fprintf(stderr, "%s needs a value\n", a.c_str()); std::exit(2); }
            return argv[++i];
        };
        if (a == "--model") model_path = value();
        else if (a == "--workloads") workloads_path = value();
        else if (a == "--threads") threads = std::atoi(value().c_str());
        else if (a == "--kv-type") kv = value();
        else if (a == "--chunk") chunk = std::atoi(value().c_str());
        else if (a == "--json") json_path = value();
        else if (a == "--no-flash-attn") flash_attn = false;
        else { std::fprintf(stderr, "unknown option %s\n", a.c_str()); return 2; }
    }
    if (model_path.empty() || workloads_path.empty()) {
        std::fprintf(stderr, "usage: jina-llama-bench --model FILE.gguf --workloads FILE [--threads N] [--kv-type f16|f32|bf16] [--chunk N] [--json OUT]\n");
        return 2;
    }

    auto workloads = read_workloads(workloads_path);
    llama_log_set(quiet_log, nullptr);
    llama_backend_init();

    long long rss_before = read_status_kb("VmRSS:");
    double t0 = now();
    llama_model_params mp = llama_model_default_params();
    llama_model * model = llama_model_load_from_file(model_path.c_str(), mp);
    if (!model) {
        std::fprintf(stderr, "cannot load %s\n", model_path.c_str());
        return 1;
    }
    double load_seconds = now() - t0;
    long long rss_after_load = read_status_kb("VmRSS:");
    int n_embd = llama_model_n_embd(model);
    std::fprintf(stderr, "llama.cpp: loaded %s in %.1f s, RSS %.2f GB\n", model_path.c_str(), load_seconds, rss_after_load / 1e9);

    std::vector<result> results;
    long long rss_after_warmup = 0;
    for (size_t wi = 0; wi < workloads.size(); wi++) {
        const workload & w = workloads[wi];
        int total = w.count * w.length;
        llama_context_params cp = llama_context_default_params();
        cp.n_ctx = (uint32_t) total;
        cp.n_batch = cp.n_ubatch = (uint32_t) std::min(total, chunk);
        cp.n_seq_max = (uint32_t) w.count;
        cp.n_threads = cp.n_threads_batch = threads;
        cp.embeddings = true;
        cp.pooling_type = LLAMA_POOLING_TYPE_NONE;
        cp.attention_type = LLAMA_ATTENTION_TYPE_CAUSAL;
        cp.flash_attn_type = flash_attn ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
        cp.kv_unified = false;
        cp.type_k = cp.type_v = kv_type(kv);
        reset_peak_rss();
        llama_context * ctx = llama_init_from_model(model, cp);
        if (!ctx) {
            std::fprintf(stderr, "cannot create a context for %s\n", w.name.c_str());
            return 1;
        }

        result r;
        r.name = w.name;
        r.count = w.count;
        r.length = w.length;
        std::vector<std::vector<float>> pooled;
        for (int rep = 0; rep < w.warmup + w.reps; rep++) {
            double start = now();
            if (!embed(ctx, w, chunk, n_embd, pooled)) {
                std::fprintf(stderr, "llama_decode failed in %s\n", w.name.c_str());
                return 1;
            }
            double seconds = now() - start;
            if (rep >= w.warmup) {
                r.seconds.push_back(seconds);
            }
            std::fprintf(stderr, "llama.cpp: %s %dx%d %s %.3f s (%.1f tokens/s)\n", w.name.c_str(), w.count, w.length,
                         rep < w.warmup ? "warm-up" : "timed", seconds, total / seconds);
        }
        if (wi == 0) {
            rss_after_warmup = read_status_kb("VmRSS:");
        }
        r.peak_rss = read_status_kb("VmHWM:");
        r.first_embedding = pooled[0];
        for (auto & v : pooled) {
            for (float x : v) {
                r.finite = r.finite && std::isfinite(x);
            }
        }
        results.push_back(std::move(r));
        llama_free(ctx);
    }

    std::string out;
    char buf[256];
    auto add = [&](const char * fmt, auto... args) {
        std::snprintf(buf, sizeof(buf), fmt, args...);
        out += buf;
    };
    add("{\n  \"engine\": \"llama.cpp\",\n  \"threads\": %d,\n  \"kvType\": \"%s\",\n  \"chunk\": %d,\n", threads, kv.c_str(), chunk);
    add("  \"loadSeconds\": %.3f,\n  \"residentBeforeLoadBytes\": %lld,\n  \"residentAfterLoadBytes\": %lld,\n", load_seconds, rss_before, rss_after_load);
    add("  \"residentAfterWarmupBytes\": %lld,\n  \"workloads\": [\n", rss_after_warmup);
    for (size_t i = 0; i < results.size(); i++) {
        const result & r = results[i];
        std::vector<double> sorted = r.seconds;
        std::sort(sorted.begin(), sorted.end());
        double median = sorted.empty() ? 0 : sorted[(sorted.size() - 1) / 2];
        add("    {\"name\": \"%s\", \"count\": %d, \"length\": %d, ", r.name.c_str(), r.count, r.length);
        add("\"medianSeconds\": %.6f, \"tokensPerSecond\": %.3f, ", median, median > 0 ? r.count * r.length / median : 0.0);
        add("\"peakResidentBytes\": %lld, \"finite\": %s,\n      \"seconds\": [", r.peak_rss, r.finite ? "true" : "false");
        for (size_t k = 0; k < r.seconds.size(); k++) {
            add("%s%.6f", k ? ", " : "", r.seconds[k]);
        }
        out += "],\n      \"firstEmbedding\": [";
        for (size_t k = 0; k < r.first_embedding.size(); k++) {
            add("%s%.9g", k ? ", " : "", r.first_embedding[k]);
        }
        add("]}%s\n", i + 1 < results.size() ? "," : "");
    }
    long long peak = 0;
    for (const result & r : results) {
        peak = std::max(peak, r.peak_rss);
    }
    add("  ],\n  \"peakResidentBytes\": %lld\n}\n", peak);

    if (!json_path.empty()) {
        std::ofstream(json_path) << out;
    } else {
        std::fputs(out.c_str(), stdout);
    }
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
