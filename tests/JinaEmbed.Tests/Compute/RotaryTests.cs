using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// NeoX rotary embedding on packed q/k rows against the rotate-half formula, positions restarting per sequence.
public class RotaryTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(20)] // half = 10: vector lanes plus a scalar tail
    public void RotatesQueriesAndKeysByPositionWithinEachSequence(int d)
    {
        const int heads = 3, maxPositions = 64;
        const float rotaryBase = 20000f;
        int[] starts = [0, 5, 6, 40];
        int tokens = starts[^1], width = heads * d, stride = 3 * width, half = d / 2;
        var random = new Random(d);
        var qkv = new float[tokens * stride];
        for (int i = 0; i < qkv.Length; i++)
        {
            qkv[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var input = (float[])qkv.Clone();
        new RotaryEmbedding(d, rotaryBase, maxPositions).ApplyToQueryKey(qkv, stride, starts, heads, new ComputeContext(2));

        for (int s = 0; s + 1 < starts.Length; s++)
        {
            for (int t = starts[s]; t < starts[s + 1]; t++)
            {
                int position = t - starts[s];
                for (int column = 0; column < stride; column++)
                {
                    int offset = (t * stride) + column;
                    if (column >= 2 * width)
                    {
                        Assert.Equal(input[offset], qkv[offset]); // v is not rotated
                        continue;
                    }

                    int i = column % d, pair = i < half ? i : i - half;
                    int headStart = offset - i;
                    double theta = position * (1.0 / Math.Pow(rotaryBase, 2.0 * pair / d));
                    double a = input[headStart + pair], b = input[headStart + pair + half];
                    double expected = i < half ? (a * Math.Cos(theta)) - (b * Math.Sin(theta)) : (b * Math.Cos(theta)) + (a * Math.Sin(theta));
                    Assert.True(Math.Abs(expected - qkv[offset]) < 2e-5, $"token {t} column {column}: expected {expected}, got {qkv[offset]}");
                }
            }
        }
    }
}
