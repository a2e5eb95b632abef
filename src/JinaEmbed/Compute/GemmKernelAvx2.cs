// AVX2+FMA GEMM micro-kernel: a 6 × 32 tile of y, computed as two 6 × (8 + 8) halves in 12 ymm
// accumulators each, fp32 FMA over one k-block (issue #4).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>6 × 32 micro-kernel for AVX2 + FMA.</summary>
internal static unsafe class GemmKernelAvx2
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 6;

    // Weights stream from DRAM when few rows share them; prefetching a few KB ahead keeps the stream busy (issue #4).
    private const int PrefetchBytes = 4096;

    /// <summary>Computes tile += x[0..mr, 0..kc] · panel[0..kc, 0..32] and merges it into c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TPanel>(float* a, nint lda, int kc, byte* b, float* c, nint ldc, int mr, int nr, float* bias, bool accumulate)
        where TPanel : struct, IPanelFormat
    {
        float* a0 = a;
        float* a1 = a + (lda * Math.Min(1, mr - 1));
        float* a2 = a + (lda * Math.Min(2, mr - 1));
        float* a3 = a + (lda * Math.Min(3, mr - 1));
        float* a4 = a + (lda * Math.Min(4, mr - 1));
        float* a5 = a + (lda * Math.Min(5, mr - 1));
        nint step = TPanel.RowBytes;
        bool full = mr == Rows && nr == 32;
        float* tile = stackalloc float[Rows * 32];
        for (int half = 0; half < 2; half++)
        {
            Vector256<float> c00 = default, c01 = default;
            Vector256<float> c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default;
            Vector256<float> c50 = default, c51 = default;
            byte* bp = b;
            Vector256<float> va;
            for (int p = 0; p < kc; p++)
            {
                Sse.Prefetch0(bp + PrefetchBytes);
                TPanel.Load256(bp, half, out var b0, out var b1);
                bp += step;
                va = Vector256.Create(a0[p]);
                c00 = Fma.MultiplyAdd(va, b0, c00);
                c01 = Fma.MultiplyAdd(va, b1, c01);
                va = Vector256.Create(a1[p]);
                c10 = Fma.MultiplyAdd(va, b0, c10);
                c11 = Fma.MultiplyAdd(va, b1, c11);
                va = Vector256.Create(a2[p]);
                c20 = Fma.MultiplyAdd(va, b0, c20);
                c21 = Fma.MultiplyAdd(va, b1, c21);
                va = Vector256.Create(a3[p]);
                c30 = Fma.MultiplyAdd(va, b0, c30);
                c31 = Fma.MultiplyAdd(va, b1, c31);
                va = Vector256.Create(a4[p]);
                c40 = Fma.MultiplyAdd(va, b0, c40);
                c41 = Fma.MultiplyAdd(va, b1, c41);
                va = Vector256.Create(a5[p]);
                c50 = Fma.MultiplyAdd(va, b0, c50);
                c51 = Fma.MultiplyAdd(va, b1, c51);
            }

            int off = 8 * half;
            float* dst = full ? c : tile;
            nint ld = full ? ldc : 32;
            float* bh = full && bias != null ? bias + off : null;
            Store(dst + (0 * ld) + off, c00, c01, bh, full && accumulate);
            Store(dst + (1 * ld) + off, c10, c11, bh, full && accumulate);
            Store(dst + (2 * ld) + off, c20, c21, bh, full && accumulate);
            Store(dst + (3 * ld) + off, c30, c31, bh, full && accumulate);
            Store(dst + (4 * ld) + off, c40, c41, bh, full && accumulate);
            Store(dst + (5 * ld) + off, c50, c51, bh, full && accumulate);
        }

        if (!full)
        {
            GemmTile.Merge(tile, 32, c, ldc, mr, nr, bias, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> low, Vector256<float> high, float* bias, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector256.Load(c);
            high += Vector256.Load(c + 16);
        }
        else if (bias != null)
        {
            low += Vector256.Load(bias);
            high += Vector256.Load(bias + 16);
        }

        Vector256.Store(low, c);
        Vector256.Store(high, c + 16);
    }
}
