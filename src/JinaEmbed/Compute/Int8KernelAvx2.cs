// AVX2 int8 micro-kernel for processors without VNNI (issue #15): u8 weights (q + 128) and s8 activations are widened
// to int16 and multiplied with pmaddwd (i16 × i16 → i32, pairs summed in 32 bits), which cannot saturate: 255·127·2 <
// 2³¹. pmaddubsw (u8 × s8 → i16 with saturation) would clip at 255·127·2 = 64770. A 6 × 32 tile in quarters of 8 outputs.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>6 × 32 int8 micro-kernel for AVX2 without VNNI.</summary>
internal static unsafe class Int8KernelAvx2
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 6;

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
        for (int quarter = 0; quarter < 4; quarter++)
        {
            byte* bp = b + (8 * WeightMatrix.Int8Group * quarter);
            float* fq = f + (8 * quarter);

            // Lanes of cX0: (output 0, k 0+1), (0, k 2+3), (1, …), …, (3, …); cX1 the same for outputs 4…7.
            Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            for (int g = 0; g < groups; g++)
            {
                var w0 = Avx2.ConvertToVector256Int16(bp);
                var w1 = Avx2.ConvertToVector256Int16(bp + 16);
                bp += WeightMatrix.PanelWidth * WeightMatrix.Int8Group;
                int o = g * WeightMatrix.Int8Group;
                var va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a0 + o)).AsSByte());
                c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(va, w0));
                c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a1 + o)).AsSByte());
                c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(va, w0));
                c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a2 + o)).AsSByte());
                c20 = Avx2.Add(c20, Avx2.MultiplyAddAdjacent(va, w0));
                c21 = Avx2.Add(c21, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a3 + o)).AsSByte());
                c30 = Avx2.Add(c30, Avx2.MultiplyAddAdjacent(va, w0));
                c31 = Avx2.Add(c31, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a4 + o)).AsSByte());
                c40 = Avx2.Add(c40, Avx2.MultiplyAddAdjacent(va, w0));
                c41 = Avx2.Add(c41, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a5 + o)).AsSByte());
                c50 = Avx2.Add(c50, Avx2.MultiplyAddAdjacent(va, w0));
                c51 = Avx2.Add(c51, Avx2.MultiplyAddAdjacent(va, w1));
            }

            Int8Fold.Fold8(fq + (0 * width), Pairs(c00, c01), scales[0], sums[0], first);
            Int8Fold.Fold8(fq + (1 * width), Pairs(c10, c11), scales[o1], sums[o1], first);
            Int8Fold.Fold8(fq + (2 * width), Pairs(c20, c21), scales[o2], sums[o2], first);
            Int8Fold.Fold8(fq + (3 * width), Pairs(c30, c31), scales[o3], sums[o3], first);
            Int8Fold.Fold8(fq + (4 * width), Pairs(c40, c41), scales[o4], sums[o4], first);
            Int8Fold.Fold8(fq + (5 * width), Pairs(c50, c51), scales[o5], sums[o5], first);
        }
    }

    // Sums each output's two pair-lanes: hadd gives (o0, o1, o4, o5 | o2, o3, o6, o7); the qword permute restores order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Pairs(Vector256<int> low, Vector256<int> high) =>
        Avx2.Permute4x64(Avx2.HorizontalAdd(low, high).AsInt64(), 0b11_01_10_00).AsInt32();
}
