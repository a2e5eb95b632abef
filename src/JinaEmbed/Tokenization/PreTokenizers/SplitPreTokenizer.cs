// "Split" pre-tokenizer (spec §2.2, §2.3 step 3): cuts every current split at the pattern's matches (or, with invert,
// at what lies between them) and then keeps, drops or merges the delimiters as HF's SplitDelimiterBehavior says.
namespace JinaEmbed.Tokenization.PreTokenizers;

internal sealed class SplitPreTokenizer(SplitPattern pattern, SplitBehavior behavior, bool invert) : TextPreTokenizer
{
    [ThreadStatic]
    private static SplitList? _matches;

    public override void PreTokenize(ref NormalizedText text, ref NormalizedText spare, ref SplitList splits, ref SplitList spareSplits)
    {
        var matches = _matches ??= new SplitList();
        spareSplits.Clear();
        var chars = text.Chars;
        for (var k = 0; k < splits.Count; k++)
        {
            var start = splits.Starts[k];
            var end = splits.Ends[k];
            matches.Clear();
            pattern.FindMatches(chars, start, end, matches);
            Apply(matches, start, end, spareSplits);
        }

        (splits, spareSplits) = (spareSplits, splits);
    }

    /// <summary>Turns the matches of one split into pieces (HF's NormalizedString::split).</summary>
    private void Apply(SplitList matches, int start, int end, SplitList output)
    {
        if (behavior == SplitBehavior.Isolated)
        {
            // Matches and the gaps between them are all pieces, whichever side invert puts them on.
            var prev = start;
            for (var m = 0; m < matches.Count; m++)
            {
                output.Add(prev, matches.Starts[m]);
                output.Add(matches.Starts[m], matches.Ends[m]);
                prev = matches.Ends[m];
            }

            output.Add(prev, end);
            return;
        }

        // The ranges with their "is delimiter" flag, in order.
        var pos = start;
        var m2 = 0;
        var previousMatch = false;
        var pendingStart = -1;
        var pendingEnd = -1;
        while (pos < end)
        {
            int s, e;
            bool isMatch;
            if (m2 < matches.Count && matches.Starts[m2] == pos)
            {
                s = pos;
                e = matches.Ends[m2++];
                isMatch = true;
            }
            else
            {
                s = pos;
                e = m2 < matches.Count ? matches.Starts[m2] : end;
                isMatch = false;
            }

            pos = e;
            isMatch ^= invert;
            switch (behavior)
            {
                case SplitBehavior.Removed:
                    if (!isMatch)
                    {
                        output.Add(s, e);
                    }

                    break;
                case SplitBehavior.Contiguous:
                    if (isMatch == previousMatch && pendingStart >= 0)
                    {
                        pendingEnd = e;
                    }
                    else
                    {
                        Flush();
                        (pendingStart, pendingEnd) = (s, e);
                    }

                    break;
                case SplitBehavior.MergedWithPrevious:
                    if (isMatch && !previousMatch && pendingStart >= 0)
                    {
                        pendingEnd = e;
                    }
                    else
                    {
                        Flush();
                        (pendingStart, pendingEnd) = (s, e);
                    }

                    break;
                case SplitBehavior.MergedWithNext:
                    // A delimiter opens the next piece: it starts a piece that the following non-delimiter joins.
                    if (!isMatch && previousMatch && pendingStart >= 0)
                    {
                        pendingEnd = e;
                    }
                    else
                    {
                        Flush();
                        (pendingStart, pendingEnd) = (s, e);
                    }

                    break;
            }

            previousMatch = isMatch;
        }

        Flush();

        void Flush()
        {
            if (pendingStart >= 0)
            {
                output.Add(pendingStart, pendingEnd);
                pendingStart = -1;
            }
        }
    }
}
