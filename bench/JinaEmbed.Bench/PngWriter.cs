// A minimal PNG encoder (8-bit RGB, filter 0 on every row, zlib from the BCL) and a deterministic photo-like test
// picture, so the image benchmark has real PNG bytes of any size to push through the decoder without a native library.
using System.Buffers.Binary;
using System.IO.Compression;

namespace JinaEmbed.Bench;

/// <summary>Writes RGB pixels as a PNG file (IHDR, one IDAT, IEND).</summary>
internal static class PngWriter
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Encodes <paramref name="rgb"/> [height, width, 3] as PNG bytes.</summary>
    public static byte[] Encode(int width, int height, byte[] rgb)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type RGB
        WriteChunk(output, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + (3 * width)];
            for (int y = 0; y < height; y++)
            {
                row[0] = 0; // filter: none
                rgb.AsSpan(y * 3 * width, 3 * width).CopyTo(row.AsSpan(1));
                zlib.Write(row);
            }
        }

        WriteChunk(output, "IDAT", compressed.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A smooth photo-like picture (gradients, soft waves, a little noise), deterministic in its size.</summary>
    public static byte[] TestPicture(int width, int height)
    {
        var rgb = new byte[3L * width * height];
        var random = new Random((width * 31) + height);
        for (int y = 0; y < height; y++)
        {
            double v = (double)y / height;
            for (int x = 0; x < width; x++)
            {
                double u = (double)x / width;
                int i = 3 * ((y * width) + x);
                double wave = 40 * Math.Sin((u * 9) + (v * 5)) * Math.Cos(v * 7);
                rgb[i] = Clamp((200 * u) + wave + random.Next(-6, 7));
                rgb[i + 1] = Clamp((180 * v) + (30 * Math.Sin(u * 17)) + random.Next(-6, 7));
                rgb[i + 2] = Clamp(120 + (90 * Math.Cos((u + v) * 4)) - wave + random.Next(-6, 7));
            }
        }

        return rgb;

        static byte Clamp(double value) => (byte)Math.Clamp((int)Math.Round(value), 0, 255);
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
