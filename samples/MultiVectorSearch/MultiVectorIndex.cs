// Two-stage search with jina-embeddings-v4: every passage is embedded once with both outputs (one forward pass); a query
// ranks all passages by single-vector cosine, then re-ranks the best candidates by MaxSim over their token vectors.
using JinaEmbed.Embedding;

namespace JinaEmbed.Samples.MultiVectorSearch;

/// <summary>An in-memory index of passages with their single vector and token vectors.</summary>
public sealed class MultiVectorIndex(Embedder embedder, string passageTask = "code.passage", string queryTask = "code.query")
{
    private readonly List<(string Name, string Text, float[] Vector, MultiVector Tokens)> _passages = [];

    /// <summary>Passages indexed so far.</summary>
    public int Count => _passages.Count;

    /// <summary>Embeds passages (single vector and token vectors from the same pass) and adds them.</summary>
    public void Add(IReadOnlyList<(string Name, string Text)> passages)
    {
        var result = embedder.Embed(new EmbeddingRequest(passages.Select(p => EmbeddingInput.FromText(p.Text)).ToList(),
            new EmbedOptions { Task = passageTask, Output = EmbeddingOutput.Both, Truncate = true }));
        for (var i = 0; i < passages.Count; i++)
        {
            _passages.Add((passages[i].Name, passages[i].Text, result.Embeddings[i], result.MultiVectors![i]));
        }
    }

    /// <summary>
    /// The best <paramref name="top"/> passages for <paramref name="query"/>: the <paramref name="candidates"/> nearest by
    /// cosine, re-ranked by MaxSim (higher is better).
    /// </summary>
    public IReadOnlyList<Hit> Search(string query, int top = 3, int candidates = 20)
    {
        var result = embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromText(query)],
            new EmbedOptions { Task = queryTask, Output = EmbeddingOutput.Both, Truncate = true }));
        var vector = result.Embeddings[0];
        var tokens = result.MultiVectors![0];
        return _passages
            .Select(p => (Passage: p, Cosine: Dot(vector, p.Vector))) // unit vectors: the dot product is the cosine
            .OrderByDescending(c => c.Cosine)
            .Take(candidates)
            .Select(c => new Hit(c.Passage.Name, c.Passage.Text, c.Cosine, LateInteraction.MaxSim(tokens, c.Passage.Tokens)))
            .OrderByDescending(h => h.MaxSim)
            .Take(top)
            .ToList();
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

/// <summary>One search result: the first-stage cosine and the MaxSim it was re-ranked by.</summary>
public sealed record Hit(string Name, string Text, float Cosine, float MaxSim);
