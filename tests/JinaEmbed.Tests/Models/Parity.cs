// Helpers for comparing engine outputs with fixture JSON arrays.
using System.Text.Json;

namespace JinaEmbed.Tests.Models;

internal static class Parity
{
    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    public static float[] Rows(JsonElement e) => e.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetSingle())).ToArray();

    public static int? TaskId(JsonElement c) => c.GetProperty("task_id").ValueKind == JsonValueKind.Null ? null : c.GetProperty("task_id").GetInt32();

    public static double MaxAbs(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]), $"non-finite value at {i}");
            max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]));
        }

        return max;
    }

    /// <summary>Asserts max |actual − expected| ≤ tolerance, naming what was compared.</summary>
    public static double Within(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string what)
    {
        double diff = MaxAbs(actual, expected);
        Assert.True(diff <= tolerance, $"{what}: max abs diff {diff:E3} > {tolerance:E1}");
        return diff;
    }
}
