// Bidirectional multi-head attention over packed sequences (spec §3.5): softmax(q·kᵀ/√d)·v within each sequence.
// Tiled with an online softmax: a work item is (sequence, head, block of queries) and walks the keys in blocks, so
// memory is linear in sequence length (no S×S scores) and each key/value block is reused from cache by many queries.
// When the head width is a multiple of 32, Q·Kᵀ and P·V of a tile run on the GEMM micro-kernels (issue #4).
using System.Numerics;
using System.Runtime.InteropServices;

namespace JinaEmbed.Compute;

/// <summary>Scaled dot-product self-attention for packed (unpadded) sequences.</summary>
public static class Attention
{
    // Large enough that packing each K/V block is amortised over many queries (it dominated at 32), small enough
    // that (sequence, head, block) items still spread over the threads.
    private const int QueryBlock = 128;
    private const int KeyBlock = 128;

    [ThreadStatic]
    private static Tile? t_tile;

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
        int width = heads * headDimension;
        float scale = 1f / MathF.Sqrt(headDimension);
        var blocks = new List<(int Seq, int First)>();
        for (int s = 0; s + 1 < sequenceStarts.Length; s++)
        {
            for (int first = sequenceStarts[s]; first < sequenceStarts[s + 1]; first += QueryBlock)
            {
                blocks.Add((s, first));
            }
        }

