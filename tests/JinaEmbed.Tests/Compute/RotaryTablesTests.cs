using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// M-RoPE tables (spec §5) and the rotate-half kernel: sections pick position rows, equal rows reproduce v3's 1-D
// rotary bit for bit, and the vector rotation equals its scalar twin on every tier.
public class RotaryTablesTests
{
    [Fact]
    public void InverseFrequenciesUseTheFp32Formula()
    {
        var invFreq = RotaryTables.InverseFrequencies(128, 1e6f);
        Assert.Equal(64, invFreq.Length);
        Assert.Equal(1f, invFreq[0]);
        for (int j = 0; j < 64; j++)
        {
            Assert.Equal(1f / MathF.Pow(1e6f, (float)(2 * j) / 128), invFreq[j]);
            Assert.Equal(1.0 / Math.Pow(1e6, 2.0 * j / 128), invFreq[j], 1e-6 * invFreq[j]);
        }
    }

    [Fact]
    public void SectionsSelectThePositionRow()
    {
        const int tokens = 5;
        int[] sections = [2, 3, 3];
        var invFreq = RotaryTables.InverseFrequencies(16, 10000f);
        var positions = new int[3 * tokens];
        for (int t = 0; t < tokens; t++)
        {
            positions[t] = 7 + t;               // temporal
            positions[tokens + t] = 100 + (3 * t); // height
            positions[(2 * tokens) + t] = 1000 - t; // width
        }

        var cos = new float[tokens * 8];
        var sin = new float[tokens * 8];
        RotaryTables.MultimodalAngles(positions, tokens, sections, invFreq, cos, sin);
        for (int t = 0; t < tokens; t++)
        {
            for (int j = 0; j < 8; j++)
            {
                int row = j < 2 ? 0 : j < 5 ? 1 : 2;
                float angle = positions[(row * tokens) + t] * invFreq[j];
                Assert.Equal(MathF.Cos(angle), cos[(t * 8) + j]);
                Assert.Equal(MathF.Sin(angle), sin[(t * 8) + j]);
            }
        }

        // Pair 4 (height row) at token 0 must not use the temporal or width position.
        Assert.NotEqual(MathF.Cos(positions[0] * invFreq[4]), cos[4]);
        Assert.NotEqual(MathF.Cos(positions[2 * tokens] * invFreq[4]), cos[4]);
    }

    [Fact]
    public void EqualRowsReproduceVersion3RotaryBitForBit()
    {
        // v3: RotaryEmbedding over q and k of packed qkv, positions 0 … L−1 per sequence; v4 path: text positions
        // (t, t, t) through M-RoPE tables and RotateHalf on q and k columns.
        const int heads = 2, d = 128, width = heads * d, stride = 3 * width;
        const float theta = 1e6f;
        int tokens = 3000; // positions in the thousands: any change of the fp32 angle formula shows
        var random = new Random(11);
        var qkv = new float[tokens * stride];
        for (int i = 0; i < qkv.Length; i++)
        {
            qkv[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var v4 = (float[])qkv.Clone();
        new RotaryEmbedding(d, theta, tokens).ApplyToQueryKey(qkv, stride, [0, tokens], heads, new ComputeContext(2));

        var positions = new int[3 * tokens];
        for (int t = 0; t < tokens; t++)
        {
            positions[t] = positions[tokens + t] = positions[(2 * tokens) + t] = t;
        }

        var cos = new float[tokens * (d / 2)];
        var sin = new float[tokens * (d / 2)];
        RotaryTables.MultimodalAngles(positions, tokens, [16, 24, 24], RotaryTables.InverseFrequencies(d, theta), cos, sin);
        RotateHalf.Apply(v4, tokens, stride, 0, 2 * heads, d, cos, sin, new ComputeContext(2));
        Assert.Equal(qkv, v4);
    }

    [Fact]
    public void VisionAnglesPutRowsThenColumns()
    {
        var invFreq = RotaryTables.InverseFrequencies(40, 10000f); // inv_freq_v of spec §6.3: 20 values
        Assert.Equal(20, invFreq.Length);
        int[] rows = [0, 0, 1, 13];
        int[] columns = [0, 1, 0, 21];
        var cos = new float[4 * 40];
        var sin = new float[4 * 40];
        RotaryTables.VisionAngles(rows, columns, 4, invFreq, cos, sin);
        for (int p = 0; p < 4; p++)
        {
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal(MathF.Cos(rows[p] * invFreq[i]), cos[(p * 40) + i]);
                Assert.Equal(MathF.Sin(rows[p] * invFreq[i]), sin[(p * 40) + i]);
                Assert.Equal(MathF.Cos(columns[p] * invFreq[i]), cos[(p * 40) + 20 + i]);
                Assert.Equal(MathF.Sin(columns[p] * invFreq[i]), sin[(p * 40) + 20 + i]);
            }
        }
    }

    [Theory]
    [InlineData(IsaTier.Portable)]
    [InlineData(IsaTier.Avx2)]
    [InlineData(IsaTier.Avx512)]
    public void RotateHalfMatchesReference(IsaTier tier)
    {
        var context = new ComputeContext(2, tier);
        foreach (var (d, heads, offset, extra) in new[] { (128, 16, 0, 0), (128, 2, 2048, 256), (80, 16, 1280, 1280), (16, 3, 0, 5), (6, 1, 1, 1), (40, 2, 0, 0), (2, 4, 3, 0) })
        {
            int rows = 70, half = d / 2, stride = offset + (heads * d) + extra;
            var random = new Random(d + heads);
            var x = new float[rows * stride];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (float)((random.NextDouble() * 2) - 1);
            }

            var cos = new float[rows * half];
            var sin = new float[rows * half];
            for (int i = 0; i < cos.Length; i++)
            {
                double angle = random.NextDouble() * 100;
                cos[i] = (float)Math.Cos(angle);
                sin[i] = (float)Math.Sin(angle);
            }

            var expected = (float[])x.Clone();
            RotateHalf.ApplyReference(expected, rows, stride, offset, heads, d, cos, sin);
            RotateHalf.Apply(x, rows, stride, offset, heads, d, cos, sin, context);
            Assert.Equal(expected, x); // same separately rounded products: identical bits, untouched columns unchanged
        }
    }

    [Fact]
    public void RotateHalfReferenceFollowsTheFormula()
    {
        float[] x = [1, 2, 3, 4]; // d = 4: pairs (0, 2) and (1, 3)
        float[] cos = [0.5f, 0f];
        float[] sin = [0.25f, 1f];
        RotateHalf.ApplyReference(x, 1, 4, 0, 1, 4, cos, sin);
        Assert.Equal([(1 * 0.5f) - (3 * 0.25f), (2 * 0f) - (4 * 1f), (3 * 0.5f) + (1 * 0.25f), (4 * 0f) + (2 * 1f)], x);
    }
}
