// --int8 (issue #15): the exact path and the int8 path on the same full-size synthetic weights, side by side in one run:
// tokens/s at 32×128 and 1×16 (v3) or 8×128 and 1×16 (v4), resident weight bytes, and the fidelity of every vector of
// those inputs (cosine to the exact path, every task; also Matryoshka 128-d). Both models are loaded and timed in
// alternating rounds (the speed-up of each round kept beside the ratio of the medians). Ratios printed last.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JinaEmbed.Compute;
using JinaEmbed.Models;

namespace JinaEmbed.Bench;

internal static class Int8Bench
{
    public static int Run(BenchOptions options, Action<string> log)
    {
        bool v4 = options.Model == "v4";
        string directory = v4 ? V4Bench.CheckpointDirectory(options) : BenchData.CheckpointDirectory(options);
        if (!v4)
        {
            BenchData.EnsureCheckpoint(options, log);
        }

        var report = new Dictionary<string, object?> { ["model"] = v4 ? "jina-embeddings-v4 (synthetic)" : "jina-embeddings-v3 (synthetic)", ["threads"] = options.Threads };

        // Peaks: fp32 FMA and int8 dot products, best of several trials with their spread.
        var context = new ComputeContext(options.Threads);
        var gemm = GemmBenchmark.RunInt8(context, options.Quick, log);
        report["gemm"] = gemm;

        // Inputs: (count, length) pairs; v4's vocabulary is the Qwen one.
        (int Count, int Length)[] shapes = v4 ? [(8, 128), (1, 16)] : [(32, 128), (1, 16)];
        int vocabulary = v4 ? 151000 : 250002;
        var inputs = shapes.Select(s => Sequences(s.Count, s.Length, vocabulary, s.Length)).ToList();
        int adapters = v4 ? 3 : 5;

        var results = new Dictionary<Precision, EngineRun>();
        var models = new Dictionary<Precision, IEncoderModel>();
        Precision[] precisions = [Precision.Exact, Precision.Int8];
        foreach (var precision in precisions)
        {
            // Aggressive collections return freed memory to the OS, so the first model's load-time garbage is not
            // counted against (or, released later, credited to) the second.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            long before = ProcessMemory.ResidentBytes;
            var start = Stopwatch.GetTimestamp();
            IEncoderModel model = v4
                ? JinaV4Model.Load(directory, new ComputeContext(options.Threads), precision)
                : JinaV3Model.Load(directory, new ComputeContext(options.Threads), precision);
            double load = Stopwatch.GetElapsedTime(start).TotalSeconds;
            long weights = model switch
            {
                JinaV3Model m => m.Weights.ResidentBytes,
                JinaV4Model m => m.Weights.ResidentBytes,
                _ => 0,
            };
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            long rss = ProcessMemory.ResidentBytes - before;
            log($"{precision}: loaded in {load:F1} s, packed weights {weights / 1e9:F3} GB, RSS +{rss / 1e9:F2} GB");
            results[precision] = new EngineRun { LoadSeconds = load, WeightBytes = weights, ResidentDeltaBytes = rss };
            models[precision] = model;
        }

        // Timings: the two paths alternate round by round on each shape (warm-up first), so a change in this VM's load
        // between them falls on both; besides each path's median tokens/s, the speed-up of every round is kept.
        foreach (var model in models.Values)
        {
            model.Forward(EncoderBatch.FromSequences(inputs[1], [0]));
        }

        var paired = new Dictionary<string, object>();
        for (int i = 0; i < shapes.Length; i++)
        {
            string shape = $"{shapes[i].Count}x{shapes[i].Length}";
            var batch = EncoderBatch.FromSequences(inputs[i], Enumerable.Repeat(0, inputs[i].Count).ToList());
            bool single = shapes[i].Count == 1;
            int rounds = single ? (options.Quick ? 3 : 5) : (options.Quick ? 1 : 3), passes = single ? 3 : 1;
            var times = precisions.ToDictionary(p => p, _ => new List<double>());
            var roundRatios = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                var roundMedian = new Dictionary<Precision, double>();
                foreach (var precision in precisions)
                {
                    var roundTimes = new List<double>();
                    for (int pass = 0; pass < passes; pass++)
                    {
                        var t0 = Stopwatch.GetTimestamp();
                        models[precision].Forward(batch);
                        roundTimes.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
                    }

                    times[precision].AddRange(roundTimes);
                    roundMedian[precision] = Median(roundTimes);
                }

                roundRatios.Add(roundMedian[Precision.Exact] / roundMedian[Precision.Int8]);
            }

            double tokens = shapes[i].Count * shapes[i].Length;
            foreach (var precision in precisions)
            {
                var sorted = times[precision].Order().ToList();
                results[precision].TokensPerSecond[shape] = tokens / Median(sorted);
                results[precision].Spread[shape] = [tokens / sorted[^1], tokens / sorted[0]];
                log($"{precision}: {shapes[i].Count}×{shapes[i].Length}: {tokens / Median(sorted):F1} tokens/s (min {tokens / sorted[^1]:F1}, max {tokens / sorted[0]:F1}; {sorted.Count} runs in {rounds} rounds)");
            }

            paired[shape] = new { Median = Median(roundRatios), Min = roundRatios.Min(), Max = roundRatios.Max(), Rounds = roundRatios };
            log($"int8 ÷ exact at {shapes[i].Count}×{shapes[i].Length}, round by round: median {Median(roundRatios):F3} (min {roundRatios.Min():F3}, max {roundRatios.Max():F3}; {rounds} rounds)");
        }

