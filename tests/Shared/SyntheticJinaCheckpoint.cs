// Deterministic synthetic jina-embeddings-v3 checkpoint (the generator documented in shared/tools/synth-jina-v3.py):
// per tensor an FNV-1a-64 seed of (salt + name), a splitmix64 stream, float32((2u − 1)·amp + center), BF16 round-to-nearest-even.
// Streams the file tensor by tensor, so the full-size 1.1 GB checkpoint never sits in memory.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JinaEmbed.Testing;

/// <summary>Writes config.json + model.safetensors with the official tensor names and synthetic values.</summary>
public static class SyntheticJinaCheckpoint
{

    /// <summary>
    /// Writes <paramref name="outDir"/>/config.json (a copy of <paramref name="configJsonPath"/>, or the official
    /// full-size configuration) and <paramref name="outDir"/>/model.safetensors in <paramref name="dtype"/> (BF16 or F32).
    /// </summary>
    public static void Write(string outDir, string? configJsonPath = null, string dtype = "BF16", string salt = "")
    {
        ArgumentNullException.ThrowIfNull(outDir);
        ArgumentNullException.ThrowIfNull(salt);
        dtype = (dtype ?? "BF16").ToUpperInvariant();
        if (dtype is not ("BF16" or "F32"))
        {
            throw new ArgumentException("dtype must be BF16 or F32.", nameof(dtype));
        }

        Directory.CreateDirectory(outDir);
        string configJson = configJsonPath != null ? File.ReadAllText(configJsonPath) : OfficialConfigJson();
        File.WriteAllText(Path.Combine(outDir, "config.json"), configJson);
        var config = JsonNode.Parse(configJson)!.AsObject();
        var tensors = TensorList(config);
        int size = dtype == "BF16" ? 2 : 4;

        var headerBytes = Header(config, dtype, salt);
        SyntheticTensorData.Write(Path.Combine(outDir, "model.safetensors"), headerBytes, tensors.Select(t => (t.Name, Count(t.Shape))), size, (name, start, destination) => Values(name, start, destination, salt));
    }

