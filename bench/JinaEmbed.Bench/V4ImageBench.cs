// jina-embeddings-v4 images on the full-size synthetic weights (--model v4 --images; issue #14): GEMM efficiency of the
// vision tower's shapes, then per image size the time of each stage — preprocessing (decode + resize + normalise +
// patchify of a generated PNG), vision tower, language model (the image prompt, S = n + 11, with 3-D positions) and
// the whole model call with the image spliced in — against the stage's FLOP count (spec §12.2, computed from the
// config) at the measured FMA peak. See docs/benchmarks.md ("v4 images").
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JinaEmbed.Compute;
using JinaEmbed.Images;
using JinaEmbed.Models;

namespace JinaEmbed.Bench;

/// <summary>Timings of one stage over the repetitions, and its FLOPs.</summary>
internal sealed class ImageStage
{
    public List<double> Seconds { get; set; } = [];

    public List<double> CpuSeconds { get; set; } = [];

    public double Flop { get; set; }

    public double MedianSeconds => Median(Seconds);

    public double MinSeconds => Seconds.Count == 0 ? double.NaN : Seconds.Min();

    public double MaxSeconds => Seconds.Count == 0 ? double.NaN : Seconds.Max();

    /// <summary>FLOPs over the median wall time.</summary>
    public double Gflops => Flop > 0 ? Flop / MedianSeconds / 1e9 : 0;

    /// <summary>FLOPs over the median process CPU time × threads (set by the caller's thread count).</summary>
    public double CpuGflops { get; set; }

    /// <summary>Median time ÷ (FLOPs at the peak): 1 = the FLOP bound.</summary>
    public double OverFlopBound { get; set; }

    /// <summary>The same with the median process CPU time ÷ threads as the time: what the stage costs when the cores are shared.</summary>
    public double OverFlopBoundByCpu { get; set; }

    internal static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt((values.Count - 1) / 2);
}

/// <summary>One image size's results.</summary>
internal sealed class ImageSizeResult
{
    public string Name { get; set; } = "";

    public int Width { get; set; }

    public int Height { get; set; }

    public int GridHeight { get; set; }

    public int GridWidth { get; set; }

    public int Patches { get; set; }

    public int ImageTokens { get; set; }

    public int SequenceLength { get; set; }

    public long PngBytes { get; set; }

    /// <summary>Why preprocessing was not timed (the decoder or preprocessor is not implemented yet), or null.</summary>
    public string? PreprocessingUnavailable { get; set; }

    /// <summary>Whether the vision tower ran on the preprocessor's pixel values (else synthetic values of the same grid).</summary>
    public bool RealPixelValues { get; set; }

    public ImageStage? Decode { get; set; }

    /// <summary>smart_resize + the uint8 bicubic antialias resize (spec §7.2–§7.3).</summary>
    public ImageStage? Resize { get; set; }

    /// <summary>Normalise + patchify (spec §7.4–§7.5).</summary>
    public ImageStage? Patchify { get; set; }

    public ImageStage? Preprocessing { get; set; }

    public ImageStage Vision { get; set; } = new();

    public ImageStage LanguageModel { get; set; } = new();

    /// <summary>One model call with the image spliced in: vision tower + language model.</summary>
    public ImageStage Model { get; set; } = new();

    public Dictionary<string, double> VisionFlopBreakdown { get; set; } = [];

    public Dictionary<string, double> LanguageModelFlopBreakdown { get; set; } = [];

    /// <summary>Median preprocessing + median model call (model call alone while preprocessing is unavailable).</summary>
    public double TotalSeconds { get; set; }

    public double TotalOverFlopBound { get; set; }

    /// <summary>The same by CPU time ÷ threads.</summary>
    public double TotalOverFlopBoundByCpu { get; set; }

    public long PeakResidentBytes { get; set; }

    public bool Finite { get; set; }
}

