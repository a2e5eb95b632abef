// Command-line options of the benchmark (see docs/benchmarks.md).
using System.Globalization;

namespace JinaEmbed.Bench;

/// <summary>Parsed options.</summary>
internal sealed class BenchOptions
{
    public int Threads { get; private set; } = Environment.ProcessorCount;

    /// <summary>Folder for generated checkpoints (outside the repository); $JINAEMBED_BENCH_DATA or ../bench-data.</summary>
    public string DataDirectory { get; private set; } =
        Environment.GetEnvironmentVariable("JINAEMBED_BENCH_DATA") ?? Path.GetFullPath(Path.Combine("..", "bench-data"));

    /// <summary>The shared folder holding tools/ and fixtures/; $JINAEMBED_SHARED or ../shared.</summary>
    public string SharedDirectory { get; private set; } =
        Environment.GetEnvironmentVariable("JINAEMBED_SHARED") ?? Path.GetFullPath(Path.Combine("..", "shared"));

    public string Python { get; private set; } = "/usr/bin/python3";

    public bool Quick { get; private set; }

    public bool SkipPeer { get; private set; }

    public bool SkipEngine { get; private set; }

    public bool SkipGemm { get; private set; }

    public bool SkipDocument { get; private set; }

    public bool PeerDocument { get; private set; }

    public int TokensPerBatch { get; private set; } = 4096;

    public int QueryReps { get; private set; } = 50;

    public int QueryRepsPeer { get; private set; } = 15;

    public string? JsonPath { get; private set; }

    /// <summary>Which benchmark: v3 (JinaEmbed vs ONNX Runtime) or v4 (JinaEmbed vs llama.cpp).</summary>
    public string Model { get; private set; } = "v3";

    /// <summary>v4: the jina-llama-bench driver (default: DATA/llama-cpp/jina-llama-bench, built by bench/llama-cpp/setup.sh).</summary>
    public string? LlamaBinary { get; private set; }

    /// <summary>v4: GGUF types llama.cpp runs (bf16, f32).</summary>
    public List<string> LlamaDtypes { get; private set; } = ["bf16", "f32"];

    /// <summary>v4: our engine's precisions, each in its own child process (exact, int8).</summary>
    public List<JinaEmbed.Compute.Precision> Precisions { get; private set; } = [JinaEmbed.Compute.Precision.Exact];

    /// <summary>v4: llama.cpp KV cache type; default f16 for the BF16 GGUF (llama.cpp's default), f32 for the F32 one.</summary>
    public string? LlamaKvType { get; private set; }

    /// <summary>v4: run only these workloads (e.g. 1x32,8x512).</summary>
    public HashSet<string>? V4Only { get; private set; }

    /// <summary>Internal (v4 child): the workload file.</summary>
    public string? WorkloadsPath { get; private set; }
    /// <summary>Run only the attention micro-benchmark at these sequence lengths (one segment each).</summary>
    public int[]? AttentionLengths { get; private set; }

    /// <summary>v4: the image benchmark instead of the text one (vision GEMM shapes, then per image size each stage's time).</summary>
    public bool Images { get; private set; }

    /// <summary>v4 --images: source image sizes, width × height (defaults: a max-size 4000×3000 photo and 300×200).</summary>
    public List<(int Width, int Height)> ImageSizes { get; private set; } = [(4000, 3000), (300, 200)];

    /// <summary>v4 --images: timed repetitions per large image (images under 1024 patches get three times as many).</summary>
    public int ImageReps { get; private set; } = 3;

    /// <summary>v4 --images: the peak (GFLOP/s) the FLOP bounds use instead of the one measured now (a loaded machine measures low).</summary>
    public double? PeakGflops { get; private set; }

    /// <summary>v4 --images: GEMM shapes M×N×K to measure instead of the vision tower's (e.g. 77x5120x5120).</summary>
    public (int M, int N, int K)[]? GemmShapes { get; private set; }

    /// <summary>Internal: run one engine in this (child) process and write its result here.</summary>
    /// <summary>--int8: the exact and the int8 path side by side on the same synthetic weights (issue #15).</summary>
    public bool Int8 { get; private set; }

    public string? ChildEngine { get; private set; }

