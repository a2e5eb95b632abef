// Added-token splitting (spec §2.2 step 1): leftmost-longest literal matches of the added tokens, with HF's
// single_word, lstrip and rstrip rules. Non-normalized tokens are matched in the raw text, normalized ones in each
// normalized segment.
using System.Buffers;

namespace JinaEmbed.Tokenization;

/// <summary>Immutable matcher over a set of added tokens.</summary>
internal sealed class AddedVocabulary
{
    private readonly AddedToken[] _tokens;
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;
    private readonly SearchValues<char> _firstChars;

    public AddedVocabulary(IEnumerable<AddedToken> tokens)
    {
        _tokens = tokens.Where(t => t.Content.Length > 0).ToArray();
        _byFirstChar = _tokens
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _firstChars = SearchValues.Create([.. _byFirstChar.Keys]);
    }

    public bool IsEmpty => _tokens.Length == 0;

    /// <summary>Splits <paramref name="text"/> into gaps (Token null) and matches, in order, positions relative to it.
    /// An empty text yields one empty gap.</summary>
    public void Split(ReadOnlySpan<char> text, List<AddedMatch> output)
    {
        output.Clear();
        var last = 0;
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAny(_firstChars);
            if (next < 0)
            {
                break;
            }

            i += next;
            var candidates = _byFirstChar[text[i]];

            AddedToken? found = null;
            foreach (var t in candidates)
            {
                if (text[i..].StartsWith(t.Content.AsSpan(), StringComparison.Ordinal))
                {
                    found = t;
                    break;
                }
            }

            if (found == null)
            {
                i++;
                continue;
            }

            var start = i;
            var stop = i + found.Content.Length;
            if (found.SingleWord)
            {
                var startOk = start == 0 || !IsWordChar(text, start - 1, backward: true);
                var stopOk = stop == text.Length || !IsWordChar(text, stop, backward: false);
                if (!startOk || !stopOk)
                {
                    // HF's matcher is non-overlapping: a rejected match still consumes its text.
                    i = stop;
                    continue;
                }
            }

            if (found.LStrip)
            {
                while (start > last && char.IsWhiteSpace(text[start - 1]))
                {
                    start--;
                }
            }

            if (found.RStrip)
            {
                while (stop < text.Length && char.IsWhiteSpace(text[stop]))
                {
                    stop++;
                }
            }

            if (start > last)
            {
                output.Add(new AddedMatch(null, last, start));
            }

            output.Add(new AddedMatch(found, start, stop));
            last = stop;
            i = stop;
        }

        if (last < text.Length || text.Length == 0)
        {
            output.Add(new AddedMatch(null, last, text.Length));
        }
    }

    /// <summary>The tokens that are matched in raw (non-normalized) text.</summary>
    public AddedVocabulary RawOnly() => new(_tokens.Where(t => !t.Normalized));

    /// <summary>The tokens that are matched in normalized text.</summary>
    public AddedVocabulary NormalizedOnly() => new(_tokens.Where(t => t.Normalized));

    private static bool IsWordChar(ReadOnlySpan<char> text, int index, bool backward)
    {
        var c = text[index];
        if (char.IsSurrogate(c))
        {
            var pairStart = backward ? index - 1 : index;
            if (pairStart >= 0 && pairStart + 1 < text.Length && char.IsSurrogatePair(text[pairStart], text[pairStart + 1]))
            {
                var cp = char.ConvertToUtf32(text[pairStart], text[pairStart + 1]);
                return System.Text.Rune.IsLetterOrDigit(new System.Text.Rune(cp));
            }

            return false;
        }

        if (c == '_' || char.IsLetterOrDigit(c))
        {
            return true;
        }

        var cat = char.GetUnicodeCategory(c);
        return cat is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark
            or System.Globalization.UnicodeCategory.EnclosingMark or System.Globalization.UnicodeCategory.ConnectorPunctuation
            or System.Globalization.UnicodeCategory.LetterNumber;
    }
}

/// <summary>A gap (Token null) or an added-token match, [Start, End).</summary>
internal readonly record struct AddedMatch(AddedToken? Token, int Start, int End);
