// Concurrent callers of one generator share the scheduler's forward passes (shown by its batch records), and a
// cancelled call's queued sequences never reach a forward pass. Each test owns its embedder, so counts are its own.
using System.Collections.Concurrent;
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Integration;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Tests.Integration;

public sealed class JinaEmbeddingGeneratorConcurrencyTests
{
    private const int Callers = 16;

    [Fact]
    public async Task Concurrent_callers_are_batched_together_and_get_the_librarys_vectors()
    {
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        var scheduler = embedder.StartScheduler();
        var batches = new ConcurrentQueue<BatchRecord>();
        scheduler.BatchCompleted += batches.Enqueue;
        using var generator = new JinaEmbeddingGenerator(embedder);

        var blocker = await StartBlockerAsync(generator, scheduler);
        var tasks = VectorAssert.JinaV3Tasks;
        var calls = Enumerable.Range(0, Callers)
            .Select(i => generator.GenerateAsync([CallerText(i)], new EmbeddingGenerationOptions { Dimensions = 8 * (1 + (i % 8)) }.WithTask(tasks[i % tasks.Length])))
            .ToArray();
        var results = await Task.WhenAll(calls);
        await blocker;

        // The callers queued while the blocker's forward pass ran, so they shared batches instead of one each.
        var afterBlocker = batches.Skip(1).ToArray();
        Assert.Equal(Callers, afterBlocker.Sum(b => b.RequestCount));
        Assert.True(afterBlocker.Length < Callers, $"{Callers} callers took {afterBlocker.Length} forward passes");
        Assert.Contains(afterBlocker, b => b.RequestCount > 1);

        for (var i = 0; i < Callers; i++)
        {
            var expected = embedder.Embed([CallerText(i)], new EmbedOptions { Task = tasks[i % tasks.Length].ToTaskName(), Dimensions = 8 * (1 + (i % 8)) })[0];
            VectorAssert.Close(expected, results[i][0].Vector.Span, $"caller {i}");
        }
    }

    [Fact]
    public async Task Cancelling_a_call_drops_its_queued_work()
    {
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        var scheduler = embedder.StartScheduler();
        var sequencesRun = 0;
        scheduler.BatchCompleted += batch => Interlocked.Add(ref sequencesRun, batch.SequenceCount);
        using var generator = new JinaEmbeddingGenerator(embedder);

        var blocker = await StartBlockerAsync(generator, scheduler);
        using var cancellation = new CancellationTokenSource();
        var cancelled = generator.GenerateAsync([CallerText(1), CallerText(2), CallerText(3)], cancellationToken: cancellation.Token);
        Assert.Equal(3, scheduler.QueuedSequences);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await blocker;
        var after = await generator.GenerateAsync([CallerText(4)]);

        // Only the blocker's sequences and the last call's one were computed; the cancelled three never were.
        Assert.Single(after);
        Assert.Equal(BlockerItems + 1, Volatile.Read(ref sequencesRun));
        Assert.Equal(0, scheduler.QueuedSequences);
    }

    [Fact]
    public async Task A_call_cancelled_before_it_starts_queues_nothing()
    {
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        var scheduler = embedder.StartScheduler();
        using var generator = new JinaEmbeddingGenerator(embedder);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync([CallerText(0)], cancellationToken: new CancellationToken(canceled: true)));

        Assert.Equal(0, scheduler.BatchesRun);
        Assert.Equal(0, scheduler.QueuedSequences);
    }

    private const int BlockerItems = 2;

    private static string CallerText(int i) => $"Caller number {i} asks about topic {i * 7 % 11}.";

    /// <summary>
    /// Starts a call of a few long texts (one batch under the default token budget) and returns once the compute loop
    /// has taken them, so what is submitted next waits in the queue while that forward pass runs.
    /// </summary>
    private static async Task<Task> StartBlockerAsync(JinaEmbeddingGenerator generator, BatchScheduler scheduler)
    {
        var longText = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog near the river bank. ", 25));
        var blocker = generator.GenerateAsync(Enumerable.Repeat(longText, BlockerItems));
        while (scheduler.QueuedSequences > 0 && !blocker.IsCompleted)
        {
            await Task.Yield();
        }

        Assert.False(blocker.IsCompleted, "the blocker finished before the next calls could queue behind it");
        return blocker;
    }
}
