// Command-line data tools of the v4 benchmark:
//   generate-v4 OUT_DIR [--dtype BF16|F32] [--config CONFIG_JSON] [--shared DIR]   synthetic v4 model folder
//   gguf-v4 MODEL_DIR OUT.gguf [--task retrieval] [--dtype bf16|f32|q8_0]              Qwen2 GGUF, one adapter merged
namespace JinaEmbed.Bench;

/// <summary>Runs generate-v4 / gguf-v4.</summary>
internal static class V4Tools
{
    public static int Run(string[] args, Action<string> log)
    {
        var positional = new List<string>();
        string dtype = args[0] == "generate-v4" ? "BF16" : "bf16", task = "retrieval";
        string? config = null;
        var rest = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dtype": dtype = args[++i]; break;
                case "--task": task = args[++i]; break;
                case "--config": config = Path.GetFullPath(args[++i]); break;
                case "--shared": rest.Add(args[i]); rest.Add(args[++i]); break;
                default: positional.Add(args[i]); break;
            }
        }

        if (args[0] == "generate-v4")
        {
            if (positional.Count != 1)
            {
                throw new ArgumentException("usage: generate-v4 OUT_DIR [--dtype BF16|F32] [--config CONFIG_JSON] [--shared DIR]");
            }

            V4Bench.Generate(Path.GetFullPath(positional[0]), BenchOptions.Parse([.. rest]), dtype.ToUpperInvariant(), config, log);
            return 0;
        }

        if (positional.Count != 2)
        {
            throw new ArgumentException("usage: gguf-v4 MODEL_DIR OUT.gguf [--task retrieval] [--dtype bf16|f32|q8_0]");
        }

        var start = System.Diagnostics.Stopwatch.StartNew();
        V4GgufConverter.Convert(Path.GetFullPath(positional[0]), Path.GetFullPath(positional[1]), task, V4GgufConverter.TypeOf(dtype.ToLowerInvariant()), log);
        log($"done in {start.Elapsed.TotalSeconds:F0} s");
        return 0;
    }
}
