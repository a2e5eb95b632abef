// Late chunking on the tiny checkpoint: spans and vectors of every late_chunking case of expected.json, windows that
// cover the document equal the single pass, long documents through overlapping windows, empty chunks, plans, chunkers.
using System.Text.Json;
using JinaEmbed.Embedding;
using JinaEmbed.Tests.Models;

namespace JinaEmbed.Tests.Embedding;

public sealed class LateChunkingTests(TinyEmbedderFixture fixture) : IClassFixture<TinyEmbedderFixture>
{
    private const double PooledTolerance = 1e-5;

    private IEnumerable<JsonElement> Cases => fixture.Expected.RootElement.GetProperty("late_chunking").EnumerateArray();

    private static string[] Chunks(JsonElement c) => c.GetProperty("chunks").EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public void EveryFixtureCase_MatchesSpansAndVectors()
    {
        int count = 0;
        foreach (var c in Cases)
        {
            var options = new EmbedOptions { Task = c.GetProperty("task").GetString(), LateChunking = true };
            var chunks = Chunks(c);
            var plan = fixture.Embedder.PlanLateChunks(chunks, options);
            Assert.Equal(Parity.Ints(c.GetProperty("joined_input_ids")), plan.Sequences.Single().Ids);
            var expectedSpans = c.GetProperty("spans").EnumerateArray().Select(s => (s[0].GetInt32(), s[1].GetInt32())).ToList();
            Assert.Equal(expectedSpans, plan.Spans);

            var vectors = fixture.Embedder.Embed(chunks, options);
            var expected = c.GetProperty("embeddings").EnumerateArray().ToList();
            Assert.Equal(expected.Count, vectors.Length);
            for (int i = 0; i < vectors.Length; i++)
            {
                Parity.Within(vectors[i], Parity.Floats(expected[i]), PooledTolerance, $"{c.GetProperty("name").GetString()} chunk {i}");
            }

            count++;
        }

        Assert.Equal(6, count);
    }

    [Fact]
    public void WindowCoveringTheDocument_EqualsSinglePass_AndPlanPoolAgrees()
    {
        var c = Cases.First();
        var chunks = Chunks(c);
        var options = new EmbedOptions { Task = "retrieval.passage" };
        var single = fixture.Embedder.EmbedLateChunks(chunks, options);
        int length = c.GetProperty("n_tokens").GetInt32();
        var exact = fixture.Embedder.EmbedLateChunks(chunks, options, new LateChunkingOptions { WindowTokens = length, Overlap = 16 });
        var plan = fixture.Embedder.PlanLateChunks(chunks, options, new LateChunkingOptions { WindowTokens = length, Overlap = 16 });
        Assert.Single(plan.Sequences);
        var states = plan.Sequences.Select(s => fixture.Embedder.Model.Forward(JinaEmbed.Models.EncoderBatch.FromSequences([s.Ids], [s.Adapter]))).ToList();
        var pooled = plan.Pool(states);
        for (int i = 0; i < chunks.Length; i++)
        {
            Assert.Equal(single[i], exact[i]);
            Assert.Equal(single[i], pooled[i]);
        }
    }

    [Fact]
    public void LongDocument_RunsAsOverlappingWindows()
    {
        var chunks = Enumerable.Range(0, 40).Select(i => $"Sentence number {i} talks about topic {i % 7} in some detail.").ToArray();
        var options = new EmbedOptions { Task = "retrieval.passage" };
        var windows = new LateChunkingOptions { WindowTokens = 96, Overlap = 24 };
        var plan = fixture.Embedder.PlanLateChunks(chunks, options, windows);
        Assert.True(plan.TokenCount > 96 * 3);
        Assert.True(plan.Sequences.Count > 3);
        Assert.All(plan.Sequences, s => Assert.True(s.Ids.Length <= 96));
        Assert.Equal(0, plan.Sequences[0].Ids[0]);
        Assert.Equal(2, plan.Sequences[^1].Ids[^1]);

        // Kept outputs tile the document exactly: first window whole, later ones from the overlap on.
        int kept = plan.Sequences[0].Ids.Length + plan.Sequences.Skip(1).Sum(s => s.Ids.Length - windows.Overlap);
        Assert.Equal(plan.TokenCount, kept);

        var windowed = fixture.Embedder.EmbedLateChunks(chunks, options, windows);
        var whole = fixture.Embedder.EmbedLateChunks(chunks, options);
        var alone = fixture.Embedder.Embed(chunks, options);
        Assert.Equal(chunks.Length, windowed.Length);
        for (int i = 0; i < chunks.Length; i++)
        {
            Assert.All(windowed[i], x => Assert.True(float.IsFinite(x)));
            Assert.Equal(1.0, Math.Sqrt(windowed[i].Sum(x => (double)x * x)), 5);
            Assert.True(Parity.MaxAbs(windowed[i], alone[i]) > 1e-3, $"chunk {i} equals the chunk embedded alone");
        }

        // Chunks inside the first window see the same left context as in the whole pass; later ones do not.
        Assert.True(Parity.MaxAbs(windowed[^1], whole[^1]) > 1e-4);
    }

