// RMSNorm over the last axis (jina-embeddings-v4 spec §4.1): y = w ⊙ x / sqrt(mean(x²) + eps), no mean subtraction,
// no bias. Optionally fused with the residual add of a pre-norm block (x += delta, then normalise).
using System.Numerics;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>Row-wise RMSNorm, optionally fused with a residual add.</summary>
public static class RmsNorm
{
    private const int RowsPerItem = 16;

    /// <summary>
    /// output[r, :] = weight ⊙ x[r, :] / sqrt(mean(x[r, :]²) + eps) for r &lt; <paramref name="rows"/>; x and output are
    /// [rows, width]; <paramref name="output"/> may be <paramref name="x"/> itself.
    /// </summary>
    public static void Apply(float[] x, float[] output, int rows, int width, float[] weight, float eps, ComputeContext context) =>
        Run(x, null, output, rows, width, weight, eps, context);

    /// <summary>x[r, :] += delta[r, :] in place, then output[r, :] = RMSNorm(x[r, :]).</summary>
    public static void AddAndApply(float[] x, float[] delta, float[] output, int rows, int width, float[] weight, float eps, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(delta);
        Run(x, delta, output, rows, width, weight, eps, context);
    }

    /// <summary>Scalar twin of <see cref="Apply"/> (sums of squares in double): the test oracle.</summary>
    public static void ApplyReference(ReadOnlySpan<float> x, Span<float> output, int rows, int width, ReadOnlySpan<float> weight, float eps)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * width, width);
            double squares = 0;
            for (int i = 0; i < width; i++)
            {
                squares += (double)row[i] * row[i];
            }

            float inv = (float)(1.0 / Math.Sqrt((squares / width) + eps));
            var dst = output.Slice(r * width, width);
            for (int i = 0; i < width; i++)
            {
                dst[i] = weight[i] * (row[i] * inv);
            }
        }
    }

    private static void Run(float[] x, float[]? delta, float[] output, int rows, int width, float[] weight, float eps, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(x.Length, (long)rows * width, nameof(x));
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, (long)rows * width, nameof(output));
        ArgumentOutOfRangeException.ThrowIfLessThan(weight.Length, width, nameof(weight));
        int items = (rows + RowsPerItem - 1) / RowsPerItem;
        var tier = context.Tier;
        context.For(items, item =>
        {
            int end = Math.Min(rows, (item + 1) * RowsPerItem);
            for (int r = item * RowsPerItem; r < end; r++)
            {
                NormalizeRow(x, delta, output, r * width, width, weight, eps, tier);
            }
        });
    }

    // One row at `offset`: optional residual add, sum of squares in vector lanes, then the weighted scale.
    private static unsafe void NormalizeRow(float[] x, float[]? delta, float[] output, int offset, int width, float[] weight, float eps, IsaTier tier)
    {
        fixed (float* px0 = x, pd0 = delta, po0 = output, pw = weight)
        {
            float* px = px0 + offset, po = po0 + offset;
            float* pd = pd0 == null ? null : pd0 + offset;
            float squares = tier switch
            {
                IsaTier.Avx512 => Squares512(px, pd, width),
                IsaTier.Avx2 => Squares256(px, pd, width),
                _ => SquaresVector(px, pd, width),
            };
            float inv = 1f / MathF.Sqrt((squares / width) + eps);
            int i = 0;
            if (tier == IsaTier.Avx512)
            {
                var s = Vector512.Create(inv);
                for (; i + 16 <= width; i += 16)
                {
                    (Vector512.Load(pw + i) * (Vector512.Load(px + i) * s)).Store(po + i);
                }
            }
            else if (tier == IsaTier.Avx2)
            {
                var s = Vector256.Create(inv);
                for (; i + 8 <= width; i += 8)
                {
                    (Vector256.Load(pw + i) * (Vector256.Load(px + i) * s)).Store(po + i);
                }
            }
            else if (Vector.IsHardwareAccelerated)
            {
                var s = new Vector<float>(inv);
                for (; i + Vector<float>.Count <= width; i += Vector<float>.Count)
                {
                    (Vector.Load(pw + i) * (Vector.Load(px + i) * s)).Store(po + i);
                }
            }

            for (; i < width; i++)
            {
                po[i] = pw[i] * (px[i] * inv);
            }
        }
    }

    // x += delta (when given) and Σ x² with two independent accumulators to hide the FMA latency.
    private static unsafe float Squares512(float* x, float* delta, int width)
    {
        var a0 = Vector512<float>.Zero;
        var a1 = Vector512<float>.Zero;
        int i = 0;
        for (; i + 32 <= width; i += 32)
        {
            var v0 = Vector512.Load(x + i);
            var v1 = Vector512.Load(x + i + 16);
            if (delta != null)
            {
                v0 += Vector512.Load(delta + i);
                v1 += Vector512.Load(delta + i + 16);
                v0.Store(x + i);
                v1.Store(x + i + 16);
            }

            a0 = Vector512.FusedMultiplyAdd(v0, v0, a0);
            a1 = Vector512.FusedMultiplyAdd(v1, v1, a1);
        }

        for (; i + 16 <= width; i += 16)
        {
            var v0 = Vector512.Load(x + i);
            if (delta != null)
            {
                v0 += Vector512.Load(delta + i);
                v0.Store(x + i);
            }

            a0 = Vector512.FusedMultiplyAdd(v0, v0, a0);
        }

        return Vector512.Sum(a0 + a1) + SquaresTail(x, delta, i, width);
    }

    private static unsafe float Squares256(float* x, float* delta, int width)
    {
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        int i = 0;
        for (; i + 16 <= width; i += 16)
        {
            var v0 = Vector256.Load(x + i);
            var v1 = Vector256.Load(x + i + 8);
            if (delta != null)
            {
                v0 += Vector256.Load(delta + i);
                v1 += Vector256.Load(delta + i + 8);
                v0.Store(x + i);
                v1.Store(x + i + 8);
            }

            a0 = Vector256.FusedMultiplyAdd(v0, v0, a0);
            a1 = Vector256.FusedMultiplyAdd(v1, v1, a1);
        }

        for (; i + 8 <= width; i += 8)
        {
            var v0 = Vector256.Load(x + i);
            if (delta != null)
            {
                v0 += Vector256.Load(delta + i);
                v0.Store(x + i);
            }

            a0 = Vector256.FusedMultiplyAdd(v0, v0, a0);
        }

        return Vector256.Sum(a0 + a1) + SquaresTail(x, delta, i, width);
    }

    private static unsafe float SquaresVector(float* x, float* delta, int width)
    {
        int i = 0;
        float total = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a0 = Vector<float>.Zero;
            for (; i + Vector<float>.Count <= width; i += Vector<float>.Count)
            {
                var v0 = Vector.Load(x + i);
                if (delta != null)
                {
                    v0 += Vector.Load(delta + i);
                    v0.Store(x + i);
                }

                a0 = Vector.FusedMultiplyAdd(v0, v0, a0);
            }

            total = Vector.Sum(a0);
        }

        return total + SquaresTail(x, delta, i, width);
    }

    private static unsafe float SquaresTail(float* x, float* delta, int i, int width)
    {
        float total = 0;
        for (; i < width; i++)
        {
            if (delta != null)
            {
                x[i] += delta[i];
            }

            total += x[i] * x[i];
        }

        return total;
    }
}
