// `jinaembed embed` on the tiny fixture: 1000 lines → 1000 vectors in input order, equal to the library's; CSV column
// in, .npy and CSV out, late chunking (issue #7).
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Cli;

public sealed class EmbedCommandTests : IDisposable
{
    // Batch composition may differ between the two paths; api.md allows 1e-5 for that.
    private const float Tolerance = 1e-5f;
    private static readonly string[] Words = ["the", "quick", "brown", "fox", "Hund", "läuft", "schnell", "über", "la", "maison", "est", "grande", "猫", "が", "好き", "data", "embedding", "model", "42", "!"];
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("jinaembed-embed-");

    public void Dispose() => _work.Delete(recursive: true);

    private static string[] Texts(int count) => Enumerable.Range(0, count)
        .Select(i => string.Join(' ', Enumerable.Range(0, 1 + (i * 13 % 11)).Select(k => Words[(i * 7 + k) % Words.Length])))
        .ToArray();

    private static float[][] Library(IReadOnlyList<string> texts, EmbedOptions options)
    {
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        return embedder.Embed(texts, options);
    }

    private static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            var diff = expected[i].Zip(actual[i]).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(diff <= Tolerance, $"item {i}: max |diff| {diff}");
        }
    }

    [Fact]
    public async Task ThousandLines_GiveThousandVectorsInInputOrder_EqualToTheLibrary()
    {
        var texts = Texts(1000);
        var input = Path.Combine(_work.FullName, "in.txt");
        await File.WriteAllLinesAsync(input, texts);
        var output = Path.Combine(_work.FullName, "out.jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "--model", Fixtures.Path("tiny-jina-v3"), "--input", input, "--output", output, "--task", "retrieval.passage", "--batch-tokens", "512");

        Assert.Equal(0, exitCode);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(1000, lines.Length);
        var vectors = lines.Select((line, i) =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(i, json.RootElement.GetProperty("index").GetInt32());
            return json.RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        }).ToArray();
        AssertClose(Library(texts, new EmbedOptions { Task = "retrieval.passage" }), vectors);
        // Redirected stderr: plain progress lines ending with the summary.
        Assert.Contains("embedded 1,000 items", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', error);
    }

    [Fact]
    public async Task CsvColumnIn_NpyOut_WithDimensions()
    {
        var texts = Texts(50);
        var csv = new StringBuilder("id,text\n");
        for (var i = 0; i < texts.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},\"{texts[i].Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n");
        }

        var input = Path.Combine(_work.FullName, "in.csv");
        await File.WriteAllTextAsync(input, csv.ToString());
        var output = Path.Combine(_work.FullName, "out.npy");

        var (exitCode, _, _) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", Fixtures.Path("tiny-jina-v3"), "-i", input, "--column", "text", "-o", output, "--dimensions", "16", "--task", "none", "--quiet");

        Assert.Equal(0, exitCode);
        var bytes = await File.ReadAllBytesAsync(output);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Contains("'shape': (50, 16)", Encoding.ASCII.GetString(bytes, 10, headerLength), StringComparison.Ordinal);
        var start = 10 + headerLength;
        var vectors = Enumerable.Range(0, 50)
            .Select(i => Enumerable.Range(0, 16).Select(j => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(start + (((i * 16) + j) * 4)))).ToArray())
            .ToArray();
        AssertClose(Library(texts, new EmbedOptions { Task = "none", Dimensions = 16 }), vectors);
    }

    [Fact]
    public async Task LateChunking_JsonlIn_CsvOut()
    {
        string[] chunks = ["The fox runs.", "Der Hund läuft schnell über die Straße.", "La maison est grande."];
        var input = Path.Combine(_work.FullName, "in.jsonl");
        await File.WriteAllLinesAsync(input, chunks.Select(c => JsonSerializer.Serialize(new { text = c })));
        var output = Path.Combine(_work.FullName, "out.csv");

        var (exitCode, _, _) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", Fixtures.Path("tiny-jina-v3"), "-i", input, "-o", output, "--late-chunking", "--task", "retrieval.passage", "--quiet");

        Assert.Equal(0, exitCode);
        var rows = (await File.ReadAllLinesAsync(output)).Skip(1)
            .Select(r => r.Split(',').Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        AssertClose(Library(chunks, new EmbedOptions { Task = "retrieval.passage", LateChunking = true }), rows);
    }

    [Fact]
    public async Task Document_IsCutIntoTokenWindows_EqualToTheLibrary()
    {
        var text = string.Join(' ', Texts(40));
        var input = Path.Combine(_work.FullName, "doc.txt");
        await File.WriteAllTextAsync(input, text);
        var output = Path.Combine(_work.FullName, "doc.jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", Fixtures.Path("tiny-jina-v3"), "--document", input, "--chunk-size", "16", "-o", output, "--task", "retrieval.passage", "--quiet");

        Assert.True(exitCode == 0, error);
        var vectors = (await File.ReadAllLinesAsync(output))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray())
            .ToArray();
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        var expected = embedder.EmbedDocument(text, ChunkingStrategy.FixedTokens(16), new EmbedOptions { Task = "retrieval.passage", LateChunking = true });
        Assert.True(expected.Length > 3, $"expected several chunks, got {expected.Length}");
        AssertClose(expected, vectors);
    }

    [Fact]
    public async Task BadInputs_FailWithAMessage()
    {
        var npyToStdout = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", Fixtures.Path("tiny-jina-v3"), "--output-format", "npy");
        Assert.Equal(2, npyToStdout.ExitCode);
        Assert.Contains("--output", npyToStdout.Error, StringComparison.Ordinal);

        var input = Path.Combine(_work.FullName, "in.txt");
        await File.WriteAllTextAsync(input, "hello\n");
        var badTask = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", Fixtures.Path("tiny-jina-v3"), "-i", input, "--task", "nope", "-o", Path.Combine(_work.FullName, "o.jsonl"), "-q");
        Assert.Equal(2, badTask.ExitCode);
        Assert.Contains("nope", badTask.Error, StringComparison.Ordinal);
    }
}
