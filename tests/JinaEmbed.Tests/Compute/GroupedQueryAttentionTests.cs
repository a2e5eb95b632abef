using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// Grouped-query attention (causal and bidirectional) over packed segments against its double-precision twin, on every
// tier, across block edges (256-query/256-key blocks, 32-key panels) and head widths 16, 80 and 128.
public class GroupedQueryAttentionTests
{
    // Lengths 1, 255, 256, 257 and 600 (spans three blocks), plus an empty segment.
    private static readonly int[] Starts = [0, 1, 256, 512, 512, 769, 1369];

    [Theory]
    [InlineData(128, true)]
    [InlineData(128, false)]
    [InlineData(80, true)]
    [InlineData(80, false)]
    [InlineData(16, true)]
    [InlineData(16, false)]
    public void MatchesReferenceOnEveryTier(int d, bool causal)
    {
        const int queryHeads = 4, kvHeads = 2; // g / 2 and g mod 2 differ for heads 1 and 2
        var (q, k, v) = Inputs(Starts[^1], queryHeads, kvHeads, d, seed: d);
        var expected = new float[q.Length];
        Attention.GroupedQueryAttentionReference(q, k, v, Starts, queryHeads, kvHeads, d, causal, expected);

        var workspace = new AttentionWorkspace();
        foreach (var tier in new[] { IsaTier.Portable, IsaTier.Avx2, IsaTier.Avx512 })
        {
            var output = new float[q.Length];
            Attention.GroupedQueryAttention(q, k, v, Starts, queryHeads, kvHeads, d, causal, output, new ComputeContext(2, tier), workspace);
            AssertClose(expected, output, $"{tier} d {d} causal {causal}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void QueryHeadGReadsKeyValueHeadGDivGroup(bool causal)
    {
        // Each query head against its KV head as a one-head problem: would fail for g mod kvHeads.
        const int queryHeads = 8, kvHeads = 2, d = 32, group = queryHeads / kvHeads;
        int[] starts = [0, 300, 333];
        int tokens = starts[^1];
        var (q, k, v) = Inputs(tokens, queryHeads, kvHeads, d, seed: 5);
        var output = new float[q.Length];
        var context = new ComputeContext(2);
        Attention.GroupedQueryAttention(q, k, v, starts, queryHeads, kvHeads, d, causal, output, context);
        for (int g = 0; g < queryHeads; g++)
        {
            var qg = Columns(q, tokens, queryHeads * d, g * d, d);
            var kg = Columns(k, tokens, kvHeads * d, g / group * d, d);
            var vg = Columns(v, tokens, kvHeads * d, g / group * d, d);
            var single = new float[tokens * d];
            Attention.GroupedQueryAttention(qg, kg, vg, starts, 1, 1, d, causal, single, context);
            AssertClose(single, Columns(output, tokens, queryHeads * d, g * d, d), $"head {g}");

            var wrong = new float[tokens * d];
            Attention.GroupedQueryAttention(qg, Columns(k, tokens, kvHeads * d, g % kvHeads * d, d), Columns(v, tokens, kvHeads * d, g % kvHeads * d, d), starts, 1, 1, d, causal, wrong, context);
            if (g / group != g % kvHeads)
            {
                Assert.NotEqual(wrong, single);
            }
        }
    }

    [Theory]
    [InlineData(128)]
    [InlineData(80)]
    public void CausalOutputIgnoresLaterTokens(int d)
    {
        const int queryHeads = 4, kvHeads = 1;
        int[] starts = [0, 40, 640];
        const int cut = 40 + 300; // tokens after this one (in the second segment) change
        var (q, k, v) = Inputs(starts[^1], queryHeads, kvHeads, d, seed: 9);
        var before = new float[q.Length];
        var context = new ComputeContext(2);
        Attention.GroupedQueryAttention(q, k, v, starts, queryHeads, kvHeads, d, true, before, context);

        var random = new Random(1);
        for (int t = cut + 1; t < starts[^1]; t++)
        {
            for (int c = 0; c < queryHeads * d; c++)
            {
                q[(t * queryHeads * d) + c] = (float)((random.NextDouble() * 8) - 4);
            }

            for (int c = 0; c < kvHeads * d; c++)
            {
                k[(t * kvHeads * d) + c] = (float)((random.NextDouble() * 8) - 4);
                v[(t * kvHeads * d) + c] = (float)((random.NextDouble() * 8) - 4);
            }
        }

        var after = new float[q.Length];
        Attention.GroupedQueryAttention(q, k, v, starts, queryHeads, kvHeads, d, true, after, context);
        int prefix = (cut + 1) * queryHeads * d;
        Assert.Equal(before.AsSpan(0, prefix).ToArray(), after.AsSpan(0, prefix).ToArray());
        Assert.NotEqual(before.AsSpan(prefix).ToArray(), after.AsSpan(prefix).ToArray());
    }

    [Fact]
    public void FirstCausalTokenCopiesItsValue()
    {
        const int d = 128;
        int[] starts = [0, 3, 10];
        var (q, k, v) = Inputs(starts[^1], 2, 2, d, seed: 2);
        var output = new float[q.Length];
        Attention.GroupedQueryAttention(q, k, v, starts, 2, 2, d, true, output, new ComputeContext(1));
        foreach (int t in new[] { 0, 3 })
        {
            for (int c = 0; c < 2 * d; c++)
            {
                Assert.Equal(v[(t * 2 * d) + c], output[(t * 2 * d) + c], 6);
            }
        }
    }

    [Fact]
    public void SingleThreadAndThreadsAgree()
    {
        const int d = 128;
        var (q, k, v) = Inputs(Starts[^1], 4, 2, d, seed: 4);
        var one = new float[q.Length];
        var two = new float[q.Length];
        Attention.GroupedQueryAttention(q, k, v, Starts, 4, 2, d, true, one, new ComputeContext(1));
        Attention.GroupedQueryAttention(q, k, v, Starts, 4, 2, d, true, two, new ComputeContext(2));
        Assert.Equal(one, two);
    }

    [Fact]
    public void OneKeyValueHeadPerQueryHeadEqualsSelfAttention()
    {
        // Both entry points run the same tiled path: split [q | k | v] rows must give identical bits.
        const int heads = 3, d = 64, width = heads * d;
        int[] starts = [0, 17, 300, 301];
        int tokens = starts[^1];
        var random = new Random(8);
        var qkv = new float[tokens * 3 * width];
        for (int i = 0; i < qkv.Length; i++)
        {
            qkv[i] = (float)((random.NextDouble() * 4) - 2);
        }

        var context = new ComputeContext(2);
        var expected = new float[tokens * width];
        Attention.SelfAttention(qkv, starts, heads, d, expected, context);
        var q = Columns(qkv, tokens, 3 * width, 0, width);
        var k = Columns(qkv, tokens, 3 * width, width, width);
        var v = Columns(qkv, tokens, 3 * width, 2 * width, width);
        var output = new float[tokens * width];
        Attention.GroupedQueryAttention(q, k, v, starts, heads, heads, d, false, output, context);
        Assert.Equal(expected, output);
    }

    private static (float[] Q, float[] K, float[] V) Inputs(int tokens, int queryHeads, int kvHeads, int d, int seed)
    {
        var random = new Random(seed);
        float[] Values(int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = (float)((random.NextDouble() * 4) - 2);
            }

            return values;
        }

        return (Values(tokens * queryHeads * d), Values(tokens * kvHeads * d), Values(tokens * kvHeads * d));
    }

    private static float[] Columns(float[] source, int rows, int stride, int offset, int width)
    {
        var result = new float[rows * width];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(source, (r * stride) + offset, result, r * width, width);
        }

        return result;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 3e-5, $"{what} index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
