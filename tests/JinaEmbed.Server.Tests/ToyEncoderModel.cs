// A deterministic toy encoder for server tests before (and besides) the real tiny model: batch-independent
// token states that depend on the token, its position, the whole sequence and the adapter.
using JinaEmbed.Models;

namespace JinaEmbed.Server.Tests;

internal sealed class ToyEncoderModel : IEncoderModel
{
    public int HiddenSize { get; init; } = 16;

    public int MaxSequenceLength { get; init; } = 64;

    public int AdapterCount => 5;

    /// <summary>Milliseconds each forward pass sleeps, so that queues build up under load.</summary>
    public int DelayMilliseconds { get; init; }

    /// <summary>When set, forward passes wait for it.</summary>
    public ManualResetEventSlim? Hold { get; set; }

    private int forwardsStarted;

    /// <summary>Forward passes begun so far.</summary>
    public int ForwardsStarted => Volatile.Read(ref forwardsStarted);

    public float[] Forward(EncoderBatch batch)
    {
        Interlocked.Increment(ref forwardsStarted);
        Hold?.Wait(TimeSpan.FromSeconds(60));
        if (DelayMilliseconds > 0)
        {
            Thread.Sleep(DelayMilliseconds);
        }

        var states = new float[batch.TokenCount * HiddenSize];
        for (int s = 0; s < batch.SequenceCount; s++)
        {
            int start = batch.SequenceStarts[s];
            int end = batch.SequenceStarts[s + 1];
            double context = 0;
            for (int t = start; t < end; t++)
            {
                context += batch.TokenIds[t];
            }

            context /= Math.Max(1, end - start);
            for (int t = start; t < end; t++)
            {
                for (int h = 0; h < HiddenSize; h++)
                {
                    states[(t * HiddenSize) + h] = (float)(Math.Sin((0.013 * batch.TokenIds[t] * (h + 1)) + (0.1 * (t - start)))
                        + (0.3 * (batch.Adapters[s] + 1) * Math.Cos(h + batch.Adapters[s]))
                        + (0.001 * context * Math.Sin(h)));
                }
            }
        }

        return states;
    }

    public void Dispose()
    {
    }
}
