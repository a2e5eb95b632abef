// One sequence waiting for a forward pass (architecture.md §3 step 5): an item, or one window of a long
// late-chunking input.
namespace JinaEmbed.Embedding.Scheduling;

/// <summary>
/// A tokenized sequence queued for the encoder: its ids, its adapter and what to do with its token states.
/// </summary>
public sealed class PendingSequence
{
    /// <summary>Creates a sequence.</summary>
    /// <param name="tokenIds">Ids as the model sees them (prompt and special tokens already in place); not empty.</param>
    /// <param name="adapter">Adapter (task) index, −1 for the base model.</param>
    /// <param name="onStates">Called once on the compute loop with this sequence's rows of token states.</param>
    public PendingSequence(int[] tokenIds, int adapter, SequenceStatesHandler onStates)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        ArgumentNullException.ThrowIfNull(onStates);
        if (tokenIds.Length == 0)
        {
            throw new ArgumentException("A sequence needs at least one token.", nameof(tokenIds));
        }

        TokenIds = tokenIds;
        Adapter = adapter;
        OnStates = onStates;
    }

    /// <summary>Token ids, [TokenCount].</summary>
    public int[] TokenIds { get; }

    /// <summary>Adapter index, −1 = base model.</summary>
    public int Adapter { get; }

    /// <summary>Receives the sequence's token states, [TokenCount, hidden] row-major, valid only during the call.</summary>
    public SequenceStatesHandler OnStates { get; }

    /// <summary>An image whose vision-tower features fill the sequence's placeholder rows, or null for text.</summary>
    public Images.ImagePatches? Image { get; init; }

    /// <summary>Number of tokens.</summary>
    public int TokenCount => TokenIds.Length;

    /// <summary>The request this sequence belongs to; set on submission.</summary>
    internal SequenceGroup? Group { get; set; }

    /// <summary>Position in the scheduler's queue while waiting; null once taken or removed.</summary>
    internal LinkedListNode<PendingSequence>? Node { get; set; }
}
