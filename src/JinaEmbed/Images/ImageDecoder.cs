// Decoding to RGB as PIL's Image.open(...).convert("RGB") (spec §7.1), with SkiaSharp's codecs (libpng, libjpeg-turbo,
// libwebp, Skia's GIF and BMP readers). The size is read by our own header parsers and checked before decoding.
using SkiaSharp;

namespace JinaEmbed.Images;

/// <summary>Decodes PNG, JPEG, WebP, GIF and BMP bytes to RGB.</summary>
public static class ImageDecoder
{
    /// <summary>Default limit on decoded pixels (20 megapixels, spec §7.1).</summary>
    public const long DefaultMaxPixels = 20_000_000;

    /// <summary>Format and size from the header, without decoding.</summary>
    /// <exception cref="ImageException">Unknown format or a malformed header.</exception>
    public static ImageHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        var h = HeaderReader.Read(data);
        return new ImageHeader(h.Format, h.Width, h.Height);
    }

    /// <summary>Decodes to RGB; the header's size is checked against <paramref name="maxPixels"/> first.</summary>
    /// <exception cref="ImageException">Invalid or too large.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> data, long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        var header = HeaderReader.Read(data);
        var pixels = (long)header.Width * header.Height;
        if (pixels > maxPixels)
        {
            throw new ImageException(
                ImageErrorKind.TooLarge,
                $"The {HeaderReader.Name(header.Format)} image is {header.Width}×{header.Height} = {pixels:N0} pixels, above the limit of {maxPixels:N0} pixels.");
        }

        if (header.Format == ImageFormat.Jpeg && HeaderReader.CountJpegScans(data) is var scans && scans > HeaderReader.MaxJpegScans)
        {
            throw new ImageException(
                ImageErrorKind.Invalid,
                $"The JPEG image has {scans} scans, above the limit of {HeaderReader.MaxJpegScans} (normal progressive JPEGs have about 10).");
        }

        try
        {
            if (header.Format == ImageFormat.Png && header.BitDepth == 16)
            {
                return Png16Reader.Decode(data, header);
            }

            return DecodeWithSkia(data, header);
        }
        catch (ImageException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ImageException(ImageErrorKind.Invalid, $"The {HeaderReader.Name(header.Format)} image could not be decoded: {e.Message}", e);
        }
    }

    private static RgbImage DecodeWithSkia(ReadOnlySpan<byte> data, HeaderInfo header)
    {
        var gif = header.Format == ImageFormat.Gif ? GifFirstFrame.Analyze(data) : null;
        var input = gif is null ? data : gif.WithoutTransparency(data);
        using var skData = SKData.CreateCopy(input);
        using var codec = SKCodec.Create(skData);
        if (codec is null)
        {
            throw new ImageException(ImageErrorKind.Invalid, $"The {HeaderReader.Name(header.Format)} image has no decodable header or is corrupt.");
        }

        var info = codec.Info;
        if (info.Width != header.Width || info.Height != header.Height)
        {
            throw new ImageException(
                ImageErrorKind.Invalid,
                $"The {HeaderReader.Name(header.Format)} image is inconsistent: its header says {header.Width}×{header.Height}, the decoder reads {info.Width}×{info.Height}.");
        }

        var width = info.Width;
        var height = info.Height;
        const int bytesPerPixel = 4;
        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul, null);
        var rgba = new byte[checked((long)width * height * bytesPerPixel)];
        var options = new SKCodecOptions(0) { ZeroInitialized = SKZeroInitialized.Yes };
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = rgba)
            {
                result = codec.GetPixels(target, (IntPtr)p, width * bytesPerPixel, options);
            }
        }

        if (result != SKCodecResult.Success)
        {
            throw new ImageException(ImageErrorKind.Invalid, $"The {HeaderReader.Name(header.Format)} image is not decodable ({Describe(result)}).");
        }

        var rgb = new byte[(long)width * height * 3];
        DropAlpha(rgba, rgb);
        var image = new RgbImage(width, height, rgb);
        gif?.FillOutsideFrame(image);
        return image;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the data is truncated",
        SKCodecResult.ErrorInInput => "the data is corrupt",
        SKCodecResult.InvalidInput => "the data is not a valid image",
        SKCodecResult.InvalidConversion => "its colour type cannot be converted to RGB",
        SKCodecResult.Unimplemented => "a feature of this file is not supported",
        _ => $"decoder result {result}",
    };

    /// <summary>RGBA → RGB: alpha dropped, never composited (PIL's convert("RGB")).</summary>
    internal static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        var n = rgb.Length / 3;
        for (var i = 0; i < n; i++)
        {
            rgb[3 * i] = rgba[4 * i];
            rgb[(3 * i) + 1] = rgba[(4 * i) + 1];
            rgb[(3 * i) + 2] = rgba[(4 * i) + 2];
        }
    }
}