        context.For(blocks.Count * heads, item =>
        {
            var (seq, first) = blocks[item / heads];
            var tile = t_tile ??= new Tile();
            tile.Ensure(headDimension);
            if (headDimension % WeightMatrix.PanelWidth == 0)
            {
                RunBlocked(qkv, width, headDimension, item % heads, sequenceStarts[seq], sequenceStarts[seq + 1], first, scale, output, tile, context.Tier);
            }
            else
            {
                Run(qkv, width, headDimension, item % heads, sequenceStarts[seq], sequenceStarts[seq + 1], first, scale, output, tile);
            }
        });
    }

    // One (sequence, head, query block) with K and V blocks packed into 32-wide fp32 panels, so the scores
    // S = Q·Kᵀ and the update O += P·V are register-blocked micro-kernel calls.
    private static unsafe void RunBlocked(float[] qkv, int width, int d, int head, int start, int end, int first, float scale, float[] output, Tile tile, IsaTier tier)
    {
        const int Panel = WeightMatrix.PanelWidth;
        var kernel = GemmDriver.Float32Kernel(tier, out int kernelRows);
        int stride = 3 * width;
        int queries = Math.Min(QueryBlock, end - first);
        var max = tile.Max.AsSpan(0, queries);
        var sum = tile.Sum.AsSpan(0, queries);
        max.Fill(float.NegativeInfinity);
        sum.Clear();
        tile.Accumulator.AsSpan(0, queries * d).Clear();
        fixed (float* pqkv = qkv, kt = tile.KeysTransposed, vp = tile.ValuePanels, ps = tile.ScoreTile, acc = tile.Accumulator)
        {
            float* q = pqkv + ((long)first * stride) + (head * d);
            for (int kb = start; kb < end; kb += KeyBlock)
            {
                int keys = Math.Min(KeyBlock, end - kb);
                int keyPanels = (keys + Panel - 1) / Panel;

                // Kᵀ panels [keyPanel][d][32 keys] and V panels [d / 32][keys][32 dims].
                for (int j = 0; j < keys; j++)
                {
                    float* k = pqkv + ((long)(kb + j) * stride) + width + (head * d);
                    float* kDst = kt + ((j / Panel) * d * Panel) + (j % Panel);
                    for (int c = 0; c < d; c++)
                    {
                        kDst[c * Panel] = k[c];
                    }

                    float* v = k + width;
                    for (int p = 0; p < d / Panel; p++)
                    {
                        new ReadOnlySpan<float>(v + (p * Panel), Panel).CopyTo(new Span<float>(vp + (((p * KeyBlock) + j) * Panel), Panel));
                    }
                }

                for (int p = 0; p < keyPanels; p++)
                {
                    int nr = Math.Min(Panel, keys - (p * Panel));
                    for (int i = 0; i < queries; i += kernelRows)
                    {
                        int mr = Math.Min(kernelRows, queries - i);
                        kernel(q + (i * stride), stride, d, (byte*)(kt + (p * d * Panel)), ps + (i * KeyBlock) + (p * Panel), KeyBlock, mr, nr, null, false);
                    }
                }

                for (int i = 0; i < queries; i++)
                {
                    var row = new Span<float>(ps + (i * KeyBlock), keys);
                    float blockMax = float.NegativeInfinity;
                    for (int j = 0; j < keys; j++)
                    {
                        row[j] *= scale;
                        blockMax = MathF.Max(blockMax, row[j]);
                    }

                    // Online softmax: rescale what was accumulated under the old maximum.
                    float newMax = MathF.Max(max[i], blockMax);
                    float correction = float.IsNegativeInfinity(max[i]) ? 0f : MathF.Exp(max[i] - newMax);
                    max[i] = newMax;
                    var m = new Vector<float>(newMax);
                    int j0 = 0;
                    float blockSum = 0;
                    var sums = Vector<float>.Zero;
                    for (; j0 + Vector<float>.Count <= keys; j0 += Vector<float>.Count)
                    {
                        var e = Vector.Exp(Vector.LoadUnsafe(ref row[j0]) - m);
                        e.StoreUnsafe(ref row[j0]);
                        sums += e;
                    }

                    for (; j0 < keys; j0++)
                    {
                        row[j0] = MathF.Exp(row[j0] - newMax);
                        blockSum += row[j0];
                    }

                    sum[i] = (sum[i] * correction) + blockSum + Vector.Sum(sums);
                    if (correction != 1f)
                    {
                        var a = new Span<float>(acc + (i * d), d);
                        for (int c = 0; c < d; c++)
                        {
                            a[c] *= correction;
                        }
                    }
                }

                for (int p = 0; p < d / Panel; p++)
                {
                    for (int i = 0; i < queries; i += kernelRows)
                    {
                        int mr = Math.Min(kernelRows, queries - i);
                        kernel(ps + (i * KeyBlock), KeyBlock, keys, (byte*)(vp + (p * KeyBlock * Panel)), acc + (i * d) + (p * Panel), d, mr, Panel, null, true);
                    }
                }
            }

            for (int i = 0; i < queries; i++)
            {
                float inv = 1f / sum[i];
                float* a = acc + (i * d);
                var dst = output.AsSpan(((first + i) * width) + (head * d), d);
                for (int c = 0; c < d; c++)
                {
                    dst[c] = a[c] * inv;
                }
            }
        }
    }

    private static void Run(float[] qkv, int width, int d, int head, int start, int end, int first, float scale, float[] output, Tile tile)
    {
        int stride = 3 * width;
        int queries = Math.Min(QueryBlock, end - first);
        var max = tile.Max.AsSpan(0, queries);
        var sum = tile.Sum.AsSpan(0, queries);
        var acc = tile.Accumulator.AsSpan(0, queries * d);
        max.Fill(float.NegativeInfinity);
        sum.Clear();
        acc.Clear();
        var keysT = tile.KeysTransposed;
        var scores = tile.Scores.AsSpan(0, KeyBlock);

        for (int kb = start; kb < end; kb += KeyBlock)
        {
            int keys = Math.Min(KeyBlock, end - kb);
            int padded = (keys + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

            // Kᵀ of this block, [d][KeyBlock], so a score row is d broadcast-FMAs over contiguous keys.
            for (int j = 0; j < keys; j++)
            {
                var k = qkv.AsSpan(((kb + j) * stride) + width + (head * d), d);
                for (int c = 0; c < d; c++)
                {
                    keysT[(c * KeyBlock) + j] = k[c];
                }
            }

            for (int c = 0; c < d; c++)
            {
                keysT.AsSpan((c * KeyBlock) + keys, padded - keys).Clear();
            }

            for (int i = 0; i < queries; i++)
            {
                var q = qkv.AsSpan(((first + i) * stride) + (head * d), d);
                var row = scores[..padded];
                row.Clear();
                var rowV = MemoryMarshal.Cast<float, Vector<float>>(row);
                for (int c = 0; c < d; c++)
                {
                    var qc = new Vector<float>(q[c]);
                    var kc = MemoryMarshal.Cast<float, Vector<float>>(keysT.AsSpan(c * KeyBlock, padded));
                    for (int v = 0; v < rowV.Length; v++)
                    {
                        rowV[v] += qc * kc[v];
                    }
                }

                float blockMax = float.NegativeInfinity;
                for (int j = 0; j < keys; j++)
                {
                    row[j] *= scale;
                    blockMax = MathF.Max(blockMax, row[j]);
                }

                // Online softmax: rescale what was accumulated under the old maximum.
                float newMax = MathF.Max(max[i], blockMax);
                float correction = float.IsNegativeInfinity(max[i]) ? 0f : MathF.Exp(max[i] - newMax);
                max[i] = newMax;
                var m = new Vector<float>(newMax);
                for (int v = 0; v < rowV.Length; v++)
                {
                    rowV[v] = Vector.Exp(rowV[v] - m);
                }

                float blockSum = 0;
                for (int j = 0; j < keys; j++)
                {
                    blockSum += row[j];
                }

                sum[i] = (sum[i] * correction) + blockSum;
                var a = acc.Slice(i * d, d);
                if (correction != 1f)
                {
                    for (int c = 0; c < d; c++)
                    {
                        a[c] *= correction;
                    }
                }

                for (int j = 0; j < keys; j++)
                {
                    LowRank.Axpy(row[j], qkv.AsSpan(((kb + j) * stride) + (2 * width) + (head * d), d), a);
                }
            }
        }

        for (int i = 0; i < queries; i++)
        {
            float inv = 1f / sum[i];
            var a = acc.Slice(i * d, d);
            var o = output.AsSpan(((first + i) * width) + (head * d), d);
            for (int c = 0; c < d; c++)
            {
                o[c] = a[c] * inv;
            }
        }
    }

    // Per-thread buffers of one work item: O(QueryBlock·d + KeyBlock·d), independent of sequence length.
    private sealed class Tile
    {
        public float[] Max = new float[QueryBlock];
        public float[] Sum = new float[QueryBlock];
        public float[] Scores = new float[KeyBlock];
        public float[] Accumulator = [];
        public float[] KeysTransposed = [];
        public float[] ValuePanels = [];
        public float[] ScoreTile = new float[QueryBlock * KeyBlock];

        public void Ensure(int d)
        {
            if (Accumulator.Length < QueryBlock * d)
            {
                Accumulator = new float[QueryBlock * d];
                KeysTransposed = new float[d * KeyBlock];
                ValuePanels = new float[d * KeyBlock];
            }
        }
    }
}
