// Writes embedding vectors in input order as JSONL, .npy or CSV (issue #7).
namespace JinaEmbed.Cli.IO;

/// <summary>A sink of vectors, written in index order 0, 1, 2, …</summary>
internal abstract class VectorWriter : IAsyncDisposable
{
    /// <summary>Creates the writer for <paramref name="format"/> over <paramref name="stream"/> (left open).</summary>
    public static VectorWriter Create(OutputFormat format, Stream stream) => format switch
    {
        OutputFormat.Jsonl => new JsonlVectorWriter(stream),
        OutputFormat.Npy => new NpyVectorWriter(stream),
        OutputFormat.Csv => new CsvVectorWriter(stream),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The format a file name implies: .npy, .csv, else JSONL.</summary>
    public static OutputFormat FromExtension(string? path) => Path.GetExtension(path ?? "").ToLowerInvariant() switch
    {
        ".npy" => OutputFormat.Npy,
        ".csv" => OutputFormat.Csv,
        _ => OutputFormat.Jsonl,
    };

    /// <summary>Vectors written so far.</summary>
    public int Count { get; protected set; }

    /// <summary>Writes the next vector; every vector must have the same length.</summary>
    public abstract ValueTask WriteAsync(ReadOnlyMemory<float> vector, CancellationToken cancellationToken = default);

    /// <summary>Finishes the output (the .npy header gets its final shape).</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken = default);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
