// Attention micro-benchmark: GFLOP/s of v3's bidirectional SelfAttention and of v4's causal grouped-query attention
// (16 query / 2 KV heads of 128) on one segment. FLOP = 2·2·d per (query, key) pair and query head; the causal runs
// count only the S(S+1)/2 pairs they compute.
using System.Diagnostics;
using JinaEmbed.Compute;

namespace JinaEmbed.Bench;

/// <summary>Runs the attention micro-benchmark.</summary>
internal static class AttentionBenchmark
{
    public static void Run(ComputeContext context, int[] lengths, Action<string> log)
    {
        log($"attention: {context.Threads} threads, {context.Tier}");
        foreach (int length in lengths)
        {
            int[] starts = [0, length];
            double pairs = (double)length * length, causalPairs = (double)length * (length + 1) / 2;
            if (length <= 8192)
            {
                foreach (int d in new[] { 64, 128 })
                {
                    const int heads = 16;
                    var qkv = Values(length * 3 * heads * d, 1);
                    var output = new float[length * heads * d];
                    var workspace = new AttentionWorkspace();
                    var time = Time(() => Attention.SelfAttention(qkv, starts, heads, d, output, context, workspace));
                    log($"SelfAttention bidirectional S={length} heads={heads} d={d}: {Rates(4.0 * d * pairs * heads, time, context.Threads)}");
                }
            }

            if (length <= 8192)
            {
                // The vision tower's full-attention blocks: 16 heads of 80, bidirectional (spec §6.5).
                const int heads = 16, d = 80;
                var q = Values(length * heads * d, 5);
                var k = Values(length * heads * d, 6);
                var v = Values(length * heads * d, 7);
                var output = new float[q.Length];
                var workspace = new AttentionWorkspace();
                var time = Time(() => Attention.GroupedQueryAttention(q, k, v, starts, heads, heads, d, false, output, context, workspace));
                log($"GroupedQueryAttention bidirectional S={length} heads={heads}/{heads} d={d}: {Rates(4.0 * d * pairs * heads, time, context.Threads)}");
            }

            foreach (bool causal in new[] { true, false })
            {
                if (!causal && length > 8192)
                {
                    continue;
                }

                const int queryHeads = 16, kvHeads = 2, d = 128;
                var q = Values(length * queryHeads * d, 2);
                var k = Values(length * kvHeads * d, 3);
                var v = Values(length * kvHeads * d, 4);
                var output = new float[q.Length];
                var workspace = new AttentionWorkspace();
                double flop = 4.0 * d * (causal ? causalPairs : pairs) * queryHeads;
                var time = Time(() => Attention.GroupedQueryAttention(q, k, v, starts, queryHeads, kvHeads, d, causal, output, context, workspace));
                log($"GroupedQueryAttention {(causal ? "causal" : "bidirectional")} S={length} heads={queryHeads}/{kvHeads} d={d}: {Rates(flop, time, context.Threads)}");
            }
        }
    }

    // Best of several calls after one warm-up; long runs (> 5 s) are timed once. Also the least process CPU time of a
    // call: on a shared, oversubscribed machine wall time mostly measures the neighbours, CPU time the kernel.
    private static (double Wall, double Cpu) Time(Action call)
    {
        var process = Process.GetCurrentProcess();
        (double Wall, double Cpu) Once()
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            call();
            double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
        }

        var best = Once();
        if (best.Wall > 5)
        {
            return best; // JIT warm-up is negligible next to this
        }

        int reps = Math.Clamp((int)(5 / best.Wall), 2, 10);
        for (int r = 0; r < reps; r++)
        {
            var next = Once();
            best = (Math.Min(best.Wall, next.Wall), Math.Min(best.Cpu, next.Cpu));
        }

        return best;
    }

    private static string Rates(double flop, (double Wall, double Cpu) time, int threads) =>
        $"{flop / time.Wall / 1e9:F1} GFLOP/s wall ({time.Wall * 1e3:F0} ms), {flop / time.Cpu / 1e9 * threads:F1} GFLOP/s by CPU time × {threads} threads";

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
