// Hostile and broken images sent to a real server over jina-embeddings-v4 (tiny-jina-v4), issue #14 "Bad input": each
// gets a clear 4xx naming the item (or 200 where the file is valid: CMYK JPEG, 16-bit PNG, animated GIF, a
// decompression bomb under the pixel limit), the server keeps serving after each, and memory stays bounded.
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace JinaEmbed.Server.Tests.Images;

public sealed class HostileImageFixture : IAsyncLifetime
{
    /// <summary>URL fetching on, with an allow-list that none of the hostile URLs is on.</summary>
    internal RunningServer Server { get; private set; } = null!;

    /// <summary>The defaults: URL fetching off.</summary>
    internal RunningServer Default { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4"), o =>
        {
            o.AllowImageUrls = true;
            o.ImageUrlHosts = ["images.example.com"];
            o.ImageUrlTimeoutSeconds = 2;
        });
        Default = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4"));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Default.DisposeAsync();
    }
}

public class HostileImageTests(HostileImageFixture fixture) : IClassFixture<HostileImageFixture>
{
    private const string Text = "a text item first";

    /// <summary>A valid 1×1 PNG: the "good request" after each hostile one (4 image tokens + 11).</summary>
    private static readonly byte[] Good = TestImages.RgbPng(1, 1, (_, _) => (10, 200, 30));

    private static byte[] Noise(int width, int height) => TestImages.RgbPng(width, height, (x, y) => ((byte)((x * 7919) ^ (y * 104729)), (byte)((x * 31) + (y * 17)), (byte)(x * y)));

