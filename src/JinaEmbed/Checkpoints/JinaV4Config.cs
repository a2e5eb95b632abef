// config.json of a jina-embeddings-v4 checkpoint (spec §3.2): language-model sizes (text_config first, then the top
// level), M-RoPE sections, special ids, projector width, task adapter names, Matryoshka sizes and the vision tower.
namespace JinaEmbed.Checkpoints;

/// <summary>The jina-embeddings-v4 configuration, read from the official config.json keys.</summary>
public sealed class JinaV4Config
{
    /// <summary>The architecture name in config.json → architectures that marks jina-embeddings-v4 (spec §1.5).</summary>
    public const string ArchitectureName = "JinaEmbeddingsV4Model";

    /// <summary>LM hidden width (2048).</summary>
    public int HiddenSize { get; init; } = 2048;

    /// <summary>SwiGLU width (11008).</summary>
    public int IntermediateSize { get; init; } = 11008;

    /// <summary>Decoder layers (36).</summary>
    public int NumHiddenLayers { get; init; } = 36;

    /// <summary>Query heads (16).</summary>
    public int NumAttentionHeads { get; init; } = 16;

    /// <summary>Key/value heads (2): query head g reads KV head g / (heads / kv heads).</summary>
    public int NumKeyValueHeads { get; init; } = 2;

    /// <summary>RMSNorm epsilon (1e-6).</summary>
    public float RmsNormEps { get; init; } = 1e-6f;

    /// <summary>Rotary base θ (1e6).</summary>
    public float RopeTheta { get; init; } = 1_000_000f;

    /// <summary>M-RoPE sections in frequency pairs for the temporal, height and width rows ([16, 24, 24]).</summary>
    public IReadOnlyList<int> MropeSection { get; init; } = [16, 24, 24];

    /// <summary>Rows of the token embedding table (151936).</summary>
    public int VocabSize { get; init; } = 151936;

    /// <summary><c>&lt;|image_pad|&gt;</c> id (151655).</summary>
    public int ImageTokenId { get; init; } = 151655;

    /// <summary><c>&lt;|vision_start|&gt;</c> id (151652).</summary>
    public int VisionStartTokenId { get; init; } = 151652;

    /// <summary><c>&lt;|vision_end|&gt;</c> id (151653).</summary>
    public int VisionEndTokenId { get; init; } = 151653;

    /// <summary>Width of one multi-vector (128).</summary>
    public int MultiVectorProjectorDim { get; init; } = 128;

    /// <summary>Adapter names in order; the index is the adapter index (retrieval, text-matching, code).</summary>
    public IReadOnlyList<string> TaskNames { get; init; } = [];

    /// <summary>Matryoshka sizes the model was trained for.</summary>
    public IReadOnlyList<int> MatryoshkaDimensions { get; init; } = [];

    /// <summary>The vision tower's configuration.</summary>
    public JinaV4VisionConfig Vision { get; init; } = new();

    /// <summary>Checkpoint storage type declared by the config (informative; the safetensors headers decide).</summary>
    public string? TorchDtype { get; init; }

    /// <summary>Name or path the config records.</summary>
    public string? NameOrPath { get; init; }

    /// <summary>Width of one attention head (hidden / heads; the config has no head_dim key).</summary>
    public int HeadDimension => HiddenSize / NumAttentionHeads;

    /// <summary>Width of the key and value projections (kv heads × head width).</summary>
    public int KeyValueWidth => NumKeyValueHeads * HeadDimension;

