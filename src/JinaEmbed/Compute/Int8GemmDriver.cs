// The int8 GEMM (issue #15): x rows quantised on the fly to s8 with one scale per block of 256 k, W's u8 (q + 128)
// panels with one scale per output. Within a k-block the kernels accumulate exactly in int32 (every tier gives the same
// integers); each block is folded into an fp32 tile as (float)(Σ u·q_x − 128·Σ q_x) · s_x,block, and the tile becomes
// y = tile · s_w (+ bias, or + y when accumulating). The epilogues are shared code, so every tier gives the same bits.
// Tasks (m-block × run of panels) are split over the context's threads as in GemmDriver. Each panel is walked one
// k-block (8 KB) at a time through every row tile of the m-block, as the fp32 driver does: the first tile streams the
// block from DRAM while the others reuse it from L1 (a tile that ran the whole depth before the next re-read the panel
// from L2 and left the DRAM stream idle meanwhile: at M = 16 the weights then streamed at 14 GB/s against BF16's 23).
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

    /// <summary>The −128·Σq_x correction of the weights' u8 offset dropped.</summary>
    DropOffsetCorrection,
}

/// <summary>Plans and runs one int8 GEMM over the context's threads.</summary>
internal static unsafe class Int8GemmDriver
{
    /// <summary>k per activation scale (a multiple of the 4-k group): per-row scales lose too much to outlier channels (docs/int8.md).</summary>
    internal const int KBlock = 256;

    private const int MBlock = 96; // a multiple of every int8 kernel's row count (6, 4)
    private const int MaxChunkPanels = 16;
    private const int QuantizeRowsPerTask = 16;

    /// <summary>
    /// A deliberate fault for the model-level fidelity tests, in effect for the GEMMs of the current call flow only (so
    /// tests running beside it are unaffected); always <see cref="Int8Mutation.None"/> outside tests.
    /// </summary>
    internal static readonly AsyncLocal<Int8Mutation> TestMutation = new();

