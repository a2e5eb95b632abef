// Table-driven bad inputs: each gets the contracted status and error body, and the server keeps serving
// (api.md "Errors").
using System.Text;
using System.Text.Json;

namespace JinaEmbed.Server.Tests;

public sealed class BadInputServerFixture : IAsyncLifetime
{
    internal RunningServer Running { get; private set; } = null!;

    public async Task InitializeAsync() => Running = await RunningServer.StartToyAsync(BadInputTests.Limits);

    public async Task DisposeAsync() => await Running.DisposeAsync();
}

public class BadInputTests : IClassFixture<BadInputServerFixture>
{
    private readonly RunningServer server;

    public BadInputTests(BadInputServerFixture fixture) => server = fixture.Running;

    /// <summary>The limits every bad-input server runs with.</summary>
    internal static void Limits(ServerOptions o)
    {
        o.MaxItemsPerRequest = 32;
        o.MaxTokensPerRequest = 200;
        o.MaxRequestBodyBytes = 64 * 1024;
    }

    /// <summary>
    /// The table, for a model of the given width, context and vocabulary (server limits as in <see cref="Limits"/>).
    /// </summary>
    public static TheoryData<string, string, int, string, string?> Cases(int hidden, int maxTokens, int vocabulary)
    {
        string longText = string.Join(' ', Enumerable.Repeat("word", maxTokens + 6));
        string manyItems = "[" + string.Join(',', Enumerable.Repeat("\"a\"", 33)) + "]";
        string manyTokens = "[" + string.Join(',', Enumerable.Repeat($"\"{string.Join(' ', Enumerable.Repeat("t", 30))}\"", 8)) + "]";
        string deep = new string('[', 100) + new string(']', 100);
        var data = new TheoryData<string, string, int, string, string?>
        {
            // name, body (U+0080..U+00FF become raw bytes), status, code, param
            { "malformed JSON", "{", 400, "invalid_json", null },
            { "trailing comma", """{"input": "a",}""", 400, "invalid_json", null },
            { "empty body", "", 400, "invalid_json", null },
            { "comment in JSON", """{"input": "a" /* c */}""", 400, "invalid_json", null },
            { "nesting too deep", $$"""{"input": {{deep}}}""", 400, "invalid_json", null },
            { "body is an array", """["a"]""", 400, "invalid_type", null },
            { "body is a string", "\"a\"", 400, "invalid_type", null },
            { "body is null", "null", 400, "invalid_type", null },
            { "input missing", "{}", 400, "missing_input", "input" },
            { "input null", """{"input": null}""", 400, "missing_input", "input" },
            { "input empty array", """{"input": []}""", 400, "empty_input", "input" },
            { "input a number", """{"input": 5}""", 400, "invalid_type", "input" },
            { "input a boolean", """{"input": true}""", 400, "invalid_type", "input" },
            { "input a bare object", """{"input": {"text": "a"}}""", 400, "invalid_type", "input" },
            { "input mixes ids and strings", """{"input": [1, "a"]}""", 400, "invalid_type", "input" },
            { "input item null", """{"input": ["a", null]}""", 400, "invalid_type", "input" },
            { "image object", """{"input": [{"image": "x.png"}]}""", 400, "unsupported_modality", "input" },
            { "image object not a string", """{"input": [{"image": 5}]}""", 400, "invalid_type", "input" },
            { "image with late chunking", """{"input": ["a", {"image": "x.png"}], "late_chunking": true}""", 400, "late_chunking_image", "input" },
            { "text not a string", """{"input": [{"text": 5}]}""", 400, "invalid_type", "input" },
            { "empty token list", """{"input": [[]]}""", 400, "empty_input", "input" },
            { "fractional token id", """{"input": [1.5]}""", 400, "invalid_type", "input" },
            { "negative token id", """{"input": [-1]}""", 400, "invalid_token_id", "input" },
            { "token id past the vocabulary", $$"""{"input": [[5, {{vocabulary}}]]}""", 400, "invalid_token_id", "input" },
            { "token id too big for int", """{"input": [99999999999]}""", 400, "invalid_type", "input" },
            { "string inside token ids", """{"input": [[1, "a"]]}""", 400, "invalid_type", "input" },
            { "unknown task", """{"input": "a", "task": "retrieval"}""", 400, "invalid_task", "task" },
            { "empty task", """{"input": "a", "task": ""}""", 400, "invalid_task", "task" },
            { "task wrong case", """{"input": "a", "task": "Text-Matching"}""", 400, "invalid_task", "task" },
            { "task a number", """{"input": "a", "task": 3}""", 400, "invalid_type", "task" },
            { "dimensions 0", """{"input": "a", "dimensions": 0}""", 400, "invalid_dimensions", "dimensions" },
            { "dimensions negative", """{"input": "a", "dimensions": -3}""", 400, "invalid_dimensions", "dimensions" },
            { "dimensions above hidden size", $$"""{"input": "a", "dimensions": {{hidden + 1}}}""", 400, "invalid_dimensions", "dimensions" },
            { "dimensions a string", """{"input": "a", "dimensions": "x"}""", 400, "invalid_type", "dimensions" },
            { "dimensions fractional", """{"input": "a", "dimensions": 2.5}""", 400, "invalid_type", "dimensions" },
            { "binary needs a multiple of 8", """{"input": "a", "dimensions": 12, "embedding_type": "binary"}""", 400, "invalid_dimensions", "dimensions" },
            { "ubinary in an array needs a multiple of 8", """{"input": "a", "dimensions": 3, "embedding_type": ["float", "ubinary"]}""", 400, "invalid_dimensions", "dimensions" },
            { "unknown embedding_type", """{"input": "a", "embedding_type": "int8"}""", 400, "invalid_embedding_type", "embedding_type" },
            { "embedding_type a number", """{"input": "a", "embedding_type": 5}""", 400, "invalid_type", "embedding_type" },
            { "embedding_type empty array", """{"input": "a", "embedding_type": []}""", 400, "invalid_embedding_type", "embedding_type" },
            { "embedding_type array with a number", """{"input": "a", "embedding_type": ["float", 1]}""", 400, "invalid_type", "embedding_type" },
            { "unknown encoding_format", """{"input": "a", "encoding_format": "int8"}""", 400, "invalid_encoding_format", "encoding_format" },
            { "normalized a string", """{"input": "a", "normalized": "yes"}""", 400, "invalid_type", "normalized" },
            { "truncate a number", """{"input": "a", "truncate": 1}""", 400, "invalid_type", "truncate" },
            { "return_multivector without a multi-vector head", """{"input": "a", "return_multivector": true}""", 400, "multivector_unsupported", "return_multivector" },
            { "return_multivector a string", """{"input": "a", "return_multivector": "yes"}""", 400, "invalid_type", "return_multivector" },
            { "late_chunking a string", """{"input": "a", "late_chunking": "true"}""", 400, "invalid_type", "late_chunking" },
            { "model a number", """{"input": "a", "model": 5}""", 400, "invalid_type", "model" },
            { "token ids with late chunking", """{"input": [[5, 6], [7]], "late_chunking": true}""", 400, "late_chunking_token_ids", "input" },
            { "too long without truncate", $$"""{"input": ["short", "{{longText}}"]}""", 400, "context_length_exceeded", "input" },
            { "too long token ids without truncate", $$"""{"input": [{{string.Join(',', Enumerable.Repeat(7, maxTokens + 1))}}]}""", 400, "context_length_exceeded", "input" },
            { "invalid UTF-8", "{\"input\": \"a\u00C3(b\"}", 400, "invalid_utf8", null },
            { "truncated UTF-8 sequence", "{\"input\": \"\u00E2\u0082\"}", 400, "invalid_utf8", null },
            { "unpaired high surrogate", """{"input": "a\ud800b"}""", 400, "invalid_unicode", "input" },
            { "unpaired low surrogate", """{"input": ["ok", {"text": "\udc00"}]}""", 400, "invalid_unicode", "input" },
            { "surrogates in the wrong order", """{"input": "\udc00\ud800"}""", 400, "invalid_unicode", "input" },
            { "too many items", $$"""{"input": {{manyItems}}}""", 413, "too_many_items", "input" },
            { "too many tokens", $$"""{"input": {{manyTokens}}}""", 413, "request_too_large", "input" },
            { "huge body", $$"""{"input": "{{new string('a', 70 * 1024)}}"}""", 413, "request_too_large", null },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), 16, 64, ToyBackend.Vocabulary)]
    public Task BadInputGetsTheContractedErrorAndTheServerGoesOn(string name, string body, int status, string code, string? param)
        => AssertBadInputAsync(server, name, body, status, code, param);

    internal static async Task AssertBadInputAsync(RunningServer server, string name, string body, int status, string code, string? param, string goodBody = """{"input": "still serving"}""")
    {
        using var response = await server.PostBytesAsync("/v1/embeddings", Latin1Escapes(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{name}: got {(int)response.StatusCode} {text}");
        AssertErrorBody(text, code, param, name);

        var ok = await server.EmbedAsync(goodBody);
        Assert.Single(ok.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task ContextLengthErrorNamesTheItemAndItsTokenCount()
    {
        string longText = string.Join(' ', Enumerable.Repeat("word", 70));
        using var response = await server.PostAsync("/v1/embeddings", $$"""{"input": ["short", "{{longText}}"]}""");
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.StartsWith("input[1] has 72 tokens; the maximum is 64", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task TokenizeRefusesImageItems()
    {
        using var response = await server.PostAsync("/tokenize", """{"input": ["a", {"image": "iVBORw0KGgo="}]}""");
        Assert.Equal(400, (int)response.StatusCode);
        AssertErrorBody(await response.Content.ReadAsStringAsync(), "unsupported_modality", "input", "tokenize image");
    }

    [Fact]
    public async Task UnknownRoutesAndMethodsGetErrorBodies()
    {
        using var notFound = await server.PostAsync("/v2/embeddings", """{"input": "a"}""");
        Assert.Equal(404, (int)notFound.StatusCode);
        AssertErrorBody(await notFound.Content.ReadAsStringAsync(), "not_found", null, "404");
        using var wrongMethod = await server.Http.GetAsync("/v1/embeddings");
        Assert.Equal(405, (int)wrongMethod.StatusCode);
        AssertErrorBody(await wrongMethod.Content.ReadAsStringAsync(), "method_not_allowed", null, "405");
    }

    internal static void AssertErrorBody(string text, string code, string? param, string name)
    {
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["error", "detail"], root.EnumerateObject().Select(p => p.Name));
        var error = root.GetProperty("error");
        Assert.True(error.GetProperty("message").GetString() == root.GetProperty("detail").GetString(), $"{name}: detail differs from error.message in {text}");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), name);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()), name);
        Assert.True(code == error.GetProperty("code").GetString(), $"{name}: code {error.GetProperty("code")} in {text}");
        Assert.True(param == (error.GetProperty("param").ValueKind == JsonValueKind.Null ? null : error.GetProperty("param").GetString()), $"{name}: param in {text}");
    }

    /// <summary>UTF-8 of the text, except that characters U+0080..U+00FF become single raw bytes (to build invalid UTF-8).</summary>
    internal static byte[] Latin1Escapes(string body)
    {
        var bytes = new List<byte>();
        foreach (char c in body)
        {
            if (c is >= '\u0080' and <= '\u00FF')
            {
                bytes.Add((byte)c);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        return [.. bytes];
    }
}
