// config.json of a jina-embeddings-v3 checkpoint (spec §1.3): sizes, RoPE base, LayerNorm eps, LoRA tasks and prompts.
using System.Text.Json;

namespace JinaEmbed.Checkpoints;

/// <summary>The model configuration, read from the official config.json keys.</summary>
public sealed class JinaV3Config
{
    /// <summary>Hidden width (1024).</summary>
    public int HiddenSize { get; init; } = 1024;

    /// <summary>Encoder layers (24).</summary>
    public int NumHiddenLayers { get; init; } = 24;

    /// <summary>Attention heads (16).</summary>
    public int NumAttentionHeads { get; init; } = 16;

    /// <summary>FFN width (4096).</summary>
    public int IntermediateSize { get; init; } = 4096;

    /// <summary>Vocabulary rows of the word embedding table (250002).</summary>
    public int VocabSize { get; init; } = 250002;

    /// <summary>Longest sequence, specials included (8194).</summary>
    public int MaxPositionEmbeddings { get; init; } = 8194;

    /// <summary>Rows of the token-type table (1).</summary>
    public int TypeVocabSize { get; init; } = 1;

    /// <summary>RoPE base (20000; the code default 10000 applies only when the key is absent).</summary>
    public float RotaryEmbBase { get; init; } = 10000f;

    /// <summary>LayerNorm epsilon.</summary>
    public float LayerNormEps { get; init; } = 1e-5f;

    /// <summary>Task adapter names; the index is the adapter index.</summary>
    public IReadOnlyList<string> LoraAdaptations { get; init; } = [];

    /// <summary>LoRA rank (4).</summary>
    public int LoraRank { get; init; } = 4;

    /// <summary>LoRA alpha (1); the delta is scaled by alpha / rank.</summary>
    public float LoraAlpha { get; init; } = 1f;

    /// <summary>Prompt prepended per task (may be empty).</summary>
    public IReadOnlyDictionary<string, string> TaskInstructions { get; init; } = new Dictionary<string, string>();

    /// <summary>Matryoshka sizes the model was trained for.</summary>
    public IReadOnlyList<int> MatryoshkaDimensions { get; init; } = [];

    /// <summary>Padding id (1).</summary>
    public int PadTokenId { get; init; } = 1;

    /// <summary>Begin-of-sequence id (0).</summary>
    public int BosTokenId { get; init; }

    /// <summary>End-of-sequence id (2).</summary>
    public int EosTokenId { get; init; } = 2;

    /// <summary>Checkpoint storage type declared by the config (informative; the safetensors header decides).</summary>
    public string? TorchDtype { get; init; }

    /// <summary>Name or path the config records.</summary>
    public string? NameOrPath { get; init; }

    /// <summary>Width of one attention head.</summary>
    public int HeadDimension => HiddenSize / NumAttentionHeads;

    /// <summary>LoRA scale alpha / rank (0.25).</summary>
    public float LoraScale => LoraAlpha / LoraRank;

    /// <summary>Reads and validates a config.json file.</summary>
    /// <exception cref="CheckpointException">The file is missing, not JSON, or declares an unsupported model.</exception>
    public static JinaV3Config Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ConfigJson.ReadText(path), path);
    }

    /// <summary>Parses config.json content; <paramref name="source"/> names it in errors.</summary>
    public static JinaV3Config Parse(string json, string source = "config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        using (var document = ConfigJson.ParseObject(json, source))
        {
            var root = document.RootElement;
            var reader = new ConfigReader(root, source);
            string positionType = reader.String("position_embedding_type") ?? "rotary";
            if (positionType != "rotary")
            {
                throw new CheckpointException($"Config {source}: position_embedding_type '{positionType}' is not supported (jina-embeddings-v3 uses 'rotary').");
            }

            string act = reader.String("hidden_act") ?? "gelu";
            if (act != "gelu")
            {
                throw new CheckpointException($"Config {source}: hidden_act '{act}' is not supported (expected 'gelu').");
            }

            if (reader.String("emb_pooler") is { } pooler)
            {
                throw new CheckpointException($"Config {source}: emb_pooler '{pooler}' is not supported (mean pooling only).");
            }

            var tasks = reader.StringList("lora_adaptations");
            var instructions = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("task_instructions", out var ti) && ti.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in ti.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String)
                    {
                        throw new CheckpointException($"Config {source}: task_instructions['{p.Name}'] must be a string.");
                    }

                    instructions[p.Name] = p.Value.GetString()!;
                }
            }

            var config = new JinaV3Config
            {
                HiddenSize = reader.Int("hidden_size", 1024),
                NumHiddenLayers = reader.Int("num_hidden_layers", 24),
                NumAttentionHeads = reader.Int("num_attention_heads", 16),
                IntermediateSize = reader.Int("intermediate_size", 4096),
                VocabSize = reader.Int("vocab_size", 250002),
                MaxPositionEmbeddings = reader.Int("max_position_embeddings", 8194),
                TypeVocabSize = reader.Int("type_vocab_size", 1),
                RotaryEmbBase = reader.Float("rotary_emb_base", 10000f),
                LayerNormEps = reader.Float("layer_norm_eps", 1e-5f),
                LoraAdaptations = tasks,
                LoraRank = reader.Int("lora_rank", 4),
                LoraAlpha = reader.Float("lora_alpha", 1f),
                TaskInstructions = instructions,
                MatryoshkaDimensions = reader.IntList("matryoshka_dimensions"),
                PadTokenId = reader.Int("pad_token_id", 1),
                BosTokenId = reader.Int("bos_token_id", 0),
                EosTokenId = reader.Int("eos_token_id", 2),
                TorchDtype = reader.String("torch_dtype"),
                NameOrPath = reader.String("_name_or_path"),
            };
            config.Validate(source);
            return config;
        }
    }

    private void Validate(string source)
    {
        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new CheckpointException($"Config {source}: {what}.");
            }
        }

        Require(HiddenSize > 0 && NumHiddenLayers > 0 && NumAttentionHeads > 0 && IntermediateSize > 0 && VocabSize > 0, "sizes must be positive");
        Require(HiddenSize % NumAttentionHeads == 0, $"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        Require(HeadDimension % 2 == 0, $"head dimension {HeadDimension} must be even for rotary embeddings");
        Require(MaxPositionEmbeddings > 2, "max_position_embeddings must be larger than 2");
        Require(TypeVocabSize > 0, "type_vocab_size must be positive");
        Require(RotaryEmbBase > 0 && LayerNormEps > 0, "rotary_emb_base and layer_norm_eps must be positive");
        Require(LoraAdaptations.Count == 0 || LoraRank > 0, "lora_rank must be positive");
        Require(LoraAdaptations.Distinct(StringComparer.Ordinal).Count() == LoraAdaptations.Count, "lora_adaptations holds a name twice");
        Require(MatryoshkaDimensions.All(d => d >= 1 && d <= HiddenSize), "matryoshka_dimensions must lie in 1..hidden_size");
    }
}
