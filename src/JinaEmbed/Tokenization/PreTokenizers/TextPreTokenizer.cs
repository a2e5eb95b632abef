// Base of the tokenizer.json pre-tokenizers (spec §2.2 step 3).
namespace JinaEmbed.Tokenization.PreTokenizers;

/// <summary>Splits (and possibly rewrites) normalized text into pre-tokens.</summary>
internal abstract class TextPreTokenizer
{
    /// <summary>Refines <paramref name="splits"/> over <paramref name="text"/>; may rebuild the text into
    /// <paramref name="spare"/> (then swapped) and the splits via <paramref name="spareSplits"/> (then swapped).</summary>
    public abstract void PreTokenize(ref NormalizedText text, ref NormalizedText spare, ref SplitList splits, ref SplitList spareSplits);
}
