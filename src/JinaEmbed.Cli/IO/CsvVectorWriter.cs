// CSV output: header "index,e0,e1,…", then one row per vector (invariant culture, round-trip floats).
using System.Globalization;
using System.Text;

namespace JinaEmbed.Cli.IO;

internal sealed class CsvVectorWriter(Stream stream) : VectorWriter
{
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };

    public override async ValueTask WriteAsync(ReadOnlyMemory<float> vector, CancellationToken cancellationToken = default)
    {
        var line = new StringBuilder();
        if (Count == 0)
        {
            line.Append("index");
            for (var i = 0; i < vector.Length; i++)
            {
                line.Append(CultureInfo.InvariantCulture, $",e{i}");
            }

            line.Append('\n');
        }

        line.Append(Count.ToString(CultureInfo.InvariantCulture));
        foreach (var value in vector.Span)
        {
            line.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
        }

        line.Append('\n');
        await _writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        Count++;
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask DisposeAsync() => await _writer.DisposeAsync().ConfigureAwait(false);
}
