// Multi-vectors as two NumPy files (docs/cli.md): x.npy holds every token's vector, float32 (total_tokens, dims), items
// one after another; x.offsets.npy holds int64 (items + 1,) so item i is rows offsets[i]:offsets[i+1] (CSR style, the
// layout ragged arrays take in NumPy, PyTorch nested tensors and PLAID-style indexes).
using System.Buffers.Binary;
using System.Globalization;
using JinaEmbed.Embedding;

namespace JinaEmbed.Cli.IO;

internal sealed class NpyMultiVectorWriter : VectorWriter
{
    private readonly Stream _values;
    private readonly Stream _offsets;
    private readonly long _start;
    private readonly List<long> _rowOffsets = [0];
    private int _dimensions = -1;

    public NpyMultiVectorWriter(Stream values, Stream offsets)
    {
        if (!values.CanSeek)
        {
            throw new ArgumentException(".npy output needs a file (--output x.npy): its header holds the row count, written last.", nameof(values));
        }

        _values = values;
        _offsets = offsets;
        _start = values.Position;
        values.Write(NpyVectorWriter.Header(0, 0));
    }

    /// <summary>Token vectors written so far (rows of the values file).</summary>
    public long Rows => _rowOffsets[^1];

    public override ValueTask WriteAsync(ReadOnlyMemory<float> vector, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The multi-vector .npy layout holds multi-vectors only.");

    public override async ValueTask WriteAsync(MultiVector multiVector, CancellationToken cancellationToken = default)
    {
        if (_dimensions < 0)
        {
            _dimensions = multiVector.Dimensions;
        }
        else if (multiVector.Dimensions != _dimensions)
        {
            throw new InvalidOperationException($"Item {Count} has {multiVector.Dimensions}-d vectors, the first had {_dimensions}.");
        }

        await _values.WriteAsync(NpyVectorWriter.LittleEndian(multiVector.Values), cancellationToken).ConfigureAwait(false);
        _rowOffsets.Add(Rows + multiVector.Count);
        Count++;
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        var end = _values.Position;
        _values.Position = _start;
        await _values.WriteAsync(NpyVectorWriter.Header("<f4", string.Create(CultureInfo.InvariantCulture, $"({Rows}, {Math.Max(_dimensions, 0)})")), cancellationToken).ConfigureAwait(false);
        _values.Position = end;
        await _values.FlushAsync(cancellationToken).ConfigureAwait(false);

        // The offsets are 8 bytes per item, kept in memory and written whole at the end.
        await _offsets.WriteAsync(NpyVectorWriter.Header("<i8", string.Create(CultureInfo.InvariantCulture, $"({_rowOffsets.Count},)")), cancellationToken).ConfigureAwait(false);
        var bytes = new byte[_rowOffsets.Count * sizeof(long)];
        for (var i = 0; i < _rowOffsets.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), _rowOffsets[i]);
        }

        await _offsets.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _offsets.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
