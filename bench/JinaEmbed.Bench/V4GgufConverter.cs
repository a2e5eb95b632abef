// Converts a jina-embeddings-v4 model folder (official layout: sharded safetensors + index, PEFT adapters/) into a
// llama.cpp Qwen2 GGUF of the text path with ONE task adapter merged: W' = W + (lora_alpha / r)·B·A, computed in fp32.
// Benchmark-only: the engine itself never merges (spec §4.1). Conventions follow llama.cpp's convert_hf_to_gguf.py for
// Qwen2 (tensor names, metadata keys, vocabulary handling), re-implemented here:
//   token_embd, blk.N.{attn_norm, attn_q/k/v (+bias), attn_output, ffn_norm, ffn_gate, ffn_up, ffn_down}, output_norm;
//   GGUF ne = PyTorch shape reversed; 1-D tensors (norms, biases) always F32, 2-D in the chosen type;
//   no output.weight (tied: llama.cpp falls back to token_embd); the vision tower and the projector are left out.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using JinaEmbed.Checkpoints;
using JinaEmbed.Testing;

namespace JinaEmbed.Bench;

/// <summary>jina-embeddings-v4 folder → Qwen2 GGUF (text path, one merged adapter).</summary>
internal static class V4GgufConverter
{
    private const int RowsPerBlock = 64;

    /// <summary>The GGUF tensor type of a --llama-dtypes name (bf16, f32, q8_0).</summary>
    public static GgmlType TypeOf(string dtype) => dtype switch
    {
        "bf16" => GgmlType.BF16,
        "f32" => GgmlType.F32,
        "q8_0" => GgmlType.Q8_0,
        _ => throw new ArgumentException($"GGUF type '{dtype}' is not one of bf16, f32, q8_0"),
    };

