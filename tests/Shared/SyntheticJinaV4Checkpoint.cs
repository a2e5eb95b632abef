// Deterministic synthetic jina-embeddings-v4 model folder in the official Hugging Face layout (spec §3): config.json,
// two safetensors shards + model.safetensors.index.json (the 826 base tensors under their old names), the PEFT
// adapters folder (1518 LoRA tensors, 3 tasks), preprocessor_config.json and the tokenizer files.
// Values: the generator of SyntheticJinaCheckpoint (FNV-1a-64 seed of salt + name, splitmix64 stream,
// float32((2u − 1)·amp + center), BF16 round-to-nearest-even) with v4 amplitudes (AmpCenter). Written tensor by tensor
// in 1M-element chunks, so the 7.5 GB full-size checkpoint never sits in memory. Documented in docs/benchmarks.md.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JinaEmbed.Testing;

/// <summary>Writes a jina-embeddings-v4 model folder with synthetic weights, at full size or at a small configuration.</summary>
public static class SyntheticJinaV4Checkpoint
{
    /// <summary>Hugging Face's default <c>max_shard_size</c> ("5GB" = 5·10⁹ bytes).</summary>
    public const long HuggingFaceShardBytes = 5_000_000_000;


    /// <summary>
    /// Writes the model folder <paramref name="outDir"/>. <paramref name="configJsonPath"/> null = the official
    /// full-size config.json; otherwise that file (e.g. a tiny fixture's) is copied and its sizes are used.
    /// <paramref name="dtype"/> BF16 (as shipped) or F32 (the same BF16-rounded values, widened) for every tensor.
    /// The tokenizer files are copied when given (the engine needs only ids for <c>EmbedTokenIds</c>).
    /// </summary>
    public static void Write(
        string outDir,
        string? configJsonPath = null,
        string dtype = "BF16",
        string salt = "",
        int loraRank = 32,
        int loraAlpha = 32,
        string? tokenizerJsonPath = null,
        string? tokenizerConfigPath = null,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(outDir);
        ArgumentNullException.ThrowIfNull(salt);
        dtype = (dtype ?? "BF16").ToUpperInvariant();
        if (dtype is not ("BF16" or "F32"))
        {
            throw new ArgumentException("dtype must be BF16 or F32.", nameof(dtype));
        }

        int size = dtype == "BF16" ? 2 : 4;
        Directory.CreateDirectory(Path.Combine(outDir, "adapters"));
        string configJson = configJsonPath != null ? File.ReadAllText(configJsonPath) : OfficialConfigJson();
        var config = JsonNode.Parse(configJson)!.AsObject();

        // Base shards: module order, split like save_pretrained (next tensor would overflow the shard → new shard).
        var baseTensors = BaseTensors(config);
        var shards = Shards(baseTensors, size);
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long totalSize = 0;
        for (int s = 0; s < shards.Count; s++)
        {
            string file = $"model-{s + 1:D5}-of-{shards.Count:D5}.safetensors";
            log?.Invoke($"writing {file} ({shards[s].Count} tensors)");
            totalSize += WriteSafetensors(Path.Combine(outDir, file), shards[s], dtype, salt);
            foreach (var (name, _) in shards[s])
            {
                weightMap[name] = file;
            }
        }

        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = totalSize },
            ["weight_map"] = new JsonObject(weightMap.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        WriteJson(Path.Combine(outDir, "model.safetensors.index.json"), index);

        log?.Invoke("writing adapters/adapter_model.safetensors");
        WriteSafetensors(Path.Combine(outDir, "adapters", "adapter_model.safetensors"), AdapterTensors(config, loraRank), dtype, salt);
        WriteJson(Path.Combine(outDir, "adapters", "adapter_config.json"), AdapterConfig(loraRank, loraAlpha));

        File.WriteAllText(Path.Combine(outDir, "config.json"), configJson);
        File.WriteAllText(Path.Combine(outDir, "preprocessor_config.json"), PreprocessorConfigJson);
        if (tokenizerJsonPath != null)
        {
            // Bytes, not File.Copy: the fixtures are read-only and a copied mode would block regenerating the folder.
            File.WriteAllBytes(Path.Combine(outDir, "tokenizer.json"), File.ReadAllBytes(tokenizerJsonPath));
        }

        if (tokenizerConfigPath != null)
        {
            File.WriteAllBytes(Path.Combine(outDir, "tokenizer_config.json"), File.ReadAllBytes(tokenizerConfigPath));
        }
    }

