namespace JinaEmbed.Embedding;

/// <summary>One item to embed: a text (prompt and special tokens are added) or token ids (used as they are).</summary>
public sealed class EmbeddingInput
{
    private EmbeddingInput(string? text, int[]? tokenIds)
    {
        Text = text;
        TokenIds = tokenIds;
    }

    /// <summary>The text, when the item is text.</summary>
    public string? Text { get; }

    /// <summary>The token ids, when the item is pre-tokenized.</summary>
    public int[]? TokenIds { get; }

    /// <summary>A text item.</summary>
    public static EmbeddingInput FromText(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>A token-id item.</summary>
    public static EmbeddingInput FromTokenIds(int[] ids) => new(null, ids ?? throw new ArgumentNullException(nameof(ids)));

    public static implicit operator EmbeddingInput(string text) => FromText(text);
}
