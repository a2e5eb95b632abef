// Folding one k-block of an int8 micro-tile into its fp32 tile (issue #15): f (+)= (float)(acc − 128·Σq_x) · s_x, where
// acc = Σ u_w·q_x over the block, so acc − 128·Σq_x = Σ q_w·q_x exactly. The vector and scalar forms do the same IEEE
// operations in the same order, so every tier gives the same bits.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>Per-block fold shared by the int8 micro-kernels.</summary>
internal static unsafe class Int8Fold
{
    /// <summary>16 outputs: f[0..8) from <paramref name="low"/>, f[8..16) from <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fold16(float* f, Vector256<int> low, Vector256<int> high, float scale, int sum, bool first)
    {
        var correction = Vector256.Create(sum << 7);
        var s = Vector256.Create(scale);
        var v0 = Vector256.ConvertToSingle(low - correction) * s;
        var v1 = Vector256.ConvertToSingle(high - correction) * s;
        if (!first)
        {
            v0 = Vector256.Load(f) + v0;
            v1 = Vector256.Load(f + 8) + v1;
        }

        Vector256.Store(v0, f);
        Vector256.Store(v1, f + 8);
    }

    /// <summary>16 outputs from one 512-bit vector (the same per-element operations as the 256-bit form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fold16(float* f, Vector512<int> acc, float scale, int sum, bool first)
    {
        var v = Vector512.ConvertToSingle(acc - Vector512.Create(sum << 7)) * Vector512.Create(scale);
        if (!first)
        {
            v = Vector512.Load(f) + v;
        }

        Vector512.Store(v, f);
    }

    /// <summary>8 outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fold8(float* f, Vector256<int> acc, float scale, int sum, bool first)
    {
        var v = Vector256.ConvertToSingle(acc - Vector256.Create(sum << 7)) * Vector256.Create(scale);
        if (!first)
        {
            v = Vector256.Load(f) + v;
        }

        Vector256.Store(v, f);
    }

    /// <summary><paramref name="count"/> outputs, one at a time.</summary>
    public static void FoldScalar(float* f, int* acc, int count, float scale, int sum, bool first)
    {
        int correction = sum << 7;
        for (int j = 0; j < count; j++)
        {
            float v = (float)(acc[j] - correction) * scale;
            f[j] = first ? v : f[j] + v;
        }
    }
}
