// A packed batch: sequences concatenated without padding, with cumulative lengths (cu_seqlens).
namespace JinaEmbed.Models;

/// <summary>
/// Token ids of several sequences laid end to end. Sequence s covers tokens
/// [SequenceStarts[s], SequenceStarts[s + 1]); RoPE positions restart at 0 in every sequence;
/// attention never crosses a sequence boundary.
/// </summary>
public sealed class EncoderBatch
{
    private readonly int[]? _positions;
    private readonly IReadOnlyList<Images.ImagePatches?>? _images;

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

    /// <summary>
    /// Rotary positions of a multimodal (M-RoPE) model, [3, TokenCount] row-major (temporal, height, width rows), or
    /// null: 1-D positions restarting at 0 in every sequence (all three rows equal).
    /// </summary>
    public int[]? Positions
    {
        get => _positions;
        init
        {
            if (value is not null && value.Length != 3 * TokenIds.Length)
            {
                throw new ArgumentException("Positions must hold three rows of one value per token.", nameof(value));
            }

            _positions = value;
        }
    }

    /// <summary>
    /// Per sequence, the image whose vision-tower features replace the sequence's image-placeholder rows (in order), or
    /// null for a text sequence; null when no sequence has an image. Only a model with a vision tower takes them.
    /// </summary>
    public IReadOnlyList<Images.ImagePatches?>? Images
    {
        get => _images;
        init
        {
            if (value is not null && value.Count != SequenceCount)
            {
                throw new ArgumentException("Images must hold one entry (null for text) per sequence.", nameof(value));
            }

            _images = value;
        }
    }

    /// <summary>Whether any sequence carries an image.</summary>
    public bool HasImages => _images is not null && _images.Any(i => i is not null);

    /// <summary>Total tokens.</summary>
    public int TokenCount => TokenIds.Length;

    /// <summary>Number of sequences.</summary>
    public int SequenceCount => Adapters.Length;

    /// <summary>Consecutive sequences sharing an adapter as runs of rows, so each LoRA delta is one pass; empty sequences are skipped.</summary>
    internal List<(int Start, int Count, int Adapter)> AdapterRuns()
    {
        var runs = new List<(int Start, int Count, int Adapter)>();
        for (int seq = 0; seq < SequenceCount; seq++)
        {
            int start = SequenceStarts[seq], count = SequenceStarts[seq + 1] - start, adapter = Adapters[seq];
            if (count == 0)
            {
                continue;
            }

            if (runs.Count > 0 && runs[^1].Adapter == adapter && runs[^1].Start + runs[^1].Count == start)
            {
                runs[^1] = (runs[^1].Start, runs[^1].Count + count, adapter);
            }
            else
            {
                runs.Add((start, count, adapter));
            }
        }

        return runs;
    }

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
