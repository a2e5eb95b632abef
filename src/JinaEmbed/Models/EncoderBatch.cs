// A packed batch: sequences concatenated without padding, with cumulative lengths (cu_seqlens).
namespace JinaEmbed.Models;

/// <summary>
/// Token ids of several sequences laid end to end. Sequence s covers tokens
/// [SequenceStarts[s], SequenceStarts[s + 1]); RoPE positions restart at 0 in every sequence;
/// attention never crosses a sequence boundary.
/// </summary>
public sealed class EncoderBatch
{
    /// <summary>Creates a batch; <paramref name="adapters"/> holds one adapter index per sequence, −1 for none.</summary>
    public EncoderBatch(int[] tokenIds, int[] sequenceStarts, int[] adapters)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        ArgumentNullException.ThrowIfNull(sequenceStarts);
        ArgumentNullException.ThrowIfNull(adapters);
        if (sequenceStarts.Length != adapters.Length + 1 || sequenceStarts[0] != 0 || sequenceStarts[^1] != tokenIds.Length)
        {
            throw new ArgumentException("sequenceStarts must have one entry per sequence plus one, from 0 to the token count.");
        }

        for (int s = 0; s < adapters.Length; s++)
        {
            if (sequenceStarts[s + 1] < sequenceStarts[s])
            {
                throw new ArgumentException("sequenceStarts must be non-decreasing.");
            }
        }

        TokenIds = tokenIds;
        SequenceStarts = sequenceStarts;
        Adapters = adapters;
    }

    /// <summary>All token ids, [TokenCount].</summary>
    public int[] TokenIds { get; }

    /// <summary>Cumulative sequence lengths, [SequenceCount + 1].</summary>
    public int[] SequenceStarts { get; }

    /// <summary>Adapter (task) index per sequence, −1 = base model without LoRA.</summary>
    public int[] Adapters { get; }

    /// <summary>Total tokens.</summary>
    public int TokenCount => TokenIds.Length;

    /// <summary>Number of sequences.</summary>
    public int SequenceCount => Adapters.Length;

    /// <summary>Builds a batch from separate sequences.</summary>
    public static EncoderBatch FromSequences(IReadOnlyList<int[]> sequences, IReadOnlyList<int> adapters)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(adapters);
        var starts = new int[sequences.Count + 1];
        for (int s = 0; s < sequences.Count; s++)
        {
            starts[s + 1] = starts[s] + sequences[s].Length;
        }

        var ids = new int[starts[^1]];
        for (int s = 0; s < sequences.Count; s++)
        {
            sequences[s].CopyTo(ids, starts[s]);
        }

        return new EncoderBatch(ids, starts, adapters.ToArray());
    }
}
