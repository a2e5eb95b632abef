// Late-interaction scoring of multi-vectors (ColBERT's MaxSim, as used with jina-embeddings-v4's multi-vector output).
using JinaEmbed.Compute;

namespace JinaEmbed.Embedding;

/// <summary>Scores between multi-vector embeddings.</summary>
public static class LateInteraction
{
    /// <summary>
    /// MaxSim: for every query vector the largest dot product with any document vector, summed over the query's
    /// vectors. With unit-length vectors each term is a cosine, so the score lies in [−Count, Count] of the query.
    /// </summary>
    /// <exception cref="ArgumentException">The two have different vector widths, or the document has no vectors.</exception>
    public static float MaxSim(MultiVector query, MultiVector document)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(document);
        if (query.Dimensions != document.Dimensions)
        {
            throw new ArgumentException($"Query vectors are {query.Dimensions}-d but document vectors are {document.Dimensions}-d.", nameof(document));
        }

        if (document.Count == 0)
        {
            throw new ArgumentException("The document has no vectors.", nameof(document));
        }

        double score = 0;
        for (int q = 0; q < query.Count; q++)
        {
            var vector = query[q];
            float best = float.NegativeInfinity;
            for (int d = 0; d < document.Count; d++)
            {
                best = Math.Max(best, LowRank.Dot(vector, document[d]));
            }

            score += best;
        }

        return (float)score;
    }

    /// <summary>MaxSim of one query against each document, in order.</summary>
    public static float[] MaxSim(MultiVector query, IReadOnlyList<MultiVector> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var scores = new float[documents.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = MaxSim(query, documents[i]);
        }

        return scores;
    }
}
