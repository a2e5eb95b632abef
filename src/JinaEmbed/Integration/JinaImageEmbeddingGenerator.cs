// IEmbeddingGenerator<DataContent, Embedding<float>>: jina-embeddings-v4 image embeddings in the same space as the text
// generator's (issue #14). The task comes from options.WithTask(...) or the configured default (images get no prefix;
// the task only picks the adapter), Dimensions applies, usage counts each image's n + 11 prompt tokens.
using JinaEmbed.Embedding;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Integration;

/// <summary>
/// A Microsoft.Extensions.AI embedding generator of images (<see cref="DataContent"/> with an <c>image/*</c> media type)
/// for models that embed images (jina-embeddings-v4). Thread-safe; calls share forward passes with the text generators
/// on the same embedder.
/// </summary>
public sealed class JinaImageEmbeddingGenerator : IEmbeddingGenerator<DataContent, Embedding<float>>
{
    private readonly JinaGeneratorCore _core;

    /// <summary>Wraps an embedder; the generator disposes it only when <paramref name="ownsEmbedder"/> is true.</summary>
    /// <exception cref="ArgumentException">The embedder's model does not embed images.</exception>
    public JinaImageEmbeddingGenerator(Embedder embedder, JinaEmbeddingGeneratorOptions? options = null, bool ownsEmbedder = false)
    {
        JinaGeneratorCore.RequireImages(embedder, nameof(embedder));
        _core = new JinaGeneratorCore(embedder, options, ownsEmbedder);
    }

    /// <summary>The embedder the generator runs on.</summary>
    public Embedder Embedder => _core.Embedder;

    /// <summary>Provider, model id and default dimensions.</summary>
    public EmbeddingGeneratorMetadata Metadata => _core.Metadata;

    /// <summary>Loads a model folder and returns a generator that owns (and disposes) the embedder.</summary>
    /// <exception cref="ArgumentException">The model does not embed images.</exception>
    public static JinaImageEmbeddingGenerator Load(string modelDirectory, JinaEmbeddingGeneratorOptions? options = null, EmbedderOptions? embedderOptions = null)
    {
        var embedder = Embedder.Load(modelDirectory, embedderOptions);
        try
        {
            return new JinaImageEmbeddingGenerator(embedder, options, ownsEmbedder: true);
        }
        catch
        {
            embedder.Dispose();
            throw;
        }
    }

    /// <summary>Embeds the images: one vector per image, in order, with the call's token usage.</summary>
    /// <exception cref="ArgumentException">A value whose media type is not <c>image/*</c>.</exception>
    /// <exception cref="EmbeddingException">An image that cannot be decoded or is too large (naming <c>input[i]</c>, the value's index), unknown task, dimensions out of range, full queue.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled; its queued work is dropped.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var items = JinaGeneratorCore.ImageItems(values, nameof(values));
        var result = await _core.EmbedAsync(items, _core.ToEmbedOptions(options), cancellationToken).ConfigureAwait(false);
        return _core.Generated(result?.Embeddings, result, vector => new Embedding<float>(vector));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => _core.GetService(this, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose() => _core.Dispose();
}
