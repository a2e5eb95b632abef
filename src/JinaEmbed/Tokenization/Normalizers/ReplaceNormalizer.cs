// "Replace" normalizer: literal or regex pattern → content. As in HF, the replacement takes the alignment of the
// last code point of each match (spec §2.3: variant A aligns the single kept space to the last space of a run).
using System.Text.RegularExpressions;

namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class ReplaceNormalizer : TextNormalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceNormalizer(string? literal, Regex? regex, string content)
    {
        _literal = literal;
        _regex = regex;
        _content = content;
    }

    public override void Normalize(ref NormalizedText text, ref NormalizedText spare)
    {
        var src = text;
        var chars = src.Chars;
        var last = 0;
        var any = false;
        spare.Clear(src.Origin);
        if (_regex != null)
        {
            foreach (var m in _regex.EnumerateMatches(chars))
            {
                if (m.Length == 0)
                {
                    continue;
                }

                any = true;
                AppendMatch(src, spare, last, m.Index, m.Index + m.Length);
                last = m.Index + m.Length;
            }
        }
        else if (!string.IsNullOrEmpty(_literal))
        {
            var at = 0;
            while (at <= chars.Length - _literal.Length)
            {
                var found = chars[at..].IndexOf(_literal.AsSpan(), StringComparison.Ordinal);
                if (found < 0)
                {
                    break;
                }

                any = true;
                var start = at + found;
                AppendMatch(src, spare, last, start, start + _literal.Length);
                last = start + _literal.Length;
                at = last;
            }
        }

        if (!any)
        {
            return;
        }

        spare.AppendFrom(src, last, src.Length);
        Swap(ref text, ref spare);
    }

    private void AppendMatch(NormalizedText src, NormalizedText dst, int copyFrom, int matchStart, int matchEnd)
    {
        dst.AppendFrom(src, copyFrom, matchStart);
        var s = src.Starts[matchEnd - 1];
        var e = src.Ends[matchEnd - 1];
        foreach (var c in _content)
        {
            dst.Append(c, s, e);
        }
    }
}
