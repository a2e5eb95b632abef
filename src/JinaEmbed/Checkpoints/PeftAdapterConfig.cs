// adapters/adapter_config.json of a PEFT LoRA checkpoint (jina-embeddings-v4 spec §3.6): rank, alpha and the
// options that would change the maths (rsLoRA scale) or that the engine refuses (DoRA, bias LoRA, per-module ranks).
using System.Text.Json;

namespace JinaEmbed.Checkpoints;

/// <summary>The LoRA settings of a PEFT adapter folder.</summary>
public sealed class PeftAdapterConfig
{
    /// <summary>LoRA rank r.</summary>
    public int Rank { get; init; }

    /// <summary>lora_alpha.</summary>
    public float Alpha { get; init; }

    /// <summary>Whether rsLoRA scaling (alpha / √r) applies.</summary>
    public bool UseRsLora { get; init; }

    /// <summary>The scale s of the update s·(x·Aᵀ)·Bᵀ: alpha / r, or alpha / √r with rsLoRA.</summary>
    public float Scale => UseRsLora ? (float)(Alpha / Math.Sqrt(Rank)) : Alpha / Rank;

    /// <summary>Reads and validates an adapter_config.json file.</summary>
    /// <exception cref="CheckpointException">The file is missing or malformed, or asks for an unsupported LoRA variant.</exception>
    public static PeftAdapterConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CheckpointException($"Adapter config {path} does not exist (jina-embeddings-v4 needs adapters/adapter_config.json).");
        }

        using var document = ConfigJson.ParseObject(ConfigJson.ReadText(path), path);
        var root = document.RootElement;
        var reader = new ConfigReader(root, path);
        string peftType = reader.String("peft_type") ?? "LORA";
        if (peftType != "LORA")
        {
            throw new CheckpointException($"Adapter config {path}: peft_type '{peftType}' is not supported (LORA is).");
        }

        if (reader.Bool("use_dora", false))
        {
            throw new CheckpointException($"Adapter config {path}: use_dora true is not supported.");
        }

        if (reader.Bool("fan_in_fan_out", false))
        {
            throw new CheckpointException($"Adapter config {path}: fan_in_fan_out true is not supported (A must be [r, in], B [out, r]).");
        }

        string bias = reader.String("bias") ?? "none";
        if (bias != "none")
        {
            throw new CheckpointException($"Adapter config {path}: bias '{bias}' is not supported (only 'none').");
        }

        foreach (var key in new[] { "rank_pattern", "alpha_pattern" })
        {
            if (root.TryGetProperty(key, out var pattern) && pattern.ValueKind == JsonValueKind.Object && pattern.EnumerateObject().Any())
            {
                throw new CheckpointException($"Adapter config {path}: a non-empty {key} (per-module ranks) is not supported.");
            }
        }

        if (!reader.Has("r") || !reader.Has("lora_alpha"))
        {
            throw new CheckpointException($"Adapter config {path} must give 'r' and 'lora_alpha'.");
        }

        var config = new PeftAdapterConfig
        {
            Rank = reader.Int("r", 0),
            Alpha = reader.Float("lora_alpha", 0),
            UseRsLora = reader.Bool("use_rslora", false),
        };
        if (config.Rank <= 0 || !float.IsFinite(config.Alpha))
        {
            throw new CheckpointException($"Adapter config {path}: r must be positive and lora_alpha finite.");
        }

        return config;
    }
}
