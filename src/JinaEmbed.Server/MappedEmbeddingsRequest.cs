// A validated /v1/embeddings call: the library request's parts plus what only the wire cares about.
using JinaEmbed.Embedding;

namespace JinaEmbed.Server;

/// <summary>An <c>{"image": string}</c> item as sent: base64, a data: URI or a URL, resolved later (it may need a download).</summary>
/// <param name="Index">Position in <c>input</c>.</param>
/// <param name="Source">The string as sent.</param>
internal readonly record struct ImageItem(int Index, string Source);

/// <summary>The items and options, and how to encode the answer.</summary>
/// <param name="Items">One per input item, in order; null where <paramref name="Images"/> holds an image still to resolve.</param>
/// <param name="Images">The image items, in order (see <see cref="ImageSources"/>).</param>
/// <param name="Options">What the embedder runs with.</param>
/// <param name="Formats">Encodings asked for, at least one.</param>
/// <param name="FormatsAsObject">True when <c>embedding_type</c> was an array: each embedding becomes an object keyed by type.</param>
/// <param name="MultiVector">True for <c>return_multivector</c>: each item is written as <c>embeddings</c>, one vector per token.</param>
internal sealed record MappedEmbeddingsRequest(
    IReadOnlyList<EmbeddingInput?> Items,
    IReadOnlyList<ImageItem> Images,
    EmbedOptions Options,
    IReadOnlyList<EmbeddingFormat> Formats,
    bool FormatsAsObject,
    bool MultiVector = false)
{
    /// <summary>The library request of a request without image items.</summary>
    public EmbeddingRequest TextRequest => Images.Count == 0
        ? new EmbeddingRequest(Items.Select(i => i!).ToArray(), Options)
        : throw new InvalidOperationException("the request has image items; resolve them with ImageSources.BuildRequestAsync");
}
