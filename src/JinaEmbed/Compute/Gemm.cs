// y[m, n] = x[m, k] · W[n, k]ᵀ (+ bias[n]): the one matrix product every linear layer uses.
// Register-blocked micro-kernels per ISA tier over W's packed panels, split over the context's threads (issue #4).
namespace JinaEmbed.Compute;

/// <summary>General matrix multiply for linear layers.</summary>
public static class Gemm
{
    /// <summary>
    /// Computes <c>y = x·Wᵀ + bias</c> (an int8 <paramref name="w"/> runs the int8 path: x quantised per row, int32 dot products) for <paramref name="rows"/> rows of x [rows, W.Columns] into y [rows, W.Rows].
    /// An empty <paramref name="bias"/> means no bias.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> x, int rows, WeightMatrix w, ReadOnlySpan<float> bias, Span<float> y, ComputeContext context)
    {
        CheckShapes(x, rows, w, y, context);

        if (!bias.IsEmpty && bias.Length < w.Rows)
        {
            throw new ArgumentException($"bias needs {w.Rows} values, got {bias.Length}.", nameof(bias));
        }

        if (w.Columns == 0)
        {
            // No inputs: every output is its bias (or 0); both drivers assume K > 0.
            for (int i = 0; i < rows; i++)
            {
                var yi = y.Slice(i * w.Rows, w.Rows);
                if (bias.IsEmpty)
                {
                    yi.Clear();
                }
                else
                {
                    bias[..w.Rows].CopyTo(yi);
                }
            }
        }
        else if (w.IsInt8)
        {
            Int8GemmDriver.Run(x, rows, w, bias, y, context, mutation: Int8GemmDriver.TestMutation.Value);
        }
        else
        {
            GemmDriver.Run(x, rows, w, bias, y, context);
        }
    }

    /// <summary>
    /// Int8 only: one product split in two, <c>y = x·W[0, outputs)ᵀ + bias</c> into y [rows, outputs] and
    /// <c>side = x·W[outputs, W.Rows)ᵀ</c> into side [rows, W.Rows − outputs], with x quantised once
    /// (<paramref name="outputs"/> a multiple of 32: the side outputs fill panels of their own).
    /// </summary>
    internal static void MultiplySplit(ReadOnlySpan<float> x, int rows, WeightMatrix w, int outputs, ReadOnlySpan<float> bias, Span<float> y, Span<float> side, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (!w.IsInt8 || w.Columns == 0 || outputs <= 0 || outputs >= w.Rows || outputs % WeightMatrix.PanelWidth != 0)
        {
            throw new ArgumentException($"A split product needs an int8 matrix with K > 0 and a split at a panel boundary inside its {w.Rows} outputs, got {outputs}.", nameof(outputs));
        }

        if (x.Length < (long)rows * w.Columns || y.Length < (long)rows * outputs || side.Length < (long)rows * (w.Rows - outputs) || (!bias.IsEmpty && bias.Length < outputs))
        {
            throw new ArgumentException($"Split product: x [{rows}, {w.Columns}], y [{rows}, {outputs}], side [{rows}, {w.Rows - outputs}] and a bias of {outputs} (or none) do not fit the spans given.");
        }

        Int8GemmDriver.Run(x, rows, w, outputs, bias, y, side, context, mutation: Int8GemmDriver.TestMutation.Value);
    }

    /// <summary>
    /// Computes <c>y += x·Wᵀ</c> for <paramref name="rows"/> rows of x [rows, W.Columns] into y [rows, W.Rows]: the
    /// micro-kernels' accumulate mode from the first k block on (low-rank updates added without a temporary).
    /// </summary>
    public static void MultiplyAccumulate(ReadOnlySpan<float> x, int rows, WeightMatrix w, Span<float> y, ComputeContext context)
    {
        CheckShapes(x, rows, w, y, context);

        if (w.Columns > 0)
        {
            if (w.IsInt8)
            {
                Int8GemmDriver.Run(x, rows, w, [], y, context, accumulate: true, mutation: Int8GemmDriver.TestMutation.Value);
            }
            else
            {
                GemmDriver.Run(x, rows, w, [], y, context, accumulate: true);
            }
        }
    }

    /// <summary>Scalar oracle: y[i, j] = Σ_k x[i, k]·w[j, k] + bias[j].</summary>
    public static void MultiplyReference(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> w, int n, int k, ReadOnlySpan<float> bias, Span<float> y)
    {
        for (int i = 0; i < rows; i++)
        {
            var xi = x.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                var wj = w.Slice(j * k, k);
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += xi[p] * wj[p];
                }

                y[(i * n) + j] = sum + (bias.IsEmpty ? 0 : bias[j]);
            }
        }
    }

    private static void CheckShapes(ReadOnlySpan<float> x, int rows, WeightMatrix w, ReadOnlySpan<float> y, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (x.Length < (long)rows * w.Columns)
        {
            throw new ArgumentException($"x needs {rows}×{w.Columns} values, got {x.Length}.", nameof(x));
        }

        if (y.Length < (long)rows * w.Rows)
        {
            throw new ArgumentException($"y needs {rows}×{w.Rows} values, got {y.Length}.", nameof(y));
        }
    }
}
