// The OpenAPI document (/openapi/v1.json) against the server that serves it: it validates, names every route the
// app maps (read from its EndpointDataSource, not from a list here), its references resolve, and real requests and
// responses fit its schemas; the reference page (/docs) and the playground (/) load from the server, without a key.
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace JinaEmbed.Server.Tests;

public partial class ApiDocumentationTests
{
    /// <summary>Routes of the documentation itself, left out of the document on purpose.</summary>
    private static readonly string[] DocumentationRoutes = ["/", "/playground.js", "/playground.css", "/openapi/v1.json"];

    [Fact]
    public async Task OpenApiDocumentValidatesAndListsEveryMappedRoute()
    {
        await using var server = await RunningServer.StartTinyAsync();
        string text = await server.Http.GetStringAsync("/openapi/v1.json");
        var document = JsonDocument.Parse(text).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());

        var read = OpenApiDocument.Parse(text, OpenApiConstants.Json, new OpenApiReaderSettings());
        Assert.True(read.Diagnostic?.Errors.Count is null or 0, "reading: " + string.Join("; ", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        var validation = read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? [];
        Assert.True(!validation.Any(), "validation: " + string.Join("; ", validation.Select(e => $"{e.Pointer}: {e.Message}")));

        var mapped = new List<(string Path, string Method)>();
        foreach (var endpoint in server.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            // OpenAPI has no catch-all parameter: a route's {**id} is the document's {id}.
            string path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/').Replace("{**", "{", StringComparison.Ordinal);
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
            {
                Assert.True(
                    DocumentationRoutes.Contains(path) || path.StartsWith("/docs", StringComparison.Ordinal),
                    $"{path} is left out of the OpenAPI document but is not a documentation route");
                continue;
            }

            mapped.AddRange(methods.Select(m => (path, m.ToLowerInvariant())));
        }

        Assert.Contains(("/v1/embeddings", "post"), mapped);
        var paths = document.GetProperty("paths");
        foreach (var (path, method) in mapped)
        {
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out _), $"{method.ToUpperInvariant()} {path} is mapped but not in the document");
        }

