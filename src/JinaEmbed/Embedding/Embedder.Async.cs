// The scheduled path (api.md "Batching and limits"; architecture.md §3): sequences of concurrent requests share batches
// run by one compute loop. Items are prepared and pooled exactly as on the synchronous path.
using JinaEmbed.Embedding.Scheduling;

namespace JinaEmbed.Embedding;

public sealed partial class Embedder
{
    private readonly object _schedulerGate = new();
    private ScheduledEmbedding? _scheduled;

    /// <summary>The running scheduler behind <see cref="EmbedAsync"/>, or null before the first call / <see cref="StartScheduler"/>.</summary>
    public BatchScheduler? Scheduler => Volatile.Read(ref _scheduled)?.Scheduler;

    /// <summary>
    /// Starts the scheduler with explicit limits (call before the first <see cref="EmbedAsync"/>; later calls return the
    /// running one). Without it, <see cref="EmbedAsync"/> starts one with <see cref="EmbedderOptions.MaxBatchTokens"/>.
    /// </summary>
    /// <param name="options">Batch budget, queue capacity, per-request token limit.</param>
    /// <param name="lateChunking">Window and overlap for late-chunking documents beyond the context.</param>
    public BatchScheduler StartScheduler(SchedulerOptions? options = null, LateChunkingOptions? lateChunking = null)
    {
        lock (_schedulerGate)
        {
            if (_scheduled is { } running)
            {
                return running.Scheduler;
            }

            var scheduler = new BatchScheduler(_model, options ?? new SchedulerOptions { MaxBatchTokens = Options.MaxBatchTokens });
            Volatile.Write(ref _scheduled, new ScheduledEmbedding(
                ResolveTask,
                Prepare,
                (chunks, embedOptions) => PlanLateChunks(chunks, embedOptions, lateChunking),
                CheckOptions,
                Output,
                scheduler));
            return scheduler;
        }
    }

    /// <summary>
    /// Embeds a request through the batch scheduler: its sequences may share forward passes with other
    /// requests'. Cancellation drops queued sequences.
    /// </summary>
    /// <exception cref="EmbeddingException">Invalid input, over a limit, queue full, or shutting down.</exception>
    public Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _scheduled) is null)
        {
            StartScheduler();
        }

        return _scheduled!.EmbedAsync(request, cancellationToken);
    }

    /// <summary>Stops the scheduler (queued work finishes first); called by <see cref="Dispose"/> before the model is released.</summary>
    private void StopScheduler()
    {
        lock (_schedulerGate)
        {
            _scheduled?.Scheduler.Dispose();
        }
    }
}
