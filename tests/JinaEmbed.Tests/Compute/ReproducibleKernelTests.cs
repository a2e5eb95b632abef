using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// Reproducible vectors (issue #17): a row's result must not depend on what it is computed with. Every kernel is held to
// bit equality between a row (or a sequence, or an element) computed alone and the same one inside a larger call, at
// every position, on every tier the tests can force. Tiers need not agree with each other.
public class ReproducibleKernelTests
{
    public static TheoryData<IsaTier> Tiers => new() { IsaTier.Portable, IsaTier.Avx2, IsaTier.Avx512 };

    // K above one 256-deep k-block (and not a multiple of it), N off the 32-wide panels: both blockings are exercised.
    private const int K = 517;
    private const int N = 37;

    [Theory]
    [MemberData(nameof(Tiers))]
    public void Float32GemmRowsDoNotDependOnTheRowCount(IsaTier tier)
    {
        var random = new Random(17);
        var weights = Values(random, N * K);
        CheckRowsAgainstSingleRows(WeightMatrix.FromFloat32(weights, N, K), Values(random, N), tier);
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void BFloat16GemmRowsDoNotDependOnTheRowCount(IsaTier tier)
    {
        var random = new Random(18);
        var bits = new ushort[N * K];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = (ushort)(BitConverter.SingleToInt32Bits(((float)random.NextDouble() * 2) - 1) >> 16);
        }

        CheckRowsAgainstSingleRows(WeightMatrix.FromBFloat16(bits, N, K), Values(random, N), tier);
    }

    /// <summary>(tier, VNNI allowed), as in Int8GemmTests.</summary>
    public static TheoryData<IsaTier, bool> Int8Paths => new()
    {
        { IsaTier.Portable, false },
        { IsaTier.Avx2, false },
        { IsaTier.Avx512, false },
        { IsaTier.Avx2, true },
        { IsaTier.Avx512, true },
    };

