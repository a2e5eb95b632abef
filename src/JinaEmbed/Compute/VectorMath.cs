// fp32 exp in vector lanes for softmax and GELU (issue #4). The library's Vector512.Exp(float) widens to double,
// which made exp the bottleneck of attention; this is the classic Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2,
// with a degree-7 polynomial for eʳ (Cephes expf coefficients, ~1 ulp) and 2ⁿ built in the exponent bits.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>Vectorised fp32 elementary functions.</summary>
internal static class VectorMath
{
    // Inputs are clamped to [MinInput, MaxInput] so 2ⁿ stays a normal number: below, eˣ rounds to ≈1.6e-38 rather than
    // 0 — harmless next to softmax's largest term (1) and GELU's factors.
    private const float MinInput = -87.0f;
    private const float MaxInput = 88.0f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float RoundMagic = 12582912f; // 1.5·2²³: adding it rounds to an integer held in the low mantissa bits
    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    /// <summary>eˣ per lane, relative error ≈ 1e-7 for x in [−87, 88].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(MinInput)), Vector512.Create(MaxInput));
        var shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundMagic));
        var n = shifted - Vector512.Create(RoundMagic);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);

        // 2ⁿ: n + 127 in the exponent field; n sits in the low bits of `shifted`.
        var exponent = (shifted.AsInt32() - Vector512.Create(BitConverter.SingleToInt32Bits(RoundMagic)) + Vector512.Create(127)) << 23;
        return p * exponent.AsSingle();
    }

    /// <summary>eˣ per lane, relative error ≈ 1e-7 for x in [−87, 88].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(MinInput)), Vector256.Create(MaxInput));
        var shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundMagic));
        var n = shifted - Vector256.Create(RoundMagic);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var exponent = (shifted.AsInt32() - Vector256.Create(BitConverter.SingleToInt32Bits(RoundMagic)) + Vector256.Create(127)) << 23;
        return p * exponent.AsSingle();
    }
}
