using System.Runtime.Intrinsics;
using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// The fp32 vector exp used by softmax and GELU against Math.Exp in double.
public class VectorMathTests
{
    [Fact]
    public void ExpIsWithinTwoUlpOverTheSoftmaxRange()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 20_000; trial++)
        {
            var lanes = new float[16];
            for (int i = 0; i < lanes.Length; i++)
            {
                lanes[i] = (float)((random.NextDouble() * 174) - 87); // [−87, 87]
            }

            lanes[0] = 0f;
            lanes[1] = -1e-30f;
            var wide = VectorMath.Exp(Vector512.Create(lanes));
            var narrow = VectorMath.Exp(Vector256.Create(lanes[..8]));
            for (int i = 0; i < lanes.Length; i++)
            {
                double expected = Math.Exp(lanes[i]);
                double tolerance = 2.4e-7 * expected; // two ulp of the result
                Assert.True(Math.Abs(wide[i] - expected) <= tolerance, $"exp({lanes[i]}) = {expected}, 512-bit lanes gave {wide[i]}");
                if (i < 8)
                {
                    Assert.True(Math.Abs(narrow[i] - expected) <= tolerance, $"exp({lanes[i]}) = {expected}, 256-bit lanes gave {narrow[i]}");
                }
            }
        }
    }

    [Fact]
    public void ExpClampsInsteadOfOverflowing()
    {
        var result = VectorMath.Exp(Vector512.Create(-1000f, -88f, 88f, 1000f, 0f, 1f, -1f, 10f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f));
        Assert.True(result[0] >= 0f && result[0] < 1e-37f);
        Assert.True(result[1] >= 0f && result[1] < 1e-37f);
        Assert.True(float.IsFinite(result[2]) && result[2] > 1e38f);
        Assert.True(float.IsFinite(result[3]));
        Assert.Equal(1f, result[4]);
        Assert.Equal(MathF.E, result[5], 6);
    }
}