    [Theory]
    [MemberData(nameof(Int8Paths))]
    public void Int8GemmRowsDoNotDependOnTheRowCount(IsaTier tier, bool vnni)
    {
        var random = new Random(22);
        var weights = Values(random, N * K);
        CheckRowsAgainstSingleRows(WeightMatrix.QuantizeInt8(weights, N, K), Values(random, N), tier, vnni);
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void GeluAndSwiGluDoNotDependOnTheBufferLength(IsaTier tier)
    {
        // The vision tower's MLP is 3420 wide (not a multiple of 16): a row at the end of a batch must not take a
        // different (scalar) path than the same row in the middle of a larger one.
        var context = new ComputeContext(1, tier);
        var random = new Random(19);
        const int Width = 3420;
        var gate = Values(random, 5 * Width, scale: 6);
        var up = Values(random, 5 * Width, scale: 2);
        var geluAll = (float[])gate.Clone();
        Activations.Gelu(geluAll, geluAll.Length, context);
        var swiAll = (float[])gate.Clone();
        Activations.SwiGlu(swiAll, up, swiAll.Length, context);
        for (int row = 0; row < 5; row++)
        {
            foreach (int length in new[] { 1, 7, 17, Width })
            {
                var one = gate.AsSpan(row * Width, length).ToArray();
                Activations.Gelu(one, length, context);
                AssertBitwise(geluAll.AsSpan(row * Width, length), one, $"{tier} GELU row {row}, {length} values");
                one = gate.AsSpan(row * Width, length).ToArray();
                Activations.SwiGlu(one, up.AsSpan(row * Width, length).ToArray(), length, context);
                AssertBitwise(swiAll.AsSpan(row * Width, length), one, $"{tier} SwiGLU row {row}, {length} values");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void AttentionOfASequenceDoesNotDependOnItsPlaceInThePackedBatch(IsaTier tier)
    {
        // Sequences of 1…600 tokens (several 256-key blocks) packed after others of odd lengths, so a sequence's
        // offset in the buffer is never a multiple of a block: its output on three threads equals its output alone on one.
        var context = new ComputeContext(3, tier);
        var one = new ComputeContext(1, tier);
        const int Heads = 2, D = 64, Width = Heads * D;
        int[] lengths = [3, 600, 1, 257, 45];
        int total = lengths.Sum();
        var random = new Random(20);
        var qkv = Values(random, total * 3 * Width);
        var starts = Starts(lengths);
        var packed = new float[total * Width];
        Attention.SelfAttention(qkv, starts, Heads, D, packed, context);

        var q = Values(random, total * Heads * D);
        var k = Values(random, total * 1 * D);
        var v = Values(random, total * 1 * D);
        var causalPacked = new float[total * Heads * D];
        Attention.GroupedQueryAttention(q, k, v, starts, Heads, 1, D, causal: true, causalPacked, context);
        for (int s = 0; s < lengths.Length; s++)
        {
            int first = starts[s], n = lengths[s];
            var alone = new float[n * Width];
            Attention.SelfAttention(qkv.AsSpan(first * 3 * Width, n * 3 * Width).ToArray(), [0, n], Heads, D, alone, one);
            AssertBitwise(packed.AsSpan(first * Width, n * Width), alone, $"{tier} bidirectional sequence {s}");

            var causalAlone = new float[n * Heads * D];
            Attention.GroupedQueryAttention(
                q.AsSpan(first * Heads * D, n * Heads * D).ToArray(),
                k.AsSpan(first * D, n * D).ToArray(),
                v.AsSpan(first * D, n * D).ToArray(),
                [0, n],
                Heads,
                1,
                D,
                causal: true,
                causalAlone,
                one);
            AssertBitwise(causalPacked.AsSpan(first * Heads * D, n * Heads * D), causalAlone, $"{tier} causal sequence {s}");
        }
    }

    // Row r of every M-row product (M = 1…70, and past the 96-row m-block) on one thread and on three equals that row
    // computed with M = 1 on one thread, with and without bias, in accumulate mode too.
    private static void CheckRowsAgainstSingleRows(WeightMatrix w, float[] bias, IsaTier tier, bool vnni = false)
    {
        var random = new Random(21);
        int[] counts = [.. Enumerable.Range(1, 70), 97, 193];
        int most = counts.Max();
        var x = Values(random, most * K);
        var y0 = Values(random, most * N);
        // The single rows on one thread: the thread count must not change a row's bits either.
        var one = new ComputeContext(1, tier, vnni);
        var single = new float[most * N];
        var singleAccumulated = (float[])y0.Clone();
        for (int r = 0; r < most; r++)
        {
            Gemm.Multiply(x.AsSpan(r * K, K), 1, w, bias, single.AsSpan(r * N, N), one);
            Gemm.MultiplyAccumulate(x.AsSpan(r * K, K), 1, w, singleAccumulated.AsSpan(r * N, N), one);
        }

        foreach (int threads in new[] { 1, 3 })
        {
            var context = new ComputeContext(threads, tier, vnni);
            foreach (int m in counts)
            {
                // The rows at an offset, so the M-row product's rows are other rows than the first M.
                int offset = (m * 13) % (most - m + 1);
                var xs = x.AsSpan(offset * K, m * K);
                var y = new float[m * N];
                Gemm.Multiply(xs, m, w, bias, y, context);
                AssertBitwise(single.AsSpan(offset * N, m * N), y, $"{tier}{(vnni ? " VNNI" : "")}, {threads} threads, M = {m}");
                Gemm.Multiply(xs, m, w, [], y, context);
                var noBias = new float[N];
                Gemm.Multiply(xs[^K..], 1, w, [], noBias, one);
                AssertBitwise(noBias, y.AsSpan((m - 1) * N, N), $"{tier}{(vnni ? " VNNI" : "")}, {threads} threads, M = {m}, no bias, last row");
                var accumulated = y0.AsSpan(offset * N, m * N).ToArray();
                Gemm.MultiplyAccumulate(xs, m, w, accumulated, context);
                AssertBitwise(singleAccumulated.AsSpan(offset * N, m * N), accumulated, $"{tier}{(vnni ? " VNNI" : "")}, {threads} threads, M = {m}, accumulate");
            }
        }
    }

    internal static void AssertBitwise(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            int e = BitConverter.SingleToInt32Bits(expected[i]), a = BitConverter.SingleToInt32Bits(actual[i]);
            Assert.True(e == a, $"{what}: [{i}] {actual[i]:R} (0x{a:X8}) differs from {expected[i]:R} (0x{e:X8}) computed alone");
        }
    }

    private static int[] Starts(int[] lengths)
    {
        var starts = new int[lengths.Length + 1];
        for (int i = 0; i < lengths.Length; i++)
        {
            starts[i + 1] = starts[i] + lengths[i];
        }

        return starts;
    }

    private static float[] Values(Random random, int count, float scale = 1)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (((float)random.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }
}
