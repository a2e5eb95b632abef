// Issue #16: what real clients nobody here wrote run into (api.md "Client compatibility"): truncation by default,
// detail beside error, models.retrieve, CORS, plain JSON errors, look-alike fields, limits that name their setting,
// metrics by route template and error code with process metrics, log format, ONNX-only folders.
using System.Text;
using System.Text.Json;

namespace JinaEmbed.Server.Tests;

public class ClientCompatibilityTests(BadInputServerFixture fixture) : IClassFixture<BadInputServerFixture>
{
    private const string AppOrigin = "https://app.example";

    private static readonly string LongText = string.Join(' ', Enumerable.Repeat("word", 70)); // 72 tokens; the toy's maximum is 64

    private RunningServer Server => fixture.Running;

    private static async Task<(int Status, string Text, HttpResponseMessage Response)> SendAsync(RunningServer server, HttpRequestMessage request)
    {
        var response = await server.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static JsonElement Error(string text) => JsonDocument.Parse(text).RootElement.GetProperty("error");

    [Fact]
    public async Task DefaultTruncate_CutsInputsOfRequestsThatDoNotSendTruncate()
    {
        await using var server = await RunningServer.StartToyAsync(o => o.DefaultTruncate = true);
        var body = await server.EmbedAsync(JsonSerializer.Serialize(new { model = "text-embedding-3-small", input = new[] { "short", LongText } }));
        Assert.Equal(2, body.GetProperty("data").GetArrayLength());

        using var refused = await server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { input = LongText, truncate = false }));
        Assert.Equal(400, (int)refused.StatusCode);

