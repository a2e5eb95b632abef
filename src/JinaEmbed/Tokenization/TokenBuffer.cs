// Growable per-thread accumulator of tokens (id, original offsets, optional non-vocabulary token text, flags).
namespace JinaEmbed.Tokenization;

/// <summary>Tokens of one sequence before they become a <see cref="TokenizerEncoding"/>.</summary>
internal sealed class TokenBuffer
{
    private int[] _ids = new int[256];
    private int[] _starts = new int[256];
    private int[] _ends = new int[256];
    private string?[] _texts = new string?[256];
    private bool[] _special = new bool[256];

    public int Count { get; private set; }

    public int[] Ids => _ids;

    public int[] Starts => _starts;

    public int[] Ends => _ends;

    /// <summary>Token text where it differs from the vocabulary entry (unknown pieces), else null.</summary>
    public string?[] Texts => _texts;

    public bool[] Special => _special;

    public void Clear() => Count = 0;

    public void Add(int id, int start, int end, string? text = null, bool special = false)
    {
        if (Count == _ids.Length)
        {
            var n = Count * 2;
            Array.Resize(ref _ids, n);
            Array.Resize(ref _starts, n);
            Array.Resize(ref _ends, n);
            Array.Resize(ref _texts, n);
            Array.Resize(ref _special, n);
        }

        _ids[Count] = id;
        _starts[Count] = start;
        _ends[Count] = end;
        _texts[Count] = text;
        _special[Count] = special;
        Count++;
    }

    public void SetOffsets(int index, int start, int end)
    {
        _starts[index] = start;
        _ends[index] = end;
    }

    /// <summary>Keeps the first <paramref name="count"/> tokens (or the last, when <paramref name="fromLeft"/>).</summary>
    public void Truncate(int count, bool fromLeft)
    {
        if (count >= Count)
        {
            return;
        }

        if (fromLeft)
        {
            var skip = Count - count;
            Array.Copy(_ids, skip, _ids, 0, count);
            Array.Copy(_starts, skip, _starts, 0, count);
            Array.Copy(_ends, skip, _ends, 0, count);
            Array.Copy(_texts, skip, _texts, 0, count);
            Array.Copy(_special, skip, _special, 0, count);
        }

        Count = Math.Max(0, count);
    }
}
