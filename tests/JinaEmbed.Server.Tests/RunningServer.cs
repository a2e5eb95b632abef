// Starts a real server on a loopback port (port 0) for one test class or test, with an HttpClient pointed at it.
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace JinaEmbed.Server.Tests;

internal sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(EmbeddingServer server, ServerOptions options)
    {
        Server = server;
        Options = options;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    public EmbeddingServer Server { get; }

    public ServerOptions Options { get; }

    public HttpClient Http { get; }

    public ToyBackend? Toy { get; private set; }

    public static ServerOptions TestOptions(Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions { Port = 0, LogFormat = "none", ShutdownTimeoutSeconds = 30 };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A server over the toy backend.</summary>
    public static async Task<RunningServer> StartToyAsync(Action<ServerOptions>? configure = null, ToyEncoderModel? model = null, bool waitReady = true, bool images = false)
    {
        var options = TestOptions(configure);
        ToyBackend? toy = null;
        var server = await EmbeddingServer.StartAsync(options, () => toy = new ToyBackend(options, model) { ImageResize = images ? new ImageResizeInfo(3136, 602112, 768) : null });
        var running = new RunningServer(server, options);
        if (waitReady)
        {
            await server.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        }

        running.Toy = toy;
        return running;
    }

    /// <summary>A server over the real tiny model fixture.</summary>
    public static Task<RunningServer> StartTinyAsync(Action<ServerOptions>? configure = null)
        => StartModelAsync(Fixtures.Path("tiny-jina-v3"), configure);

    /// <summary>A server over a model folder, once it reports ready.</summary>
    public static async Task<RunningServer> StartModelAsync(string modelDirectory, Action<ServerOptions>? configure = null)
    {
        var options = TestOptions(configure);
        var server = await EmbeddingServer.StartAsync(options, modelDirectory);
        var running = new RunningServer(server, options);
        await server.Ready.WaitAsync(TimeSpan.FromSeconds(120));
        return running;
    }

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? apiKey = null)
        => PostBytesAsync(path, Encoding.UTF8.GetBytes(json), apiKey);

    public Task<HttpResponseMessage> PostBytesAsync(string path, byte[] body, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (apiKey != null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return Http.SendAsync(request);
    }

    /// <summary>POSTs and expects 200; returns the parsed body.</summary>
    public async Task<JsonElement> EmbedAsync(string json)
    {
        using var response = await PostAsync("/v1/embeddings", json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The float vectors of a float response.</summary>
    public static float[][] Vectors(JsonElement response) =>
        response.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
