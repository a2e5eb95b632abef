namespace JinaEmbed.Images;

/// <summary>An image that cannot be embedded, with a message fit to show the caller.</summary>
public sealed class ImageException : Exception
{
    /// <summary>Creates the error.</summary>
    public ImageException(ImageErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>Why the image was refused.</summary>
    public ImageErrorKind Kind { get; }
}
