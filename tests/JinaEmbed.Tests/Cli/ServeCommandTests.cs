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
    public async Task HubModel_IsDownloadedThenServed_UnderItsHubIdToo()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var serve = CliRunner.RunAsync(ServeCommand.Create(), stop.Token,
            "serve", "--model", _server.Repository, "--endpoint", _server.Endpoint, "--cache-dir", _cache, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        while (!serve.IsCompleted && !stop.IsCancellationRequested)
        {
            try
            {
                if ((await http.GetAsync("ready", stop.Token)).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // not bound yet: the model is still downloading
            }

            await Task.Delay(100, stop.Token);
        }

        Assert.False(serve.IsCompleted, serve.IsCompleted ? (await serve).Error : "");
        using var response = await http.PostAsync("v1/embeddings", new StringContent($"{{\"input\": [\"hello\"], \"model\": \"{_server.Repository}\"}}", System.Text.Encoding.UTF8, "application/json"), stop.Token);
        var body = await response.Content.ReadAsStringAsync(stop.Token);
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains("\"embedding\"", body, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_cache, "models--test-org--tiny-jina-v3", "snapshots", _server.Commit)));
        Assert.Contains($"\"{_server.Repository}\"", await http.GetStringAsync("v1/models", stop.Token), StringComparison.Ordinal);

        await stop.CancelAsync();
        var (exitCode, _, _) = await serve;
        Assert.Equal(0, exitCode);
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
