// Command-line options of the tokenizer benchmark.
using System.Globalization;

namespace JinaEmbed.TokenizerBench;

/// <summary>--mb N (corpus size, default 10), --threads 1,2, --repeat N, --corpus FILE, --tokenizer FILE, --bpe qwen (the
/// Qwen2.5 byte-level BPE tokenizer.json of jina-embeddings-v4 from ../shared/fixtures/tokenizer-bpe).</summary>
internal sealed class BenchOptions
{
    public double Megabytes { get; private set; } = 10;

    public int[] Threads { get; private set; } = [1, 2];

    public int Repeat { get; private set; } = 3;

    public string? Corpus { get; private set; }

    public string? Tokenizer { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--mb": o.Megabytes = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--threads": o.Threads = v.Split(',').Select(int.Parse).ToArray(); break;
                case "--repeat": o.Repeat = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--corpus": o.Corpus = v; break;
                case "--tokenizer": o.Tokenizer = v; break;
                case "--bpe": o.Tokenizer = v == "qwen" ? Path.Combine(FindShared(), "fixtures", "tokenizer-bpe", "tokenizer.json") : v; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return o;
    }

    /// <summary>../shared beside the checkout, or JINAEMBED_SHARED.</summary>
    public static string FindShared()
    {
        var env = Environment.GetEnvironmentVariable("JINAEMBED_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JinaEmbed.slnx")))
            {
                return Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
            }
        }

        throw new DirectoryNotFoundException("shared folder not found; set JINAEMBED_SHARED");
    }
}
