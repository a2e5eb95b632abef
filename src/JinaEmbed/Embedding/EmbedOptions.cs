// Per-call embedding settings: the library-side twin of the API's task/dimensions/normalized/truncate.
namespace JinaEmbed.Embedding;

/// <summary>How to embed a set of inputs.</summary>
public sealed record EmbedOptions
{
    /// <summary>
    /// Task name (<c>retrieval.query</c>, …); null is the model's default task (jina-embeddings-v4: text-matching; else
    /// the base model), <c>"none"</c> the base model without adapter or prompt (refused by jina-embeddings-v4).
    /// </summary>
    public string? Task { get; init; }

    /// <summary>Matryoshka size: keep the first N dimensions (1..hidden size); null keeps all.</summary>
    public int? Dimensions { get; init; }

    /// <summary>
    /// L2-normalise each vector after truncation; null follows the model's own pipeline (jina-embeddings-v3 always
    /// normalises; a sentence-transformers model when its modules.json lists a Normalize module).
    /// </summary>
    public bool? Normalize { get; init; }

    /// <summary>Cut inputs longer than the model's maximum (keeping the closing special token) instead of failing.</summary>
    public bool Truncate { get; init; }

    /// <summary>Treat the inputs as chunks of one document: encode them together, one vector per chunk.</summary>
    public bool LateChunking { get; init; }

    /// <summary>
    /// Which embeddings each item yields: a single pooled vector (the default), per-token multi-vectors (models with a
    /// multi-vector head, jina-embeddings-v4), or both from one forward pass. <see cref="Dimensions"/> applies to single
    /// vectors only; with <see cref="Normalize"/> false multi-vectors are the projector outputs without normalisation.
    /// </summary>
    public EmbeddingOutput Output { get; init; } = EmbeddingOutput.SingleVector;
}
