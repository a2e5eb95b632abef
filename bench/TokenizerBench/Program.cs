// Tokenizer benchmark (issue #2): our Tokenizer vs HF tokenizers (Tokenizers.DotNet, Rust) and Microsoft.ML.Tokenizers'
// SentencePiece Unigram on the same model: load time, single-thread tokens/s and MB/s, 2-thread scaling, id parity.
// Usage: dotnet run -c Release --project bench/TokenizerBench [-- --mb 10 --threads 2 --corpus FILE --tokenizer FILE]
// Byte-level BPE (jina-embeddings-v4's Qwen2.5 tokenizer): -- --bpe qwen --threads 1
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using JinaEmbed.Tokenization;
using JinaEmbed.TokenizerBench;

var options = BenchOptions.Parse(args);
var shared = BenchOptions.FindShared();
var tokenizerPath = options.Tokenizer ?? Path.Combine(shared, "fixtures", "tokenizer", "tokenizer.replace-space.json");
var spmPath = Path.Combine(Path.GetDirectoryName(tokenizerPath)!, "uni8k.model");
Console.WriteLine($"tokenizer: {tokenizerPath}");
Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}");

// Load time (cold in-process; best of 3 after that).
var watch = Stopwatch.StartNew();
var ours = Tokenizer.FromFile(tokenizerPath);
Console.WriteLine($"load ours: first {watch.Elapsed.TotalMilliseconds:F0} ms");
Console.WriteLine($"load ours: best of 3 {BestOf(3, () => Tokenizer.FromFile(tokenizerPath)):F0} ms");
watch.Restart();
var hf = new Tokenizers.DotNet.Tokenizer(vocabPath: tokenizerPath);
Console.WriteLine($"load HF:   first {watch.Elapsed.TotalMilliseconds:F0} ms, best of 3 {BestOf(3, () => new Tokenizers.DotNet.Tokenizer(vocabPath: tokenizerPath)):F0} ms");

if (JsonDocument.Parse(File.ReadAllBytes(tokenizerPath)).RootElement.GetProperty("model").GetProperty("vocab").ValueKind == JsonValueKind.Array)
{
    var big = LargeVocabulary.Write(tokenizerPath, 250_002);
    watch.Restart();
    var bigOurs = Tokenizer.FromFile(big);
    Console.WriteLine($"load ours, generated 250002-piece tokenizer.json ({new FileInfo(big).Length / 1e6:F1} MB): first {watch.Elapsed.TotalMilliseconds:F0} ms, best of 3 {BestOf(3, () => Tokenizer.FromFile(big)):F0} ms, vocab {bigOurs.VocabularySize}");
    Console.WriteLine($"load HF,   same file: best of 3 {BestOf(3, () => new Tokenizers.DotNet.Tokenizer(vocabPath: big)):F0} ms");
    File.Delete(big);
}

Microsoft.ML.Tokenizers.SentencePieceTokenizer? spm = null;
if (File.Exists(spmPath))
{
    using var stream = File.OpenRead(spmPath);
    spm = Microsoft.ML.Tokenizers.SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
}

var lines = Corpus.Build(shared, options.Corpus, (long)(options.Megabytes * 1_000_000));
var bytes = lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l) + 1);
Console.WriteLine($"corpus: {lines.Length} lines, {bytes / 1e6:F2} MB UTF-8, {lines.Sum(l => (long)l.Length) / 1e6:F2} M UTF-16 units");

// Parity on the whole corpus (also warms every path up).
var differ = 0;
long tokens = 0;
for (var i = 0; i < lines.Length; i++)
{
    var a = ours.Encode(lines[i]).Ids;
    tokens += a.Length;
    var b = hf.Encode(lines[i]);
    if (a.Length != b.Length || !a.Zip(b).All(p => p.First == p.Second))
    {
        if (differ++ < 3)
        {
            Console.WriteLine($"  differs from HF: {JsonSerializer.Serialize(lines[i][..Math.Min(80, lines[i].Length)])}");
        }
    }
}

Console.WriteLine($"parity: ids differ from HF on {differ} of {lines.Length} lines; {tokens} tokens with specials");
// Random valid Unicode (mixed scripts, combining marks, emoji sequences, controls, special-token text, spaces).
var fuzzDiffer = 0;
var fuzz = new Random(11);
string[] fragments = ["<s>", "</s>", "<mask>", "[CLS]", "[MASK]", " ", "  ", "\t", "\r\n", "\u00A0", "\u3000", "e\u0301", "\uFF76\uFF9E",
    "\u200D", "\u200B", "\U0001F468\u200D\U0001F469", "\U0001F44D\U0001F3FD", "\U0001F1E9\U0001F1EA", "\uFB01", "\u2460", "\u0130", "\u00DF", "\u0000"];
int[][] ranges = [[0x20, 0x7F], [0xA0, 0x250], [0x300, 0x370], [0x370, 0x530], [0x590, 0x700], [0x900, 0xE00], [0x1100, 0x1200],
    [0x2000, 0x2BFF], [0x3000, 0x3100], [0x4E00, 0x9FFF], [0xAC00, 0xD7A3], [0xF900, 0xFFFD], [0x1F300, 0x1FAFF], [0x20000, 0x2A6DF]];
