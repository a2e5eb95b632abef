// The exact erf GELU (spec §3.6): GELU(z) = 0.5·z·(1 + erf(z/√2)) = 0.5·z·erfc(−z/√2), to fp32 precision.
using System.Numerics;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>Activation functions.</summary>
public static partial class Activations
{
    /// <summary>Applies exact GELU in place to <paramref name="count"/> values.</summary>
    public static void Gelu(float[] values, int count, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        const int PerItem = 16384;
        int items = (count + PerItem - 1) / PerItem;
        context.For(items, item =>
        {
            var v = values.AsSpan(item * PerItem, Math.Min(PerItem, count - (item * PerItem)));
            int i = GeluLanes(v, context.Tier);
            if (i == v.Length)
            {
                return;
            }

            // The last few values run in lanes too (padded), not through the scalar form: a value's bits must not
            // depend on where the buffer ends, i.e. on what else is in the batch (reproducible vectors, issue #17).
            Span<float> padded = stackalloc float[PaddedTail];
            padded.Clear();
            v[i..].CopyTo(padded);
            if (GeluLanes(padded, context.Tier) == PaddedTail)
            {
                padded[..(v.Length - i)].CopyTo(v[i..]);
                return;
            }

            for (; i < v.Length; i++)
            {
                v[i] = Gelu(v[i]);
            }
        });
    }

    // A multiple of every lane count (16, 8, 4), so a padded tail is handled wholly by the vector path where it runs.
    private const int PaddedTail = 16;

    private static int GeluLanes(Span<float> v, IsaTier tier) => tier == IsaTier.Avx512 ? Gelu512(v) : GeluVector(v);

    // 16 lanes with the fp32 exp of VectorMath (the library's Vector.Exp(float) goes through double).
    private static unsafe int Gelu512(Span<float> v)
    {
        var half = Vector512.Create(0.5f);
        var one = Vector512<float>.One;
        var two = Vector512.Create(2f);
        var invSqrt2 = Vector512.Create(0.70710678118654752440f);
        int i = 0;
        fixed (float* p0 = v)
        {
            for (; i + 16 <= v.Length; i += 16)
            {
                var z = Vector512.Load(p0 + i);
                var a = Vector512.Abs(z) * invSqrt2;
                var t = one / Vector512.FusedMultiplyAdd(half, a, one);
                var p = Vector512.FusedMultiplyAdd(t, Vector512.Create(0.17087277f), Vector512.Create(-0.82215223f));
                p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(1.48851587f));
                p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(-1.13520398f));
                p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(0.27886807f));
                p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(-0.18628806f));
                p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(0.09678418f));
                p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(0.37409196f));
                p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(1.00002368f));
                p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(-1.26551223f));
                var erfcAbs = t * VectorMath.Exp(p - (a * a));
                var erfc = Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), two - erfcAbs, erfcAbs);
                (half * z * erfc).Store(p0 + i);
            }
        }

        return i;
    }

    // The same erfc form in fp32 lanes (issue #4): erfc(a) = t·exp(−a² + P(t)), t = 1/(1 + a/2), a = |z|/√2;
    // the fp32 evaluation adds a relative error of a few 1e-7. Returns how many leading values it handled.
    private static int GeluVector(Span<float> v)
    {
        int width = System.Numerics.Vector<float>.Count;
        if (!System.Numerics.Vector.IsHardwareAccelerated)
        {
            return 0;
        }

        var half = new System.Numerics.Vector<float>(0.5f);
        var one = System.Numerics.Vector<float>.One;
        var two = new System.Numerics.Vector<float>(2f);
        var invSqrt2 = new System.Numerics.Vector<float>(0.70710678118654752440f);
        int i = 0;
        for (; i + width <= v.Length; i += width)
        {
            var z = System.Numerics.Vector.LoadUnsafe(ref v[i]);
            var a = System.Numerics.Vector.Abs(z) * invSqrt2;
            var t = one / (one + (half * a));
            var p = System.Numerics.Vector.FusedMultiplyAdd(t, new System.Numerics.Vector<float>(0.17087277f), new System.Numerics.Vector<float>(-0.82215223f));
            p = System.Numerics.Vector.FusedMultiplyAdd(t, p, new System.Numerics.Vector<float>(1.48851587f));
            p = System.Numerics.Vector.FusedMultiplyAdd(t, p, new System.Numerics.Vector<float>(-1.13520398f));
            p = System.Numerics.Vector.FusedMultiplyAdd(t, p, new System.Numerics.Vector<float>(0.27886807f));
            p = System.Numerics.Vector.FusedMultiplyAdd(t, p, new System.Numerics.Vector<float>(-0.18628806f));
            p = System.Numerics.Vector.FusedMultiplyAdd(t, p, new System.Numerics.Vector<float>(0.09678418f));
            p = System.Numerics.Vector.FusedMultiplyAdd(t, p, new System.Numerics.Vector<float>(0.37409196f));
            p = System.Numerics.Vector.FusedMultiplyAdd(t, p, new System.Numerics.Vector<float>(1.00002368f));
            p = System.Numerics.Vector.FusedMultiplyAdd(t, p, new System.Numerics.Vector<float>(-1.26551223f));
            var erfcAbs = t * Exp(p - (a * a));

            // u = −z/√2: erfc(u) = erfc(|u|) for z ≤ 0, 2 − erfc(|u|) for z > 0.
            var erfc = System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.GreaterThan(z, System.Numerics.Vector<float>.Zero), two - erfcAbs, erfcAbs);
            (half * z * erfc).StoreUnsafe(ref v[i]);
        }

        return i;
    }

    // Vector<float> is 8 lanes on AVX2 machines: use VectorMath's fp32 exp there (Vector.Exp(float) computes in double).
    private static System.Numerics.Vector<float> Exp(System.Numerics.Vector<float> x) =>
        System.Numerics.Vector<float>.Count == 8 && Vector256.IsHardwareAccelerated
            ? VectorMath.Exp(x.AsVector256()).AsVector()
            : System.Numerics.Vector.Exp(x);

    /// <summary>Exact GELU of one value.</summary>
    public static float Gelu(float z)
    {
        // Through erfc, the relative error stays ~1e-7 on both sides: for z < 0 GELU = 0.5·z·erfc(|z|/√2) directly,
        // for z > 0 the error of erfc is damped by the 2 − erfc form.
        double u = -z * 0.70710678118654752440;
        return (float)(0.5 * z * Erfc(u));
    }

    /// <summary>erf(x) with a relative error of about 1e-7 or better (a Taylor series near 0, erfc beyond).</summary>
    public static double Erf(double x)
    {
        if (Math.Abs(x) < 0.5)
        {
            // erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)); 12 terms reach double precision for |x| < 0.5.
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 12; n++)
            {
                term *= -x2 / n;
                sum += term / ((2 * n) + 1);
            }

            return sum * 1.12837916709551257390;
        }

        return x >= 0 ? 1 - ErfcPositive(x) : ErfcPositive(-x) - 1;
    }

    /// <summary>erfc(x) = 1 − erf(x) with a relative error of at most about 1.2e-7.</summary>
    public static double Erfc(double x) => x >= 0 ? ErfcPositive(x) : 2 - ErfcPositive(-x);

    // Chebyshev-fitted form erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2), z ≥ 0 (fractional error < 1.2e-7).
    private static double ErfcPositive(double z)
    {
        double t = 1.0 / (1.0 + (0.5 * z));
        double p = -1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806
            + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        return t * Math.Exp((-z * z) + p);
    }
}
