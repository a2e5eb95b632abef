// services.AddJinaEmbeddings(...): one Embedder singleton (disposed with the container) and the
// Microsoft.Extensions.AI generators over it, configured from code or from configuration. The multi-vector and image
// generators are registered too but only resolvable for a model with a multi-vector head / images (jina-embeddings-v4).
using JinaEmbed.Embedding;
using JinaEmbed.Hub;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JinaEmbed.Integration;

/// <summary>Registers jina-embeddings-v3 or v4 with a service collection.</summary>
public static class JinaEmbeddingsServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="Embedder"/> singleton for <paramref name="model"/> (folder or hub id) and the generators
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="Embedding{T}"/> and <see cref="BinaryEmbedding"/>,
    /// plus <see cref="MultiVectorEmbedding"/> (resolving it throws for a model without a multi-vector head) and the image
    /// generators of <see cref="DataContent"/> (resolving them throws for a model that does not embed images).
    /// </summary>
    public static IServiceCollection AddJinaEmbeddings(this IServiceCollection services, string model, Action<JinaEmbeddingsOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return services.AddJinaEmbeddings(options =>
        {
            options.Model = model;
            configure?.Invoke(options);
        });
    }

    /// <summary>Registers the embedder and generators with settings from code.</summary>
    public static IServiceCollection AddJinaEmbeddings(this IServiceCollection services, Action<JinaEmbeddingsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<JinaEmbeddingsOptions>().Configure(configure);
        return services.AddJinaEmbeddingsCore();
    }

    /// <summary>
    /// Registers the embedder and generators with settings bound from a configuration section
    /// (keys <c>Model</c>, <c>DefaultTask</c>, <c>DefaultDimensions</c>, <c>ModelId</c>, <c>Truncate</c>, <c>Embedder:Threads</c>, …).
    /// </summary>
    public static IServiceCollection AddJinaEmbeddings(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<JinaEmbeddingsOptions>().Bind(configuration);
        return services.AddJinaEmbeddingsCore();
    }

    private static IServiceCollection AddJinaEmbeddingsCore(this IServiceCollection services)
    {
        services.AddOptions<JinaEmbeddingsOptions>()
            .Validate(options => !string.IsNullOrWhiteSpace(options.Model), "JinaEmbeddings:Model must name a model folder or a hub id.");

        // Singletons created by factories are disposed by the container; the generators don't own the embedder.
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<JinaEmbeddingsOptions>>().Value;
            // A DI factory is synchronous; resolving a hub id may download once, then it is a cache lookup.
            // Task.Run keeps a caller's synchronisation context out of the awaits.
            var hub = options.Hub ?? HubOptions.FromEnvironment();
            var directory = Task.Run(() => ModelSource.ResolveAsync(options.Model!, hub)).GetAwaiter().GetResult();
            return Embedder.Load(directory, options.Embedder);
        });
        services.TryAddSingleton(provider => new JinaEmbeddingGenerator(
            provider.GetRequiredService<Embedder>(), provider.GetRequiredService<IOptions<JinaEmbeddingsOptions>>().Value.ToGeneratorOptions()));
        services.TryAddSingleton(provider => new JinaBinaryEmbeddingGenerator(
            provider.GetRequiredService<Embedder>(), provider.GetRequiredService<IOptions<JinaEmbeddingsOptions>>().Value.ToGeneratorOptions()));
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(provider => provider.GetRequiredService<JinaEmbeddingGenerator>());
        services.TryAddSingleton<IEmbeddingGenerator<string, BinaryEmbedding>>(provider => provider.GetRequiredService<JinaBinaryEmbeddingGenerator>());
        services.TryAddSingleton(provider => new JinaMultiVectorEmbeddingGenerator(
            provider.GetRequiredService<Embedder>(), provider.GetRequiredService<IOptions<JinaEmbeddingsOptions>>().Value.ToGeneratorOptions()));
        services.TryAddSingleton<IEmbeddingGenerator<string, MultiVectorEmbedding>>(provider => provider.GetRequiredService<JinaMultiVectorEmbeddingGenerator>());
        services.TryAddSingleton(provider => new JinaImageEmbeddingGenerator(
            provider.GetRequiredService<Embedder>(), provider.GetRequiredService<IOptions<JinaEmbeddingsOptions>>().Value.ToGeneratorOptions()));
        services.TryAddSingleton<IEmbeddingGenerator<DataContent, Embedding<float>>>(provider => provider.GetRequiredService<JinaImageEmbeddingGenerator>());
        services.TryAddSingleton(provider => new JinaMultiVectorImageEmbeddingGenerator(
            provider.GetRequiredService<Embedder>(), provider.GetRequiredService<IOptions<JinaEmbeddingsOptions>>().Value.ToGeneratorOptions()));
        services.TryAddSingleton<IEmbeddingGenerator<DataContent, MultiVectorEmbedding>>(provider => provider.GetRequiredService<JinaMultiVectorImageEmbeddingGenerator>());
        return services;
    }
}
