// Grouped-query attention over packed segments with an optional causal mask (jina-embeddings-v4 spec §4.2: 16 query
// heads share 2 KV heads, head g reads KV head g div 8; the vision tower uses it bidirectionally with one KV head per
// query head). Segment s covers tokens [segmentStarts[s], segmentStarts[s + 1]) and attends only to itself.
namespace JinaEmbed.Compute;

/// <summary>Grouped-query (and causal) attention.</summary>
public static partial class Attention
{
    /// <summary>
    /// q [tokens, queryHeads·d], k and v [tokens, keyValueHeads·d], output [tokens, queryHeads·d]. Query head g reads
    /// KV head g / (queryHeads / keyValueHeads); with <paramref name="causal"/> token t sees the tokens of its segment
    /// with index ≤ t. Scale 1/√d. Memory is linear in the segment length: every KV head is packed once into
    /// <paramref name="workspace"/> (null: a temporary one) and shared by its query heads; no S×S scores.
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
        int qWidth = queryHeads * headDimension, kvWidth = keyValueHeads * headDimension;
        var operands = new Operands(q, qWidth, 0, k, kvWidth, 0, v, kvWidth, 0, output, qWidth);
        RunTiled(operands, segmentStarts, queryHeads, keyValueHeads, headDimension, causal, context, workspace);
    }

    /// <summary>
    /// Bidirectional multi-head attention over packed [q | k | v] rows (<paramref name="qkv"/> [tokens, 3·heads·d], heads
    /// contiguous, as one fused projection writes them) within segments, on the tiled path for any head width: the
    /// vision tower's windows and whole images (spec §6.5, 16 heads of 80). Output [tokens, heads·d].
    /// </summary>
    public static void SegmentSelfAttention(float[] qkv, int[] segmentStarts, int heads, int headDimension, float[] output, ComputeContext context, AttentionWorkspace? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        ArgumentNullException.ThrowIfNull(segmentStarts);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);
        int width = heads * headDimension, tokens = segmentStarts[^1];
        if (segmentStarts[0] != 0 || qkv.Length < (long)tokens * 3 * width || output.Length < (long)tokens * width)
        {
            throw new ArgumentException($"qkv must hold {tokens} rows of {3 * width} and output {tokens} rows of {width}, segments from 0.");
        }

        var operands = new Operands(qkv, 3 * width, 0, qkv, 3 * width, width, qkv, 3 * width, 2 * width, output, width);
        RunTiled(operands, segmentStarts, heads, heads, headDimension, causal: false, context, workspace);
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
