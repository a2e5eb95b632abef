// IEmbeddingGenerator<DataContent, MultiVectorEmbedding>: jina-embeddings-v4's late-interaction vectors of images (one
// 128-d vector per token of the image prompt, n + 11), to score against text queries' multi-vectors with MaxSim.
using JinaEmbed.Embedding;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Integration;

/// <summary>
/// A Microsoft.Extensions.AI generator of multi-vector embeddings of images (<see cref="DataContent"/>, <c>image/*</c>)
/// for jina-embeddings-v4. The task comes from <c>options.WithTask(...)</c> or the configured default; <c>Dimensions</c>
/// does not apply. Thread-safe.
/// </summary>
public sealed class JinaMultiVectorImageEmbeddingGenerator : IEmbeddingGenerator<DataContent, MultiVectorEmbedding>
{
    private readonly JinaGeneratorCore _core;

    /// <summary>Wraps an embedder; the generator disposes it only when <paramref name="ownsEmbedder"/> is true.</summary>
    /// <exception cref="ArgumentException">The embedder's model does not embed images or has no multi-vector head.</exception>
    public JinaMultiVectorImageEmbeddingGenerator(Embedder embedder, JinaEmbeddingGeneratorOptions? options = null, bool ownsEmbedder = false)
    {
        JinaGeneratorCore.RequireImages(embedder, nameof(embedder));
        var dimensions = embedder.Info.MultiVectorDimensions
            ?? throw new ArgumentException($"Model '{embedder.Info.Name}' ({embedder.Info.Architecture}) has no multi-vector head.", nameof(embedder));
        _core = new JinaGeneratorCore(embedder, options, ownsEmbedder, dimensions);
    }

    /// <summary>The embedder the generator runs on.</summary>
    public Embedder Embedder => _core.Embedder;

    /// <summary>Provider, model id and the width of one token vector.</summary>
    public EmbeddingGeneratorMetadata Metadata => _core.Metadata;

    /// <summary>Embeds the images: one multi-vector per image, in order, with the call's token usage.</summary>
    /// <exception cref="ArgumentException">A value whose media type is not <c>image/*</c>.</exception>
    /// <exception cref="EmbeddingException">An image that cannot be decoded or is too large, unknown task, full queue.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled; its queued work is dropped.</exception>
    public async Task<GeneratedEmbeddings<MultiVectorEmbedding>> GenerateAsync(
        IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var items = JinaGeneratorCore.ImageItems(values, nameof(values));
        var embedOptions = _core.ToEmbedOptions(options) with { Output = EmbeddingOutput.MultiVector, Dimensions = null };
        var result = await _core.EmbedAsync(items, embedOptions, cancellationToken).ConfigureAwait(false);
        return _core.Generated(result?.MultiVectors, result, vector => new MultiVectorEmbedding(vector));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => _core.GetService(this, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose() => _core.Dispose();
}
