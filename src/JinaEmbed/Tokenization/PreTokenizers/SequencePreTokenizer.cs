// "Sequence" pre-tokenizer: applies its children in order.
namespace JinaEmbed.Tokenization.PreTokenizers;

internal sealed class SequencePreTokenizer(TextPreTokenizer[] steps) : TextPreTokenizer
{
    public override void PreTokenize(ref NormalizedText text, ref NormalizedText spare, ref SplitList splits, ref SplitList spareSplits)
    {
        foreach (var step in steps)
        {
            step.PreTokenize(ref text, ref spare, ref splits, ref spareSplits);
        }
    }
}