    /// <summary>
    /// (name, shape) of the base tensors in module order (spec §3.4): the vision tower, then the language model, then
    /// the projector, as Qwen2.5-VL registers its modules. No <c>lm_head</c> (tied).
    /// </summary>
    public static List<(string Name, int[] Shape)> BaseTensors(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var t = Text(config);
        int d = Int(t, "hidden_size"), f = Int(t, "intermediate_size"), layers = Int(t, "num_hidden_layers");
        int heads = Int(t, "num_attention_heads"), kvHeads = Int(t, "num_key_value_heads"), vocab = Int(t, "vocab_size");
        int kv = d / heads * kvHeads;
        var v = config["vision_config"]!.AsObject();
        int dv = Int(v, "hidden_size"), fv = Int(v, "intermediate_size"), depth = Int(v, "depth"), outv = Int(v, "out_hidden_size");
        int channels = Int(v, "in_channels"), patch = Int(v, "patch_size"), temporal = Int(v, "temporal_patch_size"), merge = Int(v, "spatial_merge_size");
        int merged = dv * merge * merge;
        int projector = Int(config, "multi_vector_projector_dim");

        var list = new List<(string, int[])> { ("visual.patch_embed.proj.weight", [dv, channels, temporal, patch, patch]) };
        for (int j = 0; j < depth; j++)
        {
            string b = $"visual.blocks.{j}.";
            list.Add((b + "norm1.weight", [dv]));
            list.Add((b + "norm2.weight", [dv]));
            list.Add((b + "attn.qkv.weight", [3 * dv, dv]));
            list.Add((b + "attn.qkv.bias", [3 * dv]));
            list.Add((b + "attn.proj.weight", [dv, dv]));
            list.Add((b + "attn.proj.bias", [dv]));
            list.Add((b + "mlp.gate_proj.weight", [fv, dv]));
            list.Add((b + "mlp.gate_proj.bias", [fv]));
            list.Add((b + "mlp.up_proj.weight", [fv, dv]));
            list.Add((b + "mlp.up_proj.bias", [fv]));
            list.Add((b + "mlp.down_proj.weight", [dv, fv]));
            list.Add((b + "mlp.down_proj.bias", [dv]));
        }

        list.Add(("visual.merger.ln_q.weight", [dv]));
        list.Add(("visual.merger.mlp.0.weight", [merged, merged]));
        list.Add(("visual.merger.mlp.0.bias", [merged]));
        list.Add(("visual.merger.mlp.2.weight", [outv, merged]));
        list.Add(("visual.merger.mlp.2.bias", [outv]));

        list.Add(("model.embed_tokens.weight", [vocab, d]));
        for (int i = 0; i < layers; i++)
        {
            string l = $"model.layers.{i}.";
            list.Add((l + "self_attn.q_proj.weight", [d, d]));
            list.Add((l + "self_attn.q_proj.bias", [d]));
            list.Add((l + "self_attn.k_proj.weight", [kv, d]));
            list.Add((l + "self_attn.k_proj.bias", [kv]));
            list.Add((l + "self_attn.v_proj.weight", [kv, d]));
            list.Add((l + "self_attn.v_proj.bias", [kv]));
            list.Add((l + "self_attn.o_proj.weight", [d, d]));
            list.Add((l + "mlp.gate_proj.weight", [f, d]));
            list.Add((l + "mlp.up_proj.weight", [f, d]));
            list.Add((l + "mlp.down_proj.weight", [d, f]));
            list.Add((l + "input_layernorm.weight", [d]));
            list.Add((l + "post_attention_layernorm.weight", [d]));
        }

        list.Add(("model.norm.weight", [d]));
        list.Add(("multi_vector_projector.weight", [projector, d]));
        list.Add(("multi_vector_projector.bias", [projector]));
        return list;
    }