    /// <summary>Reads and validates a config.json file.</summary>
    /// <exception cref="CheckpointException">The file is missing, not JSON, or declares an unsupported setting.</exception>
    public static JinaV4Config Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ConfigJson.ReadText(path), path);
    }

    /// <summary>Parses config.json content; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="CheckpointException">The content is not JSON or declares an unsupported setting.</exception>
    public static JinaV4Config Parse(string json, string source = "config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = ConfigJson.ParseObject(json, source);
        var top = new ConfigReader(document.RootElement, source);
        var text = top.Object("text_config");

        // Spec §3.2: the text hyper-parameters appear twice; text_config wins, the top level is the fallback.
        ConfigReader Pick(string key) => text is { } t && t.Has(key) ? t : top;
        int Int(string key, int fallback) => Pick(key).Int(key, fallback);

        string act = Pick("hidden_act").String("hidden_act") ?? "silu";
        if (act != "silu")
        {
            throw new CheckpointException($"Config {source}: hidden_act '{act}' is not supported (jina-embeddings-v4 uses 'silu').");
        }

        if (Pick("use_sliding_window").Bool("use_sliding_window", false))
        {
            throw new CheckpointException($"Config {source}: use_sliding_window true is not supported (jina-embeddings-v4 attends over the whole sequence).");
        }

        var rope = Pick("rope_scaling").Object("rope_scaling");
        var sections = rope is { } r && r.Has("mrope_section") ? r.IntList("mrope_section") : null;
        if (sections is null)
        {
            throw new CheckpointException($"Config {source}: rope_scaling.mrope_section is missing (jina-embeddings-v4 uses multimodal rotary sections).");
        }

        var config = new JinaV4Config
        {
            HiddenSize = Int("hidden_size", 2048),
            IntermediateSize = Int("intermediate_size", 11008),
            NumHiddenLayers = Int("num_hidden_layers", 36),
            NumAttentionHeads = Int("num_attention_heads", 16),
            NumKeyValueHeads = Int("num_key_value_heads", 2),
            RmsNormEps = Pick("rms_norm_eps").Float("rms_norm_eps", 1e-6f),
            RopeTheta = Pick("rope_theta").Float("rope_theta", 1_000_000f),
            MropeSection = sections,
            VocabSize = Int("vocab_size", 151936),

            // text_config.image_token_id is null in the real file: the special ids come from the top level.
            ImageTokenId = top.Int("image_token_id", 151655),
            VisionStartTokenId = top.Int("vision_start_token_id", 151652),
            VisionEndTokenId = top.Int("vision_end_token_id", 151653),
            MultiVectorProjectorDim = top.Int("multi_vector_projector_dim", 128),
            TaskNames = top.StringList("task_names"),
            MatryoshkaDimensions = top.IntList("matryoshka_dims"),
            Vision = JinaV4VisionConfig.Read(top.Object("vision_config"), source),
            TorchDtype = top.String("torch_dtype"),
            NameOrPath = top.String("_name_or_path"),
        };
        config.Validate(source);
        return config;
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

        Require(HiddenSize > 0 && IntermediateSize > 0 && NumHiddenLayers > 0 && NumAttentionHeads > 0 && NumKeyValueHeads > 0 && VocabSize > 0, "sizes must be positive");
        Require(HiddenSize % NumAttentionHeads == 0, $"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        Require(NumAttentionHeads % NumKeyValueHeads == 0, $"num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {NumKeyValueHeads}");
        Require(HeadDimension % 2 == 0, $"head dimension {HeadDimension} must be even for rotary embeddings");
        Require(MropeSection.Count == 3 && MropeSection.All(s => s >= 0) && MropeSection.Sum() == HeadDimension / 2,
            $"rope_scaling.mrope_section [{string.Join(", ", MropeSection)}] must be three sections summing to head dimension / 2 = {HeadDimension / 2}");
        Require(RmsNormEps > 0 && RopeTheta > 0, "rms_norm_eps and rope_theta must be positive");
        Require(MultiVectorProjectorDim > 0, "multi_vector_projector_dim must be positive");
        Require(TaskNames.Count > 0, "task_names is missing or empty (jina-embeddings-v4 needs its adapter names)");
        Require(TaskNames.Distinct(StringComparer.Ordinal).Count() == TaskNames.Count, "task_names holds a name twice");
        Require(MatryoshkaDimensions.All(d => d >= 1 && d <= HiddenSize), "matryoshka_dims must lie in 1..hidden_size");
        foreach (int id in new[] { ImageTokenId, VisionStartTokenId, VisionEndTokenId })
        {
            Require(id >= 0 && id < VocabSize, $"special token id {id} lies outside the vocabulary (0..{VocabSize - 1})");
        }

        Require(Vision.OutHiddenSize == HiddenSize, $"vision_config.out_hidden_size {Vision.OutHiddenSize} must equal the LM hidden_size {HiddenSize}");
    }
}