        // Pooled vectors of every input under every adapter, for the fidelity comparison.
        foreach (var precision in precisions)
        {
            var model = models[precision];
            for (int adapter = 0; adapter < adapters; adapter++)
            {
                foreach (var input in inputs)
                {
                    var batch = EncoderBatch.FromSequences(input, Enumerable.Repeat(adapter, input.Count).ToList());
                    var states = model.Forward(batch);
                    for (int s = 0; s < input.Count; s++)
                    {
                        results[precision].Vectors.Add(Mean(states, batch.SequenceStarts[s], batch.SequenceStarts[s + 1], model.HiddenSize));
                    }
                }
            }

            model.Dispose();
        }

        var exact = results[Precision.Exact];
        var int8 = results[Precision.Int8];
        double minCosine = 1, minCosine128 = 1;
        for (int i = 0; i < exact.Vectors.Count; i++)
        {
            minCosine = Math.Min(minCosine, Cosine(exact.Vectors[i], int8.Vectors[i], exact.Vectors[i].Length));
            minCosine128 = Math.Min(minCosine128, Cosine(exact.Vectors[i], int8.Vectors[i], 128));
        }

        var ratios = new Dictionary<string, double>();
        foreach (var (shape, rate) in int8.TokensPerSecond)
        {
            ratios[$"speedup_{shape}"] = rate / exact.TokensPerSecond[shape];
        }

        ratios["weights_int8_over_exact"] = (double)int8.WeightBytes / exact.WeightBytes;
        ratios["min_cosine_to_exact"] = minCosine;
        ratios["min_cosine_to_exact_matryoshka_128"] = minCosine128;
        report["exact"] = exact.Summary();
        report["int8"] = int8.Summary();
        report["vectors_compared"] = exact.Vectors.Count;
        report["ratios"] = ratios;
        report["speedup_round_by_round"] = paired;

        Console.WriteLine();
        Console.WriteLine("Ratios (int8 ÷ exact; speedup > 1 means int8 is faster):");
        foreach (var (name, value) in ratios)
        {
            Console.WriteLine($"  {name,-40} {value.ToString("F4", CultureInfo.InvariantCulture)}");
        }

        string text = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(text);
        if (options.JsonPath is { } path)
        {
            File.WriteAllText(path, text);
        }

        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static List<int[]> Sequences(int count, int length, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, length).Select(_ => random.Next(1000, vocabulary)).ToArray()).ToList();
    }

    private static float[] Mean(float[] states, int start, int end, int hidden)
    {
        var mean = new float[hidden];
        for (int t = start; t < end; t++)
        {
            for (int i = 0; i < hidden; i++)
            {
                mean[i] += states[(t * hidden) + i];
            }
        }

        return mean;
    }

    // Cosine of the first `width` components (a Matryoshka slice is re-normalised, so its cosine is the slice's).
    private static double Cosine(float[] a, float[] b, int width)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < width; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    private sealed class EngineRun
    {
        public double LoadSeconds { get; init; }

        public long WeightBytes { get; init; }

        public long ResidentDeltaBytes { get; init; }

        public Dictionary<string, double> TokensPerSecond { get; } = [];

        public Dictionary<string, double[]> Spread { get; } = [];

        public List<float[]> Vectors { get; } = [];

        public object Summary() => new { LoadSeconds, WeightBytes, ResidentDeltaBytes, TokensPerSecond, Spread };
    }
}
