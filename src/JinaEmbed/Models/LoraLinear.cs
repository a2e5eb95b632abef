// One nn.Linear of the checkpoint with its stacked task adapters (v3 spec §1.5, §4.2; v4 spec §4.1): the base weight
// once, and per task lora_A [r, in] and lora_B [out, r] packed for the GEMM, so the update y += s·((x·Aᵀ)·Bᵀ) runs as
// two small matrix products (the second accumulating into y). At rank 32 and 4096 rows a row-at-a-time update streamed
// B once per row and cost a quarter of the forward pass; as GEMMs it is ~2 % of it, as its FLOPs say.
using System.Buffers;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>A linear layer y = x·Wᵀ + b with optional per-task rank-r deltas.</summary>
internal sealed class LoraLinear
{
    // Rows per low-rank step: bounds the [rows, r] temporary.
    private const int RowBlock = 1024;

    // Per task lora_A [r, in]; or, when r is below the GEMM's 32-row panel, every task's A stacked into one [T·r, in]
    // matrix (v3's rank 4 would otherwise pad each task's 4 rows to a 32-row panel: 8× its bytes). With int8 weights
    // the stacked A (≤ 32 rows) is instead appended to W as one more panel (_fusedA): x·A_allᵀ then comes out of the
    // base product's pass over x's codes instead of a second fp32 GEMM over x (v3 at 16 tokens: ~1 ms of ~20 a pass).
    private readonly WeightMatrix[] _a;
    private readonly WeightMatrix? _stackedA;
    private readonly bool _fusedA;
    private readonly int _stackedRows;
    private readonly WeightMatrix[] _b;

    /// <summary>W packed, the bias (empty for none), lora_A [T, r, in] and lora_B [T, out, r] as stored.</summary>
    public LoraLinear(WeightMatrix weight, float[] bias, float[] loraA, float[] loraB, int tasks, int rank)
    {
        Bias = bias;
        Tasks = tasks;
        Rank = rank;
        int inDim = weight.Columns, outDim = weight.Rows;
        Out = outDim;
        bool stack = tasks > 1 && rank % WeightMatrix.PanelWidth != 0;
        _stackedRows = stack ? tasks * rank : 0;
        _fusedA = stack && weight.IsInt8 && inDim > 0 && _stackedRows <= WeightMatrix.PanelWidth && outDim % WeightMatrix.PanelWidth == 0;
        Weight = _fusedA ? weight.AppendInt8Rows(loraA.AsSpan(0, tasks * rank * inDim), _stackedRows) : weight;
        _a = stack ? [] : new WeightMatrix[tasks];
        _stackedA = stack && !_fusedA ? Pack(loraA.AsSpan(0, tasks * rank * inDim), tasks * rank, inDim) : null;
        _b = new WeightMatrix[tasks];
        for (int t = 0; t < tasks; t++)
        {
            if (!stack)
            {
                _a[t] = Pack(loraA.AsSpan(t * rank * inDim, rank * inDim), rank, inDim);
            }

            _b[t] = Pack(loraB.AsSpan(t * outDim * rank, outDim * rank), outDim, rank);
        }
    }

    /// <summary>Bytes held resident by this layer.</summary>
    public long ResidentBytes => Weight.ResidentBytes + ((long)Bias.Length * sizeof(float)) + _a.Sum(m => m.ResidentBytes) + (_stackedA?.ResidentBytes ?? 0) + _b.Sum(m => m.ResidentBytes);

    /// <summary>The GEMM's matrix: W [Out, In], followed by the stacked lora_A rows when they are fused (int8).</summary>
    public WeightMatrix Weight { get; }

    public float[] Bias { get; }

    public int Tasks { get; }

    public int Rank { get; }

    public int In => Weight.Columns;

    public int Out { get; }

    /// <summary>y[rows] = x·Wᵀ + b, then each run of rows with a task adds that task's scaled delta.</summary>
    public void Forward(float[] x, int rows, float[] y, IReadOnlyList<(int Start, int Count, int Adapter)> runs, float scale, ComputeContext context)
        => Forward(x, 0, y, 0, rows, 0, runs, scale, context);

