// A model folder without tokenizer.json (config.json + model.safetensors only) is served for token-id input: it warms
// up and becomes ready, ids are checked against the model's vocabulary, and text gets a clear 400.
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Server.Tests;

public sealed class TokenIdOnlyModelTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("jinaembed-ids-only-").FullName;
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        foreach (var file in new[] { "config.json", "model.safetensors" })
        {
            File.CreateSymbolicLink(Path.Combine(_folder, file), Fixtures.Path("tiny-jina-v3", file));
        }

        _server = await RunningServer.StartModelAsync(_folder);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task TokenIdsAreEmbeddedAsTheLibraryDoes()
    {
        int[] ids = [0, 3578, 899, 2];
        var body = await _server.EmbedAsync("""{"input": [[0, 3578, 899, 2]], "task": "text-matching"}""");
        var vector = body.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        using var library = Embedder.Load(_folder);
        Assert.Equal(library.EmbedTokenIds([ids], new EmbedOptions { Task = "text-matching", Normalize = true })[0], vector);
    }

    [Fact]
    public async Task TextAndUnknownIdsAreRefused()
    {
        using var text = await _server.PostAsync("/v1/embeddings", """{"input": ["hello"]}""");
        Assert.Equal(400, (int)text.StatusCode);
        Assert.Contains("tokenizer.json", await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        int vocabulary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "config.json"))).RootElement.GetProperty("vocab_size").GetInt32();
        using var outside = await _server.PostAsync("/v1/embeddings", $$"""{"input": [[0, {{vocabulary}}, 2]]}""");
        Assert.Equal(400, (int)outside.StatusCode);
        Assert.Contains("invalid_token_id", await outside.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
