// API key (constant-time bearer check), strict model names, and the operational endpoints.
using System.Net.Http.Headers;
using System.Text.Json;

namespace JinaEmbed.Server.Tests;

public class AccessTests
{
    [Fact]
    public async Task ApiKeyGuardsEveryRouteButHealthReadyAndMetrics()
    {
        await using var server = await RunningServer.StartToyAsync(o => o.ApiKey = "s3cret-key");
        const string body = """{"input": "guarded"}""";
        foreach (var (key, status) in new (string?, int)[] { (null, 401), ("wrong", 401), ("s3cret-ke", 401), ("s3cret-key-", 401), ("S3CRET-KEY", 401), ("s3cret-key", 200) })
        {
            using var response = await server.PostAsync("/v1/embeddings", body, key);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == (int)response.StatusCode, $"key {key}: {(int)response.StatusCode} {text}");
            if (status == 401)
            {
                BadInputTests.AssertErrorBody(text, "invalid_api_key", null, $"key {key}");
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            }
        }

        using (var basic = new HttpRequestMessage(HttpMethod.Get, "/info"))
        {
            basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", "czNjcmV0LWtleQ==");
            using var response = await server.Http.SendAsync(basic);
            Assert.Equal(401, (int)response.StatusCode);
        }

        foreach (var open in new[] { "/health", "/ready", "/metrics" })
        {
            using var response = await server.Http.GetAsync(open);
            Assert.Equal(200, (int)response.StatusCode);
        }

        foreach (var closed in new[] { "/info", "/v1/models" })
        {
            using var response = await server.Http.GetAsync(closed);
            Assert.Equal(401, (int)response.StatusCode);
        }

        // The server still answers a valid request afterwards.
        using var ok = await server.PostAsync("/v1/embeddings", body, "s3cret-key");
        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task StrictModelNamesRejectUnknownModels()
    {
        await using var server = await RunningServer.StartToyAsync(o =>
        {
            o.StrictModelNames = true;
            o.ModelName = "jina-embeddings-v3";
            o.ModelAliases = ["jinaai/jina-embeddings-v3"];
        });
        using var unknown = await server.PostAsync("/v1/embeddings", """{"input": "a", "model": "text-embedding-3-small"}""");
        Assert.Equal(404, (int)unknown.StatusCode);
        BadInputTests.AssertErrorBody(await unknown.Content.ReadAsStringAsync(), "model_not_found", "model", "strict");

        foreach (var name in new[] { "jina-embeddings-v3", "jinaai/jina-embeddings-v3" })
        {
            var body = await server.EmbedAsync($$"""{"input": "a", "model": "{{name}}"}""");
            Assert.Equal("jina-embeddings-v3", body.GetProperty("model").GetString());
        }

        var models = JsonDocument.Parse(await server.Http.GetStringAsync("/v1/models")).RootElement;
        Assert.Equal("list", models.GetProperty("object").GetString());
        Assert.Equal(["jina-embeddings-v3", "jinaai/jina-embeddings-v3"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.All(models.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task InfoTokenizeAndMetricsDescribeTheServer()
    {
        await using var server = await RunningServer.StartToyAsync(o => o.DefaultTask = "retrieval.passage");
        var info = JsonDocument.Parse(await server.Http.GetStringAsync("/info")).RootElement;
        Assert.Equal("toy-model", info.GetProperty("model").GetString());
        Assert.Equal("rev-1", info.GetProperty("revision").GetString());
        Assert.Equal(16, info.GetProperty("hidden_size").GetInt32());
        Assert.Equal(64, info.GetProperty("max_tokens").GetInt32());
        Assert.Equal("retrieval.passage", info.GetProperty("default_task").GetString());
        Assert.Equal(5, info.GetProperty("tasks").GetArrayLength());
        Assert.Equal("Represent the query for retrieving evidence documents: ", info.GetProperty("tasks")[0].GetProperty("prompt").GetString());
        Assert.Equal(2048, info.GetProperty("limits").GetProperty("max_items_per_request").GetInt32());
        Assert.Equal(4096, info.GetProperty("limits").GetProperty("queue_capacity").GetInt32());
        Assert.Equal(16384, info.GetProperty("limits").GetProperty("max_batch_tokens").GetInt32());

        using var tokenized = await server.PostAsync("/tokenize", """{"input": ["hi  there", {"text": "x"}]}""");
        Assert.Equal(200, (int)tokenized.StatusCode);
        var data = JsonDocument.Parse(await tokenized.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        Assert.Equal(ToyBackend.Encode("hi  there", true).Ids, data[0].GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(["<s>", "hi", "there", "</s>"], data[0].GetProperty("tokens").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal([[0, 0], [0, 2], [4, 9], [0, 0]], data[0].GetProperty("offsets").EnumerateArray().Select(o => o.EnumerateArray().Select(v => v.GetInt32()).ToArray()));
        Assert.Equal(1, data[1].GetProperty("index").GetInt32());

        using var withPrompt = await server.PostAsync("/tokenize", """{"input": "hi there", "task": "retrieval.passage", "add_special_tokens": false}""");
        var prompted = JsonDocument.Parse(await withPrompt.Content.ReadAsStringAsync()).RootElement.GetProperty("data")[0];
        Assert.Equal(7, prompted.GetProperty("ids").GetArrayLength());
        Assert.Equal([0, 2], prompted.GetProperty("offsets")[5].EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([0, 0], prompted.GetProperty("offsets")[0].EnumerateArray().Select(v => v.GetInt32()));

        using var badTokenize = await server.PostAsync("/tokenize", """{"input": []}""");
        Assert.Equal(400, (int)badTokenize.StatusCode);

        await server.EmbedAsync("""{"input": ["count me", "and me"]}""");
        var metrics = await server.Http.GetStringAsync("/metrics");
        foreach (var name in new[] { "jinaembed_http_requests_total", "jinaembed_http_request_duration_seconds", "jinaembed_queue_depth", "jinaembed_batch_tokens", "jinaembed_batch_sequences", "jinaembed_batch_requests", "jinaembed_tokens_processed_total", "jinaembed_forward_seconds" })
        {
            Assert.Contains(name, metrics);
        }

        Assert.Contains("jinaembed_http_requests_total{route=\"/v1/embeddings\",status=\"200\"}", metrics);
    }

    [Fact]
    public void SettingsComeFromAppsettingsThenEnvironmentThenFlags()
    {
        var directory = Directory.CreateTempSubdirectory("jinaembed-settings");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "appsettings.json"), """{"JinaEmbed": {"Port": 9001, "QueueCapacity": 7, "DefaultTask": "separation", "ModelAliases": ["a", "b"]}}""");
            Environment.SetEnvironmentVariable("JINAEMBED_QUEUECAPACITY", "11");
            var options = ServerConfiguration.Load(directory.FullName, new Dictionary<string, string?> { ["DefaultTask"] = "none", ["Host"] = null });
            Assert.Equal(9001, options.Port);
            Assert.Equal(11, options.QueueCapacity);
            Assert.Equal("none", options.DefaultTask);
            Assert.Equal("127.0.0.1", options.Host);
            Assert.Equal(["a", "b"], options.ModelAliases);
        }
        finally
        {
            Environment.SetEnvironmentVariable("JINAEMBED_QUEUECAPACITY", null);
            directory.Delete(true);
        }
    }
}
