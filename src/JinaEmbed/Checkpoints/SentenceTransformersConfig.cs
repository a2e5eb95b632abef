// The sentence-transformers files of a model folder (docs/models.md): modules.json (which modules run),
// 1_Pooling/config.json (pooling mode), config_sentence_transformers.json (prompts), sentence_bert_config.json (max length).
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Checkpoints;

/// <summary>What runs after the transformer: pooling, L2 normalisation, prompts and the length limit.</summary>
public sealed record SentenceTransformersConfig
{
    /// <summary>How token states are pooled (mean when the folder has no pooling module).</summary>
    public PoolingMode Pooling { get; init; } = PoolingMode.Mean;

    /// <summary>Whether modules.json lists a Normalize module (L2 after pooling).</summary>
    public bool Normalize { get; init; }

    /// <summary>Named prompts prepended to the text (config_sentence_transformers.json <c>prompts</c>).</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();

    /// <summary>The prompt used when the caller names none, or null.</summary>
    public string? DefaultPromptName { get; init; }

    /// <summary>Most tokens the pipeline feeds the transformer (sentence_bert_config.json <c>max_seq_length</c>), or null.</summary>
    public int? MaxSequenceLength { get; init; }

    /// <summary>Whether the folder has a modules.json at all.</summary>
    public bool HasModules { get; init; }

    /// <summary>Reads the sentence-transformers files of <paramref name="directory"/>; absent files keep the defaults.</summary>
    /// <exception cref="CheckpointException">A file is malformed or asks for a module or pooling this engine does not run.</exception>
    public static SentenceTransformersConfig Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var pooling = PoolingMode.Mean;
        bool normalize = false, hasModules = false, includePrompt = true;
        string modulesPath = Path.Combine(directory, "modules.json");
        if (File.Exists(modulesPath))
        {
            hasModules = true;
            using var modules = Read(modulesPath);
            if (modules.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new CheckpointException($"{modulesPath} must be a JSON array of modules.");
            }

            foreach (var module in modules.RootElement.EnumerateArray())
            {
                string type = StringProperty(module, "type", modulesPath) ?? "";
                string kind = type[(type.LastIndexOf('.') + 1)..];
                switch (kind)
                {
                    case "Transformer":
                        break;
                    case "Normalize":
                        normalize = true;
                        break;
                    case "Pooling":
                        string path = StringProperty(module, "path", modulesPath) ?? "";
                        if (path.Length == 0)
                        {
                            // An empty path would read the model's own config.json as the pooling config.
                            throw new CheckpointException($"{modulesPath}: the Pooling module needs a 'path' (its folder, e.g. 1_Pooling).");
                        }

                        (pooling, includePrompt) = ReadPooling(Path.Combine(directory, path, "config.json"));
                        break;
                    default:
                        throw new CheckpointException($"{modulesPath}: module '{type}' is not supported (Transformer, Pooling and Normalize are).");
                }
            }
        }

        var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
        string? defaultPrompt = null;
        string stPath = Path.Combine(directory, "config_sentence_transformers.json");
        if (File.Exists(stPath))
        {
            using var st = ReadObject(stPath);
            var root = st.RootElement;
            if (root.TryGetProperty("prompts", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Object)
                {
                    throw new CheckpointException($"{stPath}: 'prompts' must be an object of name → prompt text.");
                }

                foreach (var prompt in p.EnumerateObject())
                {
                    prompts[prompt.Name] = prompt.Value.ValueKind == JsonValueKind.String
                        ? prompt.Value.GetString()!
                        : throw new CheckpointException($"{stPath}: prompts['{prompt.Name}'] must be a string.");
                }
            }

            defaultPrompt = StringProperty(root, "default_prompt_name", stPath);
            if (defaultPrompt != null && !prompts.ContainsKey(defaultPrompt))
            {
                throw new CheckpointException($"{stPath}: default_prompt_name '{defaultPrompt}' is not one of the prompts.");
            }
        }

        // Excluding the prompt from pooling needs prompt-aware spans; refuse rather than pool it silently.
        if (!includePrompt && prompts.Count > 0)
        {
            throw new CheckpointException($"{directory}: pooling with include_prompt false is not supported.");
        }

        int? maxLength = null;
        string sbPath = Path.Combine(directory, "sentence_bert_config.json");
        if (File.Exists(sbPath))
        {
            using var sb = ReadObject(sbPath);
            if (sb.RootElement.TryGetProperty("max_seq_length", out var m) && m.ValueKind != JsonValueKind.Null)
            {
                maxLength = m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out int v) && v > 0
                    ? v
                    : throw new CheckpointException($"{sbPath}: max_seq_length must be a positive integer.");
            }
        }

        return new SentenceTransformersConfig
        {
            Pooling = pooling,
            Normalize = normalize,
            Prompts = prompts,
            DefaultPromptName = defaultPrompt,
            MaxSequenceLength = maxLength,
            HasModules = hasModules,
        };
    }

    private static (PoolingMode Mode, bool IncludePrompt) ReadPooling(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException($"Pooling config {path} does not exist.");
        }

        using var document = ReadObject(path);
        var root = document.RootElement;
        bool? Boolean(string key) => !root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? null : v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new CheckpointException($"{path}: '{key}' must be true or false, got {v.GetRawText()}."),
        };
        bool Flag(string key) => Boolean(key) ?? false;
        var modes = new List<PoolingMode>();
        if (Flag("pooling_mode_cls_token"))
        {
            modes.Add(PoolingMode.Cls);
        }

        if (Flag("pooling_mode_mean_tokens"))
        {
            modes.Add(PoolingMode.Mean);
        }

        if (Flag("pooling_mode_max_tokens"))
        {
            modes.Add(PoolingMode.Max);
        }

        foreach (var other in new[] { "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken" })
        {
            if (Flag(other))
            {
                throw new CheckpointException($"{path}: {other} is not supported (mean, CLS and max are).");
            }
        }

        // Several modes concatenate in sentence-transformers; one vector of the hidden width is what the pipeline serves.
        if (modes.Count != 1)
        {
            throw new CheckpointException($"{path}: exactly one pooling mode must be set (mean, CLS or max); found {modes.Count}.");
        }

        return (modes[0], Boolean("include_prompt") ?? true);
    }

    private static JsonDocument ReadObject(string path)
    {
        var document = Read(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new CheckpointException($"{path} must be a JSON object.");
        }

        return document;
    }

    private static JsonDocument Read(string path)
    {
        try
        {
            // As text, so a UTF-8 byte-order mark is accepted (as config.json's reader does).
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path} is not well-formed JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Cannot read {path}: {e.Message}", e);
        }
    }

    private static string? StringProperty(JsonElement element, string key, string source)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new CheckpointException($"{source}: '{key}' must be a string.");
    }
}
