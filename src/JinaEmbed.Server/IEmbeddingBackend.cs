// What the HTTP layer needs from a loaded model: its description, tokenization and the scheduled embed path.
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Server;

/// <summary>The resize bounds of a model's image preprocessing (jina-embeddings-v4 spec §7.2).</summary>
/// <param name="MinPixels">Smallest resized height × width.</param>
/// <param name="MaxPixels">Largest resized height × width.</param>
/// <param name="MaxImageTokens">Most image tokens one image becomes (MaxPixels over the merged patch area, 28 × 28).</param>
internal sealed record ImageResizeInfo(long MinPixels, long MaxPixels, int MaxImageTokens);

/// <summary>A served model. <see cref="EmbedderBackend"/> wraps the library's Embedder; tests add a toy one.</summary>
internal interface IEmbeddingBackend : IDisposable
{
    /// <summary>The model's own name (folder or hub repository name).</summary>
    string ModelName { get; }

    /// <summary>Checkpoint revision, when known.</summary>
    string? Revision { get; }

    /// <summary>Width of an embedding.</summary>
    int HiddenSize { get; }

    /// <summary>Most tokens one sequence may have, special tokens included.</summary>
    int MaxTokens { get; }

    /// <summary>Vocabulary size; token-id inputs must lie in [0, VocabularySize).</summary>
    int VocabularySize { get; }

    /// <summary>The tasks with their adapter index and prompt, in the model's order (tasks may share an adapter).</summary>
    IReadOnlyList<ModelTask> Tasks { get; }

    /// <summary>Whether the task <c>none</c> (base weights, no adapter, no prompt) is served; jina-embeddings-v4 has no base mode.</summary>
    bool AllowsBaseModel { get; }

    /// <summary>Matryoshka sizes the model was trained for (any size 1..<see cref="HiddenSize"/> is accepted).</summary>
    IReadOnlyList<int> MatryoshkaDimensions { get; }

    /// <summary>Width of one per-token vector, or null when the model has no multi-vector head.</summary>
    int? MultiVectorDimensions { get; }

    /// <summary>Input kinds the model embeds (<c>text</c>; jina-embeddings-v4 also <c>image</c>).</summary>
    IReadOnlyList<string> Modalities { get; }

    /// <summary>How images are resized (from preprocessor_config.json), or null for a model without images.</summary>
    ImageResizeInfo? ImageResize { get; }

    /// <summary>Storage type of the weights as loaded (for /info).</summary>
    string WeightType { get; }

    /// <summary>Compute threads of the inference loop.</summary>
    int Threads { get; }

    /// <summary>The scheduler behind <see cref="EmbedAsync"/> (metrics, shutdown).</summary>
    BatchScheduler Scheduler { get; }

    /// <summary>Embeds through the scheduler.</summary>
    Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken);

    /// <summary>Tokenizes one text as the model would see it without a prompt.</summary>
    TokenizerEncoding Tokenize(string text, bool addSpecialTokens);
}
