// all-MiniLM-L6-v2 against ONNX Runtime (all-MiniLM-L6-v2/expected.json): exact token ids, token states ≤ 1e-4,
// pooled + normalised embeddings ≤ 1e-5, the published leading values, and packed batches equal to single runs.
using JinaEmbed.Embedding;
using JinaEmbed.Models;
using JinaEmbed.Tests.Models;

namespace JinaEmbed.Tests.Bert;

public sealed class MiniLmParityTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private const double StateTolerance = 1e-4;
    private const double PooledTolerance = 1e-5;

    [Fact]
    public void Loader_SelectsBertWithSentenceTransformersPipeline()
    {
        var info = fixture.Embedder.Info;
        Assert.Equal("bert", info.Architecture);
        Assert.IsType<BertModel>(fixture.Embedder.Model);
        Assert.Equal(384, info.HiddenSize);
        Assert.Equal(256, info.MaxTokens);
        Assert.Equal(PoolingMode.Mean, info.Pooling);
        Assert.True(info.Normalize);
        Assert.Empty(info.Tasks);
        Assert.Equal(0, info.AdapterCount);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", info.Name);
    }

    [Fact]
    public void TokenIds_MatchReferenceExactly()
    {
        int count = 0;
        foreach (var c in fixture.Cases)
        {
            var ids = fixture.Embedder.Tokenizer.Encode(c.GetProperty("input").GetString()!).Ids;
            Assert.Equal(Parity.Ints(c.GetProperty("input_ids")), ids);
            count++;
        }

        Assert.Equal(30, count);
    }

    [Fact]
    public void TokenStates_MatchOnnxRuntime()
    {
        var model = fixture.Embedder.Model;
        int checkedCases = 0;
        foreach (var c in fixture.Cases.Where(c => c.TryGetProperty("last_hidden_state", out _)))
        {
            var ids = Parity.Ints(c.GetProperty("input_ids"));
            var states = model.Forward(EncoderBatch.FromSequences([ids], [-1]));
            Parity.Within(states, Parity.Rows(c.GetProperty("last_hidden_state")), StateTolerance, $"case {c.GetProperty("index")} token states");
            checkedCases++;
        }

        Assert.Equal(3, checkedCases);
    }

    [Fact]
    public void Embeddings_MatchOnnxRuntime_OneAtATimeAndBatched()
    {
        var cases = fixture.Cases.ToList();
        var texts = cases.Select(c => c.GetProperty("input").GetString()!).ToList();
        var batched = fixture.Embedder.Embed(texts);
        for (int i = 0; i < cases.Count; i++)
        {
            var expected = Parity.Floats(cases[i].GetProperty("embedding"));
            Parity.Within(fixture.Embedder.Embed([texts[i]])[0], expected, PooledTolerance, $"case {i} embedding");
            Parity.Within(batched[i], expected, PooledTolerance, $"case {i} embedding in a packed batch");
        }
    }

    [Fact]
    public void ExampleSentence_GivesPublishedLeadingValues()
    {
        var vector = fixture.Embedder.Embed(["This is an example sentence"])[0];
        float[] published = [0.067657f, 0.063496f, 0.048713f, 0.079305f, 0.037448f];
        for (int i = 0; i < published.Length; i++)
        {
            Assert.Equal(published[i], vector[i], 6e-7f);
        }
    }

    [Fact]
    public void Dimensions_TruncateThenNormalise()
    {
        var full = fixture.Embedder.Embed(["A man is playing a guitar."], new EmbedOptions { Normalize = false })[0];
        var cut = fixture.Embedder.Embed(["A man is playing a guitar."], new EmbedOptions { Dimensions = 64 })[0];
        Assert.Equal(64, cut.Length);
        Parity.Within(cut, Matryoshka.Apply(full, 64, true), 1e-6, "truncated vector");
    }

    [Fact]
    public void Tasks_AreRejected_ForAModelWithoutAdaptersOrPrompts()
    {
        var error = Assert.Throws<EmbeddingException>(() => fixture.Embedder.Embed(["hello"], new EmbedOptions { Task = "retrieval.query" }));
        Assert.Equal(EmbeddingErrorKind.InvalidTask, error.Kind);
        Assert.Contains("no tasks", error.Message, StringComparison.Ordinal);
        Assert.Single(fixture.Embedder.Embed(["hello"], new EmbedOptions { Task = "none" }));
    }

    [Fact]
    public void LongInput_TruncatesToMaxSeqLength_KeepingSep()
    {
        string text = string.Join(' ', Enumerable.Repeat("word", 400));
        var error = Assert.Throws<EmbeddingException>(() => fixture.Embedder.Embed([text]));
        Assert.Equal(EmbeddingErrorKind.ContextLengthExceeded, error.Kind);
        var ids = fixture.Embedder.Tokenizer.Encode(text).Ids;
        var kept = ids[..255].Append(ids[^1]).ToArray();
        var truncated = fixture.Embedder.Embed([text], new EmbedOptions { Truncate = true })[0];
        Parity.Within(truncated, fixture.Embedder.EmbedTokenIds([kept])[0], 1e-6, "truncated input");
    }
}
