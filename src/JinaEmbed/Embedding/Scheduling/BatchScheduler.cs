// Bounded queue of sequences from any number of concurrent requests and one compute loop that packs them
// into forward passes (api.md "Batching and limits"; architecture.md §3 steps 3, 5, 6, 9).
using System.Diagnostics;
using JinaEmbed.Models;

namespace JinaEmbed.Embedding.Scheduling;

/// <summary>
/// Embeds sequences, not requests: submissions wait asynchronously while a single long-running loop, which owns
/// the model's compute threads, runs batches of queued sequences of any mix of adapters. Thread-safe.
/// </summary>
public sealed class BatchScheduler : IDisposable
{
    private readonly IEncoderModel model;
    private readonly object gate = new();
    private readonly LinkedList<PendingSequence> queue = new();
    private readonly Thread loop;
    private bool accepting = true;
    private bool stopping;
    private long batchesRun;

    /// <summary>Starts the compute loop over <paramref name="model"/>.</summary>
    public BatchScheduler(IEncoderModel model, SchedulerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new SchedulerOptions();
        Options.Validate();
        this.model = model;
        loop = new Thread(RunLoop) { IsBackground = true, Name = "JinaEmbed compute loop" };
        loop.Start();
    }

    /// <summary>Raised on the compute loop after every forward pass; handlers must be quick and must not throw.</summary>
    public event Action<BatchRecord>? BatchCompleted;

    /// <summary>The limits in force.</summary>
    public SchedulerOptions Options { get; }

    /// <summary>Sequences waiting for a batch.</summary>
    public int QueuedSequences
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    /// <summary>Forward passes run so far.</summary>
    public long BatchesRun => Interlocked.Read(ref batchesRun);

    /// <summary>False once <see cref="StopAccepting"/> or <see cref="Dispose"/> was called.</summary>
    public bool IsAccepting
    {
        get
        {
            lock (gate)
            {
                return accepting;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="sequences"/> (all or none) and completes when every one has been handed its token
    /// states. Cancelling drops the sequences still queued and cancels the task.
    /// </summary>
    /// <exception cref="EmbeddingException">
    /// <see cref="EmbeddingErrorKind.TooLarge"/> over the per-request token limit or the whole queue's capacity;
    /// <see cref="EmbeddingErrorKind.QueueFull"/> when the queue has no room now;
    /// <see cref="EmbeddingErrorKind.Unavailable"/> when shutting down.
    /// </exception>
    public Task<ScheduledTimes> SubmitAsync(IReadOnlyList<PendingSequence> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ScheduledTimes>(cancellationToken);
        }

        if (sequences.Count == 0)
        {
            return Task.FromResult(default(ScheduledTimes));
        }

        long tokens = 0;
        foreach (var sequence in sequences)
        {
            if (sequence.Group != null)
            {
                throw new ArgumentException("A sequence can be submitted only once.", nameof(sequences));
            }

            tokens += sequence.TokenCount;
        }

        if (tokens > Options.MaxRequestTokens)
        {
            throw new EmbeddingException(EmbeddingErrorKind.TooLarge, $"the request has {tokens} tokens; the limit is {Options.MaxRequestTokens}", "input", $"send fewer tokens per request, or raise {nameof(SchedulerOptions)}.{nameof(SchedulerOptions.MaxRequestTokens)}");
        }

        if (sequences.Count > Options.QueueCapacity)
        {
            throw new EmbeddingException(EmbeddingErrorKind.TooLarge, $"the request needs {sequences.Count} sequences; the queue holds at most {Options.QueueCapacity}", "input", $"send fewer items per request, or raise {nameof(SchedulerOptions)}.{nameof(SchedulerOptions.QueueCapacity)}");
        }

        var group = new SequenceGroup(sequences.Count);

        // Registered before queueing, so the group's fields are set before the compute loop can see it;
        // a token cancelled in between leaves a finished group whose sequences the packer skips.
        if (cancellationToken.CanBeCanceled)
        {
            group.Cancellation = cancellationToken.UnsafeRegister(_ => Cancel(group, sequences, cancellationToken), null);
        }

        lock (gate)
        {
            if (!accepting)
            {
                group.Cancellation.Unregister();
                throw new EmbeddingException(EmbeddingErrorKind.Unavailable, "the server is shutting down");
            }

            if (queue.Count + sequences.Count > Options.QueueCapacity)
            {
                group.Cancellation.Unregister();
                throw new EmbeddingException(EmbeddingErrorKind.QueueFull, $"the queue is full ({queue.Count} of {Options.QueueCapacity} sequences waiting); retry later");
            }

            if (!group.IsFinished)
            {
                foreach (var sequence in sequences)
                {
                    sequence.Group = group;
                    sequence.Node = queue.AddLast(sequence);
                }

                Monitor.Pulse(gate);
            }
        }

        return group.Completion.Task;
    }

    /// <summary>Refuses new submissions (<see cref="EmbeddingErrorKind.Unavailable"/>); queued ones still run.</summary>
    public void StopAccepting()
    {
        lock (gate)
        {
            accepting = false;
        }
    }

    /// <summary>Stops accepting, lets the queued sequences finish, then ends the compute loop.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            accepting = false;
            stopping = true;
            Monitor.PulseAll(gate);
        }

        if (Thread.CurrentThread != loop)
        {
            loop.Join();
        }
    }

