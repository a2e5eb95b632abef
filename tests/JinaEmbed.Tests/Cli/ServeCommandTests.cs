// `jinaembed serve` resolves a hub id before binding: hub errors end the command with their exit code (issue #7).
using JinaEmbed.Cli.Commands;
using JinaEmbed.Tests.Hub;

namespace JinaEmbed.Tests.Cli;

public sealed class ServeCommandTests : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "jinaembed-serve-" + Guid.NewGuid().ToString("N"));
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
    public async Task UnknownHubModel_Exits4WithoutServing()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync(ServeCommand.Create(),
            "serve", "--model", "test-org/missing", "--endpoint", _server.Endpoint, "--cache-dir", _cache, "--port", "0");

        Assert.Equal(4, exitCode);
        Assert.Contains("test-org/missing was not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfflineWithoutCache_Exits5()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync(ServeCommand.Create(),
            "serve", "--model", _server.Repository, "--cache-dir", _cache, "--offline", "--port", "0");

        Assert.Equal(5, exitCode);
        Assert.Contains("HF_HUB_OFFLINE", error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }
}
