// config.json of a BERT-family encoder (model_type "bert"): sizes, absolute positions, token types, post-LN eps.
// Read with the Hugging Face BertConfig keys and defaults (docs/models.md).
using System.Text.Json;

namespace JinaEmbed.Checkpoints;

/// <summary>The configuration of a BERT encoder with absolute position embeddings and erf GELU.</summary>
public sealed class BertConfig
{
    /// <summary>Hidden width (768 by default).</summary>
    public int HiddenSize { get; init; } = 768;

    /// <summary>Encoder layers.</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>Attention heads.</summary>
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary>FFN width.</summary>
    public int IntermediateSize { get; init; } = 3072;

    /// <summary>Rows of the word embedding table.</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary>Rows of the absolute position table: the longest sequence the weights allow.</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary>Rows of the token-type table.</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>LayerNorm epsilon (1e-12 in BERT).</summary>
    public float LayerNormEps { get; init; } = 1e-12f;

    /// <summary>Padding id.</summary>
    public int PadTokenId { get; init; }

    /// <summary>Checkpoint storage type declared by the config (informative; the safetensors header decides).</summary>
    public string? TorchDtype { get; init; }

    /// <summary>Name or path the config records.</summary>
    public string? NameOrPath { get; init; }

    /// <summary>Width of one attention head.</summary>
    public int HeadDimension => HiddenSize / NumAttentionHeads;

    /// <summary>Reads and validates a config.json file.</summary>
    /// <exception cref="CheckpointException">The file is missing, not JSON, or declares something this engine does not run.</exception>
    public static BertConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json = ConfigJson.ReadText(path);

        return Parse(json, path);
    }

    /// <summary>Parses config.json content; <paramref name="source"/> names it in errors.</summary>
    public static BertConfig Parse(string json, string source = "config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = ConfigJson.ParseObject(json, source);
        var root = document.RootElement;
        string? modelType = OptionalString(root, "model_type", source);
        if (modelType != "bert")
        {
            throw new CheckpointException($"Config {source}: model_type '{modelType}' is not 'bert'.");
        }

        string positions = OptionalString(root, "position_embedding_type", source) ?? "absolute";
        if (positions != "absolute")
        {
            throw new CheckpointException($"Config {source}: position_embedding_type '{positions}' is not supported (only 'absolute').");
        }

        // "gelu" in transformers is the exact erf form; the tanh approximation has other names.
        string act = OptionalString(root, "hidden_act", source) ?? "gelu";
        if (act != "gelu")
        {
            throw new CheckpointException($"Config {source}: hidden_act '{act}' is not supported (only the erf 'gelu').");
        }

        var config = new BertConfig
        {
            HiddenSize = Int(root, "hidden_size", 768, source),
            NumHiddenLayers = Int(root, "num_hidden_layers", 12, source),
            NumAttentionHeads = Int(root, "num_attention_heads", 12, source),
            IntermediateSize = Int(root, "intermediate_size", 3072, source),
            VocabSize = Int(root, "vocab_size", 30522, source),
            MaxPositionEmbeddings = Int(root, "max_position_embeddings", 512, source),
            TypeVocabSize = Int(root, "type_vocab_size", 2, source),
            LayerNormEps = Float(root, "layer_norm_eps", 1e-12f, source),
            PadTokenId = Int(root, "pad_token_id", 0, source),
            TorchDtype = OptionalString(root, "torch_dtype", source),
            NameOrPath = OptionalString(root, "_name_or_path", source),
        };

        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new CheckpointException($"Config {source}: {what}.");
            }
        }

        foreach (var (key, value) in new[]
        {
            ("hidden_size", config.HiddenSize), ("num_hidden_layers", config.NumHiddenLayers), ("num_attention_heads", config.NumAttentionHeads),
            ("intermediate_size", config.IntermediateSize), ("vocab_size", config.VocabSize),
        })
        {
            Require(value > 0, $"'{key}' must be positive, got {value}");
        }

        Require(config.HiddenSize % config.NumAttentionHeads == 0, $"hidden_size {config.HiddenSize} is not a multiple of num_attention_heads {config.NumAttentionHeads}");
        Require(config.MaxPositionEmbeddings > 0 && config.TypeVocabSize > 0, "max_position_embeddings and type_vocab_size must be positive");
        Require(config.LayerNormEps > 0 && float.IsFinite(config.LayerNormEps), "layer_norm_eps must be a positive fp32 number");
        return config;
    }

    /// <summary>The <c>model_type</c> of a config.json, or null when it has none.</summary>
    /// <exception cref="CheckpointException">The file cannot be read or is not a JSON object.</exception>
    public static string? ReadModelType(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json = ConfigJson.ReadText(path);

        using var document = ConfigJson.ParseObject(json, path);
        return OptionalString(document.RootElement, "model_type", path);
    }

    private static string? OptionalString(JsonElement root, string key, string source)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : throw new CheckpointException($"Config {source}: '{key}' must be a string, got {v.GetRawText()}.");
    }

    private static int Int(JsonElement root, string key, int fallback, string source)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)
            ? i
            : throw new CheckpointException($"Config {source}: '{key}' must be an integer, got {v.GetRawText()}.");
    }

    private static float Float(JsonElement root, string key, float fallback, string source)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return v.ValueKind == JsonValueKind.Number
            ? (float)v.GetDouble()
            : throw new CheckpointException($"Config {source}: '{key}' must be a number, got {v.GetRawText()}.");
    }
}
