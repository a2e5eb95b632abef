// Vector comparisons for the integration tests; a failure names the worst element and its difference.
using JinaEmbed.Integration;

namespace JinaEmbed.Tests.Integration;

internal static class VectorAssert
{
    /// <summary>The JinaTask members jina-embeddings-v3 has (the code tasks are jina-embeddings-v4's).</summary>
    public static readonly JinaTask[] JinaV3Tasks = Enum.GetValues<JinaTask>().Where(t => t is not (JinaTask.CodeQuery or JinaTask.CodePassage)).ToArray();

    /// <summary>The scheduled path may batch differently from the synchronous one; api.md allows 1e-5.</summary>
    public const float Tolerance = 1e-5f;

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        var worst = 0f;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = MathF.Abs(expected[i] - actual[i]);
            Assert.False(float.IsNaN(diff), $"{what}: NaN at [{i}]");
            if (diff > worst)
            {
                worst = diff;
                at = i;
            }
        }

        Assert.True(worst <= Tolerance, $"{what}: max |diff| {worst:G3} at [{at}] (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)})");
    }
}
