// Image URL fetching against a real HTTP server on a loopback port (spec jina-embeddings-v4.md §7.7, api.md v4 errors):
// off by default, the host allow-list, every redirect re-checked, at most ImageUrlMaxRedirects, the byte limit, the
// timeout and non-2xx statuses, each a clear error naming the item; the toy backend embeds the bytes it is given.
using System.Diagnostics;
using System.Text.Json;

namespace JinaEmbed.Server.Tests.Images;

public sealed class ImageUrlFixture : IAsyncLifetime
{
    internal const int MaxBytes = 64 * 1024;

    internal ImageHost Host { get; private set; } = null!;

    /// <summary>Fetching on: hosts "localhost" and "*.images.test", 64 KiB, 5 s (the slow routes take 20 s; 1 s failed allowed fetches on a loaded CI machine).</summary>
    internal RunningServer Fetching { get; private set; } = null!;

    /// <summary>The defaults: fetching off.</summary>
    internal RunningServer Default { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await ImageHost.StartAsync(MaxBytes);
        Fetching = await RunningServer.StartToyAsync(
            o =>
            {
                o.AllowImageUrls = true;
                o.ImageUrlHosts = ["LocalHost", "*.images.test"];
                o.ImageUrlMaxBytes = MaxBytes;
                o.ImageUrlTimeoutSeconds = 5;
            },
            images: true);
        Default = await RunningServer.StartToyAsync(images: true);
    }

    public async Task DisposeAsync()
    {
        await Fetching.DisposeAsync();
        await Default.DisposeAsync();
        await Host.DisposeAsync();
    }
}

public class ImageUrlTests(ImageUrlFixture fixture) : IClassFixture<ImageUrlFixture>
{
    private ImageHost Host => fixture.Host;

    private RunningServer Fetching => fixture.Fetching;

    [Fact]
    public async Task AllowedUrlsAndTheirRedirectsAreFetchedAndEmbeddedLikeTheBytesTheyServe()
    {
        var sources = new[] { "/a.png", "/to-a", "/to-a-relative", "/b.png", "/chain/3", "/exactly-limit" };
        var input = new List<object> { "some text" };
        input.AddRange(sources.Select(s => new { image = Host.Url(s) }));
        var response = await Fetching.EmbedAsync(JsonSerializer.Serialize(new { input }));

        var vectors = RunningServer.Vectors(response);
        Assert.Equal(7, vectors.Length);
        Assert.Equal(vectors[1], vectors[2]); // absolute redirect to the same image
        Assert.Equal(vectors[1], vectors[3]); // relative 301
        Assert.Equal(vectors[1], vectors[5]); // three redirects: the limit, still followed
        Assert.NotEqual(vectors[1], vectors[4]);
        Assert.NotEqual(vectors[1], vectors[6]);
        Assert.Equal(Enumerable.Range(0, 7), response.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("index").GetInt32()));

