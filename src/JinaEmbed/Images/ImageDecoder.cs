// STUB (owned by the images helper): decoding to RGB as PIL's convert("RGB") (spec §7.1).
namespace JinaEmbed.Images;

/// <summary>Decodes PNG, JPEG, WebP, GIF and BMP bytes to RGB.</summary>
public static class ImageDecoder
{
    /// <summary>Default limit on decoded pixels (20 megapixels, spec §7.1).</summary>
    public const long DefaultMaxPixels = 20_000_000;

    /// <summary>Format and size from the header, without decoding.</summary>
    /// <exception cref="ImageException">Unknown format or a malformed header.</exception>
    public static ImageHeader ReadHeader(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Decodes to RGB; the header's size is checked against <paramref name="maxPixels"/> first.</summary>
    /// <exception cref="ImageException">Invalid or too large.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> data, long maxPixels = DefaultMaxPixels) => throw new NotImplementedException();
}
