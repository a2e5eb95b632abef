// The chunkers ChunkingStrategy offers.
namespace JinaEmbed.Embedding;

/// <summary>Kinds of document chunkers.</summary>
public enum ChunkingKind
{
    /// <summary>Fixed numbers of tokens.</summary>
    FixedTokens,
    /// <summary>Groups of sentences.</summary>
    Sentences,
}
