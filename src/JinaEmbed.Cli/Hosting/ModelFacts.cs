// The facts `jinaembed info` prints, read from a model folder: config.json (spec §1.3), the sentence-transformers
// files (§1.4), the README's front matter (model card) and the safetensors header (§1.7) for sizes and memory.
// jina-embeddings-v4 (v4 spec §3): the library's config reader and task table, the PEFT adapters folder, the shards.
using System.Text.Json;
using System.Text.Json.Nodes;
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;
using JinaEmbed.Models;

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

    /// <summary>Key/value heads of grouped-query attention (jina-embeddings-v4); 0 when every head has its own.</summary>
    public int KeyValueHeadCount { get; init; }

    /// <summary>True for jina-embeddings-v4 (config architectures JinaEmbeddingsV4Model).</summary>
    public bool IsJinaV4 { get; init; }

    /// <summary>Width of one multi-vector per token (jina-embeddings-v4's projector), or null.</summary>
    public int? MultiVectorDimensions { get; init; }

    /// <summary>The task a request without one gets (jina-embeddings-v4: text-matching); null: the base model.</summary>
    public string? DefaultTask { get; init; }

    /// <summary>Adapter names in adapter order (jina-embeddings-v4's task_names); empty when tasks are their own adapters.</summary>
    public IReadOnlyList<string> AdapterNames { get; init; } = [];

    public int IntermediateSize { get; init; }

    public int VocabularySize { get; init; }

    /// <summary>
    /// Tokens per input, special tokens included: the limit <c>embed</c> and <c>serve</c> enforce, from the library
    /// (<see cref="ModelLoader.ReadMaxTokens"/>): 8194 for v3, sentence-transformers' max_seq_length for BERT models
    /// (256 for all-MiniLM-L6-v2), 32768 for v4 (prefix included).
    /// </summary>
    public int MaxTokens { get; init; }

    /// <summary>The special tokens the tokenizer adds to every input (<c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>, <c>[CLS]</c> and <c>[SEP]</c>; none for v4).</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = [];

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
            var primary = WeightFiles.Where(w => w.Name == "model.safetensors" || w.Name == AdapterWeights || System.Text.RegularExpressions.Regex.IsMatch(w.Name, @"^model-\d+-of-\d+\.safetensors$")).ToList();
            return primary.Count > 0 ? primary : WeightFiles.Take(1).ToList();
        }
    }

    public long ParameterCount => LoadedWeights.Sum(w => w.ParameterCount);

    public long LoraParameterCount => LoadedWeights.Sum(w => w.LoraParameterCount);

    /// <summary>Weights widened to fp32, as the CPU kernels use them.</summary>
    public long Fp32WeightBytes => ParameterCount * 4;

    /// <summary>
    /// jina-embeddings-v4 keeps its weights as stored (BF16, widened inside the kernels): the text weights and LoRA are
    /// resident; the vision tower (visual.*) is not needed for text.
    /// </summary>
    public long ResidentTextWeightBytes => LoadedWeights.Sum(w => w.Bytes - w.VisionBytes);

    /// <summary>Bytes, as stored, of the text model's linear-layer weight matrices (what <c>--precision int8</c> quantises).</summary>
    public long LinearWeightBytes => LoadedWeights.Sum(w => w.LinearBytes);

    /// <summary>The same matrices held as int8 (panels, padding and per-row scales; <see cref="WeightMatrix.Int8ResidentBytes"/>).</summary>
    public long Int8LinearWeightBytes => LoadedWeights.Sum(w => w.Int8LinearBytes);

    /// <summary>Bytes of the vision tower's tensors (jina-embeddings-v4).</summary>
    public long VisionWeightBytes => LoadedWeights.Sum(w => w.VisionBytes);

    /// <summary>
    /// A rough activation estimate per 1,000 tokens of one batch: hidden states, QKV, attention output, residual and
    /// the MLP's intermediate, fp32 (attention scores are extra and grow with the square of the longest sequence).
    /// </summary>
    /// <remarks>
    /// jina-embeddings-v4: residual, normed input, q, k and v (grouped), attention output, and SwiGLU's gate and up.
    /// </remarks>
    public long ActivationBytesPer1000Tokens => IsJinaV4
        ? 1000L * ((5L * HiddenSize) + (2L * KeyValueHeadCount * (HiddenSize / Math.Max(HeadCount, 1))) + (2L * IntermediateSize)) * 4
        : 1000L * ((6L * HiddenSize) + IntermediateSize) * 4;

    /// <summary>One safetensors file: its bytes, dtype(s) and parameters.</summary>
    internal sealed record WeightFile(string Name, long Bytes, string DataTypes, long ParameterCount, long LoraParameterCount, int TensorCount, long VisionBytes = 0, long LinearBytes = 0, long Int8LinearBytes = 0);

    // jina-embeddings-v4's task LoRA, in the PEFT folder beside the shards.
    private const string AdapterWeights = "adapters/adapter_model.safetensors";

    /// <summary>Reads the facts of a model folder.</summary>
    /// <exception cref="InvalidDataException">config.json is missing or not JSON.</exception>
    public static ModelFacts Read(string directory)
    {
        ModelLoader.RejectOnnxOnly(directory);
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath))
        {
            throw new InvalidDataException($"{directory} has no config.json; is it a model folder?");
        }

        var config = ReadJson(configPath)!;
        if (config["architectures"]?.AsArray().Any(a => a?.GetValue<string>() == JinaV4Config.ArchitectureName) == true)
        {
            return ReadJinaV4(directory, configPath);
        }

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
            MaxTokens = ModelLoader.ReadMaxTokens(directory),
            SpecialTokens = ReadSpecialTokens(directory),
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

    // jina-embeddings-v4: the library reads the config (text_config wins) and owns the task table (spec §9); the LoRA
    // rank comes from the PEFT config. Nothing is loaded beyond JSON and safetensors headers.
    private static ModelFacts ReadJinaV4(string directory, string configPath)
    {
        var config = JinaV4Config.Load(configPath);
        var adapterConfig = Path.Combine(directory, "adapters", "adapter_config.json");
        var tasks = JinaV4Tasks.For(config.TaskNames);
        var folder = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        return new ModelFacts
        {
            Directory = folder,
            Commit = Path.GetFileName(Path.GetDirectoryName(folder)) == "snapshots" && JinaEmbed.Hub.HubModelId.IsCommitHash(Path.GetFileName(folder)) ? Path.GetFileName(folder) : null,
            Architecture = JinaV4Config.ArchitectureName,
            IsJinaV4 = true,
            HiddenSize = config.HiddenSize,
            LayerCount = config.NumHiddenLayers,
            HeadCount = config.NumAttentionHeads,
            KeyValueHeadCount = config.NumKeyValueHeads,
            IntermediateSize = config.IntermediateSize,
            VocabularySize = config.VocabSize,
            MaxTokens = JinaV4Model.MaxTextTokens,
            MatryoshkaDimensions = config.MatryoshkaDimensions,
            MultiVectorDimensions = config.MultiVectorProjectorDim,
            LoraRank = File.Exists(adapterConfig) ? PeftAdapterConfig.Load(adapterConfig).Rank : 0,
            StorageType = config.TorchDtype,
            Pooling = "mean",
            License = FrontMatterValue(Path.Combine(directory, "README.md"), "license"),
            Tasks = tasks.Select(t => (t.Name!, t.Adapter, t.Prompt)).ToList(),
            AdapterNames = config.TaskNames,
            DefaultTask = tasks.Any(t => t.Name == JinaV4Tasks.DefaultTaskName) ? JinaV4Tasks.DefaultTaskName : tasks[0].Name,
            WeightFiles = [.. Directory_EnumerateWeights(directory), .. Directory_EnumerateWeights(directory, "adapters")],
        };
    }

    private static List<WeightFile> Directory_EnumerateWeights(string directory, string? subfolder = null)
    {
        var folder = subfolder == null ? directory : Path.Combine(directory, subfolder);
        return !System.IO.Directory.Exists(folder) ? [] : System.IO.Directory.EnumerateFiles(folder, "*.safetensors")
            .Order(StringComparer.Ordinal)
            .Select(path => ReadSafetensorsHeader(path, subfolder == null ? Path.GetFileName(path) : $"{subfolder}/{Path.GetFileName(path)}"))
            .ToList();
    }

    // Only the header is read (the data is memory-mapped, never touched): names, dtypes and shapes (spec §1.7).
    private static WeightFile ReadSafetensorsHeader(string path, string name)
    {
        using var file = SafetensorsFile.Open(path);
        var tensors = file.Tensors.Values;
        var linear = tensors.Where(IsTextLinearWeight).ToList();
        return new WeightFile(
            name,
            new FileInfo(path).Length,
            string.Join("+", tensors.Select(t => DataTypeName(t.DataType)).Distinct().Order(StringComparer.Ordinal)),
            tensors.Sum(t => t.ElementCount),
            tensors.Where(t => t.Name.Contains("lora_", StringComparison.Ordinal)).Sum(t => t.ElementCount),
            file.Tensors.Count,
            tensors.Where(t => t.Name.StartsWith("visual.", StringComparison.Ordinal)).Sum(t => t.End - t.Begin),
            linear.Sum(t => t.End - t.Begin),
            linear.Sum(t => WeightMatrix.Int8ResidentBytes(t.Shape[0], t.Shape[1])));
    }

    // A linear layer's weight [out, in] of the text model: 2-D, and not an embedding table (kept as stored), a LoRA
    // factor, the vision tower, or a head the engine never loads (v3's pooler, an LM head).
    private static bool IsTextLinearWeight(SafetensorsTensor tensor)
    {
        string n = tensor.Name;
        return tensor.Shape.Length == 2 && !n.Contains("lora_", StringComparison.Ordinal) && !n.Contains("embed", StringComparison.Ordinal)
            && !n.StartsWith("visual.", StringComparison.Ordinal) && !n.Contains("pooler", StringComparison.Ordinal) && !n.StartsWith("lm_head", StringComparison.Ordinal);
    }

    private static string DataTypeName(TensorDataType type) => type switch
    {
        TensorDataType.BFloat16 => "BF16",
        TensorDataType.Float16 => "F16",
        _ => "F32",
    };

    // What the model's own tokenizer adds around every input: an empty text encoded with special tokens.
    private static IReadOnlyList<string> ReadSpecialTokens(string directory)
    {
        var path = Path.Combine(directory, "tokenizer.json");
        return File.Exists(path) ? JinaEmbed.Tokenization.Tokenizer.FromFile(path).Encode(string.Empty, true, int.MaxValue).Tokens : [];
    }

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
