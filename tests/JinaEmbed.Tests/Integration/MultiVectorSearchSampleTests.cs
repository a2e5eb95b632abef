// The MultiVectorSearch sample's core on the tiny v4 model: cosine candidates re-ranked by MaxSim must match what the
// library computes directly (never a hard-coded answer).
using JinaEmbed.Embedding;
using JinaEmbed.Samples.MultiVectorSearch;

namespace JinaEmbed.Tests.Integration;

public sealed class MultiVectorSearchSampleTests(JinaV4GeneratorFixture model) : IClassFixture<JinaV4GeneratorFixture>
{
    private static readonly (string Name, string Text)[] Snippets =
    [
        ("add.py", "def add(a, b):\n    return a + b"),
        ("sort.py", "items.sort(key=lambda x: x.name)"),
        ("query.sql", "SELECT name FROM users WHERE id = 1;"),
        ("hello.cs", "Console.WriteLine(\"Hello, world!\");"),
        ("read.py", "with open(path) as f:\n    text = f.read()"),
    ];

    [Fact]
    public void Candidates_by_cosine_are_reranked_by_the_librarys_MaxSim()
    {
        var index = new MultiVectorIndex(model.Embedder);
        index.Add(Snippets[..3]);
        index.Add(Snippets[3..]);
        const string query = "sort a list of objects by name";

        var hits = index.Search(query, top: 3, candidates: 4);

        var options = new EmbedOptions { Task = "code.passage" };
        var passages = Snippets.Select(s => s.Text).ToList();
        var vectors = model.Embedder.Embed(passages, options);
        var tokens = model.Embedder.EmbedMultiVectors(passages, options);
        var queryVector = model.Embedder.Embed([query], new EmbedOptions { Task = "code.query" })[0];
        var queryTokens = model.Embedder.EmbedMultiVectors([query], new EmbedOptions { Task = "code.query" })[0];
        var expected = Enumerable.Range(0, Snippets.Length)
            .OrderByDescending(i => vectors[i].Zip(queryVector).Sum(p => p.First * p.Second))
            .Take(4)
            .OrderByDescending(i => LateInteraction.MaxSim(queryTokens, tokens[i]))
            .Take(3)
            .ToList();
        Assert.Equal(expected.Select(i => Snippets[i].Name), hits.Select(h => h.Name));
        for (var k = 0; k < hits.Count; k++)
        {
            Assert.Equal(LateInteraction.MaxSim(queryTokens, tokens[expected[k]]), hits[k].MaxSim, 3);
        }
    }
}
