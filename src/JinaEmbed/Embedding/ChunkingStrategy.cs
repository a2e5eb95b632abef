// How to cut a whole document into chunks for late chunking when the caller gives no boundaries (spec §7.6).
namespace JinaEmbed.Embedding;

/// <summary>A chunker: fixed token windows, or groups of sentences.</summary>
public sealed record ChunkingStrategy
{
    private ChunkingStrategy(ChunkingKind kind, int size)
    {
        Kind = kind;
        Size = size;
    }

    /// <summary>The kind of chunker.</summary>
    public ChunkingKind Kind { get; }

    /// <summary>Tokens per chunk (<see cref="ChunkingKind.FixedTokens"/>) or sentences per chunk (<see cref="ChunkingKind.Sentences"/>).</summary>
    public int Size { get; }

    /// <summary>Chunks of <paramref name="tokens"/> content tokens each (the last may be shorter).</summary>
    public static ChunkingStrategy FixedTokens(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        return new ChunkingStrategy(ChunkingKind.FixedTokens, tokens);
    }

    /// <summary>Chunks of <paramref name="sentences"/> sentences each, split after . ! ? 。 ！ ？ followed by whitespace or the end.</summary>
    public static ChunkingStrategy Sentences(int sentences = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sentences);
        return new ChunkingStrategy(ChunkingKind.Sentences, sentences);
    }
}
