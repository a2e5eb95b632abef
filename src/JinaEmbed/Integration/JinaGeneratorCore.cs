// What both Microsoft.Extensions.AI generators share: option mapping, the scheduled call, metadata, ownership.
// Calls go through Embedder.EmbedAsync, so concurrent callers share forward passes (architecture.md §3).
using JinaEmbed.Embedding;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Integration;

internal sealed class JinaGeneratorCore : IDisposable
{
    /// <summary>Provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    internal const string ProviderName = "jinaembed";

    private readonly bool _ownsEmbedder;
    private int _disposed;

    // dimensions: the width the metadata reports; null: the default Matryoshka size, else the hidden size.
    internal JinaGeneratorCore(Embedder embedder, JinaEmbeddingGeneratorOptions? defaults, bool ownsEmbedder, int? dimensions = null)
    {
        Embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Defaults = defaults ?? new JinaEmbeddingGeneratorOptions();
        _ownsEmbedder = ownsEmbedder;
        ModelId = Defaults.ModelId ?? Embedder.Info.Name;

        Metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, ModelId, dimensions ?? Defaults.DefaultDimensions ?? Embedder.Info.HiddenSize);
    }

    internal Embedder Embedder { get; }

    internal JinaEmbeddingGeneratorOptions Defaults { get; }

    internal string ModelId { get; }

    internal EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>The library options of one call: the call's settings where given, the defaults otherwise.</summary>
    internal EmbedOptions ToEmbedOptions(EmbeddingGenerationOptions? options) => new()
    {
        Task = options.GetTaskName() ?? Defaults.DefaultTask,
        Dimensions = options?.Dimensions ?? Defaults.DefaultDimensions,
        Normalize = Defaults.Normalize,
        Truncate = options.GetTruncation() ?? Defaults.Truncate,
        LateChunking = options.GetLateChunking(),
    };

    /// <summary>Embeds the values through the scheduler; null when there is nothing to embed.</summary>
    internal async Task<EmbeddingResult?> EmbedAsync(IEnumerable<string> values, EmbedOptions embedOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        var items = values.Select(EmbeddingInput.FromText).ToArray();
        if (items.Length == 0)
        {
            // The library refuses an empty request; an empty batch is a valid generator call (e.g. all cache hits).
            return null;
        }

        return await Embedder.EmbedAsync(new EmbeddingRequest(items, embedOptions), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Token usage of one call.</summary>
    internal static UsageDetails Usage(EmbeddingResult? result) => new()
    {
        InputTokenCount = result?.TokenCount ?? 0,
        TotalTokenCount = result?.TokenCount ?? 0,
    };

    /// <summary>The GetService contract: the generator itself, the metadata, or the underlying embedder.</summary>
    internal object? GetService(object generator, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        if (serviceType.IsInstanceOfType(generator))
        {
            return generator;
        }

        if (serviceType == typeof(Embedder))
        {
            return Embedder;
        }

        return serviceType == typeof(JinaEmbeddingGeneratorOptions) ? Defaults : null;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsEmbedder)
        {
            Embedder.Dispose();
        }
    }
}
