// Image files written byte by byte in the tests (no decoder involved): valid PNG, GIF, JPEG and BMP files and the
// broken or hostile variants the server must refuse cleanly.
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace JinaEmbed.Server.Tests.Images;

internal static class TestImages
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>A PNG of 8-bit RGB pixels given by <paramref name="pixel"/> (R, G, B of x, y).</summary>
    public static byte[] RgbPng(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        var raw = new byte[height * (1 + (3 * width))];
        int at = 0;
        for (int y = 0; y < height; y++)
        {
            raw[at++] = 0; // filter: none
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                raw[at++] = r;
                raw[at++] = g;
                raw[at++] = b;
            }
        }

        return Png(width, height, 8, 2, raw);
    }

    /// <summary>A PNG with the given header fields and uncompressed (filtered) scanlines, deflated into one IDAT.</summary>
    public static byte[] Png(int width, int height, byte bitDepth, byte colorType, byte[] scanlines, bool corruptHeaderCrc = false)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colorType;
        WriteChunk(output, "IHDR", header, corruptHeaderCrc);
        WriteChunk(output, "IDAT", Deflate(scanlines));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A PNG whose pixels are all zero, with the scanlines streamed into the compressor (no big buffer).</summary>
    public static byte[] ZeroPng(int width, int height, byte bitDepth = 8, byte colorType = 2)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int rowBytes = 1 + (((width * channels * bitDepth) + 7) / 8);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[rowBytes];
            for (int y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colorType;
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", compressed.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A PNG header (signature + IHDR) claiming <paramref name="width"/> × <paramref name="height"/>, with a tiny IDAT.</summary>
    public static byte[] PngHeaderClaiming(int width, int height) => Png(width, height, 8, 2, [0, 1, 2, 3]);

    /// <summary>A 16-bit-per-sample RGB PNG.</summary>
    public static byte[] Rgb16Png(int width, int height)
    {
        var raw = new byte[height * (1 + (6 * width))];
        for (int y = 0, at = 0; y < height; y++)
        {
            raw[at++] = 0;
            for (int x = 0; x < width * 3; x++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(at), (ushort)((x * 997) + (y * 31)));
                at += 2;
            }
        }

        return Png(width, height, 16, 2, raw);
    }

    /// <summary>A palette PNG (colour type 3) without its PLTE chunk: invalid.</summary>
    public static byte[] PaletteWithoutPalette(int width, int height)
    {
        var raw = new byte[height * (1 + width)];
        return Png(width, height, 8, 3, raw);
    }

    /// <summary>An animated GIF (NETSCAPE2.0 loop) of <paramref name="frames"/> frames, each a 4-colour pattern.</summary>
    public static byte[] AnimatedGif(int width, int height, int frames)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.Write([0xF1, 0, 0]); // global colour table of 4 entries
        output.Write([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
        output.Write([0x21, 0xFF, 0x0B]);
        output.Write("NETSCAPE2.0"u8);
        output.Write([3, 1, 0, 0, 0]);
        for (int f = 0; f < frames; f++)
        {
            output.Write([0x21, 0xF9, 4, 0, 10, 0, 0, 0]); // graphic control: 0.1 s delay
            output.WriteByte(0x2C);
            WriteUInt16(output, 0);
            WriteUInt16(output, 0);
            WriteUInt16(output, width);
            WriteUInt16(output, height);
            output.WriteByte(0);
            output.WriteByte(2); // LZW minimum code size
            var pixels = Enumerable.Range(0, width * height).Select(i => (byte)((i + f) % 4)).ToArray();
            var data = LzwLiterals(pixels);
            for (int at = 0; at < data.Length; at += 255)
            {
                int n = Math.Min(255, data.Length - at);
                output.WriteByte((byte)n);
                output.Write(data, at, n);
            }

            output.WriteByte(0);
        }

        output.WriteByte(0x3B);
        return output.ToArray();
    }

    /// <summary>A GIF header (screen and first image descriptor) claiming a huge size, then nothing.</summary>
    public static byte[] GifClaiming(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.Write([0xF1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        output.WriteByte(0x2C);
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.Write([0, 2, 1, 0x44, 0, 0x3B]);
        return output.ToArray();
    }

    /// <summary>A 24-bit BMP header claiming <paramref name="width"/> × <paramref name="height"/>, followed by a few pixel bytes.</summary>
    public static byte[] BmpClaiming(int width, int height)
    {
        var file = new byte[54 + 12];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        return file;
    }

    /// <summary>
    /// A baseline JPEG of <paramref name="components"/> components (1 gray, 3 YCbCr, 4 CMYK with an Adobe marker), all
    /// DCT coefficients zero (a flat mid-grey), with one-code Huffman tables. <paramref name="bogusHuffman"/> writes a DC
    /// table that claims three codes of length 1, which no decoder can build.
    /// </summary>
    public static byte[] FlatJpeg(int width, int height, int components, bool bogusHuffman = false)
    {
        using var output = new MemoryStream();
        output.Write([0xFF, 0xD8]);
        if (components == 4)
        {
            output.Write([0xFF, 0xEE, 0, 14]);
            output.Write("Adobe"u8);
            output.Write([0, 100, 0, 0, 0, 0, 0]); // version 100, flags, transform 0 (CMYK, no colour transform)
        }

        output.Write([0xFF, 0xDB, 0, 67, 0]);
        output.Write(Enumerable.Repeat((byte)1, 64).ToArray());
        output.Write([0xFF, 0xC0]);
        WriteUInt16BigEndian(output, 8 + (3 * components));
        output.WriteByte(8);
        WriteUInt16BigEndian(output, height);
        WriteUInt16BigEndian(output, width);
        output.WriteByte((byte)components);
        for (int c = 1; c <= components; c++)
        {
            output.Write([(byte)c, 0x11, 0]);
        }

        // DHT: DC table 0 and AC table 0, each one code "0" (DC: difference category 0; AC: end of block).
        var counts = new byte[16];
        counts[0] = bogusHuffman ? (byte)3 : (byte)1;
        byte[] symbols = bogusHuffman ? [0, 1, 2] : [0];
        output.Write([0xFF, 0xC4]);
        WriteUInt16BigEndian(output, 2 + (2 * (1 + 16)) + symbols.Length + 1);
        output.WriteByte(0x00);
        output.Write(counts);
        output.Write(symbols);
        var acCounts = new byte[16];
        acCounts[0] = 1;
        output.WriteByte(0x10);
        output.Write(acCounts);
        output.WriteByte(0x00);

        output.Write([0xFF, 0xDA]);
        WriteUInt16BigEndian(output, 6 + (2 * components));
        output.WriteByte((byte)components);
        for (int c = 1; c <= components; c++)
        {
            output.Write([(byte)c, 0x00]);
        }

        output.Write([0, 63, 0]);
        long blocks = (long)((width + 7) / 8) * ((height + 7) / 8) * components;
        long bits = blocks * 2; // "0" (DC 0) + "0" (EOB) per block
        var scan = new byte[(bits + 7) / 8];
        if (bits % 8 != 0)
        {
            scan[^1] = (byte)(0xFF >> (int)(bits % 8)); // pad with 1 bits
        }

        output.Write(scan);
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    /// <summary>Standard base64 of the bytes.</summary>
    public static string Base64(byte[] bytes) => Convert.ToBase64String(bytes);

    /// <summary>A data URI with the given media type.</summary>
    public static string DataUri(byte[] bytes, string mediaType = "image/png") => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    private static byte[] Deflate(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return compressed.ToArray();
    }

    /// <summary>LZW codes (3 bits, minimum code size 2) for literal pixels, with a clear code every two pixels so the code width never grows.</summary>
    private static byte[] LzwLiterals(byte[] pixels)
    {
        var codes = new List<int>();
        for (int i = 0; i < pixels.Length; i++)
        {
            if (i % 2 == 0)
            {
                codes.Add(4); // clear
            }

            codes.Add(pixels[i]);
        }

        codes.Add(5); // end of information
        var bytes = new List<byte>();
        int buffer = 0, count = 0;
        foreach (int code in codes)
        {
            buffer |= code << count;
            count += 3;
            while (count >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                count -= 8;
            }
        }

        if (count > 0)
        {
            bytes.Add((byte)buffer);
        }

        return [.. bytes];
    }

    private static void WriteChunk(Stream output, string type, byte[] data, bool corruptCrc = false)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc(typeBytes, data) ^ (corruptCrc ? 0xDEADBEEFu : 0u);
        var crcBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        output.Write(crcBytes);
    }

    private static uint Crc(byte[] type, byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in type.Concat(data))
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private static void WriteUInt16(Stream output, int value)
    {
        output.WriteByte((byte)value);
        output.WriteByte((byte)(value >> 8));
    }

    private static void WriteUInt16BigEndian(Stream output, int value)
    {
        output.WriteByte((byte)(value >> 8));
        output.WriteByte((byte)value);
    }
}
