// Settings of AddJinaEmbeddings, bindable from configuration (e.g. the "JinaEmbeddings" section of appsettings.json).
using JinaEmbed.Embedding;
using JinaEmbed.Hub;

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

    /// <summary>Model id reported in metadata; null reports the model's own name (config.json <c>_name_or_path</c>, else the folder name).</summary>
    public string? ModelId { get; set; }

    /// <summary>Cut over-long texts instead of failing, unless a call says otherwise.</summary>
    public bool Truncate { get; set; }

    /// <summary>Engine settings (threads, batch token budget), fixed for the embedder's lifetime.</summary>
    public EmbedderOptions Embedder { get; set; } = new();

    /// <summary>Where and how hub ids are downloaded; null reads the Hugging Face environment variables (HF_HOME, HF_TOKEN, …).</summary>
    public HubOptions? Hub { get; set; }

    /// <summary>The generator defaults these settings describe.</summary>
    public JinaEmbeddingGeneratorOptions ToGeneratorOptions() => new()
    {
        DefaultTask = DefaultTask,
        DefaultDimensions = DefaultDimensions,
        ModelId = ModelId,
        Truncate = Truncate,
    };
}