/// <summary>The image benchmark.</summary>
internal static class V4ImageBench
{
    public const string Adapter = "retrieval";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The image prompt of spec §7.6 around n image tokens: S = n + 11.</summary>
    public static int[] PromptIds(int imageTokens, Checkpoints.JinaV4Config config)
    {
        var ids = new List<int> { 151644, 872, 198, config.VisionStartTokenId };
        ids.AddRange(Enumerable.Repeat(config.ImageTokenId, imageTokens));
        ids.AddRange([config.VisionEndTokenId, 74785, 279, 2168, 13, 151645, 198]);
        return [.. ids];
    }

    // smart_resize (spec §7.2) with Jina's bounds: the library's own, so the bench sizes what the engine will run.
    private static (int Height, int Width) SmartResize(int height, int width) =>
        JinaEmbed.Images.SmartResize.Compute(height, width, 28, 3136, 602112);

    /// <summary>Vision-tower FLOPs of one image (spec §12.2), exactly: linears, window and full attention, merger.</summary>
    public static Dictionary<string, double> VisionFlop(Checkpoints.JinaV4VisionConfig c, int gridHeight, int gridWidth)
    {
        double n = (double)gridHeight * gridWidth, dv = c.HiddenSize, fv = c.IntermediateSize;
        int unit = c.SpatialMergeSize * c.SpatialMergeSize;
        int windowTokens = Math.Max(1, c.WindowSize / c.SpatialMergeSize / c.PatchSize);
        var (_, windowStarts) = JinaV4VisionTower.WindowOrder(gridHeight, gridWidth, c.SpatialMergeSize, windowTokens);
        double windowPairs = 0;
        for (int i = 0; i + 1 < windowStarts.Length; i++)
        {
            double size = windowStarts[i + 1] - windowStarts[i];
            windowPairs += size * size;
        }

        int fullBlocks = c.FullAttentionBlockIndexes.Count(b => b < c.Depth);
        double merged = n / unit, mergedWidth = unit * dv;
        return new Dictionary<string, double>
        {
            ["patchEmbedding"] = 2 * n * c.PatchInputSize * dv,
            ["blockLinears"] = c.Depth * 2 * n * ((dv * 3 * dv) + (dv * dv) + (3 * dv * fv)),
            ["windowAttention"] = (c.Depth - fullBlocks) * 4 * dv * windowPairs,
            ["fullAttention"] = fullBlocks * 4 * dv * n * n,
            ["merger"] = 2 * merged * ((mergedWidth * mergedWidth) + (mergedWidth * c.OutHiddenSize)),
        };
    }

    /// <summary>Language-model FLOPs of one S-token sequence: linears, its adapter's LoRA, causal attention (S(S+1)/2 pairs).</summary>
    public static Dictionary<string, double> LanguageModelFlop(JinaV4Model model, int tokens)
    {
        var c = model.Config;
        double s = tokens, linears = 0, lora = 0;
        foreach (var layer in model.Weights.Layers)
        {
            foreach (var m in new[] { layer.QueryProjection, layer.KeyProjection, layer.ValueProjection, layer.OutputProjection, layer.GateProjection, layer.UpProjection, layer.DownProjection })
            {
                linears += 2 * s * m.In * m.Out;
                if (m.Tasks > 0)
                {
                    lora += 2 * s * m.Rank * (m.In + m.Out);
                }
            }
        }

        return new Dictionary<string, double>
        {
            ["linears"] = linears,
            ["lora"] = lora,
            ["causalAttention"] = c.NumHiddenLayers * 4.0 * c.NumAttentionHeads * c.HeadDimension * (s * (s + 1) / 2),
        };
    }