        // usage counts the image items' tokens too (the toy: four per image).
        int text = ToyBackend.Encode("some text", true).Ids.Length;
        Assert.Equal(text + (6 * 4), response.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task AnImageModelTakesASingleBareItemObject()
    {
        var single = await Fetching.EmbedAsync(JsonSerializer.Serialize(new { input = new { image = Host.Url("/a.png") } }));
        var listed = await Fetching.EmbedAsync(JsonSerializer.Serialize(new { input = new[] { new { image = Host.Url("/a.png") } } }));
        Assert.Equal(RunningServer.Vectors(listed), RunningServer.Vectors(single));
        Assert.Single(RunningServer.Vectors(await Fetching.EmbedAsync("""{"input": {"text": "one item"}}""")));
    }

    [Fact]
    public async Task ATextOnlyModelRefusesImageItemsBeforeLookingAtThem()
    {
        await using var textOnly = await RunningServer.StartToyAsync(o => o.AllowImageUrls = true);
        var error = await ErrorAsync(textOnly, new { input = new object[] { "t", new { image = Host.Url("/a.png") } } });
        Assert.Equal((400, "unsupported_modality"), (error.Status, error.Code));
        Assert.Contains("input[1]", error.Message, StringComparison.Ordinal);
        var late = await ErrorAsync(Fetching, new { input = new object[] { "t", new { image = Host.Url("/a.png") } }, late_chunking = true });
        Assert.Equal((400, "late_chunking_image"), (late.Status, late.Code));
    }

    public static TheoryData<string, string, int, string, string> Refusals() => new()
    {
        // name, URL (path on the host, or a full URL), status, code, fragment of the message
        { "host not on the list", "http://127.0.0.1:{port}/a.png", 400, "image_url_not_allowed", "'127.0.0.1'" },
        { "bare domain of a wildcard", "http://images.test/a.png", 400, "image_url_not_allowed", "*.images.test" },
        { "cloud metadata address", "http://169.254.169.254/latest/meta-data/", 400, "image_url_not_allowed", "allow-list" },
        { "file URL", "file:///etc/passwd", 400, "image_url_not_allowed", "'file:'" },
        { "ftp URL", "ftp://localhost/a.png", 400, "image_url_not_allowed", "'ftp:'" },
        { "redirect to a host not on the list", "/to-other-host", 400, "image_url_not_allowed", "redirects to http://127.0.0.1" },
        { "redirect to a file URL", "/to-file", 400, "image_url_not_allowed", "'file:'" },
        { "four redirects", "/chain/4", 400, "image_fetch_failed", "more than 3 times" },
        { "redirect loop", "/loop", 400, "image_fetch_failed", "--image-url-max-redirects" },
        { "chunked body over the limit", "/big-chunked", 413, "image_too_large", "--image-url-max-bytes" },
        { "announced length over the limit", "/big-announced", 413, "image_too_large", "JinaEmbed:ImageUrlMaxBytes" },
        { "404", "/missing", 400, "image_fetch_failed", "HTTP 404" },
        { "500", "/error", 400, "image_fetch_failed", "HTTP 500" },
        { "slow headers", "/slow", 400, "image_fetch_failed", "--image-url-timeout" },
        { "slow body", "/slow-body", 400, "image_fetch_failed", "took longer than 5 s" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RefusedUrlsGetTheirErrorNamingTheItemAndTheServerKeepsServing(string name, string url, int status, string code, string fragment)
    {
        var full = url.StartsWith('/') ? Host.Url(url) : url.Replace("{port}", Host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var clock = Stopwatch.StartNew();
        var error = await ErrorAsync(Fetching, new { input = new object[] { "text first", new { image = full } } });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"{name}: took {clock.Elapsed}");
        Assert.Equal(status, error.Status);
        Assert.Equal(code, error.Code);
        Assert.Contains("input[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);

        await Fetching.EmbedAsync(JsonSerializer.Serialize(new { input = new object[] { "still serving", new { image = Host.Url("/a.png") } } }));
    }

    [Fact]
    public async Task ARedirectToADisallowedHostIsNeverRequested()
    {
        await ErrorAsync(Fetching, new { input = new[] { new { image = Host.Url("/to-other-host") } } });
        Assert.Contains("localhost /to-other-host", Host.Requests);
        Assert.DoesNotContain(Host.Requests, r => r.StartsWith("127.0.0.1 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConnectionThatIsRefusedIsAFetchFailure()
    {
        int closedPort;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var error = await ErrorAsync(Fetching, new { input = new[] { new { image = $"http://localhost:{closedPort}/a.png" } } });
        Assert.Equal((400, "image_fetch_failed"), (error.Status, error.Code));
        Assert.Contains("input[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFirstBadItemIsReportedBeforeAnyDownload()
    {
        // input[2] is refused by the policy; input[1] (allowed) is not even fetched.
        int before = Host.Requests.Count(r => r.EndsWith("/b.png", StringComparison.Ordinal));
        var error = await ErrorAsync(Fetching, new { input = new object[] { "t", new { image = Host.Url("/b.png") }, new { image = "gopher://localhost/x" } } });
        Assert.Equal("image_url_not_allowed", error.Code);
        Assert.Contains("input[2]", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Host.Requests.Count(r => r.EndsWith("/b.png", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task UrlsAreRefusedByDefaultNamingTheSettingThatEnablesThem()
    {
        int before = Host.Requests.Count;
        var error = await ErrorAsync(fixture.Default, new { input = new object[] { "t", new { image = Host.Url("/a.png") } } });
        Assert.Equal((400, "image_url_disabled"), (error.Status, error.Code));
        Assert.Contains("input[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-image-urls", error.Message, StringComparison.Ordinal);
        Assert.Contains("JinaEmbed:AllowImageUrls", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Host.Requests.Count);
    }

    [Fact]
    public async Task InfoReportsTheUrlPolicy()
    {
        var info = JsonDocument.Parse(await Fetching.Http.GetStringAsync("/info")).RootElement;
        Assert.Equal(["text", "image"], info.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()));
        var image = info.GetProperty("image");
        Assert.True(image.GetProperty("url_fetching").GetBoolean());
        Assert.Equal(["localhost", "*.images.test"], image.GetProperty("url_hosts").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(ImageUrlFixture.MaxBytes, image.GetProperty("url_max_bytes").GetInt64());
        Assert.Equal(5, image.GetProperty("url_timeout_seconds").GetDouble());
        Assert.Equal(3, image.GetProperty("url_max_redirects").GetInt32());
        Assert.Equal(20_000_000, image.GetProperty("max_decoded_pixels").GetInt64());

        var defaults = JsonDocument.Parse(await fixture.Default.Http.GetStringAsync("/info")).RootElement.GetProperty("image");
        Assert.False(defaults.GetProperty("url_fetching").GetBoolean());
        Assert.Equal(20 * 1024 * 1024, defaults.GetProperty("url_max_bytes").GetInt64());
        Assert.Equal(10, defaults.GetProperty("url_timeout_seconds").GetDouble());
    }

    internal static async Task<(int Status, string? Code, string Message)> ErrorAsync(RunningServer server, object body)
    {
        using var response = await server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, text);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("input", error.GetProperty("param").GetString());
        return ((int)response.StatusCode, error.GetProperty("code").GetString(), error.GetProperty("message").GetString()!);
    }
}

public class ImageHostListTests
{
    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("example.com", "EXAMPLE.com.", true)]
    [InlineData("example.com", "www.example.com", false)]
    [InlineData("example.com", "example.com.evil.net", false)]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "badexample.com", false)]
    [InlineData("a.test, *.b.test", "x.b.test", true)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    public void HostsMatchExactNamesAndSuffixPatterns(string entries, string host, bool allowed)
        => Assert.Equal(allowed, ImageHostList.Parse([entries]).Allows(host));

    [Theory]
    [InlineData("*")]
    [InlineData("http://example.com")]
    [InlineData("example.com:8080")]
    [InlineData("example.com/images")]
    [InlineData("a.*.example.com")]
    [InlineData("*.")]
    public void MalformedEntriesAreRefusedAtStart(string entry)
    {
        var error = Assert.Throws<ArgumentException>(() => new ServerOptions { ImageUrlHosts = [entry] }.Validate());
        Assert.Contains(entry, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyListAllowsNothing() => Assert.False(ImageHostList.Parse([]).Allows("localhost"));
}
