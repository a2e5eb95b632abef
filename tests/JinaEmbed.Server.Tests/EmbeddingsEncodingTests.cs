// Jina-style requests: every task, dimensions, embedding_type (float, base64, binary, ubinary, arrays) and
// normalized, checked against the contract (api.md "POST /v1/embeddings").
using System.Buffers.Binary;
using System.Text.Json;

namespace JinaEmbed.Server.Tests;

public class EmbeddingsEncodingTests : IClassFixture<ToyServerFixture>
{
    private readonly RunningServer server;

    public EmbeddingsEncodingTests(ToyServerFixture fixture) => server = fixture.Running;

    [Fact]
    public async Task ResponseHasTheContractShape()
    {
        using var response = await server.PostAsync("/v1/embeddings", """{"input": ["hello world", "good bye"], "model": "anything"}""");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        foreach (var header in new[] { "x-queue-time", "x-inference-time", "x-total-time" })
        {
            Assert.True(double.TryParse(response.Headers.GetValues(header).Single(), System.Globalization.CultureInfo.InvariantCulture, out double ms) && ms >= 0, header);
        }

        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("x-request-id").Single()));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("toy-model", body.GetProperty("model").GetString());
        var data = body.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(2, data.Length);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal("embedding", data[i].GetProperty("object").GetString());
            Assert.Equal(i, data[i].GetProperty("index").GetInt32());
            var vector = data[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.Equal(16, vector.Length);
            Assert.Equal(1.0, Vectors.Norm(vector), 5);
        }

        // <s> hello world </s> + <s> good bye </s>; text-matching has no prompt.
        Assert.Equal(8, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(8, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task EveryTaskSelectsItsAdapterAndPrompt()
    {
        var tasks = new[] { "retrieval.query", "retrieval.passage", "separation", "classification", "text-matching", "none" };
        var vectors = new List<float[]>();
        foreach (var task in tasks)
        {
            var body = await server.EmbedAsync($$"""{"input": "the same text", "task": "{{task}}"}""");
            vectors.Add(RunningServer.Vectors(body)[0]);
            int expectedTokens = task switch
            {
                "retrieval.query" => 3 + 7 + 2,
                "retrieval.passage" => 3 + 5 + 2,
                _ => 3 + 2,
            };
            Assert.Equal(expectedTokens, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        }

        for (int a = 0; a < vectors.Count; a++)
        {
            for (int b = a + 1; b < vectors.Count; b++)
            {
                Assert.True(vectors[a].Zip(vectors[b]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, $"{tasks[a]} and {tasks[b]} gave the same vector");
            }
        }

        // No task = the server default, text-matching.
        var defaulted = RunningServer.Vectors(await server.EmbedAsync("""{"input": "the same text", "task": null}"""))[0];
        Vectors.AssertClose(vectors[4], defaulted, 0, "default task");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(16)]
    public async Task DimensionsTruncateThenRenormalise(int dimensions)
    {
        var raw = RunningServer.Vectors(await server.EmbedAsync("""{"input": "matryoshka doll", "normalized": false}"""))[0];
        var cut = RunningServer.Vectors(await server.EmbedAsync($$"""{"input": "matryoshka doll", "dimensions": {{dimensions}}}"""))[0];
        var expected = raw[..dimensions];
        double norm = Vectors.Norm(expected);
        Vectors.AssertClose(expected.Select(v => (float)(v / norm)).ToArray(), cut, 1e-6, "truncated");
        var cutRaw = RunningServer.Vectors(await server.EmbedAsync($$"""{"input": "matryoshka doll", "dimensions": {{dimensions}}, "normalize": false}"""))[0];
        Vectors.AssertClose(expected, cutRaw, 0, "truncated, not normalised");
    }

    [Fact]
    public async Task NormalizedFalseReturnsTheMean()
    {
        var normalised = RunningServer.Vectors(await server.EmbedAsync("""{"input": "mean of states"}"""))[0];
        var raw = RunningServer.Vectors(await server.EmbedAsync("""{"input": "mean of states", "normalized": false}"""))[0];
        double norm = Vectors.Norm(raw);
        Assert.True(Math.Abs(norm - 1) > 1e-3);
        Vectors.AssertClose(raw.Select(v => (float)(v / norm)).ToArray(), normalised, 1e-6, "normalised");
    }

    [Fact]
    public async Task Base64DecodesToTheFloatVector()
    {
        var floats = RunningServer.Vectors(await server.EmbedAsync("""{"input": ["a b c", "d"], "dimensions": 12}"""));
        foreach (var json in new[] { """{"input": ["a b c", "d"], "dimensions": 12, "embedding_type": "base64"}""", """{"input": ["a b c", "d"], "dimensions": 12, "encoding_format": "base64"}""" })
        {
            var body = await server.EmbedAsync(json);
            var data = body.GetProperty("data").EnumerateArray().ToArray();
            for (int i = 0; i < 2; i++)
            {
                var bytes = Convert.FromBase64String(data[i].GetProperty("embedding").GetString()!);
                Assert.Equal(12 * 4, bytes.Length);
                var decoded = Enumerable.Range(0, 12).Select(k => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(k * 4))).ToArray();
                Assert.Equal(floats[i], decoded);
            }
        }
    }

    [Theory]
    [InlineData("binary", 16)]
    [InlineData("ubinary", 16)]
    [InlineData("binary", 8)]
    [InlineData("ubinary", 8)]
    public async Task BinaryPacksOneBitPerDimensionMostSignificantFirst(string type, int dimensions)
    {
        var text = "bits and bytes of a vector";
        var floats = RunningServer.Vectors(await server.EmbedAsync($$"""{"input": "{{text}}", "dimensions": {{dimensions}}}"""))[0];
        var body = await server.EmbedAsync($$"""{"input": "{{text}}", "dimensions": {{dimensions}}, "embedding_type": "{{type}}"}""");
        var packed = body.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(dimensions / 8, packed.Length);
        for (int d = 0; d < dimensions; d++)
        {
            int value = type == "binary" ? packed[d / 8] + 128 : packed[d / 8];
            Assert.InRange(value, 0, 255);
            bool bit = ((value >> (7 - (d % 8))) & 1) == 1;
            Assert.True(bit == floats[d] > 0, $"dimension {d}: bit {bit}, value {floats[d]}");
        }

        Assert.Contains(floats, v => v > 0);
        Assert.Contains(floats, v => v <= 0);
    }

    [Fact]
    public async Task AnArrayOfTypesGivesAnObjectPerEmbedding()
    {
        var floats = RunningServer.Vectors(await server.EmbedAsync("""{"input": ["x y", "z"]}"""));
        var body = await server.EmbedAsync("""{"input": ["x y", "z"], "embedding_type": ["float", "base64", "binary", "ubinary"]}""");
        var data = body.GetProperty("data").EnumerateArray().ToArray();
        for (int i = 0; i < 2; i++)
        {
            var embedding = data[i].GetProperty("embedding");
            Assert.Equal(["float", "base64", "binary", "ubinary"], embedding.EnumerateObject().Select(p => p.Name));
            Assert.Equal(floats[i], embedding.GetProperty("float").EnumerateArray().Select(v => v.GetSingle()));
            var bytes = Convert.FromBase64String(embedding.GetProperty("base64").GetString()!);
            Assert.Equal(floats[i], Enumerable.Range(0, 16).Select(k => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(k * 4))));
            var u = embedding.GetProperty("ubinary").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var b = embedding.GetProperty("binary").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            Assert.Equal(u.Select(x => x - 128), b);
        }
    }

    [Fact]
    public async Task InputShapesOfBothDialectsAreAccepted()
    {
        var strings = RunningServer.Vectors(await server.EmbedAsync("""{"input": ["one two", "three"]}"""));
        var objects = RunningServer.Vectors(await server.EmbedAsync("""{"input": [{"text": "one two"}, {"text": "three"}]}"""));
        var single = RunningServer.Vectors(await server.EmbedAsync("""{"input": "three"}"""));
        Assert.Equal(strings, objects);
        Assert.Equal(strings[1], single[0]);

        // Token ids are used as they are: the ids of "<s> three </s>" give the same vector.
        var ids = ToyBackend.Encode("three", true).Ids;
        var flat = RunningServer.Vectors(await server.EmbedAsync($$"""{"input": [{{string.Join(",", ids)}}]}"""));
        var nested = RunningServer.Vectors(await server.EmbedAsync($$"""{"input": [[{{string.Join(",", ids)}}], [{{string.Join(",", ids)}}]]}"""));
        Assert.Equal(strings[1], flat[0]);
        Assert.Equal(2, nested.Length);
        Assert.Equal(strings[1], nested[1]);

        // The empty string is allowed.
        var empty = RunningServer.Vectors(await server.EmbedAsync("""{"input": ""}"""));
        Assert.Equal(16, empty[0].Length);
    }

    [Fact]
    public async Task TruncateCutsLongInputsKeepingTheClosingToken()
    {
        var words = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"w{i}"));
        var body = await server.EmbedAsync($$"""{"input": "{{words}}", "truncate": true}""");
        Assert.Equal(64, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var ids = ToyBackend.Encode(words, true).Ids;
        var cut = ids[..63].Append(2).ToArray();
        var expected = RunningServer.Vectors(await server.EmbedAsync($$"""{"input": [{{string.Join(",", cut)}}]}"""))[0];
        Assert.Equal(expected, RunningServer.Vectors(body)[0]);
    }

    [Fact]
    public async Task EmbeddingsAliasRouteAnswersToo()
    {
        using var response = await server.PostAsync("/embeddings", """{"input": "alias"}""");
        Assert.Equal(200, (int)response.StatusCode);
    }
}
