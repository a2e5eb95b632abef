using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// SwiGLU in vector lanes (fp32 exp of VectorMath) against the scalar SiLU, on every tier and odd lengths.
public class SwiGluTests
{
    [Theory]
    [InlineData(IsaTier.Portable)]
    [InlineData(IsaTier.Avx2)]
    [InlineData(IsaTier.Avx512)]
    public void MatchesScalarSiluTimesUp(IsaTier tier)
    {
        var context = new ComputeContext(2, tier);
        foreach (int count in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 33, 100, 16384 + 37, 50000 })
        {
            var random = new Random(count);
            var gate = new float[count + 3]; // trailing values must stay untouched
            var up = new float[count + 3];
            for (int i = 0; i < gate.Length; i++)
            {
                gate[i] = (float)((random.NextDouble() - 0.5) * 24);
                up[i] = (float)((random.NextDouble() - 0.5) * 4);
            }

            float[] extremes = [-200f, -90f, -88.5f, -20f, -1e-3f, 0f, 1e-3f, 20f, 87.5f, 90f, 200f];
            for (int i = 0; i < Math.Min(count, extremes.Length); i++)
            {
                gate[i * count / extremes.Length] = extremes[i];
            }

            var expected = new float[gate.Length];
            for (int i = 0; i < gate.Length; i++)
            {
                expected[i] = i < count ? Activations.Silu(gate[i]) * up[i] : gate[i];
            }

            Activations.SwiGlu(gate, up, count, context);
            for (int i = 0; i < gate.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - gate[i]) <= (5e-7 * Math.Abs(expected[i])) + 1e-30, $"{tier} count {count} index {i}: expected {expected[i]}, got {gate[i]}");
            }
        }
    }

    [Fact]
    public void SiluFollowsTheFormula()
    {
        Assert.Equal(0f, Activations.Silu(0));
        Assert.Equal(1 / (1 + Math.Exp(-1)), Activations.Silu(1), 6);
        Assert.Equal(-2 / (1 + Math.Exp(2)), Activations.Silu(-2), 6);
    }
}