    public static int Run(BenchOptions options, Action<string> log)
    {
        var context = new ComputeContext(options.Threads);
        var report = new Dictionary<string, object?>
        {
            ["model"] = "jina-embeddings-v4 images (synthetic, full size)",
            ["threads"] = options.Threads,
            ["processor"] = Environment.ProcessorCount,
            ["tier"] = context.Tier.ToString(),
            ["loadAverage"] = LoadAverage(),
        };
        log($"load average at start: {LoadAverage()}");

        var sizes = options.ImageSizes;
        double peak;
        if (!options.SkipGemm)
        {
            var shapes = sizes.Select(s => SmartResize(s.Height, s.Width)).Select(r => r.Height / 14 * (r.Width / 14)).Distinct()
                .SelectMany(GemmBenchmark.VisionShapes).Select(s => ((string?)s.Name, s.M, s.N, s.K)).ToArray();
            if (options.GemmShapes is { } only)
            {
                shapes = [.. only.Select(s => ((string?)"custom", s.M, s.N, s.K))];
            }

            var (measured, results) = GemmBenchmark.Run(context, options.Quick, shapes, [true]);

            // A neighbour's burst during the peak loop makes it read low: measure again after the shapes, keep the best.
            peak = Math.Max(measured, MeasurePeak(context, options.Quick));
            results = [.. results.Select(r => r with { FractionOfPeak = r.Gflops / peak })];
            log($"peak FMA: {peak:F1} GFLOP/s ({options.Threads} threads, {context.Tier})");
            foreach (var r in results)
            {
                log(FormattableString.Invariant($"GEMM vision {r.Name,-8} M={r.M,5} N={r.N,5} K={r.K,5} {r.Weights}: {r.Gflops,6:F1} GFLOP/s = {GemmBenchmark.Describe(r.FractionOfPeak)} ({r.CpuGflops:F1} GFLOP/s by CPU time × {options.Threads})"));
            }

            report["gemm"] = new { peakGflops = peak, shapes = results };
        }
        else
        {
            peak = MeasurePeak(context, options.Quick);
            log($"peak FMA: {peak:F1} GFLOP/s ({options.Threads} threads, {context.Tier})");
        }

        report["measuredPeakGflops"] = peak;
        if (options.PeakGflops is { } reference)
        {
            log($"FLOP bounds use the given peak {reference:F1} GFLOP/s (measured now: {peak:F1})");
            peak = reference;
        }

        report["peakGflops"] = peak;
        if (!options.SkipEngine)
        {
            V4Bench.EnsureCheckpoint(options, log);
            report["images"] = RunImages(options, context, peak, log, report);
        }

        report["loadAverageAtEnd"] = LoadAverage();
        string text = JsonSerializer.Serialize(report, Json);
        Console.WriteLine();
        Console.WriteLine(text);
        if (options.JsonPath is { } jsonPath)
        {
            File.WriteAllText(jsonPath, text);
        }

        return 0;
    }

