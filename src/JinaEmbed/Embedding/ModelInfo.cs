// What an Embedder says about its loaded model (for hosts: /v1/models, `jinaembed info`).
namespace JinaEmbed.Embedding;

/// <summary>Facts about a loaded model.</summary>
public sealed record ModelInfo
{
    /// <summary>Model name (config <c>_name_or_path</c>, else the folder name).</summary>
    public required string Name { get; init; }

    /// <summary>Width of a full embedding.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Most tokens per sequence, special tokens included.</summary>
    public required int MaxTokens { get; init; }

    /// <summary>Task names in adapter order.</summary>
    public required IReadOnlyList<string> Tasks { get; init; }

    /// <summary>Prompt per task (empty when the task has none).</summary>
    public required IReadOnlyDictionary<string, string> TaskPrompts { get; init; }

    /// <summary>Adapter index per task (−1 for a prompt-only task); jina-embeddings-v4's five tasks share three adapters.</summary>
    public IReadOnlyDictionary<string, int> TaskAdapters { get; init; } = new Dictionary<string, int>();

    /// <summary>The task used when a request names none (null: the base model).</summary>
    public string? DefaultTask { get; init; }

    /// <summary>Whether the task <c>none</c> (the base model without adapter or prompt) is accepted.</summary>
    public bool AllowsBaseModel { get; init; } = true;

    /// <summary>Width of one multi-vector per token (128 for jina-embeddings-v4), or null when the model has no multi-vector head.</summary>
    public int? MultiVectorDimensions { get; init; }

    /// <summary>Input kinds the model embeds (<c>text</c>; jina-embeddings-v4 adds <c>image</c>).</summary>
    public IReadOnlyList<string> Modalities { get; init; } = ["text"];

    /// <summary>The image preprocessing (resize bounds, patch and merge sizes) of a model that takes images; else null.</summary>
    public Images.ImagePreprocessorConfig? ImagePreprocessing { get; init; }

    /// <summary>Matryoshka sizes the model was trained for (any size 1..HiddenSize is accepted).</summary>
    public required IReadOnlyList<int> MatryoshkaDimensions { get; init; }

    /// <summary>Storage type of the weights in the checkpoint (BF16, F16, F32).</summary>
    public required string WeightDataType { get; init; }

    /// <summary>Arithmetic of the linear layers: exact (the default) or int8.</summary>
    public Compute.Precision Precision { get; init; } = Compute.Precision.Exact;

    /// <summary>Number of task adapters.</summary>
    public required int AdapterCount { get; init; }

    /// <summary>Rows of the model's word-embedding table: token ids must lie in [0, VocabularySize).</summary>
    public int VocabularySize { get; init; }

    /// <summary>Architecture of the encoder (<c>jina-v3</c>, <c>jina-v4</c> or <c>bert</c>).</summary>
    public string Architecture { get; init; } = "jina-v3";

    /// <summary>How token states are pooled into one vector.</summary>
    public PoolingMode Pooling { get; init; } = PoolingMode.Mean;

    /// <summary>Whether the model's own pipeline L2-normalises its vectors.</summary>
    public bool Normalize { get; init; } = true;
}
