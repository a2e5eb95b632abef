// IEmbeddingGenerator<string, MultiVectorEmbedding>: jina-embeddings-v4's multi-vector output (one 128-d vector per token)
// through the same scheduler, task and truncation handling as JinaEmbeddingGenerator; score with MaxSim.
using JinaEmbed.Embedding;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Integration;

/// <summary>
/// A Microsoft.Extensions.AI generator of multi-vector (late-interaction) embeddings, for models with a multi-vector head
/// (jina-embeddings-v4). The task comes from <c>options.WithTask(...)</c> or the configured default; <c>Dimensions</c>
/// does not apply (token vectors always have the model's multi-vector width). Thread-safe.
/// </summary>
public sealed class JinaMultiVectorEmbeddingGenerator : IEmbeddingGenerator<string, MultiVectorEmbedding>
{
    private readonly JinaGeneratorCore _core;

    /// <summary>Wraps an embedder; the generator disposes it only when <paramref name="ownsEmbedder"/> is true.</summary>
    /// <exception cref="ArgumentException">The embedder's model has no multi-vector head.</exception>
    public JinaMultiVectorEmbeddingGenerator(Embedder embedder, JinaEmbeddingGeneratorOptions? options = null, bool ownsEmbedder = false)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var dimensions = embedder.Info.MultiVectorDimensions
            ?? throw new ArgumentException($"Model '{embedder.Info.Name}' ({embedder.Info.Architecture}) has no multi-vector head; multi-vector embeddings need jina-embeddings-v4.", nameof(embedder));
        _core = new JinaGeneratorCore(embedder, options, ownsEmbedder, dimensions);
    }

    /// <summary>The embedder the generator runs on.</summary>
    public Embedder Embedder => _core.Embedder;

    /// <summary>Provider, model id and the width of one token vector.</summary>
    public EmbeddingGeneratorMetadata Metadata => _core.Metadata;

    /// <summary>Loads a model folder and returns a generator that owns (and disposes) the embedder.</summary>
    /// <exception cref="ArgumentException">The model has no multi-vector head.</exception>
    public static JinaMultiVectorEmbeddingGenerator Load(string modelDirectory, JinaEmbeddingGeneratorOptions? options = null, EmbedderOptions? embedderOptions = null)
    {
        var embedder = Embedder.Load(modelDirectory, embedderOptions);
        try
        {
            return new JinaMultiVectorEmbeddingGenerator(embedder, options, ownsEmbedder: true);
        }
        catch
        {
            embedder.Dispose();
            throw;
        }
    }

    /// <summary>Embeds the values: one multi-vector per value, in order, with the call's token usage.</summary>
    /// <exception cref="EmbeddingException">Unknown task, over-long text, full queue.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled; its queued work is dropped.</exception>
    public async Task<GeneratedEmbeddings<MultiVectorEmbedding>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var embedOptions = _core.ToEmbedOptions(options) with { Output = EmbeddingOutput.MultiVector, Dimensions = null };
        var result = await _core.EmbedAsync(values, embedOptions, cancellationToken).ConfigureAwait(false);
        return _core.Generated(result?.MultiVectors, result, vector => new MultiVectorEmbedding(vector));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => _core.GetService(this, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose() => _core.Dispose();
}