    /// <summary>(name, shape) of the PEFT adapter tensors (spec §3.6) for every task in <c>task_names</c>, sorted by name.</summary>
    public static List<(string Name, int[] Shape)> AdapterTensors(JsonObject config, int rank)
    {
        ArgumentNullException.ThrowIfNull(config);
        var t = Text(config);
        int d = Int(t, "hidden_size"), f = Int(t, "intermediate_size"), layers = Int(t, "num_hidden_layers");
        int kv = d / Int(t, "num_attention_heads") * Int(t, "num_key_value_heads");
        int projector = Int(config, "multi_vector_projector_dim");
        var tasks = config["task_names"]!.AsArray().Select(n => (string)n!).ToArray();
        var list = new List<(string, int[])>();
        void Lora(string module, int outFeatures, int inFeatures)
        {
            foreach (var task in tasks)
            {
                list.Add(($"{module}.lora_A.{task}.weight", [rank, inFeatures]));
                list.Add(($"{module}.lora_B.{task}.weight", [outFeatures, rank]));
            }
        }

        for (int i = 0; i < layers; i++)
        {
            string l = $"base_model.model.model.language_model.layers.{i}.";
            Lora(l + "self_attn.q_proj", d, d);
            Lora(l + "self_attn.k_proj", kv, d);
            Lora(l + "self_attn.v_proj", kv, d);
            Lora(l + "self_attn.o_proj", d, d);
            Lora(l + "mlp.gate_proj", f, d);
            Lora(l + "mlp.up_proj", f, d);
            Lora(l + "mlp.down_proj", d, f);
        }

        Lora("base_model.model.multi_vector_projector", projector, d);
        list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return list;
    }

    /// <summary>
    /// Splits tensors (in order) into shards like Hugging Face's save_pretrained with max_shard_size 5 GB: a tensor that
    /// would push the current shard past 5·10⁹ bytes starts a new one (at full size: shard 1 = vision, embeddings,
    /// layers 0–18 and part of layer 19). A checkpoint under 5 GB is still written as two shards, cut before the
    /// middle layer's MLP, so one layer straddles them as in the real file.
    /// </summary>
    public static List<List<(string Name, int[] Shape)>> Shards(List<(string Name, int[] Shape)> tensors, int elementSize)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        long total = tensors.Sum(t => Count(t.Shape) * elementSize);
        var shards = new List<List<(string, int[])>> { new() };
        if (total <= HuggingFaceShardBytes)
        {
            int layers = tensors.Count(t => t.Name.EndsWith(".input_layernorm.weight", StringComparison.Ordinal));
            string cut = $"model.layers.{layers / 2}.mlp.gate_proj.weight";
            foreach (var tensor in tensors)
            {
                if (tensor.Name == cut)
                {
                    shards.Add([]);
                }

                shards[^1].Add(tensor);
            }

            return shards;
        }

        long current = 0;
        foreach (var tensor in tensors)
        {
            long bytes = Count(tensor.Shape) * elementSize;
            if (current > 0 && current + bytes > HuggingFaceShardBytes)
            {
                shards.Add([]);
                current = 0;
            }

            shards[^1].Add(tensor);
            current += bytes;
        }

