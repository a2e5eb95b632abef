// Writes embedding vectors in input order as JSONL, .npy or CSV (issue #7); multi-vectors (one vector per token,
// jina-embeddings-v4) as JSONL or a pair of .npy files (docs/cli.md). A writer can continue a file that a killed run
// left behind (--resume, docs/bulk-embedding.md): CheckpointAsync leaves a valid prefix on disk after every request.
using JinaEmbed.Embedding;

namespace JinaEmbed.Cli.IO;

/// <summary>A sink of vectors, written in index order 0, 1, 2, …</summary>
internal abstract class VectorWriter : IAsyncDisposable
{
    /// <summary>
    /// Creates the writer for <paramref name="format"/> over <paramref name="stream"/> (left open); with
    /// <paramref name="resume"/> the stream already holds that many rows and is positioned at their end.
    /// </summary>
    public static VectorWriter Create(OutputFormat format, Stream stream, ResumePoint? resume = null) => format switch
    {
        OutputFormat.Jsonl => new JsonlVectorWriter(stream) { Count = resume?.Rows ?? 0 },
        OutputFormat.Npy => new NpyVectorWriter(stream, resume),
        OutputFormat.Csv when resume == null => new CsvVectorWriter(stream),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>
    /// Creates a writer of multi-vectors: JSONL over <paramref name="stream"/>, or .npy with every token's vector in
    /// <paramref name="stream"/> and the item offsets in <paramref name="offsets"/> (required for .npy).
    /// </summary>
    /// <exception cref="NotSupportedException">CSV, which has no place for a list of vectors per item.</exception>
    public static VectorWriter CreateMulti(OutputFormat format, Stream stream, Stream? offsets, ResumePoint? resume = null) => format switch
    {
        OutputFormat.Jsonl => new JsonlVectorWriter(stream) { Count = resume?.Rows ?? 0 },
        OutputFormat.Npy => new NpyMultiVectorWriter(stream, offsets ?? throw new ArgumentNullException(nameof(offsets)), resume),
        _ => throw new NotSupportedException("CSV holds one vector per row; multi-vectors need --output-format jsonl or npy."),
    };

    /// <summary>Where the .npy multi-vector layout keeps the item offsets: <c>x.npy</c> → <c>x.offsets.npy</c>.</summary>
    public static string OffsetsPath(string valuesPath) => Path.ChangeExtension(valuesPath, null) + ".offsets.npy";

    /// <summary>The format a file name implies: .npy, .csv, else JSONL.</summary>
    public static OutputFormat FromExtension(string? path) => Path.GetExtension(path ?? "").ToLowerInvariant() switch
    {
        ".npy" => OutputFormat.Npy,
        ".csv" => OutputFormat.Csv,
        _ => OutputFormat.Jsonl,
    };

    /// <summary>A name per item (the image files of <c>--images</c>): JSONL writes it as <c>"file"</c>, CSV as a <c>file</c> column.</summary>
    public IReadOnlyList<string>? Names { get; set; }

    /// <summary>
    /// The index the first item of this file gets in JSONL and CSV (a shard's first input row, so the parts of a sharded
    /// run concatenate into the file an unsharded run writes).
    /// </summary>
    public long FirstIndex { get; set; }

    /// <summary>Where the .npy layouts keep the item names: <c>x.npy</c> → <c>x.files.txt</c>, one per line.</summary>
    public static string NamesPath(string valuesPath) => Path.ChangeExtension(valuesPath, null) + ".files.txt";

    /// <summary>The name of the item about to be written, when names are set.</summary>
    protected string? CurrentName => Names is { } names && Count < names.Count ? names[Count] : null;

    /// <summary>The index written for the item about to be written.</summary>
    protected long CurrentIndex => FirstIndex + Count;

    /// <summary>Vectors written so far (with a resumed file: those it held, too).</summary>
    public int Count { get; protected internal set; }

    /// <summary>Writes the next vector; every vector must have the same length.</summary>
    public abstract ValueTask WriteAsync(ReadOnlyMemory<float> vector, CancellationToken cancellationToken = default);

    /// <summary>Writes the next item's multi-vector (one vector per token); every item must have the same width.</summary>
    /// <exception cref="NotSupportedException">This format holds single vectors only.</exception>
    public virtual ValueTask WriteAsync(MultiVector multiVector, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} writes single vectors only.");

    /// <summary>
    /// Hands everything written so far to the file system so that a killed process leaves whole rows behind and (.npy)
    /// a header that counts them; called after each request's rows.
    /// </summary>
    public abstract ValueTask CheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Finishes the output (the .npy header gets its final shape).</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken = default);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
