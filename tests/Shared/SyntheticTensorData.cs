// The data section both synthetic generators write: after the 8-byte header length and the header, each tensor's
// values in file order, produced chunk by chunk (never a whole tensor in memory) and stored as BF16 or F32.
using System.Buffers.Binary;

namespace JinaEmbed.Testing;

/// <summary>Streams a safetensors file's header and tensor values to disk.</summary>
internal static class SyntheticTensorData
{
    /// <summary>Elements generated per chunk.</summary>
    public const int ChunkElements = 1 << 20;

    /// <summary>Fills <paramref name="destination"/> with elements [start, start + length) of tensor <paramref name="name"/>.</summary>
    public delegate void Fill(string name, long start, Span<float> destination);

    /// <summary>
    /// Writes <paramref name="path"/>: the header length (u64 LE), <paramref name="header"/>, then each tensor's values in
    /// order, 2-byte BF16 (the values are already BF16-rounded: the high half is kept) or 4-byte F32.
    /// </summary>
    public static void Write(string path, byte[] header, IEnumerable<(string Name, long Count)> tensors, int elementSize, Fill fill)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        var values = new float[ChunkElements];
        var bytesOut = new byte[ChunkElements * elementSize];
        foreach (var (name, count) in tensors)
        {
            for (long start = 0; start < count; start += ChunkElements)
            {
                int n = (int)Math.Min(ChunkElements, count - start);
                fill(name, start, values.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                {
                    if (elementSize == 2)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(bytesOut.AsSpan(2 * i), (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16));
                    }
                    else
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytesOut.AsSpan(4 * i), values[i]);
                    }
                }

                stream.Write(bytesOut, 0, n * elementSize);
            }
        }
    }
}
