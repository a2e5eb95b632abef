// A real sentence-transformers BERT model (all-MiniLM-L6-v2) served over loopback HTTP: vectors equal ONNX Runtime's
// (all-MiniLM-L6-v2/expected.json), Matryoshka-style truncation, the model card, and task names refused by a model
// that has no adapters.
using System.Text.Json;

namespace JinaEmbed.Server.Tests;

public sealed class MiniLmServerFixture : IAsyncLifetime
{
    internal RunningServer Running { get; private set; } = null!;

    internal JsonDocument Expected { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("all-MiniLM-L6-v2", "expected.json")));
        Running = await RunningServer.StartModelAsync(Fixtures.Path("all-MiniLM-L6-v2"));
    }

    public async Task DisposeAsync()
    {
        await Running.DisposeAsync();
        Expected.Dispose();
    }
}

public class MiniLmServerTests(MiniLmServerFixture fixture) : IClassFixture<MiniLmServerFixture>
{
    private const double PooledTolerance = 1e-5;

    private List<(string Text, float[] Embedding)> Cases => fixture.Expected.RootElement.GetProperty("cases").EnumerateArray()
        .Where(c => c.GetProperty("prompt_name").ValueKind == JsonValueKind.Null)
        .Select(c => (c.GetProperty("text").GetString()!, c.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray()))
        .ToList();

    [Fact]
    public async Task OpenAiRequestReturnsOnnxRuntimeVectors()
    {
        var cases = Cases;
        Assert.Equal(30, cases.Count);
        var body = await fixture.Running.EmbedAsync(JsonSerializer.Serialize(new { model = "all-MiniLM-L6-v2", input = cases.Select(c => c.Text).ToArray() }));
        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(cases.Count, data.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            var vector = data[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.Equal(384, vector.Length);
            for (int j = 0; j < vector.Length; j++)
            {
                Assert.True(Math.Abs(vector[j] - cases[i].Embedding[j]) <= PooledTolerance, $"case {i} ({cases[i].Text}) dim {j}: expected {cases[i].Embedding[j]}, got {vector[j]}");
            }
        }

        Assert.True(body.GetProperty("usage").GetProperty("total_tokens").GetInt32() > cases.Count);
    }

    [Fact]
    public async Task DimensionsKeepTheLeadingValuesRenormalised()
    {
        var (text, full) = Cases[2];
        var body = await fixture.Running.EmbedAsync(JsonSerializer.Serialize(new { input = new[] { text }, dimensions = 64 }));
        var vector = body.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(64, vector.Length);
        double norm = Math.Sqrt(full.Take(64).Sum(v => (double)v * v));
        for (int j = 0; j < 64; j++)
        {
            Assert.True(Math.Abs(vector[j] - (full[j] / norm)) <= PooledTolerance, $"dim {j}: expected {full[j] / norm}, got {vector[j]}");
        }
    }

    [Fact]
    public async Task TaskNamesAreRefusedByAModelWithoutAdapters()
    {
        using var response = await fixture.Running.PostAsync("/v1/embeddings", """{"input": ["hello"], "task": "retrieval.query"}""");
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("task", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InfoDescribesTheBertModel()
    {
        using var response = await fixture.Running.Http.GetAsync("/info");
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var info = JsonDocument.Parse(text).RootElement;
        Assert.Equal(384, info.GetProperty("hidden_size").GetInt32());
        Assert.Equal(256, info.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0, info.GetProperty("tasks").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("default_task").ValueKind);
    }
}
