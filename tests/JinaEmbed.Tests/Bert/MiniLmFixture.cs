// all-MiniLM-L6-v2 (real pretrained BERT) loaded once per test class, with its ONNX Runtime reference outputs.
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Bert;

public sealed class MiniLmFixture : IDisposable
{
    public MiniLmFixture()
    {
        Directory = Fixtures.Path("all-MiniLM-L6-v2");
        Embedder = Embedder.Load(Directory, new EmbedderOptions { Threads = 2 });
        Expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("all-MiniLM-L6-v2", "expected.json")));
    }

    public string Directory { get; }

    public Embedder Embedder { get; }

    public JsonDocument Expected { get; }

    public IEnumerable<JsonElement> Cases => Expected.RootElement.GetProperty("cases").EnumerateArray();

    public void Dispose()
    {
        Embedder.Dispose();
        Expected.Dispose();
    }
}
