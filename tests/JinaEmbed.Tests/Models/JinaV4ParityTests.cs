// jina-embeddings-v4 text path against Jina's official code (spec §11): every text and id case of both tiny fixtures,
// single vectors, Matryoshka slices and multi-vectors, alone, in padded batches and packed with other tasks.
using System.Text.Json;
using JinaEmbed.Embedding;
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Models;

public sealed class JinaV4ParityTests(JinaV4Fixture fixture) : IClassFixture<JinaV4Fixture>
{
    public static TheoryData<string> TinyTextCases() => CaseIds("tiny-jina-v4", "text_cases");

    public static TheoryData<string> RealDimsIdCases() => CaseIds("tiny-jina-v4-realdims", "id_cases");

    [Theory]
    [MemberData(nameof(TinyTextCases))]
    public void TinyTextCaseFromTokenIdsMatchesOfficialOutputs(string id)
    {
        var c = Case(fixture.Tiny, "text_cases", id);
        var ids = Parity.Ints(c.GetProperty("input_ids"));
        var result = fixture.TinyEmbedder.Embed(new EmbeddingRequest([EmbeddingInput.FromTokenIds(ids)], new EmbedOptions { Task = c.GetProperty("task").GetString(), Output = EmbeddingOutput.Both }));
        AssertOutputs(fixture.Tiny, c, fixture.TinyEmbedder, result.Embeddings[0], result.MultiVectors![0], ids, c.GetProperty("task").GetString()!, id);
    }

    [Theory]
    [MemberData(nameof(TinyTextCases))]
    public void TinyTextCaseFromTextMatchesOfficialIdsAndOutputs(string id)
    {
        // The whole text path: task prefix + Qwen2.5 BPE tokenizer → the official processor's ids, then the vectors.
        var c = Case(fixture.Tiny, "text_cases", id);
        if (c.GetProperty("max_length").ValueKind != JsonValueKind.Null)
        {
            return; // right truncation at a custom max_length: covered by TruncationCutsFromTheEndAndKeepsThePrefix
        }

        var embedder = fixture.TinyEmbedder;
        string task = c.GetProperty("task").GetString()!;
        string text = c.GetProperty("text").GetString()!;
        var prepared = embedder.Prepare(EmbeddingInput.FromText(text), 0, embedder.ResolveTask(task), truncate: false);
        Assert.Equal(Parity.Ints(c.GetProperty("input_ids")), prepared.Ids);
        var result = embedder.Embed(new EmbeddingRequest([text], new EmbedOptions { Task = task, Output = EmbeddingOutput.Both }));
        Assert.Equal(prepared.Ids.Length, result.TokenCount);
        Parity.Within(result.Embeddings[0], Parity.Floats(c.GetProperty("single")), 1e-5, $"{id} single from text");
        Parity.Within(result.MultiVectors![0].Values, Parity.Rows(c.GetProperty("multi")), 1e-4, $"{id} multi from text");
    }

