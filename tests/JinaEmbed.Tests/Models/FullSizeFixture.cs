// Generates the full-size synthetic BF16 checkpoint (572M parameters) into a temp folder once, loads it, deletes it after.
using System.Text.Json;
using JinaEmbed.Compute;
using JinaEmbed.Models;
using JinaEmbed.Testing;

namespace JinaEmbed.Tests.Models;

public sealed class FullSizeFixture : IDisposable
{
    private readonly string _directory;

    public FullSizeFixture()
    {
        Expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("jina-v3-full", "expected.json")));
        _directory = Path.Combine(Path.GetTempPath(), "jinaembed-full-" + Guid.NewGuid().ToString("N"));
        try
        {
            SyntheticJinaCheckpoint.Write(_directory, Fixtures.Path("jina-v3-full", "config.json"));
            Model = JinaV3Model.Load(_directory, new ComputeContext());
        }
        catch
        {
            Directory.Delete(_directory, recursive: true);
            throw;
        }
    }

    public JsonDocument Expected { get; }

    public JinaV3Model Model { get; }

    public void Dispose()
    {
        Model.Dispose();
        Expected.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
