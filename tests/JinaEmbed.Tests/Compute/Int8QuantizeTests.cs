using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// WeightMatrix.QuantizeInt8 (issue #15): per-output-row symmetric int8, dequantised by the indexer / CopyRow / ToFloat32.
public class Int8QuantizeTests
{
    [Fact]
    public void ResidentBytesFollowThePanelLayout()
    {
        // What `jinaembed info` reports for --precision int8 is what a quantised matrix holds: partial panels and k
        // groups padded, a scale per panel output.
        foreach (var (rows, columns) in new[] { (1, 1), (32, 4), (33, 5), (70, 300), (64, 256), (0, 8) })
        {
            long expected = WeightMatrix.QuantizeInt8(new float[rows * columns], rows, columns).ResidentBytes;
            Assert.Equal(expected, WeightMatrix.Int8ResidentBytes(rows, columns));
        }

        Assert.Equal((64 * 304) + (64 * 4), WeightMatrix.Int8ResidentBytes(33, 301));
    }

    [Fact]
    public void RoundTripErrorIsAtMostHalfAScaleStep()
    {
        var random = new Random(3);
        foreach (var (rows, columns) in new[] { (1, 1), (3, 7), (33, 17), (70, 130) })
        {
            var data = Int8GemmTests.Gaussian(random, rows * columns);
            for (int i = 0; i < data.Length; i += 11)
            {
                data[i] *= 30; // heavy-tailed rows as well as Gaussian ones
            }

            var w = WeightMatrix.QuantizeInt8(data, rows, columns);
            Assert.True(w.IsInt8);
            Assert.False(w.IsBFloat16);
            Assert.Equal(rows, w.Rows);
            Assert.Equal(columns, w.Columns);
            var back = w.ToFloat32();
            var row = new float[columns];
            var codes = new int[columns];
            for (int r = 0; r < rows; r++)
            {
                var source = data.AsSpan(r * columns, columns);
                float scale = Int8GemmTests.QuantizeReference(source, codes);
                Assert.Equal(scale, w.Int8Scales![r]);
                w.CopyRow(r, row);
                float max = 0;
                for (int c = 0; c < columns; c++)
                {
                    max = Math.Max(max, Math.Abs(source[c]));
                    Assert.Equal(codes[c], (int)w.Int8At(r, c));
                    Assert.Equal(codes[c] * scale, w[r, c]);
                    Assert.Equal(w[r, c], row[c]);
                    Assert.Equal(w[r, c], back[(r * columns) + c]);
                    Assert.True(Math.Abs(w[r, c] - source[c]) <= (scale / 2) + (2e-7f * max), $"[{r}, {c}] {w[r, c]} vs {source[c]}, scale {scale}");
                }

                Assert.Equal(max / 127f, scale);
            }
        }
    }

    [Fact]
    public void RowMaximumMapsToExactlyPlusOrMinus127AndNoCodeGoesBeyond()
    {
        // Row 0: k · 0.5 for k = −127…127 is representable exactly (scale 0.5). Row 1: one outlier 1000× the rest:
        // it takes ±127 and everything else rounds towards 0; no code leaves [−127, 127].
        const int columns = 255;
        var data = new float[2 * columns];
        for (int c = 0; c < columns; c++)
        {
            data[c] = (c - 127) * 0.5f;
            data[columns + c] = (c % 2 == 0 ? 1 : -1) * 0.01f * c;
        }

        data[columns + 100] = -1000;
        var w = WeightMatrix.QuantizeInt8(data, 2, columns);
        Assert.Equal(0.5f, w.Int8Scales![0]);
        for (int c = 0; c < columns; c++)
        {
            Assert.Equal(c - 127, (int)w.Int8At(0, c));
            Assert.Equal(data[c], w[0, c]);
            Assert.InRange((int)w.Int8At(1, c), -127, 127);
        }

        Assert.Equal(-127, (int)w.Int8At(1, 100));
        Assert.Equal(-1000f, w[1, 100], 0.001f);
    }

