// The int8 GEMM (issue #15): x rows quantised per row on the fly to u8 (q + 128), W's int8 panels, int32 accumulation
// over the whole of K (exact, so every tier gives the same integers), then one fp32 epilogue per output:
// y = (float)(Σ u·w − 128·Σ w) · (s_x · s_w) (+ bias, or + y when accumulating). Tasks are split as in GemmDriver.
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>Deliberate faults for the fidelity tests: each must break the tolerance the int8 path is held to.</summary>
internal enum Int8Mutation
{
    /// <summary>The path as specified.</summary>
    None,

    /// <summary>Every weight scale doubled.</summary>
    DoubleWeightScale,

    /// <summary>The −128·Σw correction of the u8 activation offset dropped.</summary>
    DropOffsetCorrection,
}

/// <summary>Plans and runs one int8 GEMM over the context's threads.</summary>
internal static unsafe class Int8GemmDriver
{
    private const int MBlock = 96; // a multiple of every int8 kernel's row count (6, 4)
    private const int MaxChunkPanels = 16;
    private const int QuantizeRowsPerTask = 16;

    /// <summary>Largest row count of any int8 kernel (the tile buffer's height).</summary>
    internal const int MaxKernelRows = 6;

    /// <summary>An int8 micro-kernel: tile[r, 0..32) = Σ_k u[r, k]·w[k, 0..32) for r &lt; Rows (rows ≥ mr repeat row mr − 1).</summary>
    public static delegate*<byte*, nint, int, sbyte*, int*, int, void> Kernel(ComputeContext context, out int rows)
    {
        if (context.Vnni)
        {
            rows = Int8KernelVnni.Rows;
            return &Int8KernelVnni.Run;
        }

        if (context.Tier >= IsaTier.Avx2)
        {
            rows = Int8KernelAvx2.Rows;
            return &Int8KernelAvx2.Run;
        }

        rows = Int8KernelPortable.Rows;
        return &Int8KernelPortable.Run;
    }

    public static void Run(ReadOnlySpan<float> x, int rows, WeightMatrix w, ReadOnlySpan<float> bias, Span<float> y, ComputeContext context, bool accumulate = false, Int8Mutation mutation = Int8Mutation.None)
    {
        int n = w.Rows, k = w.Columns;
        if (rows == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < rows; i++)
                {
                    var yi = y.Slice(i * n, n);
                    if (bias.IsEmpty)
                    {
                        yi.Clear();
                    }
                    else
                    {
                        bias[..n].CopyTo(yi);
                    }
                }
            }

