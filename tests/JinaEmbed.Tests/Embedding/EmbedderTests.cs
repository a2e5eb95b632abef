// The public pipeline on the tiny checkpoint: text → prompt → tokens → vector equals the official encode(), token-id input,
// Matryoshka sizes, batching invariance (alone, padded batch, mixed tasks, small batch budgets), and refused inputs.
using System.Text.Json;
using JinaEmbed.Embedding;
using JinaEmbed.Models;
using JinaEmbed.Tests.Models;

namespace JinaEmbed.Tests.Embedding;

public sealed class EmbedderTests(TinyEmbedderFixture fixture) : IClassFixture<TinyEmbedderFixture>
{
    private const double PooledTolerance = 1e-5;

    private static string? Task(JsonElement c) => c.GetProperty("task").ValueKind == JsonValueKind.Null ? null : c.GetProperty("task").GetString();

    [Fact]
    public void TextPath_MatchesOfficialEncode_ForEveryTaskAndNoTask()
    {
        var embedder = fixture.Embedder;
        int compared = 0;
        foreach (var c in fixture.Cases("single").Concat(fixture.Cases("long")))
        {
            string text = c.GetProperty("text").GetString()!;
            string id = c.TryGetProperty("id", out var label) ? label.GetString()! : $"long/{Task(c)}";
            if (!c.GetProperty("tokenizer_json_ids_equal").GetBoolean())
            {
                continue;
            }

            var options = new EmbedOptions { Task = Task(c) };
            var prepared = embedder.Prepare(EmbeddingInput.FromText(text), 0, embedder.ResolveTask(options.Task), false);
            Assert.Equal(Parity.Ints(c.GetProperty("input_ids")), prepared.Ids);
            var vector = embedder.Embed([text], options)[0];
            Parity.Within(vector, Parity.Floats(c.GetProperty("embedding")), PooledTolerance, id);
            if (c.GetProperty("kind").GetString() == "single")
            {
                // The long inputs run once; the short ones also check the raw mean and one Matryoshka size through the API.
                var raw = embedder.Embed([text], options with { Normalize = false })[0];
                Parity.Within(raw, Parity.Floats(c.GetProperty("unnormalized")), PooledTolerance, "unnormalized");
                var m = c.GetProperty("matryoshka").EnumerateObject().First();
                var truncated = embedder.Embed([text], options with { Dimensions = int.Parse(m.Name) })[0];
                Parity.Within(truncated, Parity.Floats(m.Value), PooledTolerance, $"matryoshka {m.Name}");
            }

            compared++;
        }

        Assert.True(compared >= 70, $"only {compared} cases had tokenizer-equal ids");
    }

    [Fact]
    public void TokenIdPath_MatchesOfficialEncode()
    {
        var cases = fixture.Cases("single").ToList();
        foreach (var group in cases.GroupBy(Task))
        {
            var ids = group.Select(c => Parity.Ints(c.GetProperty("input_ids"))).ToList();
            var vectors = fixture.Embedder.EmbedTokenIds(ids, new EmbedOptions { Task = group.Key ?? "none" });
            int i = 0;
            foreach (var c in group)
            {
                Parity.Within(vectors[i++], Parity.Floats(c.GetProperty("embedding")), PooledTolerance, c.GetProperty("id").GetString()!);
            }
        }
    }

    [Fact]
    public void Vector_DoesNotDependOnBatching()
    {
        var embedder = fixture.Embedder;
        string[] texts = ["A short one.", "Ein etwas längerer deutscher Satz mit mehreren Wörtern darin.", "中文句子。", "x"];
        foreach (string? task in new[] { null, "retrieval.query", "classification" })
        {
            var options = new EmbedOptions { Task = task };
            var batched = embedder.Embed(texts, options);
            for (int i = 0; i < texts.Length; i++)
            {
                var alone = embedder.Embed([texts[i]], options)[0];
                Parity.Within(batched[i], alone, PooledTolerance, $"{task} text {i} batched vs alone");
            }
        }

        // Mixed tasks in one packed forward: each row equals its own single-task run.
        var model = (JinaV3Model)embedder.Model;
        var tasks = new[] { "text-matching", "retrieval.passage", "none", "separation" };
        var prepared = texts.Select((t, i) => embedder.Prepare(EmbeddingInput.FromText(t), i, embedder.ResolveTask(tasks[i]), false)).ToList();
        var batch = EncoderBatch.FromSequences(prepared.Select(p => p.Ids).ToList(), prepared.Select(p => p.Adapter).ToList());
        var states = model.Forward(batch);
        for (int i = 0; i < texts.Length; i++)
        {
            var mixed = embedder.Pool(states, batch.SequenceStarts[i], batch.SequenceStarts[i + 1], new EmbedOptions());
            var alone = embedder.Embed([texts[i]], new EmbedOptions { Task = tasks[i] })[0];
            Parity.Within(mixed, alone, PooledTolerance, $"mixed-task row {i}");
        }
    }

