using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// The vectorised RMSNorm (plain, in place, and with the fused residual add) against its scalar double-sum twin.
public class RmsNormTests
{
    private static readonly int[] Widths = [1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 64, 100, 1280, 2048];

    public static TheoryData<IsaTier> Tiers => new() { IsaTier.Portable, IsaTier.Avx2, IsaTier.Avx512 };

    [Theory]
    [MemberData(nameof(Tiers))]
    public void ApplyMatchesReferenceAcrossWidths(IsaTier tier)
    {
        var context = new ComputeContext(2, tier);
        foreach (int width in Widths)
        {
            const int rows = 37; // more than two work items of 16 rows
            var random = new Random(width);
            var x = Values(random, rows * width, 0.5, 6);
            var weight = Values(random, width, 1, 1);
            var expected = new float[x.Length];
            RmsNorm.ApplyReference(x, expected, rows, width, weight, 1e-6f);

            var output = new float[x.Length];
            RmsNorm.Apply(x, output, rows, width, weight, 1e-6f, context);
            AssertClose(expected, output, $"{tier} width {width}");

            RmsNorm.Apply(x, x, rows, width, weight, 1e-6f, context); // in place
            AssertClose(expected, x, $"{tier} width {width} in place");
        }
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void AddAndApplyAddsTheResidualInPlaceThenNormalises(IsaTier tier)
    {
        var context = new ComputeContext(2, tier);
        foreach (int width in Widths)
        {
            const int rows = 21;
            var random = new Random(width + 1);
            var x = Values(random, rows * width, 0, 4);
            var delta = Values(random, rows * width, -1, 2);
            var weight = Values(random, width, 1, 1);
            var sum = new float[x.Length];
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] = x[i] + delta[i];
            }

            var expected = new float[x.Length];
            RmsNorm.ApplyReference(sum, expected, rows, width, weight, 1e-6f);
            var output = new float[x.Length];
            RmsNorm.AddAndApply(x, delta, output, rows, width, weight, 1e-6f, context);
            Assert.Equal(sum, x); // the residual stream keeps x + delta exactly
            AssertClose(expected, output, $"{tier} width {width}");
        }
    }

    [Fact]
    public void ReferenceFollowsTheFormula()
    {
        float[] x = [3, 4];
        var output = new float[2];
        RmsNorm.ApplyReference(x, output, 1, 2, [1, 2], 0);
        float inv = 1 / MathF.Sqrt(12.5f);
        Assert.Equal(3 * inv, output[0], 6);
        Assert.Equal(8 * inv, output[1], 6);
    }

    private static float[] Values(Random random, int count, double offset, double spread)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(offset + ((random.NextDouble() - 0.5) * spread));
        }

        return values;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6 * (1 + Math.Abs(expected[i])), $"{what} index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
