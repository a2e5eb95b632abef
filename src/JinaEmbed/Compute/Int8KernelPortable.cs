// Portable int8 micro-kernel: plain integer loops over the packed panel (issue #15). Exact, like every int8 tier.
using System.Runtime.CompilerServices;

namespace JinaEmbed.Compute;

/// <summary>4 × 32 scalar int8 micro-kernel.</summary>
internal static unsafe class Int8KernelPortable
{
    /// <summary>Rows of x per tile.</summary>
    public const int Rows = 4;

    /// <summary>One k-block of a 4 × 32 tile, as <see cref="Int8KernelVnni.Run"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(sbyte* a, nint lda, int groups, byte* b, float* f, int mr, float* scales, int* sums, nint stride, bool first)
    {
        const int width = WeightMatrix.PanelWidth, group = WeightMatrix.Int8Group;
        int* t = stackalloc int[width];
        for (int r = 0; r < Rows; r++)
        {
            int source = Math.Min(r, mr - 1);
            sbyte* ar = a + (lda * source);
            new Span<int>(t, width).Clear();
            for (int g = 0; g < groups; g++)
            {
                byte* bg = b + ((long)g * width * group);
                int a0 = ar[(g * group) + 0], a1 = ar[(g * group) + 1], a2 = ar[(g * group) + 2], a3 = ar[(g * group) + 3];
                for (int j = 0; j < width; j++)
                {
                    byte* w = bg + (j * group);
                    t[j] += (a0 * w[0]) + (a1 * w[1]) + (a2 * w[2]) + (a3 * w[3]);
                }
            }

            Int8Fold.FoldScalar(f + (r * width), t, width, scales[source * stride], sums[source * stride], first);
        }
    }
}
