using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// The vectorised GELU (array overload) against exact erf GELU evaluated in double.
public class GeluVectorTests
{
    [Theory]
    [InlineData(IsaTier.Portable)]
    [InlineData(IsaTier.Avx2)]
    [InlineData(IsaTier.Avx512)]
    public void ArrayGeluMatchesExactErfGelu(IsaTier tier)
    {
        const int count = 40_003; // several work items plus a scalar tail
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = -9f + (18f * i / (count - 1));
        }

        values[0] = 0f;
        values[1] = -0f;
        values[2] = 30f;
        values[3] = -30f;
        var input = (float[])values.Clone();
        Activations.Gelu(values, count, new ComputeContext(2, tier));
        for (int i = 0; i < count; i++)
        {
            double z = input[i];
            double expected = 0.5 * z * (1 + Activations.Erf(z / Math.Sqrt(2)));
            double tolerance = (5e-6 * Math.Abs(expected)) + 1e-7;
            Assert.True(Math.Abs(expected - values[i]) <= tolerance, $"{tier} GELU({z}): expected {expected}, got {values[i]}");
        }
    }
}
