// Image items served over loopback HTTP (tiny-jina-v4): base64 and data URIs mixed with texts give the library's single
// and multi vectors in every encoding, usage counts each image's n + 11 prompt tokens, and /info describes the image path.
using System.Buffers.Binary;
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Server.Tests.Images;

public sealed class ImageServerFixture : IAsyncLifetime
{
    internal RunningServer Running { get; private set; } = null!;

    internal Embedder Library { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Library = Embedder.Load(Fixtures.Path("tiny-jina-v4"));
        Running = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4"));
    }

    public async Task DisposeAsync()
    {
        await Running.DisposeAsync();
        Library.Dispose();
    }
}

public class ImageServerTests(ImageServerFixture fixture) : IClassFixture<ImageServerFixture>
{
    private const float Tolerance = 1e-5f;

    private static byte[] File(string name) => System.IO.File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", name));

    private static readonly byte[] Png = File("img_100x70.png");
    private static readonly byte[] Jpeg = File("photo_160x120.jpg");
    private static readonly byte[] Gray = File("gray_64x80.png");

    private static object[] Input =>
    [
        "a text before the images",
        new { image = Convert.ToBase64String(Png) },
        new { image = "data:image/jpeg;base64," + Convert.ToBase64String(Jpeg) },
        new { text = "a text between them" },
        new { image = Convert.ToBase64String(Gray) },
    ];

    private static EmbeddingInput[] Items =>
    [
        EmbeddingInput.FromText("a text before the images"), EmbeddingInput.FromImage(Png), EmbeddingInput.FromImage(Jpeg),
        EmbeddingInput.FromText("a text between them"), EmbeddingInput.FromImage(Gray),
    ];

    [Theory]
    [InlineData("retrieval.passage", null)]
    [InlineData("retrieval.query", 32)]
    [InlineData("code.query", 8)]
    public async Task ImagesMixedWithTextsEqualTheLibrary(string task, int? dimensions)
    {
        var expected = fixture.Library.Embed(new EmbeddingRequest(Items, new EmbedOptions { Task = task, Dimensions = dimensions }));
        var body = new Dictionary<string, object?> { ["input"] = Input, ["task"] = task, ["embedding_type"] = new[] { "float", "base64" } };
        if (dimensions != null)
        {
            body["dimensions"] = dimensions;
        }

        var response = await fixture.Running.EmbedAsync(JsonSerializer.Serialize(body));

        var data = response.GetProperty("data");
        Assert.Equal(Items.Length, data.GetArrayLength());
        for (int i = 0; i < Items.Length; i++)
        {
            var embedding = data[i].GetProperty("embedding");
            Close(expected.Embeddings[i], embedding.GetProperty("float").EnumerateArray().Select(v => v.GetSingle()).ToArray(), $"{task} item {i}");
            var raw = Convert.FromBase64String(embedding.GetProperty("base64").GetString()!);
            Close(expected.Embeddings[i], Enumerable.Range(0, raw.Length / 4).Select(k => BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(k * 4))).ToArray(), $"{task} item {i} base64");
        }

        Assert.Equal(expected.TokenCount, response.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.TokenCount, response.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task ImageMultiVectorsAreEveryTokenOfThePromptAndEqualTheLibrary()
    {
        var expected = fixture.Library.Embed(new EmbeddingRequest(Items, new EmbedOptions { Task = "retrieval.passage", Output = EmbeddingOutput.MultiVector })).MultiVectors!;

        var response = await fixture.Running.EmbedAsync(JsonSerializer.Serialize(new { input = Input, task = "retrieval.passage", return_multivector = true }));

        var data = response.GetProperty("data");
        for (int i = 0; i < Items.Length; i++)
        {
            var tokens = data[i].GetProperty("embeddings").EnumerateArray().Select(t => t.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
            Assert.Equal(expected[i].Count, tokens.Length);
            for (int t = 0; t < tokens.Length; t++)
            {
                Close(expected[i][t], tokens[t], $"item {i} token {t}");
            }
        }

        // img_100x70 → 56×112 → 8 image tokens; its prompt is 8 + 11 = 19 tokens (api.md's example).
        Assert.Equal(19, data[1].GetProperty("embeddings").GetArrayLength());
        Assert.Equal(expected.Sum(m => m.Count), response.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task InfoDescribesTheImagePath()
    {
        var info = JsonDocument.Parse(await fixture.Running.Http.GetStringAsync("/info")).RootElement;
        Assert.Equal(["text", "image"], info.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()));
        var image = info.GetProperty("image");
        Assert.Equal(3136, image.GetProperty("min_pixels").GetInt64());
        Assert.Equal(62720, image.GetProperty("max_pixels").GetInt64());
        Assert.Equal(80, image.GetProperty("max_image_tokens").GetInt32());
        Assert.Equal(20_000_000, image.GetProperty("max_decoded_pixels").GetInt64());
        Assert.False(image.GetProperty("url_fetching").GetBoolean());
        Assert.Empty(image.GetProperty("url_hosts").EnumerateArray());
    }

    [Fact]
    public async Task TokenizeRefusesImageItems()
    {
        using var response = await fixture.Running.PostAsync("/tokenize", JsonSerializer.Serialize(new { input = new object[] { "a", new { image = Convert.ToBase64String(Png) } } }));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("input[1]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}[{i}]: {actual[i]} vs {expected[i]}");
        }
    }
}
