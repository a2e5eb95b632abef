// Base of the tokenizer.json normalizers (spec §2.2 step 2).
namespace JinaEmbed.Tokenization.Normalizers;

/// <summary>One normalizer step: rewrites a <see cref="NormalizedText"/>, keeping alignments to the original.</summary>
internal abstract class TextNormalizer
{
    /// <summary>Normalizes <paramref name="text"/>; may write into <paramref name="spare"/> and swap the two.</summary>
    public abstract void Normalize(ref NormalizedText text, ref NormalizedText spare);

    protected static void Swap(ref NormalizedText text, ref NormalizedText spare) => (text, spare) = (spare, text);
}
