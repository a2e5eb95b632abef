// jina-embeddings-v4 text over loopback HTTP with the real Qwen2.5 tokenizer (tiny-jina-v4): the task prefixes, one
// multi vector per token with the prefix included, late chunking (single and multi), /tokenize, usage, and over-long
// text; every vector equal to the library's.
using System.Text.Json;
using JinaEmbed.Embedding;
using OpenAI;
using OpenAI.Embeddings;

namespace JinaEmbed.Server.Tests;

public sealed class JinaV4TextServerFixture : IAsyncLifetime
{
    internal RunningServer Running { get; private set; } = null!;

    internal Embedder Library { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Library = Embedder.Load(Fixtures.Path("tiny-jina-v4"));
        Running = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4"));
    }

    public async Task DisposeAsync()
    {
        await Running.DisposeAsync();
        Library.Dispose();
    }
}

public class JinaV4TextServerTests(JinaV4TextServerFixture fixture) : IClassFixture<JinaV4TextServerFixture>
{
    private const int Multi = 16; // the tiny fixture's projector width

    private static readonly string[] Texts = ["The quick brown fox jumps over the lazy dog.", "敏捷的棕色狐狸", "", "def add(a, b):\n    return a + b"];

    private RunningServer Server => fixture.Running;

    private Embedder Library => fixture.Library;

