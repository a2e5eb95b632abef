// GEMM micro-benchmark: GFLOP/s of Gemm.Multiply on linear-layer shapes, as a fraction of the
// measured peak-FMA rate at the same thread count (issue #4 goal: 1024×1024, M = 512 ≥ 70 %).
using System.Diagnostics;
using JinaEmbed.Compute;

namespace JinaEmbed.Bench;

/// <summary>One GEMM shape's result.</summary>
/// <summary>One GEMM shape's result; <see cref="CpuGflops"/> = FLOPs over the process CPU time of all timed calls × threads
/// (stays readable when neighbours take the cores; the pool's spin-wait between calls counts as CPU time, so it reads low).</summary>
internal sealed record GemmResult(int M, int N, int K, string Weights, double Gflops, double FractionOfPeak, double CpuGflops = 0, string? Name = null);

/// <summary>Runs the GEMM micro-benchmark.</summary>
internal static class GemmBenchmark
{
    /// <summary>jina-embeddings-v4's LM linears at M = 512: q/o (2048×2048), gate/up (11008×2048), down (2048×11008).</summary>
    public static readonly (int M, int N, int K)[] V4Shapes = [(512, 2048, 2048), (512, 11008, 2048), (512, 2048, 11008)];

    /// <summary>
    /// The v4 vision tower's linears (spec §6) for a max-size image (N = 3072 patches, 768 merged tokens) and a 300×200
    /// image (N = 308, 77 merged tokens): patch embedding 1176→1280, qkv 1280→3840, proj 1280→1280, gate/up
    /// 1280→3420, down 3420→1280, merger 5120→5120 and 5120→2048 (on the merged rows).
    /// </summary>
    public static (string Name, int M, int N, int K)[] VisionShapes(int patches) =>
    [
        ("patch", patches, 1280, 1176),
        ("qkv", patches, 3840, 1280),
        ("proj", patches, 1280, 1280),
        ("gate/up", patches, 3420, 1280),
        ("down", patches, 1280, 3420),
        ("merger.0", patches / 4, 5120, 5120),
        ("merger.2", patches / 4, 2048, 5120),
    ];

    public static (double PeakGflops, List<GemmResult> Shapes) Run(ComputeContext context, bool quick, (int M, int N, int K)[]? only = null)
        => Run(context, quick, only?.Select(s => ((string?)null, s.M, s.N, s.K)).ToArray(), [true, false]);

    /// <summary>The peak, then each shape with the given weight types (true = BF16); names label the results.</summary>
    public static (double PeakGflops, List<GemmResult> Shapes) Run(ComputeContext context, bool quick, (string? Name, int M, int N, int K)[]? only, bool[] weightTypes)
    {
        double peak = 0;
        for (int i = 0; i < 3; i++)
        {
            peak = Math.Max(peak, FmaPeak.MeasureGflops(context, quick ? 5_000_000 : 20_000_000));
        }

        var results = new List<GemmResult>();
        (string? Name, int M, int N, int K)[] shapes = only ?? (quick
            ? [(null, 512, 1024, 1024)]
            : [(null, 512, 1024, 1024), (null, 16, 1024, 1024), (null, 512, 3072, 1024), (null, 512, 4096, 1024), (null, 512, 1024, 4096)]);
        var process = Process.GetCurrentProcess();
        foreach (var (name, m, n, k) in shapes)
        {
            foreach (bool bf16 in weightTypes)
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
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                for (int r = 0; r < reps; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    Gemm.Multiply(x, m, w, bias, y, context);
                    best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
                }

                process.Refresh();
                double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
                double gflops = flop / best / 1e9;
                double cpuGflops = cpuSeconds > 0 ? flop * reps / cpuSeconds * context.Threads / 1e9 : 0;
                results.Add(new GemmResult(m, n, k, bf16 ? "bf16" : "fp32", gflops, gflops / peak, cpuGflops, name));
            }
        }

        return (peak, results);
    }
}
