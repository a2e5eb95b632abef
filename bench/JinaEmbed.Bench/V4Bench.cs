// The jina-embeddings-v4 side-by-side benchmark (--model v4): JinaEmbed (Embedder.EmbedTokenIds, retrieval adapter,
// unmerged LoRA) against llama.cpp (our jina-llama-bench driver on a Qwen2 GGUF with the retrieval adapter merged, BF16
// and F32), same threads, same token ids, each engine in its own process. See docs/benchmarks.md ("jina-embeddings-v4").
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JinaEmbed.Embedding;
using JinaEmbed.Testing;

namespace JinaEmbed.Bench;

/// <summary>One workload: <see cref="Count"/> sequences of <see cref="Length"/> random token ids.</summary>
internal sealed record V4Workload(string Name, int Count, int Length, int Warmup, int Reps);

/// <summary>What one engine measured (the schema jina-llama-bench writes too).</summary>
internal sealed class V4EngineResult
{
    public string Engine { get; set; } = "";

    public int Threads { get; set; }

    public double LoadSeconds { get; set; }

    public long ResidentBeforeLoadBytes { get; set; }

    public long ResidentAfterLoadBytes { get; set; }

    public long ResidentAfterWarmupBytes { get; set; }

    public List<V4WorkloadResult> Workloads { get; set; } = [];

    public long PeakResidentBytes { get; set; }
}

/// <summary>One workload's timings; <see cref="FirstEmbedding"/> = the first sequence's pooled, normalised vector.</summary>
internal sealed class V4WorkloadResult
{
    public string Name { get; set; } = "";

    public int Count { get; set; }

    public int Length { get; set; }

    public double MedianSeconds { get; set; }

    public double TokensPerSecond { get; set; }

    public long PeakResidentBytes { get; set; }

    public bool Finite { get; set; }

    public List<double> Seconds { get; set; } = [];

    public float[] FirstEmbedding { get; set; } = [];
}

/// <summary>Data preparation, our child process and the parent's report for the v4 benchmark.</summary>
internal static class V4Bench
{
    public const int FirstSpecialId = 151643; // ids below are ordinary BPE tokens (spec §2.1)
    public const string Task = "retrieval.passage", Adapter = "retrieval";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string CheckpointDirectory(BenchOptions options) => Path.Combine(options.DataDirectory, "jina-v4");

    public static string GgufPath(BenchOptions options, string dtype) => Path.Combine(options.DataDirectory, "jina-v4-gguf", $"jina-v4-{Adapter}-{dtype}.gguf");

    public static string LlamaDriver(BenchOptions options) => options.LlamaBinary ?? Path.Combine(options.DataDirectory, "llama-cpp", "jina-llama-bench");

    /// <summary>1×32 (latency), 8×512 (a batch of passages), 1×4096, and one 32768-token document.</summary>
    public static List<V4Workload> Workloads(BenchOptions options)
    {
        var list = new List<V4Workload>
        {
            new("1x32", 1, 32, 1, options.Quick ? 3 : 5),
            new("8x512", 8, 512, 0, 1),
            new("1x4096", 1, 4096, 0, 1),
        };
        if (!options.SkipDocument)
        {
            list.Add(new("1x32768", 1, 32768, 0, 1));
        }

        return options.V4Only is { } only ? list.Where(w => only.Contains(w.Name)).ToList() : list;
    }

    /// <summary>Random ids in [0, 151643), deterministic per workload.</summary>
    public static List<int[]> Ids(V4Workload w)
    {
        var random = new Random(4000 + (w.Count * w.Length));
        return Enumerable.Range(0, w.Count).Select(_ => Enumerable.Range(0, w.Length).Select(_ => random.Next(0, FirstSpecialId)).ToArray()).ToList();
    }

