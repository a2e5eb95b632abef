using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

public class GemmTests
{
    public static TheoryData<IsaTier> Tiers => new() { IsaTier.Portable, IsaTier.Avx2, IsaTier.Avx512 };

    // (m, n, k): tile remainders for 8/6/4-row kernels, 32-wide panels, 256-deep k-blocks, 96-row m-blocks.
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 33, 7), (2, 31, 64), (3, 32, 1), (5, 65, 100), (7, 3, 257), (8, 32, 256), (9, 96, 513),
        (13, 100, 300), (17, 129, 31), (48, 64, 96), (97, 70, 255), (100, 200, 33), (193, 37, 260), (250, 130, 64),
    ];

    [Fact]
    public void MultiplyMatchesHandComputedProduct()
    {
        // x [2, 3], W [2, 3] → y = x·Wᵀ + b
        float[] x = [1, 2, 3, 4, 5, 6];
        var w = WeightMatrix.FromFloat32([1, 0, -1, 2, 1, 0], 2, 3);
        float[] bias = [0.5f, -1];
        var y = new float[4];
        Gemm.Multiply(x, 2, w, bias, y, ComputeContext.Default);
        Assert.Equal([-2 + 0.5f, 4 - 1, -2 + 0.5f, 13 - 1], y);
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void MultiplyAccumulateAddsTheProductToY(IsaTier tier)
    {
        // y += x·Wᵀ over odd shapes (the LoRA update's second product): equals y0 + the reference product.
        foreach (int threads in new[] { 1, 3 })
        {
            var context = new ComputeContext(threads, tier);
            foreach (var (m, n, k) in Shapes)
            {
                var random = new Random((m * 31) + (n * 17) + k);
                var weights = RandomValues(random, n * k);
                var x = RandomValues(random, m * k);
                var y = RandomValues(random, m * n);
                var expected = new float[m * n];
                Gemm.MultiplyReference(x, m, weights, n, k, [], expected);
                for (int i = 0; i < expected.Length; i++)
                {
                    expected[i] += y[i];
                }

                Gemm.MultiplyAccumulate(x, m, WeightMatrix.FromFloat32(weights, n, k), y, context);
                for (int i = 0; i < y.Length; i++)
                {
                    Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{tier} {m}×{n}×{k} [{i}]: {y[i]} vs {expected[i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void Float32MatchesReferenceOverOddShapes(IsaTier tier)
    {
        foreach (int threads in new[] { 1, 3 })
        {
            var context = new ComputeContext(threads, tier);
            foreach (var (m, n, k) in Shapes)
            {
                var random = new Random((m * 7919) + (n * 104729) + k);
                var weights = RandomValues(random, n * k);
                CheckAgainstReference(WeightMatrix.FromFloat32(weights, n, k), weights, m, random, context, withBias: (m + n) % 2 == 0);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void BFloat16MatchesReferenceOverOddShapes(IsaTier tier)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            var context = new ComputeContext(threads, tier);
            foreach (var (m, n, k) in Shapes)
            {
                var random = new Random((m * 31) + (n * 1009) + k);
                var bits = new ushort[n * k];
                var widened = new float[n * k];
                for (int i = 0; i < bits.Length; i++)
                {
                    bits[i] = (ushort)(BitConverter.SingleToInt32Bits((float)((random.NextDouble() * 2) - 1)) >> 16);
                    widened[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                }

                CheckAgainstReference(WeightMatrix.FromBFloat16(bits, n, k), widened, m, random, context, withBias: (m + n) % 2 == 1);
            }
        }
    }

    [Fact]
    public void LargeProductMatchesReferenceOnEveryTier()
    {
        // Several k-blocks, m-blocks and panel chunks at once, on a multithreaded context.
        const int m = 200, n = 300, k = 700;
        var random = new Random(7);
        var weights = RandomValues(random, n * k);
        var matrix = WeightMatrix.FromFloat32(weights, n, k);
        foreach (var tier in new[] { IsaTier.Portable, IsaTier.Avx2, IsaTier.Avx512 })
        {
            CheckAgainstReference(matrix, weights, m, new Random(11), new ComputeContext(2, tier), withBias: true);
        }
    }

    [Fact]
    public void ZeroInnerDimensionYieldsBias()
    {
        var w = WeightMatrix.FromFloat32([], 3, 0);
        var y = new float[6];
        Gemm.Multiply([], 2, w, [1, 2, 3], y, ComputeContext.Default);
        Assert.Equal([1, 2, 3, 1, 2, 3], y);
    }

    [Fact]
    public void ShortOutputIsRejected()
    {
        var w = WeightMatrix.FromFloat32(new float[6], 2, 3);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], 2, w, [], new float[3], ComputeContext.Default));
    }

    private static void CheckAgainstReference(WeightMatrix matrix, float[] weights, int m, Random random, ComputeContext context, bool withBias)
    {
        int n = matrix.Rows, k = matrix.Columns;
        var x = RandomValues(random, m * k);
        var bias = withBias ? RandomValues(random, n) : [];
        var expected = new float[m * n];
        Gemm.MultiplyReference(x, m, weights, n, k, bias, expected);
        var actual = new float[m * n];
        actual.AsSpan().Fill(float.NaN);
        Gemm.Multiply(x, m, matrix, bias, actual, context);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                // Bound for a reordered fp32 sum: k · 2⁻²³ · Σ|x·w| (+ |bias|).
                double magnitude = withBias ? Math.Abs(bias[j]) : 0;
                for (int p = 0; p < k; p++)
                {
                    magnitude += Math.Abs(x[(i * k) + p] * weights[(j * k) + p]);
                }

                double tolerance = ((k + 1) * 1.2e-7 * magnitude) + 1e-30;
                float e = expected[(i * n) + j], a = actual[(i * n) + j];
                Assert.True(Math.Abs(e - a) <= tolerance, $"{context.Tier} t{context.Threads} {m}×{n}×{k} y[{i},{j}]: expected {e}, got {a}");
            }
        }
    }

    private static float[] RandomValues(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
