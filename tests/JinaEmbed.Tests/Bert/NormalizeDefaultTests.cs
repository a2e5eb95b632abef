// A sentence-transformers model normalises by default only when its modules.json lists a Normalize module; a call's
// explicit Normalize wins either way (EmbedOptions.Normalize null = the model's own pipeline).
using System.Text.Json.Nodes;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Bert;

public sealed class NormalizeDefaultTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("jinaembed-nonorm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task WithoutNormalizeModule_VectorsStayUnnormalisedUnlessAsked()
    {
        // all-MiniLM-L6-v2 with the Normalize module removed from modules.json (other files linked, not copied).
        string source = Fixtures.Path("all-MiniLM-L6-v2");
        foreach (var file in Directory.EnumerateFiles(source).Where(f => Path.GetFileName(f) != "modules.json"))
        {
            File.CreateSymbolicLink(Path.Combine(_folder, Path.GetFileName(file)), file);
        }

        File.CreateSymbolicLink(Path.Combine(_folder, "1_Pooling"), Path.Combine(source, "1_Pooling"));
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "modules.json")))!.AsArray();
        var kept = new JsonArray(modules.Where(m => !m!["type"]!.GetValue<string>().EndsWith("Normalize", StringComparison.Ordinal)).Select(m => m!.DeepClone()).ToArray());
        Assert.Equal(modules.Count - 1, kept.Count);
        File.WriteAllText(Path.Combine(_folder, "modules.json"), kept.ToJsonString());

        using var embedder = Embedder.Load(_folder);
        Assert.False(embedder.Info.Normalize);
        string[] texts = ["A man is playing a guitar."];
        var byDefault = embedder.Embed(texts, new EmbedOptions())[0];
        var raw = embedder.Embed(texts, new EmbedOptions { Normalize = false })[0];
        var unit = embedder.Embed(texts, new EmbedOptions { Normalize = true })[0];
        Assert.Equal(raw, byDefault);
        Assert.True(Math.Abs(Norm(byDefault) - 1) > 1e-2, $"norm {Norm(byDefault)} should not be 1");
        Assert.Equal(1, Norm(unit), 5);

        // The scheduled (server) path follows the same default.
        var scheduled = await embedder.EmbedAsync(new EmbeddingRequest([EmbeddingInput.FromText(texts[0])], new EmbedOptions()), CancellationToken.None);
        Assert.Equal(raw, scheduled.Embeddings[0]);
    }

    [Fact]
    public void WithNormalizeModule_VectorsAreUnitLengthByDefault()
    {
        using var embedder = Embedder.Load(Fixtures.Path("all-MiniLM-L6-v2"));
        Assert.True(embedder.Info.Normalize);
        Assert.Equal(1, Norm(embedder.Embed(["A man is playing a guitar."], new EmbedOptions())[0]), 5);
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
}
