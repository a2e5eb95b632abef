// Architecture selection from config.json (docs/models.md): jina-v3 (rotary, LoRA tasks) or a BERT-family
// sentence-transformers model (absolute positions), with the pipeline settings each brings.
using System.Text.Json;
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;
using JinaEmbed.Embedding;
using JinaEmbed.Images;

namespace JinaEmbed.Models;

/// <summary>Loads the encoder a model folder declares.</summary>
public static class ModelLoader
{
    /// <summary>Architecture name of jina-embeddings-v3.</summary>
    public const string JinaV3 = "jina-v3";

    /// <summary>Architecture name of jina-embeddings-v4.</summary>
    public const string JinaV4 = "jina-v4";

    /// <summary>Architecture name of BERT-family encoders.</summary>
    public const string Bert = "bert";

    /// <summary>Which architecture config.json in <paramref name="directory"/> declares.</summary>
    /// <exception cref="CheckpointException">config.json is missing, malformed, or names an unsupported model type.</exception>
    public static string DetectArchitecture(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = Path.Combine(directory, "config.json");
        using (var document = ConfigJson.ParseObject(ConfigJson.ReadText(path), path))
        {
            var root = document.RootElement;
            string? Text(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var architectures = root.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
                : [];

            // Spec v4 §1.5: the architectures list names the model class.
            if (architectures.Contains(JinaV4Config.ArchitectureName))
            {
                return JinaV4;
            }

            // jina-v3's XLMRobertaFlashConfig: rotary positions and LoRA tasks mark it whatever model_type says.
            if (Text("position_embedding_type") == "rotary" || root.TryGetProperty("lora_adaptations", out _)
                || architectures.Any(n => n.StartsWith("XLMRoberta", StringComparison.Ordinal)))
            {
                return JinaV3;
            }

            string? modelType = Text("model_type");
            if (modelType == "bert" || (modelType is null && architectures.Any(n => n.StartsWith("Bert", StringComparison.Ordinal))))
            {
                return Bert;
            }

            if (modelType is null)
            {
                return JinaV3;
            }

            throw new CheckpointException($"Config {path}: model_type '{modelType}' is not supported (jina-embeddings-v3 and bert are).");
        }
    }

    /// <summary>
    /// Most tokens per sequence, special tokens included — the limit <see cref="Load"/>'s model enforces
    /// (<see cref="ModelInfo.MaxTokens"/>) — read from the folder's small config files without touching the weights.
    /// </summary>
    /// <exception cref="CheckpointException">A config file is missing or malformed, or the model is not supported.</exception>
    public static int ReadMaxTokens(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        RejectOnnxOnly(directory);
        string config = Path.Combine(directory, "config.json");
        return DetectArchitecture(directory) switch
        {
            JinaV4 => JinaV4Model.MaxTextTokens,
            Bert => BertModel.SequenceLimit(BertConfig.Load(config).MaxPositionEmbeddings, SentenceTransformersConfig.Load(directory).MaxSequenceLength),
            _ => JinaV3Config.Load(config).MaxPositionEmbeddings,
        };
    }

    /// <summary>
    /// Refuses a folder that holds an ONNX export but no safetensors checkpoint, saying so: the loader would otherwise
    /// report a missing config.json or model.safetensors and leave the user guessing why.
    /// </summary>
    /// <exception cref="CheckpointException">The folder has *.onnx files and no *.safetensors.</exception>
    public static void RejectOnnxOnly(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory) || Directory.EnumerateFiles(directory, "*.safetensors").Any())
        {
            return;
        }

        var onnx = Directory.EnumerateFiles(directory, "*.onnx", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        if (onnx != null)
        {
            throw new CheckpointException(
                $"{directory} holds an ONNX model ({onnx}), and ONNX is not supported: JinaEmbed runs the safetensors checkpoint itself. " +
                "A model folder needs config.json, model.safetensors (or model-*-of-*.safetensors shards with model.safetensors.index.json) " +
                "and tokenizer.json, as the model's Hugging Face repository has them (jinaembed download <org/name> fetches them).");
        }
    }