    [Fact]
    public void SmallBatchBudget_GivesTheSameVectors()
    {
        using var small = Embedder.Load(Fixtures.Path("tiny-jina-v3"), new EmbedderOptions { Threads = 1, MaxBatchTokens = 8 });
        string[] texts = ["one two three four five six seven", "b", "a longer sentence than the budget allows for sure"];
        var expected = fixture.Embedder.Embed(texts, new EmbedOptions { Task = "retrieval.passage" });
        var actual = small.Embed(texts, new EmbedOptions { Task = "retrieval.passage" });
        for (int i = 0; i < texts.Length; i++)
        {
            Parity.Within(actual[i], expected[i], PooledTolerance, $"text {i}");
        }
    }

    [Fact]
    public void AnyDimensionInRange_IsUnitNormPrefix()
    {
        var full = fixture.Embedder.Embed(["hello world"], new EmbedOptions { Normalize = false })[0];
        foreach (int d in new[] { 1, 7, 33, 64 })
        {
            var v = fixture.Embedder.Embed(["hello world"], new EmbedOptions { Dimensions = d })[0];
            Assert.Equal(d, v.Length);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 5);
            double norm = Math.Sqrt(full.Take(d).Sum(x => (double)x * x));
            Parity.Within(v, full.Take(d).Select(x => (float)(x / norm)).ToArray(), 1e-6, $"d={d}");
        }
    }

    [Fact]
    public void UnknownTask_IsInvalidTask()
    {
        var e = Assert.Throws<EmbeddingException>(() => fixture.Embedder.Embed(["x"], new EmbedOptions { Task = "retrieval" }));
        Assert.Equal(EmbeddingErrorKind.InvalidTask, e.Kind);
        Assert.Equal("task", e.Param);
        Assert.Contains("retrieval.query", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(65)]
    public void DimensionsOutOfRange_AreInvalidDimensions(int dimensions)
    {
        var e = Assert.Throws<EmbeddingException>(() => fixture.Embedder.Embed(["x"], new EmbedOptions { Dimensions = dimensions }));
        Assert.Equal(EmbeddingErrorKind.InvalidDimensions, e.Kind);
        Assert.Equal("dimensions", e.Param);
    }

    [Fact]
    public void TooLongInput_IsRefusedOrTruncatedKeepingTheFinalToken()
    {
        string text = string.Join(" ", Enumerable.Repeat("word", 9000));
        var e = Assert.Throws<EmbeddingException>(() => fixture.Embedder.Embed(["ok", text]));
        Assert.Equal(EmbeddingErrorKind.ContextLengthExceeded, e.Kind);
        Assert.Equal("input", e.Param);
        Assert.StartsWith("input[1] has 900", e.Message);
        Assert.Contains("the maximum is 8194", e.Message);

        var prepared = fixture.Embedder.Prepare(EmbeddingInput.FromText(text), 1, EmbeddingTask.None, truncate: true);
        Assert.Equal(8194, prepared.Ids.Length);
        Assert.Equal(0, prepared.Ids[0]);
        Assert.Equal(2, prepared.Ids[^1]);
        var v = fixture.Embedder.Embed([text], new EmbedOptions { Truncate = true })[0];
        Assert.All(v, x => Assert.True(float.IsFinite(x)));
    }

    [Fact]
    public void BadTokenIds_AreInvalidInput()
    {
        Assert.Equal(EmbeddingErrorKind.InvalidInput, Assert.Throws<EmbeddingException>(() => fixture.Embedder.EmbedTokenIds([[0, 8002, 2]])).Kind);
        Assert.Equal(EmbeddingErrorKind.InvalidInput, Assert.Throws<EmbeddingException>(() => fixture.Embedder.EmbedTokenIds([[0, -1, 2]])).Kind);
        Assert.Equal(EmbeddingErrorKind.InvalidInput, Assert.Throws<EmbeddingException>(() => fixture.Embedder.EmbedTokenIds([[]])).Kind);
    }

    [Fact]
    public void Info_DescribesTheModel()
    {
        var info = fixture.Embedder.Info;
        Assert.Equal(64, info.HiddenSize);
        Assert.Equal(8194, info.MaxTokens);
        Assert.Equal(5, info.AdapterCount);
        Assert.Equal("BF16", info.WeightDataType);
        Assert.Equal("Represent the document for retrieval: ", info.TaskPrompts["retrieval.passage"]);
        Assert.Equal([8, 16, 32, 64], info.MatryoshkaDimensions);
        Assert.Equal(2, fixture.Embedder.Threads);
    }
}
