// The sequences of one submission (one request) and the promise that completes when all have their states.
using System.Diagnostics;

namespace JinaEmbed.Embedding.Scheduling;

/// <summary>Book-keeping of one submission; counters are touched only by the compute loop, the outcome by anyone.</summary>
internal sealed class SequenceGroup
{
    private int finished;

    public SequenceGroup(int sequenceCount)
    {
        Remaining = sequenceCount;
        SubmittedAt = Stopwatch.GetTimestamp();
    }

    public TaskCompletionSource<ScheduledTimes> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sequences still waiting for their states (compute loop only).</summary>
    public int Remaining { get; set; }

    public long SubmittedAt { get; }

    /// <summary>Timestamp of the first forward pass that carried one of its sequences; 0 before.</summary>
    public long FirstStartedAt { get; set; }

    /// <summary>Summed forward-pass time, in Stopwatch ticks.</summary>
    public long ForwardTicks { get; set; }

    /// <summary>Id of the last batch that counted this group, so a batch counts each request once.</summary>
    public long LastBatchId { get; set; } = -1;

    public CancellationTokenRegistration Cancellation { get; set; }

    /// <summary>True once completed, cancelled or failed: its remaining sequences need no work.</summary>
    public bool IsFinished => Volatile.Read(ref finished) != 0;

    public bool TryComplete()
    {
        if (Interlocked.Exchange(ref finished, 1) != 0)
        {
            return false;
        }

        Cancellation.Unregister();
        var queue = FirstStartedAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(SubmittedAt, FirstStartedAt);
        Completion.TrySetResult(new ScheduledTimes(queue, TimeSpan.FromTicks(ForwardTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
        return true;
    }

    public bool TryFail(Exception error)
    {
        if (Interlocked.Exchange(ref finished, 1) != 0)
        {
            return false;
        }

        Cancellation.Unregister();
        Completion.TrySetException(error);
        return true;
    }

    public bool TryCancel(CancellationToken token)
    {
        if (Interlocked.Exchange(ref finished, 1) != 0)
        {
            return false;
        }

        Completion.TrySetCanceled(token);
        return true;
    }
}