        var info = JsonDocument.Parse(await server.Http.GetStringAsync("/info")).RootElement;
        Assert.True(info.GetProperty("default_truncate").GetBoolean());
    }

    [Fact]
    public async Task DefaultTruncate_IsOffByDefault_AndReportedByInfo()
    {
        using var refused = await Server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { input = LongText }));
        Assert.Equal(400, (int)refused.StatusCode);
        var info = JsonDocument.Parse(await Server.Http.GetStringAsync("/info")).RootElement;
        Assert.False(info.GetProperty("default_truncate").GetBoolean());
    }

    [Fact]
    public void DefaultTruncate_ComesFromAppsettingsAndFromTheEnvironmentWithUnderscores()
    {
        var folder = Directory.CreateTempSubdirectory("jinaembed-settings-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "appsettings.json"), """{"JinaEmbed": {"DefaultTruncate": true, "CorsOrigins": ["https://a.example"]}}""");
            var fromFile = ServerConfiguration.Load(folder.FullName, null, new System.Collections.Hashtable());
            Assert.True(fromFile.DefaultTruncate);
            Assert.Equal(["https://a.example"], fromFile.CorsOrigins);

            var environment = new System.Collections.Hashtable
            {
                ["JINAEMBED_DEFAULT_TRUNCATE"] = "true",
                ["JINAEMBED_MAX_REQUEST_BODY_BYTES"] = "1234",
                ["JINAEMBED_CORS_ORIGINS__0"] = "https://b.example",
                ["JINAEMBED_LOG_FORMAT"] = "text",
                ["JINAEMBED_QUEUECAPACITY"] = "9",
            };
            var fromEnvironment = ServerConfiguration.Load(Path.GetTempPath(), null, environment);
            Assert.True(fromEnvironment.DefaultTruncate);
            Assert.Equal(1234, fromEnvironment.MaxRequestBodyBytes);
            Assert.Equal(["https://b.example"], fromEnvironment.CorsOrigins);
            Assert.Equal("text", fromEnvironment.LogFormat);
            Assert.Equal(9, fromEnvironment.QueueCapacity);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ErrorBodies_CarryDetailEqualToTheMessage()
    {
        using var response = await Server.PostAsync("/v1/embeddings", """{"input": "a", "task": "retrieval"}""");
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(root.GetProperty("error").GetProperty("message").GetString(), root.GetProperty("detail").GetString());

        using var notFound = await Server.Http.GetAsync("/v2/nothing");
        var notFoundRoot = JsonDocument.Parse(await notFound.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(notFoundRoot.GetProperty("error").GetProperty("message").GetString(), notFoundRoot.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ModelsRetrieve_ReturnsTheModelObject_AndModelNotFoundForOthers()
    {
        await using var server = await RunningServer.StartToyAsync(o => o.ModelAliases.Add("toy-org/toy-model"));
        var model = JsonDocument.Parse(await server.Http.GetStringAsync("/v1/models/toy-model")).RootElement;
        Assert.Equal("toy-model", model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.Equal(JsonValueKind.Number, model.GetProperty("created").ValueKind);
        Assert.False(string.IsNullOrEmpty(model.GetProperty("owned_by").GetString()));

        foreach (var path in new[] { "/v1/models/toy-org/toy-model", "/v1/models/toy-org%2Ftoy-model", "/models/toy-org/toy-model" })
        {
            var alias = JsonDocument.Parse(await server.Http.GetStringAsync(path)).RootElement;
            Assert.Equal("toy-org/toy-model", alias.GetProperty("id").GetString());
        }

        using var missing = await server.Http.GetAsync("/v1/models/text-embedding-3-small");
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("model_not_found", Error(await missing.Content.ReadAsStringAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Cors_IsOffByDefault()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/embeddings");
        preflight.Headers.Add("Origin", AppOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var (_, _, response) = await SendAsync(Server, preflight);
        using (response)
        {
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task Cors_AnswersPreflightsWithoutTheApiKey_AndMarksResponsesToAllowedOrigins()
    {
        await using var server = await RunningServer.StartToyAsync(o =>
        {
            o.CorsOrigins = [AppOrigin + ", https://other.example"];
            o.ApiKey = "k3y";
        });

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/embeddings");
        preflight.Headers.Add("Origin", AppOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, x-stainless-os");
        var (status, _, answer) = await SendAsync(server, preflight);
        using (answer)
        {
            Assert.Equal(204, status);
            Assert.Equal(AppOrigin, Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.Equal("GET, POST, OPTIONS", string.Join(", ", answer.Headers.GetValues("Access-Control-Allow-Methods")));
            var allowed = string.Join(",", answer.Headers.GetValues("Access-Control-Allow-Headers")).Split(',').Select(h => h.Trim()).ToList();
            Assert.Contains("Authorization", allowed);
            Assert.Contains("Content-Type", allowed);
            Assert.Contains("x-stainless-os", allowed);
            Assert.True(answer.Headers.Contains("Access-Control-Max-Age"));
            Assert.False(answer.Headers.Contains("Access-Control-Allow-Credentials"));
        }

        var post = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = new StringContent("""{"input": "from a browser"}""", Encoding.UTF8, "application/json") };
        post.Headers.Add("Origin", AppOrigin);
        post.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "k3y");
        var (postStatus, postText, posted) = await SendAsync(server, post);
        using (posted)
        {
            Assert.True(postStatus == 200, postText);
            Assert.Equal(AppOrigin, Assert.Single(posted.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.Contains("Origin", posted.Headers.Vary);
        }

        // An error without the key is still readable by the allowed origin.
        var unauthorized = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = new StringContent("""{"input": "a"}""", Encoding.UTF8, "application/json") };
        unauthorized.Headers.Add("Origin", AppOrigin);
        var (unauthorizedStatus, _, refused) = await SendAsync(server, unauthorized);
        using (refused)
        {
            Assert.Equal(401, unauthorizedStatus);
            Assert.Equal(AppOrigin, Assert.Single(refused.Headers.GetValues("Access-Control-Allow-Origin")));
        }

        var stranger = new HttpRequestMessage(HttpMethod.Options, "/v1/embeddings");
        stranger.Headers.Add("Origin", "https://evil.example");
        stranger.Headers.Add("Access-Control-Request-Method", "POST");
        var (_, _, strangerAnswer) = await SendAsync(server, stranger);
        using (strangerAnswer)
        {
            Assert.False(strangerAnswer.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task Cors_AnyOrigin_AnswersWithAStar()
    {
        await using var server = await RunningServer.StartToyAsync(o => o.CorsOrigins = ["*"]);
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/info");
        preflight.Headers.Add("Origin", "http://localhost:3000");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        var (status, _, answer) = await SendAsync(server, preflight);
        using (answer)
        {
            Assert.Equal(204, status);
            Assert.Equal("*", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
        }
    }

    [Fact]
    public void Cors_RefusesAnOriginWithAPath() =>
        Assert.Contains("CorsOrigins", Assert.Throws<ArgumentException>(() => new ServerOptions { CorsOrigins = ["https://app.example/path"] }.Validate()).Message);

    [Theory]
    [InlineData("""{"input": "a",}""", "a comma before a closing")]
    [InlineData("""{"input": "a" /* c */}""", "JSON has no comments")]
    [InlineData("""{"input": "a" "b"}""", "line 1, column")]
    [InlineData("{\n  \"input\": [\"a\"\n}", "line 3, column 1")]
    [InlineData("", "the request body is empty")]
    public async Task MalformedJson_IsExplainedInPlainWords(string body, string expected)
    {
        using var response = await Server.PostAsync("/v1/embeddings", body);
        var message = Error(await response.Content.ReadAsStringAsync()).GetProperty("message").GetString()!;
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.True(body.Length == 0 || message.StartsWith("the request body is not valid JSON: ", StringComparison.Ordinal), message);
        foreach (var developerText in new[] { "LineNumber", "BytePositionInLine", "reader options", "isFinalBlock", "JsonReaderOptions" })
        {
            Assert.DoesNotContain(developerText, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ResponseBodies_DoNotEscapeQuotesOrAngleBrackets()
    {
        using var response = await Server.PostAsync("/v1/embeddings", """{"input": "a", "task": "<it's \"mine\">"}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("'<it's \\\"mine\\\">'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0022", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u003C", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EncodingType_IsAnAliasOfEmbeddingType()
    {
        var body = await Server.EmbedAsync("""{"input": "bits please", "encoding_type": "ubinary"}""");
        var bytes = body.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(16 / 8, bytes.Length);

        using var bad = await Server.PostAsync("/v1/embeddings", """{"input": "a", "encoding_type": "int4"}""");
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Equal("encoding_type", Error(await bad.Content.ReadAsStringAsync()).GetProperty("param").GetString());
    }

    [Fact]
    public async Task AnotherModelName_IsServedWithAHeaderNamingTheServedModel()
    {
        using var other = await Server.PostAsync("/v1/embeddings", """{"input": "a", "model": "text-embedding-3-small"}""");
        Assert.Equal(200, (int)other.StatusCode);
        Assert.Equal("toy-model", Assert.Single(other.Headers.GetValues("x-served-model")));

        using var same = await Server.PostAsync("/v1/embeddings", """{"input": "a", "model": "toy-model"}""");
        Assert.Equal(200, (int)same.StatusCode);
        Assert.False(same.Headers.Contains("x-served-model"));
    }

    [Fact]
    public async Task AnotherModelName_IsStill404InStrictMode()
    {
        await using var server = await RunningServer.StartToyAsync(o => o.StrictModelNames = true);
        using var response = await server.PostAsync("/v1/embeddings", """{"input": "a", "model": "text-embedding-3-small"}""");
        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Limits_NameTheRequestFieldAndTheServerSetting()
    {
        string manyItems = "[" + string.Join(',', Enumerable.Repeat("\"a\"", 33)) + "]";
        string manyTokens = "[" + string.Join(',', Enumerable.Repeat($"\"{string.Join(' ', Enumerable.Repeat("t", 30))}\"", 8)) + "]";
        var cases = new (string Path, string Body, int Status, string[] Expected)[]
        {
            ("/v1/embeddings", $$"""{"input": {{manyItems}}}""", 413, ["--max-request-items", "JinaEmbed:MaxItemsPerRequest"]),
            ("/tokenize", $$"""{"input": {{manyItems}}}""", 413, ["--max-request-items", "JinaEmbed:MaxItemsPerRequest"]),
            ("/v1/embeddings", $$"""{"input": {{manyTokens}}}""", 413, ["--max-request-tokens", "JinaEmbed:MaxTokensPerRequest"]),
            ("/v1/embeddings", $$"""{"input": ["short", "{{LongText}}"]}""", 400, ["input[1] has 72 tokens; the maximum is 64", "\"truncate\": true", "--default-truncate", "JinaEmbed:DefaultTruncate"]),
            ("/v1/embeddings", $$"""{"input": "{{new string('a', 70 * 1024)}}"}""", 413, ["--max-request-body-bytes", "JinaEmbed:MaxRequestBodyBytes"]),
        };
        foreach (var (path, body, status, expected) in cases)
        {
            using var response = await Server.PostAsync(path, body);
            var message = Error(await response.Content.ReadAsStringAsync()).GetProperty("message").GetString()!;
            Assert.True(status == (int)response.StatusCode, message);
            foreach (var words in expected)
            {
                Assert.Contains(words, message, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("EmbedOptions", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_CountA405UnderItsRoute_ErrorsByCode_AndTheProcess()
    {
        await using var server = await RunningServer.StartToyAsync();
        using (var wrongMethod = await server.Http.GetAsync("/v1/embeddings"))
        {
            Assert.Equal(405, (int)wrongMethod.StatusCode);
        }

        using (var malformed = await server.PostAsync("/v1/embeddings", "{"))
        {
            Assert.Equal(400, (int)malformed.StatusCode);
        }

        var metrics = await server.Http.GetStringAsync("/metrics");
        Assert.Contains("jinaembed_http_requests_total{route=\"/v1/embeddings\",status=\"405\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("route=\"unmatched\",status=\"405\"", metrics, StringComparison.Ordinal);
        Assert.Contains("jinaembed_request_errors_total{code=\"method_not_allowed\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("jinaembed_request_errors_total{code=\"invalid_json\"} 1", metrics, StringComparison.Ordinal);
        foreach (var name in new[] { "process_cpu_seconds_total", "process_working_set_bytes", "dotnet_collection_count_total", "dotnet_total_memory_bytes", "dotnet_gc_heap_size_bytes", "dotnet_threadpool_threads", "dotnet_threadpool_queue_length" })
        {
            Assert.Matches(new System.Text.RegularExpressions.Regex("^" + name + "(\\{[^}]*\\})? [0-9.e+E-]+$", System.Text.RegularExpressions.RegexOptions.Multiline), metrics);
        }
    }

    [Theory]
    [InlineData(null, true, "text")]
    [InlineData("auto", true, "text")]
    [InlineData("auto", false, "json")]
    [InlineData("json", true, "json")]
    [InlineData("text", false, "text")]
    [InlineData("simple", false, "text")]
    [InlineData("none", true, "none")]
    public void LogFormat_IsTextOnATerminal_JsonWhenRedirected_UnlessSet(string? setting, bool terminal, string expected)
    {
        Assert.Equal("auto", new ServerOptions().LogFormat);
        Assert.Equal(expected, ServerLogging.Resolve(setting, terminal));
    }

    [Fact]
    public void LogFormat_RefusesAnUnknownValueNamingTheFlag() =>
        Assert.Contains("--log-format", Assert.Throws<ArgumentException>(() => new ServerOptions { LogFormat = "xml" }.Validate()).Message);

    [Fact]
    public async Task OnnxOnlyFolder_FailsToLoadSayingOnnxIsNotSupported()
    {
        var folder = Directory.CreateTempSubdirectory("jinaembed-onnx-");
        try
        {
            File.Copy(Fixtures.Path("all-MiniLM-L6-v2", "config.json"), Path.Combine(folder.FullName, "config.json"));
            File.Copy(Fixtures.Path("all-MiniLM-L6-v2", "tokenizer.json"), Path.Combine(folder.FullName, "tokenizer.json"));
            File.WriteAllBytes(Path.Combine(folder.FullName, "model.onnx"), [8, 7, 18, 0]);
            await using var server = await EmbeddingServer.StartAsync(RunningServer.TestOptions(), folder.FullName);
            var error = await Assert.ThrowsAnyAsync<Exception>(() => server.Ready.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("ONNX is not supported", error.Message, StringComparison.Ordinal);
            Assert.Contains("model.safetensors", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}

/// <summary>The log format of a real <c>jinaembed serve</c> process whose output is redirected (as under a log collector).</summary>
public class ServeLogFormatTests
{
    [Fact]
    public async Task RedirectedOutput_GetsJsonLines()
    {
        var line = await FirstLogLineAsync();
        var entry = JsonDocument.Parse(line).RootElement;
        Assert.Equal("JinaEmbed.Server", entry.GetProperty("Category").GetString());
        Assert.StartsWith("Listening on http://127.0.0.1:", entry.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogFormatText_GetsReadableLines()
    {
        var line = await FirstLogLineAsync("--log-format", "text");
        Assert.Matches(@"^\d\d:\d\d:\d\d info: JinaEmbed\.Server\[0\] Listening on http://127\.0\.0\.1:\d+/$", line);
    }

    // Starts the CLI beside the test assembly, returns its stdout line that says where it listens, and stops it.
    private static async Task<string> FirstLogLineAsync(params string[] flags)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "JinaEmbed.Cli.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing: the test project references JinaEmbed.Cli, whose build puts it there");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])[cli, "serve", "--model", Fixtures.Path("tiny-jina-v3"), "--port", "0", "--threads", "1", .. flags])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("JINAEMBED_LOGFORMAT");
        start.Environment.Remove("JINAEMBED_LOG_FORMAT");
        using var process = System.Diagnostics.Process.Start(start)!;
        var seen = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                seen.Add(line);
                if (line.Contains("Listening on", StringComparison.Ordinal))
                {
                    return line;
                }
            }

            Assert.Fail($"the server exited without saying where it listens; its output: {string.Join('\n', seen)}");
            return string.Empty;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
    }
}
