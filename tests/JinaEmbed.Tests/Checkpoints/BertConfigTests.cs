// BertConfig reads a BERT config.json: Hugging Face defaults for absent keys, and a CheckpointException naming the
// file and the key for anything this engine cannot run or cannot read.
using System.Text.Json;
using JinaEmbed.Checkpoints;

namespace JinaEmbed.Tests.Checkpoints;

public sealed class BertConfigTests : IDisposable
{
    private const string Source = "models/minilm/config.json";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("jinaembed-bertconfig-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string content, string name = "config.json")
    {
        string path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static CheckpointException Rejects(string json) =>
        Assert.Throws<CheckpointException>(() => BertConfig.Parse(json, Source));

    [Fact]
    public void MinimalConfig_TakesTheBertDefaults()
    {
        var config = BertConfig.Parse("""{"model_type": "bert"}""", Source);
        Assert.Equal(768, config.HiddenSize);
        Assert.Equal(12, config.NumHiddenLayers);
        Assert.Equal(12, config.NumAttentionHeads);
        Assert.Equal(3072, config.IntermediateSize);
        Assert.Equal(30522, config.VocabSize);
        Assert.Equal(512, config.MaxPositionEmbeddings);
        Assert.Equal(2, config.TypeVocabSize);
        Assert.Equal(1e-12f, config.LayerNormEps);
        Assert.Equal(0, config.PadTokenId);
        Assert.Null(config.TorchDtype);
        Assert.Null(config.NameOrPath);
        Assert.Equal(64, config.HeadDimension);
    }

    [Fact]
    public void NullValues_TakeTheDefaults()
    {
        var config = BertConfig.Parse(
            """
            {"model_type": "bert", "hidden_size": null, "layer_norm_eps": null, "position_embedding_type": null,
             "hidden_act": null, "torch_dtype": null, "_name_or_path": null}
            """,
            Source);
        Assert.Equal(768, config.HiddenSize);
        Assert.Equal(1e-12f, config.LayerNormEps);
        Assert.Null(config.TorchDtype);
        Assert.Null(config.NameOrPath);
    }

    [Fact]
    public void FullConfig_IsRead()
    {
        // The config.json of sentence-transformers/all-MiniLM-L6-v2.
        string path = Write(
            """
            {
              "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
              "architectures": ["BertModel"],
              "attention_probs_dropout_prob": 0.1,
              "gradient_checkpointing": false,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 384,
              "initializer_range": 0.02,
              "intermediate_size": 1536,
              "layer_norm_eps": 1e-05,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 6,
              "pad_token_id": 1,
              "position_embedding_type": "absolute",
              "torch_dtype": "float32",
              "transformers_version": "4.8.2",
              "type_vocab_size": 3,
              "use_cache": true,
              "vocab_size": 30527
            }
            """);
        var config = BertConfig.Load(path);
        Assert.Equal(384, config.HiddenSize);
        Assert.Equal(6, config.NumHiddenLayers);
        Assert.Equal(12, config.NumAttentionHeads);
        Assert.Equal(1536, config.IntermediateSize);
        Assert.Equal(30527, config.VocabSize);
        Assert.Equal(512, config.MaxPositionEmbeddings);
        Assert.Equal(3, config.TypeVocabSize);
        Assert.Equal(1e-5f, config.LayerNormEps);
        Assert.Equal(1, config.PadTokenId);
        Assert.Equal("float32", config.TorchDtype);
        Assert.Equal("nreimers/MiniLM-L6-H384-uncased", config.NameOrPath);
        Assert.Equal(32, config.HeadDimension);
    }

    [Theory]
    [InlineData("""{"model_type": "xlm-roberta"}""", "'xlm-roberta'")]
    [InlineData("""{"model_type": "roberta"}""", "'roberta'")]
    [InlineData("""{"model_type": "BERT"}""", "'BERT'")]
    [InlineData("""{"hidden_size": 384}""", "''")]
    [InlineData("""{"model_type": null}""", "''")]
    public void ModelTypeOtherThanBert_IsRejected(string json, string shown)
    {
        var e = Rejects(json);
        Assert.Contains(Source, e.Message);
        Assert.Contains($"model_type {shown} is not 'bert'", e.Message);
    }

    [Theory]
    [InlineData("relative_key")]
    [InlineData("relative_key_query")]
    [InlineData("rotary")]
    public void PositionEmbeddingTypeOtherThanAbsolute_IsRejected(string type)
    {
        var e = Rejects($$"""{"model_type": "bert", "position_embedding_type": "{{type}}"}""");
        Assert.Contains(Source, e.Message);
        Assert.Contains($"position_embedding_type '{type}'", e.Message);
    }

    [Theory]
    [InlineData("gelu_new")]
    [InlineData("gelu_pytorch_tanh")]
    [InlineData("relu")]
    [InlineData("GELU")]
    public void HiddenActOtherThanErfGelu_IsRejected(string act)
    {
        var e = Rejects($$"""{"model_type": "bert", "hidden_act": "{{act}}"}""");
        Assert.Contains(Source, e.Message);
        Assert.Contains($"hidden_act '{act}'", e.Message);
    }

    [Theory]
    [InlineData("model_type", "7", "a string")]
    [InlineData("position_embedding_type", "[\"absolute\"]", "a string")]
    [InlineData("hidden_act", "{\"name\": \"gelu\"}", "a string")]
    [InlineData("torch_dtype", "32", "a string")]
    [InlineData("_name_or_path", "false", "a string")]
    [InlineData("hidden_size", "\"768\"", "an integer")]
    [InlineData("hidden_size", "384.5", "an integer")]
    [InlineData("num_hidden_layers", "true", "an integer")]
    [InlineData("num_attention_heads", "[12]", "an integer")]
    [InlineData("intermediate_size", "{}", "an integer")]
    [InlineData("vocab_size", "1e12", "an integer")]
    [InlineData("max_position_embeddings", "4294967296", "an integer")]
    [InlineData("type_vocab_size", "\"2\"", "an integer")]
    [InlineData("pad_token_id", "\"0\"", "an integer")]
    [InlineData("layer_norm_eps", "\"1e-12\"", "a number")]
    [InlineData("layer_norm_eps", "false", "a number")]
    public void ValueOfTheWrongType_NamesTheKey(string key, string value, string expected)
    {
        string json = key == "model_type"
            ? $$"""{"model_type": {{value}}}"""
            : $$"""{"model_type": "bert", "{{key}}": {{value}}}""";
        var e = Rejects(json);
        Assert.Contains(Source, e.Message);
        Assert.Contains($"'{key}' must be {expected}", e.Message);
        Assert.Contains(value, e.Message);
    }

    [Theory]
    [InlineData("hidden_size", "0")]
    [InlineData("hidden_size", "-768")]
    [InlineData("num_hidden_layers", "0")]
    [InlineData("num_attention_heads", "0")]
    [InlineData("intermediate_size", "-1")]
    [InlineData("vocab_size", "0")]
    public void NonPositiveSize_IsRejected(string key, string value)
    {
        var e = Rejects($$"""{"model_type": "bert", "{{key}}": {{value}}}""");
        Assert.Contains(Source, e.Message);
        Assert.Contains($"'{key}' must be positive, got {value}", e.Message);
    }

    [Fact]
    public void HiddenSizeNotAMultipleOfTheHeads_IsRejected()
    {
        var e = Rejects("""{"model_type": "bert", "hidden_size": 100, "num_attention_heads": 12}""");
        Assert.Contains(Source, e.Message);
        Assert.Contains("hidden_size 100 is not a multiple of num_attention_heads 12", e.Message);
    }

    [Theory]
    [InlineData("max_position_embeddings", "0")]
    [InlineData("type_vocab_size", "-2")]
    public void NonPositiveTableSize_IsRejected(string key, string value)
    {
        var e = Rejects($$"""{"model_type": "bert", "{{key}}": {{value}}}""");
        Assert.Contains(Source, e.Message);
        Assert.Contains("max_position_embeddings and type_vocab_size must be positive", e.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1e-12")]
    [InlineData("1e300")] // beyond fp32: would be infinity
    public void NonPositiveLayerNormEps_IsRejected(string value)
    {
        var e = Rejects($$"""{"model_type": "bert", "layer_norm_eps": {{value}}}""");
        Assert.Contains(Source, e.Message);
        Assert.Contains("layer_norm_eps must be a positive fp32 number", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"model_type": "bert",}""")]
    [InlineData("""{'model_type': 'bert'}""")]
    [InlineData("""{"model_type": "bert"} trailing""")]
    public void MalformedJson_IsRejected(string json)
    {
        var e = Rejects(json);
        Assert.Contains($"Config {Source} is not well-formed JSON", e.Message);
        Assert.IsAssignableFrom<JsonException>(e.InnerException);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""["model_type", "bert"]""")]
    [InlineData("\"bert\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void JsonThatIsNotAnObject_IsRejected(string json)
    {
        var e = Rejects(json);
        Assert.Contains($"Config {Source} is not a JSON object", e.Message);
    }

    [Fact]
    public void Parse_WithoutASource_NamesConfigJson()
    {
        var e = Assert.Throws<CheckpointException>(() => BertConfig.Parse("""{"model_type": "roberta"}"""));
        Assert.Contains("Config config.json:", e.Message);
    }

    [Fact]
    public void NullArguments_AreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => BertConfig.Parse(null!));
        Assert.Throws<ArgumentNullException>(() => BertConfig.Load(null!));
        Assert.Throws<ArgumentNullException>(() => BertConfig.ReadModelType(null!));
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        string path = Path.Combine(_dir.FullName, "config.json");
        var e = Assert.Throws<CheckpointException>(() => BertConfig.Load(path));
        Assert.Contains($"Cannot read config {path}", e.Message);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }

    [Fact]
    public void Load_MissingDirectory_NamesThePath()
    {
        string path = Path.Combine(_dir.FullName, "absent", "config.json");
        var e = Assert.Throws<CheckpointException>(() => BertConfig.Load(path));
        Assert.Contains($"Cannot read config {path}", e.Message);
        Assert.IsType<DirectoryNotFoundException>(e.InnerException);
    }

    [Fact]
    public void Load_ErrorsNameTheFilePath()
    {
        string malformed = Write("{\"model_type\": ", "malformed.json");
        Assert.Contains(malformed, Assert.Throws<CheckpointException>(() => BertConfig.Load(malformed)).Message);

        string array = Write("[]", "array.json");
        Assert.Contains(array, Assert.Throws<CheckpointException>(() => BertConfig.Load(array)).Message);

        string roberta = Write("""{"model_type": "xlm-roberta"}""", "roberta.json");
        var e = Assert.Throws<CheckpointException>(() => BertConfig.Load(roberta));
        Assert.Contains(roberta, e.Message);
        Assert.Contains("model_type", e.Message);
    }

    [Theory]
    [InlineData("""{"model_type": "bert"}""", "bert")]
    [InlineData("""{"model_type": "xlm-roberta", "hidden_act": "gelu_new"}""", "xlm-roberta")]
    [InlineData("""{"hidden_size": 384}""", null)]
    [InlineData("""{"model_type": null}""", null)]
    public void ReadModelType_ReturnsTheDeclaredType(string json, string? expected)
    {
        Assert.Equal(expected, BertConfig.ReadModelType(Write(json)));
    }

    [Fact]
    public void ReadModelType_MissingFile_NamesThePath()
    {
        string path = Path.Combine(_dir.FullName, "config.json");
        var e = Assert.Throws<CheckpointException>(() => BertConfig.ReadModelType(path));
        Assert.Contains($"Cannot read config {path}", e.Message);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }

    [Theory]
    [InlineData("{", "is not well-formed JSON")]
    [InlineData("[{\"model_type\": \"bert\"}]", "is not a JSON object")]
    [InlineData("""{"model_type": 3}""", "'model_type' must be a string")]
    public void ReadModelType_BadContent_NamesThePath(string json, string expected)
    {
        string path = Write(json);
        var e = Assert.Throws<CheckpointException>(() => BertConfig.ReadModelType(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
