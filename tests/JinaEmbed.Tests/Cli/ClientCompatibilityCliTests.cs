// Issue #16 on the command line: embed on a model without tasks, no output left behind by a failed run, errors that
// name the flag, info printing the limit embed and serve enforce, and ONNX-only folders.
using System.Text.Json;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Cli;

public sealed class ClientCompatibilityCliTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("jinaembed-compat-");

    public void Dispose() => _work.Delete(recursive: true);

    private static string MiniLm => Fixtures.Path("all-MiniLM-L6-v2");

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_work.FullName, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Embed_ModelWithoutTasks_NeedsNoTaskFlag()
    {
        var input = Write("in.txt", "hello", "world");
        var output = Path.Combine(_work.FullName, "out.jsonl");
        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", MiniLm, "--input", input, "--output", output, "--quiet");
        Assert.True(exitCode == 0, error);
        Assert.Equal(2, File.ReadAllLines(output).Length);
    }

    [Theory]
    [InlineData("out.npy")]
    [InlineData("out.jsonl")]
    public async Task Embed_TooLongWithoutTruncate_NamesTheFlag_AndLeavesNoOutputFile(string name)
    {
        var input = Write("in.txt", "short", string.Join(' ', Enumerable.Repeat("word", 300)));
        var output = Path.Combine(_work.FullName, name);
        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", MiniLm, "--input", input, "--output", output, "--quiet");

        Assert.Equal(2, exitCode);
        Assert.Contains("input[1] has 302 tokens; the maximum is 256 (pass --truncate to cut it)", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output), $"{name} was left behind by a failed run");
        Assert.Equal(["in.txt"], _work.EnumerateFiles().Select(f => f.Name));
    }

    [Fact]
    public async Task Embed_FailedRun_KeepsAnOlderOutputFile()
    {
        var input = Write("in.txt", string.Join(' ', Enumerable.Repeat("word", 300)));
        var output = Write("out.jsonl", "{\"previous\": true}");
        var (exitCode, _, _) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", MiniLm, "--input", input, "--output", output, "--quiet");
        Assert.Equal(2, exitCode);
        Assert.Equal(["{\"previous\": true}"], File.ReadAllLines(output));

        var (truncated, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", MiniLm, "--input", input, "--output", output, "--quiet", "--truncate");
        Assert.True(truncated == 0, error);
        Assert.Equal(384, JsonDocument.Parse(File.ReadAllLines(output).Single()).RootElement.GetProperty("embedding").GetArrayLength());
    }

    [Fact]
    public async Task Embed_FailedMultiVectorRun_KeepsBothOlderNpyFiles()
    {
        // The values .npy and its offsets .npy are one output: a run that fails before its first row brings both back
        // (the offsets file was once overwritten and then deleted, leaving the older values without their offsets).
        var input = Write("in.txt", string.Join(' ', Enumerable.Repeat("word", 40_000)));
        var output = Path.Combine(_work.FullName, "out.npy");
        var offsets = Path.Combine(_work.FullName, "out.offsets.npy");
        File.WriteAllBytes(output, [1, 2, 3]);
        File.WriteAllBytes(offsets, [4, 5, 6]);
        var (exitCode, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", Fixtures.Path("tiny-jina-v4"), "--input", input, "--output", output, "--multivector", "--quiet");

        Assert.Equal(2, exitCode);
        Assert.Contains("pass --truncate", error, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(output));
        Assert.Equal([4, 5, 6], File.ReadAllBytes(offsets));
        Assert.Equal(["in.txt", "out.npy", "out.offsets.npy"], _work.EnumerateFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Info_MiniLm_PrintsTheLimitEmbedAndServeEnforce_WithItsSpecialTokens()
    {
        using var embedder = Embedder.Load(MiniLm);
        Assert.Equal(256, embedder.Info.MaxTokens);

        var (exitCode, output, error) = await CliRunner.RunAsync(InfoCommand.Create(), "info", "--model", MiniLm);
        Assert.True(exitCode == 0, error);
        Assert.Contains("max tokens   256 per input, [CLS] and [SEP] included (254 of text)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("510", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<s>", output, StringComparison.Ordinal);

        var (jsonExit, json, _) = await CliRunner.RunAsync(InfoCommand.Create(), "info", "--model", MiniLm, "--json");
        Assert.Equal(0, jsonExit);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(embedder.Info.MaxTokens, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(["[CLS]", "[SEP]"], root.GetProperty("special_tokens").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Info_TinyV3_PrintsTheLimitWithItsSpecialTokens()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync(InfoCommand.Create(), "info", "--model", Fixtures.Path("tiny-jina-v3"));
        Assert.True(exitCode == 0, error);
        Assert.Contains("max tokens   8194 per input, <s> and </s> included (8192 of text)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OnnxOnlyFolder_SaysOnnxIsNotSupportedAndWhatIsNeeded(bool withConfig)
    {
        var folder = _work.CreateSubdirectory("onnx-export");
        if (withConfig)
        {
            File.Copy(Path.Combine(MiniLm, "config.json"), Path.Combine(folder.FullName, "config.json"));
            File.Copy(Path.Combine(MiniLm, "tokenizer.json"), Path.Combine(folder.FullName, "tokenizer.json"));
        }

        File.WriteAllBytes(Path.Combine(folder.FullName, "model.onnx"), [8, 7, 18, 0]);
        var input = Write("in.txt", "hello");
        foreach (var args in new[] { new[] { "embed", "--model", folder.FullName, "--input", input, "--quiet" }, new[] { "info", "--model", folder.FullName } })
        {
            var command = args[0] == "embed" ? EmbedCommand.Create() : InfoCommand.Create();
            var (exitCode, _, error) = await CliRunner.RunAsync(command, args);
            Assert.Equal(1, exitCode);
            Assert.Contains("ONNX is not supported", error, StringComparison.Ordinal);
            Assert.Contains("model.safetensors", error, StringComparison.Ordinal);
            Assert.DoesNotContain("does not exist", error, StringComparison.Ordinal);
        }
    }
}
