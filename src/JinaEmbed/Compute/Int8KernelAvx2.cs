// AVX2 int8 micro-kernel for processors without VNNI (issue #15): weights and u8 activations are widened to int16 and
// multiplied with pmaddwd (i16 × i16 → i32, pairs summed in 32 bits), which cannot saturate: 255·127·2 < 2³¹. pmaddubsw
// (u8 × s8 → i16 with saturation) would overflow at 255·127·2 = 64770. A 6 × 32 tile in four quarters of 8 outputs.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>6 × 32 int8 micro-kernel for AVX2 without VNNI.</summary>
internal static unsafe class Int8KernelAvx2
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 6;

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
        for (int quarter = 0; quarter < 4; quarter++)
        {
            // Lanes of cX0: (output 0, k 0+1), (0, k 2+3), (1, …), …, (3, …); cX1 the same for outputs 4…7.
            Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            sbyte* bp = b + (8 * WeightMatrix.Int8Group * quarter);
            for (int g = 0; g < groups; g++)
            {
                var w0 = Avx2.ConvertToVector256Int16(bp);
                var w1 = Avx2.ConvertToVector256Int16(bp + 16);
                bp += WeightMatrix.PanelWidth * WeightMatrix.Int8Group;
                int o = g * WeightMatrix.Int8Group;
                var va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a0 + o)).AsByte()).AsInt16();
                c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(va, w0));
                c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a1 + o)).AsByte()).AsInt16();
                c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(va, w0));
                c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a2 + o)).AsByte()).AsInt16();
                c20 = Avx2.Add(c20, Avx2.MultiplyAddAdjacent(va, w0));
                c21 = Avx2.Add(c21, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a3 + o)).AsByte()).AsInt16();
                c30 = Avx2.Add(c30, Avx2.MultiplyAddAdjacent(va, w0));
                c31 = Avx2.Add(c31, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a4 + o)).AsByte()).AsInt16();
                c40 = Avx2.Add(c40, Avx2.MultiplyAddAdjacent(va, w0));
                c41 = Avx2.Add(c41, Avx2.MultiplyAddAdjacent(va, w1));
                va = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a5 + o)).AsByte()).AsInt16();
                c50 = Avx2.Add(c50, Avx2.MultiplyAddAdjacent(va, w0));
                c51 = Avx2.Add(c51, Avx2.MultiplyAddAdjacent(va, w1));
            }

            int* t = tile + (8 * quarter);
            Store(t + (0 * WeightMatrix.PanelWidth), c00, c01);
            Store(t + (1 * WeightMatrix.PanelWidth), c10, c11);
            Store(t + (2 * WeightMatrix.PanelWidth), c20, c21);
            Store(t + (3 * WeightMatrix.PanelWidth), c30, c31);
            Store(t + (4 * WeightMatrix.PanelWidth), c40, c41);
            Store(t + (5 * WeightMatrix.PanelWidth), c50, c51);
        }
    }

    // Sums each output's two pair-lanes: hadd gives (o0, o1, o4, o5 | o2, o3, o6, o7); the qword permute restores order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int* t, Vector256<int> low, Vector256<int> high)
    {
        var sums = Avx2.HorizontalAdd(low, high);
        Vector256.Store(Avx2.Permute4x64(sums.AsInt64(), 0b11_01_10_00).AsInt32(), t);
    }
}
