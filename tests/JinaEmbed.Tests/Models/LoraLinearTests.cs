// LoraLinear adds each task's rank-r update to its rows: checked against x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ in
// double for mixed runs (tasks, no task) that cross kernel tiles, 96-row blocks and k-blocks, on every ISA tier.
using JinaEmbed.Compute;
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Models;

public class LoraLinearTests
{
    public static TheoryData<IsaTier, bool> Cases => new()
    {
        { IsaTier.Portable, false }, { IsaTier.Avx2, false }, { IsaTier.Avx512, false },
        { IsaTier.Portable, true }, { IsaTier.Avx2, true }, { IsaTier.Avx512, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedUpdateMatchesTheFormula(IsaTier tier, bool bf16)
    {
        const int tasks = 3, rank = 4, inDim = 300, outDim = 70;
        const float scale = 0.75f;
        var random = new Random(tasks + (bf16 ? 1 : 0) + (int)tier);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        var w = Values(outDim * inDim);
        if (bf16)
        {
            w = [.. w.Select(v => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(v) & unchecked((int)0xFFFF0000)))];
        }

        var weight = bf16
            ? WeightMatrix.FromBFloat16([.. w.Select(v => (ushort)(BitConverter.SingleToInt32Bits(v) >> 16))], outDim, inDim)
            : WeightMatrix.FromFloat32(w, outDim, inDim);
        var bias = Values(outDim);
        var a = Values(tasks * rank * inDim);
        var b = Values(tasks * outDim * rank);
        var linear = new LoraLinear(weight, bias, a, b, tasks, rank);
        var context = new ComputeContext(2, tier);

        foreach (int rows in new[] { 5, 20, 150 }) // one tile, the whole-k path, k-blocks and two 96-row blocks
        {
            var x = Values(rows * inDim);
            var runs = new List<(int Start, int Count, int Adapter)>();
            for (int start = 0, i = 0; start < rows; i++)
            {
                int count = Math.Min(rows - start, 3 + ((i * 37) % 50));
                runs.Add((start, count, (i % (tasks + 1)) - 1)); // −1 (no task), 0, 1, 2, −1, …
                start += count;
            }

            var y = new float[rows * outDim];
            linear.Forward(x, rows, y, runs, scale, context);
            Check(y, 0, rows, 0);

            // A chunk of the batch: tokens [first, first + chunk) read from row 0 of a copy and written at row `first`.
            int first = rows / 3, chunk = rows - first;
            var xChunk = x.AsSpan(first * inDim, chunk * inDim).ToArray();
            var yChunked = new float[rows * outDim];
            linear.Forward(xChunk, 0, yChunked, first, chunk, first, runs, scale, context);
            Check(yChunked, first, chunk, first);

            // ys rows [yFirst, yFirst + count) hold tokens [firstToken, firstToken + count) of x.
            void Check(float[] ys, int yFirst, int count, int firstToken)
            {
                for (int t = firstToken; t < firstToken + count; t++)
                {
                    int adapter = runs.First(r => t >= r.Start && t < r.Start + r.Count).Adapter;
                    var xt = x.AsSpan(t * inDim, inDim);
                    for (int o = 0; o < outDim; o++)
                    {
                        double expected = bias[o];
                        for (int k = 0; k < inDim; k++)
                        {
                            expected += xt[k] * (double)w[(o * inDim) + k];
                        }

                        if (adapter >= 0)
                        {
                            for (int r = 0; r < rank; r++)
                            {
                                double dot = 0;
                                for (int k = 0; k < inDim; k++)
                                {
                                    dot += xt[k] * (double)a[(((adapter * rank) + r) * inDim) + k];
                                }

                                expected += scale * dot * b[(((adapter * outDim) + o) * rank) + r];
                            }
                        }

                        float actual = ys[((t - firstToken + yFirst) * outDim) + o];
                        Assert.True(Math.Abs(expected - actual) <= 1e-4 * (1 + Math.Abs(expected)), $"{tier} bf16={bf16} rows={rows} token {t} (adapter {adapter}) output {o}: expected {expected}, got {actual}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(64, true)] // whole panels: the stacked A (5 tasks × rank 4) rides on the int8 base product
    [InlineData(70, false)] // a partial last panel: A stays a separate fp32 product
    public void Int8AdaptersAddTheirTaskDeltaFusedOrNot(int outDim, bool fused)
    {
        const int tasks = 5, rank = 4, inDim = 300;
        const float scale = 0.5f;
        var random = new Random(outDim);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        var weight = WeightMatrix.QuantizeInt8(Values(outDim * inDim), outDim, inDim);
        float[] bias = Values(outDim), a = Values(tasks * rank * inDim), b = Values(tasks * outDim * rank);
        var linear = new LoraLinear(weight, bias, a, b, tasks, rank);
        Assert.Equal(outDim, linear.Out);
        Assert.Equal(fused ? outDim + (tasks * rank) : outDim, linear.Weight.Rows);
        var context = new ComputeContext(2);

        // What each row's x·A_allᵀ must be: the int8 product with A quantised (fused) or the fp32 one (not).
        var stackedA = fused ? WeightMatrix.QuantizeInt8(a, tasks * rank, inDim) : WeightMatrix.FromFloat32(a, tasks * rank, inDim);
        foreach (int rows in new[] { 3, 150 })
        {
            var x = Values(rows * inDim);
            var runs = new List<(int Start, int Count, int Adapter)>();
            for (int start = 0, i = 0; start < rows; i++)
            {
                int count = Math.Min(rows - start, 1 + ((i * 29) % 40));
                runs.Add((start, count, (i % (tasks + 1)) - 1));
                start += count;
            }

            var baseY = new float[rows * outDim];
            Gemm.Multiply(x, rows, weight, bias, baseY, context);
            var low = new float[rows * tasks * rank];
            Gemm.Multiply(x, rows, stackedA, [], low, context);

            var y = new float[rows * outDim];
            linear.Forward(x, rows, y, runs, scale, context);
            int first = rows / 3, chunk = rows - first;
            var yChunked = new float[rows * outDim];
            linear.Forward(x.AsSpan(first * inDim, chunk * inDim).ToArray(), 0, yChunked, first, chunk, first, runs, scale, context);
            for (int t = 0; t < rows; t++)
            {
                int adapter = runs.First(r => t >= r.Start && t < r.Start + r.Count).Adapter;
                for (int o = 0; o < outDim; o++)
                {
                    double expected = baseY[(t * outDim) + o];
                    for (int r = 0; adapter >= 0 && r < rank; r++)
                    {
                        expected += scale * (double)low[(t * tasks * rank) + (adapter * rank) + r] * b[(((adapter * outDim) + o) * rank) + r];
                    }

                    Assert.True(Math.Abs(expected - y[(t * outDim) + o]) <= 1e-5 * (1 + Math.Abs(expected)), $"rows={rows} token {t} (adapter {adapter}) output {o}: expected {expected}, got {y[(t * outDim) + o]}");
                    if (t >= first)
                    {
                        Assert.Equal(y[(t * outDim) + o], yChunked[(t * outDim) + o]);
                    }
                }
            }
        }
    }
}
