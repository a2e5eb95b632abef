// An encoder loaded from a model folder together with what the embedding pipeline needs around it (docs/models.md):
// tasks and prompts, pooling, normalisation default, vocabulary size. Built by ModelLoader.
using JinaEmbed.Compute;
using JinaEmbed.Embedding;

namespace JinaEmbed.Models;

/// <summary>A loaded encoder and its pipeline settings.</summary>
public sealed record LoadedModel
{
    /// <summary>The encoder (owned: disposing it unmaps the checkpoint).</summary>
    public required IEncoderModel Model { get; init; }

    /// <summary>Architecture name: <c>jina-v3</c>, <c>jina-v4</c> or <c>bert</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>Model name (config <c>_name_or_path</c>, else the folder name).</summary>
    public required string Name { get; init; }

    /// <summary>Rows of the word embedding table: token ids must lie below it.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>
    /// Named tasks in order: adapter tasks (jina-v3 lora_adaptations with their instructions) or prompt-only tasks
    /// (sentence-transformers prompts, adapter −1).
    /// </summary>
    public required IReadOnlyList<EmbeddingTask> Tasks { get; init; }

    /// <summary>Task used when the caller names none (sentence-transformers default_prompt_name), or the base model.</summary>
    public EmbeddingTask DefaultTask { get; init; } = EmbeddingTask.None;

    /// <summary>
    /// Whether a request may run the base model without a task (null or <c>none</c>); jina-embeddings-v4 has no such
    /// mode (spec §9) and refuses <c>none</c>.
    /// </summary>
    public bool AllowsBaseModel { get; init; } = true;

    /// <summary>
    /// Whether truncation keeps the tokenizer's closing special token (v3 and BERT end with <c>&lt;/s&gt;</c>/<c>[SEP]</c>);
    /// false cuts from the end (jina-embeddings-v4 adds no special tokens).
    /// </summary>
    public bool TruncationKeepsLastToken { get; init; } = true;

    /// <summary>
    /// Whether token-id input must also lie inside the tokenizer's vocabulary (jina-embeddings-v4: the embedding table's
    /// rows past the tokenizer's 151665 ids are padding that no text produces).
    /// </summary>
    public bool TokenIdsWithinTokenizer { get; init; }

    /// <summary>How token states are pooled.</summary>
    public PoolingMode Pooling { get; init; } = PoolingMode.Mean;

    /// <summary>Whether the model's own pipeline L2-normalises (jina-v3 always; sentence-transformers when a Normalize module is listed).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Matryoshka sizes the model was trained for.</summary>
    public IReadOnlyList<int> MatryoshkaDimensions { get; init; } = [];

    /// <summary>Image support (jina-embeddings-v4), or null for a text-only model.</summary>
    public ImageInput? Images { get; init; }

    /// <summary>Storage type of the weights (BF16, F16, F32).</summary>
    public required string WeightDataType { get; init; }

    /// <summary>Arithmetic of the linear layers (exact, or int8 weights quantised at load).</summary>
    public Precision Precision { get; init; } = Precision.Exact;

    /// <summary>Threads and ISA tier of the kernels.</summary>
    public required ComputeContext Context { get; init; }
}
