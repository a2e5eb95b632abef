// Readiness states behind /ready and the 503 answers (api.md "Errors", 503 rows).
using Microsoft.Extensions.Logging.Abstractions;

namespace JinaEmbed.Server.Tests;

public class ServerRuntimeTests
{
    [Fact]
    public async Task LoadingThenReadyThenShuttingDown()
    {
        var options = RunningServer.TestOptions();
        using var runtime = new ServerRuntime(options, NullLogger.Instance);
        Assert.Equal(ServerState.Loading, runtime.State);
        Assert.Equal("model_loading", Assert.Throws<ApiException>(() => runtime.RequireReady()).Code);

        await runtime.LoadAsync(() => new ToyBackend(options));
        Assert.Equal(ServerState.Ready, runtime.State);
        Assert.Same(runtime.Backend, runtime.RequireReady());

        runtime.BeginShutdown();
        Assert.Equal(ServerState.ShuttingDown, runtime.State);
        var refused = Assert.Throws<ApiException>(() => runtime.RequireReady());
        Assert.Equal(503, refused.Status);
        Assert.Equal("shutting_down", refused.Code);
        Assert.False(runtime.Backend!.Scheduler.IsAccepting);
    }
}
