// The jina-embeddings-v4 folder layout (spec §3, §11.3): shard index, adapters, tensor inventory, and clear errors naming
// the file and tensor for a missing shard, a missing or misshapen tensor, or adapters that do not match the tasks.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JinaEmbed.Checkpoints;
using JinaEmbed.Embedding;
using JinaEmbed.Models;
using JinaEmbed.Tests.Models;

namespace JinaEmbed.Tests.Checkpoints;

public sealed class JinaV4CheckpointTests : IDisposable
{
    private readonly string _source = Fixtures.Path("tiny-jina-v4-realdims");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "jinaembed-v4-" + Guid.NewGuid().ToString("N"));

    public JinaV4CheckpointTests()
    {
        // A writable copy made of links to the fixture's files, so single files can be replaced per test.
        Directory.CreateDirectory(Path.Combine(_dir, "adapters"));
        foreach (var file in Directory.EnumerateFiles(_source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(_source, file);
            if (relative.StartsWith("blobs", StringComparison.Ordinal))
            {
                continue;
            }

            File.CreateSymbolicLink(Path.Combine(_dir, relative), file);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TinyFixtureInventoryIs82BaseAnd90AdapterTensors()
    {
        string tiny = Fixtures.Path("tiny-jina-v4");
        var config = JinaV4Config.Load(Path.Combine(tiny, "config.json"));
        var adapters = PeftAdapterConfig.Load(Path.Combine(tiny, "adapters", "adapter_config.json"));
        Assert.Equal(4, adapters.Rank);
        Assert.Equal(2f, adapters.Scale);
        var inventory = JinaV4Weights.BaseInventory(config);
        Assert.Equal(82, inventory.Count);
        Assert.Equal(90, JinaV4Weights.AdapterInventory(config, adapters.Rank).Count);
        using var checkpoint = ShardedCheckpoint.Open(tiny);
        Assert.Equal(2, checkpoint.Files.Count);
        Assert.Equal(inventory.Select(e => e.Name).Order(StringComparer.Ordinal), checkpoint.Names.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(JinaV4Weights.LmHead, checkpoint.Names);

        // A layer straddles the shards: both files hold tensors of layer 1.
        var layer1Files = checkpoint.Names.Where(n => n.StartsWith("model.layers.1.", StringComparison.Ordinal)).Select(n => checkpoint.Get(n).File.FilePath).Distinct().Count();
        Assert.Equal(2, layer1Files);
    }

    [Fact]
    public void RealCheckpointInventoryIs826BaseAnd1518AdapterTensors()
    {
        var config = JinaV4Config.Parse(RealConfigJson());
        Assert.Equal(128, config.HeadDimension);
        Assert.Equal(256, config.KeyValueWidth);
        Assert.Equal(826, JinaV4Weights.BaseInventory(config).Count);
        Assert.Equal(1518, JinaV4Weights.AdapterInventory(config, 32).Count);
        long parameters = JinaV4Weights.BaseInventory(config).Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));
        Assert.Equal(3_754_885_248L, parameters);
    }

    [Fact]
    public void ArchitectureIsDetectedFromTheArchitecturesList()
    {
        Assert.Equal(ModelLoader.JinaV4, ModelLoader.DetectArchitecture(_dir));
        Assert.Equal(ModelLoader.JinaV4, ModelLoader.DetectArchitecture(Fixtures.Path("tiny-jina-v4")));
    }

    [Fact]
    public void IntactCopyLoads()
    {
        using var model = JinaV4Model.Load(_dir);
        Assert.Equal(256, model.HiddenSize);
        Assert.Equal(3, model.AdapterCount);
        Assert.Equal(128, model.MultiVectorSize);
        Assert.Equal(2f, model.LoraScale);
    }

    [Fact]
    public void MissingShardIsNamed()
    {
        File.Delete(Path.Combine(_dir, "model-00002-of-00002.safetensors"));
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("model-00002-of-00002.safetensors", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void IndexPlacingATensorInTheWrongShardNamesBoth()
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_source, ShardedCheckpoint.IndexFileName)))!;
        index["weight_map"]!["model.norm.weight"] = "model-00001-of-00002.safetensors";
        Replace(ShardedCheckpoint.IndexFileName, index.ToJsonString());
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("model.norm.weight", e.Message);
        Assert.Contains("model-00001-of-00002.safetensors", e.Message);
    }

    [Fact]
    public void TensorMissingFromTheIndexIsNamed()
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_source, ShardedCheckpoint.IndexFileName)))!;
        index["weight_map"]!.AsObject().Remove("model.layers.2.mlp.up_proj.weight");
        Replace(ShardedCheckpoint.IndexFileName, index.ToJsonString());
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("missing tensor 'model.layers.2.mlp.up_proj.weight'", e.Message);
    }

    [Fact]
    public void MisshapenTensorIsNamedWithBothShapes()
    {
        EditConfig(c => c["text_config"]!["intermediate_size"] = 500);
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("mlp.", e.Message);
        Assert.Contains("[512, 256]", e.Message);
        Assert.Contains("expected [500, 256]", e.Message);
    }

    [Fact]
    public void ShardIndexThatEscapesTheFolderIsRejected()
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_source, ShardedCheckpoint.IndexFileName)))!;
        index["weight_map"]!["model.norm.weight"] = "../model-00002-of-00002.safetensors";
        Replace(ShardedCheckpoint.IndexFileName, index.ToJsonString());
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("not a file name in the model folder", e.Message);
    }

    [Fact]
    public void AdapterWithoutATaskOfTheConfigIsNamed()
    {
        EditConfig(c => c["task_names"] = new JsonArray("retrieval", "text-matching", "code", "legal"));
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("adapter_model.safetensors", e.Message);
        Assert.Contains(".legal.weight", e.Message);
    }

    [Fact]
    public void AdapterTaskMissingFromTheConfigIsNamed()
    {
        EditConfig(c => c["task_names"] = new JsonArray("retrieval", "text-matching"));
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("unexpected tensor", e.Message);
        Assert.Contains(".code.weight", e.Message);
    }

    [Theory]
    [InlineData(JinaV4Weights.AdapterConfigFile)]
    [InlineData(JinaV4Weights.AdapterModelFile)]
    public void MissingAdapterFileIsNamed(string file)
    {
        File.Delete(Path.Combine(_dir, "adapters", file));
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains(file, e.Message);
    }

    [Theory]
    [InlineData("use_dora", "true", "use_dora")]
    [InlineData("bias", "\"all\"", "bias")]
    [InlineData("peft_type", "\"IA3\"", "peft_type")]
    [InlineData("fan_in_fan_out", "true", "fan_in_fan_out")]
    public void UnsupportedAdapterSettingsAreRefused(string key, string json, string named)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_source, "adapters", JinaV4Weights.AdapterConfigFile)))!;
        config[key] = JsonNode.Parse(json);
        Replace(Path.Combine("adapters", JinaV4Weights.AdapterConfigFile), config.ToJsonString());
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void RsLoraChangesTheScaleToAlphaOverRootRank()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_source, "adapters", JinaV4Weights.AdapterConfigFile)))!;
        config["use_rslora"] = true;
        Replace(Path.Combine("adapters", JinaV4Weights.AdapterConfigFile), config.ToJsonString());
        Assert.Equal(16 / MathF.Sqrt(8), PeftAdapterConfig.Load(Path.Combine(_dir, "adapters", JinaV4Weights.AdapterConfigFile)).Scale, 6);
    }

    [Theory]
    [InlineData("use_sliding_window", "true")]
    [InlineData("hidden_act", "\"gelu\"")]
    public void UnsupportedTextSettingsAreRefused(string key, string json)
    {
        EditConfig(c => c["text_config"]![key] = JsonNode.Parse(json));
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void TextConfigWinsOverTheTopLevel()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_source, "config.json")))!;
        config["hidden_size"] = 999;
        config["num_hidden_layers"] = 99;
        var parsed = JinaV4Config.Parse(config.ToJsonString());
        Assert.Equal(256, parsed.HiddenSize);
        Assert.Equal(3, parsed.NumHiddenLayers);
        Assert.Equal(2042, parsed.ImageTokenId);
        Assert.Equal([16, 24, 24], parsed.MropeSection);
    }

    [Fact]
    public void AdapterFileMayAdaptFewerModulesWhichThenHaveNoDelta()
    {
        // Spec §3.6: the adapted modules are those with tensors in the file. Omitting the o/gate/up/down and projector
        // LoRA must equal keeping them with lora_B = 0.
        var ids = new[] { 7, 70, 700, 1700, 11, 3 };
        var adapterTensors = new List<(string Name, int[] Shape, float[] Values)>();
        using (var file = SafetensorsFile.Open(Path.Combine(_source, "adapters", JinaV4Weights.AdapterModelFile)))
        {
            foreach (var (name, tensor) in file.Tensors)
            {
                adapterTensors.Add((name, tensor.Shape, file.ReadFloat32(tensor)));
            }
        }

        static bool Kept(string name) => name.Contains("q_proj", StringComparison.Ordinal) || name.Contains("v_proj", StringComparison.Ordinal) || name.Contains("k_proj", StringComparison.Ordinal);
        string adapterPath = Path.Combine(_dir, "adapters", JinaV4Weights.AdapterModelFile);
        File.Delete(adapterPath);
        WriteF32(adapterPath, [.. adapterTensors.Select(t => Kept(t.Name) || t.Name.Contains("lora_A", StringComparison.Ordinal) ? t : (t.Name, t.Shape, new float[t.Values.Length]))]);
        float[] zeroB, multiZeroB;
        using (var embedder = Embedder.Load(_dir))
        {
            var r = embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromTokenIds(ids)], new EmbedOptions { Task = "code.query", Output = EmbeddingOutput.Both }));
            (zeroB, multiZeroB) = (r.Embeddings[0], r.MultiVectors![0].Values);
        }

        WriteF32(adapterPath, [.. adapterTensors.Where(t => Kept(t.Name))]);
        using (var embedder = Embedder.Load(_dir))
        {
            var r = embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromTokenIds(ids)], new EmbedOptions { Task = "code.query", Output = EmbeddingOutput.Both }));
            Parity.Within(r.Embeddings[0], zeroB, 1e-6, "fewer adapted modules vs zero lora_B (single)");
            Parity.Within(r.MultiVectors![0].Values, multiZeroB, 1e-6, "fewer adapted modules vs zero lora_B (multi)");
        }

        // A module with lora_A but without one task's lora_B is still an error naming the tensor.
        WriteF32(adapterPath, [.. adapterTensors.Where(t => Kept(t.Name) && !t.Name.EndsWith("k_proj.lora_B.code.weight", StringComparison.Ordinal))]);
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("k_proj.lora_B.code.weight", e.Message);
    }

    [Fact]
    public void SingleF32FileUnderEitherSpellingLoadsLikeTheShards()
    {
        // A single-file F32 checkpoint (no index) with an extra lm_head loads and gives the BF16 shards' outputs; an
        // unexpected tensor is named.
        var ids = new[] { 5, 17, 300, 1999, 42 };
        float[] reference;
        using (var shards = Embedder.Load(_dir))
        {
            reference = shards.EmbedTokenIds([ids], new EmbedOptions { Task = "code.query" })[0];
        }

        var tensors = new List<(string Name, int[] Shape, float[] Values)>();
        using (var checkpoint = ShardedCheckpoint.Open(_source))
        {
            foreach (var name in checkpoint.Names)
            {
                var (file, tensor) = checkpoint.Get(name);
                tensors.Add((name, tensor.Shape, file.ReadFloat32(tensor)));
            }
        }

        File.Delete(Path.Combine(_dir, ShardedCheckpoint.IndexFileName));
        File.Delete(Path.Combine(_dir, "model-00001-of-00002.safetensors"));
        File.Delete(Path.Combine(_dir, "model-00002-of-00002.safetensors"));
        // Written under the newer transformers spelling (model.language_model.*, model.visual.*), which loads the same.
        static string NewSpelling(string name) => name.StartsWith("model.", StringComparison.Ordinal) ? "model.language_model." + name[6..]
            : name.StartsWith("visual.", StringComparison.Ordinal) ? "model." + name : name;
        var embed = tensors.Single(t => t.Name == JinaV4Weights.EmbedTokens);
        WriteF32(Path.Combine(_dir, ShardedCheckpoint.SingleFileName), [.. tensors.Select(t => (NewSpelling(t.Name), t.Shape, t.Values)), (JinaV4Weights.LmHead, embed.Shape, embed.Values)]);
        using (var f32 = Embedder.Load(_dir))
        {
            Assert.Equal("F32", f32.Info.WeightDataType);
            Parity.Within(f32.EmbedTokenIds([ids], new EmbedOptions { Task = "code.query" })[0], reference, 1e-6, "F32 single file vs BF16 shards");
        }

        WriteF32(Path.Combine(_dir, ShardedCheckpoint.SingleFileName), [.. tensors, ("visual.extra.weight", [2], [1f, 2f])]);
        var e = Assert.Throws<CheckpointException>(() => JinaV4Model.Load(_dir));
        Assert.Contains("unexpected tensor 'visual.extra.weight'", e.Message);
    }

    private static void WriteF32(string path, IReadOnlyList<(string Name, int[] Shape, float[] Values)> tensors)
    {
        var header = new JsonObject();
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + (values.Length * 4L)),
            };
            offset += values.Length * 4L;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((long)json.Length));
        stream.Write(json);
        foreach (var (_, _, values) in tensors)
        {
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private static string RealConfigJson()
    {
        // The real checkpoint's sizes (spec §3.2) on the tiny fixture's key layout.
        var config = JsonNode.Parse(File.ReadAllText(Fixtures.Path("tiny-jina-v4", "config.json")))!;
        foreach (var node in new[] { config, config["text_config"]! })
        {
            node["hidden_size"] = 2048;
            node["intermediate_size"] = 11008;
            node["num_hidden_layers"] = 36;
            node["num_attention_heads"] = 16;
            node["num_key_value_heads"] = 2;
            node["rope_scaling"]!["mrope_section"] = new JsonArray(16, 24, 24);
        }

        var vision = config["vision_config"]!;
        vision["depth"] = 32;
        vision["hidden_size"] = 1280;
        vision["num_heads"] = 16;
        vision["intermediate_size"] = 3420;
        vision["out_hidden_size"] = 2048;
        vision["fullatt_block_indexes"] = new JsonArray(7, 15, 23, 31);
        config["multi_vector_projector_dim"] = 128;
        config["matryoshka_dims"] = new JsonArray(128, 256, 512, 1024, 2048);
        return config.ToJsonString();
    }

    private void EditConfig(Action<JsonNode> edit)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_source, "config.json")))!;
        edit(config);
        Replace("config.json", config.ToJsonString());
    }

    private void Replace(string relative, string content)
    {
        string path = Path.Combine(_dir, relative);
        File.Delete(path);
        File.WriteAllText(path, content);
    }
}
