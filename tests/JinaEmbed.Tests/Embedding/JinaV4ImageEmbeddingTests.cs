// Image items through the Embedder end to end (spec §1.3): files → decode → preprocess → vision tower → LM → outputs,
// against Jina's official outputs; mixed with text in one request on both the synchronous and the scheduled path.
using System.Text.Json;
using JinaEmbed.Embedding;
using JinaEmbed.Images;
using JinaEmbed.Models;
using JinaEmbed.Tests.Models;

namespace JinaEmbed.Tests.Embedding;

public sealed class JinaV4ImageEmbeddingTests(JinaV4Fixture fixture) : IClassFixture<JinaV4Fixture>
{
    public static TheoryData<string, string> ImageFiles()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "expected.json")));
        var data = new TheoryData<string, string>();
        foreach (var c in document.RootElement.GetProperty("image_cases").EnumerateArray().Where(c => !c.TryGetProperty("error", out _)))
        {
            foreach (var adapter in c.GetProperty("outputs").EnumerateObject())
            {
                data.Add(c.GetProperty("id").GetString()!, adapter.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ImageFiles))]
    public void ImageFileEqualsOfficialOutputs(string id, string adapter)
    {
        // From the encoded file: PNGs are decoded exactly as PIL does; the baseline JPEG too (libjpeg-turbo's defaults).
        var c = Case(id);
        var embedder = fixture.TinyEmbedder;
        var input = EmbeddingInput.FromImageFile(Path.Combine(fixture.TinyDirectory, c.GetProperty("file").GetString()!));
        AssertCase(embedder, c, adapter, input);
    }

    [Theory]
    [MemberData(nameof(ImageFiles))]
    public void DecodedPixelsEqualOfficialOutputs(string id, string adapter)
    {
        // From PIL's decoded RGB (the fixture's rgb.npy): everything after decoding, independent of the decoder.
        var c = Case(id);
        var rgb = Npy.Read(Path.Combine(fixture.TinyDirectory, c.GetProperty("rgb").GetProperty("npy").GetString()!));
        var input = EmbeddingInput.FromPixels(new RgbImage(rgb.Shape[1], rgb.Shape[0], rgb.AsBytes()));
        AssertCase(fixture.TinyEmbedder, c, adapter, input);
    }

    [Fact]
    public async Task ImagesAndTextsOfEveryTaskMixedInOneRequestMatchEachAlone()
    {
        var embedder = fixture.TinyEmbedder;
        var images = fixture.Tiny.RootElement.GetProperty("image_cases").EnumerateArray().Where(c => !c.TryGetProperty("error", out _)).ToList();
        var texts = fixture.Tiny.RootElement.GetProperty("text_cases").EnumerateArray().Where(c => c.GetProperty("task").GetString() == "retrieval.passage" && c.GetProperty("n_tokens").GetInt32() < 200).ToList();
        var items = new List<EmbeddingInput>();
        var expected = new List<(JsonElement Outputs, string What)>();
        for (int i = 0; i < Math.Max(images.Count, texts.Count); i++)
        {
            if (i < texts.Count)
            {
                items.Add(EmbeddingInput.FromText(texts[i].GetProperty("text").GetString()!));
                expected.Add((texts[i], texts[i].GetProperty("id").GetString()!));
            }

            if (i < images.Count)
            {
                items.Add(EmbeddingInput.FromImageFile(Path.Combine(fixture.TinyDirectory, images[i].GetProperty("file").GetString()!)));
                expected.Add((images[i].GetProperty("outputs").GetProperty("retrieval").GetProperty("fast"), images[i].GetProperty("id").GetString()!));
            }
        }

        var request = new EmbeddingRequest(items, new EmbedOptions { Task = "retrieval.passage", Output = EmbeddingOutput.Both });
        var sync = embedder.Embed(request);
        var scheduled = await embedder.EmbedAsync(request);
        foreach (var (result, path) in new[] { (sync, "sync"), (scheduled, "scheduled") })
        {
            for (int i = 0; i < items.Count; i++)
            {
                Parity.Within(result.Embeddings[i], Parity.Floats(expected[i].Outputs.GetProperty("single")), 1e-5, $"{path} {expected[i].What} single");
                Parity.Within(result.MultiVectors![i].Values, Parity.Rows(expected[i].Outputs.GetProperty("multi")), 1e-4, $"{path} {expected[i].What} multi");
            }

            int imageTokens = images.Sum(c => c.GetProperty("n_image_tokens").GetInt32() + 11);
            Assert.Equal(imageTokens + texts.Sum(c => c.GetProperty("n_tokens").GetInt32()), result.TokenCount);
        }
    }

    [Fact]
    public void AnImageSmallerThanAPatchIsAcceptedThroughTheMinPixelsBranch()
    {
        // Spec §7.2 Decision: 20×30 → 84×56 (grid 6×4, 6 image tokens) where transformers 4.52 raises.
        var c = Case("small_20x30");
        Assert.StartsWith("ValueError", c.GetProperty("error").GetString());
        var rgb = Npy.Read(Path.Combine(fixture.TinyDirectory, c.GetProperty("rgb").GetProperty("npy").GetString()!));
        var prepared = fixture.TinyEmbedder.Prepare(EmbeddingInput.FromPixels(new RgbImage(rgb.Shape[1], rgb.Shape[0], rgb.AsBytes())), 0, fixture.TinyEmbedder.ResolveTask("retrieval.query"), false);
        Assert.Equal((6, 4), (prepared.Image!.GridHeight, prepared.Image.GridWidth));
        Assert.Equal(6 + 11, prepared.Ids.Length);
        var result = fixture.TinyEmbedder.Embed(new EmbeddingRequest([EmbeddingInput.FromPixels(new RgbImage(rgb.Shape[1], rgb.Shape[0], rgb.AsBytes()))]));
        Assert.Equal(17, result.TokenCount);
        Assert.Equal(1.0, Math.Sqrt(result.Embeddings[0].Sum(v => (double)v * v)), 5);
    }

    [Fact]
    public async Task ImageItemsAreRefusedByTextOnlyModelsAndByLateChunking()
    {
        var png = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "img_100x70.png"));
        using var v3 = Embedder.Load(Fixtures.Path("tiny-jina-v3"), new EmbedderOptions { Threads = 1 });
        Assert.Equal(["text"], v3.Info.Modalities);
        var e = Assert.Throws<EmbeddingException>(() => v3.Embed(new EmbeddingRequest(["a", EmbeddingInput.FromImage(png)])));
        Assert.Equal(EmbeddingErrorKind.UnsupportedModality, e.Kind);
        Assert.Contains("input[1]", e.Message);

        Assert.Equal(["text", "image"], fixture.TinyEmbedder.Info.Modalities);
        e = Assert.Throws<EmbeddingException>(() => fixture.TinyEmbedder.Embed(new EmbeddingRequest(["a", EmbeddingInput.FromImage(png)], new EmbedOptions { LateChunking = true })));
        Assert.Equal(EmbeddingErrorKind.InvalidInput, e.Kind);
        Assert.Contains("input[1] is an image", e.Message);
        e = await Assert.ThrowsAsync<EmbeddingException>(() => fixture.TinyEmbedder.EmbedAsync(new EmbeddingRequest(["a", EmbeddingInput.FromImage(png)], new EmbedOptions { LateChunking = true })));
        Assert.Contains("input[1] is an image", e.Message);
    }

    [Fact]
    public void BrokenAndOversizedImagesNameTheItemAndTheEmbedderKeepsWorking()
    {
        var embedder = fixture.TinyEmbedder;
        var png = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "img_100x70.png"));
        var e = Assert.Throws<EmbeddingException>(() => embedder.Embed(new EmbeddingRequest(["text", EmbeddingInput.FromImage(png[..(png.Length / 2)])])));
        Assert.Equal(EmbeddingErrorKind.InvalidImage, e.Kind);
        Assert.StartsWith("input[1]: ", e.Message);
        e = Assert.Throws<EmbeddingException>(() => embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromImage([1, 2, 3, 4, 5, 6, 7, 8, 9])])));
        Assert.Equal(EmbeddingErrorKind.InvalidImage, e.Kind);

        // 100×70 = 7000 pixels against a 6999-pixel limit: refused from the header.
        using var strict = Embedder.Load(fixture.TinyDirectory, new EmbedderOptions { Threads = 1, MaxImagePixels = 6999 });
        e = Assert.Throws<EmbeddingException>(() => strict.Embed(new EmbeddingRequest([EmbeddingInput.FromImage(png)])));
        Assert.Equal(EmbeddingErrorKind.ImageTooLarge, e.Kind);
        Assert.StartsWith("input[0]: ", e.Message);

        // Aspect ratio above 200 (spec §7.2): 1×201.
        e = Assert.Throws<EmbeddingException>(() => embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromPixels(new RgbImage(201, 1, new byte[603]))])));
        Assert.Equal(EmbeddingErrorKind.InvalidImage, e.Kind);
        Assert.Single(embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromImage(png)])).Embeddings);
    }

    [Fact]
    public void TheVisionTowerIsLoadedOnlyForTheFirstImage()
    {
        using var embedder = Embedder.Load(fixture.TinyDirectory, new EmbedderOptions { Threads = 1 });
        var model = (JinaV4Model)embedder.Model;
        embedder.Embed(["text only"]);
        Assert.False(model.VisionTowerLoaded);
        embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromImageFile(Fixtures.Path("tiny-jina-v4", "images", "img_100x70.png"))]));
        Assert.True(model.VisionTowerLoaded);
    }

    private JsonElement Case(string id) =>
        fixture.Tiny.RootElement.GetProperty("image_cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static void AssertCase(Embedder embedder, JsonElement c, string adapter, EmbeddingInput input)
    {
        string task = adapter == "text-matching" ? "text-matching" : adapter + ".passage";
        var prepared = embedder.Prepare(input, 0, embedder.ResolveTask(task), false);
        Assert.Equal(Parity.Ints(c.GetProperty("input_ids")), prepared.Ids);
        var grid = Parity.Ints(c.GetProperty("image_grid_thw"));
        Assert.Equal((grid[1], grid[2]), (prepared.Image!.GridHeight, prepared.Image.GridWidth));

        var outputs = c.GetProperty("outputs").GetProperty(adapter).GetProperty("fast");
        var result = embedder.Embed(new EmbeddingRequest([input], new EmbedOptions { Task = task, Output = EmbeddingOutput.Both }));
        Assert.Equal(prepared.Ids.Length, result.TokenCount);
        Parity.Within(result.Embeddings[0], Parity.Floats(outputs.GetProperty("single")), 1e-5, $"{c.GetProperty("id").GetString()}/{adapter} single");
        Parity.Within(result.MultiVectors![0].Values, Parity.Rows(outputs.GetProperty("multi")), 1e-4, $"{c.GetProperty("id").GetString()}/{adapter} multi");
        foreach (var m in outputs.GetProperty("matryoshka").EnumerateObject())
        {
            int dimensions = int.Parse(m.Name, System.Globalization.CultureInfo.InvariantCulture);
            var sliced = embedder.Embed(new EmbeddingRequest([input], new EmbedOptions { Task = task, Dimensions = dimensions })).Embeddings[0];
            Parity.Within(sliced, Parity.Floats(m.Value), 1e-5, $"{c.GetProperty("id").GetString()}/{adapter} matryoshka {dimensions}");
        }
    }
}
