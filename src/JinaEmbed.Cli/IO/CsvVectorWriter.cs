// CSV output: header "index,e0,e1,…" ("index,file,e0,…" with --images), then one row per vector (invariant culture,
// round-trip floats).
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
            line.Append(Names != null ? "index,file" : "index");
            for (var i = 0; i < vector.Length; i++)
            {
                line.Append(CultureInfo.InvariantCulture, $",e{i}");
            }

            line.Append('\n');
        }

        line.Append(CurrentIndex.ToString(CultureInfo.InvariantCulture));
        if (CurrentName is { } name)
        {
            line.Append(',').Append(Quote(name));
        }

        foreach (var value in vector.Span)
        {
            line.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
        }

        line.Append('\n');
        await _writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        Count++;
    }

    /// <summary>RFC 4180: quoted when it holds a comma, a quote or a line break.</summary>
    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public override async ValueTask CheckpointAsync(CancellationToken cancellationToken = default) =>
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask DisposeAsync() => await _writer.DisposeAsync().ConfigureAwait(false);
}
