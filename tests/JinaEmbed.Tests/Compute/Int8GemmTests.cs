using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// The int8 GEMM (issue #15) against an independent scalar reference: W quantised per output row and x per block of
// Int8GemmDriver.KBlock (256) k by the documented rule (scale = max|v| / 127, q = round-half-even(v · 127 / max|v|)),
// integer dot products per block, f = Σ_blocks (float)acc_b · s_x,b in block order, y = f · s_w + bias. Every tier
// accumulates exactly in int32 and runs the same fp32 epilogues, so results must match bit for bit.
public class Int8GemmTests
{
    /// <summary>(tier, VNNI allowed): portable, AVX2 and AVX-512 without VNNI (pmaddwd), AVX-VNNI at the AVX2 and AVX-512 tiers.</summary>
    public static TheoryData<IsaTier, bool> Paths => new()
    {
        { IsaTier.Portable, false },
        { IsaTier.Avx2, false },
        { IsaTier.Avx512, false },
        { IsaTier.Avx2, true },
        { IsaTier.Avx512, true },
    };

    // (m, n, k): kernel rows 6 / 4, 32-wide panels, k groups of 4, the 96-row m-block, and the sizes.
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (3, 31, 3), (7, 33, 17), (33, 100, 64), (1, 3420, 1176), (512, 33, 1176), (7, 100, 11008),
        (33, 31, 11008), (512, 100, 64), (3, 3420, 17), (97, 65, 5), (13, 1, 1176), (5, 40, 129), (6, 64, 256), (5, 40, 257), (12, 64, 768),
    ];

    [Theory]
    [MemberData(nameof(Paths))]
    public void MultiplyMatchesTheIntegerReferenceBitForBit(IsaTier tier, bool vnni)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            var context = new ComputeContext(threads, tier, vnni);
            foreach (var (m, n, k) in Shapes)
            {
                var random = new Random((m * 7919) + (n * 104729) + k);
                var w = WeightMatrix.QuantizeInt8(Gaussian(random, n * k), n, k);
                var x = Gaussian(random, m * k);
                var bias = (m + n) % 2 == 0 ? Gaussian(random, n) : [];
                foreach (var matrix in new[] { w, w.WithResidualActivations() })
                {
                    var expected = Reference(x, m, matrix, bias, null);
                    var actual = new float[m * n];
                    actual.AsSpan().Fill(float.NaN);
                    Gemm.Multiply(x, m, matrix, bias, actual, context);
                    AssertIdentical(expected, actual, $"{tier}/vnni={vnni}/{threads}t {m}×{n}×{k} residual={matrix.Int8ResidualActivations}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MultiplyAccumulateAddsTheReferenceProductToY(IsaTier tier, bool vnni)
    {
        var context = new ComputeContext(2, tier, vnni);
        foreach (var (m, n, k) in Shapes)
        {
            var random = new Random((m * 31) + (n * 17) + k);
            var w = WeightMatrix.QuantizeInt8(Gaussian(random, n * k), n, k);
            var x = Gaussian(random, m * k);
            foreach (var matrix in new[] { w, w.WithResidualActivations() })
            {
                var y = Gaussian(random, m * n);
                var expected = Reference(x, m, matrix, [], y);
                Gemm.MultiplyAccumulate(x, m, matrix, y, context);
                AssertIdentical(expected, y, $"{tier}/vnni={vnni} {m}×{n}×{k} accumulate residual={matrix.Int8ResidualActivations}");
            }
        }
    }

    [Fact]
    public void EveryPathGivesTheSameBitsOnLargeShapes()
    {
        // The model shapes at M = 512 (portable left out for time: it is held to the reference above).
        var random = new Random(5);
        foreach (var (n, k) in new[] { (1024, 1024), (3420, 1176) })
        {
            var w = WeightMatrix.QuantizeInt8(Gaussian(random, n * k), n, k);
            var x = Gaussian(random, 512 * k);
            var bias = Gaussian(random, n);
            var vnni = new float[512 * n];
            var avx2 = new float[512 * n];
            var avx512 = new float[512 * n];
            Gemm.Multiply(x, 512, w, bias, vnni, new ComputeContext(2, IsaTier.Avx512, vnni: true));
            Gemm.Multiply(x, 512, w, bias, avx2, new ComputeContext(2, IsaTier.Avx2, vnni: false));
            Gemm.Multiply(x, 512, w, bias, avx512, new ComputeContext(2, IsaTier.Avx512, vnni: false));
            AssertIdentical(vnni, avx2, $"{n}×{k} AVX2");
            AssertIdentical(vnni, avx512, $"{n}×{k} AVX-512");
            var expected = Reference(x.AsSpan(0, 7 * k).ToArray(), 7, w, bias, null);
            AssertIdentical(expected, vnni.AsSpan(0, 7 * n).ToArray(), $"{n}×{k} first rows");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ExtremeCodesDoNotSaturate(IsaTier tier, bool vnni)
    {
        // W = +1 everywhere → codes 127 (u8 255 after the offset); x = −1 → codes −127. pmaddubsw (u8 × s8 → i16,
        // saturating) would clip each pair at −32768 instead of 2·255·(−127) = −64770; the exact dot is −127² per k.
        const int k = 11008, n = 40;
        var x = new float[3 * k];
        x.AsSpan().Fill(-1f);
        var weights = new float[n * k];
        weights.AsSpan().Fill(1f);
        var w = WeightMatrix.QuantizeInt8(weights, n, k);
        var y = new float[3 * n];
        Gemm.Multiply(x, 3, w, [], y, new ComputeContext(1, tier, vnni));
        var expected = Reference(x, 3, w, [], null);
        AssertIdentical(expected, y, $"{tier}/vnni={vnni}");
        Assert.All(y, v => Assert.Equal(-k, v, 0.05f));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ZeroRowsGiveExactlyTheBias(IsaTier tier, bool vnni)
    {
        const int m = 7, n = 35, k = 50;
        var random = new Random(9);
        var weights = Gaussian(random, n * k);
        weights.AsSpan(3 * k, k).Clear(); // output 3: an all-zero weight row (scale 0)
        var w = WeightMatrix.QuantizeInt8(weights, n, k);
        var x = Gaussian(random, m * k);
        x.AsSpan(2 * k, k).Clear(); // row 2: an all-zero activation row (scale 0)
        var bias = Gaussian(random, n);
        var y = new float[m * n];
        var context = new ComputeContext(2, tier, vnni);
        Gemm.Multiply(x, m, w, bias, y, context);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(bias, y.AsSpan(2 * n, n).ToArray());
        for (int i = 0; i < m; i++)
        {
            Assert.Equal(bias[3], y[(i * n) + 3]);
        }

        // Accumulating a zero product leaves y as it was.
        var before = (float[])y.Clone();
        var zero = new float[m * k];
        Gemm.MultiplyAccumulate(zero, m, w, y, context);
        Assert.Equal(before, y);
    }

    [Fact]
    public void ZeroColumnsGiveTheBias()
    {
        var w = WeightMatrix.QuantizeInt8([], 3, 0);
        var y = new float[6];
        Gemm.Multiply([], 2, w, [1, 2, 3], y, new ComputeContext(1));
        Assert.Equal([1f, 2, 3, 1, 2, 3], y);
    }

    [Fact]
    public void FidelityToleranceCatchesABrokenScaleAndADroppedOffsetCorrection()
    {
        // Gaussian x and W at a v3-like depth: the int8 product's relative L2 error per row is ≈ 1 % (cosine ≈ 0.9999).
        // The same comparison with a doubled weight scale or without the −128·Σw correction fails by far.
        const int m = 33, n = 100, k = 1024;
        const double tolerance = 0.03;
        var random = new Random(21);
        var weights = Gaussian(random, n * k);
        var w = WeightMatrix.QuantizeInt8(weights, n, k);
        var x = Gaussian(random, m * k);
        var exact = new float[m * n];
        Gemm.MultiplyReference(x, m, weights, n, k, [], exact);
        var context = new ComputeContext(2);

        var y = new float[m * n];
        Int8GemmDriver.Run(x, m, w, [], y, context);
        var (error, cosine) = WorstRow(exact, y, m, n);
        Assert.True(error <= tolerance, $"relative error {error:E2}");
        Assert.True(cosine >= 0.999, $"cosine {cosine:F6}");

        foreach (var mutation in new[] { Int8Mutation.DoubleWeightScale, Int8Mutation.DropOffsetCorrection })
        {
            Int8GemmDriver.Run(x, m, w, [], y, context, mutation: mutation);
            var (broken, _) = WorstRow(exact, y, m, n);
            Assert.True(broken > 10 * tolerance, $"{mutation}: relative error {broken:E2} would pass a {tolerance} tolerance");
        }
    }

    [Fact]
    public void ResidualActivationsCutTheErrorByFarAndKeepTheMutationsVisible()
    {
        // Two int8 passes over x (the codes of x, then of what they leave over) resolve x to ≈ 15 bits: the product's
        // error is then the weights' alone, well below the one-pass error; the mutations still break it by far.
        const int m = 33, n = 100, k = 1024;
        var random = new Random(22);
        var weights = Gaussian(random, n * k);
        var w = WeightMatrix.QuantizeInt8(weights, n, k);
        var x = Gaussian(random, m * k);
        var exact = new float[m * n];
        Gemm.MultiplyReference(x, m, weights, n, k, [], exact);
        var context = new ComputeContext(2);
        var y = new float[m * n];
        Int8GemmDriver.Run(x, m, w, [], y, context);
        var (single, _) = WorstRow(exact, y, m, n);

        // Weights alone: x exact, W dequantised.
        var dequantised = new float[n * k];
        for (int j = 0; j < n; j++)
        {
            w.CopyRow(j, dequantised.AsSpan(j * k, k));
        }

        var weightsOnly = new float[m * n];
        Gemm.MultiplyReference(x, m, dequantised, n, k, [], weightsOnly);
        var (floor, _) = WorstRow(exact, weightsOnly, m, n);

        var residual = w.WithResidualActivations();
        Int8GemmDriver.Run(x, m, residual, [], y, context);
        var (two, cosine) = WorstRow(exact, y, m, n);
        Assert.True(two < 0.8 * single, $"two passes {two:E2} vs one {single:E2}");
        Assert.True(two <= floor * 1.05, $"two passes {two:E2} vs the weights' own error {floor:E2}");
        Assert.True(cosine >= 0.9999, $"cosine {cosine:F6}");
        foreach (var mutation in new[] { Int8Mutation.DoubleWeightScale, Int8Mutation.DropOffsetCorrection })
        {
            Int8GemmDriver.Run(x, m, residual, [], y, context, mutation: mutation);
            var (broken, _) = WorstRow(exact, y, m, n);
            Assert.True(broken > 0.3, $"{mutation}: relative error {broken:E2}");
        }
    }

    [Fact]
    public void ResidualActivationsShareTheWeights()
    {
        var w = WeightMatrix.QuantizeInt8(Gaussian(new Random(3), 40 * 64), 40, 64);
        var residual = w.WithResidualActivations();
        Assert.True(residual.Int8ResidualActivations);
        Assert.False(w.Int8ResidualActivations);
        Assert.Same(w.PackedInt8, residual.PackedInt8);
        Assert.Equal(w.ResidentBytes, residual.ResidentBytes);
        Assert.Throws<InvalidOperationException>(() => WeightMatrix.FromFloat32(new float[64], 1, 64).WithResidualActivations());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void SplitProductGivesEachPartsProductBitForBit(IsaTier tier, bool vnni)
    {
        // W [64, k] with A [20, k] appended as a panel of its own: y must be x·Wᵀ + b and side x·Aᵀ, the bits of the two
        // separate products (rows crossing kernel tiles and the 96-row m-block; k crossing activation blocks).
        foreach (int threads in new[] { 1, 2 })
        {
            var context = new ComputeContext(threads, tier, vnni);
            foreach (var (m, k) in new[] { (1, 3), (5, 300), (20, 256), (150, 1100) })
            {
                var random = new Random((m * 13) + k);
                float[] wValues = Gaussian(random, 64 * k), aValues = Gaussian(random, 20 * k), x = Gaussian(random, m * k), bias = Gaussian(random, 64);
                var w = WeightMatrix.QuantizeInt8(wValues, 64, k);
                var a = WeightMatrix.QuantizeInt8(aValues, 20, k);
                var joined = w.AppendInt8Rows(aValues, 20);
                Assert.Equal((84, k), (joined.Rows, joined.Columns));
                Assert.Equal(w.ResidentBytes + a.ResidentBytes, joined.ResidentBytes);
                foreach (var (plain, fused) in new[] { (w, joined), (w.WithResidualActivations(), joined.WithResidualActivations()) })
                {
                    float[] y = new float[m * 64], side = new float[m * 20];
                    y.AsSpan().Fill(float.NaN);
                    side.AsSpan().Fill(float.NaN);
                    Gemm.MultiplySplit(x, m, fused, 64, bias, y, side, context);
                    string label = $"{tier}/vnni={vnni}/{threads}t m={m} k={k} residual={fused.Int8ResidualActivations}";
                    var expectedY = new float[m * 64];
                    Gemm.Multiply(x, m, plain, bias, expectedY, context);
                    AssertIdentical(expectedY, y, label + " y");
                    var expectedSide = new float[m * 20];
                    Gemm.Multiply(x, m, plain.Int8ResidualActivations ? a.WithResidualActivations() : a, [], expectedSide, context);
                    AssertIdentical(expectedSide, side, label + " side");
                }
            }
        }
    }

    [Fact]
    public void SplitProductRefusesWhatItCannotRun()
    {
        var random = new Random(9);
        var joined = WeightMatrix.QuantizeInt8(Gaussian(random, 64 * 8), 64, 8).AppendInt8Rows(Gaussian(random, 4 * 8), 4);
        var context = new ComputeContext(1);
        var x = Gaussian(random, 2 * 8);
        Assert.Throws<ArgumentException>(() => Gemm.MultiplySplit(x, 2, joined, 40, [], new float[2 * 40], new float[2 * 28], context)); // not a panel boundary
        Assert.Throws<ArgumentException>(() => Gemm.MultiplySplit(x, 2, joined, 64, [], new float[2 * 64], new float[7], context)); // side too small
        Assert.Throws<ArgumentException>(() => Gemm.MultiplySplit(x, 2, WeightMatrix.FromFloat32(new float[68 * 8], 68, 8), 64, [], new float[2 * 64], new float[2 * 4], context)); // not int8
        Assert.Throws<InvalidOperationException>(() => WeightMatrix.QuantizeInt8(new float[40 * 8], 40, 8).AppendInt8Rows(new float[8], 1)); // 40 rows: not whole panels
    }

    [Fact]
    public void ContextNamesTheInt8KernelAndWarnsWhereItIsSlowerThanExact()
    {
        Assert.Equal(("portable", false), (new ComputeContext(1, IsaTier.Portable).Int8Kernel, new ComputeContext(1, IsaTier.Portable).Int8OutrunsExact));
        var avx2 = new ComputeContext(1, IsaTier.Avx2, vnni: false);
        Assert.Equal(ComputeContext.DetectTier() >= IsaTier.Avx2 ? "AVX2" : "portable", avx2.Int8Kernel);
        Assert.False(avx2.Int8OutrunsExact);
        Assert.Contains("slower than the exact path", avx2.Int8SpeedWarning, StringComparison.Ordinal);
        if (ComputeContext.DetectTier() == IsaTier.Avx512)
        {
            var bw = new ComputeContext(1, IsaTier.Avx512, vnni: false);
            Assert.Equal(("AVX-512BW", true, null), (bw.Int8Kernel, bw.Int8OutrunsExact, bw.Int8SpeedWarning));
        }

        var here = new ComputeContext(1);
        Assert.Equal(here.Vnni, here.Int8Kernel == "AVX-VNNI");
        Assert.Equal(here.Int8OutrunsExact, here.Int8SpeedWarning is null);
    }

    [Fact]
    public void ContextVnniFollowsTheTierAndTheFlag()
    {
        Assert.False(new ComputeContext(1, IsaTier.Portable).Vnni);
        Assert.False(new ComputeContext(1, IsaTier.Avx512, vnni: false).Vnni);
        Assert.Equal(System.Runtime.Intrinsics.X86.AvxVnni.IsSupported && ComputeContext.DetectTier() >= IsaTier.Avx2, new ComputeContext(1).Vnni);
    }

    /// <summary>
    /// Independent scalar reference: x quantised per block of KBlock k, W per row; f = Σ_b (float)(Σ_block q_x·q_w) · s_x,b
    /// (in block order), y = f · s_w (+ bias, or y0 + that).
    /// </summary>
    internal static float[] Reference(float[] x, int m, WeightMatrix w, float[] bias, float[]? y0)
    {
        var y = ReferencePass(x, m, w, bias, y0);
        if (!w.Int8ResidualActivations)
        {
            return y;
        }

        // Second pass: what the first pass's codes leave over, x − q·s_x per block, added to y.
        int block = Int8GemmDriver.KBlock, k = w.Columns;
        var rest = new float[x.Length];
        var q = new int[block];
        for (int i = 0; i < m; i++)
        {
            for (int b0 = 0; b0 < k; b0 += block)
            {
                int b1 = Math.Min(k, b0 + block);
                float sx = QuantizeReference(x.AsSpan((i * k) + b0, b1 - b0), q);
                for (int p = b0; p < b1; p++)
                {
                    rest[(i * k) + p] = x[(i * k) + p] - (q[p - b0] * sx);
                }
            }
        }

        return ReferencePass(rest, m, w, [], y);
    }

    private static float[] ReferencePass(float[] x, int m, WeightMatrix w, float[] bias, float[]? y0)
    {
        int block = Int8GemmDriver.KBlock;
        int n = w.Rows, k = w.Columns;
        var y = new float[m * n];
        var qx = new int[k];
        var f = new float[n];
        for (int i = 0; i < m; i++)
        {
            for (int b0 = 0; b0 < k; b0 += block)
            {
                int b1 = Math.Min(k, b0 + block);
                float sx = QuantizeReference(x.AsSpan((i * k) + b0, b1 - b0), qx);
                for (int j = 0; j < n; j++)
                {
                    long acc = 0;
                    for (int p = b0; p < b1; p++)
                    {
                        acc += qx[p - b0] * w.Int8At(j, p);
                    }

                    float v = (float)acc * sx;
                    f[j] = b0 == 0 ? v : f[j] + v;
                }
            }

            for (int j = 0; j < n; j++)
            {
                float v = f[j] * w.Int8Scales![j];
                int o = (i * n) + j;
                y[o] = y0 is not null ? y0[o] + v : bias.Length > 0 ? v + bias[j] : v;
            }
        }

        return y;
    }

    /// <summary>The documented quantisation rule, written independently of the library.</summary>
    internal static float QuantizeReference(ReadOnlySpan<float> values, Span<int> codes)
    {
        float max = 0;
        foreach (float v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        if (max == 0)
        {
            codes[..values.Length].Clear();
            return 0;
        }

        float inverse = 127f / max;
        for (int i = 0; i < values.Length; i++)
        {
            codes[i] = Math.Clamp((int)Math.Round(values[i] * inverse, MidpointRounding.ToEven), -127, 127);
        }

        return max / 127f;
    }

    internal static float[] Gaussian(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return values;
    }

    // Worst row: largest relative L2 error and smallest cosine of y against the fp32 product.
    internal static (double Error, double Cosine) WorstRow(float[] exact, float[] y, int m, int n)
    {
        double worstError = 0, worstCosine = 1;
        for (int i = 0; i < m; i++)
        {
            double dot = 0, ee = 0, yy = 0, dd = 0;
            for (int j = 0; j < n; j++)
            {
                double e = exact[(i * n) + j], v = y[(i * n) + j];
                dot += e * v;
                ee += e * e;
                yy += v * v;
                dd += (e - v) * (e - v);
            }

            worstError = Math.Max(worstError, Math.Sqrt(dd / ee));
            worstCosine = Math.Min(worstCosine, dot / Math.Sqrt(ee * yy));
        }

        return (worstError, worstCosine);
    }

    private static void AssertIdentical(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what} [{i}]: {actual[i]:R} vs {expected[i]:R}");
            }
        }
    }
}
