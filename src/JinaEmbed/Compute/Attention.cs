// Bidirectional multi-head attention over packed sequences (spec §3.5): softmax(q·kᵀ/√d)·v within each sequence.
// Memory is linear in sequence length: each work item (sequence, head, block of queries) holds one row of scores.
namespace JinaEmbed.Compute;

/// <summary>Scaled dot-product self-attention for packed (unpadded) sequences.</summary>
public static class Attention
{
    private const int QueriesPerItem = 32;

    [ThreadStatic]
    private static float[]? t_scores;

    /// <summary>
    /// Reads q, k, v from <paramref name="qkv"/> (row t = [q | k | v], each heads·d wide, heads contiguous) and writes
    /// the merged heads of every token into <paramref name="output"/> [tokens, heads·d]. Sequence s covers tokens
    /// [sequenceStarts[s], sequenceStarts[s + 1]) and attends only to itself.
    /// </summary>
    public static void SelfAttention(float[] qkv, int[] sequenceStarts, int heads, int headDimension, float[] output, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        ArgumentNullException.ThrowIfNull(sequenceStarts);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);
        int width = heads * headDimension, stride = 3 * width;
        float scale = 1f / MathF.Sqrt(headDimension);

        // Work items: (sequence, query block) × head.
        var blocks = new List<(int Seq, int First)>();
        for (int s = 0; s + 1 < sequenceStarts.Length; s++)
        {
            for (int first = sequenceStarts[s]; first < sequenceStarts[s + 1]; first += QueriesPerItem)
            {
                blocks.Add((s, first));
            }
        }

        context.For(blocks.Count * heads, item =>
        {
            var (seq, first) = blocks[item / heads];
            int h = item % heads;
            int start = sequenceStarts[seq], end = sequenceStarts[seq + 1], length = end - start;
            var scoresBuffer = t_scores;
            if (scoresBuffer == null || scoresBuffer.Length < length)
            {
                scoresBuffer = t_scores = new float[Math.Max(length, 256)];
            }

            var scores = scoresBuffer.AsSpan(0, length);
            int last = Math.Min(end, first + QueriesPerItem);
            for (int t = first; t < last; t++)
            {
                var q = qkv.AsSpan((t * stride) + (h * headDimension), headDimension);
                float max = float.NegativeInfinity;
                for (int j = 0; j < length; j++)
                {
                    var k = qkv.AsSpan(((start + j) * stride) + width + (h * headDimension), headDimension);
                    float score = LowRank.Dot(q, k) * scale;
                    scores[j] = score;
                    max = MathF.Max(max, score);
                }

                float sum = 0;
                for (int j = 0; j < length; j++)
                {
                    float e = MathF.Exp(scores[j] - max);
                    scores[j] = e;
                    sum += e;
                }

                float inv = 1f / sum;
                var o = output.AsSpan((t * width) + (h * headDimension), headDimension);
                o.Clear();
                for (int j = 0; j < length; j++)
                {
                    var v = qkv.AsSpan(((start + j) * stride) + (2 * width) + (h * headDimension), headDimension);
                    LowRank.Axpy(scores[j] * inv, v, o);
                }
            }
        });
    }
}
