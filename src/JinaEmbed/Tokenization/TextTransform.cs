// Applies a stream of (code point, change) edits to a NormalizedText the way HF's NormalizedString.transform does (spec §2.2).
// change 0: replaces the next source code point; change < 0: also removes that many following ones; change > 0: inserts,
// aligned to the previous source code point. The last edit stays pending so that a removal can amend it, as HF does.
namespace JinaEmbed.Tokenization;

/// <summary>Streaming HF-compatible transformation from one buffer into another.</summary>
internal struct TextTransform
{
    private readonly NormalizedText _source;
    private readonly NormalizedText _target;
    private int _cursor;
    private int _pendingRune;
    private int _pendingChange;
    private bool _hasPending;

    public TextTransform(NormalizedText source, NormalizedText target, int initialRemoved = 0)
    {
        _source = source;
        _target = target;
        target.Clear(source.Origin);
        target.EnsureCapacity(source.Length + 8);
        _cursor = 0;
        _hasPending = false;
        _pendingRune = 0;
        _pendingChange = 0;
        for (var i = 0; i < initialRemoved && _cursor < source.Length; i++)
        {
            _cursor += source.CodePointLength(_cursor);
        }
    }

    /// <summary>Source position (UTF-16) of the next source code point that will be consumed.</summary>
    public readonly int Cursor => _cursor;

    public void Emit(int rune, int change)
    {
        if (_hasPending)
        {
            Apply(_pendingRune, _pendingChange);
        }

        _pendingRune = rune;
        _pendingChange = change;
        _hasPending = true;
    }

    /// <summary>Adds <paramref name="delta"/> to the change of the last emitted edit; false if there is none.</summary>
    public bool AmendLast(int delta)
    {
        if (!_hasPending)
        {
            return false;
        }

        _pendingChange += delta;
        return true;
    }

    public void Finish()
    {
        if (_hasPending)
        {
            Apply(_pendingRune, _pendingChange);
            _hasPending = false;
        }
    }

    private void Apply(int rune, int change)
    {
        var src = _source;
        int start, end;
        if (change > 0)
        {
            if (_cursor < 1)
            {
                start = end = src.Origin;
            }
            else
            {
                start = src.Starts[_cursor - 1];
                end = src.Ends[_cursor - 1];
            }
        }
        else
        {
            if (_cursor < src.Length)
            {
                start = src.Starts[_cursor];
                end = src.Ends[_cursor];
                _cursor += src.CodePointLength(_cursor);
            }
            else if (src.Length > 0)
            {
                start = end = src.Ends[src.Length - 1];
            }
            else
            {
                start = end = src.Origin;
            }

            for (var k = change; k < 0 && _cursor < src.Length; k++)
            {
                _cursor += src.CodePointLength(_cursor);
            }
        }

        _target.AppendRune(rune, start, end);
    }
}