        foreach (var path in paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                Assert.True(mapped.Contains((path.Name, operation.Name)), $"{operation.Name.ToUpperInvariant()} {path.Name} is in the document but not mapped");
                var ok = operation.Value.GetProperty("responses").GetProperty("200");
                Assert.True(ok.TryGetProperty("content", out var content) && content.EnumerateObject().All(c => c.Value.TryGetProperty("schema", out _)), $"{path.Name}: the 200 response has no schema");
            }
        }

        var references = RefPattern().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.NotEmpty(references);
        foreach (var reference in references)
        {
            OpenApiSchemaCheck.Resolve(reference, document);
        }
    }

    [Fact]
    public async Task RealRequestsAndResponsesFitTheDocumentedSchemas()
    {
        await using var server = await RunningServer.StartTinyAsync();
        var document = JsonDocument.Parse(await server.Http.GetStringAsync("/openapi/v1.json")).RootElement;
        (string Path, string Body, int Status)[] posts =
        [
            ("/v1/embeddings", """{"input": ["a cat", "a dog"], "task": "retrieval.query", "model": "tiny-jina-v3"}""", 200),
            ("/embeddings", """{"input": "one text", "encoding_format": "base64", "dimensions": 32}""", 200),
            ("/v1/embeddings", """{"input": [{"text": "x"}, "y"], "embedding_type": ["float", "base64", "binary", "ubinary"], "dimensions": 16, "normalized": true}""", 200),
            ("/v1/embeddings", """{"input": [[0, 100, 2], [0, 7, 2]], "encoding_format": "float"}""", 200),
            ("/v1/embeddings", """{"input": ["Berlin is a city.", "It is big."], "late_chunking": true, "truncate": true, "embedding_type": "ubinary"}""", 200),
            ("/v1/embeddings", """{"input": []}""", 400),
            ("/v1/embeddings", """{"input": "x", "task": "no-such-task"}""", 400),
            ("/tokenize", """{"input": ["Hello world", {"text": "again"}], "task": "retrieval.query", "add_special_tokens": true}""", 200),
            ("/tokenize", """{"input": []}""", 400),
        ];
        foreach (var (path, body, status) in posts)
        {
            var operation = Operation(document, path, "post");
            var requestSchema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            AssertFits(JsonDocument.Parse(body).RootElement, requestSchema, document, $"request {path} {body}");
            using var response = await server.PostAsync(path, body);
            await AssertResponseFitsAsync(response, status, operation, document, $"POST {path} {body}");
        }

        foreach (var path in new[] { "/info", "/v1/models", "/models", "/health", "/ready" })
        {
            using var response = await server.Http.GetAsync(path);
            await AssertResponseFitsAsync(response, 200, Operation(document, path, "get"), document, $"GET {path}");
        }
    }

    [Fact]
    public async Task MultiVectorAndImageExchangesFitTheDocumentedSchemas()
    {
        await using var server = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4"));
        var document = JsonDocument.Parse(await server.Http.GetStringAsync("/openapi/v1.json")).RootElement;
        string image = Convert.ToBase64String(await File.ReadAllBytesAsync(Fixtures.Path("tiny-jina-v4", "images", "img_100x70.png")));
        string[] bodies =
        [
            """{"input": ["a query"], "task": "retrieval.query", "return_multivector": true}""",
            """{"input": [{"text": "a page"}], "task": "retrieval.passage", "return_multivector": true, "embedding_type": ["base64", "ubinary"]}""",
            $$"""{"input": [{"image": "data:image/png;base64,{{image}}"}, {"image": "{{image}}"}, {"text": "caption"}], "task": "retrieval.passage"}""",
        ];
        var operation = Operation(document, "/v1/embeddings", "post");
        var requestSchema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        foreach (var body in bodies)
        {
            AssertFits(JsonDocument.Parse(body).RootElement, requestSchema, document, $"request {body[..Math.Min(80, body.Length)]}");
            using var response = await server.PostAsync("/v1/embeddings", body);
            await AssertResponseFitsAsync(response, 200, operation, document, $"POST /v1/embeddings {body[..Math.Min(80, body.Length)]}");
        }

        using var info = await server.Http.GetAsync("/info");
        await AssertResponseFitsAsync(info, 200, Operation(document, "/info", "get"), document, "GET /info of an image model");
    }

    [Fact]
    public async Task DocumentationAndPlaygroundAreOpenWhileTheApiNeedsTheKey()
    {
        await using var server = await RunningServer.StartTinyAsync(o => o.ApiKey = "docs-key");
        foreach (var open in new[] { "/", "/playground.js", "/playground.css", "/openapi/v1.json", "/docs/" })
        {
            using var response = await server.Http.GetAsync(open);
            Assert.True(response.IsSuccessStatusCode, $"{open} without a key: {(int)response.StatusCode}");
        }

        using (var info = await server.Http.GetAsync("/info"))
        {
            Assert.Equal(401, (int)info.StatusCode);
        }

        var document = JsonDocument.Parse(await server.Http.GetStringAsync("/openapi/v1.json")).RootElement;
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(Operation(document, "/v1/embeddings", "post").TryGetProperty("security", out _), "POST /v1/embeddings names the bearer key");
        Assert.False(Operation(document, "/health", "get").TryGetProperty("security", out _), "GET /health is open");

        // Without a key configured the document asks for none.
        await using var open2 = await RunningServer.StartToyAsync();
        var plain = JsonDocument.Parse(await open2.Http.GetStringAsync("/openapi/v1.json")).RootElement;
        Assert.False(Operation(plain, "/v1/embeddings", "post").TryGetProperty("security", out _), "no key, no security requirement");
    }

    [Fact]
    public async Task ReferencePageAndPlaygroundLoadTheirAssetsFromTheServer()
    {
        await using var server = await RunningServer.StartToyAsync();
        foreach (var page in new[] { "/docs/", "/" })
        {
            using var response = await server.Http.GetAsync(page);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            string html = await response.Content.ReadAsStringAsync();
            var assets = AssetPattern().Matches(html).Select(m => m.Groups[1].Value).ToArray();
            Assert.NotEmpty(assets);
            foreach (var asset in assets)
            {
                Assert.False(asset.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || asset.StartsWith("https:", StringComparison.OrdinalIgnoreCase) || asset.StartsWith("//", StringComparison.Ordinal), $"{page} loads {asset} from elsewhere");
                using var loaded = await server.Http.GetAsync(new Uri(new Uri(server.Server.BaseAddress, page), asset));
                Assert.True(loaded.IsSuccessStatusCode, $"{page} → {asset}: {(int)loaded.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task DocumentedBodiesAddNoContentTypeCheck()
    {
        // The request bodies are described for the document only: a body without Content-Type (or with another one)
        // is still read as JSON, as before the description existed.
        await using var server = await RunningServer.StartToyAsync();
        foreach (var path in new[] { "/v1/embeddings", "/tokenize" })
        {
            foreach (var contentType in new[] { null, "text/plain" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent("""{"input": ["a b"]}"""u8.ToArray()) };
                if (contentType != null)
                {
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
                }

                using var response = await server.Http.SendAsync(request);
                Assert.True(response.IsSuccessStatusCode, $"{path} with Content-Type {contentType ?? "(none)"}: {(int)response.StatusCode}");
            }
        }
    }

    private static JsonElement Operation(JsonElement document, string path, string method)
    {
        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is not in the document");
        Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not in the document");
        return operation;
    }

    private static async Task AssertResponseFitsAsync(HttpResponseMessage response, int status, JsonElement operation, JsonElement document, string what)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{what}: {(int)response.StatusCode} {text}");
        Assert.True(
            operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var documented),
            $"{what}: status {status} is not documented");
        var schema = documented.GetProperty("content").GetProperty("application/json").GetProperty("schema");
        AssertFits(JsonDocument.Parse(text).RootElement, schema, document, $"{what} → {status}");
    }

    private static void AssertFits(JsonElement value, JsonElement schema, JsonElement document, string what)
    {
        var problems = OpenApiSchemaCheck.Problems(value, schema, document);
        Assert.True(problems.Count == 0, $"{what}: {string.Join("; ", problems.Take(10))}");
    }

    [GeneratedRegex("\"\\$ref\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex RefPattern();

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex AssetPattern();
}
