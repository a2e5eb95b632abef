// Pre-token ranges [start, end) into a NormalizedText buffer (spec §2.2 step 3).
namespace JinaEmbed.Tokenization.PreTokenizers;

/// <summary>Growable list of split ranges, reused across calls.</summary>
internal sealed class SplitList
{
    private int[] _starts = new int[64];
    private int[] _ends = new int[64];

    public int Count { get; private set; }

    public int[] Starts => _starts;

    public int[] Ends => _ends;

    public void Clear() => Count = 0;

    public void Add(int start, int end)
    {
        if (end <= start)
        {
            return;
        }

        if (Count == _starts.Length)
        {
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _ends, Count * 2);
        }

        _starts[Count] = start;
        _ends[Count] = end;
        Count++;
    }
}
