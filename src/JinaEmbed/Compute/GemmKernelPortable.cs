// Portable GEMM micro-kernel on Vector<T>: a 4 × 32 tile of y, computed in column slices of
// Vector<float>.Count outputs (and the matching slice 16 further on), fp32 FMA (issue #4).
using System.Numerics;
using System.Runtime.CompilerServices;

namespace JinaEmbed.Compute;

/// <summary>4 × 32 micro-kernel for any SIMD width (16 must be a multiple of Vector&lt;float&gt;.Count).</summary>
internal static unsafe class GemmKernelPortable
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 4;

    /// <summary>Computes tile += x[0..mr, 0..kc] · panel[0..kc, 0..32] and merges it into c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TPanel>(float* a, nint lda, int kc, byte* b, float* c, nint ldc, int mr, int nr, float* bias, bool accumulate)
        where TPanel : struct, IPanelFormat
    {
        float* a0 = a;
        float* a1 = a + (lda * Math.Min(1, mr - 1));
        float* a2 = a + (lda * Math.Min(2, mr - 1));
        float* a3 = a + (lda * Math.Min(3, mr - 1));
        nint step = TPanel.RowBytes;
        int width = Vector<float>.Count;
        float* tile = stackalloc float[Rows * 32];
        for (int word = 0; word < 16; word += width)
        {
            Vector<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector<float> c20 = default, c21 = default, c30 = default, c31 = default;
            byte* bp = b;
            for (int p = 0; p < kc; p++)
            {
                TPanel.LoadVector(bp, word, out var b0, out var b1);
                bp += step;
                var va = new Vector<float>(a0[p]);
                c00 = Vector.FusedMultiplyAdd(va, b0, c00);
                c01 = Vector.FusedMultiplyAdd(va, b1, c01);
                va = new Vector<float>(a1[p]);
                c10 = Vector.FusedMultiplyAdd(va, b0, c10);
                c11 = Vector.FusedMultiplyAdd(va, b1, c11);
                va = new Vector<float>(a2[p]);
                c20 = Vector.FusedMultiplyAdd(va, b0, c20);
                c21 = Vector.FusedMultiplyAdd(va, b1, c21);
                va = new Vector<float>(a3[p]);
                c30 = Vector.FusedMultiplyAdd(va, b0, c30);
                c31 = Vector.FusedMultiplyAdd(va, b1, c31);
            }

            Vector.Store(c00, tile + word);
            Vector.Store(c01, tile + 16 + word);
            Vector.Store(c10, tile + 32 + word);
            Vector.Store(c11, tile + 48 + word);
            Vector.Store(c20, tile + 64 + word);
            Vector.Store(c21, tile + 80 + word);
            Vector.Store(c30, tile + 96 + word);
            Vector.Store(c31, tile + 112 + word);
        }

        GemmTile.Merge(tile, 32, c, ldc, mr, nr, bias, accumulate);
    }
}
