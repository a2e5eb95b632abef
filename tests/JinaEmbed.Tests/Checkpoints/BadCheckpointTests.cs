// Broken checkpoints are rejected at load time with messages naming the file and the tensor.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using JinaEmbed.Checkpoints;
using JinaEmbed.Embedding;
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Checkpoints;

public sealed class BadCheckpointTests : IDisposable
{
    private const string WordTable = "roberta.embeddings.word_embeddings.parametrizations.weight.original";
    private const string Fc1 = "roberta.encoder.layers.1.mlp.fc1.parametrizations.weight.original";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "jinaembed-bad-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _original = File.ReadAllBytes(Fixtures.Path("tiny-jina-v3", "model.safetensors"));

    public BadCheckpointTests()
    {
        Directory.CreateDirectory(_dir);
        File.Copy(Fixtures.Path("tiny-jina-v3", "config.json"), Path.Combine(_dir, "config.json"));
    }

    private string ModelPath => Path.Combine(_dir, "model.safetensors");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void IntactCopy_Loads()
    {
        File.WriteAllBytes(ModelPath, _original);
        using var model = JinaV3Model.Load(_dir);
        Assert.Equal(64, model.HiddenSize);
        Assert.Equal(5, model.AdapterCount);
    }

    [Fact]
    public void TruncatedData_NamesTheTensorThatRunsPastTheEnd()
    {
        File.WriteAllBytes(ModelPath, _original[..(_original.Length - 10)]);
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(ModelPath, e.Message);
        Assert.Contains("roberta.", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(200)]
    public void FileCutInsideTheHeader_IsRejected(int bytes)
    {
        File.WriteAllBytes(ModelPath, _original[..bytes]);
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains(ModelPath, e.Message);
    }

    [Fact]
    public void HeaderThatIsNotJson_IsRejected()
    {
        var bytes = (byte[])_original.Clone();
        bytes[8] = (byte)'x';
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(Write(bytes)));
        Assert.Contains("not well-formed JSON", e.Message);
    }

    [Fact]
    public void HeaderWithInvalidUtf8InATensorName_IsRejected()
    {
        // Found by fuzzing (tests/Fuzz/regressions/safetensors): well-formed JSON whose name bytes are not UTF-8 used
        // to escape as an InvalidOperationException when the name was read.
        var bytes = (byte[])_original.Clone();
        int name = Encoding.ASCII.GetString(bytes, 8, 200).IndexOf("roberta", StringComparison.Ordinal);
        Assert.True(name > 0, "no tensor name near the start of the fixture's header");
        bytes[8 + name + 1] = 0x85; // a UTF-8 continuation byte with no lead byte
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(Write(bytes)));
        Assert.Contains("not valid UTF-8", e.Message);
        Assert.Contains(ModelPath, e.Message);
    }

    [Fact]
    public void MissingTensor_IsNamed()
    {
        WithHeader(h => h.Remove(Fc1));
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains($"missing tensor '{Fc1}'", e.Message);
        Assert.Contains(ModelPath, e.Message);
    }

    [Fact]
    public void WrongShape_IsNamedWithBothShapes()
    {
        // Same element count, different shape: the byte length still matches, the shape check must catch it.
        WithHeader(h => h[Fc1]!["shape"] = new JsonArray(64, 256));
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains(Fc1, e.Message);
        Assert.Contains("[64, 256]", e.Message);
        Assert.Contains("[256, 64]", e.Message);
    }

    [Fact]
    public void UnknownDtype_IsNamed()
    {
        WithHeader(h => h[WordTable]!["dtype"] = "I8");
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains(WordTable, e.Message);
        Assert.Contains("'I8'", e.Message);
    }

    [Fact]
    public void ByteLengthNotMatchingShape_IsRejected()
    {
        WithHeader(h => h[Fc1]!["shape"] = new JsonArray(256, 63));
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains(Fc1, e.Message);
        Assert.Contains("needs", e.Message);
    }

    [Fact]
    public void OverlappingTensors_AreRejected()
    {
        WithHeader(h =>
        {
            var other = h["roberta.emb_ln.weight"]!["data_offsets"]!.AsArray();
            var bias = h["roberta.emb_ln.bias"]!;
            bias["data_offsets"] = new JsonArray((long)other[0]!, (long)other[1]!);
        });
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains("overlap", e.Message);
        Assert.Contains("roberta.emb_ln", e.Message);
    }

    [Fact]
    public void OffsetsBeyondTheData_AreRejected()
    {
        WithHeader(h => h["roberta.emb_ln.bias"]!["data_offsets"] = new JsonArray(10_000_000L, 10_000_256L));
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains("roberta.emb_ln.bias", e.Message);
    }

    [Fact]
    public void HeaderLengthBeyondTheFile_IsRejected()
    {
        var bytes = (byte[])_original.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)bytes.Length);
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(Write(bytes)));
        Assert.Contains("header", e.Message);
    }

    [Fact]
    public void MissingFiles_AreNamed()
    {
        var e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains("model.safetensors", e.Message);
        File.Delete(Path.Combine(_dir, "config.json"));
        e = Assert.Throws<CheckpointException>(() => JinaV3Model.Load(_dir));
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void EmbedderLoad_FailsAtLoadTimeNotAtEmbedTime()
    {
        WithHeader(h => h.Remove(Fc1));
        File.Copy(Fixtures.Path("tiny-jina-v3", "tokenizer.json"), Path.Combine(_dir, "tokenizer.json"));
        Assert.Throws<CheckpointException>(() => Embedder.Load(_dir));
    }

    [Theory]
    [InlineData("{", "not well-formed JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"position_embedding_type\": \"absolute\"}", "position_embedding_type")]
    [InlineData("{\"hidden_size\": 100, \"num_attention_heads\": 16}", "multiple")]
    [InlineData("{\"hidden_size\": \"big\"}", "hidden_size")]
    [InlineData("{\"hidden_act\": \"gelu_new\"}", "hidden_act")]
    public void BadConfig_IsRejectedWithTheKey(string json, string expected)
    {
        var e = Assert.Throws<CheckpointException>(() => JinaV3Config.Parse(json, "cfg.json"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("cfg.json", e.Message);
    }

    [Fact]
    public void OfficialConfig_IsRead()
    {
        var c = JinaV3Config.Load(Fixtures.Path("jina-v3-full", "config.json"));
        Assert.Equal((1024, 24, 16, 4096, 250002, 8194), (c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads, c.IntermediateSize, c.VocabSize, c.MaxPositionEmbeddings));
        Assert.Equal(20000f, c.RotaryEmbBase);
        Assert.Equal(1e-5f, c.LayerNormEps);
        Assert.Equal(["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching"], c.LoraAdaptations);
        Assert.Equal(0.25f, c.LoraScale);
        Assert.Equal("Represent the query for retrieving evidence documents: ", c.TaskInstructions["retrieval.query"]);
        Assert.Equal([32, 64, 128, 256, 512, 768, 1024], c.MatryoshkaDimensions);
    }

    private string Write(byte[] bytes)
    {
        File.WriteAllBytes(ModelPath, bytes);
        return _dir;
    }

    // Rewrites the header through an edit, keeping the data section as it is.
    private void WithHeader(Action<JsonObject> edit)
    {
        long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(_original);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(_original, 8, (int)length))!.AsObject();
        edit(header);
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var bytes = new byte[8 + json.Length + (_original.Length - 8 - length)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        _original.AsSpan((int)(8 + length)).CopyTo(bytes.AsSpan(8 + json.Length));
        File.WriteAllBytes(ModelPath, bytes);
    }
}
