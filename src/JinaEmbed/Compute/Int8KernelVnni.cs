// AVX-VNNI int8 micro-kernel (issue #15): a 6 × 32 tile in two halves of 16 outputs, 12 ymm int32 accumulators each;
// vpdpbusd multiplies the 4 u8 weights (q + 128) of each output by the 4 s8 activations of one k group (broadcast)
// and adds the four products to the output's 32-bit lane (non-saturating; |Σ| ≤ 255·127·256 per block stays far inside int32).
// After each k-block of the activations' scales the int32 sums are folded into the fp32 tile (Int8Fold).
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

    /// <summary>f[r, j] = Σ_blocks (float)(Σ_block a[r, k]·b[k, j] − 128·Σ_block a[r, k]) · s_x[r, block] (see Int8Fold).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(sbyte* a, nint lda, int depth, byte* b, float* f, int mr, float* scales, int* sums, int blocks)
    {
        const int width = WeightMatrix.PanelWidth, blockGroups = Int8GemmDriver.KBlock / WeightMatrix.Int8Group;
        int groups = depth / WeightMatrix.Int8Group;
        int o1 = blocks * Math.Min(1, mr - 1), o2 = blocks * Math.Min(2, mr - 1), o3 = blocks * Math.Min(3, mr - 1);
        int o4 = blocks * Math.Min(4, mr - 1), o5 = blocks * Math.Min(5, mr - 1);
        sbyte* a0 = a;
        sbyte* a1 = a + (lda * Math.Min(1, mr - 1));
        sbyte* a2 = a + (lda * Math.Min(2, mr - 1));
        sbyte* a3 = a + (lda * Math.Min(3, mr - 1));
        sbyte* a4 = a + (lda * Math.Min(4, mr - 1));
        sbyte* a5 = a + (lda * Math.Min(5, mr - 1));
        for (int half = 0; half < 2; half++)
        {
            byte* bp = b + (16 * WeightMatrix.Int8Group * half);
            float* fh = f + (16 * half);
            for (int block = 0, g0 = 0; g0 < groups; block++, g0 += blockGroups)
            {
                Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
                Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
                int g1 = Math.Min(groups, g0 + blockGroups);
                for (int g = g0; g < g1; g++)
                {
                    Sse.Prefetch0(bp + PrefetchBytes);
                    var w0 = Vector256.Load(bp);
                    var w1 = Vector256.Load(bp + 32);
                    bp += WeightMatrix.PanelWidth * WeightMatrix.Int8Group;
                    int o = g * WeightMatrix.Int8Group;
                    var va = Vector256.Create(*(int*)(a0 + o)).AsSByte();
                    c00 = AvxVnni.MultiplyWideningAndAdd(c00, w0, va);
                    c01 = AvxVnni.MultiplyWideningAndAdd(c01, w1, va);
                    va = Vector256.Create(*(int*)(a1 + o)).AsSByte();
                    c10 = AvxVnni.MultiplyWideningAndAdd(c10, w0, va);
                    c11 = AvxVnni.MultiplyWideningAndAdd(c11, w1, va);
                    va = Vector256.Create(*(int*)(a2 + o)).AsSByte();
                    c20 = AvxVnni.MultiplyWideningAndAdd(c20, w0, va);
                    c21 = AvxVnni.MultiplyWideningAndAdd(c21, w1, va);
                    va = Vector256.Create(*(int*)(a3 + o)).AsSByte();
                    c30 = AvxVnni.MultiplyWideningAndAdd(c30, w0, va);
                    c31 = AvxVnni.MultiplyWideningAndAdd(c31, w1, va);
                    va = Vector256.Create(*(int*)(a4 + o)).AsSByte();
                    c40 = AvxVnni.MultiplyWideningAndAdd(c40, w0, va);
                    c41 = AvxVnni.MultiplyWideningAndAdd(c41, w1, va);
                    va = Vector256.Create(*(int*)(a5 + o)).AsSByte();
                    c50 = AvxVnni.MultiplyWideningAndAdd(c50, w0, va);
                    c51 = AvxVnni.MultiplyWideningAndAdd(c51, w1, va);
                }

                bool first = block == 0;
                Int8Fold.Fold16(fh + (0 * width), c00, c01, scales[block], sums[block], first);
                Int8Fold.Fold16(fh + (1 * width), c10, c11, scales[o1 + block], sums[o1 + block], first);
                Int8Fold.Fold16(fh + (2 * width), c20, c21, scales[o2 + block], sums[o2 + block], first);
                Int8Fold.Fold16(fh + (3 * width), c30, c31, scales[o3 + block], sums[o3 + block], first);
                Int8Fold.Fold16(fh + (4 * width), c40, c41, scales[o4 + block], sums[o4 + block], first);
                Int8Fold.Fold16(fh + (5 * width), c50, c51, scales[o5 + block], sums[o5 + block], first);
            }
        }
    }
}
