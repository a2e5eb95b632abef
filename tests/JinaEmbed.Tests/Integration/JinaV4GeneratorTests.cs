// The Microsoft.Extensions.AI generators on jina-embeddings-v4 (tiny-jina-v4): single vectors for each v4 task and
// Matryoshka size, the text-matching default, the multi-vector generator with MaxSim, and registration through DI.
using JinaEmbed.Embedding;
using JinaEmbed.Integration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace JinaEmbed.Tests.Integration;

public sealed class JinaV4GeneratorFixture : IDisposable
{
    public Embedder Embedder { get; } = Embedder.Load(Fixtures.Path("tiny-jina-v4"), new EmbedderOptions { Threads = 2 });

    public void Dispose() => Embedder.Dispose();
}

public sealed class JinaV4GeneratorTests(JinaV4GeneratorFixture model) : IClassFixture<JinaV4GeneratorFixture>
{
    private static readonly string[] Texts = ["def add(a, b): return a + b", "How do I add two numbers?", "東京は日本の首都です。", ""];

    public static TheoryData<JinaTask, int?> TasksAndDimensions()
    {
        var data = new TheoryData<JinaTask, int?>();
        foreach (var task in new[] { JinaTask.RetrievalQuery, JinaTask.RetrievalPassage, JinaTask.TextMatching, JinaTask.CodeQuery, JinaTask.CodePassage })
        {
            foreach (var dimensions in new int?[] { null, 8, 32, 5 })
            {
                data.Add(task, dimensions);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TasksAndDimensions))]
    public async Task Vectors_equal_the_librarys_for_each_v4_task_and_dimension(JinaTask task, int? dimensions)
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);

        var embeddings = await generator.GenerateAsync(Texts, new EmbeddingGenerationOptions { Dimensions = dimensions }.WithTask(task));

        var expected = model.Embedder.Embed(Texts, new EmbedOptions { Task = task.ToTaskName(), Dimensions = dimensions });
        Assert.Equal(Texts.Length, embeddings.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(dimensions ?? 64, embeddings[i].Dimensions);
            VectorAssert.Close(expected[i], embeddings[i].Vector.Span, $"{task}/{dimensions}/item {i}");
        }
    }

    [Fact]
    public async Task Default_task_is_text_matching_and_v3_only_tasks_are_refused()
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);

        var embeddings = await generator.GenerateAsync(Texts);

        var expected = model.Embedder.Embed(Texts, new EmbedOptions { Task = "text-matching" });
        for (var i = 0; i < Texts.Length; i++)
        {
            VectorAssert.Close(expected[i], embeddings[i].Vector.Span, $"item {i}");
        }

        Assert.Equal(64, generator.Metadata.DefaultModelDimensions);
        Assert.Equal("jinaai/jina-embeddings-v4", generator.Metadata.DefaultModelId);
        foreach (var task in new[] { JinaTask.None, JinaTask.Separation, JinaTask.Classification })
        {
            var error = await Assert.ThrowsAsync<EmbeddingException>(() => generator.GenerateAsync(Texts, new EmbeddingGenerationOptions().WithTask(task)));
            Assert.Equal(EmbeddingErrorKind.InvalidTask, error.Kind);
        }
    }

    [Fact]
    public async Task Multi_vectors_equal_the_librarys_and_score_with_MaxSim()
    {
        using var generator = new JinaMultiVectorEmbeddingGenerator(model.Embedder);

        // Dimensions is for single vectors: token vectors keep the projector's width.
        var embeddings = await generator.GenerateAsync(Texts, new EmbeddingGenerationOptions { Dimensions = 8 }.WithTask(JinaTask.CodePassage));

        var expected = model.Embedder.EmbedMultiVectors(Texts, new EmbedOptions { Task = "code.passage" });
        Assert.Equal(Texts.Length, embeddings.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(16, embeddings[i].Dimensions);
            Assert.Equal(expected[i].Count, embeddings[i].Count);
            VectorAssert.Close(expected[i].Values, embeddings[i].Vectors.Values, $"item {i}");
            Assert.Equal("jinaai/jina-embeddings-v4", embeddings[i].ModelId);
        }

        Assert.Equal(expected.Sum(m => m.Count), embeddings.Usage!.InputTokenCount);
        Assert.Equal(16, generator.Metadata.DefaultModelDimensions);

        var query = (await generator.GenerateAsync([Texts[1]], new EmbeddingGenerationOptions().WithTask(JinaTask.CodeQuery)))[0];
        var library = model.Embedder.EmbedMultiVectors([Texts[1]], new EmbedOptions { Task = "code.query" })[0];
        Assert.Equal(LateInteraction.MaxSim(library, expected[0]), query.MaxSim(embeddings[0]), 4);

        // The default task applies when a call names none.
        var byDefault = await generator.GenerateAsync([Texts[0]]);
        VectorAssert.Close(model.Embedder.EmbedMultiVectors([Texts[0]], new EmbedOptions { Task = "text-matching" })[0].Values, byDefault[0].Vectors.Values, "default task");
    }

    [Fact]
    public void Multi_vector_generator_needs_a_multi_vector_head()
    {
        using var v3 = Embedder.Load(Fixtures.Path("tiny-jina-v3"));

        var error = Assert.Throws<ArgumentException>(() => new JinaMultiVectorEmbeddingGenerator(v3));

        Assert.Contains("multi-vector head", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddJinaEmbeddings_with_a_v4_model_registers_the_multi_vector_generator_too()
    {
        await using var services = new ServiceCollection()
            .AddJinaEmbeddings(Fixtures.Path("tiny-jina-v4"), o => o.DefaultTask = "retrieval.passage")
            .BuildServiceProvider();

        var single = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var multi = services.GetRequiredService<IEmbeddingGenerator<string, MultiVectorEmbedding>>();
        var embedder = services.GetRequiredService<Embedder>();
        Assert.Same(embedder, multi.GetService<Embedder>());

        var vectors = await single.GenerateAsync(Texts[..2]);
        var multiVectors = await multi.GenerateAsync(Texts[..2]);

        var expected = embedder.Embed(Texts[..2], new EmbedOptions { Task = "retrieval.passage" });
        var expectedMulti = embedder.EmbedMultiVectors(Texts[..2], new EmbedOptions { Task = "retrieval.passage" });
        for (var i = 0; i < 2; i++)
        {
            VectorAssert.Close(expected[i], vectors[i].Vector.Span, $"single {i}");
            VectorAssert.Close(expectedMulti[i].Values, multiVectors[i].Vectors.Values, $"multi {i}");
        }
    }
}