    [Fact]
    public void EmptyChunks_AddNoTextAndGetZeroVectors()
    {
        var options = new EmbedOptions { Task = "text-matching" };
        var withEmpty = fixture.Embedder.EmbedLateChunks(["First part.", "", "Second part."], options);
        var without = fixture.Embedder.EmbedLateChunks(["First part.", "Second part."], options);
        Assert.Equal(3, withEmpty.Length);
        Assert.All(withEmpty[1], x => Assert.Equal(0f, x));
        Assert.Equal(without[0], withEmpty[0]);
        Assert.Equal(without[1], withEmpty[2]);
    }

    [Fact]
    public void DocumentWithRanges_EqualsJoinedChunks()
    {
        var c = Cases.First(e => e.GetProperty("task").GetString() == "text-matching");
        var chunks = Chunks(c);
        var (document, ranges) = LateChunking.Join(chunks);
        var options = new EmbedOptions { Task = "text-matching" };
        var viaRanges = fixture.Embedder.EmbedDocument(document, ranges.Select(r => r!.Value).ToList(), options);
        var viaChunks = fixture.Embedder.EmbedLateChunks(chunks, options);
        for (int i = 0; i < chunks.Length; i++)
        {
            Assert.Equal(viaChunks[i], viaRanges[i]);
        }
    }

    [Fact]
    public void Strategies_CutTheDocument()
    {
        const string document = "The first sentence. The second one! A third? And the last one";
        Assert.Equal([(0, 19), (20, 35), (36, 44), (45, 61)], LateChunking.SentenceRanges(document));
        Assert.Equal([(0, 35), (36, 61)], LateChunking.SentenceRanges(document, 2));
        var bySentence = fixture.Embedder.EmbedDocument(document, ChunkingStrategy.Sentences(2));
        Assert.Equal(2, bySentence.Length);

        var plan = fixture.Embedder.PlanDocument(document, ChunkingStrategy.FixedTokens(4), new EmbedOptions { Task = "retrieval.passage" });
        Assert.Equal(0, plan.Spans[0].Start);
        Assert.Equal(plan.TokenCount, plan.Spans[^1].End);
        for (int i = 1; i < plan.Spans.Count; i++)
        {
            Assert.Equal(plan.Spans[i - 1].End, plan.Spans[i].Start);
        }

        var vectors = fixture.Embedder.EmbedDocument(document, ChunkingStrategy.FixedTokens(4), new EmbedOptions { Task = "retrieval.passage" });
        Assert.Equal(plan.Spans.Count, vectors.Length);
    }

    [Fact]
    public void BadWindowSettings_AreRefused()
    {
        Assert.Throws<EmbeddingException>(() => fixture.Embedder.PlanLateChunks(["a"], null, new LateChunkingOptions { WindowTokens = 64, Overlap = 64 }));
        Assert.Throws<EmbeddingException>(() => fixture.Embedder.PlanLateChunks(["a"], null, new LateChunkingOptions { WindowTokens = 9000 }));
        Assert.Equal(EmbeddingErrorKind.InvalidInput, Assert.Throws<EmbeddingException>(() => fixture.Embedder.PlanLateChunks([])).Kind);
    }
}
