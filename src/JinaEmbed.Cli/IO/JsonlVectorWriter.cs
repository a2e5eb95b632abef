// JSONL output: {"index": i, "embedding": [floats in shortest round-trip form]} per line; multi-vectors as
// {"index": i, "embeddings": [[...], ...]}, one inner array per token (the server's return_multivector shape). With
// --images each line also names its file: {"index": i, "file": "pages/p1.png", ...}.
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Cli.IO;

internal sealed class JsonlVectorWriter(Stream stream) : VectorWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Utf8JsonWriter _json = new(stream, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public override async ValueTask WriteAsync(ReadOnlyMemory<float> vector, CancellationToken cancellationToken = default)
    {
        _json.WriteStartObject();
        _json.WriteNumber("index", CurrentIndex);
        if (CurrentName is { } name)
        {
            _json.WriteString("file", name);
        }

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

    public override async ValueTask WriteAsync(MultiVector multiVector, CancellationToken cancellationToken = default)
    {
        _json.WriteStartObject();
        _json.WriteNumber("index", CurrentIndex);
        if (CurrentName is { } name)
        {
            _json.WriteString("file", name);
        }

        _json.WriteStartArray("embeddings");
        for (var t = 0; t < multiVector.Count; t++)
        {
            _json.WriteStartArray();
            foreach (var value in multiVector[t])
            {
                _json.WriteNumberValue(value);
            }

            _json.WriteEndArray();
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        await _json.FlushAsync(cancellationToken).ConfigureAwait(false);
        _json.Reset();
        await stream.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        Count++;
    }

    public override async ValueTask CheckpointAsync(CancellationToken cancellationToken = default) =>
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask DisposeAsync() => await _json.DisposeAsync().ConfigureAwait(false);
}
