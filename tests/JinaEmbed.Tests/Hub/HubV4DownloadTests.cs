// The hub client on a jina-embeddings-v4 layout (tiny-jina-v4 served by the loopback hub): sharded weights through the
// index, the PEFT adapters folder, the tokenizer and preprocessor files; resume, verification and the offline check.
using System.Text;
using System.Text.Json.Nodes;
using JinaEmbed.Hub;

namespace JinaEmbed.Tests.Hub;

public sealed class HubV4DownloadTests : IAsyncLifetime
{
    private const string Repository = "test-org/tiny-jina-v4";
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "jinaembed-hub-v4-" + Guid.NewGuid().ToString("N"));
    private FakeHubServer? _server;

    private static readonly string[] ModelFiles =
    [
        "README.md", "adapters/adapter_config.json", "adapters/adapter_model.safetensors", "config.json", Shard1, Shard2,
        "model.safetensors.index.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json",
    ];

    private FakeHubServer Server => _server!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server != null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private async Task StartAsync(IReadOnlyDictionary<string, byte[]>? replace = null) =>
        _server = await FakeHubServer.StartAsync(Fixtures.Path("tiny-jina-v4"), Repository, ["expected.json"], replace);

    private HubOptions Options(bool offline = false) => new()
    {
        Endpoint = Server.Endpoint,
        CacheDirectory = _cache,
        Offline = offline,
        Timeout = TimeSpan.FromSeconds(20),
    };

    private async Task<string> DownloadAsync(HubOptions? options = null)
    {
        using var client = new HubClient(options ?? Options());
        return await client.DownloadSnapshotAsync(HubModelId.Parse(Repository));
    }

    private static List<string> FilesIn(string snapshot) =>
        Directory.EnumerateFileSystemEntries(snapshot, "*", SearchOption.AllDirectories).Where(p => !Directory.Exists(p))
            .Select(p => Path.GetRelativePath(snapshot, p).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Download_FetchesEveryFileTheV4FolderNeeds_AndNothingElse()
    {
        await StartAsync();

        var snapshot = await DownloadAsync();

        Assert.Equal(ModelFiles, FilesIn(snapshot));
        foreach (var file in ModelFiles)
        {
            Assert.Equal(Server.Content(file), File.ReadAllBytes(Path.Combine(snapshot, file)));
        }

        // The fixture's goldens (blobs/*.npy), images and remote code stay on the hub.
        Assert.DoesNotContain(Server.FileRequests, r => r.Path.Contains("/blobs/", StringComparison.Ordinal) || r.Path.Contains("images", StringComparison.Ordinal) || r.Path.EndsWith(".py", StringComparison.Ordinal));
        Assert.True(HubCache.IsLoadable(snapshot));
        Assert.True(new HubCache(_cache).TryGetSnapshot(HubModelId.Parse(Repository), out var cached));
        Assert.Equal(snapshot, cached);

        var before = Server.Requests.Count;
        Assert.Equal(snapshot, await DownloadAsync());
        Assert.Single(Server.Requests.Skip(before)); // the revision call only
        Assert.Equal(snapshot, await DownloadAsync(Options(offline: true)));
    }

    [Fact]
    public async Task BrokenShardTransfer_IsResumedWithARangeRequest()
    {
        await StartAsync();
        Server.FailFile = Shard1;
        Server.FailAfterBytes = 1_000_000;
        Server.FailuresLeft = 1;

        var snapshot = await DownloadAsync();

        var gets = Server.Requests.Where(r => r.Method == "GET" && r.Path == "/cdn/" + Server.Etag(Shard1)).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        var resumedAt = long.Parse(gets[1].Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAt, 1, 1_000_000); // what reached the disk before the connection dropped
        Assert.True(Server.BytesServed[Shard1] < Server.Content(Shard1).LongLength + 1_000_000, "the second request fetched only the rest");
        Assert.Equal(Server.Content(Shard1), File.ReadAllBytes(Path.Combine(snapshot, Shard1)));
        Assert.True(HubCache.IsLoadable(snapshot));
    }

    [Fact]
    public async Task CorruptAdapter_IsDetectedAndNeverPublished()
    {
        await StartAsync();
        Server.CorruptFile = "adapters/adapter_model.safetensors";
        Server.CorruptOffset = 1000;

        var corrupt = await Assert.ThrowsAsync<HubException>(() => DownloadAsync());

        Assert.Equal(HubErrorKind.Integrity, corrupt.Kind);
        Assert.Contains("adapters/adapter_model.safetensors", corrupt.Message, StringComparison.Ordinal);
        var blobs = Path.Combine(_cache, "models--test-org--tiny-jina-v4", "blobs");
        Assert.False(File.Exists(Path.Combine(blobs, Server.Etag("adapters/adapter_model.safetensors"))));
        Assert.Empty(Directory.GetFiles(blobs, "*.incomplete"));

        Server.CorruptFile = null;
        var snapshot = await DownloadAsync();
        Assert.Equal(Server.Content("adapters/adapter_model.safetensors"), File.ReadAllBytes(Path.Combine(snapshot, "adapters", "adapter_model.safetensors")));
        Assert.True(HubCache.IsLoadable(snapshot));
    }

    [Fact]
    public async Task ShardsTheIndexLists_AreFetchedWhateverTheirNames()
    {
        // The index sends the second shard's tensors to a file no pattern matches.
        var index = JsonNode.Parse(File.ReadAllText(Fixtures.Path("tiny-jina-v4", "model.safetensors.index.json")))!;
        var map = index["weight_map"]!.AsObject();
        foreach (var name in map.Where(p => p.Value!.GetValue<string>() == Shard2).Select(p => p.Key).ToList())
        {
            map[name] = "weights/part-b.safetensors";
        }

        await StartAsync(new Dictionary<string, byte[]>
        {
            ["model.safetensors.index.json"] = Encoding.UTF8.GetBytes(index.ToJsonString()),
            ["weights/part-b.safetensors"] = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", Shard2)),
        });

        var snapshot = await DownloadAsync();

        Assert.Equal(Server.Content("weights/part-b.safetensors"), File.ReadAllBytes(Path.Combine(snapshot, "weights", "part-b.safetensors")));
        Assert.True(HubCache.IsLoadable(snapshot));
    }

    [Fact]
    public async Task AnIndexNamingAMissingShard_FailsWithTheShardsName()
    {
        var index = JsonNode.Parse(File.ReadAllText(Fixtures.Path("tiny-jina-v4", "model.safetensors.index.json")))!;
        index["weight_map"]!["model.norm.weight"] = "model-00003-of-00003.safetensors";
        await StartAsync(new Dictionary<string, byte[]> { ["model.safetensors.index.json"] = Encoding.UTF8.GetBytes(index.ToJsonString()) });

        var error = await Assert.ThrowsAsync<HubException>(() => DownloadAsync());

        Assert.Equal(HubErrorKind.FileNotFound, error.Kind);
        Assert.Contains("model-00003-of-00003.safetensors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigsOnly_FetchesNoShards_AndASnapshotWithoutAdaptersIsNotLoadable()
    {
        await StartAsync();

        var configs = await DownloadAsync(Options() with { AllowPatterns = ["*.json"] });

        Assert.True(File.Exists(Path.Combine(configs, "tokenizer.json")));
        Assert.DoesNotContain(Server.FileRequests, r => r.Path.Contains("safetensors", StringComparison.Ordinal) && !r.Path.EndsWith(".json", StringComparison.Ordinal));
        Assert.False(HubCache.IsLoadable(configs));

        var noAdapters = await DownloadAsync(Options() with { AllowPatterns = ["*.json", "model-*-of-*.safetensors"] });
        Assert.True(File.Exists(Path.Combine(noAdapters, Shard2)));
        Assert.False(HubCache.IsLoadable(noAdapters)); // a v4 folder without its adapters would fail to load
        Assert.False(new HubCache(_cache).TryGetSnapshot(HubModelId.Parse(Repository), out _));

        Assert.True(HubCache.IsLoadable(await DownloadAsync()));
    }
}
