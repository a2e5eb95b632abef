// The VisualDocumentSearch sample's core on the tiny v4 model and generated PNG pages: both rankings (MaxSim over
// multi-vectors, cosine over single vectors) must equal what the library computes directly (never a hard-coded answer).
using JinaEmbed.Embedding;
using JinaEmbed.Samples.VisualDocumentSearch;
using JinaEmbed.Server.Tests.Images;

namespace JinaEmbed.Tests.Integration;

public sealed class VisualDocumentSearchSampleTests(JinaV4GeneratorFixture model) : IClassFixture<JinaV4GeneratorFixture>
{
    /// <summary>Five "pages" of different sizes and patterns: stripes, a checkerboard, a gradient, text-like bars, noise.</summary>
    private static readonly (string Name, byte[] Image)[] Pages =
    [
        ("stripes.png", TestImages.RgbPng(120, 160, (x, y) => x / 10 % 2 == 0 ? ((byte)0, (byte)0, (byte)0) : ((byte)255, (byte)255, (byte)255))),
        ("checker.png", TestImages.RgbPng(100, 140, (x, y) => ((x / 20) + (y / 20)) % 2 == 0 ? ((byte)255, (byte)255, (byte)255) : ((byte)0, (byte)0, (byte)0))),
        ("gradient.png", TestImages.RgbPng(160, 120, (x, y) => ((byte)x, (byte)y, (byte)((x + y) / 2)))),
        ("lines.png", TestImages.RgbPng(90, 130, (x, y) => y % 12 < 3 && x > 8 && x < 80 - (y % 5 * 7) ? ((byte)20, (byte)20, (byte)20) : ((byte)250, (byte)250, (byte)245))),
        ("noise.png", TestImages.RgbPng(64, 64, (x, y) => ((byte)((x * 7919) ^ (y * 104729)), (byte)((x * 31) + (y * 17)), (byte)(x * y)))),
    ];

    [Fact]
    public async Task Both_rankings_equal_the_librarys_MaxSim_and_cosine()
    {
        var index = new VisualIndex(model.Embedder);
        await index.AddAsync(Pages[..2]);
        await index.AddAsync(Pages[2..]);
        Assert.Equal(Pages.Length, index.Count);
        const string query = "a table of quarterly revenue";

        var rankings = await index.SearchAsync(query, top: 4);

        var images = Pages.Select(p => EmbeddingInput.FromImage(p.Image)).ToArray();
        var passages = model.Embedder.Embed(new EmbeddingRequest(images, new EmbedOptions { Task = "retrieval.passage" })).Embeddings;
        var tokens = model.Embedder.Embed(new EmbeddingRequest(images, new EmbedOptions { Task = "retrieval.passage", Output = EmbeddingOutput.MultiVector })).MultiVectors!;
        var queryVector = model.Embedder.Embed([query], new EmbedOptions { Task = "retrieval.query" })[0];
        var queryTokens = model.Embedder.EmbedMultiVectors([query], new EmbedOptions { Task = "retrieval.query" })[0];
        var maxSim = Enumerable.Range(0, Pages.Length).Select(i => LateInteraction.MaxSim(queryTokens, tokens[i])).ToArray();
        var cosine = Enumerable.Range(0, Pages.Length).Select(i => passages[i].Zip(queryVector).Sum(p => p.First * p.Second)).ToArray();

        var expectedByMaxSim = Enumerable.Range(0, Pages.Length).OrderByDescending(i => maxSim[i]).Take(4).ToList();
        var expectedByCosine = Enumerable.Range(0, Pages.Length).OrderByDescending(i => cosine[i]).Take(4).ToList();
        Assert.Equal(expectedByMaxSim.Select(i => Pages[i].Name), rankings.ByMaxSim.Select(h => h.Name));
        Assert.Equal(expectedByCosine.Select(i => Pages[i].Name), rankings.ByCosine.Select(h => h.Name));
        foreach (var hit in rankings.ByMaxSim.Concat(rankings.ByCosine))
        {
            int i = Array.FindIndex(Pages, p => p.Name == hit.Name);
            Assert.Equal(maxSim[i], hit.MaxSim, 3);
            Assert.Equal(cosine[i], hit.Cosine, 4);
        }
    }

    [Fact]
    public async Task A_bad_page_is_the_librarys_InvalidImage_and_the_index_is_unchanged()
    {
        var index = new VisualIndex(model.Embedder);
        await index.AddAsync(Pages[..1]);

        var error = await Assert.ThrowsAsync<EmbeddingException>(() => index.AddAsync([Pages[1], ("broken.png", Pages[1].Image[..40])]));

        Assert.Equal(EmbeddingErrorKind.InvalidImage, error.Kind);
        Assert.Equal(1, index.Count);
    }
}