    private static byte[] Photo => File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "photo_160x120.jpg"));

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    public static TheoryData<string, string, int, string> Cases()
    {
        var png = Noise(64, 48);
        var wrongMagic = (byte[])png.Clone();
        wrongMagic[1] = (byte)'X';
        var random = new byte[4096];
        new Random(14).NextBytes(random);
        return new TheoryData<string, string, int, string>
        {
            // name, the "image" string, status, code ("" for 200)
            { "empty string", "", 400, "invalid_image" },
            { "whitespace only", "   \n ", 400, "invalid_image" },
            { "base64 of nothing", "====", 400, "invalid_image" },
            { "not base64", "!!!not*base64???", 400, "invalid_image" },
            { "random bytes", B64(random), 400, "invalid_image" },
            { "one zero byte", "AA==", 400, "invalid_image" },
            { "PNG with a wrong magic", B64(wrongMagic), 400, "invalid_image" },
            { "truncated PNG", B64(png[..(png.Length * 6 / 10)]), 400, "invalid_image" },
            { "PNG signature only", B64(png[..8]), 400, "invalid_image" },
            { "PNG cut after its header", B64(png[..33]), 400, "invalid_image" },
            { "PNG header with a bad CRC", B64(TestImages.Png(8, 8, 8, 2, new byte[8 * 25], corruptHeaderCrc: true)), 400, "invalid_image" },
            { "zero-width PNG", B64(TestImages.Png(0, 10, 8, 2, new byte[10])), 400, "invalid_image" },
            { "palette PNG without a palette", B64(TestImages.PaletteWithoutPalette(8, 8)), 400, "invalid_image" },
            { "1×40000 PNG (aspect ratio above 200)", B64(TestImages.ZeroPng(1, 40000)), 400, "invalid_image" },
            { "30000×30000 header on a tiny file", B64(TestImages.PngHeaderClaiming(30000, 30000)), 413, "image_too_large" },
            { "PNG bomb above the pixel limit (5000×5000 zeros)", B64(TestImages.ZeroPng(5000, 5000)), 413, "image_too_large" },
            { "PNG bomb under the pixel limit (4000×4000 zeros)", B64(TestImages.ZeroPng(4000, 4000)), 200, "" },
            { "16-bit RGB PNG", B64(TestImages.Rgb16Png(40, 30)), 200, "" },
            { "CMYK JPEG (Adobe)", B64(TestImages.FlatJpeg(32, 32, 4)), 200, "" },
            { "grayscale JPEG", B64(TestImages.FlatJpeg(24, 40, 1)), 200, "" },
            { "JPEG with a corrupted Huffman table", B64(TestImages.FlatJpeg(32, 32, 3, bogusHuffman: true)), 400, "invalid_image" },
            { "truncated JPEG (cut in its scan)", B64(Photo[..(Photo.Length * 6 / 10)]), 400, "invalid_image" },
            { "JPEG cut inside its header", B64(TestImages.FlatJpeg(32, 32, 3)[..30]), 400, "invalid_image" },
            { "JPEG start marker only", B64([0xFF, 0xD8]), 400, "invalid_image" },
            { "animated GIF (first frame)", B64(TestImages.AnimatedGif(30, 20, 3)), 200, "" },
            { "GIF claiming 65535×65535", B64(TestImages.GifClaiming(65535, 65535)), 413, "image_too_large" },
            { "BMP claiming 50000×50000", B64(TestImages.BmpClaiming(50000, 50000)), 413, "image_too_large" },
            { "BMP with a negative width", B64(TestImages.BmpClaiming(-5, 5)), 400, "invalid_image" },
            { "truncated WebP", B64([.. "RIFF"u8, 40, 0, 0, 0, .. "WEBPVP8 "u8, 1, 2]), 400, "invalid_image" },
            { "TIFF (not a supported format)", B64([.. "II*\0"u8, 8, 0, 0, 0, 0, 0]), 400, "invalid_image" },
            { "a PDF", B64(Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF")), 400, "invalid_image" },
            { "data URI with a wrong media type", TestImages.DataUri(Good, "text/plain"), 400, "invalid_image" },
            { "data URI that is not base64", "data:image/png,rawbytes", 400, "invalid_image" },
            { "data URI with bad base64", "data:image/png;base64,@@@@", 400, "invalid_image" },
            { "file URL", "file:///etc/passwd", 400, "image_url_not_allowed" },
            { "javascript URL", "javascript:alert(1)", 400, "image_url_not_allowed" },
            { "URL to a disallowed host (cloud metadata)", "http://169.254.169.254/latest/meta-data/", 400, "image_url_not_allowed" },
            { "URL to a disallowed host (loopback)", "http://localhost:1/x.png", 400, "image_url_not_allowed" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileImagesGetAClearAnswerNamingTheItemAndTheServerKeepsServing(string name, string image, int status, string code)
    {
        var server = fixture.Server;
        using (var response = await server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { input = new object[] { Text, new { image } } })))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == (int)response.StatusCode, $"{name}: {(int)response.StatusCode} {body}");
            var json = JsonDocument.Parse(body).RootElement;
            if (status == 200)
            {
                Assert.Equal(2, json.GetProperty("data").GetArrayLength());
                Assert.True(json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 15, body);
            }
            else
            {
                var error = json.GetProperty("error");
                Assert.Equal(code, error.GetProperty("code").GetString());
                Assert.Equal("input", error.GetProperty("param").GetString());
                Assert.Contains("input[1]", error.GetProperty("message").GetString(), StringComparison.Ordinal);
                if (status == 413)
                {
                    Assert.Contains("--max-image-pixels", error.GetProperty("message").GetString(), StringComparison.Ordinal);
                    Assert.Contains("JinaEmbed:MaxImagePixels", error.GetProperty("message").GetString(), StringComparison.Ordinal);
                }
            }
        }

        await AssertServesAsync(server);
    }

    [Fact]
    public async Task AUrlWhileFetchingIsOffNamesTheSettingThatEnablesIt()
    {
        var error = await ImageUrlTests.ErrorAsync(fixture.Default, new { input = new object[] { Text, new { image = "https://images.example.com/page.png" } } });
        Assert.Equal((400, "image_url_disabled"), (error.Status, error.Code));
        Assert.Contains("input[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-image-urls", error.Message, StringComparison.Ordinal);
        await AssertServesAsync(fixture.Default);
    }

    [Fact]
    public async Task TheFirstBadImageOfSeveralIsTheOneNamed()
    {
        var input = new object[] { new { image = B64(Good) }, Text, new { image = B64([1, 2, 3]) }, new { image = B64(TestImages.PngHeaderClaiming(30000, 30000)) } };
        var error = await ImageUrlTests.ErrorAsync(fixture.Server, new { input });
        Assert.Equal((400, "invalid_image"), (error.Status, error.Code));
        Assert.Contains("input[2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePixelLimitIsTheServersSetting()
    {
        // 300×200 = 60000 pixels: refused by a server whose limit is 50000, with the option that raises it.
        await using var strict = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4"), o => o.MaxImagePixels = 50_000);
        var image = B64(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "img_300x200.png")));
        var error = await ImageUrlTests.ErrorAsync(strict, new { input = new object[] { new { image } } });
        Assert.Equal((413, "image_too_large"), (error.Status, error.Code));
        Assert.Contains("input[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("--max-image-pixels", error.Message, StringComparison.Ordinal);
        var info = JsonDocument.Parse(await strict.Http.GetStringAsync("/info")).RootElement;
        Assert.Equal(50_000, info.GetProperty("image").GetProperty("max_decoded_pixels").GetInt64());
    }

    [Fact]
    public async Task BombsRepeatedlyLeaveMemoryBounded()
    {
        string[] bombs = [B64(TestImages.ZeroPng(4000, 4000)), B64(TestImages.ZeroPng(5000, 5000)), B64(TestImages.PngHeaderClaiming(30000, 30000))];
        (await fixture.Server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { input = new[] { new { image = bombs[0] } } }))).Dispose();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < 3; round++)
        {
            foreach (var bomb in bombs)
            {
                using var response = await fixture.Server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { input = new[] { new { image = bomb } } }));
                Assert.True((int)response.StatusCode is 200 or 413, await response.Content.ReadAsStringAsync());
            }
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 256L * 1024 * 1024, $"managed memory grew by {(after - before) / (1024 * 1024)} MiB over 9 bombs");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"9 bombs took {clock.Elapsed}");
        await AssertServesAsync(fixture.Server);
    }

    [Fact]
    public async Task AMaximumBodyOfBase64IsReadNotRefusedByKestrel()
    {
        // 12 MiB of PNG → 16 MiB of base64: within the default body limit (16 MiB + JSON overhead would be over it, so
        // the image is 11.9 MiB); Kestrel's own 30 MB limit is off, the server's MaxRequestBodyBytes decides.
        var big = new byte[(int)(11.9 * 1024 * 1024)];
        new Random(3).NextBytes(big);
        Good.CopyTo(big, 0); // a whole 1×1 PNG, then 11.9 MiB after its IEND (ignored, as PIL does): read in full and embedded
        var body = $$"""{"input": [{"image": "{{B64(big)}}"}]}""";
        Assert.True(body.Length <= new ServerOptions().MaxRequestBodyBytes, $"{body.Length}");
        using (var read = await fixture.Server.PostAsync("/v1/embeddings", body))
        {
            var answer = await read.Content.ReadAsStringAsync();
            Assert.True(read.IsSuccessStatusCode, answer[..Math.Min(answer.Length, 500)]);
            Assert.Equal(1, JsonDocument.Parse(answer).RootElement.GetProperty("data").GetArrayLength());
        }

        var over = $$"""{"input": [{"image": "{{B64(new byte[13 * 1024 * 1024])}}"}]}""";
        using var response = await fixture.Server.PostAsync("/v1/embeddings", over);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains("--max-request-body-bytes", text, StringComparison.Ordinal);
        await AssertServesAsync(fixture.Server);
    }

    private static async Task AssertServesAsync(RunningServer server)
    {
        var response = await server.EmbedAsync(JsonSerializer.Serialize(new { input = new object[] { Text, new { image = B64(Good) } } }));
        Assert.Equal(2, response.GetProperty("data").GetArrayLength());
    }
}
