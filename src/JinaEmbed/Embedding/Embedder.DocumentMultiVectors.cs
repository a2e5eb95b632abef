// Late chunking of a whole document into multi-vectors (jina-embeddings-v4 spec §10.6): each chunk gets the token
// vectors of its own span, from the same plan and windows as EmbedDocument's single vectors.
namespace JinaEmbed.Embedding;

public sealed partial class Embedder
{
    /// <summary>
    /// Embeds a whole document cut by a chunking strategy into multi-vectors: one per chunk, holding the vectors of the
    /// chunk's tokens (the first chunk's include the task prefix). Needs a model with a multi-vector head.
    /// </summary>
    /// <exception cref="EmbeddingException">The model has no multi-vector head, an unknown task, or invalid windows.</exception>
    public MultiVector[] EmbedDocumentMultiVectors(string document, ChunkingStrategy strategy, EmbedOptions? options = null, LateChunkingOptions? lateChunking = null)
    {
        options = (options ?? new EmbedOptions()) with { Output = EmbeddingOutput.MultiVector, LateChunking = true };
        return RunPlan(PlanDocument(document, strategy, options, lateChunking)).MultiVectors!;
    }
}
