// jina-embeddings-v4 served over loopback HTTP (api.md "jina-embeddings-v4"): single and multi vectors in every
// encoding equal the library's, the five tasks with their shared adapters, usage, /info, and the v4 bad-input table.
// tiny-jina-v4-realdims has no tokenizer, so these requests send token ids (the real widths: hidden 256, multi 128).
using System.Buffers.Binary;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using JinaEmbed.Embedding;
using OpenAI;
using OpenAI.Embeddings;

namespace JinaEmbed.Server.Tests;

public sealed class JinaV4ServerFixture : IAsyncLifetime
{
    internal RunningServer Running { get; private set; } = null!;

    /// <summary>The library on the same folder: the reference for every vector.</summary>
    internal Embedder Library { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Library = Embedder.Load(Fixtures.Path("tiny-jina-v4-realdims"));
        Running = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4-realdims"));
    }

    public async Task DisposeAsync()
    {
        await Running.DisposeAsync();
        Library.Dispose();
    }
}

public class JinaV4ServerTests(JinaV4ServerFixture fixture) : IClassFixture<JinaV4ServerFixture>
{
    internal const int Hidden = 256;
    internal const int Multi = 128;
    internal const int Vocabulary = 2048;
    internal const int MaxTokens = 32768;
    internal static readonly string[] TaskNames = ["retrieval.query", "retrieval.passage", "text-matching", "code.query", "code.passage"];

    /// <summary>Token-id items of different lengths (the realdims vocabulary has 2048 ids).</summary>
    private static readonly int[][] Items = [[5, 17, 300, 1999, 42], [7], [1024, 3, 3, 3, 2047, 12, 99, 512, 640]];

    private RunningServer Server => fixture.Running;

    private Embedder Library => fixture.Library;

