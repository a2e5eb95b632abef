// Post-processor (spec §2.2 step 5): TemplateProcessing, or the older RobertaProcessing / BertProcessing expressed as
// templates. Adds the special tokens around the sequence(s) with their type ids.
namespace JinaEmbed.Tokenization;

/// <summary>Single and pair templates.</summary>
internal sealed class PostProcessor(TemplatePiece[] single, TemplatePiece[] pair)
{
    public TemplatePiece[] Single => single;

    public TemplatePiece[] Pair => pair;

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
