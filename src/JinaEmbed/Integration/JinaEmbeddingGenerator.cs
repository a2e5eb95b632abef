// IEmbeddingGenerator<string, Embedding<float>> over the in-process engine (issue #8): Dimensions from the options,
// the task from options.WithTask(...) or the configured default, usage from the scheduler's token count.
using JinaEmbed.Embedding;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Integration;

/// <summary>
/// A Microsoft.Extensions.AI embedding generator that runs jina-embeddings-v3 in process. Thread-safe: concurrent
/// calls are batched together by the embedder's scheduler rather than run one after another.
/// </summary>
public sealed class JinaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly JinaGeneratorCore _core;

    /// <summary>Wraps an embedder; the generator disposes it only when <paramref name="ownsEmbedder"/> is true.</summary>
    public JinaEmbeddingGenerator(Embedder embedder, JinaEmbeddingGeneratorOptions? options = null, bool ownsEmbedder = false)
    {
        _core = new JinaGeneratorCore(embedder, options, ownsEmbedder);
    }

    /// <summary>The embedder the generator runs on.</summary>
    public Embedder Embedder => _core.Embedder;

    /// <summary>Provider, model id and default dimensions.</summary>
    public EmbeddingGeneratorMetadata Metadata => _core.Metadata;

    /// <summary>Loads a model folder and returns a generator that owns (and disposes) the embedder.</summary>
    public static JinaEmbeddingGenerator Load(string modelDirectory, JinaEmbeddingGeneratorOptions? options = null, EmbedderOptions? embedderOptions = null)
    {
        var embedder = Embedder.Load(modelDirectory, embedderOptions);
        return new JinaEmbeddingGenerator(embedder, options, ownsEmbedder: true);
    }

    /// <summary>Embeds the values: one normalised vector per value, in order, with the call's token usage.</summary>
    /// <exception cref="EmbeddingException">Unknown task, dimensions out of range, over-long text, full queue.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled; its queued work is dropped.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await _core.EmbedAsync(values, _core.ToEmbedOptions(options), cancellationToken).ConfigureAwait(false);
        return _core.Generated(result?.Embeddings, result, vector => new Embedding<float>(vector));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => _core.GetService(this, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose() => _core.Dispose();
}
