// Symmetric int8 quantisation shared by weights (at load) and activations (per row, on the fly): scale = max|v| / 127,
// q = round-half-even(v · 127 / max|v|) clamped to [−127, 127]. Activations are stored offset by 128 as u8 (the
// unsigned operand of a VNNI dot product); the vector and scalar paths give identical codes (issue #15).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>Per-row symmetric int8 quantisation.</summary>
internal static unsafe class Int8Quantizer
{
    /// <summary>Largest code magnitude.</summary>
    public const int MaxCode = 127;

    /// <summary>Offset that moves an activation code into u8 (q + 128 ∈ [1, 255]).</summary>
    public const int Offset = 128;

    /// <summary>Quantises <paramref name="values"/> into <paramref name="codes"/>; returns the scale (0 for an all-zero row).</summary>
    public static float QuantizeRow(ReadOnlySpan<float> values, Span<sbyte> codes)
    {
        float max = 0;
        foreach (float v in values)
        {
            max = MathF.Max(max, MathF.Abs(v));
        }

        float inverse = Inverse(max, out float scale);
        for (int i = 0; i < values.Length; i++)
        {
            codes[i] = (sbyte)Code(values[i], inverse);
        }

        return scale;
    }

    /// <summary>
    /// Quantises one activation row x[0..k) into u8 codes q + 128 at u[0..depth) (u[k..depth) = 128, i.e. q = 0);
    /// returns the scale. <paramref name="vector"/> selects the AVX2 path (same codes as the scalar one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float QuantizeActivations(float* x, int k, byte* u, int depth, bool vector)
    {
        int i = 0;
        float max = 0;
        if (vector && Avx2.IsSupported && k >= 8)
        {
            var m = Vector256<float>.Zero;
            for (; i <= k - 8; i += 8)
            {
                m = Avx.Max(m, Vector256.Abs(Vector256.Load(x + i)));
            }

            for (int j = 0; j < 8; j++)
            {
                max = MathF.Max(max, m[j]);
            }
        }

        for (; i < k; i++)
        {
            max = MathF.Max(max, MathF.Abs(x[i]));
        }

        float inverse = Inverse(max, out float scale);
        i = 0;
        if (vector && Avx2.IsSupported)
        {
            var inv = Vector256.Create(inverse);
            var lo = Vector256.Create(-MaxCode);
            var hi = Vector256.Create(MaxCode);
            var offset = Vector256.Create(Offset);
            for (; i <= k - 16; i += 16)
            {
                // cvtps2dq rounds half to even (the default MXCSR mode), as MathF.Round does.
                var q0 = Avx2.Add(Avx2.Min(Avx2.Max(Avx.ConvertToVector256Int32(Avx.Multiply(Vector256.Load(x + i), inv)), lo), hi), offset);
                var q1 = Avx2.Add(Avx2.Min(Avx2.Max(Avx.ConvertToVector256Int32(Avx.Multiply(Vector256.Load(x + i + 8), inv)), lo), hi), offset);
                var words = Vector256.Narrow(q0, q1).AsUInt16();
                Vector128.Store(Vector256.Narrow(words, words).GetLower(), u + i);
            }
        }

        for (; i < k; i++)
        {
            u[i] = (byte)(Code(x[i], inverse) + Offset);
        }

        for (; i < depth; i++)
        {
            u[i] = Offset;
        }

        return scale;
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
