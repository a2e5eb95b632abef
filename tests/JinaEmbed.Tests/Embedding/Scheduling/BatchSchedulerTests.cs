// Batch scheduler behaviour with a toy encoder: packing, cross-request batches, limits, cancellation, shutdown.
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;

namespace JinaEmbed.Tests.Embedding.Scheduling;

public class BatchSchedulerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EverySequenceGetsExactlyItsOwnRows()
    {
        var model = new RecordingEncoderModel();
        using var scheduler = new BatchScheduler(model);
        var cases = new (int[] Ids, int Adapter)[] { ([5, 6, 7], 0), ([9], -1), ([1, 2, 3, 4, 5], 4), ([8, 8], 2) };
        var received = new float[cases.Length][];
        var sequences = cases.Select((c, i) => new PendingSequence(c.Ids, c.Adapter, (states, _) => received[i] = states.ToArray())).ToArray();

        await scheduler.SubmitAsync(sequences).WaitAsync(Timeout);

        for (int i = 0; i < cases.Length; i++)
        {
            Assert.Equal(RecordingEncoderModel.Expected(cases[i].Ids, cases[i].Adapter, model.HiddenSize), received[i]);
        }
    }

    [Fact]
    public async Task SequencesOfConcurrentRequestsShareABatchWithTheirOwnAdapters()
    {
        using var hold = new ManualResetEventSlim(false);
        var model = new RecordingEncoderModel { Hold = hold };
        var records = new List<BatchRecord>();
        using var scheduler = new BatchScheduler(model);
        scheduler.BatchCompleted += r =>
        {
            lock (records)
            {
                records.Add(r);
            }
        };

        // The first request occupies the loop; the next three queue up behind it and must share one batch.
        var first = scheduler.SubmitAsync([Sequence([1, 2], 0, out _)]);
        Assert.True(await model.Started.WaitAsync(Timeout));
        var a = scheduler.SubmitAsync([Sequence([3, 4, 5], 1, out var ra)]);
        var b = scheduler.SubmitAsync([Sequence([6], 3, out var rb), Sequence([7, 7], -1, out var rc)]);
        var c = scheduler.SubmitAsync([Sequence([8, 9], 4, out var rd)]);
        Assert.Equal(4, scheduler.QueuedSequences);
        hold.Set();
        await Task.WhenAll(first, a, b, c).WaitAsync(Timeout);

        Assert.Equal(2, model.Batches.Count);
        Assert.Equal([1, 3, -1, 4], model.Batches[1].Adapters);
        Assert.Equal([0, 3, 4, 6, 8], model.Batches[1].SequenceStarts);
        Assert.Equal([3, 4, 5, 6, 7, 7, 8, 9], model.Batches[1].TokenIds);
        Assert.Equal(RecordingEncoderModel.Expected([3, 4, 5], 1, 4), ra());
        Assert.Equal(RecordingEncoderModel.Expected([6], 3, 4), rb());
        Assert.Equal(RecordingEncoderModel.Expected([7, 7], -1, 4), rc());
        Assert.Equal(RecordingEncoderModel.Expected([8, 9], 4, 4), rd());
        lock (records)
        {
            Assert.Equal(new BatchRecord(4, 3, 8, records[1].ForwardTime), records[1]);
            Assert.Equal(1, records[0].RequestCount);
        }

        Assert.Equal(2, scheduler.BatchesRun);
    }

    [Fact]
    public void PackerKeepsArrivalOrderUnderTheTokenBudget()
    {
        var queue = new LinkedList<PendingSequence>();
        foreach (int length in new[] { 4, 4, 4, 1 })
        {
            queue.AddLast(new PendingSequence(new int[length], 0, (_, _) => { }));
        }

        var options = new SchedulerOptions { MaxBatchTokens = 10 };
        var batch = new List<PendingSequence>();
        BatchPacker.Take(queue, options, batch);
        Assert.Equal([4, 4], batch.Select(s => s.TokenCount));

        // The 1-token sequence does not overtake the 4-token one that did not fit.
        batch.Clear();
        BatchPacker.Take(queue, options, batch);
        Assert.Equal([4, 1], batch.Select(s => s.TokenCount));
        Assert.Empty(queue);
    }

    [Fact]
    public void PackerRunsAnOversizedSequenceAloneAndHonoursTheSequenceCap()
    {
        var queue = new LinkedList<PendingSequence>();
        foreach (int length in new[] { 50, 1, 1, 1 })
        {
            queue.AddLast(new PendingSequence(new int[length], 0, (_, _) => { }));
        }

        var options = new SchedulerOptions { MaxBatchTokens = 10, MaxBatchSequences = 2 };
        var batch = new List<PendingSequence>();
        BatchPacker.Take(queue, options, batch);
        Assert.Equal([50], batch.Select(s => s.TokenCount));
        batch.Clear();
        BatchPacker.Take(queue, options, batch);
        Assert.Equal([1, 1], batch.Select(s => s.TokenCount));
    }

    [Fact]
    public async Task AFullQueueRefusesAndRecovers()
    {
        using var hold = new ManualResetEventSlim(false);
        var model = new RecordingEncoderModel { Hold = hold };
        using var scheduler = new BatchScheduler(model, new SchedulerOptions { QueueCapacity = 3 });
        var running = scheduler.SubmitAsync([Sequence([1], 0, out _)]);
        Assert.True(await model.Started.WaitAsync(Timeout));
        var queued = scheduler.SubmitAsync([Sequence([2], 0, out _), Sequence([3], 0, out _)]);

        var full = Assert.Throws<EmbeddingException>(() => { _ = scheduler.SubmitAsync([Sequence([4], 0, out _), Sequence([5], 0, out _)]); });
        Assert.Equal(EmbeddingErrorKind.QueueFull, full.Kind);
        var tooLarge = Assert.Throws<EmbeddingException>(() => { _ = scheduler.SubmitAsync([.. Enumerable.Range(0, 4).Select(i => Sequence([i], 0, out _))]); });
        Assert.Equal(EmbeddingErrorKind.TooLarge, tooLarge.Kind);

        hold.Set();
        await Task.WhenAll(running, queued).WaitAsync(Timeout);
        await scheduler.SubmitAsync([Sequence([4], 0, out var r4), Sequence([5], 0, out _)]).WaitAsync(Timeout);
        Assert.Equal(RecordingEncoderModel.Expected([4], 0, 4), r4());
    }

    [Fact]
    public void TooManyTokensPerRequestIsTooLarge()
    {
        using var scheduler = new BatchScheduler(new RecordingEncoderModel(), new SchedulerOptions { MaxRequestTokens = 5 });
        var error = Assert.Throws<EmbeddingException>(() => { _ = scheduler.SubmitAsync([Sequence([1, 2, 3], 0, out _), Sequence([4, 5, 6], 0, out _)]); });
        Assert.Equal(EmbeddingErrorKind.TooLarge, error.Kind);
        Assert.Contains("6 tokens", error.Message);
    }

    [Fact]
    public async Task CancellingDropsQueuedSequences()
    {
        using var hold = new ManualResetEventSlim(false);
        var model = new RecordingEncoderModel { Hold = hold };
        using var scheduler = new BatchScheduler(model);
        var running = scheduler.SubmitAsync([Sequence([1], 0, out _)]);
        Assert.True(await model.Started.WaitAsync(Timeout));
        using var cts = new CancellationTokenSource();
        var cancelled = scheduler.SubmitAsync([Sequence([777], 0, out _), Sequence([778], 0, out _)], cts.Token);
        var kept = scheduler.SubmitAsync([Sequence([2], 1, out var r2)]);
        Assert.Equal(3, scheduler.QueuedSequences);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));
        Assert.Equal(1, scheduler.QueuedSequences);
        hold.Set();
        await Task.WhenAll(running, kept).WaitAsync(Timeout);

        Assert.Equal(RecordingEncoderModel.Expected([2], 1, 4), r2());
        Assert.DoesNotContain(model.Batches, b => b.TokenIds.Contains(777) || b.TokenIds.Contains(778));
    }

    [Fact]
    public async Task AnAlreadyCancelledSubmissionQueuesNothing()
    {
        var model = new RecordingEncoderModel();
        using var scheduler = new BatchScheduler(model);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scheduler.SubmitAsync([Sequence([5], 0, out _)], cts.Token));
        Assert.Equal(0, scheduler.QueuedSequences);
        await scheduler.SubmitAsync([Sequence([6], 0, out _)]).WaitAsync(Timeout);
        Assert.DoesNotContain(model.Batches, b => b.TokenIds.Contains(5));
    }

    [Fact]
    public async Task AFailedForwardFailsItsRequestsAndTheLoopGoesOn()
    {
        var model = new RecordingEncoderModel { FailOnToken = 13 };
        using var scheduler = new BatchScheduler(model);
        await Assert.ThrowsAsync<InvalidOperationException>(() => scheduler.SubmitAsync([Sequence([13], 0, out _)]).WaitAsync(Timeout));
        await scheduler.SubmitAsync([Sequence([14], 0, out var r)]).WaitAsync(Timeout);
        Assert.Equal(RecordingEncoderModel.Expected([14], 0, 4), r());
    }

    [Fact]
    public async Task ShutdownFinishesQueuedWorkAndRefusesNewWork()
    {
        using var hold = new ManualResetEventSlim(false);
        var model = new RecordingEncoderModel { Hold = hold };
        var scheduler = new BatchScheduler(model);
        var running = scheduler.SubmitAsync([Sequence([1], 0, out _)]);
        Assert.True(await model.Started.WaitAsync(Timeout));
        var queued = scheduler.SubmitAsync([Sequence([2], 0, out var r2)]);

        scheduler.StopAccepting();
        Assert.False(scheduler.IsAccepting);
        var refused = Assert.Throws<EmbeddingException>(() => { _ = scheduler.SubmitAsync([Sequence([3], 0, out _)]); });
        Assert.Equal(EmbeddingErrorKind.Unavailable, refused.Kind);

        hold.Set();
        scheduler.Dispose();
        Assert.True(running.IsCompletedSuccessfully);
        Assert.True(queued.IsCompletedSuccessfully);
        Assert.Equal(RecordingEncoderModel.Expected([2], 0, 4), r2());
    }

    [Fact]
    public async Task TimesCoverQueueWaitAndForwardPasses()
    {
        var model = new RecordingEncoderModel();
        using var scheduler = new BatchScheduler(model, new SchedulerOptions { MaxBatchTokens = 2 });
        var times = await scheduler.SubmitAsync([Sequence([1, 2], 0, out _), Sequence([3, 4], 0, out _)]).WaitAsync(Timeout);
        Assert.Equal(2, model.Batches.Count);
        Assert.True(times.InferenceTime > TimeSpan.Zero);
        Assert.True(times.QueueTime >= TimeSpan.Zero);
    }

    private static PendingSequence Sequence(int[] ids, int adapter, out Func<float[]> received)
    {
        float[]? states = null;
        received = () => states ?? throw new InvalidOperationException("no states received");
        return new PendingSequence(ids, adapter, (s, _) => states = s.ToArray());
    }
}
