// Blocking and threading around the GEMM micro-kernels: tasks are (block of ≤ 96 rows) × (run of
// panels); each task walks k in blocks of 256 so one panel slice (16 KB BF16) stays in L1 while the
// x block (≤ 96 KB) stays in L2, accumulating into y between k-blocks (issue #4). Every row of y is the
// same sums in the same order whatever M, the row's tile or the thread split (reproducible vectors, issue #17).
namespace JinaEmbed.Compute;

/// <summary>Plans and runs one GEMM over the context's threads.</summary>
internal static unsafe class GemmDriver
{
    private const int KBlock = 256;
    private const int MBlock = 96; // a multiple of every kernel's row count (8, 6, 4)
    private const int MaxChunkPanels = 16;
    private const int SmallRows = 32; // at most this many rows: each panel's k-blocks back to back (one weight stream)

    // A product this small (a LoRA delta's [16, r]·[r, 4096] is 0.26 M) takes a few µs on one core: waking the workers
    // would cost as much as the work. Which thread runs a tile never changes its bits.
    private const long InlineMultiplyAdds = 1 << 19;

    /// <summary>The fp32-panel micro-kernel of a tier and its row count (reused by attention).</summary>
    public static delegate*<float*, nint, int, byte*, float*, nint, int, int, float*, bool, void> Float32Kernel(IsaTier tier, out int rows)
    {
        switch (tier)
        {
            case IsaTier.Avx512:
                rows = GemmKernelAvx512.Rows;
                return &GemmKernelAvx512.Run<Float32Panel>;
            case IsaTier.Avx2:
                rows = GemmKernelAvx2.Rows;
                return &GemmKernelAvx2.Run<Float32Panel>;
            default:
                rows = GemmKernelPortable.Rows;
                return &GemmKernelPortable.Run<Float32Panel>;
        }
    }

    public static void Run(ReadOnlySpan<float> x, int rows, WeightMatrix w, ReadOnlySpan<float> bias, Span<float> y, ComputeContext context, bool accumulate = false)
    {
        int n = w.Rows, k = w.Columns; // k > 0: Gemm.Multiply answers K = 0 itself
        if (rows == 0 || n == 0)
        {
            return;
        }

        bool bf16 = w.IsBFloat16;
        var job = new Job
        {
            M = rows,
            N = n,
            K = k,
            PanelCount = w.PanelCount,
            RowBytes = bf16 ? BFloat16Panel.RowBytes : Float32Panel.RowBytes,
            PanelOuter = rows <= SmallRows,
            Accumulate = accumulate,
        };
        switch (context.Tier)
        {
            case IsaTier.Avx512:
                job.Kernel = bf16 ? &GemmKernelAvx512.Run<BFloat16Panel> : &GemmKernelAvx512.Run<Float32Panel>;
                job.KernelRows = GemmKernelAvx512.Rows;
                break;
            case IsaTier.Avx2:
                job.Kernel = bf16 ? &GemmKernelAvx2.Run<BFloat16Panel> : &GemmKernelAvx2.Run<Float32Panel>;
                job.KernelRows = GemmKernelAvx2.Rows;
                break;
            default:
                job.Kernel = bf16 ? &GemmKernelPortable.Run<BFloat16Panel> : &GemmKernelPortable.Run<Float32Panel>;
                job.KernelRows = GemmKernelPortable.Rows;
                break;
        }

        job.MBlocks = (rows + MBlock - 1) / MBlock;
        int threads = context.Threads;
        int panels = job.PanelCount;
        int target = threads == 1 ? 1 : threads * 4;
        int chunks = Math.Max((panels + MaxChunkPanels - 1) / MaxChunkPanels, Math.Min(panels, (target + job.MBlocks - 1) / job.MBlocks));
        job.ChunkPanels = (panels + chunks - 1) / chunks;
        job.Chunks = (panels + job.ChunkPanels - 1) / job.ChunkPanels;

        fixed (float* px = x, pb = bias, py = y)
        fixed (ushort* wb = w.PackedBFloat16)
        fixed (float* wf = w.PackedFloat32)
        {
            job.X = px;
            job.Bias = bias.IsEmpty ? null : pb;
            job.Y = py;
            job.Panels = bf16 ? (byte*)wb : (byte*)wf;
            int tasks = job.MBlocks * job.Chunks;
            if (tasks == 1 || threads == 1 || (long)rows * n * k <= InlineMultiplyAdds)
            {
                for (int t = 0; t < tasks; t++)
                {
                    job.Execute(t);
                }
            }
            else
            {
                context.For(tasks, job.Execute);
            }
        }
    }

    private sealed class Job
    {
        public float* X;
        public float* Bias;
        public float* Y;
        public byte* Panels;
        public int M;
        public int N;
        public int K;
        public int PanelCount;
        public int RowBytes;
        public int MBlocks;
        public int Chunks;
        public int ChunkPanels;
        public int KernelRows;
        public bool PanelOuter;
        public bool Accumulate;
        public delegate*<float*, nint, int, byte*, float*, nint, int, int, float*, bool, void> Kernel;

        public void Execute(int task)
        {
            int mBlock = task / Chunks, chunk = task % Chunks;
            int r0 = mBlock * MBlock, rows = Math.Min(MBlock, M - r0);
            int p0 = chunk * ChunkPanels, p1 = Math.Min(PanelCount, p0 + ChunkPanels);
            if (PanelOuter)
            {
                // Few rows share each weight: walk a panel's k-blocks back to back so its bytes stream in order.
                for (int p = p0; p < p1; p++)
                {
                    for (int kb = 0; kb < K; kb += KBlock)
                    {
                        Block(r0, rows, p, kb);
                    }
                }
            }
            else
            {
                for (int kb = 0; kb < K; kb += KBlock)
                {
                    for (int p = p0; p < p1; p++)
                    {
                        Block(r0, rows, p, kb);
                    }
                }
            }
        }

        // Rows [r0, r0 + rows) × panel p over k-block kb. The k-blocks of every row are summed in the same order (y
        // after block 0, + block 1, …) whichever loop order runs them, so a row's bits do not depend on M.
        private void Block(int r0, int rows, int p, int kb)
        {
            nint lda = K, ldy = N;
            int kc = Math.Min(KBlock, K - kb);
            bool accumulate = Accumulate || kb > 0;
            byte* b = Panels + ((((long)p * K) + kb) * RowBytes);
            int col = p * WeightMatrix.PanelWidth;
            int nr = Math.Min(WeightMatrix.PanelWidth, N - col);
            float* bias = !accumulate && Bias != null ? Bias + col : null;
            for (int i = 0; i < rows; i += KernelRows)
            {
                int mr = Math.Min(KernelRows, rows - i);
                Kernel(X + ((r0 + i) * lda) + kb, lda, kc, b, Y + ((r0 + i) * ldy) + col, ldy, mr, nr, bias, accumulate);
            }
        }
    }
}
