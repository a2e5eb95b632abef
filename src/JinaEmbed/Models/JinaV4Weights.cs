// All tensors of a jina-embeddings-v4 checkpoint (spec §3.4, §3.6), under their verbatim names: base weights through the
// shard index (old Qwen2.5-VL names, model.* and visual.*), task LoRA from adapters/ (PEFT names, one A and B per task).
// LM linears are packed once for the GEMM (BF16 stays BF16); the 151936-row embedding table stays on disk and only
// looked-up rows are read (spec §12.3). The adapters are never merged into the base weights (spec §4.1).
using System.Runtime.InteropServices;
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>The loaded language-model weights of one jina-embeddings-v4 folder; owns the opened files.</summary>
public sealed class JinaV4Weights : IDisposable
{
    /// <summary>Token embedding table (tied; the LM head is never used).</summary>
    public const string EmbedTokens = "model.embed_tokens.weight";

    /// <summary>Final RMSNorm before every output.</summary>
    public const string FinalNorm = "model.norm.weight";

    /// <summary>The multi-vector projector module (weight [P, D] and bias [P]).</summary>
    public const string Projector = "multi_vector_projector";

    /// <summary>The unused tied LM head, ignored if a checkpoint carries it.</summary>
    public const string LmHead = "lm_head.weight";

    /// <summary>Prefix of the adapter tensors' names (PEFT wraps the model twice).</summary>
    public const string AdapterPrefix = "base_model.model.";

    /// <summary>The adapter folder, its config and its tensors.</summary>
    public const string AdapterFolder = "adapters";

    /// <summary>adapters/adapter_config.json.</summary>
    public const string AdapterConfigFile = "adapter_config.json";

    /// <summary>adapters/adapter_model.safetensors.</summary>
    public const string AdapterModelFile = "adapter_model.safetensors";

    private static readonly string[] AttentionModules = ["q_proj", "k_proj", "v_proj", "o_proj"];
    private static readonly string[] MlpModules = ["gate_proj", "up_proj", "down_proj"];

    private readonly ShardedCheckpoint _checkpoint;
    private readonly SafetensorsFile _embedFile;
    private readonly SafetensorsTensor _embedTable;

    private JinaV4Weights(JinaV4Config config, PeftAdapterConfig adapters, ShardedCheckpoint checkpoint, JinaV4Layer[] layers, float[] finalNorm, LoraLinear projector)
    {
        Config = config;
        Adapters = adapters;
        _checkpoint = checkpoint;
        (_embedFile, _embedTable) = checkpoint.Get(EmbedTokens);
        Layers = layers;
        FinalNormWeight = finalNorm;
        MultiVectorProjector = projector;
    }

    /// <summary>The configuration the shapes were checked against.</summary>
    public JinaV4Config Config { get; }

    /// <summary>The adapters' LoRA settings (rank, scale).</summary>
    public PeftAdapterConfig Adapters { get; }

    /// <summary>The opened base checkpoint (the vision tower's tensors are read from it on demand).</summary>
    public ShardedCheckpoint Checkpoint => _checkpoint;

    /// <summary>Element type of the embedding table (the checkpoint's storage type).</summary>
    public TensorDataType DataType => _embedTable.DataType;

    /// <summary>Number of task adapters.</summary>
    public int AdapterCount => Config.TaskNames.Count;

    /// <summary>How the linear layers compute (the vision tower is packed the same way when it loads).</summary>
    public Precision Precision { get; private init; }

    /// <summary>Bytes held outside the files (packed linear weights, adapters, norms).</summary>
    public long ResidentBytes { get; private init; }

    internal JinaV4Layer[] Layers { get; }

    /// <summary>model.norm, [D].</summary>
    internal float[] FinalNormWeight { get; }

    /// <summary>multi_vector_projector with its task LoRA: [P, D] + bias.</summary>
    internal LoraLinear MultiVectorProjector { get; }

    /// <summary>
    /// Opens the base checkpoint and the adapters of <paramref name="directory"/> and loads every LM tensor; the
    /// vision tower's tensors are checked by name and shape but not read.
    /// </summary>
    /// <exception cref="CheckpointException">A file is missing or malformed, or a tensor is missing, misshapen or unexpected.</exception>
    public static JinaV4Weights Load(string directory, JinaV4Config config, Precision precision = Precision.Exact)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(config);
        string adapterDirectory = Path.Combine(directory, AdapterFolder);
        var adapterConfig = PeftAdapterConfig.Load(Path.Combine(adapterDirectory, AdapterConfigFile));
        string adapterPath = Path.Combine(adapterDirectory, AdapterModelFile);
        if (!File.Exists(adapterPath))
        {
            throw new CheckpointException($"Adapter weights {adapterPath} do not exist (jina-embeddings-v4 needs adapters/adapter_model.safetensors).");
        }

