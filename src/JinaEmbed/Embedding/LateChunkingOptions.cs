// Settings of late chunking (spec §7.5 b): window length and overlap for documents longer than the context.
namespace JinaEmbed.Embedding;

/// <summary>How a document longer than the model's context is split into overlapping windows.</summary>
public sealed record LateChunkingOptions
{
    /// <summary>Tokens per window; null = the model's maximum sequence length.</summary>
    public int? WindowTokens { get; init; }

    /// <summary>Tokens each window after the first re-reads from its predecessor as left context; their outputs are dropped.</summary>
    public int Overlap { get; init; } = 512;
}
