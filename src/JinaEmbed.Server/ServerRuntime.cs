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

    // Names already logged as "served by another model"; bounded, since any client can send any string.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> otherModelNames = new(StringComparer.Ordinal);
    private const int MaxLoggedModelNames = 64;

    public ServerRuntime(ServerOptions options, ILogger logger)
    {
        Options = options;
        Logger = logger;
        ImageFetcher = new ImageFetcher(options);
    }

    public ServerOptions Options { get; }

    public ILogger Logger { get; }

    public ServerMetrics Metrics { get; } = new();

    /// <summary>Downloads image URLs under the configured policy (off unless AllowImageUrls).</summary>
    public ImageFetcher ImageFetcher { get; }

    public ServerState State => state;

    /// <summary>Completes when ready; faults when loading failed.</summary>
    public Task Ready => ready.Task;

    /// <summary>The name responses carry.</summary>
    public string ModelName => Options.ModelName ?? backend?.ModelName ?? "unknown";

    /// <summary>The served name and its aliases.</summary>
    public IReadOnlyList<string> ModelNames => [ModelName, .. Options.ModelAliases.Where(a => a != ModelName).Distinct()];

    /// <summary>Logs once per distinct name that a request's <c>model</c> named another model than the one serving it.</summary>
    public void NoteOtherModelName(string requested)
    {
        if (otherModelNames.Count < MaxLoggedModelNames && otherModelNames.TryAdd(requested, true))
        {
            Logger.LogWarning(
                "A request asked for model {RequestedModel}; it is served by {ServedModel} (the only model here; StrictModelNames makes such requests 404)",
                requested,
                ModelName);
        }
    }

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
                if (Options.Precision == JinaEmbed.Compute.Precision.Int8 && new JinaEmbed.Compute.ComputeContext(1).Int8SpeedWarning is { } slow)
                {
                    Logger.LogWarning("{Warning}", slow);
                }
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

    public void Dispose()
    {
        backend?.Dispose();
        ImageFetcher.Dispose();
    }

    private static async Task WarmUpAsync(IEmbeddingBackend loaded)
    {
        // Token-id inputs, so a model folder without tokenizer.json (served for token ids only) warms up too.
        int[] Ids(int count) => [.. Enumerable.Range(0, count).Select(i => (int)(((i * 7919L) + 3) % loaded.VocabularySize))];

        // One short input per task (and the base model) touches every adapter's code path once.
        var tasks = loaded.Tasks.Select(t => (string?)t.Name).Append(null).ToList();
        foreach (var task in tasks)
        {
            await EmbedAsync(loaded, Ids(8), task).ConfigureAwait(false);
        }

        // Then a longer input (the blocked GEMM and attention paths) and short ones for up to a second: the runtime
        // recompiles hot code at its final tier only after repeated calls, and until then the first user requests
        // ran ~40 % slower (1×16 tokens on the full model: 48 ms after one call, 35 ms after two seconds).
        try
        {
            await EmbedAsync(loaded, Ids(Math.Min(128, loaded.MaxTokens)), tasks[0]).ConfigureAwait(false);
        }
        catch (EmbeddingException)
        {
            // Server limits below 128 tokens per request: the short passes below still warm up.
        }

        // The multi-vector head (v4) is its own code path: touch it once too.
        if (loaded.MultiVectorDimensions is not null)
        {
            await loaded.EmbedAsync(new EmbeddingRequest([EmbeddingInput.FromTokenIds(Ids(8))], new EmbedOptions { Task = tasks[0], Output = EmbeddingOutput.MultiVector }), CancellationToken.None).ConfigureAwait(false);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int pass = 0; pass < 32 && clock.Elapsed < TimeSpan.FromSeconds(1); pass++)
        {
            await EmbedAsync(loaded, Ids(16), tasks[pass % tasks.Count]).ConfigureAwait(false);
        }
    }

    private static Task<EmbeddingResult> EmbedAsync(IEmbeddingBackend loaded, int[] ids, string? task)
        => loaded.EmbedAsync(new EmbeddingRequest([EmbeddingInput.FromTokenIds(ids)], new EmbedOptions { Task = task }), CancellationToken.None);
}
