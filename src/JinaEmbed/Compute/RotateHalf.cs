// The rotate-half (NeoX) rotation of spec §4.1 with per-row angle tables (M-RoPE, 2-D vision or 1-D):
// out[j] = x[j]·cos − x[j+half]·sin, out[j+half] = x[j+half]·cos + x[j]·sin. Vector lanes compute the same separately
// rounded products as the scalar tail, so every tier gives identical bits.
using System.Numerics;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>In-place rotary rotation of the heads of each row with that row's cos/sin table row.</summary>
public static class RotateHalf
{
    private const int RowsPerItem = 32;

    /// <summary>
    /// Rotates, in every row r &lt; <paramref name="rows"/> of <paramref name="x"/> (stride <paramref name="rowStride"/>),
    /// the <paramref name="heads"/> heads of <paramref name="headDimension"/> starting at <paramref name="columnOffset"/>
    /// by the angles of cos/sin row r ([rows, headDimension / 2] tables).
    /// </summary>
    public static void Apply(float[] x, int rows, int rowStride, int columnOffset, int heads, int headDimension, float[] cos, float[] sin, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        ArgumentNullException.ThrowIfNull(context);
        if (headDimension % 2 != 0)
        {
            throw new ArgumentException("The rotary dimension must be even.", nameof(headDimension));
        }

        int half = headDimension / 2;
        if (rows > 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(x.Length, ((long)(rows - 1) * rowStride) + columnOffset + ((long)heads * headDimension), nameof(x));
            ArgumentOutOfRangeException.ThrowIfLessThan(cos.Length, (long)rows * half, nameof(cos));
            ArgumentOutOfRangeException.ThrowIfLessThan(sin.Length, (long)rows * half, nameof(sin));
        }

        int items = (rows + RowsPerItem - 1) / RowsPerItem;
        var tier = context.Tier;
        context.For(items, item =>
        {
            int end = Math.Min(rows, (item + 1) * RowsPerItem);
            for (int r = item * RowsPerItem; r < end; r++)
            {
                for (int h = 0; h < heads; h++)
                {
                    Rotate(x, ((long)r * rowStride) + columnOffset + ((long)h * headDimension), cos, sin, r * half, half, tier);
                }
            }
        });
    }

    // One head at x[offset …]: pairs (j, j + half) by the table row at `table`.
    private static unsafe void Rotate(float[] x, long offset, float[] cos, float[] sin, int table, int half, IsaTier tier)
    {
        fixed (float* px = x, pc0 = cos, ps0 = sin)
        {
            float* a = px + offset, b = a + half, c = pc0 + table, s = ps0 + table;
            int j = 0;
            if (tier == IsaTier.Avx512)
            {
                for (; j + 16 <= half; j += 16)
                {
                    var va = Vector512.Load(a + j);
                    var vb = Vector512.Load(b + j);
                    var vc = Vector512.Load(c + j);
                    var vs = Vector512.Load(s + j);
                    ((va * vc) - (vb * vs)).Store(a + j);
                    ((vb * vc) + (va * vs)).Store(b + j);
                }
            }

            if (tier >= IsaTier.Avx2)
            {
                for (; j + 8 <= half; j += 8)
                {
                    var va = Vector256.Load(a + j);
                    var vb = Vector256.Load(b + j);
                    var vc = Vector256.Load(c + j);
                    var vs = Vector256.Load(s + j);
                    ((va * vc) - (vb * vs)).Store(a + j);
                    ((vb * vc) + (va * vs)).Store(b + j);
                }
            }
            else if (Vector.IsHardwareAccelerated)
            {
                for (; j + Vector<float>.Count <= half; j += Vector<float>.Count)
                {
                    var va = Vector.Load(a + j);
                    var vb = Vector.Load(b + j);
                    var vc = Vector.Load(c + j);
                    var vs = Vector.Load(s + j);
                    ((va * vc) - (vb * vs)).Store(a + j);
                    ((vb * vc) + (va * vs)).Store(b + j);
                }
            }

            for (; j < half; j++)
            {
                float va = a[j], vb = b[j];
                a[j] = (va * c[j]) - (vb * s[j]);
                b[j] = (vb * c[j]) + (va * s[j]);
            }
        }
    }

    /// <summary>Scalar twin of <see cref="Apply"/>: the test oracle.</summary>
    public static void ApplyReference(Span<float> x, int rows, int rowStride, int columnOffset, int heads, int headDimension, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        int half = headDimension / 2;
        for (int r = 0; r < rows; r++)
        {
            for (int h = 0; h < heads; h++)
            {
                int baseIndex = (r * rowStride) + columnOffset + (h * headDimension);
                for (int j = 0; j < half; j++)
                {
                    float va = x[baseIndex + j], vb = x[baseIndex + j + half];
                    float c = cos[(r * half) + j], s = sin[(r * half) + j];
                    x[baseIndex + j] = (va * c) - (vb * s);
                    x[baseIndex + j + half] = (vb * c) + (va * s);
                }
            }
        }
    }
}