    private static List<ImageSizeResult> RunImages(BenchOptions options, ComputeContext context, double peak, Action<string> log, Dictionary<string, object?> report)
    {
        string dir = V4Bench.CheckpointDirectory(options);
        long before = ProcessMemory.ResidentBytes;
        var watch = Stopwatch.StartNew();
        using var model = JinaV4Model.Load(dir, context);
        double loadSeconds = watch.Elapsed.TotalSeconds;
        GC.Collect();
        long afterLoad = ProcessMemory.ResidentBytes;
        log($"language model loaded in {loadSeconds:F1} s, RSS {afterLoad / 1e9:F2} GB");

        // The tower's 1.34 GB BF16 load lazily on the first image: timed on its own.
        watch.Restart();
        var tower = model.VisionTower;
        double towerSeconds = watch.Elapsed.TotalSeconds;
        GC.Collect();
        long afterTower = ProcessMemory.ResidentBytes;
        log($"vision tower loaded in {towerSeconds:F1} s, RSS {afterTower / 1e9:F2} GB (+{(afterTower - afterLoad) / 1e9:F2} GB; weights hold {tower.ResidentBytes / 1e9:F2} GB)");
        report["load"] = new
        {
            languageModelSeconds = loadSeconds,
            visionTowerSeconds = towerSeconds,
            residentBeforeLoadBytes = before,
            residentAfterLanguageModelBytes = afterLoad,
            residentAfterVisionTowerBytes = afterTower,
            visionTowerWeightBytes = tower.ResidentBytes,
        };

        int adapter = model.Config.TaskNames.ToList().IndexOf(Adapter);
        if (adapter < 0)
        {
            throw new InvalidOperationException($"config.json has no '{Adapter}' task.");
        }

        // Preprocessing goes through the library's decoder and preprocessor; until they exist (stubs throw
        // NotImplementedException) the stage is reported unavailable and the tower gets synthetic pixel values.
        ImagePreprocessor? preprocessor = null;
        string? unavailable = null;
        try
        {
            preprocessor = new ImagePreprocessor(ImagePreprocessorConfig.Load(Path.Combine(dir, "preprocessor_config.json")));
        }
        catch (NotImplementedException)
        {
            unavailable = "ImagePreprocessorConfig.Load is not implemented yet";
        }

        var results = new List<ImageSizeResult>();
        foreach (var (width, height) in options.ImageSizes)
        {
            var (rh, rw) = SmartResize(height, width);
            var r = new ImageSizeResult { Name = $"{width}x{height}", Width = width, Height = height, GridHeight = rh / 14, GridWidth = rw / 14 };
            r.Patches = r.GridHeight * r.GridWidth;
            r.ImageTokens = r.Patches / 4;
            int reps = Math.Max(1, r.Patches >= 1024 ? options.ImageReps : 3 * options.ImageReps);
            log($"image {r.Name}: resized {rh}×{rw}, grid {r.GridHeight}×{r.GridWidth}, N = {r.Patches} patches, n = {r.ImageTokens} tokens; {reps} timed repetitions");

            var png = PngWriter.Encode(width, height, PngWriter.TestPicture(width, height));
            r.PngBytes = png.Length;
            string pngPath = Path.Combine(options.DataDirectory, "v4-images", $"{r.Name}.png");
            if (!File.Exists(pngPath))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(pngPath)!);
                File.WriteAllBytes(pngPath, png); // kept for other tools (e.g. the CLI's embed --images)
            }

            GC.Collect();
            ProcessMemory.ResetPeak();

            ImagePatches? patches = null;
            r.PreprocessingUnavailable = unavailable;
            if (preprocessor != null)
            {
                try
                {
                    patches = preprocessor.Preprocess(ImageDecoder.Decode(png)); // warm-up (and the reference grid)
                    r.Decode = new ImageStage();
                    r.Resize = new ImageStage();
                    r.Patchify = new ImageStage();
                    r.Preprocessing = new ImageStage();
                    for (int rep = 0; rep < reps; rep++)
                    {
                        // What ImagePreprocessor.Preprocess does, stage by stage: smart_resize + uint8 bicubic resize,
                        // then normalise + patchify.
                        RgbImage rgb = null!, resized = null!;
                        var decode = Time(() => rgb = ImageDecoder.Decode(png));
                        var resize = Time(() =>
                        {
                            var (th, tw) = preprocessor.TargetSize(rgb.Height, rgb.Width);
                            resized = BicubicResize.Resize(rgb, th, tw);
                        });
                        var patchify = Time(() => patches = preprocessor.Patchify(resized));
                        Add(r.Decode, decode);
                        Add(r.Resize, resize);
                        Add(r.Patchify, patchify);
                        Add(r.Preprocessing, (decode.Wall + resize.Wall + patchify.Wall, decode.Cpu + resize.Cpu + patchify.Cpu));
                        log(FormattableString.Invariant($"image {r.Name}: preprocessing {decode.Wall + resize.Wall + patchify.Wall:F3} s (decode {decode.Wall:F3} s of a {png.Length / 1e6:F1} MB PNG, resize {resize.Wall:F3} s, normalise + patchify {patchify.Wall:F3} s)"));
                    }

                    if (patches!.GridHeight != r.GridHeight || patches.GridWidth != r.GridWidth)
                    {
                        log($"image {r.Name}: the preprocessor gave grid {patches.GridHeight}×{patches.GridWidth}, smart_resize here says {r.GridHeight}×{r.GridWidth}; using the preprocessor's");
                        r.GridHeight = patches.GridHeight;
                        r.GridWidth = patches.GridWidth;
                        r.Patches = patches.PatchCount;
                        r.ImageTokens = patches.ImageTokens;
                    }

                    r.RealPixelValues = true;
                }
                catch (NotImplementedException)
                {
                    patches = null;
                    r.Decode = r.Resize = r.Patchify = r.Preprocessing = null;
                    r.PreprocessingUnavailable = "ImageDecoder.Decode / ImagePreprocessor.Preprocess are not implemented yet";
                }
            }