        return shards;
    }

    /// <summary>Elements [start, start + destination.Length) of tensor <paramref name="name"/>, BF16-rounded, as fp32.</summary>
    public static void Values(string name, long start, Span<float> destination, string salt = "")
    {
        ArgumentNullException.ThrowIfNull(name);
        var (center, amp) = AmpCenter(name);
        ulong seed = SyntheticJinaCheckpoint.Fnv1a64(salt + name);
        for (int i = 0; i < destination.Length; i++)
        {
            ulong z = seed + ((ulong)(start + i + 1) * 0x9E3779B97F4A7C15UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            double u = (z >> 40) / (double)(1 << 24);
            destination[i] = SyntheticJinaCheckpoint.RoundToBFloat16((float)((((2.0 * u) - 1.0) * amp) + center));
        }
    }

    /// <summary>
    /// Uniform amplitudes chosen so 36 pre-norm layers stay finite and well scaled: RMSNorm weights 1 ± 0.1; biases
    /// ±0.02; linear weights, embeddings and the patch conv ±0.0346 (σ = 0.02, Qwen's initializer_range), which gives
    /// q/k/v of σ ≈ 0.9 after a unit-RMS norm and adds O(1) per layer to the residual stream; LoRA A ±0.0346 and
    /// B ±0.0173 (σ 0.01): B nonzero (trained adapters are), the delta ≈ 6 % of the base output.
    /// </summary>
    public static (double Center, double Amp) AmpCenter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.EndsWith("layernorm.weight", StringComparison.Ordinal) || name == "model.norm.weight"
            || name.EndsWith("norm1.weight", StringComparison.Ordinal) || name.EndsWith("norm2.weight", StringComparison.Ordinal)
            || name.EndsWith("ln_q.weight", StringComparison.Ordinal))
        {
            return (1.0, 0.1);
        }

        if (name.EndsWith(".bias", StringComparison.Ordinal))
        {
            return (0.0, 0.02);
        }

        if (name.Contains(".lora_B.", StringComparison.Ordinal))
        {
            return (0.0, 0.0173);
        }

        return (0.0, 0.0346);
    }

    /// <summary>Text hyper-parameters: <c>text_config</c>, falling back to the top level per key (spec §3.2).</summary>
    public static JsonObject Text(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var merged = new JsonObject();
        foreach (var (key, value) in config)
        {
            if (key is not ("text_config" or "vision_config"))
            {
                merged[key] = value?.DeepClone();
            }
        }

        if (config["text_config"] is JsonObject text)
        {
            foreach (var (key, value) in text)
            {
                if (value != null)
                {
                    merged[key] = value.DeepClone();
                }
            }
        }

        return merged;
    }

    /// <summary>The official full-size config.json (spec §3.2), keys in the official order.</summary>
    public static string OfficialConfigJson() => """
        {
          "_name_or_path": "jinaai/jina-embeddings-v4",
          "architectures": [
            "JinaEmbeddingsV4Model"
          ],
          "auto_map": {
            "AutoConfig": "configuration_jina_embeddings_v4.JinaEmbeddingsV4Config",
            "AutoModel": "modeling_jina_embeddings_v4.JinaEmbeddingsV4Model"
          },
          "attention_dropout": 0.0,
          "bos_token_id": 151643,
          "eos_token_id": 151645,
          "hidden_act": "silu",
          "hidden_size": 2048,
          "image_token_id": 151655,
          "initializer_range": 0.02,
          "intermediate_size": 11008,
          "max_position_embeddings": 128000,
          "max_window_layers": 70,
          "multi_vector_projector_dim": 128,
          "num_attention_heads": 16,
          "num_hidden_layers": 36,
          "num_key_value_heads": 2,
          "rms_norm_eps": 1e-06,
          "rope_scaling": {
            "mrope_section": [
              16,
              24,
              24
            ],
            "rope_type": "default",
            "type": "default"
          },
          "rope_theta": 1000000.0,
          "single_vector_pool_strategy": "mean",
          "sliding_window": 32768,
          "tie_word_embeddings": true,
          "text_config": {
            "attention_dropout": 0.0,
            "bos_token_id": 151643,
            "eos_token_id": 151645,
            "hidden_act": "silu",
            "hidden_size": 2048,
            "image_token_id": null,
            "initializer_range": 0.02,
            "intermediate_size": 11008,
            "max_position_embeddings": 128000,
            "max_window_layers": 70,
            "model_type": "qwen2_5_vl_text",
            "num_attention_heads": 16,
            "num_hidden_layers": 36,
            "num_key_value_heads": 2,
            "rms_norm_eps": 1e-06,
            "rope_scaling": {
              "mrope_section": [
                16,
                24,
                24
              ],
              "rope_type": "default",
              "type": "default"
            },
            "rope_theta": 1000000.0,
            "sliding_window": null,
            "tie_word_embeddings": true,
            "torch_dtype": "bfloat16",
            "use_cache": true,
            "use_sliding_window": false,
            "vocab_size": 151936
          },
          "torch_dtype": "bfloat16",
          "transformers_version": "4.52.0",
          "use_cache": true,
          "use_sliding_window": false,
          "video_token_id": 151656,
          "vision_config": {
            "depth": 32,
            "fullatt_block_indexes": [
              7,
              15,
              23,
              31
            ],
            "hidden_act": "silu",
            "hidden_size": 1280,
            "in_channels": 3,
            "in_chans": 3,
            "initializer_range": 0.02,
            "intermediate_size": 3420,
            "model_type": "qwen2_5_vl",
            "num_heads": 16,
            "out_hidden_size": 2048,
            "patch_size": 14,
            "spatial_merge_size": 2,
            "spatial_patch_size": 14,
            "temporal_patch_size": 2,
            "tokens_per_second": 2,
            "torch_dtype": "bfloat16",
            "window_size": 112
          },
          "task_names": [
            "retrieval",
            "text-matching",
            "code"
          ],
          "matryoshka_dims": [
            128,
            256,
            512,
            1024,
            2048
          ],
          "_attn_implementation": "flash_attention_2",
          "truncate_dim": null,
          "vision_end_token_id": 151653,
          "vision_start_token_id": 151652,
          "vision_token_id": 151654
        }
        """;

    /// <summary>The real preprocessor_config.json values (spec §3.3).</summary>
    public const string PreprocessorConfigJson = """
        {
          "do_convert_rgb": true,
          "do_normalize": true,
          "do_rescale": true,
          "do_resize": true,
          "image_mean": [
            0.48145466,
            0.4578275,
            0.40821073
          ],
          "image_processor_type": "Qwen2VLImageProcessor",
          "image_std": [
            0.26862954,
            0.26130258,
            0.27577711
          ],
          "max_pixels": 602112,
          "merge_size": 2,
          "min_pixels": 3136,
          "patch_size": 14,
          "processor_class": "JinaEmbeddingsV4Processor",
          "resample": 3,
          "rescale_factor": 0.00392156862745098,
          "size": {
            "longest_edge": 602112,
            "shortest_edge": 3136
          },
          "temporal_patch_size": 2,
          "auto_map": {
            "AutoProcessor": "modeling_jina_embeddings_v4.JinaEmbeddingsV4Processor"
          }
        }
        """;

    /// <summary>adapters/adapter_config.json (spec §3.6), keys in PEFT 0.15's order.</summary>
    public static JsonObject AdapterConfig(int rank, int alpha) => new()
    {
        ["alpha_pattern"] = new JsonObject(),
        ["auto_mapping"] = null,
        ["base_model_name_or_path"] = "jinaai/jina-embeddings-v4",
        ["bias"] = "none",
        ["corda_config"] = null,
        ["eva_config"] = null,
        ["exclude_modules"] = ".*visual.*",
        ["fan_in_fan_out"] = false,
        ["inference_mode"] = true,
        ["init_lora_weights"] = "gaussian",
        ["layer_replication"] = null,
        ["layers_pattern"] = null,
        ["layers_to_transform"] = null,
        ["loftq_config"] = new JsonObject(),
        ["lora_alpha"] = alpha,
        ["lora_bias"] = false,
        ["lora_dropout"] = 0.1,
        ["megatron_config"] = null,
        ["megatron_core"] = "megatron.core",
        ["modules_to_save"] = null,
        ["peft_type"] = "LORA",
        ["r"] = rank,
        ["rank_pattern"] = new JsonObject(),
        ["revision"] = null,
        ["target_modules"] = "(.*(model).*(down_proj|gate_proj|up_proj|k_proj|q_proj|v_proj|o_proj).*$|.*(single_vector_projector|multi_vector_projector).*$)",
        ["task_type"] = "FEATURE_EXTRACTION",
        ["trainable_token_indices"] = null,
        ["use_dora"] = false,
        ["use_rslora"] = false,
    };

    /// <summary>Element count of a shape.</summary>
    public static long Count(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }

        return n;
    }

    // One safetensors file: header keys and data both sorted by name (as the safetensors library writes them),
    // __metadata__ last, header space-padded to a multiple of 8. Returns the data bytes.
    private static long WriteSafetensors(string path, List<(string Name, int[] Shape)> tensors, string dtype, string salt)
    {
        int size = dtype == "BF16" ? 2 : 4;
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape) in sorted)
        {
            long bytes = Count(shape) * size;
            header.Append(JsonSerializer.Serialize(name)).Append(":{\"dtype\":\"").Append(dtype).Append("\",\"shape\":[")
                .Append(string.Join(",", shape)).Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + bytes).Append("]},");
            offset += bytes;
        }

        header.Append("\"__metadata__\":{\"format\":\"pt\"}}");
        int length = Encoding.UTF8.GetByteCount(header.ToString());
        header.Append(' ', ((length + 7) / 8 * 8) - length);
        var headerBytes = Encoding.UTF8.GetBytes(header.ToString());

        SyntheticTensorData.Write(path, headerBytes, sorted.Select(t => (t.Name, Count(t.Shape))), size, (name, start, destination) => Values(name, start, destination, salt));

        return offset;
    }

    private static void WriteJson(string path, JsonNode node) =>
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    private static int Int(JsonObject o, string key) =>
        o[key] is JsonNode n ? (int)n : throw new InvalidDataException($"config.json has no '{key}'.");
}
