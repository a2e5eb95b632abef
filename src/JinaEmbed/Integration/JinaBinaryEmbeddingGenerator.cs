// IEmbeddingGenerator<string, BinaryEmbedding>: the API's ubinary output (api.md: one bit per dimension, set where the
// value is > 0) as a BitArray, bit i = dimension i; Matryoshka truncation happens before the sign is taken.
using System.Collections;
using JinaEmbed.Embedding;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Integration;

/// <summary>
/// A Microsoft.Extensions.AI generator of binary (sign-quantised) jina-embeddings-v3 vectors, for Hamming-distance
/// search. Same options, batching and cancellation as <see cref="JinaEmbeddingGenerator"/>.
/// </summary>
public sealed class JinaBinaryEmbeddingGenerator : IEmbeddingGenerator<string, BinaryEmbedding>
{
    private readonly JinaGeneratorCore _core;

    /// <summary>Wraps an embedder; the generator disposes it only when <paramref name="ownsEmbedder"/> is true.</summary>
    public JinaBinaryEmbeddingGenerator(Embedder embedder, JinaEmbeddingGeneratorOptions? options = null, bool ownsEmbedder = false)
    {
        _core = new JinaGeneratorCore(embedder, options, ownsEmbedder);
    }

    /// <summary>Provider, model id and default dimensions (bits per vector).</summary>
    public EmbeddingGeneratorMetadata Metadata => _core.Metadata;

    /// <summary>Embeds the values: one bit vector per value, in order, with the call's token usage.</summary>
    /// <exception cref="EmbeddingException">Unknown task, dimensions out of range, over-long text, full queue.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled; its queued work is dropped.</exception>
    public async Task<GeneratedEmbeddings<BinaryEmbedding>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await _core.EmbedAsync(values, _core.ToEmbedOptions(options), cancellationToken).ConfigureAwait(false);
        return _core.Generated(result?.Embeddings, result, vector => new BinaryEmbedding(ToBits(vector)));
    }

    /// <summary>Sign quantisation: bit i is set where dimension i is &gt; 0 (normalisation does not change signs).</summary>
    internal static BitArray ToBits(ReadOnlySpan<float> vector)
    {
        var bits = new BitArray(vector.Length);
        for (var i = 0; i < vector.Length; i++)
        {
            bits[i] = vector[i] > 0f;
        }

        return bits;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => _core.GetService(this, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose() => _core.Dispose();
}
