// AVX-512BW int8 micro-kernel for processors with AVX-512 but without AVX-VNNI (issue #15): as the AVX2 fallback,
// u8 weights and s8 activations are widened to int16 and multiplied with pmaddwd, which cannot saturate, but 512 bits
// wide: a 6 × 32 tile in 24 zmm accumulators (output o's two pair-sums in adjacent lanes), 4 widened weight vectors.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>6 × 32 int8 micro-kernel for AVX-512BW without VNNI.</summary>
internal static unsafe class Int8KernelAvx512
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 6;

    private const int PrefetchBytes = 4096;

    /// <summary>One k-block of a 6 × 32 tile, as <see cref="Int8KernelVnni.Run"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(sbyte* a, nint lda, int groups, byte* b, float* f, int mr, float* scales, int* sums, nint stride, bool first)
    {
        const int width = WeightMatrix.PanelWidth;
        nint o1 = stride * Math.Min(1, mr - 1), o2 = stride * Math.Min(2, mr - 1), o3 = stride * Math.Min(3, mr - 1);
        nint o4 = stride * Math.Min(4, mr - 1), o5 = stride * Math.Min(5, mr - 1);
        sbyte* a0 = a;
        sbyte* a1 = a + (lda * Math.Min(1, mr - 1));
        sbyte* a2 = a + (lda * Math.Min(2, mr - 1));
        sbyte* a3 = a + (lda * Math.Min(3, mr - 1));
        sbyte* a4 = a + (lda * Math.Min(4, mr - 1));
        sbyte* a5 = a + (lda * Math.Min(5, mr - 1));
        byte* bp = b;
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<int> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<int> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<int> c50 = default, c51 = default, c52 = default, c53 = default;
        for (int g = 0; g < groups; g++)
        {
            Sse.Prefetch0(bp + PrefetchBytes);
            var w0 = Avx512BW.ConvertToVector512Int16(Vector256.Load(bp));
            var w1 = Avx512BW.ConvertToVector512Int16(Vector256.Load(bp + 32));
            var w2 = Avx512BW.ConvertToVector512Int16(Vector256.Load(bp + 64));
            var w3 = Avx512BW.ConvertToVector512Int16(Vector256.Load(bp + 96));
            bp += width * WeightMatrix.Int8Group;
            int o = g * WeightMatrix.Int8Group;
            var va = Activation(a0 + o);
            c00 += Avx512BW.MultiplyAddAdjacent(va, w0);
            c01 += Avx512BW.MultiplyAddAdjacent(va, w1);
            c02 += Avx512BW.MultiplyAddAdjacent(va, w2);
            c03 += Avx512BW.MultiplyAddAdjacent(va, w3);
            va = Activation(a1 + o);
            c10 += Avx512BW.MultiplyAddAdjacent(va, w0);
            c11 += Avx512BW.MultiplyAddAdjacent(va, w1);
            c12 += Avx512BW.MultiplyAddAdjacent(va, w2);
            c13 += Avx512BW.MultiplyAddAdjacent(va, w3);
            va = Activation(a2 + o);
            c20 += Avx512BW.MultiplyAddAdjacent(va, w0);
            c21 += Avx512BW.MultiplyAddAdjacent(va, w1);
            c22 += Avx512BW.MultiplyAddAdjacent(va, w2);
            c23 += Avx512BW.MultiplyAddAdjacent(va, w3);
            va = Activation(a3 + o);
            c30 += Avx512BW.MultiplyAddAdjacent(va, w0);
            c31 += Avx512BW.MultiplyAddAdjacent(va, w1);
            c32 += Avx512BW.MultiplyAddAdjacent(va, w2);
            c33 += Avx512BW.MultiplyAddAdjacent(va, w3);
            va = Activation(a4 + o);
            c40 += Avx512BW.MultiplyAddAdjacent(va, w0);
            c41 += Avx512BW.MultiplyAddAdjacent(va, w1);
            c42 += Avx512BW.MultiplyAddAdjacent(va, w2);
            c43 += Avx512BW.MultiplyAddAdjacent(va, w3);
            va = Activation(a5 + o);
            c50 += Avx512BW.MultiplyAddAdjacent(va, w0);
            c51 += Avx512BW.MultiplyAddAdjacent(va, w1);
            c52 += Avx512BW.MultiplyAddAdjacent(va, w2);
            c53 += Avx512BW.MultiplyAddAdjacent(va, w3);
        }

        Int8Fold.Fold16(f + (0 * width), Pairs(c00, c01), scales[0], sums[0], first);
        Int8Fold.Fold16(f + (0 * width) + 16, Pairs(c02, c03), scales[0], sums[0], first);
        Int8Fold.Fold16(f + (1 * width), Pairs(c10, c11), scales[o1], sums[o1], first);
        Int8Fold.Fold16(f + (1 * width) + 16, Pairs(c12, c13), scales[o1], sums[o1], first);
        Int8Fold.Fold16(f + (2 * width), Pairs(c20, c21), scales[o2], sums[o2], first);
        Int8Fold.Fold16(f + (2 * width) + 16, Pairs(c22, c23), scales[o2], sums[o2], first);
        Int8Fold.Fold16(f + (3 * width), Pairs(c30, c31), scales[o3], sums[o3], first);
        Int8Fold.Fold16(f + (3 * width) + 16, Pairs(c32, c33), scales[o3], sums[o3], first);
        Int8Fold.Fold16(f + (4 * width), Pairs(c40, c41), scales[o4], sums[o4], first);
        Int8Fold.Fold16(f + (4 * width) + 16, Pairs(c42, c43), scales[o4], sums[o4], first);
        Int8Fold.Fold16(f + (5 * width), Pairs(c50, c51), scales[o5], sums[o5], first);
        Int8Fold.Fold16(f + (5 * width) + 16, Pairs(c52, c53), scales[o5], sums[o5], first);
    }

    // The 4 s8 activations of one k group widened to int16 and repeated across the register: (a0, a1, a2, a3) × 8.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Activation(sbyte* a) =>
        Avx512F.BroadcastScalarToVector512(Sse41.ConvertToVector128Int16(Vector128.CreateScalar(*(int*)a).AsSByte()).AsInt64()).AsInt16();

    // Lanes (o, pair 0), (o, pair 1) for outputs 0…7 of low and 8…15 of high → the 16 outputs' sums in order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Pairs(Vector512<int> low, Vector512<int> high)
    {
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        return Avx512F.PermuteVar16x32x2(low, even, high) + Avx512F.PermuteVar16x32x2(low, odd, high);
    }
}
