using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

public class GemmTests
{
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
}
