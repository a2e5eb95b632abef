// Symmetric int8 quantisation shared by weights (at load) and activations (per row, on the fly): scale = max|v| / 127,
// q = round-half-even(v · 127 / max|v|) clamped to [−127, 127]. Weights have one scale per row and are stored offset
// by 128 as u8 (the unsigned operand of a VNNI dot product); activations have one scale per block of k and stay s8.
// The vector and scalar paths give identical codes (issue #15).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>Per-row symmetric int8 quantisation.</summary>
internal static unsafe class Int8Quantizer
{
    /// <summary>Largest code magnitude.</summary>
    public const int MaxCode = 127;

    /// <summary>Offset that moves a weight code into u8 (q + 128 ∈ [1, 255]).</summary>
    public const int Offset = 128;

    /// <summary>Quantises <paramref name="values"/> into <paramref name="codes"/> (one scale for the row); returns the scale (0 for an all-zero row).</summary>
    public static float QuantizeRow(ReadOnlySpan<float> values, Span<sbyte> codes)
    {
        if (values.IsEmpty)
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(codes.Length, values.Length);
        float scale;
        int sum;
        fixed (float* x = values)
        fixed (sbyte* q = codes)
        {
            QuantizeActivations(x, values.Length, q, values.Length, values.Length, &scale, &sum, vector: true);
        }

        return scale;
    }

    /// <summary>
    /// Quantises one activation row x[0..k) in blocks of <paramref name="block"/> k (the last one may be shorter): block b
    /// gets its own scale (scales[b]) and codes q[b·block …] in s8, and sums[b] = Σ of its codes (the correction for the
    /// weights' +128 offset); q[k..depth) = 0. <paramref name="vector"/> selects the AVX2 path (the same codes and sums).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuantizeActivations(float* x, int k, sbyte* q, int depth, int block, float* scales, int* sums, bool vector)
    {
        vector &= Avx2.IsSupported;
        for (int b = 0, b0 = 0; b0 < k; b++, b0 += block)
        {
            int n = Math.Min(block, k - b0);
            float* xb = x + b0;
            sbyte* qb = q + b0;
            int i = 0;
            float max = 0;
            if (vector && n >= 8)
            {
                var m = Vector256<float>.Zero;
                for (; i <= n - 8; i += 8)
                {
                    m = Avx.Max(m, Vector256.Abs(Vector256.Load(xb + i)));
                }

                for (int j = 0; j < 8; j++)
                {
                    max = MathF.Max(max, m[j]);
                }
            }

            for (; i < n; i++)
            {
                max = MathF.Max(max, MathF.Abs(xb[i]));
            }

            float inverse = Inverse(max, out scales[b]);
            int sum = 0;
            i = 0;
            if (vector)
            {
                var inv = Vector256.Create(inverse);
                var lo = Vector256.Create(-MaxCode);
                var hi = Vector256.Create(MaxCode);
                var total = Vector256<int>.Zero;
                for (; i <= n - 16; i += 16)
                {
                    // cvtps2dq rounds half to even (the default MXCSR mode), as MathF.Round does.
                    var q0 = Avx2.Min(Avx2.Max(Avx.ConvertToVector256Int32(Avx.Multiply(Vector256.Load(xb + i), inv)), lo), hi);
                    var q1 = Avx2.Min(Avx2.Max(Avx.ConvertToVector256Int32(Avx.Multiply(Vector256.Load(xb + i + 8), inv)), lo), hi);
                    total += q0 + q1;
                    var words = Vector256.Narrow(q0, q1);
                    Vector128.Store(Vector256.Narrow(words, words).GetLower(), qb + i);
                }

                sum = Vector256.Sum(total);
            }

            for (; i < n; i++)
            {
                int c = Code(xb[i], inverse);
                qb[i] = (sbyte)c;
                sum += c;
            }

            sums[b] = sum;
        }

        new Span<sbyte>(q + k, depth - k).Clear();
    }

    /// <summary>
    /// rest[i] = x[i] − q[i]·s_b (b = i's block): what the codes of a first pass leave over, for a second int8 pass.
    /// Plain scalar arithmetic, so every tier gives the same remainder.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Remainder(float* x, int k, sbyte* q, int block, float* scales, float* rest)
    {
        for (int b = 0, b0 = 0; b0 < k; b++, b0 += block)
        {
            int n = Math.Min(block, k - b0);
            float s = scales[b];
            for (int i = b0; i < b0 + n; i++)
            {
                rest[i] = x[i] - (q[i] * s);
            }
        }
    }

    // 127 / max and max / 127; a zero row (or one too small for 127 / max to be finite) quantises to zeros with scale 0.
    private static float Inverse(float max, out float scale)
    {
        float inverse = MaxCode / max;
        if (max == 0 || !float.IsFinite(inverse))
        {
            scale = 0;
            return 0;
        }

        scale = max / MaxCode;
        return inverse;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Code(float v, float inverse) => Math.Clamp((int)MathF.Round(v * inverse), -MaxCode, MaxCode);
}
