// The facts `jinaembed info` prints, read from a model folder: config.json (spec §1.3), the sentence-transformers
// files (§1.4), the README's front matter (model card) and the safetensors header (§1.7) for sizes and memory.
using System.Text.Json;
using System.Text.Json.Nodes;
using JinaEmbed.Checkpoints;

namespace JinaEmbed.Cli.Hosting;

/// <summary>What a model folder says about itself.</summary>
internal sealed record ModelFacts
{
    public required string Directory { get; init; }

    public string? Commit { get; init; }

    public string? Architecture { get; init; }

    public int HiddenSize { get; init; }

    public int LayerCount { get; init; }

    public int HeadCount { get; init; }

    public int IntermediateSize { get; init; }

    public int VocabularySize { get; init; }

    /// <summary>Content tokens per sequence: max_position_embeddings minus the two special tokens (8192 for v3).</summary>
    public int MaxTokens { get; init; }

    public IReadOnlyList<int> MatryoshkaDimensions { get; init; } = [];

    public int LoraRank { get; init; }

    public string? StorageType { get; init; }

    public string? Pooling { get; init; }

    public string? Similarity { get; init; }

    public string? License { get; init; }

    /// <summary>Task name → (adapter index, prompt), in adapter order.</summary>
    public IReadOnlyList<(string Task, int Adapter, string Prompt)> Tasks { get; init; } = [];

    public IReadOnlyList<WeightFile> WeightFiles { get; init; } = [];

    /// <summary>The files the loader reads: model.safetensors or its shards (other safetensors files are variants).</summary>
    public IReadOnlyList<WeightFile> LoadedWeights
    {
        get
        {
            var primary = WeightFiles.Where(w => w.Name == "model.safetensors" || System.Text.RegularExpressions.Regex.IsMatch(w.Name, @"^model-\d+-of-\d+\.safetensors$")).ToList();
            return primary.Count > 0 ? primary : WeightFiles.Take(1).ToList();
        }
    }

    public long ParameterCount => LoadedWeights.Sum(w => w.ParameterCount);

    public long LoraParameterCount => LoadedWeights.Sum(w => w.LoraParameterCount);

    /// <summary>Weights widened to fp32, as the CPU kernels use them.</summary>
    public long Fp32WeightBytes => ParameterCount * 4;

    /// <summary>
    /// A rough activation estimate per 1,000 tokens of one batch: hidden states, QKV, attention output, residual and
    /// the MLP's intermediate, fp32 (attention scores are extra and grow with the square of the longest sequence).
    /// </summary>
    public long ActivationBytesPer1000Tokens => 1000L * ((6L * HiddenSize) + IntermediateSize) * 4;

    /// <summary>One safetensors file: its bytes, dtype(s) and parameters.</summary>
    internal sealed record WeightFile(string Name, long Bytes, string DataTypes, long ParameterCount, long LoraParameterCount, int TensorCount);

    /// <summary>Reads the facts of a model folder.</summary>
    /// <exception cref="InvalidDataException">config.json is missing or not JSON.</exception>
    public static ModelFacts Read(string directory)
    {
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath))
        {
            throw new InvalidDataException($"{directory} has no config.json; is it a model folder?");
        }

        var config = ReadJson(configPath)!;
        var st = ReadJson(Path.Combine(directory, "config_sentence_transformers.json"));
        var pooling = ReadJson(Path.Combine(directory, "1_Pooling", "config.json"));

        var adaptations = config["lora_adaptations"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        var instructions = config["task_instructions"] as JsonObject ?? st?["prompts"] as JsonObject;
        var tasks = adaptations.Select((t, i) => (t, i, instructions?[t]?.GetValue<string>() ?? "")).ToList();

        var snapshotParent = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar)));
        var folderName = Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar));
        return new ModelFacts
        {
            Directory = Path.GetFullPath(directory),
            Commit = snapshotParent == "snapshots" && JinaEmbed.Hub.HubModelId.IsCommitHash(folderName) ? folderName : null,
            Architecture = config["architectures"]?.AsArray().FirstOrDefault()?.GetValue<string>(),
            HiddenSize = Int(config, "hidden_size"),
            LayerCount = Int(config, "num_hidden_layers"),
            HeadCount = Int(config, "num_attention_heads"),
            IntermediateSize = Int(config, "intermediate_size"),
            VocabularySize = Int(config, "vocab_size"),
            MaxTokens = Math.Max(0, Int(config, "max_position_embeddings") - 2),
            MatryoshkaDimensions = config["matryoshka_dimensions"]?.AsArray().Select(n => n!.GetValue<int>()).ToList() ?? [],
            LoraRank = Int(config, "lora_rank"),
            StorageType = config["torch_dtype"]?.GetValue<string>(),
            Pooling = pooling == null ? null
                : pooling["pooling_mode_mean_tokens"]?.GetValue<bool>() == true ? "mean"
                : pooling["pooling_mode_cls_token"]?.GetValue<bool>() == true ? "cls" : "other",
            Similarity = st?["similarity_fn_name"]?.GetValue<string>(),
            License = FrontMatterValue(Path.Combine(directory, "README.md"), "license"),
            Tasks = tasks,
            WeightFiles = Directory_EnumerateWeights(directory),
        };
    }

    private static List<WeightFile> Directory_EnumerateWeights(string directory) =>
        System.IO.Directory.EnumerateFiles(directory, "*.safetensors")
            .Order(StringComparer.Ordinal)
            .Select(ReadSafetensorsHeader)
            .ToList();

    // Only the header is read (the data is memory-mapped, never touched): names, dtypes and shapes (spec §1.7).
    private static WeightFile ReadSafetensorsHeader(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var tensors = file.Tensors.Values;
        return new WeightFile(
            Path.GetFileName(path),
            new FileInfo(path).Length,
            string.Join("+", tensors.Select(t => DataTypeName(t.DataType)).Distinct().Order(StringComparer.Ordinal)),
            tensors.Sum(t => t.ElementCount),
            tensors.Where(t => t.Name.Contains("lora_", StringComparison.Ordinal)).Sum(t => t.ElementCount),
            file.Tensors.Count);
    }

    private static string DataTypeName(TensorDataType type) => type switch
    {
        TensorDataType.BFloat16 => "BF16",
        TensorDataType.Float16 => "F16",
        _ => "F32",
    };

    private static JsonNode? ReadJson(string path) => File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;

    private static int Int(JsonNode config, string name) => config[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : 0;

    // The model card's YAML front matter ("---" … "---"); only flat "key: value" lines are needed here.
    private static string? FrontMatterValue(string readme, string key)
    {
        if (!File.Exists(readme))
        {
            return null;
        }

        using var reader = new StreamReader(readme);
        if (reader.ReadLine()?.Trim() != "---")
        {
            return null;
        }

        for (var line = reader.ReadLine(); line != null && line.Trim() != "---"; line = reader.ReadLine())
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                return line[(key.Length + 1)..].Trim().Trim('"', '\'') is { Length: > 0 } value ? value : null;
            }
        }

        return null;
    }
}
