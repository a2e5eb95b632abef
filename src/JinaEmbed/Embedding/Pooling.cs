// Pooling over a token span: mean (spec §6.1 step 4, §7.3: every token counts, specials and prompt included), and the
// CLS and max modes of sentence-transformers models (docs/models.md).
namespace JinaEmbed.Embedding;

/// <summary>Pools token states over a span; the mean is accumulated in double so long spans keep fp32 accuracy.</summary>
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

    /// <summary>Pools rows [<paramref name="start"/>, <paramref name="end"/>) with <paramref name="mode"/>.</summary>
    public static float[] Apply(PoolingMode mode, ReadOnlySpan<float> states, int hidden, int start, int end) => mode switch
    {
        PoolingMode.Cls => Cls(states, hidden, start, end),
        PoolingMode.Max => Max(states, hidden, start, end),
        _ => Mean(states, hidden, start, end),
    };

    /// <summary>The state of the span's first token ([CLS]); zeros for an empty span.</summary>
    public static float[] Cls(ReadOnlySpan<float> states, int hidden, int start, int end)
    {
        CheckSpan(states, hidden, start, end);
        return end > start ? states.Slice(start * hidden, hidden).ToArray() : new float[hidden];
    }

    /// <summary>Element-wise maximum over the span; zeros for an empty span.</summary>
    public static float[] Max(ReadOnlySpan<float> states, int hidden, int start, int end)
    {
        CheckSpan(states, hidden, start, end);
        var max = new float[hidden];
        if (end == start)
        {
            return max;
        }

        states.Slice(start * hidden, hidden).CopyTo(max);
        for (int t = start + 1; t < end; t++)
        {
            var row = states.Slice(t * hidden, hidden);
            for (int i = 0; i < hidden; i++)
            {
                max[i] = Math.Max(max[i], row[i]);
            }
        }

        return max;
    }

    private static void CheckSpan(ReadOnlySpan<float> states, int hidden, int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        if (start < 0 || end < start || (long)end * hidden > states.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(end), $"Span [{start}, {end}) is outside the {states.Length / hidden} token states.");
        }
    }
}