        var checkpoint = ShardedCheckpoint.Open(directory, CanonicalName);
        SafetensorsFile? adapterFile = null;
        try
        {
            CheckBaseInventory(checkpoint, config);
            adapterFile = SafetensorsFile.Open(adapterPath);
            var adapted = CheckAdapterInventory(adapterFile, config, adapterConfig.Rank);
            var weights = LoadLanguageModel(checkpoint, adapterFile, adapted, config, adapterConfig, precision);
            return weights;
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
        finally
        {
            // Every adapter tensor has been copied out: the file is not needed after loading.
            adapterFile?.Dispose();
        }
    }

    /// <summary>Reads embedding row <paramref name="id"/> widened to fp32 into <paramref name="destination"/> [D].</summary>
    internal void EmbedToken(int id, Span<float> destination) => _embedFile.ReadFloat32(_embedTable, (long)id * Config.HiddenSize, destination);

    /// <summary>Closes the checkpoint files.</summary>
    public void Dispose() => _checkpoint.Dispose();

    /// <summary>Every base tensor of spec §3.4 with its shape, in the spec's order.</summary>
    public static List<(string Name, int[] Shape)> BaseInventory(JinaV4Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int d = config.HiddenSize, f = config.IntermediateSize, kv = config.KeyValueWidth;
        var list = new List<(string, int[])> { (EmbedTokens, [config.VocabSize, d]) };
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            string p = LayerPrefix(l);
            list.Add((p + "input_layernorm.weight", [d]));
            list.Add((p + "self_attn.q_proj.weight", [d, d]));
            list.Add((p + "self_attn.q_proj.bias", [d]));
            list.Add((p + "self_attn.k_proj.weight", [kv, d]));
            list.Add((p + "self_attn.k_proj.bias", [kv]));
            list.Add((p + "self_attn.v_proj.weight", [kv, d]));
            list.Add((p + "self_attn.v_proj.bias", [kv]));
            list.Add((p + "self_attn.o_proj.weight", [d, d]));
            list.Add((p + "post_attention_layernorm.weight", [d]));
            list.Add((p + "mlp.gate_proj.weight", [f, d]));
            list.Add((p + "mlp.up_proj.weight", [f, d]));
            list.Add((p + "mlp.down_proj.weight", [d, f]));
        }

        list.Add((FinalNorm, [d]));
        var v = config.Vision;
        int dv = v.HiddenSize, fv = v.IntermediateSize, merged = dv * v.SpatialMergeSize * v.SpatialMergeSize;
        list.Add(("visual.patch_embed.proj.weight", [dv, v.InChannels, v.TemporalPatchSize, v.PatchSize, v.PatchSize]));
        for (int b = 0; b < v.Depth; b++)
        {
            string p = $"visual.blocks.{b}.";
            list.Add((p + "norm1.weight", [dv]));
            list.Add((p + "norm2.weight", [dv]));
            list.Add((p + "attn.qkv.weight", [3 * dv, dv]));
            list.Add((p + "attn.qkv.bias", [3 * dv]));
            list.Add((p + "attn.proj.weight", [dv, dv]));
            list.Add((p + "attn.proj.bias", [dv]));
            list.Add((p + "mlp.gate_proj.weight", [fv, dv]));
            list.Add((p + "mlp.gate_proj.bias", [fv]));
            list.Add((p + "mlp.up_proj.weight", [fv, dv]));
            list.Add((p + "mlp.up_proj.bias", [fv]));
            list.Add((p + "mlp.down_proj.weight", [dv, fv]));
            list.Add((p + "mlp.down_proj.bias", [dv]));
        }

