// The synthetic jina-embeddings-v4 generator (benchmark weights): at the tiny fixture's configuration it must write
// exactly the fixture's tensor inventory (names, shapes, shard index, PEFT adapter names), and at full size its
// inventory must match spec §3.4/§3.6/§12.1 (826 + 1518 tensors, 7,509,770,496 BF16 bytes, layer 19 straddling).
using System.Text.Json.Nodes;
using JinaEmbed.Checkpoints;

namespace JinaEmbed.Tests.Checkpoints;

public sealed class SyntheticJinaV4CheckpointTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("jinaembed-synth-v4-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void TinyConfig_WritesTheFixtureInventory()
    {
        string fixture = Fixtures.Path("tiny-jina-v4");
        SyntheticJinaV4Checkpoint.Write(
            _dir.FullName,
            Path.Combine(fixture, "config.json"),
            loraRank: 4,
            loraAlpha: 8,
            tokenizerJsonPath: Path.Combine(fixture, "tokenizer.json"),
            tokenizerConfigPath: Path.Combine(fixture, "tokenizer_config.json"));

        var expected = Inventory(fixture);
        var written = Inventory(_dir.FullName);
        Assert.Equal(82, written.Base.Count);
        Assert.Equal(expected.Base, written.Base);
        Assert.Equal(90, written.Adapter.Count);
        Assert.Equal(expected.Adapter, written.Adapter);
        Assert.DoesNotContain(written.Base.Keys, name => name.StartsWith("lm_head", StringComparison.Ordinal));

        // Index: two shards, one layer split across them, total_size = the data bytes.
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "model.safetensors.index.json")))!;
        var map = index["weight_map"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
        Assert.Equal(2, map.Values.Distinct().Count());
        Assert.Contains(Enumerable.Range(0, 2), l => map.Where(p => p.Key.StartsWith($"model.layers.{l}.", StringComparison.Ordinal)).Select(p => p.Value).Distinct().Count() == 2);
        Assert.Equal(written.DataBytes, (long)index["metadata"]!["total_size"]!);

        var adapterConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "adapters", "adapter_config.json")))!;
        Assert.Equal(4, (int)adapterConfig["r"]!);
        Assert.Equal(8, (int)adapterConfig["lora_alpha"]!);
        Assert.Equal(".*visual.*", (string)adapterConfig["exclude_modules"]!);
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "preprocessor_config.json")));
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "tokenizer.json")));
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "tokenizer_config.json")));
    }

    [Fact]
    public void Values_AreTheDocumentedStream_AndSane()
    {
        SyntheticJinaV4Checkpoint.Write(_dir.FullName, Path.Combine(Fixtures.Path("tiny-jina-v4"), "config.json"), dtype: "F32", loraRank: 4, loraAlpha: 8);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "model.safetensors.index.json")))!;
        foreach (var name in new[] { "model.layers.1.input_layernorm.weight", "model.layers.0.self_attn.q_proj.bias", "model.layers.0.mlp.down_proj.weight" })
        {
            using var file = SafetensorsFile.Open(Path.Combine(_dir.FullName, (string)index["weight_map"]![name]!));
            var stored = file.ReadFloat32(file.Get(name));
            var generated = new float[stored.Length];
            SyntheticJinaV4Checkpoint.Values(name, 0, generated);
            Assert.Equal(generated, stored);
            var (center, amp) = SyntheticJinaV4Checkpoint.AmpCenter(name);
            Assert.All(stored, v => Assert.InRange(v, center - amp - 0.01, center + amp + 0.01)); // + BF16 rounding
        }

        using var adapters = SafetensorsFile.Open(Path.Combine(_dir.FullName, "adapters", "adapter_model.safetensors"));
        var b = adapters.ReadFloat32(adapters.Get("base_model.model.model.language_model.layers.0.mlp.up_proj.lora_B.retrieval.weight"));
        Assert.Contains(b, v => v != 0);
    }

    [Fact]
    public void FullSize_InventoryMatchesTheSpec()
    {
        var config = JsonNode.Parse(SyntheticJinaV4Checkpoint.OfficialConfigJson())!.AsObject();
        var tensors = SyntheticJinaV4Checkpoint.BaseTensors(config);
        Assert.Equal(826, tensors.Count);
        Assert.Equal(434, tensors.Count(t => t.Name.StartsWith("model.", StringComparison.Ordinal)));
        Assert.Equal(390, tensors.Count(t => t.Name.StartsWith("visual.", StringComparison.Ordinal)));
        Assert.Equal(3_754_885_248, tensors.Sum(t => SyntheticJinaV4Checkpoint.Count(t.Shape)));
        Assert.Equal(3_085_938_688, tensors.Where(t => t.Name.StartsWith("model.", StringComparison.Ordinal)).Sum(t => SyntheticJinaV4Checkpoint.Count(t.Shape)));
        Assert.Equal([256, 2048], tensors.Single(t => t.Name == "model.layers.35.self_attn.k_proj.weight").Shape);
        Assert.Equal([1280, 3, 2, 14, 14], tensors.Single(t => t.Name == "visual.patch_embed.proj.weight").Shape);

        var shards = SyntheticJinaV4Checkpoint.Shards(tensors, 2);
        Assert.Equal(2, shards.Count);
        Assert.Equal(7_509_770_496, shards.Sum(s => s.Sum(t => SyntheticJinaV4Checkpoint.Count(t.Shape) * 2)));
        Assert.Contains(shards[0], t => t.Name.StartsWith("model.layers.19.", StringComparison.Ordinal));
        Assert.Contains(shards[1], t => t.Name.StartsWith("model.layers.19.", StringComparison.Ordinal));

        var adapters = SyntheticJinaV4Checkpoint.AdapterTensors(config, 32);
        Assert.Equal(1518, adapters.Count);
        Assert.Equal(179_810_304, adapters.Sum(t => SyntheticJinaV4Checkpoint.Count(t.Shape)));
        Assert.Equal([32, 11008], adapters.Single(t => t.Name == "base_model.model.model.language_model.layers.0.mlp.down_proj.lora_A.code.weight").Shape);
        Assert.Equal([128, 32], adapters.Single(t => t.Name == "base_model.model.multi_vector_projector.lora_B.retrieval.weight").Shape);
    }

    // Every tensor's name → shape, base (through the index) and adapters, plus the base data bytes.
    private static (SortedDictionary<string, string> Base, SortedDictionary<string, string> Adapter, long DataBytes) Inventory(string folder)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long bytes = 0;
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.safetensors.index.json")))!;
        foreach (var shard in index["weight_map"]!.AsObject().Select(p => (string)p.Value!).Distinct())
        {
            using var file = SafetensorsFile.Open(Path.Combine(folder, shard));
            foreach (var (name, tensor) in file.Tensors)
            {
                result[name] = tensor.ShapeText;
                bytes += tensor.End - tensor.Begin;
            }
        }

        var adapter = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using (var file = SafetensorsFile.Open(Path.Combine(folder, "adapters", "adapter_model.safetensors")))
        {
            foreach (var (name, tensor) in file.Tensors)
            {
                adapter[name] = tensor.ShapeText;
            }
        }

        return (result, adapter, bytes);
    }
}