    [Fact]
    public async Task OpenAiSdkGetsTheLibrarysTextMatchingVectors()
    {
        var client = new EmbeddingClient("jina-embeddings-v4", new System.ClientModel.ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(Server.Server.BaseAddress, "v1") });
        var full = Library.Embed(Texts, new EmbedOptions { Task = "text-matching" });
        var cut = Library.Embed(Texts, new EmbedOptions { Task = "text-matching", Dimensions = 16 });
        var sdk = (await client.GenerateEmbeddingsAsync(Texts)).Value;
        var sdkCut = (await client.GenerateEmbeddingsAsync(Texts, new EmbeddingGenerationOptions { Dimensions = 16 })).Value;
        for (int i = 0; i < Texts.Length; i++)
        {
            Vectors.AssertClose(full[i], sdk[i].ToFloats().ToArray(), 1e-5, $"SDK item {i}");
            Vectors.AssertClose(cut[i], sdkCut[i].ToFloats().ToArray(), 1e-5, $"SDK item {i}, 16 dimensions");
        }
    }

    [Theory]
    [InlineData("retrieval.query", "Query: ")]
    [InlineData("retrieval.passage", "Passage: ")]
    [InlineData("text-matching", "Query: ")]
    [InlineData("code.query", "Query: ")]
    [InlineData("code.passage", "Passage: ")]
    public async Task MultiVectorsHaveOneRowPerTokenPrefixIncluded(string task, string prefix)
    {
        var input = Texts.Select((t, i) => i % 2 == 0 ? (object)t : new { text = t }).ToArray();
        var body = await Server.EmbedAsync(JsonSerializer.Serialize(new { input, task, return_multivector = true }));
        var expected = Library.EmbedMultiVectors(Texts, new EmbedOptions { Task = task });
        var single = RunningServer.Vectors(await Server.EmbedAsync(JsonSerializer.Serialize(new { input, task, dimensions = 32 })));
        var expectedSingle = Library.Embed(Texts, new EmbedOptions { Task = task, Dimensions = 32 });
        int tokens = 0;
        for (int i = 0; i < Texts.Length; i++)
        {
            int count = Library.Tokenizer.Encode(prefix + Texts[i]).Count;
            tokens += count;
            var rows = body.GetProperty("data")[i].GetProperty("embeddings");
            Assert.Equal(count, rows.GetArrayLength());
            Assert.Equal(count, expected[i].Count);
            for (int t = 0; t < count; t++)
            {
                var row = rows[t].EnumerateArray().Select(v => v.GetSingle()).ToArray();
                Assert.Equal(Multi, row.Length);
                Vectors.AssertClose(expected[i][t].ToArray(), row, 1e-5, $"{task} item {i} token {t}");
            }

            Vectors.AssertClose(expectedSingle[i], single[i], 1e-5, $"{task} item {i} single");
        }

        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task LateChunkingGivesEachItemItsSpanSingleAndMulti()
    {
        string[] chunks = ["Berlin is the capital of Germany.", "It has 3.8 million inhabitants.", "The Spree flows through it."];
        var expected = Library.Embed(new EmbeddingRequest([.. chunks.Select(EmbeddingInput.FromText)], new EmbedOptions { Task = "retrieval.passage", LateChunking = true, Output = EmbeddingOutput.Both }));
        var single = await Server.EmbedAsync(JsonSerializer.Serialize(new { input = chunks, task = "retrieval.passage", late_chunking = true }));
        var multi = await Server.EmbedAsync(JsonSerializer.Serialize(new { input = chunks, task = "retrieval.passage", late_chunking = true, return_multivector = true, embedding_type = new[] { "float", "base64", "binary", "ubinary" } }));
        var vectors = RunningServer.Vectors(single);
        int joined = Library.Tokenizer.Encode("Passage: " + string.Join(' ', chunks)).Count;
        Assert.Equal(joined, single.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(joined, multi.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        int spanTokens = 0;
        for (int i = 0; i < chunks.Length; i++)
        {
            Vectors.AssertClose(expected.Embeddings[i], vectors[i], 1e-5, $"late chunk {i}");
            var byType = multi.GetProperty("data")[i].GetProperty("embeddings");
            int count = expected.MultiVectors![i].Count;
            Assert.Equal(count, byType.GetProperty("float").GetArrayLength());
            spanTokens += count;
            for (int t = 0; t < count; t++)
            {
                var one = JsonSerializer.SerializeToElement(new[] { "float", "base64", "binary", "ubinary" }.ToDictionary(k => k, k => byType.GetProperty(k)[t]));
                JinaV4ServerTests.AssertEncodings(expected.MultiVectors[i][t].ToArray(), one, Multi, $"late chunk {i} token {t}");
            }
        }

        // The spans cover the joined sequence exactly: the prefix is in the first, nothing is lost or doubled.
        Assert.Equal(joined, spanTokens);
    }

    [Fact]
    public async Task TokenizePrependsTheTaskPrefixAndAddsNoSpecialTokens()
    {
        const string text = "Hello wonderful world";
        using var response = await Server.PostAsync("/tokenize", JsonSerializer.Serialize(new { input = new[] { text }, task = "retrieval.passage" }));
        Assert.Equal(200, (int)response.StatusCode);
        var item = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data")[0];
        var encoding = Library.Tokenizer.Encode("Passage: " + text);
        Assert.Equal(encoding.Ids, item.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()));
        var offsets = item.GetProperty("offsets").EnumerateArray().Select(o => (o[0].GetInt32(), o[1].GetInt32())).ToArray();
        Assert.Equal((0, 0), offsets[0]);
        Assert.Equal(text.Length, offsets[^1].Item2); // no closing special token: the last token ends the text

        using var plain = await Server.PostAsync("/tokenize", JsonSerializer.Serialize(new { input = text }));
        var plainIds = JsonDocument.Parse(await plain.Content.ReadAsStringAsync()).RootElement.GetProperty("data")[0].GetProperty("ids");
        Assert.Equal(Library.Tokenizer.Encode(text).Ids, plainIds.EnumerateArray().Select(v => v.GetInt32()));

        using var none = await Server.PostAsync("/tokenize", JsonSerializer.Serialize(new { input = text, task = "none" }));
        Assert.Equal(400, (int)none.StatusCode);
        BadInputTests.AssertErrorBody(await none.Content.ReadAsStringAsync(), "invalid_task", "task", "tokenize task none");
    }

    [Fact]
    public async Task OverLongTextWithoutTruncateNamesTheItemAndItsTokenCount()
    {
        // " word" is one token, so this is just over the 32768-token context with the prefix.
        string longText = string.Concat(Enumerable.Repeat(" word", 32800));
        int count = Library.Tokenizer.Encode("Query: " + longText).Count;
        Assert.True(count > 32768, $"{count} tokens");
        using var response = await Server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { input = new[] { "short", longText }, return_multivector = true }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        BadInputTests.AssertErrorBody(text, "context_length_exceeded", "input", "too long");
        var message = JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.StartsWith($"input[1] has {count} tokens; the maximum is 32768", message, StringComparison.Ordinal);

        var ok = await Server.EmbedAsync("""{"input": "still serving", "return_multivector": true}""");
        Assert.Single(ok.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task TokenIdsAreUsedAsTheyAreAndMustBeBelowTheTokenizersVocabulary()
    {
        var ids = Library.Tokenizer.Encode("Query: token ids").Ids;
        var fromIds = RunningServer.Vectors(await Server.EmbedAsync(JsonSerializer.Serialize(new { input = new[] { ids } })))[0];
        var fromText = RunningServer.Vectors(await Server.EmbedAsync("""{"input": "token ids"}"""))[0];
        Vectors.AssertClose(fromText, fromIds, 1e-6, "token ids = prefix + text");

        await BadInputTests.AssertBadInputAsync(Server, "id 151665", """{"input": [[1, 151665]]}""", 400, "invalid_token_id", "input");
        var lastId = await Server.EmbedAsync("""{"input": [[1, 151664]]}""");
        Assert.Single(lastId.GetProperty("data").EnumerateArray());
    }
}
