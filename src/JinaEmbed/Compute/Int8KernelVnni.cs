// AVX-VNNI int8 micro-kernel (issue #15): a 4 × 32 tile in 16 ymm int32 accumulators (4 per row, 8 outputs each);
// vpdpbusd multiplies the 4 u8 weights (q + 128) of each output by the 4 s8 activations of one k group (broadcast)
// and adds the four products to the output's 32-bit lane (non-saturating; |Σ| ≤ 255·127·256 per block stays far inside int32).
// Four rows read each k group's whole 128-byte weight row, so the panel streams in order (a 6 × 32 tile needs 24
// accumulators, more than the 16 the JIT keeps them in, and in two halves of 16 outputs read every other cache line);
// 16 rows are four full tiles. After each k-block the int32 sums are folded into the fp32 tile (Int8Fold).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>4 × 32 int8 micro-kernel for AVX-VNNI.</summary>
internal static unsafe class Int8KernelVnni
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 4;

    // Weights stream from DRAM when few rows share them; prefetch a few KB ahead as the fp32 kernels do.
    private const int PrefetchBytes = 8192;

    /// <summary>
    /// One k-block of a 4 × 32 tile: f[r, j] (+)= (float)(Σ_block a[r, k]·b[k, j] − 128·Σ_block a[r, k]) · s_x[r] (see
    /// Int8Fold), over <paramref name="groups"/> k-groups; row r's scale and sum at scales[r·stride], sums[r·stride];
    /// rows ≥ mr repeat row mr − 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(sbyte* a, nint lda, int groups, byte* b, float* f, int mr, float* scales, int* sums, nint stride, bool first)
    {
        const int width = WeightMatrix.PanelWidth;
        nint o1 = stride * Math.Min(1, mr - 1), o2 = stride * Math.Min(2, mr - 1), o3 = stride * Math.Min(3, mr - 1);
        sbyte* a0 = a;
        sbyte* a1 = a + (lda * Math.Min(1, mr - 1));
        sbyte* a2 = a + (lda * Math.Min(2, mr - 1));
        sbyte* a3 = a + (lda * Math.Min(3, mr - 1));
        byte* bp = b;
        Vector256<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<int> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int g = 0; g < groups; g++)
        {
            Sse.Prefetch0(bp + PrefetchBytes);
            Sse.Prefetch0(bp + PrefetchBytes + 64);
            var w0 = Vector256.Load(bp);
            var w1 = Vector256.Load(bp + 32);
            var w2 = Vector256.Load(bp + 64);
            var w3 = Vector256.Load(bp + 96);
            bp += width * WeightMatrix.Int8Group;
            int o = g * WeightMatrix.Int8Group;
            var va = Vector256.Create(*(int*)(a0 + o)).AsSByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, w0, va);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, w1, va);
            c02 = AvxVnni.MultiplyWideningAndAdd(c02, w2, va);
            c03 = AvxVnni.MultiplyWideningAndAdd(c03, w3, va);
            va = Vector256.Create(*(int*)(a1 + o)).AsSByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, w0, va);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, w1, va);
            c12 = AvxVnni.MultiplyWideningAndAdd(c12, w2, va);
            c13 = AvxVnni.MultiplyWideningAndAdd(c13, w3, va);
            va = Vector256.Create(*(int*)(a2 + o)).AsSByte();
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, w0, va);
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, w1, va);
            c22 = AvxVnni.MultiplyWideningAndAdd(c22, w2, va);
            c23 = AvxVnni.MultiplyWideningAndAdd(c23, w3, va);
            va = Vector256.Create(*(int*)(a3 + o)).AsSByte();
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, w0, va);
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, w1, va);
            c32 = AvxVnni.MultiplyWideningAndAdd(c32, w2, va);
            c33 = AvxVnni.MultiplyWideningAndAdd(c33, w3, va);
        }

        Int8Fold.Fold16(f + (0 * width), c00, c01, scales[0], sums[0], first);
        Int8Fold.Fold16(f + (0 * width) + 16, c02, c03, scales[0], sums[0], first);
        Int8Fold.Fold16(f + (1 * width), c10, c11, scales[o1], sums[o1], first);
        Int8Fold.Fold16(f + (1 * width) + 16, c12, c13, scales[o1], sums[o1], first);
        Int8Fold.Fold16(f + (2 * width), c20, c21, scales[o2], sums[o2], first);
        Int8Fold.Fold16(f + (2 * width) + 16, c22, c23, scales[o2], sums[o2], first);
        Int8Fold.Fold16(f + (3 * width), c30, c31, scales[o3], sums[o3], first);
        Int8Fold.Fold16(f + (3 * width) + 16, c32, c33, scales[o3], sums[o3], first);
    }
}
