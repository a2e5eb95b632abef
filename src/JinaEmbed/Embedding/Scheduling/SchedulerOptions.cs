// Knobs of the batch scheduler (api.md "Batching and limits"; architecture.md §3 steps 3–6).
namespace JinaEmbed.Embedding.Scheduling;

/// <summary>How the scheduler packs sequences into forward passes and how much it lets wait.</summary>
public sealed record SchedulerOptions
{
    /// <summary>
    /// Token budget of one forward pass. Larger batches amortise weight traffic over more tokens but hold
    /// more activation memory and make the first request of a batch wait for the whole batch.
    /// A single sequence longer than the budget still runs, alone.
    /// </summary>
    public int MaxBatchTokens { get; init; } = 16384;

    /// <summary>
    /// Most sequences in one forward pass. Caps per-batch bookkeeping when many very short inputs arrive;
    /// the token budget is usually the binding limit.
    /// </summary>
    public int MaxBatchSequences { get; init; } = 512;

    /// <summary>
    /// Sequences allowed to wait before new requests are refused (<see cref="EmbeddingErrorKind.QueueFull"/>).
    /// Higher smooths bursts; lower bounds memory and the latency a queued request can see.
    /// </summary>
    public int QueueCapacity { get; init; } = 4096;

    /// <summary>Most tokens one request may submit (all its sequences together); above it the request is refused as too large.</summary>
    public int MaxRequestTokens { get; init; } = 300_000;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxBatchTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchTokens), MaxBatchTokens, "must be at least 1");
        }

        if (MaxBatchSequences < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSequences), MaxBatchSequences, "must be at least 1");
        }

        if (QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "must be at least 1");
        }

        if (MaxRequestTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestTokens), MaxRequestTokens, "must be at least 1");
        }
    }
}
