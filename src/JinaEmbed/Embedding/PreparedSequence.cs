// One item ready for the encoder: token ids (prompt and specials included), the adapter to run it with, and for an image
// its patches and the rows its single vector is pooled over (spec §8.1: text = all rows; image = the vision span).
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Images;

namespace JinaEmbed.Embedding;

/// <summary>Token ids and adapter of one sequence.</summary>
internal sealed record PreparedSequence(int[] Ids, int Adapter)
{
    /// <summary>The image whose features fill the placeholder rows, or null for text.</summary>
    public ImagePatches? Image { get; init; }

    /// <summary>First row of the single-vector span (0 for text).</summary>
    public int PoolStart { get; init; }

    /// <summary>End (exclusive) of the single-vector span; null = the whole sequence.</summary>
    public int? PoolEnd { get; init; }

    /// <summary>
    /// The asked-for outputs of this sequence's rows [start, start + Ids.Length) of <paramref name="states"/>: multi-vectors
    /// over every row, the single vector over the pooling span.
    /// </summary>
    public (float[]? Single, MultiVector? Multi) Outputs(SequenceOutput output, ReadOnlySpan<float> states, int start, EmbedOptions options)
    {
        int end = start + Ids.Length;
        if (PoolStart == 0 && (PoolEnd ?? Ids.Length) == Ids.Length)
        {
            return output(states, start, end, Adapter, options);
        }

        var single = options.Output.HasFlag(EmbeddingOutput.SingleVector)
            ? output(states, start + PoolStart, start + PoolEnd!.Value, Adapter, options with { Output = EmbeddingOutput.SingleVector }).Single
            : null;
        var multi = options.Output.HasFlag(EmbeddingOutput.MultiVector)
            ? output(states, start, end, Adapter, options with { Output = EmbeddingOutput.MultiVector }).Multi
            : null;
        return (single, multi);
    }
}