    public string? ChildResultPath { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--threads": options.Threads = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--data": options.DataDirectory = Path.GetFullPath(Value()); break;
                case "--shared": options.SharedDirectory = Path.GetFullPath(Value()); break;
                case "--python": options.Python = Value(); break;
                case "--quick": options.Quick = true; options.TokensPerBatch = 1024; options.QueryReps = 15; options.QueryRepsPeer = 5; options.ImageReps = 1; break;
                case "--tokens-per-batch": options.TokensPerBatch = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--skip-ort": options.SkipPeer = true; break;
                case "--skip-engine": options.SkipEngine = true; break;
                case "--skip-gemm": options.SkipGemm = true; break;
                case "--skip-document": options.SkipDocument = true; break;
                case "--ort-document": options.PeerDocument = true; break;
                case "--json": options.JsonPath = Value(); break;
                case "--model":
                    options.Model = Value();
                    if (options.Model is not ("v3" or "v4"))
                    {
                        throw new ArgumentException("--model is v3 or v4");
                    }

                    break;
                case "--skip-llama": options.SkipPeer = true; break;
                case "--llama-bin": options.LlamaBinary = Path.GetFullPath(Value()); break;
                case "--llama-dtypes": options.LlamaDtypes = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                case "--llama-kv-type": options.LlamaKvType = Value(); break;
                case "--precisions":
                    options.Precisions = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p switch
                    {
                        "exact" => JinaEmbed.Compute.Precision.Exact,
                        "int8" => JinaEmbed.Compute.Precision.Int8,
                        _ => throw new ArgumentException($"--precisions: '{p}' is not exact or int8"),
                    })];
                    break;
                case "--only": options.V4Only = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                case "--workloads": options.WorkloadsPath = Path.GetFullPath(Value()); break;
                case "--attention": options.AttentionLengths = Value().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--images": options.Images = true; break;
                case "--int8": options.Int8 = true; break;
                case "--image-sizes":
                    options.ImageSizes = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(size =>
                    {
                        var wh = size.Split('x', 'X', '×');
                        return (int.Parse(wh[0], CultureInfo.InvariantCulture), int.Parse(wh[1], CultureInfo.InvariantCulture));
                    })];
                    break;
                case "--peak": options.PeakGflops = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--gemm-shapes":
                    options.GemmShapes = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(shape =>
                    {
                        var mnk = shape.Split('x').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                        return (mnk[0], mnk[1], mnk[2]);
                    })];
                    break;
                case "--reps": options.ImageReps = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--child": options.ChildEngine = Value(); break;
                case "--child-result": options.ChildResultPath = Value(); break;
                case "--help" or "-h":
                    Console.WriteLine("""
                        JinaEmbed.Bench [--threads N] [--data DIR] [--shared DIR] [--quick] [--tokens-per-batch N]
                                        [--skip-ort] [--skip-engine] [--skip-gemm] [--skip-document] [--ort-document]
                                        [--json FILE] [--python PATH] [--attention 4096,32768]
                        Generates the full-size synthetic checkpoint (BF16 safetensors for JinaEmbed, the official
                        ONNX graph with the same weights for ONNX Runtime) under --data if absent, then measures both
                        engines at the same thread count, each in its own process. See docs/benchmarks.md.

                        JinaEmbed.Bench --model v4 [--threads N] [--data DIR] [--shared DIR] [--quick] [--skip-engine]
                                        [--skip-llama] [--skip-gemm] [--skip-document] [--only 1x32,8x512,1x4096,1x32768]
                                        [--llama-bin FILE] [--llama-dtypes bf16,f32,q8_0] [--llama-kv-type f16|f32|bf16]
                                        [--precisions exact,int8] [--json FILE]
                        jina-embeddings-v4: JinaEmbed vs llama.cpp (bench/llama-cpp/setup.sh builds the driver) on the
                        synthetic full-size v4 weights (generated, and converted to GGUF, under --data if absent).

                        JinaEmbed.Bench --model v4 --images [--threads N] [--data DIR] [--image-sizes 4000x3000,300x200]
                                        [--reps 3] [--peak GFLOPS] [--gemm-shapes MxNxK,…] [--skip-gemm] [--skip-engine] [--quick] [--json FILE]
                        jina-embeddings-v4 images: GEMM at the vision tower's shapes, then per image size (width × height)
                        preprocessing, vision tower, language model and the whole model call against their FLOP bound.

                        JinaEmbed.Bench generate-v4 OUT_DIR [--dtype BF16|F32] [--config CONFIG_JSON] [--shared DIR]
                        JinaEmbed.Bench gguf-v4 MODEL_DIR OUT.gguf [--task retrieval] [--dtype bf16|f32|q8_0]
                        --attention L1,L2: only the attention micro-benchmark (v3 bidirectional vs v4 causal GQA).
                        """);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} (try --help).");
            }
        }

        return options;
    }

    /// <summary>Arguments that hand these options to a child process.</summary>
    public List<string> ToChildArguments(string engine, string resultPath)
    {
        var list = new List<string>
        {
            "--threads", Threads.ToString(CultureInfo.InvariantCulture),
            "--data", DataDirectory,
            "--shared", SharedDirectory,
            "--tokens-per-batch", TokensPerBatch.ToString(CultureInfo.InvariantCulture),
            "--child", engine,
            "--child-result", resultPath,
            "--model", Model,
        };
        if (Quick)
        {
            list.Insert(0, "--quick");
        }

        if (SkipDocument)
        {
            list.Add("--skip-document");
        }

        if (PeerDocument)
        {
            list.Add("--ort-document");
        }

        return list;
    }
}
