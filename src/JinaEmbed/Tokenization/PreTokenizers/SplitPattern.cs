// What a "Split" pre-tokenizer looks for (spec §2.2, §2.8): a literal string, a regex, or one of the well-known
// GPT-2 / cl100k-style regexes, which are scanned over code points (RuneSplitScanner) instead of .NET Regex.
using System.Text.RegularExpressions;

namespace JinaEmbed.Tokenization.PreTokenizers;

/// <summary>Finds the non-empty, non-overlapping matches of a pattern, left to right.</summary>
internal abstract class SplitPattern
{
    /// <summary>Adds the matches inside units [start, end) of <paramref name="text"/> (absolute positions) to
    /// <paramref name="matches"/>.</summary>
    public abstract void FindMatches(ReadOnlySpan<char> text, int start, int end, SplitList matches);

    /// <summary>The pattern for a tokenizer.json Regex: a code-point scanner when the pattern is one we know, else .NET
    /// Regex (which sees a supplementary character as two surrogates: \p{L}/\p{N} miss letters and digits outside the
    /// BMP for such patterns).</summary>
    public static SplitPattern FromRegex(string pattern) =>
        RuneSplitScanner.TryCreate(pattern) ?? (SplitPattern)new RegexSplitPattern(pattern);
}

/// <summary>Every occurrence of a literal string (HF escapes it into a regex; an empty one never matches).</summary>
internal sealed class LiteralSplitPattern(string literal) : SplitPattern
{
    public override void FindMatches(ReadOnlySpan<char> text, int start, int end, SplitList matches)
    {
        if (literal.Length == 0)
        {
            return;
        }

        var i = start;
        while (i < end)
        {
            var k = text[i..end].IndexOf(literal.AsSpan(), StringComparison.Ordinal);
            if (k < 0)
            {
                return;
            }

            matches.Add(i + k, i + k + literal.Length);
            i += k + literal.Length;
        }
    }
}

/// <summary>Any other regex, run by .NET over UTF-16 (see <see cref="SplitPattern.FromRegex"/> for the limitation).</summary>
internal sealed class RegexSplitPattern(string pattern) : SplitPattern
{
    // No match timeout: encoding must not throw (HF's Oniguruma has none either).
    private readonly Regex _regex = new(pattern, RegexOptions.CultureInvariant);

    public override void FindMatches(ReadOnlySpan<char> text, int start, int end, SplitList matches)
    {
        foreach (var m in _regex.EnumerateMatches(text[start..end]))
        {
            var s = start + m.Index;
            var e = s + m.Length;

            // Never cut a surrogate pair: widen a match that would (the pieces stay well-formed UTF-16).
            if (s > start && s < end && char.IsLowSurrogate(text[s]) && char.IsHighSurrogate(text[s - 1]))
            {
                s--;
            }

            if (e > start && e < end && char.IsLowSurrogate(text[e]) && char.IsHighSurrogate(text[e - 1]))
            {
                e++;
            }

            var last = matches.Count > 0 ? matches.Ends[matches.Count - 1] : int.MinValue;
            matches.Add(Math.Max(s, last), e);
        }
    }
}