    /// <summary>Writes the workload file both engines read: "workload NAME COUNT LENGTH WARMUP REPS" + one line of ids per sequence.</summary>
    public static void WriteWorkloads(string path, List<V4Workload> workloads)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.WriteLine("# jina-embeddings-v4 benchmark workloads (JinaEmbed.Bench --model v4)");
        foreach (var w in workloads)
        {
            writer.WriteLine(FormattableString.Invariant($"workload {w.Name} {w.Count} {w.Length} {w.Warmup} {w.Reps}"));
            foreach (var ids in Ids(w))
            {
                writer.WriteLine(string.Join(' ', ids.Select(i => i.ToString(CultureInfo.InvariantCulture))));
            }
        }
    }

    /// <summary>Reads a workload file back (ids included).</summary>
    public static List<(V4Workload Workload, List<int[]> Ids)> ReadWorkloads(string path)
    {
        var result = new List<(V4Workload, List<int[]>)>();
        using var reader = new StreamReader(path);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var p = line.Split(' ');
            var w = new V4Workload(p[1], Int(p[2]), Int(p[3]), Int(p[4]), Int(p[5]));
            var ids = new List<int[]>();
            for (int s = 0; s < w.Count; s++)
            {
                ids.Add(reader.ReadLine()!.Split(' ').Select(Int).ToArray());
            }

            result.Add((w, ids));
        }

        return result;

        static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    }

    /// <summary>Generates the BF16 checkpoint folder if absent.</summary>
    public static void EnsureCheckpoint(BenchOptions options, Action<string> log)
    {
        string dir = CheckpointDirectory(options);
        if (!File.Exists(Path.Combine(dir, "model.safetensors.index.json")) || !File.Exists(Path.Combine(dir, "adapters", "adapter_model.safetensors")))
        {
            log($"generating the synthetic jina-embeddings-v4 checkpoint (BF16, 7.5 GB) in {dir} …");
            Generate(dir, options, "BF16", null, log);
        }
    }

    /// <summary>Writes a full-size (or <paramref name="config"/>-sized) synthetic v4 folder with the shared tokenizer files.</summary>
    public static void Generate(string dir, BenchOptions options, string dtype, string? config, Action<string> log)
    {
        var start = Stopwatch.StartNew();
        SyntheticJinaV4Checkpoint.Write(
            dir,
            config,
            dtype,
            tokenizerJsonPath: Path.Combine(options.SharedDirectory, "fixtures", "tokenizer-bpe", "tokenizer.json"),
            tokenizerConfigPath: Path.Combine(options.SharedDirectory, "fixtures", "tiny-jina-v4", "tokenizer_config.json"),
            log: log);
        log($"generated in {start.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>Converts the checkpoint to the Qwen2 GGUF (retrieval merged) if absent.</summary>
    public static string EnsureGguf(BenchOptions options, string dtype, Action<string> log)
    {
        string path = GgufPath(options, dtype);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var start = Stopwatch.StartNew();
            V4GgufConverter.Convert(CheckpointDirectory(options), path + ".partial", Adapter, V4GgufConverter.TypeOf(dtype), log);
            File.Move(path + ".partial", path);
            log($"converted in {start.Elapsed.TotalSeconds:F0} s");
        }

        return path;
    }

    /// <summary>Child process: our engine on every workload of the file; writes the result JSON.</summary>
    public static int RunOurs(BenchOptions options, Action<string> log)
    {
        var workloads = ReadWorkloads(options.WorkloadsPath!);
        var result = new V4EngineResult { Engine = "jinaembed", Threads = options.Threads, ResidentBeforeLoadBytes = ProcessMemory.ResidentBytes };
        long start = Stopwatch.GetTimestamp();
        int longest = workloads.Max(w => w.Workload.Count * w.Workload.Length);
        var precision = options.Precisions[0];
        result.Engine = EngineName(precision);
        using var embedder = Embedder.Load(CheckpointDirectory(options), new EmbedderOptions { Threads = options.Threads, MaxBatchTokens = Math.Max(16384, longest), Precision = precision });
        result.LoadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        GC.Collect();
        result.ResidentAfterLoadBytes = ProcessMemory.ResidentBytes;
        log($"jinaembed: loaded in {result.LoadSeconds:F1} s, RSS {result.ResidentAfterLoadBytes / 1e9:F2} GB");
        var embedOptions = new EmbedOptions { Task = Task };

        // JIT warm-up: a few short calls so the kernels have reached their final tier before anything is timed.
        for (int i = 0; i < 3; i++)
        {
            embedder.EmbedTokenIds([Enumerable.Range(100, 16).ToArray()], embedOptions);
        }

        foreach (var (w, ids) in workloads)
        {
            GC.Collect();
            ProcessMemory.ResetPeak();
            var r = new V4WorkloadResult { Name = w.Name, Count = w.Count, Length = w.Length };
            float[][] vectors = [];
            for (int rep = 0; rep < w.Warmup + w.Reps; rep++)
            {
                long t0 = Stopwatch.GetTimestamp();
                vectors = embedder.EmbedTokenIds(ids, embedOptions);
                double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                if (rep >= w.Warmup)
                {
                    r.Seconds.Add(seconds);
                }

                log($"jinaembed: {w.Name} {(rep < w.Warmup ? "warm-up" : "timed")} {seconds:F3} s ({w.Count * w.Length / seconds:F1} tokens/s)");
            }

            if (result.ResidentAfterWarmupBytes == 0)
            {
                result.ResidentAfterWarmupBytes = ProcessMemory.ResidentBytes;
            }

            r.PeakResidentBytes = ProcessMemory.PeakResidentBytes;
            r.MedianSeconds = r.Seconds.Order().ElementAt((r.Seconds.Count - 1) / 2);
            r.TokensPerSecond = w.Count * w.Length / r.MedianSeconds;
            r.Finite = vectors.All(v => v.All(float.IsFinite));
            r.FirstEmbedding = vectors[0];
            result.Workloads.Add(r);
        }

        result.PeakResidentBytes = result.Workloads.Max(w => w.PeakResidentBytes);
        File.WriteAllText(options.ChildResultPath!, JsonSerializer.Serialize(result, Json));
        return 0;
    }

    /// <summary>Parent: GEMM at the v4 shapes, data, each engine in its own process, then ratios.</summary>
    public static int Run(BenchOptions options, Action<string> log)
    {
        var report = new Dictionary<string, object?>
        {
            ["model"] = "jina-embeddings-v4 (synthetic, full size)",
            ["threads"] = options.Threads,
            ["processor"] = Environment.ProcessorCount,
            ["task"] = Task,
        };

        if (!options.SkipGemm)
        {
            var context = new JinaEmbed.Compute.ComputeContext(options.Threads);
            var (peak, shapes) = GemmBenchmark.Run(context, options.Quick, GemmBenchmark.V4Shapes);
            log($"peak FMA: {GemmBenchmark.LastPeak} ({options.Threads} threads, {context.Tier})");
            foreach (var s in shapes)
            {
                log($"GEMM M={s.M} N={s.N} K={s.K} {s.Weights}: {s.Gflops:F1} GFLOP/s = {GemmBenchmark.Describe(s.FractionOfPeak)}");
            }

            report["tier"] = context.Tier.ToString();
            report["gemm"] = new { peakGflops = peak, shapes };
        }

        var workloads = Workloads(options);
        Directory.CreateDirectory(options.DataDirectory);
        string workloadPath = Path.Combine(options.DataDirectory, $"jina-v4-workloads-{Environment.ProcessId}.txt");
        WriteWorkloads(workloadPath, workloads);
        report["workloads"] = workloads;
        var engines = new Dictionary<string, V4EngineResult>();
        try
        {
            if (!options.SkipEngine)
            {
                EnsureCheckpoint(options, log);
                foreach (var precision in options.Precisions)
                {
                    engines[EngineName(precision)] = RunChildProcess(options, precision, workloadPath, log);
                }
            }

            if (!options.SkipPeer)
            {
                foreach (var dtype in options.LlamaDtypes)
                {
                    EnsureCheckpoint(options, log);
                    string gguf = EnsureGguf(options, dtype, log);
                    engines[$"llama.cpp-{dtype}"] = RunLlama(options, gguf, dtype, workloadPath, log);
                }
            }
        }
        finally
        {
            File.Delete(workloadPath);
        }

        report["engines"] = engines;
        var ratios = new Dictionary<string, double>();
        // Each of our precisions against every peer, and int8 against our exact path.
        foreach (var (oursName, ours) in engines.Where(e => e.Key.StartsWith("jinaembed", StringComparison.Ordinal)))
        {
            string prefix = oursName == "jinaembed" ? "" : oursName["jinaembed".Length..].TrimStart('-') + "_";
            foreach (var (name, peer) in engines.Where(e => !e.Key.StartsWith("jinaembed", StringComparison.Ordinal) || (e.Key == "jinaembed" && oursName != "jinaembed")))
            {
                foreach (var w in ours.Workloads)
                {
                    if (peer.Workloads.FirstOrDefault(p => p.Name == w.Name) is { } p && p.TokensPerSecond > 0)
                    {
                        ratios[$"{prefix}{w.Name}_tokens_per_s_ours_over_{name}"] = w.TokensPerSecond / p.TokensPerSecond;
                        ratios[$"{prefix}{w.Name}_cosine_ours_vs_{name}"] = Cosine(w.FirstEmbedding, p.FirstEmbedding);
                    }
                }

                ratios[$"{prefix}resident_weights_ours_over_{name}"] = (double)(ours.ResidentAfterWarmupBytes - ours.ResidentBeforeLoadBytes) / (peer.ResidentAfterWarmupBytes - peer.ResidentBeforeLoadBytes);
            }
        }

        report["ratios"] = ratios;
        PrintTable(engines, log);
        Console.WriteLine();
        Console.WriteLine("Ratios (ours ÷ llama.cpp tokens/s; > 1 means JinaEmbed is faster; cosine = first sequence's vectors):");
        foreach (var (name, value) in ratios)
        {
            Console.WriteLine($"  {name,-60} {value.ToString("F4", CultureInfo.InvariantCulture)}");
        }

        string text = JsonSerializer.Serialize(report, Json);
        Console.WriteLine();
        Console.WriteLine(text);
        if (options.JsonPath is { } jsonPath)
        {
            File.WriteAllText(jsonPath, text);
        }

        return 0;
    }

    private static void PrintTable(Dictionary<string, V4EngineResult> engines, Action<string> log)
    {
        Console.WriteLine();
        Console.WriteLine($"{"engine",-18} {"workload",-9} {"tokens/s",10} {"seconds",9} {"peak RSS GB",12}");
        foreach (var (name, e) in engines)
        {
            foreach (var w in e.Workloads)
            {
                Console.WriteLine(FormattableString.Invariant($"{name,-18} {w.Name,-9} {w.TokensPerSecond,10:F2} {w.MedianSeconds,9:F2} {w.PeakResidentBytes / 1e9,12:F2}"));
            }

            log(FormattableString.Invariant($"{name}: load {e.LoadSeconds:F1} s, resident after load {(e.ResidentAfterLoadBytes - e.ResidentBeforeLoadBytes) / 1e9:F2} GB, after warm-up {(e.ResidentAfterWarmupBytes - e.ResidentBeforeLoadBytes) / 1e9:F2} GB"));
        }
    }

    private static double Cosine(float[] a, float[] b)
    {
        if (a.Length != b.Length || a.Length == 0)
        {
            return double.NaN;
        }

        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    private static string EngineName(JinaEmbed.Compute.Precision precision) =>
        precision == JinaEmbed.Compute.Precision.Exact ? "jinaembed" : "jinaembed-" + precision.ToString().ToLowerInvariant();

    private static V4EngineResult RunChildProcess(BenchOptions options, JinaEmbed.Compute.Precision precision, string workloadPath, Action<string> log)
    {
        string resultPath = Path.Combine(Path.GetTempPath(), $"jinaembed-bench-v4-{precision}-{Environment.ProcessId}.json");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        string entry = typeof(BenchOptions).Assembly.Location;
        if (!Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals(Path.GetFileNameWithoutExtension(entry), StringComparison.Ordinal))
        {
            start.ArgumentList.Add(entry); // running under the dotnet host
        }

        foreach (var argument in options.ToChildArguments("jinaembed", resultPath))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--workloads");
        start.ArgumentList.Add(workloadPath);
        start.ArgumentList.Add("--precisions");
        start.ArgumentList.Add(precision.ToString().ToLowerInvariant());
        return RunAndRead(start, resultPath, EngineName(precision));
    }

    private static V4EngineResult RunLlama(BenchOptions options, string gguf, string dtype, string workloadPath, Action<string> log)
    {
        string driver = LlamaDriver(options);
        if (!File.Exists(driver))
        {
            throw new FileNotFoundException($"llama.cpp driver not found at {driver}; build it with bench/llama-cpp/setup.sh (or pass --llama-bin).");
        }

        string resultPath = Path.Combine(Path.GetTempPath(), $"jinaembed-bench-llama-{dtype}-{Environment.ProcessId}.json");
        var start = new ProcessStartInfo(driver) { UseShellExecute = false };
        foreach (var a in new[]
        {
            "--model", gguf, "--workloads", workloadPath, "--threads", options.Threads.ToString(CultureInfo.InvariantCulture),
            "--kv-type", options.LlamaKvType ?? (dtype == "f32" ? "f32" : "f16"), "--json", resultPath,
        })
        {
            start.ArgumentList.Add(a);
        }

        log($"llama.cpp ({dtype}): {driver} {string.Join(' ', start.ArgumentList)}");
        var result = RunAndRead(start, resultPath, $"llama.cpp-{dtype}");
        result.Engine = $"llama.cpp-{dtype}";
        return result;
    }

    private static V4EngineResult RunAndRead(ProcessStartInfo start, string resultPath, string engine)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(resultPath))
        {
            throw new InvalidOperationException($"{engine} benchmark failed (exit code {process.ExitCode}).");
        }

        var result = JsonSerializer.Deserialize<V4EngineResult>(File.ReadAllText(resultPath), Json)!;
        File.Delete(resultPath);
        return result;
    }
}
