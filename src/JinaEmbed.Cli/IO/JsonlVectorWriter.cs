// JSONL output: {"index": i, "embedding": [floats in shortest round-trip form]} per line.
using System.Text.Json;

namespace JinaEmbed.Cli.IO;

internal sealed class JsonlVectorWriter(Stream stream) : VectorWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Utf8JsonWriter _json = new(stream, new JsonWriterOptions { SkipValidation = true });

    public override async ValueTask WriteAsync(ReadOnlyMemory<float> vector, CancellationToken cancellationToken = default)
    {
        _json.WriteStartObject();
        _json.WriteNumber("index", Count);
        _json.WriteStartArray("embedding");
        foreach (var value in vector.Span)
        {
            _json.WriteNumberValue(value);
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        await _json.FlushAsync(cancellationToken).ConfigureAwait(false);
        _json.Reset();
        await stream.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        Count++;
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask DisposeAsync() => await _json.DisposeAsync().ConfigureAwait(false);
}
