// GEMM micro-benchmark: GFLOP/s of Gemm.Multiply on linear-layer shapes, as a fraction of the
// measured peak-FMA rate at the same thread count (issue #4 goal: 1024×1024, M = 512 ≥ 70 %).
using System.Diagnostics;
using JinaEmbed.Compute;

namespace JinaEmbed.Bench;

/// <summary>One GEMM shape's result.</summary>
internal sealed record GemmResult(int M, int N, int K, string Weights, double Gflops, double FractionOfPeak);

/// <summary>Runs the GEMM micro-benchmark.</summary>
internal static class GemmBenchmark
{
    /// <summary>jina-embeddings-v4's LM linears at M = 512: q/o (2048×2048), gate/up (11008×2048), down (2048×11008).</summary>
    public static readonly (int M, int N, int K)[] V4Shapes = [(512, 2048, 2048), (512, 11008, 2048), (512, 2048, 11008)];

    public static (double PeakGflops, List<GemmResult> Shapes) Run(ComputeContext context, bool quick, (int M, int N, int K)[]? only = null)
    {
        double peak = 0;
        for (int i = 0; i < 3; i++)
        {
            peak = Math.Max(peak, FmaPeak.MeasureGflops(context, quick ? 5_000_000 : 20_000_000));
        }

        var results = new List<GemmResult>();
        (int M, int N, int K)[] shapes = only ?? (quick
            ? [(512, 1024, 1024)]
            : [(512, 1024, 1024), (16, 1024, 1024), (512, 3072, 1024), (512, 4096, 1024), (512, 1024, 4096)]);
        foreach (var (m, n, k) in shapes)
        {
            foreach (bool bf16 in new[] { true, false })
            {
                var random = new Random(m + n + k);
                var x = new float[m * k];
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (float)((random.NextDouble() * 2) - 1);
                }

                var values = new float[n * k];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)((random.NextDouble() * 0.07) - 0.035);
                }

                var w = bf16
                    ? WeightMatrix.FromBFloat16(values.Select(v => (ushort)(BitConverter.SingleToInt32Bits(v) >> 16)).ToArray(), n, k)
                    : WeightMatrix.FromFloat32(values, n, k);
                var bias = new float[n];
                var y = new float[m * n];
                // Warm-up until the driver code has reached its final JIT tier, then the best of many calls.
                var warmUp = Stopwatch.StartNew();
                while (warmUp.Elapsed < TimeSpan.FromSeconds(quick ? 0.2 : 0.5))
                {
                    Gemm.Multiply(x, m, w, bias, y, context);
                }

                double flop = 2.0 * m * n * k;
                int reps = Math.Clamp((int)((quick ? 1e10 : 4e10) / flop), 20, 2000);
                double best = double.MaxValue;
                for (int r = 0; r < reps; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    Gemm.Multiply(x, m, w, bias, y, context);
                    best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
                }

                double gflops = flop / best / 1e9;
                results.Add(new GemmResult(m, n, k, bf16 ? "bf16" : "fp32", gflops, gflops / peak));
            }
        }

        return (peak, results);
    }
}
