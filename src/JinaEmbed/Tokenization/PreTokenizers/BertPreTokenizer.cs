// "BertPreTokenizer" (issue #9): split on whitespace (removed) and on punctuation (each punctuation char isolated);
// punctuation is ASCII punctuation or a Unicode P* category, as HF's is_bert_punc.
using System.Globalization;
using JinaEmbed.Tokenization.Unicode;

namespace JinaEmbed.Tokenization.PreTokenizers;

internal sealed class BertPreTokenizer : TextPreTokenizer
{
    public override void PreTokenize(ref NormalizedText text, ref NormalizedText spare, ref SplitList splits, ref SplitList spareSplits)
    {
        spareSplits.Clear();
        var chars = text.RawChars;
        for (var k = 0; k < splits.Count; k++)
        {
            var s = splits.Starts[k];
            var e = splits.Ends[k];
            var wordStart = s;
            for (var i = s; i < e; i++)
            {
                var c = chars[i];
                if (char.IsHighSurrogate(c) && i + 1 < e && char.IsLowSurrogate(chars[i + 1]))
                {
                    // Supplementary code points: punctuation (e.g. U+10100) is isolated as one 2-unit split.
                    if (IsPunctuation(BertUnicodeTables.Category(char.ConvertToUtf32(c, chars[i + 1]))))
                    {
                        spareSplits.Add(wordStart, i);
                        spareSplits.Add(i, i + 2);
                        wordStart = i + 2;
                    }

                    i++;
                    continue;
                }

                if (char.IsWhiteSpace(c))
                {
                    spareSplits.Add(wordStart, i);
                    wordStart = i + 1;
                }
                else if (IsPunctuation(c))
                {
                    spareSplits.Add(wordStart, i);
                    spareSplits.Add(i, i + 1);
                    wordStart = i + 1;
                }
            }

            spareSplits.Add(wordStart, e);
        }

        (splits, spareSplits) = (spareSplits, splits);
    }

    internal static bool IsPunctuation(char c)
    {
        if (c < 0x80)
        {
            return c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');
        }

        return IsPunctuation(BertUnicodeTables.Category(c));
    }

    private static bool IsPunctuation(UnicodeCategory category)
    {
        return category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }
}
