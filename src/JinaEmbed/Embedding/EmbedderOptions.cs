namespace JinaEmbed.Embedding;

/// <summary>Settings fixed for an embedder's lifetime.</summary>
public sealed record EmbedderOptions
{
    /// <summary>Compute threads (≤ 0: one per core). More threads speed one batch up; the server runs one batch at a time.</summary>
    public int Threads { get; init; }

    /// <summary>Token budget of one forward pass: larger batches amortise weight traffic but hold more activation memory.</summary>
    public int MaxBatchTokens { get; init; } = 16384;

    /// <summary>
    /// Arithmetic of the linear layers: <see cref="Compute.Precision.Exact"/> (the default: the reference path, bit for
    /// bit) or <see cref="Compute.Precision.Int8"/> (weights quantised to int8 at load, half the memory, faster; see
    /// docs/int8.md for the measured fidelity).
    /// </summary>
    public Compute.Precision Precision { get; init; } = Compute.Precision.Exact;

    /// <summary>Largest decoded image (width × height) accepted, checked from the header before decoding (20 megapixels).</summary>
    public long MaxImagePixels { get; init; } = Images.ImageDecoder.DefaultMaxPixels;
}
