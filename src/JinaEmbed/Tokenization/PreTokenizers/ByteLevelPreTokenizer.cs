// "ByteLevel" pre-tokenizer (spec §2.3 step 4): optionally prepends a space to each split (add_prefix_space) and cuts
// it with GPT-2's pattern (use_regex), then rewrites every character as its UTF-8 bytes in GPT-2's byte alphabet.
// Every byte keeps the alignment of the character it came from, so a token holding part of a character gets the
// whole character's range (spec §2.5). A lone surrogate is encoded as U+FFFD, as a UTF-8 encoder would.
using System.Text;

namespace JinaEmbed.Tokenization.PreTokenizers;

internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : TextPreTokenizer
{
    private static readonly SplitPreTokenizer Gpt2Split = new(RuneSplitScanner.Gpt2, SplitBehavior.Isolated, invert: false);

    public override void PreTokenize(ref NormalizedText text, ref NormalizedText spare, ref SplitList splits, ref SplitList spareSplits)
    {
        if (addPrefixSpace)
        {
            PrependSpaces(ref text, ref spare, ref splits, ref spareSplits);
        }

        if (useRegex)
        {
            Gpt2Split.PreTokenize(ref text, ref spare, ref splits, ref spareSplits);
        }

        MapToBytes(text, spare, splits, spareSplits);
        (text, spare) = (spare, text);
        (splits, spareSplits) = (spareSplits, splits);
    }

    /// <summary>HF's prepend: the space takes the alignment of the split's first character.</summary>
    private static void PrependSpaces(ref NormalizedText text, ref NormalizedText spare, ref SplitList splits, ref SplitList spareSplits)
    {
        spare.Clear(text.Origin);
        spare.EnsureCapacity(text.Length + splits.Count);
        spareSplits.Clear();
        for (var k = 0; k < splits.Count; k++)
        {
            var s = splits.Starts[k];
            var e = splits.Ends[k];
            var from = spare.Length;
            if (text.RawChars[s] != ' ')
            {
                spare.Append(' ', text.Starts[s], text.Ends[s]);
            }

            spare.AppendFrom(text, s, e);
            spareSplits.Add(from, spare.Length);
        }

        (text, spare) = (spare, text);
        (splits, spareSplits) = (spareSplits, splits);
    }

    private static void MapToBytes(NormalizedText text, NormalizedText target, SplitList splits, SplitList targetSplits)
    {
        target.Clear(text.Origin);
        targetSplits.Clear();
        var map = ByteLevelAlphabet.ByteToChar;
        var chars = text.RawChars;
        var starts = text.Starts;
        var ends = text.Ends;
        Span<byte> utf8 = stackalloc byte[4];
        for (var k = 0; k < splits.Count; k++)
        {
            var s = splits.Starts[k];
            var e = splits.Ends[k];
            target.EnsureCapacity(target.Length + (3 * (e - s)));
            var from = target.Length;
            for (var i = s; i < e; i++)
            {
                var c = chars[i];
                if (c < 0x80)
                {
                    target.Append(map[c], starts[i], ends[i]);
                    continue;
                }

                Rune rune;
                if (char.IsHighSurrogate(c) && i + 1 < e && char.IsLowSurrogate(chars[i + 1]))
                {
                    rune = new Rune(c, chars[i + 1]);
                }
                else
                {
                    rune = char.IsSurrogate(c) ? Rune.ReplacementChar : new Rune(c);
                }

                var n = rune.EncodeToUtf8(utf8);
                for (var b = 0; b < n; b++)
                {
                    target.Append(map[utf8[b]], starts[i], ends[i]);
                }

                i += rune.Utf16SequenceLength - 1;
            }

            targetSplits.Add(from, target.Length);
        }
    }
}
