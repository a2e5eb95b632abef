// "Metaspace" pre-tokenizer (spec §2.2 step 3): ' ' → replacement, prepend it per prepend_scheme (or the older
// add_prefix_space), then split before each replacement char (split: true), the char merged with what follows.
namespace JinaEmbed.Tokenization.PreTokenizers;

/// <summary>When Metaspace prepends its replacement.</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}

internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme scheme, bool split) : TextPreTokenizer
{
    public char Replacement => replacement;

    public PrependScheme Scheme => scheme;

    public override void PreTokenize(ref NormalizedText text, ref NormalizedText spare, ref SplitList splits, ref SplitList spareSplits)
    {
        spare.Clear(text.Origin);
        spare.EnsureCapacity(text.Length + splits.Count + 1);
        spareSplits.Clear();
        var src = text.RawChars;
        var srcStarts = text.Starts;
        var srcEnds = text.Ends;
        for (var k = 0; k < splits.Count; k++)
        {
            var s = splits.Starts[k];
            var e = splits.Ends[k];
            var segStart = spare.Length;
            var first = src[s];
            var prepend = scheme switch
            {
                PrependScheme.Always => first != replacement && first != ' ',
                PrependScheme.First => first != replacement && first != ' ' && srcStarts[s] == 0,
                _ => false,
            };
            if (prepend)
            {
                spare.Append(replacement, srcStarts[s], srcEnds[s]);
            }

            for (var i = s; i < e; i++)
            {
                var c = src[i];
                spare.Append(c == ' ' ? replacement : c, srcStarts[i], srcEnds[i]);
            }

            if (!split)
            {
                spareSplits.Add(segStart, spare.Length);
                continue;
            }

            var chars = spare.RawChars;
            var pieceStart = segStart;
            for (var i = segStart + 1; i < spare.Length; i++)
            {
                if (chars[i] == replacement)
                {
                    spareSplits.Add(pieceStart, i);
                    pieceStart = i;
                }
            }

            spareSplits.Add(pieceStart, spare.Length);
        }

        (text, spare) = (spare, text);
        (splits, spareSplits) = (spareSplits, splits);
    }
}
