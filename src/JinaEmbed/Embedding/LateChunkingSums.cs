// Running state of a late-chunking job while its windows finish: per-chunk sums of token states and, when asked for,
// the multi-vector of every document token.
namespace JinaEmbed.Embedding;

/// <summary>Per-chunk state sums [chunks][hidden] (double) and optional token multi-vectors [tokens, width].</summary>
internal sealed record LateChunkingSums(double[][] Sums, float[]? TokenVectors);
