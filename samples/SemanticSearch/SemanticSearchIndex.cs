// The semantic search sample's core: passages embedded with retrieval.passage and late chunking (each file is one
// document), queries with retrieval.query, ranked by cosine similarity. Works with any IEmbeddingGenerator.
using JinaEmbed.Integration;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Samples.SemanticSearch;

/// <summary>An in-memory index of text passages searched by meaning.</summary>
public sealed class SemanticSearchIndex
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly int? _dimensions;
    private readonly List<(string Document, int ChunkIndex, string Text, float[] Vector)> _passages = [];

    /// <summary>Creates an empty index; <paramref name="dimensions"/> picks a Matryoshka size (null: the model's full width).</summary>
    public SemanticSearchIndex(IEmbeddingGenerator<string, Embedding<float>> generator, int? dimensions = null)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        _dimensions = dimensions;
    }

    /// <summary>Number of indexed passages.</summary>
    public int Count => _passages.Count;

    /// <summary>The options passages are embedded with: the passage adapter, late chunking over the whole document.</summary>
    public EmbeddingGenerationOptions PassageOptions() => new EmbeddingGenerationOptions { Dimensions = _dimensions }
        .WithTask(JinaTask.RetrievalPassage).WithLateChunking();

    /// <summary>The options queries are embedded with: the query adapter.</summary>
    public EmbeddingGenerationOptions QueryOptions() => new EmbeddingGenerationOptions { Dimensions = _dimensions }
        .WithTask(JinaTask.RetrievalQuery).WithTruncation();

    /// <summary>Indexes every <c>*.txt</c> file of a folder (one document each), in file-name order.</summary>
    public async Task AddFolderAsync(string folder, CancellationToken cancellationToken = default)
    {
        foreach (var path in Directory.EnumerateFiles(folder, "*.txt").Order(StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            await AddDocumentAsync(Path.GetFileName(path), text, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Splits a document into passages and embeds them in one late-chunking call, so each sees its context.</summary>
    public async Task AddDocumentAsync(string name, string text, CancellationToken cancellationToken = default)
    {
        var chunks = TextChunker.Split(text);
        if (chunks.Count == 0)
        {
            return;
        }

        var embeddings = await _generator.GenerateAsync(chunks, PassageOptions(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < chunks.Count; i++)
        {
            _passages.Add((name, i, chunks[i], embeddings[i].Vector.ToArray()));
        }
    }

    /// <summary>The <paramref name="top"/> passages most similar to <paramref name="query"/>, best first.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int top = 3, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var queryVector = (await _generator.GenerateAsync([query], QueryOptions(), cancellationToken).ConfigureAwait(false))[0].Vector;
        return _passages
            .Select(p => new SearchHit(p.Document, p.ChunkIndex, p.Text, Cosine(queryVector.Span, p.Vector)))
            .OrderByDescending(hit => hit.Score)
            .ThenBy(hit => hit.Document, StringComparer.Ordinal)
            .ThenBy(hit => hit.ChunkIndex)
            .Take(top)
            .ToList();
    }

    /// <summary>Cosine similarity (vectors need not be normalised).</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Vectors differ in length.", nameof(b));
        }

        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            normA += a[i] * (double)a[i];
            normB += b[i] * (double)b[i];
        }

        return normA == 0 || normB == 0 ? 0f : (float)(dot / Math.Sqrt(normA * normB));
    }
}
