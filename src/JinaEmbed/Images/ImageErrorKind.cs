namespace JinaEmbed.Images;

/// <summary>Why an image was refused.</summary>
public enum ImageErrorKind
{
    /// <summary>Not decodable: unknown format, corrupt or truncated data, bad base64, aspect ratio above 200.</summary>
    Invalid,
    /// <summary>Decoded size above the pixel limit (read from the header, before decoding).</summary>
    TooLarge,
}
