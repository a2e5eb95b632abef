// The per-instance state the endpoints share: options, metrics, the loaded backend and the lifecycle.
using JinaEmbed.Embedding;
using Microsoft.Extensions.Logging;

namespace JinaEmbed.Server;

/// <summary>Loads the backend in the background and tells endpoints whether they may use it.</summary>
internal sealed class ServerRuntime : IDisposable
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ServerState state = ServerState.Loading;
    private IEmbeddingBackend? backend;

    public ServerRuntime(ServerOptions options, ILogger logger)
    {
        Options = options;
        Logger = logger;
    }

    public ServerOptions Options { get; }

    public ILogger Logger { get; }

    public ServerMetrics Metrics { get; } = new();

    public ServerState State => state;

    /// <summary>Completes when ready; faults when loading failed.</summary>
    public Task Ready => ready.Task;

    /// <summary>The name responses carry.</summary>
    public string ModelName => Options.ModelName ?? backend?.ModelName ?? "unknown";

    /// <summary>The served name and its aliases.</summary>
    public IReadOnlyList<string> ModelNames => [ModelName, .. Options.ModelAliases.Where(a => a != ModelName).Distinct()];

    /// <summary>The backend once loaded (whatever the state).</summary>
    public IEmbeddingBackend? Backend => backend;

    /// <summary>The backend, or a 503 when not ready.</summary>
    public IEmbeddingBackend RequireReady() => state switch
    {
        ServerState.Ready => backend!,
        ServerState.ShuttingDown => throw new ApiException(503, "the server is shutting down", null, "shutting_down", "server_error"),
        ServerState.Failed => throw new ApiException(503, "the model failed to load", null, "model_load_failed", "server_error"),
        _ => throw new ApiException(503, "the model is still loading", null, "model_loading", "server_error"),
    };

    /// <summary>Loads and warms up the backend on a background thread; the port is already serving /health.</summary>
    public Task LoadAsync(Func<IEmbeddingBackend> load) => Task.Run(async () =>
    {
        try
        {
            var loaded = load();
            Metrics.Observe(loaded.Scheduler);
            backend = loaded;
            if (Options.WarmUp)
            {
                await WarmUpAsync(loaded).ConfigureAwait(false);
            }

            if (state == ServerState.Loading)
            {
                state = ServerState.Ready;
                Logger.LogInformation("Model {Model} ready: hidden size {HiddenSize}, {Tasks} tasks, {Threads} threads", ModelName, loaded.HiddenSize, loaded.Tasks.Count, loaded.Threads);
            }

            ready.TrySetResult();
        }
        catch (Exception error)
        {
            state = ServerState.Failed;
            Logger.LogError(error, "Loading the model failed");
            ready.TrySetException(error);
        }
    });

    /// <summary>New requests get 503 from now on; queued sequences still run.</summary>
    public void BeginShutdown()
    {
        state = ServerState.ShuttingDown;
        backend?.Scheduler.StopAccepting();
        ready.TrySetCanceled();
    }

    public void Dispose() => backend?.Dispose();

    private static async Task WarmUpAsync(IEmbeddingBackend loaded)
    {
        // One short input per task (and the base model) touches every adapter's code path once.
        var tasks = loaded.Tasks.Select(t => (string?)t.Name).Append(null);
        foreach (var task in tasks)
        {
            var request = new EmbeddingRequest([EmbeddingInput.FromText("warm up")], new EmbedOptions { Task = task });
            await loaded.EmbedAsync(request, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
