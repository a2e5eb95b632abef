// The SemanticSearch sample's core on a small corpus with the tiny model: its ranking must be the one computed
// directly from the library (late-chunked passages, retrieval.query query, cosine), never a hard-coded answer.
using JinaEmbed.Embedding;
using JinaEmbed.Integration;
using JinaEmbed.Samples.SemanticSearch;

namespace JinaEmbed.Tests.Integration;

public sealed class SemanticSearchSampleTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>, IDisposable
{
    private static readonly Dictionary<string, string> Corpus = new()
    {
        ["baking.txt"] = "Sourdough bread needs a starter of flour and water.\n\nBake it in a hot oven until the crust is dark. Let it cool before cutting.",
        ["rivers.txt"] = "The Rhine flows from the Alps to the North Sea.\n\nMany cities grew along its banks because boats carried goods.",
        ["space.txt"] = "The Moon orbits the Earth once a month.\n\nAstronauts first walked on it in 1969.",
        ["music.txt"] = "A string quartet has two violins, a viola and a cello.",
        ["empty.txt"] = "\n\n   \n",
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("jinaembed-search-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("When did people walk on the Moon?", null)]
    [InlineData("Bake it in a hot oven until the crust is dark.", null)]
    [InlineData("boats on the Rhine", 16)]
    public async Task The_sample_ranks_passages_as_the_library_does(string query, int? dimensions)
    {
        foreach (var (name, text) in Corpus)
        {
            File.WriteAllText(Path.Combine(_folder, name), text);
        }

        using var generator = new JinaEmbeddingGenerator(model.Embedder);
        var index = new SemanticSearchIndex(generator, dimensions);
        await index.AddFolderAsync(_folder);
        var hits = await index.SearchAsync(query, top: 4);

        var expected = ExpectedRanking(query, dimensions);
        Assert.Equal(expected.Count, index.Count);
        Assert.Equal(4, hits.Count);
        for (var i = 0; i < hits.Count; i++)
        {
            Assert.Equal((expected[i].Document, expected[i].ChunkIndex), (hits[i].Document, hits[i].ChunkIndex));
            Assert.Equal(expected[i].Score, hits[i].Score, VectorAssert.Tolerance);
        }

        // The best passage's document is the one the library's vectors pick.
        Assert.Equal(expected[0].Document, hits[0].Document);
    }

    // Passages: each file's chunks late-chunked with retrieval.passage; the query with retrieval.query; cosine, best first.
    private List<(string Document, int ChunkIndex, float Score)> ExpectedRanking(string query, int? dimensions)
    {
        var queryVector = model.Embedder.Embed([query], new EmbedOptions { Task = JinaTask.RetrievalQuery.ToTaskName(), Dimensions = dimensions })[0];
        var ranking = new List<(string Document, int ChunkIndex, float Score)>();
        foreach (var name in Corpus.Keys.Order(StringComparer.Ordinal))
        {
            var chunks = TextChunker.Split(Corpus[name]);
            if (chunks.Count == 0)
            {
                continue;
            }

            var vectors = model.Embedder.Embed(chunks, new EmbedOptions { Task = JinaTask.RetrievalPassage.ToTaskName(), Dimensions = dimensions, LateChunking = true });
            for (var i = 0; i < chunks.Count; i++)
            {
                ranking.Add((name, i, Cosine(queryVector, vectors[i])));
            }
        }

        return [.. ranking.OrderByDescending(r => r.Score)];
    }

    private static float Cosine(float[] a, float[] b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            aa += a[i] * (double)a[i];
            bb += b[i] * (double)b[i];
        }

        return (float)(dot / Math.Sqrt(aa * bb));
    }
}