    private void Cancel(SequenceGroup group, IReadOnlyList<PendingSequence> sequences, CancellationToken token)
    {
        if (!group.TryCancel(token))
        {
            return;
        }

        lock (gate)
        {
            foreach (var sequence in sequences)
            {
                if (sequence.Node is { } node)
                {
                    queue.Remove(node);
                    sequence.Node = null;
                }
            }
        }
    }

    private void RunLoop()
    {
        var batch = new List<PendingSequence>();
        long batchId = 0;
        while (true)
        {
            batch.Clear();
            lock (gate)
            {
                while (queue.Count == 0 && !stopping)
                {
                    Monitor.Wait(gate);
                }

                if (queue.Count == 0)
                {
                    return;
                }

                BatchPacker.Take(queue, Options, batch);
            }

            if (batch.Count > 0)
            {
                Run(batch, batchId++);
            }
        }
    }

    private void Run(List<PendingSequence> batch, long batchId)
    {
        long started = Stopwatch.GetTimestamp();
        int requests = 0;
        foreach (var sequence in batch)
        {
            var group = sequence.Group!;
            if (group.FirstStartedAt == 0)
            {
                group.FirstStartedAt = started;
            }
        }

        var encoderBatch = BatchPacker.Build(batch);
        float[] states;
        try
        {
            states = model.Forward(encoderBatch);
        }
        catch (Exception error)
        {
            foreach (var sequence in batch)
            {
                sequence.Group!.TryFail(error);
            }

            return;
        }

        long forwardTicks = Stopwatch.GetTimestamp() - started;
        Interlocked.Increment(ref batchesRun);
        int hidden = model.HiddenSize;
        for (int s = 0; s < batch.Count; s++)
        {
            var sequence = batch[s];
            var group = sequence.Group!;
            if (group.LastBatchId != batchId)
            {
                group.LastBatchId = batchId;
                group.ForwardTicks += forwardTicks;
                requests++;
            }

            if (group.IsFinished)
            {
                continue;
            }

            try
            {
                int start = encoderBatch.SequenceStarts[s];
                sequence.OnStates(states.AsSpan(start * hidden, sequence.TokenCount * hidden), hidden);
            }
            catch (Exception error)
            {
                group.TryFail(error);
                continue;
            }

            if (--group.Remaining == 0)
            {
                group.TryComplete();
            }
        }

        try
        {
            BatchCompleted?.Invoke(new BatchRecord(batch.Count, requests, encoderBatch.TokenCount, Stopwatch.GetElapsedTime(started, started + forwardTicks)));
        }
        catch (Exception)
        {
            // A metrics observer must never take the compute loop down.
        }
    }
}