            if (patches == null)
            {
                log($"image {r.Name}: preprocessing unavailable ({r.PreprocessingUnavailable}); the tower runs on synthetic pixel values of the same grid");
                patches = SyntheticPatches(r.GridHeight, r.GridWidth, model.Config.Vision.PatchInputSize);
            }

            var ids = PromptIds(r.ImageTokens, model.Config);
            r.SequenceLength = ids.Length;
            int[] starts = [0, ids.Length];
            var positions = new int[3 * ids.Length];
            JinaV4Model.ImagePositions(ids, model.Config.ImageTokenId, r.GridHeight / 2, r.GridWidth / 2,
                positions.AsSpan(0, ids.Length), positions.AsSpan(ids.Length, ids.Length), positions.AsSpan(2 * ids.Length, ids.Length));
            var lmBatch = new EncoderBatch(ids, starts, [adapter]) { Positions = positions };
            var imageBatch = new EncoderBatch(ids, starts, [adapter]) { Images = [patches] };

            r.VisionFlopBreakdown = VisionFlop(model.Config.Vision, r.GridHeight, r.GridWidth);
            r.LanguageModelFlopBreakdown = LanguageModelFlop(model, ids.Length);
            r.Vision.Flop = r.VisionFlopBreakdown.Values.Sum();
            r.LanguageModel.Flop = r.LanguageModelFlopBreakdown.Values.Sum();
            r.Model.Flop = r.Vision.Flop + r.LanguageModel.Flop;
            log(FormattableString.Invariant($"image {r.Name}: S = {ids.Length}; FLOP vision {r.Vision.Flop / 1e12:F3} T, language model {r.LanguageModel.Flop / 1e12:F3} T, total {r.Model.Flop / 1e12:F3} T = {r.Model.Flop / (peak * 1e9):F2} s at the {peak:F0} GFLOP/s peak"));

            // One untimed model call: JIT tiers and the activation buffers grown to this size.
            var warm = Time(() => model.Forward(imageBatch));
            log(FormattableString.Invariant($"image {r.Name}: warm-up model call {warm.Wall:F2} s"));
            float[] hidden = [];
            for (int rep = 0; rep < reps; rep++)
            {
                var vision = Time(() => tower.Forward([patches]));
                var lm = Time(() => model.Forward(lmBatch));
                var whole = Time(() => hidden = model.Forward(imageBatch));
                Add(r.Vision, vision);
                Add(r.LanguageModel, lm);
                Add(r.Model, whole);
                log(FormattableString.Invariant($"image {r.Name} rep {rep + 1}/{reps}: vision {vision.Wall:F2} s ({r.Vision.Flop / vision.Wall / 1e9:F0} GFLOP/s), language model {lm.Wall:F2} s ({r.LanguageModel.Flop / lm.Wall / 1e9:F0}), model call {whole.Wall:F2} s ({r.Model.Flop / whole.Wall / 1e9:F0}); CPU-time rate {r.Model.Flop / whole.Cpu * context.Threads / 1e9:F0} GFLOP/s; load {LoadAverage()}"));
            }

            r.Finite = hidden.All(float.IsFinite);
            r.PeakResidentBytes = ProcessMemory.PeakResidentBytes;
            foreach (var stage in new[] { r.Vision, r.LanguageModel, r.Model })
            {
                stage.OverFlopBound = stage.MedianSeconds / (stage.Flop / (peak * 1e9));
                stage.CpuGflops = stage.Flop / ImageStage.Median(stage.CpuSeconds) * context.Threads / 1e9;
                stage.OverFlopBoundByCpu = ImageStage.Median(stage.CpuSeconds) / context.Threads / (stage.Flop / (peak * 1e9));
            }

