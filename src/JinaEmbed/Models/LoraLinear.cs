// One nn.Linear of the checkpoint with its stacked task adapters (spec §1.5, §4.2): the base weight once,
// lora_A [T, r, in] as stored and lora_B [T, out, r] transposed to [T, r, out] for row-wise accumulation.
// (Adding the update inside the GEMM's epilogue instead was tried: no measurable gain at 16–4096 rows, so the
// simpler separate pass stays.)
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>A linear layer y = x·Wᵀ + b with optional per-task rank-r deltas.</summary>
internal sealed class LoraLinear
{
    /// <summary>W packed, the bias, lora_A [T, r, in] and lora_B [T, out, r] as stored (B is kept transposed).</summary>
    public LoraLinear(WeightMatrix weight, float[] bias, float[] loraA, float[] loraB, int tasks, int rank)
    {
        Weight = weight;
        Bias = bias;
        LoraA = loraA;
        Tasks = tasks;
        Rank = rank;
        int outDim = weight.Rows;
        LoraBTransposed = new float[loraB.Length];
        for (int t = 0; t < tasks; t++)
        {
            for (int o = 0; o < outDim; o++)
            {
                for (int k = 0; k < rank; k++)
                {
                    LoraBTransposed[(((t * rank) + k) * outDim) + o] = loraB[(((t * outDim) + o) * rank) + k];
                }
            }
        }
    }

    /// <summary>Bytes held resident by this layer.</summary>
    public long ResidentBytes => Weight.ResidentBytes + ((long)(Bias.Length + LoraA.Length + LoraBTransposed.Length) * sizeof(float));

    public WeightMatrix Weight { get; }

    public float[] Bias { get; }

    /// <summary>lora_A, [T, r, in].</summary>
    public float[] LoraA { get; }

    /// <summary>lora_B transposed, [T, r, out].</summary>
    public float[] LoraBTransposed { get; }

    public int Tasks { get; }

    public int Rank { get; }

    public int In => Weight.Columns;

    public int Out => Weight.Rows;

    /// <summary>y[rows] = x·Wᵀ + b, then each run of rows with a task adds that task's scaled delta.</summary>
    public void Forward(float[] x, int rows, float[] y, IReadOnlyList<(int Start, int Count, int Adapter)> runs, float scale, ComputeContext context)
        => Forward(x, 0, y, 0, rows, 0, runs, scale, context);

    /// <summary>
    /// The same for the tokens [<paramref name="firstToken"/>, firstToken + rows) of the batch, read from x starting at
    /// row <paramref name="xRow"/> and written to y starting at row <paramref name="yRow"/> (a chunk of the batch).
    /// </summary>
    public void Forward(float[] x, int xRow, float[] y, int yRow, int rows, int firstToken, IReadOnlyList<(int Start, int Count, int Adapter)> runs, float scale, ComputeContext context)
    {
        Gemm.Multiply(x.AsSpan(xRow * In, rows * In), rows, Weight, Bias, y.AsSpan(yRow * Out, rows * Out), context);
        foreach (var (start, count, adapter) in runs)
        {
            int first = Math.Max(start, firstToken), end = Math.Min(start + count, firstToken + rows);
            if (adapter < 0 || first >= end)
            {
                continue;
            }

            var a = new ReadOnlyMemory<float>(LoraA, adapter * Rank * In, Rank * In);
            var bt = new ReadOnlyMemory<float>(LoraBTransposed, adapter * Rank * Out, Rank * Out);
            LowRank.AddDelta(x, xRow + first - firstToken, In, y, yRow + first - firstToken, Out, end - first, a, bt, Rank, scale, context);
        }
    }
}
