// A validated /v1/embeddings call: the library request plus what only the wire cares about.
using JinaEmbed.Embedding;

namespace JinaEmbed.Server;

/// <summary>The library request and how to encode the answer.</summary>
/// <param name="Request">What the embedder runs.</param>
/// <param name="Formats">Encodings asked for, at least one.</param>
/// <param name="FormatsAsObject">True when <c>embedding_type</c> was an array: each embedding becomes an object keyed by type.</param>
/// <param name="MultiVector">True for <c>return_multivector</c>: each item is written as <c>embeddings</c>, one vector per token.</param>
internal sealed record MappedEmbeddingsRequest(EmbeddingRequest Request, IReadOnlyList<EmbeddingFormat> Formats, bool FormatsAsObject, bool MultiVector = false);
