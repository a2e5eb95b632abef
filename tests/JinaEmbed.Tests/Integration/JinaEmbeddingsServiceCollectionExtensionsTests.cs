// AddJinaEmbeddings: registration from code and from configuration, one embedder shared by both generators,
// and the embedder disposed with the container.
using JinaEmbed.Embedding;
using JinaEmbed.Hub;
using JinaEmbed.Integration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JinaEmbed.Tests.Integration;

public sealed class JinaEmbeddingsServiceCollectionExtensionsTests
{
    private static readonly string[] Texts = ["A query about rivers.", "Flüsse fließen ins Meer."];

    [Fact]
    public async Task Settings_bound_from_configuration_reach_the_generators()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JinaEmbeddings:Model"] = Fixtures.Path("tiny-jina-v3"),
            ["JinaEmbeddings:DefaultTask"] = "retrieval.query",
            ["JinaEmbeddings:DefaultDimensions"] = "32",
            ["JinaEmbeddings:ModelId"] = "tiny",
            ["JinaEmbeddings:Embedder:Threads"] = "1",
        }).Build();
        await using var services = new ServiceCollection()
            .AddJinaEmbeddings(configuration.GetSection(JinaEmbeddingsOptions.SectionName))
            .BuildServiceProvider();

        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embedder = services.GetRequiredService<Embedder>();
        var embeddings = await generator.GenerateAsync(Texts);

        var expected = embedder.Embed(Texts, new EmbedOptions { Task = "retrieval.query", Dimensions = 32 });
        for (var i = 0; i < Texts.Length; i++)
        {
            VectorAssert.Close(expected[i], embeddings[i].Vector.Span, $"item {i}");
        }

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;
        Assert.Equal("tiny", metadata.DefaultModelId);
        Assert.Equal(32, metadata.DefaultModelDimensions);
        Assert.Equal(1, services.GetRequiredService<IOptions<JinaEmbeddingsOptions>>().Value.Embedder.Threads);
    }

    [Fact]
    public async Task Both_generators_share_one_embedder_which_the_container_disposes()
    {
        JinaEmbeddingGenerator generator;
        Embedder embedder;
        await using (var services = new ServiceCollection().AddJinaEmbeddings(Fixtures.Path("tiny-jina-v3")).BuildServiceProvider())
        {
            generator = services.GetRequiredService<JinaEmbeddingGenerator>();
            embedder = services.GetRequiredService<Embedder>();
            var binary = services.GetRequiredService<IEmbeddingGenerator<string, BinaryEmbedding>>();

            Assert.Same(generator, services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
            Assert.Same(embedder, generator.Embedder);
            Assert.Same(embedder, binary.GetService<Embedder>());
            Assert.Equal(embedder.Info.Name, generator.Metadata.DefaultModelId);
            Assert.Equal("text-matching", generator.GetService<JinaEmbeddingGeneratorOptions>()!.DefaultTask);
            Assert.Single(await generator.GenerateAsync(Texts[..1]));
        }

        // Disposing the container disposed the embedder: it no longer embeds.
        await Assert.ThrowsAnyAsync<Exception>(() => embedder.EmbedAsync(new EmbeddingRequest([Texts[0]])));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(Texts));
    }

    [Fact]
    public void A_missing_model_setting_fails_validation_on_first_use()
    {
        using var services = new ServiceCollection().AddJinaEmbeddings(_ => { }).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<Embedder>());

        Assert.Contains("Model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_is_neither_a_folder_nor_a_hub_id_fails_to_load()
    {
        var missing = Path.Combine(Path.GetTempPath(), "jinaembed-no-such-model-" + Guid.NewGuid().ToString("N"));
        using var services = new ServiceCollection()
            .AddJinaEmbeddings(missing, options => options.Hub = new HubOptions { Offline = true })
            .BuildServiceProvider();

        var error = Assert.Throws<HubException>(() => services.GetRequiredService<Embedder>());
        Assert.Equal(HubErrorKind.InvalidModelId, error.Kind);
    }

    [Fact]
    public void Registrations_already_present_are_kept()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => throw new InvalidOperationException("mine"));

        services.AddJinaEmbeddings("unused");

        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>));
        Assert.Single(services, d => d.ServiceType == typeof(Embedder));
    }
}
