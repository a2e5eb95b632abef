// `jinaembed download` of a jina-embeddings-v4 repository from the loopback hub, then `embed --model <hub id>` from the
// cache: the snapshot holds the shards, the adapters and the tokenizer, and loads.
using System.Text.Json;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Embedding;
using JinaEmbed.Hub;
using JinaEmbed.Tests.Hub;

namespace JinaEmbed.Tests.Cli;

public sealed class DownloadCommandV4Tests : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "jinaembed-cli-v4-" + Guid.NewGuid().ToString("N"));
    private FakeHubServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FakeHubServer.StartAsync(Fixtures.Path("tiny-jina-v4"), "jinaai/jina-embeddings-v4", "expected.json");

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public async Task Download_ThenEmbedByHubId_OfflineFromTheCache()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync(DownloadCommand.Create(),
            "download", "jinaai/jina-embeddings-v4", "--endpoint", _server.Endpoint, "--cache-dir", _cache, "-q");

        Assert.True(exitCode == 0, error);
        var directory = output.Trim();
        Assert.Equal(Path.Combine(_cache, "models--jinaai--jina-embeddings-v4", "snapshots", _server.Commit), directory);
        Assert.True(HubCache.IsLoadable(directory));
        foreach (var file in new[] { "config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                     "adapters/adapter_config.json", "adapters/adapter_model.safetensors", "tokenizer.json", "tokenizer_config.json", "preprocessor_config.json" })
        {
            Assert.True(File.Exists(Path.Combine(directory, file)), file);
        }

        var input = Path.Combine(_cache, "in.txt");
        await File.WriteAllLinesAsync(input, ["def f(): pass", "a function that does nothing"]);
        var vectors = Path.Combine(_cache, "out.jsonl");
        var embed = await CliRunner.RunAsync(EmbedCommand.Create(),
            "embed", "--model", "jinaai/jina-embeddings-v4", "--cache-dir", _cache, "--offline", "-i", input, "-o", vectors, "--task", "code.passage", "-q");

        Assert.True(embed.ExitCode == 0, embed.Error);
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v4"));
        var expected = embedder.Embed(["def f(): pass", "a function that does nothing"], new EmbedOptions { Task = "code.passage" });
        var actual = File.ReadAllLines(vectors).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            Assert.True(expected[i].Zip(actual[i]).All(p => Math.Abs(p.First - p.Second) <= 1e-5f), $"item {i}");
        }
    }
}
