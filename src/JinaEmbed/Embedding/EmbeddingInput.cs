using JinaEmbed.Images;

namespace JinaEmbed.Embedding;

/// <summary>
/// One item to embed: a text (prompt and special tokens are added), token ids (used as they are), or an image (encoded
/// bytes or decoded pixels; jina-embeddings-v4).
/// </summary>
public sealed class EmbeddingInput
{
    private EmbeddingInput(string? text, int[]? tokenIds, byte[]? imageBytes, RgbImage? pixels)
    {
        Text = text;
        TokenIds = tokenIds;
        ImageBytes = imageBytes;
        Pixels = pixels;
    }

    /// <summary>The text, when the item is text.</summary>
    public string? Text { get; }

    /// <summary>The token ids, when the item is pre-tokenized.</summary>
    public int[]? TokenIds { get; }

    /// <summary>The encoded image (PNG, JPEG, WebP, GIF, BMP), when the item is an image given as bytes.</summary>
    public byte[]? ImageBytes { get; }

    /// <summary>The decoded RGB pixels, when the item is an image given as pixels.</summary>
    public RgbImage? Pixels { get; }

    /// <summary>Whether the item is an image (bytes or pixels).</summary>
    public bool IsImage => ImageBytes is not null || Pixels is not null;

    /// <summary>A text item.</summary>
    public static EmbeddingInput FromText(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null, null, null);

    /// <summary>A token-id item.</summary>
    public static EmbeddingInput FromTokenIds(int[] ids) => new(null, ids ?? throw new ArgumentNullException(nameof(ids)), null, null);

    /// <summary>An image item from its encoded bytes; the format is taken from the bytes' signature.</summary>
    public static EmbeddingInput FromImage(byte[] encoded) => new(null, null, encoded ?? throw new ArgumentNullException(nameof(encoded)), null);

    /// <summary>An image item from a stream (read to the end now).</summary>
    public static EmbeddingInput FromImage(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return FromImage(copy.ToArray());
    }

    /// <summary>An image item from a file (read now).</summary>
    public static EmbeddingInput FromImageFile(string path) => FromImage(File.ReadAllBytes(path ?? throw new ArgumentNullException(nameof(path))));

    /// <summary>An image item from already-decoded RGB pixels (decoding is skipped).</summary>
    public static EmbeddingInput FromPixels(RgbImage pixels) => new(null, null, null, pixels ?? throw new ArgumentNullException(nameof(pixels)));

    public static implicit operator EmbeddingInput(string text) => FromText(text);
}
