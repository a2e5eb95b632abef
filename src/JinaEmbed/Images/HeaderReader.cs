// Reads format, width and height from the first bytes of an encoded image, without decoding (spec §7.1: the size
// is checked before any pixel is decoded). Our own parsers, so the limit holds whatever the decoder would do.
using System.Buffers.Binary;

namespace JinaEmbed.Images;

/// <summary>The parsed header plus what the decoder needs to know to reproduce PIL's conversion.</summary>
internal readonly record struct HeaderInfo(ImageFormat Format, int Width, int Height, int BitDepth, int ColorType);

internal static class HeaderReader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Largest side any format here can describe that we accept (PNG allows 2^31−1; Skia refuses above this).</summary>
    internal const int MaxSide = 1 << 24;

    public static HeaderInfo Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw Invalid("The image is empty (0 bytes).");
        }

        if (data.StartsWith(PngSignature))
        {
            return Png(data);
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return Jpeg(data);
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return Gif(data);
        }

        if (data.StartsWith("BM"u8))
        {
            return Bmp(data);
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return WebP(data);
        }

        if (data.Length < 8 && (PngSignature.StartsWith(data) || "GIF8"u8.StartsWith(data[..Math.Min(4, data.Length)])))
        {
            throw Invalid($"The image is truncated: {data.Length} bytes, not even a whole signature.");
        }

        throw Invalid($"Unknown image format (first bytes {Hex(data)}); accepted: PNG, JPEG, WebP, GIF, BMP.");
    }

    internal static ImageException Invalid(string message) => new(ImageErrorKind.Invalid, message);

    /// <summary>Most scans a JPEG may have (normal progressive files have about 10; many tiny scans are a known CPU bomb).</summary>
    internal const int MaxJpegScans = 256;

    /// <summary>
    /// Counts the JPEG's scans (SOS markers) by walking its segments and skipping entropy-coded data (where 0xFF is
    /// always stuffed or a restart marker), stopping at EOI or the end of the data.
    /// </summary>
    internal static int CountJpegScans(ReadOnlySpan<byte> data)
    {
        var scans = 0;
        var i = 2;
        while (i + 1 < data.Length)
        {
            if (data[i] != 0xFF)
            {
                i++;
                continue;
            }

            var marker = data[i + 1];
            if (marker is 0xFF)
            {
                i++;
                continue;
            }

            i += 2;
            if (marker is 0xD9)
            {
                break;
            }

            if (marker is 0x00 or 0x01 or 0xD8 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            if (i + 2 > data.Length)
            {
                break;
            }

            i += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            if (marker == 0xDA)
            {
                scans++;

                // Entropy-coded data: runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
                while (i + 1 < data.Length && !(data[i] == 0xFF && data[i + 1] is not (0x00 or 0xFF or (>= 0xD0 and <= 0xD7))))
                {
                    i++;
                }
            }
        }

        return scans;
    }

    /// <summary>The format's usual written name (PNG, JPEG, WebP, GIF, BMP).</summary>
    internal static string Name(ImageFormat format) => format switch
    {
        ImageFormat.Png => "PNG",
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.WebP => "WebP",
        ImageFormat.Gif => "GIF",
        _ => "BMP",
    };

    private static string Hex(ReadOnlySpan<byte> data) => Convert.ToHexString(data[..Math.Min(8, data.Length)]);

    private static HeaderInfo Checked(ImageFormat format, long width, long height, int bitDepth = 8, int colorType = 0)
    {
        if (width <= 0 || height <= 0)
        {
            throw Invalid($"The {Name(format)} header gives a size of {width}×{height}: both sides must be at least 1.");
        }

        if (width > MaxSide || height > MaxSide)
        {
            throw new ImageException(
                ImageErrorKind.TooLarge,
                $"The {Name(format)} header gives a size of {width}×{height}: a side above {MaxSide} pixels is not supported.");
        }

        return new HeaderInfo(format, (int)width, (int)height, bitDepth, colorType);
    }

    private static HeaderInfo Png(ReadOnlySpan<byte> data)
    {
        if (data.Length < 33)
        {
            throw Invalid($"The PNG is truncated in its header ({data.Length} bytes).");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != 13 || !data[12..16].SequenceEqual("IHDR"u8))
        {
            throw Invalid("The PNG does not start with an IHDR chunk of 13 bytes.");
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        int depth = data[24], colorType = data[25];
        var valid = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!valid)
        {
            throw Invalid($"The PNG header has an invalid bit depth {depth} for colour type {colorType}.");
        }

        if (data[26] != 0 || data[27] != 0 || data[28] > 1)
        {
            throw Invalid("The PNG header names an unknown compression, filter or interlace method.");
        }

        return Checked(ImageFormat.Png, width, height, depth, colorType);
    }

    private static HeaderInfo Jpeg(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (true)
        {
            // Markers may be preceded by fill bytes 0xFF.
            while (i < data.Length && data[i] == 0xFF)
            {
                i++;
            }

            if (i >= data.Length)
            {
                throw Invalid("The JPEG is truncated before its frame header (SOF).");
            }

            var marker = data[i++];
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // standalone markers
            }

            if (marker is 0xD9 or 0xDA)
            {
                throw Invalid("The JPEG has no frame header (SOF) before its image data.");
            }

            if (i + 2 > data.Length)
            {
                throw Invalid("The JPEG is truncated before its frame header (SOF).");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            if (length < 2)
            {
                throw Invalid($"The JPEG has a malformed segment (marker 0x{marker:X2}, length {length}).");
            }

            var isSof = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isSof)
            {
                if (length < 8 || i + 8 > data.Length)
                {
                    throw Invalid("The JPEG frame header (SOF) is truncated.");
                }

                if (marker is not (0xC0 or 0xC1 or 0xC2 or 0xC9 or 0xCA))
                {
                    throw Invalid($"The JPEG uses an unsupported coding process (SOF{marker - 0xC0}); baseline, extended and progressive JPEGs are accepted.");
                }

                int precision = data[i + 2];
                int height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 3)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                int components = data[i + 7];
                if (precision != 8)
                {
                    throw Invalid($"The JPEG has {precision}-bit samples; only 8-bit JPEGs are supported.");
                }

                if (components is not (1 or 3 or 4))
                {
                    throw Invalid($"The JPEG has {components} colour components; 1, 3 or 4 are supported.");
                }

                return Checked(ImageFormat.Jpeg, width, height, 8, components);
            }

            i += length;
        }
    }

    private static HeaderInfo Gif(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13)
        {
            throw Invalid($"The GIF is truncated in its header ({data.Length} bytes).");
        }

        return Checked(ImageFormat.Gif, BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));
    }

    private static HeaderInfo Bmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 26)
        {
            throw Invalid($"The BMP is truncated in its header ({data.Length} bytes).");
        }

        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        long width, height;
        int bpp;
        if (dibSize == 12)
        {
            width = BinaryPrimitives.ReadInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadInt16LittleEndian(data[20..]);
            bpp = BinaryPrimitives.ReadUInt16LittleEndian(data[24..]);
        }
        else if (dibSize is 40 or 52 or 56 or 64 or 108 or 124)
        {
            if (data.Length < 30)
            {
                throw Invalid($"The BMP is truncated in its header ({data.Length} bytes).");
            }

            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(data[22..]);
            height = Math.Abs(height); // negative: stored top-down
            bpp = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
        }
        else
        {
            throw Invalid($"The BMP has an unknown info header size {dibSize}.");
        }

        if (bpp is not (1 or 2 or 4 or 8 or 16 or 24 or 32))
        {
            throw Invalid($"The BMP has an unsupported bit count {bpp}.");
        }

        return Checked(ImageFormat.Bmp, width, height, bpp);
    }

    private static HeaderInfo WebP(ReadOnlySpan<byte> data)
    {
        if (data.Length < 30)
        {
            throw Invalid($"The WebP is truncated in its header ({data.Length} bytes).");
        }

        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height.
            if (data[23] != 0x9D || data[24] != 0x01 || data[25] != 0x2A)
            {
                throw Invalid("The WebP (lossy) frame has no VP8 start code.");
            }

            return Checked(ImageFormat.WebP, BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (data[20] != 0x2F)
            {
                throw Invalid("The WebP (lossless) stream has no VP8L signature.");
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return Checked(ImageFormat.WebP, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            long width = 1 + (data[24] | (data[25] << 8) | (data[26] << 16));
            long height = 1 + (data[27] | (data[28] << 8) | (data[29] << 16));
            return Checked(ImageFormat.WebP, width, height);
        }

        throw Invalid($"The WebP has an unknown first chunk '{System.Text.Encoding.ASCII.GetString(chunk)}'.");
    }
}
