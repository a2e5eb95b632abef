// Portable int8 micro-kernel: plain integer loops over the packed panel (issue #15). Exact, like every int8 tier.
using System.Runtime.CompilerServices;

namespace JinaEmbed.Compute;

/// <summary>4 × 32 scalar int8 micro-kernel.</summary>
internal static unsafe class Int8KernelPortable
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 4;

    /// <summary>f[r, j] = Σ_blocks (float)(Σ_block a[r, k]·b[k, j] − 128·Σ_block a[r, k]) · s_x[r, block] (see Int8Fold).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(sbyte* a, nint lda, int depth, byte* b, float* f, int mr, float* scales, int* sums, int blocks)
    {
        const int width = WeightMatrix.PanelWidth, group = WeightMatrix.Int8Group;
        const int blockGroups = Int8GemmDriver.KBlock / group;
        int groups = depth / group;
        int* t = stackalloc int[width];
        for (int r = 0; r < Rows; r++)
        {
            int source = Math.Min(r, mr - 1);
            sbyte* ar = a + (lda * source);
            float* fr = f + (r * width);
            for (int block = 0, g0 = 0; g0 < groups; block++, g0 += blockGroups)
            {
                new Span<int>(t, width).Clear();
                int g1 = Math.Min(groups, g0 + blockGroups);
                for (int g = g0; g < g1; g++)
                {
                    byte* bg = b + ((long)g * width * group);
                    int a0 = ar[(g * group) + 0], a1 = ar[(g * group) + 1], a2 = ar[(g * group) + 2], a3 = ar[(g * group) + 3];
                    for (int j = 0; j < width; j++)
                    {
                        byte* w = bg + (j * group);
                        t[j] += (a0 * w[0]) + (a1 * w[1]) + (a2 * w[2]) + (a3 * w[3]);
                    }
                }

                Int8Fold.FoldScalar(fr, t, width, scales[(source * blocks) + block], sums[(source * blocks) + block], block == 0);
            }
        }
    }
}
