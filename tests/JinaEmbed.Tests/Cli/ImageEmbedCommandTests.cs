// `jinaembed embed` with images (jina-embeddings-v4, tiny-jina-v4): --images over folders and files (sorted, each row
// naming its file) and JSONL "image" records (paths relative to the JSONL file, base64, data URIs) next to texts, in
// every output format, single and multi vectors equal to the library's.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Cli.IO;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Cli;

public sealed class ImageEmbedCommandTests : IDisposable
{
    private const float Tolerance = 1e-5f;
    private static readonly string[] FixtureImages = ["img_100x70.png", "gray_64x80.png", "photo_160x120.jpg", "wide_600x40.png"];
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("jinaembed-image-cli-");

    public void Dispose() => _work.Delete(recursive: true);

    private static string TinyV4 => Fixtures.Path("tiny-jina-v4");

    private static string FixtureImage(string name) => Fixtures.Path("tiny-jina-v4", "images", name);

    /// <summary>A folder with the fixture images under new names (so the sort order is not the fixture's) and a non-image file.</summary>
    private string Pages()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work.FullName, "pages")).FullName;
        File.Copy(FixtureImage("img_100x70.png"), Path.Combine(folder, "p2.png"));
        File.Copy(FixtureImage("photo_160x120.jpg"), Path.Combine(folder, "p1.JPG"));
        File.Copy(FixtureImage("gray_64x80.png"), Path.Combine(folder, "p3.png"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        return folder;
    }

    private static string[] ExpectedOrder(string folder) => [Path.Combine(folder, "p1.JPG"), Path.Combine(folder, "p2.png"), Path.Combine(folder, "p3.png")];

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}[{i}]: {actual[i]} vs {expected[i]}");
        }
    }

    private static EmbeddingResult Library(IReadOnlyList<EmbeddingInput> items, EmbedOptions options)
    {
        using var embedder = Embedder.Load(TinyV4);
        return embedder.Embed(new EmbeddingRequest(items, options));
    }

    [Fact]
    public void FoldersGiveTheirImageFilesSortedAndFilesComeAsGiven()
    {
        var folder = Pages();
        var extra = FixtureImage("wide_600x40.png");
        Assert.Equal([.. ExpectedOrder(folder), extra], ImageInput.ListFiles([folder, extra]));
        Assert.Throws<FileNotFoundException>(() => ImageInput.ListFiles([Path.Combine(folder, "missing.png")]));
        var empty = Directory.CreateDirectory(Path.Combine(_work.FullName, "empty")).FullName;
        Assert.Contains("no image files", Assert.Throws<InvalidDataException>(() => ImageInput.ListFiles([empty])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImagesOfAFolderAndAFile_AsJsonl_NameTheirFilesAndEqualTheLibrary()
    {
        var folder = Pages();
        var extra = FixtureImage("wide_600x40.png");
        var output = Path.Combine(_work.FullName, "out.jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", TinyV4, "--images", folder, extra, "-o", output, "--task", "retrieval.passage", "--dimensions", "32", "-q");

        Assert.True(exitCode == 0, error);
        string[] files = [.. ExpectedOrder(folder), extra];
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(files, rows.Select(r => r.GetProperty("file").GetString()));
        Assert.Equal(Enumerable.Range(0, files.Length), rows.Select(r => r.GetProperty("index").GetInt32()));
        var expected = Library([.. files.Select(EmbeddingInput.FromImageFile)], new EmbedOptions { Task = "retrieval.passage", Dimensions = 32 });
        for (var i = 0; i < files.Length; i++)
        {
            AssertClose(expected.Embeddings[i], rows[i].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray(), files[i]);
        }
    }

    [Fact]
    public async Task ImageMultiVectors_AsNpy_AreRowsOffsetsAndAFileList()
    {
        var folder = Pages();
        var output = Path.Combine(_work.FullName, "tokens.npy");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "-m", TinyV4, "--images", folder, "-o", output, "--multivector", "-q");

        Assert.True(exitCode == 0, error);
        var files = ExpectedOrder(folder);
        Assert.Equal(files, File.ReadAllLines(Path.Combine(_work.FullName, "tokens.files.txt")));
        var expected = Library([.. files.Select(EmbeddingInput.FromImageFile)], new EmbedOptions { Task = "text-matching", Output = EmbeddingOutput.MultiVector }).MultiVectors!;
        var values = NpyFloats(output);
        var offsets = NpyInt64(Path.Combine(_work.FullName, "tokens.offsets.npy"));
        Assert.Equal(files.Length + 1, offsets.Length);
        for (var i = 0; i < files.Length; i++)
        {
            Assert.Equal(expected[i].Count, (int)(offsets[i + 1] - offsets[i]));
            for (var t = 0; t < expected[i].Count; t++)
            {
                var start = (int)((offsets[i] + t) * 16);
                AssertClose(expected[i][t], values.AsSpan(start, 16), $"{files[i]} token {t}");
            }
        }
    }

    [Fact]
    public async Task Images_AsCsv_HaveAFileColumn()
    {
        var folder = Pages();
        var output = Path.Combine(_work.FullName, "out.csv");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "--images", folder, "-o", output, "-q");

        Assert.True(exitCode == 0, error);
        var lines = File.ReadAllLines(output);
        Assert.StartsWith("index,file,e0,", lines[0], StringComparison.Ordinal);
        Assert.Equal(ExpectedOrder(folder), lines[1..].Select(l => l.Split(',')[1]));
    }

    [Fact]
    public async Task JsonlImageRecords_PathsBase64AndDataUris_MixWithTexts()
    {
        var folder = Pages();
        var bytes = File.ReadAllBytes(FixtureImage("rgba_90x60.png"));
        var jsonl = Path.Combine(_work.FullName, "mixed.jsonl");
        await File.WriteAllLinesAsync(jsonl,
        [
            JsonSerializer.Serialize(new { text = "a page about charts" }),
            JsonSerializer.Serialize(new { image = "pages/p2.png" }),
            JsonSerializer.Serialize(new { image = Convert.ToBase64String(bytes) }),
            "",
            JsonSerializer.Serialize(new { image = "data:image/png;base64," + Convert.ToBase64String(bytes) }),
            JsonSerializer.Serialize(new { image = Path.Combine(folder, "p1.JPG") }),
            "\"plain text\"",
        ]);
        var output = Path.Combine(_work.FullName, "mixed.out.jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "-i", jsonl, "-o", output, "--task", "retrieval.query", "-q");

        Assert.True(exitCode == 0, error);
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        EmbeddingInput[] items =
        [
            EmbeddingInput.FromText("a page about charts"), EmbeddingInput.FromImageFile(Path.Combine(folder, "p2.png")), EmbeddingInput.FromImage(bytes),
            EmbeddingInput.FromImage(bytes), EmbeddingInput.FromImageFile(Path.Combine(folder, "p1.JPG")), EmbeddingInput.FromText("plain text"),
        ];
        var expected = Library(items, new EmbedOptions { Task = "retrieval.query" });
        Assert.Equal(items.Length, rows.Length);
        for (var i = 0; i < items.Length; i++)
        {
            AssertClose(expected.Embeddings[i], rows[i], $"record {i}");
        }

        Assert.Equal(rows[2], rows[3]);
    }

    [Fact]
    public async Task ABrokenImageFileIsAnErrorNamingTheFile()
    {
        var folder = Pages();
        File.WriteAllBytes(Path.Combine(folder, "p0.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var output = Path.Combine(_work.FullName, "out.jsonl");

        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "--images", folder, "-o", output, "-q");

        Assert.Equal(2, exitCode);
        Assert.Contains(Path.Combine(folder, "p0.png"), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonlErrorsNameTheLine()
    {
        var jsonl = Path.Combine(_work.FullName, "bad.jsonl");
        await File.WriteAllLinesAsync(jsonl, ["{\"text\": \"fine\"}", "{\"image\": \"https://example.com/a.png\"}"]);
        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "-i", jsonl, "-q");
        Assert.Equal(1, exitCode);
        Assert.Contains("JSONL line 2", error, StringComparison.Ordinal);
        Assert.Contains("does not fetch image URLs", error, StringComparison.Ordinal);

        await File.WriteAllLinesAsync(jsonl, ["{\"image\": \"missing/page.png\"}"]);
        (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "-i", jsonl, "-q");
        Assert.Equal(1, exitCode);
        Assert.Contains("JSONL line 1", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_work.FullName, "missing", "page.png"), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImagesNeedAnImageModelAndNoTextInput()
    {
        var folder = Pages();
        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", Fixtures.Path("tiny-jina-v3"), "--images", folder, "-q");
        Assert.Equal(2, exitCode);
        Assert.Contains("embeds images", error, StringComparison.Ordinal);

        (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "-m", TinyV4, "--images", folder, "--late-chunking", "-q");
        Assert.Equal(2, exitCode);
        Assert.Contains("texts only", error, StringComparison.Ordinal);
    }

    private static float[] NpyFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int start = 10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Contains("'<f4'", Encoding.ASCII.GetString(bytes, 10, start - 10), StringComparison.Ordinal);
        return Enumerable.Range(0, (bytes.Length - start) / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(start + (i * 4)))).ToArray();
    }

    private static long[] NpyInt64(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int start = 10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Contains("'<i8'", Encoding.ASCII.GetString(bytes, 10, start - 10), StringComparison.Ordinal);
        return Enumerable.Range(0, (bytes.Length - start) / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(start + (i * 8)))).ToArray();
    }
}
