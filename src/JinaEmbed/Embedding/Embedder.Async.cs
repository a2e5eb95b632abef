// The scheduled path: sequences of concurrent requests share batches (contract stub: issue #5 implements it).
namespace JinaEmbed.Embedding;

public sealed partial class Embedder
{
    /// <summary>
    /// Embeds a request through the batch scheduler: its sequences may share forward passes with other
    /// requests'. Cancellation drops queued sequences.
    /// </summary>
    /// <exception cref="EmbeddingException">Invalid input, over a limit, queue full, or shutting down.</exception>
    public Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
        => throw new NotImplementedException("issue #5");
}
