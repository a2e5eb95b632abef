// Benchmark harness (issue #4): GEMM vs a measured peak-FMA loop, then JinaEmbed and ONNX Runtime on
// the same synthetic full-size jina-embeddings-v3 weights, same threads, each engine in its own process.
// Ratios are printed last, human-readable and as JSON. See docs/benchmarks.md.
// --model v4: jina-embeddings-v4 against llama.cpp instead (V4Bench); generate-v4 / gguf-v4: its data tools (V4Tools).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JinaEmbed.Bench;
using JinaEmbed.Compute;

if (args.Length > 0 && args[0] is "generate-v4" or "gguf-v4")
{
    return V4Tools.Run(args, Log);
}

var options = BenchOptions.Parse(args);
var json = new JsonSerializerOptions { WriteIndented = true };

if (options.Int8)
{
    return Int8Bench.Run(options, Log);
}

if (options.Model == "v4")
{
    return options.Images ? V4ImageBench.Run(options, Log)
        : options.ChildEngine != null ? V4Bench.RunOurs(options, Log) : V4Bench.Run(options, Log);
}

if (options.ChildEngine is { } engineName)
{
    // Child mode: one engine, one process, so RSS readings are that engine's alone.
    var result = new EngineResult { Engine = engineName };
    long before = ProcessMemory.ResidentBytes;
    long start = Stopwatch.GetTimestamp();
    using (IBenchEngine engine = engineName == "onnxruntime"
        ? new OnnxRuntimeEngine(BenchData.OnnxModelPath(options), options.Threads)
        : new JinaEmbedEngine(BenchData.CheckpointDirectory(options), options.Threads))
    {
        result.LoadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        GC.Collect();
        result.ResidentAfterLoadBytes = ProcessMemory.ResidentBytes;
        result.ResidentWeightBytes = result.ResidentAfterLoadBytes - before;
        Log($"{engineName}: loaded in {result.LoadSeconds:F1} s, RSS {result.ResidentAfterLoadBytes / 1e9:F2} GB");
        EngineBenchmark.Run(engine, result, options, Log);
    }

    result.PeakResidentBytes = ProcessMemory.PeakResidentBytes;
    File.WriteAllText(options.ChildResultPath!, JsonSerializer.Serialize(result, json));
    return 0;
}

if (options.AttentionLengths is { } lengths)
{
    AttentionBenchmark.Run(new ComputeContext(options.Threads), lengths, Log);
    return 0;
}

var report = new Dictionary<string, object?>
{
    ["threads"] = options.Threads,
    ["processor"] = Environment.ProcessorCount,
    ["tier"] = new ComputeContext(options.Threads).Tier.ToString(),
    ["quick"] = options.Quick,
    ["tokensPerBatch"] = options.TokensPerBatch,
};

double? gemmFraction = null, gemmGflops = null;
if (!options.SkipGemm)
{
    var context = new ComputeContext(options.Threads);
    var (peak, shapes) = GemmBenchmark.Run(context, options.Quick);
    Log($"peak FMA: {GemmBenchmark.LastPeak} ({options.Threads} threads, {context.Tier})");
    foreach (var s in shapes)
    {
        Log($"GEMM M={s.M} N={s.N} K={s.K} {s.Weights}: {s.Gflops:F1} GFLOP/s = {GemmBenchmark.Describe(s.FractionOfPeak)}");
    }

    gemmFraction = shapes.Where(s => s.M == 512 && s.N == 1024 && s.K == 1024).Max(s => s.FractionOfPeak);
    if (gemmFraction > 1)
    {
        gemmFraction = null; // above the measured peak: a measurement error, not a ratio
    }
    gemmGflops = shapes.Where(s => s.M == 512 && s.N == 1024 && s.K == 1024 && s.Weights == "bf16").Max(s => s.Gflops);
    report["gemm"] = new { peakGflops = peak, shapes };
}

var engines = new Dictionary<string, EngineResult>();
if (!options.SkipEngine)
{
    BenchData.EnsureCheckpoint(options, Log);
    engines["jinaembed"] = RunChild("jinaembed");
}