            r.TotalSeconds = (r.Preprocessing?.MedianSeconds ?? 0) + r.Model.MedianSeconds;
            r.TotalOverFlopBound = r.TotalSeconds / (r.Model.Flop / (peak * 1e9));
            double totalCpu = (r.Preprocessing is { } pp ? ImageStage.Median(pp.CpuSeconds) : 0) + ImageStage.Median(r.Model.CpuSeconds);
            r.TotalOverFlopBoundByCpu = totalCpu / context.Threads / (r.Model.Flop / (peak * 1e9));
            results.Add(r);
        }

        PrintTable(results, peak, options.Threads);
        return results;
    }

    private static void PrintTable(List<ImageSizeResult> results, double peak, int threads)
    {
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"v4 images, {threads} threads, peak {peak:F1} GFLOP/s; median s [min–max], GFLOP/s (wall / CPU time × threads), × FLOP bound (wall / CPU time ÷ threads)"));
        foreach (var r in results)
        {
            Console.WriteLine(FormattableString.Invariant($"{r.Name}: grid {r.GridHeight}×{r.GridWidth}, N = {r.Patches}, n = {r.ImageTokens}, S = {r.SequenceLength}, PNG {r.PngBytes / 1e6:F2} MB, pixel values {(r.RealPixelValues ? "from the preprocessor" : "synthetic")}, peak RSS {r.PeakResidentBytes / 1e9:F2} GB"));
            if (r.Preprocessing is { } p)
            {
                Console.WriteLine(FormattableString.Invariant($"  preprocessing   {p.MedianSeconds,8:F3} s [{p.MinSeconds:F3}–{p.MaxSeconds:F3}] (decode {r.Decode!.MedianSeconds:F3} s, resize {r.Resize!.MedianSeconds:F3} s, normalise + patchify {r.Patchify!.MedianSeconds:F3} s)"));
            }
            else
            {
                Console.WriteLine($"  preprocessing   unavailable: {r.PreprocessingUnavailable}");
            }

            foreach (var (name, s) in new[] { ("vision tower", r.Vision), ("language model", r.LanguageModel), ("model call", r.Model) })
            {
                Console.WriteLine(FormattableString.Invariant($"  {name,-15} {s.MedianSeconds,8:F3} s [{s.MinSeconds:F3}–{s.MaxSeconds:F3}]  {s.Flop / 1e12:F3} TFLOP  {s.Gflops:F1} / {s.CpuGflops:F1} GFLOP/s  {s.OverFlopBound:F2}× / {s.OverFlopBoundByCpu:F2}× bound"));
            }

            Console.WriteLine(FormattableString.Invariant($"  total           {r.TotalSeconds,8:F3} s  {r.TotalOverFlopBound:F2}× the FLOP bound ({r.TotalOverFlopBoundByCpu:F2}× by CPU time){(r.Preprocessing == null ? " (without preprocessing)" : "")}"));
        }
    }

    private static double MeasurePeak(ComputeContext context, bool quick) =>
        Enumerable.Range(0, 3).Max(_ => FmaPeak.MeasureGflops(context, quick ? 5_000_000 : 20_000_000));

    private static ImagePatches SyntheticPatches(int gridHeight, int gridWidth, int patchInputSize)
    {
        // Normalised CLIP values lie in about [−1.8, 2.1]; uniform there, deterministic per grid.
        var random = new Random((gridHeight * 1000) + gridWidth);
        var values = new float[gridHeight * gridWidth * patchInputSize];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 3.9) - 1.8);
        }

        return new ImagePatches(values, gridHeight, gridWidth, patchInputSize);
    }

    private static void Add(ImageStage stage, (double Wall, double Cpu) time)
    {
        stage.Seconds.Add(time.Wall);
        stage.CpuSeconds.Add(time.Cpu);
    }

    private static (double Wall, double Cpu) Time(Action call)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        call();
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
