// Multi-head attention over packed sequences: softmax(q·kᵀ/√d)·v within each sequence, bidirectional for v3 (spec
// §3.5), causal with grouped KV heads for v4 (jina-embeddings-v4 spec §4.2). Tiled with an online softmax: a work item
// is (sequence, query head, block of queries) and walks the keys in blocks, so memory is linear in sequence length
// (no S×S scores) and each key/value block is reused from cache by many queries. Keys and values are packed once per
// (sequence, KV head) into 32-wide panels, so Q·Kᵀ and P·V of a tile run on the GEMM micro-kernels (issue #4).
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>Scaled dot-product self-attention for packed (unpadded) sequences.</summary>
public static partial class Attention
{
    // Keys and values are packed once per (sequence, head), so blocks are sized for the kernels alone: 256 × 256 was
    // fastest on Zen 5 (2×2048: 222 → 266 GFLOP/s against 128 × 128) — fewer online-softmax rescales, more reuse of
    // each key/value block — and a 256 KB score tile per thread still fits in L2.
    private const int QueryBlock = 256;
    private const int KeyBlock = 256;

    [ThreadStatic]
    private static Tile? t_tile;

    /// <summary>
    /// Reads q, k, v from <paramref name="qkv"/> (row t = [q | k | v], each heads·d wide, heads contiguous) and writes
    /// the merged heads of every token into <paramref name="output"/> [tokens, heads·d]. Sequence s covers tokens
    /// [sequenceStarts[s], sequenceStarts[s + 1]) and attends only to itself. <paramref name="workspace"/> keeps the
    /// packed keys and values between calls (null: a temporary one).
    /// </summary>
    public static void SelfAttention(float[] qkv, int[] sequenceStarts, int heads, int headDimension, float[] output, ComputeContext context, AttentionWorkspace? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        ArgumentNullException.ThrowIfNull(sequenceStarts);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);
        int width = heads * headDimension;
        var operands = new Operands(qkv, 3 * width, 0, qkv, 3 * width, width, qkv, 3 * width, 2 * width, output, width);
        if (headDimension % WeightMatrix.PanelWidth == 0)
        {
            RunTiled(operands, sequenceStarts, heads, heads, headDimension, causal: false, context, workspace);
            return;
        }

