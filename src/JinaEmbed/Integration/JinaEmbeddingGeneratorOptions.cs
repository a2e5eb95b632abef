// Defaults of the Microsoft.Extensions.AI generators: what a call gets when its EmbeddingGenerationOptions leave a setting out.
namespace JinaEmbed.Integration;

/// <summary>Defaults for <see cref="JinaEmbeddingGenerator"/>, <see cref="JinaBinaryEmbeddingGenerator"/> and <see cref="JinaMultiVectorEmbeddingGenerator"/>.</summary>
public sealed record JinaEmbeddingGeneratorOptions
{
    /// <summary>
    /// Task name used when a call sets none: jina-embeddings-v3 <c>retrieval.query</c>, <c>retrieval.passage</c>,
    /// <c>separation</c>, <c>classification</c>, <c>text-matching</c> or <c>none</c>; jina-embeddings-v4
    /// <c>retrieval.query</c>, <c>retrieval.passage</c>, <c>text-matching</c>, <c>code.query</c> or <c>code.passage</c>.
    /// <c>text-matching</c> (both models) is the symmetric, general-purpose adapter; retrieval callers should set the
    /// query/passage task per call.
    /// </summary>
    public string DefaultTask { get; init; } = JinaTask.TextMatching.ToTaskName();

    /// <summary>Matryoshka size used when a call sets no <c>Dimensions</c>; null keeps the model's full width (single vectors only).</summary>
    public int? DefaultDimensions { get; init; }

    /// <summary>Model id reported in metadata and on each embedding; null reports the model's name (config.json <c>_name_or_path</c>, else the folder name).</summary>
    public string? ModelId { get; init; }

    /// <summary>Cut over-long texts instead of failing, unless a call says otherwise.</summary>
    public bool Truncate { get; init; }

    /// <summary>
    /// L2-normalise the float vectors (after Matryoshka truncation); null (the default) does what the model's own
    /// encode() does: always for jina-embeddings-v3, for a sentence-transformers model when it has a Normalize module.
    /// </summary>
    public bool? Normalize { get; init; }
}
