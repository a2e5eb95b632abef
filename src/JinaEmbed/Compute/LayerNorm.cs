// LayerNorm over the last axis (spec §3.6): y = (x − μ)/sqrt(σ² + eps)·γ + β with the biased variance.
// Statistics are accumulated in double so long rows lose nothing to summation order.
namespace JinaEmbed.Compute;

/// <summary>Row-wise LayerNorm, optionally fused with the residual add of a post-LN block.</summary>
public static class LayerNorm
{
    /// <summary>
    /// x[row] = LayerNorm(x[row] + residual[row]) for <paramref name="rows"/> rows of width <paramref name="width"/>;
    /// a null <paramref name="residual"/> means no add.
    /// </summary>
    public static void Apply(float[] x, float[]? residual, int rows, int width, float[] gamma, float[] beta, float eps, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        const int RowsPerItem = 32;
        int items = (rows + RowsPerItem - 1) / RowsPerItem;
        context.For(items, item =>
        {
            int end = Math.Min(rows, (item + 1) * RowsPerItem);
            for (int row = item * RowsPerItem; row < end; row++)
            {
                var v = x.AsSpan(row * width, width);
                if (residual != null)
                {
                    var r = residual.AsSpan(row * width, width);
                    for (int i = 0; i < width; i++)
                    {
                        v[i] += r[i];
                    }
                }

                NormalizeRow(v, gamma, beta, eps);
            }
        });
    }

    /// <summary>Normalises one row in place.</summary>
    public static void NormalizeRow(Span<float> v, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps)
    {
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i];
        }

        double mean = sum / v.Length;
        double squares = 0;
        for (int i = 0; i < v.Length; i++)
        {
            double d = v[i] - mean;
            squares += d * d;
        }

        double rstd = 1.0 / Math.Sqrt((squares / v.Length) + eps);
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = ((float)((v[i] - mean) * rstd) * gamma[i]) + beta[i];
        }
    }
}
