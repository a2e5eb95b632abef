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
                    double seconds = Time(() => Attention.SelfAttention(qkv, starts, heads, d, output, context, workspace));
                    log($"SelfAttention bidirectional S={length} heads={heads} d={d}: {4 * d * pairs * heads / seconds / 1e9:F1} GFLOP/s ({seconds * 1e3:F1} ms)");
                }
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
                double seconds = Time(() => Attention.GroupedQueryAttention(q, k, v, starts, queryHeads, kvHeads, d, causal, output, context, workspace));
                log($"GroupedQueryAttention {(causal ? "causal" : "bidirectional")} S={length} heads={queryHeads}/{kvHeads} d={d}: {flop / seconds / 1e9:F1} GFLOP/s ({seconds * 1e3:F1} ms)");
            }
        }
    }

    // Best of several calls after one warm-up; long runs (> 5 s) are timed once.
    private static double Time(Action call)
    {
        long start = Stopwatch.GetTimestamp();
        call();
        double first = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (first > 5)
        {
            return first; // JIT warm-up is negligible next to this
        }

        int reps = Math.Clamp((int)(5 / first), 2, 10);
        double best = first;
        for (int r = 0; r < reps; r++)
        {
            start = Stopwatch.GetTimestamp();
            call();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return best;
    }

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
