// The CLI on jina-embeddings-v4 (tiny-jina-v4; tiny-jina-v4-realdims for the real 128-d multi-vectors from token ids):
// single and multi-vector output equal the library's, the JSONL and .npy + offsets layouts, late chunking, info,
// tokenize with a task prefix, eval sts, and the errors v4 adds.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Cli;

public sealed class JinaV4CliTests : IDisposable
{
    // Batch composition may differ between the CLI's scheduled path and the synchronous library call.
    private const float Tolerance = 1e-5f;
    private static readonly string[] Texts =
    [
        "def add(a, b): return a + b", "How do I add two numbers in Python?", "Der Hund läuft schnell über die Straße.",
        "東京は日本の首都です。", "", "SELECT name FROM users WHERE id = 1;", "The quick brown fox jumps over the lazy dog.",
    ];

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("jinaembed-v4-cli-");

    public void Dispose() => _work.Delete(recursive: true);

    private static string TinyV4 => Fixtures.Path("tiny-jina-v4");

    private async Task<string> InputAsync(params string[] lines)
    {
        var path = Path.Combine(_work.FullName, Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    private string OutputPath(string extension) => Path.Combine(_work.FullName, Guid.NewGuid().ToString("N") + extension);

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}[{i}]: {actual[i]} vs {expected[i]}");
        }
    }

    private static void AssertClose(IReadOnlyList<MultiVector> expected, IReadOnlyList<float[][]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Count, actual[i].Length);
            for (var t = 0; t < expected[i].Count; t++)
            {
                AssertClose(expected[i][t], actual[i][t], $"item {i} token {t}");
            }
        }
    }

    private static List<float[][]> ReadMultiJsonl(string path) =>
        File.ReadAllLines(path).Select((line, i) =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(i, json.RootElement.GetProperty("index").GetInt32());
            Assert.False(json.RootElement.TryGetProperty("embedding", out _));
            return json.RootElement.GetProperty("embeddings").EnumerateArray()
                .Select(token => token.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        }).ToList();

    // Reads an .npy v1.0 file: its header dict text and the raw data bytes.
    private static (string Header, byte[] Data) ReadNpy(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64); // data aligned as NumPy writes it
        return (Encoding.ASCII.GetString(bytes, 10, headerLength), bytes[(10 + headerLength)..]);
    }

    [Fact]
    public async Task SingleVectors_WithTaskAndDimensions_EqualTheLibrary()
    {
        var output = OutputPath(".jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", TinyV4, "-i", await InputAsync(Texts), "-o", output, "--task", "code.query", "--dimensions", "32", "-q");

        Assert.True(exitCode == 0, error);
        var vectors = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        using var embedder = Embedder.Load(TinyV4);
        var expected = embedder.Embed(Texts, new EmbedOptions { Task = "code.query", Dimensions = 32 });
        Assert.Equal(Texts.Length, vectors.Length);
        for (var i = 0; i < Texts.Length; i++)
        {
            AssertClose(expected[i], vectors[i], $"item {i}");
        }
    }

    [Fact]
    public async Task WithoutTask_V4UsesTextMatching()
    {
        var output = OutputPath(".npy");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "-i", await InputAsync(Texts), "-o", output, "-q");

        Assert.True(exitCode == 0, error);
        var (header, data) = ReadNpy(output);
        Assert.Contains("'shape': (7, 64)", header, StringComparison.Ordinal);
        using var embedder = Embedder.Load(TinyV4);
        var expected = embedder.Embed(Texts, new EmbedOptions { Task = "text-matching" });
        for (var i = 0; i < Texts.Length; i++)
        {
            var row = Enumerable.Range(0, 64).Select(j => BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(((i * 64) + j) * 4))).ToArray();
            AssertClose(expected[i], row, $"item {i}");
        }
    }

    [Fact]
    public async Task MultiVectors_AsJsonl_EqualTheLibrary()
    {
        var output = OutputPath(".jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", TinyV4, "-i", await InputAsync(Texts), "-o", output, "--task", "retrieval.passage", "--multivector", "-q");

        Assert.True(exitCode == 0, error);
        using var embedder = Embedder.Load(TinyV4);
        var expected = embedder.EmbedMultiVectors(Texts, new EmbedOptions { Task = "retrieval.passage" });
        var actual = ReadMultiJsonl(output);
        AssertClose(expected, actual);
        // Every token, prefix included: the empty text is "Passage: " alone.
        Assert.Equal(embedder.Tokenizer.Encode("Passage: ", true, int.MaxValue).Ids.Length, actual[4].Length);
        Assert.All(actual.SelectMany(item => item), v => Assert.Equal(16, v.Length));
    }

    [Fact]
    public async Task MultiVectors_AsNpy_AreRowsPlusOffsets()
    {
        var output = OutputPath(".npy");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", TinyV4, "-i", await InputAsync(Texts), "-o", output, "--task", "code.passage", "--multivector", "-q");

        Assert.True(exitCode == 0, error);
        using var embedder = Embedder.Load(TinyV4);
        var expected = embedder.EmbedMultiVectors(Texts, new EmbedOptions { Task = "code.passage" });
        var total = expected.Sum(m => m.Count);

        var offsetsPath = Path.ChangeExtension(output, null) + ".offsets.npy";
        var (offsetsHeader, offsetsData) = ReadNpy(offsetsPath);
        Assert.Equal($"{{'descr': '<i8', 'fortran_order': False, 'shape': ({Texts.Length + 1},), }}", offsetsHeader.TrimEnd());
        var offsets = Enumerable.Range(0, Texts.Length + 1).Select(i => BinaryPrimitives.ReadInt64LittleEndian(offsetsData.AsSpan(i * 8))).ToArray();
        Assert.Equal(0, offsets[0]);
        Assert.Equal(total, offsets[^1]);

        var (header, data) = ReadNpy(output);
        Assert.Equal($"{{'descr': '<f4', 'fortran_order': False, 'shape': ({total}, 16), }}", header.TrimEnd());
        Assert.Equal(total * 16 * 4, data.Length);
        var items = Enumerable.Range(0, Texts.Length).Select(i =>
            Enumerable.Range((int)offsets[i], (int)(offsets[i + 1] - offsets[i]))
                .Select(row => Enumerable.Range(0, 16).Select(j => BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(((row * 16) + j) * 4))).ToArray()).ToArray()).ToList();
        AssertClose(expected, items);
    }

    [Fact]
    public async Task LateChunking_MultiVectors_EachChunkGetsItsSpan()
    {
        string[] chunks = ["def add(a, b):", "    return a + b", "print(add(1, 2))"];
        var output = OutputPath(".jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", TinyV4, "-i", await InputAsync(chunks), "-o", output, "--late-chunking", "--multivector", "--task", "code.passage", "-q");

        Assert.True(exitCode == 0, error);
        using var embedder = Embedder.Load(TinyV4);
        var expected = embedder.Embed(new EmbeddingRequest(chunks.Select(EmbeddingInput.FromText).ToList(),
            new EmbedOptions { Task = "code.passage", LateChunking = true, Output = EmbeddingOutput.MultiVector })).MultiVectors!;
        AssertClose(expected, ReadMultiJsonl(output));
    }

    [Fact]
    public async Task Document_MultiVectors_EqualTheLibrary()
    {
        var text = string.Join(' ', Enumerable.Repeat("The fox runs over the hill while the dog sleeps in the sun.", 6));
        var input = Path.Combine(_work.FullName, "doc.txt");
        await File.WriteAllTextAsync(input, text);
        var output = OutputPath(".jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", TinyV4, "--document", input, "--chunk-size", "16", "-o", output, "--multivector", "--task", "retrieval.passage", "-q");

        Assert.True(exitCode == 0, error);
        using var embedder = Embedder.Load(TinyV4);
        var expected = embedder.EmbedDocumentMultiVectors(text, ChunkingStrategy.FixedTokens(16), new EmbedOptions { Task = "retrieval.passage" });
        Assert.True(expected.Length > 3, $"expected several chunks, got {expected.Length}");
        AssertClose(expected, ReadMultiJsonl(output));
    }

    [Fact]
    public async Task TokenIds_OnTheRealDimsFixture_Give128DimensionalTokenVectors()
    {
        var directory = Fixtures.Path("tiny-jina-v4-realdims");
        int[][] ids = [[5, 17, 300, 1999], [42], [7, 8, 9, 10, 11, 12, 13, 14, 15]];
        var input = Path.Combine(_work.FullName, "ids.jsonl");
        await File.WriteAllLinesAsync(input, ids.Select(i => JsonSerializer.Serialize(new { input_ids = i })));
        var output = OutputPath(".jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", directory, "-i", input, "-o", output, "--multivector", "--task", "retrieval.query", "-q");

        Assert.True(exitCode == 0, error);
        using var embedder = Embedder.Load(directory);
        var expected = embedder.Embed(new EmbeddingRequest(ids.Select(EmbeddingInput.FromTokenIds).ToList(),
            new EmbedOptions { Task = "retrieval.query", Output = EmbeddingOutput.MultiVector })).MultiVectors!;
        var actual = ReadMultiJsonl(output);
        Assert.Equal(ids.Select(i => i.Length), actual.Select(a => a.Length));
        Assert.All(actual.SelectMany(item => item), v => Assert.Equal(128, v.Length));
        AssertClose(expected, actual);
    }

    [Fact]
    public async Task Errors_AreUsageErrorsThatSayWhatToDo()
    {
        var input = await InputAsync("hello");

        var v3Multi = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", Fixtures.Path("tiny-jina-v3"), "-i", input, "-o", OutputPath(".jsonl"), "--multivector", "-q");
        Assert.Equal(2, v3Multi.ExitCode);
        Assert.Contains("multi-vector head", v3Multi.Error, StringComparison.Ordinal);

        var none = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "-i", input, "-o", OutputPath(".jsonl"), "--task", "none", "-q");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("'none'", none.Error, StringComparison.Ordinal);
        Assert.Contains("code.query", none.Error, StringComparison.Ordinal);

        var v3Task = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "-i", input, "-o", OutputPath(".jsonl"), "--task", "separation", "-q");
        Assert.Equal(2, v3Task.ExitCode);
        Assert.Contains("retrieval.query", v3Task.Error, StringComparison.Ordinal);

        var csv = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "-i", input, "-o", OutputPath(".csv"), "--multivector", "-q");
        Assert.Equal(2, csv.ExitCode);
        Assert.Contains("jsonl or npy", csv.Error, StringComparison.Ordinal);

        var dims = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "-i", input, "-o", OutputPath(".jsonl"), "--multivector", "--dimensions", "8", "-q");
        Assert.Equal(2, dims.ExitCode);
        Assert.Contains("--dimensions", dims.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_ShowsTasksWithAdapterAndPrefix_MultiVectorsAndTheTokenLimit()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync(InfoCommand.Create(), "info", "--model", TinyV4);

        Assert.True(exitCode == 0, error);
        Assert.Contains("JinaEmbeddingsV4Model (jina-embeddings-v4, text) + 3 task LoRA adapters (rank 4)", output, StringComparison.Ordinal);
        Assert.Contains("2 layers, hidden 64, 4 heads (2 key/value), MLP 96, vocabulary 151936", output, StringComparison.Ordinal);
        Assert.Contains("max tokens   32768 per text", output, StringComparison.Ordinal);
        Assert.Contains("multi-vector 16 per token", output, StringComparison.Ordinal);
        Assert.Contains("tasks        (default text-matching)", output, StringComparison.Ordinal);
        Assert.Contains("retrieval.passage   adapter 0 (retrieval)       prefix \"Passage: \"", output, StringComparison.Ordinal);
        Assert.Contains("text-matching       adapter 1 (text-matching)   prefix \"Query: \"", output, StringComparison.Ordinal);
        Assert.Contains("code.query          adapter 2 (code)            prefix \"Query: \"", output, StringComparison.Ordinal);
        Assert.Contains("none                not available", output, StringComparison.Ordinal);
        Assert.Contains("adapters/adapter_model.safetensors", output, StringComparison.Ordinal);
        Assert.Contains("model-00002-of-00002.safetensors", output, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(InfoCommand.Create(), "info", "--model", TinyV4, "--json");
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        var root = document.RootElement;
        Assert.Equal(16, root.GetProperty("multivector_dimensions").GetInt32());
        Assert.Equal(32768, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal("text-matching", root.GetProperty("default_task").GetString());
        var code = root.GetProperty("tasks").GetProperty("code.passage");
        Assert.Equal((2, "code", "Passage: "), (code.GetProperty("adapter").GetInt32(), code.GetProperty("adapter_name").GetString(), code.GetProperty("prompt").GetString()));
        Assert.Equal(new[] { 8, 16, 32, 64 }, root.GetProperty("matryoshka_dimensions").EnumerateArray().Select(e => e.GetInt32()));
        // Shards and adapters counted once each; the vision tower is reported apart from the resident text weights.
        var shards = new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" }.Sum(f => new FileInfo(Path.Combine(TinyV4, f)).Length)
                     + new FileInfo(Path.Combine(TinyV4, "adapters", "adapter_model.safetensors")).Length;
        Assert.Equal(shards, root.GetProperty("weight_bytes").GetInt64());
        var memory = root.GetProperty("memory_estimate");
        Assert.True(memory.GetProperty("vision_weight_bytes").GetInt64() > 0);
        Assert.Equal(shards, memory.GetProperty("vision_weight_bytes").GetInt64() + memory.GetProperty("resident_text_weight_bytes").GetInt64());
    }

    [Fact]
    public void Tokenize_WithATask_PrependsThePrefix()
    {
        Assert.Null(TokenizeCommand.TaskPrompt(TinyV4, "code.passage", out var prompt));
        Assert.Equal("Passage: ", prompt);
        Assert.Null(TokenizeCommand.TaskPrompt(TinyV4, "text-matching", out prompt));
        Assert.Equal("Query: ", prompt);

        using var embedder = Embedder.Load(TinyV4);
        using var output = new MemoryStream();
        TokenizeCommand.Run(embedder.Tokenizer, new StringReader("print('hi')\n{\"text\": \"\"}\n"), output, addSpecialTokens: true, prompt: "Passage: ");
        var rows = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToList();
        Assert.Equal(embedder.Tokenizer.Encode("Passage: print('hi')", true, int.MaxValue).Ids, rows[0]);
        Assert.Equal(embedder.Tokenizer.Encode("Passage: ", true, int.MaxValue).Ids, rows[1]);

        var error = TokenizeCommand.TaskPrompt(TinyV4, "none", out _);
        Assert.Contains("no base-model mode", error, StringComparison.Ordinal);
        Assert.Contains("code.passage", error, StringComparison.Ordinal);
        Assert.Null(TokenizeCommand.TaskPrompt(Fixtures.Path("tiny-jina-v3"), "none", out prompt));
        Assert.Equal("", prompt);
    }

    [Fact]
    public async Task EvalSts_RunsOnV4_WithItsTaskValidation()
    {
        var data = Path.Combine(_work.FullName, "sts.csv");
        await File.WriteAllLinesAsync(data, File.ReadLines(Path.Combine(Fixtures.Shared, "datasets", "stsbenchmark", "sts-test.csv")).Take(40));

        var (exitCode, output, error) = await CliRunner.RunAsync(EvalCommand.Create(), "eval", "sts", "--model", TinyV4, "--data", data, "--task", "text-matching", "--threads", "2");

        Assert.True(exitCode == 0, error);
        using var embedder = Embedder.Load(TinyV4);
        var pairs = JinaEmbed.Evaluation.StsBenchmark.Load(data);
        var expected = JinaEmbed.Evaluation.StsBenchmark.Evaluate(embedder, pairs, new EmbedOptions { Task = "text-matching", Truncate = true });
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"spearman     {expected.Spearman:F2}"), output, StringComparison.Ordinal);
        Assert.Contains("pairs        40", output, StringComparison.Ordinal);

        var byDefault = await CliRunner.RunAsync(EvalCommand.Create(), "eval", "sts", "--model", TinyV4, "--data", data, "--threads", "2");
        Assert.Equal(0, byDefault.ExitCode);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"spearman     {expected.Spearman:F2}"), byDefault.Output, StringComparison.Ordinal);

        var none = await CliRunner.RunAsync(EvalCommand.Create(), "eval", "sts", "--model", TinyV4, "--data", data, "--task", "none");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("text-matching", none.Error, StringComparison.Ordinal);
    }
}
