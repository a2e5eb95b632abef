// Mean pooling over a token span (spec §6.1 step 4, §7.3): every token of the span counts, specials and prompt included.
namespace JinaEmbed.Embedding;

/// <summary>Mean of token states over a span, accumulated in double so long spans keep fp32 accuracy.</summary>
public static class Pooling
{
    /// <summary>Mean of rows [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="states"/> [tokens, hidden].</summary>
    public static float[] Mean(ReadOnlySpan<float> states, int hidden, int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        if (start < 0 || end < start || (long)end * hidden > states.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(end), $"Span [{start}, {end}) is outside the {states.Length / hidden} token states.");
        }

        var sum = new double[hidden];
        for (int t = start; t < end; t++)
        {
            var row = states.Slice(t * hidden, hidden);
            for (int i = 0; i < hidden; i++)
            {
                sum[i] += row[i];
            }
        }

        // The reference divides by max(count, 1e-9): an empty span gives zeros.
        double count = Math.Max(end - start, 1e-9);
        var mean = new float[hidden];
        for (int i = 0; i < hidden; i++)
        {
            mean[i] = (float)(sum[i] / count);
        }

        return mean;
    }
}