for (var n = 0; n < 20_000; n++)
{
    var sb = new StringBuilder();
    var length = fuzz.Next(40);
    while (sb.Length < length)
    {
        if (fuzz.Next(4) == 0)
        {
            sb.Append(fragments[fuzz.Next(fragments.Length)]);
        }
        else
        {
            var r = ranges[fuzz.Next(ranges.Length)];
            sb.Append(char.ConvertFromUtf32(fuzz.Next(r[0], r[1])));
        }
    }

    var text = sb.ToString();
    var a = ours.Encode(text).Ids;
    var b = hf.Encode(text);
    if (a.Length != b.Length || !a.Zip(b).All(p => p.First == p.Second))
    {
        if (fuzzDiffer++ < 5)
        {
            Console.WriteLine($"  random text differs from HF: {JsonSerializer.Serialize(text)} ours [{string.Join(",", a)}] HF [{string.Join(",", b)}]");
        }
    }
}

Console.WriteLine($"parity: ids differ from HF on {fuzzDiffer} of 20000 random Unicode strings");

if (spm != null)
{
    var spmDiffer = 0;
    foreach (var line in lines)
    {
        var a = ours.Encode(line, addSpecialTokens: false).Ids;
        var b = spm.EncodeToIds(line, considerPreTokenization: false, considerNormalization: true);
        if (a.Length != b.Count || !a.Zip(b).All(p => p.First == (p.Second == 0 ? 3 : p.Second + 1)))
        {
            spmDiffer++;
        }
    }

    Console.WriteLine($"ML.NET SentencePiece (uni8k.model, ids mapped to the HF layout) differs from ours on {spmDiffer} of {lines.Length} lines (expected: whitespace-handling differences, see fixture README)");
}

// Rounds interleave the tokenizers so that load changes on a shared machine hit all of them alike; best per entry.
var contenders = new List<(string Name, Func<string, int> Encode)>
{
    ("ours Encode (ids+offsets)", l => ours.Encode(l).Count),
    ("ours EncodeIds (ids only)", l => ours.EncodeIds(l).Length),
    ("HF tokenizers (Tokenizers.DotNet)", l => hf.Encode(l).Length),
};
if (spm != null)
{
    contenders.Add(("ML.NET SentencePiece", l => spm.EncodeToIds(l).Count));
}

var results = new List<(string Name, int Threads, double Seconds, double CpuSeconds)>();
foreach (var threads in options.Threads)
{
    var best = contenders.Select(_ => (Wall: double.MaxValue, Cpu: double.MaxValue)).ToArray();
    for (var round = 0; round < options.Repeat; round++)
    {
        for (var c = 0; c < contenders.Count; c++)
        {
            var (wall, cpu) = Run(lines, threads, contenders[c].Encode);
            best[c] = (Math.Min(best[c].Wall, wall), Math.Min(best[c].Cpu, cpu));
        }
    }

    for (var c = 0; c < contenders.Count; c++)
    {
        results.Add((contenders[c].Name, threads, best[c].Wall, best[c].Cpu));
    }
}

Console.WriteLine();
Console.WriteLine($"{"tokenizer",-36} {"threads",7} {"seconds",8} {"MB/s",8} {"Mtok/s",8} {"cpu s",8} {"MB/cpu-s",9}");
foreach (var (name, threads, seconds, cpu) in results)
{
    Console.WriteLine($"{name,-36} {threads,7} {seconds,8:F3} {bytes / 1e6 / seconds,8:F2} {tokens / 1e6 / seconds,8:F3} {cpu,8:F3} {bytes / 1e6 / cpu,9:F2}");
}

Console.WriteLine();
foreach (var threads in options.Threads)
{
    var o = results.First(r => r.Threads == threads && r.Name.StartsWith("ours", StringComparison.Ordinal)).Seconds;
    var h = results.First(r => r.Threads == threads && r.Name.StartsWith("HF", StringComparison.Ordinal)).Seconds;
    Console.WriteLine($"threads {threads}: ours / HF speed = {h / o:F2}x");
}

if (options.Threads.Contains(1))
{
    foreach (var name in results.Select(r => r.Name).Distinct())
    {
        var one = results.First(r => r.Name == name && r.Threads == 1).Seconds;
        foreach (var r in results.Where(r => r.Name == name && r.Threads > 1))
        {
            var oneCpu = results.First(x => x.Name == name && x.Threads == 1).CpuSeconds;
            Console.WriteLine($"{name}: {r.Threads} threads: wall-clock scaling {one / r.Seconds:F2}x over 1 thread; work per CPU-second {oneCpu / r.CpuSeconds:F2} of 1 thread's (1.00 = linear when {r.Threads} cores are free; now {Environment.ProcessorCount} cores, load average {LoadAverage()})");
        }
    }
}

static double BestOf(int n, Action action)
{
    var best = double.MaxValue;
    for (var i = 0; i < n; i++)
    {
        var w = Stopwatch.StartNew();
        action();
        best = Math.Min(best, w.Elapsed.TotalMilliseconds);
    }

    return best;
}

// Encodes every line, split into contiguous shares over `threads` threads; wall and process CPU seconds.
static (double Wall, double Cpu) Run(string[] lines, int threads, Func<string, int> encode)
{
    GC.Collect();
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var w = Stopwatch.StartNew();
    var workers = new Thread[threads];
    for (var t = 0; t < threads; t++)
    {
        var from = (int)((long)lines.Length * t / threads);
        var to = (int)((long)lines.Length * (t + 1) / threads);
        workers[t] = new Thread(() =>
        {
            var sink = 0;
            for (var i = from; i < to; i++)
            {
                sink += encode(lines[i]);
            }

            GC.KeepAlive(sink);
        });
        workers[t].Start();
    }

    foreach (var worker in workers)
    {
        worker.Join();
    }

    var wall = w.Elapsed.TotalSeconds;
    process.Refresh();
    return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
