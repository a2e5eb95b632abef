// The two jina-embeddings-v4 fixtures loaded once each: tiny-jina-v4 (real tokenizer and ids, head 16, LoRA scale 2) and
// tiny-jina-v4-realdims (head 128, mrope [16, 24, 24], projector 128, no tokenizer), with expected.json from Jina's code.
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Models;

public sealed class JinaV4Fixture : IDisposable
{
    private readonly Lazy<Embedder> _tiny;
    private readonly Lazy<Embedder> _realDims;

    public JinaV4Fixture()
    {
        TinyDirectory = Fixtures.Path("tiny-jina-v4");
        RealDimsDirectory = Fixtures.Path("tiny-jina-v4-realdims");
        Tiny = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "expected.json")));
        RealDims = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4-realdims", "expected.json")));
        _tiny = new(() => Embedder.Load(TinyDirectory, new EmbedderOptions { Threads = 2 }));
        _realDims = new(() => Embedder.Load(RealDimsDirectory, new EmbedderOptions { Threads = 2 }));
    }

    public string TinyDirectory { get; }

    public string RealDimsDirectory { get; }

    /// <summary>tiny-jina-v4/expected.json.</summary>
    public JsonDocument Tiny { get; }

    /// <summary>tiny-jina-v4-realdims/expected.json.</summary>
    public JsonDocument RealDims { get; }

    public Embedder TinyEmbedder => _tiny.Value;

    public Embedder RealDimsEmbedder => _realDims.Value;

    public static double Tolerance(JsonDocument expected, string key) => expected.RootElement.GetProperty("tolerances").GetProperty(key).GetDouble();

    public void Dispose()
    {
        if (_tiny.IsValueCreated)
        {
            _tiny.Value.Dispose();
        }

        if (_realDims.IsValueCreated)
        {
            _realDims.Value.Dispose();
        }

        Tiny.Dispose();
        RealDims.Dispose();
    }
}
