// AVX-512 GEMM micro-kernel: an 8 × 32 tile of y in 16 zmm accumulators, fp32 FMA over one k-block.
// x rows are read in place (broadcast), the weight panel is streamed and widened per k (issue #4).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>8 × 32 micro-kernel for AVX-512F.</summary>
internal static unsafe class GemmKernelAvx512
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 8;

    // Weights stream from DRAM when few rows share them; prefetching a few KB ahead keeps the stream busy (issue #4).
    private const int PrefetchBytes = 4096;

    /// <summary>Computes tile += x[0..mr, 0..kc] · panel[0..kc, 0..32] and merges it into c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TPanel>(float* a, nint lda, int kc, byte* b, float* c, nint ldc, int mr, int nr, float* bias, bool accumulate)
        where TPanel : struct, IPanelFormat
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        float* a0 = a;
        float* a1 = a + (lda * Math.Min(1, mr - 1));
        float* a2 = a + (lda * Math.Min(2, mr - 1));
        float* a3 = a + (lda * Math.Min(3, mr - 1));
        float* a4 = a + (lda * Math.Min(4, mr - 1));
        float* a5 = a + (lda * Math.Min(5, mr - 1));
        float* a6 = a + (lda * Math.Min(6, mr - 1));
        float* a7 = a + (lda * Math.Min(7, mr - 1));
        nint step = TPanel.RowBytes;
        Vector512<float> va;
        for (int p = 0; p < kc; p++)
        {
            Sse.Prefetch0(b + PrefetchBytes);
            TPanel.Load512(b, out var b0, out var b1);
            b += step;
            va = Vector512.Create(a0[p]);
            c00 = Avx512F.FusedMultiplyAdd(va, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(va, b1, c01);
            va = Vector512.Create(a1[p]);
            c10 = Avx512F.FusedMultiplyAdd(va, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(va, b1, c11);
            va = Vector512.Create(a2[p]);
            c20 = Avx512F.FusedMultiplyAdd(va, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(va, b1, c21);
            va = Vector512.Create(a3[p]);
            c30 = Avx512F.FusedMultiplyAdd(va, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(va, b1, c31);
            va = Vector512.Create(a4[p]);
            c40 = Avx512F.FusedMultiplyAdd(va, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(va, b1, c41);
            va = Vector512.Create(a5[p]);
            c50 = Avx512F.FusedMultiplyAdd(va, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(va, b1, c51);
            va = Vector512.Create(a6[p]);
            c60 = Avx512F.FusedMultiplyAdd(va, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(va, b1, c61);
            va = Vector512.Create(a7[p]);
            c70 = Avx512F.FusedMultiplyAdd(va, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(va, b1, c71);
        }

        if (mr == Rows && nr == 32)
        {
            Store(c + (0 * ldc), c00, c01, bias, accumulate);
            Store(c + (1 * ldc), c10, c11, bias, accumulate);
            Store(c + (2 * ldc), c20, c21, bias, accumulate);
            Store(c + (3 * ldc), c30, c31, bias, accumulate);
            Store(c + (4 * ldc), c40, c41, bias, accumulate);
            Store(c + (5 * ldc), c50, c51, bias, accumulate);
            Store(c + (6 * ldc), c60, c61, bias, accumulate);
            Store(c + (7 * ldc), c70, c71, bias, accumulate);
        }
        else
        {
            float* tile = stackalloc float[Rows * 32];
            Vector512.Store(c00, tile + 0);
            Vector512.Store(c01, tile + 16);
            Vector512.Store(c10, tile + 32);
            Vector512.Store(c11, tile + 48);
            Vector512.Store(c20, tile + 64);
            Vector512.Store(c21, tile + 80);
            Vector512.Store(c30, tile + 96);
            Vector512.Store(c31, tile + 112);
            Vector512.Store(c40, tile + 128);
            Vector512.Store(c41, tile + 144);
            Vector512.Store(c50, tile + 160);
            Vector512.Store(c51, tile + 176);
            Vector512.Store(c60, tile + 192);
            Vector512.Store(c61, tile + 208);
            Vector512.Store(c70, tile + 224);
            Vector512.Store(c71, tile + 240);
            GemmTile.Merge(tile, 32, c, ldc, mr, nr, bias, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> low, Vector512<float> high, float* bias, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector512.Load(c);
            high += Vector512.Load(c + 16);
        }
        else if (bias != null)
        {
            low += Vector512.Load(bias);
            high += Vector512.Load(bias + 16);
        }

        Vector512.Store(low, c);
        Vector512.Store(high, c + 16);
    }
}
