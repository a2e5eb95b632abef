// The Kestrel host: binds the port first, loads the model in the background, drains on shutdown
// (api.md; architecture.md §3). The CLI's serve command and the tests start it the same way.
using JinaEmbed.Embedding;
using JinaEmbed.Hub;
using JinaEmbed.Server.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JinaEmbed.Server;

/// <summary>A running server. Start it with <see cref="StartAsync(ServerOptions, string, CancellationToken)"/>.</summary>
public sealed class EmbeddingServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ServerRuntime runtime;
    private int stopped;

    private EmbeddingServer(WebApplication app, ServerRuntime runtime, Uri baseAddress)
    {
        this.app = app;
        this.runtime = runtime;
        BaseAddress = baseAddress;
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:8080/</c> (the real port when 0 was asked for).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The host's services (tests read the mapped routes from its EndpointDataSource).</summary>
    internal IServiceProvider Services => app.Services;

    /// <summary>Completes when the model is loaded and warmed up; faults if loading failed.</summary>
    public Task Ready => runtime.Ready;

    /// <summary>
    /// Binds the port and starts serving (/health at once, everything else 503 until ready), then, on a background
    /// thread, resolves <paramref name="model"/> (a model folder, or a hub id downloaded into the Hugging Face cache),
    /// loads it and warms it up.
    /// </summary>
    public static Task<EmbeddingServer> StartAsync(ServerOptions options, string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(model);
        if (ModelSource.IsHubId(model) && !options.ModelAliases.Contains(model))
        {
            options.ModelAliases.Add(model);
        }

        return StartAsync(
            options,
            () =>
            {
                var directory = ModelSource.ResolveAsync(model, HubOptions.FromEnvironment()).GetAwaiter().GetResult();
                var embedder = Embedder.Load(directory, new EmbedderOptions { Threads = options.Threads, MaxBatchTokens = options.MaxBatchTokens, MaxImagePixels = options.MaxImagePixels, Precision = options.Precision });
                try
                {
                    return new EmbedderBackend(embedder, ModelFolderInfo.FromPath(directory), options, EmbedderBackend.ReadImageResize(embedder.Info));
                }
                catch
                {
                    embedder.Dispose();
                    throw;
                }
            },
            cancellationToken);
    }

    /// <summary>Starts with any backend (tests use a toy one).</summary>
    internal static async Task<EmbeddingServer> StartAsync(ServerOptions options, Func<IEmbeddingBackend> loadBackend, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        ServerLogging.Configure(builder.Logging, options.LogFormat);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // The body limit (MaxRequestBodyBytes, 16 MiB) is enforced while reading, so the answer can be the contract's
            // 413 body; Kestrel's own limit (30,000,000 bytes by default) is off so that it never cuts in first.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.WebHost.UseUrls($"http://{FormatHost(options.Host)}:{options.Port}");
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds));

        builder.Services.AddSingleton(services => new ServerRuntime(options, services.GetRequiredService<ILoggerFactory>().CreateLogger("JinaEmbed.Server")));
        ApiDocumentation.AddServices(builder.Services);
        var app = builder.Build();
        var runtime = app.Services.GetRequiredService<ServerRuntime>();

        app.UseMiddleware<RequestPipeline>(runtime);
        CorsPolicy.Use(app, options);
        app.UseRouting();
        app.UseMiddleware<ApiKeyFilter>(runtime);
        EmbeddingsEndpoints.Map(app);
        TokenizeEndpoints.Map(app);
        HealthEndpoints.Map(app);
        ApiDocumentation.Map(app);
        app.Lifetime.ApplicationStopping.Register(runtime.BeginShutdown);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new EmbeddingServer(app, runtime, new Uri(address.EndsWith('/') ? address : address + "/"));
        runtime.Logger.LogInformation("Listening on {Address}", server.BaseAddress);
        _ = runtime.LoadAsync(loadBackend);
        return server;
    }

    /// <summary>Waits until the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops: /ready turns 503, new requests get 503, in-flight ones finish, then the model is released.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        runtime.BeginShutdown();
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        runtime.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static string FormatHost(string host) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
}