        // Head widths off the 32-wide panels (small test models) keep the Vector<T> path.
        float scale = 1f / MathF.Sqrt(headDimension);
        var items = WorkItems(sequenceStarts, heads, causal: false);
        context.For(items.Length, item =>
        {
            var (seq, head, first) = items[item];
            var tile = t_tile ??= new Tile();
            tile.Ensure(headDimension);
            Run(qkv, width, headDimension, head, sequenceStarts[seq], sequenceStarts[seq + 1], first, scale, output, tile);
        });
    }

    /// <summary>
    /// Where the heads live: query head g of token t at Q[t·QStride + QColumn + g·d …], KV head h at
    /// K[t·KStride + KColumn + h·d …] and V[…], output head g at Output[t·OutputStride + g·d …].
    /// </summary>
    internal readonly record struct Operands(float[] Q, int QStride, int QColumn, float[] K, int KStride, int KColumn, float[] V, int VStride, int VColumn, float[] Output, int OutputStride);

    // Work items (sequence, query head, first query of the block). Bidirectional: sequence by sequence, head by head,
    // so the threads share one head's keys and values in cache. Causal: a block's cost grows with its last query, so
    // the items run longest first (dynamic scheduling then balances the threads), and the query heads of one KV head
    // stay adjacent within a block row.
    private static (int Seq, int Head, int First)[] WorkItems(int[] sequenceStarts, int queryHeads, bool causal)
    {
        var items = new List<(int Seq, int Head, int First)>();
        for (int s = 0; s + 1 < sequenceStarts.Length; s++)
        {
            for (int head = 0; head < queryHeads; head++)
            {
                for (int first = sequenceStarts[s]; first < sequenceStarts[s + 1]; first += QueryBlock)
                {
                    items.Add((s, head, first));
                }
            }
        }

        var array = items.ToArray();
        if (causal)
        {
            // Keys seen by a block: up to its last query. A stable sort keeps (sequence, head) order within equal costs.
            var cost = array.Select(i => Math.Min(sequenceStarts[i.Seq + 1], i.First + QueryBlock) - sequenceStarts[i.Seq]).ToArray();
            var order = Enumerable.Range(0, array.Length).OrderByDescending(i => cost[i]).ThenBy(i => i).ToArray();
            array = order.Select(i => array[i]).ToArray();
        }

        return array;
    }

    // The tiled path shared by SelfAttention and GroupedQueryAttention: pack every KV head once, then run the
    // (sequence, query head, query block) items over its panels; query head g reads KV head g / (queryHeads / kvHeads).
    private static void RunTiled(in Operands operands, int[] sequenceStarts, int queryHeads, int kvHeads, int d, bool causal, ComputeContext context, AttentionWorkspace? workspace)
    {
        workspace ??= new AttentionWorkspace();
        workspace.Pack(operands, sequenceStarts, kvHeads, d, context);
        var items = WorkItems(sequenceStarts, queryHeads, causal);
        int group = queryHeads / kvHeads;
        float scale = 1f / MathF.Sqrt(d);
        var op = operands;
        var packed = workspace;
        context.For(items.Length, item =>
        {
            var (seq, head, first) = items[item];
            var tile = t_tile ??= new Tile();
            tile.Ensure(d);
            RunBlocked(op, d, head, head / group, sequenceStarts[seq], sequenceStarts[seq + 1], first, causal, scale, packed, seq, tile, context.Tier);
        });
    }

    // One (sequence, head, query block) over the packed key/value panels of its (sequence, KV head), so the scores
    // S = Q·Kᵀ and the update O += P·V are register-blocked micro-kernel calls, and the softmax runs in vector lanes.
    // Causal: key blocks past the block's last query are never visited, and in the block holding the diagonal the
    // keys past each query are skipped (micro-tiles wholly above it) or set to exactly 0 before P·V.
    private static unsafe void RunBlocked(in Operands op, int d, int head, int kvHead, int start, int end, int first, bool causal, float scale, AttentionWorkspace packed, int seq, Tile tile, IsaTier tier)
    {
        const int Panel = WeightMatrix.PanelWidth;
        var kernel = GemmDriver.Float32Kernel(tier, out int kernelRows);
        int stride = op.QStride;
        int queries = Math.Min(QueryBlock, end - first);
        int keyEnd = causal ? first + queries : end;
        int padded = packed.PaddedLength(seq);
        int valuePanels = (d + Panel - 1) / Panel;
        long headBase = packed.HeadOffset(seq, kvHead);
        var max = tile.Max.AsSpan(0, queries);
        var sum = tile.Sum.AsSpan(0, queries);
        max.Fill(float.NegativeInfinity);
        sum.Clear();
        tile.Accumulator.AsSpan(0, queries * d).Clear();
        fixed (float* pq = op.Q, kAll = packed.Keys, vAll = packed.Values, ps = tile.ScoreTile, acc = tile.Accumulator, po = op.Output)
        {
            float* q = pq + ((long)first * stride) + op.QColumn + (head * d);
            float* kt = kAll + headBase;
            float* vp = vAll + headBase;
            for (int kb = 0; kb < keyEnd - start; kb += KeyBlock)
            {
                int keys = Math.Min(KeyBlock, keyEnd - start - kb);

                // Query i sees the block keys j ≤ i + shift; on a causal diagonal block some keys lie past that.
                int shift = first - start - kb;
                bool diagonal = causal && shift < keys - 1;
                int keyPanels = (keys + Panel - 1) / Panel;
                for (int p = 0; p < keyPanels; p++)
                {
                    int nr = Math.Min(Panel, keys - (p * Panel));
                    float* panel = kt + (((kb / Panel) + p) * (long)d * Panel);
                    for (int i = 0; i < queries; i += kernelRows)
                    {
                        int mr = Math.Min(kernelRows, queries - i);
                        if (diagonal && p * Panel > i + mr - 1 + shift)
                        {
                            continue; // the whole micro-tile is masked (later rows see more keys)
                        }

                        kernel(q + (i * stride), stride, d, (byte*)panel, ps + (i * KeyBlock) + (p * Panel), KeyBlock, mr, nr, null, false);
                    }
                }

                for (int i = 0; i < queries; i++)
                {
                    float* row = ps + (i * KeyBlock);
                    int count = diagonal ? Math.Min(keys, i + shift + 1) : keys;

                    // Online softmax in scaled units: rescale what was accumulated under the old maximum.
                    float newMax = MathF.Max(max[i], RowMax(row, count, tier) * scale);
                    float correction = float.IsNegativeInfinity(max[i]) ? 0f : MathF.Exp(max[i] - newMax);
                    max[i] = newMax;
                    sum[i] = (sum[i] * correction) + ExpAndSum(row, count, scale, newMax, tier);
                    if (count < keys)
                    {
                        new Span<float>(row + count, keys - count).Clear(); // masked keys contribute exactly 0 to P·V
                    }

                    if (correction != 1f)
                    {
                        Scale(acc + (i * d), d, correction);
                    }
                }

                for (int p = 0; p < valuePanels; p++)
                {
                    float* panel = vp + (((long)p * padded) + kb) * Panel;
                    int nr = Math.Min(Panel, d - (p * Panel));
                    for (int i = 0; i < queries; i += kernelRows)
                    {
                        int mr = Math.Min(kernelRows, queries - i);
                        int kc = diagonal ? Math.Min(keys, i + mr + shift) : keys; // keys past the tile's last row are 0
                        kernel(ps + (i * KeyBlock), KeyBlock, kc, (byte*)panel, acc + (i * d) + (p * Panel), d, mr, nr, null, true);
                    }
                }
            }

            for (int i = 0; i < queries; i++)
            {
                Scale(acc + (i * d), po + ((long)(first + i) * op.OutputStride) + (head * d), d, 1f / sum[i]);
            }
        }
    }

    private static unsafe float RowMax(float* row, int count, IsaTier tier)
    {
        int j = 0;
        float result = float.NegativeInfinity;
        if (tier == IsaTier.Avx512 && count >= 16)
        {
            var m = Vector512.Load(row);
            for (j = 16; j + 16 <= count; j += 16)
            {
                m = Vector512.MaxNative(m, Vector512.Load(row + j));
            }

            result = MaxLanes(Vector256.MaxNative(m.GetLower(), m.GetUpper()));
        }
        else if (tier != IsaTier.Portable && count >= 8)
        {
            var m = Vector256.Load(row);
            for (j = 8; j + 8 <= count; j += 8)
            {
                m = Vector256.MaxNative(m, Vector256.Load(row + j));
            }

            result = MaxLanes(m);
        }

        for (; j < count; j++)
        {
            result = MathF.Max(result, row[j]);
        }

        return result;
    }

    private static unsafe void Scale(float* values, int count, float factor) => Scale(values, values, count, factor);

    // destination[j] = source[j]·factor for j < count.
    private static unsafe void Scale(float* source, float* destination, int count, float factor)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<float>(factor);
            for (; j + Vector<float>.Count <= count; j += Vector<float>.Count)
            {
                (Vector.Load(source + j) * f).Store(destination + j);
            }
        }

        for (; j < count; j++)
        {
            destination[j] = source[j] * factor;
        }
    }

    private static float MaxLanes(Vector256<float> v)
    {
        var m = Vector128.Max(v.GetLower(), v.GetUpper());
        return MathF.Max(MathF.Max(m[0], m[1]), MathF.Max(m[2], m[3]));
    }

    // row[j] = exp(row[j]·scale − max) for j < count; returns their sum.
    private static unsafe float ExpAndSum(float* row, int count, float scale, float max, IsaTier tier)
    {
        int j = 0;
        float total = 0;
        if (tier == IsaTier.Avx512)
        {
            var s = Vector512.Create(scale);
            var m = Vector512.Create(-max);
            var sums = Vector512<float>.Zero;
            for (; j + 16 <= count; j += 16)
            {
                var e = VectorMath.Exp(Vector512.FusedMultiplyAdd(Vector512.Load(row + j), s, m));
                e.Store(row + j);
                sums += e;
            }

            total = Vector512.Sum(sums);
        }
        else if (tier == IsaTier.Avx2)
        {
            var s = Vector256.Create(scale);
            var m = Vector256.Create(-max);
            var sums = Vector256<float>.Zero;
            for (; j + 8 <= count; j += 8)
            {
                var e = VectorMath.Exp(Vector256.FusedMultiplyAdd(Vector256.Load(row + j), s, m));
                e.Store(row + j);
                sums += e;
            }

            total = Vector256.Sum(sums);
        }

        for (; j < count; j++)
        {
            row[j] = MathF.Exp((row[j] * scale) - max);
            total += row[j];
        }

        return total;
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
        public float[] ScoreTile = new float[QueryBlock * KeyBlock];

        public void Ensure(int d)
        {
            if (Accumulator.Length < QueryBlock * d)
            {
                Accumulator = new float[QueryBlock * d];
                KeysTransposed = new float[d * KeyBlock];
            }
        }
    }
}