    /// <summary>Writes <paramref name="outPath"/>: matrices (token embeddings included) in <paramref name="type2d"/>, norms
    /// and biases F32, as llama.cpp's own converter does.</summary>
    public static void Convert(string modelDir, string outPath, string task, GgmlType type2d, Action<string> log)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(modelDir, "config.json")))!.AsObject();
        var text = SyntheticJinaV4Checkpoint.Text(config);
        int d = (int)text["hidden_size"]!, f = (int)text["intermediate_size"]!, layers = (int)text["num_hidden_layers"]!;
        int heads = (int)text["num_attention_heads"]!, kvHeads = (int)text["num_key_value_heads"]!, vocab = (int)text["vocab_size"]!;
        var tasks = config["task_names"]!.AsArray().Select(n => (string)n!).ToList();
        if (!tasks.Contains(task))
        {
            throw new ArgumentException($"task '{task}' is not one of {string.Join(", ", tasks)}");
        }

        var adapterConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(modelDir, "adapters", "adapter_config.json")))!;
        int rank = (int)adapterConfig["r"]!;
        double alpha = (double)adapterConfig["lora_alpha"]!;
        bool rslora = adapterConfig["use_rslora"] is JsonNode rs && (bool)rs;
        float scale = (float)(rslora ? alpha / Math.Sqrt(rank) : alpha / rank);

        using var checkpoint = new Checkpoint(modelDir);
        var w = new GgufWriter();

        // Metadata (llama.cpp's LLM_KV names; u32 sizes, f32 floats).
        w.Add("general.architecture", "qwen2");
        w.Add("general.type", "model");
        w.Add("general.name", $"jina-embeddings-v4 text ({task} adapter merged)");
        w.Add("general.file_type", type2d switch { GgmlType.BF16 => 32u, GgmlType.Q8_0 => 7u, _ => 0u }); // LLAMA_FTYPE_MOSTLY_BF16 / MOSTLY_Q8_0 / ALL_F32
        w.Add("general.quantization_version", 2u);
        w.Add("general.alignment", (uint)GgufWriter.Alignment);
        w.Add("qwen2.block_count", (uint)layers);
        w.Add("qwen2.context_length", (uint)(int)text["max_position_embeddings"]!);
        w.Add("qwen2.embedding_length", (uint)d);
        w.Add("qwen2.feed_forward_length", (uint)f);
        w.Add("qwen2.attention.head_count", (uint)heads);
        w.Add("qwen2.attention.head_count_kv", (uint)kvHeads);
        w.Add("qwen2.rope.freq_base", (float)(double)text["rope_theta"]!);
        w.Add("qwen2.attention.layer_norm_rms_epsilon", (float)(double)text["rms_norm_eps"]!);
        w.Add("qwen2.pooling_type", 1u); // LLAMA_POOLING_TYPE_MEAN (spec §8.1)
        AddTokenizer(w, modelDir, vocab, config);

        // Tensors.
        w.AddTensor("token_embd.weight", [d, vocab], type2d, s => checkpoint.CopyRows("model.embed_tokens.weight", s, type2d));
        for (int i = 0; i < layers; i++)
        {
            string l = $"model.layers.{i}.";
            string b = $"blk.{i}.";
            w.AddTensor(b + "attn_norm.weight", [d], GgmlType.F32, s => checkpoint.CopyRows(l + "input_layernorm.weight", s, GgmlType.F32));
            Merged(b + "attn_q", l, "self_attn.q_proj", d, d, bias: true);
            Merged(b + "attn_k", l, "self_attn.k_proj", d / heads * kvHeads, d, bias: true);
            Merged(b + "attn_v", l, "self_attn.v_proj", d / heads * kvHeads, d, bias: true);
            Merged(b + "attn_output", l, "self_attn.o_proj", d, d, bias: false);
            w.AddTensor(b + "ffn_norm.weight", [d], GgmlType.F32, s => checkpoint.CopyRows(l + "post_attention_layernorm.weight", s, GgmlType.F32));
            Merged(b + "ffn_gate", l, "mlp.gate_proj", f, d, bias: false);
            Merged(b + "ffn_up", l, "mlp.up_proj", f, d, bias: false);
            Merged(b + "ffn_down", l, "mlp.down_proj", d, f, bias: false);
        }

        w.AddTensor("output_norm.weight", [d], GgmlType.F32, s => checkpoint.CopyRows("model.norm.weight", s, GgmlType.F32));
        log($"writing {outPath} ({type2d}, {task} merged, scale {scale}, {w.TensorBytes / 1e9:F2} GB of tensors)");
        w.Write(outPath, log);

        void Merged(string ggufName, string layerPrefix, string module, int outFeatures, int inFeatures, bool bias)
        {
            string adapter = $"base_model.model.model.language_model.{layerPrefix["model.".Length..]}{module}";
            w.AddTensor(ggufName + ".weight", [inFeatures, outFeatures], type2d, s =>
                checkpoint.WriteMerged(layerPrefix + module + ".weight", $"{adapter}.lora_A.{task}.weight", $"{adapter}.lora_B.{task}.weight", scale, rank, outFeatures, inFeatures, s, type2d));
            if (bias)
            {
                w.AddTensor(ggufName + ".bias", [outFeatures], GgmlType.F32, s => checkpoint.CopyRows(layerPrefix + module + ".bias", s, GgmlType.F32));
            }
        }
    }

    // Qwen2 byte-level BPE as llama.cpp's "gpt2" tokenizer model with the "qwen2" pre-tokenizer: one token string per
    // embedding row (rows without a token become "[PAD<id>]", type UNUSED), added tokens CONTROL when special or shaped
    // like <|…|>, otherwise USER_DEFINED; merges as "left right" strings in rank order.
    private static void AddTokenizer(GgufWriter w, string modelDir, int vocabSize, JsonObject config)
    {
        const int Normal = 1, Control = 3, UserDefined = 4, Unused = 5;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(modelDir, "tokenizer.json")));
        var tokens = new string?[vocabSize];
        var types = new int[vocabSize];
        foreach (var entry in doc.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject())
        {
            int id = entry.Value.GetInt32();
            tokens[id] = entry.Name;
            types[id] = Normal;
        }

        foreach (var added in doc.RootElement.GetProperty("added_tokens").EnumerateArray())
        {
            int id = added.GetProperty("id").GetInt32();
            string content = added.GetProperty("content").GetString()!;
            tokens[id] = content;
            bool special = added.GetProperty("special").GetBoolean() || (content.StartsWith("<|", StringComparison.Ordinal) && content.EndsWith("|>", StringComparison.Ordinal));
            types[id] = special ? Control : UserDefined;
        }

        for (int i = 0; i < vocabSize; i++)
        {
            if (tokens[i] == null)
            {
                tokens[i] = $"[PAD{i}]";
                types[i] = Unused;
            }
        }

        var merges = new List<string>();
        foreach (var merge in doc.RootElement.GetProperty("model").GetProperty("merges").EnumerateArray())
        {
            merges.Add(merge.ValueKind == JsonValueKind.Array ? $"{merge[0].GetString()} {merge[1].GetString()}" : merge.GetString()!);
        }

        w.Add("tokenizer.ggml.model", "gpt2");
        w.Add("tokenizer.ggml.pre", "qwen2");
        w.Add("tokenizer.ggml.tokens", tokens!);
        w.Add("tokenizer.ggml.token_type", types);
        w.Add("tokenizer.ggml.merges", merges);
        w.Add("tokenizer.ggml.bos_token_id", (uint)(int)config["bos_token_id"]!);
        w.Add("tokenizer.ggml.eos_token_id", (uint)(int)config["eos_token_id"]!);
        w.Add("tokenizer.ggml.padding_token_id", (uint)(int)config["bos_token_id"]!); // <|endoftext|> pads (spec §2.6)
        w.Add("tokenizer.ggml.add_bos_token", false);
    }

    /// <summary>The folder's tensors, base names resolved through the index (or a single model.safetensors).</summary>
    private sealed class Checkpoint : IDisposable
    {
        private readonly Dictionary<string, SafetensorsFile> _files = [];
        private readonly Dictionary<string, SafetensorsFile> _byName = new(StringComparer.Ordinal);

        public Checkpoint(string modelDir)
        {
            string index = Path.Combine(modelDir, "model.safetensors.index.json");
            var shards = File.Exists(index)
                ? JsonNode.Parse(File.ReadAllText(index))!["weight_map"]!.AsObject().Select(p => (string)p.Value!).Distinct()
                : ["model.safetensors"];
            foreach (var shard in shards.Append(Path.Combine("adapters", "adapter_model.safetensors")))
            {
                var file = SafetensorsFile.Open(Path.Combine(modelDir, shard));
                _files[shard] = file;
                foreach (var name in file.Tensors.Keys)
                {
                    _byName[name] = file;
                }
            }
        }

        /// <summary>Copies a tensor as is, encoded as <paramref name="type"/>, in row blocks.</summary>
        public void CopyRows(string name, Stream output, GgmlType type)
        {
            var (file, tensor) = Get(name);
            long count = tensor.ElementCount;
            const int Chunk = 1 << 20;
            var values = new float[Chunk];
            var bytes = new byte[Chunk * 4];
            for (long start = 0; start < count; start += Chunk)
            {
                int n = (int)Math.Min(Chunk, count - start);
                file.ReadFloat32(tensor, start, values.AsSpan(0, n));
                output.Write(bytes, 0, Encode(values.AsSpan(0, n), bytes, type));
            }
        }

        /// <summary>Writes W + scale·B·A row block by row block (fp32 arithmetic), then encodes.</summary>
        public void WriteMerged(string weight, string loraA, string loraB, float scale, int rank, int outFeatures, int inFeatures, Stream output, GgmlType type)
        {
            var (wf, wt) = Get(weight);
            var (af, at) = Get(loraA);
            var (bfile, bt) = Get(loraB);
            if (wt.Shape is not [var o, var i] || o != outFeatures || i != inFeatures || at.Shape is not [var ar, var ai] || ar != rank || ai != inFeatures
                || bt.Shape is not [var bo, var br] || bo != outFeatures || br != rank)
            {
                throw new InvalidDataException($"unexpected shapes for {weight}: {wt.ShapeText}, {at.ShapeText}, {bt.ShapeText}");
            }

            var a = af.ReadFloat32(at);
            var b = bfile.ReadFloat32(bt);
            var block = new float[RowsPerBlock * inFeatures];
            var bytes = new byte[block.Length * 4];
            for (int row0 = 0; row0 < outFeatures; row0 += RowsPerBlock)
            {
                int rows = Math.Min(RowsPerBlock, outFeatures - row0);
                var span = block.AsSpan(0, rows * inFeatures);
                wf.ReadFloat32(wt, (long)row0 * inFeatures, span);
                Parallel.For(0, rows, r =>
                {
                    var target = block.AsSpan(r * inFeatures, inFeatures);
                    for (int k = 0; k < rank; k++)
                    {
                        Axpy(scale * b[((row0 + r) * rank) + k], a.AsSpan(k * inFeatures, inFeatures), target);
                    }
                });
                output.Write(bytes, 0, Encode(span, bytes, type));
            }
        }

        public void Dispose()
        {
            foreach (var file in _files.Values)
            {
                file.Dispose();
            }
        }

        private (SafetensorsFile File, SafetensorsTensor Tensor) Get(string name) =>
            _byName.TryGetValue(name, out var file) ? (file, file.Tensors[name]) : throw new InvalidDataException($"tensor {name} not found");

        private static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
        {
            var xs = MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(x);
            var ys = MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(y);
            var va = new System.Numerics.Vector<float>(alpha);
            for (int i = 0; i < ys.Length; i++)
            {
                ys[i] += va * xs[i];
            }

            for (int i = ys.Length * System.Numerics.Vector<float>.Count; i < y.Length; i++)
            {
                y[i] += alpha * x[i];
            }
        }

        // Chunks always start on a row boundary and rows are multiples of 32, so Q8_0 blocks never straddle a row.
        private static int Encode(ReadOnlySpan<float> values, byte[] bytes, GgmlType type)
        {
            switch (type)
            {
                case GgmlType.F32:
                    MemoryMarshal.AsBytes(values).CopyTo(bytes);
                    return values.Length * 4;
                case GgmlType.BF16:
                    var bits = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan(0, values.Length * 2));
                    for (int i = 0; i < values.Length; i++)
                    {
                        bits[i] = (ushort)(BitConverter.SingleToUInt32Bits(SyntheticJinaCheckpoint.RoundToBFloat16(values[i])) >> 16);
                    }

                    return values.Length * 2;
                case GgmlType.Q8_0:
                    return EncodeQ8(values, bytes);
                default:
                    throw new ArgumentOutOfRangeException(nameof(type), type, null);
            }
        }

        // ggml's reference Q8_0 quantiser: d = amax / 127 stored as fp16, codes round-half-away(x / d) with the fp32 d.
        private static int EncodeQ8(ReadOnlySpan<float> values, byte[] bytes)
        {
            if (values.Length % GgufWriter.Q8Block != 0)
            {
                throw new InvalidDataException($"Q8_0: {values.Length} values are not whole blocks of {GgufWriter.Q8Block}");
            }

            int o = 0;
            for (int b = 0; b < values.Length; b += GgufWriter.Q8Block)
            {
                var block = values.Slice(b, GgufWriter.Q8Block);
                float amax = 0;
                foreach (float v in block)
                {
                    amax = Math.Max(amax, Math.Abs(v));
                }

                float d = amax / 127f, inverse = d != 0 ? 1f / d : 0f;
                BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(o, 2), (Half)d);
                for (int i = 0; i < GgufWriter.Q8Block; i++)
                {
                    bytes[o + 2 + i] = (byte)(sbyte)MathF.Round(block[i] * inverse, MidpointRounding.AwayFromZero);
                }

                o += GgufWriter.Q8BlockBytes;
            }

            return o;
        }
    }
}
