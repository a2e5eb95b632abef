// Waiting sequences → one packed EncoderBatch under the token budget (architecture.md §3 step 6).
using JinaEmbed.Models;

namespace JinaEmbed.Embedding.Scheduling;

/// <summary>Takes sequences in arrival order and packs them without padding.</summary>
internal static class BatchPacker
{
    /// <summary>
    /// Moves sequences from the head of <paramref name="queue"/> into <paramref name="batch"/> until the next
    /// one would exceed the token budget or the sequence cap. Sequences of finished (cancelled) requests are
    /// dropped. The first live sequence is always taken, even when it alone exceeds the budget. Arrival order
    /// is kept: a short sequence never overtakes a long one that does not fit, so nothing starves.
    /// </summary>
    public static void Take(LinkedList<PendingSequence> queue, SchedulerOptions options, List<PendingSequence> batch)
    {
        int tokens = 0;
        while (queue.First is { } node)
        {
            var sequence = node.Value;
            if (sequence.Group is { IsFinished: true })
            {
                queue.Remove(node);
                sequence.Node = null;
                continue;
            }

            if (batch.Count > 0 && (tokens + sequence.TokenCount > options.MaxBatchTokens || batch.Count >= options.MaxBatchSequences))
            {
                break;
            }

            queue.Remove(node);
            sequence.Node = null;
            batch.Add(sequence);
            tokens += sequence.TokenCount;
        }
    }

    /// <summary>Lays the sequences end to end, one adapter per sequence, so mixed tasks share the pass.</summary>
    public static EncoderBatch Build(IReadOnlyList<PendingSequence> batch)
    {
        var starts = new int[batch.Count + 1];
        var adapters = new int[batch.Count];
        for (int s = 0; s < batch.Count; s++)
        {
            starts[s + 1] = starts[s] + batch[s].TokenCount;
            adapters[s] = batch[s].Adapter;
        }

        var ids = new int[starts[^1]];
        for (int s = 0; s < batch.Count; s++)
        {
            batch[s].TokenIds.CopyTo(ids, starts[s]);
        }

        // Image sequences carry their patches; the model runs the vision tower on them (one pass for all images).
        return batch.Any(s => s.Image is not null)
            ? new EncoderBatch(ids, starts, adapters) { Images = batch.Select(s => s.Image).ToList() }
            : new EncoderBatch(ids, starts, adapters);
    }
}
