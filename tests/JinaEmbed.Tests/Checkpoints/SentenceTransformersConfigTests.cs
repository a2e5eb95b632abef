// SentenceTransformersConfig reads the sentence-transformers files of a model folder: the pooling mode, whether a
// Normalize module runs, the prompts and the length limit; anything it cannot honour is a CheckpointException naming
// the file and the key.
using JinaEmbed.Checkpoints;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Checkpoints;

public sealed class SentenceTransformersConfigTests : IDisposable
{
    private const string Transformer = """{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}""";
    private const string Pooling = """{"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}""";
    private const string Normalize = """{"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}""";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("jinaembed-stconfig-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Dir => _dir.FullName;

    private string ModulesPath => Path.Combine(Dir, "modules.json");

    private string PoolingPath => Path.Combine(Dir, "1_Pooling", "config.json");

    private string PromptsPath => Path.Combine(Dir, "config_sentence_transformers.json");

    private string LengthPath => Path.Combine(Dir, "sentence_bert_config.json");

    private void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private void WriteModules(params string[] modules) => Write(ModulesPath, "[" + string.Join(",", modules) + "]");

    private static string PoolingConfig(bool cls = false, bool mean = false, bool max = false, string extra = "") =>
        $$"""
        {
          "word_embedding_dimension": 384,
          "pooling_mode_cls_token": {{Json(cls)}},
          "pooling_mode_mean_tokens": {{Json(mean)}},
          "pooling_mode_max_tokens": {{Json(max)}},
          "pooling_mode_mean_sqrt_len_tokens": false{{extra}}
        }
        """;

    private static string Json(bool value) => value ? "true" : "false";

    /// <summary>Transformer, mean pooling; Normalize when asked.</summary>
    private void WriteMeanPooled(bool normalize = false, string poolingExtra = "")
    {
        if (normalize)
        {
            WriteModules(Transformer, Pooling, Normalize);
        }
        else
        {
            WriteModules(Transformer, Pooling);
        }

        Write(PoolingPath, PoolingConfig(mean: true, extra: poolingExtra));
    }

    private CheckpointException Rejects() =>
        Assert.Throws<CheckpointException>(() => SentenceTransformersConfig.Load(Dir));

    [Fact]
    public void EmptyFolder_KeepsTheDefaults()
    {
        var config = SentenceTransformersConfig.Load(Dir);
        Assert.False(config.HasModules);
        Assert.Equal(PoolingMode.Mean, config.Pooling);
        Assert.False(config.Normalize);
        Assert.Empty(config.Prompts);
        Assert.Null(config.DefaultPromptName);
        Assert.Null(config.MaxSequenceLength);
    }

    [Fact]
    public void MiniLmFolder_IsRead()
    {
        // The files of sentence-transformers/all-MiniLM-L6-v2.
        WriteMeanPooled(normalize: true);
        Write(PromptsPath, """{"__version__": {"sentence_transformers": "2.0.0"}, "prompts": {}, "default_prompt_name": null}""");
        Write(LengthPath, """{"max_seq_length": 256, "do_lower_case": false}""");

        var config = SentenceTransformersConfig.Load(Dir);
        Assert.True(config.HasModules);
        Assert.Equal(PoolingMode.Mean, config.Pooling);
        Assert.True(config.Normalize);
        Assert.Empty(config.Prompts);
        Assert.Null(config.DefaultPromptName);
        Assert.Equal(256, config.MaxSequenceLength);
    }

    [Fact]
    public void WithoutANormalizeModule_DoesNotNormalize()
    {
        WriteMeanPooled(normalize: false);
        var config = SentenceTransformersConfig.Load(Dir);
        Assert.True(config.HasModules);
        Assert.False(config.Normalize);
        Assert.Equal(PoolingMode.Mean, config.Pooling);
    }

    [Fact]
    public void NormalizeModuleAlone_Normalizes()
    {
        WriteModules(Transformer, Normalize);
        var config = SentenceTransformersConfig.Load(Dir);
        Assert.True(config.Normalize);
        Assert.Equal(PoolingMode.Mean, config.Pooling);
    }

    [Fact]
    public void EmptyModuleList_KeepsTheDefaults()
    {
        WriteModules();
        var config = SentenceTransformersConfig.Load(Dir);
        Assert.True(config.HasModules);
        Assert.False(config.Normalize);
        Assert.Equal(PoolingMode.Mean, config.Pooling);
    }

    [Theory]
    [InlineData(true, false, false, PoolingMode.Cls)]
    [InlineData(false, true, false, PoolingMode.Mean)]
    [InlineData(false, false, true, PoolingMode.Max)]
    public void PoolingMode_IsRead(bool cls, bool mean, bool max, PoolingMode expected)
    {
        WriteModules(Transformer, Pooling, Normalize);
        Write(PoolingPath, PoolingConfig(cls, mean, max));
        Assert.Equal(expected, SentenceTransformersConfig.Load(Dir).Pooling);
    }

    [Fact]
    public void PoolingPath_IsTakenFromModulesJson()
    {
        WriteModules(Transformer, """{"path": "pool", "type": "Pooling"}""");
        Write(Path.Combine(Dir, "pool", "config.json"), PoolingConfig(cls: true));
        Assert.Equal(PoolingMode.Cls, SentenceTransformersConfig.Load(Dir).Pooling);
    }

    [Fact]
    public void Prompts_AreRead()
    {
        WriteMeanPooled(normalize: true, poolingExtra: ",\n  \"include_prompt\": true");
        Write(PromptsPath, """{"prompts": {"query": "query: ", "passage": "passage: ", "empty": ""}, "default_prompt_name": "query"}""");

        var config = SentenceTransformersConfig.Load(Dir);
        Assert.Equal(3, config.Prompts.Count);
        Assert.Equal("query: ", config.Prompts["query"]);
        Assert.Equal("passage: ", config.Prompts["passage"]);
        Assert.Equal("", config.Prompts["empty"]);
        Assert.Equal("query", config.DefaultPromptName);
    }

    [Fact]
    public void PromptsWithoutADefault_HaveNoDefault()
    {
        Write(PromptsPath, """{"prompts": {"query": "query: "}}""");
        var config = SentenceTransformersConfig.Load(Dir);
        Assert.Equal("query: ", Assert.Single(config.Prompts).Value);
        Assert.Null(config.DefaultPromptName);
    }

    [Fact]
    public void IncludePromptFalse_WithoutPrompts_Loads()
    {
        WriteMeanPooled(poolingExtra: ",\n  \"include_prompt\": false");
        Write(PromptsPath, """{"prompts": {}, "default_prompt_name": null}""");
        var config = SentenceTransformersConfig.Load(Dir);
        Assert.Equal(PoolingMode.Mean, config.Pooling);
        Assert.Empty(config.Prompts);
    }

    [Fact]
    public void NullMaxSeqLength_LeavesNoLimit()
    {
        Write(LengthPath, """{"max_seq_length": null, "do_lower_case": false}""");
        Assert.Null(SentenceTransformersConfig.Load(Dir).MaxSequenceLength);
    }

    [Fact]
    public void NullDirectory_IsRejected()
    {
        Assert.Throws<ArgumentNullException>(() => SentenceTransformersConfig.Load(null!));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"0": {"type": "sentence_transformers.models.Transformer"}}""")]
    [InlineData("\"modules\"")]
    [InlineData("null")]
    public void ModulesJsonThatIsNotAnArray_IsRejected(string json)
    {
        Write(ModulesPath, json);
        var e = Rejects();
        Assert.Contains($"{ModulesPath} must be a JSON array of modules", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[")]
    [InlineData("[{\"type\": \"Transformer\"},]")]
    public void MalformedModulesJson_IsRejected(string json)
    {
        Write(ModulesPath, json);
        var e = Rejects();
        Assert.Contains($"{ModulesPath} is not well-formed JSON", e.Message);
    }

    [Theory]
    [InlineData("sentence_transformers.models.Dense")]
    [InlineData("sentence_transformers.models.LayerNorm")]
    [InlineData("sentence_transformers.models.StaticEmbedding")]
    [InlineData("my_package.CustomModule")]
    [InlineData("sentence_transformers.models.pooling")]
    public void UnsupportedModule_IsNamed(string type)
    {
        WriteModules(Transformer, Pooling, $$"""{"path": "2_X", "type": "{{type}}"}""");
        Write(PoolingPath, PoolingConfig(mean: true));
        var e = Rejects();
        Assert.Contains(ModulesPath, e.Message);
        Assert.Contains($"module '{type}' is not supported", e.Message);
    }

    [Theory]
    [InlineData("""{"path": "1_Pooling"}""")]
    [InlineData("""{"type": null}""")]
    [InlineData("\"sentence_transformers.models.Pooling\"")]
    public void ModuleWithoutAType_IsRejected(string module)
    {
        WriteModules(Transformer, module);
        var e = Rejects();
        Assert.Contains(ModulesPath, e.Message);
        Assert.Contains("module '' is not supported", e.Message);
    }

    [Theory]
    [InlineData("""{"path": "", "type": 7}""", "type")]
    [InlineData("""{"path": "", "type": ["Transformer"]}""", "type")]
    [InlineData("""{"path": 1, "type": "sentence_transformers.models.Pooling"}""", "path")]
    public void ModuleKeyThatIsNotAString_IsNamed(string module, string key)
    {
        WriteModules(module);
        var e = Rejects();
        Assert.Contains(ModulesPath, e.Message);
        Assert.Contains($"'{key}' must be a string", e.Message);
    }

    [Fact]
    public void MissingPoolingConfig_IsNamed()
    {
        WriteModules(Transformer, Pooling, Normalize);
        var e = Rejects();
        Assert.Contains($"Pooling config {PoolingPath} does not exist", e.Message);
    }

    [Fact]
    public void MalformedPoolingConfig_IsNamed()
    {
        WriteModules(Transformer, Pooling);
        Write(PoolingPath, """{"pooling_mode_mean_tokens": tru}""");
        var e = Rejects();
        Assert.Contains($"{PoolingPath} is not well-formed JSON", e.Message);
    }

    [Theory]
    [InlineData("pooling_mode_mean_sqrt_len_tokens")]
    [InlineData("pooling_mode_weightedmean_tokens")]
    [InlineData("pooling_mode_lasttoken")]
    public void UnsupportedPoolingMode_IsNamed(string key)
    {
        WriteModules(Transformer, Pooling);
        Write(PoolingPath, $$"""{"pooling_mode_cls_token": false, "pooling_mode_mean_tokens": false, "{{key}}": true}""");
        var e = Rejects();
        Assert.Contains(PoolingPath, e.Message);
        Assert.Contains($"{key} is not supported", e.Message);
    }

    [Fact]
    public void UnsupportedPoolingMode_IsRejectedEvenBesideASupportedOne()
    {
        WriteModules(Transformer, Pooling);
        Write(PoolingPath, PoolingConfig(mean: true, extra: ",\n  \"pooling_mode_lasttoken\": true"));
        var e = Rejects();
        Assert.Contains(PoolingPath, e.Message);
        Assert.Contains("pooling_mode_lasttoken is not supported", e.Message);
    }

    [Theory]
    [InlineData(false, false, false, 0)]
    [InlineData(true, true, false, 2)]
    [InlineData(false, true, true, 2)]
    [InlineData(true, true, true, 3)]
    public void NotExactlyOnePoolingMode_IsRejected(bool cls, bool mean, bool max, int found)
    {
        WriteModules(Transformer, Pooling, Normalize);
        Write(PoolingPath, PoolingConfig(cls, mean, max));
        var e = Rejects();
        Assert.Contains(PoolingPath, e.Message);
        Assert.Contains($"exactly one pooling mode must be set (mean, CLS or max); found {found}", e.Message);
    }

    [Fact]
    public void EmptyPoolingConfig_HasNoPoolingMode()
    {
        WriteModules(Transformer, Pooling);
        Write(PoolingPath, "{}");
        var e = Rejects();
        Assert.Contains(PoolingPath, e.Message);
        Assert.Contains("found 0", e.Message);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("null")]
    [InlineData("[\"query: \"]")]
    [InlineData("{\"text\": \"query: \"}")]
    public void PromptThatIsNotAString_IsNamed(string value)
    {
        Write(PromptsPath, $$"""{"prompts": {"passage": "passage: ", "query": {{value}} } }""");
        var e = Rejects();
        Assert.Contains(PromptsPath, e.Message);
        Assert.Contains("prompts['query'] must be a string", e.Message);
    }

    [Theory]
    [InlineData("""{"prompts": {"query": "query: "}, "default_prompt_name": "passage"}""", "passage")]
    [InlineData("""{"prompts": {"query": "query: "}, "default_prompt_name": "Query"}""", "Query")]
    [InlineData("""{"prompts": {}, "default_prompt_name": "query"}""", "query")]
    [InlineData("""{"default_prompt_name": "query"}""", "query")]
    public void DefaultPromptNameNotAmongThePrompts_IsNamed(string json, string name)
    {
        Write(PromptsPath, json);
        var e = Rejects();
        Assert.Contains(PromptsPath, e.Message);
        Assert.Contains($"default_prompt_name '{name}' is not one of the prompts", e.Message);
    }

    [Fact]
    public void DefaultPromptNameThatIsNotAString_IsNamed()
    {
        Write(PromptsPath, """{"prompts": {"query": "query: "}, "default_prompt_name": 0}""");
        var e = Rejects();
        Assert.Contains(PromptsPath, e.Message);
        Assert.Contains("'default_prompt_name' must be a string", e.Message);
    }

    [Fact]
    public void MalformedPromptsConfig_IsNamed()
    {
        Write(PromptsPath, """{"prompts": {"query": "query: "}""");
        var e = Rejects();
        Assert.Contains($"{PromptsPath} is not well-formed JSON", e.Message);
    }

    [Fact]
    public void IncludePromptFalse_WithPrompts_IsRejected()
    {
        WriteMeanPooled(normalize: true, poolingExtra: ",\n  \"include_prompt\": false");
        Write(PromptsPath, """{"prompts": {"query": "query: "}, "default_prompt_name": null}""");
        var e = Rejects();
        Assert.Contains(Dir, e.Message);
        Assert.Contains("include_prompt false is not supported", e.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("\"256\"")]
    [InlineData("256.5")]
    [InlineData("1e10")]
    [InlineData("true")]
    [InlineData("[256]")]
    public void MaxSeqLengthThatIsNotAPositiveInteger_IsRejected(string value)
    {
        Write(LengthPath, $$"""{"max_seq_length": {{value}}, "do_lower_case": false}""");
        var e = Rejects();
        Assert.Contains(LengthPath, e.Message);
        Assert.Contains("max_seq_length must be a positive integer", e.Message);
    }

    [Fact]
    public void MalformedSentenceBertConfig_IsNamed()
    {
        Write(LengthPath, """{"max_seq_length": 256""");
        var e = Rejects();
        Assert.Contains($"{LengthPath} is not well-formed JSON", e.Message);
    }

    [Theory]
    [InlineData("pooling")]
    [InlineData("prompts")]
    [InlineData("length")]
    public void JsonThatIsNotAnObject_IsNamed(string file)
    {
        WriteMeanPooled();
        string path = file switch { "pooling" => PoolingPath, "prompts" => PromptsPath, _ => LengthPath };
        Write(path, "[]");
        var e = Rejects();
        Assert.Contains($"{path} must be a JSON object", e.Message);
    }

    [Fact]
    public void ByteOrderMarks_AreAccepted()
    {
        WriteMeanPooled(normalize: true);
        var bom = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        File.WriteAllText(ModulesPath, File.ReadAllText(ModulesPath), bom);
        File.WriteAllText(PoolingPath, File.ReadAllText(PoolingPath), bom);
        File.WriteAllText(PromptsPath, """{"prompts": {"query": "query: "}}""", bom);
        File.WriteAllText(LengthPath, """{"max_seq_length": 128}""", bom);
        var config = SentenceTransformersConfig.Load(Dir);
        Assert.True(config.Normalize);
        Assert.Equal("query: ", config.Prompts["query"]);
        Assert.Equal(128, config.MaxSequenceLength);
    }

    [Theory]
    [InlineData("""{"idx": 1, "name": "1", "path": "", "type": "sentence_transformers.models.Pooling"}""")]
    [InlineData("""{"idx": 1, "name": "1", "type": "sentence_transformers.models.Pooling"}""")]
    public void PoolingModuleWithoutAPath_IsRejected(string module)
    {
        WriteModules(Transformer, module);
        Write(Path.Combine(Dir, "config.json"), """{"model_type": "bert"}""");
        var e = Rejects();
        Assert.Contains(ModulesPath, e.Message);
        Assert.Contains("'path'", e.Message);
    }

    [Theory]
    [InlineData("[\"query: \"]")]
    [InlineData("\"query: \"")]
    public void PromptsThatAreNotAnObject_AreRejected(string value)
    {
        Write(PromptsPath, $$"""{"prompts": {{value}}}""");
        var e = Rejects();
        Assert.Contains(PromptsPath, e.Message);
        Assert.Contains("'prompts'", e.Message);
    }

    [Theory]
    [InlineData("pooling_mode_mean_tokens", "1")]
    [InlineData("pooling_mode_cls_token", "\"true\"")]
    [InlineData("include_prompt", "0")]
    public void PoolingFlagsThatAreNotBooleans_AreNamed(string key, string value)
    {
        WriteModules(Transformer, Pooling);
        Write(PoolingPath, $$"""{"pooling_mode_max_tokens": true, "{{key}}": {{value}}}""");
        var e = Rejects();
        Assert.Contains(PoolingPath, e.Message);
        Assert.Contains($"'{key}'", e.Message);
    }
}
