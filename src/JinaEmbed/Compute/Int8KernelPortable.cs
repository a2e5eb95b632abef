// Portable int8 micro-kernel: plain integer loops over the packed panel (issue #15). Exact, like every int8 tier.
using System.Runtime.CompilerServices;

namespace JinaEmbed.Compute;

/// <summary>4 × 32 scalar int8 micro-kernel.</summary>
internal static unsafe class Int8KernelPortable
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 4;

    /// <summary>tile[r, j] = Σ_k a[r, k]·b[k, j] over <paramref name="groups"/> groups of 4 k (u8 × s8 → i32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(byte* a, nint lda, int groups, sbyte* b, int* tile, int mr)
    {
        const int width = WeightMatrix.PanelWidth, group = WeightMatrix.Int8Group;
        for (int r = 0; r < Rows; r++)
        {
            byte* ar = a + (lda * Math.Min(r, mr - 1));
            int* t = tile + (r * width);
            new Span<int>(t, width).Clear();
            sbyte* bg = b;
            for (int g = 0; g < groups; g++, bg += width * group)
            {
                int a0 = ar[(g * group) + 0], a1 = ar[(g * group) + 1], a2 = ar[(g * group) + 2], a3 = ar[(g * group) + 3];
                for (int j = 0; j < width; j++)
                {
                    sbyte* w = bg + (j * group);
                    t[j] += (a0 * w[0]) + (a1 * w[1]) + (a2 * w[2]) + (a3 * w[3]);
                }
            }
        }
    }
}
