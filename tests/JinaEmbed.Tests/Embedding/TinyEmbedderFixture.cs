// The tiny-jina-v3 folder loaded through the public Embedder, with its expected.json.
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Embedding;

public sealed class TinyEmbedderFixture : IDisposable
{
    public TinyEmbedderFixture()
    {
        Embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"), new EmbedderOptions { Threads = 2 });
        Expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v3", "expected.json")));
    }

    public Embedder Embedder { get; }

    public JsonDocument Expected { get; }

    public IEnumerable<JsonElement> Cases(string kind) =>
        Expected.RootElement.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == kind);

    public void Dispose()
    {
        Embedder.Dispose();
        Expected.Dispose();
    }
}
