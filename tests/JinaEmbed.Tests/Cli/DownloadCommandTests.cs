// `jinaembed download` against the loopback hub: prints the snapshot directory, progress on stderr, exit codes (issue #7).
using JinaEmbed.Cli.Commands;
using JinaEmbed.Hub;
using JinaEmbed.Tests.Hub;

namespace JinaEmbed.Tests.Cli;

public sealed class DownloadCommandTests : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "jinaembed-cli-" + Guid.NewGuid().ToString("N"));
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

    [Fact]
    public async Task Download_PrintsTheSnapshotDirectory_WithPlainProgressWhenRedirected()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync(DownloadCommand.Create(),
            "download", _server.Repository, "--endpoint", _server.Endpoint, "--cache-dir", _cache);

        Assert.Equal(0, exitCode);
        var directory = output.Trim();
        Assert.Equal(Path.Combine(_cache, "models--test-org--tiny-jina-v3", "snapshots", _server.Commit), directory);
        Assert.True(HubCache.IsLoadable(directory));
        // Not a terminal: whole lines, no carriage returns; each names a file, the rate and the ETA.
        Assert.DoesNotContain('\r', error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("model.safetensors", StringComparison.Ordinal) && l.Contains("/s ETA", StringComparison.Ordinal));
        Assert.Equal($"downloaded into {directory}", lines[^1]);

        var again = await CliRunner.RunAsync(DownloadCommand.Create(), "download", "--model", _server.Repository, "--endpoint", _server.Endpoint, "--cache-dir", _cache, "--offline");
        Assert.Equal((0, directory), (again.ExitCode, again.Output.Trim()));
    }

    [Fact]
    public async Task Failures_HaveDistinctExitCodesAndSayWhatToDo()
    {
        var offline = await CliRunner.RunAsync(DownloadCommand.Create(), "download", _server.Repository, "--cache-dir", _cache, "--offline");
        Assert.Equal(5, offline.ExitCode);
        Assert.Contains("jinaembed download test-org/tiny-jina-v3", offline.Error, StringComparison.Ordinal);
        Assert.Equal("", offline.Output);

        var missing = await CliRunner.RunAsync(DownloadCommand.Create(), "download", "test-org/missing", "--endpoint", _server.Endpoint, "--cache-dir", _cache);
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("test-org/missing was not found", missing.Error, StringComparison.Ordinal);

        _server.RequiredToken = "hf_secret";
        var denied = await CliRunner.RunAsync(DownloadCommand.Create(), "download", _server.Repository, "--endpoint", _server.Endpoint, "--cache-dir", _cache);
        Assert.Equal(3, denied.ExitCode);
        Assert.Contains("HF_TOKEN", denied.Error, StringComparison.Ordinal);

        var invalid = await CliRunner.RunAsync(DownloadCommand.Create(), "download", "not-a-hub-id", "--cache-dir", _cache);
        Assert.Equal(2, invalid.ExitCode);
    }
}
