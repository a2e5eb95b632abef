// NumPy .npy v1.0 output: magic, header dict {'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }, raw data.
// The row count is known only at the end, so a fixed-size header is written first and rewritten at each checkpoint
// (a killed run leaves a valid .npy of the rows so far, which --resume continues) and by CompleteAsync.
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace JinaEmbed.Cli.IO;

internal sealed class NpyVectorWriter : VectorWriter
{
    /// <summary>Magic (6) + version (2) + header length (2) + header text = 128 bytes: the data starts 64-byte aligned.</summary>
    internal const int HeaderBytes = 128;
    private readonly Stream _stream;
    private readonly long _start;
    private int _dimensions = -1;
    private int _headerRows = -1;

    /// <param name="stream">A seekable stream; with <paramref name="resume"/> it already holds the header and that many rows and is positioned after them.</param>
    /// <param name="resume">Where a resumed file stands, or null for a new file.</param>
    public NpyVectorWriter(Stream stream, ResumePoint? resume = null)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException(".npy output needs a file (--output x.npy): its header holds the row count, written last.", nameof(stream));
        }

        _stream = stream;
        if (resume != null)
        {
            _start = 0;
            Count = resume.Rows;
            _dimensions = resume.Dimensions > 0 ? resume.Dimensions : -1;
            _headerRows = resume.Rows;
            return;
        }

        _start = stream.Position;
        stream.Write(Header(0, 0));
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<float> vector, CancellationToken cancellationToken = default)
    {
        if (_dimensions < 0)
        {
            _dimensions = vector.Length;
        }
        else if (vector.Length != _dimensions)
        {
            throw new InvalidOperationException($"Vector {Count} has {vector.Length} dimensions, the first had {_dimensions}.");
        }

        await _stream.WriteAsync(LittleEndian(vector.Span), cancellationToken).ConfigureAwait(false);
        Count++;
    }

    /// <summary>The floats as little-endian bytes (.npy <c>&lt;f4</c>).</summary>
    internal static byte[] LittleEndian(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(bytes);
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }
        }

        return bytes;
    }

    public override async ValueTask CheckpointAsync(CancellationToken cancellationToken = default)
    {
        // The rows first, then a header that counts them: a kill in between leaves a header that counts fewer.
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_headerRows != Count)
        {
            await CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        var end = _stream.Position;
        _stream.Position = _start;
        await _stream.WriteAsync(Header(Count, Math.Max(_dimensions, 0)), cancellationToken).ConfigureAwait(false);
        _headerRows = Count;
        _stream.Position = end;
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static byte[] Header(int rows, int dimensions) =>
        Header("<f4", string.Create(CultureInfo.InvariantCulture, $"({rows}, {dimensions})"));

    /// <summary>A 128-byte .npy v1.0 header for <paramref name="descr"/> (e.g. <c>&lt;i8</c>) and a shape tuple such as <c>(5,)</c>.</summary>
    internal static byte[] Header(string descr, string shape)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var text = dict.PadRight(HeaderBytes - 10 - 1) + "\n";
        var header = new byte[HeaderBytes];
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(header);
        header[6] = 1; // format version 1.0
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(10));
        return header;
    }
}
