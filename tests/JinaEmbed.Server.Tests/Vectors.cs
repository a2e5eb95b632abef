// Small vector helpers for assertions.
namespace JinaEmbed.Server.Tests;

internal static class Vectors
{
    public static void AssertClose(float[] expected, float[] actual, double tolerance, string what = "")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (diff > worst)
            {
                worst = diff;
                at = i;
            }
        }

        Assert.True(worst <= tolerance, $"{what}: max |diff| {worst:E3} at [{at}] exceeds {tolerance:E1}");
    }

    public static double Norm(float[] vector) => Math.Sqrt(vector.Sum(v => (double)v * v));
}
