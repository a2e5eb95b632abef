// Multi-vectors as two NumPy files (docs/cli.md): x.npy holds every token's vector, float32 (total_tokens, dims), items
// one after another; x.offsets.npy holds int64 (items + 1,) so item i is rows offsets[i]:offsets[i+1] (CSR style, the
// layout ragged arrays take in NumPy, PyTorch nested tensors and PLAID-style indexes). Both grow as items are written
// and their headers are rewritten at each checkpoint, so a killed run leaves a pair --resume can continue.
using System.Buffers.Binary;
using System.Globalization;
using JinaEmbed.Embedding;

namespace JinaEmbed.Cli.IO;

internal sealed class NpyMultiVectorWriter : VectorWriter
{
    private readonly Stream _values;
    private readonly Stream _offsets;
    private readonly List<long> _pendingOffsets = [];
    private int _dimensions = -1;
    private int _headerItems = -1;

    /// <param name="values">The token vectors' file; with <paramref name="resume"/> positioned after its whole rows.</param>
    /// <param name="offsets">The offsets' file; with <paramref name="resume"/> positioned after its Rows + 1 entries.</param>
    /// <param name="resume">Where a resumed pair stands, or null for new files.</param>
    public NpyMultiVectorWriter(Stream values, Stream offsets, ResumePoint? resume = null)
    {
        if (!values.CanSeek || !offsets.CanSeek)
        {
            throw new ArgumentException(".npy output needs a file (--output x.npy): its header holds the row count, written last.", nameof(values));
        }

        _values = values;
        _offsets = offsets;
        if (resume != null)
        {
            Count = resume.Rows;
            Rows = resume.TokenRows;
            _dimensions = resume.Dimensions > 0 ? resume.Dimensions : -1;
            _headerItems = resume.Rows;
            return;
        }

        values.Write(NpyVectorWriter.Header(0, 0));
        offsets.Write(OffsetsHeader(0));
        offsets.Write(new byte[sizeof(long)]); // offsets[0] = 0
    }

    /// <summary>Token vectors written so far (rows of the values file).</summary>
    public long Rows { get; private set; }

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
        Rows += multiVector.Count;
        _pendingOffsets.Add(Rows);
        Count++;
    }

    public override async ValueTask CheckpointAsync(CancellationToken cancellationToken = default)
    {
        if (_headerItems != Count)
        {
            await CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        // Values before the offsets that point into them: a kill in between leaves rows no offset counts yet.
        await _values.FlushAsync(cancellationToken).ConfigureAwait(false);
        await RewriteHeaderAsync(_values, NpyVectorWriter.Header("<f4", string.Create(CultureInfo.InvariantCulture, $"({Rows}, {Math.Max(_dimensions, 0)})")), cancellationToken).ConfigureAwait(false);

        var bytes = new byte[_pendingOffsets.Count * sizeof(long)];
        for (var i = 0; i < _pendingOffsets.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), _pendingOffsets[i]);
        }

        _pendingOffsets.Clear();
        await _offsets.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _offsets.FlushAsync(cancellationToken).ConfigureAwait(false);
        await RewriteHeaderAsync(_offsets, OffsetsHeader(Count), cancellationToken).ConfigureAwait(false);
        _headerItems = Count;
    }

    private static byte[] OffsetsHeader(int items) => NpyVectorWriter.Header("<i8", string.Create(CultureInfo.InvariantCulture, $"({items + 1},)"));

    private static async ValueTask RewriteHeaderAsync(Stream stream, byte[] header, CancellationToken cancellationToken)
    {
        var end = stream.Position;
        stream.Position = 0;
        await stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        stream.Position = end;
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
