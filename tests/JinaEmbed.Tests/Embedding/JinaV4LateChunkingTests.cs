// Late chunking on jina-embeddings-v4 text (spec §10): the prefix joins chunk 0, a token belongs to the chunk its first
// character is in (also when byte-level BPE splits a character over two tokens), and multi-vectors follow the spans.
using JinaEmbed.Embedding;
using JinaEmbed.Tests.Models;

namespace JinaEmbed.Tests.Embedding;

public sealed class JinaV4LateChunkingTests(JinaV4Fixture fixture) : IClassFixture<JinaV4Fixture>
{
    [Fact]
    public void OneChunkEqualsThePlainEmbeddingOfItsText()
    {
        var embedder = fixture.TinyEmbedder;
        var options = new EmbedOptions { Task = "retrieval.passage", Output = EmbeddingOutput.Both };
        const string Text = "Berlin is the capital of Germany.";
        var plain = embedder.Embed(new EmbeddingRequest([Text], options));
        var late = embedder.Embed(new EmbeddingRequest([Text], options with { LateChunking = true }));
        Parity.Within(late.Embeddings[0], plain.Embeddings[0], 1e-6, "single");
        Parity.Within(late.MultiVectors![0].Values, plain.MultiVectors![0].Values, 1e-6, "multi");
        Assert.Equal(plain.TokenCount, late.TokenCount);
    }

    [Fact]
    public void ChunkMultiVectorsPartitionTheJoinedSequence()
    {
        var embedder = fixture.TinyEmbedder;
        string[] chunks = ["Berlin is the capital of Germany.", "Its population is 3.85 million.", "It is also a state."];
        var options = new EmbedOptions { Task = "retrieval.passage", Output = EmbeddingOutput.Both, LateChunking = true };
        var late = embedder.Embed(new EmbeddingRequest(chunks.Select(c => (EmbeddingInput)c).ToList(), options));
        var whole = embedder.Embed(new EmbeddingRequest([string.Join(" ", chunks)], options with { LateChunking = false, Output = EmbeddingOutput.MultiVector }));
        var joined = late.MultiVectors!.SelectMany(m => m.Values).ToArray();
        Assert.NotNull(whole.MultiVectors);
        Parity.Within(joined, whole.MultiVectors![0].Values, 1e-6, "chunk multi-vectors vs the joined text's");

        // Chunk 0 starts with the prefix tokens ("Passage: ") and the single vectors are the unit means of the spans.
        var plan = embedder.PlanLateChunks(chunks, options);
        Assert.Equal(0, plan.Spans[0].Start);
        Assert.Equal(plan.TokenCount, plan.Spans[^1].End);
        Assert.Equal(whole.TokenCount, plan.TokenCount);
        for (int c = 0; c < chunks.Length; c++)
        {
            Assert.Equal(plan.Spans[c].End - plan.Spans[c].Start, late.MultiVectors![c].Count);
            Assert.Equal(1.0, Math.Sqrt(late.Embeddings[c].Sum(v => (double)v * v)), 5);
        }
    }

    [Fact]
    public void TokenThatEndsAChunkInsideASplitCharacterStaysInThatChunk()
    {
        // "Query: 海 x": byte-level BPE gives " \xE6\xB5" (the space and two bytes of 海) and "\xB7" (its last byte), both
        // carrying 海's range. Chunk 0 ("海") must keep both; chunk 1 starts at the token of " x".
        var embedder = fixture.TinyEmbedder;
        var options = new EmbedOptions { Task = "retrieval.query", LateChunking = true };
        var plan = embedder.PlanLateChunks(["海", "x"], options);
        var encoding = embedder.Tokenizer.Encode("Query: 海 x", true, int.MaxValue);
        int chunkEnd = "Query: 海".Length;
        int firstOfChunk1 = Enumerable.Range(0, encoding.Count).First(t => encoding.Offsets[t].Start >= chunkEnd);
        Assert.Equal(2, Enumerable.Range(0, encoding.Count).Count(t => encoding.Offsets[t].End == chunkEnd));
        Assert.Equal((0, firstOfChunk1), plan.Spans[0]);
        Assert.Equal((firstOfChunk1, encoding.Count), plan.Spans[1]);
    }

    [Fact]
    public void LateChunkingWindowsBeyondTheContextCoverEveryToken()
    {
        // A document longer than a (lowered) window runs in overlapping windows; every token still gets one multi-vector.
        var embedder = fixture.TinyEmbedder;
        var chunks = Enumerable.Range(0, 12).Select(i => $"Sentence number {i} talks about topic {i * 7}.").ToList();
        var options = new EmbedOptions { Task = "code.passage", Output = EmbeddingOutput.Both, LateChunking = true };
        var plan = embedder.PlanLateChunks(chunks, options, new LateChunkingOptions { WindowTokens = 40, Overlap = 8 });
        Assert.True(plan.Sequences.Count > 2);
        var windowed = embedder.EmbedLateChunks(chunks, options, new LateChunkingOptions { WindowTokens = 40, Overlap = 8 });
        Assert.Equal(chunks.Count, windowed.Length);
        Assert.All(windowed, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 5));
    }
}
