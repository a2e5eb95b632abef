// A deterministic toy encoder for scheduler tests: records every batch and can hold a forward pass open.
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Embedding.Scheduling;

/// <summary>
/// Token state of token p in a sequence: element h = ids[p] + 0.5·p + 1000·(adapter + 1) + 0.25·h + 0.125·(sequence length),
/// so any mix-up of rows, adapters or sequence boundaries changes the values.
/// </summary>
internal sealed class RecordingEncoderModel : IEncoderModel
{
    private readonly object gate = new();
    private readonly List<EncoderBatch> batches = [];

    public int HiddenSize { get; init; } = 4;

    public int MaxSequenceLength => 8194;

    public int AdapterCount => 5;

    /// <summary>When set, each forward pass waits for it (tests build up a queue while the loop is busy).</summary>
    public ManualResetEventSlim? Hold { get; set; }

    /// <summary>Set when a forward pass has started.</summary>
    public SemaphoreSlim Started { get; } = new(0);

    /// <summary>Ids that make a forward pass throw.</summary>
    public int? FailOnToken { get; set; }

    public IReadOnlyList<EncoderBatch> Batches
    {
        get
        {
            lock (gate)
            {
                return batches.ToArray();
            }
        }
    }

    public static float[] Expected(int[] ids, int adapter, int hidden)
    {
        var states = new float[ids.Length * hidden];
        for (int p = 0; p < ids.Length; p++)
        {
            for (int h = 0; h < hidden; h++)
            {
                states[(p * hidden) + h] = ids[p] + (0.5f * p) + (1000f * (adapter + 1)) + (0.25f * h) + (0.125f * ids.Length);
            }
        }

        return states;
    }

    public float[] Forward(EncoderBatch batch)
    {
        lock (gate)
        {
            batches.Add(batch);
        }

        Started.Release();
        Hold?.Wait(TimeSpan.FromSeconds(30));
        if (FailOnToken is { } bad && batch.TokenIds.Contains(bad))
        {
            throw new InvalidOperationException("toy model failure");
        }

        var states = new float[batch.TokenCount * HiddenSize];
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            int start = batch.SequenceStarts[s];
            var ids = batch.TokenIds[start..batch.SequenceStarts[s + 1]];
            Expected(ids, batch.Adapters[s], HiddenSize).CopyTo(states, start * HiddenSize);
        }

        return states;
    }

    public void Dispose()
    {
    }
}
