// The Microsoft.Extensions.AI image generators on jina-embeddings-v4 (tiny-jina-v4): DataContent images give the
// library's single and multi vectors for each task, usage counts the image prompts, non-image media types are an
// ArgumentException, text-only models are refused, and AddJinaEmbeddings registers both.
using JinaEmbed.Embedding;
using JinaEmbed.Integration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace JinaEmbed.Tests.Integration;

public sealed class JinaImageGeneratorTests(JinaV4GeneratorFixture model) : IClassFixture<JinaV4GeneratorFixture>
{
    private static readonly string[] Files = ["img_100x70.png", "photo_160x120.jpg", "gray_64x80.png"];

    private static byte[] Bytes(string name) => File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", name));

    private static DataContent[] Images() => [.. Files.Select(f => new DataContent(Bytes(f), f.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png"))];

    private EmbeddingResult Library(EmbedOptions options) =>
        model.Embedder.Embed(new EmbeddingRequest([.. Files.Select(f => EmbeddingInput.FromImage(Bytes(f)))], options));

    [Theory]
    [InlineData(JinaTask.RetrievalPassage, null)]
    [InlineData(JinaTask.RetrievalQuery, 32)]
    [InlineData(JinaTask.CodePassage, 8)]
    [InlineData(JinaTask.TextMatching, null)]
    public async Task Image_vectors_equal_the_librarys(JinaTask task, int? dimensions)
    {
        using var generator = new JinaImageEmbeddingGenerator(model.Embedder);

        var embeddings = await generator.GenerateAsync(Images(), new EmbeddingGenerationOptions { Dimensions = dimensions }.WithTask(task));

        var expected = Library(new EmbedOptions { Task = task.ToTaskName(), Dimensions = dimensions });
        Assert.Equal(Files.Length, embeddings.Count);
        for (var i = 0; i < Files.Length; i++)
        {
            Assert.Equal(dimensions ?? 64, embeddings[i].Dimensions);
            VectorAssert.Close(expected.Embeddings[i], embeddings[i].Vector.Span, $"{task}/{Files[i]}");
        }

        Assert.Equal(expected.TokenCount, embeddings.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task A_data_uri_DataContent_and_the_default_task_work_too()
    {
        using var generator = new JinaImageEmbeddingGenerator(model.Embedder, new JinaEmbeddingGeneratorOptions { DefaultTask = "retrieval.passage" });
        var uri = "data:image/png;base64," + Convert.ToBase64String(Bytes(Files[0]));

        var embeddings = await generator.GenerateAsync([new DataContent(uri)]);

        var expected = model.Embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromImage(Bytes(Files[0]))], new EmbedOptions { Task = "retrieval.passage" }));
        VectorAssert.Close(expected.Embeddings[0], embeddings[0].Vector.Span, "data URI");
        Assert.Empty(await generator.GenerateAsync([]));
    }

    [Fact]
    public async Task Image_multi_vectors_equal_the_librarys_and_rank_with_MaxSim()
    {
        using var generator = new JinaMultiVectorImageEmbeddingGenerator(model.Embedder);
        using var texts = new JinaMultiVectorEmbeddingGenerator(model.Embedder);

        var embeddings = await generator.GenerateAsync(Images(), new EmbeddingGenerationOptions().WithTask(JinaTask.RetrievalPassage));

        var expected = Library(new EmbedOptions { Task = "retrieval.passage", Output = EmbeddingOutput.MultiVector }).MultiVectors!;
        for (var i = 0; i < Files.Length; i++)
        {
            Assert.Equal(16, embeddings[i].Dimensions);
            Assert.Equal(expected[i].Count, embeddings[i].Count);
            VectorAssert.Close(expected[i].Values, embeddings[i].Vectors.Values, Files[i]);
        }

        var query = (await texts.GenerateAsync(["a noisy picture"], new EmbeddingGenerationOptions().WithTask(JinaTask.RetrievalQuery)))[0];
        Assert.Equal(LateInteraction.MaxSim(query.Vectors, expected[1]), query.MaxSim(embeddings[1]), 4);
    }

    [Fact]
    public async Task Non_image_media_types_are_an_ArgumentException_naming_the_value()
    {
        using var generator = new JinaImageEmbeddingGenerator(model.Embedder);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync([.. Images(), new DataContent("hello"u8.ToArray(), "text/plain")]));

        Assert.Equal("values", error.ParamName);
        Assert.Contains("values[3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("text/plain", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync([new DataContent("%PDF-1.7"u8.ToArray(), "application/pdf")]));
    }

    [Fact]
    public async Task Undecodable_images_are_the_librarys_InvalidImage()
    {
        using var generator = new JinaImageEmbeddingGenerator(model.Embedder);

        var error = await Assert.ThrowsAsync<EmbeddingException>(() => generator.GenerateAsync([Images()[0], new DataContent(new byte[] { 1, 2, 3, 4 }, "image/png")]));

        Assert.Equal(EmbeddingErrorKind.InvalidImage, error.Kind);
        Assert.Contains("input[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_only_models_are_refused()
    {
        using var v3 = Embedder.Load(Fixtures.Path("tiny-jina-v3"));

        Assert.Contains("does not embed images", Assert.Throws<ArgumentException>(() => new JinaImageEmbeddingGenerator(v3)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new JinaMultiVectorImageEmbeddingGenerator(v3));
    }

    [Fact]
    public async Task AddJinaEmbeddings_registers_the_image_generators()
    {
        await using var services = new ServiceCollection()
            .AddJinaEmbeddings(Fixtures.Path("tiny-jina-v4"), o => o.DefaultTask = "retrieval.passage")
            .BuildServiceProvider();

        var images = services.GetRequiredService<IEmbeddingGenerator<DataContent, Embedding<float>>>();
        var multi = services.GetRequiredService<IEmbeddingGenerator<DataContent, MultiVectorEmbedding>>();
        var embedder = services.GetRequiredService<Embedder>();
        Assert.Same(embedder, images.GetService<Embedder>());
        Assert.Same(embedder, multi.GetService<Embedder>());

        var vectors = await images.GenerateAsync(Images()[..1]);

        var expected = embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromImage(Bytes(Files[0]))], new EmbedOptions { Task = "retrieval.passage" }));
        VectorAssert.Close(expected.Embeddings[0], vectors[0].Vector.Span, "DI image generator");
    }
}