    /// <summary>Loads the encoder of a model folder and its pipeline settings.</summary>
    /// <exception cref="CheckpointException">A file is missing or malformed, or the model is not supported.</exception>
    public static LoadedModel Load(string directory, ComputeContext? context = null, Precision precision = Precision.Exact)
    {
        ArgumentNullException.ThrowIfNull(directory);
        RejectOnnxOnly(directory);
        context ??= new ComputeContext();
        string folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return DetectArchitecture(directory) switch
        {
            Bert => LoadBert(directory, context, folderName, precision),
            JinaV4 => LoadJinaV4(directory, context, folderName, precision),
            _ => LoadJinaV3(directory, context, folderName, precision),
        };
    }

    private static LoadedModel LoadJinaV3(string directory, ComputeContext context, string folderName, Precision precision)
    {
        var model = JinaV3Model.Load(directory, context, precision);
        var config = model.Config;
        return new LoadedModel
        {
            Model = model,
            Architecture = JinaV3,
            Name = config.NameOrPath ?? folderName,
            VocabularySize = config.VocabSize,
            Tasks = config.LoraAdaptations.Select((t, i) => new EmbeddingTask(t, i, config.TaskInstructions.TryGetValue(t, out var p) ? p : "")).ToList(),
            Pooling = PoolingMode.Mean,
            Normalize = true,
            MatryoshkaDimensions = config.MatryoshkaDimensions,
            WeightDataType = DataTypeName(model.Weights.DataType),
            Precision = precision,
            Context = context,
        };
    }

    private static LoadedModel LoadJinaV4(string directory, ComputeContext context, string folderName, Precision precision)
    {
        var model = JinaV4Model.Load(directory, context, precision);
        var config = model.Config;
        var tasks = JinaV4Tasks.For(config.TaskNames);
        return new LoadedModel
        {
            Model = model,
            Architecture = JinaV4,
            Name = config.NameOrPath ?? folderName,
            VocabularySize = config.VocabSize,
            Tasks = tasks,
            DefaultTask = tasks.FirstOrDefault(t => t.Name == JinaV4Tasks.DefaultTaskName) ?? tasks[0],
            AllowsBaseModel = false,
            TruncationKeepsLastToken = false,
            TokenIdsWithinTokenizer = true,
            Pooling = PoolingMode.Mean,
            Normalize = true,
            MatryoshkaDimensions = config.MatryoshkaDimensions,
            Images = new ImageInput
            {
                Preprocessor = new ImagePreprocessor(LoadPreprocessorConfig(directory)),
                Prompt = JinaV4Model.ImagePrompt,
                ImageTokenId = config.ImageTokenId,
                SpanStartTokenId = config.VisionStartTokenId,
                SpanEndTokenId = config.VisionEndTokenId,
            },
            WeightDataType = DataTypeName(model.Weights.DataType),
            Precision = precision,
            Context = context,
        };
    }

    // preprocessor_config.json (spec §3.3); a folder without one gets Jina's values.
    private static ImagePreprocessorConfig LoadPreprocessorConfig(string directory)
    {
        string path = Path.Combine(directory, "preprocessor_config.json");
        return File.Exists(path) ? ImagePreprocessorConfig.Load(path) : ImagePreprocessorConfig.Default;
    }

    private static LoadedModel LoadBert(string directory, ComputeContext context, string folderName, Precision precision)
    {
        // Read the small sentence-transformers files first so an unsupported pipeline fails before mapping weights.
        var st = SentenceTransformersConfig.Load(directory);
        var model = BertModel.Load(directory, context, st.MaxSequenceLength, precision);
        var config = model.Config;
        var tasks = st.Prompts.Select(p => new EmbeddingTask(p.Key, -1, p.Value)).ToList();
        return new LoadedModel
        {
            Model = model,
            Architecture = Bert,
            Name = config.NameOrPath ?? folderName,
            VocabularySize = config.VocabSize,
            Tasks = tasks,
            DefaultTask = st.DefaultPromptName is { } name ? tasks.First(t => t.Name == name) : EmbeddingTask.None,
            Pooling = st.Pooling,
            Normalize = st.Normalize,
            WeightDataType = DataTypeName(model.Weights.DataType),
            Precision = precision,
            Context = context,
        };
    }

    private static string DataTypeName(TensorDataType type) => type switch
    {
        TensorDataType.BFloat16 => "BF16",
        TensorDataType.Float16 => "F16",
        _ => "F32",
    };
}
