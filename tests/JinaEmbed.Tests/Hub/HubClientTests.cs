// The hub client against a real HTTP server on loopback that serves the tiny fixture model the way the hub does:
// cache layout, no second download, resume, corruption, offline, 401/404 (issue #7).
using JinaEmbed.Hub;

namespace JinaEmbed.Tests.Hub;

public sealed class HubClientTests : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "jinaembed-hub-" + Guid.NewGuid().ToString("N"));
    private FakeHubServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FakeHubServer.StartAsync(Fixtures.Path("tiny-jina-v3"), exclude: "expected.json");

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private HubOptions Options(bool offline = false, string? token = null, string? endpoint = null) => new()
    {
        Endpoint = endpoint ?? _server.Endpoint,
        CacheDirectory = _cache,
        Offline = offline,
        Token = token,
        Timeout = TimeSpan.FromSeconds(20),
    };

    private HubModelId Id => HubModelId.Parse(_server.Repository);

    private string RepoFolder => Path.Combine(_cache, "models--test-org--tiny-jina-v3");

    private async Task<string> DownloadAsync(HubOptions? options = null, IProgress<HubProgress>? progress = null)
    {
        using var client = new HubClient(options ?? Options());
        return await client.DownloadSnapshotAsync(Id, progress);
    }

    [Theory]
    [InlineData(true)] // today's hub: small files answer 307 to /api/resolve-cache/… first
    [InlineData(false)] // small files answered directly
    public async Task FirstDownload_FillsTheCacheInTheHuggingFaceHubLayout(bool relativeRedirects)
    {
        _server.RelativeRedirects = relativeRedirects;
        var snapshot = await DownloadAsync();

        Assert.Equal(Path.Combine(RepoFolder, "snapshots", _server.Commit), snapshot);
        Assert.Equal(_server.Commit, File.ReadAllText(Path.Combine(RepoFolder, "refs", "main")));
        string[] expected = ["1_Pooling/config.json", "README.md", "config.json", "config_sentence_transformers.json", "model.safetensors",
            "modules.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"];
        var present = Directory.EnumerateFileSystemEntries(snapshot, "*", SearchOption.AllDirectories)
            .Where(p => !Directory.Exists(p)).Select(p => Path.GetRelativePath(snapshot, p).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal(expected, present);

        foreach (var file in expected)
        {
            var link = new FileInfo(Path.Combine(snapshot, file));
            var depth = file.Count(c => c == '/');
            var etag = _server.Etag(file);
            Assert.Equal(string.Concat(Enumerable.Repeat("../", depth + 2)) + "blobs/" + etag, link.LinkTarget!.Replace('\\', '/'));
            Assert.Equal(_server.Content(file), File.ReadAllBytes(Path.Combine(RepoFolder, "blobs", etag)));
            Assert.Equal(_server.Content(file), File.ReadAllBytes(link.FullName));
        }

        // LFS blobs are named by sha256, small files by their git blob sha1.
        Assert.Equal(64, _server.Etag("model.safetensors").Length);
        Assert.Equal(40, _server.Etag("config.json").Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(RepoFolder, "blobs"), "*.incomplete"));
        Assert.Equal(relativeRedirects, _server.Requests.Any(r => r.Path.StartsWith("/api/resolve-cache/", StringComparison.Ordinal)));
        Assert.DoesNotContain(_server.FileRequests, r => r.Path.Contains("onnx", StringComparison.Ordinal) || r.Path.Contains("f32", StringComparison.Ordinal) || r.Path.EndsWith(".py", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowPatterns_LimitTheFiles_AndTheRestFollowsLater()
    {
        var configsOnly = await DownloadAsync(Options() with { AllowPatterns = ["*.json"] });

        Assert.True(File.Exists(Path.Combine(configsOnly, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(configsOnly, "model.safetensors")));
        Assert.DoesNotContain(_server.FileRequests, r => r.Path.Contains("safetensors", StringComparison.Ordinal) || r.Path.Contains(_server.Etag("model.safetensors"), StringComparison.Ordinal));
        Assert.False(new HubCache(_cache).TryGetSnapshot(Id, out _)); // no weights: not loadable offline

        var full = await DownloadAsync();
        Assert.Equal(configsOnly, full);
        Assert.True(HubCache.IsLoadable(full));
    }

    [Fact]
    public async Task SecondRun_MakesNoFileRequests()
    {
        var first = await DownloadAsync();
        var before = _server.Requests.Count;

        var second = await DownloadAsync();

        Assert.Equal(first, second);
        var secondRun = _server.Requests.Skip(before).ToList();
        Assert.Single(secondRun);
        Assert.StartsWith("/api/models/", secondRun[0].Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CacheWrittenByPythonTools_IsReusedWithoutFileRequests()
    {
        // The layout huggingface_hub writes: blobs by etag, relative links in snapshots, refs/main.
        foreach (var file in new[] { "config.json", "tokenizer.json", "model.safetensors", "1_Pooling/config.json", "README.md", "config_sentence_transformers.json", "modules.json", "special_tokens_map.json", "tokenizer_config.json" })
        {
            var blob = Path.Combine(RepoFolder, "blobs", _server.Etag(file));
            Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
            File.WriteAllBytes(blob, _server.Content(file));
            var link = Path.Combine(RepoFolder, "snapshots", _server.Commit, file);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, blob));
        }

        Directory.CreateDirectory(Path.Combine(RepoFolder, "refs"));
        File.WriteAllText(Path.Combine(RepoFolder, "refs", "main"), _server.Commit);

        var online = await DownloadAsync();
        var offline = await DownloadAsync(Options(offline: true));

        Assert.Equal(Path.Combine(RepoFolder, "snapshots", _server.Commit), online);
        Assert.Equal(online, offline);
        Assert.Empty(_server.FileRequests);
    }

    [Fact]
    public async Task InterruptedDownload_ResumesWithARangeRequest()
    {
        var size = _server.Content("model.safetensors").LongLength;
        _server.FailFile = "model.safetensors";
        _server.FailAfterBytes = 700_000;
        _server.FailuresLeft = 1;

        var snapshot = await DownloadAsync();

        Assert.Equal(_server.Content("model.safetensors"), File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
        var gets = _server.Requests.Where(r => r.Method == "GET" && r.Path.StartsWith("/cdn/" + _server.Etag("model.safetensors"), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        Assert.NotNull(gets[1].Range);
        var resumedAt = long.Parse(gets[1].Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAt, 1, 700_000);
        Assert.True(_server.BytesServed["model.safetensors"] < size + 700_000, "the second request fetched only the rest");
    }

    [Fact]
    public async Task IncompleteFileFromAnEarlierRun_IsResumed()
    {
        var content = _server.Content("model.safetensors");
        var etag = _server.Etag("model.safetensors");
        var incomplete = Path.Combine(RepoFolder, "blobs", etag + ".incomplete");
        Directory.CreateDirectory(Path.GetDirectoryName(incomplete)!);
        File.WriteAllBytes(incomplete, content[..1_000_000]);

        var snapshot = await DownloadAsync();

        Assert.Equal(content, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
        var get = Assert.Single(_server.Requests, r => r.Method == "GET" && r.Path == "/cdn/" + etag);
        Assert.Equal("bytes=1000000-", get.Range);
        Assert.Equal(content.LongLength - 1_000_000, _server.BytesServed["model.safetensors"]);
        Assert.False(File.Exists(incomplete));
    }

    [Theory]
    [InlineData("model.safetensors", 1_234_567L)] // LFS file: sha256 etag
    [InlineData("config.json", 100L)] // small file: git blob sha1 etag
    public async Task CorruptedByte_IsDetectedAndNeverPublished(string file, long offset)
    {
        _server.CorruptFile = file;
        _server.CorruptOffset = offset;

        var error = await Assert.ThrowsAsync<HubException>(() => DownloadAsync());

        Assert.Equal(HubErrorKind.Integrity, error.Kind);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        var etag = _server.Etag(file);
        Assert.False(File.Exists(Path.Combine(RepoFolder, "blobs", etag)));
        Assert.False(File.Exists(Path.Combine(RepoFolder, "blobs", etag + ".incomplete")));
        Assert.False(new FileInfo(Path.Combine(RepoFolder, "snapshots", _server.Commit, file)).Exists);
        Assert.False(new HubCache(_cache).TryGetSnapshot(Id, out _));

        // Once the server sends good bytes, the same cache completes.
        _server.CorruptFile = null;
        var snapshot = await DownloadAsync();
        Assert.Equal(_server.Content(file), File.ReadAllBytes(Path.Combine(snapshot, file)));
    }

    [Fact]
    public async Task OfflineMode_UsesTheCacheOnly()
    {
        var online = await DownloadAsync();
        var before = _server.Requests.Count;

        var offline = await DownloadAsync(Options(offline: true));

        Assert.Equal(online, offline);
        Assert.Equal(before, _server.Requests.Count);
    }

    [Fact]
    public async Task OfflineMode_WithoutCache_FailsWithTheNextStep()
    {
        var error = await Assert.ThrowsAsync<HubException>(() => DownloadAsync(Options(offline: true)));

        Assert.Equal(HubErrorKind.NotInCache, error.Kind);
        Assert.Contains("HF_HUB_OFFLINE", error.Message, StringComparison.Ordinal);
        Assert.Contains("jinaembed download test-org/tiny-jina-v3", error.Message, StringComparison.Ordinal);
        Assert.Contains(_cache, error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task UnreachableHub_FallsBackToTheCachedSnapshot_OrFailsClearly()
    {
        var deadEndpoint = "http://127.0.0.1:9"; // discard port: connection refused
        var error = await Assert.ThrowsAsync<HubException>(() => DownloadAsync(Options(endpoint: deadEndpoint)));
        Assert.Equal(HubErrorKind.Network, error.Kind);
        Assert.Contains("HF_HUB_OFFLINE", error.Message, StringComparison.Ordinal);

        var online = await DownloadAsync();
        Assert.Equal(online, await DownloadAsync(Options(endpoint: deadEndpoint)));
    }

    [Fact]
    public async Task Unauthorized_SaysToSetHfToken_AndTheTokenIsSent()
    {
        _server.RequiredToken = "hf_secret";

        var error = await Assert.ThrowsAsync<HubException>(() => DownloadAsync());

        Assert.Equal(HubErrorKind.Unauthorized, error.Kind);
        Assert.Equal(401, error.StatusCode);
        Assert.Contains("HF_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Contains("test-org/tiny-jina-v3", error.Message, StringComparison.Ordinal);

        var wrong = await Assert.ThrowsAsync<HubException>(() => DownloadAsync(Options(token: "hf_wrong")));
        Assert.Equal(HubErrorKind.Unauthorized, wrong.Kind);
        Assert.Contains("refused", wrong.Message, StringComparison.Ordinal);

        var snapshot = await DownloadAsync(Options(token: "hf_secret"));
        Assert.True(HubCache.IsLoadable(snapshot));
        Assert.Contains(_server.Requests, r => r.Authorization == "Bearer hf_secret");
    }

    [Fact]
    public async Task UnknownRepositoryOrRevision_Is404WithTheNextStep()
    {
        using var client = new HubClient(Options());

        var repo = await Assert.ThrowsAsync<HubException>(() => client.DownloadSnapshotAsync(HubModelId.Parse("test-org/no-such-model")));
        Assert.Equal(HubErrorKind.RepositoryNotFound, repo.Kind);
        Assert.Equal(404, repo.StatusCode);
        Assert.Contains("test-org/no-such-model", repo.Message, StringComparison.Ordinal);
        Assert.Contains("check the id", repo.Message, StringComparison.Ordinal);

        var revision = await Assert.ThrowsAsync<HubException>(() => client.DownloadSnapshotAsync(HubModelId.Parse("test-org/tiny-jina-v3@nope")));
        Assert.Equal(HubErrorKind.RevisionNotFound, revision.Kind);
        Assert.Contains("'nope'", revision.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(RepoFolder, "snapshots")));
    }

    [Fact]
    public async Task RevisionTagAndCommit_ShareOneSnapshot_AndWriteRefs()
    {
        using var client = new HubClient(Options());
        var byTag = await client.DownloadSnapshotAsync(HubModelId.Parse(_server.Repository + "@v1.0"));
        var byCommit = await client.DownloadSnapshotAsync(HubModelId.Parse(_server.Repository + "@" + _server.Commit));

        Assert.Equal(byTag, byCommit);
        Assert.Equal(_server.Commit, File.ReadAllText(Path.Combine(RepoFolder, "refs", "v1.0")));
        Assert.False(File.Exists(Path.Combine(RepoFolder, "refs", _server.Commit)));
    }

    [Fact]
    public async Task Progress_ReportsEveryByteOfTheDownload()
    {
        var reports = new List<HubProgress>();
        await DownloadAsync(progress: new SyncProgress<HubProgress>(reports.Add));

        var expectedTotal = new[] { "1_Pooling/config.json", "README.md", "config.json", "config_sentence_transformers.json", "model.safetensors", "modules.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json" }
            .Sum(f => _server.Content(f).LongLength);
        Assert.All(reports, r => Assert.Equal(expectedTotal, r.TotalBytes));
        Assert.Equal(expectedTotal, reports[^1].DoneBytes);
        Assert.Equal(9, reports.Count(r => r.FileCompleted));
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.DoneBytes >= p.First.DoneBytes));
    }

    [Fact]
    public async Task ModelSource_ReturnsALocalDirectoryAsIs_AndResolvesHubIds()
    {
        var local = Fixtures.Path("tiny-jina-v3");
        Assert.Equal(Path.GetFullPath(local), await ModelSource.ResolveAsync(local, Options()));
        Assert.Empty(_server.Requests);

        var hub = await ModelSource.ResolveAsync(_server.Repository, Options());
        Assert.True(HubCache.IsLoadable(hub));

        var error = await Assert.ThrowsAsync<HubException>(() => ModelSource.ResolveAsync("./no/such/dir", Options()));
        Assert.Equal(HubErrorKind.InvalidModelId, error.Kind);
    }
}
