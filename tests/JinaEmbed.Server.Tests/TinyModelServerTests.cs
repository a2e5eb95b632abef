// The done-when checks of issue #5 against the real tiny model fixture over loopback HTTP: SDK clients, every
// task/dimension/encoding, 200 concurrent mixed requests, the bad-input table, overload.
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using JinaEmbed.Embedding;

namespace JinaEmbed.Server.Tests;

public sealed class TinyModelFixture : IAsyncLifetime
{
    internal RunningServer Running { get; private set; } = null!;

    /// <summary>The library itself on the same model folder: the reference for every vector.</summary>
    internal Embedder Library { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Library = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        Running = await RunningServer.StartTinyAsync(BadInputTests.Limits);
    }

    public async Task DisposeAsync()
    {
        await Running.DisposeAsync();
        Library.Dispose();
    }
}

public class TinyModelServerTests : IClassFixture<TinyModelFixture>
{
    private const int Hidden = 64;
    private readonly RunningServer server;
    private readonly Embedder library;

    public TinyModelServerTests(TinyModelFixture fixture)
    {
        server = fixture.Running;
        library = fixture.Library;
    }

    [Fact]
    public async Task OpenAiSdkAndExtensionsAiGetTheLibrarysVectors()
    {
        await ClientSdkTests.AssertSdkClientsMatchAsync(server, r => Task.FromResult(library.Embed([.. r.Items.Select(i => i.Text!)], r.Options)), 32);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("retrieval.query")]
    [InlineData("retrieval.passage")]
    [InlineData("separation")]
    [InlineData("classification")]
    [InlineData("text-matching")]
    [InlineData("none")]
    public async Task EveryTaskDimensionAndEncodingMatchesTheLibrary(string? task)
    {
        string[] texts = ["The quick brown fox jumps over the lazy dog.", "Der schnelle braune Fuchs.", "", "敏捷的棕色狐狸"];
        var libraryTask = task ?? "text-matching";
        foreach (int dimensions in new[] { 8, 16, 32, 64 })
        {
            var expected = library.Embed(texts, new EmbedOptions { Task = libraryTask, Dimensions = dimensions });
            var raw = library.Embed(texts, new EmbedOptions { Task = libraryTask, Dimensions = dimensions, Normalize = false });
            var request = new Dictionary<string, object?> { ["input"] = texts, ["dimensions"] = dimensions, ["embedding_type"] = new[] { "float", "base64", "binary", "ubinary" } };
            if (task != null)
            {
                request["task"] = task;
            }

            var body = await server.EmbedAsync(JsonSerializer.Serialize(request));
            var data = body.GetProperty("data").EnumerateArray().ToArray();
            Assert.Equal(texts.Length, data.Length);
            for (int i = 0; i < texts.Length; i++)
            {
                var embedding = data[i].GetProperty("embedding");
                var floats = embedding.GetProperty("float").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                Vectors.AssertClose(expected[i], floats, 1e-5, $"{task}/{dimensions}/item {i}");
                var bytes = Convert.FromBase64String(embedding.GetProperty("base64").GetString()!);
                Assert.Equal(floats, Enumerable.Range(0, dimensions).Select(k => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(k * 4))));
                var ubinary = embedding.GetProperty("ubinary").EnumerateArray().Select(v => v.GetInt32()).ToArray();
                var binary = embedding.GetProperty("binary").EnumerateArray().Select(v => v.GetInt32()).ToArray();
                Assert.Equal(dimensions / 8, ubinary.Length);
                for (int d = 0; d < dimensions; d++)
                {
                    bool bit = ((ubinary[d / 8] >> (7 - (d % 8))) & 1) == 1;
                    Assert.True(bit == floats[d] > 0, $"{task}/{dimensions}/item {i}: dimension {d}");
                    Assert.Equal(ubinary[d / 8] - 128, binary[d / 8]);
                }
            }

            request["normalized"] = false;
            request.Remove("embedding_type");
            var rawBody = await server.EmbedAsync(JsonSerializer.Serialize(request));
            var rawVectors = RunningServer.Vectors(rawBody);
            for (int i = 0; i < texts.Length; i++)
            {
                Vectors.AssertClose(raw[i], rawVectors[i], 1e-5, $"{task}/{dimensions}/item {i} not normalised");
            }
        }
    }

    [Fact]
    public async Task TokenIdsAndLateChunkingMatchTheLibrary()
    {
        var ids = library.Tokenizer.Encode("Represent the query for retrieving evidence documents: token ids").Ids;
        var fromIds = RunningServer.Vectors(await server.EmbedAsync($$"""{"input": [{{string.Join(',', ids)}}], "task": "retrieval.query"}"""))[0];
        var fromText = RunningServer.Vectors(await server.EmbedAsync("""{"input": "token ids", "task": "retrieval.query"}"""))[0];
        Vectors.AssertClose(fromText, fromIds, 1e-6, "token ids = text with prompt");
        Vectors.AssertClose(library.EmbedTokenIds([ids], new EmbedOptions { Task = "retrieval.query" })[0], fromIds, 1e-5, "library token ids");

        string[] chunks = ["Berlin is the capital of Germany.", "It has 3.8 million inhabitants.", "The Spree flows through it."];
        var expected = library.Embed(chunks, new EmbedOptions { Task = "retrieval.passage", LateChunking = true });
        var body = await server.EmbedAsync(JsonSerializer.Serialize(new { input = chunks, task = "retrieval.passage", late_chunking = true }));
        var vectors = RunningServer.Vectors(body);
        for (int i = 0; i < chunks.Length; i++)
        {
            Vectors.AssertClose(expected[i], vectors[i], 1e-5, $"late chunk {i}");
        }
    }

    [Fact]
    public async Task InfoDescribesTheV3ModelWithoutMultiVectors()
    {
        var info = JsonDocument.Parse(await server.Http.GetStringAsync("/info")).RootElement;
        Assert.Equal(["text"], info.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(JsonValueKind.Null, info.GetProperty("multivector_dimensions").ValueKind);
        Assert.Equal(Hidden, info.GetProperty("dimensions").GetInt32());
        Assert.Equal(library.Info.MatryoshkaDimensions, info.GetProperty("matryoshka_dimensions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("text-matching", info.GetProperty("default_task").GetString());
        var tasks = info.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(library.Info.Tasks, tasks.Select(t => t.GetProperty("name").GetString()));
        Assert.All(tasks, t => Assert.Equal(library.Info.TaskAdapters[t.GetProperty("name").GetString()!], t.GetProperty("adapter").GetInt32()));
        Assert.All(tasks, t => Assert.Equal(t.GetProperty("prompt").GetString(), t.GetProperty("prefix").GetString()));
    }

    [Fact]
    public async Task TokenizeShowsTheModelsTokensWithOffsetsIntoTheItem()
    {
        const string text = "Hello wonderful world";
        using var response = await server.PostAsync("/tokenize", JsonSerializer.Serialize(new { input = new[] { text }, task = "retrieval.query" }));
        Assert.Equal(200, (int)response.StatusCode);
        var item = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data")[0];
        var prompt = library.Info.TaskPrompts["retrieval.query"];
        var encoding = library.Tokenizer.Encode(prompt + text);
        Assert.Equal(encoding.Ids, item.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(encoding.Tokens, item.GetProperty("tokens").EnumerateArray().Select(v => v.GetString()));
        var offsets = item.GetProperty("offsets").EnumerateArray().Select(o => (o[0].GetInt32(), o[1].GetInt32())).ToArray();
        for (int t = 0; t < encoding.Count; t++)
        {
            var (start, end) = encoding.Offsets[t];
            var expected = encoding.SpecialTokensMask[t] || end <= prompt.Length ? (0, 0) : (Math.Max(0, start - prompt.Length), end - prompt.Length);
            Assert.Equal(expected, offsets[t]);
        }

        // The last content token ends at the end of the item text.
        Assert.Equal(text.Length, offsets[^2].Item2);
    }

    [Fact]
    public async Task ConcurrentMixedRequestsEqualTheirSingleResultsAndShareBatches()
    {
        // A server with the default limits (the shared one runs with the bad-input table's small ones).
        await using var busy = await RunningServer.StartTinyAsync();
        const int count = 200;
        var expected = new float[count][][];
        for (int i = 0; i < count; i++)
        {
            expected[i] = RunningServer.Vectors(await busy.EmbedAsync(LoadTests.RequestBody(i)));
        }

        string before = await busy.Http.GetStringAsync("/metrics");
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(async i => RunningServer.Vectors(await busy.EmbedAsync(LoadTests.RequestBody(i)))));
        string after = await busy.Http.GetStringAsync("/metrics");
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < expected[i].Length; k++)
            {
                Vectors.AssertClose(expected[i][k], results[i][k], 1e-5, $"request {i} item {k}");
            }
        }

        double batches = Metric(after, "jinaembed_batch_requests_count") - Metric(before, "jinaembed_batch_requests_count");
        double single = Metric(after, "jinaembed_batch_requests_bucket{le=\"1\"}") - Metric(before, "jinaembed_batch_requests_bucket{le=\"1\"}");
        Assert.True(batches - single > 0, $"{batches} batches, none with more than one request");
    }

    [Theory]
    [MemberData(nameof(BadInputTests.Cases), Hidden, 8194, 8002, MemberType = typeof(BadInputTests))]
    public Task BadInputGetsTheContractedErrorAndTheServerGoesOn(string name, string body, int status, string code, string? param)
        => BadInputTests.AssertBadInputAsync(server, name, body, status, code, param);

    [Fact]
    public async Task OverloadWithATinyQueueAnswers429AndLosesNothing()
    {
        // Requests carry up to three items, so three queued sequences is the smallest queue that admits them all.
        await using var small = await RunningServer.StartTinyAsync(o => o.QueueCapacity = 3);
        const int count = 200;
        var expected = new float[count][][];
        for (int i = 0; i < count; i++)
        {
            expected[i] = RunningServer.Vectors(await small.EmbedAsync(LoadTests.RequestBody(i)));
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await small.PostAsync("/v1/embeddings", LoadTests.RequestBody(i));
            return (Index: i, Status: (int)response.StatusCode, Text: await response.Content.ReadAsStringAsync(), RetryAfter: response.Headers.RetryAfter?.Delta);
        }));
        Assert.All(outcomes, o => Assert.True(o.Status is 200 or 429, $"request {o.Index}: {o.Status} {o.Text}"));
        Assert.Contains(outcomes, o => o.Status == 429);
        Assert.All(outcomes.Where(o => o.Status == 429), o => Assert.NotNull(o.RetryAfter));
        foreach (var o in outcomes.Where(o => o.Status == 200))
        {
            var vectors = RunningServer.Vectors(JsonDocument.Parse(o.Text).RootElement);
            for (int k = 0; k < vectors.Length; k++)
            {
                Vectors.AssertClose(expected[o.Index][k], vectors[k], 1e-5, $"request {o.Index} item {k}");
            }
        }
    }

    private static double Metric(string metrics, string name)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(name) + @" (\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
