// A small visual document index: page images embedded once with retrieval.passage into a single vector and a
// multi-vector (one forward pass, EmbeddingOutput.Both); text queries (retrieval.query) ranked two ways, side by side:
// MaxSim over the multi-vectors (late interaction, ViDoRe's stronger mode) and cosine over the single vectors.
using JinaEmbed.Embedding;

namespace JinaEmbed.Samples.VisualDocumentSearch;

/// <summary>One page's score under both rankings.</summary>
/// <param name="Name">The page's name (its file, relative to the indexed folder).</param>
/// <param name="MaxSim">Late-interaction score: the sum over query tokens of the best-matching page token's dot product.</param>
/// <param name="Cosine">Cosine of the single vectors (both are L2-normalised, so the dot product).</param>
public sealed record PageHit(string Name, float MaxSim, float Cosine);

/// <summary>The same pages ranked by MaxSim and by cosine.</summary>
public sealed record PageRankings(IReadOnlyList<PageHit> ByMaxSim, IReadOnlyList<PageHit> ByCosine);

/// <summary>Page images in memory with both kinds of vectors.</summary>
public sealed class VisualIndex(Embedder embedder)
{
    private readonly List<(string Name, float[] Vector, MultiVector Tokens)> _pages = [];

    /// <summary>Pages indexed so far.</summary>
    public int Count => _pages.Count;

    /// <summary>Embeds page images (encoded PNG/JPEG/… bytes) as passages: single and multi vectors from one pass.</summary>
    public async Task AddAsync(IReadOnlyList<(string Name, byte[] Image)> pages, CancellationToken cancellationToken = default)
    {
        if (pages.Count == 0)
        {
            return;
        }

        var request = new EmbeddingRequest(
            [.. pages.Select(p => EmbeddingInput.FromImage(p.Image))],
            new EmbedOptions { Task = "retrieval.passage", Output = EmbeddingOutput.Both });
        var result = await embedder.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < pages.Count; i++)
        {
            _pages.Add((pages[i].Name, result.Embeddings[i], result.MultiVectors![i]));
        }
    }

    /// <summary>Ranks every page for a text query both ways; each list has the <paramref name="top"/> best pages.</summary>
    public async Task<PageRankings> SearchAsync(string query, int top = 3, CancellationToken cancellationToken = default)
    {
        var request = new EmbeddingRequest([EmbeddingInput.FromText(query)], new EmbedOptions { Task = "retrieval.query", Output = EmbeddingOutput.Both });
        var result = await embedder.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
        var queryVector = result.Embeddings[0];
        var queryTokens = result.MultiVectors![0];
        var hits = _pages.Select(p => new PageHit(p.Name, LateInteraction.MaxSim(queryTokens, p.Tokens), Dot(queryVector, p.Vector))).ToList();
        return new PageRankings(
            [.. hits.OrderByDescending(h => h.MaxSim).ThenBy(h => h.Name, StringComparer.Ordinal).Take(top)],
            [.. hits.OrderByDescending(h => h.Cosine).ThenBy(h => h.Name, StringComparer.Ordinal).Take(top)]);
    }

    private static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
