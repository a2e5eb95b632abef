// 16-bit PNGs, read by our own code: Skia reduces 16-bit samples by rounding and cannot hand out the raw values, while
// PIL keeps the high byte of colour samples and clips 16-bit gray (mode I) to 0…255 (spec §7.1).
using System.Buffers.Binary;
using System.IO.Compression;

namespace JinaEmbed.Images;

internal static class Png16Reader
{
    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static RgbImage Decode(ReadOnlySpan<byte> data, HeaderInfo header)
    {
        var (width, height, colorType) = (header.Width, header.Height, header.ColorType);
        var channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw Invalid($"colour type {colorType} cannot have 16-bit samples") };
        var interlaced = data[28] == 1;
        var idat = CollectImageData(data);

        var bpp = channels * 2;
        var samples = new ushort[(long)width * height * channels];
        try
        {
            using var z = new ZLibStream(new MemoryStream(idat, writable: false), CompressionMode.Decompress);
            if (!interlaced)
            {
                ReadPass(z, samples, width, height, channels, bpp, 0, 0, 1, 1, width, height);
            }
            else
            {
                foreach (var (x0, y0, dx, dy) in Adam7)
                {
                    var pw = (width - x0 + dx - 1) / dx;
                    var ph = (height - y0 + dy - 1) / dy;
                    if (pw > 0 && ph > 0)
                    {
                        ReadPass(z, samples, width, height, channels, bpp, x0, y0, dx, dy, pw, ph);
                    }
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImageException(ImageErrorKind.Invalid, "The PNG image is corrupt: the compressed image data is malformed.", e);
        }

        var rgb = new byte[(long)width * height * 3];
        var n = (long)width * height;
        for (long i = 0; i < n; i++)
        {
            var s = samples.AsSpan((int)(i * channels), channels);
            byte r, g, b;
            switch (colorType)
            {
                case 0:
                    r = g = b = (byte)Math.Min((int)s[0], 255); // mode I → RGB clips
                    break;
                case 4:
                    r = g = b = (byte)(s[0] >> 8); // LA;16B → high byte of L, alpha dropped
                    break;
                default:
                    r = (byte)(s[0] >> 8);
                    g = (byte)(s[1] >> 8);
                    b = (byte)(s[2] >> 8);
                    break;
            }

            rgb[3 * i] = r;
            rgb[(3 * i) + 1] = g;
            rgb[(3 * i) + 2] = b;
        }

        return new RgbImage(width, height, rgb);
    }

    private static ImageException Invalid(string what) => new(ImageErrorKind.Invalid, $"The PNG image is corrupt: {what}.");

    /// <summary>The concatenated IDAT payloads, every chunk's bounds and CRC checked.</summary>
    private static byte[] CollectImageData(ReadOnlySpan<byte> data)
    {
        using var idat = new MemoryStream();
        var i = 8;
        while (i < data.Length)
        {
            if (data.Length - i < 12)
            {
                throw Invalid("truncated chunk");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
            if (length > int.MaxValue || length > (uint)(data.Length - i - 12))
            {
                throw Invalid($"a chunk of {length} bytes runs past the end of the file");
            }

            var type = data.Slice(i + 4, 4);
            var body = data.Slice(i + 8, (int)length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(data[(i + 8 + (int)length)..]);
            if (Crc32(data.Slice(i + 4, 4 + (int)length)) != crc)
            {
                throw Invalid($"bad CRC in chunk '{System.Text.Encoding.ASCII.GetString(type)}'");
            }

            if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(body);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            i += 12 + (int)length;
        }

        if (idat.Length == 0)
        {
            throw Invalid("no image data (IDAT)");
        }

        return idat.ToArray();
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    /// <summary>The PNG (ISO 3309) CRC-32.</summary>
    internal static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFFu;
    }

    private static void ReadPass(Stream z, ushort[] samples, int width, int height, int channels, int bpp, int x0, int y0, int dx, int dy, int pw, int ph)
    {
        var rowBytes = checked(pw * bpp);
        var prev = new byte[rowBytes];
        var cur = new byte[rowBytes];
        for (var py = 0; py < ph; py++)
        {
            var filter = z.ReadByte();
            if (filter < 0)
            {
                throw Invalid("the image data is truncated");
            }

            ReadExactly(z, cur);
            Unfilter(filter, cur, prev, bpp);
            var y = y0 + (py * dy);
            for (var px = 0; px < pw; px++)
            {
                var x = x0 + (px * dx);
                var dst = ((long)y * width + x) * channels;
                for (var c = 0; c < channels; c++)
                {
                    samples[dst + c] = BinaryPrimitives.ReadUInt16BigEndian(cur.AsSpan((px * bpp) + (2 * c), 2));
                }
            }

            (prev, cur) = (cur, prev);
        }

        _ = height;
    }

    private static void ReadExactly(Stream z, byte[] buffer)
    {
        try
        {
            var read = z.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read < buffer.Length)
            {
                throw Invalid("the image data is truncated");
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImageException(ImageErrorKind.Invalid, "The PNG image is corrupt: the compressed image data is malformed.", e);
        }
    }

    private static void Unfilter(int filter, byte[] cur, byte[] prev, int bpp)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (var i = bpp; i < cur.Length; i++)
                {
                    cur[i] += cur[i - bpp];
                }

                break;
            case 2:
                for (var i = 0; i < cur.Length; i++)
                {
                    cur[i] += prev[i];
                }

                break;
            case 3:
                for (var i = 0; i < cur.Length; i++)
                {
                    var left = i >= bpp ? cur[i - bpp] : 0;
                    cur[i] += (byte)((left + prev[i]) >> 1);
                }

                break;
            case 4:
                for (var i = 0; i < cur.Length; i++)
                {
                    int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    cur[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }

                break;
            default:
                throw Invalid($"unknown row filter {filter}");
        }
    }
}
