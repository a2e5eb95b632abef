// The exact erf GELU (spec §3.6): GELU(z) = 0.5·z·(1 + erf(z/√2)) = 0.5·z·erfc(−z/√2), to fp32 precision.
namespace JinaEmbed.Compute;

/// <summary>Activation functions.</summary>
public static class Activations
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
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = Gelu(v[i]);
            }
        });
    }

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
