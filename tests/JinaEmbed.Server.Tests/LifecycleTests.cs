// /ready is 503 while the model loads and again while shutting down; in-flight requests finish.
using System.Text.Json;

namespace JinaEmbed.Server.Tests;

public class LifecycleTests
{
    [Fact]
    public async Task NotReadyUntilLoadedThenReady()
    {
        using var release = new ManualResetEventSlim(false);
        var options = RunningServer.TestOptions();
        await using var server = await EmbeddingServer.StartAsync(options, () =>
        {
            release.Wait(TimeSpan.FromSeconds(60));
            return new ToyBackend(options);
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using (var health = await http.GetAsync("/health"))
        {
            Assert.Equal(200, (int)health.StatusCode);
        }

        using (var ready = await http.GetAsync("/ready"))
        {
            Assert.Equal(503, (int)ready.StatusCode);
            Assert.Equal("loading", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }

        using (var early = await http.PostAsync("/v1/embeddings", new StringContent("""{"input": "too early"}""")))
        {
            Assert.Equal(503, (int)early.StatusCode);
            Assert.NotNull(early.Headers.RetryAfter);
            BadInputTests.AssertErrorBody(await early.Content.ReadAsStringAsync(), "model_loading", null, "loading");
        }

        release.Set();
        await server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        using (var ready = await http.GetAsync("/ready"))
        {
            Assert.Equal(200, (int)ready.StatusCode);
        }

        using var ok = await http.PostAsync("/v1/embeddings", new StringContent("""{"input": "now"}"""));
        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task AFailedLoadKeepsReadyAt503()
    {
        var options = RunningServer.TestOptions();
        await using var server = await EmbeddingServer.StartAsync(options, (Func<IEmbeddingBackend>)(() => throw new FileNotFoundException("no model here")));
        await Assert.ThrowsAsync<FileNotFoundException>(() => server.Ready.WaitAsync(TimeSpan.FromSeconds(60)));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var ready = await http.GetAsync("/ready");
        Assert.Equal(503, (int)ready.StatusCode);
        using var health = await http.GetAsync("/health");
        Assert.Equal(200, (int)health.StatusCode);
    }

    [Fact]
    public async Task ShutdownLetsInFlightRequestsFinish()
    {
        using var hold = new ManualResetEventSlim(true);
        var model = new ToyEncoderModel { Hold = hold };
        var server = await RunningServer.StartToyAsync(model: model);
        hold.Reset();
        int started = model.ForwardsStarted;
        var inFlight = server.PostAsync("/v1/embeddings", """{"input": ["finish me", "and me"]}""");
        await WaitUntilAsync(() => model.ForwardsStarted > started);

        var stopping = server.Server.StopAsync();
        await WaitUntilAsync(() => !server.Toy!.Scheduler.IsAccepting);
        hold.Set();
        using var response = await inFlight.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetArrayLength());
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task ADisconnectedRequestsQueuedSequencesAreDropped()
    {
        using var hold = new ManualResetEventSlim(true);
        var model = new ToyEncoderModel { Hold = hold };
        await using var server = await RunningServer.StartToyAsync(model: model);
        hold.Reset();
        int started = model.ForwardsStarted;
        var occupying = server.PostAsync("/v1/embeddings", """{"input": "occupies the compute loop"}""");
        await WaitUntilAsync(() => model.ForwardsStarted > started);

        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = new StringContent("""{"input": ["gone", "before", "it", "ran"]}""") };
        var abandoned = server.Http.SendAsync(request, cts.Token);
        await WaitUntilAsync(() => server.Toy!.Scheduler.QueuedSequences == 4);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await WaitUntilAsync(() => server.Toy!.Scheduler.QueuedSequences == 0);

        hold.Set();
        using var first = await occupying;
        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(started + 1, model.ForwardsStarted);
        // The aborted request is logged and counted as 499 once its handler has unwound.
        string metrics = string.Empty;
        for (int i = 0; i < 100 && !metrics.Contains("status=\"499\"}", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            metrics = await server.Http.GetStringAsync("/metrics");
        }

        Assert.Contains("jinaembed_http_requests_total{route=\"/v1/embeddings\",status=\"499\"} 1", metrics);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
