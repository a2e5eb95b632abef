// Rank-r LoRA deltas applied on the fly (spec §4.2, §4.7 b): y += s·((x·Aᵀ)·Bᵀ) for the rows of one task,
// plus the small dot/axpy helpers the other kernels share.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace JinaEmbed.Compute;

/// <summary>Low-rank adapter arithmetic and vector helpers.</summary>
public static class LowRank
{
    /// <summary>
    /// For i in [0, <paramref name="rowCount"/>): y[yRow + i] += scale · Σ_r (x[xRow + i]·a[r]) · bt[r], with
    /// <paramref name="a"/> [rank, inDim] (lora_A of one task) and <paramref name="bt"/> [rank, outDim] (lora_B of that
    /// task transposed).
    /// </summary>
    public static void AddDelta(float[] x, int xRow, int inDim, float[] y, int yRow, int outDim, int rowCount, ReadOnlyMemory<float> a, ReadOnlyMemory<float> bt, int rank, float scale, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        const int RowsPerItem = 16;
        int items = (rowCount + RowsPerItem - 1) / RowsPerItem;
        context.For(items, item =>
        {
            Span<float> t = stackalloc float[rank];
            var aSpan = a.Span;
            var btSpan = bt.Span;
            int end = Math.Min(rowCount, (item + 1) * RowsPerItem);
            for (int i = item * RowsPerItem; i < end; i++)
            {
                var xr = x.AsSpan((xRow + i) * inDim, inDim);
                for (int r = 0; r < rank; r++)
                {
                    t[r] = Dot(xr, aSpan.Slice(r * inDim, inDim)) * scale;
                }

                // One pass over the output row for all r (issue #4): y is read and written once, not r times.
                var yr = y.AsSpan((yRow + i) * outDim, outDim);
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    for (; j + Vector<float>.Count <= outDim; j += Vector<float>.Count)
                    {
                        var sum = Vector.LoadUnsafe(ref yr[j]);
                        for (int r = 0; r < rank; r++)
                        {
                            sum = Vector.FusedMultiplyAdd(new Vector<float>(t[r]), Vector.LoadUnsafe(ref MemoryMarshal.GetReference(btSpan), (nuint)((r * outDim) + j)), sum);
                        }

                        sum.StoreUnsafe(ref yr[j]);
                    }
                }

                for (; j < outDim; j++)
                {
                    float sum = yr[j];
                    for (int r = 0; r < rank; r++)
                    {
                        sum += t[r] * btSpan[(r * outDim) + j];
                    }

                    yr[j] = sum;
                }
            }
        });
    }

    /// <summary>Σ a[i]·b[i] in fp32 with vector lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..n]);
            var acc0 = Vector<float>.Zero;
            var acc1 = Vector<float>.Zero;
            int v = 0;
            for (; v + 1 < va.Length; v += 2)
            {
                acc0 += va[v] * vb[v];
                acc1 += va[v + 1] * vb[v + 1];
            }

            if (v < va.Length)
            {
                acc0 += va[v] * vb[v];
            }

            sum = Vector.Sum(acc0 + acc1);
            i = va.Length * Vector<float>.Count;
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>y[i] += alpha·x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x[..n]);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            var va = new Vector<float>(alpha);
            for (int v = 0; v < vy.Length; v++)
            {
                vy[v] += va * vx[v];
            }

            i = vy.Length * Vector<float>.Count;
        }

        for (; i < n; i++)
        {
            y[i] += alpha * x[i];
        }
    }
}