if (!options.SkipPeer)
{
    BenchData.EnsureOnnx(options, Log);
    engines["onnxruntime"] = RunChild("onnxruntime");
}

report["engines"] = engines;
var ratios = new Dictionary<string, double>();
if (gemmFraction is { } f)
{
    ratios["gemm_1024x1024_m512_fraction_of_peak"] = f;
}

if (engines.TryGetValue("jinaembed", out var ours) && engines.TryGetValue("onnxruntime", out var peer))
{
    foreach (var (length, rate) in ours.SingleSequenceTokensPerSecond)
    {
        if (peer.SingleSequenceTokensPerSecond.TryGetValue(length, out var peerRate))
        {
            ratios[$"single_{length}_tokens_speedup"] = rate / peerRate;
        }
    }

    foreach (var (length, rate) in ours.BatchTokensPerSecond)
    {
        if (peer.BatchTokensPerSecond.TryGetValue(length, out var peerRate))
        {
            ratios[$"batch_{length}_tokens_speedup"] = rate / peerRate;
        }
    }

    ratios["query32_p50_speedup"] = peer.Query32P50Ms / ours.Query32P50Ms;
    ratios["query32_p99_speedup"] = peer.Query32P99Ms / ours.Query32P99Ms;
    ratios["resident_after_warmup_ratio"] = (double)ours.ResidentAfterWarmupBytes / peer.ResidentAfterWarmupBytes;
    if (ours.Document8192Seconds is { } d && peer.Document8192Seconds is { } pd)
    {
        ratios["document_8192_speedup"] = pd / d;
    }
}

if (engines.TryGetValue("jinaembed", out var engineOnly) && engineOnly.Document8192PeakResidentBytes is { } docPeak)
{
    ratios["document_8192_peak_rss_minus_weights_gb"] = (docPeak - engineOnly.ResidentWeightBytes) / 1e9;
    if (gemmGflops is { } rate && engineOnly.Document8192Seconds is { } seconds)
    {
        // The document's matrix FLOPs at the measured GEMM rate: how close the whole forward pass runs to it.
        var config = JinaEmbed.Checkpoints.JinaV3Config.Load(Path.Combine(BenchData.CheckpointDirectory(options), "config.json"));
        double n = EngineBenchmark.DocumentLength, h = config.HiddenSize, ffn = config.IntermediateSize;
        double flops = config.NumHiddenLayers * ((2 * n * ((4 * h * h) + (2 * h * ffn))) + (4 * n * n * h));
        ratios["document_8192_time_over_flop_bound"] = seconds / (flops / (rate * 1e9));
    }
}

report["ratios"] = ratios;

Console.WriteLine();
Console.WriteLine("Ratios (JinaEmbed ÷ ONNX Runtime speed; > 1 means JinaEmbed is faster):");
foreach (var (name, value) in ratios)
{
    Console.WriteLine($"  {name,-45} {value.ToString("F3", CultureInfo.InvariantCulture)}");
}

string text = JsonSerializer.Serialize(report, json);
Console.WriteLine();
Console.WriteLine(text);
if (options.JsonPath is { } jsonPath)
{
    File.WriteAllText(jsonPath, text);
}

return 0;

EngineResult RunChild(string engine)
{
    string resultPath = Path.Combine(Path.GetTempPath(), $"jinaembed-bench-{engine}-{Environment.ProcessId}.json");
    var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
    string entry = typeof(BenchOptions).Assembly.Location;
    if (!Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals(Path.GetFileNameWithoutExtension(entry), StringComparison.Ordinal))
    {
        start.ArgumentList.Add(entry); // running under the dotnet host
    }

    foreach (var argument in options.ToChildArguments(engine, resultPath))
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the benchmark child process");
    process.WaitForExit();
    if (process.ExitCode != 0 || !File.Exists(resultPath))
    {
        throw new InvalidOperationException($"{engine} benchmark failed (exit code {process.ExitCode}).");
    }

    var result = JsonSerializer.Deserialize<EngineResult>(File.ReadAllText(resultPath))!;
    File.Delete(resultPath);
    return result;
}

static void Log(string message) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