    /// <summary>
    /// An int8 micro-kernel (a, lda, groups, panel, f, mr, scales, sums, stride, first) over one k-block: the fp32 tile
    /// f[r, 0..32) (+)= (float)(Σ_block q_x·u_w − 128·Σ_block q_x) · s_x for r &lt; Rows (rows ≥ mr repeat row mr − 1).
    /// </summary>
    public static delegate*<sbyte*, nint, int, byte*, float*, int, float*, int*, nint, bool, void> Kernel(ComputeContext context, out int rows)
    {
        if (context.Vnni)
        {
            rows = Int8KernelVnni.Rows;
            return &Int8KernelVnni.Run;
        }

        if (context.Tier == IsaTier.Avx512)
        {
            rows = Int8KernelAvx512.Rows;
            return &Int8KernelAvx512.Run;
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
        => Run(x, rows, w, w.Rows, bias, y, [], context, accumulate, mutation);

    /// <summary>
    /// The same, with W's outputs from <paramref name="outputs"/> on written to <paramref name="side"/>
    /// [rows, W.Rows − outputs] without bias instead of to y [rows, outputs] (Gemm.MultiplySplit checks that the split
    /// falls on a panel boundary and that nothing is accumulated).
    /// </summary>
    public static void Run(ReadOnlySpan<float> x, int rows, WeightMatrix w, int outputs, ReadOnlySpan<float> bias, Span<float> y, Span<float> side, ComputeContext context, bool accumulate = false, Int8Mutation mutation = Int8Mutation.None)
    {
        int n = w.Rows, k = w.Columns; // k > 0: Gemm.Multiply answers K = 0 itself
        if (rows == 0 || n == 0)
        {
            return;
        }

        int depth = w.Int8Depth;
        int blocks = (k + KBlock - 1) / KBlock;
        var job = new Job
        {
            M = rows,
            N = n,
            K = k,
            Depth = depth,
            Blocks = blocks,
            PanelCount = w.PanelCount,
            Accumulate = accumulate,
            Vector = context.Tier >= IsaTier.Avx2,
            Mutation = mutation,
            Passes = w.Int8ResidualActivations ? 2 : 1,
            Outputs = outputs,
            SideWidth = n - outputs,
        };
        job.Kernel = Kernel(context, out job.KernelRows);
        job.MBlocks = (rows + MBlock - 1) / MBlock;
        int threads = context.Threads;
        int panels = job.PanelCount;
        int target = threads == 1 ? 1 : threads * 4;
        int chunks = Math.Max((panels + MaxChunkPanels - 1) / MaxChunkPanels, Math.Min(panels, (target + job.MBlocks - 1) / job.MBlocks));
        job.ChunkPanels = (panels + chunks - 1) / chunks;
        job.Chunks = (panels + job.ChunkPanels - 1) / job.ChunkPanels;

        // Pass p's codes, scales and sums live at p·rows·depth, p·rows·blocks.
        byte[] codes = ArrayPool<byte>.Shared.Rent(job.Passes * rows * depth);
        float[] scales = ArrayPool<float>.Shared.Rent(job.Passes * rows * blocks);
        int[] sums = ArrayPool<int>.Shared.Rent(job.Passes * rows * blocks);
        try
        {
            fixed (float* px = x, pb = bias, py = y, pside = side, pxs = scales, pws = w.Int8Scales)
            fixed (byte* pq = codes, pw = w.PackedInt8)
            fixed (int* pxsum = sums)
            {
                job.X = px;
                job.Codes = (sbyte*)pq;
                job.RowScales = pxs;
                job.RowSums = pxsum;
                job.Bias = bias.IsEmpty ? null : pb;
                job.Y = py;
                job.Side = pside;
                job.Panels = pw;
                job.WeightScales = pws;

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
            ArrayPool<int>.Shared.Return(sums);
            ArrayPool<float>.Shared.Return(scales);
            ArrayPool<byte>.Shared.Return(codes);
        }
    }

    /// <summary>
    /// y[r, j] = f[r, j] · weightScales[j], + bias[j] or + y[r, j] (accumulate). Vector and scalar forms give the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Epilogue(float* f, int mr, int nr, float* weightScales, float* bias, float* y, nint ldy, bool accumulate, bool vector, Int8Mutation mutation)
    {
        float scaleFactor = mutation == Int8Mutation.DoubleWeightScale ? 2f : 1f;
        for (int r = 0; r < mr; r++)
        {
            float* fr = f + (r * WeightMatrix.PanelWidth);
            float* yr = y + (r * ldy);
            int j = 0;
            if (vector && scaleFactor == 1f && Vector256.IsHardwareAccelerated)
            {
                for (; j <= nr - 8; j += 8)
                {
                    var v = Vector256.Load(fr + j) * Vector256.Load(weightScales + j);
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
                float v = fr[j] * (weightScales[j] * scaleFactor);
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
        public sbyte* Codes;
        public float* RowScales;
        public int* RowSums;
        public float* Bias;
        public float* Y;
        public float* Side;
        public byte* Panels;
        public float* WeightScales;
        public int M;
        public int N;
        public int Outputs; // y's row length; the columns from here on go to Side
        public int SideWidth;
        public int K;
        public int Depth;
        public int Blocks;
        public int PanelCount;
        public int MBlocks;
        public int Chunks;
        public int ChunkPanels;
        public int KernelRows;
        public bool Accumulate;
        public bool Vector;
        public int Passes;
        public Int8Mutation Mutation;
        public delegate*<sbyte*, nint, int, byte*, float*, int, float*, int*, nint, bool, void> Kernel;

        public void Quantize(int task)
        {
            int r0 = task * QuantizeRowsPerTask, r1 = Math.Min(M, r0 + QuantizeRowsPerTask);
            float[]? remainder = Passes == 2 ? ArrayPool<float>.Shared.Rent(K) : null;
            for (int r = r0; r < r1; r++)
            {
                float* xr = X + ((long)r * K);
                sbyte* q = Codes + ((long)r * Depth);
                float* scales = RowScales + ((long)r * Blocks);
                int* sums = RowSums + ((long)r * Blocks);
                Int8Quantizer.QuantizeActivations(xr, K, q, Depth, KBlock, scales, sums, Vector);
                if (remainder != null)
                {
                    // Second pass: the codes of what the first left over, x − s₁·q₁ (|·| ≤ s₁/2 per block).
                    long pass = (long)M * Depth, passBlocks = (long)M * Blocks;
                    fixed (float* rest = remainder)
                    {
                        Int8Quantizer.Remainder(xr, K, q, KBlock, scales, rest);
                        Int8Quantizer.QuantizeActivations(rest, K, q + pass, Depth, KBlock, scales + passBlocks, sums + passBlocks, Vector);
                    }
                }

                if (Mutation == Int8Mutation.DropOffsetCorrection)
                {
                    for (int p = 0; p < Passes; p++)
                    {
                        new Span<int>(sums + ((long)p * M * Blocks), Blocks).Clear();
                    }
                }
            }

            if (remainder != null)
            {
                ArrayPool<float>.Shared.Return(remainder);
            }
        }

        [SkipLocalsInit]
        public void Execute(int task)
        {
            const int width = WeightMatrix.PanelWidth, blockGroups = KBlock / WeightMatrix.Int8Group;
            int mBlock = task / Chunks, chunk = task % Chunks;
            int r0 = mBlock * MBlock, rows = Math.Min(MBlock, M - r0);
            int p0 = chunk * ChunkPanels, p1 = Math.Min(PanelCount, p0 + ChunkPanels);
            int groups = Depth / WeightMatrix.Int8Group;
            long pass = (long)M * Depth, passBlocks = (long)M * Blocks;

            // f [pass, tiles · KernelRows, 32]: each row tile's fp32 sums until the panel's last k-block. Not cleared
            // (SkipLocalsInit): block 0 of every tile writes its rows before anything reads them.
            int tileRows = (rows + KernelRows - 1) / KernelRows * KernelRows;
            float* f = stackalloc float[Passes * tileRows * width];
            float* f2 = f + (tileRows * width);
            for (int p = p0; p < p1; p++)
            {
                byte* panel = Panels + ((long)p * Depth * width);
                int col = p * width;
                int nr = Math.Min(width, N - col);
                for (int block = 0, g0 = 0; g0 < groups; block++, g0 += blockGroups)
                {
                    int count = Math.Min(blockGroups, groups - g0);
                    byte* b = panel + ((long)g0 * width * WeightMatrix.Int8Group);
                    for (int i = 0; i < rows; i += KernelRows)
                    {
                        int mr = Math.Min(KernelRows, rows - i);
                        long row = r0 + i;
                        sbyte* a = Codes + (row * Depth) + (g0 * WeightMatrix.Int8Group);
                        float* scales = RowScales + (row * Blocks) + block;
                        int* sums = RowSums + (row * Blocks) + block;
                        Kernel(a, Depth, count, b, f + (i * width), mr, scales, sums, Blocks, block == 0);
                        if (Passes == 2)
                        {
                            // The remainder's codes on the same k-block, while it is in L1.
                            Kernel(a + pass, Depth, count, b, f2 + (i * width), mr, scales + passBlocks, sums + passBlocks, Blocks, block == 0);
                        }
                    }
                }

                bool side = col >= Outputs;
                nint ldy = side ? SideWidth : Outputs;
                float* yTile = side ? Side + ((long)r0 * SideWidth) + (col - Outputs) : Y + ((long)r0 * Outputs) + col;
                Epilogue(f, rows, nr, WeightScales + col, Bias == null || side ? null : Bias + col, yTile, ldy, Accumulate, Vector, Mutation);
                if (Passes == 2)
                {
                    // The remainder's product is added to y (bias already in).
                    Epilogue(f2, rows, nr, WeightScales + col, null, yTile, ldy, accumulate: true, Vector, Mutation);
                }
            }
        }
    }
}
