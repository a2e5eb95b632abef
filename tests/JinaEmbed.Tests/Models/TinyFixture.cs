// The tiny-jina-v3 fixture loaded once: both checkpoint files and expected.json (official PyTorch outputs).
using System.Text.Json;
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Models;

public sealed class TinyFixture : IDisposable
{
    public TinyFixture()
    {
        Directory = Fixtures.Path("tiny-jina-v3");
        Expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v3", "expected.json")));
        var config = JinaV3Config.Load(Path.Combine(Directory, "config.json"));
        Bf16 = JinaV3Model.Load(config, Path.Combine(Directory, "model.safetensors"), new ComputeContext(2));
        F32 = JinaV3Model.Load(config, Path.Combine(Directory, "model.f32.safetensors"), new ComputeContext(2));
    }

    public string Directory { get; }

    public JsonDocument Expected { get; }

    public JinaV3Model Bf16 { get; }

    public JinaV3Model F32 { get; }

    public JinaV3Model Model(string dtype) => dtype == "BF16" ? Bf16 : F32;

    public IEnumerable<JsonElement> Cases(string kind) =>
        Expected.RootElement.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == kind);

    public void Dispose()
    {
        Bf16.Dispose();
        F32.Dispose();
        Expected.Dispose();
    }
}