    /// <summary>
    /// The same for the tokens [<paramref name="firstToken"/>, firstToken + rows) of the batch, read from x starting at
    /// row <paramref name="xRow"/> and written to y starting at row <paramref name="yRow"/> (a chunk of the batch).
    /// </summary>
    public void Forward(float[] x, int xRow, float[] y, int yRow, int rows, int firstToken, IReadOnlyList<(int Start, int Count, int Adapter)> runs, float scale, ComputeContext context)
    {
        // Fused: low [rows, T·r] = x·A_allᵀ from the same product, every task's columns (one panel whatever the mix).
        var low = _fusedA ? ArrayPool<float>.Shared.Rent(rows * _stackedRows) : null;
        try
        {
            if (low is not null)
            {
                Gemm.MultiplySplit(x.AsSpan(xRow * In, rows * In), rows, Weight, Out, Bias, y.AsSpan(yRow * Out, rows * Out), low.AsSpan(0, rows * _stackedRows), context);
            }
            else
            {
                Gemm.Multiply(x.AsSpan(xRow * In, rows * In), rows, Weight, Bias, y.AsSpan(yRow * Out, rows * Out), context);
            }

            foreach (var (start, count, adapter) in runs)
            {
                int first = Math.Max(start, firstToken), end = Math.Min(start + count, firstToken + rows);
                // adapter ≥ Tasks: a module the adapter file leaves unadapted (Tasks = 0) has no delta.
                if (adapter < 0 || adapter >= Tasks || first >= end)
                {
                    continue;
                }

                AddDelta(x, xRow + first - firstToken, y, yRow + first - firstToken, end - first, adapter, scale, low, first - firstToken, context);
            }
        }
        finally
        {
            if (low is not null)
            {
                ArrayPool<float>.Shared.Return(low);
            }
        }
    }

    // y[yRow..] += s·((x·Aᵀ)·Bᵀ) for `count` rows: t = x·Aᵀ [rows, r], t *= s, then y += t·Bᵀ in the GEMM's accumulate mode.
    // With stacked A, x·A_allᵀ [rows, T·r] is formed (or, fused, was formed from row `fusedRow` of `fused`) and the
    // task's r columns copied out: each column of a GEMM is the same sum whatever its neighbours, so the values equal
    // the per-task product's.
    private void AddDelta(float[] x, int xRow, float[] y, int yRow, int count, int adapter, float scale, float[]? fused, int fusedRow, ComputeContext context)
    {
        int r = Rank, all = _stackedRows;
        var t = ArrayPool<float>.Shared.Rent(Math.Min(count, RowBlock) * r);
        var wide = _stackedA is not null ? ArrayPool<float>.Shared.Rent(Math.Min(count, RowBlock) * all) : null;
        try
        {
            for (int done = 0; done < count; done += RowBlock)
            {
                int rows = Math.Min(RowBlock, count - done);
                var low = t.AsSpan(0, rows * r);
                if (fused is not null)
                {
                    for (int i = 0; i < rows; i++)
                    {
                        fused.AsSpan(((fusedRow + done + i) * all) + (adapter * r), r).CopyTo(low.Slice(i * r, r));
                    }
                }
                else if (wide is not null)
                {
                    Gemm.Multiply(x.AsSpan((xRow + done) * In, rows * In), rows, _stackedA!, [], wide.AsSpan(0, rows * all), context);
                    for (int i = 0; i < rows; i++)
                    {
                        wide.AsSpan((i * all) + (adapter * r), r).CopyTo(low.Slice(i * r, r));
                    }
                }
                else
                {
                    Gemm.Multiply(x.AsSpan((xRow + done) * In, rows * In), rows, _a[adapter], [], low, context);
                }

                foreach (ref float v in low)
                {
                    v *= scale;
                }

                Gemm.MultiplyAccumulate(low, rows, _b[adapter], y.AsSpan((yRow + done) * Out, rows * Out), context);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(t);
            if (wide is not null)
            {
                ArrayPool<float>.Shared.Return(wide);
            }
        }
    }

    // BF16 checkpoints give adapter values that are exact BF16 numbers: keep them as BF16 (half the memory), else fp32.
    private static WeightMatrix Pack(ReadOnlySpan<float> values, int rows, int columns)
    {
        foreach (float v in values)
        {
            if ((BitConverter.SingleToInt32Bits(v) & 0xFFFF) != 0)
            {
                return WeightMatrix.FromFloat32(values, rows, columns);
            }
        }

        var bits = new ushort[values.Length];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = (ushort)(BitConverter.SingleToInt32Bits(values[i]) >> 16);
        }

        return WeightMatrix.FromBFloat16(bits, rows, columns);
    }
}
