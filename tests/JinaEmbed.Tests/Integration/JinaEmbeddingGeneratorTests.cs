// JinaEmbeddingGenerator against the library on the tiny model: every task and Matryoshka size, the default task,
// late chunking, usage, metadata, and the real Microsoft.Extensions.AI pipeline (caching + logging middleware).
using JinaEmbed.Embedding;
using JinaEmbed.Integration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JinaEmbed.Tests.Integration;

public sealed class JinaEmbeddingGeneratorTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly string[] Texts = ["The cat sits on the mat.", "Der Hund schläft im Garten.", "東京は日本の首都です。", ""];

    public static TheoryData<JinaTask, int?> TasksAndDimensions()
    {
        var data = new TheoryData<JinaTask, int?>();
        foreach (var task in VectorAssert.JinaV3Tasks)
        {
            foreach (var dimensions in new int?[] { null, 8, 16, 32, 64, 5 })
            {
                data.Add(task, dimensions);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TasksAndDimensions))]
    public async Task Vectors_equal_the_librarys_for_each_task_and_dimension(JinaTask task, int? dimensions)
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);

        var embeddings = await generator.GenerateAsync(Texts, new EmbeddingGenerationOptions { Dimensions = dimensions }.WithTask(task));

        var expected = model.Embedder.Embed(Texts, new EmbedOptions { Task = task.ToTaskName(), Dimensions = dimensions });
        Assert.Equal(Texts.Length, embeddings.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(dimensions ?? model.HiddenSize, embeddings[i].Dimensions);
            VectorAssert.Close(expected[i], embeddings[i].Vector.Span, $"{task}/{dimensions}/item {i}");
        }
    }

    [Fact]
    public async Task Tasks_give_different_vectors()
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);

        var query = await generator.GenerateVectorAsync(Texts[0], new EmbeddingGenerationOptions().WithTask(JinaTask.RetrievalQuery));
        var passage = await generator.GenerateVectorAsync(Texts[0], new EmbeddingGenerationOptions().WithTask(JinaTask.RetrievalPassage));

        Assert.NotEqual(query.ToArray(), passage.ToArray());
    }

    [Fact]
    public async Task A_call_without_a_task_uses_the_configured_default()
    {
        using var textMatching = new JinaEmbeddingGenerator(model.Embedder);
        using var classification = new JinaEmbeddingGenerator(model.Embedder, new JinaEmbeddingGeneratorOptions { DefaultTask = "classification", DefaultDimensions = 16 });

        var byDefault = await textMatching.GenerateAsync(Texts);
        var configured = await classification.GenerateAsync(Texts);
        var overridden = await classification.GenerateAsync(Texts, new EmbeddingGenerationOptions { Dimensions = 32 }.WithTask(JinaTask.Separation));

        var expectedDefault = model.Embedder.Embed(Texts, new EmbedOptions { Task = "text-matching" });
        var expectedConfigured = model.Embedder.Embed(Texts, new EmbedOptions { Task = "classification", Dimensions = 16 });
        var expectedOverridden = model.Embedder.Embed(Texts, new EmbedOptions { Task = "separation", Dimensions = 32 });
        for (var i = 0; i < Texts.Length; i++)
        {
            VectorAssert.Close(expectedDefault[i], byDefault[i].Vector.Span, $"default item {i}");
            VectorAssert.Close(expectedConfigured[i], configured[i].Vector.Span, $"configured item {i}");
            VectorAssert.Close(expectedOverridden[i], overridden[i].Vector.Span, $"overridden item {i}");
        }
    }

    [Fact]
    public async Task Late_chunking_equals_the_librarys_late_chunking()
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);
        string[] chunks = ["Berlin is the capital of Germany.", "It has about 3.8 million inhabitants.", "The city is known for its museums."];

        var embeddings = await generator.GenerateAsync(chunks, new EmbeddingGenerationOptions { Dimensions = 32 }.WithTask(JinaTask.RetrievalPassage).WithLateChunking());

        var expected = model.Embedder.Embed(chunks, new EmbedOptions { Task = "retrieval.passage", Dimensions = 32, LateChunking = true });
        var separate = model.Embedder.Embed(chunks, new EmbedOptions { Task = "retrieval.passage", Dimensions = 32 });
        for (var i = 0; i < chunks.Length; i++)
        {
            VectorAssert.Close(expected[i], embeddings[i].Vector.Span, $"chunk {i}");
        }

        // Each chunk saw the others, so its vector differs from the chunk embedded alone.
        Assert.NotEqual(separate[1], embeddings[1].Vector.ToArray());
    }

    [Fact]
    public async Task Usage_counts_every_token_including_prompt_and_specials()
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);

        var embeddings = await generator.GenerateAsync(Texts, new EmbeddingGenerationOptions().WithTask(JinaTask.RetrievalQuery));

        var prompt = model.Prompts["retrieval.query"];
        var expected = Texts.Sum(text => model.Embedder.Tokenizer.Encode(prompt + text).Count);
        Assert.NotNull(embeddings.Usage);
        Assert.Equal(expected, embeddings.Usage.InputTokenCount);
        Assert.Equal(expected, embeddings.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Embeddings_carry_model_id_and_creation_time()
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder, new JinaEmbeddingGeneratorOptions { ModelId = "tiny" });
        var before = DateTimeOffset.UtcNow;

        var embeddings = await generator.GenerateAsync(Texts[..2]);

        Assert.All(embeddings, e => Assert.Equal("tiny", e.ModelId));
        Assert.All(embeddings, e => Assert.InRange(e.CreatedAt!.Value, before, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task An_empty_call_returns_no_embeddings_and_zero_usage()
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);

        var embeddings = await generator.GenerateAsync([]);

        Assert.Empty(embeddings);
        Assert.Equal(0, embeddings.Usage!.TotalTokenCount);
    }

    [Fact]
    public void Metadata_reports_provider_model_and_default_dimensions()
    {
        using var full = new JinaEmbeddingGenerator(model.Embedder, new JinaEmbeddingGeneratorOptions { ModelId = "tiny-jina-v3" });
        using var truncated = new JinaEmbeddingGenerator(model.Embedder, new JinaEmbeddingGeneratorOptions { DefaultDimensions = 32 });

        var metadata = full.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("jinaembed", metadata.ProviderName);
        Assert.Equal("tiny-jina-v3", metadata.DefaultModelId);
        Assert.Equal(model.HiddenSize, metadata.DefaultModelDimensions);
        Assert.Equal(32, truncated.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        Assert.Equal(model.Embedder.Info.Name, truncated.Metadata.DefaultModelId);
    }

    [Fact]
    public void GetService_exposes_the_generator_and_embedder_and_nothing_keyed()
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);

        Assert.Same(generator, generator.GetService<JinaEmbeddingGenerator>());
        Assert.Same(generator, generator.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Same(model.Embedder, generator.GetService<Embedder>());
        Assert.Null(generator.GetService<EmbeddingGeneratorMetadata>("some key"));
        Assert.Null(generator.GetService<IDistributedCache>());
    }

    [Fact]
    public async Task An_unknown_task_is_refused_by_the_library()
    {
        using var generator = new JinaEmbeddingGenerator(model.Embedder);

        var error = await Assert.ThrowsAsync<EmbeddingException>(() => generator.GenerateAsync(Texts, new EmbeddingGenerationOptions().WithTask("summarization")));

        Assert.Equal(EmbeddingErrorKind.InvalidTask, error.Kind);
    }

    [Fact]
    public async Task Load_owns_the_embedder_and_reports_the_models_name()
    {
        var generator = JinaEmbeddingGenerator.Load(model.ModelDirectory);
        Assert.Equal(model.Embedder.Info.Name, generator.Metadata.DefaultModelId);
        var vector = await generator.GenerateVectorAsync(Texts[0]);
        Assert.Equal(model.HiddenSize, vector.Length);

        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(Texts));
    }

    [Fact]
    public async Task A_generator_that_does_not_own_the_embedder_leaves_it_usable()
    {
        var generator = new JinaEmbeddingGenerator(model.Embedder);
        generator.Dispose();

        var result = await model.Embedder.EmbedAsync(new EmbeddingRequest([Texts[0]]));

        Assert.Single(result.Embeddings);
    }

    [Fact]
    public async Task The_caching_and_logging_pipeline_returns_the_librarys_vectors_per_task()
    {
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var logs = new ListLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var innerCalls = 0;
        using var generator = new JinaEmbeddingGenerator(model.Embedder)
            .AsBuilder()
            .UseLogging(loggerFactory)
            .UseDistributedCache(cache)
            .Use(async (values, options, inner, cancellationToken) =>
            {
                Interlocked.Increment(ref innerCalls);
                return await inner.GenerateAsync(values, options, cancellationToken);
            })
            .Build();

        foreach (var task in new[] { JinaTask.RetrievalQuery, JinaTask.RetrievalPassage, JinaTask.None })
        {
            foreach (var dimensions in new int?[] { null, 16 })
            {
                var expected = model.Embedder.Embed(Texts, new EmbedOptions { Task = task.ToTaskName(), Dimensions = dimensions });
                for (var round = 0; round < 2; round++)
                {
                    // The second round is served from the cache; the task and dimensions must be part of its key.
                    var embeddings = await generator.GenerateAsync(Texts, new EmbeddingGenerationOptions { Dimensions = dimensions }.WithTask(task));
                    for (var i = 0; i < Texts.Length; i++)
                    {
                        VectorAssert.Close(expected[i], embeddings[i].Vector.Span, $"{task}/{dimensions}/round {round}/item {i}");
                    }
                }
            }
        }

        Assert.Equal(6, innerCalls);
        Assert.Contains(logs.Messages, message => message.Contains("GenerateAsync", StringComparison.Ordinal));
        Assert.Same(model.Embedder, generator.GetService<Embedder>());
        Assert.Equal("jinaembed", generator.GetService<EmbeddingGeneratorMetadata>()!.ProviderName);
    }
}
