// A Microsoft.Extensions.AI embedding that holds one vector per token (jina-embeddings-v4's multi-vector output, spec
// §8.2), for late-interaction (ColBERT-style MaxSim) scoring.
using JinaEmbed.Embedding;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Integration;

/// <summary>An embedding made of one vector per token of the input, [<see cref="Count"/>, <see cref="Dimensions"/>].</summary>
public sealed class MultiVectorEmbedding : Microsoft.Extensions.AI.Embedding
{
    /// <summary>Wraps the library's multi-vector (not copied).</summary>
    public MultiVectorEmbedding(MultiVector vectors)
    {
        Vectors = vectors ?? throw new ArgumentNullException(nameof(vectors));
    }

    /// <summary>The token vectors, row-major in one array.</summary>
    public MultiVector Vectors { get; }

    /// <summary>Width of each token's vector (128 for jina-embeddings-v4), not the number of vectors.</summary>
    public override int Dimensions => Vectors.Dimensions;

    /// <summary>Number of token vectors (every token of the input, task prefix included).</summary>
    public int Count => Vectors.Count;

    /// <summary>The vector of token <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> this[int index] => Vectors[index];

    /// <summary>
    /// Late-interaction score of this embedding as the query against <paramref name="document"/>: for each query vector
    /// the best dot product with a document vector, summed (<see cref="LateInteraction.MaxSim(MultiVector, MultiVector)"/>).
    /// </summary>
    public float MaxSim(MultiVectorEmbedding document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return LateInteraction.MaxSim(Vectors, document.Vectors);
    }
}
