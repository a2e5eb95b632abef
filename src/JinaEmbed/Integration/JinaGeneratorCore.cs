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

        return await EmbedAsync(values.Select(EmbeddingInput.FromText).ToArray(), embedOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Embeds already-built items (images) through the scheduler; null when there is nothing to embed.</summary>
    internal async Task<EmbeddingResult?> EmbedAsync(EmbeddingInput[] items, EmbedOptions embedOptions, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (items.Length == 0)
        {
            // The library refuses an empty request; an empty batch is a valid generator call (e.g. all cache hits).
            return null;
        }

        return await Embedder.EmbedAsync(new EmbeddingRequest(items, embedOptions), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The image items of <see cref="DataContent"/> values (jina-embeddings-v4): the media type must be <c>image/*</c>;
    /// the format itself is read from the bytes' signature by the library.
    /// </summary>
    /// <exception cref="ArgumentException">A null value or one whose media type is not an image.</exception>
    internal static EmbeddingInput[] ImageItems(IEnumerable<DataContent> values, string parameter)
    {
        ArgumentNullException.ThrowIfNull(values, parameter);
        return values.Select((content, i) =>
        {
            if (content is null)
            {
                throw new ArgumentException($"{parameter}[{i}] is null.", parameter);
            }

            if (!content.HasTopLevelMediaType("image"))
            {
                throw new ArgumentException(
                    $"{parameter}[{i}] has media type '{content.MediaType}'; only images (image/png, image/jpeg, image/webp, image/gif, image/bmp) are embedded by this generator. Embed text with JinaEmbeddingGenerator.",
                    parameter);
            }

            return EmbeddingInput.FromImage(content.Data.ToArray());
        }).ToArray();
    }

    /// <summary>Throws unless the embedder's model embeds images.</summary>
    internal static void RequireImages(Embedder embedder, string parameter)
    {
        ArgumentNullException.ThrowIfNull(embedder, parameter);
        if (!embedder.Info.Modalities.Contains("image"))
        {
            throw new ArgumentException($"Model '{embedder.Info.Name}' ({embedder.Info.Architecture}) does not embed images; image embeddings need jina-embeddings-v4.", parameter);
        }
    }

    /// <summary>Token usage of one call.</summary>
    internal static UsageDetails Usage(EmbeddingResult? result) => new()
    {
        InputTokenCount = result?.TokenCount ?? 0,
        TotalTokenCount = result?.TokenCount ?? 0,
    };

    /// <summary>One embedding per vector of a call, stamped with the model id and one creation time, with the call's usage.</summary>
    internal GeneratedEmbeddings<TEmbedding> Generated<TVector, TEmbedding>(IReadOnlyList<TVector>? vectors, EmbeddingResult? result, Func<TVector, TEmbedding> create)
        where TEmbedding : Microsoft.Extensions.AI.Embedding
    {
        vectors ??= [];
        var createdAt = DateTimeOffset.UtcNow;
        var embeddings = new GeneratedEmbeddings<TEmbedding>(vectors.Count) { Usage = Usage(result) };
        foreach (var vector in vectors)
        {
            var embedding = create(vector);
            embedding.ModelId = ModelId;
            embedding.CreatedAt = createdAt;
            embeddings.Add(embedding);
        }

        return embeddings;
    }

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
