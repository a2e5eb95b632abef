using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// The vectorised LayerNorm (with and without the fused residual add) against the formula evaluated in double.
public class LayerNormTests
{
    [Theory]
    [InlineData(1024, false)]
    [InlineData(1024, true)]
    [InlineData(37, true)] // a scalar tail after the vector lanes
    [InlineData(5, false)] // narrower than one vector
    public void MatchesDoublePrecisionFormula(int width, bool withResidual)
    {
        const int rows = 40; // several work items
        const float eps = 1e-5f;
        var random = new Random(width);
        float[] Values(double offset, double spread)
        {
            var values = new float[rows * width];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(offset + ((random.NextDouble() - 0.5) * spread));
            }

            return values;
        }

        var x = Values(3, 8); // a mean far from zero checks the two-pass variance
        var residual = withResidual ? Values(-1, 2) : null;
        var gamma = Values(1, 0.5).AsSpan(0, width).ToArray();
        var beta = Values(0, 0.5).AsSpan(0, width).ToArray();
        var input = (float[])x.Clone();

        LayerNorm.Apply(x, residual, rows, width, gamma, beta, eps, new ComputeContext(2));

        for (int r = 0; r < rows; r++)
        {
            var row = new double[width];
            for (int i = 0; i < width; i++)
            {
                row[i] = input[(r * width) + i] + (residual is null ? 0 : (double)residual[(r * width) + i]);
            }

            double mean = row.Average();
            double variance = row.Select(v => (v - mean) * (v - mean)).Average();
            for (int i = 0; i < width; i++)
            {
                double expected = ((row[i] - mean) / Math.Sqrt(variance + eps) * gamma[i]) + beta[i];
                float actual = x[(r * width) + i];
                Assert.True(Math.Abs(expected - actual) <= 2e-6 * (1 + Math.Abs(expected)), $"row {r} column {i}: expected {expected}, got {actual}");
            }
        }
    }
}
