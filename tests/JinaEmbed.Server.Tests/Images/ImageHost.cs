// A real HTTP server on a loopback port that plays the image host of the URL tests: images, redirects (to allowed
// and disallowed hosts, relative, chains, loops), oversize bodies, slow answers and error statuses.
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JinaEmbed.Server.Tests.Images;

internal sealed class ImageHost : IAsyncDisposable
{
    public static readonly byte[] ImageA = TestImages.RgbPng(3, 2, (x, y) => ((byte)(x * 80), (byte)(y * 100), 7));
    public static readonly byte[] ImageB = TestImages.RgbPng(2, 3, (x, y) => (9, (byte)(x * 50), (byte)(y * 70)));

    private readonly WebApplication app;

    private ImageHost(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Requests seen, as "host path".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary><c>http://localhost:port/path</c>.</summary>
    public string Url(string path, string host = "localhost") => $"http://{host}:{Port}{path}";

    public static async Task<ImageHost> StartAsync(int bodyBytes)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ImageHost? self = null;
        app.Use(async (context, next) =>
        {
            self!.Requests.Enqueue($"{context.Request.Host.Host} {context.Request.Path}");
            await next(context);
        });
        app.MapGet("/a.png", () => Results.Bytes(ImageA, "image/png"));
        app.MapGet("/b.png", () => Results.Bytes(ImageB, "image/png"));
        app.MapGet("/to-a", (HttpContext c) => Results.Redirect($"http://localhost:{c.Connection.LocalPort}/a.png"));
        app.MapGet("/to-a-relative", () => Results.Redirect("/a.png", permanent: true));
        app.MapGet("/to-other-host", (HttpContext c) => Results.Redirect($"http://127.0.0.1:{c.Connection.LocalPort}/a.png"));
        app.MapGet("/to-file", () => Results.Redirect("file:///etc/passwd"));
        app.MapGet("/chain/{n:int}", (int n) => n > 0 ? Results.Redirect($"/chain/{n - 1}") : Results.Bytes(ImageA, "image/png"));
        app.MapGet("/loop", () => Results.Redirect("/loop"));
        app.MapGet("/big-chunked", async (HttpContext c) =>
        {
            c.Response.ContentType = "image/png";
            var chunk = new byte[8192];
            for (int sent = 0; sent < bodyBytes * 4; sent += chunk.Length)
            {
                await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
            }
        });
        app.MapGet("/big-announced", () => Results.Bytes(new byte[bodyBytes + 1], "image/png"));
        app.MapGet("/exactly-limit", () => Results.Bytes([.. ImageA, .. new byte[bodyBytes - ImageA.Length]], "image/png"));
        app.MapGet("/slow", async (HttpContext c) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20), c.RequestAborted);
            return Results.Bytes(ImageA, "image/png");
        });
        app.MapGet("/slow-body", async (HttpContext c) =>
        {
            c.Response.ContentType = "image/png";
            await c.Response.Body.WriteAsync(ImageA.AsMemory(0, 8), c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(20), c.RequestAborted);
        });
        app.MapGet("/missing", () => Results.NotFound());
        app.MapGet("/error", () => Results.StatusCode(500));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        self = new ImageHost(app, address.Port);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
