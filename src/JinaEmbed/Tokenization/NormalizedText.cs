// A normalized string with, per UTF-16 unit, the [start, end) range of the original text it came from (spec §2.2, §2.6).
// Mirrors the alignment rules of Hugging Face's NormalizedString, at code-point granularity, so offsets match HF.
using System.Runtime.CompilerServices;
using System.Text;

namespace JinaEmbed.Tokenization;

/// <summary>Reusable buffer of normalized chars with their original-text alignments.</summary>
internal sealed class NormalizedText
{
    private char[] _chars = new char[256];
    private int[] _starts = new int[256];
    private int[] _ends = new int[256];

    /// <summary>Number of UTF-16 units.</summary>
    public int Length { get; private set; }

    /// <summary>Original offset of the segment this text was made from (HF aligns an insertion at position 0 to it).</summary>
    public int Origin { get; set; }

    public Span<char> Chars => _chars.AsSpan(0, Length);

    public char[] RawChars => _chars;

    public int[] Starts => _starts;

    public int[] Ends => _ends;

    public void Clear(int origin)
    {
        Length = 0;
        Origin = origin;
    }

    /// <summary>Fills the buffer with a slice of the original text, each code point aligned to itself.</summary>
    public void SetOriginal(ReadOnlySpan<char> text, int origin)
    {
        Clear(origin);
        EnsureCapacity(text.Length);
        text.CopyTo(_chars);
        for (var i = 0; i < text.Length; i++)
        {
            var s = origin + i;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                _starts[i] = s;
                _ends[i] = s + 2;
                _starts[i + 1] = s;
                _ends[i + 1] = s + 2;
                i++;
            }
            else
            {
                _starts[i] = s;
                _ends[i] = s + 1;
            }
        }

        Length = text.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(char c, int start, int end)
    {
        if (Length == _chars.Length)
        {
            Grow(Length + 1);
        }

        _chars[Length] = c;
        _starts[Length] = start;
        _ends[Length] = end;
        Length++;
    }

    /// <summary>Appends one code point (1 or 2 UTF-16 units) with one alignment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendRune(int rune, int start, int end)
    {
        if (rune < 0x10000)
        {
            Append((char)rune, start, end);
        }
        else
        {
            var r = new Rune(rune);
            Span<char> pair = stackalloc char[2];
            r.EncodeToUtf16(pair);
            Append(pair[0], start, end);
            Append(pair[1], start, end);
        }
    }

    /// <summary>Copies units [from, to) of another buffer, keeping their alignments.</summary>
    public void AppendFrom(NormalizedText source, int from, int to)
    {
        var n = to - from;
        EnsureCapacity(Length + n);
        Array.Copy(source._chars, from, _chars, Length, n);
        Array.Copy(source._starts, from, _starts, Length, n);
        Array.Copy(source._ends, from, _ends, Length, n);
        Length += n;
    }

    public void EnsureCapacity(int capacity)
    {
        if (capacity > _chars.Length)
        {
            Grow(capacity);
        }
    }

    /// <summary>Length (1 or 2) of the code point starting at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CodePointLength(int i) =>
        char.IsHighSurrogate(_chars[i]) && i + 1 < Length && char.IsLowSurrogate(_chars[i + 1]) ? 2 : 1;

    /// <summary>The code point at <paramref name="i"/> (a lone surrogate is returned as itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CodePointAt(int i) =>
        CodePointLength(i) == 2 ? char.ConvertToUtf32(_chars[i], _chars[i + 1]) : _chars[i];

    public override string ToString() => new(_chars, 0, Length);

    private void Grow(int min)
    {
        var size = Math.Max(min, _chars.Length * 2);
        Array.Resize(ref _chars, size);
        Array.Resize(ref _starts, size);
        Array.Resize(ref _ends, size);
    }
}