    [Theory]
    [InlineData(null)]
    [InlineData("retrieval.query")]
    [InlineData("retrieval.passage")]
    [InlineData("text-matching")]
    [InlineData("code.query")]
    [InlineData("code.passage")]
    public async Task EveryTaskAndEncodingOfSingleAndMultiVectorsMatchesTheLibrary(string? task)
    {
        // A task null request runs the server's default, text-matching.
        var expected = LibraryEmbed(task ?? "text-matching", dimensions: 64, normalize: true);
        var request = new Dictionary<string, object?>
        {
            ["input"] = Items,
            ["dimensions"] = 64,
            ["embedding_type"] = new[] { "float", "base64", "binary", "ubinary" },
        };
        if (task != null)
        {
            request["task"] = task;
        }

        var single = (await Server.EmbedAsync(JsonSerializer.Serialize(request))).GetProperty("data");
        request["return_multivector"] = true;
        var multi = await Server.EmbedAsync(JsonSerializer.Serialize(request));
        Assert.Equal(Items.Sum(i => i.Length), multi.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(Items.Sum(i => i.Length), multi.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        for (int i = 0; i < Items.Length; i++)
        {
            var item = single[i].GetProperty("embedding");
            AssertEncodings(expected.Embeddings[i], item, 64, $"{task} item {i}");

            var tokens = multi.GetProperty("data")[i];
            Assert.False(tokens.TryGetProperty("embedding", out _));
            var byType = tokens.GetProperty("embeddings");
            Assert.Equal(Items[i].Length, byType.GetProperty("float").GetArrayLength());
            foreach (var type in new[] { "float", "base64", "binary", "ubinary" })
            {
                Assert.Equal(Items[i].Length, byType.GetProperty(type).GetArrayLength());
            }

            for (int t = 0; t < Items[i].Length; t++)
            {
                // `dimensions` does not apply to multi vectors: always the head's 128.
                var one = JsonSerializer.SerializeToElement(new Dictionary<string, JsonElement>
                {
                    ["float"] = byType.GetProperty("float")[t],
                    ["base64"] = byType.GetProperty("base64")[t],
                    ["binary"] = byType.GetProperty("binary")[t],
                    ["ubinary"] = byType.GetProperty("ubinary")[t],
                });
                AssertEncodings(expected.MultiVectors![i][t].ToArray(), one, Multi, $"{task} item {i} token {t}");
            }
        }
    }

    [Fact]
    public async Task UnnormalisedAndSingleEncodingMultiVectorsMatchTheLibrary()
    {
        var expected = LibraryEmbed("retrieval.passage", dimensions: 100, normalize: false);
        var body = await Server.EmbedAsync(JsonSerializer.Serialize(new { input = Items, task = "retrieval.passage", dimensions = 100, normalized = false, return_multivector = true }));
        for (int i = 0; i < Items.Length; i++)
        {
            var rows = body.GetProperty("data")[i].GetProperty("embeddings");
            Assert.Equal(Items[i].Length, rows.GetArrayLength());
            for (int t = 0; t < Items[i].Length; t++)
            {
                var row = rows[t].EnumerateArray().Select(v => v.GetSingle()).ToArray();
                Vectors.AssertClose(expected.MultiVectors![i][t].ToArray(), row, 1e-5, $"item {i} token {t}");
                Assert.True(Math.Abs(Vectors.Norm(row) - 1) > 1e-3, "projector outputs are not normalised");
            }
        }

        var singles = RunningServer.Vectors(await Server.EmbedAsync(JsonSerializer.Serialize(new { input = Items, task = "retrieval.passage", dimensions = 100, normalize = false })));
        for (int i = 0; i < Items.Length; i++)
        {
            Assert.Equal(100, singles[i].Length);
            Vectors.AssertClose(expected.Embeddings[i], singles[i], 1e-5, $"item {i} not normalised");
        }

        var base64 = await Server.EmbedAsync(JsonSerializer.Serialize(new { input = Items[0], embedding_type = "base64", return_multivector = true }));
        var normalised = LibraryEmbed("text-matching", dimensions: null, normalize: true);
        var encoded = base64.GetProperty("data")[0].GetProperty("embeddings");
        for (int t = 0; t < Items[0].Length; t++)
        {
            Vectors.AssertClose(normalised.MultiVectors![0][t].ToArray(), FromBase64(encoded[t].GetString()!), 1e-5, $"base64 token {t}");
        }
    }

    [Fact]
    public async Task OpenAiSdkGetsTheLibrarysVectorsAndMultiVectorsThroughTheExtension()
    {
        var client = new EmbeddingClient("jina-embeddings-v4", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(Server.Server.BaseAddress, "v1") });
        var full = LibraryEmbed("text-matching", dimensions: null, normalize: true);
        var cut = LibraryEmbed("text-matching", dimensions: 128, normalize: true);

        var sdk = (await client.GenerateEmbeddingsAsync(Items.Select(i => new ReadOnlyMemory<int>(i)))).Value;
        Assert.Equal(Items.Length, sdk.Count);
        for (int i = 0; i < Items.Length; i++)
        {
            Vectors.AssertClose(full.Embeddings[i], sdk[i].ToFloats().ToArray(), 1e-5, $"SDK item {i}");
        }

        var sdkCut = (await client.GenerateEmbeddingsAsync(Items.Select(i => new ReadOnlyMemory<int>(i)), new EmbeddingGenerationOptions { Dimensions = 128 })).Value;
        for (int i = 0; i < Items.Length; i++)
        {
            Vectors.AssertClose(cut.Embeddings[i], sdkCut[i].ToFloats().ToArray(), 1e-5, $"SDK item {i}, 128 dimensions");
        }

        // The SDK's typed API cannot ask for multi vectors; its protocol method sends the extension field as is.
        var content = BinaryContent.Create(BinaryData.FromObjectAsJson(new { model = "jina-embeddings-v4", input = Items, encoding_format = "base64", return_multivector = true }));
        var raw = await client.GenerateEmbeddingsAsync(content, new RequestOptions());
        var body = JsonDocument.Parse(raw.GetRawResponse().Content.ToString()).RootElement;
        for (int i = 0; i < Items.Length; i++)
        {
            var rows = body.GetProperty("data")[i].GetProperty("embeddings");
            Assert.Equal(Items[i].Length, rows.GetArrayLength());
            for (int t = 0; t < Items[i].Length; t++)
            {
                Vectors.AssertClose(full.MultiVectors![i][t].ToArray(), FromBase64(rows[t].GetString()!), 1e-5, $"SDK multi item {i} token {t}");
            }
        }
    }

    [Fact]
    public async Task InfoDescribesTheV4Model()
    {
        var info = JsonDocument.Parse(await Server.Http.GetStringAsync("/info")).RootElement;
        Assert.Equal(["text", "image"], info.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()));
        var image = info.GetProperty("image");
        Assert.Equal(3136, image.GetProperty("min_pixels").GetInt64());
        Assert.Equal(62720, image.GetProperty("max_pixels").GetInt64()); // the fixture's preprocessor_config.json (real: 602112)
        Assert.Equal(80, image.GetProperty("max_image_tokens").GetInt32());
        Assert.Equal(20_000_000, image.GetProperty("max_decoded_pixels").GetInt64());
        Assert.False(image.GetProperty("url_fetching").GetBoolean());
        Assert.Equal("text-matching", info.GetProperty("default_task").GetString());
        Assert.Equal(Hidden, info.GetProperty("dimensions").GetInt32());
        Assert.Equal(Library.Info.MatryoshkaDimensions, info.GetProperty("matryoshka_dimensions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(Multi, info.GetProperty("multivector_dimensions").GetInt32());
        Assert.Equal(MaxTokens, info.GetProperty("max_tokens").GetInt32());
        var tasks = info.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(TaskNames, tasks.Select(t => t.GetProperty("name").GetString()));
        foreach (var task in tasks)
        {
            string name = task.GetProperty("name").GetString()!;
            Assert.Equal(Library.Info.TaskAdapters[name], task.GetProperty("adapter").GetInt32());
            Assert.Equal(name.EndsWith(".passage", StringComparison.Ordinal) ? "Passage: " : "Query: ", task.GetProperty("prefix").GetString());
        }

        // Five tasks on three adapters: query and passage of one family share theirs.
        Assert.Equal(3, tasks.Select(t => t.GetProperty("adapter").GetInt32()).Distinct().Count());
        Assert.Equal(tasks[0].GetProperty("adapter").GetInt32(), tasks[1].GetProperty("adapter").GetInt32());
        Assert.Equal(tasks[3].GetProperty("adapter").GetInt32(), tasks[4].GetProperty("adapter").GetInt32());
    }

    [Fact]
    public async Task TokenizeWithoutATokenizerIsAClientError()
    {
        using var response = await Server.PostAsync("/tokenize", """{"input": "hello"}""");
        Assert.Equal(400, (int)response.StatusCode);
        BadInputTests.AssertErrorBody(await response.Content.ReadAsStringAsync(), "tokenizer_unavailable", "input", "tokenize");
    }

    public static TheoryData<string, string, int, string, string?> V4Cases()
    {
        string tooLong = string.Join(',', Enumerable.Repeat(9, MaxTokens + 1));
        return new TheoryData<string, string, int, string, string?>
        {
            { "task none", """{"input": [[1, 2]], "task": "none"}""", 400, "invalid_task", "task" },
            { "v3 task separation", """{"input": [[1, 2]], "task": "separation"}""", 400, "invalid_task", "task" },
            { "v3 task classification", """{"input": [[1, 2]], "task": "classification"}""", 400, "invalid_task", "task" },
            { "unknown task", """{"input": [[1, 2]], "task": "code"}""", 400, "invalid_task", "task" },
            { "dimensions 0", """{"input": [[1, 2]], "dimensions": 0}""", 400, "invalid_dimensions", "dimensions" },
            { "dimensions above hidden size", $$"""{"input": [[1, 2]], "dimensions": {{Hidden + 1}}}""", 400, "invalid_dimensions", "dimensions" },
            { "dimensions 0 with multi vectors", """{"input": [[1, 2]], "dimensions": 0, "return_multivector": true}""", 400, "invalid_dimensions", "dimensions" },
            { "binary single vector of 12 dimensions", """{"input": [[1, 2]], "dimensions": 12, "embedding_type": "binary"}""", 400, "invalid_dimensions", "dimensions" },
            { "too long without truncate", $$"""{"input": [[1, 2], [{{tooLong}}]]}""", 400, "context_length_exceeded", "input" },
            { "too long multi vectors without truncate", $$"""{"input": [{{tooLong}}], "return_multivector": true}""", 400, "context_length_exceeded", "input" },
            { "token id past the vocabulary", $$"""{"input": [[1, {{Vocabulary}}]]}""", 400, "invalid_token_id", "input" },
            { "image item cut after the PNG signature", """{"input": [[1, 2], {"image": "iVBORw0KGgo="}]}""", 400, "invalid_image", "input" },
            { "image item with multi vectors", """{"input": [{"image": "data:image/png;base64,iVBORw0KGgo="}], "return_multivector": true}""", 400, "invalid_image", "input" },
            { "image item with a text media type", """{"input": [{"image": "data:text/plain;base64,iVBORw0KGgo="}]}""", 400, "invalid_image", "input" },
            { "image URL while fetching is off", """{"input": ["a", {"image": "https://example.com/a.png"}]}""", 400, "image_url_disabled", "input" },
            { "image item with a file URL", """{"input": [{"image": "file:///etc/passwd"}]}""", 400, "image_url_not_allowed", "input" },
            { "late chunking with an image item", """{"input": ["a", {"image": "iVBORw0KGgo="}], "late_chunking": true}""", 400, "late_chunking_image", "input" },
            { "late chunking with token ids", """{"input": [[1, 2], [3]], "late_chunking": true, "return_multivector": true}""", 400, "late_chunking_token_ids", "input" },
            { "return_multivector a string", """{"input": [[1, 2]], "return_multivector": "true"}""", 400, "invalid_type", "return_multivector" },
            { "text without a tokenizer", """{"input": "hello"}""", 400, "invalid_input", "input" },
        };
    }

    [Theory]
    [MemberData(nameof(V4Cases))]
    public Task BadInputGetsTheContractedErrorAndTheServerGoesOn(string name, string body, int status, string code, string? param)
        => BadInputTests.AssertBadInputAsync(Server, name, body, status, code, param, """{"input": [[5, 6, 7]], "return_multivector": true}""");

    [Theory]
    [InlineData("none")]
    [InlineData("separation")]
    [InlineData("retrieval")]
    public async Task InvalidTasksListTheFiveV4Tasks(string task)
    {
        using var response = await Server.PostAsync("/v1/embeddings", $$"""{"input": [[1, 2]], "task": "{{task}}"}""");
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains($"'{task}'", message, StringComparison.Ordinal);
        Assert.EndsWith("valid tasks: " + string.Join(", ", TaskNames), message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADefaultTaskTheModelRefusesIsAClearErrorPerRequest()
    {
        await using var server = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4-realdims"), o => (o.DefaultTask, o.WarmUp) = ("separation", false));
        using var response = await server.PostAsync("/v1/embeddings", """{"input": [[1, 2]]}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        BadInputTests.AssertErrorBody(text, "invalid_task", "task", "default task");
        Assert.Contains("DefaultTask", text, StringComparison.Ordinal);

        // A request that names its task is served as usual.
        var ok = await server.EmbedAsync("""{"input": [[1, 2]], "task": "code.query"}""");
        Assert.Single(ok.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task ContextLengthErrorNamesTheItemAndItsTokenCount()
    {
        string tooLong = string.Join(',', Enumerable.Repeat(9, MaxTokens + 5));
        using var response = await Server.PostAsync("/v1/embeddings", $$"""{"input": [[1], [2], [{{tooLong}}]], "return_multivector": true}""");
        Assert.Equal(400, (int)response.StatusCode);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.StartsWith($"input[2] has {MaxTokens + 5} tokens; the maximum is {MaxTokens}", message, StringComparison.Ordinal);
    }

    /// <summary>Checks every encoding of one vector against the library's float values.</summary>
    internal static void AssertEncodings(float[] expected, JsonElement byType, int dimensions, string what)
    {
        var floats = byType.GetProperty("float").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(dimensions, floats.Length);
        Vectors.AssertClose(expected, floats, 1e-5, what);
        Assert.Equal(floats, FromBase64(byType.GetProperty("base64").GetString()!));
        var ubinary = byType.GetProperty("ubinary").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var binary = byType.GetProperty("binary").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(dimensions / 8, ubinary.Length);
        for (int d = 0; d < dimensions; d++)
        {
            bool bit = ((ubinary[d / 8] >> (7 - (d % 8))) & 1) == 1;
            Assert.True(bit == floats[d] > 0, $"{what}: dimension {d}");
            Assert.Equal(ubinary[d / 8] - 128, binary[d / 8]);
        }
    }

    internal static float[] FromBase64(string text)
    {
        var bytes = Convert.FromBase64String(text);
        return Enumerable.Range(0, bytes.Length / 4).Select(k => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(k * 4))).ToArray();
    }

    private EmbeddingResult LibraryEmbed(string task, int? dimensions, bool normalize)
        => Library.Embed(new EmbeddingRequest(
            [.. Items.Select(EmbeddingInput.FromTokenIds)],
            new EmbedOptions { Task = task, Dimensions = dimensions, Normalize = normalize, Output = EmbeddingOutput.Both }));
}
