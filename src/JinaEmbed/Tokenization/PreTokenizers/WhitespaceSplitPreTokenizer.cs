// "WhitespaceSplit" pre-tokenizer: split on Unicode whitespace, which is removed.
namespace JinaEmbed.Tokenization.PreTokenizers;

internal sealed class WhitespaceSplitPreTokenizer : TextPreTokenizer
{
    public override void PreTokenize(ref NormalizedText text, ref NormalizedText spare, ref SplitList splits, ref SplitList spareSplits)
    {
        spareSplits.Clear();
        var chars = text.RawChars;
        for (var k = 0; k < splits.Count; k++)
        {
            var wordStart = splits.Starts[k];
            var e = splits.Ends[k];
            for (var i = wordStart; i < e; i++)
            {
                if (char.IsWhiteSpace(chars[i]))
                {
                    spareSplits.Add(wordStart, i);
                    wordStart = i + 1;
                }
            }

            spareSplits.Add(wordStart, e);
        }

        (splits, spareSplits) = (spareSplits, splits);
    }
}
