// `jinaembed embed` end to end on the tiny checkpoint: JSONL or text lines in, JSONL vectors equal to the official ones out.
using System.Text.Json;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Tests.Cli;
using JinaEmbed.Tests.Models;

namespace JinaEmbed.Tests.Embedding;

public sealed class EmbedCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "jinaembed-cli-" + Guid.NewGuid().ToString("N"));

    public EmbedCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task JsonlTexts_GiveTheOfficialVectors()
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v3", "expected.json")));
        var cases = expected.RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("kind").GetString() == "single" && c.GetProperty("task").GetString() == "retrieval.query")
            .Take(3).ToList();
        string input = Path.Combine(_dir, "in.jsonl"), output = Path.Combine(_dir, "out.jsonl");
        var lines = new List<string>
        {
            JsonSerializer.Serialize(new { text = cases[0].GetProperty("text").GetString() }),
            JsonSerializer.Serialize(new { text = cases[1].GetProperty("text").GetString() }),
            JsonSerializer.Serialize(cases[2].GetProperty("text").GetString()),
        };
        File.WriteAllLines(input, lines);

        var (exit, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", Fixtures.Path("tiny-jina-v3"), "--task", "retrieval.query", "--input", input, "--output", output, "--quiet");
        Assert.True(exit == 0, error);
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, rows.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(i, rows[i].GetProperty("index").GetInt32());
            Parity.Within(Parity.Floats(rows[i].GetProperty("embedding")), Parity.Floats(cases[i].GetProperty("embedding")), 1e-5, $"line {i}");
        }
    }

    [Fact]
    public async Task TextLines_WithDimensions()
    {
        string input = Path.Combine(_dir, "in.txt"), output = Path.Combine(_dir, "out.jsonl");
        File.WriteAllLines(input, ["first line", "second line"]);
        var (exit, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", Fixtures.Path("tiny-jina-v3"), "--task", "none", "--dimensions", "16", "--input", input, "--output", output, "-q");
        Assert.True(exit == 0, error);
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(16, r.GetProperty("embedding").GetArrayLength()));
    }

    [Fact]
    public async Task UnknownTask_FailsWithAMessage()
    {
        string input = Path.Combine(_dir, "in.txt");
        File.WriteAllLines(input, ["x"]);
        var (exit, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", Fixtures.Path("tiny-jina-v3"), "--task", "nope", "--input", input, "--output", Path.Combine(_dir, "o.jsonl"), "-q");
        Assert.Equal(2, exit);
        Assert.Contains("Unknown task 'nope'", error);
    }
}
