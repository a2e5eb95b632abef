namespace JinaEmbed.Embedding;

/// <summary>A set of items embedded with one set of options (one API call).</summary>
public sealed class EmbeddingRequest
{
    public EmbeddingRequest(IReadOnlyList<EmbeddingInput> items, EmbedOptions? options = null)
    {
        Items = items ?? throw new ArgumentNullException(nameof(items));
        Options = options ?? new EmbedOptions();
    }

    /// <summary>The items, in order.</summary>
    public IReadOnlyList<EmbeddingInput> Items { get; }

    /// <summary>Task, dimensions, normalisation, truncation, late chunking.</summary>
    public EmbedOptions Options { get; }
}
