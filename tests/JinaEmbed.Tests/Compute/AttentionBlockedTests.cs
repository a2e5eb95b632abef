using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// The micro-kernel attention path (head width a multiple of 32) against a direct softmax in double.
public class AttentionBlockedTests
{
    [Theory]
    [InlineData(IsaTier.Portable)]
    [InlineData(IsaTier.Avx2)]
    [InlineData(IsaTier.Avx512)]
    public void MatchesDirectSoftmaxAcrossBlockEdges(IsaTier tier)
    {
        const int heads = 2, d = 64, width = heads * d;
        int[] starts = [0, 1, 38, 238, 368, 409, 409 + 600]; // the last one spans three 256-query and 256-key blocks
        int tokens = starts[^1];
        var random = new Random(3);
        var qkv = new float[tokens * 3 * width];
        for (int i = 0; i < qkv.Length; i++)
        {
            qkv[i] = (float)((random.NextDouble() * 4) - 2);
        }

        var output = new float[tokens * width];
        Attention.SelfAttention(qkv, starts, heads, d, output, new ComputeContext(2, tier));

        for (int s = 0; s + 1 < starts.Length; s++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int t = starts[s]; t < starts[s + 1]; t++)
                {
                    int length = starts[s + 1] - starts[s];
                    var scores = new double[length];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < length; j++)
                    {
                        double dot = 0;
                        for (int c = 0; c < d; c++)
                        {
                            dot += qkv[(t * 3 * width) + (h * d) + c] * (double)qkv[((starts[s] + j) * 3 * width) + width + (h * d) + c];
                        }

                        scores[j] = dot / Math.Sqrt(d);
                        max = Math.Max(max, scores[j]);
                    }

                    double total = 0;
                    for (int j = 0; j < length; j++)
                    {
                        scores[j] = Math.Exp(scores[j] - max);
                        total += scores[j];
                    }

                    for (int c = 0; c < d; c++)
                    {
                        double expected = 0;
                        for (int j = 0; j < length; j++)
                        {
                            expected += scores[j] / total * qkv[((starts[s] + j) * 3 * width) + (2 * width) + (h * d) + c];
                        }

                        float actual = output[(t * width) + (h * d) + c];
                        Assert.True(Math.Abs(expected - actual) < 2e-5, $"{tier} seq {s} head {h} token {t} dim {c}: expected {expected}, got {actual}");
                    }
                }
            }
        }
    }
}
