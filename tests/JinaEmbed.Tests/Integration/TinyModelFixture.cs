// One tiny-jina-v3 embedder shared by the integration tests of a class (loading is the slow part).
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Integration;

public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        ModelDirectory = Fixtures.Path("tiny-jina-v3");
        Embedder = Embedder.Load(ModelDirectory);
        using var config = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("tiny-jina-v3", "config.json")));
        HiddenSize = config.RootElement.GetProperty("hidden_size").GetInt32();
        Prompts = config.RootElement.GetProperty("task_instructions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    public string ModelDirectory { get; }

    public Embedder Embedder { get; }

    public int HiddenSize { get; }

    /// <summary>Task name → prompt, from config.json.</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; }

    public void Dispose() => Embedder.Dispose();
}
