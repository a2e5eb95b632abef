// AVX-VNNI int8 micro-kernel (issue #15): a 6 × 32 tile in two halves of 16 outputs, 12 ymm int32 accumulators each;
// vpdpbusd multiplies the 4 u8 activations of one k group (broadcast) by the 4 s8 weights of each output and adds
// the four products to the output's 32-bit lane (non-saturating; |Σ| ≤ 255·127·K stays far inside int32).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>6 × 32 int8 micro-kernel for AVX-VNNI.</summary>
internal static unsafe class Int8KernelVnni
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 6;

    // Weights stream from DRAM when few rows share them; prefetch a few KB ahead as the fp32 kernels do.
    private const int PrefetchBytes = 4096;

    /// <summary>tile[r, j] = Σ_k a[r, k]·b[k, j] over <paramref name="groups"/> groups of 4 k (u8 × s8 → i32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(byte* a, nint lda, int groups, sbyte* b, int* tile, int mr)
    {
        byte* a0 = a;
        byte* a1 = a + (lda * Math.Min(1, mr - 1));
        byte* a2 = a + (lda * Math.Min(2, mr - 1));
        byte* a3 = a + (lda * Math.Min(3, mr - 1));
        byte* a4 = a + (lda * Math.Min(4, mr - 1));
        byte* a5 = a + (lda * Math.Min(5, mr - 1));
        for (int half = 0; half < 2; half++)
        {
            Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            sbyte* bp = b + (16 * WeightMatrix.Int8Group * half);
            for (int g = 0; g < groups; g++)
            {
                Sse.Prefetch0(bp + PrefetchBytes);
                var w0 = Vector256.Load(bp);
                var w1 = Vector256.Load(bp + 32);
                bp += WeightMatrix.PanelWidth * WeightMatrix.Int8Group;
                int o = g * WeightMatrix.Int8Group;
                var va = Vector256.Create(*(int*)(a0 + o)).AsByte();
                c00 = AvxVnni.MultiplyWideningAndAdd(c00, va, w0);
                c01 = AvxVnni.MultiplyWideningAndAdd(c01, va, w1);
                va = Vector256.Create(*(int*)(a1 + o)).AsByte();
                c10 = AvxVnni.MultiplyWideningAndAdd(c10, va, w0);
                c11 = AvxVnni.MultiplyWideningAndAdd(c11, va, w1);
                va = Vector256.Create(*(int*)(a2 + o)).AsByte();
                c20 = AvxVnni.MultiplyWideningAndAdd(c20, va, w0);
                c21 = AvxVnni.MultiplyWideningAndAdd(c21, va, w1);
                va = Vector256.Create(*(int*)(a3 + o)).AsByte();
                c30 = AvxVnni.MultiplyWideningAndAdd(c30, va, w0);
                c31 = AvxVnni.MultiplyWideningAndAdd(c31, va, w1);
                va = Vector256.Create(*(int*)(a4 + o)).AsByte();
                c40 = AvxVnni.MultiplyWideningAndAdd(c40, va, w0);
                c41 = AvxVnni.MultiplyWideningAndAdd(c41, va, w1);
                va = Vector256.Create(*(int*)(a5 + o)).AsByte();
                c50 = AvxVnni.MultiplyWideningAndAdd(c50, va, w0);
                c51 = AvxVnni.MultiplyWideningAndAdd(c51, va, w1);
            }

            int* t = tile + (16 * half);
            Store(t + (0 * WeightMatrix.PanelWidth), c00, c01);
            Store(t + (1 * WeightMatrix.PanelWidth), c10, c11);
            Store(t + (2 * WeightMatrix.PanelWidth), c20, c21);
            Store(t + (3 * WeightMatrix.PanelWidth), c30, c31);
            Store(t + (4 * WeightMatrix.PanelWidth), c40, c41);
            Store(t + (5 * WeightMatrix.PanelWidth), c50, c51);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int* t, Vector256<int> low, Vector256<int> high)
    {
        Vector256.Store(low, t);
        Vector256.Store(high, t + 8);
    }
}
