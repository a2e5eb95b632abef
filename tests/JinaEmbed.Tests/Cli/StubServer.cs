// A small HTTP server on a loopback port that plays a JinaEmbed server for the bulk client's retry tests: GET /info,
// and POST /v1/embeddings answering 429 (with a Retry-After) a given number of times, then 4-d base64 vectors.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JinaEmbed.Tests.Cli;

internal sealed class StubServer : IAsyncDisposable
{
    private const string Info = """
        {"model": "stub", "modalities": ["text"], "hidden_size": 4, "dimensions": 4, "multivector_dimensions": null,
         "max_tokens": 512, "default_task": null, "tasks": [],
         "limits": {"max_items_per_request": 2048, "max_tokens_per_request": 300000, "max_request_body_bytes": 16777216,
                    "queue_capacity": 4096, "max_batch_tokens": 16384, "max_batch_sequences": 512}}
        """;

    private readonly WebApplication _app;
    private int _refusalsLeft;

    private StubServer(WebApplication app, int refusals)
    {
        _app = app;
        _refusalsLeft = refusals;
    }

    public string Url { get; private set; } = "";

    /// <summary>When each POST /v1/embeddings arrived (monotonic clock).</summary>
    public ConcurrentQueue<TimeSpan> Arrivals { get; } = new();

    public static async Task<StubServer> StartAsync(int refusals, string retryAfter)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubServer(app, refusals);
        var clock = Stopwatch.StartNew();
        app.MapGet("/info", () => Results.Text(Info, "application/json"));
        app.MapPost("/v1/embeddings", async context =>
        {
            stub.Arrivals.Enqueue(clock.Elapsed);
            if (Interlocked.Decrement(ref stub._refusalsLeft) >= 0)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = retryAfter;
                await context.Response.WriteAsJsonAsync(new { error = new { message = "queue full", code = "queue_full" } });
                return;
            }

            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var count = body.RootElement.GetProperty("input").GetArrayLength();
            var vector = Convert.ToBase64String(new byte[] { 0, 0, 128, 63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }); // [1, 0, 0, 0]
            await context.Response.WriteAsJsonAsync(new
            {
                data = Enumerable.Range(0, count).Select(i => new { @object = "embedding", index = i, embedding = vector }),
                usage = new { total_tokens = count },
            });
        });
        await app.StartAsync();
        stub.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
