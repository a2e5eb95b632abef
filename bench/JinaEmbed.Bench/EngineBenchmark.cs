// The end-to-end workload, identical for every engine: single sequences (latency-bound), batches of
// ~4k tokens per length (throughput), 32-token query percentiles, one 8192-token document (issue #4).
using System.Diagnostics;

namespace JinaEmbed.Bench;

/// <summary>Times one engine on the standard workload.</summary>
internal static class EngineBenchmark
{
    public static readonly int[] SingleLengths = [16, 64];
    public static readonly int[] BatchLengths = [16, 128, 512, 2048];
    public const int QueryLength = 32;
    public const int DocumentLength = 8192;
    private const int PassageTask = 1, QueryTask = 0;

    public static void Run(IBenchEngine engine, EngineResult result, BenchOptions options, Action<string> log)
    {
        // Warm-up (JIT tiers, buffers, ORT's first-run work): short calls for at least two seconds, so what follows
        // measures the steady state of a running server rather than code still being recompiled.
        var warmUp = Stopwatch.StartNew();
        for (int calls = 0; calls < 3 || warmUp.Elapsed < TimeSpan.FromSeconds(2); calls++)
        {
            engine.Run(Workloads.Sequences(1, 16, 1), PassageTask);
        }

        GC.Collect();
        result.ResidentAfterWarmupBytes = ProcessMemory.ResidentBytes;
        log($"{engine.Name}: RSS after warm-up {result.ResidentAfterWarmupBytes / 1e9:F2} GB");

        foreach (int length in SingleLengths)
        {
            var input = Workloads.Sequences(1, length, length);
            int reps = options.Quick ? 3 : 7;
            var times = new List<double>();
            for (int r = 0; r < reps; r++)
            {
                times.Add(Time(() => engine.Run(input, PassageTask)));
            }

            double median = Percentile(times, 0.5);
            result.SingleSequenceTokensPerSecond[length.ToString(System.Globalization.CultureInfo.InvariantCulture)] = length / median;
            log($"{engine.Name}: 1×{length}: {median * 1e3:F1} ms, {length / median:F1} tokens/s");
        }

        foreach (int length in BatchLengths)
        {
            int count = Math.Max(1, options.TokensPerBatch / length);
            var input = Workloads.Sequences(count, length, length + 7);

            // One untimed pass first: the steady state a server sees (buffers grown to this batch, code at its
            // final JIT tier, ORT's per-shape plans), not the first call's set-up.
            engine.Run(input, PassageTask);
            double seconds = Time(() => engine.Run(input, PassageTask));
            double rate = (double)count * length / seconds;
            result.BatchTokensPerSecond[length.ToString(System.Globalization.CultureInfo.InvariantCulture)] = rate;
            log($"{engine.Name}: {count}×{length}: {seconds:F2} s, {rate:F1} tokens/s");
        }

        {
            var times = new List<double>();
            int reps = engine.Name == "onnxruntime" ? options.QueryRepsPeer : options.QueryReps;
            for (int r = 0; r < reps; r++)
            {
                var input = Workloads.Sequences(1, QueryLength, 1000 + r);
                times.Add(Time(() => engine.Run(input, QueryTask)));
            }

            result.Query32P50Ms = Percentile(times, 0.5) * 1e3;
            result.Query32P99Ms = Percentile(times, 0.99) * 1e3;
            log($"{engine.Name}: query 1×{QueryLength}: p50 {result.Query32P50Ms:F1} ms, p99 {result.Query32P99Ms:F1} ms ({reps} calls)");
        }

        bool document = engine.Name == "onnxruntime" ? options.PeerDocument : !options.SkipDocument;
        if (document)
        {
            var input = Workloads.Sequences(1, DocumentLength, 8192);
            GC.Collect();
            ProcessMemory.ResetPeak();
            result.Document8192Seconds = Time(() => engine.Run(input, PassageTask));
            result.Document8192PeakResidentBytes = ProcessMemory.PeakResidentBytes;
            log($"{engine.Name}: 1×{DocumentLength}: {result.Document8192Seconds:F2} s, peak RSS {result.Document8192PeakResidentBytes / 1e9:F2} GB");
        }
    }

    private static double Time(Func<long> action)
    {
        long start = Stopwatch.GetTimestamp();
        long produced = action();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        GC.KeepAlive(produced);
        return seconds;
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        int index = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
