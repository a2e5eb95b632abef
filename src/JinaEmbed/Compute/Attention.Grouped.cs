// Grouped-query attention over packed segments with an optional causal mask (jina-embeddings-v4 spec §4.2: 16 query
// heads share 2 KV heads, head g reads KV head g div 8; the vision tower uses it bidirectionally with one KV head per
// query head). Segment s covers tokens [segmentStarts[s], segmentStarts[s + 1]) and attends only to itself.
namespace JinaEmbed.Compute;

/// <summary>Grouped-query (and causal) attention.</summary>
public static partial class Attention
{
    [ThreadStatic]
    private static double[]? t_scores;

    /// <summary>
    /// q [tokens, queryHeads·d], k and v [tokens, keyValueHeads·d], output [tokens, queryHeads·d]. Query head g reads
    /// KV head g / (queryHeads / keyValueHeads); with <paramref name="causal"/> token t sees the tokens of its segment
    /// with index ≤ t. Scale 1/√d. Memory is linear in the segment length.
    /// </summary>
    public static void GroupedQueryAttention(float[] q, float[] k, float[] v, int[] segmentStarts, int queryHeads, int keyValueHeads, int headDimension, bool causal, float[] output, ComputeContext context, AttentionWorkspace? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(segmentStarts);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);
        CheckGrouped(q, k, v, segmentStarts, queryHeads, keyValueHeads, headDimension, output);
        int d = headDimension, group = queryHeads / keyValueHeads;
        int tokens = segmentStarts[^1];
        int qWidth = queryHeads * d, kvWidth = keyValueHeads * d;
        float scale = 1f / MathF.Sqrt(d);
        context.For(tokens * queryHeads, item =>
        {
            int t = item / queryHeads, g = item % queryHeads, kv = g / group;
            int seg = Array.BinarySearch(segmentStarts, t);
            seg = seg >= 0 ? seg : ~seg - 1;
            while (segmentStarts[seg + 1] <= t)
            {
                seg++; // empty segments share a start
            }

            int start = segmentStarts[seg], end = causal ? t + 1 : segmentStarts[seg + 1];
            var scores = t_scores is { } buffer && buffer.Length >= end - start ? buffer : (t_scores = new double[end - start]);
            var qi = q.AsSpan((t * qWidth) + (g * d), d);
            float max = float.NegativeInfinity;
            for (int u = start; u < end; u++)
            {
                var ku = k.AsSpan((u * kvWidth) + (kv * d), d);
                float dot = 0;
                for (int c = 0; c < d; c++)
                {
                    dot += qi[c] * ku[c];
                }

                scores[u - start] = dot * scale;
                max = MathF.Max(max, dot * scale);
            }

            double total = 0;
            for (int u = 0; u < end - start; u++)
            {
                scores[u] = MathF.Exp((float)scores[u] - max);
                total += scores[u];
            }

            var o = output.AsSpan((t * qWidth) + (g * d), d);
            o.Clear();
            for (int u = start; u < end; u++)
            {
                float p = (float)(scores[u - start] / total);
                var vu = v.AsSpan((u * kvWidth) + (kv * d), d);
                for (int c = 0; c < d; c++)
                {
                    o[c] += p * vu[c];
                }
            }
        });
    }

    /// <summary>Scalar twin of <see cref="GroupedQueryAttention"/> in double: the test oracle.</summary>
    public static void GroupedQueryAttentionReference(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int[] segmentStarts, int queryHeads, int keyValueHeads, int headDimension, bool causal, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(segmentStarts);
        int d = headDimension, group = queryHeads / keyValueHeads;
        int qWidth = queryHeads * d, kvWidth = keyValueHeads * d;
        var acc = new double[d];
        for (int s = 0; s + 1 < segmentStarts.Length; s++)
        {
            int start = segmentStarts[s], stop = segmentStarts[s + 1];
            var scores = new double[stop - start];
            for (int t = start; t < stop; t++)
            {
                int end = causal ? t + 1 : stop;
                for (int g = 0; g < queryHeads; g++)
                {
                    int kv = g / group;
                    double max = double.NegativeInfinity;
                    for (int u = start; u < end; u++)
                    {
                        double dot = 0;
                        for (int c = 0; c < d; c++)
                        {
                            dot += (double)q[(t * qWidth) + (g * d) + c] * k[(u * kvWidth) + (kv * d) + c];
                        }

                        scores[u - start] = dot / Math.Sqrt(d);
                        max = Math.Max(max, scores[u - start]);
                    }

                    double total = 0;
                    for (int u = start; u < end; u++)
                    {
                        scores[u - start] = Math.Exp(scores[u - start] - max);
                        total += scores[u - start];
                    }

                    Array.Clear(acc);
                    for (int u = start; u < end; u++)
                    {
                        for (int c = 0; c < d; c++)
                        {
                            acc[c] += scores[u - start] * v[(u * kvWidth) + (kv * d) + c];
                        }
                    }

                    for (int c = 0; c < d; c++)
                    {
                        output[(t * qWidth) + (g * d) + c] = (float)(acc[c] / total);
                    }
                }
            }
        }
    }

    private static void CheckGrouped(float[] q, float[] k, float[] v, int[] segmentStarts, int queryHeads, int keyValueHeads, int headDimension, float[] output)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queryHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyValueHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDimension);
        if (queryHeads % keyValueHeads != 0)
        {
            throw new ArgumentException($"{queryHeads} query heads are not a multiple of {keyValueHeads} KV heads.", nameof(queryHeads));
        }

        if (segmentStarts.Length == 0 || segmentStarts[0] != 0)
        {
            throw new ArgumentException("segmentStarts must start at 0.", nameof(segmentStarts));
        }

        for (int s = 1; s < segmentStarts.Length; s++)
        {
            if (segmentStarts[s] < segmentStarts[s - 1])
            {
                throw new ArgumentException("segmentStarts must not decrease.", nameof(segmentStarts));
            }
        }

        long tokens = segmentStarts[^1];
        ArgumentOutOfRangeException.ThrowIfLessThan(q.Length, tokens * queryHeads * headDimension, nameof(q));
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, tokens * queryHeads * headDimension, nameof(output));
        ArgumentOutOfRangeException.ThrowIfLessThan(k.Length, tokens * keyValueHeads * headDimension, nameof(k));
        ArgumentOutOfRangeException.ThrowIfLessThan(v.Length, tokens * keyValueHeads * headDimension, nameof(v));
    }
}