    /// <summary>The JSON header (compact, tensors in file order, then __metadata__), space-padded to a multiple of 8 bytes.</summary>
    public static byte[] Header(JsonObject config, string dtype = "BF16", string salt = "")
    {
        ArgumentNullException.ThrowIfNull(config);
        int size = dtype == "BF16" ? 2 : 4;
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape) in TensorList(config))
        {
            long bytes = Count(shape) * size;
            header.Append(JsonSerializer.Serialize(name)).Append(":{\"dtype\":\"").Append(dtype).Append("\",\"shape\":[")
                .Append(string.Join(",", shape)).Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + bytes).Append("]},");
            offset += bytes;
        }

        header.Append("\"__metadata__\":{\"format\":\"pt\",\"generator\":\"synth-jina-v3\",\"salt\":").Append(JsonSerializer.Serialize(salt)).Append("}}");
        int length = Encoding.UTF8.GetByteCount(header.ToString());
        header.Append(' ', ((length + 7) / 8 * 8) - length);
        return Encoding.UTF8.GetBytes(header.ToString());
    }

    /// <summary>Elements [start, start + destination.Length) of tensor <paramref name="name"/>, BF16-rounded, as fp32.</summary>
    public static void Values(string name, long start, Span<float> destination, string salt = "")
    {
        ArgumentNullException.ThrowIfNull(name);
        var (center, amp) = AmpCenter(name);
        ulong seed = Fnv1a64(salt + name);
        for (int i = 0; i < destination.Length; i++)
        {
            ulong z = seed + ((ulong)(start + i + 1) * 0x9E3779B97F4A7C15UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            double u = (z >> 40) / (double)(1 << 24);
            float v = (float)((((2.0 * u) - 1.0) * amp) + center);
            destination[i] = RoundToBFloat16(v);
        }
    }

    /// <summary>(name, shape) of every tensor of the official checkpoint for a config, in file order.</summary>
    public static List<(string Name, int[] Shape)> TensorList(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int h = (int)config["hidden_size"]!, f = (int)config["intermediate_size"]!, v = (int)config["vocab_size"]!, layers = (int)config["num_hidden_layers"]!;
        int t = config["lora_adaptations"]!.AsArray().Count, r = (int)config["lora_rank"]!, tv = (int)config["type_vocab_size"]!;
        var list = new List<(string, int[])>();
        void Linear(string prefix, int o, int i)
        {
            list.Add((prefix + ".parametrizations.weight.original", [o, i]));
            list.Add((prefix + ".parametrizations.weight.0.lora_A", [t, r, i]));
            list.Add((prefix + ".parametrizations.weight.0.lora_B", [t, o, r]));
            list.Add((prefix + ".bias", [o]));
        }

        const string P = "roberta.";
        list.Add((P + "embeddings.word_embeddings.parametrizations.weight.original", [v, h]));
        list.Add((P + "embeddings.word_embeddings.parametrizations.weight.0.lora_A", [t, v, r]));
        list.Add((P + "embeddings.word_embeddings.parametrizations.weight.0.lora_B", [t, r, h]));
        list.Add((P + "embeddings.token_type_embeddings.parametrizations.weight.original", [tv, h]));
        list.Add((P + "embeddings.token_type_embeddings.parametrizations.weight.0.lora_A", [t, tv, r]));
        list.Add((P + "embeddings.token_type_embeddings.parametrizations.weight.0.lora_B", [t, r, h]));
        list.Add((P + "emb_ln.weight", [h]));
        list.Add((P + "emb_ln.bias", [h]));
        for (int l = 0; l < layers; l++)
        {
            string q = $"{P}encoder.layers.{l}.";
            Linear(q + "mixer.Wqkv", 3 * h, h);
            Linear(q + "mixer.out_proj", h, h);
            list.Add((q + "norm1.weight", [h]));
            list.Add((q + "norm1.bias", [h]));
            Linear(q + "mlp.fc1", f, h);
            Linear(q + "mlp.fc2", h, f);
            list.Add((q + "norm2.weight", [h]));
            list.Add((q + "norm2.bias", [h]));
        }

        Linear(P + "pooler.dense", h, h);
        return list;
    }

    /// <summary>FNV-1a 64-bit over the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ulong Fnv1a64(string text)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }

        return hash;
    }

    /// <summary>Rounds to the nearest BF16 value (ties to even), returned as fp32.</summary>
    public static float RoundToBFloat16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        u = (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;
        return BitConverter.UInt32BitsToSingle(u);
    }

    private static (double Center, double Amp) AmpCenter(string name)
    {
        if (name.EndsWith("norm1.weight", StringComparison.Ordinal) || name.EndsWith("norm2.weight", StringComparison.Ordinal) || name.EndsWith("emb_ln.weight", StringComparison.Ordinal))
        {
            return (1.0, 0.1);
        }

        if (name.EndsWith(".bias", StringComparison.Ordinal))
        {
            return (0.0, 0.02);
        }

        if (name.EndsWith("lora_A", StringComparison.Ordinal) || name.EndsWith("lora_B", StringComparison.Ordinal))
        {
            return (0.0, 0.1);
        }

        return (0.0, 0.0346);
    }

    private static long Count(int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }

        return n;
    }

    // The official full-size configuration's values (spec §1.3), used when no config file is given.
    private static string OfficialConfigJson()
    {
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("XLMRobertaModel"),
            ["bos_token_id"] = 0,
            ["emb_pooler"] = null,
            ["eos_token_id"] = 2,
            ["hidden_act"] = "gelu",
            ["hidden_size"] = 1024,
            ["intermediate_size"] = 4096,
            ["layer_norm_eps"] = 1e-05,
            ["lora_adaptations"] = new JsonArray("retrieval.query", "retrieval.passage", "separation", "classification", "text-matching"),
            ["lora_alpha"] = 1,
            ["lora_rank"] = 4,
            ["matryoshka_dimensions"] = new JsonArray(32, 64, 128, 256, 512, 768, 1024),
            ["max_position_embeddings"] = 8194,
            ["num_attention_heads"] = 16,
            ["num_hidden_layers"] = 24,
            ["pad_token_id"] = 1,
            ["position_embedding_type"] = "rotary",
            ["rotary_emb_base"] = 20000.0,
            ["torch_dtype"] = "bfloat16",
            ["type_vocab_size"] = 1,
            ["vocab_size"] = 250002,
            ["task_instructions"] = new JsonObject
            {
                ["retrieval.query"] = "Represent the query for retrieving evidence documents: ",
                ["retrieval.passage"] = "Represent the document for retrieval: ",
                ["separation"] = "",
                ["classification"] = "",
                ["text-matching"] = "",
            },
        };
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