            return;
        }

        int depth = w.Int8Depth;
        var job = new Job
        {
            M = rows,
            N = n,
            K = k,
            Depth = depth,
            PanelCount = w.PanelCount,
            Accumulate = accumulate,
            Vector = context.Tier >= IsaTier.Avx2,
            Mutation = mutation,
        };
        job.Kernel = Kernel(context, out job.KernelRows);
        job.MBlocks = (rows + MBlock - 1) / MBlock;
        int threads = context.Threads;
        int panels = job.PanelCount;
        int target = threads == 1 ? 1 : threads * 4;
        int chunks = Math.Max((panels + MaxChunkPanels - 1) / MaxChunkPanels, Math.Min(panels, (target + job.MBlocks - 1) / job.MBlocks));
        job.ChunkPanels = (panels + chunks - 1) / chunks;
        job.Chunks = (panels + job.ChunkPanels - 1) / job.ChunkPanels;

        byte[] codes = ArrayPool<byte>.Shared.Rent(rows * depth);
        float[] scales = ArrayPool<float>.Shared.Rent(rows);
        try
        {
            fixed (float* px = x, pb = bias, py = y, pxs = scales, pws = w.Int8Scales)
            fixed (byte* pu = codes)
            fixed (sbyte* pw = w.PackedInt8)
            fixed (int* psum = w.Int8Sums)
            {
                job.X = px;
                job.Codes = pu;
                job.RowScales = pxs;
                job.Bias = bias.IsEmpty ? null : pb;
                job.Y = py;
                job.Panels = pw;
                job.WeightScales = pws;
                job.WeightSums = psum;

                int quantizeTasks = (rows + QuantizeRowsPerTask - 1) / QuantizeRowsPerTask;
                int tasks = job.MBlocks * job.Chunks;
                if (threads == 1)
                {
                    for (int t = 0; t < quantizeTasks; t++)
                    {
                        job.Quantize(t);
                    }

                    for (int t = 0; t < tasks; t++)
                    {
                        job.Execute(t);
                    }
                }
                else
                {
                    context.For(quantizeTasks, job.Quantize);
                    context.For(tasks, job.Execute);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scales);
            ArrayPool<byte>.Shared.Return(codes);
        }
    }

    /// <summary>
    /// y[r, j] = (float)(tile[r, j] − 128·sums[j]) · (rowScales[r] · weightScales[j]), + bias[j] or + y[r, j]; the vector
    /// and scalar forms do the same IEEE operations in the same order, so their results are identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Epilogue(int* tile, int mr, int nr, float* rowScales, float* weightScales, int* sums, float* bias, float* y, nint ldy, bool accumulate, bool vector, Int8Mutation mutation)
    {
        bool correct = mutation != Int8Mutation.DropOffsetCorrection;
        float scaleFactor = mutation == Int8Mutation.DoubleWeightScale ? 2f : 1f;
        bool plain = mutation == Int8Mutation.None;
        for (int r = 0; r < mr; r++)
        {
            int* t = tile + (r * WeightMatrix.PanelWidth);
            float* yr = y + (r * ldy);
            float sx = rowScales[r];
            int j = 0;
            if (vector && plain && Vector256.IsHardwareAccelerated)
            {
                var vsx = Vector256.Create(sx);
                for (; j <= nr - 8; j += 8)
                {
                    var acc = Vector256.Load(t + j) - Vector256.ShiftLeft(Vector256.Load(sums + j), 7);
                    var v = Vector256.ConvertToSingle(acc) * (vsx * Vector256.Load(weightScales + j));
                    if (accumulate)
                    {
                        v = Vector256.Load(yr + j) + v;
                    }
                    else if (bias != null)
                    {
                        v += Vector256.Load(bias + j);
                    }

                    Vector256.Store(v, yr + j);
                }
            }

            for (; j < nr; j++)
            {
                int correction = correct ? sums[j] << 7 : 0;
                float v = (float)(t[j] - correction) * (sx * (weightScales[j] * scaleFactor));
                if (accumulate)
                {
                    v = yr[j] + v;
                }
                else if (bias != null)
                {
                    v += bias[j];
                }

                yr[j] = v;
            }
        }
    }

    private sealed class Job
    {
        public float* X;
        public byte* Codes;
        public float* RowScales;
        public float* Bias;
        public float* Y;
        public sbyte* Panels;
        public float* WeightScales;
        public int* WeightSums;
        public int M;
        public int N;
        public int K;
        public int Depth;
        public int PanelCount;
        public int MBlocks;
        public int Chunks;
        public int ChunkPanels;
        public int KernelRows;
        public bool Accumulate;
        public bool Vector;
        public Int8Mutation Mutation;
        public delegate*<byte*, nint, int, sbyte*, int*, int, void> Kernel;

        public void Quantize(int task)
        {
            int r0 = task * QuantizeRowsPerTask, r1 = Math.Min(M, r0 + QuantizeRowsPerTask);
            for (int r = r0; r < r1; r++)
            {
                RowScales[r] = Int8Quantizer.QuantizeActivations(X + ((long)r * K), K, Codes + ((long)r * Depth), Depth, Vector);
            }
        }

        public void Execute(int task)
        {
            int mBlock = task / Chunks, chunk = task % Chunks;
            int r0 = mBlock * MBlock, rows = Math.Min(MBlock, M - r0);
            int p0 = chunk * ChunkPanels, p1 = Math.Min(PanelCount, p0 + ChunkPanels);
            int groups = Depth / WeightMatrix.Int8Group;
            int* tile = stackalloc int[MaxKernelRows * WeightMatrix.PanelWidth];
            for (int p = p0; p < p1; p++)
            {
                sbyte* b = Panels + ((long)p * Depth * WeightMatrix.PanelWidth);
                int col = p * WeightMatrix.PanelWidth;
                int nr = Math.Min(WeightMatrix.PanelWidth, N - col);
                for (int i = 0; i < rows; i += KernelRows)
                {
                    int mr = Math.Min(KernelRows, rows - i);
                    int row = r0 + i;
                    Kernel(Codes + ((long)row * Depth), Depth, groups, b, tile, mr);
                    Epilogue(tile, mr, nr, RowScales + row, WeightScales + col, WeightSums + col, Bias == null ? null : Bias + col, Y + ((long)row * N) + col, N, Accumulate, Vector, Mutation);
                }
            }
        }
    }
}