    [Fact]
    public void ActivationCodesAreTheSameOnTheVectorAndScalarPaths()
    {
        // Per block of 128 k: the scale, the codes and their sum; the vector and scalar paths agree with the reference.
        const int block = 128;
        var random = new Random(8);
        foreach (int k in new[] { 1, 7, 8, 15, 16, 17, 64, 127, 128, 129, 300, 1176 })
        {
            var x = Int8GemmTests.Gaussian(random, k);
            x[random.Next(k)] *= 50;
            x.AsSpan(0, Math.Min(k, 3)).Clear();
            int depth = (k + 3) / 4 * 4, blocks = (k + block - 1) / block;
            var vector = new sbyte[depth];
            var scalar = new sbyte[depth];
            var scales = new float[2 * blocks];
            var sums = new int[2 * blocks];
            unsafe
            {
                fixed (float* px = x, ps = scales)
                fixed (sbyte* qv = vector, qs = scalar)
                fixed (int* pz = sums)
                {
                    Int8Quantizer.QuantizeActivations(px, k, qv, depth, block, ps, pz, vector: true);
                    Int8Quantizer.QuantizeActivations(px, k, qs, depth, block, ps + blocks, pz + blocks, vector: false);
                }
            }

            Assert.Equal(scalar, vector);
            Assert.Equal(scales.AsSpan(blocks).ToArray(), scales.AsSpan(0, blocks).ToArray());
            Assert.Equal(sums.AsSpan(blocks).ToArray(), sums.AsSpan(0, blocks).ToArray());
            var codes = new int[block];
            for (int b = 0; b < blocks; b++)
            {
                int b0 = b * block, n = Math.Min(block, k - b0);
                Assert.Equal(Int8GemmTests.QuantizeReference(x.AsSpan(b0, n), codes), scales[b]);
                Assert.Equal(codes.AsSpan(0, n).ToArray().Sum(), sums[b]);
                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(codes[i], scalar[b0 + i]);
                }
            }

            Assert.All(scalar.AsSpan(k).ToArray(), c => Assert.Equal(0, c));
        }
    }

    [Fact]
    public void AllZeroRowHasScaleZeroAndZeroCodes()
    {
        var w = WeightMatrix.QuantizeInt8(new float[2 * 5], 2, 5);
        Assert.Equal(0f, w.Int8Scales![0]);
        Assert.All(w.ToFloat32(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void QuantizingABFloat16MatrixEqualsQuantizingItsValues()
    {
        var random = new Random(4);
        const int rows = 45, columns = 70;
        var bits = new ushort[rows * columns];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = (ushort)(BitConverter.SingleToInt32Bits((float)(random.NextDouble() - 0.5)) >> 16);
        }

        var bf16 = WeightMatrix.FromBFloat16(bits, rows, columns);
        var fromMatrix = WeightMatrix.QuantizeInt8(bf16);
        var fromValues = WeightMatrix.QuantizeInt8(bf16.ToFloat32(), rows, columns);
        Assert.Equal(fromValues.ToFloat32(), fromMatrix.ToFloat32());
        Assert.Equal(fromValues.Int8Scales, fromMatrix.Int8Scales);
        Assert.Same(fromMatrix, WeightMatrix.QuantizeInt8(fromMatrix));
    }

    [Theory]
    [InlineData(1024, 1024)]
    [InlineData(4096, 1024)]
    [InlineData(1024, 4096)]
    [InlineData(2048, 11008)]
    public void ResidentBytesCountPanelsAndScalesAndStayUnder055OfBFloat16(int rows, int columns)
    {
        var data = new float[rows * columns];
        var w = WeightMatrix.QuantizeInt8(data, rows, columns);
        long panels = (rows + 31) / 32;
        long depth = (columns + 3) / 4 * 4;
        Assert.Equal((panels * 32 * depth) + (panels * 32 * 4), w.ResidentBytes);
        long bf16 = WeightMatrix.FromBFloat16(new ushort[rows * columns], rows, columns).ResidentBytes;
        Assert.True(w.ResidentBytes <= 0.55 * bf16, $"{w.ResidentBytes} vs BF16 {bf16}");
    }
}
