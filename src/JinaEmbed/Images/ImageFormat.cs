namespace JinaEmbed.Images;

/// <summary>Encoded image formats the decoder accepts (spec §7.1).</summary>
public enum ImageFormat
{
    /// <summary>PNG.</summary>
    Png,
    /// <summary>JPEG, baseline or progressive.</summary>
    Jpeg,
    /// <summary>WebP (lossy or lossless; first frame).</summary>
    WebP,
    /// <summary>GIF (first frame).</summary>
    Gif,
    /// <summary>Windows bitmap.</summary>
    Bmp,
}