        list.Add(("visual.merger.ln_q.weight", [dv]));
        list.Add(("visual.merger.mlp.0.weight", [merged, merged]));
        list.Add(("visual.merger.mlp.0.bias", [merged]));
        list.Add(("visual.merger.mlp.2.weight", [v.OutHiddenSize, merged]));
        list.Add(("visual.merger.mlp.2.bias", [v.OutHiddenSize]));
        list.Add((Projector + ".weight", [config.MultiVectorProjectorDim, d]));
        list.Add((Projector + ".bias", [config.MultiVectorProjectorDim]));
        return list;
    }

    /// <summary>
    /// Every adapter tensor of spec §3.6 with its shape when every LM linear and the projector are adapted (as in Jina's
    /// checkpoint): A [r, in] and B [out, r] per task. A file may adapt fewer modules.
    /// </summary>
    public static List<(string Name, int[] Shape)> AdapterInventory(JinaV4Config config, int rank)
    {
        ArgumentNullException.ThrowIfNull(config);
        var list = new List<(string, int[])>();
        foreach (var (module, outDim, inDim) in AdaptedModules(config))
        {
            foreach (var task in config.TaskNames)
            {
                list.Add((AdapterName(module, "lora_A", task), [rank, inDim]));
                list.Add((AdapterName(module, "lora_B", task), [outDim, rank]));
            }
        }

        return list;
    }

    /// <summary>
    /// The old (checkpoint) spelling of a base tensor name: transformers ≥ 4.52 saves Qwen2.5-VL as
    /// model.language_model.* and model.visual.*; Jina's files use model.* and visual.* (spec §3.4). Both load.
    /// </summary>
    internal static string CanonicalName(string stored) =>
        stored.StartsWith("model.language_model.", StringComparison.Ordinal) ? "model." + stored["model.language_model.".Length..]
        : stored.StartsWith("model.visual.", StringComparison.Ordinal) ? stored["model.".Length..]
        : stored;

    /// <summary>The PEFT name of a base module's LoRA tensor: model.layers.i.M ↔ base_model.model.model.language_model.layers.i.M.</summary>
    internal static string AdapterName(string module, string matrix, string task) => $"{AdapterStem(module)}{matrix}.{task}.weight";

    // "base_model.model." + the module's new-layout name + ".": what every LoRA tensor name of the module starts with.
    private static string AdapterStem(string module)
    {
        string mapped = module.StartsWith("model.", StringComparison.Ordinal) ? "model.language_model." + module["model.".Length..] : module;
        return $"{AdapterPrefix}{mapped}.";
    }

    private static string LayerPrefix(int layer) => $"model.layers.{layer}.";

    // The LoRA-adapted modules (spec §3.6) with their [out, in] sizes, in layer order, then the projector.
    private static IEnumerable<(string Module, int Out, int In)> AdaptedModules(JinaV4Config config)
    {
        int d = config.HiddenSize, f = config.IntermediateSize, kv = config.KeyValueWidth;
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            string p = LayerPrefix(l);
            yield return (p + "self_attn.q_proj", d, d);
            yield return (p + "self_attn.k_proj", kv, d);
            yield return (p + "self_attn.v_proj", kv, d);
            yield return (p + "self_attn.o_proj", d, d);
            yield return (p + "mlp.gate_proj", f, d);
            yield return (p + "mlp.up_proj", f, d);
            yield return (p + "mlp.down_proj", d, f);
        }

        yield return (Projector, config.MultiVectorProjectorDim, d);
    }

    // Spec §3.4 Decision: every listed tensor must be there with its shape; lm_head is ignored; anything else is an error.
    private static void CheckBaseInventory(ShardedCheckpoint checkpoint, JinaV4Config config)
    {
        var expected = BaseInventory(config);
        foreach (var (name, shape) in expected)
        {
            checkpoint.Get(name, shape);
        }

        var known = expected.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in checkpoint.Names)
        {
            if (!known.Contains(name) && name != LmHead)
            {
                throw new CheckpointException($"Checkpoint in {checkpoint.Directory} has unexpected tensor '{name}' (not part of jina-embeddings-v4 with this config).");
            }
        }
    }

    // Spec §3.6: the adapted modules are those with LoRA tensors in the file; each needs lora_A and lora_B for every task
    // of config.json task_names, and nothing else may be there. Returns the adapted modules.
    private static HashSet<string> CheckAdapterInventory(SafetensorsFile file, JinaV4Config config, int rank)
    {
        var adapted = new HashSet<string>(StringComparer.Ordinal);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (module, outDim, inDim) in AdaptedModules(config))
        {
            string stem = AdapterStem(module) + "lora_";
            if (!file.Tensors.Keys.Any(n => n.StartsWith(stem, StringComparison.Ordinal)))
            {
                continue;
            }

            adapted.Add(module);
            foreach (var task in config.TaskNames)
            {
                foreach (var (matrix, shape) in new[] { ("lora_A", new[] { rank, inDim }), ("lora_B", new[] { outDim, rank }) })
                {
                    string name = AdapterName(module, matrix, task);
                    if (!file.Tensors.ContainsKey(name))
                    {
                        throw new CheckpointException($"Adapter weights {file.FilePath} lack tensor '{name}': every adapted module needs lora_A and lora_B for each task in config.json task_names ({string.Join(", ", config.TaskNames)}).");
                    }

                    file.Get(name, shape);
                    known.Add(name);
                }
            }
        }

        foreach (var name in file.Tensors.Keys)
        {
            if (!known.Contains(name))
            {
                throw new CheckpointException($"Adapter weights {file.FilePath} have unexpected tensor '{name}' (a task not in config.json task_names [{string.Join(", ", config.TaskNames)}], or a module jina-embeddings-v4 does not adapt).");
            }
        }

        if (adapted.Count == 0)
        {
            throw new CheckpointException($"Adapter weights {file.FilePath} hold no LoRA tensors.");
        }

        return adapted;
    }

    private static JinaV4Weights LoadLanguageModel(ShardedCheckpoint checkpoint, SafetensorsFile adapterFile, HashSet<string> adapted, JinaV4Config config, PeftAdapterConfig adapterConfig, Precision precision)
    {
        long resident = 0;
        var scratch = new ReadScratch(precision);
        float[] Small(string name)
        {
            var (file, tensor) = checkpoint.Get(name);
            var values = file.ReadFloat32(tensor);
            resident += values.Length * sizeof(float);
            return values;
        }

        LoraLinear Linear(string module, bool hasBias, bool residualActivations = false)
        {
            var tasks = adapted.Contains(module) ? config.TaskNames : [];
            var linear = LoadLinear(checkpoint, adapterFile, module, hasBias, tasks, adapterConfig.Rank, scratch, residualActivations);
            resident += linear.ResidentBytes;
            return linear;
        }

        var layers = new JinaV4Layer[config.NumHiddenLayers];
        for (int l = 0; l < layers.Length; l++)
        {
            string p = LayerPrefix(l);
            layers[l] = new JinaV4Layer
            {
                InputNorm = Small(p + "input_layernorm.weight"),
                // Int8: the attention projections and down_proj take two-pass (≈ 15-bit) activations — 41 % of the
                // arithmetic, which 8-bit activations left at cosine 0.998 over 36 layers (docs/int8.md, measured).
                QueryProjection = Linear(p + "self_attn.q_proj", hasBias: true, residualActivations: true),
                KeyProjection = Linear(p + "self_attn.k_proj", hasBias: true, residualActivations: true),
                ValueProjection = Linear(p + "self_attn.v_proj", hasBias: true, residualActivations: true),
                OutputProjection = Linear(p + "self_attn.o_proj", hasBias: false, residualActivations: true),
                PostAttentionNorm = Small(p + "post_attention_layernorm.weight"),
                GateProjection = Linear(p + "mlp.gate_proj", hasBias: false),
                UpProjection = Linear(p + "mlp.up_proj", hasBias: false),
                DownProjection = Linear(p + "mlp.down_proj", hasBias: false, residualActivations: true),
            };
        }

        var finalNorm = Small(FinalNorm);
        var projector = Linear(Projector, hasBias: true);
        return new JinaV4Weights(config, adapterConfig, checkpoint, layers, finalNorm, projector) { ResidentBytes = resident, Precision = precision };
    }

    // W packed for the GEMM (BF16 kept as BF16), the bias if any, and each task's A and B stacked in task order.
    private static LoraLinear LoadLinear(ShardedCheckpoint checkpoint, SafetensorsFile adapterFile, string module, bool hasBias, IReadOnlyList<string> tasks, int rank, ReadScratch scratch, bool residualActivations)
    {
        var (file, tensor) = checkpoint.Get(module + ".weight");
        int outDim = tensor.Shape[0], inDim = tensor.Shape[1];
        var weight = scratch.Matrix(file, tensor);
        if (weight.IsInt8 && residualActivations)
        {
            weight = weight.WithResidualActivations();
        }

        float[] bias = hasBias ? checkpoint.ReadFloat32(module + ".bias", outDim) : [];
        var a = new float[tasks.Count * rank * inDim];
        var b = new float[tasks.Count * outDim * rank];
        for (int t = 0; t < tasks.Count; t++)
        {
            adapterFile.ReadFloat32(adapterFile.Get(AdapterName(module, "lora_A", tasks[t])), 0, a.AsSpan(t * rank * inDim, rank * inDim));
            adapterFile.ReadFloat32(adapterFile.Get(AdapterName(module, "lora_B", tasks[t])), 0, b.AsSpan(t * outDim * rank, outDim * rank));
        }

        return new LoraLinear(weight, bias, a, b, tasks.Count, rank);
    }
}
