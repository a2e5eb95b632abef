// Settings of AddJinaEmbeddings, bindable from configuration (e.g. the "JinaEmbeddings" section of appsettings.json).
using JinaEmbed.Embedding;

namespace JinaEmbed.Integration;

/// <summary>What <see cref="JinaEmbeddingsServiceCollectionExtensions.AddJinaEmbeddings(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{JinaEmbeddingsOptions})"/> loads and how its generators behave.</summary>
public sealed class JinaEmbeddingsOptions
{
    /// <summary>The configuration section name the samples and docs use.</summary>
    public const string SectionName = "JinaEmbeddings";

    /// <summary>A local model folder (config.json, model.safetensors, tokenizer.json) or a Hugging Face hub id.</summary>
    public string? Model { get; set; }

    /// <summary>Task used when a call sets none; see <see cref="JinaEmbeddingGeneratorOptions.DefaultTask"/>.</summary>
    public string DefaultTask { get; set; } = JinaTask.TextMatching.ToTaskName();

    /// <summary>Matryoshka size used when a call sets none; null keeps the full width.</summary>
    public int? DefaultDimensions { get; set; }

    /// <summary>Model id reported in metadata; null reports the folder's name or the hub id.</summary>
    public string? ModelId { get; set; }

    /// <summary>Cut over-long texts instead of failing, unless a call says otherwise.</summary>
    public bool Truncate { get; set; }

    /// <summary>Engine settings (threads, batch token budget), fixed for the embedder's lifetime.</summary>
    public EmbedderOptions Embedder { get; set; } = new();

    /// <summary>The generator defaults these settings describe.</summary>
    public JinaEmbeddingGeneratorOptions ToGeneratorOptions() => new()
    {
        DefaultTask = DefaultTask,
        DefaultDimensions = DefaultDimensions,
        ModelId = ModelId ?? DefaultModelId(Model),
        Truncate = Truncate,
    };

    private static string? DefaultModelId(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        // A folder reports its own name; a hub id ("jinaai/jina-embeddings-v3") reports its last segment.
        var trimmed = model.TrimEnd('/', '\\');
        var slash = trimmed.LastIndexOfAny(['/', '\\']);
        return slash >= 0 ? trimmed[(slash + 1)..] : trimmed;
    }
}