    [Fact]
    public void TruncationCutsFromTheEndAndKeepsThePrefix()
    {
        var embedder = fixture.TinyEmbedder;
        var task = embedder.ResolveTask("retrieval.query");
        string text = string.Join(" ", Enumerable.Range(0, 20000).Select(i => "w" + (i % 97).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var full = embedder.Tokenizer.Encode("Query: " + text, true, int.MaxValue).Ids;
        Assert.True(full.Length > JinaV4Model.MaxTextTokens);
        var cut = embedder.Prepare(EmbeddingInput.FromText(text), 0, task, truncate: true);
        Assert.Equal(full[..JinaV4Model.MaxTextTokens], cut.Ids);
        Assert.Equal([2859, 25], cut.Ids[..2]);
        var e = Assert.Throws<EmbeddingException>(() => embedder.Prepare(EmbeddingInput.FromText(text), 3, task, truncate: false));
        Assert.Equal(EmbeddingErrorKind.ContextLengthExceeded, e.Kind);
        Assert.Contains("input[3]", e.Message);
    }

    [Fact]
    public void TaskNoneAndVersion3TasksAreRefusedListingTheFive()
    {
        foreach (var name in new[] { "none", "separation", "classification", "retrieval" })
        {
            var e = Assert.Throws<EmbeddingException>(() => fixture.TinyEmbedder.Embed(["x"], new EmbedOptions { Task = name }));
            Assert.Equal(EmbeddingErrorKind.InvalidTask, e.Kind);
            Assert.Contains("retrieval.query, retrieval.passage, text-matching, code.query, code.passage", e.Message);
        }

        // No task: the default, text-matching (prefix "Query: ").
        var byDefault = fixture.TinyEmbedder.Embed(["x"]);
        var matching = fixture.TinyEmbedder.Embed(["x"], new EmbedOptions { Task = "text-matching" });
        Assert.Equal(matching[0], byDefault[0]);
        Assert.Equal("text-matching", fixture.TinyEmbedder.Info.DefaultTask);
        Assert.False(fixture.TinyEmbedder.Info.AllowsBaseModel);
        Assert.Equal(16, fixture.TinyEmbedder.Info.MultiVectorDimensions);
        Assert.Equal(151665, fixture.TinyEmbedder.Info.VocabularySize);
    }

    [Theory]
    [MemberData(nameof(RealDimsIdCases))]
    public void RealDimsIdCaseMatchesOfficialOutputs(string id)
    {
        var c = Case(fixture.RealDims, "id_cases", id);
        var ids = Parity.Ints(c.GetProperty("input_ids"));
        string task = ApiTask(c.GetProperty("adapter").GetString()!);
        var result = fixture.RealDimsEmbedder.Embed(new EmbeddingRequest([EmbeddingInput.FromTokenIds(ids)], new EmbedOptions { Task = task, Output = EmbeddingOutput.Both }));
        AssertOutputs(fixture.RealDims, c, fixture.RealDimsEmbedder, result.Embeddings[0], result.MultiVectors![0], ids, task, id);
    }

    [Fact]
    public void PaddedBatchesEqualTheirItemsPackedWithoutPadding()
    {
        foreach (var (expected, embedder) in new[] { (fixture.Tiny, fixture.TinyEmbedder), (fixture.RealDims, fixture.RealDimsEmbedder) })
        {
            foreach (var batch in expected.RootElement.GetProperty("text_batches").EnumerateArray())
            {
                string task = batch.TryGetProperty("task", out var t) ? t.GetString()! : ApiTask(batch.GetProperty("adapter").GetString()!);
                var items = batch.GetProperty("items").EnumerateArray().ToList();
                // Unpadded ids: the padded rows where the attention mask is 1 (right padding).
                var padded = batch.GetProperty("padded_input_ids").EnumerateArray().Select(Parity.Ints).ToList();
                var mask = batch.GetProperty("attention_mask").EnumerateArray().Select(Parity.Ints).ToList();
                var inputs = padded.Select((row, r) => EmbeddingInput.FromTokenIds(row.Where((_, t) => mask[r][t] == 1).ToArray())).ToList();
                Assert.Equal(items.Count, inputs.Count);
                var result = embedder.Embed(new EmbeddingRequest(inputs, new EmbedOptions { Task = task, Output = EmbeddingOutput.Both }));
                for (int i = 0; i < items.Count; i++)
                {
                    AssertOutputs(expected, items[i], embedder, result.Embeddings[i], result.MultiVectors![i], inputs[i].TokenIds!, task, $"{batch.GetProperty("id").GetString()}[{i}]");
                }
            }
        }
    }

    [Fact]
    public void EveryTaskPackedIntoOneForwardPassMatchesEachAlone()
    {
        // All text cases of the tiny fixture (five tasks, three adapters) in one packed batch through the scheduler's
        // model call: each sequence's outputs must equal the official single-sequence ones.
        var embedder = fixture.TinyEmbedder;
        var cases = fixture.Tiny.RootElement.GetProperty("text_cases").EnumerateArray().Where(c => c.GetProperty("n_tokens").GetInt32() < 1000).ToList();
        var tasks = cases.Select(c => embedder.ResolveTask(c.GetProperty("task").GetString())).ToList();
        var batch = EncoderBatch.FromSequences(cases.Select(c => Parity.Ints(c.GetProperty("input_ids"))).ToList(), tasks.Select(t => t.Adapter).ToList());
        var states = embedder.Model.Forward(batch);
        var options = new EmbedOptions { Output = EmbeddingOutput.Both };
        for (int i = 0; i < cases.Count; i++)
        {
            var (single, multi) = embedder.Output(states, batch.SequenceStarts[i], batch.SequenceStarts[i + 1], tasks[i].Adapter, options);
            Parity.Within(single, Parity.Floats(cases[i].GetProperty("single")), 1e-5, $"{cases[i].GetProperty("id").GetString()} packed single");
            Parity.Within(multi!.Values, Parity.Rows(cases[i].GetProperty("multi")), 1e-4, $"{cases[i].GetProperty("id").GetString()} packed multi");
        }
    }

    [Fact]
    public async Task ScheduledPathEqualsOfficialOutputsUnderConcurrentRequests()
    {
        var embedder = fixture.TinyEmbedder;
        var cases = fixture.Tiny.RootElement.GetProperty("text_cases").EnumerateArray().Take(15).ToList();
        var runs = cases.Select(c => embedder.EmbedAsync(new EmbeddingRequest(
            [EmbeddingInput.FromTokenIds(Parity.Ints(c.GetProperty("input_ids")))],
            new EmbedOptions { Task = c.GetProperty("task").GetString(), Output = EmbeddingOutput.Both }))).ToList();
        var results = await Task.WhenAll(runs);
        for (int i = 0; i < cases.Count; i++)
        {
            Parity.Within(results[i].Embeddings[0], Parity.Floats(cases[i].GetProperty("single")), 1e-5, $"{cases[i].GetProperty("id").GetString()} scheduled single");
            Parity.Within(results[i].MultiVectors![0].Values, Parity.Rows(cases[i].GetProperty("multi")), 1e-4, $"{cases[i].GetProperty("id").GetString()} scheduled multi");
        }
    }

    [Fact]
    public void MultiVectorsAreUnitLengthPerTokenAndRawWhenNotNormalised()
    {
        var c = Case(fixture.Tiny, "text_cases", "en/retrieval.query");
        var ids = Parity.Ints(c.GetProperty("input_ids"));
        var raw = fixture.TinyEmbedder.Embed(new EmbeddingRequest([EmbeddingInput.FromTokenIds(ids)], new EmbedOptions { Task = "retrieval.query", Output = EmbeddingOutput.MultiVector, Normalize = false }));
        var unit = Parity.Rows(c.GetProperty("multi"));
        var multi = raw.MultiVectors![0];
        Assert.Empty(raw.Embeddings);
        Assert.Equal(ids.Length, multi.Count);
        Assert.Equal(16, multi.Dimensions);
        for (int t = 0; t < multi.Count; t++)
        {
            double norm = Math.Sqrt(multi[t].ToArray().Sum(v => (double)v * v));
            Assert.True(Math.Abs(norm - 1) > 1e-3, $"token {t}: the raw projector output should not be unit length ({norm})");
            for (int i = 0; i < multi.Dimensions; i++)
            {
                Assert.True(Math.Abs((multi[t][i] / norm) - unit[(t * 16) + i]) <= 1e-4, $"token {t} value {i}");
            }
        }
    }

    private static void AssertOutputs(JsonDocument expected, JsonElement c, Embedder embedder, float[] single, MultiVector multi, int[] ids, string task, string what)
    {
        double singleTolerance = JinaV4Fixture.Tolerance(expected, "single_abs");
        double matryoshkaTolerance = JinaV4Fixture.Tolerance(expected, "matryoshka_abs");
        double multiTolerance = JinaV4Fixture.Tolerance(expected, "multi_abs");
        Parity.Within(single, Parity.Floats(c.GetProperty("single")), singleTolerance, $"{what} single");
        Assert.Equal(ids.Length, multi.Count);
        Parity.Within(multi.Values, Parity.Rows(c.GetProperty("multi")), multiTolerance, $"{what} multi");
        foreach (var m in c.GetProperty("matryoshka").EnumerateObject())
        {
            int dimensions = int.Parse(m.Name, System.Globalization.CultureInfo.InvariantCulture);
            var sliced = embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromTokenIds(ids)], new EmbedOptions { Task = task, Dimensions = dimensions })).Embeddings[0];
            Parity.Within(sliced, Parity.Floats(m.Value), matryoshkaTolerance, $"{what} matryoshka {dimensions}");
        }
    }

    private static string ApiTask(string adapter) => adapter == "text-matching" ? "text-matching" : adapter + ".query";

    private static JsonElement Case(JsonDocument expected, string list, string id) =>
        expected.RootElement.GetProperty(list).EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static TheoryData<string> CaseIds(string fixtureName, string list)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path(fixtureName, "expected.json")));
        var data = new TheoryData<string>();
        foreach (var c in document.RootElement.GetProperty(list).EnumerateArray())
        {
            data.Add(c.GetProperty("id").GetString()!);
        }

        return data;
    }
}
