// Post-processor (spec §2.2 step 5): TemplateProcessing, or the older RobertaProcessing / BertProcessing expressed as
// templates. Adds the special tokens around the sequence(s) with their type ids.
namespace JinaEmbed.Tokenization;

/// <summary>Single and pair templates.</summary>
internal sealed class PostProcessor(TemplatePiece[] single, TemplatePiece[] pair)
{
    public TemplatePiece[] Single => single;

    public TemplatePiece[] Pair => pair;

    /// <summary>ByteLevel's trim_offsets: offsets skip the leading and trailing spaces (Ġ) of each token.</summary>
    public bool TrimOffsets { get; init; }

    /// <summary>ByteLevel's add_prefix_space: the first token keeps one leading space in its offsets.</summary>
    public bool AddPrefixSpace { get; init; }

    /// <summary>True for the ByteLevel processor (no special tokens of its own).</summary>
    public bool IsByteLevel { get; init; }

    /// <summary>HF's ByteLevel process_offsets over one sequence's tokens.</summary>
    public void Trim(TokenBuffer tokens, Func<int, string?> tokenOf)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens.Texts[i] ?? tokenOf(tokens.Ids[i]);
            if (string.IsNullOrEmpty(token))
            {
                continue;
            }

            var leading = 0;
            while (leading < token.Length && IsSpace(token[leading]))
            {
                leading++;
            }

            var trailing = 0;
            while (trailing < token.Length && IsSpace(token[token.Length - 1 - trailing]))
            {
                trailing++;
            }

            var start = tokens.Starts[i];
            var end = tokens.Ends[i];
            if (leading > 0)
            {
                if ((i == 0 || start == 0) && AddPrefixSpace && leading == 1)
                {
                    leading = 0;
                }

                start = Math.Min(start + leading, end);
            }

            if (trailing > 0 && end >= trailing)
            {
                end = Math.Max(end - trailing, start);
            }

            tokens.SetOffsets(i, start, end);
        }

        static bool IsSpace(char c) => c == '\u0120' || char.IsWhiteSpace(c);
    }

    /// <summary>Number of tokens the template adds.</summary>
    public int AddedTokens(bool isPair)
    {
        var n = 0;
        foreach (var p in isPair ? pair : single)
        {
            if (!p.IsSequence)
            {
                n += p.Ids.Length;
            }
        }

        return n;
    }

    /// <summary>Special ids before the first sequence slot of the single template.</summary>
    public int[] Prefix() => single.TakeWhile(p => !p.IsSequence).SelectMany(p => p.Ids).ToArray();

    /// <summary>Special ids after the first sequence slot of the single template.</summary>
    public int[] Suffix() => single.SkipWhile(p => !p.IsSequence).Skip(1).Where(p => !p.IsSequence).SelectMany(p => p.Ids).ToArray();
}
