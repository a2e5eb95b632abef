// `jinaembed serve` end to end: flags reach the server, it serves the tiny model, and cancellation stops it with exit 0.
using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using JinaEmbed.Cli.Commands;

namespace JinaEmbed.Server.Tests;

public class ServeCommandTests
{
    [Fact]
    public async Task ServeRunsTheServerWithTheFlagsGiven()
    {
        int port = FreePort();
        var root = new RootCommand { ServeCommand.Create() };
        string[] args =
        [
            "serve", "--model", Fixtures.Path("tiny-jina-v3"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--api-key", "k3y", "--threads", "1", "--default-task", "retrieval.query", "--max-batch-tokens", "1000",
            "--queue-capacity", "77", "--served-model-name", "tiny", "--default-truncate", "--cors-origins", "https://app.example",
            "--max-request-tokens", "5000", "--max-request-items", "9", "--log-format", "none",
        ];
        using var stop = new CancellationTokenSource();
        var run = root.Parse(args).InvokeAsync(cancellationToken: stop.Token);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "k3y");
        bool ready = false;
        for (int i = 0; i < 600 && !ready && !run.IsCompleted; i++)
        {
            await Task.Delay(100);
            try
            {
                using var response = await http.GetAsync("/ready");
                ready = response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        Assert.True(ready, "the server never became ready");
        var info = JsonDocument.Parse(await http.GetStringAsync("/info")).RootElement;
        Assert.Equal("tiny", info.GetProperty("model").GetString());
        Assert.Equal("retrieval.query", info.GetProperty("default_task").GetString());
        Assert.Equal(1, info.GetProperty("threads").GetInt32());
        Assert.Equal(1000, info.GetProperty("limits").GetProperty("max_batch_tokens").GetInt32());
        Assert.Equal(77, info.GetProperty("limits").GetProperty("queue_capacity").GetInt32());
        Assert.True(info.GetProperty("default_truncate").GetBoolean());
        Assert.Equal(5000, info.GetProperty("limits").GetProperty("max_tokens_per_request").GetInt32());
        Assert.Equal(9, info.GetProperty("limits").GetProperty("max_items_per_request").GetInt32());
        using (var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/embeddings"))
        {
            preflight.Headers.Add("Origin", "https://app.example");
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            using var answer = await http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
            Assert.Equal("https://app.example", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
        }

        using (var embed = await http.PostAsync("/v1/embeddings", new StringContent("""{"input": "served by the CLI"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, embed.StatusCode);
        }

        stop.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
